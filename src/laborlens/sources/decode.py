"""Bytes to text for every reader: BOM, UTF-8, a declared charset, then detection.

Decoding is the only place where a reader guesses; after it the text is repaired only
for *encoding* damage (mojibake), never rewritten (no quote uncurling, no width or
Unicode normalisation): the normalise stage owns those and keeps an offset map.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

import charset_normalizer
import ftfy
from ftfy.badness import is_bad

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Labels that browsers decode as windows-1252 (WHATWG Encoding Standard): a page that
# says latin-1 almost always holds cp1252 punctuation in 0x80-0x9F.
_WHATWG_ALIASES = {"latin1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}

# Only encoding repairs: everything that changes correct text (curly quotes, full-width
# forms, ligatures, NFC, control characters, HTML entities) is switched off.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)

# UTF-8 bytes shown through a single-byte code page that ftfy does not try; cp1256 is
# the classic Arabic/Persian mojibake ("ط§ظ„..." for "ال...").
_EXTRA_MOJIBAKE_CODECS: tuple[str, ...] = ("cp1256",)
_MOJIBAKE_LEADS = re.compile("[طظ][\u0080-\u06ff]")

# What ftfy's enabled fixers act on besides mojibake: C1 controls and lone surrogates.
_C1_OR_SURROGATE = re.compile("[\x80-\x9f\ud800-\udfff]")
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")

_SNIFF_BYTES = 8192
_MAX_UTF8_ERROR_RATIO = 0.01
_MIN_UTF8_EVIDENCE = 10
_MAX_BAD_CHAR_RATIO = 0.05


class NotTextError(ValueError):
    """The bytes are not text in any encoding we can read (binary, or undecodable)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text and the codec it was decoded with (for logs and tests)."""

    text: str
    encoding: str


def _codec_name(label: str | None) -> str | None:
    """Python's canonical codec name for an encoding label, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WHATWG_ALIASES.get(name, name)


def _bad_char_ratio(text: str) -> float:
    """Share of control characters and U+FFFD in a sample: high for binary data."""
    sample = text[:_SNIFF_BYTES]
    return len(_BAD_CHARS.findall(sample)) / len(sample) if sample else 0.0


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-legacy damage; leaves correct text in any script untouched."""
    if text.isascii():
        return text
    # ftfy checks is_bad line by line anyway; one search over the text skips clean text.
    needs_ftfy = is_bad(text) or _C1_OR_SURROGATE.search(text) is not None
    fixed = ftfy.fix_text(text, _FTFY_CONFIG) if needs_ftfy else text
    if _MOJIBAKE_LEADS.search(fixed):
        for codec in _EXTRA_MOJIBAKE_CODECS:
            try:
                candidate = fixed.encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            if candidate != fixed:
                logger.debug("repaired UTF-8 shown as %s", codec)
                return candidate
    return fixed


def _decode_by_bom(data: bytes) -> Decoded | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode_nearly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few damaged bytes (a cut download, one bad byte) stays UTF-8.

    Legacy single-byte text read as UTF-8 fails on almost every non-ASCII byte, so
    "many valid multi-byte characters, very few errors" cannot be a legacy encoding.
    """
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    good = sum(1 for ch in text if ch > "\x7f") - errors
    if errors <= _MAX_UTF8_ERROR_RATIO * len(text) and good >= _MIN_UTF8_EVIDENCE * errors:
        logger.debug("UTF-8 with %d undecodable byte sequences replaced", errors)
        return Decoded(text, "utf-8")
    return None


def _decode_declared(data: bytes, declared: str | None) -> Decoded | None:
    """Strict UTF-8, else nearly UTF-8, else the declared charset if the bytes fit it."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    nearly = _decode_nearly_utf8(data)
    if nearly is not None:
        return nearly
    codec = _codec_name(declared)
    if codec is None or codec == "utf-8":
        return None
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        logger.debug("declared charset %s does not fit the bytes; detecting", declared)
        return None


def _detect(data: bytes) -> Decoded:
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise NotTextError("not text: no character encoding fits the bytes (binary data?)")
    return Decoded(str(best), best.encoding)


def decode_bytes(data: bytes, declared: str | None = None, *, repair: bool = True) -> Decoded:
    """Decode ``data``: BOM, strict UTF-8, nearly UTF-8, ``declared`` charset, detection.

    UTF-8 is tried before a declared charset because valid non-ASCII UTF-8 is almost
    never a legacy encoding, while declarations are often wrong. Detection
    (charset-normalizer) is reliable from a sentence or two; a file of a few words in
    a legacy code page can come out as a CJK multi-byte encoding. ``repair`` runs
    the mojibake repair (HTML callers repair the extracted text instead of the markup).
    Raises NotTextError for binary data.
    """
    decoded = _decode_by_bom(data)
    if decoded is None:
        if b"\x00" in data[:_SNIFF_BYTES]:
            raise NotTextError("binary data: NUL bytes and no Unicode byte-order mark")
        decoded = _decode_declared(data, declared) or _detect(data)
    if _bad_char_ratio(decoded.text) > _MAX_BAD_CHAR_RATIO:
        raise NotTextError(
            f"binary data: mostly control characters when read as {decoded.encoding}"
        )
    return Decoded(repair_mojibake(decoded.text), decoded.encoding) if repair else decoded
