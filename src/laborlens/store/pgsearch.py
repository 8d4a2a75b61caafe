"""PostgreSQL full-text search: one ``tsvector`` per article in ``article_search``, GIN-indexed.

Each document holds two sets of lexemes for its title (weight A), English event summaries
(B) and text (D):

- stems, from the text search configuration of the article's language (``turkish``,
  ``russian``, ``arabic``, ...; ``simple`` where PostgreSQL has none), so inflected forms
  match, and
- plain words (``simple``) with diacritics removed, so ``tekirdag`` finds ``Tekirdağ`` and
  ``nghe an`` finds ``Nghệ An`` whatever the language.

Text is folded first (``fold_for_matching``: case, Arabic/Persian yeh and kaf, ё/е), like the
SQLite index. As there, a search runs an *exact* query first (every word as typed, as a plain
word; ``word*`` as a prefix), then a *loose* one that adds each word's stem in every language
configuration and a prefix of longer words. User text reaches SQL only as bound parameters and
as quoted ``tsquery`` lexemes. Snippets mark the words of the original text whose plain form
matches a query word, exactly or, for loose hits, by prefix.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Float,
    MetaData,
    String,
    Table,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSQUERY, TSVECTOR

from laborlens.query import SearchHit
from laborlens.store.fts import (
    _MAX_PHRASES,
    _STEM_CUT,
    _STEM_MIN,
    Document,
    fold_for_search,
    join_summaries,
    make_snippet,
)
from laborlens.store.schema import articles, events

SIMPLE = "simple"
SUMMARY_CONFIG = "english"
"""Event summaries are written in English."""

_TABLE = "article_search"
_RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D (text), C, B (summaries), A (title)
_WORD = re.compile(r"\w+")

article_search = Table(
    _TABLE,
    MetaData(),
    Column("article_id", String, primary_key=True),
    Column("config", String, nullable=False),
    Column("document", TSVECTOR, nullable=False),
)
"""Backend-specific, so outside ``schema.metadata``: migration 2 creates it (``CREATE_SQL``)."""

CREATE_SQL: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE {_TABLE} ("
    " article_id VARCHAR PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,"
    " config VARCHAR NOT NULL,"
    " document TSVECTOR NOT NULL)",
    f"CREATE INDEX ix_{_TABLE}_document ON {_TABLE} USING gin (document)",
    # Trigram index: the --org filter is a substring match (LIKE '%name%') on folded names.
    "CREATE INDEX ix_organisations_search_names_trgm ON organisations "
    "USING gin (search_names gin_trgm_ops)",
)

_UPSERT = text(
    f"INSERT INTO {_TABLE} (article_id, config, document) VALUES (:aid, :config_name, "
    "setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A')"
    " || setweight(to_tsvector('simple', :title_plain), 'A')"
    " || setweight(to_tsvector(CAST(:summary_config AS regconfig), :summaries), 'B')"
    " || setweight(to_tsvector('simple', :summaries_plain), 'B')"
    " || setweight(to_tsvector(CAST(:config AS regconfig), :body), 'D')"
    " || setweight(to_tsvector('simple', :body_plain), 'D')) "
    "ON CONFLICT (article_id) DO UPDATE "
    "SET config = excluded.config, document = excluded.document"
)


def plain(text_: str) -> str:
    """Folded text without combining marks (accents, harakat, hamza above or below)."""
    decomposed = unicodedata.normalize("NFD", fold_for_search(text_))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def server_configs(conn: Connection) -> frozenset[str]:
    """The text search configurations the server has (``english``, ``turkish``, ...)."""
    return frozenset(conn.scalars(text("SELECT cfgname FROM pg_catalog.pg_ts_config")))


@functools.lru_cache(maxsize=512)
def _language_name(lang: str) -> str | None:
    try:
        name = Locale.parse(lang.replace("-", "_")).get_language_name("en")
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    return name.lower() if name else None


def config_for(lang: str | None, available: Iterable[str]) -> str:
    """PostgreSQL names its configurations after the language in English (``tr`` ->
    ``turkish``); a language without one is indexed as plain words (``simple``)."""
    name = _language_name(lang) if lang else None
    return name if name is not None and name in set(available) else SIMPLE


def index_documents(
    conn: Connection, documents: Sequence[tuple[Document, str | None]], available: frozenset[str]
) -> None:
    """Insert or replace the search rows of these (document, language) pairs."""
    if not documents:
        return
    conn.execute(
        _UPSERT,
        [
            {
                "aid": aid,
                "config": (config := config_for(lang, available)),
                "config_name": config,
                "summary_config": SUMMARY_CONFIG if SUMMARY_CONFIG in available else SIMPLE,
                "title": fold_for_search(title or ""),
                "title_plain": plain(title or ""),
                "summaries": fold_for_search(summaries),
                "summaries_plain": plain(summaries),
                "body": fold_for_search(body),
                "body_plain": plain(body),
            }
            for (aid, title, body, summaries), lang in documents
        ],
    )


def _documents(conn: Connection, ids: Sequence[str]) -> list[tuple[Document, str | None]]:
    summaries: dict[str, list[str]] = {}
    for aid, summary in conn.execute(
        select(events.c.article_id, events.c.summary_en)
        .where(events.c.article_id.in_(ids))
        .order_by(events.c.article_id, events.c.idx)
    ):
        summaries.setdefault(aid, []).append(summary)
    return [
        ((aid, title, body, join_summaries(summaries.get(aid, ()))), lang)
        for aid, title, body, lang in conn.execute(
            select(articles.c.id, articles.c.title, articles.c.text, articles.c.lang).where(
                articles.c.id.in_(ids)
            )
        )
    ]


def rebuild_index(conn: Connection, chunk: int = 500) -> int:
    """Index every stored article (when the search table is created or after a copy)."""
    available = server_configs(conn)
    ids = list(conn.scalars(select(articles.c.id).order_by(articles.c.id)))
    for i in range(0, len(ids), chunk):
        index_documents(conn, _documents(conn, ids[i : i + chunk]), available)
    return len(ids)


@dataclass(frozen=True, slots=True)
class _Word:
    plain: str
    prefix: bool
    folded: str


def _words(text_: str) -> list[_Word]:
    found: list[_Word] = []
    for chunk in fold_for_search(unicodedata.normalize("NFC", text_)).split():
        word = chunk.rstrip("*")
        if not any(ch.isalnum() for ch in word):
            continue
        found.append(_Word(plain(word), word != chunk, word))
    return found[:_MAX_PHRASES]


def _lexemes(word: str, prefix: bool) -> str | None:
    """A tsquery over the word parts of ``word``, each a quoted lexeme, ANDed."""
    parts = _WORD.findall(word)
    if not parts:
        return None
    quoted = ["'" + p.replace("\\", "\\\\").replace("'", "''") + "'" for p in parts]
    if prefix:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def _loose_cut(word: _Word) -> str | None:
    """The prefix a loose match uses for a longer word (as the SQLite index does)."""
    if word.prefix or not word.plain.isalnum() or len(word.plain) <= _STEM_MIN:
        return None
    return word.plain[: max(_STEM_MIN, len(word.plain) - _STEM_CUT)]


def tsquery(text_: str, configs: Sequence[str], loose: bool = False) -> ColumnElement[Any] | None:
    """The words of ``text_`` ANDed; each is its plain form, or with ``loose`` also its
    stem in every configuration and a shortened prefix. None when there are no words."""
    words = _words(text_)
    if not words:
        return None
    query: ColumnElement[Any] | None = None
    for word in words:
        lexemes = _lexemes(word.plain, word.prefix)
        if lexemes is None:
            continue
        alternatives: list[ColumnElement[Any]] = [
            func.to_tsquery(cast(literal(SIMPLE), REGCONFIG), literal(lexemes))
        ]
        if loose:
            cut = _loose_cut(word)
            if cut is not None:
                alternatives.append(
                    func.to_tsquery(cast(literal(SIMPLE), REGCONFIG), literal(f"'{cut}':*"))
                )
            alternatives.extend(
                func.plainto_tsquery(cast(literal(config), REGCONFIG), literal(word.folded))
                for config in configs
            )
        term = alternatives[0]
        for alternative in alternatives[1:]:
            term = term.op("||")(alternative)
        query = term if query is None else query.op("&&")(term)
    return None if query is None else cast(query, TSQUERY)


def matching_article_ids(query: ColumnElement[Any]) -> Any:
    return select(article_search.c.article_id).where(article_search.c.document.op("@@")(query))


def _ranked(conn: Connection, query: ColumnElement[Any], limit: int) -> list[tuple[str, float]]:
    rank = func.ts_rank(
        literal_column(f"'{_RANK_WEIGHTS}'::float4[]"), article_search.c.document, query
    ).cast(Float)
    rows = conn.execute(
        select(article_search.c.article_id, rank.label("rank"))
        .where(article_search.c.document.op("@@")(query))
        .order_by(rank.desc(), article_search.c.article_id)
        .limit(limit)
    )
    return [(aid, float(score)) for aid, score in rows]


def _marked_ranges(original: str, words: Sequence[_Word], loose: bool) -> list[tuple[int, int]]:
    """Spans of ``original`` whose words match a query word (see the module docstring)."""
    exact = {w.plain for w in words if not w.prefix}
    prefixes = tuple(
        p
        for w in words
        for p in (w.plain if w.prefix else None, _loose_cut(w) if loose else None)
        if p
    )
    ranges: list[tuple[int, int]] = []
    for match in _WORD.finditer(original):
        key = plain(match.group())
        if key in exact or (prefixes and key.startswith(prefixes)):
            ranges.append(match.span())
    return ranges


def search(conn: Connection, text_: str, limit: int, configs: Sequence[str]) -> list[SearchHit]:
    """Exact matches first, then loose ones, each group by rank (titles weigh most)."""
    exact = tsquery(text_, configs)
    if exact is None or limit <= 0:
        return []
    hits = [(aid, score, False) for aid, score in _ranked(conn, exact, limit)]
    loose = tsquery(text_, configs, loose=True)
    if loose is not None and len(hits) < limit:
        seen = {aid for aid, _, _ in hits}
        extra = [
            (aid, score, True)
            for aid, score in _ranked(conn, loose, limit + len(hits))
            if aid not in seen
        ]
        hits += extra[: limit - len(hits)]
    if not hits:
        return []
    ids = [aid for aid, _, _ in hits]
    originals = {doc[0]: (doc, lang) for doc, lang in _documents(conn, ids)}
    words = _words(text_)
    result: list[SearchHit] = []
    for aid, rank, is_loose in hits:
        found = originals.get(aid)
        if found is None:
            continue
        (_, title, body, summaries), lang = found
        snippet = make_snippet(body, [])
        for original in (body, summaries, title or ""):
            ranges = _marked_ranges(original, words, is_loose)
            if ranges:
                snippet = make_snippet(original, ranges)
                break
        score = rank
        if result:  # a loose hit never outranks the exact ones before it
            score = min(score, result[-1].score)
        result.append(
            SearchHit(article_id=aid, title=title, lang=lang, snippet=snippet, score=score)
        )
    return result
