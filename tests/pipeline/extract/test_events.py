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
    (
        # Gulf usage: a stoppage told as "stopped work", the motive as "in protest at"
        "ar",
        "عمال شركة مقاولات يتوقفون عن العمل احتجاجا على تأخر رواتبهم",
        "توقف مئات العمال عن العمل منذ صباح الأحد احتجاجا على تأخر صرف رواتبهم منذ شهرين.",
        "strike",
    ),
    (
        # Jordanian and Iraqi sit-ins (اعتصام) are protests, not strikes
        "ar",
        "عمال المياومة يعتصمون أمام مبنى البلدية",
        "نفذ عشرات العمال اعتصاما أمام مبنى البلدية للمطالبة بتثبيتهم.",
        "protest",
    ),
    (
        # Dari: the salary is معاش, the province ولایت
        "fa",
        "معاش کارمندان قراردادی سه ماه پرداخت نشده است",
        "کارمندان قراردادی شرکت برق در ولایت بلخ می‌گویند سه ماه است معاش نگرفته‌اند.",
        "layoff",
    ),
    (
        # teachers who do not go into the classroom are on strike
        "fa",
        "معلمان در چند شهر سر کلاس نرفتند",
        "معلمان امروز در اعتراض به اجرا نشدن رتبه‌بندی در کلاس‌های درس حاضر نشدند.",
        "strike",
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


def _lines(lang: str, *lines: str) -> ArticleText:
    """A page as crawled: the first line is what headline detection takes as the headline."""
    res = load_language(lang)
    assert res is not None
    return ArticleText("\n".join(lines), lang, res, None, title_end=len(lines[0]))


def test_a_masthead_line_does_not_hide_the_headline() -> None:
    # "IRNA - Tehran" reads as the headline; the meeting in the real headline must weigh as
    # headline, so a wage-setting session named once in the lead does not take over.
    doc = _lines(
        "fa",
        "ایرنا - تهران",
        "دیدار وزیر کار با اعضای کانون عالی شوراهای اسلامی کار",
        "وزیر کار امروز در دیدار با اعضای کانون بر حضور نمایندگان کارگران در جلسات تعیین مزد "
        "تاکید کرد.",
        "در این نشست اعضای کانون دیدگاه‌های خود را درباره امنیت شغلی مطرح کردند.",
    )
    decision = classify_event(doc, ExclusionMask(doc))
    assert decision.type == "meeting"


def test_a_passing_mention_does_not_reframe_a_meeting() -> None:
    doc = _doc(
        "en",
        "Minister meets union leaders",
        "The labour minister met leaders of the union federation on Monday. They discussed the "
        "pension reform, training and the coming wage negotiations.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "meeting"


def test_may_day_as_the_occasion_of_a_letter_is_a_demand() -> None:
    doc = _doc(
        "fa",
        "کارگران شهرداری: پنج ماه است معاش نگرفته‌ایم",
        "اتحادیه کارگران به مناسبت روز جهانی کارگر با نشر نامه‌ای سرگشاده از شهرداری خواست "
        "معاش معوقه کارگران را بپردازد. اتحادیه همچنین خواستار بازگشت زنان کارگر به کار شد.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "demand"


def test_unpaid_wages_behind_a_strike_are_the_grievance() -> None:
    # the headline tells the arrears; the lead tells the strike they caused
    doc = _doc(
        "ar",
        "منتسبو شركة النسيج بلا رواتب منذ ثلاثة أشهر",
        "أضرب منتسبو الشركة عن العمل صباح الأحد احتجاجا على تأخر صرف رواتبهم وعدم صرف "
        "مستحقاتهم. وتواصل الإضراب اليوم لليوم الثاني.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "strike"


def test_an_arrest_in_the_headline_outweighs_the_protest_before_it() -> None:
    doc = _doc(
        "fa",
        "بازداشت سه عضو سندیکا پس از تجمع رانندگان",
        "سه عضو سندیکا پس از شرکت در تجمع اعتراضی رانندگان مقابل شورای شهر بازداشت شدند. "
        "رانندگان در این تجمع خواستار افزایش دستمزد شده بودند.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "repression"


def test_a_court_prosecuting_a_strike_leader_is_repression_not_a_strike() -> None:
    doc = _doc(
        "ar",
        "إحالة كاتب عام نقابة على القضاء بسبب إضراب",
        "قرر قاضي التحقيق إحالة الكاتب العام للنقابة على القضاء بتهمة تعطيل حرية العمل على "
        "خلفية الإضراب الذي نفذه الأعوان الشهر الماضي.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "repression"


def test_a_strike_law_adopted_is_legal_not_a_strike() -> None:
    doc = _doc(
        "ar",
        "مجلس النواب يصادق على مشروع القانون التنظيمي لممارسة حق الإضراب",
        "صادق مجلس النواب مساء الأربعاء على مشروع القانون الذي يحدد شروط ممارسة حق الإضراب.",
    )
    assert classify_event(doc, ExclusionMask(doc)).type == "legal"


@pytest.mark.parametrize(
    ("lang", "phrase", "absent"),
    [
        ("ar", "توسيع شمولهم بمظلة الضمان الاجتماعي", "meeting"),  # social, not a meeting
        ("ar", "توفير نقل آمن للعاملات", "accident"),  # provide, not "died"
        ("ar", "مع حق الإضراب الذي يكفله الدستور", "strike"),  # a right, not a strike
        ("fa", "رئیس اتحادیه در گفت‌وگو با ایلنا گفت", "meeting"),  # an interview
        ("fa", "معاون وزارت آموزش و پرورش گفت", "training"),  # the education ministry
        ("fa", "حذف قراردادهای سفید امضا", "agreement"),  # blank-signed contracts
        ("fa", "برق چند ساعت قطع شد", "accident"),  # a power cut
    ],
)
def test_false_friends_trigger_no_event(lang: str, phrase: str, absent: str) -> None:
    res = load_language(lang)
    assert res is not None
    doc = ArticleText(phrase, lang, res)
    labels = {h.label for h in ExclusionMask(doc).keep(list(res.events.finditer(doc.folded)))}
    assert absent not in labels


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("ar", "وأبلغت الإدارة العمال بتأجيل صرف الرواتب إلى أجل غير مسمى."),
        ("ar", "وقعت النقابة والإدارة الاتفاقية التي تسري ابتداء من الشهر المقبل."),
        ("fa", "معاش کارمندان به دلیل کمبود بودجه به تعویق افتاده است."),
    ],
)
def test_a_time_word_or_a_delayed_payment_is_no_modality(lang: str, sentence: str) -> None:
    res = load_language(lang)
    assert res is not None
    doc = ArticleText(sentence, lang, res)
    assert not list(res.modality.finditer(doc.folded))


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("ar", "وقررت النقابة تأجيل الإضراب إلى الأسبوع المقبل."),
        ("ar", "ستنظم النقابة وقفة احتجاجية أمام الوزارة."),
        ("fa", "اعتصاب رانندگان به هفته آینده به تعویق افتاد."),
        ("fa", "کارگران اعلام کردند دست به تجمع خواهند زد."),
    ],
)
def test_postponed_or_planned_actions_are_marked(lang: str, sentence: str) -> None:
    res = load_language(lang)
    assert res is not None
    doc = ArticleText(sentence, lang, res)
    assert list(res.modality.finditer(doc.folded))
