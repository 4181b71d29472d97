"""The command line: parse arguments, call the library, print. Nothing else.

Each module of this package adds the commands of one area to the `cli` group.
"""

from __future__ import annotations

import click

from .. import __version__


@click.group()
@click.version_option(__version__, prog_name="hubkb")
def cli() -> None:
    """hubkb: a research knowledge base on the coproduction of innovation.

    Blog posts, the people and organisations they cite, the definitions and
    quotes they carry and the works they reference, in a full-text-indexed
    SQLite database published with Datasette.
    """


# Each module registers the commands of its area on `cli` when imported.
from . import corpus, importing, lineage, serve, writer  # noqa: E402, F401

__all__ = ["cli"]
