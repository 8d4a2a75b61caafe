"""Date expressions in article text, resolved to calendar dates with evidence spans.

dateparser reads well-formed date strings, but run over whole paragraphs it turns document
numbers, counts and bare years into dates, and it returns None for fillers, ranges and Jalali
dates (LIBRARIES.md section 3). So this module finds the candidates itself:

1. one scan of the folded text finds *atoms*: numbers; month, weekday, year, day and hour
   words from dateparser's locale data; the [dates] terms of the language's resource file;
   the calendars and era markers of ``resources/dates.toml``; document signs;
2. a small grammar joins adjacent atoms into expressions (``15.03.2024``, ``12 Ekim 2021
   günü``, ``tháng 5/2021``, ``с 29 февраля по 1 марта``, ``۱۱ اردیبهشت ۱۴۰۲``, ``pazartesi``)
   and rejects numbers that belong to document numbers, amounts, times and codes;
3. each expression is resolved from its parts: the Gregorian calendar through ``datetime``,
   the Jalali one through jdatetime, the Hijri one through hijridate; a day and month without
   a year take it from the publication date, else from the nearest year written in the text.

Resolving parsed parts directly gives the same dates as ``dateparser.parse`` on the candidate
(tests check this) at a few microseconds instead of 0.5-1.6 ms per candidate, which the
pipeline's speed target cannot afford. dateparser still parses the free-form byline strings
of ``parse_date_expression`` that the grammar does not cover.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources as importlib_resources
from typing import Any, Literal

import jdatetime
from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader
from hijridate import Gregorian as HijriGregorian
from hijridate import Hijri

from laborlens.errors import ResourceError
from laborlens.pipeline.extract.document import ArticleText
from laborlens.records import DateMention, DatePrecision, Span
from laborlens.resources.patterns import fold_for_matching
from laborlens.resources.schema import LanguageResources, load_language

logger = logging.getLogger(__name__)

# A day and month without a year are placed on or before the publication date, except that
# calls to strike or to rally name days a few weeks ahead: up to this many days after it
# the date stays in the publication year.
FUTURE_GRACE = dt.timedelta(days=31)
# In a sentence about the future ("will", "sẽ", "planlanan") a yearless date is the next one
# from a few days before the publication date on.
FUTURE_SLACK = dt.timedelta(days=3)

_CONFIDENCE: dict[str, float] = {"day": 0.9, "month": 0.8, "year": 0.7}
_AMBIGUOUS_ORDER = 0.7
_PARTIAL_BY_REFERENCE = 0.6
_PARTIAL_BY_TEXT = 0.5
_RANGE_PENALTY = 0.05
_WEEKDAY_MISMATCH = 0.2
_WEEKDAY_CONFIDENCE = 0.65
_RELATIVE_DAY_CONFIDENCE = 0.55  # "today" is often "nowadays" in quoted speeches
_RELATIVE_UNIT_CONFIDENCE = 0.45
_MAX_RANGE = dt.timedelta(days=366)
_MAX_EXPRESSION = 120  # parse_date_expression hands longer strings to the extractor only

# Atom kinds, as bits: one word can be several things at once (Turkish "saat" is a filler in
# the resource file and an hour word in dateparser's data).
_NUM = 1
_MONTH = 2
_MONTHWORD = 4
_YEARWORD = 8
_YEARMARK = 16
_ERA = 32
_FILLER = 64
_WEEKDAY = 128
_RELDAY = 256
_FROM = 512
_TO = 1024
_DOC = 2048
_HOUR = 4096
_SKIP = 8192
_AMPM = 16384  # am/pm: a time marker only after the number, German "am" is "on the"
_UNIT = 32768  # day, week, month, year: "last month", "three days ago"
_RELMOD = 65536  # last / this / next, pointing a unit back or forward
_AGO = 131072  # "ago" words: before the count (hace, il y a, قبل) or after it (ago, назад)
_COUNT = 262144  # number words ("two", "три") and counted units ("يومين": two days)
_STARTERS = (
    _NUM | _MONTH | _MONTHWORD | _YEARWORD | _FILLER | _WEEKDAY | _RELDAY | _FROM | _TO | _SKIP
    | _UNIT | _RELMOD | _AGO | _COUNT
)  # fmt: skip
_CONTEXT = _FILLER | _SKIP | _FROM | _TO  # words that make a bare month name a date

_MONTH_KEYS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RELATIVE_KEYS = {"0 day ago": 0, "1 day ago": -1, "2 day ago": -2}
# dateparser's whole phrases for "last month", "this year", "next year": unit and offset.
_RELATIVE_UNIT_KEYS = {
    "1 month ago": ("month", -1),
    "0 month ago": ("month", 0),
    "in 1 month": ("month", 1),
    "1 year ago": ("year", -1),
    "0 year ago": ("year", 0),
    "in 1 year": ("year", 1),
}
_UNITS = ("day", "week", "month", "year")
_MODIFIER_KEYS = {"previous": -1, "current": 0, "following": 1}

# Gaps between atoms, on the folded text. A Turkish-style apostrophe suffix may end a word.
_NEAR = re.compile(r"(?:'[^\W\d_]*)?[ \t]*[,.،]?[ \t]*")
_DASH = re.compile(r"(?:'[^\W\d_]*)?\.?[ \t]*[-–—][ \t]*")
_TO_YEAR = re.compile(r"(?:'[^\W\d_]*)?[ \t]*[,./\-،]?[ \t]*")
_PREFIX_GAP = re.compile(r"[ \t]*[,،]?[ \t]*")
_TAIL = re.compile(r"(?:'[^\W\d_]*)?[ \t]*")
_MARKER_GAP = re.compile(r"[ \t]*[.:]?[ \t]*")
_NUM_SEPARATORS = (".", "/", "-")
_ORDINAL = re.compile(r"-?[^\W\d_]{1,3}(?![^\W\d_])")
_GLUED = re.compile(r"[^\W\d_]")
_CONTINUES_NUMBER = re.compile(r"[/\-.:,]\d|[/\-][^\W\d_]")
_KEY_SPACE = re.compile(r"[\s\-]+")


# --------------------------------------------------------------------------- calendars


def _gregorian_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _jalali_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        g = jdatetime.date(year, month, day).togregorian()
    except ValueError:
        return None
    return dt.date(int(g.year), int(g.month), int(g.day))


def _hijri_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        g = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None
    return dt.date(int(g.year), int(g.month), int(g.day))


def _jalali_year(day: dt.date) -> int:
    return int(jdatetime.date.fromgregorian(date=day).year)


def _hijri_year(day: dt.date) -> int:
    try:
        return int(HijriGregorian.fromdate(day).to_hijri().year)
    except (ValueError, OverflowError):
        return 0


_CONVERTERS: dict[
    str, tuple[Callable[[int, int, int], dt.date | None], Callable[[dt.date], int]]
] = {
    "gregorian": (_gregorian_date, lambda d: d.year),
    "jalali": (_jalali_date, _jalali_year),
    "hijri": (_hijri_date, _hijri_year),
}


@dataclass(frozen=True, slots=True)
class _Calendar:
    name: str
    years: tuple[int, int]
    default_for: frozenset[str]
    month_languages: frozenset[str] | None
    months: tuple[tuple[str, ...], ...]
    markers: tuple[str, ...]

    def to_gregorian(self, year: int, month: int, day: int) -> dt.date | None:
        if not self.years[0] <= year <= self.years[1]:
            return None
        return _CONVERTERS[self.name][0](year, month, day)

    def year_of(self, day: dt.date) -> int:
        return _CONVERTERS[self.name][1](day)


@dataclass(frozen=True, slots=True)
class _RelativeWords:
    """One language's words for relative dates: "last month", "three days ago"."""

    units: Mapping[str, tuple[str, ...]]  # unit -> words (day, week, month, year)
    modifiers: Mapping[int, tuple[str, ...]]  # -1 previous, 0 current, 1 following
    ago_before: tuple[str, ...]
    ago_after: tuple[str, ...]
    numbers: Mapping[str, int]
    counted: Mapping[str, tuple[int, str]]
    phrases: Mapping[str, tuple[int, str]]  # one word for a moved unit: "امسال" this year


@dataclass(frozen=True, slots=True)
class _SharedTables:
    calendars: Mapping[str, _Calendar]
    document_signs: str
    currency: str
    percent: str
    relative: Mapping[str, _RelativeWords]
    lowercase_months: frozenset[str]


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ResourceError(f"dates.toml: {where} must be a list of non-empty strings")
    return tuple(value)


@cache
def _shared() -> _SharedTables:
    """The language-neutral tables of resources/dates.toml, read once per process."""
    path = importlib_resources.files("laborlens.resources") / "dates.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"dates.toml: {exc}") from exc
    calendars: dict[str, _Calendar] = {}
    for name, table in data.get("calendars", {}).items():
        if name not in _CONVERTERS:
            raise ResourceError(f"dates.toml: unknown calendar [calendars.{name}]")
        years = table.get("years")
        if not (
            isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) for y in years)
        ):
            raise ResourceError(f"dates.toml: [calendars.{name}] years must be [first, last]")
        months = tuple(_strings(m, f"[calendars.{name}] months") for m in table.get("months", []))
        if months and len(months) != 12:
            raise ResourceError(f"dates.toml: [calendars.{name}] months must list 12 months")
        langs = table.get("month_languages")
        calendars[name] = _Calendar(
            name=name,
            years=(years[0], years[1]),
            default_for=frozenset(_strings(table.get("default_for", []), "default_for")),
            month_languages=None
            if langs is None
            else frozenset(_strings(langs, "month_languages")),
            months=months,
            markers=_strings(table.get("markers", []), f"[calendars.{name}] markers"),
        )
    if "gregorian" not in calendars:
        raise ResourceError("dates.toml: [calendars.gregorian] is required")
    signs = data.get("signs", {})
    document = _strings(signs.get("document", []), "[signs] document")
    for pattern in document:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ResourceError(f"dates.toml: [signs] document {pattern!r}: {exc}") from exc
    months = data.get("months", {})
    return _SharedTables(
        calendars=calendars,
        document_signs="|".join(f"(?:{p})" for p in document),
        currency=str(signs.get("currency", "")),
        percent=str(signs.get("percent", "")),
        relative={
            lang: _relative_words(table, lang) for lang, table in data.get("relative", {}).items()
        },
        lowercase_months=frozenset(_strings(months.get("lowercase", []), "[months] lowercase")),
    )


def _relative_words(table: Any, lang: str) -> _RelativeWords:
    where = f"[relative.{lang}]"
    if not isinstance(table, dict):
        raise ResourceError(f"dates.toml: {where} must be a table")
    keys = {*_UNITS, *_MODIFIER_KEYS, "ago_before", "ago_after", "numbers", "counted", "phrases"}
    unknown = set(table) - keys
    if unknown:
        raise ResourceError(f"dates.toml: {where} unknown key(s) {', '.join(sorted(unknown))}")
    numbers = table.get("numbers", {})
    if not isinstance(numbers, dict) or not all(
        isinstance(v, int) and v > 0 for v in numbers.values()
    ):
        raise ResourceError(f"dates.toml: {where} numbers must map words to positive integers")
    counted = _unit_table(table.get("counted", {}), f"{where} counted")
    phrases = _unit_table(table.get("phrases", {}), f"{where} phrases")
    if any(count < 1 for count, _ in counted.values()):
        raise ResourceError(f"dates.toml: {where} counted units need a positive count")
    return _RelativeWords(
        units={u: _strings(table.get(u, []), f"{where} {u}") for u in _UNITS},
        modifiers={
            offset: _strings(table.get(key, []), f"{where} {key}")
            for key, offset in _MODIFIER_KEYS.items()
        },
        ago_before=_strings(table.get("ago_before", []), f"{where} ago_before"),
        ago_after=_strings(table.get("ago_after", []), f"{where} ago_after"),
        numbers={str(k): int(v) for k, v in numbers.items()},
        counted=counted,
        phrases=phrases,
    )


def _unit_table(table: Any, where: str) -> dict[str, tuple[int, str]]:
    """Words mapped to "N unit" ("2 day", "-1 year")."""
    if not isinstance(table, dict):
        raise ResourceError(f"dates.toml: {where} must be a table")
    out: dict[str, tuple[int, str]] = {}
    for word, value in table.items():
        count, _, unit = str(value).partition(" ")
        if not re.fullmatch(r"-?\d+", count) or unit not in _UNITS:
            raise ResourceError(f"dates.toml: {where} {word!r} must read 'N unit'")
        out[str(word)] = (int(count), unit)
    return out


# --------------------------------------------------------------------------- language tables


@dataclass(frozen=True, slots=True)
class _Info:
    """What a word means for dates; several infos for one word are merged by ``_merge``."""

    kinds: int
    month: int = 0
    weekday: int = -1
    offset: int = 0
    calendar: str = ""
    short: bool = False
    standalone: bool = False
    unit: str = ""
    count: int = 0
    after: bool = False  # an "ago" word written after the count


def _merge(a: _Info, b: _Info) -> _Info:
    return _Info(
        kinds=a.kinds | b.kinds,
        month=a.month or b.month,
        weekday=a.weekday if a.weekday >= 0 else b.weekday,
        offset=a.offset if a.kinds & (_RELDAY | _RELMOD) else b.offset,
        calendar=a.calendar or b.calendar,
        short=a.short and b.short if a.kinds & b.kinds & _MONTH else a.short or b.short,
        standalone=a.standalone or b.standalone,
        unit=a.unit or b.unit,
        count=a.count or b.count,
        after=a.after if a.kinds & _AGO else b.after,
    )


@dataclass(frozen=True, slots=True)
class _Tables:
    lang: str
    order: str
    regex: re.Pattern[str]
    words: Mapping[str, _Info]
    stems: Mapping[str, tuple[_Stem, ...]]  # by first character, "" for a bare "*"
    raw: tuple[_RawTerm, ...]
    default_calendars: tuple[_Calendar, ...]
    calendars: Mapping[str, _Calendar]
    currency: str
    percent: str
    proclitic: re.Pattern[str] | None  # letters that may be glued to a number ("و15")
    spaced: bool  # words are separated by spaces (not Chinese)
    lowercase_months: bool


def _key(form: str) -> str:
    return _KEY_SPACE.sub(" ", form.strip())


@cache
def _locale_info(lang: str) -> Mapping[str, Any] | None:
    """dateparser's data for ``lang`` (month, weekday, year words ...), None if it has none."""
    try:
        locale = default_loader.get_locale(lang)
    except (ValueError, KeyError):
        return None
    info: Mapping[str, Any] = locale.info
    return info


def _date_order(lang: str) -> str:
    info = _locale_info(lang)
    order = str(info.get("date_order", "DMY")) if info else "DMY"
    return order if order in {"DMY", "MDY", "YMD"} else "DMY"


def _usable(form: str) -> bool:
    """Single ASCII letters (en 'y', fr 'j') match too much; one Cyrillic 'г' is a year word."""
    stripped = form.strip(" .")
    return len(stripped) >= 2 or (
        len(stripped) == 1 and not stripped.isascii() and stripped.isalpha()
    )


def _builtin_words(
    lang: str, case_map: Mapping[str, str] | None, resources: LanguageResources | None
) -> dict[str, _Info]:
    words: dict[str, _Info] = {}

    def add(form: str, info: _Info) -> None:
        key = _key(fold_for_matching(form, case_map).rstrip("."))
        if not key or not _usable(key):
            return
        words[key] = _merge(words[key], info) if key in words else info

    has_weekdays = bool(resources and resources.weekdays)
    info = _locale_info(lang)
    if info:
        month_words = {_key(fold_for_matching(f, case_map)) for f in info.get("month", [])}
        for number, name in enumerate(_MONTH_KEYS, 1):
            forms = [_key(fold_for_matching(f, case_map).rstrip(".")) for f in info.get(name, [])]
            for form in forms:
                if len(form) <= 2 and form.isascii():
                    continue  # tr "Te", "Ar": two letters are a suffix or a word far more often
                short = len(form) <= 2 or (
                    len(form) <= 3 and any(o != form and o.startswith(form) for o in forms)
                )
                # "tháng ba" names the month with the word for month: a date on its own.
                # "tháng 5" is also "month's 5 (million)": only spelled-out names count.
                named = (
                    " " in form
                    and form.split(" ", 1)[0] in month_words
                    and not any(ch.isdigit() for ch in form)
                )
                add(
                    form,
                    _Info(
                        _MONTH, month=number, calendar="gregorian", short=short, standalone=named
                    ),
                )
        for number, name in enumerate(_WEEKDAY_KEYS):
            forms = [_key(fold_for_matching(f, case_map).rstrip(".")) for f in info.get(name, [])]
            for form in forms:
                abbreviated = len(form) <= 3 or any(o != form and o.startswith(form) for o in forms)
                add(
                    form,
                    _Info(
                        _WEEKDAY, weekday=number, standalone=not has_weekdays and not abbreviated
                    ),
                )
        for form in info.get("year", []):
            add(form, _Info(_YEARWORD))
        for form in info.get("month", []):
            add(form, _Info(_MONTHWORD))
        for form in info.get("day", []):
            add(form, _Info(_FILLER))
        for form in info.get("hour", []):
            add(form, _Info(_HOUR))
        for name in ("am", "pm"):
            for form in info.get(name, []):
                add(form, _Info(_AMPM))
        for form in info.get("skip", []):
            if form.replace(" ", "").isalpha():
                add(form, _Info(_SKIP))
        relative_type = info.get("relative-type", {})
        for rel, offset in _RELATIVE_KEYS.items():
            for form in relative_type.get(rel, []):
                add(form, _Info(_RELDAY, offset=offset, standalone=True))
        for rel, (unit, offset) in _RELATIVE_UNIT_KEYS.items():
            for form in relative_type.get(rel, []):
                if " " in form.strip() or not form.isascii():  # "yr", "mo": too short alone
                    add(form, _Info(_UNIT | _RELMOD, unit=unit, offset=offset))
    relative = _shared().relative.get(lang)
    if relative is not None:
        for unit, unit_forms in relative.units.items():
            for form in unit_forms:
                add(form, _Info(_UNIT, unit=unit))
        for offset, modifier_forms in relative.modifiers.items():
            for form in modifier_forms:
                add(form, _Info(_RELMOD, offset=offset))
        for form in relative.ago_before:
            add(form, _Info(_AGO))
        for form in relative.ago_after:
            add(form, _Info(_AGO, after=True))
        for form, number in relative.numbers.items():
            add(form, _Info(_COUNT, count=number))
        for form, (number, unit) in relative.counted.items():
            add(form, _Info(_COUNT | _UNIT, count=number, unit=unit))
        for form, (number, unit) in relative.phrases.items():
            add(form, _Info(_UNIT | _RELMOD, offset=number, unit=unit))
    for calendar in _shared().calendars.values():
        if calendar.month_languages is None or lang in calendar.month_languages:
            for number, names in enumerate(calendar.months, 1):
                for name in names:
                    add(name, _Info(_MONTH, month=number, calendar=calendar.name))
        for marker in calendar.markers:
            add(marker, _Info(_ERA, calendar=calendar.name))
    return words


def _trie_regex(words: Iterable[str]) -> str:
    """One regex for many words; a trie lets the engine skip most branches at once.

    A space stands for any run of spaces or hyphens and ``*`` for any word characters, as in
    the term language of the resource files.
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            head = r"[\s\-]+" if ch == " " else r"\w*" if ch == "*" else re.escape(ch)
            branches.append(head + build(node[ch]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _abbreviated(term: str) -> bool:
    """A dotted form, or three Latin letters ("ara", "kas"): as often a word as a month."""
    bare = term.rstrip("*")
    return bare.endswith(".") or (len(bare) <= 3 and all(ch < "\u0250" for ch in bare))


def _resource_entries(res: LanguageResources, lang: str) -> list[tuple[str, _Info]]:
    """The [dates] terms of a resource file with what each means to the grammar.

    A filler after a four-digit number marks it as a year ("2019 г.", "2021 yılında") only when
    it is a form of the language's word for year: "about 2000 of the workers" is no year.
    """
    info = _locale_info(lang)
    years = [
        fold_for_matching(w, res.case_map).rstrip(".")
        for w in (info.get("year", []) if info else [])
    ]
    years = [w for w in years if _usable(w)]
    months = [
        fold_for_matching(w, res.case_map).rstrip(".")
        for w in (info.get("month", []) if info else [])
    ]
    months = [w for w in months if _usable(w) and len(w) >= 2]
    entries: list[tuple[str, _Info]] = []
    for term, month in res.months.items():
        short = _abbreviated(term)
        entries.append((term, _Info(_MONTH, month=month, calendar="gregorian", short=short)))
    for term, day in res.weekdays.items():
        entries.append((term, _Info(_WEEKDAY, weekday=day, standalone=not _abbreviated(term))))
    relative = res.raw.get("dates", {}).get("relative_days", {})
    for term, offset in relative.items():
        entries.append((term, _Info(_RELDAY, offset=int(offset), standalone=True)))
    for term in res.fillers:
        folded = fold_for_matching(term, res.case_map)
        year_like = any(folded.startswith(w) for w in years)
        # "Ocak ayında", "شهر": a filler that is a form of the word for month names one.
        month_like = any(folded.startswith(w) for w in months)
        kinds = _FILLER | (_YEARMARK if year_like else 0) | (_MONTHWORD if month_like else 0)
        entries.append((term, _Info(kinds)))
    entries += [(term, _Info(_FROM)) for term in res.range_from]
    entries += [(term, _Info(_TO)) for term in res.range_to]
    entries += [(t, _Info(_DOC)) for t in res.raw.get("dates", {}).get("document_markers", [])]
    return entries


@dataclass(frozen=True, slots=True)
class _Stem:
    """A resource term with ``*``: matched words are checked against it after the scan."""

    key: str
    head: str
    pattern: re.Pattern[str]
    info: _Info


def _stem(key: str, info: _Info) -> _Stem:
    body = " ".join(
        re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in key.split(" ")
    )
    return _Stem(key, key.split("*", 1)[0], re.compile(body), info)


@dataclass(frozen=True, slots=True)
class _RawTerm:
    """A ``re:`` resource term, tried only where its leading literal occurs."""

    head: str
    pattern: re.Pattern[str]
    info: _Info


_ZERO_WIDTH = re.compile(r"\\b|\(\?<?[=!]")
_QUANTIFIER = "?*+{"


def _literal_head(pattern: str) -> str:
    """The literal text every match of ``pattern`` starts with, after look-arounds ("" if none).

    Matching a long alternation of look-behinds at every position of the text is slow (the
    Vietnamese weekday terms cost 2 ms per article); finding the head with ``str.find`` first
    is not.
    """
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return ""  # an alternation at the top: matches may start with different text
        i += 1
    i = 0
    while True:
        m = _ZERO_WIDTH.match(pattern, i)
        if m is None:
            break
        if m.group() == "\\b":
            i = m.end()
            continue
        depth, j = 1, m.end()
        while j < len(pattern) and depth:
            if pattern[j] == "\\":
                j += 2
                continue
            depth += (pattern[j] == "(") - (pattern[j] == ")")
            j += 1
        i = j
    head: list[str] = []
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and not pattern[i + 1].isalnum():
            head.append(pattern[i + 1])
            i += 2
        elif ch.isalnum() or ch in " '":
            head.append(ch)
            i += 1
        else:
            break
        if i < len(pattern) and pattern[i] in _QUANTIFIER:
            head.pop()
            break
    return "".join(head)


@lru_cache(maxsize=64)
def _tables(lang: str, resources: LanguageResources | None) -> _Tables:
    """Everything the scan needs for one language; built once per language and resource file."""
    shared = _shared()
    case_map = resources.case_map if resources else None
    words = _builtin_words(lang, case_map, resources)
    stems: list[_Stem] = []
    raw: list[_RawTerm] = []
    for term, info in _resource_entries(resources, lang) if resources is not None else []:
        if term.startswith("re:"):
            raw.append(_RawTerm(_literal_head(term[3:]), re.compile(term[3:]), info))
            continue
        key = _key(fold_for_matching(term, case_map))
        if not key:
            continue
        if "*" in key:
            stems.append(_stem(key, info))
        else:
            words[key] = _merge(info, words[key]) if key in words else info
    for key, info in list(words.items()):
        last = key.rsplit(" ", 1)[-1]
        unit = words.get(last) if " " in key else None
        if unit is not None and unit.kinds & _UNIT and not info.kinds & _UNIT:
            words[key] = _merge(info, _Info(_UNIT, unit=unit.unit))  # "del año": año
    prefix = resources.word_prefix if resources else ""
    suffix = resources.word_suffix if resources else ""
    spaced = resources is None or resources.raw.get("language", {}).get("word_boundaries", True)
    if not spaced:
        # Written without spaces (Chinese): words match anywhere, so only those that are a
        # date on their own (今天, 星期一, 去年); written dates are read by _cjk_dates.
        words = {
            k: v
            for k, v in words.items()
            if v.kinds & _RELDAY
            or (v.kinds & _WEEKDAY and v.standalone)
            or (v.kinds & _UNIT and v.kinds & _RELMOD)
        }
        stems = []
    parts = [r"(?<!\d)(?P<n>\d+)"]
    keys = sorted({*words, *(s.key for s in stems)})
    end = r"(?!\w)" if spaced else ""
    if keys:
        parts.append(rf"(?P<w>{prefix}(?P<k>{_trie_regex(keys)})){suffix}{end}")
    if shared.document_signs:
        parts.append(f"(?P<d>{shared.document_signs})")
    # The look-behind first: in the middle of a word the engine gives up at once. A number
    # may follow letters (a proclitic, checked in _scan), never another digit.
    start = r"(?<![^\W\d_])" if spaced else ""
    regex = re.compile(parts[0] + rf"|{start}(?:" + "|".join(parts[1:]) + ")")
    logger.debug(
        "date words for %s: %d words, %d stems, %d raw terms",
        lang,
        len(words),
        len(stems),
        len(raw),
    )
    return _Tables(
        lang=lang,
        order=_date_order(lang),
        regex=regex,
        words=words,
        stems={
            first: tuple(x for x in stems if x.head[:1] == first)
            for first in {x.head[:1] for x in stems}
        },
        raw=tuple(raw),
        default_calendars=tuple(c for c in shared.calendars.values() if lang in c.default_for),
        calendars=shared.calendars,
        currency=shared.currency,
        percent=shared.percent,
        proclitic=re.compile(prefix) if prefix else None,
        spaced=bool(spaced),
        lowercase_months=lang in shared.lowercase_months,
    )


# --------------------------------------------------------------------------- scanning


@dataclass(slots=True)
class _Atom:
    start: int
    end: int
    kinds: int
    value: int = 0
    digits: int = 0
    ordinal: bool = False
    info: _Info | None = None


def _suffix_after_apostrophe(folded: str, apostrophe: int) -> bool:
    """What follows an apostrophe is a suffix (Turkish "Mayıs'ta", "22/04'te") unless the
    apostrophe elides a one-letter word (French "l'année", "d'avril")."""
    begin = apostrophe
    while begin and folded[begin - 1].isalnum():
        begin -= 1
    word = folded[begin:apostrophe]
    return bool(word) and (len(word) > 1 or word.isdigit())


def _proclitic(folded: str, start: int, tables: _Tables) -> _Atom | bool | None:
    """Letters glued to a number: a proclitic of the language ("و15" and 15) or not a date.

    Returns an atom for a proclitic that is a range word of its own ("14 و15 نونبر"), True
    for any other proclitic, None when the letters are a word the number belongs to.
    """
    if tables.proclitic is None:
        return None
    begin = start
    while begin and folded[begin - 1].isalpha():
        begin -= 1
    letters = folded[begin:start]
    if not tables.proclitic.fullmatch(letters):
        return None
    info = tables.words.get(letters)
    if info is not None and info.kinds & (_FROM | _TO):
        return _Atom(begin, start, info.kinds & (_FROM | _TO), info=info)
    return True


def _scan(folded: str, tables: _Tables) -> list[_Atom]:
    found: list[_Atom] = []
    for m in tables.regex.finditer(folded):
        start = m.start()
        before = folded[start - 1] if start else " "
        group = m.lastgroup
        if group == "n":
            if before == "_":
                continue
            if before.isalpha():
                glued = _proclitic(folded, start, tables)
                if glued is None:
                    continue
                if isinstance(glued, _Atom):
                    found.append(glued)
            digits = m.group("n")
            found.append(_Atom(start, m.end(), _NUM, int(digits), len(digits)))
        elif group == "d":
            found.append(_Atom(start, m.end(), _DOC))
        else:
            if tables.spaced and (before.isalpha() or before == "_"):
                continue
            if before == "'" and _suffix_after_apostrophe(folded, start - 1):
                continue  # an apostrophe suffix (Turkish 22/04'te), not a word of its own
            key = _key(m.group("k"))
            info = tables.words.get(key)
            for stem in tables.stems.get(key[:1], ()) + tables.stems.get("", ()):
                if key.startswith(stem.head) and stem.pattern.fullmatch(key):
                    info = stem.info if info is None else _merge(info, stem.info)
            if info is not None:
                found.append(_Atom(start, m.end("w"), info.kinds, info=info))
    for term in tables.raw:
        if term.head:
            pos = folded.find(term.head)
            while pos >= 0:
                hit = term.pattern.match(folded, pos)
                if hit is not None and hit.end() > hit.start():
                    found.append(_Atom(hit.start(), hit.end(), term.info.kinds, info=term.info))
                pos = folded.find(term.head, pos + 1)
        else:
            for hit in term.pattern.finditer(folded):
                if hit.end() > hit.start():
                    found.append(_Atom(hit.start(), hit.end(), term.info.kinds, info=term.info))
    if not found:
        return []
    found.sort(key=lambda a: (a.start, -a.end))
    atoms: list[_Atom] = []
    for atom in found:
        if atoms and atom.start < atoms[-1].end:
            last = atoms[-1]
            if (atom.start, atom.end) == (last.start, last.end) and atom.info and last.info:
                last.info = _merge(last.info, atom.info)
                last.kinds |= atom.kinds
            continue
        atoms.append(atom)
    starts = {a.start for a in atoms}
    for atom in atoms:
        if atom.kinds != _NUM or atom.end >= len(folded) or atom.end in starts:
            continue
        ordinal = _ORDINAL.match(folded, atom.end)
        if ordinal and ordinal.end() not in starts and ordinal.start() + 1 not in starts:
            atom.end = ordinal.end()
            atom.ordinal = True
        elif _GLUED.match(folded, atom.end):
            atom.digits = 99  # a number glued to a word (5km, 2016abc) is never a date part
    return atoms


# --------------------------------------------------------------------------- grammar


@dataclass(slots=True)
class _Parts:
    """A parsed date before resolution; ``year`` is None when the text gives none."""

    start: int
    end: int
    first: int  # index of the first core atom
    last: int  # index of the last atom taken
    precision: DatePrecision
    day: int = 0
    month: int = 0
    year: int | None = None
    calendar: str = ""
    era: str = ""
    numeric: bool = False
    ambiguous: bool = False
    weekday: int = -1
    year_offset: int | None = None  # a relative year: "last year" is -1

    @property
    def next(self) -> int:
        return self.last + 1


@dataclass(slots=True)
class _Expr:
    kind: str  # "date" | "range" | "relative"
    start: int
    end: int
    next: int
    left: _Parts | None = None
    right: _Parts | None = None
    offset: int = 0
    weekday: int = -1
    unit: str = ""
    counted: bool = False  # "three days ago" rather than "last month"
    tense: int = 0  # a weekday marked as past (-1: "last Sunday") or coming (1: "next Sunday")


class _Parser:
    """Joins adjacent atoms into date expressions, left to right, longest first."""

    def __init__(self, folded: str, atoms: list[_Atom], tables: _Tables, text: str = "") -> None:
        self.f = folded
        self.text = text or folded
        self.a = atoms
        self.n = len(atoms)
        self.t = tables
        self.joined = -1  # atom just after a range dash: "3-5 Mayıs" is not a code

    # gaps ------------------------------------------------------------------
    def gap(self, i: int, j: int) -> str:
        return self.f[self.a[i].end : self.a[j].start]

    def near(self, i: int, j: int) -> bool:
        return j < self.n and _NEAR.fullmatch(self.gap(i, j)) is not None

    def spaced(self, i: int, j: int) -> bool:
        """Atoms ``i`` and ``j`` are separated by spaces only (one phrase, not a list)."""
        return j < self.n and self.gap(i, j).strip(" \t") == ""

    def has(self, j: int, kinds: int) -> bool:
        return j < self.n and bool(self.a[j].kinds & kinds)

    def is_day(self, j: int) -> bool:
        a = self.a[j] if j < self.n else None
        return a is not None and a.kinds & _NUM != 0 and a.digits <= 2 and 1 <= a.value <= 31

    def is_year(self, j: int) -> bool:
        a = self.a[j] if j < self.n else None
        return a is not None and a.kinds & _NUM != 0 and a.digits == 4 and not a.ordinal

    # traps -----------------------------------------------------------------
    def clean_before(self, j: int, numeric: bool) -> bool:
        """False when the number at atom ``j`` continues a code, an amount or a document number."""
        a = self.a[j]
        f = self.f
        s = a.start
        if s and j != self.joined:
            c = f[s - 1]
            if c in self.t.currency or c in "+#№":
                return False
            if c in "/-.:," and s >= 2 and f[s - 2].isalnum():
                return False
            if c == " " and s >= 2 and f[s - 2] in self.t.currency:
                return False
        if j > 0:
            prev = self.a[j - 1]
            gap = f[prev.end : s]
            if prev.kinds & _DOC and _MARKER_GAP.fullmatch(gap):
                return False
            if numeric and prev.kinds & _HOUR and _NEAR.fullmatch(gap):
                return False
        return True

    def clean_after(self, j: int, numeric: bool) -> bool:
        a = self.a[j]
        f = self.f
        e = a.end
        if _CONTINUES_NUMBER.match(f, e):
            return False
        rest = f[e : e + 2].lstrip(" ")
        if rest[:1] and (rest[0] in self.t.percent or rest[0] in self.t.currency):
            return False
        if j + 1 < self.n and _TAIL.fullmatch(self.gap(j, j + 1)):
            nxt = self.a[j + 1]
            if nxt.kinds & _DOC or (numeric and nxt.kinds & (_HOUR | _AMPM)):
                return False
        return True

    # pieces ----------------------------------------------------------------
    def prefix(self, i: int) -> tuple[int, int]:
        """Skip fillers and one weekday before a date ("يوم السبت", "Thứ Hai, ngày").

        Returns (first core atom, weekday or -1); the core index is -1 when the run holds two
        weekdays, as in "The Sun. On Sun. 3 March": the date belongs to the later one.
        """
        j, weekday, listed = i, -1, False
        while j + 1 < self.n:
            a = self.a[j]
            if (
                weekday >= 0
                and a.kinds & _TO
                and not a.kinds & _NUM
                and self.has(j + 1, _WEEKDAY)
                and self.near(j, j + 1)
            ):
                listed = True  # "Tuesday and Wednesday, 14 and 15 November"
                j += 1
                continue
            if a.kinds & (_NUM | _MONTH | _HOUR | _YEARWORD | _MONTHWORD) or not a.kinds & (
                _FILLER | _WEEKDAY
            ):
                break
            if _PREFIX_GAP.fullmatch(self.gap(j, j + 1)) is None:
                break
            if a.kinds & _WEEKDAY and a.info is not None:
                after_weekday = j > i and self.has(j - 1, _WEEKDAY) and self.spaced(j - 1, j)
                if weekday >= 0 and not (listed or after_weekday):
                    return -1, -1
                if weekday < 0:
                    weekday = a.info.weekday
                listed = False
            j += 1
        return j, weekday

    def year_tail(self, prev: int) -> tuple[int, int, str, int] | None:
        """A year after atom ``prev``: (year, last atom index, era calendar, end offset)."""
        j = prev + 1
        gap_ok = self.has(j, _NUM) and _TO_YEAR.fullmatch(self.gap(prev, j)) is not None
        while (
            self.has(j, _SKIP | _YEARWORD | _FILLER)
            and not self.has(j, _NUM | _HOUR)
            and self.near(j - 1, j)
        ):
            j += 1
            gap_ok = self.near(j - 1, j)
        if not (gap_ok and self.is_year(j)) or not self.clean_after(j, numeric=False):
            return None
        year = self.a[j].value
        last, era = j, ""
        k = j + 1
        while k < self.n and _TAIL.fullmatch(self.gap(k - 1, k)):
            b = self.a[k]
            if self.has(k + 1, _NUM) and _TAIL.fullmatch(self.gap(k, k + 1)):
                break
            if b.kinds & _ERA and b.info is not None and not era:
                era = b.info.calendar
            elif not (
                (b.kinds & _YEARMARK and not b.kinds & _HOUR)
                or (b.kinds & _YEARWORD and self.gap(k - 1, k) == "")
            ):
                break
            last = k
            k += 1
        return year, last, era, self.a[last].end

    def numeric(self, j: int, context: bool) -> _Parts | None:
        """15.03.2024, 2024-03-15, 1402/02/11, 15/3 (with context), 01.03.24."""
        a, f, n = self.a, self.f, self.n
        if a[j].ordinal or j + 1 >= n or not a[j + 1].kinds & _NUM:
            return None
        sep = self.gap(j, j + 1)
        if sep not in _NUM_SEPARATORS:
            return None
        nums = [j, j + 1]
        if j + 2 < n and a[j + 2].kinds & _NUM and self.gap(j + 1, j + 2) == sep:
            nums.append(j + 2)
        last = nums[-1]
        if last + 1 < n and a[last + 1].kinds & _NUM and self.gap(last, last + 1) == sep:
            return None
        if (
            j > 0
            and j != self.joined
            and a[j - 1].kinds & _NUM
            and self.gap(j - 1, j) in (*_NUM_SEPARATORS, ":", ",")
        ):
            return None
        if self.has(last + 1, _MONTH) and self.gap(last, last + 1).strip() == "":
            return None  # "15/3 March": the numbers are something else
        if any(a[k].ordinal for k in nums[1:]) or any(a[k].digits > 4 for k in nums):
            return None
        values = [a[k].value for k in nums]
        digits = [a[k].digits for k in nums]
        order = self.t.order
        ambiguous = False
        if len(nums) == 3:
            if digits[0] == 4 and digits[1] <= 2 and digits[2] <= 2:
                year, month, day = values
            elif (
                digits[0] <= 2
                and digits[1] <= 2
                and (digits[2] == 4 or (digits == [2, 2, 2] and sep in "./"))
            ):
                year = values[2] if digits[2] == 4 else _expand_two_digit_year(values[2])
                day, month = values[0], values[1]
                if order == "MDY":
                    day, month = month, day
                if month > 12 >= day:
                    day, month = month, day
                ambiguous = (
                    order == "MDY"
                    and values[0] <= 12
                    and values[1] <= 12
                    and values[0] != values[1]
                )
            else:
                return None
            precision_year: int | None = year
        else:
            if order == "YMD" or digits[0] > 2 or digits[1] > 2:
                return None
            day, month = values
            if order == "MDY" and day <= 12:
                day, month = month, day
            if not context:
                padded = digits[1] == 2 and (
                    digits[0] == 2 or (a[nums[0]].value < 10 and f[a[j].start] == "0")
                )
                trailing_dot = f[
                    a[last].end : a[last].end + 1
                ] == "." and not _CONTINUES_NUMBER.match(f, a[last].end)
                if sep == "-":
                    return None
                if sep == "." and not (padded or trailing_dot):
                    return None
                if sep == "/" and values[0] < values[1] <= 10 and not padded:
                    return None  # 1/2, 2/3, 3/4: fractions, unless a date word says otherwise
            precision_year = None
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        if not self.clean_before(j, numeric=True) or not self.clean_after(last, numeric=True):
            return None
        parts = _Parts(
            start=a[j].start,
            end=a[last].end,
            first=j,
            last=last,
            precision="day",
            day=day,
            month=month,
            year=precision_year,
            numeric=True,
            ambiguous=ambiguous,
        )
        return self.absorb_tail(parts)

    def absorb_tail(self, parts: _Parts) -> _Parts:
        """An era marker, year mark or filler after the date belongs to its span ("2021 günü")."""
        k = parts.next
        while k < self.n and _TAIL.fullmatch(self.gap(k - 1, k)):
            b = self.a[k]
            if self.has(k + 1, _NUM) and _TAIL.fullmatch(self.gap(k, k + 1)):
                break  # the word opens the next date ("15/3 ngày 16/3")
            if b.kinds & _ERA and b.info is not None and not parts.era and parts.year is not None:
                parts.era = b.info.calendar
            elif not (
                (b.kinds & (_FILLER | _YEARMARK) and not b.kinds & (_HOUR | _NUM | _MONTH))
                or (b.kinds & _YEARWORD and self.gap(k - 1, k) == "" and parts.year is not None)
            ):
                break
            parts.last = k
            parts.end = b.end
            k += 1
        return parts

    def abbreviation_ok(self, k: int) -> bool:
        """An abbreviated month without a year needs a dot or month-first order ("Dec. 31")."""
        info = self.a[k].info
        if info is None or not info.short:
            return True
        return self.t.order == "MDY" or self.f[self.a[k].end : self.a[k].end + 1] == "."

    def month_tail(self, day_index: int, k: int, need_year: bool = False) -> _Parts | None:
        """DAY [of] MONTH [month word] [YEAR]: "12 Ekim 2021", "15 tháng 3 năm 2024"."""
        month_atom = self.a[k]
        info = month_atom.info
        if info is None:
            return None
        last = k
        if self.has(k + 1, _MONTHWORD) and self.near(k, k + 1):
            last = k + 1
        parts = _Parts(
            start=self.a[day_index].start,
            end=self.a[last].end,
            first=day_index,
            last=last,
            precision="day",
            day=self.a[day_index].value,
            month=info.month,
            calendar=info.calendar,
        )
        tail = self.year_tail(last)
        if tail is not None:
            parts.year, parts.last, parts.era, parts.end = tail
        elif need_year or not self.abbreviation_ok(k):
            return None
        else:
            self.relative_year(parts)
        if not self.clean_before(day_index, numeric=False):
            return None
        return self.absorb_tail(parts)

    def month_first(self, j: int, start: int, explicit: bool) -> _Parts | None:
        """MONTH YEAR ("Mart 2020", "tháng 5/2021"), MONTH DAY, YEAR ("May 5, 2024")."""
        info = self.a[j].info
        if info is None or not info.month:
            return None
        last = j
        if self.has(j + 1, _MONTHWORD) and self.near(j, j + 1):
            last = j + 1
            explicit = True
        base = _Parts(
            start=start,
            end=self.a[last].end,
            first=j,
            last=last,
            precision="month",
            month=info.month,
            calendar=info.calendar,
        )
        d = last + 1
        if self.is_day(d) and self.near(last, d) and ("." not in self.gap(last, d) or info.short):
            tail = self.year_tail(d)
            if tail is not None or (self.t.order == "MDY" and self.abbreviation_ok(j)):
                parts = replace(
                    base, precision="day", day=self.a[d].value, last=d, end=self.a[d].end
                )
                if tail is not None:
                    parts.year, parts.last, parts.era, parts.end = tail
                return self.absorb_tail(parts)
        tail = self.year_tail(last)
        if tail is not None and self.abbreviation_ok(j):
            base.year, base.last, base.era, base.end = tail
            return self.absorb_tail(base)
        if info.short:
            return None
        if self.relative_year(base):  # "марта прошлого года", "March last year"
            return self.absorb_tail(base)
        if explicit or info.standalone or self.bare_month_ok(j):
            return self.absorb_tail(base)
        return None

    def bare_month_ok(self, j: int) -> bool:
        """A month name alone is a date after a preposition or filler ("in March", "в январе",
        "en enero", "Mart'ta"), if written as months are: capitalised where the language
        capitalises them ("the march" is no date)."""
        a = self.a[j]
        if a.end - a.start < 3:
            return False  # Persian "می", "مه", "دی" are everyday words too
        suffixed = self.f[a.end : a.end + 1] == "'"
        after_word = (
            j > 0
            and self.has(j - 1, _CONTEXT)
            and not self.has(j - 1, _NUM)
            and self.near(j - 1, j)
        )
        if not (suffixed or after_word):
            return False
        first = self.text[a.start]
        if first.islower():
            return self.t.lowercase_months
        return True

    def relative_year(self, parts: _Parts) -> bool:
        """A relative year after the date ("прошлого года", "last year", "năm nay"): taken
        into ``parts`` as a year offset; False when there is none."""
        k = parts.next
        while (
            self.has(k, _FILLER | _SKIP)
            and not self.has(k, _UNIT | _RELMOD | _NUM)
            and self.spaced(k - 1, k)
        ):
            k += 1
        if not self.spaced(k - 1, k):
            return False
        a = self.a[k]
        info = a.info
        if info is None:
            return False
        found: tuple[int, int] | None = None
        phrase = a.kinds & _UNIT and a.kinds & _RELMOD
        if phrase and info.unit == "year":
            found = (info.offset, k)
        elif not phrase and self.has(k + 1, _UNIT | _RELMOD) and self.spaced(k, k + 1):
            b = self.a[k + 1]
            if b.info is not None and not (b.kinds & _UNIT and b.kinds & _RELMOD):
                if a.kinds & _RELMOD and b.kinds & _UNIT and b.info.unit == "year":
                    found = (info.offset, k + 1)
                elif a.kinds & _UNIT and info.unit == "year" and b.kinds & _RELMOD:
                    found = (b.info.offset, k + 1)
        if found is None:
            return False
        parts.year_offset, parts.last = found
        parts.end = self.a[parts.last].end
        return True

    def year_only(self, j: int, start: int, word_before: bool) -> _Parts | None:
        """A year with a year word or era: "năm 2016", "2019 г.", "2021 yılında", "1444 هـ"."""
        if not self.is_year(j) or not self.clean_after(j, numeric=False):
            return None
        parts = _Parts(
            start=start, end=self.a[j].end, first=j, last=j, precision="year", year=self.a[j].value
        )
        if not word_before:
            k = j + 1
            if k >= self.n or not self.near(j, k):
                return None
            b = self.a[k]
            tight_word = b.kinds & _YEARWORD and self.gap(j, k) == ""
            if not (b.kinds & _ERA or tight_word or (b.kinds & _YEARMARK and not b.kinds & _HOUR)):
                return None
            if not self.clean_before(j, numeric=False):
                return None
        return self.absorb_tail(parts)

    def core(self, j: int, context: bool) -> _Parts | None:
        if j >= self.n:
            return None
        a = self.a[j]
        if a.kinds & _NUM:
            parts = self.numeric(j, context)
            if parts is not None:
                return parts
            if self.is_day(j):
                k = j + 1
                while self.has(k, _SKIP) and not self.has(k, _MONTH) and self.near(k - 1, k):
                    k += 1
                if self.has(k, _MONTH) and self.near(k - 1, k):
                    return self.month_tail(j, k)
                if self.has(j + 1, _MONTH) and self.gap(j, j + 1) in ("/", "-"):
                    return self.month_tail(j, j + 1, need_year=True)  # 05-Aug-2016
            if self.is_year(j):
                return self.year_only(j, a.start, word_before=False)
            return None
        if a.kinds & _MONTH:
            return self.month_first(j, a.start, explicit=False)
        if a.kinds & _MONTHWORD and self.near(j, j + 1):
            if self.has(j + 1, _MONTH):
                return self.month_first(j + 1, a.start, explicit=True)
            if self.is_day(j + 1) and self.a[j + 1].value <= 12:
                return self.numeric_month(j, j + 1)
            return None
        if a.kinds & _YEARWORD and self.near(j, j + 1):
            return self.year_only(j + 1, a.start, word_before=True)
        return None

    def numeric_month(self, word: int, j: int) -> _Parts | None:
        """A month word with a number ("tháng 05/2021"); needs the year, as salaries are monthly."""
        tail = self.year_tail(j)
        if tail is None:
            parts = _Parts(
                self.a[word].start, self.a[j].end, word, j, "month", month=self.a[j].value
            )
            return self.absorb_tail(parts) if self.relative_year(parts) else None
        parts = _Parts(
            start=self.a[word].start,
            end=tail[3],
            first=word,
            last=tail[1],
            precision="month",
            month=self.a[j].value,
            year=tail[0],
            era=tail[2],
            calendar="",
        )
        return self.absorb_tail(parts)

    # expressions -------------------------------------------------------------
    def date_at(self, i: int) -> _Expr | None:
        j, weekday = self.prefix(i)
        if j < 0:
            return None
        parts = self.core(j, context=j > i or self.connector_before(i))
        if parts is None:
            return None
        parts.weekday = weekday
        start = self.a[i].start
        return _Expr("date", start, parts.end, parts.next, left=parts)

    def connector_before(self, i: int) -> bool:
        return i > 0 and bool(self.a[i - 1].kinds & (_FROM | _TO)) and self.near(i - 1, i)

    def bare(self, j: int, right_precision: DatePrecision) -> _Parts | None:
        if right_precision == "year" and self.is_year(j):
            a = self.a[j]
            return _Parts(a.start, a.end, j, j, "year", year=a.value)
        if right_precision == "day" and self.is_day(j):
            a = self.a[j]
            return _Parts(a.start, a.end, j, j, "day", day=a.value)
        info = self.a[j].info if j < self.n else None
        if right_precision == "month" and info is not None and info.month and not info.short:
            a = self.a[j]  # "Mart-Nisan 2024"
            return _Parts(a.start, a.end, j, j, "month", month=info.month, calendar=info.calendar)
        return None

    def range_at(self, i: int) -> _Expr | None:
        """[from] LEFT (to | dash) RIGHT [to]; LEFT may lack the month and year RIGHT gives."""
        j = i
        if self.has(j, _FROM) and not self.has(j, _NUM) and self.near(j, j + 1):
            j += 1
        j, _ = self.prefix(j)
        if j < 0 or j >= self.n or not self.a[j].kinds & (_NUM | _MONTH | _MONTHWORD | _YEARWORD):
            return None
        left = self.core(j, context=True)
        if left is None and self.has(j, _YEARWORD) and self.is_year(j + 1) and self.near(j, j + 1):
            year = self.a[j + 1]  # "năm 2020-2021": the year word serves both years
            left = _Parts(self.a[j].start, year.end, j, j + 1, "year", year=year.value)
        left_end = left.last if left is not None else j
        k = left_end + 1
        if k >= self.n:
            return None
        between = _DASH.fullmatch(self.gap(left_end, k)) is not None
        if (not between and not self.near(left_end, k)) or "," in self.gap(left_end, k):
            return None  # after a comma a new expression starts ("5 March, from 3 to 5 May")
        while self.has(k, _FROM | _TO) and not self.has(k, _NUM) and self.near(k - 1, k):
            between = True
            k += 1
        k, _ = self.prefix(k)
        if k < 0:
            return None
        self.joined = k
        right = self.core(k, context=True)
        self.joined = -1
        if right is None:
            if left is not None and left.precision == "year":
                right = self.bare(k, "year")
            elif left is not None and left.precision == "day" and left.month and self.is_day(k):
                right = self.bare(k, "day")
                if right is not None:
                    right.month, right.calendar, right.numeric = (
                        left.month,
                        left.calendar,
                        left.numeric,
                    )
                    tail = self.year_tail(k)
                    if tail is not None:
                        right.year, right.last, right.era, right.end = tail
            if right is None:
                return None
        if left is None:
            left = self.bare(j, right.precision)
            if left is None:
                return None
        end, nxt = right.end, right.next
        trailing = (
            not between
            and self.has(nxt, _TO)
            and not self.has(nxt, _NUM)
            and self.near(nxt - 1, nxt)
        )  # a postposition closing the range (Turkish "'e kadar"), only when nothing joined it
        if trailing:
            end, nxt = self.a[nxt].end, nxt + 1
        if not (between or (trailing and left.month and right.month)):
            return None
        if left.precision != right.precision:
            return None
        if not left.month:
            left.month = right.month
        if not left.calendar:
            left.calendar = right.calendar
        left.numeric = left.numeric or right.numeric
        if left.year is not None and right.year is None:
            return None
        if left.year is not None and right.year is not None and left.year > right.year:
            return None
        if left.precision == "year" and left.year == right.year:
            return None
        return _Expr("range", self.a[i].start, end, nxt, left=left, right=right)

    def count_at(self, j: int) -> tuple[int, str, int] | None:
        """A count of units at atom ``j``: (count, unit, last atom) for "3 days", "three
        months", "يومين" (two days); None otherwise."""
        if j >= self.n:
            return None
        a = self.a[j]
        info = a.info
        if a.kinds & _COUNT and a.kinds & _UNIT and info is not None:
            return info.count, info.unit, j
        if a.kinds & _NUM:
            if a.ordinal or a.digits > 2 or a.value < 1 or not self.clean_before(j, False):
                return None
            count = a.value
        elif a.kinds & _COUNT and info is not None:
            count = info.count
        else:
            return None
        k = j + 1
        unit = self.a[k].info if self.has(k, _UNIT) and self.near(j, k) else None
        if unit is None or self.a[k].kinds & _RELMOD:
            return None
        return count, unit.unit, k

    def unit_relative_at(self, i: int) -> _Expr | None:
        """ "last month", "el mes pasado", "в прошлом году", "three days ago", "hace 3 días",
        "قبل يومين": a unit moved back or forward from the publication date."""
        j = i
        while (
            self.has(j, _FILLER | _SKIP)
            and not self.has(j, _UNIT | _RELMOD | _AGO | _COUNT | _NUM)
            and self.spaced(j, j + 1)
        ):
            j += 1
        if j >= self.n:
            return None
        a = self.a[j]
        info = a.info
        start = self.a[i].start
        if info is not None and a.kinds & _AGO and not info.after:
            counted = self.count_at(j + 1) if self.near(j, j + 1) else None
            single = self.a[j + 1] if counted is None and self.has(j + 1, _UNIT) else None
            if single is not None and single.info is not None and self.near(j, j + 1):
                counted = (1, single.info.unit, j + 1)
            if counted is not None:
                count, unit, last = counted
                return _Expr(
                    "unit",
                    start,
                    self.a[last].end,
                    last + 1,
                    offset=-count,
                    unit=unit,
                    counted=True,
                )
        counted_before = j > 0 and self.has(j - 1, _NUM | _COUNT) and self.spaced(j - 1, j)
        counted = self.count_at(j)
        if (
            not counted_before  # "3/4 năm trước": three quarters of the year before
            and counted is None
            and a.kinds & _UNIT
            and not a.kinds & _RELMOD
            and info is not None
            and self.has(j + 1, _AGO)
        ):
            counted = (1, info.unit, j)  # "месяц назад": one unit
        if counted is not None:
            count, unit, last = counted
            k = last + 1
            ago = self.a[k].info if self.has(k, _AGO) and self.spaced(last, k) else None
            if ago is not None and ago.after:
                return _Expr(
                    "unit", start, self.a[k].end, k + 1, offset=-count, unit=unit, counted=True
                )
            return None
        if info is None:
            return None
        if a.kinds & _UNIT and a.kinds & _RELMOD:
            return _Expr("unit", start, a.end, j + 1, offset=info.offset, unit=info.unit)
        k = j + 1
        other = self.a[k].info if self.spaced(j, k) else None
        if other is None or a.kinds & _NUM or self.a[k].kinds & _NUM:
            return None
        if a.kinds & _RELMOD and self.a[k].kinds & _UNIT and not self.a[k].kinds & _RELMOD:
            return _Expr("unit", start, self.a[k].end, k + 1, offset=info.offset, unit=other.unit)
        if (
            a.kinds & _UNIT
            and self.a[k].kinds & _RELMOD
            and not self.a[k].kinds & _UNIT
            and not counted_before
        ):
            return _Expr("unit", start, self.a[k].end, k + 1, offset=other.offset, unit=info.unit)
        return None

    def relative_at(self, i: int) -> _Expr | None:
        j = i
        while (
            self.has(j, _FILLER)
            and not self.has(j, _WEEKDAY | _RELDAY | _HOUR | _RELMOD)
            and self.spaced(j, j + 1)
        ):
            j += 1
        if j >= self.n:
            return None
        a = self.a[j]
        info = a.info
        if info is None or not info.standalone or a.kinds & _NUM:
            return None
        end, nxt = a.end, j + 1
        while (
            self.has(nxt, _FILLER) and not self.has(nxt, _NUM | _HOUR) and self.spaced(nxt - 1, nxt)
        ):
            end, nxt = self.a[nxt].end, nxt + 1
        if a.kinds & _WEEKDAY:
            tense = 0
            for k in (j - 1, *range(j + 1, nxt + 1)):  # "يوم الأحد الماضي", "last Sunday"
                near = (k == j - 1 and self.spaced(k, j)) or (k > j and self.spaced(k - 1, k))
                b = self.a[k] if 0 <= k < self.n and near else None
                if b is not None and b.kinds & _RELMOD and b.info is not None and b.info.offset:
                    tense = 1 if b.info.offset > 0 else -1
            return _Expr("relative", self.a[i].start, end, nxt, weekday=info.weekday, tense=tense)
        if a.kinds & _RELDAY:
            return _Expr("relative", self.a[i].start, end, nxt, offset=info.offset)
        return None

    def run(self) -> list[_Expr]:
        out: list[_Expr] = []
        i = 0
        while i < self.n:
            a = self.a[i]
            glued = not a.kinds & _NUM and a.start and self.f[a.start - 1].isdigit()
            if a.kinds & _STARTERS and not glued:  # "20h ngày 30/4": the h belongs to 20
                expr = (
                    self.range_at(i)
                    or self.date_at(i)
                    or self.unit_relative_at(i)
                    or self.relative_at(i)
                )
                if expr is not None:
                    out.append(expr)
                    i = max(expr.next, i + 1)
                    continue
            i += 1
        return out


def _expand_two_digit_year(value: int) -> int:
    return 2000 + value if value < 50 else 1900 + value


# --------------------------------------------------------------------------- resolution


@dataclass(slots=True)
class _Resolver:
    tables: _Tables
    reference: dt.date | None
    anchors: list[tuple[int, dt.date, DatePrecision]] = field(default_factory=list)
    future: Callable[[int], bool] = lambda _position: False

    def calendar(self, parts: _Parts) -> _Calendar | None:
        """Which calendar the parts are written in: era marker, month name, then the year."""
        calendars = self.tables.calendars
        if parts.era:
            return calendars[parts.era]
        if parts.calendar and parts.calendar != "gregorian":
            return calendars[parts.calendar]
        gregorian = calendars["gregorian"]
        if parts.year is None or gregorian.years[0] <= parts.year <= gregorian.years[1]:
            return calendars[parts.calendar or "gregorian"]
        if parts.calendar == "gregorian":
            return None  # a Gregorian month name with a year such as 1402
        for calendar in self.tables.default_calendars:
            if calendar.years[0] <= parts.year <= calendar.years[1]:
                return calendar
        return None

    def absolute(self, parts: _Parts) -> dt.date | None:
        calendar = self.calendar(parts)
        if calendar is None or parts.year is None:
            return None
        return calendar.to_gregorian(parts.year, parts.month or 1, parts.day or 1)

    def yearless(self, parts: _Parts, position: int) -> tuple[dt.date, float] | None:
        """Place a day and month in a year: before the reference, else near the text's years."""
        calendar = self.calendar(parts)
        if calendar is None:
            return None
        if parts.year_offset is not None:
            if self.reference is None:
                return None
            year = calendar.year_of(self.reference) + parts.year_offset
            value = calendar.to_gregorian(year, parts.month, parts.day or 1)
            return None if value is None else (value, _PARTIAL_BY_REFERENCE)
        if self.reference is not None:
            anchor, by_reference, anchor_precision = self.reference, True, "day"
        elif self.anchors:
            _, anchor, anchor_precision = min(self.anchors, key=lambda a: abs(a[0] - position))
            by_reference = False
        else:
            return None
        base = calendar.year_of(anchor)
        candidates = []
        for year in (base - 1, base, base + 1):
            value = calendar.to_gregorian(year, parts.month, parts.day or 1)
            if value is not None:
                candidates.append(value)
        if not candidates:
            return None
        if by_reference and self.future(position):
            # "will strike on 3 March" in December: the coming 3 March.
            coming = [c for c in candidates if c >= anchor - FUTURE_SLACK]
            if parts.precision == "month":
                coming = [c for c in candidates if (c.year, c.month) >= (anchor.year, anchor.month)]
            if coming:
                return min(coming), _PARTIAL_BY_REFERENCE
        if by_reference:
            fitting = [c for c in candidates if c <= anchor + FUTURE_GRACE] or candidates[:1]
            matching = [c for c in fitting if parts.weekday >= 0 and c.weekday() == parts.weekday]
            return max(matching or fitting), _PARTIAL_BY_REFERENCE
        if anchor_precision == "year":
            same = [c for c in candidates if calendar.year_of(c) == base]
            if same:
                return same[0], _PARTIAL_BY_TEXT
        return min(candidates, key=lambda c: abs((c - anchor).days)), _PARTIAL_BY_TEXT

    def confidence(self, parts: _Parts, value: dt.date) -> float:
        confidence = _AMBIGUOUS_ORDER if parts.ambiguous else _CONFIDENCE[parts.precision]
        if parts.weekday >= 0 and value.weekday() != parts.weekday:
            confidence -= _WEEKDAY_MISMATCH  # "Monday, 4 March" when 4 March was a Tuesday
        return confidence


def _mention(
    value: dt.date, precision: DatePrecision, expr: _Expr, kind: Any, confidence: float
) -> DateMention:
    span = Span(expr.start, expr.end, "date")
    return DateMention(value, precision, span, kind, round(confidence, 3))


_KIND_ORDER = {"range_start": 0, "range_end": 1}


def _resolve(
    exprs: list[_Expr],
    tables: _Tables,
    reference: dt.date | None,
    future: Callable[[int], bool] | None = None,
) -> list[DateMention]:
    """Dates with a year first (they anchor the others), then yearless ones, then relative."""
    resolver = _Resolver(tables, reference)
    if future is not None:
        resolver.future = future
    out: list[DateMention] = []
    pending: list[_Expr] = []
    for expr in exprs:
        parts = expr.right if expr.kind == "range" else expr.left
        if parts is None or expr.kind in ("relative", "unit"):
            continue
        if parts.year is None:
            pending.append(expr)
            continue
        value = resolver.absolute(parts)
        if value is None:
            continue
        if expr.kind == "range":
            out += _range_mentions(resolver, expr, value, resolver.confidence(parts, value))
        else:
            out.append(
                _mention(
                    value, parts.precision, expr, "absolute", resolver.confidence(parts, value)
                )
            )
        resolver.anchors.append((expr.start, value, parts.precision))
    for expr in pending:
        parts = expr.right if expr.kind == "range" else expr.left
        placed = resolver.yearless(parts, expr.start) if parts is not None else None
        if parts is None or placed is None:
            continue
        if expr.kind == "range":
            out += _range_mentions(resolver, expr, placed[0], placed[1])
        else:
            out.append(_mention(placed[0], parts.precision, expr, "partial", placed[1]))
    if reference is not None:
        for expr in exprs:
            if expr.kind == "unit":
                unit_mention = _unit_mention(expr, reference)
                if unit_mention is not None:
                    out.append(unit_mention)
            if expr.kind != "relative":
                continue
            if expr.weekday >= 0:
                value = reference - dt.timedelta(days=(reference.weekday() - expr.weekday) % 7)
                ahead = expr.tense > 0 or (expr.tense == 0 and resolver.future(expr.start))
                if value < reference and ahead:
                    value += dt.timedelta(days=7)  # "will march on Tuesday": the coming one
                confidence = _WEEKDAY_CONFIDENCE
            else:
                value = reference + dt.timedelta(days=expr.offset)
                confidence = _RELATIVE_DAY_CONFIDENCE
            out.append(_mention(value, "day", expr, "relative", confidence))
    out.sort(key=lambda m: (m.span.start, _KIND_ORDER.get(m.kind, 0), m.span.end))
    return out


def _unit_mention(expr: _Expr, reference: dt.date) -> DateMention | None:
    """ "last month" is the month before the reference, "two days ago" a day; weeks and
    "the next day" (a day moved by a modifier, relative to the story) give no date."""
    if expr.unit == "day" and expr.counted:
        value = reference + dt.timedelta(days=expr.offset)
        return _mention(value, "day", expr, "relative", _RELATIVE_DAY_CONFIDENCE)
    if expr.unit == "month":
        index = reference.year * 12 + reference.month - 1 + expr.offset
        value = dt.date(index // 12, index % 12 + 1, 1)
        return _mention(value, "month", expr, "relative", _RELATIVE_UNIT_CONFIDENCE)
    if expr.unit == "year":
        value = dt.date(reference.year + expr.offset, 1, 1)
        return _mention(value, "year", expr, "relative", _RELATIVE_UNIT_CONFIDENCE)
    return None


def _range_mentions(
    resolver: _Resolver, expr: _Expr, end_value: dt.date, confidence: float
) -> list[DateMention]:
    """Both ends of a range; the start takes the end's month and year when it has none."""
    left, right = expr.left, expr.right
    if left is None or right is None:
        return []
    calendar = resolver.calendar(right)
    if calendar is None:
        return []
    if left.precision == "year":
        start_value = resolver.absolute(left)
    else:
        year = left.year if left.year is not None else calendar.year_of(end_value)
        start_value = calendar.to_gregorian(year, left.month, left.day or 1)
        if start_value is not None and start_value > end_value and left.year is None:
            start_value = calendar.to_gregorian(year - 1, left.month, left.day or 1)
    if start_value is None or start_value > end_value:
        return []
    if start_value == end_value:  # "3 آب و 3 آب 2023": one day said twice
        kind = "absolute" if right.year is not None else "partial"
        return [_mention(end_value, right.precision, expr, kind, confidence)]
    if left.precision != "year" and end_value - start_value > _MAX_RANGE:
        return []
    confidence -= _RANGE_PENALTY
    return [
        _mention(start_value, left.precision, expr, "range_start", confidence),
        _mention(end_value, right.precision, expr, "range_end", confidence),
    ]


# --------------------------------------------------------------------------- public API


def _find(
    folded: str,
    lang: str,
    resources: LanguageResources | None,
    reference: dt.date | None,
    *,
    text: str = "",
    future: Callable[[int], bool] | None = None,
) -> tuple[list[DateMention], list[_Atom]]:
    tables = _tables(lang, resources)
    atoms = _scan(folded, tables)
    if not atoms:
        return [], atoms
    exprs = _Parser(folded, atoms, tables, text).run()
    return _resolve(exprs, tables, reference, future), atoms


def _dateparser_fallback(
    expr: str, lang: str, reference: dt.date | None
) -> tuple[dt.date, DatePrecision] | None:
    parser = _dateparser_for(lang, reference)
    if parser is None:
        return None
    data = parser.get_date_data(expr)
    if data.date_obj is None:
        return None
    value = data.date_obj.date()
    gregorian = _shared().calendars["gregorian"]
    if not gregorian.years[0] <= value.year <= gregorian.years[1]:
        return None  # the sentinel base leaked in: the expression was relative or had no year
    period = data.period
    if period == "year":
        return dt.date(value.year, 1, 1), "year"
    if period == "month":
        return dt.date(value.year, value.month, 1), "month"
    return value, "day"


# A base date outside the Gregorian window: without a reference, a relative expression or a
# missing year resolves against it and is then rejected, rather than against today.
_SENTINEL_BASE = dt.datetime(1000, 1, 1)


@lru_cache(maxsize=128)
def _dateparser_for(lang: str, reference: dt.date | None) -> DateDataParser | None:
    """One configured dateparser per language and reference date: building one costs ~1 ms."""
    if _locale_info(lang) is None:
        return None
    base = dt.datetime.combine(reference, dt.time()) if reference else _SENTINEL_BASE
    settings = {
        "DATE_ORDER": _date_order(lang),
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": base,
    }
    return DateDataParser(languages=[lang], settings=settings)


def parse_date_expression(
    expr: str, lang: str, reference: dt.date | None
) -> tuple[dt.date, DatePrecision] | None:
    """The date in one short expression, such as a byline ``01.03.2024 | Author``.

    The first dated expression wins (relative ones only when nothing else is there); a
    free-form string the grammar cannot read but that names a month, weekday or relative day
    goes to dateparser. Returns None when no date can be resolved.

    >>> parse_date_expression("12 Ekim 2021 günü", "tr", None)
    (datetime.date(2021, 10, 12), 'day')
    """
    text = expr.strip()
    if not text:
        return None
    resources = load_language(lang)
    folded = fold_for_matching(text, resources.case_map if resources else None)
    mentions, atoms = _find(folded, lang, resources, reference, text=text)
    dated = [m for m in mentions if m.kind != "relative"] or mentions
    if dated:
        return dated[0].value, dated[0].precision
    if len(text) > _MAX_EXPRESSION or not any(
        a.kinds & (_MONTH | _WEEKDAY | _RELDAY) for a in atoms
    ):
        return None
    return _dateparser_fallback(text, lang, reference)


def extract_dates(doc: ArticleText) -> tuple[DateMention, ...]:
    """Every date expression in ``doc.text``, resolved, sorted by position.

    Absolute dates carry their written precision; a day and month without a year are
    ``partial``; ranges give a ``range_start`` and a ``range_end`` mention over the same span;
    weekdays and today/yesterday are ``relative`` and need ``doc.published``.
    """
    if not doc.text:
        return ()
    mentions, _ = _find(
        doc.folded,
        doc.lang,
        doc.resources,
        doc.published,
        text=doc.text,
        future=_future_sentences(doc),
    )
    mentions = _forward_weekdays(doc, mentions)
    if "月" in doc.text:
        mentions = sorted([*mentions, *_cjk_dates(doc)], key=lambda m: m.span.start)
    return tuple(mentions)


def _future_sentences(doc: ArticleText) -> Callable[[int], bool] | None:
    """Whether an offset lies in a sentence the [modality] future markers put in the future."""
    res = doc.resources
    if res is None or doc.published is None:
        return None
    future = {
        doc.sentence_index(hit.start)
        for hit in res.modality.finditer(doc.folded)
        if hit.label == "future"
    }
    if not future:
        return None
    return lambda position: doc.sentence_index(position) in future


NEXT_WINDOW = 16  # characters around a weekday where "next"/"coming" may stand


def _forward_weekdays(doc: ArticleText, mentions: list[DateMention]) -> list[DateMention]:
    """'next Tuesday', 'el próximo jueves', 'الثلاثاء المقبل': a weekday marked as coming is
    the first such day after the publication date, not the most recent one."""
    res = doc.resources
    if res is None or doc.published is None or len(res.next_words) == 0:
        return mentions
    out = []
    for m in mentions:
        lo = max(0, m.span.start - NEXT_WINDOW)
        hi = min(len(doc.folded), m.span.end + NEXT_WINDOW)
        coming = (
            m.kind == "relative"
            and m.value <= doc.published
            and res.next_words.search(doc.folded, lo, hi) is not None
        )
        week_on = m.value + dt.timedelta(days=7)
        out.append(DateMention(week_on, m.precision, m.span, m.kind, m.confidence) if coming else m)
    return out


# Chinese and Japanese write dates with unit characters: 2025年1月18日, 1月18日, 2025年1月.
_CJK_DATE = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})\s*年\s*)?(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*[日号號])?"
)


def _cjk_dates(doc: ArticleText) -> list[DateMention]:
    out: list[DateMention] = []
    for match in _CJK_DATE.finditer(doc.text):
        year, month, day = match.group("year"), int(match.group("month")), match.group("day")
        if not year and not day:
            continue  # "3月" alone is too vague to be an event date
        try:
            if year:
                value = dt.date(int(year), month, int(day) if day else 1)
                kind: Literal["absolute", "partial"] = "absolute"
            elif doc.published is not None and day:
                value = dt.date(doc.published.year, month, int(day))
                if value > doc.published + FUTURE_GRACE:
                    value = value.replace(year=value.year - 1)
                kind = "partial"
            else:
                continue
        except ValueError:
            continue
        precision: DatePrecision = "day" if day else "month"
        out.append(DateMention(value, precision, Span(match.start(), match.end(), "date"), kind))
    return out


_SUFFIX_GAP = re.compile(r"(?:'[^\W\d_]*)?[ \t]*")


def period_edges(doc: ArticleText, dates: Iterable[DateMention]) -> frozenset[Span]:
    """Spans of the dates that open or close a period without naming its other end: "since
    2019", "from 1 January", "until 30 June", "1 Ocak'tan itibaren", "до 1 марта".

    Such a date bounds a state of affairs (a law in force, a deadline, arrears since), which
    is rarely the day the reported event happened. A full range ("from 3 to 5 May") carries its
    words inside its own span and is no edge; one-letter "and" words ("و", "y", "-") never count.
    """
    mentions = [d for d in dates if d.kind not in ("range_start", "range_end")]
    if not mentions or not doc.text:
        return frozenset()
    tables = _tables(doc.lang, doc.resources)
    atoms = _scan(doc.folded, tables)
    ends = {a.end: a for a in atoms}
    starts = {a.start: a for a in atoms}
    folded = doc.folded

    def connector(atom: _Atom | None) -> bool:
        if atom is None or not atom.kinds & (_FROM | _TO) or atom.kinds & (_NUM | _FILLER):
            return False
        word = folded[atom.start : atom.end]
        return bool(atom.kinds & _FROM) or sum(ch.isalpha() for ch in word) >= 2

    out: set[Span] = set()
    for mention in mentions:
        before = mention.span.start
        while before and folded[before - 1] in " \t":
            before -= 1
        after = _SUFFIX_GAP.match(folded, mention.span.end)
        following = starts.get(after.end()) if after else None
        if connector(ends.get(before)) or connector(following):
            out.add(mention.span)
    return frozenset(out)
