"""Search: the SQL functions the search SQL calls, hubkb's canned queries and their magic parameters."""

from __future__ import annotations

import copy
from typing import Any

from datasette import hookimpl

from ..db.canned import canned_queries
from ..db.search import magic_parameter, register_search_functions
from .common import is_hubkb


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
