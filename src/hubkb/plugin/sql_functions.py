"""SQL functions the canned queries call; text read without Datasette's Python decoder on hubkb's files."""

from __future__ import annotations

from typing import Any

from datasette import hookimpl

from ..db.functions import create_function, decode_text_in_c
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


@hookimpl(specname="prepare_connection")
def hubkb_text_in_c(conn: Any) -> None:
    """Text values decoded by sqlite3 in C on hubkb's databases (hubkb.db.functions.decode_text_in_c);
    other databases keep Datasette's Python decoder, which replaces invalid UTF-8."""
    decode_text_in_c(conn)
