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
The Parquet directory holds the articles losslessly (see ``laborlens.lake``), and
``laborlens.load`` stores it into a database through the same ``StoreSink``.

The Ray runner maps the same pipeline over the shards with ``ray.data.from_items`` and
``flat_map``; each Ray worker builds its StageContext once. ``ray.init()`` joins the cluster
``RAY_ADDRESS`` names, or starts a local one with ``workers`` CPUs.
"""

from __future__ import annotations

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
from laborlens.ingest import (
    IngestReport,
    IngestRun,
    analyse,
    stamped,
    start_worker,
    worker_context,
)
from laborlens.lake import (
    SkippedEntry,
    mark_shard_done,
    record_settings,
    record_skipped,
    shards_done,
    skipped_entries,
    write_shard,
)
from laborlens.pipeline.context import StageContext, build_context
from laborlens.records import Article, SkippedRecord
from laborlens.sources import STDIN, files_under, read_inputs
from laborlens.store.sql import SqlStore

logger = logging.getLogger(__name__)

RUNNERS = ("local", "ray")

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
            for item in files_under(path, given):
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
    it produced is committed. Every article it gets must carry ``settings_hash``."""

    def __init__(
        self,
        store: SqlStore,
        settings_hash: str,
        *,
        batch_size: int,
        duplicate_threshold: float,
        log_skips: bool = True,
    ) -> None:
        self.store = store
        self.settings_hash = settings_hash
        self.run = IngestRun(store, batch_size, None, duplicate_threshold, log_skips=log_skips)
        self.marks: list[tuple[str, int]] = []

    @classmethod
    def for_settings(cls, store: SqlStore, settings: Settings) -> StoreSink:
        return cls(
            store,
            settings.hash(),
            batch_size=settings.batch_size,
            duplicate_threshold=settings.duplicate_threshold,
        )

    def done(self) -> dict[str, int]:
        return self.store.shards_done(self.settings_hash)

    def count_done(self, documents: int) -> None:
        self.run.already_stored(documents)

    def add_shard(self, shard: str, results: Sequence[ShardResult], mark: bool) -> None:
        for outcome in results:
            if outcome[0] == "unreadable":
                self.run.skip(outcome[1])
            else:
                self.run.analysed(outcome[1], self.settings_hash)
        if mark:
            self.marks.append((shard, _documents(results)))
        if not self.run.pending:
            self._mark()  # the run's own batching has just written all of it

    def _mark(self) -> None:
        self.store.mark_shards_done(self.marks, self.settings_hash)
        self.marks = []

    def flush(self) -> None:
        self.run.flush()
        self._mark()

    def report(self) -> IngestReport:
        return self.run.report()


class ParquetSink:
    """One Parquet dataset under ``directory`` (see ``laborlens.lake``): hive-partitioned by
    event (else publication) year-month and the event's first country, one row per event,
    holding the articles losslessly. Each shard is written on its own, to files named after
    it; its skipped records go to ``_skipped.jsonl``, then it is marked done."""

    def __init__(self, directory: Path, settings: Settings) -> None:
        self.directory = directory
        self.settings_hash = settings.hash()
        directory.mkdir(parents=True, exist_ok=True)
        record_settings(directory, settings)
        self.read = self.stored = self.unchanged = self.non_labour = 0
        self.skipped: list[SkippedRecord] = []
        # An unreadable shard is not marked done, so each run reads it again; its skips
        # are listed once.
        self.skips_listed = set(skipped_entries(directory))

    def done(self) -> dict[str, int]:
        return {
            shard: documents
            for (shard, settings_hash), documents in shards_done(self.directory).items()
            if settings_hash == self.settings_hash
        }

    def count_done(self, documents: int) -> None:
        self.read += documents
        self.unchanged += documents

    def add_shard(self, shard: str, results: Sequence[ShardResult], mark: bool) -> None:
        articles: list[tuple[int, Article]] = []
        skips: list[SkippedEntry] = []
        for position, outcome in enumerate(results):
            if outcome[0] == "analysed":
                self.read += 1
            result = outcome[1]
            if isinstance(result, SkippedRecord):
                logger.warning("skipped %s: %s", result.source, result.reason)
                self.skipped.append(result)
                skips.append(
                    SkippedEntry(
                        shard,
                        self.settings_hash,
                        position,
                        outcome[0],
                        result.source,
                        result.reason,
                        result.locator,
                    )
                )
                continue
            if result.relevance is None or not result.relevance.is_labour:
                self.non_labour += 1
            articles.append((position, stamped(result, self.settings_hash)))
        write_shard(self.directory, shard, self.settings_hash, articles)
        record_skipped(self.directory, [e for e in skips if e not in self.skips_listed])
        self.stored += len(articles)
        if mark:
            mark_shard_done(self.directory, shard, self.settings_hash, _documents(results))

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
        sink = StoreSink.for_settings(store, settings)
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
