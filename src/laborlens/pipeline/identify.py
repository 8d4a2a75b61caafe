"""Stage 2: language and script, so the right resource file and calendars are used.

pycld2 ships its tables inside the wheel and was the only detector correct on every
short test string in research/LIBRARIES.md (Uzbek and Kazakh included).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import replace

import pycld2

from laborlens.pipeline.context import StageContext
from laborlens.records import Article
from laborlens.resources.schema import load_language

# CLD2 codes that differ from ISO 639-1.
_CLD_TO_ISO = {"iw": "he", "zh-Hant": "zh", "jw": "jv", "tl": "fil", "mo": "ro"}


def _script(text: str) -> str | None:
    counts: Counter[str] = Counter()
    for ch in text[:5000]:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            counts[name.split(" ")[0] if name else "UNKNOWN"] += 1
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    return {
        "LATIN": "Latn",
        "CYRILLIC": "Cyrl",
        "ARABIC": "Arab",
        "CJK": "Hani",
        "DEVANAGARI": "Deva",
        "GREEK": "Grek",
        "HEBREW": "Hebr",
        "HANGUL": "Hang",
        "HIRAGANA": "Jpan",
        "KATAKANA": "Jpan",
        "THAI": "Thai",
        "ARMENIAN": "Armn",
        "GEORGIAN": "Geor",
    }.get(top, top.title())


def identify_language(article: Article, context: StageContext) -> Article:
    """Detect the main language; a source's stated language wins when CLD2 is unsure."""
    text = article.text or article.raw_text
    sample = text[:20000].encode("utf-8", "ignore")
    lang: str | None = None
    confidence = 0.0
    try:
        reliable, _bytes, details = pycld2.detect(sample, bestEffort=True)
    except pycld2.error:
        reliable, details = False, ()
    guesses = [
        (_CLD_TO_ISO.get(code, code.split("-")[0]), percent)
        for _name, code, percent, _score in details
        if code not in {"un", "xx"} and percent > 0
    ]
    if guesses:
        lang, percent = guesses[0]
        confidence = round((percent / 100.0) * (1.0 if reliable else 0.6), 3)
        # Close languages get confused on short texts (Russian read as Serbian or Bulgarian):
        # when the winner has no resource file and a runner-up does, the runner-up is
        # the better bet for extraction.
        if load_language(lang) is None:
            resourced = [(code, pct) for code, pct in guesses[1:] if load_language(code)]
            if resourced:
                lang, percent = resourced[0]
                confidence = round(percent / 100.0 * 0.6, 3)
    if article.lang and (lang is None or confidence < 0.5):
        lang, confidence = article.lang, max(confidence, 0.5)
    return replace(article, lang=lang, lang_confidence=confidence, script=_script(text))
