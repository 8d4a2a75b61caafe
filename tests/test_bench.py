"""``laborlens bench`` with workers: both rates and the scaling efficiency are reported.

Timing is never asserted on; only that each figure is there and consistent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from laborlens.cli import cli
from laborlens.pipeline import STAGE_NAMES


def _bench(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["bench", *args, "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _check(data: dict[str, Any], runner: str, documents: int) -> None:
    assert (data["runner"], data["workers"], data["documents"]) == (runner, 2, documents)
    assert data["single_worker_docs_per_second"] > 0 and data["docs_per_second"] > 0
    expected = data["docs_per_second"] / (2 * data["single_worker_docs_per_second"])
    assert data["scaling_efficiency"] == pytest.approx(expected, rel=0.01, abs=0.002)
    assert 0 < data["scaling_efficiency"] < 2  # two workers cannot be 2x better than two
    assert list(data["stages"]) == list(STAGE_NAMES)
    assert all(s["cpu_seconds"] >= 0 for s in data["stages"].values())
    assert data["cpu_ms_per_document"] > 0


def test_bench_on_two_local_workers(seed_paths: list[Path]) -> None:
    _check(_bench(str(seed_paths[0]), "--replicate", "4", "--workers", "2"), "local", 4)


def test_bench_on_one_worker_has_no_efficiency(seed_paths: list[Path]) -> None:
    data = _bench(str(seed_paths[0]), "--replicate", "2")
    assert data["workers"] == 1 and data["scaling_efficiency"] is None
    assert data["cpu_ms_per_document"] > 0


@pytest.mark.ray
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed (pip install 'laborlens[ray]')",
)
def test_bench_on_ray(seed_paths: list[Path]) -> None:
    import ray

    try:
        _check(
            _bench(str(seed_paths[0]), "--replicate", "24", "--workers", "2", "--runner", "ray"),
            "ray",
            24,
        )
    finally:
        ray.shutdown()
