"""Word segmentation for scripts written without spaces, for languages declared with
``[language] word_boundaries = false`` (Chinese).

A regex tokeniser sees a whole clause of Chinese as one "word", so nothing can grow an
organisation name word by word or find where a person's name ends. jieba (MIT) ships its
dictionary and part-of-speech model in the wheel and runs offline; it is loaded lazily,
once per process (about two seconds), and only when an article needs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Word:
    """One segmented word: offsets into the text, its form and jieba's part-of-speech tag
    (``nr`` person, ``ns`` place, ``nt`` organisation, ``v`` verb, ``m`` numeral, ``x``
    punctuation ...)."""

    start: int
    end: int
    text: str
    tag: str

    @property
    def is_verb(self) -> bool:
        return self.tag.startswith("v") and self.tag != "vn"


@cache
def _tagger() -> Any:
    import jieba  # noqa: PLC0415  (two seconds to load: only for unspaced scripts)
    import jieba.posseg  # noqa: PLC0415

    jieba.setLogLevel(logging.WARNING)
    log.debug("loading the jieba dictionary")
    return jieba.posseg.POSTokenizer(jieba.dt)


@lru_cache(maxsize=64)
def segment(text: str) -> tuple[Word, ...]:
    """Words of ``text`` with offsets; jieba keeps every character, so offsets add up."""
    words: list[Word] = []
    pos = 0
    for pair in _tagger().cut(text, HMM=True):
        form, tag = str(pair.word), str(pair.flag)
        start = text.find(form, pos) if not text.startswith(form, pos) else pos
        if start < 0 or not form:
            continue
        words.append(Word(start, start + len(form), form, tag))
        pos = start + len(form)
    return tuple(words)


def in_dictionary(word: str) -> bool:
    """Is ``word`` a dictionary word (a common word) rather than one the segmenter guessed
    (most proper names: "恒建", "客運" in traditional script)?"""
    tagger = _tagger()
    return bool(tagger.tokenizer.FREQ.get(word))
