"""WARC reader: HTML responses only, URL and date, damaged and truncated archives."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult
from laborlens.sources.warc import WarcReader

from .helpers import WarcEntry, page, write_warc

READER = WarcReader()

STRIKE = page(
    "Refinery workers begin indefinite strike",
    [
        "Workers at the coastal oil refinery downed tools on Monday morning after the company "
        "refused to reinstate forty colleagues dismissed last month.",
        "The union said pickets would stay at the gates until the dismissed workers return.",
    ],
    head='<meta property="article:published_time" content="2024-02-12T07:00:00Z">',
)
RU_PAGE = page(
    "Шахтёры требуют повышения зарплаты",
    [
        "Горняки угольного разреза провели собрание и потребовали пересмотреть тарифные ставки.",
        "Представители профсоюза передали обращение руководству компании в пятницу.",
    ],
    head='<meta name="date" content="2023-10-06">',
)
FA_PAGE = page(
    "اعتراض رانندگان اتوبوس به تأخیر حقوق",
    [
        "رانندگان شرکت واحد صبح امروز در اعتراض به پرداخت نشدن حقوق سه ماه گذشته تجمع کردند.",
        "نماینده سندیکا گفت که نامه‌ای به شورای شهر فرستاده شده است.",
    ],
)


def _entries() -> list[WarcEntry]:
    return [
        WarcEntry(
            "https://refinery-example.com/news/strike",
            b"GET /news/strike HTTP/1.1\r\nHost: refinery-example.com\r\n\r\n",
            rec_type="request",
        ),
        WarcEntry("https://refinery-example.com/news/strike", STRIKE.encode()),
        WarcEntry("https://refinery-example.com/logo.png", b"\x89PNG\r\n", "image/png"),
        WarcEntry(
            "https://ugol-example.ru/2023/10/06/shakhtery",
            RU_PAGE.encode("windows-1251"),
            "text/html; charset=windows-1251",
        ),
        WarcEntry(
            "https://refinery-example.com/missing", b"<html>gone</html>", status="404 Not Found"
        ),
        WarcEntry(
            "https://khabar-example.ir/news/77",
            gzip.compress(FA_PAGE.encode()),
            extra_headers=(("Content-Encoding", "gzip"),),
        ),
    ]


def _read(path: Path, settings: Settings) -> list[ReadResult]:
    return list(READER.read(path, settings))


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_html_responses_become_documents(name: str, tmp_path: Path, settings: Settings) -> None:
    path = write_warc(tmp_path / name, _entries())
    results = _read(path, settings)
    assert all(isinstance(r, RawDocument) for r in results), results
    docs = {r.url: r for r in results if isinstance(r, RawDocument)}
    assert list(docs) == [
        "https://refinery-example.com/news/strike",
        "https://ugol-example.ru/2023/10/06/shakhtery",
        "https://khabar-example.ir/news/77",
    ]
    strike = docs["https://refinery-example.com/news/strike"]
    assert strike.source == str(path)
    assert strike.locator == "record 3"  # warcinfo, request, response
    assert strike.site == "refinery-example.com"
    assert strike.title == "Refinery workers begin indefinite strike"
    assert strike.published == dt.date(2024, 2, 12)
    assert "reinstate forty colleagues" in strike.text

    ru = docs["https://ugol-example.ru/2023/10/06/shakhtery"]
    assert ru.locator == "record 5"
    assert "пересмотреть тарифные ставки" in ru.text  # charset from the HTTP header
    assert ru.published == dt.date(2023, 10, 6)

    fa = docs["https://khabar-example.ir/news/77"]
    assert fa.locator == "record 7"
    assert "نامه\u200cای به شورای شهر" in fa.text  # gzip content-encoding undone


def test_truncated_warc_gz_keeps_earlier_records(tmp_path: Path, settings: Settings) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz", _entries()).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) - 150])  # inside the last (gzip-encoded) response
    results = _read(cut, settings)
    docs = [r for r in results if isinstance(r, RawDocument)]
    skipped = [r for r in results if isinstance(r, SkippedRecord)]
    assert [d.locator for d in docs] == ["record 3", "record 5"]
    assert len(skipped) == 1
    assert results[-1] is skipped[0]
    assert "truncated" in skipped[0].reason or "damaged" in skipped[0].reason
    assert skipped[0].locator == "record 7"


@pytest.mark.parametrize("name", ["sweep.warc.gz", "sweep.warc"])
def test_a_cut_anywhere_never_crashes(name: str, tmp_path: Path, settings: Settings) -> None:
    """Cut the archive every 29 bytes: documents, then at most one skip, never an error."""
    whole = write_warc(tmp_path / name, _entries()).read_bytes()
    cut = tmp_path / f"cut-{name}"
    skips = 0
    for end in range(0, len(whole), 29):
        cut.write_bytes(whole[:end])
        results = _read(cut, settings)
        kinds = [isinstance(r, RawDocument) for r in results]
        assert kinds == sorted(kinds, reverse=True), results  # no document after a skip
        assert kinds.count(False) <= 1
        skips += kinds.count(False)
    assert skips > len(whole) // 29 * 0.8  # nearly every cut is reported


def test_truncated_uncompressed_warc(tmp_path: Path, settings: Settings) -> None:
    whole = write_warc(tmp_path / "whole.warc", _entries()).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[:-50])  # inside the last response's body
    results = _read(cut, settings)
    assert [r.locator for r in results if isinstance(r, RawDocument)] == ["record 3", "record 5"]
    assert isinstance(results[-1], SkippedRecord)
    assert "truncated" in results[-1].reason


def test_garbage_after_good_records_is_reported(tmp_path: Path, settings: Settings) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz", _entries()).read_bytes()
    path = tmp_path / "garbage.warc.gz"
    path.write_bytes(whole + b"this is not a WARC record\r\n" * 20)
    results = _read(path, settings)
    assert len([r for r in results if isinstance(r, RawDocument)]) == 3
    assert isinstance(results[-1], SkippedRecord)
    assert "damaged" in results[-1].reason


def test_not_a_warc_at_all(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "fake.warc.gz"
    path.write_bytes(b"<html><body>I am a web page, not an archive</body></html>")
    (skipped,) = _read(path, settings)
    assert isinstance(skipped, SkippedRecord)
    assert "damaged WARC" in skipped.reason


def test_oversized_response_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    big = page("Big page", ["filler text " * 2000])
    entries = [
        WarcEntry("https://a.example.com/big", big.encode()),
        WarcEntry("https://a.example.com/strike", STRIKE.encode()),
    ]
    path = write_warc(tmp_path / "big.warc.gz", entries)
    results = _read(path, Settings(max_html_bytes=5000))
    assert isinstance(results[0], SkippedRecord)
    assert "too large" in results[0].reason
    assert results[0].locator == "record 2"
    assert isinstance(results[1], RawDocument)
    assert results[1].url == "https://a.example.com/strike"


def test_missing_file_is_skipped(tmp_path: Path, settings: Settings) -> None:
    (skipped,) = _read(tmp_path / "none.warc.gz", settings)
    assert isinstance(skipped, SkippedRecord)
    assert "cannot read" in skipped.reason


@pytest.mark.parametrize(
    ("name", "handled"), [("a.warc", True), ("b.WARC.GZ", True), ("c.gz", False)]
)
def test_sniff(name: str, handled: bool) -> None:
    assert READER.sniff(Path(name)) is handled
