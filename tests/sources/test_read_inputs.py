"""read_inputs: files, directories, stdin and missing paths, in a stable order."""

from __future__ import annotations

import io
import logging
import shutil
from pathlib import Path

import pytest

from laborlens.config import Settings
from laborlens.records import RawDocument, SkippedRecord
from laborlens.sources import READERS, read_inputs, reader_for
from laborlens.sources.html import HtmlReader
from laborlens.sources.jsonl import JsonlReader
from laborlens.sources.text import TextReader
from laborlens.sources.warc import WarcReader

from .helpers import BROKEN, SAMPLES, SEEDS, WarcEntry, page, write_warc


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A directory mixing every input type with hidden and unknown files."""
    root = tmp_path / "corpus"
    (root / "b" / "deep").mkdir(parents=True)
    (root / ".git").mkdir()
    shutil.copy(SAMPLES / "strike_ru.html", root / "b" / "page.html")
    shutil.copy(SAMPLES / "articles.jsonl", root / "a.jsonl")
    (root / "b" / "deep" / "note.txt").write_text(
        "Night-shift cleaners organise\nThe cleaners formed a union branch this week.\n", "utf-8"
    )
    (root / "c.txt").write_bytes(b"")
    (root / ".hidden.txt").write_text("Hidden headline here\nHidden body.\n", "utf-8")
    (root / ".git" / "notes.txt").write_text("Not an article at all\nNope.\n", "utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "README").write_text("no extension\n", "utf-8")
    strike = page("Bakers strike in the old town", ["The bakers stopped work at dawn."] * 3)
    write_warc(
        root / "b" / "crawl.warc.gz", [WarcEntry("https://x.example.org/b", strike.encode())]
    )
    return root


def test_directory_is_read_recursively_in_sorted_order(corpus: Path, settings: Settings) -> None:
    results = list(read_inputs([str(corpus)], settings))
    assert [(r.source, r.locator) for r in results] == [
        (f"{corpus}/a.jsonl", "line 1"),
        (f"{corpus}/a.jsonl", "line 2"),
        (f"{corpus}/a.jsonl", "line 4"),
        (f"{corpus}/a.jsonl", "line 5"),
        (f"{corpus}/b/crawl.warc.gz", "record 2"),
        (f"{corpus}/b/deep/note.txt", ""),
        (f"{corpus}/b/page.html", ""),
        (f"{corpus}/c.txt", ""),
    ]
    assert isinstance(results[-1], SkippedRecord)
    assert all(isinstance(r, RawDocument) for r in results[:-1])


def test_hidden_and_unknown_files_are_logged_not_read(
    corpus: Path, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="laborlens.sources"):
        names = {
            Path(r.source).relative_to(corpus).as_posix()
            for r in read_inputs([str(corpus)], settings)
        }
    assert names == {"a.jsonl", "b/crawl.warc.gz", "b/deep/note.txt", "b/page.html", "c.txt"}
    logged = caplog.text
    assert ".hidden.txt" in logged and ".git" in logged
    assert "image.png" in logged and "README" in logged


def test_source_keeps_the_path_as_given(
    corpus: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus.parent)
    trailing = {r.source for r in read_inputs(["./corpus/b/"], settings)}
    assert "./corpus/b/page.html" in trailing
    single = [r.source for r in read_inputs(["./corpus/b/deep/note.txt"], settings)]
    assert single == ["./corpus/b/deep/note.txt"]


def test_symlink_loop_is_read_once(corpus: Path, settings: Settings) -> None:
    (corpus / "b" / "deep" / "loop").symlink_to(corpus / "b", target_is_directory=True)
    sources = [r.source for r in read_inputs([str(corpus)], settings)]
    assert sources.count(f"{corpus}/b/page.html") == 1
    assert not any("/loop/" in s for s in sources)


def test_seeds_directory(settings: Settings) -> None:
    results = list(read_inputs([str(SEEDS)], settings))
    assert len(results) == len(list(SEEDS.glob("*.txt"))) > 0
    assert all(isinstance(r, RawDocument) for r in results)


def test_missing_path_is_a_skipped_record(tmp_path: Path, settings: Settings) -> None:
    missing = str(tmp_path / "nowhere" / "file.txt")
    good = str(SAMPLES / "protest_ar.html")
    results = list(read_inputs([missing, good], settings))
    assert isinstance(results[0], SkippedRecord)
    assert results[0].source == missing
    assert "no such file" in results[0].reason
    assert isinstance(results[1], RawDocument)


def test_explicit_file_of_unknown_type_is_skipped(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.7")
    (skipped,) = read_inputs([str(path)], settings)
    assert isinstance(skipped, SkippedRecord)
    assert "unsupported file type '.pdf'" in skipped.reason


def test_stdin_is_read_as_text(settings: Settings) -> None:
    text = "Garment workers march for a living wage\nThousands marched through the city.\n"
    results = list(read_inputs(["-"], settings, stdin=io.BytesIO(text.encode("utf-8"))))
    (doc,) = results
    assert isinstance(doc, RawDocument)
    assert doc.source == "<stdin>"
    assert doc.text == text
    assert doc.title == "Garment workers march for a living wage"


def test_empty_stdin_is_skipped(settings: Settings) -> None:
    (skipped,) = read_inputs(["-"], settings, stdin=io.BytesIO(b""))
    assert isinstance(skipped, SkippedRecord)
    assert skipped.source == "<stdin>"
    assert "empty" in skipped.reason


def test_every_broken_input_is_a_value_and_good_ones_follow(settings: Settings) -> None:
    good = str(SAMPLES / "strike_ru.html")
    paths = [str(p) for p in sorted(BROKEN.iterdir())] + [good]
    results = list(read_inputs(paths, settings))
    assert results[-1].source == good and isinstance(results[-1], RawDocument)
    skipped = [r for r in results if isinstance(r, SkippedRecord)]
    assert {Path(s.source).name for s in skipped} >= {
        "empty.txt",
        "whitespace_only.txt",
        "binary_renamed.txt",
        "mixed.jsonl",
    }


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("a.txt", TextReader),
        ("a.HTML", HtmlReader),
        ("a.htm", HtmlReader),
        ("a.jsonl", JsonlReader),
        ("a.warc", WarcReader),
        ("a.warc.gz", WarcReader),
    ],
)
def test_reader_table(name: str, reader: type) -> None:
    found = reader_for(Path(name))
    assert isinstance(found, reader)
    assert found in READERS.values()


@pytest.mark.parametrize("name", ["a.pdf", "a.gz", "a.json", "Makefile"])
def test_no_reader_for_other_files(name: str) -> None:
    assert reader_for(Path(name)) is None
