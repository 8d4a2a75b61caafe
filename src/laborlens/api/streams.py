"""Streamed bulk exports (CSV, JSONL, GeoJSON, Parquet) and the Atom feed.

Exports are generators over ``Store.iter_articles`` so a response never holds the whole
result; they reuse the codebook records of ``laborlens.export``. Text formats are yielded a
record at a time, Parquet a row group at a time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from laborlens.export import (
    CSV_COLUMNS,
    PARQUET_ROW_GROUP,
    article_to_record,
    flat_rows,
    neutralise_cell,
    parquet_row_groups,
    parquet_schema,
)
from laborlens.query import EventRow
from laborlens.records import Article
from laborlens.resources.codebook import load_codebook

EXPORT_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def _csv_line(row: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


def stream_csv(articles: Iterable[Article]) -> Iterator[str]:
    """One row per event, UTF-8 with BOM, spreadsheet formulas neutralised (as ``export``)."""
    yield "\ufeff" + _csv_line(CSV_COLUMNS)
    for article in articles:
        for row in flat_rows(article_to_record(article)):
            yield _csv_line(
                [
                    neutralise_cell(v) if isinstance(v := row.get(c, ""), str) else v
                    for c in CSV_COLUMNS
                ]
            )


def stream_jsonl(articles: Iterable[Article], *, include_text: bool = False) -> Iterator[str]:
    for article in articles:
        yield json.dumps(article_to_record(article, include_text=include_text), ensure_ascii=False)
        yield "\n"


def stream_geojson(articles: Iterable[Article]) -> Iterator[str]:
    """A FeatureCollection with one Point per located place of each event."""
    labels = load_codebook().type_labels
    yield '{"type":"FeatureCollection","features":['
    first = True
    for article in articles:
        record = article_to_record(article)
        for index, event in enumerate(record["events"]):
            for place in event["places"]:
                if place["lat"] is None or place["lon"] is None:
                    continue
                feature = {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]},
                    "properties": {
                        "article_id": record["id"],
                        "event_index": index,
                        "type": event["type"],
                        "type_label": labels.get(event["type"], event["type"]),
                        "title": record["title"],
                        "date": event["date"],
                        "place": place["name"],
                        "place_en": place["name_en"],
                        "country": place["country"],
                        "summary_en": event["summary_en"],
                    },
                }
                yield ("" if first else ",") + json.dumps(feature, ensure_ascii=False)
                first = False
    yield "]}\n"


class _Drain:
    """A write-only file for pyarrow that keeps what is written until ``take`` hands it on."""

    closed = False

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | memoryview) -> int:
        chunk = bytes(data)
        self._parts.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        chunk = b"".join(self._parts)
        self._parts.clear()
        return chunk


def stream_parquet(
    articles: Iterable[Article], *, chunk_rows: int = PARQUET_ROW_GROUP
) -> Iterator[bytes]:
    """The Parquet export (one row per event, as ``laborlens export``), sent a row group at a
    time: memory holds one group, whatever the number of matches."""
    sink = _Drain()
    with pq.ParquetWriter(pa.PythonFile(sink, mode="w"), parquet_schema()) as writer:
        for table in parquet_row_groups(articles, chunk_rows=chunk_rows):
            writer.write_table(table)
            if chunk := sink.take():
                yield chunk
    yield sink.take()


ATOM_NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry at all (C0 controls other than tab and newlines, surrogates,
# U+FFFE/U+FFFF); article text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _atom_time(value: dt.date | dt.datetime) -> str:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(rows: Sequence[EventRow], *, base_url: str, self_url: str, now: dt.datetime) -> bytes:
    """An Atom 1.0 document: one entry per event, linking to its dashboard article page."""
    labels = load_codebook().type_labels
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        safe = {key: _xml_safe(value) for key, value in attrs.items()}
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", safe)
        if text is not None:
            element.text = _xml_safe(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", self_url)
    sub(feed, "title", "laborlens: labour events")
    times = [row.event.date or row.published for row in rows]
    dated = [t for t in times if t is not None]
    sub(feed, "updated", _atom_time(max(dated) if dated else now))
    sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=base_url, type="text/html")
    author = sub(feed, "author")
    sub(author, "name", "laborlens")
    sub(feed, "generator", "laborlens")
    for row, when in zip(rows, times, strict=True):
        event = row.event
        entry = sub(feed, "entry")
        sub(entry, "id", f"urn:laborlens:event:{row.article_id}:{row.event_index}")
        where = ", ".join(c.code for c in event.countries)
        title = labels.get(event.type, event.type) + (f" · {where}" if where else "")
        if event.date:
            title += f" · {event.date.isoformat()}"
        sub(entry, "title", title)
        sub(entry, "updated", _atom_time(when or now))
        if row.published:
            sub(entry, "published", _atom_time(row.published))
        sub(entry, "link", rel="alternate", href=f"{base_url}articles/{row.article_id}")
        summary = event.summary_en or title
        if row.title:
            summary += f"\n\n{row.title}"
        sub(entry, "summary", summary)
        sub(entry, "category", term=event.type, label=labels.get(event.type, event.type))
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
