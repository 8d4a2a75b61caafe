"""``laborlens bench``: documents per second, overall and per stage, and peak memory.

Reading the inputs, warming up (language files and gazetteer load on the first document) and
running the pipeline are timed separately; nothing is written to a store. Timing lives only here:
tests never assert on wall-clock time.

Each stage gets wall-clock seconds and CPU seconds (``time.process_time``, every thread of the
process, so the embedder's ONNX threads count): on a shared machine the CPU figure is the
per-document cost, and the wall-clock one is what this machine delivered. With ``workers > 1``
the same documents run in a pool of spawned processes (``runner="local"``) or on Ray Data
(``runner="ray"``) after a one-process run, and the report gives both rates and the scaling
efficiency: rate with N workers / (N x rate with one).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from laborlens.config import PIPELINE_VERSION, Settings
from laborlens.errors import ConfigError, SourceError
from laborlens.pipeline.context import StageContext, build_context
from laborlens.pipeline.normalise import article_from_raw
from laborlens.pipeline.run import STAGES, run_pipeline
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources import read_inputs

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BenchReport:
    inputs: int
    documents: int
    skipped_inputs: int
    failed: int
    read_seconds: float
    warmup_seconds: float
    pipeline_seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)
    workers: int = 1
    runner: str = "local"
    single_docs_per_second: float | None = None
    """The one-process rate measured first when ``workers > 1`` (for the efficiency)."""

    @property
    def scaling_efficiency(self) -> float | None:
        if not self.single_docs_per_second or self.workers == 1:
            return None
        return self.docs_per_second / (self.workers * self.single_docs_per_second)

    def cpu_ms_per_document(self, name: str) -> float:
        return 1000 * self.stage_cpu_seconds.get(name, 0.0) / max(1, self.documents)

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.pipeline_seconds if self.pipeline_seconds > 0 else 0.0

    def stage_docs_per_second(self, name: str) -> float:
        seconds = self.stage_seconds.get(name, 0.0)
        return self.documents / seconds if seconds > 0 else float("inf")

    def as_dict(self) -> dict[str, Any]:
        staged = sum(self.stage_seconds.values())
        efficiency = self.scaling_efficiency
        return {
            "runner": self.runner,
            "workers": self.workers,
            "single_worker_docs_per_second": None
            if self.single_docs_per_second is None
            else round(self.single_docs_per_second, 2),
            "scaling_efficiency": None if efficiency is None else round(efficiency, 3),
            "cpu_ms_per_document": round(
                1000 * sum(self.stage_cpu_seconds.values()) / max(1, self.documents), 2
            ),
            "inputs": self.inputs,
            "documents": self.documents,
            "skipped_inputs": self.skipped_inputs,
            "failed": self.failed,
            "read_seconds": round(self.read_seconds, 4),
            "warmup_seconds": round(self.warmup_seconds, 4),
            "pipeline_seconds": round(self.pipeline_seconds, 4),
            "docs_per_second": round(self.docs_per_second, 2),
            "stages": {
                name: {
                    "seconds": round(seconds, 4),
                    "cpu_seconds": round(self.stage_cpu_seconds.get(name, 0.0), 4),
                    "cpu_ms_per_document": round(self.cpu_ms_per_document(name), 3),
                    "docs_per_second": round(self.stage_docs_per_second(name), 2),
                    "share": round(seconds / staged, 4) if staged > 0 else 0.0,
                }
                for name, seconds in self.stage_seconds.items()
            },
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "pipeline_version": PIPELINE_VERSION,
        }


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _time_stages(
    documents: Sequence[RawDocument],
    context: StageContext,
    wall: dict[str, float],
    cpu: dict[str, float],
) -> int:
    """Run every stage over ``documents``, adding each stage's seconds; returns failures."""
    failed = 0
    settings_hash = context.settings.hash()
    for raw in documents:
        article = article_from_raw(raw, PIPELINE_VERSION, settings_hash)
        for name, stage in STAGES:
            tick, tock = time.perf_counter(), time.process_time()
            try:
                article = stage(article, context)
            except Exception:  # measured like ingest, which skips such documents
                logger.exception("bench: stage %s failed on %s", name, raw.source)
                failed += 1
                break
            finally:
                wall[name] += time.perf_counter() - tick
                cpu[name] += time.process_time() - tock
    return failed


def _empty_stages() -> dict[str, float]:
    return dict.fromkeys((name for name, _ in STAGES), 0.0)


def _warm(documents: Sequence[RawDocument], context: StageContext) -> None:
    try:
        run_pipeline(documents[0], context)
    except Exception:
        logger.exception("bench: warm-up failed on %s", documents[0].source)


_bench_context: StageContext | None = None


def _start_bench_worker(settings: Settings, warm_up: RawDocument, barrier: Any) -> None:
    """Pool initializer: build and warm this worker's context, then wait for the others,
    so the timed part starts with every worker ready."""
    global _bench_context  # noqa: PLW0603  (one per worker process)
    _bench_context = build_context(settings)
    _warm([warm_up], _bench_context)
    barrier.wait()


def _bench_chunk(
    documents: Sequence[RawDocument],
) -> tuple[dict[str, float], dict[str, float], int]:
    if _bench_context is None:
        raise RuntimeError("bench worker used before its context was built")
    wall, cpu = _empty_stages(), _empty_stages()
    failed = _time_stages(documents, _bench_context, wall, cpu)
    return wall, cpu, failed


def _run_pool(
    work: Sequence[RawDocument], settings: Settings, workers: int
) -> tuple[float, float, dict[str, float], dict[str, float], int]:
    """Wall seconds of warm-up and of the run, summed stage seconds, and failures."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(workers + 1)
    started = time.perf_counter()
    chunks = [list(work[i : i + 8]) for i in range(0, len(work), 8)]
    wall, cpu = _empty_stages(), _empty_stages()
    failed = 0
    with spawn.Pool(workers, _start_bench_worker, (settings, work[0], barrier)) as pool:
        barrier.wait()
        warmup = time.perf_counter() - started
        started = time.perf_counter()
        for chunk_wall, chunk_cpu, chunk_failed in pool.imap_unordered(_bench_chunk, chunks):
            for name in wall:
                wall[name] += chunk_wall[name]
                cpu[name] += chunk_cpu[name]
            failed += chunk_failed
        seconds = time.perf_counter() - started
    return warmup, seconds, wall, cpu, failed


class RayBenchWorker:
    """Ray Data UDF for the bench: one warmed context per Ray worker, a batch of document
    indices per call, stage seconds out."""

    def __init__(self, settings: Settings, documents: Sequence[RawDocument]) -> None:
        self.documents = documents
        self.context = build_context(settings)
        _warm(documents, self.context)
        self.ready = time.time()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        wall, cpu = _empty_stages(), _empty_stages()
        picked = [self.documents[int(i)] for i in batch["index"]]
        start = time.time()
        failed = _time_stages(picked, self.context, wall, cpu)
        row: dict[str, Any] = {
            "documents": [len(picked)],
            "failed": [failed],
            "ready": [self.ready],
            "start": [start],
            "end": [time.time()],
        }
        for name in wall:
            row[f"wall_{name}"] = [wall[name]]
            row[f"cpu_{name}"] = [cpu[name]]
        return row


def _run_ray(
    documents: Sequence[RawDocument], total: int, settings: Settings, workers: int
) -> tuple[float, float, dict[str, float], dict[str, float], int]:
    """As ``_run_pool`` on Ray Data. Actors start and warm up lazily, so the rate is taken
    over the window in which every worker was warm, scaled to all the documents."""
    from laborlens.shards import init_ray  # noqa: PLC0415  (Ray is optional)

    ray = init_ray(workers)
    indices = [{"index": i % len(documents)} for i in range(total)]
    dataset = ray.data.from_items(indices).map_batches(
        RayBenchWorker,
        fn_constructor_args=(settings, list(documents)),
        batch_size=8,
        compute=ray.data.ActorPoolStrategy(size=workers),
    )
    wall, cpu = _empty_stages(), _empty_stages()
    failed = 0
    started = time.time()
    batches: list[tuple[float, float, float, int]] = []
    for row in dataset.iter_rows():
        failed += int(row["failed"])
        for name in wall:
            wall[name] += float(row[f"wall_{name}"])
            cpu[name] += float(row[f"cpu_{name}"])
        batches.append(
            (float(row["ready"]), float(row["start"]), float(row["end"]), int(row["documents"]))
        )
    # The steady state: from the moment every worker was warm to the last batch, counting
    # the documents of the batches begun in that window.
    all_ready = max(b[0] for b in batches)
    timed = [b for b in batches if b[1] >= all_ready] or batches
    window = max(b[2] for b in timed) - min(all_ready, *(b[1] for b in timed))
    counted = sum(b[3] for b in timed)
    seconds = window * total / counted if counted and window > 0 else window
    return all_ready - started, seconds, wall, cpu, failed


def run_bench(
    paths: Sequence[str],
    settings: Settings,
    replicate: int = 1,
    *,
    workers: int = 1,
    runner: str = "local",
) -> BenchReport:
    """Run every stage over the documents under ``paths``, cycled to at least ``replicate``;
    with ``workers > 1``, once in one process and then on ``workers`` (see the docstring)."""
    if runner not in ("local", "ray"):
        raise ConfigError(f"bench: unknown runner {runner!r}; use local or ray")
    if workers < 1:
        raise ConfigError(f"bench: workers must be at least 1 (got {workers})")
    started = time.perf_counter()
    documents: list[RawDocument] = []
    skipped = 0
    for item in read_inputs(paths, settings):
        if isinstance(item, SkippedRecord):
            skipped += 1
        else:
            documents.append(item)
    read_seconds = time.perf_counter() - started
    if not documents:
        raise SourceError(f"bench: no readable documents under {', '.join(paths)}")

    # Language files and the gazetteer load lazily, on first use: one untimed-by-stage run
    # over the first document pays for that, so stage figures show the steady state.
    started = time.perf_counter()
    context = build_context(settings)
    _warm(documents, context)
    warmup_seconds = time.perf_counter() - started

    total = max(replicate, len(documents))
    work = list(itertools.islice(itertools.cycle(documents), total))
    wall, cpu = _empty_stages(), _empty_stages()
    pipeline_started = time.perf_counter()
    failed = _time_stages(work, context, wall, cpu)
    pipeline_seconds = time.perf_counter() - pipeline_started
    single = BenchReport(
        inputs=len(documents),
        documents=total,
        skipped_inputs=skipped,
        failed=failed,
        read_seconds=read_seconds,
        warmup_seconds=warmup_seconds,
        pipeline_seconds=pipeline_seconds,
        stage_seconds=wall,
        peak_rss_mb=peak_rss_mb(),
        stage_cpu_seconds=cpu,
        runner=runner,
    )
    if workers == 1 and runner == "local":
        return single
    if runner == "ray":
        warmup, seconds, wall, cpu, failed = _run_ray(documents, total, settings, workers)
    else:
        warmup, seconds, wall, cpu, failed = _run_pool(work, settings, workers)
    return replace(
        single,
        failed=failed,
        warmup_seconds=warmup,
        pipeline_seconds=seconds,
        stage_seconds=wall,
        stage_cpu_seconds=cpu,
        workers=workers,
        single_docs_per_second=single.docs_per_second,
    )
