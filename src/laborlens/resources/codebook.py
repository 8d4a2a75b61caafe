"""Human labels for codebook codes; data stays in codes, people see labels."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources as importlib_resources

from laborlens.errors import ResourceError
from laborlens.records import EVENT_TYPES, ISSUE_CODES, ORGANISATION_KINDS


@dataclass(frozen=True, slots=True)
class Codebook:
    type_labels: dict[str, str]
    type_verbs: dict[str, str]
    issue_labels: dict[str, str]
    kind_labels: dict[str, str]
    role_synonyms: dict[str, str]
    roles_by_kind: dict[tuple[str, str], str]

    def normalise_role(self, role: str, organisation_kind: str | None) -> str:
        """The codebook's spelling of a role, refined by the kind of organisation held."""
        role = self.role_synonyms.get(role, role)
        return self.roles_by_kind.get((role, organisation_kind or ""), role)


@cache
def load_codebook() -> Codebook:
    text = (importlib_resources.files("laborlens.resources") / "codebook.toml").read_text("utf-8")
    data = tomllib.loads(text)
    types = data["types"]
    missing = (
        set(EVENT_TYPES) - set(types)
        | set(ISSUE_CODES) - set(data["issues"])
        | set(ORGANISATION_KINDS) - set(data["kinds"])
    )
    if missing:
        raise ResourceError(f"codebook.toml: no label for {', '.join(sorted(missing))}")
    return Codebook(
        type_labels={k: v["label"] for k, v in types.items()},
        type_verbs={k: v["verb"] for k, v in types.items()},
        issue_labels=dict(data["issues"]),
        kind_labels=dict(data["kinds"]),
        role_synonyms=dict(data.get("roles", {})),
        roles_by_kind={
            tuple(key.rsplit(".", 1)): value for key, value in data.get("roles_by_kind", {}).items()
        },
    )
