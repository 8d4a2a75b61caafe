"""Eval output: a table per language, JSON, the wrong fields, and the quality gate.

A gate file holds floors per language and metric (names from ``score.METRICS``)::

    {"gold_sha256": "…optional: the gold file the floors were set on…",
     "floors": {"*": {"labour_f1": 0.8}, "fa": {"place_f1": 0.5}, "ALL": {"type_accuracy": 0.6}}}

``*`` applies to every language (not to ALL). A bare ``{"fa": {...}}`` mapping is accepted too.
A metric with nothing to measure (no gold and no predicted items) passes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from laborlens.errors import EvalError
from laborlens.eval.score import ALL, METRICS, EvalResult, FieldError

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("labour_precision", "lab P"),
    ("labour_recall", "lab R"),
    ("labour_f1", "lab F1"),
    ("type_accuracy", "type"),
    ("date_accuracy", "date"),
    ("country_f1", "ctry"),
    ("place_f1", "place"),
    ("organization_f1", "org"),
    ("person_f1", "pers"),
    ("role_accuracy", "role"),
    ("issue_f1", "issue"),
)
_CAPTION = "lab: labour relevance · type, date, role: accuracy · the rest: F1"
_EPSILON = 1e-9  # the pipeline is deterministic; this only absorbs float rounding


def _cell(value: float | None) -> Text:
    if value is None:
        return Text("—", style="dim")
    style = "green" if value >= 0.8 else "yellow" if value >= 0.5 else "red"
    return Text(f"{value:.2f}", style=style)


def scores_table(result: EvalResult, title: str = "laborlens eval") -> Table:
    """Rows are languages then ALL; columns are the field metrics (— when nothing to measure).

    ``lab`` is the labour decision; type, date and role are accuracies, the rest F1.
    """
    table = Table(
        title=title,
        header_style="bold",
        caption=_CAPTION,
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
    )
    table.add_column("lang", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    for _, header in _COLUMNS:
        table.add_column(header, justify="right", no_wrap=True)
    languages = result.languages()
    for index, lang in enumerate(languages):
        scores = result.by_lang[lang]
        metrics = scores.metrics()
        table.add_row(
            Text(lang, style="bold" if lang == ALL else ""),
            str(scores.articles),
            *(_cell(metrics[name]) for name, _ in _COLUMNS),
            end_section=index == len(languages) - 2,
        )
    return table


def result_to_json(result: EvalResult, *, include_errors: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "languages": {
            lang: {
                "articles": result.by_lang[lang].articles,
                "metrics": result.by_lang[lang].metrics(),
                "counts": result.by_lang[lang].counts(),
            }
            for lang in result.languages()
        },
        "missing_predictions": list(result.missing_predictions),
    }
    if include_errors:
        out["errors"] = [
            {
                "article_id": e.article_id,
                "lang": e.lang,
                "field": e.field,
                "expected": e.expected,
                "predicted": e.predicted,
                "evidence": list(e.evidence),
            }
            for group in error_groups(result)
            for e in group.errors
        ]
    return out


@dataclass(frozen=True, slots=True)
class ErrorGroup:
    field: str
    lang: str
    errors: tuple[FieldError, ...]


def error_groups(result: EvalResult) -> list[ErrorGroup]:
    """Wrong fields grouped by (field, language), the biggest groups first."""
    groups: dict[tuple[str, str], list[FieldError]] = defaultdict(list)
    for error in result.errors:
        groups[error.field, error.lang].append(error)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [ErrorGroup(f, lang, tuple(errs)) for (f, lang), errs in ordered]


def print_errors(result: EvalResult, console: Console) -> None:
    groups = error_groups(result)
    if not groups:
        console.print("No wrong fields.")
        return
    for group in groups:
        table = Table(
            title=f"{group.field} · {group.lang} ({len(group.errors)})",
            title_justify="left",
            show_lines=True,
        )
        table.add_column("article")
        table.add_column("expected", overflow="fold")
        table.add_column("predicted", overflow="fold")
        table.add_column("evidence", overflow="fold", style="dim")
        for error in group.errors:
            table.add_row(
                error.article_id,
                error.expected or "—",
                error.predicted or "—",
                " | ".join(error.evidence) or "—",
            )
        console.print(table)


@dataclass(frozen=True, slots=True)
class Gate:
    floors: Mapping[str, Mapping[str, float]]
    gold_sha256: str | None = None


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_gate(path: Path) -> Gate:
    """Read a floors file; unknown metrics and out-of-range floors are errors."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalError(f"gate file {path}: cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise EvalError(f"gate file {path}: expected a JSON object")
    sha = data.get("gold_sha256")
    floors = data.get("floors", {k: v for k, v in data.items() if k != "gold_sha256"})
    if not isinstance(floors, dict):
        raise EvalError(f"gate file {path}: 'floors' must map language → metric → floor")
    checked: dict[str, dict[str, float]] = {}
    for lang, metrics in floors.items():
        if not isinstance(metrics, dict):
            raise EvalError(f"gate file {path}: floors for {lang!r} must be an object")
        for metric, floor in metrics.items():
            if metric not in METRICS:
                raise EvalError(
                    f"gate file {path}: unknown metric {metric!r} for {lang!r}; "
                    f"known: {', '.join(METRICS)}"
                )
            if isinstance(floor, bool) or not isinstance(floor, int | float) or not 0 <= floor <= 1:
                raise EvalError(f"gate file {path}: floor {lang}.{metric} must be in [0, 1]")
            checked.setdefault(lang, {})[metric] = float(floor)
    if sha is not None and not isinstance(sha, str):
        raise EvalError(f"gate file {path}: gold_sha256 must be a string")
    return Gate(checked, sha)


def check_gate(result: EvalResult, gate: Gate, gold_path: Path | None = None) -> list[str]:
    """Every floor the result falls below, as readable lines (empty when the gate passes)."""
    failures: list[str] = []
    if gate.gold_sha256 and gold_path is not None:
        actual = file_sha256(gold_path)
        if actual != gate.gold_sha256:
            failures.append(
                f"gold file {gold_path} changed (sha256 {actual[:12]}…, gate expects "
                f"{gate.gold_sha256[:12]}…); re-check the floors and update gold_sha256"
            )
    languages = [lang for lang in result.languages() if lang != ALL]
    for lang_key, metrics in sorted(gate.floors.items()):
        if lang_key == "*":
            targets = languages
        elif lang_key in result.by_lang:
            targets = [lang_key]
        else:
            failures.append(f"{lang_key}: the gate has floors but the gold has no such articles")
            continue
        for lang in targets:
            values = result.by_lang[lang].metrics()
            for metric, floor in sorted(metrics.items()):
                value = values[metric]
                if value is not None and value < floor - _EPSILON:
                    failures.append(f"{lang} {metric} = {value:.3f} < floor {floor:.3f}")
    return failures
