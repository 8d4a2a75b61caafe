"""Language resources: one TOML file per language, one schema, validated on load.

Adding a language is adding ``lang/<iso>.toml``; no code changes. The file's sections
(all keys optional unless marked required; every list of strings is a list of *terms*, see
``laborlens.resources.patterns``):

``[language]``      code (required), name (required), direction ("ltr"|"rtl"),
                    default_country (ISO alpha-2 used only when an article names no country;
                    "" for languages spoken in many countries), word_prefix / word_suffix
                    (regex fragments allowed around every term, non-capturing groups only),
                    case_map (single-character lower-casing exceptions, e.g. Turkish İ→i),
                    morphology (name of an analyser backend, e.g. "pymorphy3" for Russian),
                    word_boundaries (false for scripts written without spaces, e.g. Chinese:
                    terms then match anywhere).
``[relevance]``     core (unambiguous labour words), workers (worker groups, occupations),
                    context (weak hints: jobs, salary), exclude (false friends masked before
                    scoring: "European Union", "air strike*", students' protests ...),
                    collective_action (refusals and stoppages told without labour words),
                    non_workers (groups whose strikes and protests are not labour events:
                    prisoners, detainees, students, residents, fans).
``[events]``        one list of trigger terms per event type code (CODEBOOK section 2).
``[issues]``        one list of terms per issue code (CODEBOOK section 5).
``[organisations]`` one list of name-forming head nouns per organisation kind;
                    head_position ("initial"|"final": where the head noun sits in a name),
                    connectors (lower-case words allowed inside a name), stop_words (words
                    that end a name), known (tables: name, kind, country, aliases),
                    continuation (regex a word must match to extend a name in a script
                    without capitals, e.g. Arabic definite words), article (regex for a definite
                    article glued to the head that belongs to the name, e.g. Arabic ال;
                    other clitics before it, و/ب/ل, are left out of the name).
``[people]``        roles (table: title term → normalised English role), honorifics,
                    given_names (common first names, for scripts without capitals),
                    name_position ("after_title"|"before_title"|"both"), max_name_tokens,
                    name_particles (words inside names after which the next word is always
                    part of the name: بن, ابن, bin, van, de).
``[places]``        demonyms (table: term → ISO alpha-2), countries (table: term → ISO
                    alpha-2, for names babel lacks or inflected forms), suffixes (inflectional
                    endings stripped before a gazetteer lookup), admin_words (table: word →
                    "admin1"|"admin2"|"city"), stop_words (capitalised words that are never
                    places).
``[dates]``         weekdays (table: term → 0=Monday..6), relative_days (table: term → day
                    offset), fillers (words removed before parsing, e.g. günü, يوم, روز),
                    document_markers (terms after which a number is a document number, not a
                    date), range_from / range_to (connectors of a date range), months (table:
                    term → 1..12, for forms the date library lacks), next_words (words that
                    send a weekday forward: "next Tuesday", "el próximo jueves").
``[boilerplate]``   lines (regexes for whole lines to drop: rails, photo credits),
                    bylines (regexes for author/date lines; a date in them is a publication
                    date), inline (regexes for debris inside lines, such as photo credits).
``[outcomes]``      table: term → short English phrase describing a decision taken.
``[modality]``      future, negation, hypothetical: markers ("will", "sẽ", "не", "لن") that make a
                    trigger in the same sentence report something that has not happened.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from laborlens.errors import ResourceError
from laborlens.records import EVENT_TYPES, ISSUE_CODES, ORGANISATION_KINDS
from laborlens.resources.patterns import Lexicon, fold_for_matching

_SECTIONS: dict[str, set[str]] = {
    "language": {
        "code",
        "name",
        "direction",
        "default_country",
        "word_prefix",
        "word_suffix",
        "case_map",
        "morphology",
        "word_boundaries",
    },
    "relevance": {"core", "workers", "context", "exclude", "collective_action", "non_workers"},
    "events": set(EVENT_TYPES),
    "issues": set(ISSUE_CODES),
    "organisations": set(ORGANISATION_KINDS)
    | {"head_position", "connectors", "stop_words", "known", "continuation", "article"},
    "people": {
        "roles",
        "honorifics",
        "given_names",
        "name_position",
        "max_name_tokens",
        "name_particles",
    },
    "places": {"demonyms", "countries", "suffixes", "admin_words", "stop_words"},
    "dates": {
        "weekdays",
        "relative_days",
        "fillers",
        "document_markers",
        "range_from",
        "range_to",
        "months",
        "next_words",
    },
    "boilerplate": {"lines", "bylines", "inline"},
    "outcomes": None,  # type: ignore[dict-item]
    "modality": {"future", "negation", "hypothetical"},
}

_ISO2 = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class KnownOrganisation:
    name: str
    kind: str
    country: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class LanguageResources:
    """Everything laborlens knows about one language, with its lexicons compiled."""

    code: str
    name: str
    direction: str
    default_country: str | None
    word_prefix: str
    word_suffix: str
    case_map: Mapping[str, str]
    morphology: str | None
    raw: Mapping[str, Any]
    relevance: Lexicon
    relevance_exclude: Lexicon
    events: Lexicon
    issues: Lexicon
    org_heads: Lexicon
    org_head_position: str
    org_connectors: frozenset[str]
    org_continuation: re.Pattern[str] | None
    org_article: re.Pattern[str] | None
    org_stop_words: Lexicon
    known_organisations: tuple[KnownOrganisation, ...]
    known_org_lexicon: Lexicon
    roles: Lexicon
    honorifics: Lexicon
    given_names: frozenset[str]
    name_particles: frozenset[str]
    name_position: str
    max_name_tokens: int
    demonyms: Lexicon
    country_names: Lexicon
    place_suffixes: tuple[str, ...]
    admin_words: Lexicon
    place_stop_words: frozenset[str]
    weekdays: Mapping[str, int]
    weekday_lexicon: Lexicon
    relative_days: Lexicon
    fillers: tuple[str, ...]
    document_markers: Lexicon
    range_from: tuple[str, ...]
    range_to: tuple[str, ...]
    months: Mapping[str, int]
    next_words: Lexicon
    boilerplate_lines: tuple[re.Pattern[str], ...]
    boilerplate_bylines: tuple[re.Pattern[str], ...]
    boilerplate_inline: tuple[re.Pattern[str], ...]
    outcomes: Lexicon
    modality: Lexicon
    extra: Mapping[str, Any] = field(default_factory=dict)


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ResourceError(f"{where} must be a list of non-empty strings")
    return list(value)


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResourceError(f"{where} must be a table")
    return dict(value)


def _regexes(value: Any, where: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for pattern in _strings(value, where):
        try:
            out.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ResourceError(f"{where}: regex {pattern!r} does not compile: {exc}") from exc
    return tuple(out)


def _check_groups(fragment: str, where: str) -> None:
    if re.search(r"\((?!\?)", fragment.replace("\\(", "")):
        raise ResourceError(f"{where}: use non-capturing groups (?:...) only")


def parse_language(data: Mapping[str, Any], origin: str) -> LanguageResources:
    """Validate one parsed language file and compile its lexicons."""
    where = f"language file {origin}"
    for section, value in data.items():
        if section not in _SECTIONS:
            raise ResourceError(f"{where}: unknown section [{section}]")
        allowed = _SECTIONS[section]
        if allowed is not None:
            unknown = set(_table(value, f"{where} [{section}]")) - allowed
            if unknown:
                raise ResourceError(
                    f"{where}: unknown key(s) in [{section}]: {', '.join(sorted(unknown))}"
                )
    lang = _table(data.get("language"), f"{where} [language]")
    for key in ("code", "name"):
        if not isinstance(lang.get(key), str) or not lang[key]:
            raise ResourceError(f"{where}: [language] {key} is required")
    code = lang["code"]
    direction = lang.get("direction", "ltr")
    if direction not in {"ltr", "rtl"}:
        raise ResourceError(f"{where}: [language] direction must be 'ltr' or 'rtl'")
    default_country = lang.get("default_country") or None
    if default_country is not None and not _ISO2.match(default_country):
        raise ResourceError(f"{where}: [language] default_country must be ISO alpha-2")
    prefix = str(lang.get("word_prefix", ""))
    suffix = str(lang.get("word_suffix", ""))
    for frag, key in ((prefix, "word_prefix"), (suffix, "word_suffix")):
        _check_groups(frag, f"{where} [language] {key}")
        try:
            re.compile(frag)
        except re.error as exc:
            raise ResourceError(f"{where}: [language] {key} does not compile: {exc}") from exc
    word_boundaries = bool(lang.get("word_boundaries", True))
    case_map = {str(k): str(v) for k, v in _table(lang.get("case_map", {}), "case_map").items()}
    if any(len(k) != 1 or len(v) != 1 for k, v in case_map.items()):
        raise ResourceError(f"{where}: [language] case_map maps single characters only")

    def lex(entries: list[tuple[str, str]], name: str) -> Lexicon:
        for term, _ in entries:
            if term.startswith("re:"):
                _check_groups(term[3:], f"{where} {name} term {term!r}")
        return Lexicon(
            entries,
            word_prefix=prefix,
            word_suffix=suffix,
            case_map=case_map,
            name=f"{code}.{name}",
            word_boundaries=word_boundaries,
        )

    def labelled(section: str, keys: Any) -> list[tuple[str, str]]:
        table = _table(data.get(section, {}), f"{where} [{section}]")
        entries = []
        for key in keys:
            for term in _strings(table.get(key, []), f"{where} [{section}] {key}"):
                entries.append((term, key))
        return entries

    def mapping(section: str, key: str, check: Any) -> dict[str, Any]:
        table = _table(
            _table(data.get(section, {}), section).get(key, {}), f"{where} [{section}] {key}"
        )
        for term, value in table.items():
            if not check(value):
                raise ResourceError(f"{where}: [{section}] {key}: bad value {value!r} for {term!r}")
        return table

    relevance = labelled(
        "relevance", ("core", "workers", "context", "collective_action", "non_workers")
    )
    exclude = labelled("relevance", ("exclude",))
    orgs = _table(data.get("organisations", {}), f"{where} [organisations]")
    head_position = orgs.get("head_position", "initial")
    if head_position not in {"initial", "final"}:
        raise ResourceError(f"{where}: [organisations] head_position must be initial or final")
    known: list[KnownOrganisation] = []
    for item in orgs.get("known", []):
        entry = _table(item, f"{where} [organisations] known")
        if entry.get("kind") not in ORGANISATION_KINDS or not entry.get("name"):
            raise ResourceError(
                f"{where}: [organisations] known entry {entry!r} needs name and kind"
            )
        country = entry.get("country") or None
        if country is not None and not _ISO2.match(country):
            raise ResourceError(f"{where}: known organisation {entry['name']!r}: bad country")
        known.append(
            KnownOrganisation(
                entry["name"],
                entry["kind"],
                country,
                tuple(_strings(entry.get("aliases", []), "aliases")),
            )
        )
    article = _continuation(orgs.get("article"), where)
    known_entries = [
        (variant, str(i))
        for i, k in enumerate(known)
        for form in (k.name, *k.aliases)
        for variant in _with_and_without_article(form, article)
    ]
    people = _table(data.get("people", {}), f"{where} [people]")
    roles = mapping("people", "roles", lambda v: isinstance(v, str) and v)
    name_position = people.get("name_position", "both")
    if name_position not in {"after_title", "before_title", "both"}:
        raise ResourceError(
            f"{where}: [people] name_position must be after_title, before_title or both"
        )
    places = _table(data.get("places", {}), f"{where} [places]")
    demonyms = mapping("places", "demonyms", lambda v: isinstance(v, str) and _ISO2.match(v))
    countries = mapping("places", "countries", lambda v: isinstance(v, str) and _ISO2.match(v))
    admin = mapping("places", "admin_words", lambda v: v in {"admin1", "admin2", "city", "region"})
    dates = _table(data.get("dates", {}), f"{where} [dates]")
    weekdays = mapping("dates", "weekdays", lambda v: isinstance(v, int) and 0 <= v <= 6)
    relative_days = mapping("dates", "relative_days", lambda v: isinstance(v, int))
    months = mapping("dates", "months", lambda v: isinstance(v, int) and 1 <= v <= 12)
    boiler = _table(data.get("boilerplate", {}), f"{where} [boilerplate]")
    outcomes = {str(k): v for k, v in _table(data.get("outcomes", {}), "outcomes").items()}
    if not all(isinstance(v, str) and v for v in outcomes.values()):
        raise ResourceError(f"{where}: [outcomes] values must be English phrases")

    return LanguageResources(
        code=code,
        name=lang["name"],
        direction=direction,
        default_country=default_country,
        word_prefix=prefix,
        word_suffix=suffix,
        case_map=case_map,
        morphology=str(lang["morphology"]) if lang.get("morphology") else None,
        raw=data,
        relevance=lex(relevance, "relevance"),
        relevance_exclude=lex(exclude, "relevance.exclude"),
        events=lex(labelled("events", EVENT_TYPES), "events"),
        issues=lex(labelled("issues", ISSUE_CODES), "issues"),
        org_heads=lex(labelled("organisations", ORGANISATION_KINDS), "organisations"),
        org_head_position=head_position,
        org_connectors=frozenset(
            w.casefold() for w in _strings(orgs.get("connectors", []), "connectors")
        ),
        org_continuation=_continuation(orgs.get("continuation"), where),
        org_article=article,
        org_stop_words=lex(
            [(t, "stop") for t in _strings(orgs.get("stop_words", []), "stop_words")], "org_stop"
        ),
        known_organisations=tuple(known),
        known_org_lexicon=lex(known_entries, "known_organisations"),
        roles=lex(list(roles.items()), "roles"),
        honorifics=lex(
            [(t, "honorific") for t in _strings(people.get("honorifics", []), "honorifics")],
            "honorifics",
        ),
        given_names=frozenset(
            n.casefold() for n in _strings(people.get("given_names", []), "given_names")
        ),
        name_particles=frozenset(
            fold_for_matching(w)
            for w in _strings(people.get("name_particles", []), "name_particles")
        ),
        name_position=name_position,
        max_name_tokens=int(people.get("max_name_tokens", 3)),
        demonyms=lex(list(demonyms.items()), "demonyms"),
        country_names=lex(list(countries.items()), "countries"),
        place_suffixes=tuple(
            sorted(_strings(places.get("suffixes", []), "suffixes"), key=len, reverse=True)
        ),
        admin_words=lex(list(admin.items()), "admin_words"),
        place_stop_words=frozenset(
            w.casefold() for w in _strings(places.get("stop_words", []), "stop_words")
        ),
        weekdays=weekdays,
        weekday_lexicon=lex([(t, str(v)) for t, v in weekdays.items()], "weekdays"),
        relative_days=lex([(t, str(v)) for t, v in relative_days.items()], "relative_days"),
        fillers=tuple(_strings(dates.get("fillers", []), "fillers")),
        document_markers=lex(
            [(t, "doc") for t in _strings(dates.get("document_markers", []), "document_markers")],
            "document_markers",
        ),
        range_from=tuple(_strings(dates.get("range_from", []), "range_from")),
        range_to=tuple(_strings(dates.get("range_to", []), "range_to")),
        months=months,
        next_words=lex(
            [(t, "next") for t in _strings(dates.get("next_words", []), "next_words")], "next_words"
        ),
        boilerplate_lines=_regexes(boiler.get("lines", []), f"{where} [boilerplate] lines"),
        boilerplate_bylines=_regexes(boiler.get("bylines", []), f"{where} [boilerplate] bylines"),
        boilerplate_inline=_regexes(boiler.get("inline", []), f"{where} [boilerplate] inline"),
        outcomes=lex(list(outcomes.items()), "outcomes"),
        modality=lex(labelled("modality", ("future", "negation", "hypothetical")), "modality"),
    )


def _with_and_without_article(form: str, article: re.Pattern[str] | None) -> list[str]:
    """ "الاتحاد المغربي للشغل" is also written "للاتحاد ..." (ل + ال): index the bare form too,
    so the language's proclitic prefix can match it."""
    if article is None:
        return [form]
    match = article.match(fold_for_matching(form))
    if match is None or match.end() >= len(form):
        return [form]
    return [form, form[match.end() :]]


def _continuation(value: Any, where: str) -> re.Pattern[str] | None:
    if not value:
        return None
    if not isinstance(value, str):
        raise ResourceError(f"{where}: [organisations] patterns must be regex strings")
    try:
        return re.compile(value)
    except re.error as exc:
        raise ResourceError(
            f"{where}: [organisations] continuation does not compile: {exc}"
        ) from exc


def _lang_dir() -> Path:
    return Path(str(importlib_resources.files("laborlens.resources") / "lang"))


def available_languages() -> tuple[str, ...]:
    """Codes of every language with a resource file, sorted."""
    return tuple(sorted(p.stem for p in _lang_dir().glob("*.toml")))


def load_language_file(path: Path) -> LanguageResources:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ResourceError(f"language file {path.name}: {exc}") from exc
    res = parse_language(data, path.name)
    if res.code != path.stem:
        raise ResourceError(f"language file {path.name}: [language] code is {res.code!r}")
    return res


@cache
def load_language(code: str) -> LanguageResources | None:
    """The resources of ``code``, or None when laborlens has no file for that language."""
    path = _lang_dir() / f"{code}.toml"
    if not path.is_file():
        return None
    return load_language_file(path)
