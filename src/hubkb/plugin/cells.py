"""Table, row and query cells: a post body as a link, snippets with <mark>, anchors as links."""

from __future__ import annotations

import re
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from ..snippets import parse_forms, snippet_html
from .common import anchor_url, is_hubkb, when_hubkb

_ANCHOR = re.compile(r"^(?P<post>[^#\s/]+)(?:#p(?P<n>\d+))?$")


@hookimpl(specname="render_cell")
def render_hubkb_cell(row, value, column, table, database, datasette):
    """A post's body as a link to its rendered text; search snippets with <mark>; anchors as links."""
    if not isinstance(value, str):
        return None
    if table == "posts" and column == "body":
        return _body_link(row, database, datasette)
    if table is None and column == "snippet" and "matched" in row.keys():  # noqa: SIM118 - a sqlite3.Row
        # hubkb's search SQL: plain text, highlighted here only (JSON and CSV stay plain)
        return when_hubkb(datasette, database, lambda: snippet_html(value, parse_forms(row["matched"])))
    if table is None and column == "matched" and value.startswith("["):
        return when_hubkb(datasette, database, lambda: Markup(escape(", ".join(parse_forms(value)))))
    if table is None and column == "anchor" and _ANCHOR.match(value):
        return when_hubkb(datasette, database, lambda: _anchor_link(value, database, datasette))
    return None


def _body_link(row, database: str, datasette):
    async def inner() -> Markup | None:
        if not await is_hubkb(datasette, database) or "id" not in row.keys():  # noqa: SIM118 - a sqlite3.Row
            return None
        url = datasette.urls.row(database, "posts", tilde_encode(row["id"])) + "#text"
        words = f" ({row['word_count']:,} words)".replace(",", "\u202f") if "word_count" in row.keys() else ""  # noqa: SIM118 - a sqlite3.Row
        return Markup(f'<a href="{escape(url)}">Read the text{words}</a>')

    return inner()


def _anchor_link(value: str, database: str, datasette: Any) -> Markup:
    match = _ANCHOR.match(value)
    assert match is not None  # render_hubkb_cell only calls it on a match
    url = anchor_url(datasette, database, match["post"], match["n"])
    return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
