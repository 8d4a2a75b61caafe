"""The shared scoring helpers: tag columns to entities, token spans, P/R/F1, geocoding errors."""

from __future__ import annotations

import math

import pytest

from laborlens.benchmarks import BENCHMARKS, FAMILIES, metric, ratio
from laborlens.benchmarks.scoring import (
    METRICS,
    TokenText,
    entity_scores,
    error_scores,
    prf,
    tag_spans,
)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [(0, 2, "PER"), (3, 4, "LOC")]),
        (["B-LOC", "B-LOC", "I-LOC"], [(0, 1, "LOC"), (1, 3, "LOC")]),
        (["I-LOC", "I-LOC", "O", "I-ORG"], [(0, 2, "LOC"), (3, 4, "ORG")]),  # IO scheme
        (["I-ORG", "I-PER"], [(0, 1, "ORG"), (1, 2, "PER")]),  # a type change opens one
        (["B-pers", "I-pers", "B-fac"], [(0, 2, "pers"), (2, 3, "fac")]),
        (["O", "O"], []),
    ],
)
def test_tag_spans(tags: list[str], expected: list[tuple[int, int, str]]) -> None:
    assert tag_spans(tags) == expected


def test_token_text_maps_character_spans_to_the_tokens_they_touch() -> None:
    text = TokenText.join(["Miners", "in", "Karaganda", "struck", "."], [" ", " ", " ", "", ""])
    assert text.text == "Miners in Karaganda struck."
    start = text.text.index("Karaganda")
    assert text.token_range(start, start + 9) == (2, 3)
    assert text.token_range(start + 2, start + 12) == (2, 4)  # partial words widen
    assert text.token_range(6, 7) is None  # only a space


def test_token_text_without_separators_for_character_tokens() -> None:
    text = TokenText.join(["工", "会"], ["", ""])
    assert text.text == "工会" and text.token_range(0, 2) == (0, 2)


def test_prf_counts_gold_and_predictions_apart() -> None:
    precision, recall, f1 = prf("x_", gold_found=2, n_gold=4, pred_right=3, n_pred=3)
    assert (precision.metric, precision.value) == ("x_precision", 1.0)
    assert recall.value == 0.5
    assert f1.value == pytest.approx(2 / 3)


def test_prf_with_nothing_to_measure_is_none_and_with_no_hits_is_zero() -> None:
    assert [s.value for s in prf("", 0, 0, 0, 0)] == [None, None, None]
    assert [s.value for s in prf("", 0, 5, 0, 0)] == [None, 0.0, 0.0]


def test_entity_scores_need_the_exact_range_and_type() -> None:
    gold = {(0, 2, "PER"), (4, 5, "LOC")}
    pred = {(0, 2, "PER"), (4, 6, "LOC"), (7, 8, "ORG")}
    precision, recall, f1 = entity_scores("", gold, pred)
    assert precision.value == pytest.approx(1 / 3)
    assert recall.value == 0.5
    assert f1.value == pytest.approx(0.4)


def test_error_scores_follow_gritta_et_al() -> None:
    scores = {s.metric: s.value for s in error_scores([0.0, 100.0, 500.0, 20039.0], n_gold=8)}
    assert scores["acc161"] == 0.5
    assert scores["acc161_e2e"] == 0.25  # the four unresolved gold toponyms count as wrong
    assert scores["median_km"] == 300.0
    assert scores["mean_km"] == pytest.approx(20639 / 4)
    two = {s.metric: s.value for s in error_scores([160.0, 0.0], n_gold=2)}
    assert two["auc"] == pytest.approx(math.log(161) / 2 / math.log(20039))  # one trapezoid
    perfect = {s.metric: s.value for s in error_scores([0.0, 0.0], n_gold=2)}
    assert perfect["auc"] == 0.0 and perfect["acc161"] == 1.0


def test_ratio_turns_around_for_errors() -> None:
    assert ratio(0.5, 0.8, higher_is_better=True) == pytest.approx(0.625)
    assert ratio(400.0, 300.0, higher_is_better=False) == pytest.approx(0.75)
    assert ratio(None, 0.8, higher_is_better=True) is None
    assert ratio(0.0, 0.3, higher_is_better=False) is None


def test_the_registry_is_consistent() -> None:
    for name, bench in BENCHMARKS.items():
        assert bench.name == name
        assert bench.family in FAMILIES
        assert bench.headline in METRICS
        for published in bench.published:
            assert published.metric in METRICS, (name, published.metric)
            assert published.value > 0
    assert metric("recall_protest").higher_is_better
    with pytest.raises(KeyError):
        metric("no_such_metric")
