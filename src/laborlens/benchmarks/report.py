"""Benchmark results against the published figures: comparison rows, JSON, docs/quality.md.

The markdown page is generated, never edited by hand, so the figures, the metric
definitions (the family modules' docstrings) and the CASE mapping cannot drift from the code.
"""

from __future__ import annotations

import datetime as dt
import inspect
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from laborlens.benchmarks import BENCHMARKS, FAMILIES, metric, ratio
from laborlens.benchmarks import dates as dates_module
from laborlens.benchmarks import entities as entities_module
from laborlens.benchmarks import events as events_module
from laborlens.benchmarks import geoparsing as geoparsing_module
from laborlens.benchmarks.scoring import BenchmarkResult

Results = Mapping[str, Sequence[BenchmarkResult]]


@dataclass(frozen=True, slots=True)
class Comparison:
    """laborlens against one published figure, on one language (``key``) of one benchmark."""

    benchmark: str
    key: str
    metric: str
    laborlens: float | None
    best: float
    ratio: float | None
    system: str


def comparisons(name: str, results: Sequence[BenchmarkResult]) -> list[Comparison]:
    """Every (language, published metric) pair of a benchmark that has published figures."""
    bench = BENCHMARKS[name]
    out = []
    for result in results:
        if result.variant:
            continue  # a variant (the India set as written) is for reference only
        for published in bench.published:
            if published.lang not in (None, result.lang):
                continue
            value = result.value(published.metric)
            higher = metric(published.metric).higher_is_better
            out.append(
                Comparison(
                    name,
                    result.key,
                    published.metric,
                    value,
                    published.value,
                    ratio(value, published.value, higher),
                    published.system,
                )
            )
    return out


def headline_ratios(results: Results) -> list[Comparison]:
    """The comparison on each benchmark's headline metric, for every language."""
    return [
        c
        for name, rows in results.items()
        for c in comparisons(name, rows)
        if c.metric == BENCHMARKS[name].headline
    ]


def stage_ranking(results: Results) -> list[tuple[str, float, Comparison]]:
    """Families by mean headline ratio, weakest first, each with its worst comparison."""
    by_family: dict[str, list[Comparison]] = {}
    for c in headline_ratios(results):
        if c.ratio is not None:
            by_family.setdefault(BENCHMARKS[c.benchmark].family, []).append(c)
    ranked = [
        (family, statistics.fmean(c.ratio for c in rows if c.ratio is not None), min(rows, key=_r))
        for family, rows in by_family.items()
    ]
    return sorted(ranked, key=lambda item: item[1])


def _r(c: Comparison) -> float:
    return c.ratio if c.ratio is not None else float("inf")


def format_value(name: str, value: float | None) -> str:
    """Shares as percentages with one decimal, distances in whole km, AUC with two decimals."""
    if value is None:
        return "—"
    info = metric(name)
    if info.unit == "km":
        return f"{value:,.0f} km"
    if name == "auc":
        return f"{value:.2f}"
    return f"{100 * value:.1f}"


def format_ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def metric_names(results: Sequence[BenchmarkResult]) -> list[str]:
    """Every metric a benchmark reported, in first-seen order."""
    return list(dict.fromkeys(s.metric for r in results for s in r.scores))


def to_json(results: Results, limit: int | None) -> dict[str, Any]:
    """Scores, supports, published figures and ratios, one entry per benchmark and language."""
    rows = []
    for name, items in results.items():
        found = {(c.key, c.metric): c for c in comparisons(name, items)}
        for r in items:
            rows.append(
                {
                    "benchmark": name,
                    "family": BENCHMARKS[name].family,
                    "lang": r.lang,
                    "variant": r.variant,
                    "items": r.items,
                    "seconds": round(r.seconds, 3),
                    "scores": {s.metric: s.value for s in r.scores},
                    "support": {s.metric: s.support for s in r.scores},
                    "published": {
                        m: {"value": c.best, "ratio": c.ratio, "system": c.system}
                        for (key, m), c in found.items()
                        if key == r.key
                    },
                }
            )
    return {"limit": limit, "results": rows}


# --------------------------------------------------------------------- docs/quality.md


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> str:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _docstring(module: ModuleType) -> str:
    return inspect.cleandoc(module.__doc__ or "")


def _case_mapping() -> str:
    by_class: dict[str, list[str]] = {}
    for case_type, cls in events_module.CASE_CLASSES.items():
        by_class.setdefault(cls, []).append(f"`{case_type}`")
    ours: dict[str, list[str]] = {}
    for ll_type, cls in events_module.LABORLENS_CLASSES.items():
        ours.setdefault(cls, []).append(f"`{ll_type}`")
    rows = [
        [cls, ", ".join(by_class[cls]), ", ".join(ours.get(cls, []))]
        for cls in events_module.CLASSES
    ]
    return _table(["shared class", "CASE 2021 types", "laborlens event types"], rows, 3)


def markdown(results: Results, limit: int | None, command: str) -> str:
    """The whole docs/quality.md page."""
    today = dt.date.today().isoformat()
    parts = [
        "# Quality on public benchmarks",
        "",
        f"Generated by `{command}` on {today}"
        + (f", on the first {limit} items of each set and language" if limit else "")
        + ". Do not edit by hand.",
        "",
        "Each extraction stage is run on test sets written by others and staged in "
        "`../shared/benchmarks` (read at run time; nothing from them is copied into this "
        "repository). The published best is the figure quoted in the set's README, with the "
        "system and subset it was measured on; those subsets and protocols differ from ours, so "
        "a ratio says how far laborlens is from the state of the art, not who wins a shared "
        "task. Ratio = laborlens / best (best / laborlens for errors, where lower is better). "
        "Shares are percentages.",
        "",
        "Licences: hipe2020 is non-commercial (CC BY-NC-SA 4.0) and arman-personer is for "
        "academic research only; several sets state no licence. Check each folder's README "
        "before publishing a score.",
        "",
        "## Summary",
        "",
    ]
    rows = [
        [
            f"{BENCHMARKS[c.benchmark].family}",
            c.benchmark,
            c.key,
            metric(c.metric).label,
            format_value(c.metric, c.laborlens),
            format_value(c.metric, c.best),
            format_ratio(c.ratio),
        ]
        for c in sorted(headline_ratios(results), key=_r)
    ]
    parts += [
        "Headline metric of every benchmark with a published figure, weakest ratio first.",
        "",
        _table(["family", "benchmark", "lang", "metric", "laborlens", "best", "ratio"], rows, 4),
        "",
    ]
    ranking = stage_ranking(results)
    if ranking:
        parts += [
            "Stages by mean headline ratio (weakest first):",
            "",
            _table(
                ["family", "stage", "worst benchmark", "mean ratio"],
                [
                    [family, FAMILIES[family], f"{worst.benchmark} {worst.key}", f"{mean:.2f}"]
                    for family, mean, worst in ranking
                ],
                3,
            ),
            "",
        ]
    for name, items in results.items():
        bench = BENCHMARKS[name]
        parts += [
            f"## {name}",
            "",
            f"{bench.title}. Licence: {bench.licence}. Stage: {FAMILIES[bench.family]}.",
            "",
        ]
        found = comparisons(name, items)
        if found:
            parts += [
                _table(
                    ["lang", "metric", "best system", "laborlens", "published best", "ratio"],
                    [
                        [
                            c.key,
                            metric(c.metric).label,
                            c.system,
                            format_value(c.metric, c.laborlens),
                            format_value(c.metric, c.best),
                            format_ratio(c.ratio),
                        ]
                        for c in found
                    ],
                    3,
                ),
                "",
            ]
        else:
            parts += ["The set's README quotes no published figure; laborlens' scores only.", ""]
        names = metric_names(items)
        parts += [
            "All metrics (" + "; ".join(f"`{m}`: {metric(m).label}" for m in names) + "):",
            "",
            _table(
                ["lang", bench.unit + "s", *(f"`{m}`" for m in names)],
                [
                    [r.key, f"{r.items:,}", *(format_value(m, r.value(m)) for m in names)]
                    for r in items
                ],
            ),
            "",
        ]
    parts += [
        "## How each family is scored",
        "",
        "### Geoparsing",
        "",
        _docstring(geoparsing_module),
        "",
        "### Named entities",
        "",
        _docstring(entities_module),
        "",
        "### Dates",
        "",
        _docstring(dates_module),
        "",
        "### Event types",
        "",
        _docstring(events_module),
        "",
        _case_mapping(),
        "",
    ]
    return "\n".join(parts)
