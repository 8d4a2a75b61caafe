"""Stage 3: is this article about workers, unions, employers or labour authorities?

A labour score in [0, 1] from weighted lexicon evidence: unambiguous labour words count
fully, worker groups and weak hints less, and collective refusals ("drivers did not go out
on their routes") count when a worker group is named in the same sentence. False friends
are masked first. Languages without a resource file borrow every file's lexicon.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.document import ArticleText, headline_end
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.records import Article, Relevance, Span, TermMatch
from laborlens.resources.schema import LanguageResources, available_languages, load_language

WEIGHTS = {
    "core": 1.0,
    "workers": 0.4,
    "context": 0.15,
    "collective_action": 0.8,
    "non_workers": -0.5,
}
# Event triggers of types that only exist in the world of work add evidence of their own.
LABOUR_ONLY_TYPES = frozenset({"strike", "organizing"})
TRIGGER_WEIGHT = 0.3
# A strike word in a sentence whose actors are prisoners or students, and no workers, is
# their strike, not a labour one ("detainees on hunger strike", "students' strike").
OTHER_ACTORS_FACTOR = 0.2
TITLE_BOOST = 2.0
SCALE = 1.6  # total evidence at which the score reaches 1 - 1/e


def _terms(doc: ArticleText) -> list[TermMatch]:
    res = doc.resources
    if res is None:
        return []
    mask = ExclusionMask(doc)
    hits = mask.keep(list(res.relevance.finditer(doc.folded)))
    worker_sentences = {doc.sentence_index(h.start) for h in hits if h.label == "workers"}
    other_sentences = {doc.sentence_index(h.start) for h in hits if h.label == "non_workers"}
    matches = []
    triggers = [
        h for h in mask.keep(list(res.events.finditer(doc.folded))) if h.label in LABOUR_ONLY_TYPES
    ]
    for hit in triggers:
        sentence = doc.sentence_index(hit.start)
        weight = TRIGGER_WEIGHT
        if sentence in other_sentences and sentence not in worker_sentences:
            weight *= OTHER_ACTORS_FACTOR
        matches.append(
            TermMatch(
                doc.text[hit.start : hit.end],
                f"trigger:{hit.label}",
                Span(hit.start, hit.end, "labour"),
                weight,
            )
        )
    for hit in hits:
        weight = WEIGHTS[hit.label]
        sentence = doc.sentence_index(hit.start)
        if hit.label == "collective_action" and sentence not in worker_sentences:
            weight = 0.25
        if weight > 0 and sentence in other_sentences and sentence not in worker_sentences:
            weight *= OTHER_ACTORS_FACTOR
        matches.append(
            TermMatch(
                doc.text[hit.start : hit.end], hit.label, Span(hit.start, hit.end, "labour"), weight
            )
        )
    return matches


def _score(matches: list[TermMatch], title_end: int) -> float:
    """Diminishing returns per distinct term; the headline counts double."""
    per_term: dict[str, list[TermMatch]] = defaultdict(list)
    for m in matches:
        per_term[m.term.casefold()].append(m)
    total = 0.0
    for group in per_term.values():
        best = max(m.weight * (TITLE_BOOST if m.span.start < title_end else 1.0) for m in group)
        total += best * min(1.0 + 0.25 * (len(group) - 1), 2.0)
    return max(0.0, 1.0 - math.exp(-total / SCALE))


def _candidates(lang: str | None) -> list[LanguageResources]:
    res = load_language(lang) if lang else None
    if res is not None:
        return [res]
    return [r for code in available_languages() if (r := load_language(code)) is not None]


def score_relevance(article: Article, context: StageContext) -> Article:
    """Score every candidate lexicon (one, or all for an unknown language); keep the best."""
    best: tuple[float, list[TermMatch]] = (0.0, [])
    title_end = headline_end(article)
    for res in _candidates(article.lang):
        doc = ArticleText(article.text, res.code, res, article.published, title_end)
        matches = _terms(doc)
        score = _score(matches, title_end)
        if score > best[0]:
            best = (score, matches)
    score = round(best[0], 4)
    relevance = Relevance(
        score=score,
        is_labour=score >= context.settings.relevance_threshold,
        terms=tuple(best[1]),
    )
    return replace(article, relevance=relevance)
