"""Place extraction: inflected toponyms in six scripts, disambiguation, and common traps.

The language data here is a small inline table per language (the real files are tested
elsewhere), so these tests pin the extractor's behaviour, not a resource file's contents.
"""

from __future__ import annotations

from typing import Any

import pytest

from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.places import extract_places
from laborlens.records import PlaceMention
from laborlens.resources.gazetteer import Gazetteer
from laborlens.resources.schema import LanguageResources, parse_language

LANGUAGES: dict[str, dict[str, Any]] = {
    "ru": {
        "language": {"code": "ru", "name": "Russian"},
        "places": {
            "suffixes": ["е", "а", "у", "ом", "ой", "ы", "и", "ской"],
            "admin_words": {
                "област*": "admin1",
                "г.": "city",
                "город*": "city",
                "район*": "admin2",
            },
            "stop_words": ["Его"],
        },
    },
    "tr": {
        "language": {
            "code": "tr",
            "name": "Turkish",
            "default_country": "TR",
            "case_map": {"İ": "i", "I": "ı"},
        },
        "places": {"admin_words": {"ili": "admin1", "ilçesi": "admin2"}},
    },
    "fa": {
        "language": {"code": "fa", "name": "Persian", "default_country": "IR", "direction": "rtl"},
        "places": {
            "admin_words": {"استان": "admin1", "شهرستان": "admin2", "شهر": "city"},
            "stop_words": ["میدان"],
        },
    },
    "ar": {
        "language": {
            "code": "ar",
            "name": "Arabic",
            "direction": "rtl",
            "word_prefix": "(?:[وف]?(?:[بکل]?ال|لل|[بکلس])?)?",
        },
        "places": {"admin_words": {"مدينة": "city", "ولاية": "admin1", "جهة": "admin1"}},
    },
    "vi": {
        "language": {"code": "vi", "name": "Vietnamese", "default_country": "VN"},
        "places": {"admin_words": {"tỉnh": "admin1", "thành phố": "city", "TP.": "city"}},
    },
    "en": {
        "language": {"code": "en", "name": "English"},
        "places": {
            "admin_words": {"province": "admin1", "county": "admin2", "state": "admin1"},
            "stop_words": ["The", "Western"],
        },
        "events": {"agreement": ["agreement*", "accord"]},
        "organisations": {"connectors": ["of"], "head_position": "final"},
    },
    "de": {
        "language": {"code": "de", "name": "German"},
        "places": {"admin_words": {"stadtteil": "city", "landkreis": "admin2"}},
        "people": {"given_names": [f"name{i}" for i in range(60)] + ["sandra", "jens"]},
    },
    "zh": {
        "language": {"code": "zh", "name": "Chinese", "word_boundaries": False},
        "places": {
            "admin_words": {
                "省": "admin1",
                "州": "admin1",
                "市": "city",
                "区": "admin2",
                "镇": "city",
            },
            "countries": {"中国": "CN"},
            "stop_words": ["联合", "的", "一"],
        },
    },
    "id": {
        "language": {"code": "id", "name": "Indonesian", "default_country": "ID"},
        "places": {"admin_words": {"kecamatan": "city", "kabupaten": "admin2"}},
    },
    "hi": {
        "language": {"code": "hi", "name": "Hindi", "default_country": "IN"},
        "places": {"admin_words": {"जिले": "admin2"}},
    },
}


def resources(lang: str) -> LanguageResources | None:
    data = LANGUAGES.get(lang)
    return parse_language(data, "test") if data else None


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    gazetteer = Gazetteer()
    gazetteer.load()
    return gazetteer


def places(gaz: Gazetteer, lang: str, text: str) -> tuple[PlaceMention, ...]:
    return extract_places(ArticleText(text, lang, resources(lang)), gaz)


def found(mentions: tuple[PlaceMention, ...]) -> set[tuple[str, str | None]]:
    return {(m.name_en, m.country) for m in mentions}


CASES = [
    pytest.param(
        "ru",
        "Участники заседания в г. Шымкенте затем посетили Ташкент.",
        {("Shymkent", "KZ"), ("Tashkent", "UZ")},
        id="ru-locative-and-nominative",
    ),
    pytest.param(
        "ru",
        "Из Ташкента делегация поехала в Самарканд, а потом в Нижнем Новгороде провела встречу.",
        {("Tashkent", "UZ"), ("Samarkand", "UZ"), ("Nizhniy Novgorod", "RU")},
        id="ru-genitive-and-two-word-lemma",
    ),
    pytest.param(
        "tr",
        "İşçiler İstanbul'da ve Ankara'da eylem yaptı, Tekirdağ'daki fabrikada grev sürüyor.",
        {("Istanbul", "TR"), ("Ankara", "TR"), ("Tekirdağ", "TR")},
        id="tr-apostrophe-suffixes",
    ),
    pytest.param(
        "fa",
        "کارگران در شهر قزوین و تهران تجمع کردند.",
        {("Qazvin", "IR"), ("Tehran", "IR")},
        id="fa-cue-and-big-city",
    ),
    pytest.param(
        "ar",
        "نظمت النقابة لقاء في الرباط والدار البيضاء لفائدة العمال.",
        {("Rabat", "MA"), ("Casablanca", "MA")},
        id="ar-article-and-conjunction",
    ),
    pytest.param(
        "vi",
        "Công đoàn tỉnh Nghệ An làm việc với công đoàn thành phố Hà Nội.",
        {("Nghe An", "VN"), ("Hanoi", "VN")},
        id="vi-admin-words",
    ),
    pytest.param(
        "en",
        "Dock workers in Manchester and Leeds walked out on Monday.",
        {("Manchester", "GB"), ("Leeds", "GB")},
        id="en-plain",
    ),
    pytest.param(
        "es",
        "Los trabajadores de Madrid y Sevilla hicieron huelga el lunes.",
        {("Madrid", "ES"), ("Sevilla", "ES")},
        id="es-without-resources",
    ),
    pytest.param(
        "de",
        "Die Beschäftigten in München und Hamburg legten die Arbeit nieder.",
        {("Munich", "DE"), ("Hamburg", "DE")},
        id="de-without-resources",
    ),
]


@pytest.mark.parametrize(("lang", "text", "expected"), CASES)
def test_places_are_found_and_resolved(
    gaz: Gazetteer, lang: str, text: str, expected: set[tuple[str, str]]
) -> None:
    assert found(places(gaz, lang, text)) == expected


def test_russian_region_adjective_before_oblast(gaz: Gazetteer) -> None:
    (region,) = places(gaz, "ru", "Профсоюз Ташкентской области провёл собрание.")
    assert region.feature == "admin1"
    assert region.admin_code == "UZ-TO"
    assert region.country == "UZ"


def test_admin_word_picks_province_over_its_capital(gaz: Gazetteer) -> None:
    (province,) = places(gaz, "vi", "Đoàn công tác của tỉnh Nghệ An đã làm việc.")
    assert (province.feature, province.admin_code) == ("admin1", "VN-22")
    (city,) = places(gaz, "vi", "Công nhân ở Hà Nội đình công.")
    assert city.feature == "city"


def test_district_needs_its_admin_word(gaz: Gazetteer) -> None:
    (district,) = places(gaz, "fa", "تجمع کارگران در شهرستان البرز برگزار شد.")
    assert district.feature == "admin2"
    assert district.name == "البرز"


def test_mentions_of_one_place_are_merged_with_every_span(gaz: Gazetteer) -> None:
    text = "مراسم در استان قزوین برگزار شد. خبرنگار از قزوین گزارش داد. کارگران قزوین آمدند."
    (qazvin,) = places(gaz, "fa", text)
    assert qazvin.name == "قزوین"
    assert len(qazvin.spans) == 3
    assert all(text[s.start : s.end].endswith("قزوین") for s in qazvin.spans)
    assert {s.field for s in qazvin.spans} == {"place"}


def test_spans_leave_out_clitics_and_apostrophe_suffixes(gaz: Gazetteer) -> None:
    text = "Grev İstanbul'da başladı."
    (istanbul,) = places(gaz, "tr", text)
    assert [text[s.start : s.end] for s in istanbul.spans] == ["İstanbul"]
    assert istanbul.name == "İstanbul"
    text = "وصل الوفد بالرباط صباحا."
    (rabat,) = places(gaz, "ar", text)
    assert [text[s.start : s.end] for s in rabat.spans] == ["الرباط"]


def test_russian_name_is_given_without_its_ending(gaz: Gazetteer) -> None:
    (tashkent,) = places(gaz, "ru", "Встреча прошла в Ташкенте.")
    assert tashkent.name == "Ташкент"
    assert tashkent.lat is not None and tashkent.geonameid == 1512569


TRAPS = [
    pytest.param(
        "en",
        "Jordan Smith, a union organiser, said the strike would go on. Smith added more.",
        id="en-person-called-jordan",
    ),
    pytest.param(
        "en",
        "Delegates discussed the Paris agreement and its effect on jobs.",
        id="en-paris-agreement",
    ),
    pytest.param(
        "en", "The Union said the union would strike. Police said nothing.", id="en-common-words"
    ),
    pytest.param("en", "Most workers stayed home.", id="en-village-called-most"),
    pytest.param("ar", "قال إن العمال كانوا في الإضراب كان يوما طويلا.", id="ar-kana-is-not-caen"),
    pytest.param("fa", "اگر کارگران به میدان بیایند، مسئله حل می‌شود.", id="fa-common-words"),
    pytest.param("ru", "Его коллеги из профсоюза выступили.", id="ru-pronoun"),
    pytest.param(
        "vi", "Ông Nguyễn Văn Vinh nói người lao động cần được bảo vệ.", id="vi-person-vinh"
    ),
    pytest.param("tr", "Ayfer Koçak ve Gamze Taşcıer toplantıya katıldı.", id="tr-people"),
    pytest.param("en", "Mr. Patterson thanked the police.", id="en-abbreviation"),
    pytest.param("en", "He was sent to Western State Hospital.", id="en-state-hospital"),
    pytest.param("en", "Workers of St. Mary's Hospital met.", id="en-saint-institution"),
    pytest.param("en", "Unions across Asia met online.", id="en-continent-not-town"),
    pytest.param("zh", "工会联合惩戒了这家企业。", id="zh-common-word-town"),
]


@pytest.mark.parametrize(("lang", "text"), TRAPS)
def test_traps_are_not_places(gaz: Gazetteer, lang: str, text: str) -> None:
    assert places(gaz, lang, text) == ()


def test_agreement_trap_keeps_literal_mentions(gaz: Gazetteer) -> None:
    text = "After the Paris agreement, unions met in Paris on Friday."
    (paris,) = places(gaz, "en", text)
    assert [text[s.start : s.end] for s in paris.spans] == ["Paris"]
    assert paris.spans[0].start == text.rindex("Paris")


def test_country_is_not_reported_as_a_place(gaz: Gazetteer) -> None:
    assert places(gaz, "en", "Workers in Singapore and Kuwait protested.") == ()


def test_state_named_after_a_country_follows_the_article(gaz: Gazetteer) -> None:
    us = places(gaz, "en", "Workers in Atlanta, Savannah and Augusta, Georgia walked out.")
    assert ("Georgia", "US") in found(us)
    assert all(m.country == "US" for m in us)
    caucasus = places(gaz, "en", "Miners in Tbilisi, Georgia protested.")
    assert found(caucasus) == {("Tbilisi", "GE")}


def test_default_country_breaks_ties(gaz: Gazetteer) -> None:
    (rabat,) = places(gaz, "ar", "التقى العمال في الرباط.")
    assert rabat.country == "MA"
    tr = resources("tr")
    assert tr is not None and tr.default_country == "TR"


def test_confidence_is_higher_with_an_admin_word(gaz: Gazetteer) -> None:
    (cued,) = places(gaz, "fa", "کارگران در شهر قزوین تجمع کردند.")
    (bare,) = places(gaz, "fa", "کارگران قزوین تجمع کردند.")
    assert cued.confidence > bare.confidence


def test_german_nouns_before_a_city_make_no_surname(gaz: Gazetteer) -> None:
    text = (
        "Warnstreik: Busse und Bahnen stehen still\n"
        "Wer am Montag auf Bus oder Straßenbahn angewiesen war, hatte Pech: Ein ganztägiger "
        "Warnstreik hat den Nahverkehr in der Hansestadt fast vollständig lahmgelegt. "
        "Aufgerufen waren alle Beschäftigten der Stadtverkehr Bremen GmbH. Vor dem Betriebshof "
        "versammelten sich am Morgen mehrere hundert Streikende mit Trillerpfeifen und "
        "Transparenten, sagte Sandra Köhler. Die Arbeitgeberseite hatte in der zweiten "
        "Verhandlungsrunde ein Plus angeboten. In Bremen bildeten sich lange Staus."
    )
    assert ("Bremen", "DE") in found(places(gaz, "de", text))


def test_abbreviated_town_name(gaz: Gazetteer) -> None:
    text = "Rund 300 Pflegende haben sich vor dem Regierungsgebäude in St. Gallen versammelt."
    (gallen,) = places(gaz, "de", text)
    assert gallen.name == "St. Gallen" and gallen.country == "CH"


def test_districts_of_a_province_the_article_is_about(gaz: Gazetteer) -> None:
    text = (
        "İstanbul'da kuryeler eylem yaptı. Kadıköy, Beşiktaş ve Bakırköy'de buluşan kuryeler "
        "İstanbul'un Esenyurt ilçesinde toplandı."
    )
    got = {m.name for m in places(gaz, "tr", text)}
    assert {"Kadıköy", "Beşiktaş", "Bakırköy", "Esenyurt", "İstanbul"} <= got


def test_turkish_admin_word_belongs_to_the_name_before_it(gaz: Gazetteer) -> None:
    text = "Gaziantep'te şoförler Şehitkamil ilçesindeki Karataş garajında toplandı."
    by_name = {m.name: m for m in places(gaz, "tr", text)}
    assert by_name["Şehitkamil"].feature == "admin2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30多名农民工聚集在郑州市金水区一处项目部门口。", {"郑州市", "金水区"}),
        ("巴西巴拉那州的一个市镇。", {"巴拉那州"}),
        ("深圳龙华区数百名骑手拒绝接单。", {"深圳", "龙华区"}),
        ("台中市客运驾驶今天罢工。", {"台中市"}),
    ],
)
def test_chinese_names_are_found_without_word_boundaries(
    gaz: Gazetteer, text: str, expected: set[str]
) -> None:
    got = places(gaz, "zh", text)
    assert {m.name for m in got} == expected
    assert all(m.country in {"CN", "TW", "BR"} for m in got)


def test_chinese_sub_place_unknown_to_the_gazetteer_sits_in_its_city(gaz: Gazetteer) -> None:
    by_name = {m.name: m for m in places(gaz, "zh", "郑州市金水区的工人")}
    district, city = by_name["金水区"], by_name["郑州市"]
    assert district.feature == "admin2" and district.country == "CN"
    assert district.admin_code == city.admin_code


def test_devanagari_state_and_city(gaz: Gazetteer) -> None:
    got = found(places(gaz, "hi", "राजस्थान में हड़ताल रही। जयपुर में बसें नहीं चलीं।"))
    assert {("Rajasthan", "IN"), ("Jaipur", "IN")} <= got


def test_province_merged_away_in_2025_is_still_a_place(gaz: Gazetteer) -> None:
    (long_an,) = places(gaz, "vi", "Công nhân tỉnh Long An ngừng việc.")
    assert long_an.name == "Long An" and long_an.country == "VN"


def test_a_county_is_a_place_and_its_police_is_not(gaz: Gazetteer) -> None:
    got = places(gaz, "en", "Officers of the Gwinnett County Police arrived.")
    assert {m.name for m in got} == {"Gwinnett"}
    assert got[0].feature == "admin2"


def test_place_named_only_by_its_administrative_word(gaz: Gazetteer) -> None:
    text = "Buruh pabrik tekstil di Kecamatan Sukamekar, Kabupaten Bandung, mogok kerja."
    by_name = {m.name: m for m in places(gaz, "id", text)}
    assert by_name["Sukamekar"].country == "ID"
    assert by_name["Sukamekar"].admin_code == by_name["Bandung"].admin_code


def test_capitalised_administrative_word_opens_a_name_in_english(gaz: Gazetteer) -> None:
    got = places(gaz, "en", "Workers marched from Leeds to the County Hall on Monday.")
    assert {m.name for m in got} == {"Leeds"}


def test_district_of_the_province_beats_a_foreign_city(gaz: Gazetteer) -> None:
    text = "İstanbul'da tersane işçileri eylem yaptı. Tuzla'daki tersanede iş bırakıldı."
    by_name = {m.name: m for m in places(gaz, "tr", text)}
    assert by_name["Tuzla"].country == "TR"


def test_town_named_again_in_an_article_about_its_country(gaz: Gazetteer) -> None:
    once = "أوقفت الشرطة في الأردن ثلاثة عمال في العقبة."
    assert places(gaz, "ar", once) == ()
    again = once + " وقال العمال في العقبة إنهم سيواصلون الإضراب."
    assert {m.name_en for m in places(gaz, "ar", again)} == {"Aqaba"}


def test_small_town_listed_among_kept_places(gaz: Gazetteer) -> None:
    text = "کارگران امروز در تهران، اهواز، شوش و کرمانشاه تجمع کردند."
    got = {m.name_en for m in places(gaz, "fa", text)}
    assert {"Tehran", "Ahvaz", "Kermanshah"} <= got
    assert any("Sh" in name for name in got)  # Shush, 77,000 people


def test_bare_province_of_the_languages_country(gaz: Gazetteer) -> None:
    (gilan,) = places(gaz, "fa", "کارگران صنایع چوب گیلان با مدیران دیدار کردند.")
    assert gilan.feature == "admin1" and gilan.country == "IR"
