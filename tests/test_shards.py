"""Sharded ingest: one shard per file, resumable by shard, into a database or Parquet, run
locally or with Ray in local mode. A run interrupted half-way and started again must end
with every document stored once."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow.dataset as pads
import pytest
from click.testing import CliRunner

from laborlens import lake, shards
from laborlens.cli import cli
from laborlens.config import Settings
from laborlens.query import EventQuery
from laborlens.shards import ingest_shards, list_shards
from laborlens.store import open_store
from laborlens.store.sql import SqlStore

SETTINGS = Settings(batch_size=1)


@pytest.fixture
def inputs(seed_paths: list[Path], tmp_path: Path) -> list[str]:
    """Three seed files as a directory (three shards) plus a missing file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in seed_paths[:3]:
        (folder / path.name).write_bytes(path.read_bytes())
    return [str(folder), str(tmp_path / "missing.txt")]


def _ids(store: SqlStore) -> list[str]:
    return sorted(store.article_ids(EventQuery(include_non_labour=True, limit=None)))


def _interrupt_on(monkeypatch: pytest.MonkeyPatch, nth: int) -> list[str]:
    """Make the nth shard the pipeline is asked for raise KeyboardInterrupt; returns the
    shards the pipeline was asked for."""
    seen: list[str] = []
    real = shards.analyse_shard

    def counting(shard: str, settings: Settings, context: Any) -> Any:
        seen.append(shard)
        if len(seen) == nth:
            raise KeyboardInterrupt
        return real(shard, settings, context)

    monkeypatch.setattr(shards, "analyse_shard", counting)
    return seen


def test_shards_are_the_files(inputs: list[str]) -> None:
    found = list_shards(inputs)
    assert len(found) == 4
    assert found[:3] == sorted(found[:3]) and all(s.startswith(inputs[0] + "/") for s in found[:3])
    assert found[3] == inputs[1]


def test_interrupted_local_run_resumes_by_shard(
    new_db_url: Callable[[], str], inputs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(new_db_url()) as store:
        assert isinstance(store, SqlStore)
        with monkeypatch.context() as patch:
            _interrupt_on(patch, 2)
            with pytest.raises(KeyboardInterrupt):
                ingest_shards(inputs, SETTINGS, store=store)
        assert store.counts()["articles"] == 1  # the first shard, written before the stop
        assert list(store.shards_done(SETTINGS.hash())) == list_shards(inputs)[:1]

        asked = _interrupt_on(monkeypatch, 0)
        report = ingest_shards(inputs, SETTINGS, store=store)
        assert asked == list_shards(inputs)[1:]  # finished shards are not read again
        assert (report.read, report.unchanged, report.stored) == (3, 1, 2)
        assert [s.source for s in report.skipped] == [inputs[1]]
        counts = store.counts()
        assert counts["articles"] == counts["article_sources"] == 3
        assert len(_ids(store)) == 3
        # The missing file is not marked: it is looked for again next time.
        assert sorted(store.shards_done(SETTINGS.hash())) == list_shards(inputs)[:3]
        again = ingest_shards(inputs, SETTINGS, store=store)
        assert (again.read, again.unchanged, again.stored) == (3, 3, 0)
        assert store.counts() == counts


def _parquet_rows(directory: Path) -> list[dict[str, Any]]:
    table = pads.dataset(directory, format="parquet", partitioning="hive").to_table()
    return sorted(table.to_pylist(), key=lambda r: (r["article_id"], r["event_index"] or -1))


def test_interrupted_parquet_run_resumes_without_duplicates(
    inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    ingest_shards(inputs, SETTINGS, parquet_dir=clean)
    with monkeypatch.context() as patch:
        _interrupt_on(patch, 3)
        with pytest.raises(KeyboardInterrupt):
            ingest_shards(inputs, SETTINGS, parquet_dir=resumed)
    done_first = (resumed / lake.MANIFEST).read_text(encoding="utf-8").count("\n")
    assert done_first == 2
    # A shard whose files were written but which was not marked: written again, not twice.
    lines = (resumed / lake.MANIFEST).read_text(encoding="utf-8").splitlines()
    (resumed / lake.MANIFEST).write_text(lines[0] + "\n", encoding="utf-8")
    report = ingest_shards(inputs, SETTINGS, parquet_dir=resumed)
    assert (report.read, report.unchanged) == (3, 1)
    rows = _parquet_rows(resumed)
    assert rows == _parquet_rows(clean)
    keys = [(r["article_id"], r["event_index"]) for r in rows]
    assert len(keys) == len(set(keys)) and len({r["article_id"] for r in rows}) == 3
    for row in rows:
        assert row["year_month"] == "unknown" or len(row["year_month"]) == 7
        assert row["country"] == ((row["countries"] or ["none"])[0])
    assert any(p.name.startswith("year_month=") for p in resumed.iterdir())


def test_cli_runner_local_with_parquet(inputs: list[str], tmp_path: Path) -> None:
    out = tmp_path / "pq"
    result = CliRunner().invoke(
        cli, ["ingest", "--runner", "local", "--parquet-out", str(out), *inputs[:1]]
    )
    assert result.exit_code == 0, result.output
    assert "read 3 · stored 3" in result.stdout
    assert len({r["article_id"] for r in _parquet_rows(out)}) == 3
    bad = CliRunner().invoke(cli, ["ingest", "--parquet-out", str(out), *inputs[:1]])
    assert bad.exit_code == 2 and "needs --runner" in bad.output


has_ray = importlib.util.find_spec("ray") is not None


@pytest.fixture(scope="module")
def ray_local() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.mark.ray
@pytest.mark.skipif(not has_ray, reason="Ray is not installed (pip install 'laborlens[ray]')")
def test_ray_run_interrupted_and_resumed_matches_local(
    ray_local: None, inputs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_url, ray_url = f"sqlite:///{tmp_path / 'local.db'}", f"sqlite:///{tmp_path / 'ray.db'}"
    with open_store(local_url) as local:
        assert isinstance(local, SqlStore)
        ingest_shards(inputs, SETTINGS, store=local)
        expected = (local.counts(), _ids(local))
    with open_store(ray_url) as store:
        assert isinstance(store, SqlStore)
        real = shards.StoreSink.add_shard
        calls: list[str] = []

        def stop_second(self: shards.StoreSink, shard: str, results: list[Any], mark: bool) -> None:
            calls.append(shard)
            if len(calls) == 2:
                raise KeyboardInterrupt  # the driver killed after one shard came back
            real(self, shard, results, mark)

        with monkeypatch.context() as patch:
            patch.setattr(shards.StoreSink, "add_shard", stop_second)
            with pytest.raises(KeyboardInterrupt):
                ingest_shards(inputs, SETTINGS, store=store, runner="ray", workers=2)
        # Ray returns shards in completion order: the one stored may be the missing file's.
        stored_first = 0 if calls[0] == inputs[1] else 1
        assert store.counts()["articles"] == stored_first
        report = ingest_shards(inputs, SETTINGS, store=store, runner="ray", workers=2)
        assert (report.read, report.unchanged, report.stored) == (3, stored_first, 3 - stored_first)
        assert (store.counts(), _ids(store)) == expected
