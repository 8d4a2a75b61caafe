"""Issues and outcomes: lexicon evidence, counted over the article, false friends masked."""

from __future__ import annotations

from collections import defaultdict

from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.records import IssueMention, Outcome, Span

MIN_ISSUE_SCORE = 1.0


def extract_issues(doc: ArticleText, mask: ExclusionMask | None = None) -> tuple[IssueMention, ...]:
    """Issue codes with enough evidence: one headline hit, or one in the body.

    Ordered by evidence, strongest first, so the main issue leads.
    """
    res = doc.resources
    if res is None:
        return ()
    mask = mask or ExclusionMask(doc)
    spans: dict[str, list[Span]] = defaultdict(list)
    score: dict[str, float] = defaultdict(float)
    for hit in mask.keep(list(res.issues.finditer(doc.folded))):
        spans[hit.label].append(Span(hit.start, hit.end, "issue"))
        score[hit.label] += 2.0 if hit.start < doc.title_end else 1.0
    ranked = sorted((c for c in score if score[c] >= MIN_ISSUE_SCORE), key=lambda c: -score[c])
    return tuple(
        IssueMention(code, tuple(spans[code]), min(0.5 + 0.15 * score[code], 0.95))
        for code in ranked
    )


def extract_outcomes(doc: ArticleText, mask: ExclusionMask | None = None) -> tuple[Outcome, ...]:
    """Decisions taken, as short English phrases from the language file's [outcomes] table."""
    res = doc.resources
    if res is None:
        return ()
    mask = mask or ExclusionMask(doc)
    found: dict[str, list[Span]] = defaultdict(list)
    for hit in mask.keep(list(res.outcomes.finditer(doc.folded))):
        found[hit.label].append(Span(hit.start, hit.end, "outcome"))
    return tuple(Outcome(phrase, tuple(spans)) for phrase, spans in found.items())
