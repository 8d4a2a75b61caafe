"""Search across languages: full-text, semantic (vectors), or both fused by rank.

    fts       the store's full-text index (words must match, in the query's language)
    semantic  the query embedded with the article embedder, exact kNN over stored vectors
    hybrid    reciprocal rank fusion of the two lists: score = sum of 1 / (RRF_K + rank)

RRF needs no calibration between BM25 scores and cosines, which live on unrelated scales;
an article found by both lists rises above one found by either. Filters (language,
country, type, dates, organisation, issue) are applied to both lists before fusion.
Like ``ingest``, this module joins the store and the pipeline's embedder.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from laborlens.config import Settings
from laborlens.errors import EvalError, LaborlensError
from laborlens.pipeline.backends.embedding import Embedder
from laborlens.query import EventQuery, SearchHit
from laborlens.records import Embedding
from laborlens.store.base import Store

log = logging.getLogger(__name__)

Mode = Literal["fts", "semantic", "hybrid"]
MODES: tuple[Mode, ...] = ("fts", "semantic", "hybrid")

RRF_K = 60
"""The usual constant of reciprocal rank fusion (Cormack et al. 2009); larger flattens ranks."""

CANDIDATES = 100
"""How deep each list is read before filtering and fusion."""

_SNIPPET_CHARS = 200


class SearchError(LaborlensError):
    """Semantic search was asked for but cannot run (no embedder, or no vectors)."""


def fuse(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> list[tuple[str, float]]:
    """Reciprocal rank fusion of ranked id lists; ties keep first-seen order."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def _has_filters(query: EventQuery) -> bool:
    return bool(
        query.countries
        or query.types
        or query.langs
        or query.issues
        or query.since
        or query.until
        or (query.organisation and query.organisation.strip())
    )


def _warn_if_other_models_dominate(store: Store, model: str) -> None:
    """Vectors of different models are never compared, so after a change of embedder the
    articles embedded before it are invisible to semantic search until re-embedded."""
    counts = store.vector_models()
    own = counts.get(model, 0)
    other, most = max(
        ((name, count) for name, count in counts.items() if name != model),
        key=lambda pair: pair[1],
        default=("", 0),
    )
    if most > own:
        log.warning(
            "%d articles have vectors from %s but only %d from %s, the configured embedder; "
            "semantic search sees only the latter: run `laborlens embed` (--prune drops the "
            "old vectors)",
            most,
            other,
            own,
            model,
        )


def semantic_ranking(
    store: Store,
    embedder: Embedder,
    text: str,
    allowed: set[str] | None,
    limit: int,
) -> list[tuple[str, float]]:
    """Article ids nearest the query text, with their cosine; only ``allowed`` ones if given."""
    _warn_if_other_models_dominate(store, embedder.name)
    index = store.vector_index(embedder.name, sorted(allowed) if allowed is not None else None)
    if not len(index):
        return []
    (vector,) = embedder.embed([text], query=True)
    return index.search(vector, limit)


def search(
    store: Store,
    text: str,
    *,
    mode: Mode = "hybrid",
    embedder: Embedder | None = None,
    filters: EventQuery | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Hits best first; ``score`` is BM25-derived (fts), cosine (semantic) or RRF (hybrid)."""
    filters = filters or EventQuery()
    allowed = (
        set(store.article_ids(replace(filters, include_non_labour=True, limit=None, offset=0)))
        if _has_filters(filters)
        else None
    )
    lists: list[list[str]] = []
    fts_hits: dict[str, SearchHit] = {}
    cosines: dict[str, float] = {}
    if mode in ("fts", "hybrid"):
        for hit in store.search(text, limit=max(CANDIDATES, limit)):
            if allowed is None or hit.article_id in allowed:
                fts_hits[hit.article_id] = hit
        lists.append(list(fts_hits))
    if mode in ("semantic", "hybrid"):
        if embedder is None:
            if mode == "semantic":
                raise SearchError("semantic search needs an embedder (-s embedder e5-onnx)")
            log.warning("no embedder configured: hybrid search falls back to full-text only")
        else:
            ranked = semantic_ranking(store, embedder, text, allowed, max(CANDIDATES, limit))
            if not ranked and mode == "semantic":
                raise SearchError(
                    f"no stored vectors from {embedder.name}; run `laborlens embed` first"
                )
            cosines = dict(ranked)
            lists.append([aid for aid, _ in ranked])
    if mode == "fts":
        return list(fts_hits.values())[:limit]
    order = list(cosines.items()) if mode == "semantic" else fuse(lists)
    hits: list[SearchHit] = []
    for aid, score in order[:limit]:
        found = fts_hits.get(aid) or _hit_from_article(store, aid)
        if found is not None:
            hits.append(replace(found, score=score))
    return hits


def _hit_from_article(store: Store, article_id: str) -> SearchHit | None:
    """A hit for an article only the semantic list found: its lead is the snippet."""
    article = store.get_article(article_id)
    if article is None:
        return None
    body = " ".join(article.text.split())
    title = " ".join((article.title or "").split())
    if title and body.startswith(title):
        body = body[len(title) :].lstrip()
    snippet = body[:_SNIPPET_CHARS] + ("…" if len(body) > _SNIPPET_CHARS else "")
    return SearchHit(article.id, article.title, article.lang, snippet, 0.0)


# --- evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RetrievalQuery:
    """A query with the documents (by path stem under the corpus, e.g. ``en/en-001``) that
    answer it."""

    id: str
    lang: str
    text: str
    relevant: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RetrievalScore:
    mode: str
    queries: int
    recall_at_k: float
    mrr: float
    k: int
    by_lang: dict[str, tuple[float, float]]


def load_queries(path: Path) -> list[RetrievalQuery]:
    """One JSON object a line: ``id``, ``lang``, ``query``, ``relevant`` (list of stems)."""
    queries: list[RetrievalQuery] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            queries.append(
                RetrievalQuery(
                    str(data["id"]),
                    str(data["lang"]),
                    str(data["query"]),
                    tuple(str(r) for r in data["relevant"]),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise EvalError(f"{path}:{number}: not a retrieval query ({exc!r})") from exc
    return queries


def document_key(source: str) -> str:
    """``.../dev/en/en-001.txt`` -> ``en/en-001``: the last directory and the file stem."""
    path = Path(source)
    return f"{path.parent.name}/{path.stem}"


def evaluate(
    store: Store,
    queries: Sequence[RetrievalQuery],
    id_to_key: dict[str, str],
    *,
    embedder: Embedder | None,
    modes: Sequence[Mode] = MODES,
    k: int = 10,
) -> list[RetrievalScore]:
    """Recall@k (share of the relevant documents in the top k, averaged over queries) and
    MRR (1 / rank of the first relevant hit) per mode, overall and per query language.
    Relevant documents missing from the store are left out of the recall denominator."""
    known = set(id_to_key.values())
    results: list[RetrievalScore] = []
    for mode in modes:
        per_lang: dict[str, list[tuple[float, float]]] = {}
        for q in queries:
            relevant = {r for r in q.relevant if r in known}
            if not relevant:
                continue
            hits = search(store, q.text, mode=mode, embedder=embedder, limit=k)
            keys = [id_to_key.get(h.article_id, "") for h in hits]
            recall = len(relevant & set(keys)) / len(relevant)
            rr = next((1.0 / i for i, key in enumerate(keys, start=1) if key in relevant), 0.0)
            per_lang.setdefault(q.lang, []).append((recall, rr))
        pairs = [pair for values in per_lang.values() for pair in values]
        n = len(pairs) or 1
        results.append(
            RetrievalScore(
                mode=mode,
                queries=len(pairs),
                recall_at_k=sum(r for r, _ in pairs) / n,
                mrr=sum(m for _, m in pairs) / n,
                k=k,
                by_lang={
                    lang: (
                        sum(r for r, _ in values) / len(values),
                        sum(m for _, m in values) / len(values),
                    )
                    for lang, values in sorted(per_lang.items())
                },
            )
        )
    return results


def embed_stored(
    store: Store,
    embedder: Embedder,
    settings: Settings,
    *,
    batch_size: int = 32,
    prune: bool = False,
) -> tuple[int, int]:
    """Give every stored article without a vector from this embedder one (batched, each
    batch saved in one transaction, so an interrupted run resumes); ``prune`` deletes the
    vectors of other models. Returns (embedded, pruned)."""
    from laborlens.pipeline.embed import article_embed_text  # noqa: PLC0415

    missing = store.missing_vectors(embedder.name)
    done = 0
    for i in range(0, len(missing), batch_size):
        chunk = [store.get_article(aid) for aid in missing[i : i + batch_size]]
        pairs = [(a, article_embed_text(a, settings)) for a in chunk if a is not None]
        pairs = [(a, text) for a, text in pairs if text]
        if not pairs:
            continue
        matrix = embedder.embed([text for _, text in pairs])
        store.save_vectors(
            [
                (a.id, Embedding(embedder.name, tuple(float(x) for x in row)))
                for (a, _), row in zip(pairs, matrix, strict=True)
            ]
        )
        done += len(pairs)
    pruned = store.drop_vectors(embedder.name) if prune else 0
    return done, pruned
