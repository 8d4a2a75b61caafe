"""Relevance and event type for languages without a resource file, from the article vector.

Without a resource file the lexicon finds nothing, so every such article would be judged
non-labour. Instead, its vector is compared with labelled English descriptions
(``resources/prototypes.toml``) embedded by the same multilingual model: the article is
labour news when its nearest labour description is nearer than every non-labour one, and
the event type is that description's. The margin between the two cosines is small (the
default model squeezes cosines into 0.7-0.9), so the score maps a margin of +-0.05 onto
[0, 1].
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from threading import Lock

import numpy as np
import numpy.typing as npt

from laborlens.pipeline.backends.embedding import Embedder

Matrix = npt.NDArray[np.float32]

MARGIN_SCALE = 10.0
"""Score = 0.5 + MARGIN_SCALE * (labour cosine - other cosine), clipped to [0, 1]."""


@dataclass(frozen=True)
class Prototypes:
    """One row per description: its group (``labour`` or ``other``) and label."""

    labels: tuple[tuple[str, str], ...]
    matrix: Matrix


@dataclass(frozen=True, slots=True)
class Guess:
    is_labour: bool
    score: float
    type: str
    type_cosine: float


_cache: dict[str, Prototypes] = {}
_lock = Lock()


def load_prototypes(embedder: Embedder) -> Prototypes:
    """The descriptions embedded by ``embedder`` (once per process and model)."""
    with _lock:
        found = _cache.get(embedder.name)
        if found is None:
            text = (resources.files("laborlens") / "resources" / "prototypes.toml").read_text(
                encoding="utf-8"
            )
            data = tomllib.loads(text)
            labels: list[tuple[str, str]] = []
            sentences: list[str] = []
            for group in ("labour", "other"):
                for label, items in data[group].items():
                    for sentence in items:
                        labels.append((group, label))
                        sentences.append(sentence)
            found = Prototypes(tuple(labels), embedder.embed(sentences))
            _cache[embedder.name] = found
        return found


def classify(vector: npt.ArrayLike, prototypes: Prototypes) -> Guess:
    """Labour or not, and the nearest event type, for one unit vector."""
    sims = prototypes.matrix @ np.asarray(vector, dtype=np.float32)
    labour = [i for i, (group, _) in enumerate(prototypes.labels) if group == "labour"]
    other = [i for i, (group, _) in enumerate(prototypes.labels) if group == "other"]
    best = max(labour, key=lambda i: sims[i])
    margin = float(sims[best] - max(sims[i] for i in other))
    return Guess(
        is_labour=margin > 0,
        score=float(min(1.0, max(0.0, 0.5 + MARGIN_SCALE * margin))),
        type=prototypes.labels[best][1],
        type_cosine=float(sims[best]),
    )
