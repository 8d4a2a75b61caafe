"""People: names next to role titles or honorifics, with role, organisation and Latin form.

News names people through a title ("CHP Genel Başkanı Özgür Özel"), an apposition
("X, secretary general of ...", Persian "X مدیرکل ...") or an honorific ("ông", "آقای",
"الأخ"). The language file says where the name usually sits relative to the title and
lists given names, which matter most in scripts without capitals. Russian names in oblique
cases are put back in the nominative by the morphology backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from laborlens.pipeline.backends.morphology import Morphology
from laborlens.pipeline.backends.romanise import romanise
from laborlens.pipeline.backends.segmentation import Word, segment
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.organisations import unspaced
from laborlens.pipeline.extract.tokens import Token
from laborlens.records import OrganisationMention, PersonMention, PlaceMention, Span
from laborlens.resources.codebook import load_codebook
from laborlens.resources.patterns import LexiconHit
from laborlens.resources.schema import LanguageResources

_CLAUSE_END = re.compile(r"[.;:!?()\[\]\n«»\"“”]")
MAX_TITLE_COMPLEMENT = 8
_SEPARATORS = re.compile(r"[,،;:؛.!?()\[\]\n«»\"“”–—]")
# Between a name and the title after it: spaces, a comma, and at most a short partitive
# word ("X، از اعضای ...", "X, one of the ...").
_APPOSITION_GAP = re.compile(r"[\s,،]*(?:\w{1,2}\s+)?")
# Nouns that can stand in a title slot but name a group, not an office: they identify a
# person only next to a known given name.
WEAK_ROLES = frozenset(
    {
        "worker",
        "representative",
        "member",
        "employee",
        "activist",
        "union activist",
        "labour activist",
    }
)


# How far before a name its title may stand ('Chair of the X federation, Mr Name').
TITLE_BEFORE_GAP = 60


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
        relevance = list(res.relevance.finditer(doc.folded))
        self.worker_starts = sorted(
            doc.token_start(h.start) for h in relevance if h.label == "workers"
        )
        self.vocabulary_starts = {
            doc.token_start(h.start) for h in [*relevance, *res.events.finditer(doc.folded)]
        }

    def _covered(self, tok: Token, spans: list[tuple[int, int]]) -> bool:
        return any(s <= tok.start < e for s, e in spans)

    def _in_org(self, tok: Token) -> bool:
        return any(s <= tok.start < e for s, e, _ in self.org_spans)

    def name_token(self, tok: Token) -> bool:
        """Could this token be part of a person's name?"""
        if (tok.start in self.stop_starts and not self.given(tok)) or tok.start in self.head_starts:
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
        if tok.start in self.vocabulary_starts and not self.given(tok):
            return False  # "وفدا", "کارگران": a word of the lexicon, not a name
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

    def org_in_title(self, role: LexiconHit) -> tuple[int, OrganisationMention] | None:
        """A title that swallows its organisation's head ("رئیس اتحادیه ...", "union
        president"): the organisation starts inside the title."""
        for s, e, org in self.org_spans:
            if role.start <= s < role.end < e:
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
        if i is None:
            return []
        if not _cased(self.tokens[i].text):
            return self._given_name_further_on(i, offset, limit)
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

    def given(self, tok: Token) -> bool:
        return tok.text.casefold() in self.res.given_names

    def _given_name_further_on(self, i: int, offset: int, limit: int) -> list[Token]:
        """Without capitals: 'الأمين العام للاتحاد الجهوي للشغل بصفاقس يوسف العوادني' — the
        name after the title's complement starts with a known given name; a comma ends the
        search unless the name follows it at once ('..., نور الدين الطبوبي')."""
        previous_end = offset
        for _ in range(MAX_TITLE_COMPLEMENT):
            if i >= len(self.tokens):
                break
            tok = self.tokens[i]
            gap = self.doc.text[previous_end : tok.start]
            if _CLAUSE_END.search(gap):
                break
            comma = bool(re.search(r"[,،]", gap))
            if self.given(tok) and self.name_token(tok):
                run = self.run_after(i, limit)
                return run if len(run) >= 2 and self.given(run[0]) else []
            if comma:
                break
            previous_end = tok.end
            i += 1
        return []

    def coordinated(self, run: list[Token], limit: int, toward_title: str) -> list[list[Token]]:
        """Names listed with the one next to a title share its title: "رضا فتاحی و شهلا
        کریمی، اعضای هیئت مدیره", "members Ana Ruiz, Luis Gil and Eva Sanz". Items are
        joined by a comma or a short conjunction (a stop word of three letters at most)."""
        out: list[list[Token]] = []
        step = -1 if toward_title == "before" else 1
        edge = run[0] if step < 0 else run[-1]
        while len(out) < 6:
            i = self.index.get(edge.start)
            if i is None:
                break
            j = i + step
            if not 0 <= j < len(self.tokens):
                break
            gap_tok = self.tokens[j]
            gap = (
                self.doc.text[gap_tok.end : edge.start]
                if step < 0
                else self.doc.text[edge.end : gap_tok.start]
            )
            if re.search(r"[,،]", gap) and gap.strip() in {",", "،"}:
                k = j
            elif (
                gap.strip() == ""
                and gap_tok.start in self.stop_starts
                and len(gap_tok.text) <= 3
                and not _cased(gap_tok.text[:1])
            ):
                k = j + step
            else:
                break
            other = self.run_before(k, limit) if step < 0 else self.run_after(k, limit)
            if not other or not self._list_item(other):
                break
            out.append(other)
            edge = other[0] if step < 0 else other[-1]
        return out

    def bare_names(self, limit: int) -> list[list[Token]]:
        """Names without a title, found by their shape: a known given name and at least one
        more name word ("Peter Otieno", "41 yaşındaki Mahmut Yıldız"). Without capitals the
        run must also stand in apposition ("محمود حسن، ۴۵ ساله"), so that a given name that
        is also a common word ("امید", "أمل") followed by a verb is not taken for a person."""
        out: list[list[Token]] = []
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if not (self.given(tok) and self.name_token(tok)):
                i += 1
                continue
            run = self.run_after(i, limit)
            if len(run) >= 2 and run[0].start == tok.start and self._bare_shape(run):
                out.append(run)
                i = self.index.get(run[-1].start, i) + 1
            else:
                i += 1
        return out

    def _bare_shape(self, run: list[Token]) -> bool:
        if _cased(run[0].text):
            return all(_upper(t) or self.particle(t) for t in run)
        after = self.doc.text[run[-1].end : run[-1].end + 4]
        if re.match(r"\s*[,،(]", after):
            return True
        following = self.coordinated(run, len(run) + 1, toward_title="after")
        return bool(following) and bool(
            re.match(r"\s*[,،(]", self.doc.text[following[-1][-1].end :])
        )

    def worker_near(self, start: int) -> bool:
        """A person named without a title in or right after a sentence about workers
        ("Şoförlerden 41 yaşındaki Mahmut Yıldız"; "The drivers are unpaid. 'We cannot pay
        rent,' said Peter Otieno") is quoted as one of them."""
        sentence = self.doc.sentence_index(start)
        return any(0 <= sentence - self.doc.sentence_index(w) <= 1 for w in self.worker_starts)

    def _list_item(self, run: list[Token]) -> bool:
        if _cased(run[0].text):
            return len(run) >= 2
        return len(run) >= 2 and self.given(run[0])

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
    if unspaced(res):
        return tuple(_finish(_unspaced_people(finder), finder, doc.lang, morph))
    found: list[_Person] = []
    limit = res.max_name_tokens
    for role in finder.roles:
        found.extend(_around_role(finder, role, limit))
    for hit in res.honorifics.finditer(doc.folded):
        run = finder.run_after(finder.token_index_after(hit.end), limit)
        if (
            run
            and finder.plausible(run, strong_cue=True)
            and not any(p.start <= run[0].start < p.end for p in found)
        ):
            person = _Person([t.text for t in run], run[0].start, run[-1].end, None, None, 0.6)
            _role_beside(finder, person)
            if person.role is None and finder.worker_near(run[0].start):
                person.role = "worker"
            found.append(person)
    for run in finder.bare_names(limit):
        if any(p.start <= run[-1].start and run[0].start < p.end for p in found):
            continue
        person = _Person([t.text for t in run], run[0].start, run[-1].end, None, None, 0.5)
        _role_beside(finder, person)
        if person.role is None and finder.worker_near(run[0].start):
            person.role = "worker"
        found.append(person)
    return tuple(_finish(found, finder, doc.lang, morph))


# Tags after which a name has ended: verbs, prepositions, conjunctions, adverbs, particles,
# punctuation (jieba's part-of-speech tags).
_AFTER_NAME_TAGS = ("v", "p", "c", "d", "u", "x", "r")


def _unspaced_people(finder: _Finder) -> list[_Person]:
    """Scripts without spaces (Chinese): a name is a surname from the language file's name
    list plus one or two characters, written right after a title ("理事長陳志明",
    "骑手李永强说"). Its end is where a stop word, a verb or punctuation begins; the
    segmenter's person tag decides when that is unclear."""
    doc, res = finder.doc, finder.res
    words = segment(doc.text)
    word_at = {w.start: w for w in words}
    stop_starts = {h.start for h in res.org_stop_words.finditer(doc.folded)}
    found: list[_Person] = []
    for role in finder.roles:
        name = _unspaced_name(doc.text, role.end, res.given_names, word_at, stop_starts)
        if name is None or any(p.start <= name[0] < p.end for p in found):
            continue
        org = _org_of_title(finder, role)
        confidence = 0.5 if role.label in WEAK_ROLES else 0.75
        found.append(
            _Person(
                [doc.text[name[0] : name[1]]],
                name[0],
                name[1],
                role.label,
                org.name if org else None,
                confidence,
                [(name[0], name[1]), (role.start, role.end)],
            )
        )
    return found


def _org_of_title(finder: _Finder, role: LexiconHit) -> OrganisationMention | None:
    """The organisation written right before a title, or sharing its first characters
    ("勞工局長": the bureau's name ends inside the title)."""
    for s, e, org in finder.org_spans:
        if s < role.start and role.start - 1 <= e <= role.end:
            return org
    return None


def _unspaced_name(
    text: str,
    at: int,
    surnames: frozenset[str],
    word_at: dict[int, Word],
    stop_starts: set[int],
) -> tuple[int, int] | None:
    surname = next(
        (n for n in (2, 1) if text[at : at + n] in surnames and len(text) > at + n), None
    )
    if surname is None:
        return None

    def ends_here(pos: int) -> bool:
        if pos >= len(text) or not text[pos].isalpha() or pos in stop_starts:
            return True
        word = word_at.get(pos)
        return word is not None and word.tag.startswith(_AFTER_NAME_TAGS)

    word = word_at.get(at)
    if word is not None and word.tag.startswith("nr") and 2 <= len(word.text) <= 4:
        named: Word | None = word
    else:
        named = None
    for given in (2, 1):
        end = at + surname + given
        if word is not None and named is None and word.end >= end:
            return None  # a common word that starts with a surname ("高處", "周末")
        if all(ch.isalpha() for ch in text[at:end]) and ends_here(end):
            return at, end
    return (named.start, named.end) if named else None


def _around_role(finder: _Finder, role: LexiconHit, limit: int) -> list[_Person]:
    """The person a title names, and anyone coordinated with them ("X و Y، اعضای ...")."""
    res = finder.res
    org_after = finder.org_in_title(role) or finder.org_after(role.end + 1)
    org_before = finder.org_before(role.start)
    organisation: OrganisationMention | None = None
    after_from = role.end
    if org_after is not None:
        after_from, organisation = org_after
    elif org_before is not None:
        organisation = org_before[1]
    after = res.name_position in {"after_title", "both"}
    before = res.name_position in {"before_title", "both"}
    # Adjacent names first (title + name, name + title), then a name further on.
    options: list[tuple[list[Token], bool, str]] = []
    if after:
        run = finder.run_after(finder.token_index_after(after_from), limit)
        if run and not finder.joined_gap_ok(run[0].start, after_from):
            run = []
        options.append((run, res.name_position == "after_title", "after"))
    if before:
        i = finder.token_index_before(role.start)
        run = finder.run_before(i, limit)
        if run and not _APPOSITION_GAP.fullmatch(finder.doc.text[run[-1].end : role.start]):
            run = []
        options.append((run, res.name_position == "before_title", "before"))
    weak = role.label in WEAK_ROLES
    for run, preferred, side in _with_further_on(options, finder, after_from, limit, after):
        given = any(finder.given(t) for t in run)
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
            org_name = organisation.name if organisation else None
            confidence = 0.75 if preferred else 0.6
            person = _Person(
                [t.text for t in run],
                run[0].start,
                run[-1].end,
                role.label,
                org_name,
                confidence,
                [(run[0].start, run[-1].end), (role.start, role.end)],
            )
            others = [
                _Person(
                    [t.text for t in other],
                    other[0].start,
                    other[-1].end,
                    role.label,
                    org_name,
                    confidence - 0.1,
                    [(role.start, role.end)],
                )
                for other in finder.coordinated(run, limit, toward_title=side)
            ]
            return [person, *others]
    return []


def _with_further_on(
    options: list[tuple[list[Token], bool, str]],
    finder: _Finder,
    after_from: int,
    limit: int,
    after: bool,
) -> Iterator[tuple[list[Token], bool, str]]:
    """The adjacent candidates first; only when none of them is a name, a name further on."""
    yield from options
    if after:
        yield finder.name_further_on(after_from, limit), True, "after"


def _role_beside(finder: _Finder, person: _Person) -> None:
    """The role of a person found by an honorific or as a bare name: a title right after the
    name, else one shortly before it in its sentence."""
    _apposition_role(finder, person)
    if person.role is None:
        _title_before(finder, person)


def _take_role(finder: _Finder, person: _Person, role: LexiconHit, org_until: int | None) -> None:
    """Give ``person`` the title ``role`` and the organisation named right after it (when
    that organisation starts before ``org_until``)."""
    person.role = role.label
    person.spans.append((role.start, role.end))
    org = finder.org_after(role.end + 1)
    if org is not None and (org_until is None or org[0] <= org_until):
        person.organisation = org[1].name


def _apposition_role(finder: _Finder, person: _Person) -> None:
    """'Name, title of Org' or 'Name - title' right after an honorific-introduced name; a
    title before the name is not its apposition."""
    for role in finder.roles:
        if role.start < person.end:
            continue
        gap = finder.doc.text[person.end : role.start]
        if len(gap) <= 3 and gap.strip(" ,،-–—") == "":
            _take_role(finder, person, role, None)
            person.confidence = 0.75
            return


def _title_before(finder: _Finder, person: _Person) -> None:
    """'Title of Org, Mr Name': the nearest title shortly before the name, in its sentence."""
    sentence = finder.doc.sentence_index(person.start)
    before = [
        role
        for role in finder.roles
        if role.end <= person.start
        and person.start - role.end <= TITLE_BEFORE_GAP
        and finder.doc.sentence_index(role.start) == sentence
    ]
    if before:
        _take_role(finder, person, before[-1], person.start)


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
        if person.role and (
            same.role is None or (same.role in WEAK_ROLES and person.role not in WEAK_ROLES)
        ):
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
