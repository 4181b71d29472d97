"""SQL functions the canned queries call."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from ..fts_query import escape_fts
from ..text import fold


def _sql_fts_escape(query: str | None) -> str:
    return escape_fts(query or "")


def _sql_fold(text: str | None) -> str | None:
    return None if text is None else fold(str(text))


@hookimpl(specname="prepare_connection")
def hubkb_sql_functions(conn: Any) -> None:
    """hubkb_fts_escape(q): what a user typed as a safe FTS5 query; hubkb_fold(s): the folded form of a name."""
    conn.create_function("hubkb_fts_escape", 1, _sql_fts_escape, deterministic=True)
    conn.create_function("hubkb_fold", 1, _sql_fold, deterministic=True)
