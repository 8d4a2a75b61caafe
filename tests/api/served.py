"""One real SQLite database for the API and dashboard tests: the bundled samples plus a
hostile article whose title, text and URL carry markup and script."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.ingest import ingest
from laborlens.query import EventQuery
from laborlens.store import open_store

HOSTILE_TITLE = "Port strike <script>alert('title')</script> <img src=x onerror=alert(2)>"
HOSTILE_URL = "javascript:alert(3)"
HOSTILE = {
    "title": HOSTILE_TITLE,
    "url": HOSTILE_URL,
    "published": "2024-05-02",
    "lang": "en",
    "text": (
        "Port strike in Hamburg, Germany.\n\n"
        "On 2 May 2024 thousands of dock workers of the ver.di union went on strike at the "
        "port of Hamburg over wages. <script>alert('text')</script> The union said "
        "<img src=x onerror=alert(1)> that the employers had refused a wage increase. "
        'Read more at javascript:alert(4) or <a href="javascript:alert(5)">this link</a>. '
        "The strike stopped all container traffic for 24 hours, union leaders said."
    ),
}

_BUILT: dict[str, str] = {}


def database(factory: pytest.TempPathFactory) -> str:
    """The database URL, ingested once per test session."""
    if "url" not in _BUILT:
        base = factory.mktemp("served")
        hostile = base / "hostile.jsonl"
        hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
        url = f"sqlite:///{base / 'served.db'}"
        samples = resources.files("laborlens") / "samples"
        assert isinstance(samples, Path)
        store = open_store(url)
        try:
            report = ingest([str(samples), str(hostile)], store, Settings())
        finally:
            store.close()
        assert report.stored == 6 and not report.skipped, report
        _BUILT["url"] = url
    return _BUILT["url"]


def hostile_id(url: str) -> str:
    store = open_store(url)
    try:
        ids = [a.id for a in store.iter_articles(_all()) if a.title == HOSTILE_TITLE]
    finally:
        store.close()
    assert len(ids) == 1
    return ids[0]


def _all() -> EventQuery:
    return EventQuery(include_non_labour=True)
