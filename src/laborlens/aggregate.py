"""Counts and the organisation network (API aggregations, dashboard charts).

Counts come from the store's GROUP BY (``Store.event_counts`` and ``Store.event_dates``) and
are only labelled and ordered here; the ``count_*`` functions over event rows do the same for
rows already in memory. The network still walks the matching events (``iter_events``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import pycountry

from laborlens.query import EventRow
from laborlens.records import EVENT_TYPES
from laborlens.resources.codebook import load_codebook
from laborlens.resources.patterns import fold_for_matching


def country_name(code: str) -> str:
    """The English short name of an ISO code, or the code when pycountry has none."""
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "name", code)) if country is not None else code


NETWORK_TYPES = frozenset({"meeting", "agreement", "bargaining"})
"""Event types in which the organisations named met or signed together."""


def _busiest(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def country_counts(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    """Events per country code, busiest first, with the country's English name."""
    return [{"code": code, "name": country_name(code), "events": n} for code, n in _busiest(counts)]


def type_counts(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    labels = load_codebook().type_labels
    return [
        {"code": code, "label": labels.get(code, code), "events": n} for code, n in _busiest(counts)
    ]


def issue_counts(counts: Mapping[str, int]) -> list[dict[str, Any]]:
    labels = load_codebook().issue_labels
    return [
        {"code": code, "label": labels.get(code, code), "events": n} for code, n in _busiest(counts)
    ]


def count_countries(rows: Iterable[EventRow]) -> list[dict[str, Any]]:
    return country_counts(
        Counter(code for row in rows for code in {c.code for c in row.event.countries})
    )


def count_types(rows: Iterable[EventRow]) -> list[dict[str, Any]]:
    return type_counts(Counter(row.event.type for row in rows))


def count_issues(rows: Iterable[EventRow]) -> list[dict[str, Any]]:
    return issue_counts(
        Counter(code for row in rows for code in {i.code for i in row.event.issues})
    )


def count_weeks(rows: Iterable[EventRow]) -> dict[str, Any]:
    return week_counts(Counter((row.event.date, row.event.type) for row in rows))


def week_counts(dates: Mapping[tuple[dt.date | None, str], int]) -> dict[str, Any]:
    """Events per ISO week of the event date, oldest first, with the count of each type in
    the week (the codebook's order); undated events are counted apart.

    ``dates`` maps (event date, type) to events, as ``Store.event_dates`` returns it.
    """
    counts: defaultdict[dt.date, Counter[str]] = defaultdict(Counter)
    undated = 0
    for (date, kind), n in dates.items():
        if date is None:
            undated += n
        else:
            counts[date - dt.timedelta(days=date.weekday())][kind] += n
    order = {code: i for i, code in enumerate(EVENT_TYPES)}
    weeks = [
        {
            "week": f"{start.isocalendar()[0]}-W{start.isocalendar()[1]:02d}",
            "start": start.isoformat(),
            "events": sum(types.values()),
            "types": dict(sorted(types.items(), key=lambda item: order.get(item[0], len(order)))),
        }
        for start, types in sorted(counts.items())
    ]
    return {"weeks": weeks, "undated": undated}


@dataclass(slots=True)
class _Node:
    names: Counter[str]
    kinds: Counter[str]
    events: int = 0


def _key(name: str) -> str:
    return " ".join(fold_for_matching(name).split())


def build_network(rows: Iterable[EventRow], max_nodes: int) -> dict[str, Any]:
    """Organisations (by events named in) and edges between those that met or signed together.

    Names are merged after case and script folding; a node shows its most frequent spelling.
    Only the ``max_nodes`` busiest organisations are kept, with the edges among them.
    """
    nodes: dict[str, _Node] = {}
    edges: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        keys: dict[str, None] = {}
        for org in row.event.organizations:
            key = _key(org.name)
            if not key:
                continue
            node = nodes.setdefault(key, _Node(Counter(), Counter()))
            node.names[org.name] += 1
            node.kinds[org.kind] += 1
            keys[key] = None
        for key in keys:
            nodes[key].events += 1
        if row.event.type in NETWORK_TYPES:
            for a, b in combinations(sorted(keys), 2):
                edges[(a, b)][row.event.type] += 1
    kept = sorted(nodes, key=lambda k: (-nodes[k].events, k))[:max_nodes]
    ids = {key: index for index, key in enumerate(kept)}
    return {
        "nodes": [
            {
                "id": ids[key],
                "name": nodes[key].names.most_common(1)[0][0],
                "kind": nodes[key].kinds.most_common(1)[0][0],
                "events": nodes[key].events,
            }
            for key in kept
        ],
        "edges": [
            {
                "source": ids[a],
                "target": ids[b],
                "events": sum(types.values()),
                "types": dict(sorted(types.items())),
            }
            for (a, b), types in sorted(edges.items())
            if a in ids and b in ids
        ],
    }
