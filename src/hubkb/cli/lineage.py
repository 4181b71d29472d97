"""hubkb trace: how a definition or quote reached the post that quotes it."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from ..lineage.chain import format_chain
from ..lineage.trace import trace
from . import cli
from .common import DB_OPTION, reports_errors


@cli.command(name="trace")
@click.argument("passage_id", metavar="ID")
@click.option(
    "--lang", type=click.Choice(("fr", "en")), default="fr", show_default=True, help="Language of the APA citation."
)
@click.option("--json", "as_json", is_flag=True, help="Print the chain as JSON: hops, differences, citation.")
@DB_OPTION
@reports_errors
def trace_command(passage_id: str, lang: str, as_json: bool, db_path: Path) -> None:
    """Trace a definition (post_id#d2) or quote (post_id#q1) to its origin.

    Each hop in order, origin -> relays -> the post: who, where, when, in which
    language, whether it translated, a link, the wording where the corpus has
    it and what changed between two wordings in one language; then the APA
    citation of the secondary source built from the chain.
    """
    chain = trace(db_path, passage_id, lang)
    if as_json:
        click.echo(json.dumps({**asdict(chain), "summary": chain.summary()}, ensure_ascii=False, indent=2))
        return
    click.echo(format_chain(chain))
