"""The embedded store: one SQLite file in WAL mode, with FTS5 full-text search.

Connections get foreign keys, a busy timeout and WAL (readers never block the writer).
SQLAlchemy, not the sqlite3 module, emits BEGIN, so every statement of a batch (reads
included) is inside the transaction; writes use BEGIN IMMEDIATE to take the write lock
before reading what they will change.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, create_engine, event, false
from sqlalchemy.engine import URL
from sqlalchemy.pool import StaticPool

from laborlens.query import SearchHit
from laborlens.records import Article
from laborlens.store import fts
from laborlens.store.base import SaveResult
from laborlens.store.migrations import analyze, migrate
from laborlens.store.schema import articles
from laborlens.store.sql import SqlStore

log = logging.getLogger(__name__)

MEMORY = ":memory:"
CACHE_KIB = 32 * 1024
BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another process's write lock before failing."""

_IMMEDIATE = "laborlens_begin_immediate"


def _json_dumps(value: Any) -> str:
    # Readable non-Latin text in the file, and floats written exactly (repr round-trips).
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


class SqliteStore(SqlStore):
    """``SqliteStore(path)`` opens (creating and migrating if needed) a SQLite database.

    >>> store = SqliteStore(":memory:")
    >>> store.counts()["articles"]
    0
    """

    def __init__(self, path: str | Path) -> None:
        label = str(path)
        engine = sqlite_engine(path)
        super().__init__(engine, label, write_engine(engine), one_connection=label == MEMORY)
        try:
            with self._translate("opening and migrating"):
                applied = migrate(self._write_engine)
        except BaseException:
            engine.dispose()
            raise
        self.applied_migrations = tuple(applied)
        if applied:
            log.info("database %s migrated to version %d", label, applied[-1].version)
        self._wrote = False

    def save_articles(self, articles_: Sequence[Article]) -> SaveResult:
        result = super().save_articles(articles_)
        self._wrote = self._wrote or bool(result.inserted or result.updated)
        return result

    def close(self) -> None:
        """Refresh the planner's statistics when this store wrote articles, then close."""
        if self._wrote and self.label != MEMORY:
            self._wrote = False
            with self._translate("updating statistics"), self._write_engine.begin() as conn:
                analyze(conn)
        super().close()

    def _index_articles(self, conn: Connection, saved: Sequence[Article]) -> None:
        fts.index_documents(
            conn,
            [
                (a.id, a.title, a.text, fts.join_summaries(e.summary_en for e in a.events))
                for a in saved
            ],
        )

    def _text_condition(self, text: str) -> ColumnElement[bool]:
        """The articles ``search`` would find (loose matching, so inflected forms count)."""
        expression = fts.match_expression(text, loose=True)
        if expression is None:
            return false()
        return articles.c.id.in_(fts.matching_article_ids(expression))

    def _search(self, conn: Connection, text: str, limit: int) -> list[SearchHit]:
        return fts.search(conn, text, limit)


def sqlite_engine(path: str | Path) -> Engine:
    """An engine whose connections are set up as described above (":memory:" is shared)."""
    memory = str(path) == MEMORY
    url = URL.create("sqlite", database=None if memory else str(path))
    extra: dict[str, Any] = (
        {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}} if memory else {}
    )
    engine = create_engine(url, json_serializer=_json_dumps, **extra)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine, beginning its transactions with BEGIN IMMEDIATE."""
    return engine.execution_options(**{_IMMEDIATE: True})


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Leave BEGIN to SQLAlchemy (_on_begin); sqlite3's own handling skips it before SELECTs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        cursor.execute("PRAGMA foreign_keys = ON")
        mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode not in ("wal", "memory"):
            log.warning("SQLite refused WAL mode (journal_mode is %s)", mode)
        cursor.execute("PRAGMA synchronous = NORMAL")
        # 32 MiB of page cache per connection instead of 2: the indexes an event listing
        # walks stay in memory between requests of a server.
        cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB:d}")
    finally:
        cursor.close()


def _on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
