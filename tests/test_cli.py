"""Every command of the CLI, driven through click on a real SQLite file."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from laborlens.cli import cli
from laborlens.errors import StoreError
from laborlens.pipeline import STAGE_NAMES
from tests.conftest import BACKENDS


def _run(*args: str, db: str | None = None, ok: bool = True) -> Result:
    prefix = ["--db", db] if db else []
    result = CliRunner().invoke(cli, [*prefix, *args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.fixture(scope="module", params=BACKENDS)
def db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path]
) -> str:
    """The seeds ingested once for the whole module, on each backend."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_url")()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    result = _run("ingest", *(str(p) for p in seed_paths), db=url)
    assert f"read {len(seed_paths)}" in result.stdout
    return url


@pytest.fixture(scope="module")
def all_events(db: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(
        _run("events", "--json", "--limit", "0", db=db).stdout
    )
    assert events, "the seeds are all labour news: the pipeline should code some events"
    return events


def test_ingest_twice_reports_unchanged(db: str, seed_paths: list[Path]) -> None:
    result = _run("ingest", "--json", *(str(p) for p in seed_paths), db=db)
    report = json.loads(result.stdout)
    assert report["read"] == len(seed_paths)
    assert (report["stored"], report["unchanged"], report["skipped"]) == (0, len(seed_paths), [])


def test_events_table(db: str, all_events: list[dict[str, Any]]) -> None:
    out = _run("events", db=db).stdout
    for header in ("date", "country", "type", "organisations", "summary"):
        assert header in out
    assert all_events[0]["article_id"] in out
    for event in all_events:
        assert {"article_id", "type", "date", "countries", "summary_en", "evidence"} <= set(event)


def _events(db: str, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(
        _run("events", "--json", "--limit", "0", *args, db=db).stdout
    )
    return found


def test_filter_by_country(db: str, all_events: list[dict[str, Any]]) -> None:
    code = next(c for e in all_events for c in e["countries"])
    found = _events(db, "--country", code.lower())
    assert found and all(code in e["countries"] for e in found)
    assert _events(db, "--country", "AQ") == []


def test_filter_by_type(db: str, all_events: list[dict[str, Any]]) -> None:
    kind = all_events[0]["type"]
    found = _events(db, "--type", kind)
    assert found and all(e["type"] == kind for e in found)
    others = [
        t for t in ("strike", "accident", "legal") if t not in {e["type"] for e in all_events}
    ]
    if others:
        assert _events(db, "--type", others[0]) == []


def test_filter_by_lang(db: str, all_events: list[dict[str, Any]]) -> None:
    lang = all_events[0]["lang"]
    found = _events(db, "--lang", lang)
    assert found and all(e["lang"] == lang for e in found)
    assert len(found) < len(all_events) or len({e["lang"] for e in all_events}) == 1


def test_filter_by_dates(db: str, all_events: list[dict[str, Any]]) -> None:
    dated = sorted(e["date"] for e in all_events if e["date"])
    assert dated, "some seed events carry a date"
    first, last = dated[0], dated[-1]
    since = _events(db, "--since", last)
    assert since and all(e["date"] is None or e["date"] >= last for e in since)
    until = _events(db, "--until", first)
    assert until and all(e["date"] is None or e["date"] <= first for e in until)
    assert _events(db, "--since", "2999-01-01") == []


def test_filter_by_org(db: str, all_events: list[dict[str, Any]]) -> None:
    name = next(o["name"] for e in all_events for o in e["organizations"])
    found = _events(db, "--org", name)
    assert found
    assert all(
        any(name in o["name"] or name in o["aliases"] for o in e["organizations"]) for e in found
    )
    assert _events(db, "--org", "no such organisation zzz") == []


def test_filter_by_issue(db: str, all_events: list[dict[str, Any]]) -> None:
    code = next(i for e in all_events for i in e["issues"])
    found = _events(db, "--issue", code)
    assert found and all(code in e["issues"] for e in found)


def test_limit_and_bad_filters(db: str, all_events: list[dict[str, Any]]) -> None:
    assert len(_events(db, "--limit", "1")) == 1 or len(all_events) == 0
    bad = _run("events", "--type", "picnic", db=db, ok=False)
    assert bad.exit_code == 2 and "picnic" in bad.output
    bad_date = _run("events", "--since", "yesterday", db=db, ok=False)
    assert bad_date.exit_code == 2


def test_show_article_with_legend(db: str, all_events: list[dict[str, Any]]) -> None:
    article_id = all_events[0]["article_id"]
    out = _run("show", article_id, "--no-bidi", db=db).stdout
    assert article_id in out
    assert "legend:" in out
    assert all_events[0]["summary_en"].split()[0] in out
    record = json.loads(_run("show", "--json", article_id, db=db).stdout)
    assert record["id"] == article_id and record["text"]
    assert record["text"].splitlines()[0][:30] in out


def test_show_reorders_right_to_left_text_when_asked(
    db: str, all_events: list[dict[str, Any]]
) -> None:
    rtl = [e["article_id"] for e in all_events if e["lang"] in {"fa", "ar"}]
    assert rtl, "the seeds include Persian and Arabic"
    record = json.loads(_run("show", "--json", rtl[0], db=db).stdout)
    longest = max(record["text"].splitlines(), key=len)
    logical = _run("show", rtl[0], "--no-bidi", db=db).stdout
    shown = _run("show", rtl[0], "--bidi", db=db).stdout
    word = max(re.findall(r"[\u0600-\u06ff]{5,}", longest), key=len)
    assert word in logical
    assert word[::-1] in shown and word not in shown


def test_show_unknown_id_is_one_line_error(db: str) -> None:
    result = _run("show", "does-not-exist", db=db, ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "does-not-exist" in result.stderr


def test_search_finds_an_article_by_one_of_its_words(
    db: str, all_events: list[dict[str, Any]]
) -> None:
    article_id = all_events[0]["article_id"]
    text = json.loads(_run("show", "--json", article_id, db=db).stdout)["text"]
    word = max(re.findall(r"\w{6,}", text), key=len)
    hits = json.loads(_run("search", "--json", word, db=db).stdout)
    assert article_id in [h["article_id"] for h in hits]
    table = _run("search", word, db=db).stdout
    assert article_id in table
    # Words can be missing; meaning cannot (semantic and hybrid always rank the nearest).
    assert "no articles match" in _run("search", "--mode", "fts", "qqqzzzxxy", db=db).stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_each_format(
    db: str, fmt: str, tmp_path: Path, seed_paths: list[Path], all_events: list[dict[str, Any]]
) -> None:
    out = tmp_path / f"events.{fmt}"
    result = _run("export", "--format", fmt, "-o", str(out), db=db)
    assert "exported" in result.stderr
    if fmt == "jsonl":
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(records) == len(seed_paths)
        assert sum(len(r["events"]) for r in records) == len(all_events)
    elif fmt == "csv":
        with out.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len({r["article_id"] for r in rows}) == len(seed_paths)
        assert len([r for r in rows if r["type"]]) == len(all_events)
    else:
        rows = pq.read_table(out).to_pylist()
        assert len([r for r in rows if r["type"]]) == len(all_events)


def test_export_with_a_filter(db: str, tmp_path: Path, all_events: list[dict[str, Any]]) -> None:
    code = next(c for e in all_events for c in e["countries"])
    out = tmp_path / "filtered.jsonl"
    _run("export", "-o", str(out), "--country", code, db=db)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records
    assert all(any(code in e["countries"] for e in r["events"]) for r in records)


def test_eval_json_on_seed_gold(gold_path: Path, gold_records: list[dict[str, Any]]) -> None:
    data = json.loads(_run("eval", str(gold_path), "--json", "--errors").stdout)
    langs = {r["lang"] for r in gold_records}
    assert set(data["languages"]) == langs | {"ALL"}
    assert data["languages"]["ALL"]["articles"] == len(gold_records)
    for lang in data["languages"].values():
        for value in lang["metrics"].values():
            assert value is None or 0.0 <= value <= 1.0
    assert isinstance(data["errors"], list)


def test_eval_table_and_gate(db: str, gold_path: Path, tmp_path: Path) -> None:
    exported = tmp_path / "seeds.jsonl"
    _run("export", "-o", str(exported), db=db)
    scored = ["eval", str(gold_path), "--predictions", str(exported)]
    out = _run(*scored, "--errors").stdout
    assert "ALL" in out and "lab F1" in out and "accuracy" in out
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"*": {"labour_f1": 0.0}}), encoding="utf-8")
    passed = _run(*scored, "--gate", str(floors))
    assert "gate passed" in passed.stderr
    floors.write_text(json.dumps({"gold_sha256": "0" * 64, "floors": {}}), encoding="utf-8")
    changed = _run(*scored, "--gate", str(floors), ok=False)
    assert changed.exit_code == 1 and "below floor: gold file" in changed.stderr
    as_json = json.loads(_run(*scored, "--gate", str(floors), "--json", ok=False).stdout)
    assert as_json["gate"]["passed"] is False
    floors.write_text(json.dumps({"*": {"labour_f9": 0.1}}), encoding="utf-8")
    bad = _run("eval", str(gold_path), "--gate", str(floors), ok=False)
    assert bad.exit_code == 1 and "unknown metric" in bad.stderr


def test_eval_scores_an_export(db: str, gold_path: Path, tmp_path: Path) -> None:
    exported = tmp_path / "seeds.jsonl"
    _run("export", "-o", str(exported), db=db)
    direct = json.loads(_run("eval", str(gold_path), "--json").stdout)
    from_export = json.loads(
        _run("eval", str(gold_path), "--json", "--predictions", str(exported)).stdout
    )
    assert from_export["missing_predictions"] == []
    assert from_export["languages"] == direct["languages"]


def test_bench_json(seed_paths: list[Path]) -> None:
    data = json.loads(_run("bench", str(seed_paths[0]), "--replicate", "3", "--json").stdout)
    assert data["documents"] == 3 and data["inputs"] == 1
    assert list(data["stages"]) == list(STAGE_NAMES)
    assert data["peak_rss_mb"] > 0
    assert _run("bench", str(seed_paths[0])).stdout.count("pipeline") >= 1


def test_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _run("demo")
    assert (tmp_path / "laborlens-demo.db").is_file()
    assert "summary" in result.stdout and "Next: laborlens --db" in result.stdout
    _run("demo", "--path", "other.db")
    assert (tmp_path / "other.db").is_file()


def test_stages_lists_every_stage() -> None:
    out = _run("stages", "--settings").stdout
    for name in STAGE_NAMES:
        assert name in out
    assert "batch_size" in out


def test_laborlens_errors_are_one_line_unless_debug(tmp_path: Path) -> None:
    bad_url = "nosuchdb://x"
    result = _run("events", db=bad_url, ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.strip().count("\n") == 0
    debug = CliRunner().invoke(cli, ["--debug", "--db", bad_url, "events"])
    assert isinstance(debug.exception, StoreError)
    bad_setting = _run("-s", "batch_size", "many", "stages", ok=False)
    assert bad_setting.exit_code == 1 and "batch_size" in bad_setting.stderr
