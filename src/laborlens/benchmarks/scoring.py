"""What every benchmark family shares: result records, metric names, P/R/F1, token spans.

Benchmark files come tokenised (CoNLL columns) or with character offsets; laborlens works
on text. ``TokenText`` joins tokens into text and maps laborlens' character spans back onto
token ranges, the way a token tagger would have emitted them, so spans are compared the way
the sets' own scorers (conlleval, seqeval, the HIPE scorer) compare them.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

# Half the Earth's circumference: the largest possible geocoding error (Gritta et al. 2018).
MAX_ERROR_KM = 20039.0
ACCURACY_KM = 161.0

Entity = tuple[int, int, str]  # token range [first, last) and type


@dataclass(frozen=True, slots=True)
class Metric:
    """A metric's name, how the docs label it and which direction is better."""

    name: str
    label: str
    higher_is_better: bool = True
    unit: str = ""  # "" for a share in [0, 1]; "km" for distances


_METRICS: tuple[Metric, ...] = (
    Metric("precision", "recognition precision (exact span)"),
    Metric("recall", "recognition recall (exact span)"),
    Metric("f1", "recognition F1 (exact span)"),
    Metric("f1_overlap", "recognition F1 (overlapping span)"),
    Metric("coverage", "gold toponyms with coordinates that were recognised"),
    Metric("acc161", "Accuracy@161 km over recognised gold toponyms"),
    Metric("acc161_e2e", "Accuracy@161 km over all gold toponyms (misses count as wrong)"),
    Metric("exact", "exact GeoNames id over recognised gold toponyms"),
    Metric("mean_km", "mean error", higher_is_better=False, unit="km"),
    Metric("median_km", "median error", higher_is_better=False, unit="km"),
    Metric("auc", "AUC of the log-error curve", higher_is_better=False),
    *(
        Metric(f"{kind}_{part}", f"{name} {part}")
        for kind, name in (
            ("per", "PER"),
            ("org", "ORG"),
            ("loc", "LOC"),
            ("micro", "PER+ORG+LOC micro-averaged"),
        )
        for part in ("precision", "recall", "f1")
    ),
    Metric("value_accuracy", "exact normalised value over gold expressions in scope"),
    Metric(
        "value_accuracy_supported",
        "exact normalised value, cases the reference implementation supports",
    ),
    Metric("value_accuracy_detected", "exact normalised value over detected gold expressions"),
    Metric("detection_precision", "detection precision (overlapping span)"),
    Metric("detection_recall", "detection recall (overlapping span)"),
    Metric("detection_f1", "detection F1 (overlapping span)"),
    Metric("strict_f1", "detection F1 (exact span)"),
    Metric("accuracy", "event type accuracy on mapped snippets"),
    Metric("weighted_f1", "weighted F1 on mapped snippets"),
    Metric("macro_f1", "macro F1 on mapped snippets"),
)
METRICS: dict[str, Metric] = {m.name: m for m in _METRICS}


@dataclass(frozen=True, slots=True)
class Score:
    """One metric's value (None when there was nothing to measure) over ``support`` gold items."""

    metric: str
    value: float | None
    support: int


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """The scores of one benchmark on one language (``variant`` tells apart two runs of it)."""

    benchmark: str
    lang: str
    items: int
    scores: tuple[Score, ...]
    seconds: float = 0.0
    variant: str = ""

    @property
    def key(self) -> str:
        """The row name in tables and the gate file: the language, plus the variant if any."""
        return f"{self.lang}-{self.variant}" if self.variant else self.lang

    def value(self, metric: str) -> float | None:
        return next((s.value for s in self.scores if s.metric == metric), None)

    def support(self, metric: str) -> int:
        return next((s.support for s in self.scores if s.metric == metric), 0)


def share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def prf(
    prefix: str, gold_found: int, n_gold: int, pred_right: int, n_pred: int
) -> tuple[Score, ...]:
    """Precision, recall and F1 as three scores named ``<prefix>precision`` and so on.

    ``gold_found`` gold items were found; ``pred_right`` predictions were right (the two
    differ under overlap matching, where one prediction can cover two gold items).
    """
    precision = share(pred_right, n_pred)
    recall = share(gold_found, n_gold)
    f1: float | None
    if precision is None and recall is None:
        f1 = None
    elif not precision or not recall:
        f1 = 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return (
        Score(f"{prefix}precision", precision if n_pred or n_gold else None, n_pred),
        Score(f"{prefix}recall", recall, n_gold),
        Score(f"{prefix}f1", f1, n_gold),
    )


def entity_scores(
    prefix: str, gold: Iterable[Hashable], predicted: Iterable[Hashable]
) -> tuple[Score, ...]:
    """Strict (exact range and type) entity-level P/R/F1, as conlleval and seqeval count."""
    gold_set = set(gold)
    pred_set = set(predicted)
    right = len(gold_set & pred_set)
    return prf(prefix, right, len(gold_set), right, len(pred_set))


def error_scores(errors: Sequence[float], n_gold: int) -> tuple[Score, ...]:
    """Accuracy@161 km, mean and median error and the AUC of the log-error curve.

    The AUC follows Gritta et al. (2018): the sorted ``ln(1 + error)`` values integrated by
    the trapezoidal rule, divided by ``ln(20039) * (n - 1)``; 0 is perfect, lower is better.
    ``acc161_e2e`` divides by every gold toponym with coordinates (``n_gold``).
    """
    n = len(errors)
    within = sum(e <= ACCURACY_KM for e in errors)
    ordered = sorted(errors)
    median: float | None = None
    if n:
        mid = n // 2
        median = ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    auc: float | None = None
    if n > 1:
        logs = [math.log1p(e) for e in ordered]
        area = sum((a + b) / 2 for a, b in pairwise(logs))
        auc = area / (math.log(MAX_ERROR_KM) * (n - 1))
    return (
        Score("acc161", share(within, n), n),
        Score("acc161_e2e", share(within, n_gold), n_gold),
        Score("mean_km", sum(errors) / n if n else None, n),
        Score("median_km", median, n),
        Score("auc", auc, n),
    )


def tag_spans(tags: Sequence[str]) -> list[Entity]:
    """Entities of a tag column: IOB2, IOB1 and IO alike (an I- tag after O or another
    type opens an entity, so the IO-tagged sets and stray B- tags need no special case)."""
    out: list[Entity] = []
    start = -1
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        opens = prefix == "B" or (prefix == "I" and label != kind)
        if start >= 0 and (prefix not in {"B", "I"} or opens):
            out.append((start, i, kind))
            start, kind = -1, ""
        if opens:
            start, kind = i, label
    return out


@dataclass(frozen=True, slots=True)
class TokenText:
    """Tokens joined into text, with each token's character range."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def join(cls, tokens: Sequence[str], separators: Sequence[str] | None = None) -> TokenText:
        """Join ``tokens``; ``separators[i]`` follows token i (default: one space)."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        offset = 0
        for i, token in enumerate(tokens):
            starts.append(offset)
            offset += len(token)
            ends.append(offset)
            sep = separators[i] if separators is not None else " "
            parts += [token, sep]
            offset += len(sep)
        return cls("".join(parts), tuple(starts), tuple(ends))

    def token_range(self, start: int, end: int) -> tuple[int, int] | None:
        """Tokens overlapping the characters ``[start, end)``, or None when none does."""
        first = bisect_right(self.ends, start)
        last = bisect_left(self.starts, end)
        return (first, last) if first < last else None
