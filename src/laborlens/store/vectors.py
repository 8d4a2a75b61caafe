"""Article vectors: one row per (article, model), and an in-process numpy index over them.

Vectors are float32, little-endian, unit length, stored as a blob with their dimension.
Rows are keyed by the embedding model's name, so switching embedders never mixes vectors
that are not comparable; ``laborlens embed`` fills the rows a model lacks and drops the
others. Exact kNN over a numpy matrix takes about 1.4 ms per query over 20,000 vectors
(research notes, section 8), which is why there is no approximate index here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
)

from laborlens.query import EventQuery
from laborlens.records import Embedding
from laborlens.store.schema import articles, events, metadata

Matrix = npt.NDArray[np.float32]

vectors = Table(
    "vectors",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("model", String, nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),
    Column("written_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("article_id", "model"),
    Index(None, "model"),
)

_CHUNK = 200


def create_table(conn: Connection) -> None:
    """Migration 3 (a no-op when the table is already there)."""
    vectors.create(conn, checkfirst=True)


def to_blob(vector: Sequence[float] | npt.NDArray[np.floating]) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_blob(blob: bytes) -> Matrix:
    return np.frombuffer(blob, dtype="<f4").astype(np.float32)


def write(conn: Connection, items: Sequence[tuple[str, Embedding]]) -> None:
    """Insert or replace the vectors of these (article id, embedding) pairs."""
    now = dt.datetime.now(dt.UTC)
    for i in range(0, len(items), _CHUNK):
        part = items[i : i + _CHUNK]
        by_model: dict[str, list[str]] = {}
        for aid, emb in part:
            by_model.setdefault(emb.model, []).append(aid)
        for model, ids in by_model.items():
            conn.execute(
                delete(vectors).where(and_(vectors.c.model == model, vectors.c.article_id.in_(ids)))
            )
        rows = {
            (aid, emb.model): {
                "article_id": aid,
                "model": emb.model,
                "dim": len(emb.vector),
                "vector": to_blob(emb.vector),
                "written_at": now,
            }
            for aid, emb in part
        }
        conn.execute(insert(vectors), list(rows.values()))


def latest(conn: Connection, ids: Sequence[str]) -> dict[str, Embedding]:
    """The most recently written vector of each article (for loading an Article back)."""
    found: dict[str, tuple[dt.datetime, Embedding]] = {}
    query = select(vectors).where(vectors.c.article_id.in_(ids))
    for row in conn.execute(query).mappings():
        emb = Embedding(row["model"], tuple(float(x) for x in from_blob(row["vector"])))
        when = row["written_at"]
        previous = found.get(row["article_id"])
        if previous is None or (when, emb.model) > (previous[0], previous[1].model):
            found[row["article_id"]] = (when, emb)
    return {aid: emb for aid, (_, emb) in found.items()}


def load(conn: Connection, model: str, ids: Iterable[str] | None = None) -> VectorIndex:
    """Every vector of ``model`` (only of ``ids`` when given) as an index."""
    query = select(vectors.c.article_id, vectors.c.vector).where(vectors.c.model == model)
    wanted = None if ids is None else set(ids)
    keys: list[str] = []
    rows: list[Matrix] = []
    for aid, blob in conn.execute(query.order_by(vectors.c.article_id)):
        if wanted is None or aid in wanted:
            keys.append(aid)
            rows.append(from_blob(blob))
    return VectorIndex.build(keys, rows)


def models(conn: Connection) -> dict[str, int]:
    """Model name -> number of stored vectors."""
    query = select(vectors.c.model, func.count()).group_by(vectors.c.model)
    return {model: int(count) for model, count in conn.execute(query)}


@dataclass(frozen=True)
class VectorIndex:
    """Exact cosine kNN over unit vectors held in one float32 matrix."""

    ids: tuple[str, ...] = ()
    matrix: Matrix = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    @classmethod
    def build(cls, ids: Sequence[str], rows: Sequence[Matrix]) -> VectorIndex:
        if not rows:
            return cls()
        return cls(tuple(ids), np.vstack(rows).astype(np.float32))

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, query: Matrix, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` nearest ids by cosine, best first, with their cosine."""
        if not self.ids or k <= 0:
            return []
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.matrix.shape[1]:
            raise ValueError(f"query has {q.shape[0]} dimensions, the index {self.matrix.shape[1]}")
        scores = self.matrix @ q
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((top, -scores[top]))]
        return [(self.ids[i], float(scores[i])) for i in top]

    def neighbours(self, threshold: float) -> list[tuple[int, int, float]]:
        """Every pair ``(i, j)``, ``i < j``, whose cosine is at least ``threshold``."""
        if len(self.ids) < 2:
            return []
        sims = self.matrix @ self.matrix.T
        i, j = np.nonzero(np.triu(sims >= threshold, k=1))
        return [(int(a), int(b), float(sims[a, b])) for a, b in zip(i, j, strict=True)]


class VectorMethods:
    """The vector half of ``SqlStore`` (mixed in, so backends share it)."""

    _engine: Engine
    _write_engine: Engine

    if TYPE_CHECKING:

        def _translate(self, action: str) -> AbstractContextManager[None]: ...

        def _check_paging(self, query: EventQuery) -> None: ...

        def _article_conditions(self, query: EventQuery) -> list[ColumnElement[bool]]: ...

        def _event_conditions(self, query: EventQuery) -> list[ColumnElement[bool]]: ...

    def article_ids(self, query: EventQuery) -> list[str]:
        """Ids of the articles ``iter_articles`` would yield, without loading them."""
        self._check_paging(query)
        conds = self._article_conditions(query)
        event_conds = self._event_conditions(query)
        if event_conds:
            conds.append(exists().where(events.c.article_id == articles.c.id, *event_conds))
        stmt = select(articles.c.id).where(*conds).order_by(articles.c.id)
        stmt = stmt.limit(query.limit).offset(query.offset or None)
        with self._translate("listing articles"), self._engine.connect() as conn:
            return list(conn.scalars(stmt))

    def vector_index(self, model: str, ids: Sequence[str] | None = None) -> VectorIndex:
        """The stored vectors of ``model`` (only of ``ids`` when given), ready for kNN."""
        with self._translate("loading vectors"), self._engine.connect() as conn:
            return load(conn, model, ids)

    def vector_models(self) -> dict[str, int]:
        """Embedding model -> number of articles with a vector from it."""
        with self._translate("counting vectors"), self._engine.connect() as conn:
            return models(conn)

    def missing_vectors(self, model: str) -> list[str]:
        """Ids of stored articles that have no vector from ``model``."""
        have = select(vectors.c.article_id).where(vectors.c.model == model)
        stmt = select(articles.c.id).where(articles.c.id.not_in(have)).order_by(articles.c.id)
        with self._translate("listing articles without vectors"), self._engine.connect() as conn:
            return list(conn.scalars(stmt))

    def save_vectors(self, items: Sequence[tuple[str, Embedding]]) -> None:
        """Insert or replace vectors of stored articles, in one transaction."""
        if not items:
            return
        with self._translate(f"saving {len(items)} vectors"), self._write_engine.begin() as conn:
            write(conn, items)

    def drop_vectors(self, keep_model: str) -> int:
        """Delete every vector not made by ``keep_model``; returns how many went."""
        with self._translate("dropping vectors"), self._write_engine.begin() as conn:
            return conn.execute(delete(vectors).where(vectors.c.model != keep_model)).rowcount or 0
