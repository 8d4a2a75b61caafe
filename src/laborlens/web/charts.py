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


MIN_BAR_WIDTH = 4.0
"""Narrowest bar drawn, so that a lone week in a long span stays visible and clickable."""


@dataclass(frozen=True, slots=True)
class BarPart:
    """The events of one type in a week: a slice of that week's stacked bar."""

    type: str
    y: float
    height: float
    events: int


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
    parts: tuple[BarPart, ...] = ()


def timeline_bars(weeks: Sequence[Mapping[str, Any]]) -> list[Bar]:
    """One bar per week with events, placed on a linear time axis from the first week and
    stacked by type (bottom up, in the order of the week's ``types``) when the week has them."""
    if not weeks:
        return []
    starts = [dt.date.fromisoformat(w["start"]) for w in weeks]
    first, span = starts[0], (starts[-1] - starts[0]).days // 7 + 1
    slot = (TIMELINE_WIDTH - MIN_BAR_WIDTH) / span
    peak = max(w["events"] for w in weeks)
    scale = (TIMELINE_HEIGHT - 20) / peak
    bars = []
    for start, week in zip(starts, weeks, strict=True):
        height = scale * week["events"]
        parts: list[BarPart] = []
        top = float(TIMELINE_HEIGHT)
        for kind, n in week.get("types", {}).items():
            top -= scale * n
            parts.append(BarPart(kind, round(top, 2), round(scale * n, 2), n))
        bars.append(
            Bar(
                x=round((start - first).days // 7 * slot, 2),
                y=round(TIMELINE_HEIGHT - height, 2),
                width=round(max(slot * 0.9, MIN_BAR_WIDTH), 2),
                height=round(height, 2),
                label=week["week"],
                events=week["events"],
                since=start.isoformat(),
                until=(start + dt.timedelta(days=6)).isoformat(),
                parts=tuple(parts),
            )
        )
    return bars


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


def timeline_ticks(weeks: Sequence[Mapping[str, Any]], *, most: int = 12) -> list[Tick]:
    """Labelled marks on the time axis of ``timeline_bars``: each new year, or each month when
    the weeks span less than two years; thinned to at most ``most`` so labels never overlap."""
    if not weeks:
        return []
    first = dt.date.fromisoformat(weeks[0]["start"])
    last = dt.date.fromisoformat(weeks[-1]["start"])
    span = (last - first).days // 7 + 1
    slot = (TIMELINE_WIDTH - MIN_BAR_WIDTH) / span
    yearly = span >= 104
    marks: list[dt.date] = []
    day = dt.date(first.year + 1, 1, 1) if yearly else dt.date(first.year, first.month, 1)
    while day <= last + dt.timedelta(days=6):
        if day > first:
            marks.append(day)
        day = (
            dt.date(day.year + 1, 1, 1)
            if yearly
            else dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        )
    step = -(-len(marks) // most) if marks else 1
    return [
        Tick(
            x=round((mark - first).days / 7 * slot, 2),
            label=str(mark.year) if yearly else mark.strftime("%Y-%m"),
        )
        for mark in marks[::step]
    ]


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
