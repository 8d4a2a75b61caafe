"""Near-duplicate fingerprints (each article's MinHash signature and its LSH band keys) and
event clusters (which events are one event reported many times).

A new article is compared only with the stored articles that share a band key with it
(``laborlens.dedup`` explains the numbers); a near-duplicate is not stored again, its
source is added to the article it duplicates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    insert,
    select,
)

from laborlens.dedup import Signature, band_keys, from_blob, similarity, to_blob
from laborlens.store.schema import article_sources, articles, metadata

fingerprints = Table(
    "fingerprints",
    metadata,
    Column(
        "article_id",
        String,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("signature", LargeBinary, nullable=False),
)

fingerprint_bands = Table(
    "fingerprint_bands",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("band", Integer, nullable=False),
    Column("key", BigInteger, nullable=False),
    PrimaryKeyConstraint("article_id", "band"),
    Index(None, "key"),
)

_CHUNK = 200


def create_tables(conn: Connection) -> None:
    """Migration 4 (a no-op when the tables are already there)."""
    fingerprints.create(conn, checkfirst=True)
    fingerprint_bands.create(conn, checkfirst=True)


class FingerprintMethods:
    """The near-duplicate half of ``SqlStore`` (mixed in, so backends share it)."""

    _engine: Engine
    _write_engine: Engine

    if TYPE_CHECKING:

        def _translate(self, action: str) -> AbstractContextManager[None]: ...

    def save_fingerprints(self, items: Sequence[tuple[str, Signature]]) -> None:
        """Insert or replace the signatures of stored articles."""
        if not items:
            return
        with (
            self._translate(f"saving {len(items)} fingerprints"),
            self._write_engine.begin() as conn,
        ):
            for i in range(0, len(items), _CHUNK):
                part = dict(items[i : i + _CHUNK])
                ids = list(part)
                conn.execute(
                    delete(fingerprint_bands).where(fingerprint_bands.c.article_id.in_(ids))
                )
                conn.execute(delete(fingerprints).where(fingerprints.c.article_id.in_(ids)))
                conn.execute(
                    insert(fingerprints),
                    [{"article_id": aid, "signature": to_blob(sig)} for aid, sig in part.items()],
                )
                conn.execute(
                    insert(fingerprint_bands),
                    [
                        {"article_id": aid, "band": band, "key": key}
                        for aid, sig in part.items()
                        for band, key in enumerate(band_keys(sig))
                    ],
                )

    def near_duplicate(
        self, sig: Signature, threshold: float, exclude: str | None = None
    ) -> tuple[str, float] | None:
        """The stored article most similar to ``sig`` at or above ``threshold``, if any."""
        keys = band_keys(sig)
        candidates = (
            select(fingerprint_bands.c.article_id)
            .where(fingerprint_bands.c.key.in_(keys))
            .distinct()
        )
        query = select(fingerprints.c.article_id, fingerprints.c.signature).where(
            fingerprints.c.article_id.in_(candidates)
        )
        best: tuple[str, float] | None = None
        with self._translate("looking for near-duplicates"), self._engine.connect() as conn:
            for aid, blob in conn.execute(query.order_by(fingerprints.c.article_id)):
                if aid == exclude:
                    continue
                score = similarity(sig, from_blob(blob))
                if score >= threshold and (best is None or score > best[1]):
                    best = (aid, score)
        return best

    def add_source(self, article_id: str, source: str, locator: str, settings_hash: str) -> bool:
        """Record another source of a stored article; False if it was already recorded."""
        s = article_sources.c
        now = dt.datetime.now(dt.UTC)
        with self._translate("recording a duplicate source"), self._write_engine.begin() as conn:
            version = conn.scalar(
                select(articles.c.pipeline_version).where(articles.c.id == article_id)
            )
            if version is None:
                return False
            found = conn.execute(
                select(s.article_id).where(
                    s.article_id == article_id,
                    s.source == source,
                    s.locator == locator,
                    s.settings_hash == settings_hash,
                )
            ).first()
            if found is not None:
                return False
            conn.execute(
                insert(article_sources).values(
                    article_id=article_id,
                    source=source,
                    locator=locator,
                    pipeline_version=version,
                    settings_hash=settings_hash,
                    ingested_at=now,
                )
            )
        return True

    def sources_of(self, article_id: str) -> list[tuple[str, str]]:
        """Every (source, locator) the article was read from, duplicates included."""
        s = article_sources.c
        query = (
            select(s.source, s.locator)
            .where(s.article_id == article_id)
            .distinct()
            .order_by(s.source, s.locator)
        )
        with self._translate("listing sources"), self._engine.connect() as conn:
            return [(a, b) for a, b in conn.execute(query)]


event_clusters = Table(
    "event_clusters",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("event_idx", Integer, nullable=False),
    Column("cluster", String, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx"),
    Index(None, "cluster"),
)


def create_cluster_table(conn: Connection) -> None:
    """Migration 6 (a no-op when the table is already there)."""
    event_clusters.create(conn, checkfirst=True)


class ClusterMethods:
    """Event clusters (``laborlens.clustering``), rebuilt whole by ``laborlens cluster``."""

    _engine: Engine
    _write_engine: Engine

    if TYPE_CHECKING:

        def _translate(self, action: str) -> AbstractContextManager[None]: ...

    def save_clusters(self, clusters: Mapping[tuple[str, int], str]) -> None:
        """Replace every stored cluster id with these, in one transaction."""
        rows = [
            {"article_id": aid, "event_idx": idx, "cluster": cid}
            for (aid, idx), cid in sorted(clusters.items())
        ]
        with self._translate("saving event clusters"), self._write_engine.begin() as conn:
            conn.execute(delete(event_clusters))
            for i in range(0, len(rows), 500):
                conn.execute(insert(event_clusters), rows[i : i + 500])

    def cluster_ids(self) -> dict[tuple[str, int], str]:
        """(article id, event index) -> cluster id, for every clustered event."""
        c = event_clusters.c
        with self._translate("reading event clusters"), self._engine.connect() as conn:
            return {
                (a, i): cid
                for a, i, cid in conn.execute(select(c.article_id, c.event_idx, c.cluster))
            }
