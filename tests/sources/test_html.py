"""HTML reader: metadata and main text, charsets, the size guard, broken pages."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import htmldate.utils
import pytest

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult
from laborlens.sources.html import HtmlReader, extract_html

from .helpers import BROKEN, SAMPLES, page

READER = HtmlReader()


def _read_one(path: Path, settings: Settings) -> ReadResult:
    results = list(READER.read(path, settings))
    assert len(results) == 1
    return results[0]


def _doc(path: Path, settings: Settings) -> RawDocument:
    result = _read_one(path, settings)
    assert isinstance(result, RawDocument), result
    return result


def _skip(path: Path, settings: Settings) -> SkippedRecord:
    result = _read_one(path, settings)
    assert isinstance(result, SkippedRecord), result
    return result


def test_russian_page_metadata_and_main_text(settings: Settings) -> None:
    doc = _doc(SAMPLES / "strike_ru.html", settings)
    assert doc.title == "Водители автобусов в Туле вышли на забастовку"
    assert doc.url == "https://www.vesti-example.ru/news/2024/05/tula-buses"  # canonical wins
    assert doc.site == "vesti-example.ru"
    assert doc.published == dt.date(2024, 5, 14)  # published, not modified
    assert doc.lang_hint == "ru"
    assert doc.locator == ""
    assert doc.text.startswith(doc.title)
    assert "задерживает выплату заработной платы" in doc.text
    assert "переговоры с работниками в четверг" in doc.text
    for debris in ("Главная", "Погода на выходные", "Все права защищены"):
        assert debris not in doc.text


def test_arabic_page_uses_og_url_and_json_ld_date(settings: Settings) -> None:
    doc = _doc(SAMPLES / "protest_ar.html", settings)
    assert doc.url == "https://www.mawani-example.ma/2023/11/dock-workers-protest.html"
    assert doc.site == "mawani-example.ma"
    assert doc.published == dt.date(2023, 11, 2)
    assert doc.lang_hint == "ar"
    assert "ملفا مطلبيا" in doc.text
    assert "رياضة" not in doc.text
    assert "جميع الحقوق محفوظة" not in doc.text


RU_PARAGRAPHS = [
    "Работники литейного цеха прекратили работу, требуя погасить задолженность по зарплате.",
    "Профсоюз сообщил, что переговоры с руководством назначены на следующий вторник.",
]
AR_PARAGRAPHS = [
    "نظم عمال شركة النقل وقفة احتجاجية أمام مقر الإدارة للمطالبة بصرف الأجور المتأخرة.",
    "وأكدت النقابة أن الاحتجاج سيستمر إلى حين الاستجابة لمطالب العمال وفتح باب الحوار.",
]


@pytest.mark.parametrize(
    ("encoding", "head", "paragraphs"),
    [
        ("windows-1251", '<meta charset="windows-1251">', RU_PARAGRAPHS),
        (
            "windows-1251",
            '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
            RU_PARAGRAPHS,
        ),
        ("cp1256", '<meta charset="windows-1256">', AR_PARAGRAPHS),
        ("cp1256", '<meta charset="utf-8">', AR_PARAGRAPHS),  # declaration is wrong
        ("cp1256", "", AR_PARAGRAPHS),  # no declaration at all
    ],
    ids=["ru-meta-charset", "ru-http-equiv", "ar-meta-charset", "ar-wrong-meta", "ar-no-meta"],
)
def test_legacy_charset_pages(
    encoding: str, head: str, paragraphs: list[str], tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "legacy.html"
    path.write_bytes(page(paragraphs[0][:40], paragraphs, head=head).encode(encoding))
    doc = _doc(path, settings)
    for paragraph in paragraphs:
        assert paragraph in doc.text


def test_persian_zero_width_non_joiner_survives_extraction() -> None:
    words = "کارگران می\u200cخواهند طرح طبقه\u200cبندی مشاغل اجرا شود"
    html = page("تجمع کارگران", [f"{words} و این خواسته را به فرمانداری بردند."] * 2)
    doc = extract_html(html, source="mem")
    assert isinstance(doc, RawDocument)
    assert words in doc.text


def test_title_is_prepended_when_the_body_lacks_it() -> None:
    html = (
        "<html><head><title>Port workers accept new contract</title></head><body>"
        "<p>After six weeks of talks, dock workers voted to accept a three-year agreement "
        "that raises wages and limits night shifts.</p></body></html>"
    )
    doc = extract_html(html, source="mem")
    assert isinstance(doc, RawDocument)
    assert doc.title == "Port workers accept new contract"
    assert doc.text.startswith("Port workers accept new contract\n\nAfter six weeks")


def test_given_url_beats_canonical() -> None:
    html = page(
        "Teachers rally for smaller classes",
        ["Hundreds of teachers rallied outside the education ministry on Saturday."] * 2,
        head='<link rel="canonical" href="https://canonical.example.com/a">',
    )
    doc = extract_html(html, source="mem", url="https://fetched.example.org/x")
    assert isinstance(doc, RawDocument)
    assert doc.url == "https://fetched.example.org/x"
    assert doc.site == "fetched.example.org"


def test_html_that_is_a_url_is_never_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("tried to download")

    monkeypatch.setattr(htmldate.utils, "fetch_url", no_network)
    result = extract_html("https://news.example.org/2024/05/01/strike", source="mem")
    assert isinstance(result, (RawDocument, SkippedRecord))


def test_fifty_megabyte_page_is_skipped_without_loading_it(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "huge.html"
    filler = b"<p>" + b"x" * 1021 + b"</p>\n"
    with path.open("wb") as fh:
        fh.write(b"<html><body>")
        for _ in range(50 * 1024):
            fh.write(filler)
        fh.write(b"</body></html>")
    assert path.stat().st_size > 50_000_000
    tracemalloc.start()
    try:
        skipped = _skip(path, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "too large" in skipped.reason
    assert "max_html_bytes" in skipped.reason
    assert peak < 5_000_000


def test_page_at_the_limit_is_read(tmp_path: Path) -> None:
    html = page("Nurses strike for safe staffing", ["Nurses walked out at dawn."] * 3).encode()
    path = tmp_path / "limit.html"
    path.write_bytes(html)
    assert isinstance(_read_one(path, Settings(max_html_bytes=len(html))), RawDocument)
    skipped = _skip(path, Settings(max_html_bytes=len(html) - 1))
    assert "too large" in skipped.reason


def test_malformed_but_recoverable_page_is_read(settings: Settings) -> None:
    doc = _doc(BROKEN / "malformed.html", settings)
    assert doc.title == "Hospital nurses stage walkout over staffing"
    assert "chronic understaffing" in doc.text
    assert "temporary staff had been brought in" in doc.text


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"<html><head><title>Everything becomes the title " + b"word " * 200, "no main text"),
        (b'<html><body class="never closed>' + b"<p>lost</p>" * 200, "no main text"),
        (b"<html><body>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000, "no main text"),
        (b"<html><head><script>var a = 1;</script></head><body></body></html>", "no main text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    ],
    ids=["empty", "whitespace", "unclosed-title", "open-attribute", "deep", "no-text", "binary"],
)
def test_broken_pages_become_skipped_records(
    content: bytes, cause: str, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "broken.html"
    path.write_bytes(content)
    assert cause in _skip(path, settings).reason


def test_missing_file_is_skipped(tmp_path: Path, settings: Settings) -> None:
    assert "cannot read" in _skip(tmp_path / "gone.html", settings).reason


@pytest.mark.parametrize("name", ["a.html", "b.HTM", "c.xhtml"])
def test_sniff_accepts_html_names(name: str) -> None:
    assert READER.sniff(Path(name))


@pytest.mark.parametrize("name", ["a.txt", "b.html.txt", "c.jsonl"])
def test_sniff_rejects_other_names(name: str) -> None:
    assert not READER.sniff(Path(name))
