"""Hand-built articles for the store tests; all text here is written for these tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

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

SETTINGS_A = "aaaaaaaaaaaa"
SETTINGS_B = "bbbbbbbbbbbb"
VERSION = "0.1.0"

TEXTS: dict[str, tuple[str, str]] = {
    # lang: (title, text) -- written for these tests
    "tr": (
        "Tekirdağ'da dokuma işçileri greve çıktı",
        "Tekirdağ'daki bir dokuma fabrikasında çalışan işçiler, üç aydır ödenmeyen "
        "ücretleri için dün sabah iş bıraktı. Sendika temsilcisi işverenle görüşmenin "
        "sonuçsuz kaldığını söyledi.",
    ),
    "ru": (
        "Водители автобусов объявили забастовку",
        "Водители городских автобусов в Екатеринбурге прекратили работу, требуя "
        "погасить долги по зарплате. Профсоюз «Дорожный труд» поддержал ёмкие требования.",
    ),
    "ar": (
        "إضراب عمال الميناء",
        "أعلن عمال الميناء في الإسكندرية إضرابا مفتوحا للمطالبة بزيادة الأجور، "
        "وقالت النقابة إن الإدارة رفضت التفاوض.",
    ),
    "fa": (
        "تجمع کارگران پتروشیمی",
        "کارگران قراردادی یک پتروشیمی در عسلویه برای دومین روز مقابل دفتر شرکت تجمع کردند.",
    ),
    "vi": (
        "Công nhân ngừng việc tại Nghệ An",
        "Hàng trăm công nhân một nhà máy may ở Nghệ An đã ngừng việc tập thể để phản đối "
        "việc cắt giảm phụ cấp.",
    ),
}


def spans_of(text: str, needle: str, label: str = "") -> tuple[Span, ...]:
    """Every occurrence of ``needle`` in ``text`` as spans (tests use real offsets)."""
    found: list[Span] = []
    start = text.find(needle)
    while start >= 0:
        found.append(Span(start, start + len(needle), label))
        start = text.find(needle, start + 1)
    return tuple(found)


def make_event(
    type_: str = "strike",
    *,
    date: dt.date | None = None,
    precision: str | None = "day",
    countries: tuple[str, ...] = (),
    issues: tuple[str, ...] = (),
    orgs: tuple[tuple[str, tuple[str, ...]], ...] = (),
    summary: str = "",
) -> Event:
    return Event(
        type=type_,
        date=date,
        date_precision=precision if date else None,  # type: ignore[arg-type]
        countries=tuple(CountryMention(code=c) for c in countries),
        issues=tuple(IssueMention(code=i) for i in issues),
        organizations=tuple(OrganisationMention(name=n, kind="union", aliases=a) for n, a in orgs),
        summary_en=summary,
    )


def make_article(
    article_id: str,
    lang: str = "tr",
    *,
    events: tuple[Event, ...] = (),
    is_labour: bool = True,
    settings_hash: str = SETTINGS_A,
    source: str = "files",
    locator: str | None = None,
    published: dt.date | None = dt.date(2024, 5, 2),
) -> Article:
    title, text = TEXTS[lang]
    return Article(
        id=article_id,
        source=source,
        raw_text=text,
        text=text,
        locator=locator if locator is not None else f"{article_id}.txt",
        title=title,
        published=published,
        lang=lang,
        lang_confidence=0.97,
        relevance=Relevance(score=0.9 if is_labour else 0.1, is_labour=is_labour),
        events=events,
        pipeline_version=VERSION,
        settings_hash=settings_hash,
    )


def full_article(article_id: str = "full-1") -> Article:
    """One article using every record type, with spans on every field."""
    title, text = TEXTS["ru"]
    sp = spans_of
    event = Event(
        type="strike",
        also=("demand", "protest"),
        type_spans=sp(text, "прекратили работу"),
        type_confidence=0.83,
        date=dt.date(2024, 3, 1),
        date_precision="month",
        date_spans=(Span(0, 8, "date-guess"),),
        date_confidence=0.4,
        countries=(
            CountryMention(code="RU", spans=sp(text, "Екатеринбурге"), confidence=0.9, via="city"),
            CountryMention(code="KZ", confidence=0.1, via="name"),
        ),
        places=(
            PlaceMention(
                name="Екатеринбург",
                name_en="Yekaterinburg",
                country="RU",
                lat=56.8389,
                lon=60.6057,
                geonameid=1486209,
                admin_code="RU.71",
                feature="city",
                spans=sp(text, "Екатеринбурге"),
                confidence=0.88,
            ),
            PlaceMention(name="Урал", name_en="Urals", country=None, feature="region"),
        ),
        organizations=(
            OrganisationMention(
                name="Профсоюз «Дорожный труд»",
                kind="union",
                aliases=("Дорожный труд", "DT"),
                country="RU",
                spans=sp(text, "Профсоюз «Дорожный труд»", "org"),
                confidence=0.75,
            ),
        ),
        people=(
            PersonMention(
                name="Иван Петров",
                name_latin="Ivan Petrov",
                role="chair",
                organization="Профсоюз «Дорожный труд»",
                spans=(Span(3, 9), Span(1, 2)),
                confidence=0.5,
            ),
            PersonMention(name="Анна", name_latin="Anna"),
        ),
        issues=(
            IssueMention(code="wage_arrears", spans=sp(text, "долги по зарплате"), confidence=0.8),
            IssueMention(code="wages"),
        ),
        outcomes=(Outcome(text_en="Drivers stopped work", spans=(Span(10, 20),)),),
        summary_en="Bus drivers in Yekaterinburg strike over wage arrears.",
    )
    second = Event(type="meeting", summary_en="")
    return Article(
        id=article_id,
        source="jsonl",
        raw_text="  " + text,
        text=text,
        locator="batch.jsonl:7",
        title=title,
        url="https://example.org/news/1",
        site="example.org",
        published=dt.date(2024, 3, 14),
        published_via="html-meta",
        offset_map=OffsetMap(((0, 2, len(text)),)),
        removed_lines=("Главная › Новости", "Фото: пресс-служба"),
        lang="ru",
        lang_confidence=0.99,
        script="Cyrl",
        relevance=Relevance(
            score=0.93,
            is_labour=True,
            terms=(
                TermMatch("забастовк*", "strike", sp(title, "забастовку")[0], 2.0),
                TermMatch("профсоюз", "union", Span(0, 1, "x"), 1.0),
            ),
        ),
        events=(event, second),
        pipeline_version=VERSION,
        settings_hash=SETTINGS_A,
    )


def rehash(article: Article, settings_hash: str) -> Article:
    """The same article as produced under other settings (its events differ too)."""
    return replace(
        article,
        settings_hash=settings_hash,
        events=(make_event("protest", countries=("TR",), summary="re-coded"),),
    )
