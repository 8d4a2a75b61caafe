"""Scoring the extractor against codebook-format gold files (``laborlens eval``)."""

from __future__ import annotations

from laborlens.eval.gold import CodedArticle, load_coded, load_gold
from laborlens.eval.report import check_gate, load_gate, result_to_json, scores_table
from laborlens.eval.score import METRICS, EvalResult, Scores, align_predictions, predict, score

__all__ = [
    "METRICS",
    "CodedArticle",
    "EvalResult",
    "Scores",
    "align_predictions",
    "check_gate",
    "load_coded",
    "load_gate",
    "load_gold",
    "predict",
    "result_to_json",
    "score",
    "scores_table",
]
