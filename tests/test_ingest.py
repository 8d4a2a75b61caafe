"""Ingest: idempotent, resumable after a crash, and honest about what it skipped."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborlens.cli import cli
from laborlens.config import Settings
from laborlens.ingest import IngestReport, ingest
from laborlens.pipeline import run
from laborlens.pipeline.context import StageContext, build_context
from laborlens.records import Article, SkippedRecord
from laborlens.store import Store, open_store

# Small batches, so that a crash on the third document lands after a committed batch.
SETTINGS = Settings(batch_size=2)


@pytest.fixture(scope="module")
def context() -> StageContext:
    """Language data and gazetteer, loaded once for the module as ingest does once per run."""
    return build_context(SETTINGS)


@pytest.fixture
def store_at(new_db_url: Callable[[], str]) -> Iterator[Callable[[str], Store]]:
    """Opens a new store on each backend (the name only tells them apart in the test)."""
    opened: list[Store] = []

    def open_named(_name: str) -> Store:
        store = open_store(new_db_url())
        opened.append(store)
        return store

    yield open_named
    for store in opened:
        store.close()


def _sources(seed_paths: list[Path]) -> list[str]:
    return [str(p) for p in seed_paths]


def _fail_on(
    monkeypatch: pytest.MonkeyPatch, nth: int, error: BaseException, stage_name: str = "extract"
) -> None:
    """Make one pipeline stage raise ``error`` on the nth document it sees."""
    seen = [0]

    def wrap(stage: Callable[[Article, StageContext], Article]) -> Callable[..., Article]:
        def failing(article: Article, context: StageContext) -> Article:
            seen[0] += 1
            if seen[0] == nth:
                raise error
            return stage(article, context)

        return failing

    stages = tuple((n, wrap(s) if n == stage_name else s) for n, s in run.STAGES)
    monkeypatch.setattr(run, "STAGES", stages)


def _count_documents(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the documents the pipeline's first stage sees from now on."""
    seen = [0]
    name, first = run.STAGES[0]

    def counting(article: Article, context: StageContext) -> Article:
        seen[0] += 1
        return first(article, context)

    monkeypatch.setattr(run, "STAGES", ((name, counting), *run.STAGES[1:]))
    return seen


def test_reingest_is_idempotent(
    tmp_store: Store,
    seed_paths: list[Path],
    context: StageContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = SETTINGS
    first = ingest(_sources(seed_paths), tmp_store, settings, context=context)
    counts = tmp_store.counts()
    analysed = _count_documents(monkeypatch)
    second = ingest(_sources(seed_paths), tmp_store, settings, context=context)
    assert analysed == [0]  # nothing already stored is analysed again
    assert first.read == second.read == len(seed_paths)
    assert first.stored == len(seed_paths)
    assert (second.stored, second.unchanged) == (0, len(seed_paths))
    assert tmp_store.counts() == counts
    assert counts["articles"] == len(seed_paths)
    assert first.exit_code() == second.exit_code() == 0


def test_changed_settings_reprocess_everything(
    tmp_store: Store, seed_paths: list[Path], context: StageContext
) -> None:
    ingest(_sources(seed_paths), tmp_store, SETTINGS, context=context)
    changed = Settings(batch_size=2, max_text_chars=150_000)
    report = ingest(_sources(seed_paths), tmp_store, changed, context=build_context(changed))
    assert report.unchanged == 0
    assert report.stored == len(seed_paths)
    assert tmp_store.counts()["articles"] == len(seed_paths)


def test_resume_after_a_crash_stores_everything_once(
    store_at: Callable[[str], Store],
    seed_paths: list[Path],
    context: StageContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = SETTINGS
    clean = store_at("clean.db")
    ingest(_sources(seed_paths), clean, settings, context=context)

    store = store_at("crash.db")
    with monkeypatch.context() as patch:
        _fail_on(patch, 3, KeyboardInterrupt())
        with pytest.raises(KeyboardInterrupt):
            ingest(_sources(seed_paths), store, settings, context=context)
    assert store.counts()["articles"] == 2  # the first batch was committed, nothing after it

    analysed = _count_documents(monkeypatch)
    report = ingest(_sources(seed_paths), store, settings, context=context)
    assert analysed == [len(seed_paths) - 2]
    assert (report.read, report.unchanged, report.stored) == (
        len(seed_paths),
        2,
        len(seed_paths) - 2,
    )
    assert store.counts() == clean.counts()


def test_a_document_the_pipeline_fails_on_is_skipped_then_retried(
    tmp_store: Store,
    seed_paths: list[Path],
    context: StageContext,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with monkeypatch.context() as patch:
        _fail_on(patch, 2, RuntimeError("stage bug"))
        report = ingest(_sources(seed_paths), tmp_store, SETTINGS, context=context)
    [skipped] = report.skipped
    assert skipped.source == str(seed_paths[1])
    assert skipped.reason == "pipeline failed: RuntimeError: stage bug"
    assert report.stored == len(seed_paths) - 1
    assert report.exit_code() == 1
    assert any(str(seed_paths[1]) in r.getMessage() for r in caplog.records)

    again = ingest(_sources(seed_paths), tmp_store, SETTINGS, context=context)
    assert (again.stored, again.unchanged, again.skipped) == (1, len(seed_paths) - 1, ())


def test_unreadable_inputs_are_logged_stored_and_counted(
    tmp_store: Store,
    tmp_path: Path,
    seed_paths: list[Path],
    context: StageContext,
    caplog: pytest.LogCaptureFixture,
) -> None:
    strange = tmp_path / "notes.xyz"
    strange.write_bytes(b"\x00\x01")
    missing = tmp_path / "missing.txt"
    seen: list[IngestReport] = []
    with caplog.at_level(logging.WARNING, logger="laborlens"):
        report = ingest(
            [str(seed_paths[0]), str(strange), str(missing)],
            tmp_store,
            SETTINGS,
            progress=seen.append,
            context=context,
        )
    assert report.read == 1
    assert sorted(s.source for s in report.skipped) == sorted([str(strange), str(missing)])
    assert all(isinstance(s, SkippedRecord) and s.reason for s in report.skipped)
    assert report.exit_code() == 1
    assert tmp_store.counts()["skipped"] == 2
    warnings = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert str(strange) in warnings and str(missing) in warnings
    # Progress after every input record, then once more with the final counts.
    assert [r.read + len(r.skipped) for r in seen] == [1, 2, 3, 3]
    assert seen[-1] == report


def test_cli_exit_codes_for_skipped_inputs(
    tmp_db_url: str, tmp_path: Path, seed_paths: list[Path]
) -> None:
    missing = str(tmp_path / "missing.txt")
    runner = CliRunner()
    some = runner.invoke(cli, ["--db", tmp_db_url, "ingest", str(seed_paths[0]), missing])
    assert some.exit_code == 1, some.output
    assert "skipped 1" in some.stdout
    assert f"skipped {missing}: no such file or directory" in some.stdout
    none = runner.invoke(cli, ["--db", tmp_db_url, "ingest", missing])
    assert none.exit_code == 2, none.output
    ok = runner.invoke(cli, ["--db", tmp_db_url, "ingest", "--json", str(seed_paths[0])])
    assert ok.exit_code == 0, ok.output


def _stored_ids(store: Store) -> list[str]:
    from laborlens.query import EventQuery

    return sorted(store.article_ids(EventQuery(include_non_labour=True, limit=None)))


def test_two_workers_store_what_one_does_and_resume(
    store_at: Callable[[str], Store],
    seed_paths: list[Path],
    tmp_path: Path,
    context: StageContext,
) -> None:
    missing = str(tmp_path / "missing.txt")
    documents = _sources(seed_paths)[:3]
    sources = [*documents, missing]
    serial = store_at("serial.db")
    one = ingest(sources, serial, SETTINGS, context=context)

    pooled = store_at("pooled.db")
    ingest(sources[:1], pooled, SETTINGS, context=context)  # an earlier, interrupted run
    two = ingest(sources, pooled, SETTINGS, workers=2)
    assert (two.read, two.unchanged, two.stored) == (3, 1, 2)
    assert [s.source for s in two.skipped] == [s.source for s in one.skipped] == [missing]
    assert pooled.counts() == serial.counts()
    assert _stored_ids(pooled) == _stored_ids(serial)
    for aid in _stored_ids(serial):
        assert pooled.get_article(aid) == serial.get_article(aid)

    again = ingest(sources, pooled, SETTINGS, workers=2)  # nothing left: no pool is started
    assert (again.read, again.unchanged, again.stored) == (3, 3, 0)
    assert pooled.counts() == serial.counts()
