"""The contract every input reader follows: bytes in, RawDocument or SkippedRecord out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord

ReadResult = RawDocument | SkippedRecord


class SourceReader(Protocol):
    """Reads one kind of file; never raises for bad content, yields SkippedRecord instead.

    ``source`` is the name to record (the path as the user gave it); it defaults to
    ``str(path)``. ``suffixes`` lists the file name endings the reader takes, for
    messages and documentation.
    """

    suffixes: tuple[str, ...]

    def sniff(self, path: Path) -> bool:
        """True if this reader handles ``path`` (decided from the name, without reading)."""
        ...

    def read(
        self, path: Path, settings: Settings, *, source: str | None = None
    ) -> Iterator[ReadResult]:
        """Yield one record per document in ``path``, in file order."""
        ...


def has_suffix(path: Path, suffixes: tuple[str, ...]) -> bool:
    """Case-insensitive match of the end of the file name (handles ``.warc.gz``)."""
    name = path.name.lower()
    return any(name.endswith(suffix) for suffix in suffixes)
