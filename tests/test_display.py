"""Terminal rendering: right-to-left reordering that keeps highlights, tables, legends."""

from __future__ import annotations

import datetime as dt

import pytest
from bidi import get_display
from rich.console import Console
from rich.text import Text

from laborlens.display import (
    FIELD_STYLES,
    article_view,
    date_label,
    has_rtl,
    highlighted_text,
    reorder_for_terminal,
    should_reorder,
    terminal_does_bidi,
    visual,
    visual_text,
)
from laborlens.records import Article, Event, OrganisationMention, Relevance, Span

PERSIAN = "کارگران کارخانه امروز اعتصاب کردند"  # "the factory workers went on strike today"


def test_visual_reorders_rtl_lines_only() -> None:
    assert visual("plain English line") == "plain English line"
    assert visual(PERSIAN) == get_display(PERSIAN)
    assert visual(PERSIAN) != PERSIAN
    assert visual(f"first line\n{PERSIAN}") == f"first line\n{get_display(PERSIAN)}"
    assert visual(PERSIAN, reorder=False) == PERSIAN


def test_visual_text_carries_each_characters_style() -> None:
    line = Text(PERSIAN + " ABC")
    start = line.plain.index("اعتصاب")
    line.stylize("red", start, start + len("اعتصاب"))
    shown = visual_text(line)
    assert shown.plain == get_display(line.plain)
    styled = [shown.plain[s.start : s.end] for s in shown.spans if s.style == "red"]
    assert styled == [get_display("اعتصاب")]
    assert shown.justify == "right"  # the paragraph's base direction is right-to-left


def test_reorder_wraps_in_logical_order_before_reordering() -> None:
    console = Console(width=20, record=True, color_system=None)
    paragraph = " ".join([PERSIAN] * 3)
    console.print(reorder_for_terminal(Text(paragraph), console))
    lines = [line.strip() for line in console.export_text().splitlines() if line.strip()]
    assert len(lines) > 2
    # The first screen line holds the first words of the paragraph, read right to left.
    first_words = " ".join(PERSIAN.split()[:2])
    assert get_display(first_words) in lines[0]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"TERM_PROGRAM": "Apple_Terminal"}, True),
        ({"KONSOLE_VERSION": "230804"}, True),
        ({"VTE_VERSION": "7600"}, True),
        ({"VTE_VERSION": "5200"}, False),
        ({"TERM": "xterm-256color"}, False),
    ],
)
def test_terminal_does_bidi(environ: dict[str, str], expected: bool) -> None:
    assert terminal_does_bidi(environ) is expected


def test_should_reorder() -> None:
    piped = Console(force_terminal=False)
    tty = Console(force_terminal=True)
    assert should_reorder(None, piped, {}) is False
    assert should_reorder(None, tty, {}) is True
    assert should_reorder(None, tty, {"TERM_PROGRAM": "Apple_Terminal"}) is False
    assert should_reorder(True, piped, {}) is True
    assert should_reorder(False, tty, {}) is False


def _article() -> Article:
    text = f"Strike news\n{PERSIAN}."
    start = text.index("اعتصاب")
    org_start = text.index("کارخانه")
    event = Event(
        type="strike",
        type_spans=(Span(start, start + len("اعتصاب")),),
        organizations=(
            OrganisationMention("کارخانه", "employer", spans=(Span(org_start, org_start + 7),)),
        ),
        summary_en="Factory workers struck.",
    )
    return Article(
        id="x1",
        source="t.txt",
        raw_text=text,
        text=text,
        lang="fa",
        title="Strike news",
        relevance=Relevance(0.8, True),
        events=(event,),
    )


def test_highlighted_text_styles_evidence_by_field() -> None:
    article = _article()
    text = highlighted_text(article)
    styled = {(article.text[s.start : s.end], s.style) for s in text.spans}
    assert ("اعتصاب", FIELD_STYLES["type"]) in styled
    assert ("کارخانه", FIELD_STYLES["organization"]) in styled


@pytest.mark.parametrize("reorder", [True, False])
def test_article_view_shows_text_legend_and_events(reorder: bool) -> None:
    console = Console(width=100, record=True, color_system=None)
    for part in article_view(_article(), console, reorder=reorder):
        console.print(part)
    out = console.export_text()
    assert "legend:" in out and "event type" in out and "organisation" in out
    assert "Factory workers struck." in out
    assert (get_display(PERSIAN) in out) is reorder
    assert (PERSIAN in out) is not reorder


def test_date_label_and_rtl_detection() -> None:
    day = dt.date(2025, 4, 7)
    assert [date_label(day, p) for p in ("day", "month", "year")] == [
        "2025-04-07",
        "2025-04",
        "2025",
    ]
    assert date_label(None, None) == "—"
    assert has_rtl("نقابة") and not has_rtl("sendika")
