"""What the query planner needs to know about a table, asked once per database file."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from sqlite_utils.db import quote_identifier

LEADING_INDEX_COLUMNS = """
select ii.name from pragma_index_list(:table) il join pragma_index_info(il.name) ii
where ii.seqno = 0
"""


def leading_index_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The columns some index of `table` starts with: an ORDER BY on one of them can walk that index."""
    return {name for (name,) in conn.execute(LEADING_INDEX_COLUMNS, {"table": table}) if name}


def column_detail_indexes(conn: sqlite3.Connection) -> list[str]:
    """The FTS5 tables built with `detail=column`: they know which column holds a word, not where (no phrases)."""
    return [
        name
        for name, sql in conn.execute("select name, sql from sqlite_master where type = 'table' and sql like '%fts5%'")
        if re.search(r"\bdetail\s*=\s*'?column'?", sql or "", re.I)
    ]


def matches_at_least(conn: sqlite3.Connection, fts: str, query: str, params: Any, enough: int) -> bool | None:
    """Whether the full-text search `<fts> match <query>` (SQL, with `params`) finds at least `enough` rows,
    counting no further than that; None when SQLite refuses the search (the page itself says why)."""
    sql = f"select count(*) from (select rowid from {quote_identifier(fts)} where {quote_identifier(fts)} match {query} limit {int(enough)})"
    try:
        return conn.execute(sql, params).fetchone()[0] >= enough
    except sqlite3.Error:
        return None
