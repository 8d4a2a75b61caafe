"""HTTP query parameters -> EventQuery, and cursor paging over ``Store.query_events``.

Shared by the API, the dashboard and the feeds so that every page filters the same way and
rejects the same bad input with the same message.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Literal

import pycountry
from fastapi import Query

from laborlens.query import EventQuery, EventRow
from laborlens.records import EVENT_TYPES, ISSUE_CODES
from laborlens.store import Store

MAX_TEXT_CHARS = 200
"""Longest accepted free-text parameter (q, org): longer queries are rejected, not cut."""
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_LIST_ITEMS = 50
MAX_OFFSET = 2**53
"""Largest offset a cursor may carry (the databases' integers end at 2**63: beyond it a
forged cursor made the store fail with a 500 instead of returning an empty page)."""
SCAN_CHUNK = 1000
"""Events fetched per store call when a page needs every match (counts, aggregations)."""

Sort = Literal["newest", "oldest"]
SORTS: tuple[Sort, ...] = ("newest", "oldest")

# Codes the gazetteer uses that ISO 3166-1 does not list (Kosovo's user-assigned code).
_EXTRA_COUNTRIES = frozenset({"XK"})
_LANG = re.compile(r"^[a-z]{2,3}$")


class ParameterError(ValueError):
    """A request parameter that cannot be used; rendered as a 400 with the message."""

    status = 400

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name!r}: {message}")
        self.name = name


def _items(name: str, values: Sequence[str] | None) -> tuple[str, ...]:
    """Repeated or comma-separated values, blank ones dropped."""
    items = tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())
    if len(items) > MAX_LIST_ITEMS:
        raise ParameterError(name, f"at most {MAX_LIST_ITEMS} values")
    return items


def _known_country(code: str) -> bool:
    return code in _EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code) is not None


def parse_countries(values: Sequence[str] | None) -> tuple[str, ...]:
    codes = tuple(code.upper() for code in _items("country", values))
    for code in codes:
        if len(code) != 2 or not code.isalpha() or not _known_country(code):
            raise ParameterError(
                "country", f"{code!r} is not an ISO 3166-1 alpha-2 code such as TR"
            )
    return codes


def _choices(name: str, values: Sequence[str] | None, allowed: Sequence[str]) -> tuple[str, ...]:
    items = _items(name, values)
    for item in items:
        if item not in allowed:
            raise ParameterError(name, f"{item!r} is not one of {', '.join(allowed)}")
    return items


def _langs(values: Sequence[str] | None) -> tuple[str, ...]:
    langs = tuple(v.lower() for v in _items("lang", values))
    for lang in langs:
        if not _LANG.match(lang):
            raise ParameterError("lang", f"{lang!r} is not an ISO 639 code such as fa")
    return langs


def parse_date(name: str, value: str | None) -> dt.date | None:
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ParameterError(name, f"{value!r} is not a date like 2024-03-01") from None


def parse_text(name: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if len(value) > MAX_TEXT_CHARS:
        raise ParameterError(name, f"longer than {MAX_TEXT_CHARS} characters")
    return value.strip()


def build_query(
    *,
    country: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    lang: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    org: str | None = None,
    issue: Sequence[str] | None = None,
    q: str | None = None,
) -> EventQuery:
    """Validate raw parameter values and build the one filter language's query."""
    start, end = parse_date("since", since), parse_date("until", until)
    if start and end and start > end:
        raise ParameterError("since", f"{start} is after until={end}")
    return EventQuery(
        countries=parse_countries(country),
        types=_choices("type", types, EVENT_TYPES),
        langs=_langs(lang),
        since=start,
        until=end,
        organisation=parse_text("org", org),
        issues=_choices("issue", issue, ISSUE_CODES),
        text=parse_text("q", q),
    )


def event_query(
    *,
    country: Annotated[
        list[str] | None, Query(description="ISO 3166-1 alpha-2 code; repeat or comma-separate")
    ] = None,
    type: Annotated[
        list[str] | None, Query(description=f"Event type: {', '.join(EVENT_TYPES)}")
    ] = None,
    lang: Annotated[list[str] | None, Query(description="Article language (ISO 639)")] = None,
    since: Annotated[str | None, Query(description="Events on or after this date")] = None,
    until: Annotated[str | None, Query(description="Events on or before this date")] = None,
    org: Annotated[str | None, Query(description="Organisation name contains")] = None,
    issue: Annotated[
        list[str] | None, Query(description=f"Issue code: {', '.join(ISSUE_CODES)}")
    ] = None,
    q: Annotated[str | None, Query(description="Full-text search in the articles")] = None,
) -> EventQuery:
    """FastAPI dependency: the EventQuery filters every listing accepts."""
    return build_query(
        country=country,
        types=type,
        lang=lang,
        since=since,
        until=until,
        org=org,
        issue=issue,
        q=q,
    )


def parse_page_size(value: int | None) -> int:
    if value is None:
        return DEFAULT_PAGE_SIZE
    if value < 1 or value > MAX_PAGE_SIZE:
        raise ParameterError("size", f"must be between 1 and {MAX_PAGE_SIZE} (got {value})")
    return value


def parse_sort(value: str | None) -> Sort:
    if value is None or value in {"", "newest"}:
        return "newest"
    if value == "oldest":
        return "oldest"
    raise ParameterError("sort", f"{value!r} is not one of {', '.join(SORTS)}")


def _fingerprint(query: EventQuery, sort: Sort) -> str:
    filters = replace(query, limit=None, offset=0)
    return hashlib.sha256(f"{filters!r}|{sort}".encode()).hexdigest()[:16]


def encode_cursor(query: EventQuery, sort: Sort, offset: int) -> str:
    data = json.dumps({"o": offset, "f": _fingerprint(query, sort)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, query: EventQuery, sort: Sort) -> int:
    """The offset a cursor points at; a cursor made for other filters or sort is refused."""
    if cursor is None or not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        offset, fingerprint = data["o"], data["f"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
        raise ParameterError("cursor", "not a cursor this server issued") from None
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise ParameterError("cursor", "not a cursor this server issued")
    if fingerprint != _fingerprint(query, sort):
        raise ParameterError("cursor", "it belongs to other filters or another sort order")
    return offset


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[EventRow, ...]
    next_cursor: str | None


def iter_events(store: Store, query: EventQuery) -> Iterator[EventRow]:
    """Every matching event without its evidence spans, newest first, a chunk at a time."""
    offset = 0
    while True:
        rows = store.query_events(replace(query, limit=SCAN_CHUNK, offset=offset), evidence=False)
        yield from rows
        if len(rows) < SCAN_CHUNK:
            return
        offset += SCAN_CHUNK


def page_events(store: Store, query: EventQuery, sort: Sort, cursor: str | None, size: int) -> Page:
    """One page of events in ``sort`` order and the cursor of the next page (None at the end),
    without evidence spans (a listing shows none; one event's page or record has them).

    The store lists newest first; the oldest-first order is that list read backwards, which
    needs the number of matches first.
    """
    offset = decode_cursor(cursor, query, sort)
    if sort == "newest":
        rows = store.query_events(replace(query, limit=size + 1, offset=offset), evidence=False)
        more = len(rows) > size
        rows = rows[:size]
    else:
        total = store.count_events(query)
        end = max(total - offset, 0)
        start = max(end - size, 0)
        window = replace(query, limit=end - start, offset=start)
        rows = list(reversed(store.query_events(window, evidence=False))) if end > start else []
        more = start > 0
    next_cursor = encode_cursor(query, sort, offset + size) if more else None
    return Page(tuple(rows), next_cursor)
