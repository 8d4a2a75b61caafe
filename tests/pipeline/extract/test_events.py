"""Event type and date: the headline and lead decide, backdrop types yield, plans count little.

Texts are our own, one per language and behaviour.
"""

from __future__ import annotations

import datetime as dt

import pytest

from laborlens.pipeline.extract.dates import extract_dates
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.events import choose_event_date, classify_event
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.resources.schema import load_language

# (lang, headline, body, expected main type)
TYPE_CASES = [
    (
        "en",
        "Port workers strike over pay",
        "Dock workers walked out on Monday after talks with the port authority failed.",
        "strike",
    ),
    (
        "tr",
        "Belediye işçileri iş bıraktı",
        "Maaşları ödenmeyen belediye işçileri sabah saatlerinde greve çıktı.",
        "strike",
    ),
    (
        "ru",
        "Шахтёры погибли при обрушении",
        "В результате обрушения породы на шахте погибли двое горняков, ещё трое пострадали.",
        "accident",
    ),
    (
        "vi",
        "Hai bên ký kết thỏa ước lao động tập thể",
        "Công đoàn và ban giám đốc công ty đã ký kết thỏa ước lao động tập thể mới.",
        "agreement",
    ),
    (
        "ar",
        "اعتقال نقابيين بعد وقفة احتجاجية",
        "اعتقلت الشرطة ثلاثة نقابيين بعد وقفة احتجاجية أمام مقر الشركة.",
        "repression",
    ),
    (
        "fa",
        "تجمع کارگران مقابل استانداری",
        "کارگران پیمانکاری در اعتراض به حقوق معوقه مقابل ساختمان استانداری تجمع کردند.",
        "protest",
    ),
]


def _doc(lang: str, headline: str, body: str, published: dt.date | None = None) -> ArticleText:
    res = load_language(lang)
    assert res is not None
    text = f"{headline}\n{body}"
    return ArticleText(text, lang, res, published, title_end=len(headline))


@pytest.mark.parametrize(
    ("lang", "headline", "body", "expected"), TYPE_CASES, ids=[c[0] for c in TYPE_CASES]
)
def test_main_type(lang: str, headline: str, body: str, expected: str) -> None:
    doc = _doc(lang, headline, body)
    decision = classify_event(doc, ExclusionMask(doc))
    assert decision.type == expected
    assert decision.spans, "the type must come with evidence"
    for span in decision.spans:
        assert 0 <= span.start < span.end <= len(doc.text)


def test_agreement_signed_at_a_meeting_is_the_agreement() -> None:
    doc = _doc(
        "en",
        "Union delegation visits federation",
        "The delegation met the federation's leaders on Tuesday. During the visit the two "
        "unions signed a cooperation agreement. The delegation also met regional officials.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "agreement"


def test_a_planned_agreement_does_not_outweigh_the_meeting() -> None:
    doc = _doc(
        "en",
        "Union leaders meet in the capital",
        "Leaders of the two federations held talks in the capital on Tuesday and exchanged "
        "experience on organising. They plan to sign a cooperation agreement next month.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "meeting"


def test_event_date_is_the_date_of_the_main_event_sentence() -> None:
    doc = _doc(
        "en",
        "Bus drivers strike",
        "The union was founded on 3 March 2001. Drivers went on strike on 12 May 2024 after "
        "wages went unpaid.",
        published=dt.date(2024, 5, 13),
    )
    decision = classify_event(doc, ExclusionMask(doc))
    chosen = choose_event_date(doc, extract_dates(doc), decision.triggers)
    assert chosen is not None
    assert chosen.value == dt.date(2024, 5, 12)


def test_relative_weekday_resolves_against_publication() -> None:
    doc = _doc(
        "en",
        "Nurses rally outside hospital",
        "Nurses rallied on Monday outside the city hospital to demand safe staffing.",
        published=dt.date(2024, 3, 6),
    )
    decision = classify_event(doc, ExclusionMask(doc))
    chosen = choose_event_date(doc, extract_dates(doc), decision.triggers)
    assert chosen is not None and chosen.value == dt.date(2024, 3, 4)
