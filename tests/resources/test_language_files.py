"""Every language file validates, and covers what the extractor needs from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from laborlens.errors import ResourceError
from laborlens.records import EVENT_TYPES
from laborlens.resources.schema import available_languages, load_language, parse_language

LANGS = available_languages()
CORE_LANGS = ("ar", "en", "fa", "ru", "tr", "vi")


def test_core_languages_present() -> None:
    assert set(CORE_LANGS) <= set(LANGS)


@pytest.mark.parametrize("code", LANGS)
def test_file_validates(code: str) -> None:
    res = load_language(code)
    assert res is not None
    assert res.code == code


@pytest.mark.parametrize("code", LANGS)
def test_every_event_type_has_triggers(code: str) -> None:
    res = load_language(code)
    assert res is not None
    missing = [t for t in EVENT_TYPES if t != "other" and not res.raw.get("events", {}).get(t)]
    assert missing == []


@pytest.mark.parametrize("code", LANGS)
def test_lexicons_are_substantial(code: str) -> None:
    """A linguist's file, not a handful of strings: every major table has real coverage."""
    res = load_language(code)
    assert res is not None
    assert len(res.relevance) >= 40
    assert len(res.relevance_exclude) >= 8
    assert len(res.events) >= 80
    assert len(res.issues) >= 40
    assert len(res.roles) >= 15
    assert len(res.demonyms) >= 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": {"name": "X"}}, "code is required"),
        ({"language": {"code": "xx", "name": "X"}, "bogus": {}}, "unknown section"),
        ({"language": {"code": "xx", "name": "X"}, "events": {"riot": ["a"]}}, "unknown key"),
        ({"language": {"code": "xx", "name": "X"}, "events": {"strike": "grev"}}, "list"),
        ({"language": {"code": "xx", "name": "X", "direction": "up"}}, "direction"),
        (
            {"language": {"code": "xx", "name": "X"}, "places": {"demonyms": {"a*": "Turkey"}}},
            "bad value",
        ),
        (
            {"language": {"code": "xx", "name": "X"}, "issues": {"wages": ["re:(a"]}},
            "non-capturing",
        ),
        (
            {"language": {"code": "xx", "name": "X"}, "issues": {"wages": ["re:[a"]}},
            "does not compile",
        ),
    ],
)
def test_schema_rejects_bad_files(data: dict[str, object], message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        parse_language(data, "test.toml")


def test_file_name_must_match_code(tmp_path: Path) -> None:
    from laborlens.resources.schema import load_language_file

    path = tmp_path / "zz.toml"
    path.write_text('[language]\ncode = "yy"\nname = "Y"\n', encoding="utf-8")
    with pytest.raises(ResourceError, match="code is 'yy'"):
        load_language_file(path)
