"""The one filter language shared by the CLI, exports and (later) the API, web and feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from laborlens.records import Event


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters over coded events; None means 'any'. Text is matched by full-text search."""

    countries: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    organisation: str | None = None
    issues: tuple[str, ...] = ()
    text: str | None = None
    include_non_labour: bool = False
    limit: int | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class EventRow:
    """An event with the article facts a listing needs."""

    article_id: str
    event_index: int
    event: Event
    lang: str | None
    title: str | None
    source: str
    url: str | None
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: str
    title: str | None
    lang: str | None
    snippet: str
    score: float
