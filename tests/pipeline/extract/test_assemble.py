"""The extract stage end to end: publication dates stated on the page, wire datelines,
and the countries an event belongs to (our own texts)."""

from __future__ import annotations

import datetime as dt

import pytest

from laborlens.config import Settings
from laborlens.pipeline import build_context, run_pipeline
from laborlens.pipeline.context import StageContext
from laborlens.records import Article, RawDocument


@pytest.fixture(scope="module")
def context() -> StageContext:
    return build_context(Settings())


def _run(text: str, context: StageContext) -> Article:
    return run_pipeline(RawDocument(source="t.txt", text=text), context)


def test_wire_dateline_dates_the_report_not_the_event(context: StageContext) -> None:
    article = _run(
        "Police detain union leaders after port unrest\n"
        "MOMBASA, March 14, 2024 (Reuters) - Police detained four leaders of the dockworkers' union "
        "on the night of 11 March after a strike at the port, union officials said.\n"
        "The union said the arrests were meant to break the strike.",
        context,
    )
    assert article.published_via == "dateline"
    event = article.events[0]
    assert event.type == "repression"
    assert event.date is not None and (event.date.month, event.date.day) == (3, 11)


def test_event_date_opening_the_lead_is_not_a_dateline(context: StageContext) -> None:
    article = _run(
        "Công nhân ngừng việc đòi trả lương\n"
        "Ngày 12/4/2024, hơn 300 công nhân Công ty may Hòa Phát đã ngừng việc tập thể vì công ty "
        "chậm trả lương hai tháng.",
        context,
    )
    assert article.published_via != "dateline"
    assert article.events[0].date == dt.date(2024, 4, 12)


def test_byline_with_month_name_gives_publication_and_resolves_weekday(
    context: StageContext,
) -> None:
    article = _run(
        "Nurses rally outside city hospital\n"
        "Wednesday 6 March 2024\n"
        "Nurses rallied on Monday outside the city hospital to demand safe staffing and "
        "payment of overtime owed since January.",
        context,
    )
    assert article.published == dt.date(2024, 3, 6)
    assert article.events[0].date == dt.date(2024, 3, 4)


def test_passing_mention_of_a_country_is_not_an_event_country(context: StageContext) -> None:
    article = _run(
        "Textile workers strike in Bursa\n"
        "Workers at a textile factory in Bursa, Turkey, went on strike on 3 June 2024 over unpaid "
        "wages, their union said. The union said talks with the employer had failed twice.\n"
        "The factory mainly produces towels. Production had been rising for two years. "
        "Most of its output is sold in shops across the region. Part of it is exported to Mexico.",
        context,
    )
    codes = [c.code for c in article.events[0].countries]
    assert "TR" in codes
    assert "MX" not in codes


def test_a_failing_sub_step_leaves_only_its_field_empty(
    context: StageContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from laborlens.pipeline.extract import assemble

    def broken(*_args: object) -> tuple[object, ...]:
        raise RuntimeError("boom")

    monkeypatch.setattr(assemble, "extract_people", broken)
    article = _run(
        "Dock workers strike in Mombasa\nUnion secretary general John Otieno said dock workers "
        "in Mombasa went on strike on 3 June 2024 over unpaid wages.",
        context,
    )
    event = article.events[0]
    assert event.people == ()
    assert event.type == "strike"
    assert event.date == dt.date(2024, 6, 3)


def test_places_mentioned_in_passing_are_not_event_places(context: StageContext) -> None:
    article = _run(
        "Nurses strike at Rabat hospital\n"
        "Nurses at the main public hospital in Rabat went on strike on 5 March 2024 over unpaid "
        "overtime, their union said. The strike closed two wards.\n"
        "The hospital was built in 1954. It has 600 beds. Its laundry is run by a company. "
        "The company also has branches in Agadir.",
        context,
    )
    names = {p.name for p in article.events[0].places}
    assert "Rabat" in names
    assert "Agadir" not in names
