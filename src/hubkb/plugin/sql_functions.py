"""SQL functions the canned queries call."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from ..db.functions import create_function
from ..fts_query import escape_fts
from ..text import fold


def _sql_fts_escape(query: str | None) -> str:
    return escape_fts(query or "")


def _sql_fold(text: str | None) -> str | None:
    return None if text is None else fold(text)


@hookimpl(specname="prepare_connection")
def hubkb_sql_functions(conn: Any) -> None:
    """hubkb_fts_escape(q): what a user typed as a safe FTS5 query; hubkb_fold(s): the folded form of a name."""
    create_function(conn, "hubkb_fts_escape", _sql_fts_escape)
    create_function(conn, "hubkb_fold", _sql_fold)
