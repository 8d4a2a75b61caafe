"""scripts/load_test.py: the replicated database it serves (built small) and its wrk parsing.
The load test itself is run by hand; timings are never asserted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from laborlens.api import create_app
from laborlens.config import Settings
from laborlens.query import EventQuery
from laborlens.store import open_store
from tests.api import served

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "load_test.py"


@pytest.fixture(scope="module")
def load_test() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def replicated(load_test: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> str:
    samples = load_test.sample_articles(served.database(tmp_path_factory))
    url = f"sqlite:///{tmp_path_factory.mktemp('load') / 'load.db'}"
    counts = load_test.build_database(url, 2000, samples=samples, batch=500)
    assert 2000 <= counts["events"] < 2000 + len(samples)
    return url


def test_copies_vary_dates_and_places(replicated: str) -> None:
    store = open_store(replicated)
    try:
        rows = store.query_events(EventQuery(limit=5000))
        total = store.count_events(EventQuery())
    finally:
        store.close()
    assert len(rows) == total >= 2000
    assert len({(r.article_id, r.event_index) for r in rows}) == total
    assert len({r.event.date for r in rows}) > 1000
    countries = {c.code for r in rows for c in r.event.countries}
    assert len(countries) > 50
    for row in rows:
        (place,) = row.event.places
        assert place.lat is not None and place.lon is not None
        assert [c.code for c in row.event.countries] == [place.country]
        assert row.published is not None and row.event.date is not None
        assert 0 <= (row.published - row.event.date).days <= 2


def test_the_replicated_database_is_served(replicated: str) -> None:
    with TestClient(create_app(replicated, Settings())) as client:
        types = client.get("/api/v1/stats/types").json()["types"]
        total = sum(t["events"] for t in types)
        code = client.get("/api/v1/stats/countries").json()["countries"][0]["code"]
        page = client.get("/api/v1/events", params={"country": code, "size": 10}).json()
        hits = client.get("/api/v1/search", params={"q": "sendika"}).json()["hits"]
    assert total >= 2000
    assert page["events"] and all(e["countries"] == [code] for e in page["events"])
    assert hits


WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/api/v1/events
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.10ms   12.50ms 180.00ms   80.00%
    Req/Sec   600.00    100.00   800.00     70.00%
  Latency Distribution
     50%   39.50ms
     75%   45.00ms
     90%   55.00ms
     99%    1.20s
  6012 requests in 5.01s, 30.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1200.40
Transfer/sec:      5.99MB
"""


def test_wrk_output_is_read(load_test: ModuleType) -> None:
    result = load_test.parse_wrk("events", "/api/v1/events", WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(1200.40)
    assert result.p50_ms == pytest.approx(39.5)
    assert result.p99_ms == pytest.approx(1200.0)
    assert result.requests == 6012
    assert "Non-2xx" in result.errors


def test_missing_wrk_fails_clearly(
    load_test: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(load_test.shutil, "which", lambda _name: None)
    assert load_test.main(["--events", "10"]) == 2
    assert "wrk is not installed" in capsys.readouterr().err
