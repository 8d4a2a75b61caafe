"""Geometry for the server-drawn SVG charts (timeline, organisation network).

Drawn on the server so the pages need no chart library and no inline style: positions are
SVG attributes, which the Content-Security-Policy does not restrict.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

TIMELINE_WIDTH = 960
TIMELINE_HEIGHT = 200
NETWORK_SIZE = 900
NETWORK_MAX_NODES = 40


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    events: int
    since: str
    until: str


def timeline_bars(weeks: Sequence[Mapping[str, Any]]) -> list[Bar]:
    """One bar per week with events, placed on a linear time axis from the first week."""
    if not weeks:
        return []
    starts = [dt.date.fromisoformat(w["start"]) for w in weeks]
    first, span = starts[0], (starts[-1] - starts[0]).days // 7 + 1
    slot = TIMELINE_WIDTH / span
    peak = max(w["events"] for w in weeks)
    bars = []
    for start, week in zip(starts, weeks, strict=True):
        height = (TIMELINE_HEIGHT - 20) * week["events"] / peak
        bars.append(
            Bar(
                x=round((start - first).days // 7 * slot, 2),
                y=round(TIMELINE_HEIGHT - height, 2),
                width=round(max(slot * 0.9, 2.0), 2),
                height=round(height, 2),
                label=week["week"],
                events=week["events"],
                since=start.isoformat(),
                until=(start + dt.timedelta(days=6)).isoformat(),
            )
        )
    return bars


@dataclass(frozen=True, slots=True)
class NodePoint:
    id: int
    name: str
    kind: str
    events: int
    x: float
    y: float
    r: float
    anchor: str


@dataclass(frozen=True, slots=True)
class EdgeLine:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    label: str


def network_layout(network: Mapping[str, Any]) -> tuple[list[NodePoint], list[EdgeLine]]:
    """Organisations on a circle (busiest first), edges as straight lines between them."""
    nodes = network["nodes"][:NETWORK_MAX_NODES]
    centre, radius = NETWORK_SIZE / 2, NETWORK_SIZE / 2 - 230
    points: dict[int, NodePoint] = {}
    for index, node in enumerate(nodes):
        angle = 2 * math.pi * index / max(len(nodes), 1) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        points[node["id"]] = NodePoint(
            id=node["id"],
            name=node["name"],
            kind=node["kind"],
            events=node["events"],
            x=round(x, 1),
            y=round(y, 1),
            r=round(4 + 2 * math.sqrt(node["events"]), 1),
            anchor="start" if math.cos(angle) >= 0 else "end",
        )
    edges = [
        EdgeLine(
            x1=points[e["source"]].x,
            y1=points[e["source"]].y,
            x2=points[e["target"]].x,
            y2=points[e["target"]].y,
            width=round(1 + math.log2(e["events"]), 1),
            label=f"{points[e['source']].name} – {points[e['target']].name}: {e['events']}",
        )
        for e in network["edges"]
        if e["source"] in points and e["target"] in points
    ]
    return list(points.values()), edges
