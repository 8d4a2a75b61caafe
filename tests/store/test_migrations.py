"""Migrations are applied once, recorded, transactional, and upgrade an old file in place."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert

from laborlens.errors import StoreError
from laborlens.store import migrations, serialise
from laborlens.store.migrations import MIGRATIONS, Migration, migrate
from laborlens.store.schema import metadata
from laborlens.store.sqlite import SqliteStore, sqlite_engine, write_engine
from tests.store.store_builders import full_article, make_article


def recorded(path: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()
    conn.close()
    return rows


def schema_sql(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()
    conn.close()
    return rows


def test_fresh_database_records_every_migration(db_path: Path) -> None:
    SqliteStore(db_path).close()
    rows = recorded(db_path)
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in MIGRATIONS]
    assert len(MIGRATIONS) > 1
    SqliteStore(db_path).close()
    assert recorded(db_path) == rows  # reopening applies nothing


def test_migrate_returns_only_pending(db_path: Path) -> None:
    engine = write_engine(sqlite_engine(db_path))
    try:
        assert [m.version for m in migrate(engine, target=1)] == [1]
        assert [m.version for m in migrate(engine)] == [m.version for m in MIGRATIONS[1:]]
        assert migrate(engine) == []
    finally:
        engine.dispose()


def test_v1_database_is_upgraded_in_place(db_path: Path) -> None:
    article = full_article()
    other = make_article("plain", "tr")
    engine = write_engine(sqlite_engine(db_path))
    try:
        migrate(engine, target=1)
        with engine.begin() as conn:  # an article written by a v1 laborlens
            for a in (article, other):
                rows = serialise.article_to_rows(a, dt.datetime.now(dt.UTC))
                for name in serialise.TABLE_NAMES:
                    if rows[name]:
                        conn.execute(insert(metadata.tables[name]), rows[name])
    finally:
        engine.dispose()
    assert [v for v, _, _ in recorded(db_path)] == [1]
    with SqliteStore(db_path) as store:
        assert [v for v, _, _ in recorded(db_path)] == [m.version for m in MIGRATIONS]
        assert store.get_article(article.id) == article
        # the search index was built from the articles already there
        assert [h.article_id for h in store.search("Yekaterinburg")] == [article.id]
        assert [h.article_id for h in store.search("tekirdag")] == ["plain"]


def test_fresh_and_upgraded_schemas_agree(tmp_path: Path) -> None:
    fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
    SqliteStore(fresh).close()
    engine = write_engine(sqlite_engine(old))
    try:
        migrate(engine, target=1)
    finally:
        engine.dispose()
    SqliteStore(old).close()
    assert schema_sql(fresh) == schema_sql(old)


def test_newer_database_is_refused(db_path: Path) -> None:
    SqliteStore(db_path).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) "
            "VALUES (99, 'from the future', '2030-01-01 00:00:00')"
        )
    conn.close()
    with pytest.raises(StoreError, match="newer than this laborlens"):
        SqliteStore(db_path)


def test_failed_migration_changes_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    SqliteStore(db_path).close()
    before = schema_sql(db_path)

    def half_done(conn: Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        conn.exec_driver_sql("ALTER TABLE articles ADD COLUMN half_done TEXT")
        conn.exec_driver_sql("SELECT no_such_function()")

    broken = Migration(len(MIGRATIONS) + 1, "broken", half_done)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*MIGRATIONS, broken))
    monkeypatch.setattr(migrations, "LATEST_VERSION", broken.version)
    with pytest.raises(StoreError, match="no_such_function"):
        SqliteStore(db_path)
    assert schema_sql(db_path) == before
    assert [v for v, _, _ in recorded(db_path)] == [m.version for m in MIGRATIONS]
