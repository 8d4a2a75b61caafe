"""Event type and event date: which trigger family dominates, and when it happened.

Types are scored from trigger hits, the headline weighing most and the lead next, because
news puts the main event first. Ties go to the more specific type. The event date is the
stated date that best fits the main event (choose_event_date).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from laborlens.pipeline.extract.dates import period_edges
from laborlens.pipeline.extract.document import MAX_HEADLINE_CHARS, ArticleText
from laborlens.pipeline.extract.masks import ExclusionMask
from laborlens.pipeline.extract.tokens import split_sentences
from laborlens.records import DateMention, Span

# More specific types win ties.
TYPE_PRIORITY = (
    "strike",
    "accident",
    "repression",
    "layoff",
    "agreement",
    "protest",
    "legal",
    "congress",
    "organizing",
    "training",
    "commemoration",
    "bargaining",
    "demand",
    "meeting",
    "other",
)
HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
LEAD_SENTENCES = 2
ALSO_RATIO = 0.5
# Pages often open with a masthead or section line ("IRNA - Tehran", "Economy | Industry")
# that reads as the headline. While the headline so far names no event, the next short line
# that does not end like a body sentence is headline too (the real headline, or its dek).
MAX_HEADLINE_LINES = 3
_BODY_SENTENCE_END = frozenset(".!?؟。！？…:")
# Types that frame other events: a meeting where an agreement was signed is coded as the
# agreement, a May Day letter of demands as the demand. Among backdrops the strongest wins.
BACKDROP_TYPES = frozenset({"meeting", "demand", "commemoration", "other"})
BACKDROP_RATIO = 0.4
# A specific type reframes the backdrop only when the story tells it, not in passing: it is
# realised in the headline, or realised and mentioned more than once. "Wage talks" named once in
# a report of a minister's meeting leave it a meeting.
REFRAME_MIN_HITS = 2


# Frames, applied in order: a type told with enough realised evidence where news puts its
# main event takes over from the main type it frames. Unpaid wages, a closure or a deadly
# accident behind a strike, a protest, a settlement or a union's open letter are the
# grievance, not the story (the codebook's layoff is "without a union action being the
# story"); an arrest or dismissal after a protest, a strike or a union's founding is the news
# when the headline tells it; a court ruling or lawsuit about dismissals, arrests or a strike
# is the legal event.
@dataclass(frozen=True, slots=True)
class _Frame:
    frame: str
    framed: frozenset[str]
    ratio: float
    headline_only: bool = False


FRAMING = (
    _Frame("strike", frozenset({"layoff"}), 0.4),
    _Frame("protest", frozenset({"layoff"}), 0.4),
    _Frame("agreement", frozenset({"layoff"}), 0.4),
    _Frame("demand", frozenset({"layoff"}), 0.6),
    _Frame("strike", frozenset({"accident"}), 0.5),
    _Frame("protest", frozenset({"accident"}), 0.5),
    _Frame("repression", frozenset({"strike", "protest", "organizing"}), 0.5, headline_only=True),
    _Frame("legal", frozenset({"layoff", "repression", "strike", "protest"}), 0.5),
)
# A trigger in a sentence marked as future, negated or hypothetical ("will be signed in
# May") reports something that has not happened: it still counts, but little.
UNREALISED_WEIGHT = 0.35


@dataclass(frozen=True, slots=True)
class TypeDecision:
    type: str
    also: tuple[str, ...]
    spans: tuple[Span, ...]
    confidence: float
    first_trigger: int | None
    triggers: tuple[int, ...] = ()


@dataclass(slots=True)
class _Evidence:
    """One type's trigger weights: all of them, the realised ones, where they are."""

    weights: list[float] = field(default_factory=list)
    realised: list[float] = field(default_factory=list)
    realised_in_headline: bool = False
    realised_in_lead: bool = False
    spans: list[Span] = field(default_factory=list)

    @property
    def score(self) -> float:
        return _diminishing(self.weights)

    @property
    def realised_score(self) -> float:
        return _diminishing(self.realised)

    @property
    def told(self) -> bool:
        """Told as an event of the story rather than named in passing: realised in the
        headline, or realised and mentioned again."""
        return self.realised_in_headline or (
            bool(self.realised) and len(self.weights) >= REFRAME_MIN_HITS
        )

    @property
    def leads(self) -> bool:
        """Told, and realised in the headline or the lead, where news puts its main event."""
        return self.told and self.realised_in_lead


def classify_event(doc: ArticleText, mask: ExclusionMask) -> TypeDecision:
    res = doc.resources
    if res is None:
        return TypeDecision("other", (), (), 0.2, None)
    hits = mask.keep(list(res.events.finditer(doc.folded)))
    headline_end = _headline_end(doc, [h.start for h in hits])
    body = [i for i, (start, _end) in enumerate(doc.sentences) if start >= headline_end]
    lead = set(body[:LEAD_SENTENCES])
    unrealised = {doc.sentence_index(h.start) for h in res.modality.finditer(doc.folded)}
    evidence: dict[str, _Evidence] = defaultdict(_Evidence)
    for hit in hits:
        sentence = doc.sentence_index(hit.start)
        in_headline = hit.start < headline_end
        if in_headline:
            weight = HEADLINE_WEIGHT
        elif sentence in lead:
            weight = LEAD_WEIGHT
        else:
            weight = 1.0
        found = evidence[hit.label]
        if sentence in unrealised:
            weight *= UNREALISED_WEIGHT
        else:
            found.realised.append(weight)
            found.realised_in_headline |= in_headline
            found.realised_in_lead |= in_headline or sentence in lead
        found.weights.append(weight)
        found.spans.append(Span(hit.start, hit.end, "type"))
    if not evidence:
        return TypeDecision("other", (), (), 0.3, None)
    scores = {label: found.score for label, found in evidence.items()}
    ranked = sorted(scores, key=lambda t: (-scores[t], TYPE_PRIORITY.index(t)))
    main = ranked[0]
    if main in BACKDROP_TYPES:
        # Only what happened, and is told as such, can reframe the backdrop: a planned
        # signing or a passing mention does not.
        specific = sorted(
            (t for t in ranked if t not in BACKDROP_TYPES and evidence[t].told),
            key=lambda t: -evidence[t].realised_score,
        )
        if specific and evidence[specific[0]].realised_score >= BACKDROP_RATIO * scores[main]:
            main = _promote(ranked, specific[0])
    for rule in FRAMING:
        frame = evidence.get(rule.frame)
        if (
            main in rule.framed
            and frame is not None
            and (frame.realised_in_headline if rule.headline_only else frame.leads)
            and frame.realised_score >= rule.ratio * scores[main]
        ):
            main = _promote(ranked, rule.frame)
    also = tuple(t for t in ranked[1:] if scores[t] >= ALSO_RATIO * scores[main] and t != "other")
    total = sum(scores.values())
    spans = evidence[main].spans
    return TypeDecision(
        main,
        also,
        tuple(spans[:6]),
        round(min(0.95, 0.4 + 0.5 * scores[main] / total), 3),
        min(s.start for s in spans),
        tuple(sorted(s.start for s in spans)),
    )


def _promote(ranked: list[str], label: str) -> str:
    ranked.remove(label)
    ranked.insert(0, label)
    return label


def _headline_end(doc: ArticleText, trigger_starts: list[int]) -> int:
    """Where the headline ends for type scoring: past masthead and section lines that name
    no event, over the next short line that does not end like a body sentence."""
    end = doc.title_end
    if end <= 0:
        return end
    for _ in range(MAX_HEADLINE_LINES - 1):
        if any(start < end for start in trigger_starts) or doc.text[end : end + 1] != "\n":
            break
        next_end = doc.text.find("\n", end + 1)
        if next_end < 0:
            break  # the next line is the whole body
        line = doc.text[end + 1 : next_end].strip()
        if (
            not line
            or len(line) > MAX_HEADLINE_CHARS
            or line[-1] in _BODY_SENTENCE_END
            or len(split_sentences(line)) > 1
        ):
            break
        end = next_end
    return end


def _diminishing(weights: list[float]) -> float:
    """Repetition adds less and less: a story retelling its meeting does not drown the
    agreement signed at it."""
    return sum(w / (1.0 + 0.5 * i) for i, w in enumerate(sorted(weights, reverse=True)))


def choose_event_date(
    doc: ArticleText, dates: tuple[DateMention, ...], triggers: tuple[int, ...]
) -> DateMention | None:
    """The date that best fits the main event: news tells it in the headline and lead, near a
    trigger, as a day, close to the publication date. Background dates lose: later sentences,
    years long past, deadlines and effective dates far ahead, and period edges ("since 2019",
    "until 30 June"). Ties go to the earlier date."""
    candidates = [d for d in dates if d.kind != "range_end"]
    if not candidates:
        return None
    rank = {sentence: i for i, sentence in enumerate(doc.body_sentences)}
    trigger_sentences = {doc.sentence_index(t) for t in triggers}
    edges = period_edges(doc, candidates)

    def score(mention: DateMention) -> float:
        sentence = doc.sentence_index(mention.span.start)
        if mention.span.start < doc.title_end:
            value = HEADLINE_DATE
        else:
            value = max(LATE_DATE, LEAD_DATE - SENTENCE_DECAY * rank.get(sentence, 0))
        if sentence in trigger_sentences:
            value += TRIGGER_DATE
        value += PRECISION_DATE[mention.precision] + CONFIDENCE_DATE * mention.confidence
        if mention.span in edges:
            value -= EDGE_PENALTY
        return value + _recency(mention, doc.published)

    return max(candidates, key=lambda d: (score(d), -d.span.start))


# Weights of choose_event_date. A date in the headline or the lead sentence starts at 2 and
# each later body sentence takes 0.4 off (never below 0.4); a main-event trigger in the same
# sentence adds 1; a day beats a month, a month a year.
HEADLINE_DATE = 2.0
LEAD_DATE = 2.0
SENTENCE_DECAY = 0.4
LATE_DATE = 0.4
TRIGGER_DATE = 1.0
PRECISION_DATE = {"day": 0.6, "month": 0.2, "year": 0.0}
CONFIDENCE_DATE = 0.5
EDGE_PENALTY = 1.0


def _recency(mention: DateMention, published: dt.date | None) -> float:
    """How well a date fits news published on ``published``: events are reported within days
    (or announced a few weeks ahead); a year ago is background, months ahead a deadline."""
    if published is None:
        return 0.0
    if mention.precision == "year":
        delta = (
            0
            if mention.value.year == published.year
            else (
                (dt.date(mention.value.year, 12, 31) - published).days
                if mention.value.year < published.year
                else (mention.value - published).days
            )
        )
    elif mention.precision == "month":
        month_end = dt.date(
            mention.value.year + mention.value.month // 12, mention.value.month % 12 + 1, 1
        ) - dt.timedelta(days=1)
        if mention.value <= published <= month_end:
            delta = 0
        else:
            delta = (
                (month_end - published).days
                if month_end < published
                else (mention.value - published).days
            )
    else:
        delta = (mention.value - published).days
    if -RECENT_DAYS <= delta <= 1:
        return RECENT_BONUS
    if -MONTH_DAYS <= delta < -RECENT_DAYS or 1 < delta <= AHEAD_DAYS:
        return NEAR_BONUS
    if delta < -YEAR_DAYS:
        return -OLD_PENALTY
    if delta < -MONTH_DAYS:
        return -MONTHS_AGO_PENALTY
    return -FAR_AHEAD_PENALTY


RECENT_DAYS = 7
MONTH_DAYS = 31
AHEAD_DAYS = 45
YEAR_DAYS = 366
RECENT_BONUS = 1.0
NEAR_BONUS = 0.3
MONTHS_AGO_PENALTY = 0.5
OLD_PENALTY = 1.5
FAR_AHEAD_PENALTY = 1.0
