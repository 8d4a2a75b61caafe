"""Place names below country level (cities, provinces, districts), resolved offline.

How a toponym is found: word n-grams (up to five words) are looked up in the gazetteer.
In scripts with capitals an n-gram must start and end on a capitalised word (short
lower-case connectors such as "de" may sit inside, an administrative word from the
language file may sit at either end); in scripts without capitals (Arabic, Persian) every
n-gram is tried. Inflected forms are reduced before the lookup: the text after an
apostrophe (Turkish Ankara'da), the language's ``[places] suffixes`` (Russian Ташкента),
clitics matched by the language's ``word_prefix`` (Arabic بالرباط, للرباط), and, for
Cyrillic words, pymorphy3 lemmas with adjectives agreed to their noun (Нижнем Новгороде).

Which hits are kept: a capitalised word that the article also uses in lower case is a
common word; a place word glued to other capitalised words is part of a person's or
organisation's name unless an administrative word stands by it; weak evidence (sentence
start, title-case headline, all capitals, one Arabic-script word) needs a bigger place or
one in a country the article is about. Which place is meant: the highest score over
population, countries named in the article (or the language's default country), countries
of the article's other places, and the administrative word (tỉnh, استان, область) that
decides between a province and its capital city.

Chinese script has no spaces: each run of characters is scanned for the longest gazetteer
name at each character, an address read from the biggest place to the smallest (河南省郑州
市金水区), a sub-place the gazetteer lacks taken from its sub-place word (区, 镇, 街道). In
scripts with capitals, a name right after an administrative word below the province
("Kecamatan Majalaya", "xã Minh Đức", "Stadtteil Urfahr") is a place even when the gazetteer
lacks it, placed in the article's country.

The scan is shared with ``extract_countries`` (it also finds country names); it is cached
per document. Which of the places are where the event happened is decided later, from the
article's structure (``assemble._event_places``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
import weakref
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from laborlens.pipeline.extract.document import ArticleText
from laborlens.records import PlaceMention, Span
from laborlens.resources.gazetteer import (
    CountryName,
    Gazetteer,
    GazetteerEntry,
    folded_key,
    place_key,
)
from laborlens.resources.patterns import Lexicon, fold_for_matching
from laborlens.resources.schema import LanguageResources

logger = logging.getLogger(__name__)

_MAX_TOKENS = 5
_OPENERS = frozenset(':“"«„‘(')
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
# Arabic-script clitics tried when the language has no ``word_prefix`` of its own (and for
# texts in languages without a resource file): conjunctions, prepositions, the article.
_ARABIC_PROCLITICS = "(?:[وف]?(?:[بلک]|ال|لل|بال|کال|فال|وال)?)"
_ARTICLE = "ال"
_CONNECTOR_MAX = 3
_BIG_CITY = 100_000
_HUGE_CITY = 1_000_000
_ALIAS_CITY = 300_000
_LOCAL_CITY = 20_000
_ACRONYM_CITY = 300_000
_UNCASED_NAMED = 100_000
_UNCASED_DOMESTIC = 200_000
_UNCASED_LOCAL = 15_000
_UNCASED_REPEATED = 50_000
_UNCASED_PROVINCE_LETTERS = 5
_LIST_CHARS = 6
_HAN_CITY = 1_000_000
# German capitalises every noun: some 35-40% of the words inside its sentences, against
# 5-20% for languages that capitalise only names.
_NOUN_CASE_SHARE = 0.3
_CASE_SAMPLE = 40
_HAN_LOCAL = 100_000
_HAN_TOWN = 20_000
_NATIVE_ALIAS = 5
_REPEATED = 2
_NATIVE_CITY = 150_000
_ADDRESS_GAP = 40  # characters between a place and the one holding it in an address
_HAN_TOWN_ELSEWHERE = 100_000  # a name right after a city, known only far away: inside it
_NAMED_BOOST = 3.0
_DEFAULT_BOOST = 1.5
_PLACE_VOTE = 0.75
_REGION_VOTE = 0.5
_NAMED_REGION = 2.0


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    text: str
    key: str
    kind: str  # "title", "caps", "lower", "uncased", "other"
    sentence: int
    initial: bool
    admin: str | None = None
    glued: bool = False  # the next token follows after spaces only, in the same sentence


@dataclass(slots=True)
class Hit:
    """A gazetteer hit in the text: the places and/or the country that an n-gram names."""

    start: int
    end: int
    first: int
    last: int  # token range [first, last)
    name: str
    key: str
    method: str  # "exact", "clitic", "suffix", "lemma", "acronym"
    places: tuple[GazetteerEntry, ...]
    country: CountryName | None
    cue: str | None = None
    weak: bool = False
    glued_before: bool = False
    glued_after: bool = False
    uncased: bool = False
    tokens: int = 1
    associative: bool = False
    prev_key: str = ""
    next_key: str = ""
    cue_end: int = -1  # end of an administrative word after the name (-1: none, or before)
    cue_start: int = -1  # start of an administrative word before the name (-1: none, or after)
    han: bool = False  # found by the character scan of Chinese script
    abbreviated: bool = False  # opens with an abbreviation ("St. Gallen")
    in_name: bool = False  # opens a longer name with an administrative word in it ("Ohio
    # State University"): the word is no administrative cue, and the place is glued into a name
    within: bool = False  # written right after the place that holds it (郑州市金水区)


@dataclass(slots=True)
class Scan:
    """Everything the place and country extractors share for one document."""

    hits: list[Hit]
    lowercase_words: frozenset[str]
    title_words: Counter[str]
    country_terms: list[tuple[int, int, str, str]]  # start, end, ISO code, "name"|"demonym"
    nouns_capitalised: bool = False  # most capitalised words inside sentences are not names
    unknown: list[Hit] = field(default_factory=list)  # named by an administrative word only


_SCANS: weakref.WeakKeyDictionary[ArticleText, tuple[int, Scan]] = weakref.WeakKeyDictionary()
_SCANS_LOCK = threading.Lock()


# --------------------------------------------------------------------- morphology


_MORPH: Any = None
_MORPH_LOCK = threading.Lock()


def _morph() -> Any:
    """pymorphy3's Russian analyser, loaded on first Cyrillic lookup (None if missing)."""
    global _MORPH  # noqa: PLW0603  (one analyser per process, built lazily)
    if _MORPH is None:
        with _MORPH_LOCK:
            if _MORPH is None:
                try:
                    import pymorphy3  # noqa: PLC0415

                    _MORPH = pymorphy3.MorphAnalyzer()
                except (ImportError, OSError, ValueError) as exc:
                    logger.info("pymorphy3 unavailable (%s); Cyrillic names not lemmatised", exc)
                    _MORPH = False
    return _MORPH or None


@lru_cache(maxsize=50_000)
def _parses(word: str) -> tuple[tuple[str, str, str | None, str | None], ...]:
    """(normal form, POS, gender, number) of a Cyrillic word, place readings first."""
    morph = _morph()
    if morph is None:
        return ()
    out: list[tuple[int, tuple[str, str, str | None, str | None]]] = []
    for parse in morph.parse(word)[:6]:
        tag = parse.tag
        rank = 0 if "Geox" in tag else (1 if tag.POS == "NOUN" else 2)
        out.append((rank, (parse.normal_form, str(tag.POS), tag.gender, tag.number)))
    out.sort(key=lambda item: item[0])
    return tuple(item[1] for item in out)


@lru_cache(maxsize=20_000)
def _agree(word: str, gender: str | None) -> str | None:
    """Nominative singular of an adjective, agreeing with ``gender`` (Ташкентской → ташкентская)."""
    morph = _morph()
    if morph is None:
        return None
    for parse in morph.parse(word)[:4]:
        if parse.tag.POS in {"ADJF", "PRTF"}:
            wanted = {"nomn", "sing"} | ({gender} if gender else set())
            inflected = parse.inflect(wanted)
            if inflected is not None:
                return str(inflected.word)
    return None


def _lemma_phrases(words: Sequence[str]) -> list[str]:
    """Nominative forms of a Cyrillic n-gram: words up to the first noun are lemmatised
    (adjectives agreeing with it), later words kept ("Республики Узбекистан")."""
    if not words or not all(_CYRILLIC.search(w) for w in words):
        return []
    parsed = [_parses(w) for w in words]
    if not all(parsed):
        return []
    head = next((i for i, p in enumerate(parsed) if p[0][1] == "NOUN"), len(words) - 1)
    gender = parsed[head][0][2]
    out: list[str] = []
    for choice in range(min(2, len(parsed[head]))):
        pieces: list[str] = []
        for i, word in enumerate(words):
            if i < head:
                pieces.append(_agree(word, gender) or parsed[i][0][0])
            elif i == head:
                pieces.append(parsed[i][choice][0])
            else:
                pieces.append(word)
        phrase = place_key(" ".join(pieces))
        if phrase not in out:
            out.append(phrase)
    return out


def _adjectival(name: str) -> bool:
    """Is this Cyrillic word an adjective with no place reading ("Центрального", "Восточная")?
    GeoNames names many city districts after such words."""
    if " " in name or not _CYRILLIC.search(name):
        return False
    parses = _parses(name.lower())
    return bool(parses) and parses[0][1] in {"ADJF", "ADJS", "PRTF"}


def _adjective_stem(word: str) -> str | None:
    """The place noun under a place adjective (ташкентской → ташкент), for "X-ская область"."""
    for normal, pos, _gender, _number in _parses(word):
        if pos == "ADJF" and normal.endswith("ский") and len(normal) > 6:
            return normal[:-4]
    return None


# --------------------------------------------------------------------- tokens


def _kind(text: str) -> str:
    for ch in text:
        if ch.isalpha():
            break
    else:
        return "other"
    if ch.lower() == ch.upper():
        return "uncased"
    if ch.islower():
        return "lower"
    if text.isupper() and sum(c.isalpha() for c in text) > 1:
        return "caps"
    return "title"


def _tokens(doc: ArticleText) -> list[_Tok]:
    text, folded = doc.text, doc.folded
    normal = unicodedata.is_normalized("NFC", text)
    sentences = doc.sentences
    toks: list[_Tok] = []
    s = 0
    last_sentence = -1
    for token in doc.tokens:
        while s + 1 < len(sentences) and sentences[s + 1][0] <= token.start:
            s += 1
        kind = _kind(token.text)
        if kind == "other":
            key = ""
        elif normal:
            key = folded_key(folded[token.start : token.end])
        else:
            key = place_key(token.text, doc.resources.case_map if doc.resources else None)
        toks.append(_Tok(token.start, token.end, token.text, key, kind, s, s != last_sentence))
        last_sentence = s
    for a, b in pairwise(toks):
        if a.sentence == b.sentence:
            gap = text[a.end : b.start]
            a.glued = gap == " " or (gap.isspace() and "\n" not in gap) or _abbreviated(a, gap)
            if not a.glued and _OPENERS.intersection(gap):
                b.initial = True  # capitalised after a colon or an opening quote
    _mark_title(doc, toks)
    return toks


def _abbreviated(tok: _Tok, gap: str) -> bool:
    """A short capitalised abbreviation opening a name ("St. Gallen", "Ft. Worth", "Mt.
    Kenya") is glued to the next word by its full stop."""
    return gap == ". " and len(tok.text) <= 3 and tok.text.isalpha() and tok.text[0].isupper()


def _mark_title(doc: ArticleText, toks: list[_Tok]) -> None:
    """A headline In Title Case gives no evidence that a capitalised word is a name."""
    if doc.title_end <= 0:
        return
    head = [t for t in toks if t.end <= doc.title_end and t.kind in {"title", "caps", "lower"}]
    if len(head) >= 3 and sum(t.kind != "lower" for t in head) >= 0.6 * len(head):
        for t in head:
            t.initial = True


# --------------------------------------------------------------------- resource terms


@dataclass(frozen=True, slots=True)
class _Term:
    words: tuple[tuple[str, bool], ...]  # (key, is a stem)
    label: str
    dot: bool  # written with a final full stop ("г.", "обл."): the text must have it too
    dotted: bool  # written with inner full stops ("u.s."): its words may be joined by one


class _Terms:
    """A ``[places]`` or ``[events]`` table matched word by word over token keys.

    Same term language as ``Lexicon`` (word, stem*, several words, re:), but a dictionary
    lookup per word instead of one large regular expression over the whole article, which
    is what keeps place extraction within a few milliseconds.
    """

    def __init__(self, entries: Iterable[tuple[str, str]], res: LanguageResources) -> None:
        self.exact: dict[str, list[_Term]] = defaultdict(list)
        self.stems: dict[str, list[_Term]] = defaultdict(list)
        raw: list[tuple[str, str]] = []
        for term, label in entries:
            if term.startswith("re:"):
                raw.append((term, label))
                continue
            written = term.strip()
            words: list[tuple[str, bool]] = []
            for word in fold_for_matching(written, res.case_map).split():
                stem = word.endswith("*") and len(word) > 1
                parts = folded_key(word.rstrip("*")).split()
                words += [(part, stem and n == len(parts) - 1) for n, part in enumerate(parts)]
            if not words:
                continue
            entry = _Term(tuple(words), str(label), written.endswith("."), "." in written[:-1])
            first, stem = words[0]
            (self.stems if stem else self.exact)[first].append(entry)
        lengths: dict[str, set[int]] = defaultdict(set)
        for opening in self.stems:
            lengths[opening[:1]].add(len(opening))
        self.stem_lengths = {initial: sorted(sizes) for initial, sizes in lengths.items()}
        self.regex = (
            Lexicon(
                raw, word_prefix=res.word_prefix, word_suffix=res.word_suffix, case_map=res.case_map
            )
            if raw
            else None
        )
        self.prefix = re.compile(res.word_prefix) if res.word_prefix else None

    def __bool__(self) -> bool:
        return bool(self.exact or self.stems or self.regex)

    def _firsts(self, word: str) -> Iterable[_Term]:
        yield from self.exact.get(word, ())
        for length in self.stem_lengths.get(word[:1], ()):
            if length > len(word):
                break
            yield from self.stems.get(word[:length], ())


@dataclass(frozen=True, slots=True)
class _TermHit:
    start: int
    end: int
    label: str
    first: int  # token range [first, last)
    last: int
    next_word: int = 0


class _DocWords:
    """The words of a document (token keys split at spaces), each with its token and offsets."""

    def __init__(self, doc: ArticleText, toks: list[_Tok]) -> None:
        self.doc = doc
        self.toks = toks
        self.words: list[str] = []
        self.owners: list[int] = []
        self.bounds: list[tuple[int, int]] = []
        self.first_word: list[int] = []
        self._form_cache: dict[int, list[tuple[str, int]]] = {}
        folded = doc.folded
        for k, tok in enumerate(toks):
            self.first_word.append(len(self.words))
            parts = tok.key.split()
            if len(parts) == 1 and len(tok.key) == tok.end - tok.start:
                self.words.append(tok.key)
                self.owners.append(k)
                self.bounds.append((tok.start, tok.end))
                continue
            written = folded[tok.start : tok.end]
            pos = 0
            for part in parts:
                at = written.find(part, pos)
                if at < 0:
                    self.bounds.append((tok.start, tok.end))
                else:
                    self.bounds.append((tok.start + at, tok.start + at + len(part)))
                    pos = at + len(part)
                self.words.append(part)
                self.owners.append(k)

    def _joined(self, term: _Term, w: int) -> bool:
        """Are words ``w`` and ``w + 1`` adjacent in the text (same token, or glued tokens)?"""
        prev, cur = self.owners[w], self.owners[w + 1]
        if prev == cur or self.toks[prev].glued:
            return True
        if term.dotted and self.toks[prev].sentence == self.toks[cur].sentence:
            return self.doc.text[self.toks[prev].end : self.toks[cur].start] in {".", ". "}
        return False

    def _rest(self, term: _Term, w: int) -> bool:
        words = self.words
        if w + len(term.words) > len(words):
            return False
        for n, (key, stem) in enumerate(term.words[1:], start=1):
            word = words[w + n]
            if not self._joined(term, w + n - 1):
                return False
            if n == len(term.words) - 1 and "'" in word and not stem:
                word = word.split("'", 1)[0]
            if not (word.startswith(key) if stem else word == key):
                return False
        return True

    def _forms(self, w: int, prefix: re.Pattern[str] | None) -> list[tuple[str, int]]:
        """The word and its forms without an apostrophe suffix or a proclitic (cached)."""
        got = self._form_cache.get(w)
        if got is not None:
            return got
        word = self.words[w]
        forms = [(word, 0)]
        if "'" in word:
            forms.append((word.split("'", 1)[0], 0))
        if prefix is not None:
            for cut in range(1, min(4, len(word) - 2) + 1):
                if prefix.fullmatch(word[:cut]):
                    forms.append((word[cut:], cut))
        self._form_cache[w] = forms
        return forms

    def match_at(self, terms: _Terms, w: int) -> _TermHit | None:
        """The longest term starting at word ``w``."""
        best: tuple[_Term, int] | None = None
        for form, cut in self._forms(w, terms.prefix):
            for term in terms._firsts(form):
                size = len(term.words)
                if best is not None and size <= len(best[0].words):
                    continue
                if size > 1 and not self._rest(term, w):
                    continue
                if size == 1 and not term.words[0][1] and form != term.words[0][0]:
                    continue
                if term.dot:
                    end = self.toks[self.owners[w + size - 1]].end
                    if self.doc.text[end : end + 1] != ".":
                        continue
                best = (term, cut)
        if best is None:
            return None
        term, cut = best
        last = w + len(term.words) - 1
        start = self.bounds[w][0] + cut
        end = self.bounds[last][1]
        last_word = self.words[last]
        if "'" in last_word and "'" not in term.words[-1][0]:
            end = self.bounds[last][0] + last_word.index("'")
        if term.dot and self.doc.text[end : end + 1] == ".":
            end += 1
        return _TermHit(start, end, term.label, self.owners[w], self.owners[last] + 1, last + 1)

    def finditer(self, terms: _Terms) -> Iterable[_TermHit]:
        """Every hit of ``terms``, left to right, without overlaps."""
        w = 0
        while w < len(self.words):
            got = self.match_at(terms, w)
            if got is None:
                w += 1
                continue
            yield got
            w = got.next_word
        if terms.regex is not None:
            for hit in terms.regex.finditer(self.doc.folded):
                yield _TermHit(hit.start, hit.end, hit.label, -1, -1)

    def at_token(self, terms: _Terms, k: int) -> _TermHit | None:
        """A term starting at token ``k``."""
        if k >= len(self.toks) or not self.toks[k].key:
            return None
        return self.match_at(terms, self.first_word[k])


_TABLES: dict[int, tuple[LanguageResources, dict[str, _Terms]]] = {}
_TABLES_LOCK = threading.Lock()


def _tables(res: LanguageResources) -> dict[str, _Terms]:
    """The language's place tables compiled for word matching, once per resources object."""
    got = _TABLES.get(id(res))
    if got is not None and got[0] is res:
        return got[1]
    places = res.raw.get("places", {}) if isinstance(res.raw.get("places"), dict) else {}
    events = res.raw.get("events", {}) if isinstance(res.raw.get("events"), dict) else {}
    tables = {
        "admin": _Terms(dict(places.get("admin_words", {})).items(), res),
        "demonym": _Terms(dict(places.get("demonyms", {})).items(), res),
        "name": _Terms(dict(places.get("countries", {})).items(), res),
        "agreement": _Terms(((t, "agreement") for t in events.get("agreement", [])), res),
    }
    with _TABLES_LOCK:
        _TABLES[id(res)] = (res, tables)
    return tables


def _admin_words(words: _DocWords, tables: dict[str, _Terms]) -> list[tuple[int, int, str]]:
    hits: list[tuple[int, int, str]] = []
    terms = tables.get("admin")
    if not terms:
        return hits
    toks = words.toks
    for hit in words.finditer(terms):
        hits.append((hit.start, hit.end, hit.label))
        for k in range(max(hit.first, 0), hit.last):
            toks[k].admin = hit.label
    hits.sort()
    return hits


def _suffix_key(suffix: str) -> str:
    """A ``[places] suffixes`` entry in the form of token keys (apostrophes kept)."""
    return place_key("x" + suffix)[1:]


class _Forms:
    """Lookup forms of single tokens, computed once per token."""

    def __init__(self, doc: ArticleText, toks: list[_Tok]) -> None:
        res = doc.resources
        self.toks = toks
        self.text = doc.text
        self.suffixes = tuple(_suffix_key(s) for s in res.place_suffixes) if res else ()
        # A language file's word_prefix, even empty, is the language's own rule; the
        # Arabic-script default serves texts in languages without a file.
        prefix = res.word_prefix if res is not None else _ARABIC_PROCLITICS
        self.prefix = re.compile(prefix) if prefix else None
        self._heads: dict[int, list[tuple[str, int, str]]] = {}
        self._tails: dict[int, list[tuple[str, int, str]]] = {}

    def heads(self, i: int) -> list[tuple[str, int, str]]:
        """(key, characters cut at the start, surface name) with clitics removed."""
        got = self._heads.get(i)
        if got is not None:
            return got
        tok = self.toks[i]
        out: list[tuple[str, int, str]] = []
        if "'" in tok.key:
            after = tok.key.rsplit("'", 1)[1]
            cut = tok.text.replace("’", "'").rfind("'") + 1
            if len(after) >= 3 and tok.text[cut : cut + 1].isupper():
                out.append((after, cut, tok.text[cut:]))
        regex = self.prefix
        if (
            regex is not None
            and tok.kind == "uncased"
            and len(tok.key) == len(tok.text)
            and _ARABIC.match(tok.key)
        ):
            for cut in range(1, min(4, len(tok.key) - 2) + 1):
                if regex.fullmatch(tok.key[:cut]):
                    rest = tok.key[cut:]
                    out.append((rest, cut, tok.text[cut:]))
                    if tok.key[cut - 1] == "ل" and not rest.startswith(_ARTICLE):
                        out.append((_ARTICLE + rest, cut, _ARTICLE + tok.text[cut:]))
        self._heads[i] = out
        return out

    def tails(self, i: int) -> list[tuple[str, int, str]]:
        """(key, characters cut at the end, surface name) without endings."""
        got = self._tails.get(i)
        if got is not None:
            return got
        tok = self.toks[i]
        out: list[tuple[str, int, str]] = []
        if "'" in tok.key:
            before = tok.key.split("'", 1)[0]
            cut = len(tok.text) - tok.text.replace("’", "'").find("'")
            if len(before) >= 2:
                out.append((before, cut, tok.text[: len(tok.text) - cut]))
        for suffix in self.suffixes:
            if tok.key.endswith(suffix) and len(tok.key) - len(suffix) >= 3:
                out.append((tok.key[: -len(suffix)], len(suffix), tok.text[: -len(suffix)]))
        self._tails[i] = out
        return out


def _opens_name(gaz: Gazetteer, forms: _Forms, i: int) -> bool:
    """Can a multi-word name start at token ``i``? (Cyrillic words are not pruned: their
    lemma, not their written form, opens the name.)"""
    tok = forms.toks[i]
    first = tok.key.split(" ", 1)[0]
    if gaz.opens_name(first) or _CYRILLIC.match(first):
        return True
    return any(gaz.opens_name(key.split(" ", 1)[0]) for key, _cut, _name in forms.heads(i))


def _name_token(tok: _Tok) -> bool:
    return tok.kind in {"title", "caps", "uncased"}


def _span_ok(toks: list[_Tok], i: int, j: int) -> bool:
    """Can tokens [i, j) form a toponym in a script with capitals?"""
    first, last = toks[i], toks[j - 1]
    if not (_name_token(first) or (first.admin and j - i > 1)):
        return False
    if not (_name_token(last) or (last.admin and j - i > 1)):
        return False
    connectors = 0
    for k in range(i + 1, j - 1):
        tok = toks[k]
        if not _name_token(tok) and not tok.admin:
            if tok.kind != "lower" or len(tok.text) > _CONNECTOR_MAX:
                return False
            connectors += 1
    return connectors <= 2 and all(toks[k].glued for k in range(i, j - 1))


def _lookup(
    gaz: Gazetteer, forms: _Forms, i: int, j: int
) -> tuple[str, str, int, int, str, tuple[GazetteerEntry, ...], CountryName | None] | None:
    """The first form of tokens [i, j) that the gazetteer knows: (key, method, start, end,
    name as written, places, country)."""
    toks = forms.toks
    keys = [t.key for t in toks[i:j]]
    words = [t.text for t in toks[i:j]]
    start, end = toks[i].start, toks[j - 1].end
    candidates: list[tuple[str, str, int, int, str]] = [
        (" ".join(keys), "exact", start, end, " ".join(words))
    ]
    for key, cut, name in forms.heads(i):
        candidates.append(
            (" ".join([key, *keys[1:]]), "clitic", start + cut, end, " ".join([name, *words[1:]]))
        )
    for key, cut, name in forms.tails(j - 1):
        apostrophe = "'" in toks[j - 1].key
        candidates.append(
            (
                " ".join([*keys[:-1], key]),
                "clitic" if apostrophe else "suffix",
                start,
                end - cut if apostrophe else end,
                " ".join([*words[:-1], name]),
            )
        )
    for key, method, s, e, name in candidates:
        got = gaz.lookup(key)
        if got is not None:
            places, country = got
            if method == "exact" and j - i > 1:
                written = _written(forms.text, toks, i, j)
            else:
                written = _without_admin(toks, i, j, name)
            return key, method, s, e, written, places, country
    if _CYRILLIC.search(candidates[0][0]):
        for phrase in _lemma_phrases(keys):
            got = gaz.lookup(phrase)
            if got is not None:
                return phrase, "lemma", start, end, _title(phrase), got[0], got[1]
    return None


def _without_admin(toks: list[_Tok], i: int, j: int, name: str) -> str:
    """The name without the administrative words that open or close it (استان قزوین → قزوین)."""
    words = name.split(" ")
    if len(words) != j - i:
        return name
    lo, hi = 0, len(words)
    while lo < hi - 1 and toks[i + lo].admin:
        lo += 1
    while hi - 1 > lo and toks[i + hi - 1].admin:
        hi -= 1
    return " ".join(words[lo:hi])


def _written(text: str, toks: list[_Tok], i: int, j: int) -> str:
    """Tokens [i, j) as written ("St. Gallen"), without the administrative words that open
    or close them."""
    lo, hi = i, j
    while lo < hi - 1 and toks[lo].admin:
        lo += 1
    while hi - 1 > lo and toks[hi - 1].admin:
        hi -= 1
    return text[toks[lo].start : toks[hi - 1].end]


def _title(phrase: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in phrase.split())


def _cue_before(
    doc: ArticleText, admin: list[tuple[int, int, str]], start: int
) -> tuple[str, int] | None:
    """The administrative word right before a name, and where that word starts."""
    for a_start, a_end, label in admin:
        if a_end <= start and start - a_end <= 2 and not doc.text[a_end:start].strip():
            return label, a_start
        if a_start >= start:
            break
    return None


def _cue_after(
    doc: ArticleText, admin: list[tuple[int, int, str]], end: int
) -> tuple[str, int] | None:
    """The administrative word right after a name, and where that word ends."""
    for a_start, a_end, label in admin:
        if a_start >= end:
            if a_start - end <= 2 and not doc.text[end:a_start].strip():
                return label, a_end
            break
    return None


def _head_final(doc: ArticleText) -> bool:
    """Does the language put the administrative word after the name ("Esenyurt ilçesi",
    "Central Province") rather than before it ("tỉnh Long An", "شهر تهران")? The order of
    its organisation names ([organisations] head_position) tells."""
    res = doc.resources
    return res is not None and res.org_head_position == "final"


def _drop_borrowed_cues(doc: ArticleText, hits: list[Hit]) -> None:
    """An administrative word between two names belongs to one of them. Where the language
    puts it before the name, in "با شهر تهران" (with the city of Tehran) شهر is Tehran's cue,
    not با's; where it puts it after, in "Şehitkamil ilçesindeki Karataş garajında" ilçe is
    Şehitkamil's, not Karataş's."""
    if _head_final(doc):
        for before, hit in pairwise(hits):
            if hit.cue_start < 0 or before.end > hit.cue_start:
                continue
            gap = doc.text[before.end : hit.cue_start]
            if len(gap) <= 2 and not gap.strip():
                if before.cue is None:
                    before.cue, before.cue_end = hit.cue, hit.cue_start
                hit.cue, hit.cue_start = None, -1
        return
    starts = [h.start for h in hits]
    for hit in hits:
        if hit.cue_end < 0:
            continue
        k = bisect_left(starts, hit.cue_end)
        gap = doc.text[hit.cue_end : hits[k].start] if k < len(hits) else "x"
        if len(gap) <= 2 and not gap.strip():
            hit.cue = None


def _opens_into_name(toks: list[_Tok], end: int) -> bool:
    """Is the administrative word ending at ``end`` capitalised and glued to a capitalised
    word after it, as part of a longer name ("Western State Hospital"; not "Şehitkamil
    ilçesindeki Karataş garajında")?"""
    k = bisect_left([t.end for t in toks], end)
    if k + 1 >= len(toks) or toks[k].end != end or not toks[k].glued:
        return False
    if toks[k].kind not in {"title", "caps"}:
        return False
    after = toks[k + 1]
    return after.kind in {"title", "caps"} and not after.admin


def _closes_name(toks: list[_Tok], start: int) -> bool:
    """Does the administrative word starting at ``start`` follow a capitalised word glued to
    it, as the head of that name ("Gwinnett County", "Şehitkamil ilçesi")?"""
    k = bisect_left([t.start for t in toks], start)
    if k == 0 or k >= len(toks) or toks[k].start != start:
        return False
    before = toks[k - 1]
    return before.glued and before.kind in {"title", "caps"} and not before.admin


def _chain_names(toks: list[_Tok], hits: list[Hit]) -> None:
    """A place glued after another place that carries its own case ending ("İstanbul'un
    Esenyurt ilçesi") is not glued into a person's or organisation's name by it; two bare
    names in a row ("Rosa Elena", "Helena Ventura") may well be a person, and a word glued
    after a name of several words continues that name ("Gwinnett County Police")."""
    for before, hit in pairwise(hits):
        if hit.han or before.last != hit.first or not toks[before.last - 1].glued:
            continue
        if before.method in {"clitic", "suffix", "lemma"} and before.cue is None:
            hit.glued_before, hit.prev_key = False, ""
            before.glued_after, before.next_key = False, ""
        elif before.tokens > 1 and not hit.uncased:
            hit.glued_before = True  # "Gwinnett County Police": the name goes on


# --------------------------------------------------------------------- the scan


def scan_toponyms(doc: ArticleText, gazetteer: Gazetteer) -> Scan:
    """Every gazetteer hit (place or country name) in ``doc``; cached per document."""
    with _SCANS_LOCK:
        cached = _SCANS.get(doc)
    if cached is not None and cached[0] == id(gazetteer):
        return cached[1]
    scan = _scan(doc, gazetteer)
    with _SCANS_LOCK:
        _SCANS[doc] = (id(gazetteer), scan)
    return scan


def _scan(doc: ArticleText, gaz: Gazetteer) -> Scan:
    toks = _tokens(doc)
    tables = _tables(doc.resources) if doc.resources is not None else {}
    words = _DocWords(doc, toks)
    admin = _admin_words(words, tables)
    forms = _Forms(doc, toks)
    lowercase = frozenset(t.key for t in toks if t.kind == "lower")
    inside = [t.kind == "title" for t in toks if t.kind in {"title", "lower"} and not t.initial]
    capitalised = len(inside) >= _CASE_SAMPLE and sum(inside) >= _NOUN_CASE_SHARE * len(inside)
    hits: list[Hit] = []
    n = len(toks)
    # How many tokens from each one on are glued together (run) and have no capitals.
    glued_run = [0] * (n + 1)
    uncased_run = [0] * (n + 1)
    for k in range(n - 1, -1, -1):
        glued_run[k] = glued_run[k + 1] + 1 if toks[k].glued else 0
        uncased_run[k] = uncased_run[k + 1] + 1 if toks[k].kind == "uncased" else 0
    i = 0
    han_admin = _han_admin_words(doc.resources)
    while i < n:
        tok = toks[i]
        if tok.kind == "other" or (tok.kind == "lower" and not tok.admin) or len(tok.key) < 2:
            i += 1
            continue
        if tok.kind == "uncased" and _HAN.search(tok.text):
            hits += _han_hits(doc, gaz, i, tok, han_admin)
            i += 1
            continue
        found = None
        if tok.kind == "caps":
            found = _acronym(gaz, tok, i)
        longest = min(_MAX_TOKENS, n - i, glued_run[i] + 1)
        if tok.kind == "uncased":
            longest = min(longest, uncased_run[i])
        if longest > 1 and not _opens_name(gaz, forms, i):
            longest = 1
        for size in range(longest, 0, -1) if found is None else ():
            j = i + size
            if tok.kind != "uncased" and not _span_ok(toks, i, j):
                continue
            if tok.admin and all(toks[k].admin for k in range(i, j)):
                continue
            got = _lookup(gaz, forms, i, j)
            if got is not None:
                key, method, s, e, name, places, country = got
                found = Hit(s, e, i, j, name, key, method, places, country, tokens=size)
                found.abbreviated = size > 1 and doc.text[tok.end : tok.end + 1] == "."
                break
        if found is None:
            i += 1
            continue
        _describe(
            doc,
            gaz,
            toks=toks,
            admin=admin,
            hit=found,
            lowercase=lowercase,
            nouns_capitalised=capitalised,
        )
        found.associative = bool(found.places) and _associative(words, tables, found)
        hits.append(found)
        i = found.last
    _adjective_places(doc, gaz, toks=toks, admin=admin, hits=hits, lowercase=lowercase)
    _drop_borrowed_cues(doc, hits)
    _chain_names(toks, hits)
    title_words = Counter(t.key for t in toks if t.kind == "title")
    unknown = _unknown_places(doc, toks, admin, hits, capitalised=capitalised)
    terms = _country_terms(doc, words, tables)
    return Scan(hits, lowercase, title_words, terms, capitalised, unknown)


def _unknown_places(
    doc: ArticleText,
    toks: list[_Tok],
    admin: list[tuple[int, int, str]],
    hits: list[Hit],
    *,
    capitalised: bool,
) -> list[Hit]:
    """Places the gazetteer lacks, named right after an administrative word below the
    province ("Kecamatan Majalaya", "KCN Tràng Duệ", "xã Minh Đức", "Stadtteil Urfahr",
    "municipio de Múzquiz"). Where the language puts its administrative words after names
    (English "Wigan Council"), a capitalised one before a name opens an organisation's name
    ("City Hall", "District Court"): there only a lower-case one counts, or any in a text
    that capitalises all its nouns."""
    if not admin or not toks or toks[0].kind == "uncased" or doc.resources is None:
        return []
    stops = doc.resources.place_stop_words
    final = _head_final(doc)
    starts = [t.start for t in toks]
    taken = [(h.start, h.end) for h in hits]
    out: list[Hit] = []
    for a_start, a_end, label in admin:
        if label not in _SUB_PLACES | {"region"}:
            continue
        k = bisect_left(starts, a_end)
        if k >= len(toks) or k == 0 or not toks[k - 1].glued or toks[k - 1].end > a_end:
            continue  # the name must follow in the same sentence, after spaces only
        word = doc.text[a_start:a_end]
        if final and not capitalised and not word[:1].islower():
            continue
        last = k
        while (
            last < len(toks)
            and last - k < 3
            and toks[last].kind in {"title", "caps"}
            and not toks[last].admin
            and toks[last].sentence == toks[k].sentence
            and (last == k or toks[last - 1].glued)
        ):
            last += 1
        if last == k or toks[k].key in stops or toks[k].text.casefold() in stops:
            continue
        start, end = toks[k].start, toks[last - 1].end
        if any(s < end and start < e for s, e in taken):
            continue
        name = doc.text[start:end]
        hit = Hit(start, end, k, last, name, place_key(name), "unknown", (), None)
        hit.cue, hit.cue_start, hit.tokens = (
            "admin2" if label == "admin2" else "city",
            a_start,
            last - k,
        )
        out.append(hit)
    return out


def _country_terms(
    doc: ArticleText, words: _DocWords, tables: dict[str, _Terms]
) -> list[tuple[int, int, str, str]]:
    """Hits of the language's ``[places] countries`` and ``demonyms`` tables. A script written
    without spaces (word_boundaries = false) has no words to look up one by one: its
    lexicons are matched anywhere in the text."""
    res = doc.resources
    if res is not None and not res.raw.get("language", {}).get("word_boundaries", True):
        lexicons = (("name", res.country_names), ("demonym", res.demonyms))
        return sorted(
            (hit.start, hit.end, hit.label, kind)
            for kind, lexicon in lexicons
            for hit in lexicon.finditer(doc.folded)
        )
    return [
        (hit.start, hit.end, hit.label, kind)
        for kind in ("name", "demonym")
        if tables.get(kind)
        for hit in words.finditer(tables[kind])
    ]


# --------------------------------------------------------------------- Chinese script

_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN_LONGEST = 8
_HAN_UNKNOWN = 4  # characters of a sub-place the gazetteer lacks (金水 in 郑州市金水区)
_SUB_PLACES = frozenset({"admin2", "city"})


def _han_admin_words(res: LanguageResources | None) -> dict[str, str]:
    """The language's administrative words written in Chinese script (省, 市, 区, 街道)."""
    if res is None:
        return {}
    places = res.raw.get("places", {})
    table = places.get("admin_words", {}) if isinstance(places, dict) else {}
    return {
        str(term): str(label) for term, label in dict(table).items() if _HAN.fullmatch(str(term))
    }


def _han_cue(text: str, at: int, admin: dict[str, str]) -> tuple[str, str] | None:
    """The longest administrative word starting at ``at``: (word, label)."""
    for size in range(min(7, len(text) - at), 0, -1):
        word = text[at : at + size]
        label = admin.get(word)
        if label is not None:
            return word, label
    return None


def _han_hits(
    doc: ArticleText, gaz: Gazetteer, k: int, tok: _Tok, admin: dict[str, str]
) -> list[Hit]:
    """Place and country names in a run of Chinese characters, which has no spaces to split
    it into words: the longest gazetteer name at each character, left to right (forward
    maximum matching). An address runs from the biggest place to the smallest (河南省郑州市
    金水区): a name written right after a place, with a sub-place word (区, 县, 镇, 街道),
    is inside that place, even when the gazetteer knows the name only from elsewhere or not
    at all."""
    text = doc.text
    res = doc.resources
    stop_chars = frozenset(w for w in res.place_stop_words if len(w) == 1) if res else frozenset()
    out: list[Hit] = []
    for run in _HAN.finditer(text, tok.start, tok.end):
        p, end = run.start(), run.end()
        parent: Hit | None = None
        parent_stop = -1  # where the parent's name and administrative word end
        while p < end:
            container = parent if parent is not None and parent_stop == p else None
            hit = _han_name(text, gaz, p, end, k)
            if hit is None and container is not None:
                hit = _han_unknown(
                    text, p, end, k, admin=admin, parent=container, stop_chars=stop_chars
                )
            if hit is None:
                p += 1
                continue
            stop = hit.end
            own = None if hit.within else _han_own_cue(hit.key, admin)
            cue = None if own is not None else _han_cue(text, hit.end, admin)
            if cue is not None and not hit.within:
                # The administrative word is written as part of the name (石川縣, 郑州市).
                hit.cue = cue[1]
                stop += len(cue[0])
                hit.end, hit.name = stop, text[hit.start : stop]
            elif own is not None:
                hit.cue = own
            if container is not None and hit.places and not hit.within:
                _narrow_within(hit, container)
            out.append(hit)
            parent, parent_stop = (hit, stop) if hit.places else (None, -1)
            p = stop
    return out


def _han_own_cue(key: str, admin: dict[str, str]) -> str | None:
    """The label of an administrative word that ends the name itself (长安镇, 郑州市)."""
    for size in range(min(7, len(key) - 2), 0, -1):
        label = admin.get(key[-size:])
        if label is not None:
            return label
    return None


def _han_name(text: str, gaz: Gazetteer, p: int, end: int, k: int) -> Hit | None:
    """The longest gazetteer name (two characters or more) starting at ``p``."""
    for size in range(min(_HAN_LONGEST, end - p), 1, -1):
        key = text[p : p + size]
        got = gaz.lookup(key)
        if got is None or not (got[0] or got[1]):
            continue
        return Hit(p, p + size, k, k + 1, key, key, "exact", got[0], got[1], uncased=True, han=True)
    return None


def _han_unknown(
    text: str,
    p: int,
    end: int,
    k: int,
    *,
    admin: dict[str, str],
    parent: Hit,
    stop_chars: frozenset[str],
) -> Hit | None:
    """A sub-place the gazetteer lacks, right after the place holding it: one to four
    characters and a sub-place word (金水区, 民治街道), named with that word. Characters that
    the language file lists as place stop words on their own (的, 一) are never in one."""
    anchor = parent.places[0]
    for size in range(1, min(_HAN_UNKNOWN, end - p - 1) + 1):
        cue = _han_cue(text, p + size, admin)
        if cue is None or cue[1] not in _SUB_PLACES:
            continue
        if any(ch in stop_chars for ch in text[p : p + size]):
            return None  # 巴拉那州的一个市: a phrase, not a name
        name = text[p : p + size + len(cue[0])]
        entry = GazetteerEntry(
            0,
            text[p : p + size],
            "",
            anchor.country,
            anchor.admin1,
            anchor.admin_code,
            anchor.lat,
            anchor.lon,
            0,
            "admin2" if cue[1] == "admin2" else "city",
        )
        hit = Hit(p, p + len(name), k, k + 1, name, name, "exact", (entry,), None)
        hit.uncased, hit.han, hit.within, hit.cue = True, True, True, entry.feature
        return hit
    return None


def _narrow_within(hit: Hit, parent: Hit) -> None:
    """A known name right after its container: keep the readings inside the container; a
    sub-place word with none inside (龙华区 after 深圳, where GeoNames knows only another
    Longhua) makes it a sub-place of the container the gazetteer lacks."""
    regions = {(e.country, e.admin1) for e in parent.places}
    inside = tuple(e for e in hit.places if (e.country, e.admin1) in regions)
    if inside:
        hit.places, hit.within = inside, True
        return
    small = all(e.population < _HAN_TOWN_ELSEWHERE for e in hit.places)
    if hit.cue not in _SUB_PLACES and not (hit.cue is None and small):
        return  # 北京上海: two cities named in a row, not one inside the other
    anchor = parent.places[0]
    entry = GazetteerEntry(
        0,
        hit.key,
        "",
        anchor.country,
        anchor.admin1,
        anchor.admin_code,
        anchor.lat,
        anchor.lon,
        0,
        "admin2" if hit.cue == "admin2" else "city",
    )
    hit.places, hit.country, hit.within = (entry,), None, True
    hit.cue = hit.cue or "city"


def _acronym(gaz: Gazetteer, tok: _Tok, i: int) -> Hit | None:
    places = tuple(p for p in gaz.places_by_acronym(tok.text) if p.population >= _ACRONYM_CITY)
    code = gaz.country_by_acronym(tok.text)
    if not places and code is None:
        return None
    country = CountryName(code, frozenset({"*"})) if code else None
    return Hit(tok.start, tok.end, i, i + 1, tok.text, tok.key, "acronym", places, country)


def _name_like(
    doc: ArticleText, gaz: Gazetteer, tok: _Tok | None, lowercase: frozenset[str]
) -> bool:
    """Could this capitalised neighbour be part of a person's or organisation's name (a first
    name, a title, "Department")? Yes if the language file lists it as a given name (the
    Vietnamese "Thị", "Văn" are common words too); not if it is a common word (used in lower
    case elsewhere in the article), an administrative word, or a word that opens many place
    names (North, San)."""
    if tok is None or tok.kind != "title" or tok.admin:
        return False
    given = _given_names(doc.resources)
    if given is not None and tok.key in given:
        return True
    if tok.key in lowercase:
        return False
    return not gaz.is_prefix_word(tok.key)


def _describe(
    doc: ArticleText,
    gaz: Gazetteer,
    *,
    toks: list[_Tok],
    admin: list[tuple[int, int, str]],
    hit: Hit,
    lowercase: frozenset[str],
    nouns_capitalised: bool = False,
) -> None:
    first, last = toks[hit.first], toks[hit.last - 1]
    hit.uncased = first.kind == "uncased"
    inside = {toks[k].admin for k in range(hit.first, hit.last) if toks[k].admin}
    before_cue = _cue_before(doc, admin, hit.start)
    after_cue = _cue_after(doc, admin, last.end)
    hit.in_name = after_cue is not None and _opens_into_name(toks, after_cue[1])
    if hit.in_name:
        after_cue = None  # "Western State Hospital", "Ohio State University": a name
    # Where administrative words follow names, one before a name is the head of the name
    # before it ("Gwinnett County Police") or opens an organisation ("County Hall").
    if (
        before_cue is not None
        and _head_final(doc)
        and (
            _closes_name(toks, before_cue[1])
            or not (nouns_capitalised or doc.text[before_cue[1]].islower())
        )
    ):
        before_cue = None
    if after_cue is not None and (before_cue is None or _head_final(doc)):
        hit.cue, hit.cue_end = after_cue
    elif before_cue is not None:
        hit.cue, hit.cue_start = before_cue
    elif inside:
        hit.cue = next(iter(inside))
    hit.weak = first.initial or first.kind == "caps" or (hit.uncased and hit.tokens == 1)
    before = toks[hit.first - 1] if hit.first and toks[hit.first - 1].glued else None
    # "Mr. Patterson", "Dr. Linz", "St. Patrick's Day": after an abbreviation, a name.
    titled = before is not None and doc.text[before.end : before.end + 1] == "."
    if before is not None and before.initial:
        before = None  # a sentence's first word is capitalised whatever it is ("Given Tunisia")
    after = toks[hit.last] if hit.last < len(toks) and last.glued else None
    hit.glued_before = titled or _name_like(doc, gaz, before, lowercase)
    hit.glued_after = hit.in_name or _name_like(doc, gaz, after, lowercase)
    hit.prev_key = before.key if before is not None and hit.glued_before else ""
    hit.next_key = after.key if after is not None and hit.glued_after else ""


def _associative(words: _DocWords, tables: dict[str, _Terms], hit: Hit) -> bool:
    """A place name that only qualifies an agreement ("the Paris agreement", "hiệp định
    Paris"): next to an ``[events] agreement`` term of the language, with no ending of its
    own (a case ending or clitic shows the name is used in its own right)."""
    terms = tables.get("agreement")
    if not terms or hit.method in {"suffix", "clitic", "lemma"}:
        return False
    toks = words.toks
    if toks[hit.last - 1].glued and words.at_token(terms, hit.last) is not None:
        return True
    res = words.doc.resources
    connectors = res.org_connectors if res is not None else frozenset()
    for k in range(max(0, hit.first - 4), hit.first):
        got = words.at_token(terms, k)
        if got is None or not toks[got.last - 1].glued:
            continue
        if got.last == hit.first:
            return True
        if got.last == hit.first - 1 and toks[got.last].key in connectors and toks[got.last].glued:
            return True
    return False


def _adjective_places(
    doc: ArticleText,
    gaz: Gazetteer,
    *,
    toks: list[_Tok],
    admin: list[tuple[int, int, str]],
    hits: list[Hit],
    lowercase: frozenset[str],
) -> None:
    """Place adjectives before an administrative word: "Ташкентской области" → Tashkent."""
    if not admin or _morph() is None:
        return
    covered = {k for h in hits for k in range(h.first, h.last)}
    for k, tok in enumerate(toks):
        if k in covered or tok.kind != "title" or not tok.glued or not _CYRILLIC.search(tok.key):
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        if nxt is None or not nxt.admin:
            continue
        stem = _adjective_stem(tok.key)
        if not stem:
            continue
        places = gaz.places(stem)
        if not places:
            continue
        hit = Hit(tok.start, tok.end, k, k + 1, _title(stem), stem, "lemma", places, None)
        _describe(doc, gaz, toks=toks, admin=admin, hit=hit, lowercase=lowercase)
        hits.append(hit)
    hits.sort(key=lambda h: h.start)


# --------------------------------------------------------------------- decisions


@lru_cache(maxsize=64)
def _home_countries(lang: str) -> frozenset[str]:
    """Countries where ``lang`` is an official or de facto language (CLDR via babel)."""
    try:
        import pycountry  # noqa: PLC0415
        from babel.languages import get_official_languages  # noqa: PLC0415
    except ImportError:
        return frozenset()
    return frozenset(
        c.alpha_2
        for c in pycountry.countries
        if any(
            code.split("_")[0] == lang for code in get_official_languages(c.alpha_2, de_facto=True)
        )
    )


class _Context:
    """What the article says about where it is: countries named in it (or the language's
    default), and the countries and provinces of the places resolved in the previous round.
    Votes never count the hit being scored, so a name cannot vote for itself."""

    def __init__(
        self, doc: ArticleText, named: Counter[str], spans: dict[str, set[tuple[int, int]]]
    ) -> None:
        self.named = named
        self.named_spans = spans
        res = doc.resources
        self.default = res.default_country if res is not None else None
        self.home = _home_countries(doc.lang)
        self.text = doc.text
        self.country_keys: dict[str, set[str]] = {}
        self.region_keys: dict[tuple[str, str], set[str]] = {}
        self.named_regions: dict[tuple[str, str], set[str]] = {}
        self.kept_keys: set[str] = set()

    def country(self, code: str, key: str) -> float:
        if self.named.get(code, 0) > 0:
            return _NAMED_BOOST
        boost = _DEFAULT_BOOST if code == self.default else 0.0
        keys = self.country_keys.get(code)
        if keys:
            votes = len(keys) - (key in keys)
            boost = max(boost, min(_PLACE_VOTE * votes, _DEFAULT_BOOST))
        return boost

    def region(self, code: str, admin1: str, key: str) -> float:
        where = (code, admin1)
        keys = self.region_keys.get(where)
        boost = 0.0
        if keys:
            boost = min(_REGION_VOTE * (len(keys) - (key in keys)), _DEFAULT_BOOST)
        named = self.named_regions.get(where)
        if named and len(named) - (key in named) > 0:
            boost += _NAMED_REGION
        return boost

    def update(self, kept: Iterable[tuple[Hit, GazetteerEntry, float]]) -> None:
        self.country_keys = defaultdict(set)
        self.region_keys = defaultdict(set)
        self.named_regions = defaultdict(set)
        self.kept_keys = {hit.key for hit, _entry, _confidence in kept}
        for hit, entry, _confidence in kept:
            self.country_keys[entry.country].add(hit.key)
            self.region_keys[(entry.country, entry.admin1)].add(hit.key)
            if entry.feature == "admin1":
                self.named_regions[(entry.country, entry.admin1)].add(hit.key)


def _allowed(hit: Hit, entries: Iterable[GazetteerEntry], ctx: _Context) -> list[GazetteerEntry]:
    """A district needs an administrative word, a name of several words, or a province the
    article is about ("Kadıköy, Beşiktaş ve Bakırköy" among İstanbul's places, "le Hainaut"
    with Wallonie). That last only for an ISO 3166-2 unit (a typed one: a Belgian province,
    a French département) or one in the language's own country: GeoNames' other districts
    include thousands of US counties named like people (Jefferson, Taylor)."""
    cue = hit.cue
    return [
        e
        for e in entries
        if e.feature != "admin2"
        or cue in _SUB_PLACES
        or hit.tokens > 1
        or (
            not hit.uncased
            and (e.country == ctx.default or bool(e.kind))
            and ctx.region(e.country, e.admin1, hit.key) > 0
        )
    ]


@lru_cache(maxsize=100_000)
def _name_key(name: str) -> str:
    return place_key(name)


def _score(entry: GazetteerEntry, hit: Hit, ctx: _Context) -> float:
    # A district without a seat city in GeoNames has no population; it is a town's size.
    population = entry.population or (_LOCAL_CITY if entry.feature == "admin2" else 0)
    score = math.log10(population + 10) + ctx.country(entry.country, hit.key)
    score += ctx.region(entry.country, entry.admin1, hit.key)
    if _name_key(entry.name) == hit.key or _name_key(entry.name_en) == hit.key:
        score += 0.5  # the place's own name, not a historical or foreign alias (Augusta)
    cue = "admin1" if hit.cue == "region" else hit.cue
    if cue is not None and cue == entry.feature:
        score += 3.0
        if cue == "admin1" and "city" in entry.kind.lower():
            score -= 1.5  # "Ташкентской области" is the region, not the city with province rank
    elif cue is None and entry.feature == "city":
        score += 1.0
    if entry.feature == "admin2":
        score -= 2.0
        if ctx.region(entry.country, entry.admin1, hit.key) > 0:
            score += 3.0  # a district of a province the article is about (Tuzla in İstanbul)
    return score


def _best(
    hit: Hit, ctx: _Context, entries: tuple[GazetteerEntry, ...] | None = None
) -> GazetteerEntry | None:
    allowed = _allowed(hit, hit.places if entries is None else entries, ctx)
    if not allowed:
        return None
    return max(allowed, key=lambda e: _score(e, hit, ctx))


def _stop_word(doc: ArticleText, hit: Hit) -> bool:
    res = doc.resources
    if res is None or not res.place_stop_words:
        return False
    if hit.key in res.place_stop_words or hit.name.casefold() in res.place_stop_words:
        return True
    # A one-word name that is an organisation head noun ("University", "Union") is not a place.
    return (
        hit.tokens == 1
        and res.org_heads.search(fold_for_matching(hit.name, res.case_map)) is not None
    )


def _personal(scan: Scan, hit: Hit, surnames: frozenset[str]) -> bool:
    """Is this one-word hit part of a person's name? Either it is used as a surname elsewhere
    (after a given name of the language: "Michael Jordan"), or the capitalised word glued
    after it also stands alone in the article ("Jordan Smith ... Smith said")."""
    if hit.tokens != 1 or hit.uncased:
        return False
    if hit.key in surnames:
        return True
    if hit.next_key:
        together = sum(1 for h in scan.hits if h.key == hit.key and h.next_key == hit.next_key)
        return scan.title_words[hit.next_key] > together
    return False


def _surnames(doc: ArticleText, scan: Scan) -> frozenset[str]:
    """One-word names that the article also writes after a first name ("Bob Jones", "Michael
    Jordan"): their other mentions are that person too. In a text that capitalises its
    nouns (German), a capitalised word before a name says little ("Stadtverkehr Bremen",
    "Arbeitsinspektorat Linz"): there it must be a given name of the language file."""
    given = _given_names(doc.resources) if scan.nouns_capitalised else None
    return frozenset(
        h.key
        for h in scan.hits
        if h.prev_key and h.tokens == 1 and (given is None or h.prev_key in given)
    )


_GIVEN_NAMES_MIN = 50
_GIVEN: dict[int, tuple[LanguageResources, frozenset[str]]] = {}


def _given_names(res: LanguageResources | None) -> frozenset[str] | None:
    """The language's given names as token keys; None when its file lists too few to judge."""
    if res is None or len(res.given_names) < _GIVEN_NAMES_MIN:
        return None
    got = _GIVEN.get(id(res))
    if got is None or got[0] is not res:
        got = (res, frozenset(place_key(n, res.case_map) for n in res.given_names))
        _GIVEN[id(res)] = got
    return got[1]


@lru_cache(maxsize=100_000)
def _own_keys(name: str, name_en: str) -> frozenset[str]:
    """Keys of a place's own names (with and without accents), as opposed to its aliases."""
    keys = {place_key(name), place_key(name_en)}
    keys |= {place_key(_deaccent(k)) for k in keys if len(k) > 3}
    return frozenset(keys)


def _deaccent(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _keep(doc: ArticleText, scan: Scan, hit: Hit, entry: GazetteerEntry, ctx: _Context) -> bool:
    """Is this hit a place mention at all (rather than a common word or part of a name)?
    Evidence against (a stop word, an agreement it qualifies, a name it is glued into, a
    lower-case twin) always counts; an administrative word only lowers the size needed."""
    # An administrative word vouches only for a place of its kind: "استان جامعه" (the
    # province's society) does not make جامعه the town Djamaa. It outweighs a stop word
    # ("استان مرکزی" is Markazi province, bare "مرکزی" the adjective "central").
    cue = "admin1" if hit.cue == "region" else hit.cue
    cued = cue is not None and entry.feature == cue
    beside = cued and (hit.cue_start >= 0 or hit.cue_end >= 0)  # not a word of the name
    if hit.associative or (_stop_word(doc, hit) and not beside):
        return False
    population = entry.population
    local = (
        ctx.country(entry.country, hit.key) > 0
        or ctx.region(entry.country, entry.admin1, hit.key) > 0
    )
    if hit.method == "acronym":
        return population >= _ACRONYM_CITY
    if hit.han:
        # Any two characters may spell some town's name (新华, 平安): a bare name must be
        # a big city, or a town of a country or province the article is about.
        if cued or hit.within or hit.key in ctx.kept_keys:
            return True
        if len(hit.key) > 2:
            return population >= _HAN_TOWN or local
        return population >= _HAN_CITY or (local and population >= _HAN_LOCAL)
    if hit.uncased:
        # Without capitals every word is a candidate, and many common words are some town's
        # name in Arabic or Persian transliteration (اگر Eger, كان Caen): one bare word must be
        # a big city of a country the article is about, or a very big one elsewhere.
        letters = len(hit.key.replace(" ", ""))
        if letters < 3:
            return False
        if cued or hit.key in ctx.kept_keys:
            return True
        if hit.tokens > 1:
            return population >= _UNCASED_LOCAL or local
        if not _ARABIC.match(hit.key):
            # Scripts that write their vowels (Devanagari, Bengali, Thai) spell far fewer
            # common words the way some town is spelt: a province or town of a country the
            # article is about is enough.
            if local:
                return population >= _UNCASED_LOCAL
            return entry.feature == "city" and population >= _UNCASED_NAMED
        named = ctx.country(entry.country, hit.key) >= _NAMED_BOOST
        if entry.feature != "city" and not named:
            # A province of the language's own country (هرمزگان, گیلان) is seldom a common
            # word; the few that are (مرکزی "central") are the language file's stop words.
            return (
                entry.feature == "admin1"
                and entry.country == ctx.default
                and letters >= _UNCASED_PROVINCE_LETTERS
                and population >= _UNCASED_DOMESTIC
            )
        if _listed(scan, hit, entry, ctx):
            return population >= _UNCASED_LOCAL  # "تهران، اهواز، شوش و کرمانشاه"
        if named:
            # A province and its capital share the name (القصرين): the province's size counts.
            population = max(
                [population]
                + [
                    e.population
                    for e in hit.places
                    if e.country == entry.country and e.feature == "admin1"
                ]
            )
        # Named again and again in an article about its country (العقبة three times in a
        # Jordanian story), a town need not be big.
        repeated = sum(1 for h in scan.hits if h.key == hit.key) >= _REPEATED
        if named:
            return population >= (_UNCASED_REPEATED if repeated else _UNCASED_NAMED)
        if local:
            return population >= (_UNCASED_NAMED if repeated else _UNCASED_DOMESTIC)
        return letters >= 4 and population >= (_ALIAS_CITY if repeated else _HUGE_CITY)
    if hit.glued_before and not cued:
        return False
    if hit.abbreviated:
        # "St. Gallen" is a town, "St. Mary's Hospital" or "St. James Church" is not.
        return not hit.glued_after and (population >= _LOCAL_CITY or local)
    if hit.tokens > 1:
        return True
    if hit.method == "exact" and hit.key in scan.lowercase_words:
        return False
    if cued:
        return True
    inflected = hit.method in {"suffix", "clitic", "lemma"}
    weak = (hit.weak and not inflected) or hit.glued_after
    if hit.key not in _own_keys(entry.name, entry.name_en):
        # An alias, not the place's own name: GeoNames lists many short or foreign ones
        # ("No", "We", "Его", "Hamas" for Hamm) that are common words in some language. A
        # longer name in another script than GeoNames' own (Темиртау for Temirtau) is more
        # likely the place's name in the article's language: a smaller city will do.
        native = (
            not hit.key.isascii()
            and entry.name.isascii()
            and len(hit.key) >= _NATIVE_ALIAS
            and not _adjectival(hit.name)
        )
        nearby = ctx.region(entry.country, entry.admin1, hit.key) > 0
        if len(hit.key) <= 3:
            return population >= _HUGE_CITY
        if weak:
            return population >= _HUGE_CITY or nearby
        big = _NATIVE_CITY if native else _ALIAS_CITY
        return population >= big or nearby or (local and population >= _LOCAL_CITY)
    if weak:
        district = entry.feature == "admin2" and ctx.region(entry.country, entry.admin1, hit.key)
        return population >= _BIG_CITY or (local and population >= _LOCAL_CITY) or bool(district)
    # A small town of a country the article gives no other sign of, and where its language
    # is not spoken, is more often a word of a name ("Palmas del Río S.A.S.") than the place
    # of the news.
    return local or population >= _LOCAL_CITY or hit.tokens > 1 or entry.country in ctx.home


_LIST_GAP = re.compile(r"^\s*(?:[,،、;]|\w{1,3})?\s*$")


def _listed(scan: Scan, hit: Hit, entry: GazetteerEntry, ctx: _Context) -> bool:
    """Is the hit one item of a list of places the article keeps ("A, B and C"), written
    next to one of them, of the same country, with only a comma or a short conjunction
    between?"""
    k = scan.hits.index(hit) if hit in scan.hits else -1
    if k < 0:
        return False
    for j in (k - 1, k + 1):
        if 0 <= j < len(scan.hits):
            other = scan.hits[j]
            if other.key == hit.key or other.key not in ctx.country_keys.get(entry.country, ()):
                continue
            lo, hi = (other, hit) if j < k else (hit, other)
            if hi.start - lo.end <= _LIST_CHARS and _LIST_GAP.match(ctx.text[lo.end : hi.start]):
                return True
    return False


def _confidence(hit: Hit, entry: GazetteerEntry, ctx: _Context) -> float:
    if hit.cue is not None:
        base = 0.9
    elif hit.tokens > 1:
        base = 0.85
    elif hit.weak or hit.glued_after:
        base = 0.6
    else:
        base = 0.75
    if ctx.country(entry.country, hit.key) >= _NAMED_BOOST:
        base += 0.05
    return round(min(base, 0.95), 2)


def _country_hits(doc: ArticleText, scan: Scan, surnames: frozenset[str]) -> list[Hit]:
    """Hits that name a country (before deciding between a country and a same-named place)."""
    out: list[Hit] = []
    lang = doc.lang
    for hit in scan.hits:
        country = hit.country
        if country is None:
            continue
        foreign = hit.method != "acronym" and not country.used_in(lang)
        if foreign and (len(hit.key) < 5 or hit.weak):
            continue
        if hit.glued_before:
            continue  # inside a name: "Carbonífera Santa Lucía", "Stadtverkehr Bremen"
        if _stop_word(doc, hit) and hit.method != "acronym":
            continue  # a word the language file says is never a place: Persian مالی "financial"
        if (
            hit.tokens == 1
            and hit.method == "exact"
            and not hit.uncased
            and hit.key in scan.lowercase_words
        ):
            continue
        if _personal(scan, hit, surnames):
            continue
        out.append(hit)
    return out


def _place_not_country(hit: Hit, ctx: _Context) -> bool:
    """A name shared by a country and a place (Georgia, Lebanon, تونس) is the place when an
    administrative word says so, or when the article names no other sign of the country and
    is about the place's surroundings: a province of a country the article is in, or a city
    in a province that holds the article's other places."""
    assert hit.country is not None
    if hit.cue in {"city", "admin1", "admin2", "region"}:
        return True
    code = hit.country.code
    if any(e <= hit.start or s >= hit.end for s, e in ctx.named_spans.get(code, ())):
        return False
    for entry in hit.places:
        if entry.country == code:
            continue
        if entry.feature == "admin1" and ctx.country(entry.country, hit.key) >= _DEFAULT_BOOST:
            return True
        if entry.feature == "city" and ctx.region(entry.country, entry.admin1, hit.key) > 0:
            return True
    return False


_CONTAINER_GAPS = frozenset({",", "،", "(", "-", "–"})


def _containers(
    doc: ArticleText, scan: Scan
) -> tuple[dict[int, tuple[GazetteerEntry, ...]], set[int]]:
    """A place followed by the province or country that holds it ("Augusta, Georgia",
    "Kadıköy, İstanbul"). Both readings are narrowed to the pair that fits, and the container is
    read as a province even when it is also a country's name."""
    restrict: dict[int, tuple[GazetteerEntry, ...]] = {}
    contained: set[int] = set()
    hits = scan.hits
    for first, second in pairwise(hits):
        gap = doc.text[first.end : second.start].strip()
        if gap not in _CONTAINER_GAPS or second.start - first.end > 3 or not first.places:
            continue
        regions = {(e.country, e.admin1): e for e in second.places if e.feature == "admin1"}
        inner = tuple(
            e for e in first.places if e.feature == "city" and (e.country, e.admin1) in regions
        )
        if inner:
            restrict[id(first)] = inner
            outer = {(e.country, e.admin1): regions[(e.country, e.admin1)] for e in inner}
            restrict[id(second)] = tuple(outer.values())
            contained.add(id(second))
            continue
        code = second.country.code if second.country is not None else None
        inner = tuple(e for e in first.places if e.country == code)
        if code is not None and inner:
            restrict[id(first)] = inner
    return restrict, contained


@dataclass(frozen=True, slots=True)
class Resolution:
    """The decisions shared by ``extract_places`` and ``extract_countries``."""

    places: tuple[tuple[Hit, GazetteerEntry, float], ...]
    countries: tuple[Hit, ...]


def resolve_toponyms(doc: ArticleText, gazetteer: Gazetteer) -> Resolution:
    """Kept place hits with their resolved entry and confidence, and the kept country-name hits."""
    scan = scan_toponyms(doc, gazetteer)
    surnames = _surnames(doc, scan)
    candidates = _country_hits(doc, scan, surnames)
    chosen = {id(h) for h in candidates}
    named = Counter(h.country.code for h in candidates if h.country is not None)
    named.update(code for _s, _e, code, _kind in scan.country_terms)
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for h in candidates:
        if h.country is not None:
            spans[h.country.code].add((h.start, h.end))
    for start, end, code, _kind in scan.country_terms:
        spans[code].add((start, end))
    ctx = _Context(doc, named, spans)
    restrict, contained = _containers(doc, scan)
    places: list[Hit] = []
    shared: list[Hit] = []
    countries: list[Hit] = []
    for hit in scan.hits:
        if id(hit) in contained:
            places.append(hit)
        elif hit.country is not None and id(hit) in chosen:
            (shared if hit.places else countries).append(hit)
        elif hit.places and not _personal(scan, hit, surnames):
            places.append(hit)
    kept: list[tuple[Hit, GazetteerEntry, float]] = []
    as_places: list[Hit] = []
    for _round in range(3):
        as_places = [h for h in shared if _place_not_country(h, ctx)]
        kept = []
        for hit in places + as_places:
            entry = _best(hit, ctx, restrict.get(id(hit)))
            if entry is None:
                continue
            if id(hit) not in restrict and not _keep(doc, scan, hit, entry, ctx):
                continue
            kept.append((hit, entry, _confidence(hit, entry, ctx)))
        ctx.update(kept)
    countries += [h for h in shared if h not in as_places]
    countries.sort(key=lambda h: h.start)
    kept += _resolve_unknown(scan, kept, ctx)
    kept.sort(key=lambda item: item[0].start)
    return Resolution(tuple(kept), tuple(countries))


def _resolve_unknown(
    scan: Scan, kept: list[tuple[Hit, GazetteerEntry, float]], ctx: _Context
) -> list[tuple[Hit, GazetteerEntry, float]]:
    """Places the gazetteer lacks are placed in the article's country: the one it names
    most, else its places' country, else the language's. A place the article also names
    after the unknown one ("Kecamatan Majalaya, Kabupaten Bandung") lends its province
    and point."""
    if not scan.unknown:
        return []
    votes = Counter(entry.country for _hit, entry, _c in kept)
    country = next(
        iter([c for c, _n in ctx.named.most_common(1)] + [c for c, _n in votes.most_common(1)]),
        ctx.default,
    )
    if not country:
        return []
    out = []
    for hit in scan.unknown:
        after = sorted((h.start, e) for h, e, _c in kept if 0 <= h.start - hit.end <= _ADDRESS_GAP)
        near = after[0][1] if after and after[0][1].country == country else None
        entry = GazetteerEntry(
            0,
            hit.name,
            "",
            country,
            near.admin1 if near else "",
            near.admin_code if near else None,
            near.lat if near else None,
            near.lon if near else None,
            0,
            "admin2" if hit.cue == "admin2" else "city",
        )
        out.append((hit, entry, 0.6))
    return out


def _group_key(
    hit: Hit, entry: GazetteerEntry, cities: dict[tuple[str, str], GazetteerEntry]
) -> tuple[str, int, str]:
    """One mention per place; a province or district told by its seat's name (استان قزوین and
    قزوین, tỉnh X and X, Esenyurt ilçesi and Esenyurt) is the same mention as that city."""
    if not entry.geonameid and hit.within:
        # A sub-place the gazetteer lacks, with or without its sub-place word (龙华, 龙华区).
        return ("within", 0, f"{entry.admin_code} {entry.name}")
    if entry.feature in {"admin1", "admin2"}:
        where = entry.admin_code or ""
        city = cities.get((where, place_key(hit.name)))
        if city is None and entry.feature == "admin2":
            # "Gaia", the district, and "Vila Nova de Gaia", its seat, written in full
            city = cities.get((where, place_key(entry.name)))
        if city is not None:
            entry = city
    return (entry.feature, entry.geonameid, entry.name)


def extract_places(doc: ArticleText, gazetteer: Gazetteer) -> tuple[PlaceMention, ...]:
    """Cities, provinces and districts named in ``doc``, one mention per place with every span."""
    kept = resolve_toponyms(doc, gazetteer).places
    cities = {
        (entry.admin_code or "", place_key(hit.name)): entry
        for hit, entry, _c in kept
        if entry.feature == "city"
    }
    grouped: dict[tuple[str, int, str], list[tuple[Hit, GazetteerEntry, float]]] = defaultdict(list)
    for hit, entry, confidence in kept:
        grouped[_group_key(hit, entry, cities)].append((hit, entry, confidence))
    mentions = []
    for items in grouped.values():
        items.sort(key=lambda item: (item[1].feature != "city", item[0].start))
        hit, entry, _ = items[0]
        spans = tuple(sorted({Span(h.start, h.end, "place") for h, _e, _c in items}))
        mentions.append(
            PlaceMention(
                name=hit.name,
                name_en=entry.name_en,
                country=entry.country,
                lat=entry.lat,
                lon=entry.lon,
                geonameid=entry.geonameid or None,
                admin_code=entry.admin_code,
                feature=entry.feature,
                spans=spans,
                confidence=max(c for _h, _e, c in items),
            )
        )
    mentions.sort(key=lambda m: m.spans[0].start)
    return tuple(mentions)
