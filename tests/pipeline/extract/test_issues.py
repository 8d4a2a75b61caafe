"""Issue codes: the vocabulary of each issue in Arabic and Persian news, and the names and
phrases that only look like an issue (a ministry's name, a taxi fare, the nurses themselves).

Texts are our own.
"""

from __future__ import annotations

import pytest

from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.issues import extract_issues
from laborlens.resources.schema import load_language


def _codes(lang: str, text: str, headline: str = "") -> set[str]:
    res = load_language(lang)
    assert res is not None
    full = f"{headline}\n{text}" if headline else text
    doc = ArticleText(full, lang, res, title_end=len(headline))
    return {issue.code for issue in extract_issues(doc)}


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        (
            "ar",
            "يعمل منذ سنوات بعقد يجدد كل ستة أشهر ويطالب بالتثبيت على الملاك الدائم.",
            "job_security",
        ),
        ("ar", "أقدمت الإدارة على صرف 120 موظفا دون إنذار.", "job_security"),
        ("ar", "للمطالبة بصرف أجورهم المتخلدة بذمة الشركة منذ ثلاثة أشهر.", "wage_arrears"),
        ("ar", "يعيش الموظفون أوضاعا صعبة بعد انقطاع مرتباتهم للشهر الخامس.", "wage_arrears"),
        ("ar", "سيعمل المكتب على الدفاع عن المقدرة الشرائية للشغالين.", "cost_of_living"),
        ("ar", "بعد أن فقدت الرواتب قيمتها بسبب انهيار الليرة.", "cost_of_living"),
        ("ar", "توفي عامل من الجنسية الآسيوية في موقع البناء.", "migrant_workers"),
        ("ar", "لقي عاملان مصرعهما في انهيار جزئي داخل المنجم.", "health_safety"),
        ("ar", "ملاحقة العمال بسبب نشاطهم النقابي.", "union_rights"),
        ("ar", "تنديدا بالاقتطاعات من أجور المضربين.", "union_rights"),
        (
            "ar",
            "تسوية النزاعات الفردية والجماعية بين العمال وأصحاب الأعمال.",
            "collective_bargaining",
        ),
        ("ar", "صرف مكافأة نهاية الخدمة للعمال قبل مغادرتهم.", "pensions_social_security"),
        ("fa", "کارگران پروژه‌ای خواستار اجرای ۲۰ روز کار و ۱۰ روز استراحت شدند.", "working_hours"),
        ("fa", "داروخانه‌ها دفترچه‌هایمان را قبول نمی‌کنند.", "healthcare"),
        ("fa", "کارگر جان‌باخته تبعه افغانستان بود.", "migrant_workers"),
        ("fa", "بر ضرورت تقویت گفت‌وگوی اجتماعی تاکید کرد.", "collective_bargaining"),
        ("fa", "معاش این ماه را هم نگرفتیم.", "wage_arrears"),
        ("fa", "کارگران بازگشته از ایران و پاکستان بیکار هستند.", "migrant_workers"),
        ("fa", "به قطع مزایای شیفت اعتراض کردند.", "wages"),
        ("fa", "خواستار پایان دادن به احضار و پرونده‌سازی برای معلمان شدند.", "union_rights"),
    ],
)
def test_issue_is_found(lang: str, text: str, code: str) -> None:
    assert code in _codes(lang, text)


@pytest.mark.parametrize(
    ("lang", "text", "code"),
    [
        # names and titles are not issues
        ("fa", "مدیرکل تعاون، کار و رفاه اجتماعی استان گفت", "working_conditions"),
        ("fa", "پرستاران و کادر درمان بیمارستان تجمع کردند.", "healthcare"),
        ("fa", "کارگر مصدوم برای درمان به بیمارستان منتقل شد.", "healthcare"),
        ("ar", "بحضور مسؤولين من وزارة الصحة والحماية الاجتماعية.", "pensions_social_security"),
        ("ar", "ليعمل سائق أجرة في المساء.", "wages"),
        ("ar", "قال منتسبو الشركة إن الإدارة لم توضح موقفها.", "union_membership"),
        # a local stand of solidarity is not international solidarity
        ("ar", "نظم العمال وقفة تضامنية مع زملائهم المفصولين.", "international_solidarity"),
        # arriving for a shift is not a working-hours issue; a leased bus is no housing
        ("fa", "وقتی برای شروع شیفت به محل کار رسیدند در را قفل دیدند.", "working_hours"),
        ("fa", "اتوبوس‌ها به صورت اجاره‌ای کار می‌کنند.", "housing"),
    ],
)
def test_look_alikes_are_not_issues(lang: str, text: str, code: str) -> None:
    assert code not in _codes(lang, text)


def test_the_headline_issue_leads() -> None:
    res = load_language("fa")
    assert res is not None
    headline = "تجمع بازنشستگان در اعتراض به همسان‌سازی نشدن مستمری‌ها"
    doc = ArticleText(
        f"{headline}\nبازنشستگان خواستار افزایش مستمری متناسب با تورم شدند.",
        "fa",
        res,
        title_end=len(headline),
    )
    issues = extract_issues(doc)
    assert issues and issues[0].code == "pensions_social_security"
