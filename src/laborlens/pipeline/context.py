"""What every stage receives besides the article: settings, language data, the gazetteer."""

from __future__ import annotations

from dataclasses import dataclass, field

from laborlens.config import Settings
from laborlens.pipeline.backends.embedding import Embedder, make_embedder
from laborlens.resources.gazetteer import Gazetteer
from laborlens.resources.schema import LanguageResources, load_language


@dataclass(frozen=True, slots=True)
class StageContext:
    """Loaded once per process and shared by every document; stages never open files.

    ``embedder`` is None in a context built by hand (the embed stage then does nothing);
    ``build_context`` loads the one the settings name.
    """

    settings: Settings
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    embedder: Embedder | None = None

    def resources(self, lang: str | None) -> LanguageResources | None:
        """The language's resource file, or None for a language without one."""
        return load_language(lang) if lang else None


def build_context(settings: Settings) -> StageContext:
    return StageContext(
        settings=settings,
        gazetteer=Gazetteer(settings.gazetteer_min_population),
        embedder=make_embedder(settings),
    )
