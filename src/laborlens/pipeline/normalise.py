"""Stage 1: clean text that extraction can trust, with a map back to the raw offsets.

Crawled articles carry debris: breadcrumbs, "latest news" rails, image file names, photo
credits, bylines and repeated headlines. Debris patterns come from every language file
(a Vietnamese rail pattern is harmless in a Turkish article), so this stage runs before
language identification. Dates found in bylines and camera file names are kept as a
publication-date hint, because the event date is often resolved against it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache

from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.dates import parse_date_expression
from laborlens.records import Article, OffsetMap, RawDocument
from laborlens.resources.schema import available_languages, load_language

_DIGITS: dict[int, str] = {
    ord(a): b for a, b in zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2, strict=True)
}
_DROP_CHARS = re.compile(
    r"[\u064b-\u065f\u0670\u0640\u00ad\ufeff\u200b\u2060\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
)
_PERSIAN_LETTERS = re.compile(r"[پچژگ]")
_ARABIC_ONLY = re.compile(r"[ة]")
_TO_PERSIAN: dict[int, str] = {ord("ي"): "ی", ord("ك"): "ک", ord("ى"): "ی"}
_TO_ARABIC: dict[int, str] = {ord("ی"): "ي", ord("ک"): "ك"}

# Language-neutral debris: camera file names, bare URLs, lone separators, share rails.
_NEUTRAL_LINES = (
    re.compile(
        r"^\s*(?:IMG|DSC|DSCN|PXL|VID|Photo|image|P)[_\-]?\d{4,}[\w\-]*(?:\.(?:jpe?g|png|webp|gif))?\s*$",
        re.I,
    ),
    re.compile(r"^\s*[\w\-]+\.(?:jpe?g|png|webp|gif)\s*$", re.I),
    re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.I),
    re.compile(r"^\s*[-–—_=*•·|#]{2,}\s*$"),
)
# A short line led by a numeric date is page metadata (date, author, comment toggles).
_DATE_LED_LINE = re.compile(
    r"^\s*(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})\b(?!\s*[-–]\s*\d)"
)
MAX_BYLINE_WORDS = 12
_CAMERA_DATE = re.compile(
    r"(?:IMG|DSC|PXL|VID|Photo|image)[_\-]?((?:19|20)\d{2})(\d{2})(\d{2})", re.I
)
_BREADCRUMB_SEP = re.compile(r"\s(?:»|›|>|/|\\)\s")
_BYLINE_DATE = re.compile(
    r"\b(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d{2})\b|\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b"
)


@dataclass(frozen=True, slots=True)
class _Debris:
    any_line: re.Pattern[str]  # every line pattern in one alternation: one scan per line
    any_byline: re.Pattern[str]
    any_inline: re.Pattern[str] | None
    bylines: tuple[tuple[str, re.Pattern[str]], ...]  # (language whose file wrote it, pattern)
    inline: tuple[re.Pattern[str], ...]


@cache
def _debris() -> _Debris:
    lines: list[re.Pattern[str]] = list(_NEUTRAL_LINES)
    bylines: list[tuple[str, re.Pattern[str]]] = []
    inline: list[re.Pattern[str]] = []
    for code in available_languages():
        res = load_language(code)
        if res is None:
            continue
        lines += res.boilerplate_lines
        bylines += [(code, pattern) for pattern in res.boilerplate_bylines]
        inline += res.boilerplate_inline
    return _Debris(
        _alternation(lines),
        _alternation([p for _, p in bylines]),
        _alternation(inline) if inline else None,
        tuple(bylines),
        tuple(inline),
    )


def _alternation(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """One regex for many: each pattern keeps its own flags through an inline group."""
    if not patterns:
        return re.compile(r"(?!)")
    pieces = []
    for p in patterns:
        flags = "i" if p.flags & re.IGNORECASE else ""
        pieces.append(f"(?{flags}:{p.pattern})" if flags else f"(?:{p.pattern})")
    return re.compile("|".join(pieces))


_SPACES: dict[int, str] = {ord(ch): " " for ch in "\t\u00a0\u2009\u202f\u3000"}
_TO_PERSIAN_LINE: dict[int, str] = {**_DIGITS, **_TO_PERSIAN, **_SPACES}
_TO_ARABIC_LINE: dict[int, str] = {**_DIGITS, **_TO_ARABIC, **_SPACES}
_PLAIN_LINE: dict[int, str] = {**_DIGITS, **_SPACES}


def _fold_line(line: str, persian: bool, arabic: bool) -> tuple[str, list[int]]:
    """Clean one line; returns the text and each character's index in the raw line.

    Folding maps one character to one, so only dropped characters (tashkeel, tatweel,
    controls, zero-width spaces) break the identity between the two.
    """
    table = _TO_PERSIAN_LINE if persian else _TO_ARABIC_LINE if arabic else _PLAIN_LINE
    if _DROP_CHARS.search(line) is None:
        return line.translate(table), list(range(len(line)))
    index = [i for i, ch in enumerate(line) if not _DROP_CHARS.match(ch)]
    return "".join(line[i] for i in index).translate(table), index


def _is_breadcrumb(line: str) -> bool:
    parts = _BREADCRUMB_SEP.split(line)
    return len(parts) >= 3 or (len(parts) == 2 and len(parts[0].split()) <= 2 and len(line) < 200)


def _byline_date(line: str, langs: list[str]) -> dt.date | None:
    """A byline's date, read in the language whose byline pattern recognised the line."""
    for lang in langs:
        found = parse_date_expression(line, lang, None)
        if found is not None and found[1] == "day":
            return found[0]
    return _date_in(line)


def _date_in(line: str) -> dt.date | None:
    camera = _CAMERA_DATE.search(line)
    groups: tuple[str | None, ...]
    if camera:
        groups = (camera.group(3), camera.group(2), camera.group(1))
    else:
        match = _BYLINE_DATE.search(line)
        if not match:
            return None
        if match.group(1):
            groups = (match.group(1), match.group(2), match.group(3))
        else:
            groups = (match.group(6), match.group(5), match.group(4))
    try:
        return dt.date(int(groups[2] or 0), int(groups[1] or 0), int(groups[0] or 0))
    except ValueError:
        return None


def _squash(line: str) -> str:
    return re.sub(r"\W+", " ", line).strip().casefold()


def article_from_raw(raw: RawDocument, pipeline_version: str, settings_hash: str) -> Article:
    """The empty Article a document starts as (id is set by ``normalise``)."""
    text = unicodedata.normalize("NFC", raw.text)
    return Article(
        id="",
        source=raw.source,
        locator=raw.locator,
        raw_text=text,
        title=unicodedata.normalize("NFC", raw.title).strip() if raw.title else None,
        url=raw.url,
        site=raw.site,
        published=raw.published,
        published_via="source" if raw.published else None,
        lang=raw.lang_hint,
        pipeline_version=pipeline_version,
        settings_hash=settings_hash,
    )


def normalise(article: Article, context: StageContext) -> Article:
    """Clean the raw text line by line, drop debris, and derive a stable article id."""
    raw = article.raw_text[: context.settings.max_text_chars]
    persian = bool(_PERSIAN_LETTERS.search(raw))
    arabic = not persian and bool(_ARABIC_ONLY.search(raw))
    debris = _debris()
    kept: list[str] = []
    segments: list[tuple[int, int, int]] = []
    removed: list[str] = []
    seen: set[str] = set()
    hint: tuple[dt.date, str] | None = None
    norm_pos = 0
    raw_pos = 0
    for raw_line in raw.splitlines(keepends=True):
        line_start = raw_pos
        raw_pos += len(raw_line)
        body = raw_line.rstrip("\r\n")
        text, index = _fold_line(body, persian, arabic)
        if debris.any_inline is not None and debris.any_inline.search(text):
            for pattern in debris.inline:
                text, index = _cut_inline(pattern, text, index)
        stripped = text.strip()
        if not stripped:
            if kept and kept[-1] != "":
                kept.append("")
            continue
        byline_langs = (
            [lang for lang, p in debris.bylines if p.search(stripped)]
            if debris.any_byline.search(stripped)
            else []
        )
        is_byline = bool(byline_langs) or (
            bool(_DATE_LED_LINE.match(stripped)) and len(stripped.split()) <= MAX_BYLINE_WORDS
        )
        if is_byline or debris.any_line.search(stripped):
            removed.append(stripped)
            found = _byline_date(stripped, byline_langs) if is_byline else _date_in(stripped)
            if found and hint is None:
                hint = (found, "byline" if is_byline else "image")
            continue
        if _is_breadcrumb(stripped) and len(stripped.split()) < 40:
            removed.append(stripped)
            continue
        key = _squash(stripped)
        if key in seen and len(key) > 15:
            removed.append(stripped)
            continue
        seen.add(key)
        left = len(text) - len(text.lstrip())
        stripped = stripped.rstrip()
        if kept:
            norm_pos += 1  # the newline joining lines
        segments.extend(_segments(norm_pos, line_start, index[left : left + len(stripped)]))
        kept.append(stripped)
        norm_pos += len(stripped)
    # Blank markers become paragraph breaks; join keeps one newline between lines.
    lines = [line for line in kept if line != ""]
    normalised = "\n".join(lines)
    published, via = article.published, article.published_via
    if published is None and hint is not None:
        published, via = hint
    title = article.title
    if title is None and lines:
        title = lines[0][:300]
    digest = hashlib.sha256(_squash(normalised).encode("utf-8")).hexdigest()[:20]
    return replace(
        article,
        id=digest,
        text=normalised,
        offset_map=OffsetMap(tuple(segments)),
        removed_lines=tuple(removed),
        published=published,
        published_via=via,
        title=title,
    )


def _cut_inline(pattern: re.Pattern[str], text: str, index: list[int]) -> tuple[str, list[int]]:
    pieces: list[str] = []
    kept_index: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(text[last : match.start()])
        kept_index += index[last : match.start()]
        last = match.end()
    if last == 0:
        return text, index
    pieces.append(text[last:])
    kept_index += index[last:]
    return "".join(pieces), kept_index


def _segments(norm_start: int, line_start: int, index: list[int]) -> list[tuple[int, int, int]]:
    """Compress per-character source indexes into (norm_start, raw_start, length) runs."""
    out: list[tuple[int, int, int]] = []
    run_start = 0
    for i in range(1, len(index) + 1):
        if i == len(index) or index[i] != index[i - 1] + 1:
            out.append((norm_start + run_start, line_start + index[run_start], i - run_start))
            run_start = i
    return out
