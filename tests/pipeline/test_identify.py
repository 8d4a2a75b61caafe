"""Language identification on the seeds and on short texts of our own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.identify import identify_language
from laborlens.records import Article

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
CONTEXT = StageContext(settings=Settings())
GOLD = [
    json.loads(line)
    for line in (SHARED / "gold" / "seeds.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]


@pytest.mark.parametrize("gold", GOLD, ids=[g["id"] for g in GOLD])
def test_seed_languages(gold: dict[str, str]) -> None:
    text = (SHARED / gold["file"]).read_text("utf-8")
    article = identify_language(Article(id="x", source="s", raw_text=text, text=text), CONTEXT)
    assert article.lang == gold["lang"]
    assert article.lang_confidence > 0.5


@pytest.mark.parametrize(
    ("text", "lang", "script"),
    [
        ("Metal işçileri fabrikada greve çıktı ve ücret artışı talep etti.", "tr", "Latn"),
        ("کارگران کارخانه برای دریافت حقوق معوقه تجمع کردند.", "fa", "Arab"),
        ("Рабочие завода объявили забастовку из-за задержки зарплаты.", "ru", "Cyrl"),
        ("نفذ عمال الميناء إضرابا عن العمل للمطالبة بزيادة الأجور.", "ar", "Arab"),
        ("Công nhân nhà máy ngừng việc để đòi tăng lương.", "vi", "Latn"),
        ("Dock workers walked out on Monday demanding higher pay.", "en", "Latn"),
        ("Los trabajadores del metro convocaron una huelga indefinida.", "es", "Latn"),
    ],
)
def test_short_texts(text: str, lang: str, script: str) -> None:
    article = identify_language(Article(id="x", source="s", raw_text=text, text=text), CONTEXT)
    assert (article.lang, article.script) == (lang, script)


def test_stated_language_used_when_text_is_too_short() -> None:
    article = Article(id="x", source="s", raw_text="OK", text="OK", lang="vi")
    assert identify_language(article, CONTEXT).lang == "vi"
