"""The streamed Parquet export: the same events as the JSONL export, sent a row group at a time."""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from laborlens.api.streams import stream_parquet
from laborlens.export import PARQUET_SCHEMA
from laborlens.query import EventQuery
from laborlens.store import open_store


def _jsonl_rows(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    """The JSONL export flattened to one row per event (an article without events: one row)."""
    response = client.get("/api/v1/export.jsonl", params=params)
    assert response.status_code == 200
    rows = []
    for line in response.text.splitlines():
        record = json.loads(line)
        article = {
            "article_id": record["id"],
            "lang": record["lang"],
            "labour": record["labour"],
            "published": record["published"],
            "title": record["title"],
            "url": record["url"],
        }
        if not record["events"]:
            rows.append({**article, "event_index": None})
        for index, event in enumerate(record["events"]):
            rows.append(
                {
                    **article,
                    "event_index": index,
                    "type": event["type"],
                    "date": event["date"],
                    "countries": event["countries"],
                    "places": event["places"],
                    "organizations": event["organizations"],
                    "issues": event["issues"],
                    "summary_en": event["summary_en"],
                    "evidence": [list(span) for span in event["evidence"]],
                }
            )
    return rows


def _parquet_rows(body: bytes) -> list[dict[str, Any]]:
    table = pq.read_table(io.BytesIO(body))
    assert table.schema.equals(PARQUET_SCHEMA)
    rows = []
    for row in table.to_pylist():
        for key in ("published", "date"):
            if row.get(key) is not None:
                row[key] = row[key].isoformat()
        if row["event_index"] is not None:
            row["evidence"] = [[s["start"], s["end"], s["field"]] for s in row["evidence"]]
        rows.append(row)
    return rows


def _key(row: dict[str, Any]) -> tuple[str, int]:
    return row["article_id"], row["event_index"] or 0


@pytest.mark.parametrize(
    "params", [{}, {"country": "DE"}, {"labour_only": "true", "type": "meeting"}]
)
def test_parquet_export_has_the_rows_of_the_jsonl_export(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/api/v1/export.parquet", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.apache.parquet"
    assert 'filename="laborlens-events.parquet"' in response.headers["content-disposition"]
    parquet = sorted(_parquet_rows(response.content), key=_key)
    jsonl = sorted(_jsonl_rows(client, **params), key=_key)
    assert jsonl, "the filter should match something"
    assert len(parquet) == len(jsonl)
    for got, expected in zip(parquet, jsonl, strict=True):
        assert {key: got[key] for key in expected} == expected


def test_parquet_export_of_nothing_is_a_valid_empty_file(client: TestClient) -> None:
    response = client.get("/api/v1/export.parquet", params={"q": "zzzqqqxxyy"})
    assert response.status_code == 200
    assert pq.read_table(io.BytesIO(response.content)).num_rows == 0


def test_parquet_is_streamed_a_row_group_at_a_time(db_url: str) -> None:
    store = open_store(db_url)
    try:
        articles = list(store.iter_articles(EventQuery(include_non_labour=True)))
    finally:
        store.close()
    many = articles * 5
    widest = max(max(len(a.events), 1) for a in articles)
    chunks = list(stream_parquet(iter(many), chunk_rows=4))
    body = b"".join(chunks)
    groups = pq.ParquetFile(io.BytesIO(body)).metadata
    sizes = [groups.row_group(i).num_rows for i in range(groups.num_row_groups)]
    assert len(sizes) >= 5 and max(sizes) < 4 + widest
    assert len(chunks) > len(sizes), "bytes must leave after each row group, not at the end"
    assert max(len(c) for c in chunks) < len(body) / 2
    assert sum(sizes) == sum(max(len(a.events), 1) for a in many)
