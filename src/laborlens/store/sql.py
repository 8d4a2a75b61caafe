"""The Store logic that any SQLAlchemy backend shares; backends add connection set-up and search.

Reads run in one transaction each, so an article and its events come from one snapshot.
Writes go through ``_write_engine``, which a backend may configure (SQLite takes its write
lock up front, so two ingest processes queue instead of failing half-way). A server backend
lets writers run side by side instead: ``save_articles`` locks the stored rows it will
change, inserts new articles in id order and, when another process inserted one of them
first (``WriteConflictError``), retries the whole batch, which then finds those articles stored.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from threading import RLock
from types import TracebackType
from typing import Any, Self

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from laborlens.config import PIPELINE_VERSION
from laborlens.errors import StoreError
from laborlens.query import EventQuery, EventRow, SearchHit
from laborlens.records import Article, Event, SkippedRecord
from laborlens.store import fingerprints, serialise, vectors
from laborlens.store.base import CountKey, SaveResult
from laborlens.store.migrations import Migration
from laborlens.store.schema import (
    DATA_TABLES,
    EVENT_CHILD_TABLES,
    article_sources,
    articles,
    event_countries,
    events,
    issues,
    metadata,
    organisations,
    shards_done,
    skipped,
    spans,
)

log = logging.getLogger(__name__)

_CHUNK = 200
"""Articles loaded per round of queries (keeps IN lists well under bind-parameter limits)."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _error_hint(message: str) -> str:
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return "; another process is writing to it: wait for it to finish and retry"
    if "unable to open" in lowered:
        return "; check that the directory exists and is writable"
    if "malformed" in lowered or "not a database" in lowered:
        return "; the file is damaged or is not a laborlens database"
    if "disk" in lowered and "full" in lowered:
        return "; free some disk space and retry"
    return ""


class WriteConflictError(Exception):
    """Another writer committed some of this batch's articles first; the batch is retried."""


WRITE_ATTEMPTS = 5
"""How often a batch is tried when concurrent writers conflict (each retry sees more stored)."""


def _merge(into: serialise.Rows, rows: serialise.Rows) -> None:
    for name, table_rows in rows.items():
        into[name].extend(table_rows)


class SqlStore(
    vectors.VectorMethods,
    fingerprints.FingerprintMethods,
    fingerprints.ClusterMethods,
    ABC,
):
    """A Store over a SQLAlchemy engine whose schema ``migrations.migrate`` has built."""

    def __init__(
        self,
        engine: Engine,
        label: str,
        write_engine: Engine | None = None,
        one_connection: bool = False,
    ) -> None:
        """``one_connection``: the engine shares a single connection (an in-memory SQLite
        database), so operations from different threads must take turns."""
        self._engine = engine
        self._write_engine = write_engine or engine
        self.label = label
        self._turn: AbstractContextManager[Any] = RLock() if one_connection else nullcontext()
        self.applied_migrations: tuple[Migration, ...] = ()
        """The migrations opening this store applied (empty when it was up to date)."""

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def write_engine(self) -> Engine:
        """The engine writes go through (on SQLite, one that takes the write lock first)."""
        return self._write_engine

    # --- backend hooks -------------------------------------------------------------------

    @abstractmethod
    def _index_articles(self, conn: Connection, saved: Sequence[Article]) -> None:
        """Update the full-text index for articles just inserted or replaced."""

    @abstractmethod
    def _text_condition(self, text: str) -> ColumnElement[bool]:
        """A condition on ``articles.c.id``: the article matches the search text."""

    @abstractmethod
    def _search(self, conn: Connection, text: str, limit: int) -> list[SearchHit]: ...

    def _insert_articles(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        """Insert new ``articles`` rows (sorted by id); a backend whose writers run
        concurrently raises ``WriteConflictError`` when another writer stored one first."""
        conn.execute(insert(articles), list(rows))

    def _insert_sources(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
        conn.execute(insert(article_sources), list(rows))

    def _lock_skipped(self, conn: Connection) -> None:
        """Serialise writers of the ``skipped`` table (SQLite's write lock already does)."""
        del conn

    def _is_retryable(self, exc: BaseException) -> bool:
        """A database error that a fresh attempt at the same transaction can get past."""
        return isinstance(exc, WriteConflictError)

    # --- plumbing --------------------------------------------------------------------------

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        """One store operation: driver and SQLAlchemy errors become StoreError."""
        try:
            with self._turn:
                yield
        except (SQLAlchemyError, sqlite3.Error) as exc:
            orig = getattr(exc, "orig", None) or exc
            message = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
            raise StoreError(
                f"database {self.label}: {action} failed: {message}{_error_hint(message)}"
            ) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()
        if self._write_engine is not self._engine:
            self._write_engine.dispose()

    # --- writes ----------------------------------------------------------------------------

    def save_articles(self, articles_: Sequence[Article]) -> SaveResult:
        """Classify the batch against what is stored, then write it with one statement per
        table, all in one transaction: a failure anywhere leaves the database as it was."""
        if not articles_:
            return SaveResult(0, 0, 0)
        with self._translate(f"saving {len(articles_)} articles"):
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    with self._write_engine.begin() as conn:
                        result = self._save_batch(conn, articles_)
                    break
                except Exception as exc:
                    if attempt == WRITE_ATTEMPTS or not self._is_retryable(exc):
                        if isinstance(exc, WriteConflictError):
                            raise StoreError(
                                f"database {self.label}: other writers kept storing this "
                                f"batch's articles first ({attempt} attempts); retry"
                            ) from exc
                        raise
                    log.debug("batch conflicted with another writer (attempt %d)", attempt)
        log.debug(
            "saved %d articles: %d new, %d replaced, %d unchanged",
            len(articles_),
            result.inserted,
            result.updated,
            result.unchanged,
        )
        return result

    def _save_batch(self, conn: Connection, articles_: Sequence[Article]) -> SaveResult:
        inserted = updated = unchanged = 0
        now = _utcnow()
        ids = sorted({a.id for a in articles_})
        stored = self._stored_versions(conn, ids)
        known_sources = self._known_sources(conn, ids)
        new: dict[str, Article] = {}
        replaced: dict[str, Article] = {}
        sources: list[dict[str, Any]] = []
        for article in articles_:
            version = (article.pipeline_version, article.settings_hash)
            previous = stored.get(article.id)
            if previous is None:
                inserted += 1
                new[article.id] = article
            elif previous == version:
                unchanged += 1
            else:
                updated += 1
                (new if article.id in new else replaced)[article.id] = article
            stored[article.id] = version
            source = (article.id, article.source, article.locator, article.settings_hash)
            if source not in known_sources:
                known_sources.add(source)
                sources.append(
                    {
                        "article_id": article.id,
                        "source": article.source,
                        "locator": article.locator,
                        "pipeline_version": article.pipeline_version,
                        "settings_hash": article.settings_hash,
                        "ingested_at": now,
                    }
                )
        rows = serialise.empty_rows()
        # Id order: concurrent writers then wait on each other's new rows in one order.
        for aid in sorted(new):
            _merge(rows, serialise.article_to_rows(new[aid], now))
        self._delete_children(conn, sorted(replaced))
        for article in replaced.values():
            article_rows = serialise.article_to_rows(article, now)
            (row,) = article_rows.pop(articles.name)
            conn.execute(
                update(articles)
                .where(articles.c.id == article.id)
                .values({k: v for k, v in row.items() if k != "id"})
            )
            _merge(rows, article_rows)
        if rows[articles.name]:
            self._insert_articles(conn, rows[articles.name])
        for name in serialise.TABLE_NAMES[1:]:
            if rows[name]:
                conn.execute(insert(metadata.tables[name]), rows[name])
        if sources:
            self._insert_sources(conn, sources)
        self._index_articles(conn, [*new.values(), *replaced.values()])
        vectors.write(
            conn,
            [
                (a.id, a.embedding)
                for a in (*new.values(), *replaced.values())
                if a.embedding is not None
            ],
        )
        return SaveResult(inserted=inserted, updated=updated, unchanged=unchanged)

    @staticmethod
    def _stored_versions(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for i in range(0, len(ids), _CHUNK):
            # Locks the rows on a server (in id order, so writers cannot deadlock);
            # SQLite ignores FOR UPDATE, its write lock is already held.
            query = (
                select(articles.c.id, articles.c.pipeline_version, articles.c.settings_hash)
                .where(articles.c.id.in_(ids[i : i + _CHUNK]))
                .order_by(articles.c.id)
                .with_for_update()
            )
            found.update(
                (aid, (version, settings)) for aid, version, settings in conn.execute(query)
            )
        return found

    @staticmethod
    def _known_sources(conn: Connection, ids: Sequence[str]) -> set[tuple[str, str, str, str]]:
        s = article_sources.c
        found: set[tuple[str, str, str, str]] = set()
        for i in range(0, len(ids), _CHUNK):
            query = select(s.article_id, s.source, s.locator, s.settings_hash).where(
                s.article_id.in_(ids[i : i + _CHUNK])
            )
            found.update((a, b, c, d) for a, b, c, d in conn.execute(query))
        return found

    @staticmethod
    def _delete_children(conn: Connection, ids: Sequence[str]) -> None:
        """Remove the events and evidence of articles about to be rewritten."""
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            for table in (spans, *EVENT_CHILD_TABLES, events):
                # The cascade from events would do most of it; deleting explicitly keeps a
                # backend without enforced foreign keys free of orphans too.
                conn.execute(delete(table).where(table.c.article_id.in_(chunk)))

    def record_skipped(self, records: Sequence[SkippedRecord]) -> None:
        """One row per (source, locator, reason); seeing it again refreshes its time."""
        if not records:
            return
        now = _utcnow()
        with (
            self._translate(f"recording {len(records)} skipped inputs"),
            self._write_engine.begin() as conn,
        ):
            self._lock_skipped(conn)
            for record in records:
                key = and_(
                    skipped.c.source == record.source,
                    skipped.c.locator == record.locator,
                    skipped.c.reason == record.reason,
                )
                found = conn.execute(select(skipped.c.id).where(key)).first()
                if found is None:
                    conn.execute(
                        insert(skipped).values(
                            source=record.source,
                            locator=record.locator,
                            reason=record.reason,
                            at=now,
                            pipeline_version=PIPELINE_VERSION,
                        )
                    )
                else:
                    conn.execute(
                        update(skipped)
                        .where(skipped.c.id == found.id)
                        .values(at=now, pipeline_version=PIPELINE_VERSION)
                    )

    def mark_shards_done(self, shards: Sequence[tuple[str, int]], settings_hash: str) -> None:
        """Record input shards (path, documents) as fully stored with these settings."""
        if not shards:
            return
        now = _utcnow()
        names = sorted({name for name, _ in shards})
        with (
            self._translate(f"marking {len(shards)} shards done"),
            self._write_engine.begin() as conn,
        ):
            for i in range(0, len(names), _CHUNK):
                conn.execute(
                    delete(shards_done).where(
                        shards_done.c.settings_hash == settings_hash,
                        shards_done.c.shard.in_(names[i : i + _CHUNK]),
                    )
                )
            rows = dict(shards)
            conn.execute(
                insert(shards_done),
                [
                    {
                        "shard": name,
                        "settings_hash": settings_hash,
                        "documents": rows[name],
                        "done_at": now,
                    }
                    for name in names
                ],
            )

    def shards_done(self, settings_hash: str) -> dict[str, int]:
        """Shard -> documents of every shard stored with these settings."""
        query = select(shards_done.c.shard, shards_done.c.documents).where(
            shards_done.c.settings_hash == settings_hash
        )
        with self._translate("reading shard markers"), self._engine.connect() as conn:
            return {shard: int(documents) for shard, documents in conn.execute(query)}

    # --- reads -----------------------------------------------------------------------------

    def is_ingested(self, source: str, locator: str, settings_hash: str) -> bool:
        """True when the source record's article is stored and still has these settings."""
        query = (
            select(true())
            .select_from(article_sources.join(articles))
            .where(
                article_sources.c.source == source,
                article_sources.c.locator == locator,
                article_sources.c.settings_hash == settings_hash,
                articles.c.settings_hash == settings_hash,
            )
            .limit(1)
        )
        with self._translate("checking ingest state"), self._engine.connect() as conn:
            return conn.execute(query).first() is not None

    def get_article(self, article_id: str) -> Article | None:
        with self._translate(f"reading article {article_id!r}"), self._engine.connect() as conn:
            return self._load_articles(conn, [article_id]).get(article_id)

    @staticmethod
    def _child_rows(
        conn: Connection, ids: Sequence[str], names: Sequence[str]
    ) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """article id -> table name -> rows, for the given child tables."""
        grouped: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
        for name in names:
            table = metadata.tables[name]
            result = conn.execute(select(table).where(table.c.article_id.in_(ids)))
            keys = list(result.keys())  # plain tuples zipped with the keys: half the cost
            for values in result:
                row = dict(zip(keys, values, strict=True))
                grouped[row["article_id"]][name].append(row)
        return grouped

    def _load_articles(self, conn: Connection, ids: Sequence[str]) -> dict[str, Article]:
        found: dict[str, Article] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            children = self._child_rows(conn, chunk, serialise.TABLE_NAMES[1:])
            embeddings = vectors.latest(conn, chunk)
            for row in conn.execute(select(articles).where(articles.c.id.in_(chunk))).mappings():
                article = serialise.article_from_rows(dict(row), children[row["id"]])
                embedding = embeddings.get(row["id"])
                found[row["id"]] = (
                    article if embedding is None else replace(article, embedding=embedding)
                )
        return found

    def _event_conditions(self, query: EventQuery) -> list[ColumnElement[bool]]:
        """Conditions on ``events`` for the event-level filters of a query."""
        conds: list[ColumnElement[bool]] = []

        def has(table: Any, condition: ColumnElement[bool]) -> ColumnElement[bool]:
            # An uncorrelated IN (evaluated once) rather than EXISTS per event: SQLite would
            # otherwise walk the code index for every candidate event.
            return tuple_(events.c.article_id, events.c.idx).in_(
                select(table.c.article_id, table.c.event_idx).where(condition)
            )

        if query.types:
            conds.append(events.c.type.in_(query.types))
        if query.countries:
            codes = sorted({c.strip().upper() for c in query.countries})
            conds.append(has(event_countries, event_countries.c.code.in_(codes)))
        if query.issues:
            conds.append(has(issues, issues.c.code.in_(query.issues)))
        if query.since is not None:
            conds.append(events.c.period_end >= query.since)
        if query.until is not None:
            conds.append(events.c.period_start <= query.until)
        if query.organisation and query.organisation.strip():
            needle = serialise.fold_name(query.organisation.strip())
            conds.append(
                has(organisations, organisations.c.search_names.contains(needle, autoescape=True))
            )
        return conds

    def _article_conditions(self, query: EventQuery) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = []
        if not query.include_non_labour:
            conds.append(articles.c.is_labour.is_(True))
        if query.langs:
            conds.append(articles.c.lang.in_(query.langs))
        if query.text is not None and query.text.strip():
            conds.append(self._text_condition(query.text))
        return conds

    @staticmethod
    def _check_paging(query: EventQuery) -> None:
        if (query.limit is not None and query.limit < 0) or query.offset < 0:
            raise StoreError(
                f"query limit and offset must not be negative (got {query.limit}, {query.offset})"
            )

    def query_events(self, query: EventQuery, *, evidence: bool = True) -> list[EventRow]:
        """Matching events, newest event date first (undated last), then by article and index;
        without their spans when not ``evidence``.

        The page is chosen on keys alone (the events and the article filters' index), and
        only its articles' titles and sources are read: an article row carries the whole
        text, so reading one per candidate event would cost more than the rest of the query.
        """
        self._check_paging(query)
        stmt = (
            select(events.c.article_id, events.c.idx)
            .select_from(events.join(articles))
            .where(*self._matching_events(query))
            .order_by(events.c.date.desc().nulls_last(), events.c.article_id, events.c.idx)
            .limit(query.limit)
            .offset(query.offset or None)
        )
        facts = select(
            articles.c.id,
            articles.c.lang,
            articles.c.title,
            articles.c.source,
            articles.c.url,
            articles.c.published,
        )
        with self._translate("querying events"), self._engine.connect() as conn:
            hits = conn.execute(stmt).all()
            ids = sorted({h.article_id for h in hits})
            found = {
                row.id: row
                for i in range(0, len(ids), _CHUNK)
                for row in conn.execute(facts.where(articles.c.id.in_(ids[i : i + _CHUNK])))
            }
            loaded = self._load_events(conn, ids, evidence=evidence)
        return [
            EventRow(
                article_id=h.article_id,
                event_index=h.idx,
                event=loaded[(h.article_id, h.idx)],
                lang=found[h.article_id].lang,
                title=found[h.article_id].title,
                source=found[h.article_id].source,
                url=found[h.article_id].url,
                published=found[h.article_id].published,
            )
            for h in hits
        ]

    def _matching_events(self, query: EventQuery) -> list[ColumnElement[bool]]:
        return [*self._article_conditions(query), *self._event_conditions(query)]

    def count_events(self, query: EventQuery) -> int:
        """The number of matches, counted by the database (limit and offset ignored)."""
        stmt = (
            select(func.count())
            .select_from(events.join(articles))
            .where(*self._matching_events(query))
        )
        with self._translate("counting events"), self._engine.connect() as conn:
            return int(conn.scalar(stmt) or 0)

    def event_counts(self, query: EventQuery, by: CountKey) -> dict[str, int]:
        """Matching events per type or per distinct country / issue code, grouped by the
        database so that an aggregation never loads the events themselves."""
        if by == "type":
            stmt = (
                select(events.c.type, func.count())
                .select_from(events.join(articles))
                .where(*self._matching_events(query))
                .group_by(events.c.type)
            )
        else:
            table = event_countries if by == "country" else issues
            coded = (
                select(table.c.article_id, table.c.event_idx, table.c.code)
                .distinct()
                .select_from(
                    table.join(
                        events,
                        and_(
                            events.c.article_id == table.c.article_id,
                            events.c.idx == table.c.event_idx,
                        ),
                    ).join(articles, articles.c.id == events.c.article_id)
                )
                .where(*self._matching_events(query))
                .subquery()
            )
            stmt = select(coded.c.code, func.count()).group_by(coded.c.code)
        with self._translate(f"counting events by {by}"), self._engine.connect() as conn:
            return {str(key): int(n) for key, n in conn.execute(stmt)}

    def event_dates(self, query: EventQuery) -> dict[tuple[dt.date | None, str], int]:
        stmt = (
            select(events.c.date, events.c.type, func.count())
            .select_from(events.join(articles))
            .where(*self._matching_events(query))
            .group_by(events.c.date, events.c.type)
        )
        with self._translate("counting events by date"), self._engine.connect() as conn:
            return {(date, kind): int(n) for date, kind, n in conn.execute(stmt)}

    def _load_events(
        self, conn: Connection, ids: Sequence[str], *, evidence: bool = True
    ) -> dict[tuple[str, int], Event]:
        loaded: dict[tuple[str, int], Event] = {}
        names = [t.name for t in (events, *EVENT_CHILD_TABLES, *([spans] if evidence else []))]
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            for aid, children in self._child_rows(conn, chunk, names).items():
                for idx, event in serialise.events_from_rows(children["events"], children).items():
                    loaded[(aid, idx)] = event
        return loaded

    def iter_articles(self, query: EventQuery) -> Iterator[Article]:
        """Articles passing the article filters and having an event that passes the event
        filters (any article, events or not, when the query has no event filters);
        newest publication first."""
        self._check_paging(query)
        conds = self._article_conditions(query)
        event_conds = self._event_conditions(query)
        if event_conds:
            conds.append(exists().where(events.c.article_id == articles.c.id, *event_conds))
        stmt = (
            select(articles.c.id)
            .where(*conds)
            .order_by(articles.c.published.desc().nulls_last(), articles.c.id)
            .limit(query.limit)
            .offset(query.offset or None)
        )
        with self._translate("listing articles"), self._engine.connect() as conn:
            ids = list(conn.scalars(stmt))
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            with self._translate("reading articles"), self._engine.connect() as conn:
                loaded = self._load_articles(conn, chunk)
            # An article replaced or deleted since the listing is skipped, not an error.
            yield from (loaded[aid] for aid in chunk if aid in loaded)

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        with self._translate("searching"), self._engine.connect() as conn:
            return self._search(conn, text, limit)

    def counts(self) -> dict[str, int]:
        with self._translate("counting rows"), self._engine.connect() as conn:
            return {
                table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
                for table in DATA_TABLES
            }
