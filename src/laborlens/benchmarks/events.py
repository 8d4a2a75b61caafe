"""Event-type benchmark: the CASE 2021 Task 2 snippets whose type maps onto the codebook.

CASE types and laborlens types meet on shared classes taken from the codebook's ACLED
column (CODEBOOK section 2): ``strike`` and ``protest`` are ACLED protests, ``repression``
is violence against protesters and protests with intervention (arrests included), and the
unseen CASE types add industrial accidents and diplomatic meetings. Snippets of any other
CASE type (armed clashes, air strikes, mob violence ...) are left out; a laborlens type
outside the shared classes (bargaining, demand ...) is simply wrong.

Each snippet is classified by ``classify_event`` on its own, as the extract stage would
classify a labour article (the relevance gate is not applied: these are not labour news).
"""

from __future__ import annotations

import csv
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from laborlens.benchmarks.scoring import BenchmarkResult, Score, share
from laborlens.errors import EvalError
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.events import classify_event
from laborlens.pipeline.extract.masks import ExclusionMask

# CASE 2021 sub-event type → shared class.
CASE_CLASSES: dict[str, str] = {
    "PEACE_PROTEST": "protest",
    "VIOL_DEMONSTR": "protest",
    "PROTEST_WITH_INTER": "repression",
    "FORCE_AGAINST_PROTEST": "repression",
    "ARREST": "repression",
    "AGREEMENT": "agreement",
    "MAN_MADE_DISASTER": "accident",
    "DIPLO": "meeting",
}
# laborlens event type → shared class; the other codebook types match no CASE type.
LABORLENS_CLASSES: dict[str, str] = {
    "strike": "protest",
    "protest": "protest",
    "repression": "repression",
    "agreement": "agreement",
    "accident": "accident",
    "meeting": "meeting",
}
CLASSES: tuple[str, ...] = tuple(dict.fromkeys(CASE_CLASSES.values()))


@dataclass(frozen=True, slots=True)
class Snippet:
    id: str
    text: str
    label: str


def read_case(path: Path) -> list[Snippet]:
    """The labelled test TSV (``id``, ``EventSnippet``, ``SubType``)."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as exc:
        raise EvalError(f"benchmark file {path}: {exc}") from exc
    try:
        return [Snippet(r["id"], r["EventSnippet"], r["SubType"].strip()) for r in rows]
    except (KeyError, AttributeError) as exc:
        raise EvalError(f"benchmark file {path}: expected id, EventSnippet, SubType") from exc


def classify_snippet(text: str, lang: str, context: StageContext) -> str:
    doc = ArticleText(text, lang, context.resources(lang))
    return classify_event(doc, ExclusionMask(doc)).type


def score_labels(gold: Sequence[str], predicted: Sequence[str]) -> tuple[Score, ...]:
    """Accuracy, weighted and macro F1 over the gold classes, and each class's recall."""
    n = len(gold)
    support = Counter(gold)
    guessed = Counter(predicted)
    right = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    f1: dict[str, float] = {}
    for label in support:
        precision = right[label] / guessed[label] if guessed[label] else 0.0
        recall = right[label] / support[label]
        f1[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    weighted = sum(f1[c] * support[c] for c in support) / n if n else None
    macro = sum(f1.values()) / len(f1) if f1 else None
    return (
        Score("accuracy", share(sum(right.values()), n), n),
        Score("weighted_f1", weighted, n),
        Score("macro_f1", macro, n),
        *(
            Score(f"recall_{label}", share(right[label], support[label]), support[label])
            for label in CLASSES
            if support[label]
        ),
    )


def run_case2021(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    snippets = [
        s
        for s in read_case(folder / "test_set_final_release_with_labels.tsv")
        if s.label in CASE_CLASSES
    ]
    snippets = snippets[:limit] if limit else snippets
    started = time.perf_counter()
    gold = [CASE_CLASSES[s.label] for s in snippets]
    predicted = [
        LABORLENS_CLASSES.get(classify_snippet(s.text, "en", context), "none") for s in snippets
    ]
    scores = score_labels(gold, predicted)
    seconds = time.perf_counter() - started
    return (BenchmarkResult("case2021-task2", "en", len(snippets), scores, seconds),)
