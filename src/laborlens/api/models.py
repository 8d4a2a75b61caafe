"""Response shapes of the JSON API, so that /api/v1/openapi.json describes what is sent.

The route handlers build plain dicts (the export records of ``laborlens.export``); FastAPI
validates them against these models on the way out, so a handler that drifts from its
documented shape fails loudly instead of sending something the schema does not promise.
Every model forbids keys it does not declare: the schema says ``additionalProperties: false``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from laborlens.records import DatePrecision


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ErrorBody(_Strict):
    """The one error shape of every endpoint."""

    ok: Literal[False]
    error: str = Field(description="What was wrong, naming the parameter when one was")
    status: int = Field(description="The HTTP status, repeated")


class Place(_Strict):
    name: str
    name_en: str
    country: str | None
    lat: float | None
    lon: float | None


class Organisation(_Strict):
    name: str
    aliases: list[str]
    kind: str
    country: str | None


class Person(_Strict):
    name: str
    name_latin: str
    role: str | None
    organization: str | None


class _EventFields(_Strict):
    type: str = Field(description="Event type code; type_label is its codebook label")
    also: list[str]
    date: dt.date | None
    date_precision: DatePrecision | None
    countries: list[str] = Field(description="ISO 3166-1 alpha-2 codes")
    places: list[Place]
    organizations: list[Organisation]
    people: list[Person]
    issues: list[str] = Field(description="Issue codes; issue_labels are their labels")
    outcomes: list[str]
    summary_en: str


class EventRecord(_EventFields):
    """One event in the codebook's export format (CODEBOOK section 7)."""

    evidence: list[tuple[int, int, str]] = Field(
        description="[start, end, field]: character offsets into the article text"
    )


class EventLinks(_Strict):
    self_: str = Field(alias="self")
    article: str
    page: str = Field(description="The dashboard page of the article")


class _ArticleFacts(_Strict):
    article_id: str
    event_index: int
    lang: str | None
    title: str | None
    source: str
    url: str | None
    published: dt.date | None
    type_label: str
    issue_labels: list[str]
    links: EventLinks


class Event(_EventFields, _ArticleFacts):
    """An event of a listing, with the facts of its article and links to it; its evidence is
    in the event's own record (``links.self``)."""


class EventsPage(_Strict):
    ok: Literal[True]
    sort: Literal["newest", "oldest"]
    events: list[Event]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null at the end")


class EvidenceText(_Strict):
    start: int
    end: int
    field: str
    text: str = Field(description="The words of the article the span covers")


class EventDetail(_EventFields, _ArticleFacts):
    """One event with its evidence spans resolved to the words they cover."""

    evidence: list[EvidenceText]


class EventResponse(_Strict):
    ok: Literal[True]
    event: EventDetail


class ArticleEvidence(EvidenceText):
    event: int | None = Field(description="Index of the event; null for the labour-relevance terms")


class ArticleRecord(_Strict):
    id: str
    file: str
    locator: str | None
    url: str | None
    lang: str | None
    labour: bool
    published: dt.date | None
    title: str | None
    events: list[EventRecord]
    pipeline_version: str
    text: str
    evidence: list[ArticleEvidence]


class ArticleResponse(_Strict):
    ok: Literal[True]
    article: ArticleRecord


class HitLinks(_Strict):
    article: str


class SearchHit(_Strict):
    article_id: str
    title: str | None
    lang: str | None
    snippet: str
    score: float
    links: HitLinks


class SearchResponse(_Strict):
    ok: Literal[True]
    hits: list[SearchHit]


class CountryCount(_Strict):
    code: str
    name: str
    events: int


class CodeCount(_Strict):
    code: str
    label: str
    events: int


class CountryStats(_Strict):
    ok: Literal[True]
    countries: list[CountryCount]


class TypeStats(_Strict):
    ok: Literal[True]
    types: list[CodeCount]


class IssueStats(_Strict):
    ok: Literal[True]
    issues: list[CodeCount]


class WeekCount(_Strict):
    week: str = Field(description="ISO week, e.g. 2024-W05")
    start: dt.date = Field(description="The Monday the week starts on")
    events: int
    types: dict[str, int] = Field(description="Events of each type in the week")


class WeekStats(_Strict):
    ok: Literal[True]
    weeks: list[WeekCount]
    undated: int = Field(description="Matching events without a date (not in any week)")


class NetworkNode(_Strict):
    id: int
    name: str
    kind: str
    events: int


class NetworkEdge(_Strict):
    source: int
    target: int
    events: int
    types: dict[str, int] = Field(description="Events per type between the two organisations")


class NetworkResponse(_Strict):
    ok: Literal[True]
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


class IngestResponse(_Strict):
    ok: Literal[True]
    report: dict[str, object]
