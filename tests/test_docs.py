"""Docs are tested against code: every command has help with an example and is in the README."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from laborlens.cli import cli

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = sorted(cli.commands)


def test_the_cli_has_the_documented_commands() -> None:
    assert set(COMMANDS) >= {
        "ingest",
        "events",
        "show",
        "search",
        "export",
        "eval",
        "bench",
        "demo",
        "stages",
    }


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_has_an_example(name: str) -> None:
    args = [name, "--help"] if name else ["--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    example = result.output.split("Example:", 1)[1].strip().splitlines()[0]
    assert example.strip().startswith("laborlens"), example


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    text = README.read_text(encoding="utf-8")
    assert re.search(rf"laborlens (?:--\S+ \S+ )*{re.escape(name)}\b", text), (
        f"README.md does not show `laborlens {name}`"
    )


def test_readme_opens_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    assert "make demo" in first_block and "make test" in first_block


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    command = cli.commands[name]
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help, f"laborlens {name} {param.opts[0]} has no help text"
