"""The command line: parse arguments, call the library, print. Nothing else."""
from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .build import Report, build, check
from .errors import CorpusError, HubkbError
from .paths import resources

DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default="hubkb.db", show_default=True, help="The SQLite database file.")
CORPUS_OPTION = click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=None,
                             help="The corpus folder [default: ./corpus, else the embedded default corpus].")


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """The one place that turns hubkb's errors into a clean message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CorpusError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException(str(exc)) from None
        except HubkbError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def _progress(label: str) -> Callable[[int, int], None] | None:
    """A progress bar on a terminal for builds of more than a few posts."""
    if not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total < 200:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(1)
        if done == total:
            state["bar"].__exit__(None, None, None)

    return update


def _print_report(report: Report) -> None:
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(report.summary())


@click.group()
@click.version_option(__version__, prog_name="hubkb")
def cli() -> None:
    """hubkb: a research knowledge base on the coproduction of innovation.

    Blog posts, the people and organisations they cite, the definitions and
    quotes they carry and the works they reference, in a full-text-indexed
    SQLite database published with Datasette.
    """


@cli.command(name="check")
@CORPUS_OPTION
@reports_errors
def check_command(corpus: Path | None) -> None:
    """Validate the corpus; list every problem as path:line and exit 1 on errors."""
    res = resources(corpus)
    _print_report(check(res.corpus, res.schema, progress=_progress("checking")))


@cli.command(name="build")
@CORPUS_OPTION
@DB_OPTION
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of updating changed posts.")
@reports_errors
def build_command(corpus: Path | None, db_path: Path, full: bool) -> None:
    """Build the database from the corpus (incremental and atomic)."""
    res = resources(corpus)
    _print_report(build(res.corpus, db_path, res.schema, progress=_progress("building"), full=full))
