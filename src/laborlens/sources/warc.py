"""WARC archives (.warc, .warc.gz): successful HTML responses, one document per record.

warcio reads a truncated .warc.gz without complaint and hands back a short last
record, so each record's raw stream is drained and checked against its Content-Length:
a short record means the file is damaged from there on, and one SkippedRecord says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from laborlens.config import Settings
from laborlens.records import SkippedRecord
from laborlens.sources.base import ReadResult, has_suffix
from laborlens.sources.html import document_from_html_bytes, too_large

logger = logging.getLogger(__name__)

_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_DRAIN_CHUNK = 1 << 16


class _TruncatedRecordError(Exception):
    """The record's stream ended before its declared Content-Length."""


def _content_type(value: str) -> tuple[str, str | None]:
    """Media type and charset parameter of a Content-Type header."""
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def _unread_bytes(fh: Any, offset: int) -> int:
    """How many bytes follow the last complete record (0 if only blank lines do).

    warcio ends quietly when a file stops inside a record's headers or inside a gzip
    member, so the end of the last record it parsed is compared with the file's end.
    """
    end = fh.seek(0, 2)
    fh.seek(offset)
    while chunk := fh.read(_DRAIN_CHUNK):
        if chunk.strip():
            return int(end - offset)
    return 0


def _drain(record: Any) -> None:
    """Read what is left of the record and fail if it is shorter than it says."""
    declared = record.rec_headers.get_header("Content-Length")
    if declared is None or not declared.strip().isdigit():
        raise _TruncatedRecordError(
            f"a record with Content-Length {declared!r} (cut inside its headers?)"
        )
    stream = record.raw_stream
    while stream.read(_DRAIN_CHUNK):
        pass
    missing = getattr(stream, "limit", 0)
    if missing > 0:
        raise _TruncatedRecordError(f"{missing:,} bytes missing at the end of the record")


def _read_record(record: Any, settings: Settings, source: str, locator: str) -> ReadResult | None:
    """The document in one WARC record, or None when the record is not an HTML page."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    media_type, charset = _content_type(record.http_headers.get_header("Content-Type") or "")
    if media_type not in _HTML_TYPES:
        return None
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        logger.debug("%s %s: HTTP status %s, not a page", source, locator, status)
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    limit = settings.max_html_bytes
    if record.length is not None and record.length > limit:
        return SkippedRecord(source, too_large(settings, record.length), locator)
    payload = record.content_stream().read(limit + 1)
    if len(payload) > limit:
        return SkippedRecord(source, too_large(settings), locator)
    _drain(record)
    return document_from_html_bytes(
        payload, source=source, locator=locator, url=url, declared=charset
    )


class WarcReader:
    """HTML ``response`` records with a 2xx status; others are passed over silently."""

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
            if not fh.read(1):
                yield SkippedRecord(name, "empty file (0 bytes)")
                return
            fh.seek(0)
            yield from self._records(fh, settings, name)

    def _records(self, fh: Any, settings: Settings, name: str) -> Iterator[ReadResult]:
        archive = ArchiveIterator(fh)
        records = iter(archive)
        number = 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                leftover = _unread_bytes(fh, archive.offset)
                if leftover:
                    yield SkippedRecord(
                        name,
                        f"truncated WARC file: {leftover:,} bytes after record {number} "
                        "do not form a complete record",
                        f"record {number + 1}",
                    )
                return
            except Exception as exc:  # warcio fails with assorted internal errors on damaged bytes
                yield _damaged(name, number, exc)
                return
            number += 1
            locator = f"record {number}"
            try:
                if not str(record.format).startswith("warc"):
                    raise ArchiveLoadFailed(f"not a WARC record (looks like {record.format})")
                result = _read_record(record, settings, name, locator)
                _drain(record)
            except _TruncatedRecordError as exc:
                yield SkippedRecord(name, f"truncated WARC file: {exc}", locator)
                return
            except Exception as exc:  # as above, while reading the record's body
                yield _damaged(name, number - 1, exc)
                return
            if result is not None:
                yield result


def _damaged(name: str, good: int, exc: Exception) -> SkippedRecord:
    """The skip for an archive that cannot be read past record ``good``."""
    logger.debug("%s: WARC damaged after record %d", name, good, exc_info=exc)
    return SkippedRecord(
        name,
        f"damaged WARC file after record {good}: {type(exc).__name__}: {exc}",
        f"record {good + 1}",
    )
