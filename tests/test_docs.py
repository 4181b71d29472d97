"""Docs are tested: every command has help and appears in the README, and the README's examples run."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest

from conftest import CORPUS, FIXTURES, ROOT
from hubkb.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


COMMANDS = cli.list_commands(click.Context(cli))  # each command's module loads when it is looked up


def test_every_command_is_listed() -> None:
    assert COMMANDS == ["build", "check", "cite", "export", "import", "init", "search", "serve", "trace"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(name: str, runner) -> None:
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help and len(command.help.split()) >= 4
    assert f"hubkb {name}" in README


def test_readme_gives_the_test_command_that_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = "pip install -e '.[test]' && python -m pytest"
    lines = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    assert command in README
    # The README's test command, then lint, format and types (issue #9.5), and nothing after them.
    assert lines[-4:] == [f"{command} || exit $?", "ruff check .", "ruff format --check .", "mypy src"]


# --- the README is executed -------------------------------------------------------------------------
#
# How README examples are written, so that this test runs them (keep to it when you add one):
# - A fenced block whose lines start with `$ ` is an example. Each `$ ` line is a command; the lines
#   after it, up to the next `$ ` line or the end of the block, are exactly what it prints (standard
#   output and error, as a terminal shows them). A command starts with `hubkb` and is split as a shell
#   splits words; it runs as a process of this Python.
# - The commands of one block run in turn in one temporary folder that holds a copy of the default
#   corpus, built (`./corpus`, `./hubkb.db`), unless SETUPS gives the block (by its first command)
#   another start: a function that prepares the folder, or CONTINUE for the previous block's folder.
# - Output is compared after normalising only paths (the temporary folder) and timings ("0.36 s").
#   An example ending with an "Error: ..." line must exit 1; any other, 0.
# - Every other fenced block of commands (a line starting with hubkb, pip, python or datasette) is not
#   compared: each of its lines is either in RUN (run, then checked) or in NOT_RUN with the reason.
#   Blocks under a heading in SYNOPSES are summaries of options, not commands.

PROGRAMS = ("hubkb", "pip", "python", "datasette")
CONTINUE = "continue in the previous block's folder"
TIMING = re.compile(r"\b\d+\.\d+ s\b")
SYNOPSES = {"The command line": "a summary of every command's options; each command's --help runs above"}
NOT_RUN = {
    "pip install . && hubkb serve": "installs into the running environment and serves until stopped; "
    "tests/test_serve.py starts `hubkb serve` on the embedded corpus and asks it over loopback HTTP",
    "pip install -e '.[test]' && python -m pytest": "it is this test suite; .ci/run runs it as written "
    "(test_readme_gives_the_test_command_that_ci_runs)",
    "datasette package hubkb.db -m metadata.json --install hubkb -t hubkb": "needs Docker",
    "datasette publish cloudrun hubkb.db -m metadata.json --install hubkb --service hubkb": "needs a Google "
    "Cloud account",
    "python bench/run.py": "a benchmark of minutes, not a test",
    "python bench/run.py --quick": "a benchmark (generated corpora, a served database), not a test",
    "python bench/run.py --large": "a benchmark of a 50,000-post corpus, not a test",
}


def _bad_input(folder: Path) -> None:
    """The default corpus with the two broken posts the bad-input example reports."""
    _default_corpus(folder)
    posts = folder / "corpus" / "posts"
    (posts / "2015-03-03-note.md").write_text(
        "---\ntitle: Une note\ndate: 2015-03-03\nauthors: [Jean Inconnu]\n---\nUn paragraphe.\n", encoding="utf-8"
    )
    (posts / "2021-02-30-autre.md").write_text(
        "---\ntitle: Une autre\ndate: 2021-02-30\nauthors: []\n---\nUn paragraphe.\n", encoding="utf-8"
    )


def _empty_corpus_and_a_scrape(folder: Path) -> None:
    """A new project: an empty corpus, and the seed post's raw scrape to import."""
    (folder / "corpus" / "posts").mkdir(parents=True)
    shutil.copy(FIXTURES / "import" / "vous-avez-dit-coproduction.txt", folder)


def _default_corpus(folder: Path) -> None:
    shutil.copytree(CORPUS, folder / "corpus")


def _built_default_corpus(folder: Path) -> None:
    _default_corpus(folder)
    code, output = _run("hubkb build", folder)
    assert code == 0, output


SETUPS: dict[str, Any] = {
    "hubkb check": _bad_input,
    "hubkb init kb": lambda folder: None,  # an empty folder
    "hubkb import vous-avez-dit-coproduction.txt": _empty_corpus_and_a_scrape,
    "hubkb import corpus/posts/2014-08-27-vous-avez-dit-coproduction.proposals.yaml --accept": CONTINUE,
}


def _inspect_data_beside(folder: Path) -> None:
    assert (
        json.loads((folder / "inspect-data.json").read_text(encoding="utf-8"))["hubkb"]["tables"]["posts"]["count"] == 1
    )


# Commands of other blocks that do run: (how the folder starts, what to check after).
RUN = {"hubkb build": (_default_corpus, _inspect_data_beside)}


@dataclass
class Block:
    heading: str
    line: int  # of the opening fence
    lines: list[str]

    def examples(self) -> list[tuple[str, list[str]]]:
        """(command, expected output lines) for each `$ ` line."""
        found: list[tuple[str, list[str]]] = []
        for line in self.lines:
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found:
                found[-1][1].append(line)
        return found

    def commands(self) -> list[str]:
        """The command lines of a block that is not an example, comments dropped."""
        return [line.split("  #")[0].strip() for line in self.lines if line.startswith(PROGRAMS)]


def readme_blocks() -> list[Block]:
    blocks: list[Block] = []
    heading, current = "", None
    for n, line in enumerate(README.splitlines(), 1):
        if current is None and line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("```"):
            if current is None:
                current = Block(heading, n, [])
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.lines.append(line)
    return blocks


BLOCKS = readme_blocks()
EXAMPLES = [b for b in BLOCKS if any(line.startswith("$ ") for line in b.lines)]


def _run(command: str, folder: Path) -> tuple[int, str]:
    words = shlex.split(command)
    assert words[0] == "hubkb", f"a README example runs hubkb, not {words[0]!r}"
    result = subprocess.run(
        [sys.executable, "-c", "from hubkb.cli import cli; cli()", *words[1:]],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        timeout=300,
    )
    return result.returncode, result.stdout.decode("utf-8")


def _normalise(text: str, folder: Path) -> str:
    for path in {str(folder.resolve()), str(folder)}:
        text = text.replace(path + os.sep, "").replace(path, ".")
    return TIMING.sub("0.00 s", text)


def test_the_readme_has_examples_and_every_setup_names_one() -> None:
    firsts = [b.examples()[0][0] for b in EXAMPLES]
    assert len(firsts) >= 5
    assert set(SETUPS) <= set(firsts), set(SETUPS) - set(firsts)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The folder each example block ran in, by block, so that a CONTINUE block finds its predecessor's."""
    return {}


@pytest.mark.xdist_group("readme-examples")  # one worker runs them in order: a block may continue the one before
@pytest.mark.parametrize("block", EXAMPLES, ids=lambda b: f"README.md:{b.line}")
def test_readme_example_prints_what_it_shows(block: Block, folders: dict[int, Path], tmp_path: Path) -> None:
    _run_example(block, folders, tmp_path)


def _run_example(block: Block, folders: dict[int, Path], tmp_path: Path) -> None:
    """Run a block's commands and compare what they print; a block that continues the one before runs in its
    folder, running that one first when this worker has not (xdist sent it to another, or `-k` left it out)."""
    examples = block.examples()
    setup = SETUPS.get(examples[0][0], _built_default_corpus)
    if setup is CONTINUE:
        previous = EXAMPLES[EXAMPLES.index(block) - 1]
        if previous.line not in folders:
            _run_example(previous, folders, tmp_path)
        folder = folders[previous.line]
    else:
        folder = tmp_path
        setup(folder)
    folders[block.line] = folder
    for command, expected in examples:
        code, output = _run(command, folder)
        shown = "\n".join(expected)
        assert _normalise(output, folder).rstrip("\n") == _normalise(shown, folder), f"$ {command}"
        failed = bool(expected) and expected[-1].startswith("Error: ")
        assert code == (1 if failed else 0), f"$ {command} exited with {code}:\n{output}"


def test_every_other_command_in_the_readme_runs_or_says_why_not(tmp_path: Path) -> None:
    others = [b for b in BLOCKS if b not in EXAMPLES and b.heading not in SYNOPSES]
    commands = [c for b in others for c in b.commands()]
    assert [c for c in commands if c not in RUN and c not in NOT_RUN] == []
    assert set(NOT_RUN) | set(RUN) <= set(commands), (set(NOT_RUN) | set(RUN)) - set(commands)
    for command in commands:
        if command in RUN:
            setup, check = RUN[command]
            folder = tmp_path / str(commands.index(command))
            folder.mkdir()
            setup(folder)
            code, output = _run(command, folder)
            assert code == 0, output
            check(folder)


def test_without_chromium_the_browser_tests_fail_in_one_line_saying_how_to_install_it() -> None:
    """A missing part is a failure, never a skip: .ci/run installs Chromium, a bare machine is told how."""
    test = "tests/test_browser.py::test_post_page_shows_the_rendered_paragraphs"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", test],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "HUBKB_TEST_CHROMIUM": "/nowhere/chromium"},
        timeout=300,
    )
    assert result.returncode == 1, result.stdout
    message = "/nowhere/chromium is missing: install Debian's chromium with `apt-get install chromium` (.ci/run does)"
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if f" ERROR at setup of {test.split('::')[1]} " in line)
    assert lines[header + 1] == message
    assert lines[-1].startswith("1 error in ")
    assert "skipped" not in result.stdout and "Traceback" not in result.stdout
