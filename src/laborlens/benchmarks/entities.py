"""Named-entity benchmarks: WikiANN/PAN-X (ten languages), ArmanPersoNER (fa), and the
English News from India place-name set.

laborlens has no general NER; its extractors find the names a labour event needs. Their
mentions are mapped onto the sets' tags:

- ``PER`` ← the spans of ``extract_people`` (names next to a role or honorific);
- ``ORG`` ← the spans of ``extract_organisations`` (names built around a head noun such as
  "union" or "ministry", and the language file's known organisations);
- ``LOC`` ← the spans of ``extract_places`` and the country-name spans of
  ``extract_countries`` (demonyms are not locations in these sets).

Each sentence is joined with spaces (Chinese characters without), run through the four
extractors on its own, and each predicted character span becomes the tokens it overlaps,
as a token tagger would have emitted it. Scoring is strict entity-level P/R/F1 (exact token
range and type, conlleval/seqeval), per type and micro-averaged over the three types.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from laborlens.benchmarks.scoring import (
    BenchmarkResult,
    Entity,
    Score,
    TokenText,
    entity_scores,
    tag_spans,
)
from laborlens.errors import EvalError
from laborlens.pipeline.backends.morphology import load_morphology
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.extract.countries import extract_countries
from laborlens.pipeline.extract.document import ArticleText
from laborlens.pipeline.extract.organisations import extract_organisations
from laborlens.pipeline.extract.people import extract_people
from laborlens.pipeline.extract.places import extract_places, scan_toponyms
from laborlens.records import Span

TYPES = ("PER", "ORG", "LOC")
# ArmanPersoNER's lower-case tags; fac, pro and event have no counterpart in laborlens.
ARMAN_TAGS = {"pers": "PER", "org": "ORG", "loc": "LOC"}
# Sets tokenised into characters, whose text is rebuilt without spaces.
_CHARACTER_TOKENS = frozenset({"zh"})


@dataclass(frozen=True, slots=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    entities: tuple[Entity, ...]


def read_conll(
    path: Path, sep: str | None = "\t", tag_map: Mapping[str, str] | None = None
) -> list[TaggedSentence]:
    """Token-per-line files with blank lines between sentences; the tag is the last column.

    ``tag_map`` renames entity types and drops those it lacks (None keeps every type).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"benchmark file {path}: {exc}") from exc
    sentences: list[TaggedSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in [*lines, ""]:
        if not line.strip():
            if tokens:
                spans = tag_spans(tags)
                if tag_map is not None:
                    spans = [(a, b, tag_map[t]) for a, b, t in spans if t in tag_map]
                sentences.append(TaggedSentence(tuple(tokens), tuple(spans)))
            tokens, tags = [], []
            continue
        cols = line.split(sep)
        if len(cols) < 2:
            raise EvalError(f"benchmark file {path}: no tag column in {line[:60]!r}")
        tokens.append(cols[0])
        tags.append(cols[-1].strip())
    return sentences


def predict_entities(text: TokenText, lang: str, context: StageContext) -> set[Entity]:
    """PER, ORG and LOC token ranges from the people, organisation and place extractors."""
    res = context.resources(lang)
    doc = ArticleText(text.text, lang, res)
    morph = load_morphology(res.morphology) if res is not None else None
    places = extract_places(doc, context.gazetteer)
    countries = extract_countries(doc, context.gazetteer, places)
    orgs = extract_organisations(doc, places, morph)
    people = extract_people(doc, orgs, places, morph)
    demonyms = {
        (start, end)
        for start, end, _code, kind in scan_toponyms(doc, context.gazetteer).country_terms
        if kind == "demonym"
    }
    typed: list[tuple[Span, str]] = [(s, "PER") for p in people for s in p.spans]
    typed += [(s, "ORG") for o in orgs for s in o.spans]
    typed += [(s, "LOC") for p in places for s in p.spans]
    typed += [
        (s, "LOC")
        for c in countries
        if c.via == "name"
        for s in c.spans
        if (s.start, s.end) not in demonyms
    ]
    out: set[Entity] = set()
    for span, kind in typed:
        found = text.token_range(span.start, span.end)
        if found is not None:
            out.add((found[0], found[1], kind))
    return out


def score_sentences(
    sentences: Sequence[TaggedSentence], predicted: Sequence[set[Entity]]
) -> tuple[Score, ...]:
    """Per-type and micro P/R/F1 over all sentences (entities keyed by sentence number)."""
    gold = {(i, *e) for i, s in enumerate(sentences) for e in s.entities}
    pred = {(i, *e) for i, found in enumerate(predicted) for e in found}
    scores: list[Score] = []
    for kind in TYPES:
        scores += entity_scores(
            f"{kind.lower()}_", {g for g in gold if g[3] == kind}, {p for p in pred if p[3] == kind}
        )
    scores += entity_scores("micro_", gold, pred)
    return tuple(scores)


def _run(
    name: str,
    lang: str,
    sentences: Sequence[TaggedSentence],
    context: StageContext,
    *,
    lower: bool = False,
    variant: str = "",
) -> BenchmarkResult:
    started = time.perf_counter()
    predicted = []
    for sentence in sentences:
        tokens = [t.lower() for t in sentence.tokens] if lower else list(sentence.tokens)
        seps = [""] * len(tokens) if lang in _CHARACTER_TOKENS else None
        predicted.append(predict_entities(TokenText.join(tokens, seps), lang, context))
    scores = score_sentences(sentences, predicted)
    seconds = time.perf_counter() - started
    return BenchmarkResult(name, lang, len(sentences), scores, seconds, variant)


def run_panx(folder: Path, context: StageContext, limit: int | None) -> tuple[BenchmarkResult, ...]:
    """Every staged language (test-<lang>.tsv), the first ``limit`` sentences of each."""
    paths = sorted(folder.glob("test-*.tsv"))
    if not paths:
        raise EvalError(f"no test-<lang>.tsv files in {folder}")
    results = []
    for path in paths:
        lang = path.stem.removeprefix("test-")
        sentences = read_conll(path)
        results.append(
            _run("panx-wikiann", lang, sentences[:limit] if limit else sentences, context)
        )
    return tuple(results)


def run_arman(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    """The three test folds together (the whole corpus), pers/org/loc only."""
    paths = sorted(folder.glob("test_fold*.txt"))
    if not paths:
        raise EvalError(f"no test_fold*.txt files in {folder}")
    sentences = [s for path in paths for s in read_conll(path, sep=None, tag_map=ARMAN_TAGS)]
    return (_run("arman-personer", "fa", sentences[:limit] if limit else sentences, context),)


def run_india(
    folder: Path, context: StageContext, limit: int | None
) -> tuple[BenchmarkResult, ...]:
    """Lower-cased input, as the set's README asks (capitals leak its labels), and, for
    reference only, the text as written."""
    sentences = read_conll(folder / "test.txt", sep=None)
    sentences = sentences[:limit] if limit else sentences
    return (
        _run("india-news-locations", "en", sentences, context, lower=True),
        _run("india-news-locations", "en", sentences, context, variant="cased"),
    )
