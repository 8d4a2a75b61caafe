"""The JSON API against a real SQLite file built from the bundled samples."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from laborlens.aggregate import NETWORK_TYPES
from laborlens.api import create_app
from laborlens.config import Settings
from laborlens.query import EventQuery
from laborlens.resources.codebook import load_codebook
from laborlens.store import open_store
from tests.api.conftest import TOKEN


def _ok(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    assert data["ok"] is True
    return data


def _stored_events(db_url: str, query: EventQuery | None = None) -> list[tuple[str, int]]:
    store = open_store(db_url)
    try:
        return [(r.article_id, r.event_index) for r in store.query_events(query or EventQuery())]
    finally:
        store.close()


def _walk(client: TestClient, size: int, **params: Any) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    cursor = None
    for _ in range(100):
        data = _ok(client, "/api/v1/events", size=size, cursor=cursor, **params)
        assert len(data["events"]) <= size
        keys += [(e["article_id"], e["event_index"]) for e in data["events"]]
        cursor = data["next_cursor"]
        if cursor is None:
            return keys
    raise AssertionError("paging never ended")


def test_events_lists_every_stored_event_with_labels(client: TestClient, db_url: str) -> None:
    events = _ok(client, "/api/v1/events")["events"]
    assert [(e["article_id"], e["event_index"]) for e in events] == _stored_events(db_url)
    labels = load_codebook().type_labels
    for event in events:
        assert event["type_label"] == labels[event["type"]]
        assert event["links"]["article"] == f"/api/v1/articles/{event['article_id']}"


def test_cursor_pages_cover_every_event_once(client: TestClient, db_url: str) -> None:
    assert _walk(client, 2) == _stored_events(db_url)


def test_oldest_first_is_the_newest_order_reversed(client: TestClient, db_url: str) -> None:
    assert _walk(client, 4, sort="oldest") == list(reversed(_stored_events(db_url)))


@pytest.mark.parametrize(
    ("params", "query"),
    [
        ({"country": "ir"}, EventQuery(countries=("IR",))),
        ({"country": ["KZ", "TR"]}, EventQuery(countries=("KZ", "TR"))),
        ({"type": "meeting,strike"}, EventQuery(types=("meeting", "strike"))),
        ({"lang": ["fa", "ar"]}, EventQuery(langs=("fa", "ar"))),
        (
            {"since": "2021-01-01", "until": "2023-12-31"},
            EventQuery(
                since=__import__("datetime").date(2021, 1, 1),
                until=__import__("datetime").date(2023, 12, 31),
            ),
        ),
        ({"org": "KESK"}, EventQuery(organisation="KESK")),
        ({"issue": "wages"}, EventQuery(issues=("wages",))),
        ({"q": "container"}, EventQuery(text="container")),
    ],
    ids=["country", "countries", "types", "langs", "dates", "org", "issue", "q"],
)
def test_each_filter_matches_the_store(
    client: TestClient, db_url: str, params: dict[str, Any], query: EventQuery
) -> None:
    expected = _stored_events(db_url, query)
    assert expected, f"the sample database has no event for {params}"
    assert _walk(client, 3, **params) == expected


def test_a_cursor_is_tied_to_its_filters(client: TestClient) -> None:
    cursor = _ok(client, "/api/v1/events", size=1)["next_cursor"]
    assert cursor
    response = client.get("/api/v1/events", params={"size": 1, "cursor": cursor, "lang": "fa"})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]


def test_event_and_article_carry_resolvable_evidence(client: TestClient, db_url: str) -> None:
    article_id, index = _stored_events(db_url)[0]
    article = _ok(client, f"/api/v1/articles/{article_id}")["article"]
    event = _ok(client, f"/api/v1/events/{article_id}/{index}")["event"]
    text = article["text"]
    assert event["evidence"], "an event without evidence"
    for span in event["evidence"]:
        assert text[span["start"] : span["end"]] == span["text"]
    spans = {(s["start"], s["end"], s["field"]) for s in article["evidence"] if s["event"] == index}
    assert spans == {(s["start"], s["end"], s["field"]) for s in event["evidence"]}
    assert any(s["field"] == "labour" for s in article["evidence"])
    assert len(article["events"]) >= index + 1


def test_search_finds_words_of_the_text(client: TestClient, hostile_id: str) -> None:
    hits = _ok(client, "/api/v1/search", q="container", limit=5)["hits"]
    assert [h["article_id"] for h in hits] == [hostile_id]


def test_stats_count_the_listed_events(client: TestClient) -> None:
    events = _ok(client, "/api/v1/events", size=500)["events"]
    countries = _ok(client, "/api/v1/stats/countries")["countries"]
    assert sum(c["events"] for c in countries) == sum(len(set(e["countries"])) for e in events)
    assert {"code": "DE", "name": "Germany", "events": 1} in countries
    types = _ok(client, "/api/v1/stats/types")["types"]
    assert sum(t["events"] for t in types) == len(events)
    labels = load_codebook()
    assert all(t["label"] == labels.type_labels[t["code"]] for t in types)
    issues = _ok(client, "/api/v1/stats/issues", lang="en")["issues"]
    assert {"code": "wages", "label": labels.issue_labels["wages"], "events": 1} in issues
    weeks = _ok(client, "/api/v1/stats/weeks")
    assert sum(w["events"] for w in weeks["weeks"]) + weeks["undated"] == len(events)
    assert {
        "week": "2024-W18",
        "start": "2024-04-29",
        "events": 1,
        "types": {"strike": 1},
    } in weeks["weeks"]
    for week in weeks["weeks"]:
        assert sum(week["types"].values()) == week["events"]


def test_network_links_organisations_that_met(client: TestClient) -> None:
    network = _ok(client, "/api/v1/network")
    ids = {n["id"] for n in network["nodes"]}
    assert network["edges"], "the samples have meetings between named organisations"
    for edge in network["edges"]:
        assert {edge["source"], edge["target"]} <= ids and edge["source"] != edge["target"]
        assert set(edge["types"]) <= NETWORK_TYPES
    assert len(_ok(client, "/api/v1/network", nodes=2)["nodes"]) == 2


def test_exports_stream_every_article(client: TestClient, db_url: str) -> None:
    events = _stored_events(db_url)
    response = client.get("/api/v1/export.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted((r["article_id"], int(r["event_index"])) for r in rows) == sorted(events)
    lines = client.get("/api/v1/export.jsonl", params={"with_text": "true"}).text.splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len({a for a, _ in events}) and all(r["text"] for r in records)
    geo = client.get("/api/v1/export.geojson", params={"country": "DE"}).json()
    assert geo["type"] == "FeatureCollection" and geo["features"]
    for feature in geo["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["properties"]["type"]


def test_csv_export_neutralises_formulas(client: TestClient) -> None:
    body = client.get("/api/v1/export.csv").content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(body)):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row), row


def test_openapi_and_offline_docs(client: TestClient) -> None:
    schema = _ok_schema(client)
    for path in ("/api/v1/events", "/api/v1/export.{fmt}", "/api/v1/network", "/feeds/events.atom"):
        assert path in schema["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "/api/v1/events" in docs.text
    assert "http://" not in docs.text.replace("http://testserver", "")
    assert "https://" not in docs.text
    assert docs.text.count("<script") == 1 and '<script src="/static/app.js"' in docs.text


def _ok_schema(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


@pytest.mark.parametrize(
    "path", ["/", "/api/v1/events", "/api/v1/docs", "/feeds/events.atom", "/nope"]
)
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_read_only_without_a_token(client: TestClient) -> None:
    response = client.post("/api/v1/ingest", json={"documents": [{"text": "x"}]})
    assert response.status_code in {404, 405}
    assert response.json() == {
        "ok": False,
        "error": response.json()["error"],
        "status": response.status_code,
    }


def test_ingest_demands_the_token(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    document = {
        "title": "Bus drivers strike",
        "published": "2024-03-04",
        "text": "Bus drivers in Leeds, United Kingdom, went on strike on 4 March 2024 over pay, "
        "their trade union said. The strike by the union's members closed every depot.",
    }
    with TestClient(create_app(url, Settings(), ingest_token=TOKEN)) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
            refused = client.post("/api/v1/ingest", json={"documents": [document]}, headers=headers)
            assert refused.status_code == 401
            assert refused.json()["ok"] is False and refused.json()["status"] == 401
        assert client.get("/api/v1/events").json()["events"] == []
        bad = client.post(
            "/api/v1/ingest", json={"documents": []}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert bad.status_code == 400 and bad.json()["ok"] is False
        accepted = client.post(
            "/api/v1/ingest",
            json={"documents": [document]},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["report"]["stored"] == 1
        events = client.get("/api/v1/events").json()["events"]
        assert [e["type"] for e in events] == ["strike"]


def test_serve_binds_loopback_by_default() -> None:
    from laborlens.cli import cli

    host = next(p for p in cli.commands["serve"].params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_serve_demo_builds_the_demo_database_once_and_serves_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from click.testing import CliRunner

    from laborlens.cli import DEMO_DB, cli

    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append((app, kwargs)))
    monkeypatch.chdir(tmp_path)
    for attempt in range(2):
        result = CliRunner().invoke(cli, ["serve", "--demo", "--port", "8123"])
        assert result.exit_code == 0, result.output
        assert ("stored" in result.output) == (attempt == 0), result.output
    assert (tmp_path / DEMO_DB).is_file()
    app, kwargs = served[-1]
    assert kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123
    with TestClient(app) as demo:
        events = demo.get("/api/v1/events").json()["events"]
    assert len(events) == 5
    assert {e["lang"] for e in events} == {"tr", "ru", "fa", "ar", "vi"}
