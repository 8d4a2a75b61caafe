"""Event type and event date: which trigger family dominates, and when it happened.

Types are scored from trigger hits, the headline weighing most and the lead next, because
news puts the main event first. Ties go to the more specific type. The event date is the
date stated nearest the main event's first trigger in the text; failing that, the first
date of the lead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.masks import ExclusionMask
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
# Types that frame other events: a meeting where an agreement was signed is coded as the
# agreement, demands voiced at a May Day rally as the commemoration.
BACKDROP_TYPES = frozenset({"meeting", "demand", "other"})
BACKDROP_RATIO = 0.4
# A court ruling or lawsuit about dismissals, arrests or a strike is coded as the legal event.
FRAMING = {"legal": frozenset({"layoff", "repression", "strike", "protest"})}
FRAMING_RATIO = 0.5
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


def classify_event(doc: ArticleText, mask: ExclusionMask) -> TypeDecision:
    res = doc.resources
    if res is None:
        return TypeDecision("other", (), (), 0.2, None)
    weights: dict[str, list[float]] = defaultdict(list)
    realised: dict[str, list[float]] = defaultdict(list)
    spans: dict[str, list[Span]] = defaultdict(list)
    lead = set(doc.body_sentences[:LEAD_SENTENCES])
    unrealised = {doc.sentence_index(h.start) for h in res.modality.finditer(doc.folded)}
    for hit in mask.keep(list(res.events.finditer(doc.folded))):
        if hit.start < doc.title_end:
            weight = HEADLINE_WEIGHT
        elif doc.sentence_index(hit.start) in lead:
            weight = LEAD_WEIGHT
        else:
            weight = 1.0
        if doc.sentence_index(hit.start) in unrealised:
            weight *= UNREALISED_WEIGHT
        else:
            realised[hit.label].append(weight)
        weights[hit.label].append(weight)
        spans[hit.label].append(Span(hit.start, hit.end, "type"))
    scores = {label: _diminishing(w) for label, w in weights.items()}
    if not scores:
        return TypeDecision("other", (), (), 0.3, None)
    ranked = sorted(scores, key=lambda t: (-scores[t], TYPE_PRIORITY.index(t)))
    main = ranked[0]
    if main in BACKDROP_TYPES:
        # Only what happened can reframe the backdrop: a planned signing does not.
        specific = sorted(
            (t for t in ranked if t not in BACKDROP_TYPES and realised[t]),
            key=lambda t: -_diminishing(realised[t]),
        )
        if specific and _diminishing(realised[specific[0]]) >= BACKDROP_RATIO * scores[main]:
            ranked.remove(specific[0])
            ranked.insert(0, specific[0])
            main = specific[0]
    for frame, framed in FRAMING.items():
        if (
            main in framed
            and realised[frame]
            and _diminishing(realised[frame]) >= FRAMING_RATIO * scores[main]
        ):
            ranked.remove(frame)
            ranked.insert(0, frame)
            main = frame
    also = tuple(t for t in ranked[1:] if scores[t] >= ALSO_RATIO * scores[main] and t != "other")
    total = sum(scores.values())
    first = min(s.start for s in spans[main])
    return TypeDecision(
        main,
        also,
        tuple(spans[main][:6]),
        round(min(0.95, 0.4 + 0.5 * scores[main] / total), 3),
        first,
        tuple(sorted(s.start for s in spans[main])),
    )


def _diminishing(weights: list[float]) -> float:
    """Repetition adds less and less: a story retelling its meeting does not drown the
    agreement signed at it."""
    return sum(w / (1.0 + 0.5 * i) for i, w in enumerate(sorted(weights, reverse=True)))


def choose_event_date(
    doc: ArticleText, dates: tuple[DateMention, ...], triggers: tuple[int, ...]
) -> DateMention | None:
    """The date in the first lead sentence that has both a main-event trigger and a date;
    else the first date of the lead; else the first date of the body."""
    candidates = [d for d in dates if d.kind != "range_end"]
    if not candidates:
        return None
    last = min(len(doc.sentences) - 1, LEAD_SENTENCES + 1)
    lead_limit = doc.sentences[last][1] if doc.sentences else 0
    for trigger in triggers:
        if trigger > lead_limit:
            break  # later mentions tend to be background ("a similar strike in 2019")
        sentence = doc.sentence_index(trigger)
        same = [d for d in candidates if doc.sentence_index(d.span.start) == sentence]
        if same:
            return min(same, key=lambda d: abs(d.span.start - trigger))
    body = [d for d in candidates if d.span.start >= doc.title_end] or candidates
    in_lead = [d for d in body if d.span.start <= lead_limit]
    return (in_lead or body)[0]
