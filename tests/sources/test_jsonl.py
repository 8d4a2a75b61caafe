"""JSONL reader: fields, shared HTML extraction, bad lines skipped with their number."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult
from laborlens.sources.jsonl import JsonlReader

from .helpers import BROKEN, SAMPLES

READER = JsonlReader()


def _read(path: Path, settings: Settings) -> list[ReadResult]:
    return list(READER.read(path, settings))


def _by_locator(results: list[ReadResult]) -> dict[str, ReadResult]:
    return {r.locator: r for r in results}


def test_sample_file(settings: Settings) -> None:
    results = _read(SAMPLES / "articles.jsonl", settings)
    assert all(isinstance(r, RawDocument) for r in results)
    docs = _by_locator(results)
    assert list(docs) == ["line 1", "line 2", "line 4", "line 5"]  # line 3 is blank

    first = docs["line 1"]
    assert isinstance(first, RawDocument)
    assert first.source == str(SAMPLES / "articles.jsonl")
    assert first.title == "Dock workers end three-day strike"
    assert first.url == "https://www.harbour-example.org/news/dock-strike-ends"
    assert first.site == "harbour-example.org"
    assert first.published == dt.date(2024, 6, 7)
    assert first.lang_hint == "en"

    second = docs["line 2"]
    assert isinstance(second, RawDocument)
    assert second.published == dt.date(2024, 2, 20)
    assert second.title is None and second.url is None


def test_html_line_goes_through_html_extraction(settings: Settings) -> None:
    docs = _by_locator(_read(SAMPLES / "articles.jsonl", settings))
    vi = docs["line 4"]
    assert isinstance(vi, RawDocument)
    assert vi.title == "Công nhân may đình công đòi tăng lương"
    assert vi.url == "https://tin-example.vn/cong-nhan-may-dinh-cong"  # from the canonical link
    assert vi.published == dt.date(2024, 4, 3)  # from the meta tag, via htmldate
    assert vi.lang_hint == "vi"
    assert "Trang chủ" not in vi.text
    assert "trả đủ tiền làm thêm giờ" in vi.text


def test_json_fields_beat_what_the_html_says(settings: Settings) -> None:
    fa = _by_locator(_read(SAMPLES / "articles.jsonl", settings))["line 5"]
    assert isinstance(fa, RawDocument)
    assert fa.title == "تجمع کارگران پتروشیمی"
    assert fa.url == "https://akhbar-example.ir/news/1234"
    assert fa.published == dt.date(2024, 1, 14)
    assert fa.lang_hint == "fa"
    assert "طبقه\u200cبندی" in fa.text


def test_bad_lines_are_skipped_and_good_lines_around_them_kept(settings: Settings) -> None:
    results = _by_locator(_read(BROKEN / "mixed.jsonl", settings))
    assert list(results) == [f"line {n}" for n in range(1, 7)]
    for good in ("line 1", "line 2", "line 6"):
        assert isinstance(results[good], RawDocument)
    skipped = {k: v for k, v in results.items() if isinstance(v, SkippedRecord)}
    assert set(skipped) == {"line 3", "line 4", "line 5"}
    assert "not JSON" in skipped["line 3"].reason
    assert "'text' or 'html'" in skipped["line 4"].reason
    assert "not a JSON object" in skipped["line 5"].reason
    assert all(s.source == str(BROKEN / "mixed.jsonl") for s in skipped.values())


def test_unreadable_published_is_dropped_not_fatal(settings: Settings) -> None:
    postal = _by_locator(_read(BROKEN / "mixed.jsonl", settings))["line 6"]
    assert isinstance(postal, RawDocument)
    assert postal.published is None
    assert "revised pay offer" in postal.text


def _write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_invalid_utf8_line_is_skipped(tmp_path: Path, settings: Settings) -> None:
    good = json.dumps({"text": "Bakers' union calls a strike for Thursday."}).encode()
    path = _write_lines(tmp_path / "bad.jsonl", [good, b'{"text": "caf\xe9 workers"}', good])
    results = _read(path, settings)
    assert [type(r).__name__ for r in results] == ["RawDocument", "SkippedRecord", "RawDocument"]
    assert isinstance(results[1], SkippedRecord)
    assert "UTF-8" in results[1].reason
    assert results[1].locator == "line 2"


def test_bom_on_first_line_is_ignored(tmp_path: Path, settings: Settings) -> None:
    line = json.dumps({"text": "Cleaners at the airport win a pay rise."}).encode()
    path = _write_lines(tmp_path / "bom.jsonl", [b"\xef\xbb\xbf" + line])
    (doc,) = _read(path, settings)
    assert isinstance(doc, RawDocument)


def test_overlong_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    small = json.dumps({"text": "Bus drivers strike over rosters."}).encode()
    huge = json.dumps({"text": "x" * 5000}).encode()
    path = _write_lines(tmp_path / "long.jsonl", [small, huge, small])
    results = _read(path, Settings(max_html_bytes=1000))
    assert [r.locator for r in results] == ["line 1", "line 2", "line 3"]
    assert isinstance(results[1], SkippedRecord)
    assert "max_html_bytes" in results[1].reason
    assert isinstance(results[2], RawDocument)


def test_html_field_with_no_text_is_skipped(tmp_path: Path, settings: Settings) -> None:
    lines = [
        json.dumps({"html": "<html><body><script>x()</script></body></html>"}).encode(),
        json.dumps(
            {"html": "<p>Farm labourers march to the capital for a minimum wage.</p>"}
        ).encode(),
    ]
    results = _read(_write_lines(tmp_path / "html.jsonl", lines), settings)
    assert isinstance(results[0], SkippedRecord)
    assert "no main text" in results[0].reason
    assert isinstance(results[1], RawDocument)
    assert "minimum wage" in results[1].text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("2024-03-01T23:30:00Z", dt.date(2024, 3, 1)),
        ("2024-03-01T01:30:00+05:00", dt.date(2024, 3, 1)),
        ("2024-03-01 08:00", dt.date(2024, 3, 1)),
        ("1 March 2024", None),
        (20240301, None),
        ("", None),
    ],
)
def test_published_parsing(
    value: object, expected: dt.date | None, tmp_path: Path, settings: Settings
) -> None:
    line = json.dumps({"text": "Warehouse staff walk out.", "published": value}).encode()
    (doc,) = _read(_write_lines(tmp_path / "dates.jsonl", [line]), settings)
    assert isinstance(doc, RawDocument)
    assert doc.published == expected


def test_missing_file_is_skipped(tmp_path: Path, settings: Settings) -> None:
    (skipped,) = _read(tmp_path / "none.jsonl", settings)
    assert isinstance(skipped, SkippedRecord)
    assert "cannot read" in skipped.reason
