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


from . import corpus  # noqa: E402  (registers check and build)
from . import writer  # noqa: E402  (registers search, cite and export)
from . import serve  # noqa: E402  (registers serve)
from . import importing  # noqa: E402  (registers import)

__all__ = ["cli"]
