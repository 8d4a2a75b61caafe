"""Terminal rendering: the event table, an article with its evidence highlighted, and bidi.

Most terminals lay text out left to right, character by character, so Persian or Arabic
comes out mirrored. When the terminal is not known to apply the Unicode bidirectional
algorithm itself, each line is wrapped first (in logical order) and then reordered for
display with python-bidi, keeping the highlight of every character.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bidi import algorithm as bidi_algorithm
from bidi import get_display
from rich.console import Console, Group, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from laborlens.export import event_to_record
from laborlens.query import EventRow, SearchHit
from laborlens.records import Article, Event

logger = logging.getLogger(__name__)

FIELD_STYLES: Mapping[str, str] = {
    "type": "bold white on magenta",
    "date": "black on cyan",
    "country": "white on blue",
    "place": "black on green",
    "organization": "black on yellow",
    "person": "white on red",
    "issue": "black on bright_white",
    "outcome": "italic black on bright_cyan",
    "labour": "underline",
}
FIELD_LABELS: Mapping[str, str] = {
    "type": "event type",
    "date": "date",
    "country": "country",
    "place": "place",
    "organization": "organisation",
    "person": "person",
    "issue": "issue",
    "outcome": "outcome",
    "labour": "labour term",
}

_RTL_CLASSES = frozenset({"R", "AL"})
_VTE_WITH_BIDI = 5800  # VTE 0.58 (GNOME Terminal and friends) implements bidi
_TERMINALS_WITH_BIDI = frozenset({"Apple_Terminal", "mlterm"})


def terminal_does_bidi(environ: Mapping[str, str]) -> bool:
    """True for terminals known to reorder right-to-left text themselves."""
    if environ.get("TERM_PROGRAM", "") in _TERMINALS_WITH_BIDI:
        return True
    if "KONSOLE_VERSION" in environ or "MLTERM" in environ:
        return True
    vte = environ.get("VTE_VERSION", "")
    return vte.isdigit() and int(vte) >= _VTE_WITH_BIDI


def should_reorder(choice: bool | None, console: Console, environ: Mapping[str, str]) -> bool:
    """``--bidi``/``--no-bidi`` win; otherwise reorder on a terminal that does not do bidi.

    Output to a file or pipe stays in logical order, which is what every other program expects.
    """
    if choice is not None:
        return choice
    return console.is_terminal and not terminal_does_bidi(environ)


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def visual(text: str, reorder: bool = True) -> str:
    """Display order for a terminal without bidi, line by line; unchanged without RTL text."""
    if not reorder or not has_rtl(text):
        return text
    return "\n".join(str(get_display(line)) if has_rtl(line) else line for line in text.split("\n"))


def _visual_order(line: str) -> tuple[str, list[int]] | None:
    """The displayed line and, for each displayed character, its index in ``line``.

    python-bidi's pure-Python algorithm exposes its per-character storage, from which the
    permutation is read; it is used only when it agrees with ``get_display``.
    """
    storage: dict[str, Any] = bidi_algorithm.get_empty_storage()
    base_level = bidi_algorithm.get_base_level(line)
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    bidi_algorithm.get_embedding_levels(line, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    bidi_algorithm.explicit_embed_and_overrides(storage)
    bidi_algorithm.resolve_weak_types(storage)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    bidi_algorithm.reorder_resolved_levels(storage, False)
    bidi_algorithm.apply_mirroring(storage, False)
    shown = "".join(char["ch"] for char in storage["chars"])
    if shown != get_display(line):
        return None
    return shown, [int(char["index"]) for char in storage["chars"]]


def visual_text(line: Text) -> Text:
    """Reorder one already-wrapped line for display, carrying each character's style along."""
    plain = line.plain
    if not has_rtl(plain):
        return line
    order = _visual_order(plain)
    rtl_base = bidi_algorithm.get_base_level(plain) == 1
    justify: JustifyMethod = "right" if rtl_base else "left"
    if order is None:
        logger.debug("bidi reorder without highlights for %r", plain[:40])
        return Text(str(get_display(plain)), justify=justify)
    shown, indexes = order
    styles: list[Any] = [None] * len(plain)
    for span in line.spans:
        for i in range(max(span.start, 0), min(span.end, len(plain))):
            styles[i] = span.style
    result = Text(justify=justify, style=line.style)
    run_start = 0
    for position in range(1, len(indexes) + 1):
        if position == len(indexes) or styles[indexes[position]] != styles[indexes[run_start]]:
            result.append(shown[run_start:position], style=styles[indexes[run_start]])
            run_start = position
    return result


def reorder_for_terminal(text: Text, console: Console, width: int | None = None) -> Group:
    """Wrap each paragraph to the console width in logical order, then reorder each line."""
    width = width or console.width
    lines: list[Text] = []
    for paragraph in text.split("\n", allow_blank=True):
        if not has_rtl(paragraph.plain):
            lines.append(paragraph)
            continue
        for wrapped in paragraph.wrap(console, width):
            lines.append(visual_text(wrapped))
    return Group(*lines)


def date_label(date: dt.date | None, precision: str | None) -> str:
    if date is None:
        return "—"
    if precision == "year":
        return f"{date.year:04d}"
    if precision == "month":
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


_TABLE_ORGANISATIONS = 3  # a listing names the first few; `show` lists them all


def _organisations(event: Event, reorder: bool) -> str:
    names = [visual(o.name, reorder) for o in event.organizations]
    # Reordered names go one per line: rich wraps cells after reordering, and a wrapped
    # right-to-left name would show its lines in the wrong order.
    shown = ("\n" if reorder else "; ").join(names[:_TABLE_ORGANISATIONS])
    extra = len(names) - _TABLE_ORGANISATIONS
    return f"{shown} (+{extra} more)" if extra > 0 else shown


_WIDE = 110  # below this many columns the event table folds date/country under id/type


def events_table(rows: Sequence[EventRow], reorder: bool = False, width: int = 120) -> Table:
    """One line per event: id, date, country, type, organisations, English summary.

    On narrow terminals the date sits under the article id and the countries under the type,
    so that organisations and the summary keep room to be read.
    """
    wide = width >= _WIDE
    table = Table(header_style="bold", show_lines=not wide)
    if wide:
        table.add_column("article", style="dim", no_wrap=True)
        table.add_column("date", no_wrap=True)
        table.add_column("country", overflow="fold")
        table.add_column("type", no_wrap=True)
    else:
        table.add_column("article / date", no_wrap=True)
        table.add_column("type / country", overflow="fold")
    # No min_width here: rich crops a table whose minimum widths exceed the console.
    table.add_column("organisations", overflow="fold", ratio=1)
    table.add_column("summary (English)", overflow="fold", ratio=2)
    for row in rows:
        event = row.event
        date = date_label(event.date, event.date_precision)
        countries = ", ".join(c.code for c in event.countries) or "—"
        facts = (
            [row.article_id, date, countries, event.type]
            if wide
            else [f"[dim]{row.article_id}[/dim]\n{date}", f"{event.type}\n{countries}"]
        )
        table.add_row(
            *facts,
            Text(_organisations(event, reorder) or "—"),
            Text(event.summary_en or "—"),
        )
    return table


def event_row_to_dict(row: EventRow) -> dict[str, Any]:
    return {
        "article_id": row.article_id,
        "event_index": row.event_index,
        "lang": row.lang,
        "title": row.title,
        "source": row.source,
        "url": row.url,
        "published": row.published.isoformat() if row.published else None,
        **event_to_record(row.event),
    }


def search_table(hits: Sequence[SearchHit], reorder: bool = False) -> Table:
    table = Table(header_style="bold")
    table.add_column("article", style="dim", no_wrap=True)
    table.add_column("lang", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=1)
    table.add_column("snippet", overflow="fold", ratio=2)
    for hit in hits:
        table.add_row(
            hit.article_id,
            hit.lang or "—",
            Text(visual(hit.title or "", reorder) or "—"),
            Text(visual(" ".join(hit.snippet.split()), reorder)),
        )
    return table


def _article_spans(article: Article) -> list[tuple[int, int, str]]:
    spans = {(s.start, s.end, s.field) for e in article.events for s in e.evidence}
    if article.relevance is not None:
        spans |= {(t.span.start, t.span.end, "labour") for t in article.relevance.terms}
    # Longer spans first, so a shorter span inside one is drawn on top of it.
    return sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0]))


def highlighted_text(article: Article) -> Text:
    """The article text with every evidence span styled by its field."""
    text = Text(article.text)
    for start, end, name in _article_spans(article):
        if 0 <= start < end <= len(article.text):
            text.stylize(FIELD_STYLES.get(name, "reverse"), start, end)
    return text


def legend(fields: Iterable[str] | None = None) -> Text:
    names = list(fields) if fields is not None else list(FIELD_STYLES)
    out = Text("legend: ")
    for i, name in enumerate(names):
        if i:
            out.append("  ")
        out.append(f" {FIELD_LABELS.get(name, name)} ", style=FIELD_STYLES.get(name, "reverse"))
    return out


def _event_table(event: Event, index: int, reorder: bool) -> Table:
    """Every field of one event; untrusted text goes in as Text, never as markup."""
    table = Table(show_header=False, box=None, padding=(0, 1), title_justify="left")
    table.title = f"event {index + 1}: {event.type}" + (
        f" (also {', '.join(event.also)})" if event.also else ""
    )
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    # One item a line when reordering, so that rich never wraps a right-to-left list.
    sep = "\n" if reorder else "; "

    def row(name: str, items: Iterable[str], joiner: str = sep) -> None:
        table.add_row(name, Text(joiner.join(items) or "—"))

    row("summary", [event.summary_en])
    row("date", [date_label(event.date, event.date_precision)])
    row("countries", [c.code for c in event.countries], ", ")
    row(
        "places",
        (
            f"{visual(p.name, reorder)} ({p.name_en}{', ' + p.country if p.country else ''})"
            for p in event.places
        ),
    )
    row("organisations", (f"{visual(o.name, reorder)} [{o.kind}]" for o in event.organizations))
    people = []
    for p in event.people:
        organisation = visual(p.organization, reorder) if p.organization else None
        extra = ", ".join(x for x in (p.role, organisation) if x)
        label = visual(p.name, reorder) + (f" / {p.name_latin}" if p.name_latin != p.name else "")
        people.append(label + (f" ({extra})" if extra else ""))
    row("people", people)
    row("issues", (i.code for i in event.issues), ", ")
    row("outcomes", (o.text_en for o in event.outcomes))
    return table


def article_view(article: Article, console: Console, reorder: bool) -> list[RenderableType]:
    """Header, highlighted text, legend, then every event with its summary."""
    relevance = article.relevance
    labour = relevance is not None and relevance.is_labour
    header = Text()
    header.append(visual(article.title or "(untitled)", reorder) + "\n", style="bold")
    header.append(
        f"id {article.id} · {article.lang or '?'} · published "
        f"{article.published.isoformat() if article.published else 'unknown'} · "
        f"{'labour' if labour else 'not labour'}"
        + (f" (score {relevance.score:.2f})" if relevance else "")
        + f"\nsource {article.source}"
        + (f" · {article.url}" if article.url else ""),
        style="dim",
    )
    body = highlighted_text(article)
    present = {name for _, _, name in _article_spans(article)}
    used = [name for name in FIELD_STYLES if name in present]
    parts: list[RenderableType] = [header, Text()]
    parts.append(reorder_for_terminal(body, console) if reorder else body)
    parts += [Text(), legend(used or None)]
    if not article.events:
        parts.append(Text("\nno events coded", style="dim"))
    for index, event in enumerate(article.events):
        parts += [Text(), _event_table(event, index, reorder)]
    return parts
