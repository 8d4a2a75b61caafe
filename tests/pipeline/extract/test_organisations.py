"""Organisation names grow from their head noun and stop where the name stops, per language.

Sentences are our own; each case names the organisations a reader would list.
"""

from __future__ import annotations

import pytest

from laborlens.pipeline.backends.morphology import load_morphology
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.organisations import extract_organisations
from laborlens.resources.patterns import fold_for_matching
from laborlens.resources.schema import load_language

# (lang, text, expected organisation names (each must be found: equal or contained), kind of first)
CASES = [
    (
        "tr",
        "Türkiye Maden İşçileri Sendikası (Maden-İş) üyeleri dün Zonguldak'ta toplandı. "
        "Maden-İş yöneticileri Enerji ve Tabii Kaynaklar Bakanlığı önünde açıklama yaptı.",
        ["Türkiye Maden İşçileri Sendikası", "Enerji ve Tabii Kaynaklar Bakanlığı"],
        "union",
    ),
    (
        "en",
        "Members of the National Union of Rail Workers met managers of Coastal Freight Ltd "
        "on Tuesday. The union said the talks with the company had stalled.",
        ["National Union of Rail Workers", "Coastal Freight Ltd"],
        "union",
    ),
    (
        "ru",
        "Представители Профсоюза работников угольной промышленности Кузбасса встретились "
        "с руководством компании. Профсоюз потребовал погасить долги по зарплате.",
        ["Профсоюз работников угольной промышленности Кузбасса"],
        "union",
    ),
    (
        "vi",
        "Công đoàn Công ty May Sông Hồng đã tổ chức đối thoại với người lao động. "
        "Đại diện Sở Lao động - Thương binh và Xã hội tỉnh Nam Định cũng tham dự.",
        ["Công đoàn Công ty May Sông Hồng"],
        "union",
    ),
    (
        "ar",
        "أعلنت النقابة الوطنية للتعليم عن إضراب جديد، وقالت إن وزارة التربية الوطنية لم تف بوعودها.",
        ["النقابة الوطنية للتعليم", "وزارة التربية الوطنية"],
        "union",
    ),
    (
        "fa",
        "سندیکای کارگران شرکت واحد اتوبوسرانی در بیانیه ای از وزارت کار خواست دستمزد را افزایش دهد.",
        ["سندیکای کارگران شرکت واحد"],
        "union",
    ),
]


# (lang, text, names that must be found exactly, names that must not be found)
BOUNDARIES = [
    (
        "fa",
        "محمد قاسمی، دبیر اتحادیه کارگران قراردادی و پیمانی استان فارس گفت دولت باید تصمیم بگیرد.",
        ["اتحادیه کارگران قراردادی و پیمانی استان فارس"],
        ["دولت باید تصمیم"],
    ),
    (
        "fa",
        "سرپرست معاونت سیاسی، امنیتی و اجتماعی استانداری گیلان با کارگران دیدار کرد.",
        ["معاونت سیاسی، امنیتی و اجتماعی استانداری گیلان"],
        [],
    ),
    (
        "fa",
        "دبیر کانون انجمن‌های صنفی کارگران ساختمانی استان یزد خواستار بیمه شد.",
        ["کانون انجمن‌های صنفی کارگران ساختمانی استان یزد"],
        [],
    ),
    (
        "fa",
        "بانک‌ها تسهیلات نمی‌دهند و کارخانه‌ای در این شهرک فعال نیست.",
        [],
        ["بانک‌ها تسهیلات"],
    ),
    (
        "ar",
        "طالبت نقابة العاملين في الكهرباء وزارة الكهرباء بتثبيت العقود المؤقتة.",
        ["نقابة العاملين في الكهرباء", "وزارة الكهرباء"],
        [],
    ),
    (
        "ar",
        "وقع الاتحاد العام لعمال الكويت والهيئة العامة للقوى العاملة مذكرة تفاهم.",
        ["الاتحاد العام لعمال الكويت", "الهيئة العامة للقوى العاملة"],
        [],
    ),
    (
        "ar",
        "ودعت الوزارة الأساتذة إلى استئناف الدروس.",
        [],
        ["الوزارة الأساتذة"],
    ),
]


@pytest.mark.parametrize(
    ("lang", "text", "exact", "absent"), BOUNDARIES, ids=[c[0] for c in BOUNDARIES]
)
def test_name_boundaries(lang: str, text: str, exact: list[str], absent: list[str]) -> None:
    res = load_language(lang)
    assert res is not None
    names = [
        fold_for_matching(o.name)
        for o in extract_organisations(ArticleText(text, lang, res), (), None)
    ]
    for name in exact:
        assert fold_for_matching(name) in names, (name, names)
    for name in absent:
        assert fold_for_matching(name) not in names, (name, names)


def test_company_inside_a_union_name_is_kept_as_its_own_organisation() -> None:
    res = load_language("fa")
    assert res is not None
    text = "شورای اسلامی کار شرکت پتروشیمی بندر امام با کارفرما قرارداد بست."
    orgs = extract_organisations(ArticleText(text, "fa", res))
    kinds = {o.kind for o in orgs}
    assert kinds == {"union", "employer"}, [(o.name, o.kind) for o in orgs]


def test_variants_differing_by_an_admin_word_are_one_organisation() -> None:
    res = load_language("fa")
    assert res is not None
    text = (
        "انجمن صنفی کارگران ساختمانی شهرستان مریوان تشکیل جلسه داد. "
        "اعضای انجمن صنفی کارگران ساختمانی مریوان رای دادند."
    )
    orgs = extract_organisations(ArticleText(text, "fa", res))
    assert len(orgs) == 1, [o.name for o in orgs]


def _found(expected: str, names: list[str]) -> bool:
    e = fold_for_matching(expected)
    return any(e in fold_for_matching(n) or fold_for_matching(n) in e for n in names)


@pytest.mark.parametrize(
    ("lang", "text", "expected", "first_kind"), CASES, ids=[c[0] for c in CASES]
)
def test_names_and_kinds(lang: str, text: str, expected: list[str], first_kind: str) -> None:
    res = load_language(lang)
    assert res is not None
    morph = load_morphology(res.morphology)
    orgs = extract_organisations(ArticleText(text, lang, res), (), morph)
    names = [o.name for o in orgs] + [a for o in orgs for a in o.aliases]
    for name in expected:
        assert _found(name, names), (name, names)
    first = next(o for o in orgs if _found(expected[0], [o.name, *o.aliases]))
    assert first.kind == first_kind
    for org in orgs:
        for span in org.spans:
            assert 0 <= span.start < span.end <= len(text)


def test_bracketed_acronym_is_an_alias_and_is_linked_later() -> None:
    res = load_language("en")
    assert res is not None
    text = (
        "The Federation of Independent Dockers (FID) called a stoppage. "
        "FID leaders said the stoppage would continue."
    )
    orgs = extract_organisations(ArticleText(text, "en", res))
    fid = next(o for o in orgs if "Federation of Independent Dockers" in o.name)
    assert "FID" in fid.aliases
    assert len(fid.spans) >= 3


def test_initials_link_an_acronym_without_brackets() -> None:
    res = load_language("tr")
    assert res is not None
    text = "Devrimci Taşımacılık Sendikası bugün eylem yaptı. DTS üyeleri iş bıraktı."
    orgs = extract_organisations(ArticleText(text, "tr", res))
    assert any("DTS" in o.aliases for o in orgs)


def test_lowercase_generic_head_is_not_an_organisation() -> None:
    res = load_language("ru")
    assert res is not None
    text = "профсоюзы двух стран обсудили вопросы профсоюзного движения."
    assert (
        extract_organisations(ArticleText(text, "ru", res), (), load_morphology("pymorphy3")) == ()
    )
