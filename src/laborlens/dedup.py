"""Near-duplicate articles: MinHash signatures of word shingles, found through LSH bands.

The same wire story reaches a crawl many times with different page debris, a changed
headline or a corrected sentence; exact ids (a hash of the normalised text) miss those.
Two texts are near-duplicates when the Jaccard similarity of their sets of 3-word
shingles (case- and script-folded, punctuation dropped) is at least the threshold
(``duplicate_threshold``, default 0.7); MinHash estimates it from 64 hashes (standard
error about 0.06). Texts written without spaces fall back to 5-character shingles. Banding
16 x 4 makes a pair at 0.7 a candidate with probability 0.99 and a pair at 0.3 with
probability 0.13, so the store compares a new article only with a few candidates, never
with everything. On the development articles no two different stories score above 0.21;
a story re-published with a new headline, page debris and one changed word scores 0.78.

Texts shorter than ``MIN_SHINGLES`` shingles get no signature: short notices share most of
their words by chance.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import numpy.typing as npt

from laborlens.resources.patterns import fold_for_matching

Signature = npt.NDArray[np.uint32]

NUM_HASHES = 64
BANDS = 16
ROWS = NUM_HASHES // BANDS
WORDS_PER_SHINGLE = 3
CHARS_PER_SHINGLE = 5
MIN_SHINGLES = 20

_PRIME = (1 << 31) - 1
_rng = np.random.default_rng(20240501)
_A = _rng.integers(1, _PRIME, size=NUM_HASHES, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, size=NUM_HASHES, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def _hash32(item: str) -> int:
    return int.from_bytes(hashlib.blake2b(item.encode("utf-8"), digest_size=4).digest(), "big")


def shingles(text: str) -> set[int]:
    """Hashed shingles of the folded text (words, or characters for unspaced scripts)."""
    folded = fold_for_matching(unicodedata.normalize("NFC", text))
    words = _WORD.findall(folded)
    if len(words) >= MIN_SHINGLES + WORDS_PER_SHINGLE and sum(map(len, words)) < 20 * len(words):
        grams = (
            " ".join(words[i : i + WORDS_PER_SHINGLE])
            for i in range(len(words) - WORDS_PER_SHINGLE + 1)
        )
    else:
        flat = "".join(words)
        grams = (flat[i : i + CHARS_PER_SHINGLE] for i in range(len(flat) - CHARS_PER_SHINGLE + 1))
    return {_hash32(g) for g in grams}


def signature(text: str) -> Signature | None:
    """The MinHash signature of ``text``; None when it is too short to judge."""
    hashed = shingles(text)
    if len(hashed) < MIN_SHINGLES:
        return None
    x = np.fromiter(hashed, dtype=np.uint64, count=len(hashed)) % _PRIME
    # a < 2**31 and x < 2**31, so a * x + b stays below 2**63: no uint64 overflow.
    values = (np.outer(_A, x) + _B[:, None]) % _PRIME
    result: Signature = values.min(axis=1).astype(np.uint32)
    return result


def similarity(first: Signature, second: Signature) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.mean(first == second))


def band_keys(sig: Signature) -> list[int]:
    """One signed 64-bit key per band; texts sharing any key are candidates."""
    keys: list[int] = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def to_blob(sig: Signature) -> bytes:
    return sig.astype("<u4").tobytes()


def from_blob(blob: bytes) -> Signature:
    result: Signature = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
    return result
