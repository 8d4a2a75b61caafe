"""Report rendering, error grouping and the quality gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from laborlens.errors import EvalError
from laborlens.eval.report import (
    Gate,
    check_gate,
    error_groups,
    file_sha256,
    load_gate,
    print_errors,
    result_to_json,
    scores_table,
)
from laborlens.eval.score import ALL, PRF, Accuracy, EvalResult, FieldError, Scores


def _result() -> EvalResult:
    pt = Scores(articles=2, labour=PRF(2, 0, 0), type=Accuracy(1, 2), place=PRF(0, 0, 0))
    es = Scores(articles=1, labour=PRF(0, 0, 1), type=Accuracy(0, 1))
    errors = (
        FieldError("p1", "pt", "type", "strike", "protest", ("rally",)),
        FieldError("e1", "es", "labour", "true", "false"),
        FieldError("e1", "es", "type", "strike", "—"),
        FieldError("e2", "es", "type", "meeting", "—"),
    )
    return EvalResult({"pt": pt, "es": es, ALL: pt + es}, errors)


def test_table_has_a_row_per_language_and_all() -> None:
    console = Console(width=200, record=True)
    console.print(scores_table(_result()))
    text = console.export_text()
    rows = [
        line.split()[0] for line in text.splitlines() if line.startswith(("es ", "pt ", "ALL "))
    ]
    assert rows == ["es", "pt", "ALL"]
    assert "0.50" in text  # pt type accuracy
    assert "—" in text  # place F1 with nothing to measure


def test_errors_are_grouped_biggest_first() -> None:
    groups = error_groups(_result())
    assert [(g.field, g.lang, len(g.errors)) for g in groups] == [
        ("type", "es", 2),
        ("labour", "es", 1),
        ("type", "pt", 1),
    ]
    console = Console(width=200, record=True)
    print_errors(_result(), console)
    text = console.export_text()
    assert text.index("type · es (2)") < text.index("labour · es (1)")
    assert "rally" in text


def test_json_report() -> None:
    data = result_to_json(_result(), include_errors=True)
    assert list(data["languages"]) == ["es", "pt", ALL]
    assert data["languages"]["pt"]["metrics"]["type_accuracy"] == 0.5
    assert data["languages"][ALL]["counts"]["labour"] == {"tp": 2, "fp": 0, "fn": 1}
    assert data["errors"][0]["field"] == "type"
    json.dumps(data)  # serialisable


def test_gate_passes_and_fails_per_language() -> None:
    result = _result()
    assert check_gate(result, Gate({"pt": {"type_accuracy": 0.5}})) == []
    failures = check_gate(result, Gate({"*": {"labour_recall": 0.9}}))
    assert failures == ["es labour_recall = 0.000 < floor 0.900"]
    assert check_gate(result, Gate({ALL: {"type_accuracy": 0.4}})) == [
        "ALL type_accuracy = 0.333 < floor 0.400"
    ]
    # Nothing to measure passes; a language the gold lacks fails.
    assert check_gate(result, Gate({"pt": {"place_f1": 0.9}})) == []
    assert "no such articles" in check_gate(result, Gate({"fa": {"labour_f1": 0.1}}))[0]


def test_gate_file_checks_metrics_and_gold_hash(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("{}\n", encoding="utf-8")
    good = tmp_path / "floors.json"
    good.write_text(
        json.dumps({"gold_sha256": file_sha256(gold), "floors": {"pt": {"type_accuracy": 0.5}}}),
        encoding="utf-8",
    )
    assert check_gate(_result(), load_gate(good), gold) == []
    gold.write_text("{}\n{}\n", encoding="utf-8")
    assert "changed" in check_gate(_result(), load_gate(good), gold)[0]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"pt": {"labour_f1": 1}}), encoding="utf-8")
    assert load_gate(bare).floors == {"pt": {"labour_f1": 1.0}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"pt": {"labour_f2": 0.5}}', "unknown metric 'labour_f2'"),
        ('{"pt": {"labour_f1": 1.5}}', r"must be in \[0, 1\]"),
        ('{"pt": 0.5}', "must be an object"),
        ("[", "cannot be read"),
    ],
)
def test_bad_gate_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "floors.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalError, match=message):
        load_gate(path)
