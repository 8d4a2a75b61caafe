"""Stage 4: code the labour event an article reports, every field with its evidence.

Sub-steps run in dependency order: places and countries first (organisation names stop at
a place, countries fill organisations' countries), dates, organisations, people (who sit
next to titles and organisations), issues and outcomes; then the type and the date of the
main event decide which mentions belong to it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from laborlens.pipeline.backends.morphology import load_morphology
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.countries import extract_countries
from laborlens.pipeline.extract.dates import extract_dates, parse_date_expression
from laborlens.pipeline.extract.document import ArticleText, headline_end
from laborlens.pipeline.extract.events import choose_event_date, classify_event
from laborlens.pipeline.extract.issues import extract_issues, extract_outcomes
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.pipeline.extract.organisations import extract_organisations
from laborlens.pipeline.extract.people import extract_people
from laborlens.pipeline.extract.places import extract_places
from laborlens.records import (
    Article,
    CountryMention,
    DateMention,
    Event,
    OrganisationMention,
    PlaceMention,
)
from laborlens.resources.schema import LanguageResources, available_languages, load_language


def _with_countries(
    orgs: tuple[OrganisationMention, ...], countries: tuple[CountryMention, ...]
) -> tuple[OrganisationMention, ...]:
    """An organisation without a known country takes one named inside it, else the main one."""
    if not countries:
        return orgs
    main = countries[0].code
    out = []
    for org in orgs:
        if org.country is not None:
            out.append(org)
            continue
        inside = [
            c.code
            for c in countries
            for s in c.spans
            for o in org.spans
            if o.start <= s.start < o.end
        ]
        out.append(replace(org, country=inside[0] if inside else main))
    return tuple(out)


log = logging.getLogger(__name__)
T = TypeVar("T")
LEAD_SENTENCES = 3


def _event_countries(
    doc: ArticleText,
    countries: tuple[CountryMention, ...],
    places: tuple[PlaceMention, ...],
) -> tuple[CountryMention, ...]:
    """Countries where the event happened or whose actors take part, not every country named.

    A country stays when one of its places was found, when the headline or lead names it, or
    when it is named more than once; a single passing mention deep in the body ("exports to
    Mexico", "a Georgian welder") does not make it a country of the event.
    """
    if len(countries) <= 1:
        return countries
    body = doc.body_sentences
    lead_end = doc.sentences[body[min(len(body), LEAD_SENTENCES) - 1]][1] if body else 0
    place_countries = {p.country for p in places}
    kept = tuple(
        c
        for c in countries
        if c.code in place_countries
        or c.via == "default"
        or len(c.spans) > 1
        or any(s.start <= lead_end for s in c.spans)
    )
    return kept or countries[:1]


def _event_places(
    doc: ArticleText, places: tuple[PlaceMention, ...], triggers: tuple[int, ...]
) -> tuple[PlaceMention, ...]:
    """Places where the event happened, not every place the article names.

    A place stays when the headline or lead names it, when a sentence that tells the event
    (one with a trigger of the article's event types) names it, or when it is named more than
    once; and a
    province stays with a place it holds, a city with a district of its province ("huyện
    Bình Chánh" and TP.HCM). A single passing mention further down ("workers
    came from Casablanca and Fès", "the next stage is in Liège", a company's home town in a
    background paragraph) is not where the event took place.
    """
    if len(places) <= 1:
        return places
    body = doc.body_sentences
    lead = set(body[:LEAD_SENTENCES])
    told = {doc.sentence_index(t) for t in triggers}

    def salient(place: PlaceMention) -> bool:
        if len(place.spans) > 1:
            return True
        for span in place.spans:
            if span.start < doc.title_end:
                return True
            sentence = doc.sentence_index(span.start)
            if sentence in lead or sentence in told:
                return True
        return False

    core = [p for p in places if salient(p)]
    if not core:
        return places
    held = {(p.country, p.admin_code) for p in core if p.admin_code}
    districts = {(p.country, p.admin_code) for p in core if p.feature == "admin2"}
    return tuple(
        p
        for p in places
        if p in core
        or (p.feature == "admin1" and (p.country, p.admin_code) in held)
        or (p.feature == "city" and (p.country, p.admin_code) in districts)
    )


MAX_DATELINE_CHARS = 80
MAX_META_WORDS = 14
META_LINES = 4


def _stated_publication(article: Article, lang: str) -> tuple[dt.date, str] | None:
    """A publication date the page states in a line of metadata: a removed byline or a short
    line near the top ("12 March 2024, 09:15", "Cập nhật: 15/3/2024")."""
    short_top = [
        ln for ln in article.text.split("\n")[:META_LINES] if len(ln.split()) <= MAX_META_WORDS
    ]
    for line in (*article.removed_lines, *short_top):
        found = parse_date_expression(line, lang, None)
        if found is not None and found[1] == "day":
            return found[0], "byline"
    return None


_DATELINE_PREFIX = re.compile(r"^[^\W\d][\w .'’()/-]{1,40},\s*$")
_DATELINE_SUFFIX = re.compile(r"^\s*(?:\([^)]{1,30}\)\s*)?[-–—:(]")


def _dateline(doc: ArticleText, dates: tuple[DateMention, ...]) -> DateMention | None:
    """'DHAKA, Nov 15 -' / 'ANKARA, 12 March (AA) -': a wire dateline dates the report, not
    the event. Only that shape counts; "Ngày 15/3, tại Hà Nội, ..." opens with the event."""
    body_start = doc.sentences[doc.body_sentences[0]][0] if doc.body_sentences else 0
    for mention in dates:
        if mention.span.start >= body_start + MAX_DATELINE_CHARS:
            break
        if mention.span.start < body_start or mention.precision != "day":
            continue
        prefix = doc.text[body_start : mention.span.start]
        suffix = doc.text[mention.span.end : mention.span.end + 40]
        if _DATELINE_PREFIX.match(prefix) and _DATELINE_SUFFIX.match(suffix):
            return mention
    return None


def _closest_resources(article: Article) -> LanguageResources | None:
    """For a language without a file, the file whose lexicon recognised the most labour
    evidence: cognates and shared terms carry the type and issues a long way."""
    if article.relevance is None or not article.relevance.terms:
        return None
    best: tuple[int, LanguageResources | None] = (0, None)
    for code in available_languages():
        res = load_language(code)
        if res is None:
            continue
        doc = ArticleText(article.text, code, res, article.published, headline_end(article))
        found = sum(1 for _ in res.relevance.finditer(doc.folded)) + sum(
            1 for _ in res.events.finditer(doc.folded)
        )
        if found > best[0]:
            best = (found, res)
    return best[1]


def _field(step: Callable[..., tuple[T, ...]], *args: Any) -> tuple[T, ...]:
    """Run one field's sub-step; if it fails on this text, that field stays empty and the
    rest of the event is still coded (one odd sentence must not lose the article)."""
    try:
        return step(*args)
    except Exception:  # a sub-step bug on untrusted text must not drop the whole article
        log.warning("%s failed; the field is left empty", step.__name__, exc_info=True)
        return ()


def extract_events(article: Article, context: StageContext) -> Article:
    """Code one main event (with secondary types) for a labour article; none otherwise."""
    if article.relevance is None or not article.relevance.is_labour:
        return replace(article, events=())
    res = context.resources(article.lang) or _closest_resources(article)
    lang = article.lang or "und"
    if article.published is None:
        stated = _stated_publication(article, lang)
        if stated is not None:
            article = replace(article, published=stated[0], published_via=stated[1])
    doc = ArticleText(article.text, lang, res, article.published, headline_end(article))
    dates = _field(extract_dates, doc)
    dateline = _dateline(doc, dates)
    if dateline is not None:
        if article.published is None:
            # The dateline dates the report; relative dates ("on Monday") count back from it.
            article = replace(article, published=dateline.value, published_via="dateline")
            doc = ArticleText(article.text, lang, res, article.published, headline_end(article))
            dates = _field(extract_dates, doc)
        dates = tuple(d for d in dates if d.span != dateline.span) or dates
    mask = ExclusionMask(doc)
    morph = load_morphology(res.morphology) if res is not None else None
    decision = classify_event(doc, mask)
    places = _field(extract_places, doc, context.gazetteer)
    found_countries = _field(extract_countries, doc, context.gazetteer, places)
    kinds = {decision.type, *decision.also}
    told = tuple(
        h.start
        for h in (mask.keep(list(res.events.finditer(doc.folded))) if res is not None else ())
        if h.label in kinds
    )
    event_places = _event_places(doc, places, told or decision.triggers)
    countries = _event_countries(doc, found_countries, event_places)
    orgs = _with_countries(_field(extract_organisations, doc, places, morph), countries)
    people = _field(extract_people, doc, orgs, places, morph)
    date = choose_event_date(doc, dates, decision.triggers)
    event = Event(
        type=decision.type,
        also=decision.also,
        type_spans=decision.spans,
        type_confidence=decision.confidence,
        date=date.value if date else None,
        date_precision=date.precision if date else None,
        date_spans=(date.span,) if date else (),
        date_confidence=date.confidence if date else 0.0,
        countries=countries,
        places=event_places,
        organizations=orgs,
        people=people,
        issues=_field(extract_issues, doc, mask),
        outcomes=_field(extract_outcomes, doc, mask),
    )
    return replace(article, events=(event,))
