"""Article <-> table rows, losslessly: ``article_from_rows(article_to_rows(a))`` equals ``a``.

Pure functions over plain dicts keyed by column name (see ``schema.py``); no database here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from laborlens.records import (
    Article,
    CountryMention,
    Event,
    IssueMention,
    OffsetMap,
    OrganisationMention,
    Outcome,
    PersonMention,
    PlaceMention,
    Relevance,
    Span,
    TermMatch,
)
from laborlens.resources.patterns import fold_for_matching

Row = dict[str, Any]
Rows = dict[str, list[Row]]
"""Rows per table name, for one or more articles."""

RELEVANCE_FIELD = "relevance"
"""``spans.field`` of the article-level lexicon hits behind the relevance decision."""

_SpanKey = tuple[int | None, str, int]


def fold_name(text: str) -> str:
    """The folded form organisation names are stored and searched in (case, script variants)."""
    return fold_for_matching(unicodedata.normalize("NFC", text))


def event_period(
    date: dt.date | None, precision: str | None
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a date of this precision stands for."""
    if date is None:
        return None, None
    if precision == "year":
        return date.replace(month=1, day=1), date.replace(month=12, day=31)
    if precision == "month":
        last = calendar.monthrange(date.year, date.month)[1]
        return date.replace(day=1), date.replace(day=last)
    return date, date


_MENTION_TABLES = ("event_countries", "organisations", "people", "places", "issues", "outcomes")
TABLE_NAMES = ("articles", "events", *_MENTION_TABLES, "spans")
"""The tables an article is spread over, parents first (insert order)."""


def empty_rows() -> Rows:
    return {name: [] for name in TABLE_NAMES}


def article_to_rows(article: Article, ingested_at: dt.datetime) -> Rows:
    """Spread one article over its tables, parents first."""
    rows = empty_rows()
    aid = article.id
    relevance = article.relevance
    rows["articles"].append(
        {
            "id": aid,
            "source": article.source,
            "locator": article.locator,
            "url": article.url,
            "site": article.site,
            "title": article.title,
            "published": article.published,
            "published_via": article.published_via,
            "lang": article.lang,
            "lang_confidence": article.lang_confidence,
            "script": article.script,
            "raw_text": article.raw_text,
            "text": article.text,
            "offset_map": [list(seg) for seg in article.offset_map.segments],
            "removed_lines": list(article.removed_lines),
            "is_labour": None if relevance is None else relevance.is_labour,
            "relevance_score": None if relevance is None else relevance.score,
            "relevance_terms": None
            if relevance is None
            else [
                {"term": t.term, "category": t.category, "weight": t.weight}
                for t in relevance.terms
            ],
            "pipeline_version": article.pipeline_version,
            "settings_hash": article.settings_hash,
            "ingested_at": ingested_at,
        }
    )

    def add_spans(event_idx: int | None, field: str, item: int, group: Sequence[Span]) -> None:
        rows["spans"].extend(
            {
                "article_id": aid,
                "event_idx": event_idx,
                "field": field,
                "item": item,
                "seq": seq,
                "start": span.start,
                "end": span.end,
                "label": span.field,
            }
            for seq, span in enumerate(group)
        )

    if relevance is not None:
        for i, term in enumerate(relevance.terms):
            add_spans(None, RELEVANCE_FIELD, i, (term.span,))

    for e, event in enumerate(article.events):
        period_start, period_end = event_period(event.date, event.date_precision)
        rows["events"].append(
            {
                "article_id": aid,
                "idx": e,
                "type": event.type,
                "also": list(event.also),
                "type_confidence": event.type_confidence,
                "date": event.date,
                "date_precision": event.date_precision,
                "date_confidence": event.date_confidence,
                "period_start": period_start,
                "period_end": period_end,
                "summary_en": event.summary_en,
                "countries": [c.code for c in event.countries],
                "pipeline_version": article.pipeline_version,
                "settings_hash": article.settings_hash,
            }
        )
        add_spans(e, "type", 0, event.type_spans)
        add_spans(e, "date", 0, event.date_spans)
        key = {"article_id": aid, "event_idx": e}
        for i, c in enumerate(event.countries):
            rows["event_countries"].append(
                {**key, "idx": i, "code": c.code, "confidence": c.confidence, "via": c.via}
            )
            add_spans(e, "country", i, c.spans)
        for i, o in enumerate(event.organizations):
            rows["organisations"].append(
                {
                    **key,
                    "idx": i,
                    "name": o.name,
                    "kind": o.kind,
                    "aliases": list(o.aliases),
                    "country": o.country,
                    "confidence": o.confidence,
                    "search_names": "\n".join(fold_name(n) for n in (o.name, *o.aliases)),
                }
            )
            add_spans(e, "organization", i, o.spans)
        for i, p in enumerate(event.people):
            rows["people"].append(
                {
                    **key,
                    "idx": i,
                    "name": p.name,
                    "name_latin": p.name_latin,
                    "role": p.role,
                    "organization": p.organization,
                    "confidence": p.confidence,
                }
            )
            add_spans(e, "person", i, p.spans)
        for i, pl in enumerate(event.places):
            rows["places"].append(
                {
                    **key,
                    "idx": i,
                    "name": pl.name,
                    "name_en": pl.name_en,
                    "country": pl.country,
                    "lat": pl.lat,
                    "lon": pl.lon,
                    "geonameid": pl.geonameid,
                    "admin_code": pl.admin_code,
                    "feature": pl.feature,
                    "confidence": pl.confidence,
                }
            )
            add_spans(e, "place", i, pl.spans)
        for i, iss in enumerate(event.issues):
            rows["issues"].append({**key, "idx": i, "code": iss.code, "confidence": iss.confidence})
            add_spans(e, "issue", i, iss.spans)
        for i, out in enumerate(event.outcomes):
            rows["outcomes"].append(
                {**key, "idx": i, "text_en": out.text_en, "confidence": out.confidence}
            )
            add_spans(e, "outcome", i, out.spans)
    return rows


def _group_spans(span_rows: Sequence[Mapping[str, Any]]) -> dict[_SpanKey, tuple[Span, ...]]:
    grouped: dict[_SpanKey, list[tuple[int, Span]]] = defaultdict(list)
    for r in span_rows:
        grouped[(r["event_idx"], r["field"], r["item"])].append(
            (r["seq"], Span(r["start"], r["end"], r["label"]))
        )
    return {key: tuple(s for _, s in sorted(items)) for key, items in grouped.items()}


def _by_event(rows: Sequence[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    grouped: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[r["event_idx"]].append(r)
    for items in grouped.values():
        items.sort(key=lambda r: int(r["idx"]))
    return grouped


def events_from_rows(
    event_rows: Sequence[Mapping[str, Any]], children: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[int, Event]:
    """Rebuild the events of one article, keyed by their index in ``Article.events``."""
    spans = _group_spans(children.get("spans", ()))
    child = {name: _by_event(children.get(name, ())) for name in _MENTION_TABLES}

    def sp(e: int, field: str, item: int = 0) -> tuple[Span, ...]:
        return spans.get((e, field, item), ())

    result: dict[int, Event] = {}
    for r in event_rows:
        e = int(r["idx"])
        result[e] = Event(
            type=r["type"],
            also=tuple(r["also"]),
            type_spans=sp(e, "type"),
            type_confidence=r["type_confidence"],
            date=r["date"],
            date_precision=r["date_precision"],
            date_spans=sp(e, "date"),
            date_confidence=r["date_confidence"],
            countries=tuple(
                CountryMention(
                    code=c["code"],
                    spans=sp(e, "country", c["idx"]),
                    confidence=c["confidence"],
                    via=c["via"],
                )
                for c in child["event_countries"].get(e, ())
            ),
            places=tuple(
                PlaceMention(
                    name=p["name"],
                    name_en=p["name_en"],
                    country=p["country"],
                    lat=p["lat"],
                    lon=p["lon"],
                    geonameid=p["geonameid"],
                    admin_code=p["admin_code"],
                    feature=p["feature"],
                    spans=sp(e, "place", p["idx"]),
                    confidence=p["confidence"],
                )
                for p in child["places"].get(e, ())
            ),
            organizations=tuple(
                OrganisationMention(
                    name=o["name"],
                    kind=o["kind"],
                    aliases=tuple(o["aliases"]),
                    country=o["country"],
                    spans=sp(e, "organization", o["idx"]),
                    confidence=o["confidence"],
                )
                for o in child["organisations"].get(e, ())
            ),
            people=tuple(
                PersonMention(
                    name=p["name"],
                    name_latin=p["name_latin"],
                    role=p["role"],
                    organization=p["organization"],
                    spans=sp(e, "person", p["idx"]),
                    confidence=p["confidence"],
                )
                for p in child["people"].get(e, ())
            ),
            issues=tuple(
                IssueMention(
                    code=i["code"], spans=sp(e, "issue", i["idx"]), confidence=i["confidence"]
                )
                for i in child["issues"].get(e, ())
            ),
            outcomes=tuple(
                Outcome(
                    text_en=o["text_en"],
                    spans=sp(e, "outcome", o["idx"]),
                    confidence=o["confidence"],
                )
                for o in child["outcomes"].get(e, ())
            ),
            summary_en=r["summary_en"],
        )
    return result


def article_from_rows(
    row: Mapping[str, Any], children: Mapping[str, Sequence[Mapping[str, Any]]]
) -> Article:
    """Rebuild one article from its ``articles`` row and its child rows (this article only)."""
    relevance: Relevance | None = None
    if row["relevance_score"] is not None:
        term_spans = _group_spans([s for s in children.get("spans", ()) if s["event_idx"] is None])
        relevance = Relevance(
            score=row["relevance_score"],
            is_labour=bool(row["is_labour"]),
            terms=tuple(
                TermMatch(
                    term=t["term"],
                    category=t["category"],
                    span=term_spans[(None, RELEVANCE_FIELD, i)][0],
                    weight=t["weight"],
                )
                for i, t in enumerate(row["relevance_terms"] or ())
            ),
        )
    event_rows = sorted(children.get("events", ()), key=lambda r: int(r["idx"]))
    by_idx = events_from_rows(event_rows, children)
    return Article(
        id=row["id"],
        source=row["source"],
        raw_text=row["raw_text"],
        text=row["text"],
        locator=row["locator"],
        title=row["title"],
        url=row["url"],
        site=row["site"],
        published=row["published"],
        published_via=row["published_via"],
        offset_map=OffsetMap(tuple((int(a), int(b), int(c)) for a, b, c in row["offset_map"])),
        removed_lines=tuple(row["removed_lines"]),
        lang=row["lang"],
        lang_confidence=row["lang_confidence"],
        script=row["script"],
        relevance=relevance,
        events=tuple(by_idx[int(r["idx"])] for r in event_rows),
        pipeline_version=row["pipeline_version"],
        settings_hash=row["settings_hash"],
    )
