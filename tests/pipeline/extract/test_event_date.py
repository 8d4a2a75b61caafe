"""choose_event_date: which of an article's dates is the main event's, in several languages.

Articles are written for these tests; each case puts a background date (an old event, a
deadline, an effective date, a period edge) next to the event's own date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from laborlens.pipeline.extract.dates import extract_dates, period_edges
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.events import choose_event_date, classify_event
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.resources.schema import load_language


def _chosen(lang: str, headline: str, body: str, published: dt.date) -> tuple[dt.date, str]:
    text = f"{headline}\n{body}"
    doc = ArticleText(text, lang, load_language(lang), published, title_end=len(headline))
    decision = classify_event(doc, ExclusionMask(doc))
    chosen = choose_event_date(doc, extract_dates(doc), decision.triggers)
    assert chosen is not None
    return chosen.value, chosen.precision


Case = tuple[str, str, str, dt.date, dt.date, str]
CASES: list[Case] = [
    # a proposal made today whose effect starts in a year named first
    ("vi", "Công đoàn đề xuất tăng lương từ năm 2026",
     "Sáng 9/7, tại cuộc họp, công đoàn đề xuất tăng lương tối thiểu, áp dụng từ ngày 1/1/2026.",
     dt.date(2025, 7, 9), dt.date(2025, 7, 9), "day"),
    # layoffs decided yesterday, carried out next month
    ("vi", "Nhà máy cắt giảm 500 lao động",
     "Ngày 4/3, công ty thông báo cắt giảm 500 lao động. Việc cắt giảm sẽ thực hiện từ ngày "
     "1/5 đến 31/5.",
     dt.date(2025, 3, 5), dt.date(2025, 3, 4), "day"),
    # a strike today, wages unpaid since a month long past
    ("en", "Bus drivers strike over unpaid wages",
     "Drivers have not been paid since January 2024. On Monday, some 300 drivers walked out "
     "at the main depot.",
     dt.date(2024, 6, 19), dt.date(2024, 6, 17), "day"),
    # an anniversary of an old disaster in the lead, the commemoration today
    ("tr", "Madenciler anıldı",
     "13 Mayıs 2014'te hayatını kaybeden madenciler bugün düzenlenen törenle anıldı.",
     dt.date(2024, 5, 13), dt.date(2024, 5, 13), "day"),
    # a wage rise planned for July (no year): the event is today's statement
    ("tr", "Sendika zam talebini açıkladı",
     "Konfederasyon Temmuz ayında yapılacak zam için taleplerini bugün düzenlenen basın "
     "toplantısıyla açıkladı.",
     dt.date(2024, 5, 21), dt.date(2024, 5, 21), "day"),
    # a strike called for next week (day given), a law of years ago
    ("ru", "Профсоюз объявил забастовку",
     "Профсоюз намерен провести забастовку 25 марта. Закон о минимальной оплате принят в "
     "2019 году.",
     dt.date(2025, 3, 18), dt.date(2025, 3, 25), "day"),
    # the day before, told as a weekday; salaries of a named month
    ("ar", "موظفو الشركة بلا رواتب",
     "أبلغت الإدارة يوم الأحد الماضي الموظفين بأن رواتب شهر كانون الثاني لن تصرف.",
     dt.date(2023, 2, 14), dt.date(2023, 2, 12), "day"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i:02d}" for i, c in enumerate(CASES)])
def test_event_date(case: Case) -> None:
    lang, headline, body, published, expected, precision = case
    assert _chosen(lang, headline, body, published) == (expected, precision)


@pytest.mark.parametrize(
    ("lang", "text", "edge"),
    [
        ("en", "Wages have been frozen since 1 March 2024.", True),
        ("en", "The strike lasted from 3 to 5 March 2024.", False),
        ("ru", "Долг копится с 1 марта 2024 года.", True),
        ("tr", "Yasa 1 Ocak 2024'ten itibaren yürürlükte.", True),
        ("tr", "Grev 1 Ocak 2024 günü başladı.", False),
        ("fa", "قرارداد تا ۲۹ اسفند ۱۴۰۲ اعتبار دارد.", True),
    ],
)
def test_period_edges(lang: str, text: str, edge: bool) -> None:
    doc = ArticleText(text, lang, load_language(lang), dt.date(2024, 6, 1))
    dates = extract_dates(doc)
    assert dates
    assert bool(period_edges(doc, dates)) is edge
