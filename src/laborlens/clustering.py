"""One event from many reports: linking coded events across articles and languages.

The rule (docs/clustering.md explains it and the numbers behind it). Two events from
different articles are *compatible* when

- their types are in the same family (``TYPE_FAMILIES``: a strike reported elsewhere as a
  protest is still one action);
- their days are at most ``window_days`` apart (the event date, else the article's
  publication date; an event with neither links to nothing);
- they share a country (both must name one).

Compatible events are *linked* when they share a place (same GeoNames id or English name)
or an organisation (same folded name, one containing the other, or a shared capitalised word
of at least five letters, which catches "Liman-İş union" and "Liman-İş Sendikası"), or,
failing both, when their article vectors (from the same embedding model) have a cosine of
at least ``min_cosine``. Places decide when both events name some: a shared one links them,
none in common keeps them apart whatever else they share (one union striking in two cities
the same week is two strikes, and generic words such as "Sendikası" are shared by unrelated
unions). Clusters are the connected components of the links (single link); a cluster's id
is its smallest ``article_id:index``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from laborlens.query import EventQuery
from laborlens.records import Article, Event
from laborlens.resources.patterns import fold_for_matching

if TYPE_CHECKING:
    from laborlens.store.base import Store

EventKey = tuple[str, int]

TYPE_FAMILIES: dict[str, str] = {
    "strike": "action",
    "protest": "action",
    "demand": "action",
    "bargaining": "talks",
    "agreement": "talks",
    "meeting": "talks",
    "repression": "repression",
    "legal": "legal",
    "organizing": "union_life",
    "congress": "union_life",
    "training": "union_life",
    "layoff": "layoff",
    "accident": "accident",
    "commemoration": "commemoration",
    "other": "other",
}

_CAPITALISED = re.compile(r"\b[^\W\d_][^\W_]{4,}\b")


@dataclass(frozen=True, slots=True)
class ClusterRule:
    window_days: int = 3
    min_cosine: float = 0.85


@dataclass(frozen=True)
class EventRef:
    """What the rule looks at for one event."""

    article_id: str
    index: int
    family: str
    day: dt.date | None
    countries: frozenset[str]
    places: frozenset[str]
    organisations: tuple[str, ...]
    org_words: frozenset[str]
    vector: npt.NDArray[np.float32] | None = field(default=None, compare=False)
    model: str = ""
    """The embedder that made ``vector``: vectors of different models are never compared."""

    @property
    def key(self) -> EventKey:
        return (self.article_id, self.index)


def _fold(text: str) -> str:
    return " ".join(fold_for_matching(unicodedata.normalize("NFC", text)).split())


def event_ref(article: Article, index: int, event: Event) -> EventRef:
    places = {str(p.geonameid) for p in event.places if p.geonameid is not None}
    places |= {_fold(p.name_en) for p in event.places if p.name_en}
    names = [o.name for o in event.organizations] + [
        a for o in event.organizations for a in o.aliases
    ]
    words = {_fold(w) for name in names for w in _CAPITALISED.findall(name) if w[0].isupper()}
    vector = (
        np.asarray(article.embedding.vector, dtype=np.float32)
        if article.embedding is not None
        else None
    )
    return EventRef(
        article_id=article.id,
        index=index,
        family=TYPE_FAMILIES.get(event.type, event.type),
        day=event.date or article.published,
        countries=frozenset(c.code for c in event.countries),
        places=frozenset(places),
        organisations=tuple(_fold(n) for n in names if n.strip()),
        org_words=frozenset(words),
        vector=vector,
        model=article.embedding.model if article.embedding is not None else "",
    )


def refs_of(articles: Iterable[Article]) -> list[EventRef]:
    return [event_ref(a, i, e) for a in articles for i, e in enumerate(a.events)]


def _orgs_overlap(a: EventRef, b: EventRef) -> bool:
    if a.org_words & b.org_words:
        return True
    return any(x == y or x in y or y in x for x in a.organisations for y in b.organisations)


def linked(a: EventRef, b: EventRef, rule: ClusterRule) -> bool:
    """The rule of the module docstring, for one pair."""
    if a.article_id == b.article_id or a.family != b.family:
        return False
    if a.day is None or b.day is None or abs((a.day - b.day).days) > rule.window_days:
        return False
    if not (a.countries & b.countries):
        return False
    if a.places and b.places:
        return bool(a.places & b.places)
    if _orgs_overlap(a, b):
        return True
    if a.vector is None or b.vector is None or a.model != b.model:
        return False
    return float(a.vector @ b.vector) >= rule.min_cosine


def cluster(refs: Sequence[EventRef], rule: ClusterRule | None = None) -> dict[EventKey, str]:
    """Every event's cluster id. Pairs are only compared within a family and a country,
    sorted by day, so the work grows with the events of one week, not with the corpus."""
    rule = rule or ClusterRule()
    parent = {r.key: r.key for r in refs}

    def find(key: EventKey) -> EventKey:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    blocks: dict[tuple[str, str], list[EventRef]] = defaultdict(list)
    for ref in refs:
        if ref.day is None:
            continue
        for country in ref.countries:
            blocks[(ref.family, country)].append(ref)
    for block in blocks.values():
        block.sort(key=lambda r: (r.day, r.key))
        for i, a in enumerate(block):
            for b in block[i + 1 :]:
                assert a.day is not None and b.day is not None
                if (b.day - a.day).days > rule.window_days:
                    break
                if linked(a, b, rule):
                    ra, rb = find(a.key), find(b.key)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
    return {r.key: "{}:{}".format(*find(r.key)) for r in refs}


@dataclass(frozen=True, slots=True)
class PairScore:
    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int


def pairwise(predicted: Mapping[EventKey, str], gold: Mapping[EventKey, str]) -> PairScore:
    """Pairwise precision and recall of a clustering against gold labels (same keys)."""
    keys = sorted(gold)
    correct = pred_pairs = true_pairs = 0
    for a, b in combinations(keys, 2):
        same_gold = gold[a] == gold[b]
        same_pred = predicted.get(a, f"{a}") == predicted.get(b, f"{b}")
        true_pairs += same_gold
        pred_pairs += same_pred
        correct += same_gold and same_pred
    return PairScore(
        precision=correct / pred_pairs if pred_pairs else 1.0,
        recall=correct / true_pairs if true_pairs else 1.0,
        true_pairs=true_pairs,
        predicted_pairs=pred_pairs,
        correct_pairs=correct,
    )


def recluster(store: Store, rule: ClusterRule | None = None) -> tuple[int, int]:
    """Cluster every stored labour event and save the ids; returns (events, clusters)."""
    refs = refs_of(store.iter_articles(EventQuery()))
    clusters = cluster(refs, rule)
    store.save_clusters(clusters)
    return len(clusters), len(set(clusters.values()))
