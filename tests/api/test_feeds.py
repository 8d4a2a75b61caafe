"""The Atom feed parses as valid Atom and honours the country and type filters."""

from __future__ import annotations

import feedparser
import pytest
from fastapi.testclient import TestClient

from laborlens.resources.codebook import load_codebook


def _parse(client: TestClient, query: str = "") -> feedparser.FeedParserDict:
    response = client.get(f"/feeds/events.atom{query}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_feed_has_the_required_atom_elements(client: TestClient) -> None:
    parsed = _parse(client)
    feed = parsed.feed
    assert feed.id and feed.title and feed.updated_parsed
    assert feed.author == "laborlens"
    assert any(link.rel == "self" for link in feed.links)
    assert parsed.entries
    for entry in parsed.entries:
        assert entry.id.startswith("urn:laborlens:event:")
        assert entry.title and entry.updated_parsed and entry.summary
        assert entry.link.startswith("http://testserver/articles/")
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)


@pytest.mark.parametrize(("query", "code"), [("?country=IR", "IR"), ("?country=ir,de", None)])
def test_feed_filters_by_country(client: TestClient, query: str, code: str | None) -> None:
    entries = _parse(client, query).entries
    assert entries
    for entry in entries:
        if code:
            assert f" {code} " in f" {entry.title.replace('·', ' ')} "


def test_feed_filters_by_type_and_uses_labels(client: TestClient) -> None:
    label = load_codebook().type_labels["meeting"]
    entries = _parse(client, "?type=meeting").entries
    assert entries
    assert all(e.title.startswith(label) and e.tags[0].term == "meeting" for e in entries)
    assert not _parse(client, "?type=meeting&country=MA").entries


def test_feed_escapes_article_markup(client: TestClient) -> None:
    body = client.get("/feeds/events.atom?country=DE").text
    assert "<script" not in body and "<img" not in body
