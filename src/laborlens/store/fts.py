"""SQLite FTS5 full-text search over article titles, texts and event summaries.

The index holds the *folded* text (``fold_for_matching``: lower case, Arabic/Persian yeh and
kaf, ё/е, ZWNJ as space), and queries are folded the same way, so spelling variants typed on
another keyboard still match; ``unicode61 remove_diacritics 2`` adds accent-insensitivity
(``tekirdag`` finds ``Tekirdağ``). Folding keeps lengths, so match positions found with
``highlight()`` in the folded copy are positions in the original text, which is what the
snippet is cut from.

User text never reaches SQL: every word becomes a quoted FTS5 phrase, bound as a parameter.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
)
from sqlalchemy.sql.expression import ColumnClause

from laborlens.errors import StoreError
from laborlens.query import SearchHit
from laborlens.resources.patterns import fold_for_matching
from laborlens.store.schema import articles, events

FTS_TABLE = "search_fts"

CREATE_SQL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "article_id UNINDEXED, title, body, summaries, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)

search_fts = table(
    FTS_TABLE,
    column("rowid", Integer),
    column("article_id", String),
    column("title", String),
    column("body", String),
    column("summaries", String),
)
_FTS: ColumnClause[Any] = literal_column(FTS_TABLE)

MARK_START = "["
MARK_END = "]"
"""Put around matched words in ``SearchHit.snippet``."""

_BM25_WEIGHTS = (0.0, 3.0, 1.0, 2.0)  # article_id, title, body, summaries
_MAX_PHRASES = 32
_STEM_MIN = 5  # loose matching never cuts a word below this many letters
_STEM_CUT = 2  # letters a loose match drops from the end of a longer word
_SNIPPET_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HL_OPEN = "\x01"
_HL_CLOSE = "\x02"


class _Ranked(NamedTuple):
    article_id: str
    rank: float
    title: str | None
    body: str | None
    summaries: str | None


Document = tuple[str, str | None, str, str]
"""(article id, title, text, event summaries joined by newlines)."""


def fold_for_search(text: str) -> str:
    """Folded, same-length text with control characters blanked (FTS5 stops at NUL)."""
    return _CONTROL.sub(" ", fold_for_matching(text))


def match_expression(text: str, loose: bool = False) -> str | None:
    """An FTS5 query that ANDs the words of ``text`` as literal phrases; None if no words.

    A trailing ``*`` on a word asks for a prefix match; every other character is literal.
    ``loose`` also cuts the last letters off longer words and matches them as prefixes, so
    inflected and suffixed forms match (``забастовка`` finds ``забастовку``, ``sendika``
    finds ``sendikaları``).
    """
    phrases: list[str] = []
    for chunk in fold_for_search(unicodedata.normalize("NFC", text)).split():
        word = chunk.rstrip("*")
        if not any(ch.isalnum() for ch in word):
            continue
        prefix = word != chunk
        if loose and not prefix and word.isalnum() and len(word) > _STEM_MIN:
            word, prefix = word[: max(_STEM_MIN, len(word) - _STEM_CUT)], True
        phrases.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(phrases[:_MAX_PHRASES]) or None


def search_rowid(article_id: str) -> int:
    """A stable 64-bit rowid for an article's search row (article ids are text)."""
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def join_summaries(summaries: Iterable[str]) -> str:
    return "\n".join(summaries)


def index_documents(conn: Connection, documents: Sequence[Document], chunk: int = 500) -> None:
    """Replace the search rows of these articles (ids must be distinct)."""
    for i in range(0, len(documents), chunk):
        part = documents[i : i + chunk]
        owners: dict[int, str] = {}
        for aid, *_ in part:
            owner = owners.setdefault(search_rowid(aid), aid)
            if owner != aid:
                raise _collision(owner, aid)
        taken = conn.execute(
            select(search_fts.c.rowid, search_fts.c.article_id).where(
                search_fts.c.rowid.in_(list(owners))
            )
        )
        for rowid, owner in taken:
            if owner != owners[rowid]:
                raise _collision(owner, owners[rowid])
        conn.execute(delete(search_fts).where(search_fts.c.rowid.in_(list(owners))))
        conn.execute(
            insert(search_fts),
            [
                {
                    "rowid": search_rowid(aid),
                    "article_id": aid,
                    "title": fold_for_search(title or ""),
                    "body": fold_for_search(body),
                    "summaries": fold_for_search(summaries),
                }
                for aid, title, body, summaries in part
            ],
        )


def _collision(first: str, second: str) -> StoreError:
    return StoreError(
        f"search index: articles {first!r} and {second!r} hash to the same search row; "
        "report this as a bug"
    )


def _documents(conn: Connection, article_ids: Sequence[str]) -> list[Document]:
    summaries: dict[str, list[str]] = defaultdict(list)
    for aid, summary in conn.execute(
        select(events.c.article_id, events.c.summary_en)
        .where(events.c.article_id.in_(article_ids))
        .order_by(events.c.article_id, events.c.idx)
    ):
        summaries[aid].append(summary)
    return [
        (aid, title, body, join_summaries(summaries[aid]))
        for aid, title, body in conn.execute(
            select(articles.c.id, articles.c.title, articles.c.text).where(
                articles.c.id.in_(article_ids)
            )
        )
    ]


def rebuild_index(conn: Connection, chunk: int = 500) -> int:
    """Index every stored article (used when the search table is first created)."""
    ids = list(conn.scalars(select(articles.c.id).order_by(articles.c.id)))
    for i in range(0, len(ids), chunk):
        index_documents(conn, _documents(conn, ids[i : i + chunk]))
    return len(ids)


def matching_article_ids(expression: str) -> Select[tuple[str]]:
    """Ids of articles whose title, text or summaries match an FTS5 ``expression``."""
    return select(search_fts.c.article_id).where(_FTS.match(expression))


def _marked_ranges(highlighted: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    pos = 0
    start = 0
    for ch in highlighted:
        if ch == _HL_OPEN:
            start = pos
        elif ch == _HL_CLOSE:
            ranges.append((start, pos))
        else:
            pos += 1
    return ranges


def make_snippet(text: str, ranges: Sequence[tuple[int, int]], width: int = _SNIPPET_CHARS) -> str:
    """A one-line window of ``text`` around the first match, matches marked."""
    first = ranges[0][0] if ranges else 0
    start = max(0, first - width // 3)
    if start > 0:
        space = text.rfind(" ", start - 20, start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", max(start, end - 20), end)
        end = space if space > first else end
    pieces: list[str] = ["…"] if start > 0 else []
    pos = start
    for r_start, r_end in ranges:
        a, b = max(r_start, pos), min(r_end, end)
        if a >= b:
            continue
        pieces += [text[pos:a], MARK_START, text[a:b], MARK_END]
        pos = b
    pieces.append(text[pos:end])
    if end < len(text):
        pieces.append("…")
    return " ".join("".join(pieces).split())


def _ranked(conn: Connection, expression: str, limit: int) -> list[_Ranked]:
    """The best ``limit`` matches by BM25 (ties by search row); only they are read further.

    Ranking touches nothing but the index: the article id and ``highlight()`` come from the
    content rows, which hold the whole text, so reading them for every match made a common
    word's search read thousands of texts for a page of twenty.
    """
    rank = func.bm25(_FTS, *_BM25_WEIGHTS).label("rank")
    best = conn.execute(
        select(search_fts.c.rowid, rank)
        .where(_FTS.match(expression))
        .order_by(rank, search_fts.c.rowid)
        .limit(limit)
    ).all()
    if not best:
        return []
    marked = {
        row.rowid: row
        for row in conn.execute(
            select(
                search_fts.c.rowid,
                search_fts.c.article_id,
                *(
                    func.highlight(_FTS, i, _HL_OPEN, _HL_CLOSE).label(name)
                    for i, name in ((1, "title"), (2, "body"), (3, "summaries"))
                ),
            ).where(_FTS.match(expression), search_fts.c.rowid.in_([r.rowid for r in best]))
        )
    }
    return [
        _Ranked(m.article_id, r.rank, m.title, m.body, m.summaries)
        for r in best
        if (m := marked.get(r.rowid)) is not None
    ]


def search(conn: Connection, text: str, limit: int) -> list[SearchHit]:
    """Exact word matches first, then loose ones (see ``match_expression``), each group by
    BM25 with titles weighing most; every hit with a marked snippet."""
    exact = match_expression(text)
    if exact is None or limit <= 0:
        return []
    hits = _ranked(conn, exact, limit)
    loose = match_expression(text, loose=True)
    if loose is not None and loose != exact and len(hits) < limit:
        seen = {h.article_id for h in hits}
        extra = [h for h in _ranked(conn, loose, limit + len(hits)) if h.article_id not in seen]
        hits += extra[: limit - len(hits)]
    if not hits:
        return []
    ids = [h.article_id for h in hits]
    originals = {doc[0]: doc for doc in _documents(conn, ids)}
    langs = dict(
        conn.execute(select(articles.c.id, articles.c.lang).where(articles.c.id.in_(ids))).all()
    )
    result: list[SearchHit] = []
    for hit in hits:
        doc = originals.get(hit.article_id)
        if doc is None:
            continue
        _, title, body, summaries = doc
        snippet = make_snippet(body, [])
        for original, highlighted in (
            (body, hit.body),
            (summaries, hit.summaries),
            (title or "", hit.title),
        ):
            ranges = _marked_ranges(highlighted or "")
            if ranges:
                snippet = make_snippet(original, ranges)
                break
        score = -float(hit.rank)
        if result:  # a loose hit never outranks the exact ones before it
            score = min(score, result[-1].score)
        result.append(
            SearchHit(
                article_id=hit.article_id,
                title=title,
                lang=langs.get(hit.article_id),
                snippet=snippet,
                score=score,
            )
        )
    return result
