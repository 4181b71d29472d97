"""hubkb search, hubkb cite and hubkb export: the writer's tools."""

from __future__ import annotations

import functools
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import display_path
from ..snippets import highlight
from ..writer.cite import LANGS, STYLES, cite_passage, cite_work, format_passage
from ..writer.export import FORMATS, WORK_FORMATS, export, export_file
from ..writer.search import SearchResult, describe_passage, search
from . import cli
from .common import DB_OPTION, reports_errors


def survives_closed_pipe(command: Callable[..., Any]) -> Callable[..., Any]:
    """`hubkb export posts | head` stops reading early: end quietly, not with a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except BrokenPipeError:
            # Python would complain again when it flushes stdout at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SystemExit(1) from None

    return wrapper


@cli.command(name="search")
@click.argument("query", nargs=-1, required=True)
@DB_OPTION
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="How many paragraphs to show.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help='Print {"query", "hits", "suggestions", "capped"} as JSON; snippets as HTML with <mark>; '
    "each hit lists the definitions and quotes in its paragraph.",
)
@click.option("--raw", is_flag=True, help="Pass FTS5 query syntax (AND, OR, NOT, NEAR) through as typed.")
@survives_closed_pipe
@reports_errors
def search_command(query: tuple[str, ...], db_path: Path, limit: int, as_json: bool, raw: bool) -> None:
    """Find paragraphs: ranked, with highlighted snippets and their anchors.

    Accents and case do not matter (region finds Région), nor the spelling of
    ordinals (27e, 27ème) and co- words (coproduction, co-production). Quote a phrase ('"services publics"'), end a
    word with * for a prefix (copro*). With no match, words from the index
    that look like yours are suggested.
    """
    result = search(db_path, " ".join(query), limit=limit, raw=raw)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    for n, hit in enumerate(result.hits, 1):
        click.echo(f"{n}. {hit.title} ({hit.date})  " + click.style(hit.anchor, fg="cyan"))
        snippet = "".join(
            click.style(text, bold=True, fg="yellow") if marked else text
            for text, marked in highlight(" ".join(hit.snippet.split()), hit.forms)
        )
        click.echo(f"   {snippet}")
        for passage in hit.passages:
            click.echo("   - " + describe_passage(passage))
    click.echo(_search_summary(result))
    if any(hit.passages for hit in result.hits):
        click.echo("cite one with: hubkb cite --definition ID, or --quote ID")


def _search_summary(result: SearchResult) -> str:
    if not result.hits:
        hint = f"; did you mean {', '.join(result.suggestions)}?" if result.suggestions else ""
        return f"no paragraph matches {result.query!r}{hint}"
    if result.capped:
        return (
            f"{len(result.hits)} best of the first {result.matched:,} matching paragraphs "
            "(a very common word: add words to narrow the search)"
        )
    if result.matched > len(result.hits):
        return f"{len(result.hits)} of {result.matched} matching paragraphs (--limit N shows more)"
    return f"{result.matched} matching paragraph{'s' if result.matched != 1 else ''}"


@cli.command(name="cite")
@click.argument("work_id", required=False)
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default=None,
    help="Reference style or record format for a work.  [default: apa]",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="fr",
    show_default=True,
    help="Language of the style's words (s. d./n.d., cité par/cited by).",
)
@click.option(
    "--definition",
    "definition_id",
    metavar="ID",
    help="Cite a definition with its second-hand chain (ID like post_id#d2).",
)
@click.option("--quote", "quote_id", metavar="ID", help="Cite a quote with its second-hand chain (post_id#q1).")
@DB_OPTION
@reports_errors
def cite_command(
    work_id: str | None, style: str | None, lang: str, definition_id: str | None, quote_id: str | None, db_path: Path
) -> None:
    """Cite a work or a post (APA, Chicago, ISO 690, BibTeX, RIS, CSL-JSON), or a passage met second-hand.

    A second-hand citation follows APA: the text names the original and the
    person it came through, the reference list names the post actually read.
    """
    if sum(x is not None for x in (work_id, definition_id, quote_id)) != 1:
        raise click.UsageError("give one of WORK_ID, --definition ID or --quote ID")
    if work_id is not None:
        click.echo(cite_work(db_path, work_id, style or "apa", lang))
        return
    if style not in (None, "apa"):
        raise click.UsageError("--style applies to works; a second-hand citation follows APA")
    kind, passage_id = ("definition", definition_id) if definition_id is not None else ("quote", quote_id)
    click.echo(format_passage(cite_passage(db_path, kind, str(passage_id), lang)))


@cli.command(name="export")
@click.argument("table", required=False)
@click.option("--sql", help="A read-only SELECT to export instead of a table.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="bibtex, ris and csl-json export works (the works table, or a query's id column).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (UTF-8) instead of standard output.",
)
@DB_OPTION
@survives_closed_pipe
@reports_errors
def export_command(table: str | None, sql: str | None, fmt: str, output: Path | None, db_path: Path) -> None:
    """Export a whole table or a query: every row, streamed, UTF-8.

    JSON array columns (authors, tags, ...) are arrays in json and ndjson and
    JSON text in csv.
    """
    if (table is None) == (sql is None):
        raise click.UsageError("give a TABLE or --sql SQL (not both)")
    if output is None:
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            export(db_path, stream, table, sql, fmt)
        finally:
            stream.detach()  # leave standard output open
        return
    count = export_file(db_path, output, table, sql, fmt)
    what = "work" if fmt in WORK_FORMATS else "row"
    click.echo(f"exported {count:,} {what}{'s' if count != 1 else ''} to {display_path(output)}", err=True)
