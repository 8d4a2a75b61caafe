"""Timeline, network and map pages: drawn from the same filters, labels escaped."""

from __future__ import annotations

import itertools
import json
import re
from html import unescape as html_unescape

import pytest
from fastapi.testclient import TestClient

from laborlens.web.charts import network_layout, timeline_bars, timeline_ticks


def test_timeline_draws_a_bar_per_dated_week(client: TestClient) -> None:
    weeks = client.get("/api/v1/stats/weeks").json()
    html = client.get("/timeline").text
    bars = re.findall(r'<rect class="bar" [^>]*><title>([^<]+)</title>', html)
    assert [b.split(":")[0] for b in bars] == [w["week"] for w in weeks["weeks"]]
    assert f"{weeks['undated']} undated" in html
    links = re.findall(r'<a href="(/\?since=[^"]+)"><rect class="(?:part|bar)', html)
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


def test_timeline_bars_stack_the_types_of_a_week() -> None:
    weeks = [
        {
            "week": "2024-W01",
            "start": "2024-01-01",
            "events": 3,
            "types": {"strike": 2, "protest": 1},
        },
        {"week": "2024-W02", "start": "2024-01-08", "events": 1, "types": {"meeting": 1}},
    ]
    first, second = timeline_bars(weeks)
    strike, protest = first.parts
    assert (strike.type, protest.type) == ("strike", "protest")
    assert strike.height == 2 * protest.height == 2 * second.parts[0].height
    assert strike.y + strike.height == pytest.approx(first.y + first.height)  # on the axis
    assert protest.y + protest.height == pytest.approx(strike.y)  # on top of the strikes
    assert protest.y == pytest.approx(first.y)


def test_timeline_ticks_mark_years_or_months() -> None:
    years = timeline_ticks([{"start": "2013-02-25"}, {"start": "2024-02-26"}])
    assert [t.label for t in years] == [str(y) for y in range(2014, 2025)]
    assert all(a.x < b.x for a, b in itertools.pairwise(years))
    months = timeline_ticks([{"start": "2024-01-01"}, {"start": "2024-05-06"}])
    assert [t.label for t in months] == ["2024-02", "2024-03", "2024-04", "2024-05"]
    assert len(timeline_ticks([{"start": "1900-01-01"}, {"start": "2024-01-01"}])) <= 12


def test_dashboard_home_has_the_map_the_timeline_and_the_list(client: TestClient) -> None:
    html = client.get("/", params={"country": "DE"}).text
    if "make demo" not in html:  # the map's places are those of the listed events
        points = re.search(r"data-points='([^']*)'", html)
        assert points is not None
        data = json.loads(html_unescape(points.group(1)))
        (feature,) = data["features"]
        assert feature["properties"]["type"] == "strike"
        assert feature["properties"]["title"].startswith("Port strike <script>")
        assert "<script>" not in points.group(1)
    assert len(re.findall(r'<rect class="part t-strike"', html)) == 1
    assert '<li data-type="strike" class="t-strike">' in html
    assert "Port strike" in html  # the list
    bar_links = re.findall(r'<a href="(/\?[^"]*since=[^"]+)"><rect class="part', html)
    assert bar_links and all(link.count("since=") == 1 for link in bar_links)
