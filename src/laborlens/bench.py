"""``laborlens bench``: documents per second, overall and per stage, and peak memory.

Reading the inputs, warming up (language files and gazetteer load on the first document) and
running the pipeline are timed separately; nothing is written to a store. Timing lives only here:
tests never assert on wall-clock time.

Each stage gets wall-clock seconds and CPU seconds (``time.process_time``, every thread of the
process, so the embedder's ONNX threads count): on a shared machine the CPU figure is the
per-document cost, and the wall-clock one is what this machine delivered.

The documents first run in this process. Then, for each runner asked for, they run again on 1
and on ``workers`` workers: the local runner's one worker is that first run, its N workers a
pool of spawned processes; Ray Data runs an actor pool of each size. Each run reports its rate,
CPU per document and stage, the largest peak memory of one worker, and (on N workers) the
scaling efficiency: rate with N workers / (N x the same runner's rate with one).
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

RUNNERS = ("local", "ray")


@dataclass(frozen=True, slots=True)
class RunReport:
    """One runner on a number of workers, over all the documents."""

    runner: str
    workers: int
    documents: int
    seconds: float
    """Wall-clock seconds of the pipeline, once every worker was warm."""
    warmup_seconds: float
    stage_cpu_seconds: dict[str, float]
    failed: int
    peak_rss_mb: float
    """The largest peak resident memory of one worker (this process for local on one)."""
    scaling_efficiency: float | None = None
    """Rate / (workers x the same runner's rate on one worker); None on one worker."""

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def cpu_ms_per_document(self, name: str | None = None) -> float:
        """CPU per document of one stage, or of the whole pipeline (``name`` None)."""
        cpu = sum(self.stage_cpu_seconds.values()) if name is None else self.stage_cpu_seconds[name]
        return 1000 * cpu / max(1, self.documents)

    def as_dict(self) -> dict[str, Any]:
        return {
            "runner": self.runner,
            "workers": self.workers,
            "documents": self.documents,
            "seconds": round(self.seconds, 4),
            "warmup_seconds": round(self.warmup_seconds, 4),
            "docs_per_second": round(self.docs_per_second, 2),
            "scaling_efficiency": None
            if self.scaling_efficiency is None
            else round(self.scaling_efficiency, 3),
            "cpu_ms_per_document": round(self.cpu_ms_per_document(), 2),
            "stage_cpu_ms_per_document": {
                name: round(self.cpu_ms_per_document(name), 3) for name in self.stage_cpu_seconds
            },
            "failed": self.failed,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
        }


@dataclass(frozen=True, slots=True)
class BenchReport:
    """The run in this process, stage by stage, and every runner's runs (``runs``)."""

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
    runs: tuple[RunReport, ...] = ()

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
        return {
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
                    "docs_per_second": round(self.stage_docs_per_second(name), 2)
                    if seconds > 0
                    else None,
                    "share": round(seconds / staged, 4) if staged > 0 else 0.0,
                }
                for name, seconds in self.stage_seconds.items()
            },
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "runs": [run.as_dict() for run in self.runs],
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


def _bench_chunk(documents: Sequence[RawDocument]) -> tuple[dict[str, float], int, float]:
    if _bench_context is None:
        raise RuntimeError("bench worker used before its context was built")
    wall, cpu = _empty_stages(), _empty_stages()
    failed = _time_stages(documents, _bench_context, wall, cpu)
    return cpu, failed, peak_rss_mb()


DOCUMENTS_PER_TASK = 8
"""Documents handed to a worker at once, by both runners."""


def _run_pool(work: Sequence[RawDocument], settings: Settings, workers: int) -> RunReport:
    """The documents on a pool of ``workers`` spawned processes, timed once all are warm."""
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(workers + 1)
    started = time.perf_counter()
    chunks = [
        list(work[i : i + DOCUMENTS_PER_TASK]) for i in range(0, len(work), DOCUMENTS_PER_TASK)
    ]
    cpu = _empty_stages()
    failed = 0
    peak = 0.0
    with spawn.Pool(workers, _start_bench_worker, (settings, work[0], barrier)) as pool:
        barrier.wait()
        warmup = time.perf_counter() - started
        started = time.perf_counter()
        for chunk_cpu, chunk_failed, chunk_peak in pool.imap_unordered(_bench_chunk, chunks):
            for name in cpu:
                cpu[name] += chunk_cpu[name]
            failed += chunk_failed
            peak = max(peak, chunk_peak)
        seconds = time.perf_counter() - started
    return RunReport("local", workers, len(work), seconds, warmup, cpu, failed, peak)


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
            "peak_rss_mb": [peak_rss_mb()],
        }
        for name in cpu:
            row[f"cpu_{name}"] = [cpu[name]]
        return row


def _run_ray(
    documents: Sequence[RawDocument], total: int, settings: Settings, workers: int, cpus: int
) -> RunReport:
    """As ``_run_pool`` on a Ray Data pool of ``workers`` actors, in a Ray started with
    ``cpus`` CPUs (the most any run asks for) unless it is already running. Actors start
    and warm up lazily, so the rate is taken over the window in which every worker was
    warm, scaled to all the documents."""
    from laborlens.shards import init_ray  # noqa: PLC0415  (Ray is optional)

    ray = init_ray(cpus)
    indices = [{"index": i % len(documents)} for i in range(total)]
    dataset = ray.data.from_items(indices).map_batches(
        RayBenchWorker,
        fn_constructor_args=(settings, list(documents)),
        batch_size=DOCUMENTS_PER_TASK,
        compute=ray.data.ActorPoolStrategy(size=workers),
    )
    cpu = _empty_stages()
    failed = 0
    peak = 0.0
    started = time.time()
    batches: list[tuple[float, float, float, int]] = []
    for row in dataset.iter_rows():
        failed += int(row["failed"])
        peak = max(peak, float(row["peak_rss_mb"]))
        for name in cpu:
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
    return RunReport("ray", workers, total, seconds, all_ready - started, cpu, failed, peak)


def run_bench(
    paths: Sequence[str],
    settings: Settings,
    replicate: int = 1,
    *,
    workers: int = 1,
    runners: Sequence[str] = ("local",),
) -> BenchReport:
    """Run every stage over the documents under ``paths``, cycled to at least ``replicate``,
    in this process, then on 1 and ``workers`` workers of each of ``runners`` (see the
    module docstring)."""
    unknown = [r for r in runners if r not in RUNNERS]
    if unknown or not runners:
        raise ConfigError(f"bench: unknown runner {unknown or runners!r}; use local or ray")
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
    peak = peak_rss_mb()
    in_process = RunReport(
        "local", 1, total, pipeline_seconds, warmup_seconds, dict(cpu), failed, peak
    )
    runs: list[RunReport] = []
    for runner in dict.fromkeys(runners):
        one: RunReport | None = None
        for count in sorted({1, workers}):
            if runner == "local":
                run = in_process if count == 1 else _run_pool(work, settings, count)
            else:
                run = _run_ray(documents, total, settings, count, workers)
            if count == 1:
                one = run
            elif one is not None and one.docs_per_second > 0:
                efficiency = run.docs_per_second / (count * one.docs_per_second)
                run = replace(run, scaling_efficiency=efficiency)
            logger.info("bench: %s on %d workers: %.2f docs/s", runner, count, run.docs_per_second)
            runs.append(run)
    return BenchReport(
        inputs=len(documents),
        documents=total,
        skipped_inputs=skipped,
        failed=failed,
        read_seconds=read_seconds,
        warmup_seconds=warmup_seconds,
        pipeline_seconds=pipeline_seconds,
        stage_seconds=wall,
        peak_rss_mb=peak,
        stage_cpu_seconds=cpu,
        runs=tuple(runs),
    )
