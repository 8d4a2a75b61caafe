"""The server store: PostgreSQL through psycopg 3, on the same schema and migrations as SQLite.

Chosen by URL: ``postgresql://user@host:5432/dbname`` (or ``postgresql+psycopg://...``).
Sessions run in UTC, so stored times read back the same from either backend. Several ingest
processes may write at once: ``save_articles`` locks the stored rows of its batch
(``SELECT ... FOR UPDATE`` in id order), inserts new articles with ``INSERT ... ON CONFLICT
DO NOTHING`` and retries the batch when another writer stored one of them first, so
concurrent writers end with every article once and nothing lost. Full-text search is in
``pgsearch.py``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, create_engine, false, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from laborlens.errors import StoreError
from laborlens.query import SearchHit
from laborlens.records import Article
from laborlens.store import pgsearch
from laborlens.store.fts import join_summaries
from laborlens.store.migrations import migrate
from laborlens.store.schema import article_sources, articles
from laborlens.store.sql import SqlStore, WriteConflictError

log = logging.getLogger(__name__)

DRIVER = "postgresql+psycopg"
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
_SKIPPED_LOCK = 0x736B6970706564  # b"skipped" as an integer: advisory lock for that table


def _json_dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def engine_url(url: str | URL) -> URL:
    """The URL with the psycopg 3 driver, whichever PostgreSQL spelling it came in."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"database URL {parsed.render_as_string()!r} is not a PostgreSQL URL")
    return parsed.set(drivername=DRIVER)


def safe_label(url: str | URL) -> str:
    """The URL for messages, password hidden."""
    return make_url(url).render_as_string(hide_password=True)


class PostgresStore(SqlStore):
    """``PostgresStore(url)`` connects to a PostgreSQL database, migrating it if needed."""

    def __init__(self, url: str | URL) -> None:
        try:
            import psycopg  # noqa: F401, PLC0415  (an optional dependency)
        except ImportError as exc:
            raise StoreError(
                "PostgreSQL support needs psycopg: pip install 'laborlens[postgres]'"
            ) from exc
        label = safe_label(url)
        parsed = engine_url(url)
        # libpq options from the URL (e.g. -csearch_path=...) are kept; UTC comes last.
        given = parsed.query.get("options", ())
        options = [given] if isinstance(given, str) else list(given)
        engine = create_engine(
            parsed.difference_update_query(["options"]),
            json_serializer=_json_dumps,
            pool_pre_ping=True,
            connect_args={
                "options": " ".join([*options, "-c timezone=UTC"]),
                "connect_timeout": 10,
            },
        )
        super().__init__(engine, label)
        try:
            with self._translate("opening and migrating"):
                applied = migrate(engine)
                with engine.connect() as conn:
                    self._configs = pgsearch.server_configs(conn)
        except BaseException:
            engine.dispose()
            raise
        self.applied_migrations = tuple(applied)
        if applied:
            log.info("database %s migrated to version %d", label, applied[-1].version)

    # --- concurrency -----------------------------------------------------------------------

    def _insert_articles(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        stmt = (
            pg_insert(articles)
            .on_conflict_do_nothing(index_elements=[articles.c.id])
            .returning(articles.c.id)
        )
        written = set(conn.scalars(stmt, list(rows)))
        lost = [row["id"] for row in rows if row["id"] not in written]
        if lost:
            raise WriteConflictError(f"stored meanwhile by another writer: {', '.join(lost[:5])}")

    def _insert_sources(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        conn.execute(pg_insert(article_sources).on_conflict_do_nothing(), list(rows))

    def _lock_skipped(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SKIPPED_LOCK})

    def _is_retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, DBAPIError):
            return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES
        return super()._is_retryable(exc)

    # --- search ----------------------------------------------------------------------------

    def _index_articles(self, conn: Connection, saved: Sequence[Article]) -> None:
        pgsearch.index_documents(
            conn,
            [
                (
                    (a.id, a.title, a.text, join_summaries(e.summary_en for e in a.events)),
                    a.lang,
                )
                for a in saved
            ],
            self._configs,
        )

    def _stem_configs(self) -> list[str]:
        return sorted(self._configs - {pgsearch.SIMPLE})

    def _text_condition(self, text_: str) -> ColumnElement[bool]:
        query = pgsearch.tsquery(text_, self._stem_configs(), loose=True)
        if query is None:
            return false()
        return articles.c.id.in_(pgsearch.matching_article_ids(query))

    def _search(self, conn: Connection, text_: str, limit: int) -> list[SearchHit]:
        return pgsearch.search(conn, text_, limit, self._stem_configs())
