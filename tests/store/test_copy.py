"""``laborlens copy`` and ``laborlens migrate`` on both backends.

The copy test goes SQLite -> PostgreSQL -> SQLite and checks that every table's count and
checksum survive, that articles read back equal, and that search works on each copy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, create_engine, delete, insert

from laborlens.cli import cli
from laborlens.records import Embedding, SkippedRecord
from laborlens.store import copy as store_copy
from laborlens.store import open_store, serialise
from laborlens.store.copy import table_sums
from laborlens.store.migrations import MIGRATIONS, migrate
from laborlens.store.postgres import engine_url
from laborlens.store.schema import metadata, skipped
from laborlens.store.sql import SqlStore
from laborlens.store.sqlite import sqlite_engine, write_engine
from tests.store.store_builders import full_article, make_article, make_event


def _run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, (result.output, result.exception)
    return result


def _raw_engine(url: str) -> Engine:
    """An engine on the database without opening (and so migrating) it as a store."""
    if url.startswith("sqlite"):
        return write_engine(sqlite_engine(url.removeprefix("sqlite:///")))
    parsed = engine_url(url)
    return create_engine(
        parsed.difference_update_query(["options"]),
        connect_args={"options": parsed.query["options"]},
    )


def _fill(store: SqlStore) -> None:
    first = full_article("copy-1")
    store.save_articles(
        [
            first,
            make_article("copy-2", "tr", events=(make_event("strike", countries=("TR",)),)),
            make_article("copy-3", "fa", is_labour=False, published=None),
        ]
    )
    # The same article seen again under a second locator: a second source row.
    store.save_articles([replace(first, source="warc", locator="crawl.warc.gz:42")])
    store.record_skipped([SkippedRecord("notes.pdf", "unsupported file type '.pdf'")])
    store.save_vectors([("copy-1", Embedding("hash-8", (0.5, -0.5, 0.5, -0.5)))])


def test_old_database_is_migrated_in_place(new_db_url: Callable[[], str]) -> None:
    url = new_db_url()
    article = full_article("old-1")
    engine = _raw_engine(url)
    try:
        migrate(engine, target=1)
        with engine.begin() as conn:  # written by a laborlens that knew migration 1 only
            rows = serialise.article_to_rows(article, dt.datetime.now(dt.UTC))
            for name in serialise.TABLE_NAMES:
                if rows[name]:
                    conn.execute(insert(metadata.tables[name]), rows[name])
    finally:
        engine.dispose()
    out = _run("--db", url, "migrate").stdout
    for m in MIGRATIONS[1:]:
        assert f"applied migration {m.version}: {m.name}" in out
    assert "applied migration 1" not in out
    assert f"migrated to schema version {MIGRATIONS[-1].version}" in out
    again = _run("--db", url, "migrate").stdout
    assert "applied" not in again
    assert f"already at schema version {MIGRATIONS[-1].version}" in again
    with open_store(url) as store:
        assert store.get_article(article.id) == article
        assert [h.article_id for h in store.search("Yekaterinburg")] == [article.id]


def _copy(source: str, target: str, *extra: str, code: int = 0) -> dict[str, Any]:
    result = _run("copy", "--from", source, "--to", target, "--json", *extra, code=code)
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_round_trip_sqlite_postgres_sqlite(tmp_path: Path, pg_url: Callable[[], str]) -> None:
    first, back = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    middle = pg_url()
    with open_store(first) as store:
        assert isinstance(store, SqlStore)
        _fill(store)
        originals = {a: store.get_article(a) for a in ("copy-1", "copy-2", "copy-3")}
    there = _copy(first, middle, "--batch", "2")
    home = _copy(middle, back, "--batch", "3")
    assert there["ok"] and home["ok"]
    for report in (there, home):
        assert all(t["ok"] for t in report["tables"].values())
    counts = {name: t["source_rows"] for name, t in there["tables"].items()}
    assert counts["articles"] == 3
    assert counts["article_sources"] == 4
    assert counts["skipped"] == 1
    assert counts["vectors"] == 1
    assert counts["spans"] > 10
    sums = {name: t["source_checksum"] for name, t in there["tables"].items()}
    assert sums == {name: t["target_checksum"] for name, t in home["tables"].items()}
    engines = [_raw_engine(u) for u in (first, middle, back)]
    try:
        a, b, c = (table_sums(e) for e in engines)
    finally:
        for e in engines:
            e.dispose()
    assert a == b == c
    for url in (middle, back):
        with open_store(url) as store:
            for aid, article in originals.items():
                assert store.get_article(aid) == article
            assert [h.article_id for h in store.search("Yekaterinburg")] == ["copy-1"]
            assert store.vector_models() == {"hash-8": 1}
            # New rows after a copy get fresh ids (PostgreSQL's sequences follow the copy).
            store.record_skipped([SkippedRecord("later.doc", "unsupported")])
            store.save_articles([make_article("copy-4", "vi")])
            assert store.counts()["skipped"] == 2


def test_copy_refuses_a_target_with_data(new_db_url: Callable[[], str]) -> None:
    source, target = new_db_url(), new_db_url()
    for url in (source, target):
        with open_store(url) as store:
            store.save_articles([make_article("there-already")])
    result = _run("copy", "--from", source, "--to", target, code=1)
    assert "not empty" in result.output
    with open_store(target) as store:
        assert store.counts()["articles"] == 1


def test_copy_fails_when_a_table_differs(
    tmp_path: Path, new_db_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, target = f"sqlite:///{tmp_path / 'src.db'}", new_db_url()
    with open_store(source) as store:
        assert isinstance(store, SqlStore)
        _fill(store)
    real = store_copy.copy_tables

    def lossy(src: Engine, dst: Engine, batch_size: int = 1000) -> dict[str, int]:
        copied = real(src, dst, batch_size)
        with dst.begin() as conn:
            conn.execute(delete(skipped))
        return copied

    monkeypatch.setattr(store_copy, "copy_tables", lossy)
    result = _run("copy", "--from", source, "--to", target, code=1)
    assert "DIFFERS" in result.output
    assert "differs from its source in: skipped" in result.output
