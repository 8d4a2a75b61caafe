"""The offline gazetteer: lookups in many scripts, lazy loading, the on-disk cache."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from laborlens.resources import gazetteer as gazetteer_module
from laborlens.resources.gazetteer import Gazetteer, distance_km, place_key


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    gazetteer = Gazetteer()
    gazetteer.load()
    return gazetteer


def test_construction_is_cheap_and_lazy() -> None:
    gazetteer = Gazetteer(min_population=5000)
    assert "not loaded" in repr(gazetteer)
    assert gazetteer._data is None


def test_pickles_without_its_index(gaz: Gazetteer) -> None:
    payload = pickle.dumps(gaz)
    assert len(payload) < 1000
    clone = pickle.loads(payload)
    assert clone.min_population == gaz.min_population
    assert clone._data is None


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("İstanbul", "istanbul"),
        ("ISTANBUL", "istanbul"),
        ("Санкт-Петербург", "санкт петербург"),
        ("اُستانِ قَزوين", "استان قزوین"),
        ("Hà  Nội", "hà nội"),
        ("Côte d’Ivoire", "côte d'ivoire"),
    ],
)
def test_place_key_folds_case_script_and_punctuation(written: str, key: str) -> None:
    assert place_key(written) == key


@pytest.mark.parametrize(
    ("name", "geonameid", "country"),
    [
        ("Шымкент", 1518980, "KZ"),
        ("Ташкент", 1512569, "UZ"),
        ("قزوین", 119505, "IR"),
        ("الرباط", 2538475, "MA"),
        ("الدار البيضاء", 2553604, "MA"),
        ("Hà Nội", 1581130, "VN"),
        ("İstanbul", 745044, "TR"),
        ("München", 2867714, "DE"),
    ],
)
def test_cities_are_found_in_their_own_script(
    gaz: Gazetteer, name: str, geonameid: int, country: str
) -> None:
    cities = [e for e in gaz.places(place_key(name)) if e.feature == "city"]
    assert cities, name
    assert cities[0].geonameid == geonameid
    assert cities[0].country == country
    assert cities[0].lat is not None and cities[0].lon is not None


@pytest.mark.parametrize(
    ("name", "iso"),
    [("Nghệ An", "VN-22"), ("استان قزوین", "IR-26"), ("Georgia", "US-GA"), ("İstanbul", "TR-34")],
)
def test_subdivisions_carry_iso_codes_and_a_point(gaz: Gazetteer, name: str, iso: str) -> None:
    provinces = [e for e in gaz.places(place_key(name)) if e.feature == "admin1"]
    assert [p.admin_code for p in provinces][:1] == [iso]
    assert provinces[0].lat is not None
    assert provinces[0].population > 0


def test_a_province_point_is_the_centre_of_its_cities(gaz: Gazetteer) -> None:
    province = gaz.subdivision("VN", "40")
    assert province is not None and province.name == "Nghệ An"
    rows = gaz._index()["entries"]
    cities = [r for r in rows if r[3] == "VN" and r[4] == "40" and r[9] == "city"]
    assert len(cities) > 1
    lat = sum(r[6] for r in cities) / len(cities)
    lon = sum(r[7] for r in cities) / len(cities)
    assert province.lat is not None and province.lon is not None
    assert distance_km(province.lat, province.lon, lat, lon) < 1
    vinh = next(e for e in gaz.places("vinh") if e.country == "VN" and e.feature == "city")
    assert distance_km(province.lat, province.lon, vinh.lat or 0, vinh.lon or 0) > 5


@pytest.mark.parametrize(
    ("written", "same"),
    [("Khánh Hoà", "Khánh Hòa"), ("Thanh Hoá", "Thanh Hóa"), ("thuỷ", "thủy")],
)
def test_vietnamese_tone_placement_is_one_key(written: str, same: str) -> None:
    assert place_key(written) == place_key(same)


def test_devanagari_vowel_signs_stay_in_the_key() -> None:
    assert place_key("राजस्थान") == "राजस्थान"
    assert " " not in place_key("गाजियाबाद")


@pytest.mark.parametrize(
    ("name", "iso", "province_of_capital"),
    [("Long An", "VN-41", "Tây Ninh"), ("Bắc Giang", "VN-54", "Bắc Ninh")],
)
def test_vietnam_provinces_merged_in_2025_are_places_in_their_successor(
    gaz: Gazetteer, name: str, iso: str, province_of_capital: str
) -> None:
    former = [e for e in gaz.places(place_key(name)) if e.feature == "admin1"]
    assert former and former[0].admin_code == iso
    assert former[0].lat is not None
    successor = [e for e in gaz.places(place_key(province_of_capital)) if e.feature == "admin1"]
    assert successor and successor[0].admin1 == former[0].admin1


@pytest.mark.parametrize(
    ("bare", "feature", "country"),
    [("Quế Võ", "admin2", "VN"), ("Greater Manchester", "admin2", "GB"), ("TPHCM", "admin1", "VN")],
)
def test_designators_and_supplements_give_more_names(
    gaz: Gazetteer, bare: str, feature: str, country: str
) -> None:
    assert any(e.feature == feature and e.country == country for e in gaz.places(place_key(bare)))


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("Huyện Quế Võ", "Quế Võ"),
        ("Zhengzhou Shi", "Zhengzhou"),
        ("Kabupaten Bandung", "Bandung"),
        ("Central Province", None),
        ("First Governorate", None),
        ("North West District", None),
        ("Bremen", None),
    ],
)
def test_a_designator_is_dropped_unless_only_generic_words_are_left(
    name: str, bare: str | None
) -> None:
    assert gazetteer_module._bare_name(name) == bare


def test_a_continent_is_not_the_town_that_shares_its_name(gaz: Gazetteer) -> None:
    assert gaz.places("asia")
    assert gaz.lookup("asia") == ((), None)


def test_cities_know_the_iso_code_of_their_province(gaz: Gazetteer) -> None:
    qazvin = next(e for e in gaz.places("قزوین") if e.feature == "city")
    assert qazvin.admin_code == "IR-26"


@pytest.mark.parametrize(
    ("name", "lang", "code"),
    [
        ("Казахстан", "ru", "KZ"),
        ("المغرب", "ar", "MA"),
        ("ایران", "fa", "IR"),
        ("Việt Nam", "vi", "VN"),
        ("Türkiye", "tr", "TR"),
        ("Deutschland", "de", "DE"),
        ("Republic of Uzbekistan", "en", "UZ"),
    ],
)
def test_country_names_in_many_languages(gaz: Gazetteer, name: str, lang: str, code: str) -> None:
    hit = gaz.country(place_key(name))
    assert hit is not None and hit.code == code
    assert hit.used_in(lang)


def test_country_acronyms_are_case_sensitive(gaz: Gazetteer) -> None:
    assert gaz.country_by_acronym("USA") == "US"
    assert gaz.country_by_acronym("usa") is None


def test_continents_are_regions_not_countries(gaz: Gazetteer) -> None:
    assert gaz.is_region("europe")
    assert gaz.country("europe") is None
    assert not gaz.is_region("france")


def test_country_info(gaz: Gazetteer) -> None:
    info = gaz.country_info("VN")
    assert info is not None and info.name_en == "Vietnam"
    assert info.lat is not None and abs(info.lat - 21.0) < 1


def test_second_instance_reads_the_cache(gaz: Gazetteer) -> None:
    again = Gazetteer(gaz.min_population, gaz.cache_dir)
    again.load()
    assert again.loaded_from == str(gaz.cache_path())
    assert again.stats() == gaz.stats()


def _tiny_index(min_population: int) -> dict[str, Any]:
    return {
        "format": gazetteer_module._FORMAT,
        "entries": [
            (1, "Testville", "Testville", "ZZ", "01", None, 1.0, 2.0, min_population, "city", "")
        ],
        "index": {"testville": 0},
        "acronyms": {},
        "countries": {},
        "country_acronyms": {},
        "country_info": {},
        "admin1": {},
        "regions": [],
        "prefix_words": [],
    }


def test_cache_is_written_then_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer_module, "_build", _tiny_index)
    first = Gazetteer(123, cache_dir=tmp_path)
    assert first.places("testville")[0].population == 123
    assert first.loaded_from == "packages"
    assert first.cache_path().is_file()
    second = Gazetteer(123, cache_dir=tmp_path)
    assert second.places("testville")[0].name == "Testville"
    assert second.loaded_from == str(first.cache_path())


def test_unwritable_cache_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gazetteer_module, "_build", _tiny_index)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    gazetteer = Gazetteer(5, cache_dir=blocker / "cache")
    assert gazetteer.places("testville")[0].geonameid == 1
    assert not gazetteer.cache_path().exists()


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer_module, "_build", _tiny_index)
    gazetteer = Gazetteer(7, cache_dir=tmp_path)
    gazetteer.cache_path().write_bytes(b"not marshal data")
    assert gazetteer.places("testville")
    assert gazetteer.loaded_from == "packages"
