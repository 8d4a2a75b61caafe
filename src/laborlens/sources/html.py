"""HTML pages (.html/.htm): size guard, charset, main text (trafilatura), date (htmldate).

``extract_html`` is shared by the JSONL and WARC readers so every HTML input, wherever
it comes from, is decoded, extracted and dated the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources.base import ReadResult, has_suffix
from laborlens.sources.decode import Decoded, NotTextError, decode_bytes, repair_mojibake
from laborlens.sources.text import is_blank

logger = logging.getLogger(__name__)

_SUFFIXES = (".html", ".htm", ".xhtml")
_HEAD_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
# lxml refuses a str that still carries an encoding declaration; the text is decoded.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DOCUMENT_TAG = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)
# trafilatura drops every non-printable character, including the zero-width
# (non-)joiners that Persian and Indic spelling needs; they travel through it as
# printable stand-ins that the page does not already contain.
_JOINER_STAND_INS = (("\u200c", "\u2e3b"), ("\u200d", "\u2e3a"))


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (meta tag or XML declaration)."""
    head = data[:_HEAD_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_html(data: bytes, declared: str | None = None) -> Decoded:
    """Decode page bytes; ``declared`` (an HTTP header charset) wins over the meta tag."""
    return decode_bytes(data, declared or declared_charset(data), repair=False)


def _http_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) URL (a relative one has no page to anchor it)."""
    url = (value or "").strip()
    parts = urlsplit(url)
    return url if parts.scheme in {"http", "https"} and parts.netloc else None


def _page_url(tree: HtmlElement) -> str | None:
    """``<link rel=canonical>``, else ``og:url``."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            url = _http_url(link.get("href"))
            if url:
                return url
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:url":
            url = _http_url(meta.get("content"))
            if url:
                return url
    return None


def site_of(url: str | None) -> str | None:
    """Host name without a leading 'www.', the unit news sites are grouped by."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def _lang_attribute(tree: HtmlElement) -> str | None:
    """The primary subtag of ``<html lang>``: a hint only, pages often lie about it."""
    root = tree.getroottree().getroot()
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    primary = (value or "").strip().split("-")[0].split("_")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _protect_joiners(html: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    used = tuple(
        (joiner, stand_in)
        for joiner, stand_in in _JOINER_STAND_INS
        if joiner in html and stand_in not in html
    )
    for joiner, stand_in in used:
        html = html.replace(joiner, stand_in)
    return html, used


def _restore_joiners(text: str, used: tuple[tuple[str, str], ...]) -> str:
    for joiner, stand_in in used:
        text = text.replace(stand_in, joiner)
    return text


def _published(tree: HtmlElement, url: str | None, source: str) -> dt.date | None:
    # htmldate gets the parsed tree, never a string: a bare URL string makes it download.
    try:
        found = find_date(tree, original_date=True, url=url)
        return dt.date.fromisoformat(found) if found else None
    except Exception as exc:  # htmldate raises assorted lxml/dateutil errors; a date is optional
        logger.debug("%s: no publication date (%s: %s)", source, type(exc).__name__, exc)
        return None


def extract_html(
    html: str, *, source: str, locator: str = "", url: str | None = None
) -> ReadResult:
    """Main text, title, URL and publication date of one decoded HTML page.

    ``url`` is where the page was fetched from (WARC target, JSONL field); without it
    the page's canonical URL is used. Any parser or extractor failure becomes a
    SkippedRecord so one bad page never stops a batch.
    """
    html = _XML_DECLARATION.sub("", html, count=1)
    if not _DOCUMENT_TAG.search(html[: _HEAD_BYTES * 4]):
        html = f"<html><body>{html}</body></html>"
    html, joiners = _protect_joiners(html)
    try:
        tree = load_html(html)
    except Exception as exc:  # lxml raises many types on broken markup
        return SkippedRecord(source, f"malformed HTML: {type(exc).__name__}: {exc}", locator)
    if tree is None:
        return SkippedRecord(source, "malformed HTML: the parser found no document", locator)
    page_url = _http_url(url) or _page_url(tree)
    lang = _lang_attribute(tree)
    published = _published(tree, page_url, source)
    try:
        doc = bare_extraction(tree, url=page_url, with_metadata=True)
    except Exception as exc:  # trafilatura/lxml failures on pathological pages
        logger.debug("%s %s: extraction failed", source, locator, exc_info=True)
        return SkippedRecord(
            source, f"HTML extraction failed: {type(exc).__name__}: {exc}", locator
        )
    text = getattr(doc, "text", None) or ""
    if is_blank(text) or not any(ch.isalnum() for ch in text):
        return SkippedRecord(source, "no main text found in the HTML page", locator)
    text = repair_mojibake(_restore_joiners(text, joiners))
    title = getattr(doc, "title", None)
    title = (
        repair_mojibake(_restore_joiners(title.strip(), joiners))
        if isinstance(title, str) and title.strip()
        else None
    )
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    return RawDocument(
        source=source,
        text=text,
        locator=locator,
        title=title,
        url=page_url,
        site=site_of(page_url),
        published=published,
        lang_hint=lang,
    )


def document_from_html_bytes(
    data: bytes,
    *,
    source: str,
    locator: str = "",
    url: str | None = None,
    declared: str | None = None,
) -> ReadResult:
    """Decode page bytes and extract them; undecodable bytes become a SkippedRecord."""
    if not data.strip():
        return SkippedRecord(source, "empty HTML page", locator)
    try:
        decoded = decode_html(data, declared)
    except NotTextError as exc:
        return SkippedRecord(source, str(exc), locator)
    return extract_html(decoded.text, source=source, locator=locator, url=url)


def too_large(settings: Settings, size: int | None = None) -> str:
    """The skip reason for a page over the limit (``size`` when it is known)."""
    amount = f"{size:,} bytes" if size is not None else "larger than that"
    return (
        f"HTML page too large: max_html_bytes is {settings.max_html_bytes:,}, "
        f"the page is {amount}; raise the setting to read it"
    )


class HtmlReader:
    """One document per HTML file; pages over ``max_html_bytes`` are never read whole."""

    suffixes: tuple[str, ...] = _SUFFIXES

    def sniff(self, path: Path) -> bool:
        return has_suffix(path, self.suffixes)

    def read(
        self, path: Path, settings: Settings, *, source: str | None = None
    ) -> Iterator[ReadResult]:
        name = source if source is not None else str(path)
        limit = settings.max_html_bytes
        try:
            size = path.stat().st_size
            if size > limit:
                yield SkippedRecord(name, too_large(settings, size))
                return
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            yield SkippedRecord(name, f"cannot read file: {exc.strerror or exc}")
            return
        if len(data) > limit:
            yield SkippedRecord(name, too_large(settings))
            return
        yield document_from_html_bytes(data, source=name)
