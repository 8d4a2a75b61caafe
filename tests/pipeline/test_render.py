"""English summaries: readable without the source language, built from the coded fields."""

from __future__ import annotations

import datetime as dt

import pytest

from laborlens.pipeline.render import summarise_event
from laborlens.records import CountryMention, Event, IssueMention, OrganisationMention, PlaceMention

ORGS = {
    "ru": OrganisationMention("Профсоюз работников образования", "union", ("ПРО",)),
    "fa": OrganisationMention("سندیکای کارگران شرکت واحد", "union"),
    "ar": OrganisationMention("النقابة الوطنية للتعليم", "union"),
    "vi": OrganisationMention("Công đoàn Khu công nghiệp", "union"),
    "tr": OrganisationMention("Birleşik Metal İşçileri Sendikası", "union", ("Birleşik Metal-İş",)),
    "en": OrganisationMention("National Union of Mineworkers", "union", ("NUM",)),
}


@pytest.mark.parametrize("lang", sorted(ORGS))
def test_summary_is_latin_and_names_type_place_country_date_issue(lang: str) -> None:
    event = Event(
        type="strike",
        date=dt.date(2024, 5, 12),
        date_precision="day",
        countries=(CountryMention("KZ"),),
        places=(PlaceMention("Шымкент", "Shymkent", "KZ"),),
        organizations=(ORGS[lang],),
        issues=(IssueMention("wage_arrears"),),
    )
    line = summarise_event(event)
    assert line.isascii(), line
    for part in ("strike", "Shymkent", "Kazakhstan", "2024-05-12", "wage arrears"):
        assert part in line


def test_union_named_before_the_employer() -> None:
    event = Event(
        type="protest",
        organizations=(
            OrganisationMention("Acme Steel", "employer"),
            OrganisationMention("Steelworkers Union", "union"),
        ),
    )
    assert summarise_event(event).startswith("Steelworkers Union")


def test_month_precision_is_not_shown_as_a_day() -> None:
    event = Event(type="layoff", date=dt.date(2021, 5, 1), date_precision="month")
    line = summarise_event(event)
    assert "2021-05" in line and "2021-05-01" not in line
