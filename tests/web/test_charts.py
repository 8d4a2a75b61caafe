"""Timeline, network and map pages: drawn from the same filters, labels escaped."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from laborlens.web.charts import network_layout, timeline_bars


def test_timeline_draws_a_bar_per_dated_week(client: TestClient) -> None:
    weeks = client.get("/api/v1/stats/weeks").json()
    html = client.get("/timeline").text
    bars = re.findall(r'<rect class="bar" [^>]*><title>([^<]+)</title>', html)
    assert [b.split(":")[0] for b in bars] == [w["week"] for w in weeks["weeks"]]
    assert f"{weeks['undated']} undated" in html
    links = re.findall(r'<a href="(/\?since=[^"]+)"><rect class="bar"', html)
    assert len(links) == len(bars)
    for link in links:
        page = client.get(link.replace("&amp;", "&"))
        assert page.status_code == 200 and page.text.count("<tr>") >= 2, link


def test_timeline_honours_filters(client: TestClient) -> None:
    html = client.get("/timeline", params={"country": "DE"}).text
    assert len(re.findall(r'<rect class="bar"', html)) == 1
    assert client.get("/timeline", params={"country": "ZZ"}).status_code == 400


def test_network_page_draws_nodes_and_edges(client: TestClient) -> None:
    network = client.get("/api/v1/network").json()
    html = client.get("/network").text
    assert html.count('<circle class="node') == min(len(network["nodes"]), 40)
    assert html.count('<line class="edge"') == len(network["edges"])
    assert "<script>" not in html.split("</head>", 1)[1]


def test_map_page_hands_its_filters_to_the_geojson(client: TestClient) -> None:
    html = client.get("/map", params={"country": "DE", "type": "strike"}).text
    if 'id="map"' in html:
        assert 'data-geojson="/api/v1/export.geojson?country=DE&amp;type=strike"' in html
        assert '<script src="/static/map.js" defer></script>' in html
    else:
        assert "make demo" in html
    assert client.get("/map", params={"since": "May"}).status_code == 400


def test_timeline_bars_sit_on_a_time_axis() -> None:
    weeks = [
        {"week": "2024-W01", "start": "2024-01-01", "events": 2},
        {"week": "2024-W03", "start": "2024-01-15", "events": 1},
    ]
    first, last = timeline_bars(weeks)
    assert first.x == 0 and last.x > first.x
    assert first.height == 2 * last.height


def test_network_layout_keeps_edges_between_drawn_nodes() -> None:
    network = {
        "nodes": [{"id": i, "name": f"org {i}", "kind": "union", "events": 1} for i in range(3)],
        "edges": [{"source": 0, "target": 2, "events": 4, "types": {"meeting": 4}}],
    }
    nodes, edges = network_layout(network)
    assert len(nodes) == 3 and len(edges) == 1
    assert (edges[0].x1, edges[0].y1) == (nodes[0].x, nodes[0].y)
    assert edges[0].width == 3.0
