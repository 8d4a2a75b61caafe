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
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.pipeline.extract.tokens import Token
from laborlens.records import OrganisationMention, PlaceMention, Span
from laborlens.resources.patterns import LexiconHit, fold_for_matching
from laborlens.resources.schema import LanguageResources

MAX_NAME_TOKENS = 14
MAX_UNCASED_TOKENS = 6
FREE_UNCASED = 2
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
        self.role_starts = {doc.token_start(h.start) for h in res.roles.finditer(doc.folded)}
        self.place_ends = {s.start: s.end for p in places for s in p.spans}
        admin = list(res.admin_words.finditer(doc.folded))
        self.admin_ends = {h.end for h in admin}
        self._head_start = 0
        self.admin_cover = [(h.start, h.end) for h in admin]

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

    def expand(self, head_start: int, head_end: int) -> tuple[int, int] | None:
        first = self.token_at(head_start)
        last = self.token_at(max(head_end - 1, head_start))
        if first is None or last is None:
            return None
        head_text = self.doc.text[head_start:head_end]
        if _is_cased(head_text):
            return self._expand_cased(first, last)
        self._head_start = self._name_start(head_start)
        return self._expand_uncased(first, last)

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

    def _expand_uncased(self, first: int, last: int) -> tuple[int, int] | None:
        """Without capitals a name runs on through at most ``FREE_UNCASED`` ordinary words;
        places and administrative words may extend it, and a place ends it."""
        toks, text = self.tokens, self.doc.text
        hi = last
        definite_seen = self.continues(toks[last])
        free = 0
        while hi + 1 < len(toks) and hi - first < MAX_UNCASED_TOKENS:
            nxt = toks[hi + 1]
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
                continue
            if self.res.org_continuation is not None:
                if self.continues(nxt):
                    definite_seen = True
                elif definite_seen or free >= 2:
                    break
            elif free >= FREE_UNCASED:
                break
            free += 1
            hi += 1
        if hi == last:
            return None  # a bare head noun ("the organisation") names nothing
        return self._head_start, toks[hi].end


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
        span = scanner.expand(hit.start, hit.end)
        if span is not None:
            candidates.append(_Candidate(span[0], span[1], hit.label, (hit.start, hit.end)))
    for hit in res.known_org_lexicon.finditer(doc.folded):
        known = res.known_organisations[int(hit.label)]
        span = scanner.expand(hit.start, hit.end) if res.org_head_position == "initial" else None
        start, end = span if span and span[1] > hit.end else (hit.start, _before_suffix(text, hit))
        candidates.append(
            _Candidate(start, end, known.kind, (hit.start, hit.end), known=int(hit.label))
        )
    accepted = _resolve_overlaps(candidates)
    _link_brackets(accepted, text)
    merged = _merge(accepted, text, morph)
    _link_acronyms(merged, doc)
    return tuple(_to_mention(c, text, res, morph) for c in merged)


def _resolve_overlaps(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep the longest of overlapping candidates; known entries lend their kind."""
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[_Candidate] = []
    for cand in candidates:
        clash = next((k for k in kept if cand.start < k.end and k.start < cand.end), None)
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


def _merge(cands: list[_Candidate], text: str, morph: Morphology | None) -> list[_Candidate]:
    """One entry per organisation: equal or contained names (in the nominative), the same
    quoted proper name, or the same known entry."""
    out: list[_Candidate] = []
    for cand in cands:
        name = _key(cand, text, morph)
        quoted = _quoted(text[cand.start : cand.end])
        target = None
        for other in out:
            other_name = _key(other, text, morph)
            same_known = cand.known is not None and cand.known == other.known
            same_quote = quoted is not None and quoted == _quoted(text[other.start : other.end])
            if (
                same_known
                or same_quote
                or name == other_name
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
