"""``laborlens load``: the Parquet directory of ``ingest --parquet-out`` into a database.

The directory must hold the articles losslessly, and a load must leave a database as a direct
ingest of the same inputs does (on SQLite and PostgreSQL): the same articles, events,
evidence, vectors, sources and skipped inputs. Loading again stores nothing new, and a load
stopped half-way resumes by shard.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from laborlens import lake, load
from laborlens.cli import cli
from laborlens.config import Settings
from laborlens.errors import ConfigError
from laborlens.export import PARQUET_SCHEMA
from laborlens.ingest import ingest
from laborlens.load import load_parquet
from laborlens.pipeline.context import StageContext, build_context
from laborlens.query import EventQuery
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
    SkippedRecord,
    Span,
    TermMatch,
)
from laborlens.shards import ParquetSink, ShardResult, StoreSink, ingest_shards
from laborlens.store import open_store
from laborlens.store.fingerprints import fingerprints
from laborlens.store.schema import shards_done
from laborlens.store.sql import SqlStore
from laborlens.store.vectors import vectors

SETTINGS = Settings(batch_size=2)
HASH = SETTINGS.hash()

TEXTS = (
    "Dock workers in Rotterdam walked out on Monday over unpaid overtime.",
    "Nurses at three Lyon hospitals marched to the prefecture demanding more staff.",
    "A bus drivers' union in Nairobi signed a two-year wage agreement with the city.",
    "Garment workers near Dhaka blocked a highway after a factory closed without pay.",
    "Teachers in Santiago held a national congress to elect a new union leadership.",
)
"""Five unrelated texts (own writing), so no article near-duplicates another."""


def _article(n: int, *, labour: bool = True, events: bool = True) -> Article:
    """An article with every field set (own text), so a lossy column would show."""
    event = Event(
        type="strike",
        also=("demand",),
        type_spans=(Span(13, 27, "walked out"),),
        type_confidence=0.81,
        date=dt.date(2025, 3, 3),
        date_precision="day",
        date_spans=(Span(31, 37),),
        date_confidence=0.7,
        countries=(CountryMention("NL", (Span(16, 25),), 0.9, "place"),),
        places=(
            PlaceMention(
                "Rotterdam",
                "Rotterdam",
                "NL",
                51.9225,
                4.47917,
                2747891,
                "11",
                "city",
                (Span(16, 25),),
                0.88,
            ),
        ),
        organizations=(
            OrganisationMention(
                "FNV", "union", ("Federatie Nederlandse Vakbeweging",), "NL", (Span(79, 82),), 0.75
            ),
        ),
        people=(PersonMention("Jan de Vries", "Jan de Vries", "chair", "FNV", (), 0.5),),
        issues=(IssueMention("wages", (Span(47, 61),), 0.66),),
        outcomes=(Outcome("talks failed", (Span(103, 126),), 0.4),),
        summary_en=f"Dock workers strike in Rotterdam ({n}).",
    )
    second = replace(event, type="bargaining", date=None, date_precision=None, countries=())
    return Article(
        id=f"art{n:03d}",
        source=f"crawl/{n}.jsonl",
        raw_text="  " + TEXTS[n % len(TEXTS)],
        text=TEXTS[n % len(TEXTS)],
        locator=f"line {n}" if n % 2 else "",
        title=f"Port strike {n}",
        url=f"https://news.example/{n}",
        site="news.example",
        published=dt.date(2025, 3, 4) if n % 3 else None,
        published_via="meta" if n % 3 else None,
        offset_map=OffsetMap(((0, 2, len(TEXTS[n % len(TEXTS)])),)),
        removed_lines=("Share this",),
        lang="en",
        lang_confidence=0.97,
        script="Latn",
        relevance=Relevance(
            0.9 if labour else 0.1,
            labour,
            (TermMatch("walk* out", "action", Span(13, 27, "relevance"), 2.0),),
        ),
        events=(event, second) if events else (),
        pipeline_version="0.1.0",
        settings_hash=HASH,
        embedding=Embedding("hash-16", (0.5, -0.25, 0.125, 0.0)) if n % 4 else None,
    )


def test_rows_rebuild_the_articles_exactly(tmp_path: Path) -> None:
    articles = [
        (0, _article(0)),
        (2, _article(1, labour=False)),
        (3, _article(2, events=False)),
        (5, replace(_article(3), relevance=None, events=(), embedding=None)),
    ]
    lake.write_shard(tmp_path, "crawl/a.jsonl", HASH, articles)
    (files,) = lake.shard_files(tmp_path).values()
    assert len(files) > 1  # spread over partitions, found again by the shard's name
    assert lake.read_shard(files) == articles
    # Text and vectors are stored once per article, not once per event.
    rows = [r for f in files for r in pq.read_table(f).to_pylist()]
    assert sum(r["text"] is not None for r in rows) == len(articles)
    assert {r["article_id"] for r in rows if r["event_index"] == 1} == {"art000", "art001"}


def _results(articles: list[Article]) -> list[ShardResult]:
    return [
        ("analysed", articles[0]),
        ("unreadable", SkippedRecord("crawl/b.jsonl", "bad JSON", "line 2")),
        ("analysed", SkippedRecord("crawl/b.jsonl", "pipeline failed: ValueError", "line 3")),
        *(("analysed", a) for a in articles[1:]),
    ]


def _snapshot(store: SqlStore) -> dict[str, Any]:
    """Everything a direct ingest stores, without the times it stored it at."""
    ids = sorted(store.article_ids(EventQuery(include_non_labour=True, limit=None)))
    with store.engine.connect() as conn:
        extra = {
            t.name: conn.scalar(select(func.count()).select_from(t))
            for t in (vectors, fingerprints)
        }
        marks = sorted(
            (r.shard, r.settings_hash, r.documents) for r in conn.execute(select(shards_done))
        )
    everything = EventQuery(include_non_labour=True, limit=None)
    return {
        "counts": {**store.counts(), **extra},
        "ids": ids,
        "articles": [store.get_article(i) for i in ids],
        "events": [(r.article_id, r.event_index, r.event) for r in store.query_events(everything)],
        "sources": {i: sorted(store.sources_of(i)) for i in ids},
        "marks": marks,
    }


def _as_stored(article: Article) -> Article:
    emb = article.embedding
    if emb is None:
        return article
    vector = tuple(float(x) for x in np.asarray(emb.vector, dtype=np.float32))
    return replace(article, embedding=Embedding(emb.model, vector))


def test_load_stores_what_the_store_sink_stores(
    new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    articles = [_article(n) for n in range(5)]
    near_copy = replace(articles[1], id="art901", source="mirror/1.html", locator="")
    shards: dict[str, list[ShardResult]] = {
        "crawl/b.jsonl": _results(articles[:3]),
        "crawl/c.jsonl": [("analysed", a) for a in (*articles[3:], near_copy)],
        "crawl/empty.jsonl": [],
    }
    sink = ParquetSink(tmp_path / "pq", SETTINGS)
    for shard, results in shards.items():
        sink.add_shard(shard, results, mark=True)
    missing: list[ShardResult] = [("unreadable", SkippedRecord("missing.txt", "no such file"))]
    for _ in range(2):  # an unreadable input is not marked done: each run reads it again
        ParquetSink(tmp_path / "pq", SETTINGS).add_shard("missing.txt", missing, mark=False)
    skip_lines = (tmp_path / "pq" / lake.SKIPPED).read_text(encoding="utf-8").splitlines()
    assert len(skip_lines) == 3  # each listed once
    with open_store(new_db_url()) as direct, open_store(new_db_url()) as loaded:
        assert isinstance(direct, SqlStore) and isinstance(loaded, SqlStore)
        direct_sink = StoreSink.for_settings(direct, SETTINGS)
        for shard, results in shards.items():
            direct_sink.add_shard(shard, results, mark=True)
        direct_sink.add_shard("missing.txt", missing, False)
        direct_sink.flush()
        report = load_parquet(tmp_path / "pq", loaded, Settings())
        assert (report.shards, report.loaded, report.done_before) == (4, 3, 0)
        assert report.report == direct_sink.report()
        expected = _snapshot(direct)
        assert _snapshot(loaded) == expected
        assert expected["counts"]["skipped"] == 3 and expected["sources"]["art001"] == [
            ("crawl/1.jsonl", "line 1"),
            ("mirror/1.html", ""),
        ]
        assert expected["articles"] == [_as_stored(a) for a in sorted(articles, key=lambda a: a.id)]


@pytest.fixture(scope="module")
def context() -> StageContext:
    return build_context(SETTINGS)


@pytest.fixture
def inputs(seed_paths: list[Path], tmp_path: Path) -> list[str]:
    """The seeds as a directory (one shard each), one of them again with a line added (a
    near-duplicate), and a missing file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in seed_paths:
        (folder / path.name).write_bytes(path.read_bytes())
    copy = seed_paths[0].read_text(encoding="utf-8") + "\nUpdated at 14:00 with a correction.\n"
    (folder / "zz-copy.txt").write_text(copy, encoding="utf-8")
    return [str(folder), str(tmp_path / "missing.txt")]


@pytest.fixture
def parquet_dir(
    inputs: list[str], tmp_path: Path, context: StageContext, monkeypatch: pytest.MonkeyPatch
) -> Path:
    out = tmp_path / "pq"
    with monkeypatch.context() as patch:
        patch.setattr("laborlens.shards.build_context", lambda _settings: context)
        ingest_shards(inputs, SETTINGS, parquet_dir=out)
    return out


def _interrupt_on(monkeypatch: pytest.MonkeyPatch, nth: int) -> list[int]:
    calls: list[int] = []
    real = lake.read_shard

    def reading(files: Any) -> Any:
        calls.append(len(calls))
        if len(calls) == nth:
            raise KeyboardInterrupt
        return real(files)

    monkeypatch.setattr(load.lake, "read_shard", reading)
    return calls


def test_loaded_parquet_equals_a_direct_ingest(
    new_db_url: Callable[[], str],
    inputs: list[str],
    parquet_dir: Path,
    context: StageContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with open_store(new_db_url()) as direct, open_store(new_db_url()) as loaded:
        assert isinstance(direct, SqlStore) and isinstance(loaded, SqlStore)
        ingest(inputs, direct, SETTINGS, context=context)
        expected = _snapshot(direct)
        assert expected["counts"]["articles"] == 5 and expected["counts"]["skipped"] == 1
        assert expected["counts"]["article_sources"] == 6  # the near-duplicate's source
        assert expected["counts"]["events"] > 0 and expected["counts"]["vectors"] == 5

        with monkeypatch.context() as patch:
            _interrupt_on(patch, 3)
            with pytest.raises(KeyboardInterrupt):
                load_parquet(parquet_dir, loaded, Settings())
        # The two shards read before the stop were stored and marked.
        assert 0 < loaded.counts()["articles"] < 5
        assert len(loaded.shards_done(HASH)) == 2

        report = load_parquet(parquet_dir, loaded, Settings())
        assert (report.shards, report.loaded, report.done_before) == (7, 4, 2)
        assert report.report.duplicates == 1
        got = _snapshot(loaded)
        # Marked as a sharded ingest marks them: the missing file is looked for again.
        assert got.pop("marks") == sorted((s, h, 1) for s, h in lake.shards_done(parquet_dir))
        assert len(lake.shards_done(parquet_dir)) == 6
        assert got == {k: v for k, v in expected.items() if k != "marks"}

        again = load_parquet(parquet_dir, loaded, Settings())
        assert (again.loaded, again.done_before, again.report.stored) == (0, 6, 0)
        assert again.report.unchanged == again.report.read == 6
        assert _snapshot(loaded)["counts"] == expected["counts"]


def test_cli_load(inputs: list[str], parquet_dir: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'loaded.db'}"
    result = CliRunner().invoke(cli, ["load", str(parquet_dir), "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["shards"], data["loaded"], data["stored"], data["duplicates"]) == (7, 6, 5, 1)
    again = CliRunner().invoke(cli, ["--db", url, "load", str(parquet_dir), "--batch", "10"])
    assert again.exit_code == 0, again.output
    assert "loaded 0 · loaded before 6" in again.stdout and "stored 0" in again.stdout
    assert "laborlens load events/" in CliRunner().invoke(cli, ["load", "--help"]).stdout


def test_a_directory_without_lossless_columns_is_refused(tmp_path: Path) -> None:
    key = lake.shard_key("a.txt", HASH)
    folder = tmp_path / "year_month=unknown" / "country=none"
    folder.mkdir(parents=True)
    table = pa.Table.from_pylist([{"article_id": "x"}], schema=PARQUET_SCHEMA)
    pq.write_table(table, folder / f"shard-{key}-0.parquet")
    lake.mark_shard_done(tmp_path, "a.txt", HASH, 1)
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        assert isinstance(store, SqlStore)
        with pytest.raises(ConfigError, match="older laborlens"):
            load_parquet(tmp_path, store, SETTINGS)
        with pytest.raises(ConfigError, match="not a directory written by"):
            load_parquet(folder, store, SETTINGS)
        assert store.counts()["articles"] == 0


def test_a_shard_with_missing_rows_is_refused(tmp_path: Path) -> None:
    lake.write_shard(tmp_path, "a.txt", HASH, [(0, _article(0))])
    lake.mark_shard_done(tmp_path, "a.txt", HASH, 2)
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        assert isinstance(store, SqlStore)
        with pytest.raises(ConfigError, match="incomplete"):
            load_parquet(tmp_path, store, SETTINGS)
