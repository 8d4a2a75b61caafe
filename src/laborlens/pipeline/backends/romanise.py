"""Latin forms of names in any script, for readers who know none of the source scripts.

Arabic script writes no short vowels, so letter-by-letter transliteration is unreadable
("khnh krgr"); arabic-name-romanizer (bundled dictionary and ONNX model, MIT) gives
"Khaneh Kargar". Every other script goes through anyascii (ISC).
"""

from __future__ import annotations

import logging
import re
from functools import cache

from anyascii import anyascii

log = logging.getLogger(__name__)

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


@cache
def romanise(text: str, country: str | None = None) -> str:
    """A readable Latin spelling of ``text``; ``country`` (ISO alpha-2) guides Arabic script."""
    if _ARABIC_SCRIPT.search(text):
        try:
            from arabic_name_romanizer import transliterate  # noqa: PLC0415  (slow import)

            latin = str(transliterate(text, country=country))
        except Exception as exc:  # any failure of the optional model falls back to anyascii
            log.debug("arabic-name-romanizer failed on %r: %s", text, exc)
        else:
            if latin and not _ARABIC_SCRIPT.search(latin):
                return latin
    return anyascii(text)
