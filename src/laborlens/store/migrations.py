"""Ordered, named schema migrations, recorded in ``schema_migrations``.

``migrate`` applies the pending ones in a single transaction, so a failure leaves the
database at the version it had. Rules for adding one: append a ``Migration`` with the next
version; never edit or renumber an applied one. Migration 1 builds the core tables from
``schema.py``, so a later migration that changes a table must be written to be a no-op when
the change is already there (a fresh database gets it from migration 1), and
``tests/store/test_migrations.py`` checks that a fresh and an upgraded database agree.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, select, text

from laborlens.errors import StoreError
from laborlens.store import fingerprints, fts, pgsearch, vectors
from laborlens.store.schema import DATA_TABLES, metadata, schema_migrations, shards_done

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _create_core_tables(conn: Connection) -> None:
    metadata.create_all(conn, tables=list(DATA_TABLES))


def _create_search_index(conn: Connection) -> None:
    """The backend's full-text index (SQLite FTS5; PostgreSQL tsvector, GIN and pg_trgm),
    filled from the articles already stored."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(fts.CREATE_SQL)
        count = fts.rebuild_index(conn)
    elif conn.dialect.name == "postgresql":
        for statement in pgsearch.CREATE_SQL:
            conn.exec_driver_sql(statement)
        count = pgsearch.rebuild_index(conn)
    else:
        return
    log.info("search index built over %d stored articles", count)


def _create_shard_markers(conn: Connection) -> None:
    shards_done.create(conn, checkfirst=True)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core tables", _create_core_tables),
    Migration(2, "full-text search", _create_search_index),
    Migration(3, "article vectors", vectors.create_table),
    Migration(4, "near-duplicate fingerprints", fingerprints.create_tables),
    Migration(5, "shard markers", _create_shard_markers),
    Migration(6, "event clusters", fingerprints.create_cluster_table),
)

LATEST_VERSION = MIGRATIONS[-1].version

MIGRATION_LOCK = 0x6C61626F726C656E
"""PostgreSQL advisory lock key taken while migrating (b"laborlen" as an integer)."""


def applied_versions(conn: Connection) -> dict[int, str]:
    """Version -> name of every recorded migration; empty for a new database."""
    if not conn.dialect.has_table(conn, schema_migrations.name):
        return {}
    return dict(conn.execute(select(schema_migrations.c.version, schema_migrations.c.name)).all())


def migrate(engine: Engine, target: int | None = None) -> list[Migration]:
    """Apply the pending migrations up to ``target`` (default: all); returns those applied.

    The engine must make DDL transactional: ``sqlite.sqlite_engine`` does (the sqlite3
    module's own transaction handling would commit each CREATE on its own); PostgreSQL's
    DDL is transactional. On PostgreSQL a transaction-level advisory lock makes processes
    that open a new database at the same moment migrate it one after the other.
    """
    target = LATEST_VERSION if target is None else target
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        applied = applied_versions(conn)
        unknown = sorted(set(applied) - {m.version for m in MIGRATIONS})
        if unknown:
            raise StoreError(
                f"database schema has migration {unknown[-1]}, newer than this laborlens "
                f"knows (up to {LATEST_VERSION}); upgrade laborlens to open it"
            )
        schema_migrations.create(conn, checkfirst=True)
        pending = [m for m in MIGRATIONS if m.version not in applied and m.version <= target]
        for migration in pending:
            log.info("applying migration %d: %s", migration.version, migration.name)
            migration.apply(conn)
            conn.execute(
                insert(schema_migrations).values(
                    version=migration.version,
                    name=migration.name,
                    applied_at=dt.datetime.now(dt.UTC),
                )
            )
    return pending
