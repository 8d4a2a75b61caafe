"""Rewrite tests/benchmark_floors.json from a fresh run of the CI benchmark subsets.

Usage: .venv/bin/python scripts/benchmark_floors.py [--margin 0.02] [--benchmarks DIR]

Each benchmark keeps the ``limit`` (its fixed subset) already in the file. Every
higher-is-better metric above 5 % gets a floor ``margin`` below the measured value, rounded
down to two decimals; every lower-is-better one (errors in km, AUC) a ceiling above it
(``margin`` more for the AUC, 15 % more for distances, rounded up to 10 km). Run it after an
improvement, and review the diff: a floor that goes down needs a reason in the commit
message.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from laborlens.benchmarks import (
    BENCHMARKS,
    benchmark_context,
    find_benchmarks_dir,
    metric,
    run_benchmark,
)
from laborlens.config import Settings

FLOORS = Path(__file__).resolve().parents[1] / "tests" / "benchmark_floors.json"
MIN_GATED = 0.05
KM_SLACK = 1.15


def _ceiling(name: str, value: float, margin: float) -> float:
    if metric(name).unit == "km":
        return float(math.ceil(value * KM_SLACK / 10) * 10)
    return math.ceil((value + margin) * 100) / 100


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--margin", type=float, default=0.02)
    parser.add_argument("--benchmarks", type=Path, default=None)
    args = parser.parse_args()
    data = json.loads(FLOORS.read_text(encoding="utf-8"))
    base = find_benchmarks_dir(args.benchmarks)
    context = benchmark_context(Settings())
    for name in BENCHMARKS:
        entry = data["benchmarks"].setdefault(name, {"limit": 50})
        floors: dict[str, dict[str, float]] = {}
        ceilings: dict[str, dict[str, float]] = {}
        for result in run_benchmark(name, base, context, entry["limit"]):
            for s in result.scores:
                if s.value is None:
                    continue
                if metric(s.metric).higher_is_better:
                    if s.value > MIN_GATED:
                        value = math.floor((s.value - args.margin) * 100) / 100
                        floors.setdefault(result.key, {})[s.metric] = value
                elif s.value > 0:
                    value = _ceiling(s.metric, s.value, args.margin)
                    ceilings.setdefault(result.key, {})[s.metric] = value
        entry["floors"] = floors
        if ceilings:
            entry["ceilings"] = ceilings
        else:
            entry.pop("ceilings", None)
        counted = sum(len(f) for f in floors.values()) + sum(len(c) for c in ceilings.values())
        print(f"{name}: {counted} floors and ceilings", file=sys.stderr)
    FLOORS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
