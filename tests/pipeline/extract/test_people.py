"""People beside titles and honorifics, with normalised roles, per language (our sentences)."""

from __future__ import annotations

import pytest

from laborlens.pipeline.backends.morphology import load_morphology
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.organisations import extract_organisations
from laborlens.pipeline.extract.people import extract_people
from laborlens.resources.schema import load_language

# (lang, text, [(name, role)])
CASES = [
    (
        "tr",
        "Sendikanın Genel Başkanı Mehmet Yıldırım, Genel Sekreter Ayşe Demir ile birlikte konuştu.",
        [("Mehmet Yıldırım", "chair")],
    ),
    (
        "ru",
        "Встреча прошла с председателем Федерации профсоюзов Кыргызстана Айгуль Токтогуловой.",
        [("Айгуль Токтогулова", "chair")],
    ),
    (
        "en",
        "Union general secretary Mary Okafor said the strike would go ahead.",
        [("Mary Okafor", "secretary general")],
    ),
    (
        "vi",
        "Phát biểu tại hội nghị, ông Trần Văn Hùng, Chủ tịch Công đoàn Khu công nghiệp, cho biết.",
        [("Trần Văn Hùng", "chair")],
    ),
    (
        "ar",
        "وقال السيد أحمد بن علي، الكاتب العام للنقابة الوطنية للتعليم، إن الإضراب سيستمر.",
        [("أحمد بن علي", None)],
    ),
    (
        "fa",
        "در این نشست حسین رضایی مدیرکل تعاون، کار و رفاه اجتماعی استان حضور داشت.",
        [("حسین رضایی", "director general")],
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_people_and_roles(lang: str, text: str, expected: list[tuple[str, str | None]]) -> None:
    res = load_language(lang)
    assert res is not None
    morph = load_morphology(res.morphology)
    doc = ArticleText(text, lang, res)
    people = extract_people(doc, extract_organisations(doc, (), morph), (), morph)
    by_name = {p.name: p for p in people}
    for name, role in expected:
        assert name in by_name, (name, list(by_name))
        if role is not None:
            assert by_name[name].role == role
        assert by_name[name].name_latin.isascii()


def test_surname_alone_merges_with_full_name() -> None:
    res = load_language("tr")
    assert res is not None
    text = "Sendika Genel Başkanı Mehmet Yıldırım açıklama yaptı. Yıldırım'a göre grev sürecek."
    people = extract_people(ArticleText(text, "tr", res))
    assert [p.name for p in people] == ["Mehmet Yıldırım"]
