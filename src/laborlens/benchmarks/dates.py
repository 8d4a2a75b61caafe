"""Date benchmarks: Microsoft Recognizers-Text DateTime specs (nine languages) and MEANTIME
time expressions (English and Spanish news).

``extract_dates`` runs on each text with the set's reference date (``ReferenceDateTime``,
the document creation time) as the publication date. laborlens codes a calendar day, a
month or a year, or a range of days, so the gold expressions in scope are those whose
normalised value is one of these:

- Recognizers: ``date`` results (a day), ``daterange`` results that cover exactly one
  calendar month or year, and day ranges written ``(start,end,PnD)``; weeks, quarters,
  seasons, decades, times, durations and sets are out of scope, and so are cases without a
  reference date (their relative values were resolved against an unknown day) and cases
  marked ``IgnoreResolution`` (all the Arabic ones: only their detection is scored);
- MEANTIME: ``DATE`` timexes valued ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A gold expression counts as right when a date mention overlapping it has exactly the gold
value, written at the mention's precision (``2016-11``, ``2016-11-07``, a range as
``start/end``). Detection is scored on overlapping spans (and exact spans for MEANTIME).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from laborlens.benchmarks.scoring import BenchmarkResult, Score, TokenText, prf, share, tag_spans
from laborlens.errors import EvalError
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.dates import extract_dates
from laborlens.pipeline.extract.document import ArticleText
from laborlens.records import DateMention

# Folder names of the Recognizers-Text specs and their ISO 639-1 codes.
RECOGNIZERS_LANGUAGES = {
    "English": "en",
    "Spanish": "es",
    "French": "fr",
    "Portuguese": "pt",
    "German": "de",
    "Turkish": "tr",
    "Arabic": "ar",
    "Hindi": "hi",
    "Chinese": "zh",
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CALENDAR_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DAY_RANGE = re.compile(r"^\([^,]+,[^,]+,P\d+D\)$")


@dataclass(frozen=True, slots=True)
class GoldDate:
    """A gold expression in scope: its character range and every accepted value."""

    start: int
    end: int
    values: frozenset[str]
    supported: bool = True


@dataclass(frozen=True, slots=True)
class DateCase:
    """One text to run with its reference date and gold.

    ``gold`` holds the expressions in scope (value accuracy); ``targets`` the spans that
    detection must find; ``allowed`` every gold span of any type, so that a prediction over
    a time or a duration is not counted as a false date.
    """

    text: str
    reference: dt.date | None
    gold: tuple[GoldDate, ...]
    targets: tuple[tuple[int, int], ...]
    allowed: tuple[tuple[int, int], ...]


def mention_values(mentions: Sequence[DateMention]) -> list[tuple[int, int, str]]:
    """(start, end, value) of each mention; a range's two mentions become ``start/end``."""
    out: list[tuple[int, int, str]] = []
    starts: dict[tuple[int, int], str] = {}
    for m in mentions:
        value = _written(m)
        key = (m.span.start, m.span.end)
        if m.kind == "range_start":
            starts[key] = value
        elif m.kind == "range_end" and key in starts:
            out.append((*key, f"{starts.pop(key)}/{value}"))
        else:
            out.append((*key, value))
    out += [(*key, value) for key, value in starts.items()]
    return out


def _written(mention: DateMention) -> str:
    iso = mention.value.isoformat()
    return {"day": iso, "month": iso[:7], "year": iso[:4]}[mention.precision]


def score_cases(
    cases: Sequence[DateCase], lang: str, context: StageContext, *, strict: bool = False
) -> tuple[Score, ...]:
    """Value accuracy (all, on supported cases, on detected expressions) and detection P/R/F1
    on overlapping spans; with ``strict``, also F1 on exact spans."""
    res = context.resources(lang)
    n_gold = right = right_detected = n_supported = right_supported = 0
    n_targets = found_targets = n_pred = pred_ok = strict_hits = detected = 0
    for case in cases:
        doc = ArticleText(case.text, lang, res, case.reference)
        found = mention_values(extract_dates(doc))
        spans = {(s, e) for s, e, _v in found}
        n_pred += len(spans)
        pred_ok += sum(any(s < ae and a_s < e for a_s, ae in case.allowed) for s, e in spans)
        n_targets += len(case.targets)
        found_targets += sum(any(s < te and ts < e for s, e in spans) for ts, te in case.targets)
        strict_hits += len(spans & set(case.targets))
        for gold in case.gold:
            near = {v for s, e, v in found if s < gold.end and gold.start < e}
            ok = bool(near & gold.values)
            n_gold += 1
            right += ok
            detected += bool(near)
            right_detected += ok
            if gold.supported:
                n_supported += 1
                right_supported += ok
    scores = [
        Score("value_accuracy", share(right, n_gold), n_gold),
        Score("value_accuracy_supported", share(right_supported, n_supported), n_supported),
        Score("value_accuracy_detected", share(right_detected, detected), detected),
        *prf("detection_", found_targets, n_targets, pred_ok, n_pred),
    ]
    if strict:
        exact = prf("", strict_hits, n_targets, strict_hits, n_pred)
        scores.append(Score("strict_f1", exact[2].value, n_targets))
    return tuple(scores)


# --------------------------------------------------------------------- Recognizers-Text


_DATE_TYPES = frozenset({"datetimeV2.date", "datetimeV2.daterange"})


def _result_values(result: dict[str, Any]) -> frozenset[str]:
    """The values of one expected result that laborlens could produce (empty: out of scope)."""
    kind = str(result.get("TypeName") or result.get("Typename") or "")
    resolution = result.get("Resolution")
    values = resolution.get("values") or [] if isinstance(resolution, dict) else []
    out: set[str] = set()
    for value in values:
        timex = str(value.get("timex", ""))
        if kind == "datetimeV2.date" and _DAY.match(str(value.get("value", ""))):
            out.add(str(value["value"]))
        elif kind == "datetimeV2.daterange" and "start" in value and "end" in value:
            written = _range_value(str(value["start"]), str(value["end"]), timex)
            if written:
                out.add(written)
    return frozenset(out)


def _range_value(start: str, end: str, timex: str) -> str | None:
    try:
        first, after = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return None
    if first.day == 1 and after == (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1):
        return start[:7]
    if (first.month, first.day) == (1, 1) and after == first.replace(year=first.year + 1):
        return start[:4]
    if _DAY_RANGE.match(timex):
        return f"{start}/{end}"
    return None


def read_recognizers(path: Path) -> list[DateCase]:
    """One DateTimeModel.json. ``End`` in the specs is inclusive, here it is exclusive.

    Detection targets are the ``date`` and ``daterange`` results; values are scored only in
    cases with a reference date and without ``IgnoreResolution``.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise EvalError(f"benchmark file {path}: {exc}") from exc
    cases = []
    for item in data:
        reference_text = str((item.get("Context") or {}).get("ReferenceDateTime") or "")
        reference = dt.date.fromisoformat(reference_text[:10]) if reference_text else None
        unsupported = str(item.get("NotSupported") or "").lower()
        supported = "dotnet" not in {p.strip() for p in unsupported.split(",")}
        resolved = reference is not None and not item.get("IgnoreResolution")
        allowed = []
        targets = []
        gold = []
        for result in item.get("Results") or []:
            start = int(result.get("Start", result.get("start", 0)))
            end = int(result.get("End", result.get("end", start))) + 1
            allowed.append((start, end))
            if str(result.get("TypeName") or result.get("Typename")) in _DATE_TYPES:
                targets.append((start, end))
            values = _result_values(result)
            if values and resolved:
                gold.append(GoldDate(start, end, values, supported))
        cases.append(
            DateCase(
                str(item.get("Input", "")),
                reference,
                tuple(gold),
                tuple(targets),
                tuple(allowed),
            )
        )
    return cases


def run_recognizers(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    results = []
    for name, lang in RECOGNIZERS_LANGUAGES.items():
        path = folder / name / "DateTimeModel.json"
        if not path.is_file():
            raise EvalError(f"missing benchmark file {path}")
        cases = read_recognizers(path)
        cases = cases[:limit] if limit else cases
        started = time.perf_counter()
        scores = score_cases(cases, lang, context)
        seconds = time.perf_counter() - started
        results.append(
            BenchmarkResult("recognizers-text-datetime", lang, len(cases), scores, seconds)
        )
    return tuple(results)


# --------------------------------------------------------------------- MEANTIME

_DCT = re.compile(r'^\*!-DCTVALUE="(\d{4}-\d{2}-\d{2})"-!\*$')


def read_meantime(path: Path) -> list[DateCase]:
    """One test.tsv: documents open with a DCT pseudo-token; sentences end at blank lines."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"benchmark file {path}: {exc}") from exc
    docs: list[tuple[dt.date, list[list[tuple[str, str, str]]]]] = []
    sentence: list[tuple[str, str, str]] = []
    for line in [*lines, ""]:
        cols = line.split("\t")
        dct = _DCT.match(cols[0])
        if dct:
            docs.append((dt.date.fromisoformat(dct.group(1)), []))
            continue
        if not line.strip():
            if sentence and docs:
                docs[-1][1].append(sentence)
            sentence = []
            continue
        if len(cols) < 3:
            raise EvalError(f"benchmark file {path}: expected 3 columns in {line[:60]!r}")
        sentence.append((cols[0], cols[1], cols[2]))
    return [_meantime_case(dct, sentences) for dct, sentences in docs]


def _meantime_case(dct: dt.date, sentences: list[list[tuple[str, str, str]]]) -> DateCase:
    rows = [row for s in sentences for row in s]
    seps = [" " if i < len(s) - 1 else "\n" for s in sentences for i in range(len(s))]
    text = TokenText.join([r[0] for r in rows], seps)
    timexes = [(a, b, kind, rows[a][2]) for a, b, kind in tag_spans([r[1] for r in rows])]
    spans = [(text.starts[a], text.ends[b - 1], kind, value) for a, b, kind, value in timexes]
    dates = tuple((s, e) for s, e, kind, _v in spans if kind == "DATE")
    gold = tuple(
        GoldDate(s, e, frozenset({v}))
        for s, e, kind, v in spans
        if kind == "DATE" and _CALENDAR_VALUE.match(v)
    )
    return DateCase(text.text, dct, gold, dates, tuple((s, e) for s, e, _k, _v in spans))


def run_meantime(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    results = []
    for lang in ("en", "es"):
        cases = read_meantime(folder / lang / "test.tsv")
        cases = cases[:limit] if limit else cases
        started = time.perf_counter()
        scores = tuple(
            s
            for s in score_cases(cases, lang, context, strict=True)
            if s.metric != "value_accuracy_supported"  # every MEANTIME case counts
        )
        seconds = time.perf_counter() - started
        results.append(BenchmarkResult("meantime-timex", lang, len(cases), scores, seconds))
    return tuple(results)
