"""The relational schema, in SQLAlchemy Core so SQLite and PostgreSQL share one definition.

An event is keyed by ``(article_id, idx)``, its position in ``Article.events``; every
mention table hangs off that key with its own ``idx`` (position in the event's tuple), so a
batch can be written with plain multi-row inserts and no id round trips. Evidence lives in
``spans``: ``field`` names the group the span supports (``type``, ``date``, ``country``,
``place``, ``organization``, ``person``, ``issue``, ``outcome``, or ``relevance`` for an
article-level lexicon hit, whose ``event_idx`` is NULL), ``item`` the mention within that
group, ``seq`` the span's position and ``label`` the span's own ``Span.field``.

Articles, events, sources and skipped records carry ``pipeline_version``; mention and span
rows belong to exactly one event and are always rewritten with it.

Full-text search is backend specific (SQLite FTS5, see ``store/fts.py``) and is created by a
migration, not here. Schema changes after migration 1 need a migration (``migrations.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _stamp() -> tuple[Column[str], Column[str]]:
    return (
        Column("pipeline_version", String, nullable=False),
        Column("settings_hash", String, nullable=False),
    )


def _event_key() -> tuple[Column[str], Column[int], Column[int], ForeignKeyConstraint]:
    """Columns and cascade key shared by every table that belongs to one event."""
    return (
        Column("article_id", String, nullable=False),
        Column("event_idx", Integer, nullable=False),
        Column("idx", Integer, nullable=False),
        ForeignKeyConstraint(
            ["article_id", "event_idx"],
            ["events.article_id", "events.idx"],
            ondelete="CASCADE",
        ),
    )


schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String, primary_key=True),
    Column("source", String, nullable=False),
    Column("locator", String, nullable=False),
    Column("url", String),
    Column("site", String),
    Column("title", Text),
    Column("published", Date),
    Column("published_via", String),
    Column("lang", String),
    Column("lang_confidence", Float, nullable=False),
    Column("script", String),
    Column("raw_text", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("offset_map", JSON, nullable=False),
    Column("removed_lines", JSON, nullable=False),
    Column("is_labour", Boolean),
    Column("relevance_score", Float),
    Column("relevance_terms", JSON(none_as_null=True)),
    *_stamp(),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Index(None, "lang"),
    Index(None, "is_labour", "published"),
    Index(None, "published"),
)

article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("source", String, nullable=False),
    Column("locator", String, nullable=False),
    *_stamp(),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("article_id", "source", "locator", "settings_hash"),
    Index(None, "source", "locator", "settings_hash"),
)

events = Table(
    "events",
    metadata,
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("type", String, nullable=False),
    Column("also", JSON, nullable=False),
    Column("type_confidence", Float, nullable=False),
    Column("date", Date),
    Column("date_precision", String),
    Column("date_confidence", Float, nullable=False),
    # The calendar range the date stands for (a whole month or year for coarse dates),
    # so since/until filters match an event whose period overlaps the asked range.
    Column("period_start", Date),
    Column("period_end", Date),
    Column("summary_en", Text, nullable=False),
    Column("countries", JSON, nullable=False),
    *_stamp(),
    PrimaryKeyConstraint("article_id", "idx"),
    Index(None, "date"),
    Index(None, "type"),
    Index(None, "period_start", "period_end"),
)

event_countries = Table(
    "event_countries",
    metadata,
    *_event_key(),
    Column("code", String, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("via", String, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx", "idx"),
    Index(None, "code"),
)

organisations = Table(
    "organisations",
    metadata,
    *_event_key(),
    Column("name", Text, nullable=False),
    Column("kind", String, nullable=False),
    Column("aliases", JSON, nullable=False),
    Column("country", String),
    Column("confidence", Float, nullable=False),
    # Case- and script-folded name and aliases, one per line, for substring filters.
    Column("search_names", Text, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx", "idx"),
    Index(None, "kind"),
)

people = Table(
    "people",
    metadata,
    *_event_key(),
    Column("name", Text, nullable=False),
    Column("name_latin", Text, nullable=False),
    Column("role", Text),
    Column("organization", Text),
    Column("confidence", Float, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx", "idx"),
)

places = Table(
    "places",
    metadata,
    *_event_key(),
    Column("name", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("country", String),
    Column("lat", Float),
    Column("lon", Float),
    Column("geonameid", Integer),
    Column("admin_code", String),
    Column("feature", String, nullable=False),
    Column("confidence", Float, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx", "idx"),
    Index(None, "country"),
    Index(None, "geonameid"),
)

issues = Table(
    "issues",
    metadata,
    *_event_key(),
    Column("code", String, nullable=False),
    Column("confidence", Float, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx", "idx"),
    Index(None, "code"),
)

outcomes = Table(
    "outcomes",
    metadata,
    *_event_key(),
    Column("text_en", Text, nullable=False),
    Column("confidence", Float, nullable=False),
    PrimaryKeyConstraint("article_id", "event_idx", "idx"),
)

spans = Table(
    "spans",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("event_idx", Integer),
    Column("field", String, nullable=False),
    Column("item", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String, nullable=False),
    ForeignKeyConstraint(
        ["article_id", "event_idx"], ["events.article_id", "events.idx"], ondelete="CASCADE"
    ),
    Index(None, "article_id", "event_idx"),
)

skipped = Table(
    "skipped",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String, nullable=False),
    Column("locator", String, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("pipeline_version", String, nullable=False),
    Index(None, "source", "locator"),
)

shards_done = Table(
    "_shards_done",
    metadata,
    Column("shard", String, nullable=False),
    Column("settings_hash", String, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("done_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("shard", "settings_hash"),
)
"""Sharded ingest (``laborlens ingest --runner``): input files fully stored with these
settings, so a restarted run skips them. Created by migration 4."""

EVENT_CHILD_TABLES: tuple[Table, ...] = (
    event_countries,
    organisations,
    people,
    places,
    issues,
    outcomes,
)
"""Tables keyed by (article_id, event_idx, idx), in the order rows are written."""

ARTICLE_TABLES: tuple[Table, ...] = (articles, events, *EVENT_CHILD_TABLES, spans)
"""Every table an Article is spread over, parents first."""

DATA_TABLES: tuple[Table, ...] = (
    articles,
    article_sources,
    events,
    *EVENT_CHILD_TABLES,
    spans,
    skipped,
)
"""The tables ``Store.counts`` reports, parents first."""
