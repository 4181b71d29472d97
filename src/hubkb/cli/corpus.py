"""hubkb check and hubkb build."""

from __future__ import annotations

from pathlib import Path

import click

from ..build import build, check
from ..paths import resources
from . import cli
from .common import CORPUS_OPTION, DB_OPTION, print_report, progress_bar, reports_errors


@cli.command(name="check")
@CORPUS_OPTION
@reports_errors
def check_command(corpus: Path | None) -> None:
    """Validate the corpus; list every problem as path:line and exit 1 on errors."""
    res = resources(corpus)
    print_report(check(res.corpus, res.schema, progress=progress_bar("checking")))


@cli.command(name="build")
@CORPUS_OPTION
@DB_OPTION
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of updating changed posts.")
@click.option(
    "--allow-shrink", is_flag=True, help="Publish even if more than half of the published posts would be removed."
)
@reports_errors
def build_command(corpus: Path | None, db_path: Path, full: bool, allow_shrink: bool) -> None:
    """Build the database from the corpus (incremental and atomic)."""
    res = resources(corpus)
    report = build(res.corpus, db_path, res.schema, progress_bar("building"), full=full, allow_shrink=allow_shrink)
    print_report(report)
