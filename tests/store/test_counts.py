"""Counts grouped by the database (count_events, event_counts, event_dates) agree with the
events query_events lists, for every filter; listings without evidence keep every other field."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from laborlens.query import EventQuery
from laborlens.records import Span
from laborlens.store import open_store
from laborlens.store.sql import SqlStore
from tests.store.test_sql import corpus

D = dt.date

QUERIES = [
    EventQuery(),
    EventQuery(include_non_labour=True),
    EventQuery(countries=("RU",)),
    EventQuery(countries=("KZ", "EG")),
    EventQuery(types=("strike",)),
    EventQuery(langs=("ar", "tr")),
    EventQuery(issues=("wages",)),
    EventQuery(since=D(2024, 3, 15)),
    EventQuery(until=D(2024, 3, 10)),
    EventQuery(text="Yekaterinburg"),
    EventQuery(organisation="ДТ"),
    EventQuery(countries=("IR",)),
]


@pytest.fixture
def filled(new_db_url: Callable[[], str]) -> Iterator[SqlStore]:
    with open_store(new_db_url()) as store:
        assert isinstance(store, SqlStore)
        store.save_articles(corpus())
        yield store


@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_counts_agree_with_the_listed_events(filled: SqlStore, query: EventQuery) -> None:
    rows = filled.query_events(query)
    assert filled.count_events(query) == len(rows)
    assert filled.count_events(replace(query, limit=1, offset=1)) == len(rows)
    assert filled.event_counts(query, "type") == dict(Counter(r.event.type for r in rows))
    assert filled.event_counts(query, "country") == dict(
        Counter(code for r in rows for code in {c.code for c in r.event.countries})
    )
    assert filled.event_counts(query, "issue") == dict(
        Counter(code for r in rows for code in {i.code for i in r.event.issues})
    )
    assert filled.event_dates(query) == dict(Counter((r.event.date, r.event.type) for r in rows))


def test_a_country_named_twice_in_an_event_counts_once(filled: SqlStore) -> None:
    (ru,) = [a for a in corpus() if a.id == "q-ru"]
    event = ru.events[1]
    doubled = replace(event, countries=(*event.countries, event.countries[0]))
    filled.save_articles([replace(ru, events=(ru.events[0], doubled), settings_hash="other")])
    assert filled.event_counts(EventQuery(), "country")["RU"] == 2


def test_listing_without_evidence_keeps_every_other_field(filled: SqlStore) -> None:
    (tr,) = [a for a in corpus() if a.id == "q-tr"]
    strike = tr.events[0]
    spanned = replace(
        strike,
        type_spans=(Span(0, 5, "type"),),
        countries=tuple(replace(c, spans=(Span(10, 16, "country"),)) for c in strike.countries),
    )
    filled.save_articles([replace(tr, events=(spanned, *tr.events[1:]), settings_hash="other")])
    full = filled.query_events(EventQuery())
    bare = filled.query_events(EventQuery(), evidence=False)
    assert [(r.article_id, r.event_index) for r in bare] == [
        (r.article_id, r.event_index) for r in full
    ]
    assert any(r.event.evidence for r in full)
    for with_spans, without in zip(full, bare, strict=True):
        assert without.event.evidence == ()
        assert without.event.countries == tuple(
            replace(c, spans=()) for c in with_spans.event.countries
        )
        assert (without.title, without.lang, without.published) == (
            with_spans.title,
            with_spans.lang,
            with_spans.published,
        )
        assert without.event.summary_en == with_spans.event.summary_en
        assert without.event.date == with_spans.event.date


def test_sqlite_planner_statistics_follow_writes(db_path: Path) -> None:
    """ANALYZE after a store that wrote closes: without statistics SQLite reads every labour
    article to sort a page of events instead of walking the newest-first index."""

    def stats() -> dict[str, str]:
        with sqlite3.connect(db_path) as conn:
            return dict(conn.execute("SELECT idx, stat FROM sqlite_stat1").fetchall())

    with open_store(f"sqlite:///{db_path}") as store:
        store.save_articles(corpus())
    assert stats()["ix_events_newest"].startswith("6 ")
    with open_store(f"sqlite:///{db_path}") as store:
        store.save_articles([replace(a, id=a.id + "-2") for a in corpus()])
    assert stats()["ix_events_newest"].startswith("12 ")
    with sqlite3.connect(db_path) as conn:
        plan = " ".join(
            row[3]
            for row in conn.execute(
                "EXPLAIN QUERY PLAN SELECT e.article_id FROM events e JOIN articles a "
                "ON a.id = e.article_id WHERE a.is_labour IS 1 "
                "ORDER BY e.date DESC NULLS LAST, e.article_id, e.idx LIMIT 5"
            )
        )
    assert "ix_events_newest" in plan and "TEMP B-TREE" not in plan, plan
