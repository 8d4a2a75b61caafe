"""Article -> rows -> Article is lossless, in memory and through a SQLite file."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import replace
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laborlens.records import (
    Article,
    CountryMention,
    Event,
    IssueMention,
    OffsetMap,
    OrganisationMention,
    Outcome,
    PersonMention,
    PlaceMention,
    Relevance,
    Span,
    TermMatch,
)
from laborlens.store import serialise
from laborlens.store.sqlite import SqliteStore
from tests.store.store_builders import full_article

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)

texts = st.text(max_size=40)
optional_texts = st.none() | texts
floats = st.floats(allow_nan=False)
offsets = st.integers(min_value=0, max_value=2**31 - 1)
span_st = st.builds(Span, start=offsets, end=offsets, field=texts)
span_tuples = st.lists(span_st, max_size=3).map(tuple)
T = TypeVar("T")


def few(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(strategy, max_size=3).map(tuple)


event_st = st.builds(
    Event,
    type=texts,
    also=few(texts),
    type_spans=span_tuples,
    type_confidence=floats,
    date=st.none() | st.dates(),
    date_precision=st.sampled_from([None, "day", "month", "year"]),
    date_spans=span_tuples,
    date_confidence=floats,
    countries=few(
        st.builds(CountryMention, code=texts, spans=span_tuples, confidence=floats, via=texts)
    ),
    places=few(
        st.builds(
            PlaceMention,
            name=texts,
            name_en=texts,
            country=optional_texts,
            lat=st.none() | floats,
            lon=st.none() | floats,
            geonameid=st.none() | offsets,
            admin_code=optional_texts,
            feature=st.sampled_from(["city", "admin1", "admin2", "region", "other"]),
            spans=span_tuples,
            confidence=floats,
        )
    ),
    organizations=few(
        st.builds(
            OrganisationMention,
            name=texts,
            kind=texts,
            aliases=few(texts),
            country=optional_texts,
            spans=span_tuples,
            confidence=floats,
        )
    ),
    people=few(
        st.builds(
            PersonMention,
            name=texts,
            name_latin=texts,
            role=optional_texts,
            organization=optional_texts,
            spans=span_tuples,
            confidence=floats,
        )
    ),
    issues=few(st.builds(IssueMention, code=texts, spans=span_tuples, confidence=floats)),
    outcomes=few(st.builds(Outcome, text_en=texts, spans=span_tuples, confidence=floats)),
    summary_en=texts,
)

relevance_st = st.builds(
    Relevance,
    score=floats,
    is_labour=st.booleans(),
    terms=few(st.builds(TermMatch, term=texts, category=texts, span=span_st, weight=floats)),
)

article_st = st.builds(
    Article,
    id=texts,
    source=texts,
    raw_text=st.text(max_size=200),
    text=st.text(max_size=200),
    locator=texts,
    title=optional_texts,
    url=optional_texts,
    site=optional_texts,
    published=st.none() | st.dates(),
    published_via=optional_texts,
    offset_map=st.builds(
        OffsetMap, st.lists(st.tuples(offsets, offsets, offsets), max_size=4).map(tuple)
    ),
    removed_lines=few(texts),
    lang=optional_texts,
    lang_confidence=floats,
    script=optional_texts,
    relevance=st.none() | relevance_st,
    events=st.lists(event_st, max_size=3).map(tuple),
    pipeline_version=texts,
    settings_hash=texts,
)


def _rows_for(rows: serialise.Rows) -> dict[str, list[dict[str, Any]]]:
    """The child rows as a database would hand them back (JSON lists, no article row)."""
    return {name: list(rows[name]) for name in serialise.TABLE_NAMES[1:]}


@given(article_st)
def test_rows_round_trip(article: Article) -> None:
    rows = serialise.article_to_rows(article, NOW)
    assert serialise.article_from_rows(rows["articles"][0], _rows_for(rows)) == article


_ids = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(article_st)
def test_store_round_trip(tmp_path_factory: pytest.TempPathFactory, article: Article) -> None:
    # One database per example would be slow; unique ids keep the examples apart.
    path = tmp_path_factory.getbasetemp() / "hypothesis-round-trip.db"
    article = replace(article, id=f"{next(_ids)}:{article.id}")
    with SqliteStore(path) as store:
        result = store.save_articles([article])
        assert result.inserted == 1
        assert store.get_article(article.id) == article


def test_full_article_round_trip(store: SqliteStore) -> None:
    article = full_article()
    store.save_articles([article])
    loaded = store.get_article(article.id)
    assert loaded == article
    assert loaded is not None
    assert loaded.events[0].evidence == article.events[0].evidence
    assert loaded.relevance is not None
    assert loaded.relevance.terms[0].span.text_of(loaded.title or "") == "забастовку"


def test_every_field_lands_in_its_table(store: SqliteStore) -> None:
    store.save_articles([full_article()])
    counts = store.counts()
    assert counts["events"] == 2
    assert counts["event_countries"] == 2
    assert counts["places"] == 2
    assert counts["organisations"] == 1
    assert counts["people"] == 2
    assert counts["issues"] == 2
    assert counts["outcomes"] == 1
    event = full_article().events[0]
    mention_spans = sum(
        len(m.spans)
        for group in (event.countries, event.places, event.organizations, event.people)
        for m in group
    ) + sum(len(m.spans) for group in (event.issues, event.outcomes) for m in group)
    relevance_spans = 2
    expected = len(event.type_spans) + len(event.date_spans) + mention_spans + relevance_spans
    assert counts["spans"] == expected == 11


def test_missing_article_is_none(store: SqliteStore) -> None:
    assert store.get_article("no-such-id") is None


@pytest.mark.parametrize(
    ("precision", "expected"),
    [
        ("day", (dt.date(2024, 2, 10), dt.date(2024, 2, 10))),
        ("month", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("year", (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        (None, (dt.date(2024, 2, 10), dt.date(2024, 2, 10))),
    ],
)
def test_event_period(precision: str | None, expected: tuple[dt.date, dt.date]) -> None:
    assert serialise.event_period(dt.date(2024, 2, 10), precision) == expected
