"""Plain-text files (.txt): robust decoding plus a language-neutral headline guess."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult, has_suffix
from laborlens.sources.decode import NotTextError, decode_bytes

logger = logging.getLogger(__name__)

_SUFFIXES = (".txt",)

# Lines that are page furniture rather than a headline, recognised by shape only.
_MIN_TITLE_WIDTH = 12
_MAX_TITLE_CHARS = 200
_MAX_RAIL_CHARS = 25
_TITLE_SEARCH_LINES = 10
_BREADCRUMB = re.compile(r"\s[»>›→]\s")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]+")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def is_blank(text: str) -> bool:
    """True for text made only of whitespace and invisible joiners or marks."""
    return not text.strip().strip(_INVISIBLE).strip()


def _display_width(line: str) -> int:
    """Characters counted as terminal columns, so short CJK headlines are not 'short'."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _is_date_line(line: str) -> bool:
    """A dateline such as '01.03.2024 10:15' or 'Monday, 4 March 2024' and nothing else."""
    numbers = _NUMBER.findall(line)
    digits = sum(len(n) for n in numbers)
    return digits >= 4 and len(numbers) >= 2 and len(_WORD.findall(line)) <= 3


def _is_boilerplate(line: str, counts: Counter[str]) -> bool:
    return (
        _display_width(line) < _MIN_TITLE_WIDTH
        or bool(_BREADCRUMB.search(line))
        or _is_date_line(line)
        or (counts[line] > 1 and len(line) < _MAX_RAIL_CHARS)
    )


def guess_title(text: str) -> str | None:
    """The first line that is not page furniture, or None if it reads like a paragraph.

    Skips very short lines (section labels), breadcrumbs ('Home » News'), datelines and
    short lines that recur (a 'latest news' rail). A first real line longer than a
    headline can be, or a text that is a single line, is body text: no title.
    """
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if not is_blank(line)]
    if len(lines) < 2:
        return None
    counts = Counter(lines)
    for line in lines[:_TITLE_SEARCH_LINES]:
        if _is_boilerplate(line, counts):
            continue
        return line if len(line) <= _MAX_TITLE_CHARS else None
    return None


def document_from_bytes(data: bytes, source: str, locator: str = "") -> ReadResult:
    """Decode a whole text file (or stdin) into one RawDocument, or say why not."""
    if not data:
        return SkippedRecord(source, "empty file (0 bytes)", locator)
    try:
        decoded = decode_bytes(data)
    except NotTextError as exc:
        return SkippedRecord(source, str(exc), locator)
    if is_blank(decoded.text):
        return SkippedRecord(source, "no text: the file holds only whitespace", locator)
    logger.debug("%s: decoded as %s", source, decoded.encoding)
    return RawDocument(
        source=source, text=decoded.text, locator=locator, title=guess_title(decoded.text)
    )


class TextReader:
    """One document per .txt file; the text is the whole file, headline included."""

    suffixes: tuple[str, ...] = _SUFFIXES

    def sniff(self, path: Path) -> bool:
        return has_suffix(path, self.suffixes)

    def read(
        self, path: Path, settings: Settings, *, source: str | None = None
    ) -> Iterator[ReadResult]:
        name = source if source is not None else str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield SkippedRecord(name, f"cannot read file: {exc.strerror or exc}")
            return
        yield document_from_bytes(data, name)
