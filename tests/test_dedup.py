"""Near-duplicate articles: MinHash estimates, and ingest storing a duplicate once with every
source kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.dedup import MIN_SHINGLES, band_keys, from_blob, signature, similarity, to_blob
from laborlens.ingest import ingest
from laborlens.pipeline.context import StageContext, build_context
from laborlens.query import EventQuery
from laborlens.store import Store, open_store

STORY = (
    "Dock workers at the northern container terminal stopped work on Tuesday morning after "
    "the port operator refused to pay the night shift allowance agreed last spring. The "
    "dockers' union said about four hundred members joined the stoppage and that ships were "
    "waiting at anchor outside the harbour. A spokesperson for the operator said talks would "
    "resume on Thursday and called the action unlawful. Union officials replied that the "
    "allowance had been withheld for three months and that the workers would stay out until "
    "it was paid in full."
)
REWRITE = (
    "UPDATED 14:05 | Share on social media\n\n"
    + STORY.replace("Thursday", "Friday")
    + "\n\nRead more: port news"
)
OTHER = (
    "Garment workers in the eastern industrial zone marched to the labour office on Sunday "
    "to demand unpaid wages for two months. The factory owner left the country last week, "
    "leaving more than a thousand employees without pay, and the provincial labour "
    "federation has asked the authorities to seize the machinery and sell it to pay them. "
    "The workers said they would return every day until an official received them."
)


def test_signature_estimates_similarity() -> None:
    story, rewrite, other = signature(STORY), signature(REWRITE), signature(OTHER)
    assert story is not None and rewrite is not None and other is not None
    assert similarity(story, rewrite) >= 0.7
    assert similarity(story, other) < 0.2
    assert similarity(story, signature(STORY.upper())) == 1.0  # type: ignore[arg-type]
    assert len(set(band_keys(story)) & set(band_keys(rewrite))) > 0
    assert (from_blob(to_blob(story)) == story).all()


def test_short_texts_get_no_signature() -> None:
    assert signature("Dockers strike in the port.") is None
    assert signature(" ".join(f"w{i}" for i in range(MIN_SHINGLES + 10))) is not None


def test_unspaced_scripts_use_character_shingles() -> None:
    text = "港口码头工人周二上午停工抗议运营商拒绝支付去年春天商定的夜班津贴工会表示约四百名会员参加了停工船只在港外锚地等候"
    sig = signature(text)
    assert sig is not None
    assert similarity(sig, signature(text + "更多新闻")) > 0.8  # type: ignore[arg-type]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a-story.txt").write_text(f"Dockers stop work\n\n{STORY}\n", encoding="utf-8")
    (folder / "b-rewrite.txt").write_text(f"Port stoppage\n\n{REWRITE}\n", encoding="utf-8")
    (folder / "c-other.txt").write_text(f"Garment march\n\n{OTHER}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def context() -> StageContext:
    return build_context(Settings(embedder="none"))  # the default threshold


@pytest.fixture
def store() -> Iterator[Store]:
    opened = open_store("sqlite:///:memory:")
    yield opened
    opened.close()


def test_near_duplicate_is_stored_once_with_both_sources(
    corpus: Path, context: StageContext, store: Store
) -> None:
    settings = context.settings
    report = ingest([str(corpus)], store, settings, context=context)
    assert (report.read, report.stored, report.duplicates) == (3, 2, 1)
    assert store.counts()["articles"] == 2
    story_id = next(
        a.id
        for a in store.iter_articles(EventQuery(include_non_labour=True))
        if a.source.endswith("a-story.txt")
    )
    assert [Path(s).name for s, _ in store.sources_of(story_id)] == ["a-story.txt", "b-rewrite.txt"]
    again = ingest([str(corpus)], store, settings, context=context)
    assert (again.unchanged, again.stored, again.duplicates) == (3, 0, 0)


def test_threshold_zero_keeps_every_article(corpus: Path, store: Store) -> None:
    settings = Settings(embedder="none", duplicate_threshold=0.0)
    report = ingest([str(corpus)], store, settings, context=build_context(settings))
    assert (report.stored, report.duplicates) == (3, 0)
