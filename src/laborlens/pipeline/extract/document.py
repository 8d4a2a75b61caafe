"""The narrow, read-only view of an article that every extraction sub-step works on."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from laborlens.pipeline.extract.tokens import Token, split_sentences, tokenize
from laborlens.records import Article
from laborlens.resources.patterns import fold_for_matching
from laborlens.resources.schema import LanguageResources

MAX_HEADLINE_CHARS = 200


@dataclass(frozen=True)
class ArticleText:
    """Normalised text, its folded twin (same length) and what the extractors share.

    ``published`` is the reference date for relative and partial dates; ``title_end`` is
    where the headline ends (0 when the text has none), so extractors can weigh it.
    """

    text: str
    lang: str
    resources: LanguageResources | None
    published: dt.date | None = None
    title_end: int = 0

    @cached_property
    def folded(self) -> str:
        case_map = self.resources.case_map if self.resources else None
        return fold_for_matching(self.text, case_map)

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        return tuple(split_sentences(self.text))

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        return tuple(tokenize(self.text))

    @cached_property
    def _token_starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    def token_start(self, offset: int) -> int:
        """Start of the word containing ``offset``: lexicon hits after a glued clitic
        (و+قال, ل+لنقابة) start inside a word; rules that compare words need its start."""
        i = bisect_right(self._token_starts, offset) - 1
        return self._token_starts[i] if i >= 0 else offset

    @cached_property
    def body_sentences(self) -> tuple[int, ...]:
        """Indexes of the sentences after the headline, in order (the lead comes first)."""
        return tuple(i for i, (start, _end) in enumerate(self.sentences) if start >= self.title_end)

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing ``offset`` (the nearest one before it otherwise)."""
        best = 0
        for i, (start, _end) in enumerate(self.sentences):
            if start <= offset:
                best = i
            else:
                break
        return best


def headline_end(article: Article) -> int:
    """Where the headline ends: the first line, when it reads as a headline.

    A first line of several sentences is a lead paragraph that happens to come first.
    """
    first = article.text.split("\n", 1)[0]
    if not first.strip() or "\n" not in article.text or len(first) > MAX_HEADLINE_CHARS:
        return 0
    if len(split_sentences(first)) > 1:
        return 0
    return len(first)
