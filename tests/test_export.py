"""Exports: the codebook record format, CSV safety, Parquet types, and the eval round trip."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from laborlens.config import Settings
from laborlens.errors import ConfigError
from laborlens.eval.gold import load_coded, load_gold
from laborlens.eval.score import align_predictions, code_article, score
from laborlens.export import article_to_record, neutralise_cell, write_export, write_jsonl
from laborlens.ingest import process_inputs
from laborlens.records import (
    Article,
    CountryMention,
    Event,
    IssueMention,
    OrganisationMention,
    Outcome,
    PersonMention,
    PlaceMention,
    Relevance,
    Span,
)

TEXT = "Bus drivers in Recife stopped work on 7 April 2025. The Rodoviários union led the strike."


def _find(word: str) -> Span:
    start = TEXT.index(word)
    return Span(start, start + len(word))


def _article(**overrides: object) -> Article:
    event = Event(
        type="strike",
        type_spans=(_find("stopped work"),),
        date=dt.date(2025, 4, 7),
        date_precision="day",
        date_spans=(_find("7 April 2025"),),
        countries=(CountryMention("BR", (_find("Recife"),)),),
        places=(PlaceMention("Recife", "Recife", "BR", -8.05, -34.9, spans=(_find("Recife"),)),),
        organizations=(
            OrganisationMention(
                "Rodoviários union", "union", ("SR",), "BR", (_find("Rodoviários"),)
            ),
        ),
        people=(PersonMention("Ana Souza", "Ana Souza", "chair", "Rodoviários union"),),
        issues=(IssueMention("wages"),),
        outcomes=(Outcome("buses stopped"),),
        summary_en="Bus drivers struck in Recife, Brazil.",
    )
    fields: dict[str, object] = {
        "id": "abc123",
        "source": "news/recife.txt",
        "raw_text": TEXT,
        "text": TEXT,
        "title": "Drivers strike",
        "published": dt.date(2025, 4, 8),
        "lang": "pt",
        "relevance": Relevance(0.9, True),
        "events": (event,),
        "pipeline_version": "9.9.9",
    }
    fields.update(overrides)
    return Article(**fields)  # type: ignore[arg-type]


def test_record_follows_codebook_section_7() -> None:
    record = article_to_record(_article())
    assert set(record) == {
        "id",
        "file",
        "locator",
        "url",
        "lang",
        "labour",
        "published",
        "title",
        "events",
        "pipeline_version",
    }
    assert record["file"] == "news/recife.txt"
    assert record["published"] == "2025-04-08"
    event = record["events"][0]
    assert set(event) == {
        "type",
        "also",
        "date",
        "date_precision",
        "countries",
        "places",
        "organizations",
        "people",
        "issues",
        "outcomes",
        "evidence",
        "summary_en",
    }
    assert event["date"] == "2025-04-07"
    assert event["countries"] == ["BR"]
    assert event["organizations"][0] == {
        "name": "Rodoviários union",
        "aliases": ["SR"],
        "kind": "union",
        "country": "BR",
    }
    assert [TEXT[s:e] for s, e, f in event["evidence"] if f == "date"] == ["7 April 2025"]
    assert {f for _, _, f in event["evidence"]} == {
        "type",
        "date",
        "country",
        "place",
        "organization",
    }
    json.dumps(record)


def test_non_labour_articles_are_exported_without_events() -> None:
    record = article_to_record(_article(relevance=Relevance(0.1, False)))
    assert record["labour"] is False
    assert record["events"] == []


def test_jsonl_round_trips_into_the_scorer(tmp_path: Path) -> None:
    article = _article()
    path = tmp_path / "out.jsonl"
    assert write_jsonl([article], path, include_text=True) == 1
    [loaded] = load_coded(path)
    direct = code_article(article)
    assert loaded.events[0].places == tuple(
        p.__class__(p.name, p.name_en, p.country, p.lat, p.lon) for p in direct.events[0].places
    )
    assert loaded.events[0].evidence_for("date") == ("7 April 2025",)
    gold = direct
    assert (
        score([gold], {gold.id: loaded}).by_lang["ALL"]
        == score([gold], {gold.id: direct}).by_lang["ALL"]
    )


def test_seed_export_scores_like_the_pipeline(
    tmp_path: Path, seed_paths: list[Path], gold_path: Path
) -> None:
    """Exported seeds, read back as predictions, score exactly as the pipeline's own output."""
    gold = load_gold(gold_path)
    articles = [
        a
        for a in process_inputs([str(p) for p in seed_paths], Settings())
        if isinstance(a, Article)
    ]
    assert len(articles) == len(seed_paths)
    path = tmp_path / "seeds.jsonl"
    write_jsonl(articles, path)
    from_export = align_predictions(gold, load_coded(path))
    direct = align_predictions(gold, [code_article(a) for a in articles])
    assert set(from_export) == {g.id for g in gold}
    assert score(gold, from_export).by_lang == score(gold, direct).by_lang


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1", "'\t=1"),
        ("＝1", "'＝1"),
        ("Recife", "Recife"),
        ("2025-04-07", "2025-04-07"),
    ],
)
def test_neutralise_cell(value: str, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_csv_neutralises_formulas_from_article_text(tmp_path: Path) -> None:
    hostile = _article(
        title='=HYPERLINK("http://example.invalid","click")',
        events=(
            Event(
                type="protest",
                organizations=(OrganisationMention("+cmd|' /C calc'!A0", "other"),),
                people=(PersonMention("@SUM(1+1)", "@SUM(1+1)"),),
                summary_en="-1+1 workers protested",
            ),
        ),
    )
    path = tmp_path / "out.csv"
    assert write_export([hostile, _article(id="second")], "csv", path) == 2
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert rows[0]["title"] == "'" + hostile.title  # type: ignore[operator]
    assert rows[0]["organizations"].startswith("'+cmd")
    assert rows[1]["places_en"] == "Recife"
    assert json.loads(rows[1]["evidence"])[0][2] in {
        "type",
        "date",
        "country",
        "place",
        "organization",
    }


def test_csv_keeps_non_labour_articles_as_one_row(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_export([_article(relevance=Relevance(0.0, False))], "csv", path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["labour"] == "False"
    assert row["type"] == ""


def test_parquet_has_one_typed_row_per_event(tmp_path: Path) -> None:
    two_events = _article(events=(*_article().events, Event(type="meeting")))
    path = tmp_path / "out.parquet"
    assert write_export([two_events, _article(id="n", relevance=None)], "parquet", path) == 2
    rows = pq.read_table(path).to_pylist()
    assert [(r["article_id"], r["event_index"], r["type"]) for r in rows] == [
        ("abc123", 0, "strike"),
        ("abc123", 1, "meeting"),
        ("n", None, None),
    ]
    assert rows[0]["date"] == dt.date(2025, 4, 7)
    assert rows[0]["places"][0]["lat"] == -8.05
    assert rows[0]["organizations"][0]["aliases"] == ["SR"]
    assert {"start", "end", "field"} == set(rows[0]["evidence"][0])


def test_unknown_format_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown export format"):
        write_export([], "xlsx", tmp_path / "x.xlsx")
