"""False friends ("European Union", "air strike") hide the words inside them from every rule."""

from __future__ import annotations

from bisect import bisect_right

from laborlens.pipeline.extract.document import ArticleText
from laborlens.resources.patterns import LexiconHit


class ExclusionMask:
    """Spans of the text covered by a language's [relevance] exclude terms."""

    def __init__(self, doc: ArticleText) -> None:
        spans: list[tuple[int, int]] = []
        if doc.resources is not None:
            spans = [(h.start, h.end) for h in doc.resources.relevance_exclude.finditer(doc.folded)]
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]

    def covers(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end) - 1
        while i >= 0:
            s, e = self.spans[i]
            if s < end and start < e:
                return True
            if e <= start and s < start - 200:
                break
            i -= 1
        return False

    def keep(self, hits: list[LexiconHit]) -> list[LexiconHit]:
        return [h for h in hits if not self.covers(h.start, h.end)]
