"""Country extraction: names (inflected), demonyms, the countries of places, the default."""

from __future__ import annotations

from typing import Any

import pytest

from laborlens.pipeline.extract.countries import extract_countries
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.places import extract_places
from laborlens.records import CountryMention
from laborlens.resources.gazetteer import Gazetteer
from laborlens.resources.schema import parse_language

LANGUAGES: dict[str, dict[str, Any]] = {
    "ru": {
        "language": {"code": "ru", "name": "Russian"},
        "places": {
            "suffixes": ["е", "а", "у", "ом", "ой"],
            "demonyms": {"казахстанск*": "KZ", "узбекск*": "UZ"},
            "countries": {"узбекистан*": "UZ"},
            "admin_words": {"г.": "city"},
        },
    },
    "tr": {
        "language": {
            "code": "tr",
            "name": "Turkish",
            "default_country": "TR",
            "case_map": {"İ": "i", "I": "ı"},
            "word_suffix": "(?:'\\w+)?",
        },
        "places": {"demonyms": {"türk": "TR"}},
    },
    "ar": {
        "language": {
            "code": "ar",
            "name": "Arabic",
            "direction": "rtl",
            "word_prefix": "(?:[وف]?(?:[بکل]?ال|لل|[بکلس])?)?",
        },
        "places": {"demonyms": {"المغربي*": "MA"}},
    },
    "vi": {"language": {"code": "vi", "name": "Vietnamese", "default_country": "VN"}},
    "en": {"language": {"code": "en", "name": "English"}},
    "fa": {"language": {"code": "fa", "name": "Persian", "default_country": "IR"}},
    "zh": {
        "language": {"code": "zh", "name": "Chinese", "word_boundaries": False},
        "places": {"countries": {"中国": "CN", "越南": "VN"}, "demonyms": {"菲律宾籍": "PH"}},
    },
    "de": {"language": {"code": "de", "name": "German"}},
}


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    gazetteer = Gazetteer()
    gazetteer.load()
    return gazetteer


def countries(gaz: Gazetteer, lang: str, text: str) -> tuple[CountryMention, ...]:
    data = LANGUAGES.get(lang)
    doc = ArticleText(text, lang, parse_language(data, "test") if data else None)
    return extract_countries(doc, gaz, extract_places(doc, gaz))


def codes(mentions: tuple[CountryMention, ...]) -> dict[str, str]:
    return {m.code: m.via for m in mentions}


CASES = [
    pytest.param(
        "ru",
        "Казахстанский профсоюз налаживает связи с профсоюзом Узбекистана.",
        {"KZ": "demonym", "UZ": "name"},
        id="ru-demonym-and-genitive",
    ),
    pytest.param(
        "ru",
        "Делегация из г. Шымкента встретилась с узбекскими коллегами.",
        {"KZ": "place", "UZ": "demonym"},
        id="ru-place-and-demonym",
    ),
    pytest.param(
        "tr",
        "Türkiye'nin dört bir yanından gelen Türk işçiler toplandı.",
        {"TR": "name"},
        id="tr-apostrophe",
    ),
    pytest.param(
        "ar", "نظم الاتحاد المغربي للشغل لقاء تواصليا.", {"MA": "demonym"}, id="ar-demonym"
    ),
    pytest.param("ar", "زار الوفد المغرب وتونس.", {"MA": "name", "TN": "name"}, id="ar-names"),
    pytest.param("vi", "Công nhân ở Hà Nội đình công.", {"VN": "place"}, id="vi-place"),
    pytest.param("fa", "کارگران ایران و افغانستان", {"IR": "name", "AF": "name"}, id="fa-names"),
    pytest.param(
        "es", "Huelga general en España y Portugal.", {"ES": "name", "PT": "name"}, id="es"
    ),
    pytest.param(
        "en", "Talks in Jordan between unions and employers ended.", {"JO": "name"}, id="en-jordan"
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_countries_and_how_they_were_found(
    gaz: Gazetteer, lang: str, text: str, expected: dict[str, str]
) -> None:
    assert codes(countries(gaz, lang, text)) == expected


def test_name_spans_point_at_the_name(gaz: Gazetteer) -> None:
    text = "Профсоюз Узбекистана и профсоюз Республики Узбекистан подписали меморандум."
    (uz,) = countries(gaz, "ru", text)
    assert uz.code == "UZ" and uz.via == "name"
    assert {text[s.start : s.end] for s in uz.spans} >= {"Узбекистана"}
    assert all(s.field == "country" for s in uz.spans)
    assert uz.confidence >= 0.9


def test_default_country_when_nothing_is_named(gaz: Gazetteer) -> None:
    (tr,) = countries(gaz, "tr", "Sendika grev kararı aldı.")
    assert (tr.code, tr.via, tr.spans) == ("TR", "default", ())
    assert tr.confidence < 0.5


def test_no_default_for_languages_of_many_countries(gaz: Gazetteer) -> None:
    assert countries(gaz, "de", "Die Gewerkschaft streikt.") == ()
    assert countries(gaz, "ar", "أعلنت النقابة الإضراب.") == ()


def test_person_called_jordan_is_not_a_country(gaz: Gazetteer) -> None:
    text = "Jordan Smith, a union organiser, said the strike would go on. Smith added more."
    assert countries(gaz, "en", text) == ()


def test_georgia_among_us_cities_is_the_state(gaz: Gazetteer) -> None:
    us = countries(gaz, "en", "Workers in Atlanta, Savannah and Augusta, Georgia walked out.")
    assert codes(us) == {"US": "place"}
    ge = countries(gaz, "en", "Unions in Georgia protested against the new labour code.")
    assert codes(ge) == {"GE": "name"}


def test_named_country_is_more_confident_than_a_place(gaz: Gazetteer) -> None:
    mentions = {m.code: m for m in countries(gaz, "ru", "Профсоюз Узбекистана и г. Шымкенте.")}
    assert mentions["UZ"].confidence > mentions["KZ"].confidence


def test_chinese_country_tables_match_without_word_boundaries(gaz: Gazetteer) -> None:
    got = countries(gaz, "zh", "中国工人和菲律宾籍工人在越南工厂罢工。")
    assert {c.code for c in got} == {"CN", "PH", "VN"}
    assert all(c.via in {"name", "demonym"} for c in got)


def test_a_local_alias_is_not_a_country_in_every_language(gaz: Gazetteer) -> None:
    got = countries(gaz, "de", "Der Mann stürzte vom Gerüst in Linz.")
    assert "IM" not in {c.code for c in got}


def test_country_glued_into_a_name_is_not_named(gaz: Gazetteer) -> None:
    got = countries(gaz, "en", "Workers of Grupo Santa Lucia Mining in Coahuila walked out.")
    assert "LC" not in {c.code for c in got}
