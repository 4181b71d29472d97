"""Search: the SQL functions the search SQL calls, hubkb's canned queries and their magic parameters."""

from __future__ import annotations

import copy
import json
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from ..db.canned import canned_queries
from ..db.search import magic_parameter, register_search_functions
from ..writer.search import describe_passage
from .common import is_hubkb, when_hubkb


@hookimpl(specname="prepare_connection")
def search_sql_functions(conn: Any) -> None:
    """hubkb_fts_query(q): what a user typed as a safe FTS5 query; hubkb_snippet_text/_marks: snippets."""
    register_search_functions(conn)


@hookimpl(specname="canned_queries")
def hubkb_canned_queries(datasette: Any, database: str) -> Any:
    """The queries of hubkb/queries/*.sql, on hubkb's databases only."""

    async def inner() -> dict[str, dict[str, Any]]:
        if not await is_hubkb(datasette, database):
            return {}
        return copy.deepcopy(canned_queries())  # Datasette adds keys to what it gets

    return inner


@hookimpl(specname="register_magic_parameters")
def search_magic_parameters() -> list[tuple[str, Any]]:
    """:_hubkb_limit and :_hubkb_candidates: the search SQL's bounds, never form fields."""
    return [("hubkb", lambda key, request: magic_parameter(key))]


@hookimpl(specname="render_cell")
def search_cells(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """The search SQL's `passages` in HTML: the definitions and quotes of the paragraph as links
    (`cells.render_hubkb_cell` highlights the snippet). JSON and CSV keep the plain JSON."""
    if table is not None or not isinstance(value, str) or "matched" not in row.keys():  # noqa: SIM118 - a sqlite3.Row
        return None
    if column == "passages":
        return when_hubkb(datasette, database, lambda: passages_html(value, database, datasette))
    return None


def passages_html(value: str, database: str, datasette: Any) -> Markup:
    """The definitions and quotes of a paragraph, each linking to its row page."""
    try:
        passages = json.loads(value)
    except ValueError:
        return Markup(escape(value))
    items = []
    for p in passages if isinstance(passages, list) else []:
        table = "definitions" if p.get("kind") == "definition" else "quotes"
        url = datasette.urls.row(database, table, tilde_encode(str(p.get("id"))))
        text = describe_passage(p)
        label = f"{p.get('kind')} {p.get('id')}"
        items.append(f'<li><a href="{escape(url)}">{escape(label)}</a>{escape(text[len(label) :])}</li>')
    return Markup(f"<ul>{''.join(items)}</ul>" if items else "")
