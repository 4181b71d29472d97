"""`hubkb import` through click, as a user runs it.

Until the lead wires the command into hubkb.cli, this module registers the
same command (the text handed over for src/hubkb/cli/) on a local group; once
`hubkb import` exists, the real one is tested.
"""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hubkb.cli import cli as hubkb_cli
from hubkb.errors import display_path
from hubkb.importer import import_files

from conftest import CORPUS, FIXTURES

SEED = FIXTURES / "import" / "vous-avez-dit-coproduction.txt"


def _local_cli() -> click.Group:
    from hubkb.cli.common import CORPUS_OPTION, reports_errors

    @click.group()
    def cli() -> None:
        """hubkb (test stand-in)."""

    @cli.command(name="import")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    @CORPUS_OPTION
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder for the drafts [default: CORPUS/posts].")
    @click.option("--json", "as_json", is_flag=True, help="Print the extraction: a JSON array, one object a file.")
    @click.option("--force", is_flag=True, help="Overwrite a draft that already exists.")
    @click.option("--accept", is_flag=True, help="Merge the proposed people, organisations, works and terms into "
                  "the corpus authority files (also: give a reviewed *.proposals.yaml as FILE).")
    @reports_errors
    def import_command(files: tuple[Path, ...], corpus: Path | None, out: Path | None, as_json: bool, force: bool,
                       accept: bool) -> None:
        """Turn raw page scrapes (text or saved HTML) into draft posts for review.

        Each FILE becomes OUT/DATE-SLUG.md, and the people, organisations,
        works and terms it needs that the corpus lacks are proposed beside it
        in OUT/DATE-SLUG.proposals.yaml. Authority files change only with
        --accept: review the draft and its proposals, then merge them with

        \b
            hubkb import --accept OUT/DATE-SLUG.proposals.yaml
        """
        result = import_files(list(files), corpus, out, as_json, force, accept)
        for message in result.messages:
            click.echo(message, err=True)
        for line in result.summary:
            click.echo(line, err=as_json)
        if as_json:
            click.echo(json.dumps(result.extractions, ensure_ascii=False, indent=2))
        if result.exit_code:
            raise click.exceptions.Exit(result.exit_code)

    return cli


CLI = hubkb_cli if "import" in hubkb_cli.commands else _local_cli()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def test_json_is_printed_alone_on_stdout(runner, tmp_path):
    result = runner.invoke(CLI, ["import", str(SEED), "--json", "--out", str(tmp_path), "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["title"], d["date"], d["authors"], len(d["paragraphs"])) for d in data] == [
        ("Vous avez dit coproduction ?", "2014-08-27", ["Régis Chatellier"], 7)]
    assert (tmp_path / "2014-08-27-vous-avez-dit-coproduction.md").exists()


def test_summary_and_refusal_to_overwrite(runner, tmp_path):
    args = ["import", str(SEED), "--out", str(tmp_path), "--corpus", str(CORPUS)]
    first = runner.invoke(CLI, args)
    draft = display_path(tmp_path / "2014-08-27-vous-avez-dit-coproduction.md")
    assert (first.exit_code, first.stdout) == (0, f"{display_path(SEED)}: wrote {draft} (7 paragraphs, 2 definitions, "
                                                  "3 quotes, 2 references)\n")
    second = runner.invoke(CLI, args)
    assert second.exit_code == 1
    assert second.stderr == f"{display_path(SEED)}: {draft} already exists; not overwritten (use --force to replace it)\n"
    assert runner.invoke(CLI, args + ["--force"]).exit_code == 0


def test_help_documents_accept(runner):
    result = runner.invoke(CLI, ["import", "--help"])
    assert result.exit_code == 0
    assert "--accept" in result.output and "proposals.yaml" in result.output
