"""``laborlens benchmark`` on a staged directory written here, and the generated report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from laborlens.benchmarks import BENCHMARKS, BenchmarkResult, Score
from laborlens.benchmarks.report import comparisons, markdown, stage_ranking, to_json
from laborlens.cli import cli

TEXT = "Bus drivers in Izmir and Bursa stopped work for two hours."


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    """A benchmark directory holding one LGL-format set of two articles."""
    izmir, bursa = TEXT.index("Izmir"), TEXT.index("Bursa")
    article = (
        '<article docid="{n}"><text>{text}</text><toponyms>'
        '<toponym><start>{i}</start><end>{i5}</end><gaztag geonameid="311046">'
        "<lat>38.41</lat><lon>27.14</lon></gaztag></toponym>"
        "<toponym><start>{b}</start><end>{b5}</end></toponym></toponyms></article>"
    )
    body = "".join(
        article.format(n=n, text=TEXT, i=izmir, i5=izmir + 5, b=bursa, b5=bursa + 5) for n in (1, 2)
    )
    (tmp_path / "lgl").mkdir()
    (tmp_path / "lgl" / "lgl.xml").write_text(f"<articles>{body}</articles>", encoding="utf-8")
    return tmp_path


def test_benchmark_json(staged: Path) -> None:
    result = CliRunner().invoke(
        cli, ["benchmark", "lgl", "--benchmarks", str(staged), "--json", "--limit", "1"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (row,) = data["results"]
    assert (row["benchmark"], row["lang"], row["items"], data["limit"]) == ("lgl", "en", 1, 1)
    assert row["scores"]["recall"] == 1.0
    assert row["support"]["acc161"] == 1
    assert row["published"]["acc161"]["value"] == 0.827


def test_benchmark_table(staged: Path) -> None:
    result = CliRunner().invoke(cli, ["benchmark", "lgl", "--benchmarks", str(staged)])
    assert result.exit_code == 0, result.output
    assert "acc161_e2e" in result.stdout and "against the published best" in result.stdout
    assert "Mordecai 3" in result.stdout


def test_benchmark_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["benchmark", "nope"])
    assert unknown.exit_code == 2 and "geowebnews" in unknown.output
    missing = runner.invoke(cli, ["benchmark", "lgl", "--benchmarks", str(tmp_path / "none")])
    assert missing.exit_code == 1
    assert missing.output.strip().splitlines() == [
        f"Error: benchmark directory {tmp_path / 'none'} does not exist"
    ]
    empty = runner.invoke(cli, ["benchmark", "lgl", "--benchmarks", str(tmp_path)])
    assert empty.exit_code == 1 and "no folder" in empty.output
    docs = runner.invoke(cli, ["benchmark", "lgl", "--write-docs", str(tmp_path / "q.md")])
    assert docs.exit_code == 2 and "needs NAME all" in docs.output


def test_help_names_every_benchmark() -> None:
    text = CliRunner().invoke(cli, ["benchmark", "--help"]).output
    for name in BENCHMARKS:
        assert name in text, name


def _result(name: str, lang: str, **scores: float) -> BenchmarkResult:
    return BenchmarkResult(name, lang, 10, tuple(Score(k, v, 10) for k, v in scores.items()))


def test_report_ranks_stages_and_writes_every_benchmark() -> None:
    results = {
        "lgl": (_result("lgl", "en", acc161=0.9, acc161_e2e=0.6, exact=0.8, mean_km=350.0),),
        "panx-wikiann": (
            _result("panx-wikiann", "en", micro_f1=0.445),
            _result("panx-wikiann", "tr", micro_f1=0.089),
        ),
        "meantime-timex": (_result("meantime-timex", "en", value_accuracy=0.7),),
    }
    by_metric = {c.metric: c for c in comparisons("lgl", results["lgl"])}
    assert by_metric["mean_km"].ratio == pytest.approx(2.0)  # 700 km published / 350 km
    assert by_metric["acc161"].ratio == pytest.approx(0.9 / 0.827)
    assert by_metric["auc"].laborlens is None and by_metric["auc"].ratio is None
    ranking = stage_ranking(results)
    assert [family for family, _mean, _worst in ranking] == ["entities", "geoparsing"]
    assert ranking[0][1] == pytest.approx((0.5 + 0.1) / 2)
    assert ranking[0][2].key == "tr"
    page = markdown(results, None, "laborlens benchmark all --write-docs docs/quality.md")
    for name in results:
        assert f"## {name}" in page
    assert "| entities | panx-wikiann | tr |" in page
    assert "quotes no published figure" in page  # meantime
    assert "`PEACE_PROTEST`" in page  # the CASE mapping
    assert to_json(results, 5)["results"][1]["published"]["micro_f1"]["ratio"] == pytest.approx(0.5)


def test_the_quality_page_covers_every_benchmark() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "quality.md").read_text(encoding="utf-8")
    assert page.startswith("# Quality on public benchmarks")
    assert "laborlens benchmark all --write-docs docs/quality.md" in page
    for name in BENCHMARKS:
        assert f"\n## {name}\n" in page, f"regenerate docs/quality.md: {name} is missing"
