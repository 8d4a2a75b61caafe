"""Sentence and word boundaries shared by the extractors (offsets into the article text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from laborlens.resources.patterns import MARKS

# Western and Arabic full stops need a space after them; CJK full stops do not.
_SENTENCE_END = re.compile(r"(?<=[.!?؟।])[\"'»”)\]]*\s+|(?<=[。！？])[”」』]*\s*|\n+")
_WORD = re.compile(f"[\\w{MARKS}\u200c'’\\-]+")
_ABBREVIATIONS = re.compile(r"(?:\b[\w]{1,3}\.|\d\.)$")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str

    @property
    def is_capitalised(self) -> bool:
        first = self.text[:1]
        return first.isupper() or (first.isalpha() and first.istitle())


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; a line break always ends a sentence, a short abbreviation never does."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start()]
        if "\n" not in match.group() and _ABBREVIATIONS.search(piece):
            continue
        if piece.strip():
            spans.append(_strip(text, start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens (letters, digits, apostrophes, hyphens, ZWNJ) in ``text[start:end]``."""
    stop = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, stop)]
