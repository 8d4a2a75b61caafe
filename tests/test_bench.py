"""``laborlens bench`` with workers: every runner's rate on 1 and N workers, the scaling
efficiency, CPU per stage and peak memory are reported.

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


def _check_run(run: dict[str, Any], runner: str, workers: int, documents: int) -> None:
    assert (run["runner"], run["workers"], run["documents"]) == (runner, workers, documents)
    assert run["docs_per_second"] > 0 and run["cpu_ms_per_document"] > 0
    assert list(run["stage_cpu_ms_per_document"]) == list(STAGE_NAMES)
    assert run["cpu_ms_per_document"] == pytest.approx(
        sum(run["stage_cpu_ms_per_document"].values()), rel=0.01, abs=0.01
    )
    assert run["peak_rss_mb"] > 50  # a worker holds the language data


def _check(data: dict[str, Any], runners: list[str], documents: int) -> None:
    """Each runner on one worker, then on two, with the efficiency against its own one."""
    assert data["documents"] == documents and data["docs_per_second"] > 0
    assert list(data["stages"]) == list(STAGE_NAMES)
    assert all(s["cpu_seconds"] >= 0 for s in data["stages"].values())
    assert data["cpu_ms_per_document"] > 0 and data["peak_rss_mb"] > 50
    runs = data["runs"]
    assert [(r["runner"], r["workers"]) for r in runs] == [(n, w) for n in runners for w in (1, 2)]
    for one, two in zip(runs[::2], runs[1::2], strict=True):
        _check_run(one, one["runner"], 1, documents)
        _check_run(two, one["runner"], 2, documents)
        assert one["scaling_efficiency"] is None
        expected = two["docs_per_second"] / (2 * one["docs_per_second"])
        assert two["scaling_efficiency"] == pytest.approx(expected, rel=0.01, abs=0.002)
        assert 0 < two["scaling_efficiency"] < 2
    if runners[0] == "local":  # the local runner's one worker is the run in this process
        assert runs[0]["docs_per_second"] == pytest.approx(data["docs_per_second"], rel=0.01)


def test_bench_on_two_local_workers(seed_paths: list[Path]) -> None:
    _check(_bench(str(seed_paths[0]), "--replicate", "4", "--workers", "2"), ["local"], 4)


def test_bench_on_one_worker_has_no_efficiency(seed_paths: list[Path]) -> None:
    data = _bench(str(seed_paths[0]), "--replicate", "2")
    assert [(r["runner"], r["workers"]) for r in data["runs"]] == [("local", 1)]
    assert data["runs"][0]["scaling_efficiency"] is None
    assert data["cpu_ms_per_document"] > 0


def test_bench_table(seed_paths: list[Path]) -> None:
    result = CliRunner().invoke(cli, ["bench", str(seed_paths[0]), "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "this process" in result.stdout and "efficiency" in result.stdout
    assert result.stdout.count(" MB ") >= 2  # each worker's peak memory


@pytest.mark.ray
@pytest.mark.skipif(
    importlib.util.find_spec("ray") is None,
    reason="Ray is not installed (pip install 'laborlens[ray]')",
)
def test_bench_on_local_and_ray_in_one_run(seed_paths: list[Path]) -> None:
    import ray

    try:
        data = _bench(
            str(seed_paths[0]),
            *("--replicate", "24", "--workers", "2", "--runner", "local", "--runner", "ray"),
        )
        _check(data, ["local", "ray"], 24)
    finally:
        ray.shutdown()
