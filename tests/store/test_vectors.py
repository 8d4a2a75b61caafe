"""Article vectors in the store: written with their article, read back, rebuilt per model,
and searched with the in-process index."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from laborlens.records import Article, Embedding
from laborlens.store.sql import SqlStore
from laborlens.store.sqlite import SqliteStore
from laborlens.store.vectors import VectorIndex, from_blob, to_blob
from tests.store.store_builders import SETTINGS_A, make_article


def _unit(*values: float) -> tuple[float, ...]:
    v = np.asarray(values, dtype=np.float32)
    return tuple(float(x) for x in v / np.linalg.norm(v))


def _with_vector(article: Article, model: str, *values: float) -> Article:
    return replace(article, embedding=Embedding(model, _unit(*values)))


def test_blob_round_trip_is_exact_for_float32() -> None:
    vector = _unit(0.1, -0.7, 0.3)
    assert tuple(float(x) for x in from_blob(to_blob(vector))) == vector


def test_vector_is_stored_with_its_article_and_read_back(store: SqlStore) -> None:
    article = _with_vector(make_article("v1", "tr"), "model-a", 1, 2, 3)
    store.save_articles([article, make_article("v2", "ru")])
    assert store.get_article("v1") == article
    loaded = store.get_article("v2")
    assert loaded is not None
    assert loaded.embedding is None
    assert store.vector_models() == {"model-a": 1}
    assert store.missing_vectors("model-a") == ["v2"]


def test_reprocessed_article_replaces_its_vector(store: SqlStore) -> None:
    store.save_articles([_with_vector(make_article("v1"), "model-a", 1, 0, 0)])
    newer = _with_vector(make_article("v1", settings_hash=SETTINGS_A + "x"), "model-a", 0, 1, 0)
    store.save_articles([newer])
    index = store.vector_index("model-a")
    assert index.ids == ("v1",)
    assert np.allclose(index.matrix[0], [0, 1, 0])


def test_vectors_are_kept_per_model_and_pruned(store: SqlStore) -> None:
    store.save_articles([_with_vector(make_article("v1"), "old", 1, 0), make_article("v2")])
    assert sorted(store.missing_vectors("new")) == ["v1", "v2"]
    store.save_vectors(
        [("v1", Embedding("new", _unit(1, 1, 1))), ("v2", Embedding("new", _unit(1, 0, 0)))]
    )
    store.save_vectors([("v2", Embedding("new", _unit(0, 0, 1)))])  # idempotent replace
    assert store.missing_vectors("new") == []
    assert store.vector_models() == {"old": 1, "new": 2}
    assert store.drop_vectors("new") == 1
    assert store.vector_models() == {"new": 2}
    only = store.vector_index("new", ["v2"])
    assert only.ids == ("v2",)
    assert np.allclose(only.matrix[0], [0, 0, 1])


def test_fresh_database_has_the_vectors_table(db_path: Path) -> None:
    SqliteStore(db_path).close()
    with sqlite3.connect(db_path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(vectors)")]
    conn.close()
    assert columns == ["article_id", "model", "dim", "vector", "written_at"]


def test_index_returns_nearest_first_with_cosines() -> None:
    rows = [np.asarray(_unit(*v), dtype=np.float32) for v in ((1, 0), (0.8, 0.6), (0, 1))]
    index = VectorIndex.build(["a", "b", "c"], rows)
    hits = index.search(np.asarray(_unit(1, 0.1), dtype=np.float32), k=2)
    assert [aid for aid, _ in hits] == ["a", "b"]
    assert hits[0][1] > hits[1][1]
    assert index.search(np.zeros(2, dtype=np.float32), k=0) == []
    with pytest.raises(ValueError, match="dimensions"):
        index.search(np.zeros(3, dtype=np.float32))
    assert [(i, j) for i, j, _ in index.neighbours(0.55)] == [(0, 1), (1, 2)]
    assert len(VectorIndex()) == 0
