"""Every error, on every endpoint, has the one JSON shape {ok: false, error, status}."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("/api/v1/events?country=ZZ", 400, "country"),
    ("/api/v1/events?country=TUR", 400, "country"),
    ("/api/v1/events?since=2024-02-30", 400, "since"),
    ("/api/v1/events?since=2024-05-01&until=2024-01-01", 400, "since"),
    ("/api/v1/events?size=501", 400, "size"),
    ("/api/v1/events?size=0", 400, "size"),
    ("/api/v1/events?size=ten", 400, "size"),
    ("/api/v1/events?type=riot", 400, "type"),
    ("/api/v1/events?issue=weather", 400, "issue"),
    ("/api/v1/events?lang=english", 400, "lang"),
    ("/api/v1/events?sort=random", 400, "sort"),
    ("/api/v1/events?cursor=%21%21notacursor", 400, "cursor"),
    ("/api/v1/events?q=" + "x" * 201, 400, "q"),
    ("/api/v1/events?org=" + "y" * 201, 400, "org"),
    ("/api/v1/events/nosuchid/0", 404, "nosuchid"),
    ("/api/v1/events/nosuchid/zero", 400, "index"),
    ("/api/v1/articles/nosuchid", 404, "nosuchid"),
    ("/api/v1/search", 400, "q"),
    ("/api/v1/search?q=", 400, "q"),
    ("/api/v1/search?q=strike&limit=1000", 400, "limit"),
    ("/api/v1/stats/countries?country=QQ", 400, "country"),
    ("/api/v1/stats/weeks?until=yesterday", 400, "until"),
    ("/api/v1/network?nodes=0", 400, "nodes"),
    ("/api/v1/export.csv?type=nope", 400, "type"),
    ("/api/v1/export.xml", 400, "fmt"),
    ("/api/v1/nothing-here", 404, "Not Found"),
    ("/feeds/events.atom?country=ZZ", 400, "country"),
    ("/feeds/nothing.atom", 404, "Not Found"),
]


@pytest.mark.parametrize(("path", "status", "mentions"), CASES, ids=[c[0][:60] for c in CASES])
def test_error_shape(client: TestClient, path: str, status: int, mentions: str) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status
    assert mentions in body["error"]


def test_wrong_method_has_the_shape(client: TestClient) -> None:
    response = client.delete("/api/v1/events")
    assert response.status_code == 405
    assert response.json() == {"ok": False, "error": "Method Not Allowed", "status": 405}


def test_dashboard_errors_are_pages(client: TestClient) -> None:
    response = client.get("/?country=ZZ")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "&#39;ZZ&#39; is not an ISO 3166-1" in response.text


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_a_forged_cursor_beyond_any_offset_is_a_400(client: TestClient, sort: str) -> None:
    from laborlens.query import EventQuery
    from laborlens.web.params import encode_cursor

    cursor = encode_cursor(EventQuery(), sort, 2**63)  # type: ignore[arg-type]
    response = client.get("/api/v1/events", params={"cursor": cursor, "sort": sort})
    assert response.status_code == 400, response.text
    assert "cursor" in response.json()["error"]
