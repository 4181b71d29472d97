"""Options and error handling shared by every command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..build import Report
from ..errors import CorpusError, HubkbError

DB_OPTION = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default="hubkb.db",
    show_default=True,
    help="The SQLite database file.",
)
CORPUS_OPTION = click.option(
    "--corpus",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The corpus folder [default: ./corpus, else the embedded default corpus].",
)


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


def progress_bar(label: str) -> Callable[[int, int], None] | None:
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


def print_report(report: Report) -> None:
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(report.summary())
