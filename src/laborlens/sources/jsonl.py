"""JSON Lines (.jsonl): one article a line, with ``text`` or ``html`` and optional metadata.

Fields: ``text`` | ``html`` (required, ``text`` wins when both are set), ``title``,
``url``, ``published`` (ISO date or datetime), ``lang``. A bad line becomes a
SkippedRecord with locator ``line N`` and the next line is read; the file is streamed
and no line longer than ``max_html_bytes`` is held in memory.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult, has_suffix
from laborlens.sources.decode import repair_mojibake
from laborlens.sources.html import extract_html, site_of
from laborlens.sources.text import guess_title, is_blank

logger = logging.getLogger(__name__)

_SUFFIXES = (".jsonl", ".ndjson")
_CHUNK = 1 << 20


def _too_long(settings: Settings) -> str:
    return (
        f"line longer than max_html_bytes={settings.max_html_bytes:,} bytes; "
        "raise the setting to read it"
    )


def _parse_published(value: object) -> dt.date | None:
    """A date from an ISO date or datetime string; a datetime keeps its own local date."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _optional_str(record: Mapping[str, object], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _document(record: Mapping[str, object], source: str, locator: str) -> ReadResult:
    """One JSON object to a document; the object's own fields beat what the HTML says."""
    text, html = record.get("text"), record.get("html")
    title = _optional_str(record, "title")
    url = _optional_str(record, "url")
    published = _parse_published(record.get("published"))
    if record.get("published") is not None and published is None:
        logger.warning(
            "%s %s: ignoring unreadable published %r", source, locator, record.get("published")
        )
    lang = _optional_str(record, "lang")
    if isinstance(text, str) and not is_blank(text):
        text = repair_mojibake(text)
        title = repair_mojibake(title) if title else None
        return RawDocument(
            source=source,
            text=text,
            locator=locator,
            title=title or guess_title(text),
            url=url,
            site=site_of(url),
            published=published,
            lang_hint=lang,
        )
    if isinstance(html, str) and not is_blank(html):
        result = extract_html(html, source=source, locator=locator, url=url)
        if isinstance(result, SkippedRecord):
            return result
        return RawDocument(
            source=source,
            text=result.text,
            locator=locator,
            title=title or result.title,
            url=url or result.url,
            site=site_of(url) or result.site,
            published=published or result.published,
            lang_hint=lang or result.lang_hint,
        )
    return SkippedRecord(source, "no 'text' or 'html' string in the JSON object", locator)


def _lines(fh: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) pairs; bytes is None for a line longer than ``limit``."""
    number = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := fh.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, line


def _parse_line(raw: bytes, source: str, locator: str, first: bool) -> ReadResult | None:
    if first:
        raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        return None
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as exc:
        return SkippedRecord(source, f"not valid UTF-8 at byte {exc.start}", locator)
    except json.JSONDecodeError as exc:
        return SkippedRecord(source, f"not JSON: {exc.msg} at column {exc.colno}", locator)
    except RecursionError:
        return SkippedRecord(source, "not JSON: nested too deeply", locator)
    if not isinstance(record, dict):
        return SkippedRecord(source, f"not a JSON object but a {type(record).__name__}", locator)
    return _document(record, source, locator)


class JsonlReader:
    """One document per JSON line; blank lines are ignored."""

    suffixes: tuple[str, ...] = _SUFFIXES

    def sniff(self, path: Path) -> bool:
        return has_suffix(path, self.suffixes)

    def read(
        self, path: Path, settings: Settings, *, source: str | None = None
    ) -> Iterator[ReadResult]:
        name = source if source is not None else str(path)
        try:
            fh = path.open("rb")
        except OSError as exc:
            yield SkippedRecord(name, f"cannot read file: {exc.strerror or exc}")
            return
        with fh:
            try:
                for number, raw in _lines(fh, settings.max_html_bytes):
                    locator = f"line {number}"
                    if raw is None:
                        yield SkippedRecord(name, _too_long(settings), locator)
                        continue
                    result = _parse_line(raw, name, locator, first=number == 1)
                    if result is not None:
                        yield result
            except OSError as exc:
                yield SkippedRecord(name, f"read error: {exc.strerror or exc}")
