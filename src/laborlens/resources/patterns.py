"""The term language of the resource files, compiled to regular expressions.

A *term* is what a linguist writes in a language file:

- ``grev``            the word exactly (``grev`` but not ``grevci``);
- ``grev*``           the stem with any continuation (``grevde``, ``grevciler``);
- ``toplu iş sözleşme*``  several words; any run of spaces, ZWNJ or hyphens between them;
- ``re:<regex>``      a raw Python regular expression over the folded text (no boundaries added).

Every term is matched on the *folded* text (``fold_for_matching``), which has exactly the
length of the original, so a match's offsets are offsets into the article text. The
language's ``word_prefix`` fragment (proclitics such as Arabic و/ال/لل) may precede every
non-raw term, and its ``word_suffix`` (endings such as the Turkish apostrophe suffix or
Arabic case and pronoun endings) may follow every exact word of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from laborlens.errors import ResourceError

# Letters folded to one form so spelling variants match; each maps one char to one char.
_SCRIPT_FOLDS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ۀ": "ه",
        "ة": "ه",
        "ؤ": "و",
        "ё": "е",
        "’": "'",
        "ʼ": "'",
        "‘": "'",
        "`": "'",
        "\u00a0": " ",
        "\u200c": " ",
        "\u200d": " ",
        "\u200f": " ",
        "\u200e": " ",
    }
)

_SEPARATOR = r"[\s\-]+"


def _combining_marks() -> str:
    """Every combining mark (Mn, Mc) of the Basic Multilingual Plane as a class body.

    Python's ``\\w`` leaves them out, so Devanagari, Bengali or Thai words would split at
    every vowel sign; word patterns add this class to ``\\w``.
    """
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.category(chr(code)) in {"Mn", "Mc"}:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


MARKS = _combining_marks()
WORD_CHAR = f"[\\w{MARKS}]"
NOT_WORD_BEFORE = f"(?<!{WORD_CHAR})"
NOT_WORD_AFTER = f"(?!{WORD_CHAR})"


def fold_for_matching(text: str, case_map: Mapping[str, str] | None = None) -> str:
    """Lower-case and fold script variants without changing the length of ``text``."""
    if case_map:
        text = "".join(case_map.get(ch, ch) for ch in text)
    lowered = text.lower()
    if len(lowered) != len(text):
        # A few characters (Turkish İ without a case map) lower to two code points.
        lowered = "".join(ch.lower()[0] for ch in text)
    return lowered.translate(_SCRIPT_FOLDS)


@dataclass(frozen=True, slots=True)
class LexiconHit:
    term: str
    label: str
    start: int
    end: int


def term_to_regex(
    term: str, case_map: Mapping[str, str] | None = None, word_suffix: str = ""
) -> str:
    """Translate one term into a regex body (without the word boundaries).

    ``word_suffix`` may follow every word of the term: in Arabic each word of a phrase
    takes its own endings ("يوم دراسي" / "يوما دراسيا").
    """
    if term.startswith("re:"):
        return term[3:]
    words = fold_for_matching(term.strip(), case_map).split()
    if not words:
        raise ResourceError("empty term")
    parts = []
    for word in words:
        if word.endswith("*") and len(word) > 1:
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word) + word_suffix)
    return _SEPARATOR.join(parts)


_TOKEN = re.compile(f"{WORD_CHAR}+")


class _LastTokens:
    """Every lexicon of an article scans the same folded text: tokenise it once."""

    text: str | None = None
    tokens: list[re.Match[str]] = []  # noqa: RUF012  (replaced, never mutated)

    @classmethod
    def of(cls, folded: str) -> list[re.Match[str]]:
        if cls.text is not folded:
            cls.text, cls.tokens = folded, list(_TOKEN.finditer(folded))
        return cls.tokens


_PLAIN_GAP = re.compile(r"[\s\-]+")
MAX_CLITIC = 4
STEM_KEY = 3  # stems are indexed by their first three letters


@dataclass(frozen=True, slots=True)
class _TermWord:
    text: str
    stem: bool


@dataclass(frozen=True, slots=True)
class _TokenTerm:
    """A term as a sequence of words; ``gaps[i]`` is None for a plain gap (spaces or
    hyphens) or the literal punctuation that must sit between word i and i+1."""

    index: int
    words: tuple[_TermWord, ...]
    gaps: tuple[str | None, ...]
    tail: str


def _token_term(term: str, case_map: Mapping[str, str] | None, index: int) -> _TokenTerm | None:
    """Split a term into words, or None when only a regular expression can express it."""
    folded = fold_for_matching(term.strip(), case_map)
    words: list[_TermWord] = []
    gaps: list[str | None] = []
    pos = 0
    for match in re.finditer(f"{WORD_CHAR}+\\*?", folded):
        gap = folded[pos : match.start()]
        if words:
            gaps.append(None if _PLAIN_GAP.fullmatch(gap) else gap)
        elif gap:
            return None
        text = match.group()
        words.append(_TermWord(text.rstrip("*"), text.endswith("*")))
        pos = match.end()
    tail = folded[pos:]
    if not words or "*" in tail or any(g is not None and g.strip() != g for g in gaps):
        return None
    return _TokenTerm(index, tuple(words), tuple(gaps), tail)


class Lexicon:
    """Many labelled terms, matched word by word through an index of their first words.

    ``finditer`` yields non-overlapping hits, leftmost first and, at one position, the
    longest. Terms that are raw regexes (``re:``), and every term of a language written
    without word boundaries, are matched by one compiled alternation instead.
    """

    def __init__(
        self,
        entries: Sequence[tuple[str, str]],
        *,
        word_prefix: str = "",
        word_suffix: str = "",
        case_map: Mapping[str, str] | None = None,
        name: str = "lexicon",
        word_boundaries: bool = True,
    ) -> None:
        self.name = name
        word_prefix = word_prefix.translate(_SCRIPT_FOLDS)
        word_suffix = word_suffix.translate(_SCRIPT_FOLDS)
        self._prefix = re.compile(word_prefix) if word_prefix else None
        self._suffix = re.compile(word_suffix) if word_suffix else None
        self._labels: list[tuple[str, str]] = []
        self._exact: dict[str, list[_TokenTerm]] = {}
        self._stems: dict[str, list[_TokenTerm]] = {}
        self._raw: set[int] = set()
        alternatives: list[tuple[int, str]] = []
        for term, label in entries:
            try:
                body = term_to_regex(term, case_map, word_suffix)
                re.compile(body)
            except (re.error, ResourceError) as exc:
                raise ResourceError(f"{name}: term {term!r} does not compile: {exc}") from exc
            index = len(self._labels)
            self._labels.append((term, label))
            tokens = (
                _token_term(term, case_map, index)
                if word_boundaries and not term.startswith("re:")
                else None
            )
            if tokens is not None:
                first = tokens.words[0]
                if first.stem:
                    self._stems.setdefault(first.text[:STEM_KEY], []).append(tokens)
                else:
                    self._exact.setdefault(first.text, []).append(tokens)
                continue
            group = f"g{index}"
            self._raw.add(index)
            if term.startswith("re:"):
                piece = f"(?P<{group}>{body})"
            else:
                left, right = (NOT_WORD_BEFORE, NOT_WORD_AFTER) if word_boundaries else ("", "")
                piece = f"{left}{word_prefix}(?P<{group}>{body}){right}"
            alternatives.append((len(body), piece))
        alternatives.sort(key=lambda item: -item[0])
        self._regex = re.compile("|".join(p for _, p in alternatives)) if alternatives else None
        self._initials = {k[:1] for k in self._exact} | {k[:1] for k in self._stems}
        self._last: tuple[str, list[tuple[int, int, int]]] | None = None

    def __len__(self) -> int:
        return len(self._labels)

    def _word_end(self, folded: str, word: _TermWord, start: int, end: int) -> int | None:
        """Where ``word`` ends when it starts at ``start`` inside the token ending at ``end``."""
        if not folded.startswith(word.text, start) or start + len(word.text) > end:
            return None
        if word.stem:
            return end
        stop = start + len(word.text)
        if stop == end:
            if self._suffix is not None:
                more = self._suffix.match(folded, stop)
                if (
                    more
                    and more.end() > stop
                    and (more.end() == len(folded) or not folded[more.end()].isalnum())
                ):
                    return more.end()
            return stop
        if self._suffix is not None:
            more = self._suffix.match(folded, stop, end)
            if more and more.end() == end:
                return end
        return None

    def _match_rest(
        self, folded: str, term: _TokenTerm, tokens: list[re.Match[str]], i: int, end: int
    ) -> int | None:
        """Match the term's later words on the tokens after token ``i``."""
        for word, gap in zip(term.words[1:], term.gaps, strict=True):
            if i + 1 >= len(tokens):
                return None
            nxt = tokens[i + 1]
            between = folded[end : nxt.start()]
            if (gap is None and not _PLAIN_GAP.fullmatch(between)) or (
                gap is not None and between != gap
            ):
                return None
            word_end = self._word_end(folded, word, nxt.start(), nxt.end())
            if word_end is None:
                return None
            i, end = i + 1, word_end
        if term.tail:
            if not folded.startswith(term.tail, end):
                return None
            end += len(term.tail)
        return end

    def _token_hits(self, folded: str) -> list[tuple[int, int, int]]:
        tokens = _LastTokens.of(folded)
        hits: list[tuple[int, int, int]] = []
        initials = self._initials
        for i, token in enumerate(tokens):
            word = token.group()
            if self._prefix is None and word[0] not in initials:
                continue
            offsets = [0]
            if self._prefix is not None:
                offsets += [
                    k
                    for k in range(1, min(MAX_CLITIC, len(word) - 1) + 1)
                    if self._prefix.fullmatch(word, 0, k)
                ]
            best: tuple[int, int, int] | None = None
            for k in offsets:
                rest = word[k:]
                if rest[:1] not in initials:
                    continue
                candidates = list(self._exact.get(rest, ()))
                if self._suffix is not None:
                    for cut in range(1, min(MAX_CLITIC, len(rest) - 1) + 1):
                        candidates += self._exact.get(rest[:-cut], ())
                for length in range(1, min(STEM_KEY, len(rest)) + 1):
                    candidates += self._stems.get(rest[:length], ())
                begin = token.start() + k
                for term in candidates:
                    first_end = self._word_end(folded, term.words[0], begin, token.end())
                    if first_end is None:
                        continue
                    end = self._match_rest(folded, term, tokens, i, first_end)
                    if end is not None and (
                        best is None
                        or end - begin > best[1] - best[0]
                        or (end - begin == best[1] - best[0] and term.index < best[2])
                    ):
                        best = (begin, end, term.index)
            if best is not None:
                hits.append(best)
        return hits

    def _all_hits(self, folded: str) -> list[tuple[int, int, int]]:
        """Non-overlapping hits over the whole text, remembered for the next caller."""
        if self._last is not None and self._last[0] is folded:
            return self._last[1]
        hits = self._token_hits(folded) if (self._exact or self._stems) else []
        if self._regex is not None:
            for match in self._regex.finditer(folded):
                group = match.lastgroup
                if group is not None:
                    hits.append((match.start(group), match.end(group), int(group[1:])))
        # Leftmost, then longest; on a tie a raw regex wins, being the context-aware refinement
        # ("re:نماینده(?=... مجلس)" over the plain "نماینده").
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2] not in self._raw, h[2]))
        kept: list[tuple[int, int, int]] = []
        last_end = -1
        for begin, finish, index in hits:
            if begin < last_end or finish <= begin:
                continue
            last_end = finish
            kept.append((begin, finish, index))
        self._last = (folded, kept)
        return kept

    def finditer(self, folded: str, start: int = 0, end: int | None = None) -> Iterator[LexiconHit]:
        """Hits inside ``[start, end)`` (a hit must lie wholly inside the range)."""
        stop = len(folded) if end is None else end
        for begin, finish, index in self._all_hits(folded):
            if begin < start or finish > stop:
                continue
            term, label = self._labels[index]
            yield LexiconHit(term, label, begin, finish)

    def search(self, folded: str, start: int = 0, end: int | None = None) -> LexiconHit | None:
        return next(self.finditer(folded, start, end), None)
