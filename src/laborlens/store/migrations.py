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


_CODE_KEYS = tuple(
    f"CREATE INDEX IF NOT EXISTS ix_{table}_code_key ON {table} (code, article_id, event_idx)"
    for table in ("event_countries", "issues")
)

LISTING_INDEXES: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE INDEX IF NOT EXISTS ix_events_newest ON events (date DESC, article_id, idx, type)",
        "CREATE INDEX IF NOT EXISTS ix_events_type_key ON events (type, article_id, idx)",
        "CREATE INDEX IF NOT EXISTS ix_articles_labour_key ON articles (is_labour, id, lang)",
        *_CODE_KEYS,
    ),
    "postgresql": (
        "CREATE INDEX IF NOT EXISTS ix_events_newest "
        "ON events (date DESC NULLS LAST, article_id, idx, type)",
        "CREATE INDEX IF NOT EXISTS ix_events_type_key ON events (type, article_id, idx)",
        "CREATE INDEX IF NOT EXISTS ix_articles_labour_key ON articles (is_labour, id, lang)",
        *_CODE_KEYS,
    ),
}
"""Indexes for listing and counting events from index entries alone: newest-first order, the
type, country and issue filters with the event key, and the article filters with the article
id (an article row carries its whole text, so reading one for its ``is_labour`` flag is slow)."""


def _create_listing_indexes(conn: Connection) -> None:
    for statement in LISTING_INDEXES.get(conn.dialect.name, ()):
        conn.exec_driver_sql(statement)
    analyze(conn)


ANALYZED_TABLES = ("articles", "events", "event_countries", "issues", "organisations")
"""Tables whose statistics the plans of the event queries depend on (see ``analyze``)."""


def analyze(conn: Connection) -> None:
    """Table statistics for SQLite's query planner (``ANALYZE``); PostgreSQL keeps its own.

    Without them SQLite takes ``is_labour IS 1`` for a selective filter and reads every labour
    article before sorting, instead of walking the events newest first; with them a page of
    events costs milliseconds on a database of 100,000. ANALYZE reads only these tables'
    indexes: well under a second at that size. ``SqliteStore`` runs it again after writing.
    """
    if conn.dialect.name != "sqlite":
        return
    for table in ANALYZED_TABLES:
        conn.exec_driver_sql(f"ANALYZE {table}")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core tables", _create_core_tables),
    Migration(2, "full-text search", _create_search_index),
    Migration(3, "article vectors", vectors.create_table),
    Migration(4, "near-duplicate fingerprints", fingerprints.create_tables),
    Migration(5, "shard markers", _create_shard_markers),
    Migration(6, "event clusters", fingerprints.create_cluster_table),
    Migration(7, "event listing indexes", _create_listing_indexes),
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
