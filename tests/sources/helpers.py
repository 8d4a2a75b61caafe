"""Paths and builders shared by the reader tests (imported, unlike conftest)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TESTS = Path(__file__).parents[1]
DATA = TESTS / "data"
SAMPLES = DATA / "sources"
BROKEN = DATA / "broken"
SEEDS = TESTS.parent / ".." / "shared" / "seeds"


@dataclass(frozen=True)
class WarcEntry:
    """One record to write: a response unless ``rec_type`` says otherwise."""

    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    rec_type: str = "response"
    extra_headers: tuple[tuple[str, str], ...] = ()


def write_warc(path: Path, entries: Sequence[WarcEntry]) -> Path:
    """Write a WARC (gzipped when the name ends in .gz) with warcio's own writer.

    Lengths are given so warcio does not buffer payloads in temporary files.
    """
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for entry in entries:
            if entry.rec_type == "response":
                headers = [("Content-Type", entry.content_type), *entry.extra_headers]
                http = StatusAndHeaders(entry.status, headers, protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    entry.url,
                    "response",
                    payload=io.BytesIO(entry.body),
                    length=len(entry.body),
                    http_headers=http,
                )
            else:
                record = writer.create_warc_record(
                    entry.url,
                    entry.rec_type,
                    payload=io.BytesIO(entry.body),
                    length=len(entry.body),
                )
            writer.write_record(record)
    return path


def page(title: str, paragraphs: Sequence[str], head: str = "", lang: str = "") -> str:
    """A small news page: navigation and footer around an article."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attr}><head><title>{title}</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright notice and contact details</footer></body></html>"
    )
