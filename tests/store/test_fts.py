"""FTS5 search in several scripts, with snippets, and safe against hostile query text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from laborlens.errors import StoreError
from laborlens.query import EventQuery
from laborlens.store import fts, open_store
from laborlens.store.sql import SqlStore
from laborlens.store.sqlite import SqliteStore
from tests.store.store_builders import TEXTS, make_article, make_event


@pytest.fixture
def filled(new_db_url: Callable[[], str]) -> Iterator[SqlStore]:
    with open_store(new_db_url()) as store:
        store.save_articles(
            [
                make_article("s-tr", "tr"),
                make_article(
                    "s-ru",
                    "ru",
                    events=(make_event(summary="Bus drivers in Yekaterinburg stop work."),),
                ),
                make_article("s-ar", "ar"),
                make_article("s-fa", "fa", is_labour=False),
                make_article("s-vi", "vi"),
            ]
        )
        yield store


@pytest.mark.parametrize(
    ("query", "article_id", "marked"),
    [
        ("tekirdag", "s-tr", "[Tekirdağ]"),  # Latin, accents ignored
        ("ÜCRETLERİ", "s-tr", "[ücretleri]"),  # Turkish capitals
        ("nghe an", "s-vi", "[Nghệ] [An]"),  # Vietnamese diacritics
        ("ЗАБАСТОВКУ", "s-ru", "[забастовку]"),  # Cyrillic, case-insensitive (title)
        ("емкие", "s-ru", "[ёмкие]"),  # ё typed as е
        ("Екатеринбурге", "s-ru", "[Екатеринбурге]"),
        ("اضرابا", "s-ar", "[إضرابا]"),  # Arabic, hamza on alef not typed
        ("الأجور", "s-ar", "[الأجور]"),
        ("كارگران", "s-fa", "[کارگران]"),  # Persian word typed with Arabic kaf
        ("عسلويه", "s-fa", "[عسلویه]"),  # and with Arabic yeh
        ("забаст*", "s-ru", "[забастовку]"),  # prefix
        ("Yekaterinburg", "s-ru", "[Yekaterinburg]"),  # event summaries are searched
    ],
)
def test_search_scripts(filled: SqlStore, query: str, article_id: str, marked: str) -> None:
    hits = filled.search(query)
    assert [h.article_id for h in hits] == [article_id]
    (hit,) = hits
    assert marked in hit.snippet
    title = TEXTS[hit.lang or ""][0]
    assert hit.title == title
    assert hit.score > 0


@pytest.mark.parametrize(
    ("query", "article_id"),
    [
        ("забастовка", "s-ru"),  # the text has the accusative забастовку
        ("Профсоюза", "s-ru"),
        ("işçilerin", "s-tr"),
        ("fabrikası", "s-tr"),  # the text has fabrikasında
    ],
)
def test_inflected_forms_match(filled: SqlStore, query: str, article_id: str) -> None:
    assert [h.article_id for h in filled.search(query)] == [article_id]
    rows = filled.query_events(EventQuery(text=query, include_non_labour=True))
    assert {r.article_id for r in rows} <= {article_id}


def test_exact_matches_rank_before_loose_ones(new_db_url: Callable[[], str]) -> None:
    with open_store(new_db_url()) as store:
        store.save_articles(
            [
                replace(
                    make_article("inflected", "ru"),
                    title="Новости",
                    text="Водители объявили забастовку и ждут ответа.",
                ),
                replace(
                    make_article("exact", "ru"),
                    title="Новости",
                    text="Началась забастовка. " + "Водители ждут ответа. " * 20,
                ),
            ]
        )
        hits = store.search("забастовка")
        assert [h.article_id for h in hits] == ["exact", "inflected"]
        assert hits[0].score >= hits[1].score
        assert "[забастовку]" in hits[1].snippet
        assert [h.article_id for h in store.search("забастовка", limit=1)] == ["exact"]


def test_words_are_anded(filled: SqlStore) -> None:
    assert [h.article_id for h in filled.search("işçiler ücretleri")] == ["s-tr"]
    assert filled.search("tekirdag забастовку") == []


def test_operators_are_literal(filled: SqlStore) -> None:
    # as FTS5 syntax this would be "tekirdag OR забастовку" and match two articles
    assert filled.search("tekirdag OR забастовку") == []
    assert filled.search("NOT tekirdag") == []
    assert [h.article_id for h in filled.search('"Tekirdağ')] == ["s-tr"]


def test_limit_and_ranking(new_db_url: Callable[[], str]) -> None:
    with open_store(new_db_url()) as store:
        in_title = make_article("title-hit", "ru")
        in_body = make_article(
            "body-hit",
            "tr",
            events=(make_event(summary="a bus drivers' strike"),),
        )
        store.save_articles([in_body, in_title])
        hits = store.search("забастовку")
        assert [h.article_id for h in hits] == ["title-hit"]
        both = store.search("bus")
        assert {h.article_id for h in both} == {"body-hit"}
        assert store.search("bus", limit=0) == []
        many = [make_article(f"n{i}", "vi") for i in range(30)]
        store.save_articles(many)
        assert len(store.search("nghe")) == 20
        assert len(store.search("nghe", limit=5)) == 5
        scores = [h.score for h in store.search("nghe an")]
        assert scores == sorted(scores, reverse=True)


def test_title_weighs_more_than_body(new_db_url: Callable[[], str]) -> None:
    with open_store(new_db_url()) as store:
        base = make_article("w", "tr")
        title_only = make_article("w-title", "tr")
        store.save_articles(
            [
                replace(base, id="w-body", title="Haber", text=base.text + " grevde grev"),
                replace(title_only, title="Grev haberi", text="Bugün dokuma işçileri toplandı."),
            ]
        )
        hits = store.search("grev")
        assert hits[0].article_id == "w-title"


HOSTILE = [
    '"',
    "'",
    '"unterminated',
    "NEAR(",
    "NEAR(a b",
    "NEAR(tekirdag ücretleri, 5)",
    "*",
    "**",
    "a OR",
    "AND",
    "NOT",
    "-",
    "^tekirdag",
    "title:tekirdag",
    "{title body}: tekirdag",
    "(",
    ")",
    ";DROP TABLE articles;--",
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    'x" OR "y',
    "\x00",
    "tekirdag\x00",
    "\\",
    "%",
    "_",
    "rowid:1",
    "search_fts",
    "",
    "   ",
    "a" * 5000,
    " ".join(["tekirdag"] * 500),
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_search_text(filled: SqlStore, text: str) -> None:
    before = filled.counts()
    hits = filled.search(text)
    assert isinstance(hits, list)
    rows = filled.query_events(EventQuery(text=text, include_non_labour=True))
    assert isinstance(rows, list)
    assert filled.counts() == before
    assert filled.get_article("s-tr") is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tekirdag", '"tekirdag"'),
        ('say "hi"', '"say" """hi"""'),
        ("NEAR(a b", '"near(a" "b"'),
        ("strik*", '"strik"*'),
        ("* ; --", None),
        ("", None),
        ("ЗАБАСТОВКА", '"забастовка"'),
    ],
)
def test_match_expression(text: str, expected: str | None) -> None:
    assert fts.match_expression(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("забастовка", '"забастов"*'),
        ("sendikaları", '"sendikala"*'),
        ("strike", '"strik"*'),
        ("wages", '"wages"'),  # short words stay whole
        ("grev*", '"grev"*'),
        ("near(a", '"near(a"'),  # words with punctuation stay literal
    ],
)
def test_loose_match_expression(text: str, expected: str) -> None:
    assert fts.match_expression(text, loose=True) == expected


def test_snippet_window() -> None:
    text = "word " * 100 + "target here " + "tail " * 100
    start = text.index("target")
    snippet = fts.make_snippet(text, [(start, start + 6)])
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "[target] here" in snippet
    assert len(snippet) < 260
    assert fts.make_snippet("short text", []) == "short text"


def test_fold_for_search_keeps_length() -> None:
    for lang, (title, text) in TEXTS.items():
        assert len(fts.fold_for_search(title + text)) == len(title + text), lang
    assert fts.fold_for_search("a\x00b") == "a b"


def test_search_row_collision_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SqliteStore(tmp_path / "collide.db") as store:
        store.save_articles([make_article("first", "tr")])
        monkeypatch.setattr(fts, "search_rowid", lambda article_id: 7)
        store.save_articles([make_article("second", "ru")])
        with pytest.raises(StoreError, match="same search row"):
            store.save_articles([make_article("third", "ar")])
        with pytest.raises(StoreError, match="same search row"):
            store.save_articles([make_article("x", "vi"), make_article("y", "vi")])
        assert store.counts()["articles"] == 2
