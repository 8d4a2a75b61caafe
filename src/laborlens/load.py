"""``laborlens load``: a Parquet directory written by ``ingest --parquet-out`` into a database.

    DIR/_shards_done.jsonl ─► shards the database has not marked done ─► each shard's rows
        (from every partition) and skipped records, in input order ─► StoreSink ─► marked done

Loading goes through the sink a direct sharded ingest writes with (``shards.StoreSink``):
batches of ``batch_size`` articles per transaction, near-duplicates found against the
database and stored as another source of the first copy (with the threshold the directory
was written with), skipped records recorded, and each shard marked done in ``_shards_done``
with the settings hash it was analysed with once everything it holds is committed. So the
database ends as ``ingest --runner local`` of the same inputs with the same settings leaves
it, shard markers included: loading twice stores nothing new, a load stopped half-way skips
the shards marked before and writes nothing twice, and a later ``ingest --runner`` of those
inputs into the database skips them too. A shard written but never marked done (its run was
stopped) is not loaded; an input that could not be read is recorded as skipped, as ingest
records it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from laborlens import lake
from laborlens.config import Settings
from laborlens.errors import ConfigError
from laborlens.ingest import IngestReport
from laborlens.lake import SkippedEntry
from laborlens.records import SkippedRecord
from laborlens.shards import ShardResult, StoreSink
from laborlens.store.sql import SqlStore

logger = logging.getLogger(__name__)

LoadProgress = Callable[[int, int], None]
"""Called with (shards handled, shards in the directory) after each shard."""


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did: shards in the directory, loaded now, and marked in the database
    before; ``report`` counts documents as ingest does (``unchanged`` includes the documents
    of shards loaded before)."""

    shards: int
    loaded: int
    done_before: int
    report: IngestReport

    def as_dict(self) -> dict[str, object]:
        return {
            "shards": self.shards,
            "loaded": self.loaded,
            "done_before": self.done_before,
            **self.report.as_dict(),
        }


def _record(entry: SkippedEntry) -> SkippedRecord:
    return SkippedRecord(entry.source, entry.reason, entry.locator)


def _shard_results(
    shard: str,
    settings_hash: str,
    documents: int,
    files: Sequence[Path],
    skips: Sequence[SkippedEntry],
) -> list[ShardResult]:
    """The shard's records in input order, as the runner handed them to the sink."""
    by_position: dict[int, ShardResult] = {}
    for position, article in lake.read_shard(files):
        if article.settings_hash != settings_hash:
            raise ConfigError(
                f"shard {shard}: article {article.id} was analysed with settings "
                f"{article.settings_hash}, its files say {settings_hash}; the directory is damaged"
            )
        by_position[position] = ("analysed", article)
    for entry in skips:
        if entry.kind == "analysed":
            by_position[entry.position] = ("analysed", _record(entry))
        else:
            by_position[entry.position] = ("unreadable", _record(entry))
    if sorted(by_position) != list(range(documents)):
        raise ConfigError(
            f"shard {shard}: marked done with {documents} records, but its files and "
            f"{lake.SKIPPED} hold {len(by_position)}; the directory is incomplete (ingest "
            "it again into the same directory to rewrite the shard)"
        )
    return [by_position[i] for i in range(documents)]


def _merge(reports: Sequence[IngestReport]) -> IngestReport:
    return IngestReport(
        read=sum(r.read for r in reports),
        stored=sum(r.stored for r in reports),
        unchanged=sum(r.unchanged for r in reports),
        non_labour=sum(r.non_labour for r in reports),
        skipped=tuple(s for r in reports for s in r.skipped),
        duplicates=sum(r.duplicates for r in reports),
    )


def load_parquet(
    directory: Path,
    store: SqlStore,
    settings: Settings,
    *,
    batch_size: int | None = None,
    progress: LoadProgress | None = None,
) -> LoadReport:
    """Store every shard of ``directory`` not yet marked done in ``store``; see the module
    docstring. ``batch_size`` (default: the setting) is articles per transaction; the rest
    of ``settings`` is used only for a settings hash the directory has no record of."""
    if not (directory / lake.MANIFEST).is_file() and not (directory / lake.SKIPPED).is_file():
        raise ConfigError(
            f"{directory} has no {lake.MANIFEST}: it is not a directory written by "
            "`laborlens ingest --runner ... --parquet-out`"
        )
    manifest = lake.shards_done(directory)
    skips: dict[tuple[str, str], list[SkippedEntry]] = defaultdict(list)
    for entry in lake.skipped_entries(directory):
        skips[(entry.shard, entry.settings_hash)].append(entry)
    # Inputs that could not be read were not marked done (ingest looks for them again);
    # their skips are recorded, as ingest records them, and they stay unmarked.
    unreadable = [
        key
        for key, entries in skips.items()
        if key not in manifest and all(e.kind == "unreadable" for e in entries)
    ]
    recorded = lake.run_settings(directory)
    files = lake.shard_files(directory)
    total = len(manifest) + len(unreadable)
    handled = loaded = done_before = 0
    reports: list[IngestReport] = []
    for settings_hash in dict.fromkeys(h for _, h in [*manifest, *unreadable]):
        threshold = recorded.get(settings_hash, {}).get(
            "duplicate_threshold", settings.duplicate_threshold
        )
        sink = StoreSink(
            store,
            settings_hash,
            batch_size=batch_size or settings.batch_size,
            duplicate_threshold=float(threshold),
            log_skips=False,  # ingest warned of each already; the report lists them
        )
        done = sink.done()
        try:
            for (shard, shard_hash), documents in manifest.items():
                if shard_hash != settings_hash:
                    continue
                if shard in done:
                    sink.count_done(documents)
                    done_before += 1
                else:
                    key = lake.shard_key(shard, settings_hash)
                    results = _shard_results(
                        shard,
                        settings_hash,
                        documents,
                        files.get(key, []),
                        skips[(shard, shard_hash)],
                    )
                    sink.add_shard(shard, results, mark=True)
                    loaded += 1
                    logger.debug("loaded shard %s (%d records)", shard, documents)
                handled += 1
                if progress is not None:
                    progress(handled, total)
            for shard, shard_hash in unreadable:
                if shard_hash == settings_hash:
                    unread: list[ShardResult] = [
                        ("unreadable", _record(e)) for e in skips[(shard, shard_hash)]
                    ]
                    sink.add_shard(shard, unread, mark=False)
                    handled += 1
                    if progress is not None:
                        progress(handled, total)
        except BaseException:
            try:
                sink.flush()  # keep the shards that finished; the rest load next time
            except Exception:
                logger.exception("could not save the loaded shards after an interruption")
            raise
        sink.flush()
        reports.append(sink.report())
    report = LoadReport(total, loaded, done_before, _merge(reports))
    logger.info(
        "load: %d shards, %d loaded, %d loaded before; %d articles stored",
        report.shards,
        report.loaded,
        report.done_before,
        report.report.stored,
    )
    return report
