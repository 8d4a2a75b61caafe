"""The Store interface: Article in, query results out. Backends live beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from laborlens.dedup import Signature
from laborlens.query import EventQuery, EventRow, SearchHit
from laborlens.records import Article, Embedding, SkippedRecord
from laborlens.store.vectors import VectorIndex

CountKey = Literal["type", "country", "issue"]
"""What ``Store.event_counts`` groups matching events by."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    inserted: int
    updated: int
    unchanged: int


class Store(Protocol):
    """Persistence for articles, their events and evidence; every write is transactional."""

    def save_articles(self, articles: Sequence[Article]) -> SaveResult:
        """Store a batch atomically; an article already stored with the same id is replaced
        only when its pipeline version or settings hash differ (re-ingest is idempotent)."""
        ...

    def record_skipped(self, records: Sequence[SkippedRecord]) -> None:
        """Remember inputs that could not be read, with their reason."""
        ...

    def is_ingested(self, source: str, locator: str, settings_hash: str) -> bool:
        """True when this source record was already processed with these settings (resume)."""
        ...

    def get_article(self, article_id: str) -> Article | None: ...

    def query_events(self, query: EventQuery, *, evidence: bool = True) -> list[EventRow]:
        """Matching events, newest first. ``evidence=False`` leaves every field's spans empty:
        listings that show no evidence skip reading it (most of an event's stored rows)."""
        ...

    def count_events(self, query: EventQuery) -> int:
        """How many events ``query_events`` would list without a limit."""
        ...

    def event_counts(self, query: EventQuery, by: CountKey) -> dict[str, int]:
        """Matching events per type, per country code or per issue code (an event counts
        once under each distinct code it has; events without one are not counted)."""
        ...

    def event_dates(self, query: EventQuery) -> dict[tuple[dt.date | None, str], int]:
        """Matching events per (event date, type); the date is None for undated events.
        Timelines sum them per week, stacked by type."""
        ...

    def iter_articles(self, query: EventQuery) -> Iterator[Article]:
        """Every article matching the query (non-labour too when include_non_labour)."""
        ...

    def search(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over article text, titles and event summaries."""
        ...

    def article_ids(self, query: EventQuery) -> list[str]:
        """Ids of the articles ``iter_articles`` would yield, without loading them."""
        ...

    def vector_index(self, model: str, ids: Sequence[str] | None = None) -> VectorIndex:
        """The stored vectors of one embedding model (only of ``ids`` when given)."""
        ...

    def vector_models(self) -> dict[str, int]:
        """Embedding model -> number of articles with a vector from it."""
        ...

    def missing_vectors(self, model: str) -> list[str]:
        """Ids of stored articles without a vector from ``model``."""
        ...

    def save_vectors(self, items: Sequence[tuple[str, Embedding]]) -> None:
        """Insert or replace vectors of stored articles."""
        ...

    def drop_vectors(self, keep_model: str) -> int:
        """Delete the vectors of every other model; returns how many were deleted."""
        ...

    def save_fingerprints(self, items: Sequence[tuple[str, Signature]]) -> None:
        """Insert or replace the near-duplicate signatures of stored articles."""
        ...

    def near_duplicate(
        self, sig: Signature, threshold: float, exclude: str | None = None
    ) -> tuple[str, float] | None:
        """The stored article most similar to ``sig`` at or above ``threshold``, if any."""
        ...

    def add_source(self, article_id: str, source: str, locator: str, settings_hash: str) -> bool:
        """Record another source of a stored article; False if already recorded."""
        ...

    def sources_of(self, article_id: str) -> list[tuple[str, str]]:
        """Every (source, locator) the article was read from, duplicates included."""
        ...

    def save_clusters(self, clusters: Mapping[tuple[str, int], str]) -> None:
        """Replace every stored event cluster id."""
        ...

    def cluster_ids(self) -> dict[tuple[str, int], str]:
        """(article id, event index) -> cluster id, for every clustered event."""
        ...

    def counts(self) -> dict[str, int]:
        """Row counts per table, for status output and tests."""
        ...

    def close(self) -> None: ...
