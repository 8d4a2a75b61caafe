"""Dashboard pages: labels not codes, evidence highlighted per field, text direction, and
every article-derived string escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from laborlens.query import EventQuery
from laborlens.resources.codebook import load_codebook
from laborlens.store import open_store
from laborlens.web.views import Segment, evidence_segments, safe_href, text_direction
from tests.api.served import HOSTILE_TITLE


def _lang_ids(db_url: str) -> dict[str, str]:
    store = open_store(db_url)
    try:
        return {row.lang or "": row.article_id for row in store.query_events(EventQuery())}
    finally:
        store.close()


def test_event_list_shows_labels_and_original_titles(client: TestClient, db_url: str) -> None:
    html = client.get("/").text
    body = html.split("<tbody>", 1)[1]
    labels = load_codebook().type_labels
    for code in re.findall(r'<span class="type">([^<]*)</span>', body):
        assert code in labels.values(), code
    assert '<span class="type">commemoration</span>' not in body
    assert re.search(r'<td dir="auto" lang="fa">[^<]*[\u0600-\u06ff]', body)
    for article_id in _lang_ids(db_url).values():
        assert f'href="/articles/{article_id}"' in body


def test_event_list_filters(client: TestClient) -> None:
    body = client.get("/", params={"country": "TR"}).text.split("<tbody>", 1)[1]
    assert body.count("<tr>") >= 1
    assert "<td>TR</td>" in body and "<td>IR</td>" not in body
    assert 'href="/feeds/events.atom?country=TR"' in client.get("/?country=TR").text


@pytest.mark.parametrize(("lang", "direction"), [("fa", "rtl"), ("ar", "rtl"), ("tr", "ltr")])
def test_article_text_direction(client: TestClient, db_url: str, lang: str, direction: str) -> None:
    html = client.get(f"/articles/{_lang_ids(db_url)[lang]}").text
    assert f'<div class="text" dir="{direction}" lang="{lang}">' in html
    assert text_direction(lang) == direction


def test_article_highlights_evidence_with_a_legend(client: TestClient, db_url: str) -> None:
    html = client.get(f"/articles/{_lang_ids(db_url)['ru']}").text
    marks = re.findall(r'<mark class="ev f-(\w+)" data-fields="([\w ]+)"', html)
    assert marks
    fields = {f for _, fs in marks for f in fs.split()}
    assert {"type", "organization", "country"} <= fields
    for field in {primary for primary, _ in marks}:
        assert f'<button type="button" class="ev f-{field}" data-field="{field}">' in html
    assert 'class="events"' in html and "Agreement" in html


def test_hostile_article_is_escaped(client: TestClient, hostile_id: str) -> None:
    for path in (f"/articles/{hostile_id}", "/", "/?q=container"):
        html = client.get(path).text
        assert "<script>alert" not in html
        assert "<img" not in html
        assert 'href="javascript' not in html.lower()
        assert "&lt;script&gt;alert(" in html
    article = client.get(f"/articles/{hostile_id}").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in article
    assert "&lt;a href=&#34;javascript:alert(5)&#34;&gt;" in article
    assert HOSTILE_TITLE not in article


def test_evidence_segments_cut_at_every_boundary() -> None:
    segments = evidence_segments("abcdefgh", [(1, 5, "person"), (3, 7, "date"), (9, 12, "type")])
    assert segments == [
        Segment("a", ()),
        Segment("bc", ("person",)),
        Segment("de", ("date", "person")),
        Segment("fg", ("date",)),
        Segment("h", ()),
    ]
    assert "".join(s.text for s in segments) == "abcdefgh"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("javascript:alert(1)", None),
        (" JAVASCRIPT:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected
