"""Plain-text reader: seeds, legacy encodings, mojibake, broken files, headline guess."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-" codecs used below)
import pytest

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult
from laborlens.sources.decode import decode_bytes
from laborlens.sources.text import TextReader, guess_title

from .helpers import BROKEN, SEEDS

READER = TextReader()


def _seed_cases() -> list[object]:
    gold = SEEDS.parent / "gold" / "seeds.jsonl"
    langs = {
        Path(row["file"]).name: row["lang"]
        for row in map(json.loads, gold.read_text(encoding="utf-8").splitlines())
        if row.get("file")
    }
    return [
        pytest.param(path, id=f"{langs.get(path.name, 'xx')}-{path.name[:3]}")
        for path in sorted(SEEDS.glob("*.txt"))
    ]


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


@pytest.mark.parametrize("path", _seed_cases())
def test_seed_is_read_unchanged(path: Path, settings: Settings) -> None:
    doc = _doc(path, settings)
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.source == str(path)
    assert doc.locator == ""
    assert doc.url is None and doc.published is None


@pytest.mark.parametrize("path", _seed_cases())
def test_seed_title_is_a_line_that_is_not_furniture(path: Path, settings: Settings) -> None:
    doc = _doc(path, settings)
    lines = [line.strip() for line in doc.text.splitlines()]
    if doc.title is None:
        first = next(line for line in lines if line)
        assert len(first) > 200, "only a paragraph-length first line may leave no title"
        return
    assert doc.title in lines
    assert len(doc.title) >= 12
    assert " » " not in doc.title and " > " not in doc.title


def test_source_is_the_name_given(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Headline of a short note\nBody of the note, long enough.\n", "utf-8")
    (doc,) = READER.read(path, settings, source="relative/note.txt")
    assert isinstance(doc, RawDocument)
    assert doc.source == "relative/note.txt"


# Our own sentences; Persian uses Arabic yeh (U+064A) as cp1256 files do.
LEGACY = [
    pytest.param(
        "cp1256",
        "إضراب عمال النسيج\n\nأعلن عمال مصنع النسيج إضرابا عن العمل احتجاجا على تأخر صرف "
        "الأجور لثلاثة أشهر، وطالبت النقابة بفتح حوار عاجل مع الإدارة.\n",
        id="ar-cp1256",
    ),
    pytest.param(
        "cp1256",
        "تجمع كارگران فولاد\n\nكارگران كارخانه فولاد در اعتراض به پرداخت نشدن دستمزدها مقابل "
        "فرمانداري تجمع كردند و نماينده سنديكا گفت گفتگو با كارفرما ادامه دارد.\n",
        id="fa-cp1256",
    ),
    pytest.param(
        "windows-1251",
        "Забастовка на заводе\n\nРаботники завода объявили забастовку из-за задержки зарплаты. "
        "Профсоюз потребовал от руководства начать переговоры до конца месяца.\n",
        id="ru-windows-1251",
    ),
    pytest.param(
        "windows-1251",
        "Страйк шахтарів\n\nШахтарі вимагають виплатити борги із заробітної плати. Профспілка "
        "заявила, що протест триватиме, доки керівництво не почне переговори.\n",
        id="uk-windows-1251",
    ),
]


@pytest.mark.parametrize(("encoding", "text"), LEGACY)
def test_legacy_encoding_is_detected(
    encoding: str, text: str, tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    doc = _doc(path, settings)
    assert doc.text == text
    assert doc.title == text.splitlines()[0]


@pytest.mark.parametrize(
    ("prefix", "codec"),
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (b"", "utf-16")],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-python-bom"],
)
def test_byte_order_mark_is_honoured_and_dropped(
    prefix: bytes, codec: str, tmp_path: Path, settings: Settings
) -> None:
    text = "Sendika grev kararı aldı\nİşçiler ücret artışı istiyor ve yarın toplanacak.\n"
    path = tmp_path / "bom.txt"
    path.write_bytes(prefix + text.encode(codec))
    doc = _doc(path, settings)
    assert doc.text == text
    assert doc.title == "Sendika grev kararı aldı"


@pytest.mark.parametrize(
    "text",
    [
        "Работники завода объявили забастовку из-за задержки зарплаты на три месяца.\n" * 4,
        "أعلن عمال المصنع إضرابا عن العمل احتجاجا على تأخر صرف الأجور لثلاثة أشهر.\n" * 4,
        "Công nhân nhà máy dệt ngừng việc để phản đối việc chậm trả lương tháng này.\n" * 4,
    ],
    ids=["ru", "ar", "vi"],
)
def test_invalid_utf8_bytes_are_replaced_not_redecoded(
    text: str, tmp_path: Path, settings: Settings
) -> None:
    data = text.encode("utf-8")
    cut = data.index(b"\n") + 1
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:cut] + b"\xff\xfe" + data[cut:])
    doc = _doc(path, settings)
    assert "\ufffd" in doc.text
    assert doc.text.replace("\ufffd", "") == text


@pytest.mark.parametrize(
    ("shown_as", "text"),
    [
        ("sloppy-windows-1252", "Sendika üyeleri işten çıkarmalara karşı eylem yaptı."),
        ("sloppy-windows-1252", "Người lao động đình công đòi tăng lương tối thiểu."),
        ("sloppy-windows-1251", "Профсоюз объявил о начале забастовки."),
        ("cp1256", "اعتصاب کارگران پتروشیمی ادامه دارد"),
        ("cp1256", "النقابة تدعو إلى إضراب عام"),
    ],
    ids=["tr-as-cp1252", "vi-as-cp1252", "ru-as-cp1251", "fa-as-cp1256", "ar-as-cp1256"],
)
def test_mojibake_is_repaired(shown_as: str, text: str, tmp_path: Path, settings: Settings) -> None:
    mojibake = text.encode("utf-8").decode(shown_as)
    assert mojibake != text
    path = tmp_path / "mojibake.txt"
    path.write_text(f"{mojibake}\n{mojibake}\n", encoding="utf-8")
    assert _doc(path, settings).text == f"{text}\n{text}\n"


@pytest.mark.parametrize(
    "text",
    [
        "می\u200cخواهند طبقه\u200cبندی مشاغل اجرا شود؛ کارگران «قراردادی» تجمع کردند.",
        "النقابــة تُطالِب بزيادة الأجور – «بيان» رقم ٣",
        "Người lao động đình công",
        unicodedata.normalize("NFD", "Người lao động đình công"),
        "Genel Merkezi’nde “grev” kararı ﬁrma ＫＥＳＫ",
        "Ｂａｎ ｄｉｒｅｃｔｏｒｓ — «Қызмет» профсоюзы",
    ],
    ids=["fa-zwnj", "ar-tatweel-harakat", "vi-nfc", "vi-nfd", "tr-quotes-width", "kk-mixed"],
)
def test_correct_text_is_not_touched(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")).text == text


def test_empty_file_is_skipped(settings: Settings) -> None:
    skipped = _skip(BROKEN / "empty.txt", settings)
    assert "empty" in skipped.reason
    assert skipped.source == str(BROKEN / "empty.txt")


def test_whitespace_only_file_is_skipped(settings: Settings) -> None:
    assert "whitespace" in _skip(BROKEN / "whitespace_only.txt", settings).reason


def test_binary_file_renamed_txt_is_skipped(settings: Settings) -> None:
    assert "binary" in _skip(BROKEN / "binary_renamed.txt", settings).reason


def test_binary_without_nul_bytes_is_skipped(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 32)) * 40)
    skipped = _skip(path, settings)
    assert "binary" in skipped.reason or "not text" in skipped.reason


def test_unreadable_path_is_skipped(tmp_path: Path, settings: Settings) -> None:
    assert "cannot read" in _skip(tmp_path / "missing.txt", settings).reason


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "Latest news\nHome » Economy » Labour\nDockers strike at the southern port\nBody.\n",
            "Dockers strike at the southern port",
        ),
        (
            "آخر الأخبار\nالرئيسية > أخبار > نقابات\nإضراب عمال الموانئ في الجنوب\nنص.\n",
            "إضراب عمال الموانئ في الجنوب",
        ),
        (
            "14.05.2024 10:30\nВодители автобусов вышли на забастовку\nТекст.\n",
            "Водители автобусов вышли на забастовку",
        ),
        (
            "Thứ Tư, 15/3/2024\nCông nhân may đình công đòi tăng lương\nNội dung.\n",
            "Công nhân may đình công đòi tăng lương",
        ),
        (
            "Son dakika haberleri\nİşçiler fabrika önünde eylem yaptı\nSon dakika haberleri\n"
            "Metin burada.\n",
            "İşçiler fabrika önünde eylem yaptı",
        ),
        (
            "«Қызмет» профсоюзы Шымкентте жиналды\n\n«Қызмет» профсоюзы Шымкентте жиналды\n",
            "«Қызмет» профсоюзы Шымкентте жиналды",
        ),
    ],
    ids=[
        "en-rail-breadcrumb",
        "ar-rail-breadcrumb",
        "ru-dateline",
        "vi-dateline",
        "tr-recurring-rail",
        "kk-repeated-headline",
    ],
)
def test_title_skips_page_furniture(text: str, title: str) -> None:
    assert guess_title(text) == title


@pytest.mark.parametrize(
    "text",
    [
        "A single line of body text that carries no headline at all, only the story.",
        "Short\n12.03.2024\n"
        + "A paragraph that is far too long to be a headline. " * 6
        + "\nMore.",
        "Menu\nHome\n",
    ],
    ids=["single-line", "paragraph-first", "only-furniture"],
)
def test_no_title_when_none_fits(text: str) -> None:
    assert guess_title(text) is None
