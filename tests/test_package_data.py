"""Every file the package reads at run time is declared as package data, so the wheel has it.

The editable install reads the source tree, where everything is present anyway; what goes
into a wheel is decided by ``[tool.setuptools.package-data]``. This test expands those globs
as setuptools does and checks that they cover every non-Python file of the package: the
language and codebook TOML files, the samples, the dashboard's templates and static files,
and the npm-built map assets when scripts/build_web_assets.sh has put them there.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "laborlens"


def _declared() -> set[Path]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = config["tool"]["setuptools"]["package-data"]["laborlens"]
    return {path for pattern in patterns for path in PACKAGE.glob(pattern) if path.is_file()}


def _data_files() -> set[Path]:
    return {
        path
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
        and not path.name.startswith(".")
    }


def test_every_data_file_of_the_package_is_declared() -> None:
    missing = sorted(str(p.relative_to(PACKAGE)) for p in _data_files() - _declared())
    assert not missing, f"add these to [tool.setuptools.package-data]: {missing}"


@pytest.mark.parametrize(
    "name",
    [
        "py.typed",
        "resources/codebook.toml",
        "resources/dates.toml",
        "resources/prototypes.toml",
        "resources/lang/en.toml",
        "resources/lang/fa.toml",
        "web/templates/base.html",
        "web/templates/events.html",
        "web/templates/article.html",
        "web/templates/map.html",
        "web/static/style.css",
        "web/static/app.js",
        "web/static/map.js",
    ],
)
def test_run_time_files_are_declared(name: str) -> None:
    path = PACKAGE / name
    assert resources.files("laborlens").joinpath(name).is_file(), name
    assert path in _declared(), f"{name} would be missing from the wheel"


def test_every_template_and_static_file_the_pages_link_is_declared() -> None:
    declared = _declared()
    templates = sorted((PACKAGE / "web" / "templates").glob("*.html"))
    assert len(templates) >= 5
    for template in templates:
        assert template in declared
        text = template.read_text(encoding="utf-8")
        for link in (part.split('"')[0] for part in text.split('"/static/')[1:]):
            target = PACKAGE / "web" / "static" / link
            if link.startswith("vendor/") and not target.exists():
                continue  # the npm assets are not built here
            assert target in declared, f"{template.name} links /static/{link}: not package data"


def test_the_samples_ship_with_the_package() -> None:
    samples = [p for p in _declared() if p.parent.name == "samples"]
    assert len(samples) >= 5
