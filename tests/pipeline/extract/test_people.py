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


def _people(lang: str, text: str) -> dict[str, tuple[str | None, str | None]]:
    res = load_language(lang)
    assert res is not None
    morph = load_morphology(res.morphology)
    doc = ArticleText(text, lang, res)
    people = extract_people(doc, extract_organisations(doc, (), morph), (), morph)
    return {p.name: (p.role, p.organization) for p in people}


@pytest.mark.parametrize(
    ("lang", "text", "name", "role"),
    [
        (
            "ar",
            "وقال الكاتب العام للاتحاد الجهوي للشغل بالمنستير خالد الحمامي إن الإضراب قائم.",
            "خالد الحمامي",
            "secretary general",
        ),
        (
            "ar",
            "استقبل وزير الصحة والسكان أحمد الرفاعي وفدا من نقابة الأطباء.",
            "أحمد الرفاعي",
            "minister",
        ),
        (
            "ar",
            "وقالت منسقة لجنة المرأة في النقابة سلمى العبيدي، إن العاملات بلا عقود.",
            "سلمى العبيدي",
            "coordinator",
        ),
    ],
)
def test_name_after_the_title_complement_without_capitals(
    lang: str, text: str, name: str, role: str
) -> None:
    people = _people(lang, text)
    assert name in people, list(people)
    assert people[name][0] == role


def test_coordinated_names_share_the_title() -> None:
    text = "مریم احمدی و علی کرمی، اعضای هیئت مدیره سندیکای کارگران نساجی، احضار شدند."
    people = _people("fa", text)
    assert people.get("مریم احمدی", (None,))[0] == "member of the executive board"
    assert people.get("علی کرمی", (None,))[0] == "member of the executive board"


def test_title_that_contains_the_organisation_head_links_it() -> None:
    text = "بهروز نادری، رئیس اتحادیه کارگران قراردادی استان گیلان گفت حقوق پرداخت نشده است."
    _role, organisation = _people("fa", text)["بهروز نادری"]
    assert organisation is not None and organisation.startswith("اتحادیه کارگران قراردادی")


def test_worker_named_without_title_is_found_by_given_name() -> None:
    text = (
        'The drivers have not been paid since March. "We cannot pay rent," said '
        "Joseph Mwangi, who has driven the route for six years."
    )
    people = _people("en", text)
    assert people.get("Joseph Mwangi") == ("worker", None)


def test_given_name_that_is_a_common_word_needs_apposition_without_capitals() -> None:
    # "امید داریم" (we hope): a given name followed by a verb is no person.
    assert _people("fa", "امید داریم که دولت حقوق کارگران را پرداخت کند.") == {}


def test_surname_alone_merges_with_full_name() -> None:
    res = load_language("tr")
    assert res is not None
    text = "Sendika Genel Başkanı Mehmet Yıldırım açıklama yaptı. Yıldırım'a göre grev sürecek."
    people = extract_people(ArticleText(text, "tr", res))
    assert [p.name for p in people] == ["Mehmet Yıldırım"]


@pytest.mark.parametrize(
    ("lang", "text", "name", "role"),
    [
        (
            "id",
            "Kapolres Sleman AKBP Yuswanto mengatakan para buruh sudah dipulangkan.",
            "Yuswanto",
            "police chief",
        ),
        (
            "tr",
            "Fabrikadaki patlamada kaynakçı Mustafa Kaya (41) ile yardımcısı Burak Şahin (19) "
            "yaralandı.",
            "Burak Şahin",
            "worker",
        ),
    ],
)
def test_title_shortly_before_an_introduced_name_is_its_role(
    lang: str, text: str, name: str, role: str
) -> None:
    people = _people(lang, text)
    assert name in people, list(people)
    assert people[name][0] == role


def test_title_in_an_earlier_sentence_is_not_the_role() -> None:
    text = "The union's chair opened the meeting. Later Mr Peter Hollis spoke about pay."
    assert _people("en", text).get("Peter Hollis", (None,))[0] is None
