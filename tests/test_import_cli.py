"""`hubkb import` through click, as a user runs it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import CORPUS, FIXTURES
from hubkb.cli import cli as hubkb_cli
from hubkb.errors import display_path

SEED = FIXTURES / "import" / "vous-avez-dit-coproduction.txt"


CLI = hubkb_cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def test_json_is_printed_alone_on_stdout(runner, tmp_path):
    result = runner.invoke(CLI, ["import", str(SEED), "--json", "--out", str(tmp_path), "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["title"], d["date"], d["authors"], len(d["paragraphs"])) for d in data] == [
        ("Vous avez dit coproduction ?", "2014-08-27", ["Régis Chatellier"], 7)
    ]
    assert (tmp_path / "2014-08-27-vous-avez-dit-coproduction.md").exists()


def test_summary_and_refusal_to_overwrite(runner, tmp_path):
    args = ["import", str(SEED), "--out", str(tmp_path), "--corpus", str(CORPUS)]
    first = runner.invoke(CLI, args)
    draft = display_path(tmp_path / "2014-08-27-vous-avez-dit-coproduction.md")
    assert (first.exit_code, first.stdout) == (
        0,
        f"{display_path(SEED)}: wrote {draft} (7 paragraphs, 2 definitions, 3 quotes, 2 references)\n",
    )
    second = runner.invoke(CLI, args)
    assert second.exit_code == 1
    assert (
        second.stderr == f"{display_path(SEED)}: {draft} already exists; not overwritten (use --force to replace it)\n"
    )
    assert runner.invoke(CLI, args + ["--force"]).exit_code == 0


def test_missing_file_is_refused_by_click(runner, tmp_path):
    result = runner.invoke(CLI, ["import", str(tmp_path / "nowhere.txt"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_accept_through_the_command(runner, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "posts").mkdir(parents=True)
    for name in ("people", "organisations", "works", "terms"):
        (corpus / f"{name}.yaml").write_text(f"# {name}\n", encoding="utf-8")
    result = runner.invoke(CLI, ["import", str(SEED), "--corpus", str(corpus), "--accept"])
    assert result.exit_code == 0, result.output
    assert "organisations.yaml: 4 organisations added" in result.stdout
    assert runner.invoke(CLI, ["check", "--corpus", str(corpus)]).exit_code == 0


def test_help_documents_accept(runner):
    result = runner.invoke(CLI, ["import", "--help"])
    assert result.exit_code == 0
    assert "--accept" in result.output and "proposals.yaml" in result.output
