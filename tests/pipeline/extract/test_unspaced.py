"""Scripts without spaces (Chinese) and head-final names without capitals (Hindi): names
grow leftwards from their head word by word; people are a surname after a title.

Sentences are our own.
"""

from __future__ import annotations

from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.organisations import extract_organisations
from laborlens.pipeline.extract.people import extract_people
from laborlens.resources.schema import load_language


def _doc(lang: str, text: str) -> ArticleText:
    return ArticleText(text, lang, load_language(lang))


def test_chinese_organisation_grows_left_from_its_head_to_a_stop_word() -> None:
    doc = _doc("zh", "昨天，杭州市出租汽车驾驶员工会向宁波远航物流有限公司发出公开信。")
    names = {o.name for o in extract_organisations(doc)}
    assert "杭州市出租汽车驾驶员工会" in names
    assert "宁波远航物流有限公司" in names
    assert not any(n.startswith(("昨天", "向")) for n in names)


def test_chinese_bare_head_and_common_words_name_no_organisation() -> None:
    doc = _doc("zh", "公司表示，民营企业应当依法支付工资。")
    assert extract_organisations(doc) == ()


def test_chinese_person_is_a_surname_after_a_title() -> None:
    doc = _doc("zh", "杭州市出租汽车驾驶员工会主席张建华表示，将继续与公司谈判。")
    people = extract_people(doc, extract_organisations(doc))
    assert [(p.name, p.role) for p in people] == [("张建华", "chair")]
    assert people[0].organization == "杭州市出租汽车驾驶员工会"


def test_hindi_head_final_name_grows_left_until_a_postposition() -> None:
    doc = _doc("hi", "कल शहर में बिजली कर्मचारी संघर्ष मोर्चा ने धरना दिया।")
    names = {o.name for o in extract_organisations(doc)}
    assert "बिजली कर्मचारी संघर्ष मोर्चा" in names
