"""Geoparsing benchmarks: GeoWebNews, LGL, TR-News, GeoVirus (English) and HIPE-2020.

What laborlens predicts for a text: the spans of ``extract_places`` (with the gazetteer
entry's coordinates and GeoNames id) and the country-name spans of ``extract_countries``
(``via`` name, and demonym where the set annotates demonyms: GeoWebNews,
LGL and TR-News do, GeoVirus and HIPE do not), a country placed at its
capital with the country's GeoNames id.

Recognition is span P/R/F1 against the gold toponyms, exact and overlapping. Resolution is
scored, as in Gritta et al. (2018, 2020) and the Mordecai 3 README, over the gold toponyms
with coordinates that were recognised: the error is 0 km when the GeoNames id is the gold
one, else the great-circle distance from the predicted point. HIPE-2020 links to Wikidata,
which cannot be mapped to coordinates offline, so it is scored for recognition only.
"""

from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from laborlens.benchmarks.scoring import (
    BenchmarkResult,
    Entity,
    Score,
    TokenText,
    entity_scores,
    error_scores,
    prf,
    share,
    tag_spans,
)
from laborlens.errors import EvalError
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.countries import extract_countries
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.places import extract_places, scan_toponyms
from laborlens.records import PlaceMention
from laborlens.resources.gazetteer import distance_km

logger = logging.getLogger(__name__)

# The Pragmatic Taxonomy's toponym classes (Gritta et al. 2020): literal and associative.
# Literal_Expression, Non_Lit_Expression and Non_Toponym mark larger phrases and non-places.
GWN_LITERAL = frozenset({"Literal", "Literal_Modifier", "Mixed", "Coercion", "Embedded_Literal"})
GWN_ASSOCIATIVE = frozenset(
    {"Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit", "Demonym", "Language", "Homonym"}
)
GWN_TOPONYMS = GWN_LITERAL | GWN_ASSOCIATIVE


@dataclass(frozen=True, slots=True)
class GoldToponym:
    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None


@dataclass(frozen=True, slots=True)
class GeoDocument:
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True, slots=True)
class PredictedToponym:
    start: int
    end: int
    lat: float | None
    lon: float | None
    geonameid: int | None


# --------------------------------------------------------------------- readers


def _xml_root(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise EvalError(f"benchmark file {path}: {exc}") from exc


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def read_geowebnews(path: Path, classes: frozenset[str] = GWN_TOPONYMS) -> list[GeoDocument]:
    """GWN.xml: the toponyms of the given taxonomy classes (all toponym classes by default)."""
    docs = []
    for article in _xml_root(path).iter("article"):
        toponyms = tuple(
            GoldToponym(
                int(top.findtext("start") or 0),
                int(top.findtext("end") or 0),
                _float(top.findtext("latitude")),
                _float(top.findtext("longitude")),
                _int(top.findtext("geonamesID")),
            )
            for top in article.iter("toponym")
            if top.findtext("type") in classes
        )
        docs.append(GeoDocument(article.findtext("text") or "", toponyms))
    return docs


def read_gaztagged(path: Path) -> list[GeoDocument]:
    """LGL and TR-News: every toponym; coordinates and id from its ``gaztag`` when present."""
    docs = []
    for article in _xml_root(path).iter("article"):
        toponyms = []
        for top in article.iter("toponym"):
            tag = top.find("gaztag")
            toponyms.append(
                GoldToponym(
                    int(top.findtext("start") or 0),
                    int(top.findtext("end") or 0),
                    _float(tag.findtext("lat")) if tag is not None else None,
                    _float(tag.findtext("lon")) if tag is not None else None,
                    _int(tag.get("geonameid")) if tag is not None else None,
                )
            )
        docs.append(GeoDocument(article.findtext("text") or "", tuple(toponyms)))
    return docs


def read_geovirus(path: Path) -> list[GeoDocument]:
    """GeoVirus: every ``location`` (nested ones too), Wikipedia coordinates, no GeoNames id.

    The file's offsets count one character more than its ``text`` holds; an offset is moved
    back when the location's ``name`` sits there and not at the offset as written.
    """
    docs = []
    for article in _xml_root(path).iter("article"):
        text = article.findtext("text") or ""
        toponyms = []
        for loc in article.iter("location"):
            start = int(loc.findtext("start") or 0)
            end = int(loc.findtext("end") or 0)
            name = loc.findtext("name") or ""
            if text[start:end] != name and start > 0 and text[start - 1 : end - 1] == name:
                start, end = start - 1, end - 1
            toponyms.append(
                GoldToponym(start, end, _float(loc.findtext("lat")), _float(loc.findtext("lon")))
            )
        docs.append(GeoDocument(text, tuple(toponyms)))
    return docs


# --------------------------------------------------------------------- prediction


def _extract(
    text: str, lang: str, context: StageContext, *, demonyms: bool
) -> tuple[tuple[PlaceMention, ...], list[tuple[int, int, str]]]:
    """The places, and the country spans (start, end, ISO code) named outright or, when
    ``demonyms`` is set, by a demonym (Turkish, Iraqi)."""
    doc = ArticleText(text, lang, context.resources(lang))
    places = extract_places(doc, context.gazetteer)
    countries = extract_countries(doc, context.gazetteer, places)
    skip = set()
    if not demonyms:
        skip = {
            (start, end)
            for start, end, _code, kind in scan_toponyms(doc, context.gazetteer).country_terms
            if kind == "demonym"
        }
    spans = [
        (s.start, s.end, c.code)
        for c in countries
        if c.via == "name" or (demonyms and c.via == "demonym")
        for s in c.spans
        if (s.start, s.end) not in skip
    ]
    return places, spans


def predict_toponyms(
    text: str, lang: str, context: StageContext, *, demonyms: bool
) -> tuple[PredictedToponym, ...]:
    """Place spans and country spans, each with its point: a country sits at its capital."""
    places, countries = _extract(text, lang, context, demonyms=demonyms)
    out = {
        (s.start, s.end): PredictedToponym(s.start, s.end, p.lat, p.lon, p.geonameid)
        for p in places
        for s in p.spans
    }
    for start, end, code in countries:
        info = context.gazetteer.country_info(code)
        out.setdefault(
            (start, end),
            PredictedToponym(
                start,
                end,
                info.lat if info else None,
                info.lon if info else None,
                info.geonameid if info else None,
            ),
        )
    return tuple(sorted(out.values(), key=lambda p: (p.start, p.end)))


def score_toponyms(
    docs: Iterable[GeoDocument], predictions: Iterable[tuple[PredictedToponym, ...]]
) -> tuple[Score, ...]:
    """Recognition P/R/F1 (exact and overlapping spans) and resolution over recognised gold."""
    n_gold = n_pred = exact_gold = exact_pred = overlap_gold = overlap_pred = 0
    with_coords = with_id = id_right = 0
    errors: list[float] = []
    for doc, preds in zip(docs, predictions, strict=True):
        spans = {(p.start, p.end) for p in preds}
        gold_spans = {(g.start, g.end) for g in doc.toponyms}
        n_gold += len(doc.toponyms)
        n_pred += len(spans)
        exact_gold += sum((g.start, g.end) in spans for g in doc.toponyms)
        exact_pred += len(spans & gold_spans)
        overlap_pred += sum(
            any(p.start < g.end and g.start < p.end for g in doc.toponyms) for p in preds
        )
        for gold in doc.toponyms:
            hits = [p for p in preds if p.start < gold.end and gold.start < p.end]
            if hits:
                overlap_gold += 1
            if gold.lat is None or gold.lon is None:
                continue
            with_coords += 1
            hits.sort(key=lambda p: ((p.start, p.end) != (gold.start, gold.end), p.start))
            located = [p for p in hits if p.lat is not None and p.lon is not None]
            if not located:
                continue
            best = located[0]
            if gold.geonameid is not None:
                with_id += 1
                id_right += best.geonameid == gold.geonameid
            if gold.geonameid is not None and best.geonameid == gold.geonameid:
                errors.append(0.0)
            else:
                assert best.lat is not None and best.lon is not None
                errors.append(distance_km(gold.lat, gold.lon, best.lat, best.lon))
    overlap = prf("", overlap_gold, n_gold, overlap_pred, n_pred)
    return (
        *prf("", exact_gold, n_gold, exact_pred, n_pred),
        Score("f1_overlap", overlap[2].value, n_gold),
        Score("coverage", share(len(errors), with_coords), with_coords),
        *error_scores(errors, with_coords),
        Score("exact", share(id_right, with_id), with_id),
    )


def _run_english(
    name: str,
    docs: list[GeoDocument],
    context: StageContext,
    limit: int | None,
    *,
    demonyms: bool,
    resolution: bool = True,
) -> tuple[BenchmarkResult, ...]:
    docs = docs[:limit] if limit else docs
    started = time.perf_counter()
    preds = [predict_toponyms(d.text, "en", context, demonyms=demonyms) for d in docs]
    scores = score_toponyms(docs, preds)
    if not resolution:
        scores = tuple(s for s in scores if s.metric in {"precision", "recall", "f1", "f1_overlap"})
    seconds = time.perf_counter() - started
    return (BenchmarkResult(name, "en", len(docs), scores, seconds),)


def run_geowebnews(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    docs = read_geowebnews(folder / "GWN.xml")
    return _run_english("geowebnews", docs, context, limit, demonyms=True)


def run_lgl(folder: Path, context: StageContext, limit: int | None) -> tuple[BenchmarkResult, ...]:
    return _run_english("lgl", read_gaztagged(folder / "lgl.xml"), context, limit, demonyms=True)


def run_tr_news(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    docs = read_gaztagged(folder / "TR-News.xml")
    return _run_english("tr-news", docs, context, limit, demonyms=True)


def run_geovirus(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    docs = read_geovirus(folder / "GeoVirus.xml")
    return _run_english("geovirus", docs, context, limit, demonyms=False)


# --------------------------------------------------------------------- HIPE-2020


@dataclass(frozen=True, slots=True)
class TaggedDocument:
    """A tokenised document with its gold entities (token ranges) and metadata."""

    tokens: TokenText
    entities: tuple[Entity, ...]


def read_hipe(path: Path, coarse: str = "loc") -> list[TaggedDocument]:
    """One HIPE TSV: documents rebuilt from tokens and the MISC spacing flags; the literal
    coarse entities of type ``coarse``."""
    docs: list[TaggedDocument] = []
    tokens: list[str] = []
    seps: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            spans = tuple(e for e in tag_spans(tags) if e[2] == coarse)
            docs.append(TaggedDocument(TokenText.join(tokens, seps), spans))
        tokens.clear()
        seps.clear()
        tags.clear()

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"benchmark file {path}: {exc}") from exc
    for line in lines[1:]:
        if line.startswith("# hipe2022:document_id"):
            flush()
            continue
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 10:
            raise EvalError(f"benchmark file {path}: expected 10 columns in {line[:60]!r}")
        tokens.append(cols[0])
        seps.append("" if "NoSpaceAfter" in cols[9] else " ")
        tags.append(cols[1])
    flush()
    return docs


def predict_locations(tokens: TokenText, lang: str, context: StageContext) -> set[Entity]:
    """Place and country-name spans as token ranges typed ``LOC``."""
    places, countries = _extract(tokens.text, lang, context, demonyms=False)
    spans = [(s.start, s.end) for p in places for s in p.spans]
    spans += [(start, end) for start, end, _code in countries]
    out: set[Entity] = set()
    for start, end in spans:
        found = tokens.token_range(start, end)
        if found is not None:
            out.add((found[0], found[1], "LOC"))
    return out


def run_hipe2020(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    results = []
    for lang in ("de", "fr", "en"):
        path = folder / f"HIPE-2022-v2.1-hipe2020-test-{lang}.tsv"
        docs = read_hipe(path)
        docs = docs[:limit] if limit else docs
        started = time.perf_counter()
        gold: set[Entity] = set()
        pred: set[Entity] = set()
        overlap_gold = overlap_pred = 0
        offset = 0
        for doc in docs:
            found = predict_locations(doc.tokens, lang, context)
            overlap_gold += sum(_overlaps(g, found) for g in doc.entities)
            overlap_pred += sum(_overlaps(p, doc.entities) for p in found)
            gold |= {(a + offset, b + offset, "LOC") for a, b, _ in doc.entities}
            pred |= {(a + offset, b + offset, t) for a, b, t in found}
            offset += len(doc.tokens.starts)
        fuzzy = prf("", overlap_gold, len(gold), overlap_pred, len(pred))
        scores = (*entity_scores("", gold, pred), Score("f1_overlap", fuzzy[2].value, len(gold)))
        seconds = time.perf_counter() - started
        results.append(BenchmarkResult("hipe2020", lang, len(docs), scores, seconds))
    return tuple(results)


def _overlaps(entity: Entity, others: Iterable[Entity]) -> bool:
    return any(entity[0] < b and a < entity[1] for a, b, _t in others)
