"""Normalisation: debris out, content kept, offsets back to the raw text exact."""

from __future__ import annotations

import datetime as dt

import pytest

from laborlens.config import Settings
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.normalise import article_from_raw, normalise
from laborlens.records import Article, RawDocument
from laborlens.resources.patterns import fold_for_matching

CONTEXT = StageContext(settings=Settings())


def _run(text: str, **kwargs: object) -> Article:
    raw = RawDocument(source="t.txt", text=text, **kwargs)  # type: ignore[arg-type]
    return normalise(article_from_raw(raw, "v", "h"), CONTEXT)


def test_offsets_point_back_to_the_same_characters() -> None:
    text = "Başlık satırı burada\r\n\r\nİlk  paragraf\u064b metni ٣ işçi.\nIMG_20240105_101010_1\nSon satır."
    article = _run(text)
    for i, ch in enumerate(article.text):
        if ch == "\n":
            continue
        raw_ch = article.raw_text[article.offset_map.to_raw(i)]
        assert fold_for_matching(raw_ch).translate(str.maketrans("٣", "3")) == fold_for_matching(ch)


@pytest.mark.parametrize(
    "debris",
    [
        "IMG_20230501_131657_927",
        "DSC_0042.jpg",
        "https://example.org/news/123",
        "Home » News » Labour",
        "----------",
    ],
)
def test_language_neutral_debris_is_removed(debris: str) -> None:
    article = _run(
        f"A headline about a strike\n{debris}\nWorkers at the port stopped work on Monday."
    )
    assert debris not in article.text
    assert "Workers at the port stopped work on Monday." in article.text
    assert debris.strip() in article.removed_lines


def test_repeated_headline_kept_once() -> None:
    head = "Nurses in the capital rally for safe staffing levels"
    article = _run(f"{head}\n\n{head}\nThe rally began at noon outside the ministry.")
    assert article.text.count(head) == 1


def test_camera_file_name_gives_a_publication_hint() -> None:
    article = _run("Title of a story here\nIMG_20230501_131657_927\nBody text of the story.")
    assert article.published == dt.date(2023, 5, 1)
    assert article.published_via == "image"


def test_source_date_wins_over_hints() -> None:
    article = _run(
        "Title of a story here\nIMG_20230501_131657_927\nBody.", published=dt.date(2024, 1, 2)
    )
    assert article.published == dt.date(2024, 1, 2)


def test_persian_and_arabic_letters_folded_by_script() -> None:
    persian = _run("كارگران پيمانكار در اعتراض\nمتن خبر درباره كارگران")
    assert "ك" not in persian.text and "ي" not in persian.text
    arabic = _run("العمال في المدينة\nنقابة العمال تطالب بزيادة الأجور في الشركة")
    assert "ی" not in arabic.text


def test_digits_become_ascii() -> None:
    assert "1402" in _run("تاریخ ۱۴۰۲ است\nمتن").text


def test_id_is_stable_and_ignores_debris() -> None:
    body = "Dock workers walked out at dawn.\nThe union said talks had failed."
    a = _run(f"Latest\n{body}")
    b = _run(f"IMG_20240101_000000_1\n{body}\nhttps://example.org/x")
    c = _run(body.replace("dawn", "noon"))
    assert _run(body).id == b.id
    assert a.id != c.id
