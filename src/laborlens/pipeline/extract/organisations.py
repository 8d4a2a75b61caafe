"""Organisations: grow a name outwards from a head noun, link acronyms, merge variants.

A language file says which nouns head organisation names ("sendika", "профсоюз", "نقابة",
"công đoàn"), whether the head ends or starts a name, which words may continue one and
which end it. In scripts with capitals a name is the capitalised run around its head; in
head-initial languages lower-case genitives may follow ("Профсоюз работников
образования"); in scripts without capitals a ``continuation`` pattern decides (Arabic
definite words). Acronyms are linked when written in brackets after a name or when their
letters are the initials of a name found in the same article.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from laborlens.pipeline.backends.morphology import Morphology
from laborlens.pipeline.backends.segmentation import Word, in_dictionary, segment
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.pipeline.extract.tokens import Token
from laborlens.records import OrganisationMention, PlaceMention, Span
from laborlens.resources.patterns import LexiconHit, fold_for_matching
from laborlens.resources.schema import LanguageResources

# Titles that name a group rather than an office ("workers", "members"): inside an
# organisation name ("نقابة العاملين", "union of workers") they do not end it.
GROUP_ROLES = frozenset({"worker", "representative", "member", "employee", "activist"})
MAX_NAME_TOKENS = 14
MAX_UNCASED_TOKENS = 6
FREE_UNCASED = 2
FREE_KNOWN = 1  # a known name is complete: at most a place word may follow it
# Unspaced scripts: how far a name may grow from its head, in words and characters.
MAX_UNSPACED_WORDS = 7
MAX_UNSPACED_CHARS = 18
# Part-of-speech tags (jieba) that never sit inside an organisation's name: time words,
# prepositions, conjunctions, pronouns, particles, adverbs, numerals, punctuation.
_UNSPACED_BREAK_TAGS = ("t", "p", "c", "r", "u", "d", "m", "q", "x", "e", "y", "o")
# Tags of proper nouns: places, person names, other proper names, organisations, abbreviations.
_UNSPACED_PROPER_TAGS = ("ns", "nr", "nz", "nt", "j", "s")
_QUOTES_OPEN = "«“\"„‹'"
_QUOTES_CLOSE = "»”\"“›'"
_ACRONYM = re.compile(r"^[A-ZÀ-ÖØ-ÞĐĂÂÊÔƠƯА-ЯЁҚҒҮҰӘӨҺІ][A-ZÀ-ÖØ-ÞĐĂÂÊÔƠƯА-ЯЁҚҒҮҰӘӨҺІ0-9\-&]{1,9}$")


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str
    head: tuple[int, int]
    known: int | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    aliases: dict[str, tuple[int, int]] = field(default_factory=dict)


def unspaced(res: LanguageResources) -> bool:
    """The language file declares a script written without spaces between words."""
    language = res.raw.get("language", {})
    return not bool(language.get("word_boundaries", True))


def _is_cased(word: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in word)


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper()


def _gap(text: str, a: int, b: int) -> str:
    return text[a:b]


def _joinable(gap: str) -> bool:
    """Tokens belong to one name only when separated by spaces (and quotes or hyphens)."""
    if "\n" in gap:
        return False
    stripped = gap.strip()
    return len(gap) <= 3 and all(ch in _QUOTES_OPEN + _QUOTES_CLOSE + "-–" for ch in stripped)


class _Scanner:
    def __init__(
        self,
        doc: ArticleText,
        res: LanguageResources,
        morph: Morphology | None,
        places: tuple[PlaceMention, ...],
    ) -> None:
        self.doc = doc
        self.res = res
        self.morph = morph
        self.tokens = list(doc.tokens)
        self.starts = {t.start: i for i, t in enumerate(self.tokens)}
        self.stop_starts = {
            doc.token_start(h.start) for h in res.org_stop_words.finditer(doc.folded)
        }
        self.role_starts = {
            doc.token_start(h.start)
            for h in res.roles.finditer(doc.folded)
            if h.label not in GROUP_ROLES
        }
        heads = list(res.org_heads.finditer(doc.folded))
        # A head noun inside a longer name (the company in "union of company X workers")
        # opens a nested name: the words after it belong to the name again.
        self.nested_heads = {
            doc.token_start(h.start): h.end for h in heads if not self.suffixed_head(h.end)
        }
        self.worker_words = {
            doc.token_start(h.start)
            for h in res.relevance.finditer(doc.folded)
            if h.label == "workers"
        }
        self.place_ends = {s.start: s.end for p in places for s in p.spans}
        admin = list(res.admin_words.finditer(doc.folded))
        self.admin_ends = {h.end for h in admin}
        self._head_start = 0
        self._definite_head = False
        self.admin_cover = [(h.start, h.end) for h in admin]

    def suffixed_head(self, head_end: int) -> bool:
        """A head with a suffix glued on by a zero-width non-joiner (plural "شرکت‌ها",
        indefinite "کارخانه‌ای") is a common noun, not the start of a name."""
        return head_end < len(self.doc.text) and self.doc.text[head_end] == "\u200c"

    def token_at(self, offset: int) -> int | None:
        for i, tok in enumerate(self.tokens):
            if tok.start <= offset < tok.end:
                return i
        return None

    def is_stop(self, tok: Token) -> bool:
        return tok.start in self.stop_starts

    def connector(self, tok: Token) -> bool:
        return tok.text.casefold() in self.res.org_connectors

    def continues(self, tok: Token) -> bool:
        pattern = self.res.org_continuation
        folded = self.doc.folded[tok.start : tok.end]
        return bool(pattern and pattern.search(folded))

    def expand(self, head_start: int, head_end: int, known: bool = False) -> tuple[int, int] | None:
        first = self.token_at(head_start)
        last = self.token_at(max(head_end - 1, head_start))
        if first is None or last is None:
            return None
        head_text = self.doc.text[head_start:head_end]
        if unspaced(self.res):
            return self._expand_unspaced(head_start, head_end)
        if _is_cased(head_text):
            return self._expand_cased(first, last)
        self._head_start = self._name_start(head_start)
        self._definite_head = self._head_start < head_start
        if self.res.org_head_position == "final" and not known:
            return self._expand_uncased_left(first, last)
        return self._expand_uncased(first, last, FREE_KNOWN if known else FREE_UNCASED)

    def _expand_uncased_left(self, first: int, last: int) -> tuple[int, int] | None:
        """Head-final names without capitals (Hindi "... मजदूर संघ") grow leftwards from the
        head over plain words, places and nested heads, until a stop word (a postposition,
        a verb), a title, a given name, a numeral or punctuation."""
        toks, text = self.tokens, self.doc.text
        lo = first
        while lo > 0 and last - lo + 1 < MAX_UNCASED_TOKENS - 1:
            prev = toks[lo - 1]
            if not _joinable(_gap(text, prev.end, toks[lo].start)):
                break
            if not (self._plain_word(prev) or prev.start in self.nested_heads):
                break
            if self.is_stop(prev) or prev.start in self.role_starts:
                break
            lo -= 1
        if lo == first:
            return None  # a bare head noun names nothing
        return toks[lo].start, toks[last].end

    def _expand_unspaced(self, head_start: int, head_end: int) -> tuple[int, int] | None:
        """Without spaces the words come from a segmenter. A head-final name grows
        leftwards from its head ("台中市客運駕駛職業工會") over words until a stop word,
        punctuation, a numeral, a time word or a preposition, within a cap; a name does
        not start with a verb ("会见德国工会" → "德国工会"). A head-initial one grows
        rightwards the same way."""
        words = segment(self.doc.text)
        folded = self.doc.folded
        # A stop word counts where the segmenter agrees that a word starts or ends there:
        # "员工" inside "驾驶员|工会" is no word of the sentence.
        starts, ends = {w.start for w in words}, {w.end for w in words}
        role_hits = list(self.res.roles.finditer(folded))
        roles = [(h.start, h.end) for h in role_hits]
        stops = [
            (h.start, h.end)
            for h in [
                *self.res.org_stop_words.finditer(folded),
                *(h for h in role_hits if h.label not in GROUP_ROLES),
            ]
            if h.start in starts or h.end in ends
        ]
        final = self.res.org_head_position == "final"
        if final:
            # A word the head is glued into ("交通局" for the head "局") is part of the
            # name; a head that starts inside a common word ending within it ("员工|厂门口"
            # for "工厂") or ends inside a word other than a title ("局势" for "局") is a
            # misreading.
            glued = next((w for w in words if w.start < head_start < w.end), None)
            if glued is not None and glued.end < head_end and not self._proper_word(glued):
                return None
            tail = next((w for w in words if w.start < head_end < w.end), None)
            if tail is not None and not any(s <= tail.start < e for s, e in roles):
                return None
            start = glued.start if glued else head_start
            ordered = [w for w in reversed(words) if w.end <= start]
        else:
            glued = next((w for w in words if w.start < head_end < w.end), None)
            start = glued.end if glued else head_end
            ordered = [w for w in words if w.start >= start]
        taken: list[Word] = []
        edge = start
        for word in ordered:
            if (word.end != edge) if final else (word.start != edge):
                break
            if self._unspaced_break(word, stops):
                break
            size = (head_end - word.start) if final else (word.end - head_start)
            if len(taken) >= MAX_UNSPACED_WORDS or size > MAX_UNSPACED_CHARS:
                break
            taken.append(word)
            edge = word.start if final else word.end
        if final:
            # A verb inside a name needs a place before it ("台中市客運駕駛職業工會");
            # otherwise the name starts after it ("救護車送往聯合醫院" → "聯合醫院").
            for i, word in enumerate(taken):
                if word.is_verb and not any(self._place_word(w) for w in taken[i + 1 :]):
                    taken = taken[:i]
                    break
            named = [*taken, glued] if glued is not None else taken
            if named and not any(self._proper_word(w) for w in named):
                return None  # common words only: "民营企业集团" describes, it does not name
            lo = taken[-1].start if taken else start
            hi = head_end
        else:
            lo, hi = head_start, taken[-1].end if taken else start
        if lo == head_start and hi == head_end:
            return None  # a head alone ("公司", "工会") names no one
        return lo, hi

    def _place_word(self, word: Word) -> bool:
        return (
            word.tag in {"ns", "s"} or self._place_in(Token(word.start, word.end, "")) is not None
        )

    def _proper_word(self, word: Word) -> bool:
        return (
            word.tag.startswith(_UNSPACED_PROPER_TAGS)
            or self._place_word(word)
            or not in_dictionary(word.text)
        )

    def _unspaced_break(self, word: Word, stops: list[tuple[int, int]]) -> bool:
        if any(s < word.end and word.start < e for s, e in stops):
            return True
        if not word.text.strip() or any(ch.isdigit() for ch in word.text):
            return True
        if not all(ch.isalpha() for ch in word.text):
            return True
        person = word.tag.startswith("nr") and len(word.text) > 1
        return person or word.tag.startswith(_UNSPACED_BREAK_TAGS)

    def _expand_cased(self, first: int, last: int) -> tuple[int, int] | None:
        toks, text = self.tokens, self.doc.text
        head_capital = _capitalised(toks[first])
        lo, hi = first, last
        final = self.res.org_head_position == "final"
        # Leftwards: capitalised words (final-head languages) or agreeing adjectives.
        while lo > 0 and _joinable(_gap(text, toks[lo - 1].end, toks[lo].start)):
            prev = toks[lo - 1]
            if self.is_stop(prev) or prev.start in self.role_starts or self.case_suffix(prev):
                break
            if self._extends_left(prev, lo, final):
                lo -= 1
            else:
                break
        if not head_capital and lo == first and (final or not self._has_continuation(last)):
            return None
        # Rightwards.
        count = hi - lo + 1
        while hi + 1 < len(toks) and count < MAX_NAME_TOKENS:
            nxt = toks[hi + 1]
            gap = _gap(text, toks[hi].end, nxt.start)
            comma = gap.strip() == ","
            if not (_joinable(gap) or (comma and not final and self._adjective_run(nxt))):
                break
            if self.is_stop(nxt) or nxt.start in self.role_starts:
                break
            if nxt.start in self.place_ends and not final:
                end = self.place_ends[nxt.start]
                while hi + 1 < len(toks) and toks[hi + 1].start < end:
                    hi += 1
                break
            if toks[hi].end in self.admin_ends and not final:
                break  # "LĐLĐ tỉnh" + a name that is not a place: the name is someone's
            if (
                text[toks[hi].end : nxt.start].strip() in _QUOTES_OPEN
                and text[toks[hi].end : nxt.start].strip()
            ):
                hi = self._through_quote(hi + 1)
                break
            if _capitalised(nxt):
                if self._person_name(nxt):
                    break
                hi += 1
                if self.case_suffix(nxt):
                    break
            elif (
                self.connector(nxt)
                and hi + 2 < len(toks)
                and (_capitalised(toks[hi + 2]) or (not final and self._lower_ok(toks[hi + 2])))
            ) or (not final and self._lower_ok(nxt)):
                hi += 1
            else:
                break
            count += 1
        while hi > last and self.connector(toks[hi]) and toks[hi].end not in self.admin_ends:
            hi -= 1
        named = any(_capitalised(t) for t in toks[lo : hi + 1]) or any(
            ch in _QUOTES_OPEN for ch in text[toks[lo].start : toks[hi].end]
        )
        if not named or (lo == first and hi == last and not self._acronym_head(toks[first])):
            return None  # a head alone ("the Tribunal", "Công đoàn") names no one
        end = toks[hi].end
        if self.case_suffix(toks[hi]):
            end = toks[hi].start + max(toks[hi].text.find("'", 1), toks[hi].text.find("’", 1))
        return toks[lo].start, self._close_quote(end)

    def case_suffix(self, tok: Token) -> bool:
        """Only languages that write case endings after an apostrophe (Turkish: Özel'in)
        close a name there; in French "l'" and "d'" are elision, not grammar after a name."""
        return "'" in self.res.word_suffix and _has_case_suffix(tok)

    def _place_in(self, tok: Token) -> tuple[int, int] | None:
        """The place span that starts inside this word, if any."""
        for start in range(tok.start, tok.end):
            if start in self.place_ends:
                return start, self.place_ends[start]
        return None

    def _name_start(self, head_start: int) -> int:
        """Clitics glued before the head (و، ب، ل) are not part of the name; the article is."""
        pattern = self.res.org_article
        if pattern is None:
            return head_start
        token = self.tokens[self.token_at(head_start) or 0]
        for match in pattern.finditer(self.doc.folded, token.start, head_start):
            if match.end() == head_start:
                return match.start()
        return head_start

    def _through_quote(self, i: int) -> int:
        """A quoted proper name closes the organisation name: take it whole."""
        toks, text = self.tokens, self.doc.text
        while i + 1 < len(toks) and not any(
            ch in _QUOTES_CLOSE for ch in text[toks[i].end : toks[i + 1].start]
        ):
            if toks[i + 1].start - toks[i].end > 3:
                break
            i += 1
        return i

    def _person_name(self, tok: Token) -> bool:
        if self.morph is not None:
            return self.morph.is_person_name(tok.text) and not self.morph.is_adjective(tok.text)
        return tok.text.casefold() in self.res.given_names

    def _extends_left(self, prev: Token, lo: int, final: bool) -> bool:
        """Capitalised words (and connectors between them) before a final head; agreeing
        capitalised adjectives before an initial one (Отраслевой профсоюз)."""
        if final:
            return _capitalised(prev) or (
                self.connector(prev) and lo - 2 >= 0 and _capitalised(self.tokens[lo - 2])
            )
        return _capitalised(prev) and self.morph is not None and self.morph.is_adjective(prev.text)

    def _acronym_head(self, tok: Token) -> bool:
        """An acronym is a name by itself (KESK), a generic legal form is not (ТОО, LLC)."""
        return bool(_ACRONYM.match(tok.text)) and tok.text.isupper() and len(tok.text) > 3

    def _has_continuation(self, last: int) -> bool:
        return last + 1 < len(self.tokens) and self._lower_ok(self.tokens[last + 1])

    def _lower_ok(self, tok: Token) -> bool:
        """A lower-case word continues a name only where the language allows it."""
        if self.is_stop(tok) or _capitalised(tok):
            return False
        if any(s <= tok.start < e for s, e in self.admin_cover):
            return True
        if self.res.org_continuation is not None and not self.continues(tok):
            return False
        if self.morph is not None and self.morph.is_verb(tok.text):
            return False
        return self.res.org_continuation is not None or self.morph is not None

    def _adjective_run(self, tok: Token) -> bool:
        return (
            self.morph is not None and not _capitalised(tok) and self.morph.is_adjective(tok.text)
        )

    def _close_quote(self, end: int) -> int:
        text = self.doc.text
        if end < len(text) and text[end] in _QUOTES_CLOSE:
            return end + 1
        return end

    def _expand_uncased(
        self, first: int, last: int, free_words: int = FREE_UNCASED
    ) -> tuple[int, int] | None:
        """Without capitals a name runs on through at most ``FREE_UNCASED`` ordinary words;
        places and administrative words may extend it, and a place ends it. A head noun
        inside the name opens a nested name ("کانون انجمن‌های صنفی ...", "union of the
        workers of company X"), coordinated adjectives of one shape stay inside it
        ("قراردادی و پیمانی"), and a connector after a group of workers joins the sector
        that follows ("نقابة العاملين في الكهرباء")."""
        toks, text = self.tokens, self.doc.text
        hi = last
        definite_seen = self.continues(toks[last])
        free = 0
        while hi + 1 < len(toks) and hi - first < MAX_UNCASED_TOKENS + 2:
            nxt = toks[hi + 1]
            coordinated = self._coordination(hi)
            if coordinated > hi:
                hi = coordinated
                continue
            if self._sector_connector(hi):
                hi += 2
                continue
            if not _joinable(_gap(text, toks[hi].end, nxt.start)) or self.is_stop(nxt):
                break
            if nxt.start in self.role_starts or _is_cased(nxt.text):
                break
            if nxt.text.casefold() in self.res.given_names:
                break
            place = self._place_in(nxt)
            if place is not None:
                if place[0] > nxt.start:
                    break  # a place behind a preposition (بالرباط, "in Rabat") ends the name
                while hi + 1 < len(toks) and toks[hi + 1].start < place[1]:
                    hi += 1
                break
            if any(s <= nxt.start < e for s, e in self.admin_cover):
                hi += 1
                # The word after "province", "استان" is its name, whatever the gazetteer says.
                while hi + 1 < len(toks) and toks[hi + 1].start < self._admin_end(nxt.start):
                    hi += 1
                after = toks[hi + 1] if hi + 1 < len(toks) else None
                if (
                    after is not None
                    and _joinable(_gap(text, toks[hi].end, after.start))
                    and self._plain_word(after)
                    and self._place_in(after) is None
                ):
                    hi += 1
                    break
                continue
            nested = self.nested_heads.get(nxt.start)
            if (
                nested is not None
                and hi - first < MAX_UNCASED_TOKENS
                and (self.res.org_continuation is None or self.continues(nxt))
            ):
                while hi + 1 < len(toks) and toks[hi + 1].start < nested:
                    hi += 1
                free = 0
                definite_seen = self.continues(toks[hi])
                continue
            if hi - first >= MAX_UNCASED_TOKENS or self._ends_name(nxt):
                break
            if self.res.org_continuation is not None:
                if self.continues(nxt):
                    definite_seen = True
                elif definite_seen or free >= free_words:
                    break
            elif free >= free_words:
                break
            free += 1
            hi += 1
        if hi == last:
            return None  # a bare head noun ("the organisation") names nothing
        return self._head_start, toks[hi].end

    def _admin_end(self, offset: int) -> int:
        return next((e for s, e in self.admin_cover if s <= offset < e), offset)

    def _ends_name(self, tok: Token) -> bool:
        """Words that never continue an uncased name: a plural glued on by a zero-width
        non-joiner ("دیدگاه‌های") is a common noun; after a head that carries its own
        article ("الوزارة") a group of workers is the verb's object, not a genitive
        ("دعت الوزارة الأساتذة")."""
        if "\u200c" in tok.text and self.doc.folded[tok.start : tok.end].endswith(
            (" ها", " های", " هایی")
        ):
            return True
        return self._definite_head and tok.start in self.worker_words

    def _plain_word(self, tok: Token) -> bool:
        return not (
            self.is_stop(tok)
            or tok.start in self.role_starts
            or tok.start in self.nested_heads
            or _is_cased(tok.text)
            or tok.text.casefold() in self.res.given_names
            or any(ch.isdigit() for ch in tok.text)
        )

    def _coordination(self, hi: int) -> int:
        """Coordinated words of one shape inside a name: "قراردادی و پیمانی", "سیاسی،
        امنیتی و اجتماعی" (same final letter: the same derivational suffix). A list
        separated by commas counts only when a connector closes it. Returns the new last
        token (``hi`` when nothing is coordinated)."""
        toks, text = self.tokens, self.doc.text
        shape = self.doc.folded[toks[hi].end - 1 : toks[hi].end]
        if len(toks[hi].text) < 3 or not shape.isalpha():
            return hi
        i = hi
        while i + 1 < len(toks):
            gap = text[toks[i].end : toks[i + 1].start]
            nxt = toks[i + 1]
            if gap.strip() in {",", "،"} and "\n" not in gap:
                candidate = nxt
                if not (self._same_shape(candidate, shape) and self._plain_word(candidate)):
                    return hi
                i += 1
                continue
            if (
                _joinable(gap)
                and self.connector(nxt)
                and i + 2 < len(toks)
                and _joinable(text[nxt.end : toks[i + 2].start])
                and self._same_shape(toks[i + 2], shape)
                and self._plain_word(toks[i + 2])
            ):
                return i + 2
            return hi
        return hi

    def _same_shape(self, tok: Token, shape: str) -> bool:
        return len(tok.text) >= 3 and self.doc.folded[tok.end - 1 : tok.end] == shape

    def _sector_connector(self, hi: int) -> bool:
        """A connector after a group of workers, then a word that continues a name, stays
        inside the name: "نقابة العاملين في الكهرباء"."""
        toks = self.tokens
        if hi + 2 >= len(toks) or toks[hi].start not in self.worker_words:
            return False
        conn, after = toks[hi + 1], toks[hi + 2]
        return (
            self.connector(conn)
            and _joinable(_gap(self.doc.text, toks[hi].end, conn.start))
            and _joinable(_gap(self.doc.text, conn.end, after.start))
            and self.res.org_continuation is not None
            and self.continues(after)
            and after.start not in self.nested_heads
            and self._place_in(after) is None
        )


def _before_suffix(text: str, hit: LexiconHit) -> int:
    """Yargıtay'a → Yargıtay: a case ending after an apostrophe is not part of the name."""
    piece = text[hit.start : hit.end]
    cut = max(piece.rfind("'"), piece.rfind("’"))
    return hit.start + cut if cut > 0 else hit.end


def _has_case_suffix(tok: Token) -> bool:
    """Özel'in, Ankara'da: an apostrophe suffix closes a noun phrase."""
    return "'" in tok.text[1:] or "’" in tok.text[1:]


def _acronym_matches(acronym: str, name: str) -> bool:
    """KESK ↔ Kamu Emekçileri Sendikaları Konfederasyonu; LĐLĐ ↔ Liên đoàn Lao động."""
    letters = [ch for ch in acronym if ch.isalpha()]
    if len(letters) < 2:
        return False
    words = re.findall(r"\w+", name)
    initials = "".join(w[0] for w in words if w[:1].isupper() or len(w) > 3)
    all_initials = "".join(w[0] for w in words)
    target = "".join(letters).casefold()
    return target in {initials.casefold(), all_initials.casefold()} or (
        len(target) >= 3 and all_initials.casefold().startswith(target)
    )


def _norm(name: str) -> str:
    return unicodedata.normalize("NFC", fold_for_matching(" ".join(name.split())))


def extract_organisations(
    doc: ArticleText,
    places: tuple[PlaceMention, ...] = (),
    morph: Morphology | None = None,
) -> tuple[OrganisationMention, ...]:
    """Named organisations with kind, aliases found in the text and every span."""
    res = doc.resources
    if res is None:
        return ()
    scanner = _Scanner(doc, res, morph, places)
    mask = ExclusionMask(doc)
    text = doc.text
    candidates: list[_Candidate] = []
    for hit in mask.keep(list(res.org_heads.finditer(doc.folded))):
        if scanner.suffixed_head(hit.end):
            continue
        span = scanner.expand(hit.start, hit.end)
        if span is not None:
            candidates.append(_Candidate(span[0], span[1], hit.label, (hit.start, hit.end)))
    for hit in res.known_org_lexicon.finditer(doc.folded):
        known = res.known_organisations[int(hit.label)]
        span = (
            scanner.expand(hit.start, hit.end, known=True)
            if res.org_head_position == "initial"
            else None
        )
        start, end = span if span and span[1] > hit.end else (hit.start, _before_suffix(text, hit))
        candidates.append(
            _Candidate(start, end, known.kind, (hit.start, hit.end), known=int(hit.label))
        )
    accepted = _resolve_overlaps(candidates)
    _link_brackets(accepted, text)
    merged = _merge(accepted, text, morph, _AdminWords(doc, res))
    _link_acronyms(merged, doc)
    return tuple(_to_mention(c, text, res, morph) for c in merged)


def _nested_employer(cand: _Candidate, outer: _Candidate) -> bool:
    """The company inside a union's name ("the workers' council of company X") takes part
    in the event on its own: it is kept as an organisation of its own."""
    return (
        outer.kind == "union"
        and cand.kind == "employer"
        and outer.start < cand.start
        and cand.end <= outer.end
        and cand.head[0] > outer.head[1]
    )


def _resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the longest of overlapping candidates; known entries lend their kind."""
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[_Candidate] = []
    for cand in candidates:
        clash = next(
            (
                k
                for k in kept
                if cand.start < k.end and k.start < cand.end and not _nested_employer(cand, k)
            ),
            None,
        )
        if clash is None:
            cand.spans.append((cand.start, cand.end))
            kept.append(cand)
        elif (
            cand.known is not None
            and clash.known is None
            and (cand.head[0] >= clash.start and cand.head[1] <= clash.end)
        ):
            clash.known = cand.known
            if cand.head[0] == clash.head[0] or clash.kind == "other":
                clash.kind = cand.kind
    kept.sort(key=lambda c: c.start)
    return kept


def _link_brackets(cands: list[_Candidate], text: str) -> None:
    """'Full Name (ACR)' and 'ACR (Full Name)': the bracketed form is an alias."""
    for cand in cands:
        after = re.match(r"\s*\(([^()\n]{2,12})\)", text[cand.end : cand.end + 16])
        if after and _ACRONYM.match(after.group(1).strip()):
            acr = after.group(1).strip()
            pos = cand.end + after.start(1)
            cand.aliases.setdefault(acr, (pos, pos + len(acr)))


def _key(cand: _Candidate, text: str, morph: Morphology | None) -> str:
    return _norm(_nominative(cand, text, morph))


def _quoted(name: str) -> str | None:
    match = re.search(r"[«“\"„]([^«»“”\"„]{2,40})[»”\"“]", name)
    return _norm(match.group(1)) if match else None


class _AdminWords:
    """Administrative words ("province", "شهرستان") found in the article: names that differ
    only by them ("انجمن ... سنندج" / "انجمن ... شهرستان سنندج") are one organisation."""

    def __init__(self, doc: ArticleText, res: LanguageResources) -> None:
        self.text = doc.text
        self.spans = [(h.start, h.end) for h in res.admin_words.finditer(doc.folded)]

    def bare(self, cand: _Candidate) -> str:
        pieces, pos = [], cand.start
        for start, end in self.spans:
            if cand.start <= start and end <= cand.end and start >= pos:
                pieces.append(self.text[pos:start])
                pos = end
        pieces.append(self.text[pos : cand.end])
        return _norm("".join(pieces))


def _merge(
    cands: list[_Candidate], text: str, morph: Morphology | None, admin: _AdminWords
) -> list[_Candidate]:
    """One entry per organisation: equal or contained names (in the nominative), the same
    quoted proper name, the same known entry, or the same name but for admin words."""
    out: list[_Candidate] = []
    for cand in cands:
        name = _key(cand, text, morph)
        quoted = _quoted(text[cand.start : cand.end])
        bare = admin.bare(cand)
        target = None
        for other in out:
            other_name = _key(other, text, morph)
            same_known = cand.known is not None and cand.known == other.known
            same_quote = quoted is not None and quoted == _quoted(text[other.start : other.end])
            if (
                same_known
                or same_quote
                or name == other_name
                or (bare == admin.bare(other) and cand.kind == other.kind)
                or (cand.kind == other.kind and _shortened(name, other_name))
                or (
                    len(name) > 3
                    and len(other_name) > 3
                    and (name in other_name or other_name in name)
                    and cand.kind == other.kind
                )
            ):
                target = other
                break
        if target is None:
            out.append(cand)
            continue
        target.spans.append((cand.start, cand.end))
        target.aliases.update(cand.aliases)
        if cand.end - cand.start > target.end - target.start:
            target.aliases.setdefault(text[target.start : target.end], (target.start, target.end))
            target.start, target.end, target.head = cand.start, cand.end, cand.head
        else:
            form = text[cand.start : cand.end]
            if _norm(form) != _norm(text[target.start : target.end]):
                target.aliases.setdefault(form, (cand.start, cand.end))
        if target.known is None:
            target.known = cand.known
    return out


def _shortened(a: str, b: str) -> bool:
    """One name is the other without a generic word ("شورای اسلامی کار پتروشیمی سپهر" /
    "شورای اسلامی کار شرکت پتروشیمی سپهر ماهشهر"): same first word, the shorter one's
    words in order inside the longer one, at least three of them."""
    short, long_ = sorted((a.split(), b.split()), key=len)
    if len(short) < 3 or short[0] != long_[0]:
        return False
    it = iter(long_)
    return all(word in it for word in short)


def _link_acronyms(cands: list[_Candidate], doc: ArticleText) -> None:
    """Upper-case tokens whose letters are the initials of an organisation found here."""
    for tok in doc.tokens:
        word = re.split(r"['’]", tok.text.strip("'’-"), maxsplit=1)[0]
        if not _ACRONYM.match(word) or sum(ch.isupper() for ch in word) < 2:
            continue
        for cand in cands:
            if cand.start <= tok.start < cand.end:
                break
            name = doc.text[cand.start : cand.end]
            if (
                word in cand.aliases
                or _acronym_matches(word, name)
                or any(_acronym_matches(word, alias) for alias in cand.aliases)
            ):
                cand.aliases.setdefault(word, (tok.start, tok.start + len(word)))
                cand.spans.append((tok.start, tok.start + len(word)))
                break


def _nominative(cand: _Candidate, text: str, morph: Morphology | None) -> str:
    written = text[cand.start : cand.end]
    if morph is None:
        return written
    words = written.split(" ")
    head_token = len(text[cand.start : cand.head[0]].split())
    if 0 <= head_token < len(words):
        return " ".join(morph.phrase_head_to_nominative(words, head_token))
    return written


def _to_mention(
    cand: _Candidate, text: str, res: LanguageResources, morph: Morphology | None
) -> OrganisationMention:
    written = text[cand.start : cand.end]
    name = _nominative(cand, text, morph)
    aliases = dict(cand.aliases)
    if name != written:
        aliases.setdefault(written, (cand.start, cand.end))
    known = res.known_organisations[cand.known] if cand.known is not None else None
    if known is not None:
        for form in (known.name, *known.aliases):
            if _norm(form) != _norm(name) and _norm(form) in _norm(" ".join([written, *aliases])):
                aliases.setdefault(form, (0, 0))
    spans = sorted({*cand.spans, *(s for s in aliases.values() if s != (0, 0))})
    alias_names = tuple(sorted(a for a in aliases if _norm(a) != _norm(name)))
    return OrganisationMention(
        name=name,
        kind=cand.kind,
        aliases=alias_names,
        country=known.country if known else None,
        spans=tuple(Span(s, e, "organization") for s, e in spans),
        confidence=0.85 if known else 0.65,
    )
