"""Codebook-format records (CODEBOOK sections 6 and 7), read from gold files and exports.

Gold files and ``laborlens export --format jsonl`` share one format, so the same
``CodedArticle`` holds an analyst's coding and a prediction; the scorer compares two of them.
Predicted items may carry ``evidence`` (the text of the spans the extractor used), which gold
items leave empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from laborlens.errors import EvalError


@dataclass(frozen=True, slots=True)
class CodedPlace:
    name: str
    name_en: str = ""
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodedOrganisation:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    country: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodedPerson:
    name: str
    name_latin: str = ""
    role: str | None = None
    organization: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodedEvent:
    """One event as the codebook writes it; ``evidence`` maps a field to supporting text."""

    type: str
    also: tuple[str, ...] = ()
    date: str | None = None
    date_precision: str | None = None
    countries: tuple[str, ...] = ()
    places: tuple[CodedPlace, ...] = ()
    organizations: tuple[CodedOrganisation, ...] = ()
    people: tuple[CodedPerson, ...] = ()
    issues: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    summary_en: str = ""
    evidence: tuple[tuple[str, str], ...] = ()

    def evidence_for(self, field: str) -> tuple[str, ...]:
        return tuple(text for name, text in self.evidence if name == field)


@dataclass(frozen=True, slots=True)
class CodedArticle:
    """An article's coding; ``path`` is the resolved input file when it was looked up."""

    id: str
    lang: str
    labour: bool
    published: str | None = None
    events: tuple[CodedEvent, ...] = ()
    file: str | None = None
    url: str | None = None
    title: str | None = None
    path: Path | None = None
    labour_evidence: tuple[str, ...] = ()


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, not {type(value).__name__}")
    return value


def _optional_text(value: object, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _texts(value: object, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list")
    return tuple(_text(item, f"{what} item") for item in value)


def _number(value: object, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number")
    return float(value)


def _objects(value: object, what: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{what} must be a list of objects")
    return value


def _event_evidence(value: object, text: str | None) -> tuple[tuple[str, str], ...]:
    """Export evidence is ``[start, end, field]``; with the article text it becomes field → text."""
    if value is None or text is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("evidence must be a list of [start, end, field]")
    pairs: list[tuple[str, str]] = []
    for item in value:
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not isinstance(item[0], int)
            or not isinstance(item[1], int)
            or not isinstance(item[2], str)
        ):
            raise ValueError("evidence must be a list of [start, end, field]")
        pairs.append((item[2], text[item[0] : item[1]]))
    return tuple(pairs)


def _parse_event(data: Mapping[str, Any], text: str | None) -> CodedEvent:
    event_type = _text(data.get("type"), "event type")
    return CodedEvent(
        type=event_type,
        also=_texts(data.get("also"), "also"),
        date=_optional_text(data.get("date"), "date"),
        date_precision=_optional_text(data.get("date_precision"), "date_precision"),
        countries=_texts(data.get("countries"), "countries"),
        places=tuple(
            CodedPlace(
                name=_text(p.get("name"), "place name"),
                name_en=_optional_text(p.get("name_en"), "place name_en") or "",
                country=_optional_text(p.get("country"), "place country"),
                lat=_number(p.get("lat"), "place lat"),
                lon=_number(p.get("lon"), "place lon"),
            )
            for p in _objects(data.get("places"), "places")
        ),
        organizations=tuple(
            CodedOrganisation(
                name=_text(o.get("name"), "organisation name"),
                aliases=_texts(o.get("aliases"), "organisation aliases"),
                kind=_optional_text(o.get("kind"), "organisation kind"),
                country=_optional_text(o.get("country"), "organisation country"),
            )
            for o in _objects(data.get("organizations"), "organizations")
        ),
        people=tuple(
            CodedPerson(
                name=_text(p.get("name"), "person name"),
                name_latin=_optional_text(p.get("name_latin"), "person name_latin") or "",
                role=_optional_text(p.get("role"), "person role"),
                organization=_optional_text(p.get("organization"), "person organization"),
            )
            for p in _objects(data.get("people"), "people")
        ),
        issues=_texts(data.get("issues"), "issues"),
        outcomes=_texts(data.get("outcomes"), "outcomes"),
        summary_en=_optional_text(data.get("summary_en"), "summary_en") or "",
        evidence=_event_evidence(data.get("evidence"), text),
    )


def parse_record(data: Mapping[str, Any]) -> CodedArticle:
    """One gold or export object → CodedArticle; raises ValueError naming the bad field."""
    if not isinstance(data, dict):
        raise ValueError("a record must be a JSON object")
    for key in ("id", "lang", "labour"):
        if key not in data:
            raise ValueError(f"missing field {key!r}")
    if not isinstance(data["labour"], bool):
        raise ValueError("labour must be true or false")
    text = _optional_text(data.get("text"), "text")
    return CodedArticle(
        id=_text(data["id"], "id"),
        lang=_text(data["lang"], "lang") if data["lang"] is not None else "und",
        labour=data["labour"],
        published=_optional_text(data.get("published"), "published"),
        events=tuple(_parse_event(e, text) for e in _objects(data.get("events"), "events")),
        file=_optional_text(data.get("file"), "file"),
        url=_optional_text(data.get("url"), "url"),
        title=_optional_text(data.get("title"), "title"),
    )


def _resolve(file: str, gold_path: Path, base: Path | None) -> Path | None:
    candidate = Path(file)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else None
    roots = ([base] if base is not None else []) + [gold_path.parent, gold_path.parent.parent]
    for root in roots:
        if (root / candidate).is_file():
            return root / candidate
    return None


def load_coded(
    path: Path, *, resolve_files: bool = False, base: Path | None = None, strict: bool = True
) -> list[CodedArticle]:
    """Read a codebook JSONL file (gold or export).

    With ``resolve_files`` each record's ``file`` is looked up relative to ``base`` (if given),
    the file's own directory, then its parent; a record whose file cannot be found is an error
    when ``strict``, and keeps ``path=None`` otherwise.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"gold file {path}: cannot be read ({exc})") from exc
    articles: list[CodedArticle] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = parse_record(json.loads(line))
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        except ValueError as exc:
            raise EvalError(f"{path}:{number}: {exc}") from exc
        if article.id in seen:
            raise EvalError(f"{path}:{number}: duplicate id {article.id!r}")
        seen.add(article.id)
        if resolve_files and (strict or article.file):
            if not article.file:
                raise EvalError(f"{path}:{number}: record {article.id!r} has no 'file'")
            found = _resolve(article.file, path, base)
            if found is None and not strict:
                articles.append(article)
                continue
            if found is None:
                where = [str(base)] if base else []
                where += [str(path.parent), str(path.parent.parent)]
                raise EvalError(
                    f"{path}:{number}: file {article.file!r} not found under "
                    f"{', '.join(where)}; pass --base DIR"
                )
            article = replace(article, path=found)
        articles.append(article)
    return articles


def load_gold(path: Path, base: Path | None = None) -> list[CodedArticle]:
    """Gold articles with their input files resolved (CODEBOOK section 6)."""
    articles = load_coded(path, resolve_files=True, base=base)
    if not articles:
        raise EvalError(f"gold file {path} has no records")
    return articles


def by_id(articles: Sequence[CodedArticle]) -> dict[str, CodedArticle]:
    return {a.id: a for a in articles}
