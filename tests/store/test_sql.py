"""Every EventQuery filter, through query_events and iter_articles, on a SQLite file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from laborlens.errors import StoreError
from laborlens.query import EventQuery
from laborlens.records import Article, OrganisationMention
from laborlens.store import open_store
from laborlens.store.sql import SqlStore
from tests.store.store_builders import make_article, make_event

D = dt.date


def corpus() -> list[Article]:
    tr = make_article(
        "q-tr",
        "tr",
        published=D(2024, 5, 2),
        events=(
            make_event(
                "strike",
                date=D(2024, 5, 1),
                countries=("TR",),
                issues=("wage_arrears",),
                orgs=(("DİSK/Tekstil Sendikası", ("DİSK Tekstil",)),),
            ),
            make_event("meeting"),
        ),
    )
    ru = make_article(
        "q-ru",
        "ru",
        published=D(2024, 3, 20),
        events=(
            make_event(
                "strike",
                date=D(2024, 3, 1),
                precision="month",
                countries=("RU",),
                issues=("wages",),
                orgs=(("Профсоюз «Дорожный труд»", ("ДТ",)),),
                summary="Bus drivers in Yekaterinburg stop work over unpaid wages.",
            ),
            make_event("demand", date=D(2023, 1, 1), precision="year", countries=("RU", "KZ")),
        ),
    )
    ar = make_article(
        "q-ar",
        "ar",
        published=D(2024, 4, 21),
        events=(
            make_event(
                "strike",
                date=D(2024, 4, 20),
                countries=("EG",),
                issues=("wages", "collective_bargaining"),
                orgs=(("النقابة العامة لعمال الموانئ", ()),),
            ),
        ),
    )
    fa = make_article(
        "q-fa",
        "fa",
        is_labour=False,
        published=D(2024, 5, 11),
        events=(make_event("protest", date=D(2024, 5, 10), countries=("IR",)),),
    )
    vi = make_article("q-vi", "vi", published=None)
    return [tr, ru, ar, fa, vi]


@pytest.fixture
def filled(new_db_url: Callable[[], str]) -> Iterator[SqlStore]:
    with open_store(new_db_url()) as store:
        store.save_articles(corpus())
        yield store


def keys(store: SqlStore, **filters: object) -> list[tuple[str, int]]:
    rows = store.query_events(EventQuery(**filters))  # type: ignore[arg-type]
    return [(r.article_id, r.event_index) for r in rows]


ALL_LABOUR = [("q-tr", 0), ("q-ar", 0), ("q-ru", 0), ("q-ru", 1), ("q-tr", 1)]


def test_default_is_labour_events_newest_first(filled: SqlStore) -> None:
    assert keys(filled) == ALL_LABOUR


def test_include_non_labour(filled: SqlStore) -> None:
    assert keys(filled, include_non_labour=True) == [("q-fa", 0), *ALL_LABOUR]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"countries": ("ru",)}, [("q-ru", 0), ("q-ru", 1)]),
        ({"countries": ("KZ", "EG")}, [("q-ar", 0), ("q-ru", 1)]),
        ({"countries": ("IR",)}, []),
        ({"countries": ("IR",), "include_non_labour": True}, [("q-fa", 0)]),
        ({"types": ("strike",)}, [("q-tr", 0), ("q-ar", 0), ("q-ru", 0)]),
        ({"types": ("meeting", "demand")}, [("q-ru", 1), ("q-tr", 1)]),
        ({"langs": ("ar", "tr")}, [("q-tr", 0), ("q-ar", 0), ("q-tr", 1)]),
        ({"issues": ("wages",)}, [("q-ar", 0), ("q-ru", 0)]),
        ({"issues": ("wage_arrears", "collective_bargaining")}, [("q-tr", 0), ("q-ar", 0)]),
        # a month-precision date (March 2024) overlaps a range starting mid-March
        ({"since": D(2024, 3, 15)}, [("q-tr", 0), ("q-ar", 0), ("q-ru", 0)]),
        ({"until": D(2024, 3, 10)}, [("q-ru", 0), ("q-ru", 1)]),
        ({"since": D(2023, 6, 1), "until": D(2023, 6, 1)}, [("q-ru", 1)]),
        ({"since": D(2024, 4, 21), "until": D(2024, 4, 30)}, []),
        ({"countries": ("RU",), "types": ("strike",)}, [("q-ru", 0)]),
        ({"text": "забастовку"}, [("q-ru", 0), ("q-ru", 1)]),
        ({"text": "Yekaterinburg"}, [("q-ru", 0), ("q-ru", 1)]),
        ({"text": "tekirdag", "types": ("meeting",)}, [("q-tr", 1)]),
        ({"text": "   "}, ALL_LABOUR),
        ({"text": "***"}, []),
        ({"limit": 2}, ALL_LABOUR[:2]),
        ({"limit": 2, "offset": 1}, ALL_LABOUR[1:3]),
        ({"offset": 3}, ALL_LABOUR[3:]),
        ({"limit": 0}, []),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else "",
)
def test_filter(
    filled: SqlStore, filters: dict[str, object], expected: list[tuple[str, int]]
) -> None:
    assert keys(filled, **filters) == expected


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("дорожный", [("q-ru", 0)]),  # case-insensitive, Cyrillic
        ("ДТ", [("q-ru", 0)]),  # alias
        ("disk", [("q-tr", 0)]),  # Turkish dotted capital İ folds to i
        ("DİSK/TEKSTİL", [("q-tr", 0)]),
        ("sendikas", [("q-tr", 0)]),
        ("نقابه", [("q-ar", 0)]),  # ta marbuta typed as heh
        ("%", []),  # LIKE wildcards are literal
        ("Д_рожный", []),
        ("  ", ALL_LABOUR),
    ],
)
def test_organisation_substring(
    filled: SqlStore, needle: str, expected: list[tuple[str, int]]
) -> None:
    assert keys(filled, organisation=needle) == expected


def test_organisation_with_percent_sign(filled: SqlStore) -> None:
    article = make_article(
        "q-pct",
        "tr",
        events=(make_event(orgs=(("Yüzde 100% Sendika", ()),), date=D(2020, 1, 1)),),
    )
    filled.save_articles([article])
    assert keys(filled, organisation="100%") == [("q-pct", 0)]
    assert keys(filled, organisation="0% s") == [("q-pct", 0)]


def test_event_row_carries_article_facts(filled: SqlStore) -> None:
    (row,) = filled.query_events(EventQuery(countries=("EG",)))
    article = corpus()[2]
    assert row.event == article.events[0]
    assert (row.lang, row.title, row.source, row.url, row.published) == (
        "ar",
        article.title,
        "files",
        None,
        D(2024, 4, 21),
    )


def test_event_row_event_has_mentions(filled: SqlStore) -> None:
    (row,) = filled.query_events(EventQuery(organisation="ДТ"))
    assert row.event.organizations == (
        OrganisationMention(name="Профсоюз «Дорожный труд»", kind="union", aliases=("ДТ",)),
    )


def test_negative_paging_is_refused(filled: SqlStore) -> None:
    with pytest.raises(StoreError, match="must not be negative"):
        filled.query_events(EventQuery(limit=-1))
    with pytest.raises(StoreError, match="must not be negative"):
        list(filled.iter_articles(EventQuery(offset=-2)))


def ids(store: SqlStore, **filters: object) -> list[str]:
    return [a.id for a in store.iter_articles(EventQuery(**filters))]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["q-tr", "q-ar", "q-ru", "q-vi"]),  # newest publication first, undated last
        ({"include_non_labour": True}, ["q-fa", "q-tr", "q-ar", "q-ru", "q-vi"]),
        ({"countries": ("EG",)}, ["q-ar"]),
        ({"types": ("strike",), "langs": ("ru", "ar")}, ["q-ar", "q-ru"]),
        ({"langs": ("vi",)}, ["q-vi"]),
        ({"text": "nghe an"}, ["q-vi"]),
        ({"issues": ("wages",), "since": D(2024, 4, 1)}, ["q-ar"]),
        ({"organisation": "дорожн"}, ["q-ru"]),
        ({"limit": 1, "offset": 1}, ["q-ar"]),
    ],
    ids=repr,
)
def test_iter_articles(
    filled: SqlStore, filters: dict[str, object], expected: list[str]
) -> None:
    assert ids(filled, **filters) == expected


def test_iter_articles_returns_whole_articles(filled: SqlStore) -> None:
    by_id = {a.id: a for a in corpus()}
    for article in filled.iter_articles(EventQuery(include_non_labour=True)):
        assert article == by_id[article.id]


def test_iter_articles_many_chunks(new_db_url: Callable[[], str]) -> None:
    with open_store(new_db_url()) as store:
        base = make_article("x", events=(make_event(),))
        store.save_articles([replace(base, id=f"m{i:04d}") for i in range(450)])
        found = [a.id for a in store.iter_articles(EventQuery())]
    assert found == [f"m{i:04d}" for i in range(450)]
