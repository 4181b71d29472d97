"""hubkb serve."""

from __future__ import annotations

from pathlib import Path

import click

from ..paths import resources
from . import cli
from .common import CORPUS_OPTION, DB_OPTION, print_report, progress_bar, reports_errors


@cli.command(name="serve")
@CORPUS_OPTION
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes answering on the same port (default: one a CPU).",
)
@reports_errors
def serve_command(corpus: Path | None, db_path: Path, host: str, port: int, workers: int | None) -> None:
    """Build the database if the corpus changed, then publish it with Datasette.

    The database is served immutable as /hubkb with metadata.json; a rebuild
    (hubkb build in another terminal) is picked up without a restart. Each
    worker process renders pages on one core: by default there is one a CPU.
    """
    from ..serve import ensure_built, serve  # Datasette loads only for this command

    res = resources(corpus)
    report = ensure_built(res, db_path, progress=progress_bar("building"))
    if report is not None:
        print_report(report)
    serve(
        db_path,
        res.metadata,
        host=host,
        port=port,
        log=lambda message: click.echo(message, err=True),
        workers=workers,
    )
