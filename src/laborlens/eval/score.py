"""Scores predictions against gold, per language and per field (micro-averaged).

Fields and what counts (CODEBOOK sections 3 and 6):

- labour: precision / recall / F1 of the article-level decision;
- type: the main event's type, over gold-labour articles with a gold event;
- date: the main event's date at the gold precision, null and value alike, same articles;
- country, issue: F1 over the codes of all events of an article;
- place: F1, matching on ``name`` or ``name_en``; organization: F1, predicted name against gold
  name or aliases; person: F1 on ``name`` or ``name_latin``. A match is equality or
  containment after case and Unicode normalisation, one-to-one;
- role: accuracy of the role over matched people.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from laborlens.config import Settings
from laborlens.eval.gold import (
    CodedArticle,
    CodedEvent,
    CodedOrganisation,
    CodedPerson,
    CodedPlace,
)
from laborlens.export import is_labour
from laborlens.records import Article, Event, SkippedRecord, Span
from laborlens.resources.patterns import fold_for_matching

if TYPE_CHECKING:
    from laborlens.pipeline.context import StageContext

logger = logging.getLogger(__name__)

ALL = "ALL"
FIELDS: tuple[str, ...] = (
    "labour",
    "type",
    "date",
    "country",
    "place",
    "organization",
    "person",
    "role",
    "issue",
)
# The metric names a gate file and the JSON report use, in table order.
METRICS: tuple[str, ...] = (
    "labour_precision",
    "labour_recall",
    "labour_f1",
    "type_accuracy",
    "date_accuracy",
    "country_f1",
    "place_f1",
    "organization_f1",
    "person_f1",
    "role_accuracy",
    "issue_f1",
)
_MIN_CONTAINED = 2  # a one-letter name "contained" in another says nothing


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts for precision, recall and F1; metrics are None when nothing was at stake."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else None


@dataclass(frozen=True, slots=True)
class Accuracy:
    correct: int = 0
    total: int = 0

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class FieldError:
    """One wrong field of one article, with the text the extractor based its answer on."""

    article_id: str
    lang: str
    field: str
    expected: str
    predicted: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts for one language (or ALL); add two to pool them (micro-averaging)."""

    articles: int = 0
    labour: PRF = PRF()
    type: Accuracy = Accuracy()
    date: Accuracy = Accuracy()
    country: PRF = PRF()
    place: PRF = PRF()
    organization: PRF = PRF()
    person: PRF = PRF()
    role: Accuracy = Accuracy()
    issue: PRF = PRF()

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            self.articles + other.articles,
            self.labour + other.labour,
            self.type + other.type,
            self.date + other.date,
            self.country + other.country,
            self.place + other.place,
            self.organization + other.organization,
            self.person + other.person,
            self.role + other.role,
            self.issue + other.issue,
        )

    def metrics(self) -> dict[str, float | None]:
        return {
            "labour_precision": self.labour.precision,
            "labour_recall": self.labour.recall,
            "labour_f1": self.labour.f1,
            "type_accuracy": self.type.value,
            "date_accuracy": self.date.value,
            "country_f1": self.country.f1,
            "place_f1": self.place.f1,
            "organization_f1": self.organization.f1,
            "person_f1": self.person.f1,
            "role_accuracy": self.role.value,
            "issue_f1": self.issue.f1,
        }

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name in FIELDS:
            value = getattr(self, name)
            if isinstance(value, PRF):
                out[name] = {"tp": value.tp, "fp": value.fp, "fn": value.fn}
            else:
                out[name] = {"correct": value.correct, "total": value.total}
        return out


@dataclass(frozen=True, slots=True)
class EvalResult:
    """Scores per language plus ALL, and every wrong field."""

    by_lang: Mapping[str, Scores]
    errors: tuple[FieldError, ...] = ()
    missing_predictions: tuple[str, ...] = field(default=())

    def languages(self) -> list[str]:
        """Languages in alphabetical order, ALL last."""
        return [*sorted(k for k in self.by_lang if k != ALL), ALL]


def normalise_name(text: str) -> str:
    """Case, Unicode (NFC) and script-variant folding, with whitespace collapsed."""
    folded = fold_for_matching(unicodedata.normalize("NFC", text))
    return " ".join(folded.split()).strip(" .,;:'\"«»“”()[]")


def names_match(predicted: Iterable[str], gold: Iterable[str]) -> bool:
    """True when a predicted form equals, contains or is contained in a gold form."""
    gold_forms = [g for g in (normalise_name(x) for x in gold) if g]
    for p in (normalise_name(x) for x in predicted):
        if not p:
            continue
        for g in gold_forms:
            if p == g:
                return True
            shorter = min(len(p), len(g))
            if shorter >= _MIN_CONTAINED and (p in g or g in p):
                return True
    return False


P = TypeVar("P")
G = TypeVar("G")


def match_items(
    predicted: Sequence[P], gold: Sequence[G], matches: Callable[[P, G], bool]
) -> list[tuple[int, int]]:
    """A maximum one-to-one matching (augmenting paths); lists are short, so this is cheap."""
    edges = [[j for j, g in enumerate(gold) if matches(p, g)] for p in predicted]
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(predicted)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def _place_match(p: CodedPlace, g: CodedPlace) -> bool:
    return names_match((p.name, p.name_en), (g.name, g.name_en))


def _organisation_match(p: CodedOrganisation, g: CodedOrganisation) -> bool:
    return names_match((p.name,), (g.name, *g.aliases))


def _person_match(p: CodedPerson, g: CodedPerson) -> bool:
    return names_match((p.name, p.name_latin), (g.name, g.name_latin))


def _place_label(p: CodedPlace) -> str:
    return p.name_en or p.name


def _org_label(o: CodedOrganisation) -> str:
    return o.name


def _person_label(p: CodedPerson) -> str:
    return p.name_latin or p.name


def _role(role: str | None) -> str:
    return " ".join((role or "").casefold().replace("-", " ").split())


def _date_key(value: str | None, precision: str | None) -> str | None:
    """The date cut to its precision, so "2023-05" and "2023-05-01"/month compare equal."""
    if value is None:
        return None
    length = {"day": 10, "month": 7, "year": 4}.get(precision or "day", 10)
    return value[:length]


def _unique(items: Iterable[P], key: Callable[[P], str]) -> list[P]:
    """Items of all events, each once (the first occurrence), by normalised key."""
    seen: set[str] = set()
    out: list[P] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _events(article: CodedArticle | None) -> tuple[CodedEvent, ...]:
    return article.events if article is not None and article.labour else ()


def _evidence(events: Sequence[CodedEvent], name: str, limit: int = 6) -> tuple[str, ...]:
    texts: list[str] = []
    for event in events:
        for text in event.evidence_for(name):
            if text not in texts:
                texts.append(text)
    return tuple(texts[:limit])


def _code_evidence(
    events: Sequence[CodedEvent], name: str, codes: Sequence[str]
) -> tuple[str, ...]:
    """Evidence of the spurious codes ("DE: text") when each code kept its own spans."""
    per_code = tuple(
        f"{code}: {text}" for code in codes for text in _evidence(events, f"{name}:{code}")
    )
    return per_code or _evidence(events, name)


def _show_date(value: str | None, precision: str | None) -> str:
    return "null" if value is None else f"{value} ({precision or 'day'})"


def _set_prf(
    gold: Sequence[str], predicted: Sequence[str], fold: Callable[[str], str]
) -> tuple[PRF, list[str], list[str]]:
    g = {fold(x.strip()) for x in gold}
    p = {fold(x.strip()) for x in predicted}
    return PRF(len(g & p), len(p - g), len(g - p)), sorted(g - p), sorted(p - g)


def score_article(
    gold: CodedArticle, predicted: CodedArticle | None
) -> tuple[Scores, list[FieldError]]:
    """Scores of one article; a missing prediction counts as non-labour with nothing found."""
    errors: list[FieldError] = []
    lang = gold.lang

    def wrong(name: str, expected: str, got: str, evidence: tuple[str, ...] = ()) -> None:
        errors.append(FieldError(gold.id, lang, name, expected, got, evidence))

    pred_labour = predicted.labour if predicted is not None else False
    labour = PRF(
        tp=int(gold.labour and pred_labour),
        fp=int(pred_labour and not gold.labour),
        fn=int(gold.labour and not pred_labour),
    )
    if gold.labour != pred_labour:
        wrong(
            "labour",
            str(gold.labour).lower(),
            str(pred_labour).lower(),
            predicted.labour_evidence if predicted is not None else (),
        )

    gold_events = _events(gold)
    pred_events = _events(predicted)
    type_acc = Accuracy()
    date_acc = Accuracy()
    if gold.labour and gold_events:
        g_main = gold_events[0]
        p_main = pred_events[0] if pred_events else None
        p_type = p_main.type if p_main else None
        type_acc = Accuracy(int(p_type == g_main.type), 1)
        if p_type != g_main.type:
            wrong("type", g_main.type, p_type or "—", p_main.evidence_for("type") if p_main else ())
        g_date = _date_key(g_main.date, g_main.date_precision)
        p_date = _date_key(p_main.date, g_main.date_precision) if p_main else None
        p_precision = p_main.date_precision if p_main else None
        same = g_date == p_date and (
            g_date is None or (p_precision or "day") == (g_main.date_precision or "day")
        )
        date_acc = Accuracy(int(same), 1)
        if not same:
            wrong(
                "date",
                _show_date(g_main.date, g_main.date_precision),
                _show_date(p_main.date if p_main else None, p_precision),
                p_main.evidence_for("date") if p_main else (),
            )

    country, missing, extra = _set_prf(
        [c for e in gold_events for c in e.countries],
        [c for e in pred_events for c in e.countries],
        str.upper,
    )
    if missing or extra:
        wrong(
            "country",
            ", ".join(missing),
            ", ".join(extra),
            _code_evidence(pred_events, "country", extra),
        )
    issue, missing, extra = _set_prf(
        [c for e in gold_events for c in e.issues],
        [c for e in pred_events for c in e.issues],
        str.lower,
    )
    if missing or extra:
        wrong(
            "issue",
            ", ".join(missing),
            ", ".join(extra),
            _code_evidence(pred_events, "issue", extra),
        )

    g_places = _unique((p for e in gold_events for p in e.places), lambda p: normalise_name(p.name))
    p_places = _unique((p for e in pred_events for p in e.places), lambda p: normalise_name(p.name))
    place = _entity_prf(
        "place", p_places, g_places, matches=_place_match, label=_place_label, wrong=wrong
    )[0]

    g_orgs = _unique(
        (o for e in gold_events for o in e.organizations), lambda o: normalise_name(o.name)
    )
    p_orgs = _unique(
        (o for e in pred_events for o in e.organizations), lambda o: normalise_name(o.name)
    )
    organization = _entity_prf(
        "organization", p_orgs, g_orgs, matches=_organisation_match, label=_org_label, wrong=wrong
    )[0]

    g_people = _unique((p for e in gold_events for p in e.people), lambda p: normalise_name(p.name))
    p_people = _unique((p for e in pred_events for p in e.people), lambda p: normalise_name(p.name))
    person, pairs = _entity_prf(
        "person", p_people, g_people, matches=_person_match, label=_person_label, wrong=wrong
    )
    role = Accuracy()
    for i, j in pairs:
        ok = _role(p_people[i].role) == _role(g_people[j].role)
        role += Accuracy(int(ok), 1)
        if not ok:
            who = g_people[j].name_latin or g_people[j].name
            wrong(
                "role",
                f"{who}: {g_people[j].role or 'null'}",
                f"{who}: {p_people[i].role or 'null'}",
                p_people[i].evidence,
            )

    scores = Scores(
        articles=1,
        labour=labour,
        type=type_acc,
        date=date_acc,
        country=country,
        place=place,
        organization=organization,
        person=person,
        role=role,
        issue=issue,
    )
    return scores, errors


E = TypeVar("E", CodedPlace, CodedOrganisation, CodedPerson)


def _entity_prf(
    name: str,
    predicted: Sequence[E],
    gold: Sequence[E],
    *,
    matches: Callable[[E, E], bool],
    label: Callable[[E], str],
    wrong: Callable[[str, str, str, tuple[str, ...]], None],
) -> tuple[PRF, list[tuple[int, int]]]:
    pairs = match_items(predicted, gold, matches)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    missing = [label(g) for j, g in enumerate(gold) if j not in matched_g]
    extra = [p for i, p in enumerate(predicted) if i not in matched_p]
    if missing or extra:
        evidence = tuple(text for p in extra for text in p.evidence)
        wrong(name, "; ".join(missing), "; ".join(label(p) for p in extra), evidence)
    return PRF(len(pairs), len(extra), len(missing)), pairs


def score(gold: Sequence[CodedArticle], predicted: Mapping[str, CodedArticle]) -> EvalResult:
    """Score predictions (keyed by gold id) per gold language and overall."""
    by_lang: dict[str, Scores] = defaultdict(Scores)
    errors: list[FieldError] = []
    missing: list[str] = []
    for article in gold:
        prediction = predicted.get(article.id)
        if prediction is None:
            missing.append(article.id)
        scores, wrong = score_article(article, prediction)
        by_lang[article.lang] += scores
        by_lang[ALL] += scores
        errors.extend(wrong)
    if missing:
        logger.warning("no prediction for %d gold articles: %s", len(missing), ", ".join(missing))
    return EvalResult(dict(by_lang), tuple(errors), tuple(missing))


def _texts(spans: Iterable[Span], text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.text_of(text) for s in spans))


def _code_event(event: Event, text: str) -> CodedEvent:
    evidence = tuple((s.field, s.text_of(text)) for s in event.evidence)
    # Per-code evidence ("country:DE") lets --errors show which words produced a wrong code.
    evidence += tuple(
        (f"country:{c.code.upper()}", s.text_of(text)) for c in event.countries for s in c.spans
    )
    evidence += tuple(
        (f"issue:{i.code.lower()}", s.text_of(text)) for i in event.issues for s in i.spans
    )
    return CodedEvent(
        type=event.type,
        also=event.also,
        date=event.date.isoformat() if event.date else None,
        date_precision=event.date_precision if event.date else None,
        countries=tuple(c.code for c in event.countries),
        places=tuple(
            CodedPlace(p.name, p.name_en, p.country, p.lat, p.lon, _texts(p.spans, text))
            for p in event.places
        ),
        organizations=tuple(
            CodedOrganisation(o.name, o.aliases, o.kind, o.country, _texts(o.spans, text))
            for o in event.organizations
        ),
        people=tuple(
            CodedPerson(p.name, p.name_latin, p.role, p.organization, _texts(p.spans, text))
            for p in event.people
        ),
        issues=tuple(i.code for i in event.issues),
        outcomes=tuple(o.text_en for o in event.outcomes),
        summary_en=event.summary_en,
        evidence=evidence,
    )


def code_article(article: Article, article_id: str | None = None) -> CodedArticle:
    """A pipeline Article in codebook form, keeping the text of every evidence span."""
    labour = is_labour(article)
    terms = article.relevance.terms if article.relevance else ()
    return CodedArticle(
        id=article_id or article.id,
        lang=article.lang or "und",
        labour=labour,
        published=article.published.isoformat() if article.published else None,
        events=tuple(_code_event(e, article.text) for e in article.events) if labour else (),
        file=article.source,
        url=article.url,
        title=article.title,
        labour_evidence=_texts((t.span for t in terms), article.text)[:8],
    )


def predict(
    gold: Sequence[CodedArticle], settings: Settings, context: StageContext | None = None
) -> dict[str, CodedArticle]:
    """Run the ingest pipeline path (no store) on each gold article's file."""
    # Imported here so that scoring an export file needs neither the pipeline nor its data.
    from laborlens.ingest import process_inputs  # noqa: PLC0415
    from laborlens.pipeline.context import build_context  # noqa: PLC0415

    context = context or build_context(settings)
    predicted: dict[str, CodedArticle] = {}
    for article in gold:
        if article.path is None:
            continue
        for item in process_inputs([str(article.path)], settings, context):
            if isinstance(item, SkippedRecord):
                logger.warning("gold %s: %s skipped: %s", article.id, item.source, item.reason)
            else:
                predicted[article.id] = code_article(item, article.id)
            break
    return predicted


def _path_key(value: str | Path | None) -> str | None:
    if value is None:
        return None
    try:
        return str(Path(value).resolve())
    except OSError:
        return str(value)


def align_predictions(
    gold: Sequence[CodedArticle], predictions: Sequence[CodedArticle]
) -> dict[str, CodedArticle]:
    """Pair exported records with gold articles: by id, then resolved file path, url, file name."""
    by_id = {p.id: p for p in predictions}
    by_path = {k: p for p in predictions if (k := _path_key(p.file)) is not None}
    by_url = {p.url: p for p in predictions if p.url}
    names: dict[str, list[CodedArticle]] = defaultdict(list)
    for p in predictions:
        if p.file:
            names[Path(p.file).name].append(p)
    aligned: dict[str, CodedArticle] = {}
    for g in gold:
        found = by_id.get(g.id)
        if found is None and g.path is not None:
            found = by_path.get(_path_key(g.path) or "")
        if found is None and g.url:
            found = by_url.get(g.url)
        if found is None and g.file and len(names.get(Path(g.file).name, [])) == 1:
            found = names[Path(g.file).name][0]
        if found is not None:
            aligned[g.id] = found
    return aligned
