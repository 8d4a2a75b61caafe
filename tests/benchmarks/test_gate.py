"""Regression gate: each benchmark's fixed CI subset keeps every score above its floor.

The floors (tests/benchmark_floors.json) sit a little below what laborlens scored on each
subset, and the ceilings of error metrics (km, AUC) a little above; the data is read from ../shared/benchmarks at run time and never copied here. A
missing benchmark directory fails the run loudly instead of skipping the gate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from laborlens.benchmarks import BENCHMARKS, benchmark_context, metric, run_benchmark
from laborlens.config import Settings
from laborlens.pipeline.context import StageContext

REPO = Path(__file__).resolve().parents[2]
FLOORS_FILE = REPO / "tests" / "benchmark_floors.json"
GATE: dict[str, Any] = json.loads(FLOORS_FILE.read_text(encoding="utf-8"))["benchmarks"]
_EPSILON = 1e-9  # the stages are deterministic; this only absorbs float rounding


@pytest.fixture(scope="session")
def benchmarks_dir() -> Path:
    path = (REPO / ".." / "shared" / "benchmarks").resolve()
    if not path.is_dir():
        pytest.fail(
            f"the staged benchmarks are missing: expected {path} beside the repository",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def context() -> StageContext:
    return benchmark_context(Settings())


def test_every_registered_benchmark_is_gated() -> None:
    assert set(GATE) == set(BENCHMARKS)
    for name, entry in GATE.items():
        assert isinstance(entry["limit"], int) and entry["limit"] > 0, name
        assert entry["floors"], f"{name} has no floors"


@pytest.mark.parametrize("name", sorted(GATE))
def test_no_score_falls_below_its_floor(
    name: str, benchmarks_dir: Path, context: StageContext
) -> None:
    entry = GATE[name]
    results = {r.key: r for r in run_benchmark(name, benchmarks_dir, context, entry["limit"])}
    failures = []
    for bound, limits in (("floor", entry["floors"]), ("ceiling", entry.get("ceilings", {}))):
        for key, by_metric in limits.items():
            result = results.get(key)
            if result is None:
                failures.append(f"{key}: the run produced no result for it")
                continue
            for metric_name, limit in by_metric.items():
                higher = metric(metric_name).higher_is_better
                assert higher == (bound == "floor"), f"{metric_name} cannot take a {bound}"
                value = result.value(metric_name)
                if value is None:
                    failures.append(f"{key} {metric_name}: nothing measured ({bound} {limit})")
                elif (value < limit - _EPSILON) if higher else (value > limit + _EPSILON):
                    worse = "<" if higher else ">"
                    failures.append(f"{key} {metric_name}: {value:.4f} {worse} {bound} {limit}")
    assert not failures, f"{name} (first {entry['limit']} items) got worse:\n" + "\n".join(failures)
