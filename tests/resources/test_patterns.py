"""The term language: stems, phrases, clitics and folding keep offsets exact."""

from __future__ import annotations

import pytest

from laborlens.resources.patterns import Lexicon, fold_for_matching


@pytest.mark.parametrize(
    "text",
    ["İSTANBUL'DA GREV", "Ѐ ё Ё", "الإتحاد والاتحاد", "کارگر‌ها", "Nghệ An", "ǅ ß ﬁ"],
)
def test_folding_preserves_length(text: str) -> None:
    assert len(fold_for_matching(text)) == len(text)
    assert len(fold_for_matching(text, {"İ": "i", "I": "ı"})) == len(text)


def test_stem_and_phrase_matching() -> None:
    lex = Lexicon(
        [("grev*", "strike"), ("toplu iş sözleşme*", "agreement")], word_suffix="(?:'\\w+)?"
    )
    text = fold_for_matching(
        "İşçiler greve çıktı; toplu  iş sözleşmesi imzalandı. Grev'in sonu.", {"İ": "i"}
    )
    hits = [(h.label, text[h.start : h.end]) for h in lex.finditer(text)]
    assert hits == [("strike", "greve"), ("agreement", "toplu  iş sözleşmesi"), ("strike", "grev")]


def test_exact_word_does_not_match_inside_longer_word() -> None:
    lex = Lexicon([("union", "u")])
    assert list(lex.finditer("reunion unions")) == []
    assert [h.start for h in lex.finditer("the union")] == [4]


def test_arabic_proclitics_and_letter_variants() -> None:
    lex = Lexicon([("اتحاد", "union")], word_prefix="(?:[وفبلك]?(?:ال|لل)?)?")
    text = fold_for_matching("نظم الإتحاد وللاتحاد بياناً")
    spans = [text[h.start : h.end] for h in lex.finditer(text)]
    assert spans == ["اتحاد", "اتحاد"]


def test_longest_alternative_wins() -> None:
    lex = Lexicon([("genel başkan*", "chair"), ("genel başkan yardımcı*", "deputy chair")])
    text = fold_for_matching("genel başkan yardımcısı")
    assert [h.label for h in lex.finditer(text)] == ["deputy chair"]
