"""The Parquet directory ``ingest --parquet-out`` writes and ``laborlens load`` reads back.

    DIR/year_month=2024-05/country=TR/shard-<key>-<i>.parquet   one row per event
    DIR/_shards_done.jsonl   finished shards: {"shard", "settings_hash", "documents"}
    DIR/_skipped.jsonl       inputs skipped: {"shard", "settings_hash", "position", "kind", ...}
    DIR/_settings.jsonl      each run's settings: {"settings_hash", "settings"}

Rows are partitioned by the event's year-month (else the publication's, else ``unknown``) and
its first country (else ``none``); an article without events gets one row of its own. A row
has the columns of ``laborlens export`` (``PARQUET_SCHEMA``) and the ones a database needs to
store the article exactly as a direct ingest does (``LOSSLESS_FIELDS``): every row carries the
settings hash and the article's position among the shard's records (a shard may hold one
article twice), each event row every mention with its confidence and evidence spans, and the
article's first row its raw and normalised text, offset map, relevance with the spans of its
lexicon hits, vector and the other article fields (null on the other rows, so a text is stored
once). ``read_shard`` rebuilds the articles equal to the ones written, their vectors rounded to
float32 as the database stores them.

A shard's files are named after ``shard_key`` (its path and settings hash), so writing a shard
again overwrites them, and the loader finds a shard's rows, spread over partitions, by name.
Pyarrow's dataset discovery ignores the ``_``-prefixed manifests.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.parquet as pq

from laborlens.config import Settings
from laborlens.errors import ConfigError
from laborlens.export import PARQUET_SCHEMA, parquet_article_columns, parquet_event_columns
from laborlens.records import (
    Article,
    CountryMention,
    Embedding,
    Event,
    IssueMention,
    OffsetMap,
    OrganisationMention,
    Outcome,
    PersonMention,
    PlaceMention,
    Relevance,
    Span,
    TermMatch,
)

logger = logging.getLogger(__name__)

MANIFEST = "_shards_done.jsonl"
SKIPPED = "_skipped.jsonl"
SETTINGS = "_settings.jsonl"
PARTITIONS = ("year_month", "country")

_SPAN = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("field", pa.string())])
_SPANS = pa.list_(_SPAN)
_MENTION_FIELDS: dict[str, list[tuple[str, pa.DataType]]] = {
    "country_mentions": [("code", pa.string()), ("via", pa.string())],
    "place_mentions": [
        ("name", pa.string()),
        ("name_en", pa.string()),
        ("country", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("geonameid", pa.int64()),
        ("admin_code", pa.string()),
        ("feature", pa.string()),
    ],
    "organization_mentions": [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("aliases", pa.list_(pa.string())),
        ("country", pa.string()),
    ],
    "person_mentions": [
        ("name", pa.string()),
        ("name_latin", pa.string()),
        ("role", pa.string()),
        ("organization", pa.string()),
    ],
    "issue_mentions": [("code", pa.string())],
    "outcome_mentions": [("text_en", pa.string())],
}
"""Mention column -> its record's fields besides ``confidence`` and ``spans``."""

_MENTION_GROUPS: dict[str, tuple[str, Callable[..., Any]]] = {
    "country_mentions": ("countries", CountryMention),
    "place_mentions": ("places", PlaceMention),
    "organization_mentions": ("organizations", OrganisationMention),
    "person_mentions": ("people", PersonMention),
    "issue_mentions": ("issues", IssueMention),
    "outcome_mentions": ("outcomes", Outcome),
}
"""Mention column -> the Event field it holds and that field's record type."""

LOSSLESS_FIELDS: tuple[pa.Field, ...] = (
    pa.field("settings_hash", pa.string()),
    pa.field("position", pa.int64()),
    pa.field("site", pa.string()),
    pa.field("published_via", pa.string()),
    pa.field("lang_confidence", pa.float64()),
    pa.field("script", pa.string()),
    pa.field("raw_text", pa.large_string()),
    pa.field("text", pa.large_string()),
    pa.field(
        "offset_map",
        pa.list_(
            pa.struct(
                [("norm_start", pa.int64()), ("raw_start", pa.int64()), ("length", pa.int64())]
            )
        ),
    ),
    pa.field("removed_lines", pa.list_(pa.string())),
    pa.field(
        "relevance",
        pa.struct(
            [
                ("score", pa.float64()),
                ("is_labour", pa.bool_()),
                (
                    "terms",
                    pa.list_(
                        pa.struct(
                            [
                                ("term", pa.string()),
                                ("category", pa.string()),
                                ("weight", pa.float64()),
                                ("span", _SPAN),
                            ]
                        )
                    ),
                ),
            ]
        ),
    ),
    pa.field("embedding", pa.struct([("model", pa.string()), ("vector", pa.list_(pa.float32()))])),
    pa.field("type_confidence", pa.float64()),
    pa.field("type_spans", _SPANS),
    pa.field("date_confidence", pa.float64()),
    pa.field("date_spans", _SPANS),
    *(
        pa.field(
            name,
            pa.list_(pa.struct([*fields, ("confidence", pa.float64()), ("spans", _SPANS)])),
        )
        for name, fields in _MENTION_FIELDS.items()
    ),
)
"""Columns beyond ``PARQUET_SCHEMA`` that make the rows a lossless copy of the articles."""

LAKE_SCHEMA = pa.schema([*PARQUET_SCHEMA, *LOSSLESS_FIELDS])
"""The columns of every file in the directory (the partition columns are in the paths)."""

_ARTICLE_ONLY = (
    "site",
    "published_via",
    "lang_confidence",
    "script",
    "raw_text",
    "text",
    "offset_map",
    "removed_lines",
    "relevance",
    "embedding",
)
"""Lossless columns set on the article's first row only."""


_STATISTICS = (
    "article_id",
    "event_index",
    "lang",
    "labour",
    "published",
    "type",
    "date",
    "settings_hash",
    "pipeline_version",
)
"""Columns whose min/max each file keeps, for readers that filter on them. The others
(the texts above all) and the Arrow schema are left out: a shard writes a file per
partition, and they would triple the bytes of each small one."""


def shard_key(shard: str, settings_hash: str) -> str:
    """The name part of a shard's files: the same shard and settings give the same files."""
    return hashlib.sha256(f"{shard}\0{settings_hash}".encode()).hexdigest()[:16]


# --- articles <-> rows -------------------------------------------------------------------------


def _spans(spans: Iterable[Span]) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "field": s.field} for s in spans]


def _mentions(event: Event) -> dict[str, list[dict[str, Any]]]:
    columns: dict[str, list[dict[str, Any]]] = {}
    for column, (attribute, _) in _MENTION_GROUPS.items():
        names = [name for name, _ in _MENTION_FIELDS[column]]
        columns[column] = [
            {
                **{name: _plain(getattr(item, name)) for name in names},
                "confidence": item.confidence,
                "spans": _spans(item.spans),
            }
            for item in getattr(event, attribute)
        ]
    return columns


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _article_columns(article: Article) -> dict[str, Any]:
    relevance = article.relevance
    embedding = article.embedding
    return {
        "site": article.site,
        "published_via": article.published_via,
        "lang_confidence": article.lang_confidence,
        "script": article.script,
        "raw_text": article.raw_text,
        "text": article.text,
        "offset_map": [
            {"norm_start": a, "raw_start": b, "length": c}
            for a, b, c in article.offset_map.segments
        ],
        "removed_lines": list(article.removed_lines),
        "relevance": None
        if relevance is None
        else {
            "score": relevance.score,
            "is_labour": relevance.is_labour,
            "terms": [
                {
                    "term": t.term,
                    "category": t.category,
                    "weight": t.weight,
                    "span": _spans([t.span])[0],
                }
                for t in relevance.terms
            ],
        },
        "embedding": None
        if embedding is None
        else {"model": embedding.model, "vector": list(embedding.vector)},
    }


def _partition_values(row: Mapping[str, Any]) -> dict[str, str]:
    when = row.get("date") or row.get("published")
    countries = row.get("countries") or ()
    return {
        "year_month": when.strftime("%Y-%m") if when else "unknown",
        "country": countries[0] if countries else "none",
    }


def article_rows(article: Article, position: int) -> list[dict[str, Any]]:
    """The rows of one article (its ``position`` in its shard), partition values included.

    The columns ``laborlens export`` has mean what they mean there, except that an event of
    an article judged non-labour keeps its row (the pipeline codes none, but a copy must not
    lose them)."""
    base: dict[str, Any] = {
        **parquet_article_columns(article),
        "settings_hash": article.settings_hash,
        "position": position,
    }
    rows: list[dict[str, Any]] = []
    for index, event in enumerate(article.events):
        rows.append(
            {
                **base,
                "event_index": index,
                **parquet_event_columns(event),
                "type_confidence": event.type_confidence,
                "type_spans": _spans(event.type_spans),
                "date_confidence": event.date_confidence,
                "date_spans": _spans(event.date_spans),
                **_mentions(event),
            }
        )
    if not rows:
        rows.append({**base, "event_index": None})
    rows[0].update(_article_columns(article))
    return [{**row, **_partition_values(row)} for row in rows]


def _span_tuple(items: Iterable[Mapping[str, Any]] | None) -> tuple[Span, ...]:
    return tuple(Span(s["start"], s["end"], s["field"]) for s in items or ())


def _mention_group(row: Mapping[str, Any], column: str) -> tuple[Any, ...]:
    record = _MENTION_GROUPS[column][1]
    return tuple(
        record(
            **{
                name: tuple(item[name]) if name == "aliases" else item[name]
                for name, _ in _MENTION_FIELDS[column]
            },
            confidence=item["confidence"],
            spans=_span_tuple(item["spans"]),
        )
        for item in row[column] or ()
    )


def _event(row: Mapping[str, Any]) -> Event:
    return Event(
        type=row["type"],
        also=tuple(row["also"] or ()),
        type_spans=_span_tuple(row["type_spans"]),
        type_confidence=row["type_confidence"],
        date=row["date"],
        date_precision=row["date_precision"],
        date_spans=_span_tuple(row["date_spans"]),
        date_confidence=row["date_confidence"],
        countries=_mention_group(row, "country_mentions"),
        places=_mention_group(row, "place_mentions"),
        organizations=_mention_group(row, "organization_mentions"),
        people=_mention_group(row, "person_mentions"),
        issues=_mention_group(row, "issue_mentions"),
        outcomes=_mention_group(row, "outcome_mentions"),
        summary_en=row["summary_en"],
    )


def _article(first: Mapping[str, Any], events: Sequence[Event]) -> Article:
    relevance = first["relevance"]
    embedding = first["embedding"]
    return Article(
        id=first["article_id"],
        source=first["file"],
        raw_text=first["raw_text"],
        text=first["text"],
        locator=first["locator"] or "",
        title=first["title"],
        url=first["url"],
        site=first["site"],
        published=first["published"],
        published_via=first["published_via"],
        offset_map=OffsetMap(
            tuple((s["norm_start"], s["raw_start"], s["length"]) for s in first["offset_map"])
        ),
        removed_lines=tuple(first["removed_lines"]),
        lang=first["lang"],
        lang_confidence=first["lang_confidence"],
        script=first["script"],
        relevance=None
        if relevance is None
        else Relevance(
            score=relevance["score"],
            is_labour=relevance["is_labour"],
            terms=tuple(
                TermMatch(
                    term=t["term"],
                    category=t["category"],
                    span=_span_tuple([t["span"]])[0],
                    weight=t["weight"],
                )
                for t in relevance["terms"]
            ),
        ),
        events=tuple(events),
        pipeline_version=first["pipeline_version"],
        settings_hash=first["settings_hash"],
        embedding=None
        if embedding is None
        else Embedding(embedding["model"], tuple(embedding["vector"])),
    )


def articles_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[tuple[int, Article]]:
    """The articles of one shard's rows, with their positions, in position order."""
    by_position: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        by_position[int(row["position"])].append(row)
    found: list[tuple[int, Article]] = []
    for position, group in sorted(by_position.items()):
        firsts = [r for r in group if r["raw_text"] is not None]
        if len(firsts) != 1 or len({r["article_id"] for r in group}) != 1:
            raise ConfigError(
                f"record {position} ({group[0]['article_id']}): {len(firsts)} rows carry its "
                "text (expected one); the Parquet directory is damaged or holds the shard twice"
            )
        event_rows = sorted(
            (r for r in group if r["event_index"] is not None), key=lambda r: r["event_index"]
        )
        if [r["event_index"] for r in event_rows] != list(range(len(event_rows))):
            raise ConfigError(
                f"record {position} ({group[0]['article_id']}): some of its event rows are missing"
            )
        found.append((position, _article(firsts[0], [_event(r) for r in event_rows])))
    return found


# --- files -------------------------------------------------------------------------------------


def write_shard(
    directory: Path, shard: str, settings_hash: str, articles: Sequence[tuple[int, Article]]
) -> None:
    """Write one shard's (position, article) pairs, replacing its earlier files."""
    rows = [row for position, article in articles for row in article_rows(article, position)]
    if not rows:
        return
    schema = LAKE_SCHEMA
    for name in PARTITIONS:
        schema = schema.append(pa.field(name, pa.string()))
    pads.write_dataset(
        pa.Table.from_pylist(rows, schema=schema),
        directory,
        format="parquet",
        file_options=pads.ParquetFileFormat().make_write_options(
            store_schema=False, write_statistics=list(_STATISTICS)
        ),
        partitioning=list(PARTITIONS),
        partitioning_flavor="hive",
        basename_template=f"shard-{shard_key(shard, settings_hash)}-{{i}}.parquet",
        existing_data_behavior="overwrite_or_ignore",
    )


def shard_files(directory: Path) -> dict[str, list[Path]]:
    """Shard key -> the data files of that shard, found in one walk of ``directory``."""
    found: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(directory.rglob("shard-*.parquet")):
        parts = path.name.split("-")
        if len(parts) == 3:
            found[parts[1]].append(path)
    return dict(found)


def read_shard(files: Sequence[Path]) -> list[tuple[int, Article]]:
    """The (position, article) pairs stored in one shard's files, in position order."""
    rows: list[dict[str, Any]] = []
    for path in files:
        table = pq.ParquetFile(path).read()  # lighter than read_table on small files
        missing = [f.name for f in LOSSLESS_FIELDS if f.name not in table.column_names]
        if missing:
            raise ConfigError(
                f"{path} has no {', '.join(missing[:3])}{'…' if len(missing) > 3 else ''} "
                "column: it was written by an older laborlens, which kept only the export "
                "columns; run `laborlens ingest --parquet-out` again to load it"
            )
        rows.extend(table.to_pylist())
    return articles_from_rows(rows)


# --- manifests ---------------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield json.loads(line)
        except json.JSONDecodeError as exc:
            # A run killed while appending leaves a partial last line; that entry is redone.
            logger.warning("%s:%d: ignoring a damaged line (%s)", path, number, exc.msg)


def _append(path: Path, entries: Iterable[Mapping[str, Any]]) -> None:
    text = "".join(json.dumps(dict(e), ensure_ascii=False) + "\n" for e in entries)
    if text:
        with path.open("a", encoding="utf-8") as out:
            out.write(text)


def shards_done(directory: Path) -> dict[tuple[str, str], int]:
    """(shard, settings hash) -> documents, for every shard marked done, in marking order."""
    return {
        (str(e["shard"]), str(e["settings_hash"])): int(e["documents"])
        for e in _lines(directory / MANIFEST)
    }


def mark_shard_done(directory: Path, shard: str, settings_hash: str, documents: int) -> None:
    entry = {"shard": shard, "settings_hash": settings_hash, "documents": documents}
    _append(directory / MANIFEST, [entry])


SkipKind = Literal["unreadable", "analysed"]


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """A record of a shard that was not stored: unreadable, or one the pipeline failed on
    (``analysed``: it counts as read). ``position`` is its place among the shard's records."""

    shard: str
    settings_hash: str
    position: int
    kind: SkipKind
    source: str
    reason: str
    locator: str = ""


def record_skipped(directory: Path, entries: Sequence[SkippedEntry]) -> None:
    _append(directory / SKIPPED, [asdict(e) for e in entries])


def skipped_entries(directory: Path) -> list[SkippedEntry]:
    """Every skipped record, once each (a shard written again repeats its lines)."""
    found: dict[tuple[str, str, int], SkippedEntry] = {}
    for e in _lines(directory / SKIPPED):
        entry = SkippedEntry(
            shard=str(e["shard"]),
            settings_hash=str(e["settings_hash"]),
            position=int(e["position"]),
            kind="analysed" if e["kind"] == "analysed" else "unreadable",
            source=str(e["source"]),
            reason=str(e["reason"]),
            locator=str(e.get("locator") or ""),
        )
        found[(entry.shard, entry.settings_hash, entry.position)] = entry
    return list(found.values())


def record_settings(directory: Path, settings: Settings) -> None:
    """Remember the settings a run writes with (once per settings hash), so a load can
    find near-duplicates with the same threshold as the ingest would have."""
    settings_hash = settings.hash()
    if settings_hash in run_settings(directory):
        return
    values = {k: v for k, v in asdict(settings).items() if k != "db"}
    _append(directory / SETTINGS, [{"settings_hash": settings_hash, "settings": values}])


def run_settings(directory: Path) -> dict[str, dict[str, Any]]:
    """Settings hash -> the settings (without ``db``) the directory was written with."""
    return {str(e["settings_hash"]): dict(e["settings"]) for e in _lines(directory / SETTINGS)}
