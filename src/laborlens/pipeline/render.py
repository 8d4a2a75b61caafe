"""Stage 5: an English one-line summary per event, readable without the source language.

Built from the coded fields, never from the text: who (organisations by their shortest
Latin form, else transliterated), what (the codebook's label), where, when, over what.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from anyascii import anyascii
from babel import Locale

from laborlens.pipeline.backends.romanise import romanise
from laborlens.pipeline.context import StageContext
from laborlens.records import Article, Event, OrganisationMention
from laborlens.resources.codebook import load_codebook

MAX_ACTORS = 2


@cache
def _english_countries() -> dict[str, str]:
    return dict(Locale("en").territories)


MAX_ACTOR_CHARS = 60


def _short_name(org: OrganisationMention) -> str:
    """Prefer an acronym already in Latin script; else the shortest romanised form."""
    latin_aliases = [
        a for a in org.aliases if a.isascii() and a.replace("-", "").isalnum() and a.isupper()
    ]
    if latin_aliases:
        return min(latin_aliases, key=len)
    if org.name.isascii():
        return org.name
    acronyms = [a for a in org.aliases if a.isupper() and len(a) <= 8]
    if acronyms:
        return anyascii(min(acronyms, key=len))
    name = romanise(org.name)
    if len(name) > MAX_ACTOR_CHARS:
        name = name[:MAX_ACTOR_CHARS].rsplit(" ", 1)[0] + "…"
    return name


def _actors(event: Event) -> list[str]:
    """Unions first: the summary says who acted, and in labour news that is usually a union."""
    ranked = sorted(event.organizations, key=lambda o: (o.kind != "union", -o.confidence))
    return [_short_name(o) for o in ranked[:MAX_ACTORS]]


def summarise_event(event: Event) -> str:
    book = load_codebook()
    countries = _english_countries()
    actors = _actors(event)
    if not actors:
        actors = [p.name_latin for p in event.people[:2] if p.name_latin]
    who = ", ".join(actors) if actors else "Workers"
    what = book.type_verbs.get(event.type, event.type)
    where_parts = [p.name_en for p in event.places[:2] if p.name_en]
    country_names = [countries.get(c.code, c.code) for c in event.countries[:3]]
    where = ", ".join(where_parts + [c for c in country_names if c not in where_parts])
    when = event.date.isoformat() if event.date else ""
    if event.date and event.date_precision == "month":
        when = event.date.strftime("%Y-%m")
    elif event.date and event.date_precision == "year":
        when = str(event.date.year)
    line = f"{who}: {what}"
    if where:
        line += f" in {where}"
    if when:
        line += f" on {when}" if event.date_precision == "day" else f" in {when}"
    issues = [book.issue_labels.get(i.code, i.code) for i in event.issues[:3]]
    if issues:
        line += f" over {', '.join(issues)}"
    if event.outcomes:
        line += f"; {event.outcomes[0].text_en}"
    return line + "."


def render_summaries(article: Article, context: StageContext) -> Article:
    """Attach the English summary to every event."""
    events = tuple(replace(e, summary_en=summarise_event(e)) for e in article.events)
    return replace(article, events=events)
