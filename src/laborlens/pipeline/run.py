"""The stage registry and the runner (re-exported by laborlens.pipeline).

    normalise → identify_language → score_relevance → extract_events → render_summaries
    → embed_article

Each stage takes ``(Article, StageContext)`` and returns a new Article. ``STAGES`` is the
registry and the order; ``run_pipeline(..., until="relevance")`` stops early.
"""

from __future__ import annotations

from collections.abc import Callable

from laborlens.config import PIPELINE_VERSION
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.embed import embed_article
from laborlens.pipeline.extract import extract_events
from laborlens.pipeline.identify import identify_language
from laborlens.pipeline.normalise import article_from_raw, normalise
from laborlens.pipeline.relevance import score_relevance
from laborlens.pipeline.render import render_summaries
from laborlens.records import Article, RawDocument

Stage = Callable[[Article, StageContext], Article]

STAGES: tuple[tuple[str, Stage], ...] = (
    ("normalise", normalise),
    ("identify", identify_language),
    ("relevance", score_relevance),
    ("extract", extract_events),
    ("render", render_summaries),
    ("embed", embed_article),
)

STAGE_NAMES: tuple[str, ...] = tuple(name for name, _ in STAGES)


def run_pipeline(raw: RawDocument, context: StageContext, until: str | None = None) -> Article:
    """Run every stage (or those up to and including ``until``) over one document."""
    if until is not None and until not in STAGE_NAMES:
        raise ValueError(f"unknown stage {until!r}; stages are {', '.join(STAGE_NAMES)}")
    article = article_from_raw(raw, PIPELINE_VERSION, context.settings.hash())
    for name, stage in STAGES:
        article = stage(article, context)
        if name == until:
            break
    return article
