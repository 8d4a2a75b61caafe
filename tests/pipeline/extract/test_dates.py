"""Date extraction: every form, every trap, per language, with resources built inline.

The resource tables here are small and written for these tests, so the tests do not move when
the language files under resources/lang change; ``test_real_resource_files`` runs the real
files once to check the extractor copes with whatever they contain.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import dateparser
import pytest

from laborlens.pipeline.extract.dates import FUTURE_GRACE, extract_dates, parse_date_expression
from laborlens.pipeline.extract.document import ArticleText
from laborlens.resources.schema import (
    LanguageResources,
    available_languages,
    load_language,
    parse_language,
)

REF = dt.date(2024, 6, 5)  # a Wednesday

_SPECS: dict[str, dict[str, Any]] = {
    "tr": {
        "language": {
            "code": "tr",
            "name": "Turkish",
            "word_suffix": "(?:'\\w+)?",
            "case_map": {"İ": "i", "I": "ı"},
        },
        "dates": {
            "weekdays": {"pazartesi": 0, "salı": 1, "çarşamba": 2, "perşembe": 3, "cuma günü": 4},
            "relative_days": {"bugün": 0, "dün": -1, "yarın": 1},
            "fillers": ["günü", "tarihinde", "yılında", "yılı"],
            "document_markers": ["sayılı", "no", "no.", "numaralı"],
            "range_from": ["itibaren"],
            "range_to": ["ile", "kadar"],
        },
    },
    "ru": {
        "language": {"code": "ru", "name": "Russian"},
        "dates": {
            "weekdays": {"понедельник": 0, "вторник": 1, "среду": 2, "четверг": 3, "пятницу": 4},
            "relative_days": {"сегодня": 0, "вчера": -1, "завтра": 1},
            "fillers": ["г.", "года", "году"],
            "document_markers": ["№", "номер"],
            "range_from": ["с"],
            "range_to": ["по", "до"],
            "months": {"марте": 3, "мае": 5},
        },
    },
    "fa": {
        "language": {"code": "fa", "name": "Persian", "direction": "rtl"},
        "dates": {
            "weekdays": {"شنبه": 5, "یکشنبه": 6, "دوشنبه": 0, "سه شنبه": 1, "چهارشنبه": 2},
            "relative_days": {"امروز": 0, "دیروز": -1},
            "fillers": ["روز", "تاریخ"],
            "document_markers": ["شماره"],
            "range_from": ["از"],
            "range_to": ["تا"],
        },
    },
    "ar": {
        "language": {
            "code": "ar",
            "name": "Arabic",
            "direction": "rtl",
            "word_prefix": "(?:و|ف|ب|ل|ال|وال|بال|لل)?",
        },
        "dates": {
            "weekdays": {"الاثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3, "السبت": 5},
            "relative_days": {"أمس": -1},
            "fillers": ["يوم", "بتاريخ"],
            "document_markers": ["رقم"],
            "range_from": ["من"],
            "range_to": ["إلى", "حتى"],
            "months": {"شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "تشرين الأول": 10},
        },
    },
    "vi": {
        "language": {"code": "vi", "name": "Vietnamese"},
        "dates": {
            "weekdays": {"thứ hai": 0, "thứ ba": 1, "thứ tư": 2, "chủ nhật": 6},
            "relative_days": {"hôm nay": 0, "hôm qua": -1},
            "fillers": ["ngày", "sáng", "chiều", "tối"],
            "document_markers": ["số"],
            "range_from": ["từ"],
            "range_to": ["đến", "tới"],
        },
    },
    "en": {
        "language": {"code": "en", "name": "English"},
        "dates": {
            "weekdays": {"monday": 0, "wednesday": 2, "thursday": 3, "sun.": 6},
            "relative_days": {"today": 0, "yesterday": -1},
            "fillers": ["on", "of"],
            "document_markers": ["no.", "number"],
            "range_from": ["from", "between"],
            "range_to": ["to", "until"],
        },
    },
}
RESOURCES: dict[str, LanguageResources | None] = {
    code: parse_language(spec, "test") for code, spec in _SPECS.items()
}
# Languages laborlens has no file for: dateparser's data alone.
RESOURCES.update({"es": None, "de": None, "fr": None})


def _found(
    lang: str, text: str, published: dt.date | None = REF
) -> list[tuple[str, str, str, str]]:
    doc = ArticleText(text=text, lang=lang, resources=RESOURCES[lang], published=published)
    mentions = extract_dates(doc)
    assert list(mentions) == sorted(mentions, key=lambda m: m.span.start)
    return [
        (text[m.span.start : m.span.end], m.value.isoformat(), m.precision, m.kind)
        for m in mentions
    ]


Expected = list[tuple[str, str, str, str]]

# (lang, text, published, expected (surface, date, precision, kind) in text order)
CASES: list[tuple[str, str, dt.date | None, Expected]] = [
    # Turkish
    ("tr", "Sendika 12 Ekim 2021 günü toplandı.", REF,
     [("12 Ekim 2021 günü", "2021-10-12", "day", "absolute")]),
    ("tr", "Grev 03.02.2024 tarihinde başladı.", REF,
     [("03.02.2024 tarihinde", "2024-02-03", "day", "absolute")]),
    ("tr", "Eylem 3–5 Mayıs tarihleri arasında sürdü.", REF,
     [("3–5 Mayıs", "2024-05-03", "day", "range_start"),
      ("3–5 Mayıs", "2024-05-05", "day", "range_end")]),
    ("tr", "İşçiler 3 ile 5 MAYIS arasında iş bıraktı.", REF,
     [("3 ile 5 MAYIS", "2024-05-03", "day", "range_start"),
      ("3 ile 5 MAYIS", "2024-05-05", "day", "range_end")]),
    ("tr", "Nöbet 28 Mayıs'tan 2 Haziran'a kadar sürdü.", REF,
     [("28 Mayıs'tan 2 Haziran'a kadar", "2024-05-28", "day", "range_start"),
      ("28 Mayıs'tan 2 Haziran'a kadar", "2024-06-02", "day", "range_end")]),
    ("tr", "Temsilciler pazartesi bir araya geldi, dün de açıklama yaptı.", REF,
     [("pazartesi", "2024-06-03", "day", "relative"), ("dün", "2024-06-04", "day", "relative")]),
    ("tr", "Sendika 2019 yılında kuruldu ve Mart 2020'de büyüdü.", REF,
     [("2019 yılında", "2019-01-01", "year", "absolute"),
      ("Mart 2020", "2020-03-01", "month", "absolute")]),
    ("tr", "Toplantı 20 Mayıs'ta yapıldı.", REF, [("20 Mayıs", "2024-05-20", "day", "partial")]),
    # Russian
    ("ru", "Делегация с 29 февраля по 1 марта посетила Ташкент.", dt.date(2024, 3, 5),
     [("с 29 февраля по 1 марта", "2024-02-29", "day", "range_start"),
      ("с 29 февраля по 1 марта", "2024-03-01", "day", "range_end")]),
    ("ru", "Соглашение подписано 01.03.2024 г. в Астане.", REF,
     [("01.03.2024 г.", "2024-03-01", "day", "absolute")]),
    ("ru", "Профсоюз основан в 1992 году, съезд прошёл в марте 2024 года.", REF,
     [("1992 году", "1992-01-01", "year", "absolute"),
      ("марте 2024 года", "2024-03-01", "month", "absolute")]),
    ("ru", "В понедельник прошла встреча, а вчера подписали документ.", REF,
     [("понедельник", "2024-06-03", "day", "relative"),
      ("вчера", "2024-06-04", "day", "relative")]),
    ("ru", "Забастовка началась 12.05.", REF, [("12.05", "2024-05-12", "day", "partial")]),
    # Persian
    ("fa", "مراسم روز دوشنبه ۱۱ اردیبهشت ۱۴۰۲ برگزار شد.", None,
     [("روز دوشنبه ۱۱ اردیبهشت ۱۴۰۲", "2023-05-01", "day", "absolute")]),
    ("fa", "نامه در تاریخ 1402/02/11 و بخشنامه در ۱۴۰۲/۲/۱۵ صادر شد.", None,
     [("تاریخ 1402/02/11", "2023-05-01", "day", "absolute"),
      ("۱۴۰۲/۲/۱۵", "2023-05-05", "day", "absolute")]),
    ("fa", "کارگران روز دوشنبه تجمع کردند.", dt.date(2023, 5, 3),
     [("روز دوشنبه", "2023-05-01", "day", "relative")]),
    ("fa", "قرارداد در سال ۱۴۰۱ امضا شد و ۱۰ مه ۲۰۲۳ اجرا شد.", None,
     [("سال ۱۴۰۱", "2022-03-21", "year", "absolute"),
      ("۱۰ مه ۲۰۲۳", "2023-05-10", "day", "absolute")]),
    ("fa", "اعتصاب از ۳ تا ۵ اردیبهشت ادامه داشت.", dt.date(2023, 5, 3),
     [("از ۳ تا ۵ اردیبهشت", "2023-04-23", "day", "range_start"),
      ("از ۳ تا ۵ اردیبهشت", "2023-04-25", "day", "range_end")]),
    ("fa", "جلسه ۱۵ اردیبهشت برگزار شد.", dt.date(2023, 5, 20),
     [("۱۵ اردیبهشت", "2023-05-05", "day", "partial")]),
    # Arabic
    ("ar", "نظمت النقابة يوم السبت 2 مارس 2013 لقاء تواصليا.", None,
     [("يوم السبت 2 مارس 2013", "2013-03-02", "day", "absolute")]),
    ("ar", "انعقد المجلس في 12 رمضان 1444 هـ بالرباط.", None,
     [("12 رمضان 1444 هـ", "2023-04-03", "day", "absolute")]),
    ("ar", "أضراب العمال في ٣ آذار ٢٠٢٣ وفي العام 2019.", None,
     [("٣ آذار ٢٠٢٣", "2023-03-03", "day", "absolute"),
      ("العام 2019", "2019-01-01", "year", "absolute")]),
    ("ar", "استمر الاعتصام من 3 إلى 5 مارس 2013.", None,
     [("من 3 إلى 5 مارس 2013", "2013-03-03", "day", "range_start"),
      ("من 3 إلى 5 مارس 2013", "2013-03-05", "day", "range_end")]),
    ("ar", "أعلن الاتحاد الإضراب يوم الثلاثاء.", REF,
     [("يوم الثلاثاء", "2024-06-04", "day", "relative")]),
    # Vietnamese
    ("vi", "Ngày 15/3/2024, đoàn đã làm việc; sáng 16/3 về lại.", None,
     [("Ngày 15/3/2024", "2024-03-15", "day", "absolute"),
      ("sáng 16/3", "2024-03-16", "day", "partial")]),
    ("vi", "Hội nghị ngày 15 tháng 3 năm 2024 và chương trình ký trong tháng 5/2021.", None,
     [("ngày 15 tháng 3 năm 2024", "2024-03-15", "day", "absolute"),
      ("tháng 5/2021", "2021-05-01", "month", "absolute")]),
    ("vi", "Công đoàn thành lập năm 2016.", None, [("năm 2016", "2016-01-01", "year", "absolute")]),
    ("vi", "Hoạt động diễn ra từ ngày 3 đến 5/5.", REF,
     [("từ ngày 3 đến 5/5", "2024-05-03", "day", "range_start"),
      ("từ ngày 3 đến 5/5", "2024-05-05", "day", "range_end")]),
    ("vi", "Thứ Hai, 3/6/2024, hội nghị khai mạc; hôm qua bế mạc.", REF,
     [("Thứ Hai, 3/6/2024", "2024-06-03", "day", "absolute"),
      ("hôm qua", "2024-06-04", "day", "relative")]),
    # English
    ("en", "The union struck on 3 May 2021 and again on May 5, 2024.", REF,
     [("on 3 May 2021", "2021-05-03", "day", "absolute"),
      ("on May 5, 2024", "2024-05-05", "day", "absolute")]),
    ("en", "As The Sun. reported, on Sun. 3 March 2024 they met.", REF,
     [("on Sun. 3 March 2024", "2024-03-03", "day", "absolute")]),
    ("en", "Workers walked out from 3 to 5 May.", REF,
     [("from 3 to 5 May", "2024-05-03", "day", "range_start"),
      ("from 3 to 5 May", "2024-05-05", "day", "range_end")]),
    ("en", "On Wednesday the board met; yesterday it had refused.", REF,
     [("On Wednesday", "2024-06-05", "day", "relative"),
      ("yesterday", "2024-06-04", "day", "relative")]),
    ("en", "The deal, dated 2024-03-15, ends Dec. 31.", REF,
     [("2024-03-15", "2024-03-15", "day", "absolute"),
      ("Dec. 31", "2023-12-31", "day", "partial")]),
    # Languages without a resource file: dateparser's month names and numeric orders only.
    ("es", "La huelga del 5 de mayo de 2021 y la del 15/03/2024.", REF,
     [("5 de mayo de 2021", "2021-05-05", "day", "absolute"),
      ("15/03/2024", "2024-03-15", "day", "absolute")]),
    ("es", "Se reunieron el 3 de junio.", REF, [("3 de junio", "2024-06-03", "day", "partial")]),
    ("de", "Am 15. März 2024 und am 02.04.2024 wurde gestreikt, vom 3.–5. Mai verhandelt.", REF,
     [("15. März 2024", "2024-03-15", "day", "absolute"),
      ("02.04.2024", "2024-04-02", "day", "absolute"),
      ("3.–5. Mai", "2024-05-03", "day", "range_start"),
      ("3.–5. Mai", "2024-05-05", "day", "range_end")]),
    ("fr", "Le 1er mai 2024, puis en juin 2024.", REF,
     [("1er mai 2024", "2024-05-01", "day", "absolute"),
      ("juin 2024", "2024-06-01", "month", "absolute")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "text", "published", "expected"),
    CASES,
    ids=[f"{c[0]}-{i:02d}" for i, c in enumerate(CASES)],
)
def test_extracts_dates(
    lang: str, text: str, published: dt.date | None, expected: Expected
) -> None:
    assert _found(lang, text, published) == expected


# Sentences with numbers that are not dates: document and law numbers, phones, amounts,
# shares, times, counts, year spans without a year word, versions, bare years.
TRAPS: list[tuple[str, str]] = [
    ("tr", "657 sayılı Kanun ve 4857 numaralı Kanun değişti."),
    ("tr", "Kanun No. 2821 ile Karar No: 15.03 yayımlandı."),
    ("tr", "Saat 13:30'da 250 işçi toplandı, saat 11.05'te dağıldı."),
    ("tr", "Ücretlere %15,5 ve 12.50 TL zam, 2023-2028 dönemi için plan."),
    ("tr", "Çağrı merkezi: 0212 555 12 34 veya +90 532 123 45 67."),
    ("ru", "Договор № 12-45 заключён, телефон 8-800-555-35-35."),
    ("ru", "Рост на 15,3% и 2,5 млн рублей, встреча в 11:05."),
    ("ru", "В 2000 человек вышли на митинг, версия 2.10.3 вышла."),
    ("fa", "نامه شماره ۱۲/۴۵ و ۲۰ درصد افزایش؛ تعداد به ۲۰ می‌رسد."),
    ("fa", "در ۱۴۰۲ کارگر و ۱۵۰۰ نفر حضور داشتند."),
    ("ar", "القرار رقم 15/3 والمرسوم رقم 2024/15 و250 عاملا."),
    ("vi", "Thông báo số 2016-TB/TU và Quyết định số 15/3/QĐ đã ban hành."),
    ("vi", "Nghị định số 15/2024/NĐ-CP; nhiệm kỳ 2023-2028 có 250 đại biểu."),
    ("vi", "Lương tháng 5 triệu đồng, tăng 1/2 so với 3/4 năm trước."),
    ("en", "Law number 15/3 passed; call +1 555-123-4567 at 13:30 or 11.05 am."),
    ("en", "Pay rose 15.03% to $15.30, version 1.2.3, and 1/2 of 2024 staff joined."),
    ("en", "Impossible: 31.02.2024, 2024-13-01, 30 February 2023."),
    ("en", "About 2000 of the 2500 members read The Sun. Then they left."),
    ("es", "El 50 % de 1.500 trabajadores, 3,5 millones y 2.500.000 euros."),
    ("de", "Um 15.30 Uhr kamen 1.200 Beschäftigte; Tarif 2024/25."),
]


@pytest.mark.parametrize(
    ("lang", "text"), TRAPS, ids=[f"{t[0]}-{i:02d}" for i, t in enumerate(TRAPS)]
)
def test_traps_are_not_dates(lang: str, text: str) -> None:
    assert _found(lang, text) == []


def test_year_range_needs_a_year_word() -> None:
    assert _found("vi", "nhiệm kỳ 2023-2028") == []
    assert _found("vi", "trong năm 2020-2021") == [
        ("năm 2020-2021", "2020-01-01", "year", "range_start"),
        ("năm 2020-2021", "2021-01-01", "year", "range_end"),
    ]


def test_yearless_date_without_reference_takes_the_nearest_year_in_text() -> None:
    text = "Ngày 28/12, đoàn đến. Hội nghị ngày 3/1/2024 kết thúc."
    assert _found("vi", text, None)[0] == ("Ngày 28/12", "2023-12-28", "day", "partial")


def test_nothing_to_anchor_drops_yearless_and_relative_dates() -> None:
    assert _found("tr", "Dün 20 Mayıs'ta toplandılar.", None) == []


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (dt.date(2024, 3, 1), "2024-03-20"),  # a few weeks ahead: a call to strike
        (dt.date(2024, 1, 10), "2023-03-20"),  # months ahead: last year
        (dt.date(2024, 3, 20), "2024-03-20"),
    ],
)
def test_yearless_date_falls_on_or_before_the_reference(published: dt.date, expected: str) -> None:
    assert _found("tr", "Grev 20 Mart günü", published)[0][1] == expected
    assert dt.date.fromisoformat(expected) <= published + FUTURE_GRACE


def test_weekday_on_the_reference_day_is_the_reference() -> None:
    wednesday = dt.date(2024, 6, 5)
    assert _found("en", "on Wednesday", wednesday) == [
        ("on Wednesday", "2024-06-05", "day", "relative")
    ]
    assert _found("en", "on Thursday", wednesday)[0][1] == "2024-05-30"


def test_weekday_picks_the_year_of_a_yearless_date() -> None:
    # 2 March was a Saturday in 2013 and 2019; 2019 is the latest before the reference.
    found = _found("ar", "يوم السبت 2 مارس", dt.date(2020, 1, 1))
    assert found == [("يوم السبت 2 مارس", "2019-03-02", "day", "partial")]


def test_arabic_indic_and_persian_digits() -> None:
    assert _found("ar", "في ١٢ رمضان ١٤٤٤ هـ", None)[0][1] == "2023-04-03"
    assert _found("fa", "۱۴۰۲/۰۲/۱۱", None)[0][1] == "2023-05-01"


def test_impossible_calendar_dates_are_dropped() -> None:
    assert _found("fa", "۳۱ اسفند ۱۴۰۲ و 1402/13/01", None) == []
    assert _found("ru", "30 февраля 2024 года", None) == []


def test_confidence_is_lower_for_partial_and_relative_dates() -> None:
    doc = ArticleText("Grev 20 Mayıs 2024 ve 21 Mayıs, dün", "tr", RESOURCES["tr"], REF)
    absolute, partial, relative = extract_dates(doc)
    assert absolute.confidence > partial.confidence
    assert absolute.confidence > relative.confidence
    assert {m.span.field for m in (absolute, partial, relative)} == {"date"}


@pytest.mark.parametrize(
    ("expr", "lang", "reference", "expected"),
    [
        ("01.03.2024 | Автор", "ru", None, (dt.date(2024, 3, 1), "day")),
        ("Mayıs 2021", "tr", None, (dt.date(2021, 5, 1), "month")),
        ("Yayın tarihi: 12 Ekim 2021 günü, 14:05", "tr", None, (dt.date(2021, 10, 12), "day")),
        ("Cập nhật 15:30 ngày 15/3/2024", "vi", None, (dt.date(2024, 3, 15), "day")),
        ("۱۱ اردیبهشت ۱۴۰۲", "fa", None, (dt.date(2023, 5, 1), "day")),
        ("Published Tuesday 3rd of May 2022 by staff", "en", None, (dt.date(2022, 5, 3), "day")),
        ("yesterday", "en", REF, (dt.date(2024, 6, 4), "day")),
        ("yesterday", "en", None, None),
        ("№ 12-45", "ru", None, None),
        ("", "en", None, None),
        ("no date here", "en", REF, None),
        ("15 mars 2024", "xx", None, None),
    ],
)
def test_parse_date_expression(
    expr: str, lang: str, reference: dt.date | None, expected: object
) -> None:
    assert parse_date_expression(expr, lang, reference) == expected


# The grammar resolves parts itself for speed; on plain candidates it must agree with
# dateparser.parse run with the settings the brief gives.
AGREEMENT: list[tuple[str, str]] = [
    ("12 Ekim 2021", "tr"),
    ("1 марта 2024", "ru"),
    ("15.03.2024", "ru"),
    ("5 de mayo de 2021", "es"),
    ("15. März 2024", "de"),
    ("1 mai 2024", "fr"),
    ("3 May 2021", "en"),
    ("May 2021", "en"),
    ("2 مارس 2013", "ar"),
    ("15/3/2024", "vi"),
    ("Ekim 2021", "tr"),
    ("20 Mayıs", "tr"),
]


@pytest.mark.parametrize(("expr", "lang"), AGREEMENT)
def test_agrees_with_dateparser(expr: str, lang: str) -> None:
    settings: Any = {
        "DATE_ORDER": "MDY" if lang == "en" else "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": dt.datetime.combine(REF, dt.time()),
    }
    expected = dateparser.parse(expr, languages=[lang], settings=settings)
    assert expected is not None
    ours = parse_date_expression(expr, lang, REF)
    assert ours is not None
    assert ours[0] == expected.date()


@pytest.mark.parametrize("code", available_languages())
def test_real_resource_files(code: str) -> None:
    """Whatever the shipped [dates] sections hold, a plain numeric date is found."""
    doc = ArticleText("x 15.03.2024 x", code, load_language(code), REF)
    assert [(m.value, m.precision) for m in extract_dates(doc)] == [(dt.date(2024, 3, 15), "day")]


# Microsoft Recognizers-Text DateTime specs (MIT): sentences with a reference date and the dates
# they contain. Scored here on the date-only cases whose expression is written with digits
# (news-style); the relative phrases ("next week Tuesday") are beyond this extractor.
_BENCHMARK = (
    Path(__file__).parents[3] / ".." / "shared" / "benchmarks" / "recognizers-text-datetime"
)
_BENCHMARK_FLOORS = {
    "Turkish": ("tr", 0.55),
    "Spanish": ("es", 0.45),
    "French": ("fr", 0.35),
    "Portuguese": ("pt", 0.40),
    "German": ("de", 0.40),
    "English": ("en", 0.33),
}


def benchmark_score(folder: str, lang: str) -> tuple[int, int]:
    """(exact matches, scored expressions) over the digit-written date-only cases."""
    cases = json.loads((_BENCHMARK / folder / "DateTimeModel.json").read_text(encoding="utf-8-sig"))
    resources = load_language(lang)
    hits = total = 0
    for case in cases:
        reference = (case.get("Context") or {}).get("ReferenceDateTime")
        results = case.get("Results") or []
        if not reference or not results:
            continue
        if any(r.get("TypeName") != "datetimeV2.date" for r in results):
            continue
        doc = ArticleText(case["Input"], lang, resources, dt.date.fromisoformat(reference[:10]))
        mentions = extract_dates(doc)
        for result in results:
            resolution = result.get("Resolution")
            values = resolution.get("values") if isinstance(resolution, dict) else None
            if not isinstance(values, list) or not re.search(r"\d", result["Text"]):
                continue
            start, end = result["Start"], result["End"] + 1
            wanted = Counter(v.get("value") for v in values)
            total += 1
            overlapping = [m for m in mentions if m.span.start < end and start < m.span.end]
            if "not resolved" in wanted:
                hits += not overlapping
            else:
                hits += any(m.value.isoformat() in wanted for m in overlapping)
    return hits, total


@pytest.mark.skipif(not _BENCHMARK.is_dir(), reason="shared benchmarks not present")
@pytest.mark.parametrize("folder", sorted(_BENCHMARK_FLOORS))
def test_recognizers_text_benchmark(folder: str) -> None:
    lang, floor = _BENCHMARK_FLOORS[folder]
    hits, total = benchmark_score(folder, lang)
    assert total > 10
    assert hits / total >= floor


def test_weekday_that_contradicts_the_date_lowers_confidence() -> None:
    doc = ArticleText("Monday, 4 March 2024; Monday, 5 March 2024", "en", RESOURCES["en"], REF)
    right, wrong = extract_dates(doc)
    assert (right.value, wrong.value) == (dt.date(2024, 3, 4), dt.date(2024, 3, 5))
    assert right.confidence > wrong.confidence


def test_cjk_unit_dates() -> None:
    """2025年1月18日 and a yearless 1月20日 resolved against the publication date."""
    from laborlens.resources.schema import load_language

    text = "2025年1月18日，快递员集体拒绝接单。1月20日工会介入。3月还会再谈。"
    doc = ArticleText(text, "zh", load_language("zh"), dt.date(2025, 1, 21))
    found = [(m.value, m.precision, text[m.span.start : m.span.end]) for m in extract_dates(doc)]
    assert found == [
        (dt.date(2025, 1, 18), "day", "2025年1月18日"),
        (dt.date(2025, 1, 20), "day", "1月20日"),
    ]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "The union will strike next Tuesday, it said.", dt.date(2024, 3, 12)),
        ("es", "Los trabajadores harán huelga el próximo jueves.", dt.date(2024, 3, 7)),
        ("ar", "ينظم العمال وقفة يوم الثلاثاء المقبل أمام الوزارة.", dt.date(2024, 3, 12)),
        ("en", "Workers struck on Tuesday.", dt.date(2024, 3, 5)),
    ],
)
def test_next_weekday_goes_forward(lang: str, text: str, expected: dt.date) -> None:
    from laborlens.resources.schema import load_language

    doc = ArticleText(text, lang, load_language(lang), dt.date(2024, 3, 6))
    assert [m.value for m in extract_dates(doc)] == [expected]


# --------------------------------------------------------------------------- real language files
# Sentences written for these tests, run through the shipped resource files and dates.toml.
PUB = dt.date(2024, 6, 20)  # a Thursday

REAL_CASES: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    # relative months and years, "N units ago"
    ("en", "Pay was cut last month and the union balloted members two days ago.",
     [("last month", "2024-05-01", "month"), ("two days ago", "2024-06-18", "day")]),
    ("en", "The plant closed in March; a similar dispute broke out in May last year.",
     [("in March", "2024-03-01", "month"), ("in May last year", "2023-05-01", "month")]),
    ("ru", "В прошлом месяце зарплату не платили, а три дня назад рабочие вышли на пикет.",
     [("В прошлом месяце", "2024-05-01", "month"), ("три дня назад", "2024-06-17", "day")]),
    ("ru", "Долги копятся с ноября прошлого года, в мае завод встал.",
     [("ноября прошлого года", "2023-11-01", "month"), ("мае", "2024-05-01", "month")]),
    ("tr", "Geçen ay başlayan eylem iki gün önce sona erdi.",
     [("Geçen ay", "2024-05-01", "month"), ("iki gün önce", "2024-06-18", "day")]),
    ("tr", "Zam Ocak ayında yapıldı, işçiler 3-5 Mart arasında iş bıraktı.",
     [("Ocak ayında", "2024-01-01", "month"), ("3-5 Mart", "2024-03-03", "day"),
      ("3-5 Mart", "2024-03-05", "day")]),
    ("ar", "أضرب العمال قبل يومين بعد أن توقفت الرواتب الشهر الماضي.",
     [("قبل يومين", "2024-06-18", "day"), ("الشهر الماضي", "2024-05-01", "month")]),
    ("fa", "کارگران سه روز پیش تجمع کردند و حقوق ماه گذشته پرداخت نشد.",
     [("سه روز پیش", "2024-06-17", "day"), ("ماه گذشته", "2024-05-01", "month")]),
    ("vi", "Tháng trước công ty nợ lương, 3 ngày trước công nhân ngừng việc.",
     [("Tháng trước", "2024-05-01", "month"), ("3 ngày trước", "2024-06-17", "day")]),
    ("vi", "Từ tháng Ba đến nay, lương tháng 3 năm nay vẫn chưa trả.",
     [("tháng Ba", "2024-03-01", "month"), ("tháng 3 năm nay", "2024-03-01", "month")]),
    ("es", "Los mineros pararon hace dos días; el año pasado ya hubo una huelga en enero.",
     [("hace dos días", "2024-06-18", "day"), ("el año pasado", "2023-01-01", "year"),
      ("enero", "2024-01-01", "month")]),
    ("pt", "Os motoristas pararam há três dias, como no mês passado.",
     [("há três dias", "2024-06-17", "day"), ("mês passado", "2024-05-01", "month")]),
    ("fr", "La grève a commencé il y a trois jours, comme l'année dernière en mars.",
     [("il y a trois jours", "2024-06-17", "day"), ("l'année dernière", "2023-01-01", "year"),
      ("en mars", "2024-03-01", "month")]),
    ("de", "Die Beschäftigten streikten vor drei Tagen, im vergangenen Jahr dann im Januar.",
     [("vor drei Tagen", "2024-06-17", "day"), ("im vergangenen Jahr", "2023-01-01", "year"),
      ("im Januar", "2024-01-01", "month")]),
    ("id", "Buruh mogok tiga hari lalu karena upah bulan lalu belum dibayar.",
     [("tiga hari lalu", "2024-06-17", "day"), ("bulan lalu", "2024-05-01", "month")]),
    ("hi", "मजदूरों ने तीन दिन पहले हड़ताल की, पिछले महीने वेतन नहीं मिला।",
     [("तीन दिन पहले", "2024-06-17", "day"), ("पिछले महीने", "2024-05-01", "month")]),
    ("zh", "司机今天罢工，去年年终奖减半。",
     [("今天", "2024-06-20", "day"), ("去年", "2023-01-01", "year")]),
    # month names of every region and calendar
    ("ar", "إضراب يومي الثلاثاء والأربعاء 14 و15 نونبر الجاري.",
     [("الثلاثاء والأربعاء 14 و15 نونبر الجاري", "2023-11-14", "day"),
      ("الثلاثاء والأربعاء 14 و15 نونبر الجاري", "2023-11-15", "day")]),
    ("ar", "اعتصم العمال في 3 شباط و10 آذار 2024.",
     [("3 شباط و10 آذار 2024", "2024-02-03", "day"),
      ("3 شباط و10 آذار 2024", "2024-03-10", "day")]),
    ("ar", "توقف العمل يوم 5 جوان و6 جويلية في الجزائر.",
     [("يوم 5 جوان و6 جويلية", "2024-06-05", "day"),
      ("يوم 5 جوان و6 جويلية", "2024-07-06", "day")]),
    ("fa", "اتحادیه روز جمعه ۱۵ ثور ۱۴۰۲ نامه‌ای منتشر کرد.",
     [("روز جمعه ۱۵ ثور ۱۴۰۲", "2023-05-05", "day")]),
    ("fa", "کارگران از ماه قوس سال گذشته معاش نگرفته‌اند.",
     [("ماه قوس سال گذشته", "2023-11-22", "month")]),
    ("vi", "Hai ngày 20-21/6, công nhân tạm ngừng việc.",
     [("ngày 20-21/6", "2024-06-20", "day"), ("ngày 20-21/6", "2024-06-21", "day")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    REAL_CASES,
    ids=[f"{c[0]}-{i:02d}" for i, c in enumerate(REAL_CASES)],
)
def test_real_language_files(lang: str, text: str, expected: list[tuple[str, str, str]]) -> None:
    doc = ArticleText(text, lang, load_language(lang), PUB)
    found = [
        (text[m.span.start : m.span.end], m.value.isoformat(), m.precision)
        for m in extract_dates(doc)
    ]
    assert found == expected


REAL_TRAPS: list[tuple[str, str]] = [
    ("en", "The march on the ministry may go ahead, the union said."),  # lower-case month words
    ("en", "Workers marched for the next day and the previous week."),  # days and weeks move
    ("fa", "کارگران تا می توانند اعتراض می کنند."),  # می is a verb prefix, not May
    ("vi", "Lương tháng 5 triệu đồng, tăng 3/4 năm trước."),  # a monthly wage, a fraction
    ("tr", "Yüzde 3 ile 5 arasında zam, saat 10'da toplantı."),
    ("ar", "و15 عاملا من أصل 200 عامل."),
]


@pytest.mark.parametrize(
    ("lang", "text"), REAL_TRAPS, ids=[f"{t[0]}-{i:02d}" for i, t in enumerate(REAL_TRAPS)]
)
def test_real_language_files_traps(lang: str, text: str) -> None:
    doc = ArticleText(text, lang, load_language(lang), PUB)
    assert extract_dates(doc) == ()


def test_digit_inside_a_number_is_not_a_number() -> None:
    """'و11 شتنبر' is the 11th, never the 1st: a number never starts after another digit."""
    doc = ArticleText("و11 شتنبر", "ar", load_language("ar"), PUB)
    assert [m.value for m in extract_dates(doc)] == [dt.date(2023, 9, 11)]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # December article: "will" puts a yearless date in the coming year
        ("en", "The union will strike on 3 March.", dt.date(2025, 3, 3)),
        ("en", "The union struck on 3 March.", dt.date(2024, 3, 3)),
        ("vi", "Việc cắt giảm sẽ được thực hiện từ ngày 10/1.", dt.date(2025, 1, 10)),
        ("ru", "Профсоюз намерен провести забастовку 15 февраля.", dt.date(2025, 2, 15)),
    ],
)
def test_future_sentence_moves_yearless_date_forward(
    lang: str, text: str, expected: dt.date
) -> None:
    doc = ArticleText(text, lang, load_language(lang), dt.date(2024, 12, 10))
    assert extract_dates(doc)[0].value == expected


def test_past_weekday_stays_past_in_a_future_sentence() -> None:
    text = "أبلغت الإدارة العمال يوم الأحد الماضي بأن الرواتب لن تصرف."
    doc = ArticleText(text, "ar", load_language("ar"), dt.date(2023, 2, 14))
    assert [m.value for m in extract_dates(doc)] == [dt.date(2023, 2, 12)]
