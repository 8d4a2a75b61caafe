"""Dashboard pages: the event list with filters, one article with its evidence, API docs.

Every string that comes from an article goes through Jinja's autoescaping; links taken from
articles are kept only when they are http(s). Pages load only same-origin CSS and JS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader

from laborlens.aggregate import build_network, week_counts
from laborlens.display import FIELD_LABELS, date_label
from laborlens.query import EventQuery, EventRow
from laborlens.records import EVENT_TYPES, ISSUE_CODES, Article
from laborlens.resources.codebook import load_codebook
from laborlens.resources.schema import load_language
from laborlens.store import Store
from laborlens.web.charts import (
    NETWORK_MAX_NODES,
    NETWORK_SIZE,
    TIMELINE_HEIGHT,
    TIMELINE_WIDTH,
    network_layout,
    timeline_bars,
    timeline_ticks,
)
from laborlens.web.params import (
    DEFAULT_PAGE_SIZE,
    SORTS,
    event_query,
    iter_events,
    page_events,
    parse_sort,
)

_HERE = Path(__file__).parent
_VENDOR = _HERE / "static" / "vendor"
_FILTER_NAMES = frozenset({"country", "type", "lang", "since", "until", "org", "issue", "q"})
templates = Jinja2Templates(
    env=Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=True)
)

FIELD_ORDER: tuple[str, ...] = tuple(FIELD_LABELS)
"""Legend order; a piece of text inside spans of several fields is coloured by the first."""


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text and the evidence fields covering it (none: plain text)."""

    text: str
    fields: tuple[str, ...]

    @property
    def field(self) -> str | None:
        return self.fields[0] if self.fields else None


def evidence_segments(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Segment]:
    """Cut ``text`` at every span boundary so each piece can be marked with its fields."""
    valid = [(s, e, f) for s, e, f in spans if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _ in valid), *(e for _, e, _ in valid)})
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    segments: list[Segment] = []
    for start, end in pairwise(cuts):
        covering = {f for s, e, f in valid if s <= start and end <= e}
        fields = tuple(sorted(covering, key=lambda f: (rank.get(f, len(rank)), f)))
        segments.append(Segment(text[start:end], fields))
    return segments


def _article_spans(article: Article) -> list[tuple[int, int, str]]:
    spans = {(s.start, s.end, s.field) for e in article.events for s in e.evidence}
    if article.relevance is not None:
        spans |= {(t.span.start, t.span.end, "labour") for t in article.relevance.terms}
    return sorted(spans)


def text_direction(lang: str | None) -> str:
    """'rtl' or 'ltr' from the language resource file; 'auto' when laborlens has none."""
    resources = load_language(lang) if lang else None
    return resources.direction if resources is not None else "auto"


def safe_href(url: str | None) -> str | None:
    """Only web links are rendered as links (never javascript:, data: and the like)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in {"http", "https"} and parts.netloc else None


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _filters_form(request: Request) -> dict[str, Any]:
    params = request.query_params
    return {
        "country": ",".join(params.getlist("country")),
        "type": params.getlist("type"),
        "lang": ",".join(params.getlist("lang")),
        "since": params.get("since", ""),
        "until": params.get("until", ""),
        "org": params.get("org", ""),
        "issue": params.getlist("issue"),
        "q": params.get("q", ""),
        "sort": params.get("sort", "newest"),
    }


def _filter_params(request: Request, leave_out: frozenset[str] = frozenset()) -> str:
    """The request's filters as a query string, to hand on to the API and the other pages."""
    names = _FILTER_NAMES - leave_out
    return urlencode([(k, v) for k, v in request.query_params.multi_items() if k in names])


def map_points(rows: Sequence[EventRow]) -> dict[str, Any]:
    """The located places of these events as a GeoJSON FeatureCollection, with the properties
    of the GeoJSON export (the map's script reads either)."""
    codebook = load_codebook()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "article_id": row.article_id,
                "event_index": row.event_index,
                "type": row.event.type,
                "type_label": codebook.type_labels.get(row.event.type, row.event.type),
                "title": row.title,
                "date": row.event.date.isoformat() if row.event.date else None,
                "place": place.name,
                "place_en": place.name_en,
                "country": place.country,
                "summary_en": row.event.summary_en,
            },
        }
        for row in rows
        for place in row.event.places
        if place.lat is not None and place.lon is not None
    ]
    return {"type": "FeatureCollection", "features": features}


def _charts(request: Request, query: EventQuery, api_prefix: str) -> dict[str, Any]:
    """What the map and the timeline of ``query`` need: their data links, the weeks stacked by
    type and the types of the matching events for the colour legend (all counted by the
    store in one GROUP BY)."""
    filters = _filter_params(request)
    dates = _store(request).event_dates(query)
    weeks = week_counts(dates)
    present = {kind for _, kind in dates}
    return {
        "filters": filters,
        "range_filters": _filter_params(request, frozenset({"since", "until"})),
        "geojson_url": f"{api_prefix}/export.geojson?{filters}".rstrip("?"),
        "assets": (_VENDOR / "leaflet" / "leaflet.js").is_file(),
        "weeks": weeks,
        "bars": timeline_bars(weeks["weeks"]),
        "ticks": timeline_ticks(weeks["weeks"]),
        "width": TIMELINE_WIDTH,
        "height": TIMELINE_HEIGHT,
        "legend_types": [code for code in EVENT_TYPES if code in present],
    }


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(
        request, "error.html", {"status": status, "message": message}, status_code=status
    )
    return response


def install(app: FastAPI, *, api_prefix: str) -> None:
    """Mount the static files and register the dashboard pages on ``app``."""
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    codebook = load_codebook()
    common = {
        "type_labels": codebook.type_labels,
        "issue_labels": codebook.issue_labels,
        "kind_labels": codebook.kind_labels,
        "field_labels": FIELD_LABELS,
        "event_types": EVENT_TYPES,
        "issue_codes": ISSUE_CODES,
        "date_label": date_label,
        "direction": text_direction,
        "api_prefix": api_prefix,
    }

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def events_page(
        request: Request,
        query: Annotated[EventQuery, Depends(event_query)],
        sort: Annotated[str | None, Query()] = None,
        cursor: Annotated[str | None, Query()] = None,
    ) -> HTMLResponse:
        order = parse_sort(sort)
        page = page_events(_store(request), query, order, cursor, DEFAULT_PAGE_SIZE)
        next_url = None
        if page.next_cursor:
            params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
            next_url = "/?" + urlencode([*params, ("cursor", page.next_cursor)])
        feed_params = [
            (k, v) for k, v in request.query_params.multi_items() if k in {"country", "type"}
        ]
        response: HTMLResponse = templates.TemplateResponse(
            request,
            "events.html",
            {
                **common,
                "rows": page.rows,
                "form": _filters_form(request),
                "sorts": SORTS,
                "next_url": next_url,
                "feed_url": f"/feeds/events.atom?{urlencode(feed_params)}".rstrip("?"),
                "points": map_points(page.rows),
                **_charts(request, query, api_prefix),
            },
        )
        return response

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        article = _store(request).get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        segments = evidence_segments(article.text, _article_spans(article))
        used = {f for segment in segments for f in segment.fields}
        response: HTMLResponse = templates.TemplateResponse(
            request,
            "article.html",
            {
                **common,
                "article": article,
                "segments": segments,
                "legend": [f for f in FIELD_ORDER if f in used],
                "dir": text_direction(article.lang),
                "href": safe_href(article.url),
            },
        )
        return response

    @app.get(f"{api_prefix}/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        schema = request.app.openapi()
        operations = [
            {"method": method.upper(), "path": path, **operation}
            for path, methods in schema.get("paths", {}).items()
            for method, operation in methods.items()
        ]
        response: HTMLResponse = templates.TemplateResponse(
            request,
            "docs.html",
            {**common, "operations": operations, "openapi_url": request.app.openapi_url},
        )
        return response

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(
        request: Request, query: Annotated[EventQuery, Depends(event_query)]
    ) -> HTMLResponse:
        response: HTMLResponse = templates.TemplateResponse(
            request, "map.html", {**common, **_charts(request, query, api_prefix)}
        )
        return response

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline_page(
        request: Request, query: Annotated[EventQuery, Depends(event_query)]
    ) -> HTMLResponse:
        response: HTMLResponse = templates.TemplateResponse(
            request, "timeline.html", {**common, **_charts(request, query, api_prefix)}
        )
        return response

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(
        request: Request, query: Annotated[EventQuery, Depends(event_query)]
    ) -> HTMLResponse:
        network = build_network(iter_events(_store(request), query), NETWORK_MAX_NODES)
        nodes, edges = network_layout(network)
        response: HTMLResponse = templates.TemplateResponse(
            request,
            "network.html",
            {
                **common,
                "filters": _filter_params(request),
                "nodes": nodes,
                "edges": edges,
                "size": NETWORK_SIZE,
            },
        )
        return response
