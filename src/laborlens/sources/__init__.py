"""Input readers: files, directories and stdin to RawDocument / SkippedRecord.

Readers only turn bytes into text plus provenance (source, locator, URL, title, date);
they never interpret meaning. Bad inputs become SkippedRecord values, never exceptions.

    >>> from laborlens.config import Settings
    >>> docs = list(read_inputs(["news/", "crawl.warc.gz", "-"], Settings()))
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from laborlens.config import Settings
from laborlens.records import SkippedRecord
from laborlens.sources.base import ReadResult, SourceReader
from laborlens.sources.html import HtmlReader
from laborlens.sources.jsonl import JsonlReader
from laborlens.sources.text import TextReader, document_from_bytes
from laborlens.sources.warc import WarcReader

__all__ = [
    "READERS",
    "STDIN",
    "HtmlReader",
    "JsonlReader",
    "SourceReader",
    "TextReader",
    "WarcReader",
    "files_under",
    "read_inputs",
    "reader_for",
]

logger = logging.getLogger(__name__)

STDIN = "-"
STDIN_SOURCE = "<stdin>"

# Name -> reader, in the order they are asked whether they handle a file.
READERS: Mapping[str, SourceReader] = {
    "warc": WarcReader(),
    "jsonl": JsonlReader(),
    "html": HtmlReader(),
    "text": TextReader(),
}


def reader_for(path: Path) -> SourceReader | None:
    """The first reader whose ``sniff`` accepts ``path``, or None for an unknown type."""
    for reader in READERS.values():
        if reader.sniff(path):
            return reader
    return None


def _join(given: str, relative: Path) -> str:
    """``given`` exactly as typed, then the file's path inside it."""
    separator = "" if given.endswith(("/", "\\")) else "/"
    return f"{given}{separator}{relative.as_posix()}"


def files_under(directory: Path, given: str) -> Iterator[tuple[Path, str] | SkippedRecord]:
    """Files under ``directory`` a reader handles, depth-first in sorted order, each with
    the source name ``read_inputs`` gives its documents (``given`` joined with the relative
    path); a directory that cannot be listed comes out as a SkippedRecord.

    Hidden entries (names starting with '.') are pruned, so ``.git`` is never entered;
    a directory reached twice through symbolic links is read once.
    """
    return _walk(directory, directory, given, set())


def _walk(
    directory: Path, root: Path, given: str, seen: set[Path]
) -> Iterator[tuple[Path, str] | SkippedRecord]:
    try:
        real = directory.resolve()
        entries = sorted(directory.iterdir())
    except OSError as exc:
        source = _join(given, directory.relative_to(root))
        yield SkippedRecord(source, f"cannot list directory: {exc.strerror or exc}")
        return
    if real in seen:
        logger.debug("skipping %s: already read through another link", directory)
        return
    seen.add(real)
    for entry in entries:
        if entry.name.startswith("."):
            logger.debug("skipping hidden %s", entry)
        elif entry.is_dir():
            yield from _walk(entry, root, given, seen)
        elif reader_for(entry) is None:
            logger.debug("skipping %s: no reader for this file type", entry)
        else:
            yield entry, _join(given, entry.relative_to(root))


def _read_file(path: Path, source: str, settings: Settings) -> Iterator[ReadResult]:
    reader = reader_for(path)
    if reader is None:
        known = ", ".join(suffix for r in READERS.values() for suffix in r.suffixes)
        yield SkippedRecord(
            source, f"unsupported file type {path.suffix or path.name!r}; laborlens reads {known}"
        )
        return
    yield from reader.read(path, settings, source=source)


def read_inputs(
    paths: Sequence[str], settings: Settings, *, stdin: BinaryIO | None = None
) -> Iterator[ReadResult]:
    """Every document in ``paths`` (files, directories read recursively, ``-`` for stdin).

    ``source`` on each record is the path as given (joined with the relative name for
    files found in a directory), so results point back to what the user typed.
    ``stdin`` replaces ``sys.stdin.buffer`` (for tests and embedding).
    """
    for given in paths:
        if given == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                data = stream.read()
            except OSError as exc:
                yield SkippedRecord(STDIN_SOURCE, f"cannot read stdin: {exc}")
                continue
            yield document_from_bytes(data, STDIN_SOURCE)
            continue
        path = Path(given)
        try:
            if path.is_dir():
                for item in files_under(path, given):
                    if isinstance(item, SkippedRecord):
                        yield item
                    else:
                        yield from _read_file(item[0], item[1], settings)
            elif path.exists():
                yield from _read_file(path, given, settings)
            else:
                yield SkippedRecord(given, "no such file or directory")
        except OSError as exc:
            yield SkippedRecord(given, f"cannot read: {exc.strerror or exc}")
