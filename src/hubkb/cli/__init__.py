"""The command line: parse arguments, call the library, print. Nothing else.

Each module of this package adds the commands of one area to the `cli` group,
imported only when one of its commands runs (or `--help` lists them all): a
`hubkb build` that finds nothing changed does not load Datasette, citeproc or
the lineage pages.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

# command -> the module of this package that defines it
_AREAS = {
    "build": "corpus",
    "check": "corpus",
    "cite": "writer",
    "export": "writer",
    "import": "importing",
    "init": "importing",
    "search": "writer",
    "serve": "serve",
    "trace": "lineage",
}


class _LazyGroup(click.Group):
    """A group whose commands' modules are imported when a command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(_AREAS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _AREAS:
            importlib.import_module(f".{_AREAS[cmd_name]}", __name__)
        return self.commands.get(cmd_name)


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="hubkb")
def cli() -> None:
    """hubkb: a research knowledge base on the coproduction of innovation.

    Blog posts, the people and organisations they cite, the definitions and
    quotes they carry and the works they reference, in a full-text-indexed
    SQLite database published with Datasette.
    """


__all__ = ["cli"]
