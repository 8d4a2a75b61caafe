"""Loading codebook-format gold and export files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from laborlens.errors import EvalError
from laborlens.eval.gold import load_coded, load_gold, parse_record


def _record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "g-1",
        "file": "articles/one.txt",
        "lang": "pt",
        "labour": True,
        "published": "2025-04-07",
        "events": [
            {
                "type": "strike",
                "also": [],
                "date": "2025-04-07",
                "date_precision": "day",
                "countries": ["BR"],
                "places": [
                    {
                        "name": "Recife",
                        "name_en": "Recife",
                        "country": "BR",
                        "lat": -8.05,
                        "lon": -34.9,
                    }
                ],
                "organizations": [
                    {
                        "name": "Sindicato dos Rodoviários",
                        "aliases": ["SR"],
                        "kind": "union",
                        "country": "BR",
                    }
                ],
                "people": [
                    {
                        "name": "Ana Souza",
                        "name_latin": "Ana Souza",
                        "role": "chair",
                        "organization": "Sindicato dos Rodoviários",
                    }
                ],
                "issues": ["wages"],
                "outcomes": [],
            }
        ],
    }
    record.update(overrides)
    return record


def _write(path: Path, records: list[Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n",
        encoding="utf-8",
    )
    return path


def test_parse_record_reads_every_field() -> None:
    article = parse_record(_record())
    event = article.events[0]
    assert (article.id, article.lang, article.labour, article.published) == (
        "g-1",
        "pt",
        True,
        "2025-04-07",
    )
    assert event.places[0].lat == -8.05
    assert event.organizations[0].aliases == ("SR",)
    assert event.people[0].role == "chair"


def test_export_evidence_becomes_text_when_the_record_has_text() -> None:
    text = "Drivers in Recife stopped work."
    event = dict(_record()["events"][0], evidence=[[11, 17, "place"], [18, 30, "type"]])
    article = parse_record(_record(events=[event], text=text))
    assert article.events[0].evidence_for("place") == ("Recife",)
    assert article.events[0].evidence_for("type") == ("stopped work",)


def test_files_resolve_next_to_the_gold_file_or_its_parent(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "one.txt").write_text("x", encoding="utf-8")
    gold = _write(tmp_path / "gold" / "g.jsonl", [_record()])
    [article] = load_gold(gold)
    assert article.path == tmp_path / "articles" / "one.txt"


def test_base_directory_is_tried_first(tmp_path: Path) -> None:
    base = tmp_path / "elsewhere"
    (base / "articles").mkdir(parents=True)
    (base / "articles" / "one.txt").write_text("x", encoding="utf-8")
    gold = _write(tmp_path / "g.jsonl", [_record()])
    [article] = load_gold(gold, base=base)
    assert article.path == base / "articles" / "one.txt"


def test_missing_file_is_an_error_naming_the_line(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", [_record()])
    with pytest.raises(EvalError, match=r"g\.jsonl:1: file 'articles/one\.txt' not found"):
        load_gold(gold)
    [article] = load_coded(gold, resolve_files=True, strict=False)
    assert article.path is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"id": "x", "lang": "pt"}), "missing field 'labour'"),
        (json.dumps(_record(labour="yes")), "labour must be true or false"),
        (
            json.dumps(_record(events=[{"type": "strike", "countries": "BR"}])),
            "countries must be a list",
        ),
        (json.dumps(_record(events=[{"date": "2025-01-01"}])), "event type must be a string"),
        (json.dumps([1, 2]), "must be a JSON object"),
    ],
)
def test_malformed_lines_raise_eval_error(tmp_path: Path, line: str, message: str) -> None:
    gold = _write(tmp_path / "g.jsonl", [_record(id="ok", file=None), line])
    with pytest.raises(EvalError, match=rf"g\.jsonl:2: .*{message}"):
        load_coded(gold)


def test_duplicate_ids_and_empty_files_are_errors(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", [_record(), _record()])
    with pytest.raises(EvalError, match="duplicate id 'g-1'"):
        load_coded(gold)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(EvalError, match="has no records"):
        load_gold(empty)


def test_seed_gold_loads(gold_path: Path, gold_records: list[dict[str, Any]]) -> None:
    articles = load_gold(gold_path)
    assert [a.id for a in articles] == [r["id"] for r in gold_records]
    assert all(a.path is not None and a.path.is_file() for a in articles)
