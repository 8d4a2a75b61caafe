"""SqliteStore on real files: idempotent saves, atomic batches, crash recovery, open_store."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from laborlens.errors import StoreError
from laborlens.query import EventQuery
from laborlens.records import Article, Event, SkippedRecord
from laborlens.store import STORE_BACKENDS, SaveResult, open_store
from laborlens.store.sql import SqlStore
from laborlens.store.sqlite import BUSY_TIMEOUT_MS, SqliteStore
from tests.store.store_builders import (
    SETTINGS_A,
    SETTINGS_B,
    full_article,
    make_article,
    make_event,
    rehash,
)


def batch(prefix: str, n: int) -> list[Article]:
    langs = ["tr", "ru", "ar", "fa", "vi"]
    return [
        make_article(
            f"{prefix}{i}",
            langs[i % len(langs)],
            events=(
                make_event("strike", countries=("TR",), issues=("wages",)),
                make_event("protest", countries=("RU", "KZ")),
            ),
        )
        for i in range(n)
    ]


def orphans(store: SqlStore) -> dict[str, int]:
    """Rows whose parent is gone, counted with plain SQL (no store code involved)."""
    checks = {
        "events": "SELECT count(*) FROM events e LEFT JOIN articles a ON a.id = e.article_id "
        "WHERE a.id IS NULL",
        "spans": "SELECT count(*) FROM spans s LEFT JOIN events e ON e.article_id = s.article_id "
        "AND e.idx = s.event_idx WHERE s.event_idx IS NOT NULL AND e.idx IS NULL",
        "sources": "SELECT count(*) FROM article_sources s LEFT JOIN articles a "
        "ON a.id = s.article_id WHERE a.id IS NULL",
    }
    for table in ("event_countries", "organisations", "people", "places", "issues", "outcomes"):
        checks[table] = (
            f"SELECT count(*) FROM {table} c LEFT JOIN events e ON e.article_id = c.article_id "
            "AND e.idx = c.event_idx WHERE e.idx IS NULL"
        )
    search = "search_fts" if store.engine.dialect.name == "sqlite" else "article_search"
    checks["search_rows_without_article"] = (
        f"SELECT count(*) FROM {search} f LEFT JOIN articles a ON a.id = f.article_id "
        "WHERE a.id IS NULL"
    )
    checks["articles_without_search_row"] = (
        f"SELECT count(*) FROM articles a LEFT JOIN {search} f ON a.id = f.article_id "
        "WHERE f.article_id IS NULL"
    )
    with store.engine.connect() as conn:
        found = {name: conn.execute(text(q)).scalar_one() for name, q in checks.items()}
        if store.engine.dialect.name == "sqlite":
            found["fk_violations"] = len(conn.exec_driver_sql("PRAGMA foreign_key_check").all())
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    return {name: n for name, n in found.items() if n}


# --- opening --------------------------------------------------------------------------------


def test_open_store_by_url(tmp_path: Path) -> None:
    path = tmp_path / "by-url.db"
    store = open_store(f"sqlite:///{path}")
    try:
        assert isinstance(store, SqliteStore)
        store.save_articles([make_article("a1")])
    finally:
        store.close()
    assert path.is_file()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_open_store_memory() -> None:
    store = open_store("sqlite:///:memory:")
    store.save_articles([make_article("m1")])
    assert store.counts()["articles"] == 1
    store.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://localhost/laborlens", "unsupported scheme 'mysql'"),
        ("postgresql+asyncpg://localhost/laborlens", "through psycopg 3"),
        ("laborlens.db", "is not a URL"),
        ("sqlite://somehost/x.db", "file path only"),
    ],
)
def test_open_store_rejects_bad_urls(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        open_store(url)
    assert "sqlite" in STORE_BACKENDS


def test_unopenable_path_is_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="directory exists"):
        SqliteStore(tmp_path / "missing-dir" / "x.db")


def test_not_a_database_is_store_error(tmp_path: Path) -> None:
    path = tmp_path / "text.db"
    path.write_bytes(b"this is not sqlite, just text " * 200)
    with pytest.raises(StoreError, match=r"text\.db"):
        SqliteStore(path)


def test_connection_pragmas(db_path: Path) -> None:
    with SqliteStore(db_path) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# --- idempotence and replacement ------------------------------------------------------------


def test_resave_is_unchanged(store: SqlStore) -> None:
    articles = [*batch("a", 4), full_article()]
    first = store.save_articles(articles)
    counts = store.counts()
    again = store.save_articles(articles)
    assert (first.inserted, first.updated, first.unchanged) == (5, 0, 0)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)
    assert store.counts() == counts


def test_same_content_from_another_source_records_the_source(store: SqlStore) -> None:
    article = make_article("dup", source="files", locator="one.txt")
    store.save_articles([article])
    other = replace(article, source="warc", locator="crawl.warc.gz:1234")
    result = store.save_articles([other])
    assert result.unchanged == 1
    counts = store.counts()
    assert counts["articles"] == 1
    assert counts["article_sources"] == 2
    assert store.is_ingested("warc", "crawl.warc.gz:1234", SETTINGS_A)
    assert store.is_ingested("files", "one.txt", SETTINGS_A)
    assert not store.is_ingested("files", "one.txt", SETTINGS_B)
    assert not store.is_ingested("files", "two.txt", SETTINGS_A)


def test_duplicate_in_one_batch(store: SqlStore) -> None:
    article = make_article("twice", events=(make_event(),))
    result = store.save_articles([article, replace(article, locator="copy.txt")])
    assert (result.inserted, result.unchanged) == (1, 1)
    assert store.counts()["events"] == 1
    assert store.counts()["article_sources"] == 2


def test_new_settings_replace_events(store: SqlStore) -> None:
    original = full_article()
    store.save_articles([original, *batch("b", 2)])
    before = store.counts()
    recoded = rehash(original, SETTINGS_B)
    result = store.save_articles([recoded])
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 0)
    assert store.get_article(original.id) == recoded
    after = store.counts()
    assert after["articles"] == before["articles"]
    assert after["events"] == before["events"] - 2 + 1
    assert after["people"] == before["people"] - 2
    assert after["spans"] == 2  # relevance evidence stays; the re-coded event has none
    assert after["article_sources"] == before["article_sources"] + 1
    # saving the re-coded article again changes nothing
    assert store.save_articles([recoded]).unchanged == 1
    assert store.counts() == after
    # the old settings are no longer what is stored, so resume must redo that record
    assert store.is_ingested(original.source, original.locator, SETTINGS_B)
    assert not store.is_ingested(original.source, original.locator, SETTINGS_A)
    # search sees the new summaries, not the old ones
    assert [h.article_id for h in store.search("re-coded")] == [original.id]
    assert store.search("Yekaterinburg wage arrears") == []


def test_replacement_leaves_no_orphans(store: SqlStore) -> None:
    article = full_article()
    store.save_articles([article])
    store.save_articles([rehash(article, SETTINGS_B)])
    store.save_articles([article])
    assert store.get_article(article.id) == article
    assert store.counts()["spans"] == 11
    assert orphans(store) == {}


def test_new_pipeline_version_replaces(store: SqlStore) -> None:
    article = make_article("v", events=(make_event(),))
    store.save_articles([article])
    newer = replace(article, pipeline_version="0.2.0", events=())
    assert store.save_articles([newer]).updated == 1
    assert store.get_article("v") == newer


def test_skipped_records(store: SqlStore) -> None:
    records = [
        SkippedRecord("warc", "not HTML (application/pdf)", "a.warc:10"),
        SkippedRecord("files", "undecodable bytes", "x.txt"),
    ]
    store.record_skipped(records)
    store.record_skipped(records[:1])
    store.record_skipped([])
    assert store.counts()["skipped"] == 2
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT source, locator, reason, pipeline_version FROM skipped ORDER BY source"
        ).all()
    assert [tuple(r)[:3] for r in rows] == [
        ("files", "x.txt", "undecodable bytes"),
        ("warc", "a.warc:10", "not HTML (application/pdf)"),
    ]
    assert all(r[3] for r in rows)


def test_empty_batch(store: SqlStore) -> None:
    assert store.save_articles([]) == SaveResult(0, 0, 0)


# --- atomic batches and crashes -------------------------------------------------------------


def test_exception_mid_batch_writes_nothing(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_articles(batch("first", 3))
    committed = store.counts()
    written: dict[str, int] = {}

    def fail_after_rows(conn: Connection, saved: Sequence[Article]) -> None:
        # every row of the batch is in the transaction by now; the crash comes last
        written.update(articles=conn.execute(text("SELECT count(*) FROM articles")).scalar_one())
        raise RuntimeError("simulated crash while writing")

    monkeypatch.setattr(store, "_index_articles", fail_after_rows)
    second = batch("second", 5)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store.save_articles(second)
    assert written == {"articles": 8}
    assert store.counts() == committed
    assert orphans(store) == {}
    monkeypatch.undo()
    # rerun: the whole batch goes in, the first batch is untouched
    result = store.save_articles(batch("first", 3) + second)
    assert (result.inserted, result.unchanged) == (5, 3)
    assert store.counts()["articles"] == 8
    assert store.counts()["events"] == 16
    assert [h.article_id for h in store.search("nghe an")] == ["second4"]
    assert orphans(store) == {}


def test_database_error_mid_batch_is_store_error_and_rolls_back(store: SqlStore) -> None:
    good = batch("ok", 3)
    broken = make_article("broken", events=(Event(type=None),))  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="saving 4 articles failed"):
        store.save_articles([*good[:2], broken, good[2]])
    assert store.counts()["articles"] == 0
    assert store.counts()["events"] == 0
    assert orphans(store) == {}
    assert store.save_articles(good).inserted == 3


_CHILD = textwrap.dedent(
    """
    import os, sys
    from sqlalchemy import event
    from laborlens.store import open_store
    from tests.store.test_sqlite import batch

    store = open_store(sys.argv[1])
    store.save_articles(batch("one", 4))

    def die_midway(conn, cursor, statement, params, context, executemany):
        # articles and events of the batch are written, their mentions are not yet
        if statement.startswith("INSERT INTO events"):
            os._exit(37)  # no rollback, no close: as if the process were killed

    event.listen(store.engine, "after_cursor_execute", die_midway)
    store.save_articles(batch("two", 6))
    sys.exit("the batch was not interrupted")
    """
)


def test_killed_process_leaves_consistent_db_and_resume_completes(
    new_db_url: Callable[[], str],
) -> None:
    url = new_db_url()
    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, url],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 37, proc.stderr
    if url.startswith("sqlite"):
        db_path = Path(url.removeprefix("sqlite:///"))
        assert (db_path.parent / (db_path.name + "-wal")).exists()
    with open_store(url) as store:
        counts = store.counts()
        assert counts["articles"] == 4
        assert counts["events"] == 8
        assert orphans(store) == {}
        # resume: skip what is ingested, write the rest
        todo = [
            a
            for a in batch("one", 4) + batch("two", 6)
            if not store.is_ingested(a.source, a.locator, a.settings_hash)
        ]
        assert [a.id for a in todo] == [f"two{i}" for i in range(6)]
        assert store.save_articles(todo).inserted == 6
        counts = store.counts()
        assert orphans(store) == {}
    assert counts["articles"] == 10
    assert counts["article_sources"] == 10
    assert counts["events"] == 20
    assert counts["event_countries"] == 30


_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from laborlens.records import SkippedRecord
    from laborlens.store import open_store
    from tests.store.test_sqlite import batch

    url, name, same, start = sys.argv[1], sys.argv[2], sys.argv[3] == "same", Path(sys.argv[4])
    with open_store(url) as store:
        while not start.exists():  # both processes begin writing at the same moment
            time.sleep(0.01)
        rounds = range(15) if name == "p" or not same else reversed(range(15))
        totals = [0, 0, 0]
        for round_ in rounds:
            articles = batch(f"{'s' if same else name}-{round_}-", 4)
            result = store.save_articles(articles if name == "p" else articles[::-1])
            totals = [totals[0] + result.inserted, totals[1] + result.updated,
                      totals[2] + result.unchanged]
            store.record_skipped([SkippedRecord("files", "unreadable", f"bad-{round_}.txt")])
        print(*totals)
    """
)


@pytest.mark.parametrize("same", [False, True], ids=["own-articles", "same-articles"])
def test_two_writer_processes(new_db_url: Callable[[], str], tmp_path: Path, same: bool) -> None:
    """Two processes write at once: SQLite queues them, PostgreSQL lets them overlap; with
    the same articles, each is stored once and none is lost."""
    url = new_db_url()
    open_store(url).close()
    root = Path(__file__).parents[2]
    start = tmp_path / "start"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, url, name, "same" if same else "own", str(start)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("p", "q")
    ]
    time.sleep(0.5)
    start.touch()
    totals = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        totals.append([int(n) for n in out.split()])
    expected = 15 * 4 if same else 2 * 15 * 4
    inserted = sum(t[0] for t in totals)
    assert inserted == expected
    assert sum(t[2] for t in totals) == 2 * 15 * 4 - expected  # the rest found stored
    with open_store(url) as store:
        counts = store.counts()
        assert orphans(store) == {}
        ids = {a.id for a in store.iter_articles(EventQuery(include_non_labour=True))}
    assert ids == {
        f"{'s' if same else n}-{r}-{i}" for n in "pq" for r in range(15) for i in range(4)
    }
    assert counts["articles"] == expected
    assert counts["article_sources"] == expected
    assert counts["events"] == 2 * expected
    assert counts["event_countries"] == 3 * expected
    assert counts["skipped"] == 15  # the same skipped input, recorded once


@pytest.mark.parametrize("where", ["file", "memory"])
def test_threads_share_a_store(tmp_path: Path, where: str) -> None:
    store = SqliteStore(tmp_path / "threads.db" if where == "file" else ":memory:")
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(10):
                store.save_articles([make_article(f"t{k}-{i}", events=(make_event(),))])
                store.query_events(EventQuery(types=("strike",)))
                store.search("tekirdag")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert store.counts()["events"] == 40
    finally:
        store.close()
