"""Exports in the codebook format (CODEBOOK section 7): JSONL, and CSV / Parquet one row per event.

A JSONL export is a gold file plus evidence, summaries and provenance, so it can be scored
with ``laborlens eval --predictions``. Article text is untrusted: CSV cells that a spreadsheet
would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from laborlens.errors import ConfigError
from laborlens.records import Article, Event

logger = logging.getLogger(__name__)

ExportFormat = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "csv", "parquet")

# A spreadsheet treats a cell starting with one of these as a formula (OWASP CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_labour(article: Article) -> bool:
    return article.relevance is not None and article.relevance.is_labour


def event_to_record(event: Event) -> dict[str, Any]:
    """One event in the codebook format, with evidence as ``[start, end, field]``."""
    return {
        "type": event.type,
        "also": list(event.also),
        "date": event.date.isoformat() if event.date else None,
        "date_precision": event.date_precision if event.date else None,
        "countries": [c.code for c in event.countries],
        "places": [
            {"name": p.name, "name_en": p.name_en, "country": p.country, "lat": p.lat, "lon": p.lon}
            for p in event.places
        ],
        "organizations": [
            {"name": o.name, "aliases": list(o.aliases), "kind": o.kind, "country": o.country}
            for o in event.organizations
        ],
        "people": [
            {
                "name": p.name,
                "name_latin": p.name_latin,
                "role": p.role,
                "organization": p.organization,
            }
            for p in event.people
        ],
        "issues": [i.code for i in event.issues],
        "outcomes": [o.text_en for o in event.outcomes],
        "evidence": [[s.start, s.end, s.field] for s in event.evidence],
        "summary_en": event.summary_en,
    }


def article_to_record(
    article: Article, *, include_text: bool = False, clusters: Clusters | None = None
) -> dict[str, Any]:
    """An article in the export format; non-labour articles keep ``labour: false`` and no events.

    Evidence offsets index ``Article.text``; ``include_text`` adds that text so a reader of the
    file alone can resolve them. With ``clusters`` every event gets its ``cluster_id`` (the
    event it reports, shared by the other articles reporting it).
    """
    labour = is_labour(article)
    events = [event_to_record(e) for e in article.events] if labour else []
    if clusters is not None:
        events = [
            {**event, "cluster_id": cluster_id(clusters, article.id, index)}
            for index, event in enumerate(events)
        ]
    record: dict[str, Any] = {
        "id": article.id,
        "file": article.source,
        "locator": article.locator or None,
        "url": article.url,
        "lang": article.lang,
        "labour": labour,
        "published": article.published.isoformat() if article.published else None,
        "title": article.title,
        "events": events,
        "pipeline_version": article.pipeline_version,
    }
    if include_text:
        record["text"] = article.text
    return record


Clusters = Mapping[tuple[str, int], str]
"""(article id, event index) -> cluster id, as ``Store.cluster_ids`` returns it."""


def cluster_id(clusters: Clusters, article_id: str, index: int) -> str:
    """The event's cluster; an event not clustered yet is a cluster of its own."""
    return clusters.get((article_id, index), f"{article_id}:{index}")


def neutralise_cell(value: str) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of evaluating it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _join(values: Iterable[str | None]) -> str:
    return "; ".join(v or "" for v in values)


CSV_COLUMNS: tuple[str, ...] = (
    "article_id",
    "event_index",
    "file",
    "locator",
    "url",
    "lang",
    "labour",
    "published",
    "title",
    "type",
    "also",
    "date",
    "date_precision",
    "countries",
    "places",
    "places_en",
    "organizations",
    "organization_kinds",
    "people",
    "people_latin",
    "roles",
    "issues",
    "outcomes",
    "summary_en",
    "evidence",
    "pipeline_version",
)


def flat_rows(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per event; an article without events still gets one row (its event cells empty)."""
    base = {
        "article_id": record["id"],
        "file": record["file"],
        "locator": record["locator"],
        "url": record["url"],
        "lang": record["lang"],
        "labour": record["labour"],
        "published": record["published"],
        "title": record["title"],
        "pipeline_version": record["pipeline_version"],
    }
    events: list[dict[str, Any]] = record["events"]
    if not events:
        yield {**base, "event_index": None}
        return
    for index, event in enumerate(events):
        yield {
            **base,
            "event_index": index,
            "type": event["type"],
            "also": _join(event["also"]),
            "date": event["date"],
            "date_precision": event["date_precision"],
            "countries": _join(event["countries"]),
            "places": _join(p["name"] for p in event["places"]),
            "places_en": _join(p["name_en"] for p in event["places"]),
            "organizations": _join(o["name"] for o in event["organizations"]),
            "organization_kinds": _join(o["kind"] for o in event["organizations"]),
            "people": _join(p["name"] for p in event["people"]),
            "people_latin": _join(p["name_latin"] for p in event["people"]),
            "roles": _join(p["role"] for p in event["people"]),
            "issues": _join(event["issues"]),
            "outcomes": _join(event["outcomes"]),
            "summary_en": event["summary_en"],
            "evidence": json.dumps(event["evidence"]),
            **({"cluster_id": event["cluster_id"]} if "cluster_id" in event else {}),
        }


def write_jsonl(
    articles: Iterable[Article],
    path: Path,
    *,
    include_text: bool = False,
    clusters: Clusters | None = None,
) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for article in articles:
            record = article_to_record(article, include_text=include_text, clusters=clusters)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def write_csv(articles: Iterable[Article], path: Path, *, clusters: Clusters | None = None) -> int:
    """UTF-8 with BOM so spreadsheet programs detect the encoding of non-Latin text."""
    count = 0
    columns = CSV_COLUMNS if clusters is None else (*CSV_COLUMNS, "cluster_id")
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, restval="")
        writer.writeheader()
        for article in articles:
            for row in flat_rows(article_to_record(article, clusters=clusters)):
                writer.writerow(
                    {
                        key: neutralise_cell(value) if isinstance(value, str) else value
                        for key, value in row.items()
                    }
                )
            count += 1
    return count


_PLACE = pa.struct(
    [
        ("name", pa.string()),
        ("name_en", pa.string()),
        ("country", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
    ]
)
_ORGANISATION = pa.struct(
    [
        ("name", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("kind", pa.string()),
        ("country", pa.string()),
    ]
)
_PERSON = pa.struct(
    [
        ("name", pa.string()),
        ("name_latin", pa.string()),
        ("role", pa.string()),
        ("organization", pa.string()),
    ]
)
_SPAN = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("field", pa.string())])

PARQUET_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("event_index", pa.int32()),
        ("file", pa.string()),
        ("locator", pa.string()),
        ("url", pa.string()),
        ("lang", pa.string()),
        ("labour", pa.bool_()),
        ("published", pa.date32()),
        ("title", pa.string()),
        ("type", pa.string()),
        ("also", pa.list_(pa.string())),
        ("date", pa.date32()),
        ("date_precision", pa.string()),
        ("countries", pa.list_(pa.string())),
        ("places", pa.list_(_PLACE)),
        ("organizations", pa.list_(_ORGANISATION)),
        ("people", pa.list_(_PERSON)),
        ("issues", pa.list_(pa.string())),
        ("outcomes", pa.list_(pa.string())),
        ("summary_en", pa.string()),
        ("evidence", pa.list_(_SPAN)),
        ("pipeline_version", pa.string()),
    ]
)


def parquet_article_columns(article: Article) -> dict[str, Any]:
    """The article's cells of a ``PARQUET_SCHEMA`` row (shared with the Parquet lake)."""
    return {
        "article_id": article.id,
        "file": article.source,
        "locator": article.locator or None,
        "url": article.url,
        "lang": article.lang,
        "labour": is_labour(article),
        "published": article.published,
        "title": article.title,
        "pipeline_version": article.pipeline_version,
    }


def parquet_event_columns(event: Event) -> dict[str, Any]:
    """The event's cells of a ``PARQUET_SCHEMA`` row (shared with the Parquet lake)."""
    record = event_to_record(event)
    return {
        "type": event.type,
        "also": record["also"],
        "date": event.date,
        "date_precision": record["date_precision"],
        "countries": record["countries"],
        "places": record["places"],
        "organizations": record["organizations"],
        "people": record["people"],
        "issues": record["issues"],
        "outcomes": record["outcomes"],
        "summary_en": event.summary_en,
        "evidence": [{"start": s, "end": e, "field": f} for s, e, f in record["evidence"]],
    }


def parquet_rows(article: Article, clusters: Clusters | None = None) -> Iterator[dict[str, Any]]:
    """Rows of ``PARQUET_SCHEMA``: lists and nested records stay typed, not flattened to
    strings; an article without events still gets one row (its event cells null)."""
    base = parquet_article_columns(article)
    events = article.events if base["labour"] else ()
    if not events:
        yield {**base, "event_index": None}
        return
    for index, event in enumerate(events):
        yield {
            **base,
            "event_index": index,
            **parquet_event_columns(event),
            **(
                {"cluster_id": cluster_id(clusters, article.id, index)}
                if clusters is not None
                else {}
            ),
        }


def parquet_schema(*, with_clusters: bool = False) -> pa.Schema:
    """``PARQUET_SCHEMA``, plus a ``cluster_id`` column when clusters are exported."""
    if with_clusters:
        return PARQUET_SCHEMA.append(pa.field("cluster_id", pa.string()))
    return PARQUET_SCHEMA


PARQUET_ROW_GROUP = 5000
"""Event rows per Parquet row group: what a writer holds in memory at once."""


def parquet_row_groups(
    articles: Iterable[Article],
    *,
    chunk_rows: int = PARQUET_ROW_GROUP,
    clusters: Clusters | None = None,
) -> Iterator[pa.Table]:
    """The export as tables of about ``chunk_rows`` rows, one per row group, so a writer
    never holds more than one group (the writer's schema makes a file with no rows valid)."""
    schema = parquet_schema(with_clusters=clusters is not None)
    rows: list[dict[str, Any]] = []
    for article in articles:
        rows.extend(parquet_rows(article, clusters))
        if len(rows) >= chunk_rows:
            yield pa.Table.from_pylist(rows, schema=schema)
            rows = []
    if rows:
        yield pa.Table.from_pylist(rows, schema=schema)


def write_parquet(
    articles: Iterable[Article],
    path: Path,
    *,
    chunk_rows: int = PARQUET_ROW_GROUP,
    clusters: Clusters | None = None,
) -> int:
    count = 0

    def counted() -> Iterator[Article]:
        nonlocal count
        for article in articles:
            count += 1
            yield article

    schema = parquet_schema(with_clusters=clusters is not None)
    with pq.ParquetWriter(str(path), schema) as writer:
        for table in parquet_row_groups(counted(), chunk_rows=chunk_rows, clusters=clusters):
            writer.write_table(table)
    return count


_WRITERS: dict[str, Callable[..., int]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
}


def write_export(
    articles: Iterable[Article], fmt: str, path: Path, *, clusters: Clusters | None = None
) -> int:
    """Write ``articles`` to ``path`` in ``fmt``; returns the number of articles written.
    ``clusters`` adds each event's cluster id (a ``cluster_id`` field or column)."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    count = writer(articles, path, clusters=clusters)
    logger.info("exported %d articles to %s (%s)", count, path, fmt)
    return count
