"""Readers and scorers of each benchmark family, on small files written here in each set's
format (own text, nothing taken from the sets), and the stages run on them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from laborlens.benchmarks import benchmark_context, find_benchmarks_dir, run_benchmark
from laborlens.benchmarks.dates import (
    _range_value,
    mention_values,
    read_meantime,
    read_recognizers,
    score_cases,
)
from laborlens.benchmarks.entities import predict_entities, read_conll, score_sentences
from laborlens.benchmarks.events import (
    CASE_CLASSES,
    CLASSES,
    LABORLENS_CLASSES,
    classify_snippet,
    read_case,
    score_labels,
)
from laborlens.benchmarks.geoparsing import (
    GeoDocument,
    GoldToponym,
    PredictedToponym,
    predict_toponyms,
    read_gaztagged,
    read_geovirus,
    read_geowebnews,
    read_hipe,
    score_toponyms,
)
from laborlens.benchmarks.scoring import TokenText
from laborlens.config import Settings
from laborlens.errors import EvalError
from laborlens.pipeline.context import StageContext
from laborlens.records import EVENT_TYPES, DateMention, Span

TEXT = (
    "Dock workers in Mersin walked out on Monday, while teachers in Ankara held a rally "
    "outside the Turkish parliament."
)


@pytest.fixture(scope="module")
def context() -> StageContext:
    return benchmark_context(Settings())


def _at(word: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


# --------------------------------------------------------------------- geoparsing


def test_score_toponyms_recognition_and_resolution() -> None:
    mersin, ankara, turkish = _at("Mersin"), _at("Ankara"), _at("Turkish")
    doc = GeoDocument(
        TEXT,
        (
            GoldToponym(*mersin, 36.8, 34.6, 304531),
            GoldToponym(*ankara, 39.9, 32.9, 323786),
            GoldToponym(*turkish),  # a demonym without coordinates
        ),
    )
    preds = (
        PredictedToponym(*mersin, 36.8, 34.6, 304531),  # right id: 0 km
        PredictedToponym(ankara[0], ankara[1] + 5, 40.9, 29.0, 1),  # overlaps, 350 km off
    )
    scores = {s.metric: s.value for s in score_toponyms([doc], [preds])}
    assert scores["recall"] == pytest.approx(1 / 3) and scores["precision"] == 0.5
    assert scores["f1_overlap"] == pytest.approx(0.8)  # 2 of 3 gold found, 2 of 2 right
    assert scores["coverage"] == 1.0
    assert scores["acc161"] == 0.5 and scores["exact"] == 0.5
    assert scores["median_km"] == pytest.approx(scores["mean_km"])


def test_predict_toponyms_places_and_countries(context: StageContext) -> None:
    with_demonyms = predict_toponyms(TEXT, "en", context, demonyms=True)
    spans = {TEXT[p.start : p.end]: p for p in with_demonyms}
    assert {"Mersin", "Ankara", "Turkish"} <= set(spans)
    assert spans["Ankara"].lat == pytest.approx(39.92, abs=0.1)
    without = {TEXT[p.start : p.end] for p in predict_toponyms(TEXT, "en", context, demonyms=False)}
    assert "Turkish" not in without and "Ankara" in without


def test_readers_of_the_xml_geoparsing_sets(tmp_path: Path) -> None:
    s, e = _at("Ankara")
    gwn = tmp_path / "gwn.xml"
    gwn.write_text(
        f"<articles><article><text>{TEXT}</text><toponyms>"
        f"<toponym><type>Literal</type><start>{s}</start><end>{e}</end>"
        "<geonamesID>323786</geonamesID><latitude>39.9</latitude><longitude>32.9</longitude>"
        "</toponym><toponym><type>Non_Toponym</type><start>0</start><end>4</end></toponym>"
        "</toponyms></article></articles>",
        encoding="utf-8",
    )
    assert read_geowebnews(gwn)[0].toponyms == (GoldToponym(s, e, 39.9, 32.9, 323786),)
    lgl = tmp_path / "lgl.xml"
    lgl.write_text(
        f'<articles><article docid="1"><text>{TEXT}</text><toponyms>'
        f'<toponym><start>{s}</start><end>{e}</end><gaztag geonameid="323786">'
        "<lat>39.9</lat><lon>32.9</lon></gaztag></toponym>"
        "<toponym><start>0</start><end>4</end></toponym></toponyms></article></articles>",
        encoding="utf-8",
    )
    assert read_gaztagged(lgl)[0].toponyms == (
        GoldToponym(s, e, 39.9, 32.9, 323786),
        GoldToponym(0, 4),
    )
    virus = tmp_path / "virus.xml"
    virus.write_text(  # offsets one character past the name, as in the GeoVirus file
        f"<articles><article><text>{TEXT}</text><locations><location><name>Ankara</name>"
        f"<start>{s + 1}</start><end>{e + 1}</end><lat>39.9</lat><lon>32.9</lon></location>"
        "</locations></article></articles>",
        encoding="utf-8",
    )
    assert read_geovirus(virus)[0].toponyms == (GoldToponym(s, e, 39.9, 32.9),)
    broken = tmp_path / "broken.xml"
    broken.write_text("<articles><article>", encoding="utf-8")
    with pytest.raises(EvalError, match=r"broken\.xml"):
        read_gaztagged(broken)


def test_read_hipe_rebuilds_the_text_and_keeps_loc(tmp_path: Path) -> None:
    header = "TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP"
    header += "\tNE-NESTED\tNEL-LIT\tNEL-METO\tMISC"

    def row(token: str, tag: str, misc: str = "_") -> str:
        return "\t".join([token, tag, "O", "O", "O", "O", "O", "_", "_", misc])

    path = tmp_path / "hipe.tsv"
    path.write_text(
        "\n".join(
            [
                header,
                "# hipe2022:document_id = a",
                row("Les", "O"),
                row("ouvriers", "O"),
                row("de", "O"),
                row("Saint", "B-loc", "NoSpaceAfter"),
                row("-", "I-loc", "NoSpaceAfter"),
                row("Étienne", "I-loc", "NoSpaceAfter"),
                row(".", "O", "EndOfSentence"),
                "# hipe2022:document_id = b",
                row("Pierre", "B-pers"),
                row("Lyon", "B-loc"),
            ]
        ),
        encoding="utf-8",
    )
    first, second = read_hipe(path)
    assert first.tokens.text.strip() == "Les ouvriers de Saint-Étienne."
    assert first.entities == ((3, 6, "loc"),)
    assert second.entities == ((1, 2, "loc"),)


# --------------------------------------------------------------------- entities


def test_read_conll_and_score_entities(tmp_path: Path, context: StageContext) -> None:
    path = tmp_path / "test-en.tsv"
    path.write_text(
        "Teachers\tO\nin\tO\nAnkara\tB-LOC\nwent\tO\non\tO\nstrike\tO\n.\tO\n\n"
        "Nurses\tO\nfrom\tO\nthe\tO\nHealth\tB-ORG\nWorkers\tI-ORG\nUnion\tI-ORG\n",
        encoding="utf-8",
    )
    sentences = read_conll(path)
    assert [s.entities for s in sentences] == [((2, 3, "LOC"),), ((3, 6, "ORG"),)]
    predicted = [predict_entities(TokenText.join(s.tokens), "en", context) for s in sentences]
    assert (2, 3, "LOC") in predicted[0]
    scores = {s.metric: s.value for s in score_sentences(sentences, predicted)}
    assert scores["loc_recall"] == 1.0
    assert scores["per_recall"] is None  # no gold person: nothing to measure
    renamed = read_conll(path, tag_map={"LOC": "LOC"})
    assert [s.entities for s in renamed] == [((2, 3, "LOC"),), ()]


# --------------------------------------------------------------------- dates


def test_range_values_that_laborlens_can_write() -> None:
    assert _range_value("2024-02-01", "2024-03-01", "2024-02") == "2024-02"
    assert _range_value("2023-01-01", "2024-01-01", "2023") == "2023"
    assert _range_value("2024-05-03", "2024-05-09", "(2024-05-03,2024-05-09,P6D)") == (
        "2024-05-03/2024-05-09"
    )
    assert _range_value("2024-05-06", "2024-05-13", "2024-W19") is None  # a week


def test_mention_values_join_a_range() -> None:
    span = Span(3, 20, "date")
    mentions = (
        DateMention(dt.date(2024, 5, 3), "day", span, "range_start"),
        DateMention(dt.date(2024, 5, 9), "day", span, "range_end"),
        DateMention(dt.date(2024, 5, 1), "month", Span(30, 38)),
    )
    assert mention_values(mentions) == [(3, 20, "2024-05-03/2024-05-09"), (30, 38, "2024-05")]


def test_recognizers_cases_are_scored_on_their_values(
    tmp_path: Path, context: StageContext
) -> None:
    cases = [
        {
            "Input": "The strike began on 12 March 2024 and lasted for two days.",
            "Context": {"ReferenceDateTime": "2024-03-20T00:00:00"},
            "Results": [
                {
                    "Text": "12 march 2024",
                    "Start": 20,
                    "End": 32,
                    "TypeName": "datetimeV2.date",
                    "Resolution": {"values": [{"timex": "2024-03-12", "value": "2024-03-12"}]},
                },
                {
                    "Text": "two days",
                    "Start": 49,
                    "End": 56,
                    "TypeName": "datetimeV2.duration",
                    "Resolution": {"values": [{"timex": "P2D", "value": "172800"}]},
                },
            ],
        },
        {
            "Input": "Workers rallied in May 2023.",
            "Context": {"ReferenceDateTime": "2024-03-20T00:00:00"},
            "NotSupported": "dotnet, python",
            "Results": [
                {
                    "Text": "may 2023",
                    "Start": 19,
                    "End": 26,
                    "TypeName": "datetimeV2.daterange",
                    "Resolution": {
                        "values": [{"timex": "2023-05", "start": "2023-05-01", "end": "2023-06-01"}]
                    },
                }
            ],
        },
        {"Input": "No reference date on 1 May.", "Results": []},
    ]
    path = tmp_path / "DateTimeModel.json"
    path.write_text("\ufeff" + json.dumps(cases), encoding="utf-8")
    read = read_recognizers(path)
    assert [len(c.gold) for c in read] == [1, 1, 0]
    assert read[0].gold[0].values == frozenset({"2024-03-12"})
    assert read[0].allowed == ((20, 33), (49, 57))
    assert not read[1].gold[0].supported
    scores = {s.metric: (s.value, s.support) for s in score_cases(read, "en", context)}
    assert scores["value_accuracy"] == (1.0, 2)
    assert scores["value_accuracy_supported"] == (1.0, 1)
    assert scores["detection_precision"][0] == 1.0


def test_read_meantime_documents_and_scope(tmp_path: Path, context: StageContext) -> None:
    path = tmp_path / "test.tsv"
    path.write_text(
        '*!-DCTVALUE="2024-03-20"-!*\tO\t-\n\n'
        "Miners\tO\t-\nstruck\tO\t-\non\tO\t-\n12\tB-DATE\t2024-03-12\n"
        "March\tI-DATE\t2024-03-12\n.\tO\t-\n\n"
        "The\tO\t-\nstrike\tO\t-\nlasted\tO\t-\ntwo\tB-DURATION\tP2D\ndays\tI-DURATION\tP2D\n"
        "for\tO\t-\nthe\tO\t-\nsecond\tO\t-\ntime\tO\t-\nthis\tB-DATE\tPRESENT_REF\n"
        "year\tI-DATE\tPRESENT_REF\n.\tO\t-\n",
        encoding="utf-8",
    )
    (case,) = read_meantime(path)
    assert case.reference == dt.date(2024, 3, 20)
    assert case.text.startswith("Miners struck on 12 March .\nThe strike")
    assert [(case.text[g.start : g.end], g.values) for g in case.gold] == [
        ("12 March", frozenset({"2024-03-12"}))
    ]
    assert len(case.targets) == 2  # both DATE timexes; the duration is only allowed
    scores = {s.metric: s.value for s in score_cases([case], "en", context, strict=True)}
    assert scores["value_accuracy"] == 1.0
    assert scores["strict_f1"] is not None


# --------------------------------------------------------------------- events


def test_case_mapping_uses_codebook_types() -> None:
    assert set(LABORLENS_CLASSES) <= set(EVENT_TYPES)
    assert set(CASE_CLASSES.values()) == set(CLASSES) <= set(LABORLENS_CLASSES.values())


def test_score_labels() -> None:
    scores = {
        s.metric: s.value
        for s in score_labels(
            ["protest", "protest", "agreement", "accident"],
            ["protest", "none", "agreement", "protest"],
        )
    }
    assert scores["accuracy"] == 0.5
    # protest: P 1/2 R 1/2 F1 .5 (x2); agreement: F1 1 (x1); accident: F1 0 (x1)
    assert scores["weighted_f1"] == pytest.approx((0.5 * 2 + 1.0) / 4)
    assert scores["macro_f1"] == pytest.approx(0.5)
    assert scores["recall_protest"] == 0.5


def test_read_case_and_classify(tmp_path: Path, context: StageContext) -> None:
    path = tmp_path / "case.tsv"
    path.write_text(
        'id\tEventSnippet\tSubType\n1\tHundreds of nurses staged a "silent" rally outside '
        "the ministry on Friday.\tPEACE_PROTEST\n",
        encoding="utf-8",
    )
    (snippet,) = read_case(path)
    assert snippet.label == "PEACE_PROTEST" and '"silent"' in snippet.text
    assert LABORLENS_CLASSES[classify_snippet(snippet.text, "en", context)] == "protest"


# --------------------------------------------------------------------- registry


def test_find_benchmarks_dir(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="does not exist"):
        find_benchmarks_dir(tmp_path / "missing")
    assert find_benchmarks_dir(tmp_path) == tmp_path
    staged = tmp_path / "shared" / "benchmarks"
    staged.mkdir(parents=True)
    (tmp_path / "clone").mkdir()
    found = find_benchmarks_dir(cwd=tmp_path / "clone")
    assert found in {
        staged.resolve(),
        (Path(__file__).parents[2] / ".." / "shared" / "benchmarks").resolve(),
    }


def test_run_benchmark_errors(tmp_path: Path, context: StageContext) -> None:
    with pytest.raises(EvalError, match="unknown benchmark 'nope'"):
        run_benchmark("nope", tmp_path, context)
    with pytest.raises(EvalError, match="no folder"):
        run_benchmark("lgl", tmp_path, context)
