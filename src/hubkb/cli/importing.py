"""hubkb import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import display_path
from . import cli
from .common import CORPUS_OPTION, reports_errors


@cli.command(name="init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
def init_command(folder: Path) -> None:
    """Create an empty corpus of your own in FOLDER/corpus.

    Authority files with a commented example, and an empty posts/ folder that
    `hubkb import` fills. Then work from FOLDER:

    \b
    cd FOLDER && hubkb import page.html
    hubkb import corpus/posts/DATE-SLUG.proposals.yaml --accept  # after review
    hubkb check
    """
    from ..init import init_corpus

    made = init_corpus(folder)
    click.echo(f"created {display_path(made[0].parent)}: posts/ and {len(made) - 1} authority files")
    click.echo(
        f"next: cd {display_path(folder)} && hubkb import PAGE && hubkb check; review the draft and its "
        ".proposals.yaml, accept them (hubkb import FILE.proposals.yaml --accept), "
        "delete the draft's 'status: draft' line, then hubkb build"
    )


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@CORPUS_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the drafts [default: CORPUS/posts].",
)
@click.option("--json", "as_json", is_flag=True, help="Print the extraction as a JSON array, one object a file.")
@click.option("--force", is_flag=True, help="Overwrite a draft that already exists.")
@click.option(
    "--accept", is_flag=True, help="Merge the proposed people, organisations, works and terms into the authority files."
)
@reports_errors
def import_command(
    files: tuple[Path, ...], corpus: Path | None, out: Path | None, as_json: bool, force: bool, accept: bool
) -> None:
    """Turn raw page scrapes (text or saved HTML) into draft posts for review.

    Each FILE becomes OUT/YYYY-MM-DD-slug.md with the definitions, quotes,
    references and names found already annotated, and the new people,
    organisations, works and terms it needs in YYYY-MM-DD-slug.proposals.yaml
    beside it. Review both, then accept the proposals:

    \b
    hubkb import OUT/YYYY-MM-DD-slug.proposals.yaml --accept
    """
    from ..errors import HubkbError
    from ..importer.extra import missing, missing_message

    absent = missing()
    if absent:
        raise HubkbError(missing_message(absent))
    from ..importer import import_files  # the importer's lexicons load only for this command

    result = import_files(list(files), corpus, out, as_json, force, accept)
    for message in result.messages:
        click.echo(message, err=True)
    for line in result.summary:
        click.echo(line, err=as_json)
    if as_json:
        write_json(result.extractions)
    if result.exit_code:
        raise SystemExit(result.exit_code)


def write_json(extractions: list[dict[str, Any]]) -> None:
    """`json.dump(extractions, sys.stdout, ensure_ascii=False, indent=2)` and a newline, the same bytes, by orjson
    (the standard encoder is pure Python when it indents: 0.7 s for a 5 MB page's 11 MB, #12.7), a file at a time:
    an object indented by orjson is indented once more by putting two spaces after each of its line breaks (a JSON
    string holds none)."""
    import orjson  # the import extra

    sys.stdout.flush()
    out = sys.stdout.buffer
    for i, item in enumerate(extractions):
        out.write(b"[\n  " if i == 0 else b",\n  ")
        out.write(orjson.dumps(item, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  "))
    out.write(b"\n]\n" if extractions else b"[]\n")
    out.flush()
