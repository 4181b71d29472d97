"""Columns read once per immutable file, and the counts of a facet taken from them.

An array facet (`tags`, `authors`) counts, for each value, the rows that hold
it among the rows a page shows. In SQL that is `json_each` over every matching
row, a GROUP BY and a count of distinct keys: 20-40 ms at 10,000 posts for a
word most posts hold, on every request. An immutable file never changes, so
each row's array is parsed once (`json_arrays`) and a facet only asks SQLite
for the keys of the matching rows (`matching_keys`), which an index answers,
and counts in Python (`array_counts`): a few milliseconds. A column facet
(`year`) is counted the same way from each row's value (`column_values`,
`value_counts`): one read of the keys serves every facet of a page.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from itertools import chain, repeat
from typing import Any

from sqlite_utils.db import quote_identifier

RowArrays = dict[Any, tuple[str, ...]]


def json_arrays(conn: sqlite3.Connection, table: str, key: str, column: str) -> RowArrays | None:
    """Each row's values in `column` (a JSON array of strings), once each, by the row's `key`.

    NULL counts as no value, as `json_each` reads it. None when some row holds
    anything else (not JSON, not an array, a value that is not a string): the
    caller then counts in SQL, which says what is wrong as it always did.
    """
    arrays: RowArrays = {}
    sql = f"select {quote_identifier(key)}, {quote_identifier(column)} from {quote_identifier(table)}"
    try:
        rows = conn.execute(sql).fetchall()
    except sqlite3.Error:
        return None  # the SQL counting says what is wrong
    for row_key, text in rows:
        if text is None:
            arrays[row_key] = ()
            continue
        try:
            values = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            return None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        arrays[row_key] = tuple(dict.fromkeys(values))  # a row counts once for a value it repeats
    return arrays


class CountInterrupted(Exception):
    """Reading the keys of the matching rows passed the time limit."""


def matching_keys(
    conn: sqlite3.Connection,
    rows_sql: str,
    key: str,
    params: dict[str, Any] | Sequence[Any],
    time_limit: Callable[[sqlite3.Connection], AbstractContextManager[Any]],
) -> list[Any] | None:
    """The `key` of every row of `rows_sql`.

    The keys come back as one JSON array, not a row each (10,000 rows cost
    Python 15 ms, the array 1 ms), read under `time_limit(conn)`; raises
    CountInterrupted past it. None when a key cannot be put in JSON (a blob).
    """
    sql = f"select json_group_array({quote_identifier(key)}) from ({rows_sql})"
    try:
        with time_limit(conn):
            ((keys,),) = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if exc.args == ("interrupted",):
            raise CountInterrupted(sql) from None
        return None
    return json.loads(keys)


def column_values(conn: sqlite3.Connection, table: str, key: str, column: str) -> dict[Any, Any] | None:
    """Each row's value in `column` by the row's `key`, NULLs left out.

    None when the values are not all integers or all text: SQLite orders mixed
    types, reals and blobs in ways the caller leaves to SQL.
    """
    sql = f"select {quote_identifier(key)}, {quote_identifier(column)} from {quote_identifier(table)}"
    try:
        rows = conn.execute(sql).fetchall()
    except sqlite3.Error:
        return None
    values = {row_key: value for row_key, value in rows if value is not None}
    kinds = {type(value) for value in values.values()}
    return values if kinds <= {int} or kinds == {str} else None


def value_counts(values: dict[Any, Any], keys: Iterable[Any], limit: int) -> list[tuple[Any, int]]:
    """The `limit` values most rows of `keys` hold, with their counts: most first, then by value, as
    Datasette's `group by column order by count desc, value` (text compared by code point, as UTF-8 bytes are)."""
    counts = Counter(map(values.get, keys))
    counts.pop(None, None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def array_counts(arrays: RowArrays, keys: Iterable[Any], limit: int) -> list[tuple[str, int]]:
    """The `limit` values most rows of `keys` hold, with their counts: most first, then by value
    (SQLite's order: text compared by code point, as UTF-8 bytes are)."""
    counts = Counter(chain.from_iterable(map(arrays.get, keys, repeat(()))))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
