"""Typed, frozen records that cross module boundaries.

Every stage returns new records (``dataclasses.replace``); nothing is mutated.
Offsets are character offsets into ``Article.text`` (the normalised text) unless a
field says otherwise. Tuples, not lists, so records stay hashable and immutable.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Literal

DatePrecision = Literal["day", "month", "year"]

EVENT_TYPES: tuple[str, ...] = (
    "strike",
    "protest",
    "meeting",
    "agreement",
    "bargaining",
    "demand",
    "commemoration",
    "training",
    "organizing",
    "congress",
    "repression",
    "legal",
    "layoff",
    "accident",
    "other",
)

ISSUE_CODES: tuple[str, ...] = (
    "wages",
    "wage_arrears",
    "pensions_social_security",
    "job_security",
    "working_hours",
    "health_safety",
    "healthcare",
    "housing",
    "cost_of_living",
    "working_conditions",
    "collective_bargaining",
    "union_rights",
    "union_membership",
    "privatization",
    "gender_equality",
    "child_labour",
    "migrant_workers",
    "international_solidarity",
    "experience_exchange",
    "other",
)

ORGANISATION_KINDS: tuple[str, ...] = (
    "union",
    "employer",
    "government",
    "party",
    "intergovernmental",
    "ngo",
    "media",
    "other",
)


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` in ``Article.text`` supporting ``field``."""

    start: int
    end: int
    field: str = ""

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Piecewise-linear map from normalised offsets back to the raw text.

    Each segment ``(norm_start, raw_start, length)`` says that ``length`` characters
    starting at ``norm_start`` in the normalised text were copied from ``raw_start``.
    Characters produced by folding map to the raw position of what they replaced.
    """

    segments: tuple[tuple[int, int, int], ...] = ()

    def to_raw(self, offset: int) -> int:
        if not self.segments:
            return offset
        starts = [s[0] for s in self.segments]
        i = max(bisect_right(starts, offset) - 1, 0)
        norm_start, raw_start, length = self.segments[i]
        return raw_start + min(max(offset - norm_start, 0), length)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a source read, before any interpretation: text plus where it came from."""

    source: str
    text: str
    locator: str = ""
    title: str | None = None
    url: str | None = None
    site: str | None = None
    published: dt.date | None = None
    lang_hint: str | None = None


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """An input that could not be read; ingest logs and stores it, then goes on."""

    source: str
    reason: str
    locator: str = ""


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A lexicon hit: which resource entry matched where."""

    term: str
    category: str
    span: Span
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    is_labour: bool
    terms: tuple[TermMatch, ...] = ()


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in the text, resolved to a calendar date."""

    value: dt.date
    precision: DatePrecision
    span: Span
    kind: Literal["absolute", "relative", "range_start", "range_end", "partial"] = "absolute"
    confidence: float = 0.8


@dataclass(frozen=True, slots=True)
class CountryMention:
    code: str
    spans: tuple[Span, ...] = ()
    confidence: float = 0.8
    via: str = "name"


@dataclass(frozen=True, slots=True)
class PlaceMention:
    name: str
    name_en: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    admin_code: str | None = None
    feature: Literal["city", "admin1", "admin2", "region", "other"] = "city"
    spans: tuple[Span, ...] = ()
    confidence: float = 0.7


@dataclass(frozen=True, slots=True)
class OrganisationMention:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    spans: tuple[Span, ...] = ()
    confidence: float = 0.7


@dataclass(frozen=True, slots=True)
class PersonMention:
    name: str
    name_latin: str
    role: str | None = None
    organization: str | None = None
    spans: tuple[Span, ...] = ()
    confidence: float = 0.7


@dataclass(frozen=True, slots=True)
class IssueMention:
    code: str
    spans: tuple[Span, ...] = ()
    confidence: float = 0.7


@dataclass(frozen=True, slots=True)
class Outcome:
    text_en: str
    spans: tuple[Span, ...] = ()
    confidence: float = 0.6


@dataclass(frozen=True, slots=True)
class Event:
    """One coded labour event (CODEBOOK section 3); every field carries its evidence."""

    type: str
    also: tuple[str, ...] = ()
    type_spans: tuple[Span, ...] = ()
    type_confidence: float = 0.5
    date: dt.date | None = None
    date_precision: DatePrecision | None = None
    date_spans: tuple[Span, ...] = ()
    date_confidence: float = 0.0
    countries: tuple[CountryMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    organizations: tuple[OrganisationMention, ...] = ()
    people: tuple[PersonMention, ...] = ()
    issues: tuple[IssueMention, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    summary_en: str = ""

    @property
    def evidence(self) -> tuple[Span, ...]:
        """Every span behind every field, labelled with its field name."""
        spans: list[Span] = [Span(s.start, s.end, "type") for s in self.type_spans]
        spans += [Span(s.start, s.end, "date") for s in self.date_spans]
        for group, name in (
            (self.countries, "country"),
            (self.places, "place"),
            (self.organizations, "organization"),
            (self.people, "person"),
            (self.issues, "issue"),
            (self.outcomes, "outcome"),
        ):
            for item in group:
                spans += [Span(s.start, s.end, name) for s in item.spans]
        return tuple(sorted(set(spans)))


@dataclass(frozen=True, slots=True)
class Embedding:
    """A unit-length multilingual vector of an article's title and lead, stamped with the
    model that made it (vectors from different models are not comparable)."""

    model: str
    vector: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """A document as it moves through the pipeline; stages fill the later fields."""

    id: str
    source: str
    raw_text: str
    text: str = ""
    locator: str = ""
    title: str | None = None
    url: str | None = None
    site: str | None = None
    published: dt.date | None = None
    published_via: str | None = None
    offset_map: OffsetMap = field(default_factory=OffsetMap)
    removed_lines: tuple[str, ...] = ()
    lang: str | None = None
    lang_confidence: float = 0.0
    script: str | None = None
    relevance: Relevance | None = None
    events: tuple[Event, ...] = ()
    pipeline_version: str = ""
    settings_hash: str = ""
    embedding: Embedding | None = None
