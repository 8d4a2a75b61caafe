"""The one place where sources, the pipeline and a store meet.

    read_inputs ─► (already ingested with these settings? skip) ─► run_pipeline ─► batch ─► Store

Ingest is resumable: a record whose ``(source, locator, settings hash)`` the store already
holds is not processed again, and every batch of ``settings.batch_size`` articles is written
in one transaction, so a crash loses at most the batch in flight. Unreadable inputs and
documents the pipeline fails on are logged, stored as skipped, and counted.

With ``workers > 1`` the pipeline runs in a pool of spawned processes, each building its
StageContext once; this process still reads the inputs, checks what is already stored and
writes every batch, in input order, so the store ends the same as with one worker.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Literal

from laborlens.config import Settings
from laborlens.dedup import Signature, signature, similarity
from laborlens.pipeline.context import StageContext, build_context
from laborlens.pipeline.run import run_pipeline
from laborlens.records import Article, RawDocument, SkippedRecord
from laborlens.sources import read_inputs
from laborlens.store.base import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What an ingest run did. ``unchanged`` counts records skipped because they were already
    stored with the same settings plus articles the store found identical."""

    read: int = 0
    stored: int = 0
    unchanged: int = 0
    non_labour: int = 0
    skipped: tuple[SkippedRecord, ...] = field(default=())
    duplicates: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped

    def exit_code(self) -> int:
        """0 when every input was read, 1 when some were skipped, 2 when nothing was read."""
        if self.read == 0:
            return 2
        return 1 if self.skipped else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "non_labour": self.non_labour,
            "duplicates": self.duplicates,
            "skipped": [
                {"source": s.source, "locator": s.locator, "reason": s.reason} for s in self.skipped
            ],
        }


ProgressCallback = Callable[[IngestReport], None]


def _where(record: SkippedRecord) -> str:
    return f"{record.source}:{record.locator}" if record.locator else record.source


def analyse(raw: RawDocument, context: StageContext) -> Article | SkippedRecord:
    """Run the pipeline over one document; a document a stage fails on becomes a SkippedRecord
    (its traceback logged at debug level) so one bad page does not stop a long ingest."""
    try:
        return run_pipeline(raw, context)
    except Exception as exc:  # a stage bug on one page must not stop a long ingest
        where = f"{raw.source}:{raw.locator}" if raw.locator else raw.source
        logger.debug("pipeline failed on %s", where, exc_info=True)
        reason = f"pipeline failed: {type(exc).__name__}: {exc}"
        return SkippedRecord(raw.source, reason, raw.locator)


def process_inputs(
    paths: Sequence[str], settings: Settings, context: StageContext | None = None
) -> Iterator[Article | SkippedRecord]:
    """Read and analyse every document under ``paths`` without a store (eval, bench, tests)."""
    context = context or build_context(settings)
    for item in read_inputs(paths, settings):
        if isinstance(item, SkippedRecord):
            logger.warning("skipped %s: %s", _where(item), item.reason)
            yield item
        else:
            yield analyse(item, context)


class IngestRun:
    """One ingest's writer and tallies: analysed articles are queued and written in batches
    of ``batch_size`` (a near-duplicate of one stored or queued becomes another source of it),
    skips are recorded, and the counts are frozen into an IngestReport for callers. Sharded
    ingest and ``laborlens load`` write through it too, so every route stores the same."""

    def __init__(
        self,
        store: Store,
        batch_size: int,
        progress: ProgressCallback | None,
        duplicate_threshold: float = 0.0,
        *,
        log_skips: bool = True,
    ) -> None:
        """``log_skips`` False records skips without a warning each (a load re-records
        skips its ingest already reported)."""
        self.store = store
        self.log_skips = log_skips
        self.batch_size = max(1, batch_size)
        self.progress = progress
        self.duplicate_threshold = duplicate_threshold
        self.duplicates = 0
        self.signatures: list[tuple[str, Signature]] = []
        self.duplicate_sources: list[tuple[str, Article]] = []
        self.read = self.stored = self.unchanged = self.non_labour = 0
        self.skipped: list[SkippedRecord] = []
        self.articles: list[Article] = []
        self.pending_skips: list[SkippedRecord] = []

    def report(self) -> IngestReport:
        return IngestReport(
            self.read,
            self.stored,
            self.unchanged,
            self.non_labour,
            tuple(self.skipped),
            duplicates=self.duplicates,
        )

    @property
    def pending(self) -> bool:
        """True while something queued (articles, sources, skips) is not written yet."""
        return bool(self.articles or self.duplicate_sources or self.pending_skips)

    def already_stored(self, documents: int = 1) -> None:
        """Count documents read and found stored already (nothing to write for them)."""
        self.read += documents
        self.unchanged += documents

    def skip(self, record: SkippedRecord) -> None:
        if self.log_skips:
            logger.warning("skipped %s: %s", _where(record), record.reason)
        self.skipped.append(record)
        self.pending_skips.append(record)

    def add(self, article: Article) -> None:
        """Queue an article for the store, or, when it near-duplicates one stored or queued,
        only its source (see ``laborlens.dedup``)."""
        sig = signature(article.text) if self.duplicate_threshold > 0 else None
        if sig is not None:
            original = self._original_of(article.id, sig)
            if original is not None:
                logger.info(
                    "%s duplicates article %s; stored as another source of it",
                    _where(SkippedRecord(article.source, "", article.locator)),
                    original,
                )
                self.duplicates += 1
                self.duplicate_sources.append((original, article))
                if len(self.duplicate_sources) >= self.batch_size:
                    self.flush()
                return
            self.signatures.append((article.id, sig))
        self.articles.append(article)
        if len(self.articles) >= self.batch_size:
            self.flush()

    def _original_of(self, article_id: str, sig: Signature) -> str | None:
        best: tuple[str, float] | None = None
        for queued_id, queued in self.signatures:
            score = similarity(sig, queued)
            if (
                queued_id != article_id
                and score >= self.duplicate_threshold
                and (best is None or score > best[1])
            ):
                best = (queued_id, score)
        if best is None:
            best = self.store.near_duplicate(sig, self.duplicate_threshold, exclude=article_id)
        return best[0] if best else None

    def flush(self) -> None:
        if self.articles:
            result = self.store.save_articles(self.articles)
            self.stored += result.inserted + result.updated
            self.unchanged += result.unchanged
            self.articles = []
        if self.signatures:
            self.store.save_fingerprints(self.signatures)
            self.signatures = []
        for original, article in self.duplicate_sources:
            self.store.add_source(original, article.source, article.locator, article.settings_hash)
        self.duplicate_sources = []
        if self.pending_skips:
            self.store.record_skipped(self.pending_skips)
            self.pending_skips = []

    def flush_quietly(self) -> None:
        try:
            self.flush()
        except Exception:
            logger.exception("could not save the last batch after an interruption")

    def tick(self) -> None:
        if self.progress is not None:
            self.progress(self.report())

    def analysed(self, result: Article | SkippedRecord, settings_hash: str) -> None:
        """Count one analysed document and queue its article (or its skip) for the store."""
        self.read += 1
        if isinstance(result, SkippedRecord):
            self.skip(result)
            return
        if result.relevance is None or not result.relevance.is_labour:
            self.non_labour += 1
        self.add(stamped(result, settings_hash))


_worker_context: StageContext | None = None
"""The StageContext of a pool worker process, built once by ``start_worker``."""


def start_worker(settings: Settings) -> None:
    """Pool initializer: build this worker process's StageContext once."""
    global _worker_context  # noqa: PLW0603  (one per worker process, by design)
    _worker_context = build_context(settings)


def worker_context() -> StageContext:
    """The context ``start_worker`` built in this process."""
    if _worker_context is None:
        raise RuntimeError("ingest worker used before its context was built")
    return _worker_context


def _analyse_chunk(documents: Sequence[RawDocument]) -> list[Article | SkippedRecord]:
    """Run in a pool worker: the pipeline over a few documents, with the worker's context."""
    context = worker_context()
    return [analyse(raw, context) for raw in documents]


DOCUMENTS_PER_TASK = 4
"""Documents sent to a worker at once (fewer round trips; small enough to keep order cheap)."""

_Done = tuple[Literal["unreadable"], SkippedRecord] | tuple[Literal["stored"], None]
"""An input settled without the pipeline: unreadable, or already stored with these settings."""
_Pending = _Done | Future[list[Article | SkippedRecord]]
"""One queued outcome, in input order: settled already, or a task in a worker."""
_Outcome = _Done | tuple[Literal["analysed"], Article | SkippedRecord]


class _Pool:
    """Spawned worker processes, started on the first document that needs the pipeline (a
    re-run over stored inputs starts none), with a bounded number of tasks in flight."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None
        self.queue: deque[_Pending] = deque()
        self.chunk: list[RawDocument] = []
        self.in_flight = 0

    def submit_chunk(self) -> None:
        if not self.chunk:
            return
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=start_worker,
                initargs=(self.settings,),
            )
        self.queue.append(self.executor.submit(_analyse_chunk, self.chunk))
        self.chunk = []
        self.in_flight += 1

    def push(self, item: RawDocument | _Done) -> None:
        if isinstance(item, RawDocument):
            self.chunk.append(item)
            if len(self.chunk) >= DOCUMENTS_PER_TASK:
                self.submit_chunk()
        else:
            self.submit_chunk()  # keep input order: documents before this item go first
            self.queue.append(item)

    def ready(self, final: bool = False) -> Iterator[_Outcome]:
        """Outcomes in input order: all when ``final``, else while too many tasks are out."""
        if final:
            self.submit_chunk()
        while self.queue and (final or self.in_flight > 2 * self.workers):
            item = self.queue.popleft()
            if isinstance(item, Future):
                self.in_flight -= 1
                yield from (("analysed", result) for result in item.result())
            else:
                yield item

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)


def _ingest_pooled(
    paths: Sequence[str], store: Store, settings: Settings, run: IngestRun, workers: int
) -> None:
    settings_hash = settings.hash()
    pool = _Pool(settings, workers)

    def drain(final: bool = False) -> None:
        for outcome in pool.ready(final):
            if outcome[0] == "unreadable":
                run.skip(outcome[1])
            elif outcome[0] == "stored":
                run.already_stored()
            else:
                run.analysed(outcome[1], settings_hash)
            run.tick()

    try:
        for item in read_inputs(paths, settings):
            if isinstance(item, SkippedRecord):
                pool.push(("unreadable", item))
            elif store.is_ingested(item.source, item.locator, settings_hash):
                pool.push(("stored", None))
            else:
                pool.push(item)
            drain()
        drain(final=True)
    finally:
        pool.close()


def ingest(
    paths: Sequence[str],
    store: Store,
    settings: Settings,
    progress: ProgressCallback | None = None,
    *,
    context: StageContext | None = None,
    workers: int = 1,
) -> IngestReport:
    """Read, analyse and store every document under ``paths``; see the module docstring.

    ``progress`` is called with the running report after each input record and once more
    after the last batch is saved. ``workers > 1`` runs the pipeline in that many processes
    (``context`` is then not used: each worker builds its own).
    """
    if workers < 1:
        raise ValueError(f"ingest: workers must be at least 1 (got {workers})")
    settings_hash = settings.hash()
    if context is not None and context.settings.hash() != settings_hash:
        raise ValueError("ingest: the stage context was built with different settings")
    run = IngestRun(store, settings.batch_size, progress, settings.duplicate_threshold)
    try:
        if workers > 1:
            _ingest_pooled(paths, store, settings, run, workers)
        else:
            context = context or build_context(settings)
            for item in read_inputs(paths, settings):
                if isinstance(item, SkippedRecord):
                    run.skip(item)
                elif store.is_ingested(item.source, item.locator, settings_hash):
                    run.already_stored()
                else:
                    run.analysed(analyse(item, context), settings_hash)
                run.tick()
    except BaseException:
        # Keep what was analysed before an interruption; the rest resumes on the next run.
        run.flush_quietly()
        raise
    run.flush()
    run.tick()
    report = run.report()
    logger.info(
        "ingest: %d read, %d stored, %d unchanged, %d non-labour, %d skipped",
        report.read,
        report.stored,
        report.unchanged,
        report.non_labour,
        len(report.skipped),
    )
    return report


def stamped(article: Article, settings_hash: str) -> Article:
    """The resume key must be the hash ingest checks, whatever the pipeline stamped."""
    if article.settings_hash == settings_hash:
        return article
    return replace(article, settings_hash=settings_hash)
