"""The HTTP server: JSON API under /api/v1, the Atom feed, and the dashboard from ``web``.

``create_app`` opens one store for the app's lifetime. Everything is read-only unless an
ingest token is configured; then POST /api/v1/ingest exists and demands that token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import tempfile
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from laborlens.aggregate import (
    build_network,
    country_counts,
    issue_counts,
    type_counts,
    week_counts,
)
from laborlens.api import models
from laborlens.api.errors import install_error_handlers
from laborlens.api.streams import (
    EXPORT_MEDIA_TYPES,
    atom_feed,
    stream_csv,
    stream_geojson,
    stream_jsonl,
    stream_parquet,
)
from laborlens.config import PIPELINE_VERSION, Settings
from laborlens.display import event_row_to_dict
from laborlens.export import article_to_record
from laborlens.query import EventQuery, EventRow
from laborlens.records import Article
from laborlens.resources.codebook import load_codebook
from laborlens.store import Store, open_store
from laborlens.web import views
from laborlens.web.params import (
    MAX_PAGE_SIZE,
    MAX_TEXT_CHARS,
    ParameterError,
    Sort,
    event_query,
    iter_events,
    page_events,
    parse_page_size,
    parse_sort,
    parse_text,
)

logger = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MAX_SEARCH_RESULTS = 100
MAX_FEED_ENTRIES = 100
MAX_NETWORK_NODES = 1000
MAX_INGEST_DOCUMENTS = 100

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class _SecurityHeaders:
    """Adds SECURITY_HEADERS to every response; plain ASGI, so streamed exports pass through
    untouched and a request costs no extra task (as Starlette's BaseHTTPMiddleware would)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
QueryDep = Annotated[EventQuery, Depends(event_query)]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "model": models.ErrorBody,
        "description": "A bad parameter (400), or no event or article with that id (404)",
    },
    "5XX": {
        "model": models.ErrorBody,
        "description": "The database is unavailable (503) or the server failed (500)",
    },
}
"""Documented on every operation; the ``4XX`` range also stands in for FastAPI's default 422,
which this API never sends (invalid parameters are a 400 with the one error shape)."""


def _event_json(row: EventRow) -> dict[str, Any]:
    """An event of a listing: its fields, labels and links; the evidence is in its record."""
    codebook = load_codebook()
    data = event_row_to_dict(row)
    del data["evidence"]
    data["type_label"] = codebook.type_labels.get(row.event.type, row.event.type)
    data["issue_labels"] = [codebook.issue_labels.get(i.code, i.code) for i in row.event.issues]
    data["links"] = {
        "self": f"{API_PREFIX}/events/{row.article_id}/{row.event_index}",
        "article": f"{API_PREFIX}/articles/{row.article_id}",
        "page": f"/articles/{row.article_id}",
    }
    return data


def _article_json(article: Article) -> dict[str, Any]:
    """The export record with text, plus every evidence span resolved to its words."""
    record = article_to_record(article, include_text=True)
    evidence: list[dict[str, Any]] = []
    for index, event in enumerate(article.events):
        evidence += [
            {
                "event": index,
                "start": s.start,
                "end": s.end,
                "field": s.field,
                "text": s.text_of(article.text),
            }
            for s in event.evidence
        ]
    if article.relevance is not None:
        evidence += [
            {
                "event": None,
                "start": t.span.start,
                "end": t.span.end,
                "field": "labour",
                "text": t.span.text_of(article.text),
            }
            for t in article.relevance.terms
        ]
    record["evidence"] = evidence
    return {"ok": True, "article": record}


def _stats_router() -> APIRouter:
    router = APIRouter(
        prefix=f"{API_PREFIX}/stats", tags=["aggregations"], responses=ERROR_RESPONSES
    )

    @router.get("/countries", summary="Events per country", response_model=models.CountryStats)
    def stats_countries(store: StoreDep, query: QueryDep) -> dict[str, Any]:
        return {"ok": True, "countries": country_counts(store.event_counts(query, "country"))}

    @router.get("/types", summary="Events per event type", response_model=models.TypeStats)
    def stats_types(store: StoreDep, query: QueryDep) -> dict[str, Any]:
        return {"ok": True, "types": type_counts(store.event_counts(query, "type"))}

    @router.get("/issues", summary="Events per issue", response_model=models.IssueStats)
    def stats_issues(store: StoreDep, query: QueryDep) -> dict[str, Any]:
        return {"ok": True, "issues": issue_counts(store.event_counts(query, "issue"))}

    @router.get(
        "/weeks", summary="Events per ISO week of the event date", response_model=models.WeekStats
    )
    def stats_weeks(store: StoreDep, query: QueryDep) -> dict[str, Any]:
        return {"ok": True, **week_counts(store.event_dates(query))}

    return router


class IngestDocument(BaseModel):
    text: str = Field(min_length=1)
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    lang: str | None = Field(default=None, max_length=8)


class IngestRequest(BaseModel):
    documents: list[IngestDocument] = Field(min_length=1, max_length=MAX_INGEST_DOCUMENTS)


def _ingest_router(token: str) -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, tags=["ingest"], responses=ERROR_RESPONSES)
    lock = threading.Lock()

    def authorise(request: Request) -> None:
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
            raise HTTPException(
                401,
                "ingest needs the configured token as 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )

    @router.post(
        "/ingest",
        summary="Code and store articles (needs the ingest token)",
        dependencies=[Depends(authorise)],
        response_model=models.IngestResponse,
    )
    def ingest_documents(request: Request, body: IngestRequest) -> dict[str, Any]:
        from laborlens.ingest import ingest  # noqa: PLC0415  (loads the pipeline on first use)
        from laborlens.pipeline.context import build_context  # noqa: PLC0415

        settings: Settings = request.app.state.settings
        with lock:  # one ingest at a time; the stage context is built once and reused
            if getattr(request.app.state, "context", None) is None:
                request.app.state.context = build_context(settings)
            with tempfile.TemporaryDirectory(prefix="laborlens-api-") as tmp:
                path = Path(tmp) / "api-ingest.jsonl"
                path.write_text(
                    "".join(
                        json.dumps(doc.model_dump(mode="json"), ensure_ascii=False) + "\n"
                        for doc in body.documents
                    ),
                    encoding="utf-8",
                )
                report = ingest(
                    [str(path)],
                    request.app.state.store,
                    settings,
                    context=request.app.state.context,
                )
        return {"ok": True, "report": report.as_dict()}

    return router


EXPORT_CONTENT: dict[str, Any] = {
    "text/csv": {"schema": {"type": "string"}},
    "application/x-ndjson": {"schema": {"type": "string"}},
    "application/geo+json": {
        "schema": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"const": "FeatureCollection"},
                "features": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
    "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
}
"""The 200 body of /export.{fmt}: one media type per format (see EXPORT_MEDIA_TYPES)."""


def _api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, responses=ERROR_RESPONSES)

    @router.get(
        "/events",
        tags=["events"],
        summary="Coded events, filtered and paged",
        response_model=models.EventsPage,
    )
    def list_events(
        store: StoreDep,
        query: QueryDep,
        sort: Annotated[Sort | None, Query(description="newest (default) or oldest")] = None,
        cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
        size: Annotated[
            int | None,
            Query(ge=1, le=MAX_PAGE_SIZE, description=f"Events per page, 1-{MAX_PAGE_SIZE}"),
        ] = None,
    ) -> dict[str, Any]:
        order = parse_sort(sort)
        page = page_events(store, query, order, cursor, parse_page_size(size))
        return {
            "ok": True,
            "sort": order,
            "events": [_event_json(row) for row in page.rows],
            "next_cursor": page.next_cursor,
        }

    @router.get(
        "/events/{article_id}/{index}",
        tags=["events"],
        summary="One event",
        response_model=models.EventResponse,
    )
    def get_event(store: StoreDep, article_id: str, index: int) -> dict[str, Any]:
        article = store.get_article(article_id)
        if article is None or not 0 <= index < len(article.events):
            raise HTTPException(404, f"no event {index} in article {article_id!r}")
        row = EventRow(
            article_id=article.id,
            event_index=index,
            event=article.events[index],
            lang=article.lang,
            title=article.title,
            source=article.source,
            url=article.url,
            published=article.published,
        )
        data = _event_json(row)
        data["evidence"] = [
            {"start": s.start, "end": s.end, "field": s.field, "text": s.text_of(article.text)}
            for s in article.events[index].evidence
        ]
        return {"ok": True, "event": data}

    @router.get(
        "/articles/{article_id}",
        tags=["articles"],
        summary="Article, events, evidence",
        response_model=models.ArticleResponse,
    )
    def get_article(store: StoreDep, article_id: str) -> dict[str, Any]:
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return _article_json(article)

    @router.get(
        "/search",
        tags=["articles"],
        summary="Full-text search",
        response_model=models.SearchResponse,
    )
    def search(
        store: StoreDep,
        q: Annotated[str, Query(max_length=MAX_TEXT_CHARS, description="Words to find")],
        limit: Annotated[
            int, Query(ge=1, le=MAX_SEARCH_RESULTS, description=f"1-{MAX_SEARCH_RESULTS}")
        ] = 20,
    ) -> dict[str, Any]:
        text = parse_text("q", q)
        if text is None:
            raise ParameterError("q", "must not be empty")
        if not 1 <= limit <= MAX_SEARCH_RESULTS:
            raise ParameterError("limit", f"must be between 1 and {MAX_SEARCH_RESULTS}")
        hits = store.search(text, limit=limit)
        return {
            "ok": True,
            "hits": [
                {
                    "article_id": h.article_id,
                    "title": h.title,
                    "lang": h.lang,
                    "snippet": h.snippet,
                    "score": h.score,
                    "links": {"article": f"{API_PREFIX}/articles/{h.article_id}"},
                }
                for h in hits
            ],
        }

    @router.get(
        "/network",
        tags=["aggregations"],
        summary="Organisations and who met whom",
        response_model=models.NetworkResponse,
    )
    def network(
        store: StoreDep,
        query: QueryDep,
        nodes: Annotated[
            int,
            Query(
                ge=1,
                le=MAX_NETWORK_NODES,
                description=f"Busiest N organisations, 1-{MAX_NETWORK_NODES}",
            ),
        ] = 100,
    ) -> dict[str, Any]:
        if not 1 <= nodes <= MAX_NETWORK_NODES:
            raise ParameterError("nodes", f"must be between 1 and {MAX_NETWORK_NODES}")
        return {"ok": True, **build_network(iter_events(store, query), nodes)}

    @router.get(
        "/export.{fmt}",
        tags=["export"],
        summary="Every matching article, streamed",
        response_class=StreamingResponse,
        responses={200: {"description": "The export file", "content": EXPORT_CONTENT}},
    )
    def export(
        store: StoreDep,
        query: QueryDep,
        fmt: Literal["csv", "jsonl", "geojson", "parquet"],
        labour_only: Annotated[bool, Query(description="Leave out non-labour articles")] = False,
        with_text: Annotated[bool, Query(description="JSONL only: include article text")] = False,
    ) -> StreamingResponse:
        articles = store.iter_articles(replace(query, include_non_labour=not labour_only))
        chunks: Iterator[str] | Iterator[bytes]
        if fmt == "csv":
            chunks = stream_csv(articles)
        elif fmt == "geojson":
            chunks = stream_geojson(articles)
        elif fmt == "parquet":
            chunks = stream_parquet(articles)
        else:
            chunks = stream_jsonl(articles, include_text=with_text)
        return StreamingResponse(
            chunks,
            media_type=EXPORT_MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="laborlens-events.{fmt}"'},
        )

    return router


def _feed_router() -> APIRouter:
    router = APIRouter(prefix="/feeds", tags=["feeds"], responses=ERROR_RESPONSES)

    @router.get(
        "/events.atom",
        summary="Atom feed of the newest matching events",
        response_class=Response,
        responses={
            200: {
                "description": "An Atom 1.0 feed",
                "content": {"application/atom+xml": {"schema": {"type": "string"}}},
            }
        },
    )
    def events_feed(request: Request, store: StoreDep, query: QueryDep) -> Response:
        rows = store.query_events(replace(query, limit=MAX_FEED_ENTRIES), evidence=False)
        body = atom_feed(
            rows,
            base_url=str(request.base_url),
            self_url=str(request.url),
            now=dt.datetime.now(dt.UTC),
        )
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    return router


def create_app(store_url: str, settings: Settings, *, ingest_token: str | None = None) -> FastAPI:
    """The whole server over the store at ``store_url``.

    >>> app = create_app("sqlite:///:memory:", Settings())
    >>> app.openapi_url
    '/api/v1/openapi.json'
    """
    store = open_store(store_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="laborlens",
        version=PIPELINE_VERSION,
        description="Coded labour events from news in any language, every field with evidence.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.context = None
    app.add_middleware(_SecurityHeaders)
    install_error_handlers(app, views.render_error)
    app.include_router(_api_router())
    app.include_router(_stats_router())
    app.include_router(_feed_router())
    if ingest_token:
        app.include_router(_ingest_router(ingest_token))
    views.install(app, api_prefix=API_PREFIX)
    return app
