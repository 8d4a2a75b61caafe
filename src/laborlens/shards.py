"""Sharded ingest: one shard per input file, resumable by shard, run locally or on Ray.

    files ─► shards not yet done ─► runner (local processes, or Ray Data flat_map) ─►
        per-document pipeline ─► sink (the database in batches, or partitioned Parquet)
        ─► shard marked done

A shard is marked done only after everything it produced is written, so a run killed
half-way and started again redoes at most the shards that were in flight, and those write
nothing twice: the database sink goes through ingest's own batching, which finds an article
stored with the same id and settings unchanged (and stores a near-duplicate as a source of
the first copy), and a shard's Parquet files have names derived from the shard, so writing
them again overwrites them. Markers live in the database's
``_shards_done`` table, or in ``_shards_done.jsonl`` in the Parquet directory; a shard is
the path of a file as it was given (or found under a given directory) plus the settings
hash, so a file that changes needs a new name (or other settings) to be read again.

The Ray runner maps the same pipeline over the shards with ``ray.data.from_items`` and
``flat_map``; each Ray worker builds its StageContext once. ``ray.init()`` joins the cluster
``RAY_ADDRESS`` names, or starts a local one with ``workers`` CPUs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Literal

from laborlens.config import Settings
from laborlens.errors import ConfigError
from laborlens.export import PARQUET_SCHEMA, _parquet_rows
from laborlens.ingest import IngestReport, _Run, analyse, stamped, start_worker, worker_context
from laborlens.pipeline.context import StageContext, build_context
from laborlens.records import Article, SkippedRecord
from laborlens.sources import STDIN, _walk, read_inputs
from laborlens.store.sql import SqlStore

logger = logging.getLogger(__name__)

RUNNERS = ("local", "ray")
MANIFEST = "_shards_done.jsonl"
PARTITIONS = ("year_month", "country")

ShardResult = (
    tuple[Literal["unreadable"], SkippedRecord]
    | tuple[Literal["analysed"], Article | SkippedRecord]
)
"""One input record of a shard: unreadable, or what the pipeline made of it."""


def list_shards(paths: Sequence[str]) -> list[str]:
    """One shard per file: the given files, and the readable files under given directories
    (named as ``read_inputs`` names them). A missing path stays a shard: reading it then
    records it as skipped, as plain ingest does."""
    shards: list[str] = []
    for given in paths:
        if given == STDIN:
            raise ConfigError("sharded ingest (--runner) reads files, not stdin ('-')")
        path = Path(given)
        if path.is_dir():
            for item in _walk(path, path, given):
                shards.append(item.source if isinstance(item, SkippedRecord) else item[1])
        else:
            shards.append(given)
    return list(dict.fromkeys(shards))


def analyse_shard(shard: str, settings: Settings, context: StageContext) -> list[ShardResult]:
    """The per-document pipeline over every record of one shard, in order."""
    results: list[ShardResult] = []
    for item in read_inputs([shard], settings):
        if isinstance(item, SkippedRecord):
            results.append(("unreadable", item))
        else:
            results.append(("analysed", analyse(item, context)))
    return results


# --- sinks -------------------------------------------------------------------------------------


def _documents(results: Sequence[ShardResult]) -> int:
    return len(results)


class StoreSink:
    """Writes to the database through ingest's own batching (``batch_size`` articles per
    transaction, near-duplicates stored as sources); a shard is marked done once everything
    it produced is committed."""

    def __init__(self, store: SqlStore, settings: Settings) -> None:
        self.store = store
        self.settings_hash = settings.hash()
        self.run = _Run(store, settings.batch_size, None, settings.duplicate_threshold)
        self.marks: list[tuple[str, int]] = []

    def done(self) -> dict[str, int]:
        return self.store.shards_done(self.settings_hash)

    def count_done(self, documents: int) -> None:
        self.run.read += documents
        self.run.unchanged += documents

    def add_shard(self, shard: str, results: Sequence[ShardResult], mark: bool) -> None:
        for outcome in results:
            if outcome[0] == "unreadable":
                self.run.skip(outcome[1])
            else:
                self.run.analysed(outcome[1], self.settings_hash)
        if mark:
            self.marks.append((shard, _documents(results)))
        if not (self.run.articles or self.run.duplicate_sources or self.run.pending_skips):
            self._mark()  # the run's own batching has just written all of it

    def _mark(self) -> None:
        self.store.mark_shards_done(self.marks, self.settings_hash)
        self.marks = []

    def flush(self) -> None:
        self.run.flush()
        self._mark()

    def report(self) -> IngestReport:
        return self.run.report()


def _partition_values(row: dict[str, Any]) -> dict[str, str]:
    when = row.get("date") or row.get("published")
    countries = row.get("countries") or ()
    return {
        "year_month": when.strftime("%Y-%m") if when else "unknown",
        "country": countries[0] if countries else "none",
    }


class ParquetSink:
    """One Parquet dataset under ``directory``, hive-partitioned by event (else publication)
    year-month and the event's first country; one row per event as ``laborlens export``
    writes. Each shard is written on its own, to files named after it."""

    def __init__(self, directory: Path, settings: Settings) -> None:
        self.directory = directory
        self.settings_hash = settings.hash()
        directory.mkdir(parents=True, exist_ok=True)
        self.manifest = directory / MANIFEST
        self.read = self.stored = self.unchanged = self.non_labour = 0
        self.skipped: list[SkippedRecord] = []

    def done(self) -> dict[str, int]:
        found: dict[str, int] = {}
        if self.manifest.exists():
            for line in self.manifest.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    if entry["settings_hash"] == self.settings_hash:
                        found[entry["shard"]] = int(entry["documents"])
        return found

    def count_done(self, documents: int) -> None:
        self.read += documents
        self.unchanged += documents

    def add_shard(self, shard: str, results: Sequence[ShardResult], mark: bool) -> None:
        articles: list[Article] = []
        for outcome in results:
            if outcome[0] == "analysed":
                self.read += 1
            result = outcome[1]
            if isinstance(result, SkippedRecord):
                logger.warning("skipped %s: %s", result.source, result.reason)
                self.skipped.append(result)
                continue
            if result.relevance is None or not result.relevance.is_labour:
                self.non_labour += 1
            articles.append(stamped(result, self.settings_hash))
        self._write(shard, articles)
        self.stored += len(articles)
        if mark:
            entry = {
                "shard": shard,
                "settings_hash": self.settings_hash,
                "documents": _documents(results),
            }
            with self.manifest.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def _write(self, shard: str, articles: Sequence[Article]) -> None:
        import pyarrow as pa  # noqa: PLC0415  (only this sink needs it)
        import pyarrow.dataset as ds  # noqa: PLC0415

        rows = [
            {**row, **_partition_values(row)}
            for article in articles
            for row in _parquet_rows(article)
        ]
        if not rows:
            return
        schema = PARQUET_SCHEMA
        for name in PARTITIONS:
            schema = schema.append(pa.field(name, pa.string()))
        key = hashlib.sha256(f"{shard}\0{self.settings_hash}".encode()).hexdigest()[:16]
        ds.write_dataset(
            pa.Table.from_pylist(rows, schema=schema),
            self.directory,
            format="parquet",
            partitioning=list(PARTITIONS),
            partitioning_flavor="hive",
            basename_template=f"shard-{key}-{{i}}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )

    def flush(self) -> None:
        """Nothing is buffered: each shard is written as it completes."""

    def report(self) -> IngestReport:
        return IngestReport(
            self.read, self.stored, self.unchanged, self.non_labour, tuple(self.skipped)
        )


# --- runners -----------------------------------------------------------------------------------

ShardStream = Iterator[tuple[str, list[ShardResult]]]


def _analyse_shard_in_worker(shard: str, settings: Settings) -> list[ShardResult]:
    return analyse_shard(shard, settings, worker_context())


def run_local(shards: Sequence[str], settings: Settings, workers: int) -> ShardStream:
    """Shards in order, in this process or in a pool of spawned processes."""
    if workers == 1:
        context = build_context(settings)
        for shard in shards:
            yield shard, analyse_shard(shard, settings, context)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(settings,),
    ) as pool:
        results = pool.map(_analyse_shard_in_worker, shards, [settings] * len(shards))
        yield from zip(shards, results, strict=True)


class RayShardAnalyser:
    """The Ray Data UDF: built once per Ray worker (so is its StageContext); one call per
    shard, one output row per record plus an end row carrying the count."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.context = build_context(settings)

    def __call__(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        shard = str(row["shard"])
        results = analyse_shard(shard, self.settings, self.context)
        out = [
            {"shard": shard, "seq": i, "payload": pickle.dumps(result)}
            for i, result in enumerate(results)
        ]
        out.append({"shard": shard, "seq": -1, "payload": pickle.dumps(len(results))})
        return out


def init_ray(workers: int) -> Any:
    """The ``ray`` module, connected: to the cluster ``RAY_ADDRESS`` names, else to a new
    local one with ``workers`` CPUs (a cluster already joined in this process is kept)."""
    try:
        import ray  # noqa: PLC0415  (an optional dependency)
    except ImportError as exc:
        raise ConfigError("--runner ray needs Ray: pip install 'laborlens[ray]'") from exc
    if not ray.is_initialized():
        if os.environ.get("RAY_ADDRESS"):
            ray.init(log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    return ray


def run_ray(shards: Sequence[str], settings: Settings, workers: int) -> ShardStream:
    """Shards as Ray finishes them (any order); each one whole, once its end row arrives."""
    if not shards:
        return
    ray = init_ray(workers)
    dataset = ray.data.from_items([{"shard": s} for s in shards]).flat_map(
        RayShardAnalyser,
        fn_constructor_args=(settings,),
        compute=ray.data.ActorPoolStrategy(size=workers),
    )
    received: dict[str, dict[int, ShardResult]] = {}
    expected: dict[str, int] = {}
    for row in dataset.iter_rows():
        shard, seq = str(row["shard"]), int(row["seq"])
        if seq < 0:
            expected[shard] = int(pickle.loads(row["payload"]))
        else:
            received.setdefault(shard, {})[seq] = pickle.loads(row["payload"])
        if shard in expected and len(received.get(shard, {})) == expected[shard]:
            parts = received.pop(shard, {})
            del expected[shard]
            yield shard, [parts[i] for i in sorted(parts)]


RUNNER_FUNCTIONS: dict[str, Callable[[Sequence[str], Settings, int], ShardStream]] = {
    "local": run_local,
    "ray": run_ray,
}


def ingest_shards(
    paths: Sequence[str],
    settings: Settings,
    *,
    store: SqlStore | None = None,
    parquet_dir: Path | None = None,
    runner: str = "local",
    workers: int = 1,
) -> IngestReport:
    """Ingest ``paths`` shard by shard into ``store`` or ``parquet_dir``; see the module
    docstring. Documents of shards done earlier count as unchanged."""
    if (store is None) == (parquet_dir is None):
        raise ConfigError("sharded ingest writes to a database or to a Parquet directory")
    if runner not in RUNNER_FUNCTIONS:
        raise ConfigError(f"unknown runner {runner!r}; use one of {', '.join(RUNNERS)}")
    if workers < 1:
        raise ConfigError(f"workers must be at least 1 (got {workers})")
    sink: StoreSink | ParquetSink
    if store is not None:
        sink = StoreSink(store, settings)
    elif parquet_dir is not None:
        sink = ParquetSink(parquet_dir, settings)
    shards = list_shards(paths)
    done = sink.done()
    pending = [s for s in shards if s not in done]
    sink.count_done(sum(done[s] for s in shards if s in done))
    logger.info(
        "%d shards: %d done before, %d to run (%s runner)",
        len(shards),
        len(shards) - len(pending),
        len(pending),
        runner,
    )
    try:
        for shard, results in RUNNER_FUNCTIONS[runner](pending, settings, workers):
            readable = any(outcome[0] == "analysed" for outcome in results) or not results
            sink.add_shard(shard, results, readable)
    except BaseException:
        try:
            sink.flush()  # keep the shards that finished; the rest run again next time
        except Exception:
            logger.exception("could not save the finished shards after an interruption")
        raise
    sink.flush()
    return sink.report()
