"""Docs are tested: every command has help and appears in the README."""

from __future__ import annotations

import pytest

from conftest import ROOT
from hubkb.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(name: str, runner) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert cli.commands[name].help and len(cli.commands[name].help.split()) >= 4
    assert f"hubkb {name}" in README


def test_readme_gives_the_test_command_that_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "pip install -e '.[test]' && python -m pytest"
    lines = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    assert command in README
    # The README's test command, then lint, format and types (issue #9.5), and nothing after them.
    assert lines[-4:] == [f"{command} || exit $?", "ruff check .", "ruff format --check .", "mypy src"]
