"""People: names next to role titles or honorifics, with role, organisation and Latin form.

News names people through a title ("CHP Genel Başkanı Özgür Özel"), an apposition
("X, secretary general of ...", Persian "X مدیرکل ...") or an honorific ("ông", "آقای",
"الأخ"). The language file says where the name usually sits relative to the title and
lists given names, which matter most in scripts without capitals. Russian names in oblique
cases are put back in the nominative by the morphology backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from laborlens.pipeline.backends.morphology import Morphology
from laborlens.pipeline.backends.romanise import romanise
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.tokens import Token
from laborlens.records import OrganisationMention, PersonMention, PlaceMention, Span
from laborlens.resources.codebook import load_codebook
from laborlens.resources.patterns import LexiconHit
from laborlens.resources.schema import LanguageResources

_CLAUSE_END = re.compile(r"[.;:!?()\[\]\n«»\"“”]")
MAX_TITLE_COMPLEMENT = 8
_SEPARATORS = re.compile(r"[,،;:؛.!?()\[\]\n«»\"“”–—]")
# Nouns that can stand in a title slot but name a group, not an office: they identify a
# person only next to a known given name.
WEAK_ROLES = frozenset({"worker", "representative", "member", "employee", "activist"})


@dataclass
class _Person:
    words: list[str]
    start: int
    end: int
    role: str | None
    organisation: str | None
    confidence: float
    spans: list[tuple[int, int]] = field(default_factory=list)


def _cased(word: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in word)


def _upper(tok: Token) -> bool:
    return tok.text[:1].isupper()


class _Finder:
    def __init__(
        self,
        doc: ArticleText,
        res: LanguageResources,
        morph: Morphology | None,
        orgs: tuple[OrganisationMention, ...],
        places: tuple[PlaceMention, ...],
    ) -> None:
        self.doc, self.res, self.morph = doc, res, morph
        self.tokens = list(doc.tokens)
        self.index = {t.start: i for i, t in enumerate(self.tokens)}
        self.roles = list(res.roles.finditer(doc.folded))
        self.role_cover = [(h.start, h.end) for h in self.roles]
        self.org_spans = sorted(
            ((s.start, s.end, o) for o in orgs for s in o.spans if s.end > s.start),
            key=lambda x: (x[0], -x[1]),
        )
        self.place_cover = [(s.start, s.end) for p in places for s in p.spans]
        self.stop_starts = {
            doc.token_start(h.start) for h in res.org_stop_words.finditer(doc.folded)
        }
        self.head_starts = {doc.token_start(h.start) for h in res.org_heads.finditer(doc.folded)}
        self.apostrophe_suffixes = "'" in res.word_suffix
        self.honorific_cover = [(h.start, h.end) for h in res.honorifics.finditer(doc.folded)]

    def _covered(self, tok: Token, spans: list[tuple[int, int]]) -> bool:
        return any(s <= tok.start < e for s, e in spans)

    def _in_org(self, tok: Token) -> bool:
        return any(s <= tok.start < e for s, e, _ in self.org_spans)

    def name_token(self, tok: Token) -> bool:
        """Could this token be part of a person's name?"""
        if tok.start in self.stop_starts or tok.start in self.head_starts:
            return False
        if self._covered(tok, self.role_cover) or self._covered(tok, self.place_cover):
            return False
        if self._covered(tok, self.honorific_cover):
            return False
        if self._in_org(tok) or any(ch.isdigit() for ch in tok.text):
            return False
        if _cased(tok.text):
            if len(tok.text) == 1:
                return tok.text.isupper()
            return _upper(tok) and not tok.text.isupper()
        return len(tok.text) > 1

    def token_index_after(self, offset: int) -> int | None:
        for i, tok in enumerate(self.tokens):
            if tok.start >= offset:
                return i
        return None

    def token_index_before(self, offset: int) -> int | None:
        for i in range(len(self.tokens) - 1, -1, -1):
            if self.tokens[i].end <= offset:
                return i
        return None

    def joined_gap_ok(self, name_start: int, after_from: int) -> bool:
        """Between the title (and its organisation) and the name: spaces or one comma only."""
        gap = self.doc.text[after_from:name_start]
        return len(gap) <= 3 and not re.search(r"[.!?;:\n()]", gap)

    def joined(self, a: Token, b: Token) -> bool:
        gap = self.doc.text[a.end : b.start]
        return len(gap) <= 2 and not _SEPARATORS.search(gap)

    def org_after(self, offset: int) -> tuple[int, OrganisationMention] | None:
        for s, e, org in self.org_spans:
            if offset <= s <= offset + 2:
                return e, org
        return None

    def org_before(self, offset: int) -> tuple[int, OrganisationMention] | None:
        for s, e, org in self.org_spans:
            if offset - 3 <= e <= offset and s < offset:
                return s, org
        return None

    def run_after(self, i: int | None, limit: int) -> list[Token]:
        if i is None:
            return []
        out: list[Token] = []
        while i < len(self.tokens) and len(out) < limit:
            tok = self.tokens[i]
            if out and not self.joined(out[-1], tok):
                break
            after_particle = bool(out) and self.particle(out[-1])
            if not self.name_token(tok) and not after_particle:
                break
            bare = _without_suffix(tok) if self.apostrophe_suffixes else tok
            out.append(bare)
            if bare is not tok:
                break
            i += 1
        return self._trim(out)

    def name_further_on(self, offset: int, limit: int) -> list[Token]:
        """'Директор завода Андрей Лапшин': in scripts with capitals the name may follow the
        title's own complement; look a few words on, within the clause, for a full name."""
        i = self.token_index_after(offset)
        if i is None or not _cased(self.tokens[i].text):
            return []
        previous_end = offset
        for _ in range(MAX_TITLE_COMPLEMENT):
            if i >= len(self.tokens):
                break
            tok = self.tokens[i]
            if _CLAUSE_END.search(self.doc.text[previous_end : tok.start]):
                break
            if self.name_token(tok) and (self.morph is None or self.morph.is_person_name(tok.text)):
                run = self.run_after(i, limit)
                return run if len(run) >= 2 else []
            previous_end = tok.end
            i += 1
        return []

    def particle(self, tok: Token) -> bool:
        return self.doc.folded[tok.start : tok.end] in self.res.name_particles

    def _trim(self, run: list[Token]) -> list[Token]:
        """Drop edge words that are not names: before a known given name in a script without
        capitals ("نشست حسین رضایی"), or not a name to the morphology backend."""
        if run and not _cased(run[0].text):
            given = [i for i, t in enumerate(run) if t.text.casefold() in self.res.given_names]
            if given:
                return run[given[0] :]
        if self.morph is None or len(run) < 2:
            return run
        while len(run) > 1 and not self.morph.is_person_name(run[0].text):
            run = run[1:]
        while len(run) > 1 and not self.morph.is_person_name(run[-1].text):
            run = run[:-1]
        return run

    def run_before(self, i: int | None, limit: int) -> list[Token]:
        if i is None:
            return []
        out: list[Token] = []
        while i >= 0 and len(out) < limit:
            tok = self.tokens[i]
            if out and not self.joined(tok, out[0]):
                break
            if not self.name_token(tok):
                break
            out.insert(0, _without_suffix(tok) if self.apostrophe_suffixes else tok)
            i -= 1
        return self._trim(out)

    def after_boundary(self, run: list[Token]) -> bool:
        """The run starts a clause or a list item: sentence start or punctuation before it."""
        before = self.doc.text[max(0, run[0].start - 3) : run[0].start]
        return run[0].start < 3 or bool(_SEPARATORS.search(before))

    def plausible(self, run: list[Token], strong_cue: bool) -> bool:
        if not run:
            return False
        if _cased(run[0].text):
            if self.morph is not None and not any(self.morph.is_person_name(t.text) for t in run):
                return len(run) >= 2 and strong_cue
            return len(run) >= 2 or strong_cue
        given = any(t.text.casefold() in self.res.given_names for t in run)
        return given or strong_cue


def _without_suffix(tok: Token) -> Token:
    """Özel'in → Özel: the apostrophe suffix is grammar, not name."""
    for mark in ("'", "’"):
        cut = tok.text.find(mark, 1)
        if cut > 0:
            return Token(tok.start, tok.start + cut, tok.text[:cut])
    return tok


def _latin(words: list[str], lang: str) -> str:
    text = romanise(" ".join(words), "IR" if lang == "fa" else None)
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def extract_people(
    doc: ArticleText,
    organisations: tuple[OrganisationMention, ...] = (),
    places: tuple[PlaceMention, ...] = (),
    morph: Morphology | None = None,
) -> tuple[PersonMention, ...]:
    """Persons with a normalised English role and their organisation, where stated."""
    res = doc.resources
    if res is None:
        return ()
    finder = _Finder(doc, res, morph, organisations, places)
    found: list[_Person] = []
    limit = res.max_name_tokens
    for role in finder.roles:
        person = _around_role(finder, role, limit)
        if person is not None:
            found.append(person)
    for hit in res.honorifics.finditer(doc.folded):
        run = finder.run_after(finder.token_index_after(hit.end), limit)
        if (
            run
            and finder.plausible(run, strong_cue=True)
            and not any(p.start <= run[0].start < p.end for p in found)
        ):
            person = _Person([t.text for t in run], run[0].start, run[-1].end, None, None, 0.6)
            _apposition_role(finder, person)
            found.append(person)
    return tuple(_finish(found, finder, doc.lang, morph))


def _around_role(finder: _Finder, role: LexiconHit, limit: int) -> _Person | None:
    res = finder.res
    org_after = finder.org_after(role.end + 1)
    org_before = finder.org_before(role.start)
    organisation: OrganisationMention | None = None
    after_from = role.end
    if org_after is not None:
        after_from, organisation = org_after
    elif org_before is not None:
        organisation = org_before[1]
    options = []
    if res.name_position in {"after_title", "both"}:
        run = finder.run_after(finder.token_index_after(after_from), limit)
        if run and not finder.joined_gap_ok(run[0].start, after_from):
            run = []
        if not run:
            run = finder.name_further_on(after_from, limit)
        options.append((run, res.name_position == "after_title"))
    if res.name_position in {"before_title", "both"}:
        i = finder.token_index_before(role.start)
        run = finder.run_before(i, limit)
        if run and finder.doc.text[run[-1].end : role.start].strip(" ,،") != "":
            run = []
        options.append((run, res.name_position == "before_title"))
    weak = role.label in WEAK_ROLES
    for run, preferred in options:
        given = any(t.text.casefold() in res.given_names for t in run)
        # Without capitals or a known given name, only a list item "Name title, ..." counts.
        if (
            run
            and not _cased(run[0].text)
            and not given
            and (weak or not finder.after_boundary(run) or run[0].start > role.start)
        ):
            continue
        if weak and not given:
            continue
        if finder.plausible(run, strong_cue=preferred):
            if organisation is None and org_after is None:
                nearby = finder.org_after(run[-1].end + 1)
                organisation = nearby[1] if nearby else None
            return _Person(
                [t.text for t in run],
                run[0].start,
                run[-1].end,
                role.label,
                organisation.name if organisation else None,
                0.75 if preferred else 0.6,
                [(run[0].start, run[-1].end), (role.start, role.end)],
            )
    return None


def _apposition_role(finder: _Finder, person: _Person) -> None:
    """'Name, title of Org' right after an honorific-introduced name."""
    for role in finder.roles:
        gap = finder.doc.text[person.end : role.start]
        if 0 <= len(gap) <= 3 and gap.strip(" ,،") == "":
            person.role = role.label
            person.spans.append((role.start, role.end))
            org = finder.org_after(role.end + 1)
            if org is not None:
                person.organisation = org[1].name
            person.confidence = 0.75
            return


def _finish(
    found: list[_Person], finder: _Finder, lang: str, morph: Morphology | None
) -> list[PersonMention]:
    """Merge mentions of one person (full name first, surname alone later)."""
    merged: list[_Person] = []
    for person in sorted(found, key=lambda p: (-len(p.words), p.start)):
        key = person.words[-1].casefold()
        same = next(
            (
                m
                for m in merged
                if m.words[-1].casefold() == key or " ".join(person.words) == " ".join(m.words)
            ),
            None,
        )
        if same is None:
            merged.append(person)
            person.spans.append((person.start, person.end))
            continue
        same.spans += [*person.spans, (person.start, person.end)]
        if same.role is None and person.role:
            same.role = person.role
        if same.organisation is None and person.organisation:
            same.organisation = person.organisation
    org_kind = {o.name: o.kind for _, _, o in finder.org_spans}
    out = []
    for person in sorted(merged, key=lambda p: p.start):
        words = person.words
        if morph is not None:
            words = morph.person_to_nominative(words)
        role = person.role
        if role:
            kind = org_kind.get(person.organisation or "")
            role = load_codebook().normalise_role(role, kind)
        spans = sorted(set(person.spans))
        out.append(
            PersonMention(
                name=" ".join(words),
                name_latin=_latin(words, lang),
                role=role,
                organization=person.organisation,
                spans=tuple(Span(s, e, "person") for s, e in spans),
                confidence=person.confidence,
            )
        )
    return out
