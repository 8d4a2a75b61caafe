"""Morphological analysis for inflected languages, chosen by ``[language] morphology``.

Names in news appear in oblique cases ("с Председателем ... Анваржоном Абдумухторовым");
the codebook wants them as a reader would look them up, in the nominative. An analyser
also tells verbs apart from the nouns that make up organisation names.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Morphology(Protocol):
    def is_verb(self, word: str) -> bool: ...

    def is_person_name(self, word: str) -> bool: ...

    def is_adjective(self, word: str) -> bool: ...

    def person_to_nominative(self, words: list[str]) -> list[str]: ...

    def phrase_head_to_nominative(self, words: list[str], head: int) -> list[str]: ...


class _Pymorphy:
    """pymorphy3 with its bundled Russian dictionaries (MIT)."""

    def __init__(self) -> None:
        import pymorphy3  # noqa: PLC0415  (loaded only for languages that ask for it)

        self._morph: Any = pymorphy3.MorphAnalyzer(lang="ru")

    def _parses(self, word: str) -> list[Any]:
        return list(self._morph.parse(word))

    def is_verb(self, word: str) -> bool:
        parses = self._parses(word)
        return (
            bool(parses)
            and parses[0].tag.POS in {"VERB", "INFN", "PRTS", "GRND"}
            and parses[0].score > 0.4
        )

    def is_adjective(self, word: str) -> bool:
        parses = self._parses(word)
        return bool(parses) and parses[0].tag.POS in {"ADJF", "PRTF"}

    def is_person_name(self, word: str) -> bool:
        return any(
            {"Name", "Surn", "Patr"} & set(p.tag.grammemes) and p.score > 0.05
            for p in self._parses(word)
        )

    def person_to_nominative(self, words: list[str]) -> list[str]:
        gender = self._gender(words)
        out = []
        for word in words:
            out.append(self._name_nominative(word, gender))
        return out

    def _gender(self, words: list[str]) -> str | None:
        for word in words:
            for p in self._parses(word):
                if (
                    "Name" in p.tag.grammemes
                    and p.tag.gender in {"masc", "femn"}
                    and p.score > 0.05
                ):
                    return str(p.tag.gender)
        return None

    def _name_nominative(self, word: str, gender: str | None) -> str:
        parses = [
            p
            for p in self._parses(word)
            if {"Name", "Surn", "Patr"} & set(p.tag.grammemes) and "sing" in p.tag.grammemes
        ]
        if gender:
            gendered = [
                p for p in parses if p.tag.gender in {gender, None} or "ms-f" in p.tag.grammemes
            ]
            parses = gendered or parses
        if not parses:
            return word
        form = parses[0].inflect({"nomn", "sing"} | ({gender} if gender else set()))
        if form is None:
            form = parses[0].inflect({"nomn"})
        return _match_case(word, form.word) if form is not None else word

    def phrase_head_to_nominative(self, words: list[str], head: int) -> list[str]:
        """Put the head noun and the adjectives before it in the nominative, keep the rest."""
        head_parses = [p for p in self._parses(words[head]) if p.tag.POS == "NOUN"]
        if not head_parses:
            return words
        head_parse = head_parses[0]
        nominative = head_parse.inflect({"nomn", head_parse.tag.number or "sing"})
        if nominative is None:
            return words
        out = list(words)
        out[head] = _match_case(words[head], nominative.word)
        gender = head_parse.tag.gender
        number = head_parse.tag.number or "sing"
        for i in range(head - 1, -1, -1):
            adjectives = [p for p in self._parses(words[i]) if p.tag.POS in {"ADJF", "PRTF"}]
            if not adjectives:
                break
            wanted = {"nomn", number} | ({gender} if gender and number == "sing" else set())
            form = adjectives[0].inflect(wanted)
            if form is None:
                break
            out[i] = _match_case(words[i], form.word)
        return out


def _match_case(original: str, form: str) -> str:
    if original.isupper() and len(original) > 1:
        return form.upper()
    if original[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


BACKENDS = {"pymorphy3": _Pymorphy}


@cache
def load_morphology(name: str | None) -> Morphology | None:
    """The named analyser, or None when the language has none or its package is missing."""
    if not name:
        return None
    factory = BACKENDS.get(name)
    if factory is None:
        log.warning("unknown morphology backend %r; known: %s", name, ", ".join(BACKENDS))
        return None
    try:
        return factory()
    except ImportError as exc:
        log.warning("morphology backend %r unavailable (%s); pip install %s", name, exc, name)
        return None
