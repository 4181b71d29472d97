"""Facets: array facets fast on tables with long texts, and counted from memory on immutable files."""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args, sqlite_timelimit

from ..db.arrays import CountInterrupted, RowArrays, json_arrays, matching_counts

# database -> (table, key, column) -> each row's array, read once (the file is immutable)
_arrays: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str], RowArrays | None]] = weakref.WeakKeyDictionary()
_reading = threading.Lock()


class FastArrayFacet(ArrayFacet):
    """Datasette's array facet (`?_facet_array=tags`), the same counts, fast on wide tables.

    Datasette 0.65's array facet de-duplicates `distinct j.value, inner.*`,
    comparing every column of every row (post bodies included): past the facet
    time limit at 10,000 posts. Here a value counts the distinct primary keys
    of the rows holding it (one count per row per value, as there). On an
    immutable file each row's array is parsed once per server (`hubkb.db.arrays`)
    and a request only reads the keys of its rows (an index) and counts them
    in Python, all the page's array facets from one read: at 10,000 posts
    and a word most posts hold, 4 ms instead of 20-35 per facet. On a mutable
    file, or when a row's value is not an array of strings, the counting is
    SQL over the key and the faceted column only.
    """

    type = "array"

    async def facet_results(self):
        configs = self.get_configs()
        if not configs or not self.table:
            return [], []
        db = self.ds.get_database(self.database)
        pks = await db.primary_keys(self.table)
        if not pks:
            return await super().facet_results()
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        try:
            counted = await self._counted_in_memory(db, pks, columns)
        except QueryInterrupted:
            return [], columns
        found = await asyncio.gather(
            *(self._facet_sql(column, pks) if column not in counted else _done(counted[column]) for column in columns)
        )
        results, timed_out = [], []
        for column, source, rows in zip(columns, (c["source"] for c in configs), found, strict=True):
            if rows is None:
                timed_out.append(column)
            else:
                results.append(self._result(column, source, rows))
        return results, timed_out

    async def _counted_in_memory(self, db: Any, pks: list[str], columns: list[str]) -> dict[str, list]:
        """Each column's top values from the rows' arrays in memory; {} on a mutable file or a compound key."""
        if db.is_mutable or len(pks) != 1:
            return {}
        arrays = {column: await _row_arrays(db, self.table, pks[0], column) for column in columns}
        usable = {column: found for column, found in arrays.items() if found is not None}
        if not usable:
            return {}
        limit_ms = self.ds.setting("facet_time_limit_ms")

        def count(conn: Any) -> dict[str, list] | None:
            return matching_counts(
                conn,
                self.sql,
                pks[0],
                self.params or {},
                usable,
                self.get_facet_size() + 1,
                lambda c: sqlite_timelimit(c, limit_ms),
            )

        try:
            return await db.execute_fn(count) or {}
        except CountInterrupted:
            raise QueryInterrupted(None, self.sql, self.params) from None

    async def _facet_sql(self, column: str, pks: list[str]) -> list | None:
        """The top values counted by SQLite, reading only the key and the faceted column; None past the time limit."""
        keys = ", ".join(escape_sqlite(pk) for pk in pks)
        narrow = f"select {keys}, {escape_sqlite(column)} as facet from ({self.sql})"  # never the long columns
        row_keys = ", ".join(f"row.{escape_sqlite(pk)}" for pk in pks)  # json_each has an `id` of its own
        sql = (
            f"select j.value as value, count(distinct {row_keys}) as count from ({narrow}) as row, json_each(row.facet) j "
            f"group by j.value order by count desc, value limit {self.get_facet_size() + 1}"
        )
        try:
            rows = await self.ds.execute(
                self.database,
                sql,
                self.params,
                truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )
        except QueryInterrupted:
            return None
        return [(row["value"], row["count"]) for row in rows.rows]

    def _result(self, column: str, source: str, rows: list) -> dict[str, Any]:
        size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        values = []
        for found, count in rows[:size]:
            value = str(found)
            arg = {f"{column}__arraycontains": value}
            selected = (f"{column}__arraycontains", value) in pairs
            path = path_with_removed_args(self.request, arg) if selected else path_with_added_args(self.request, arg)
            values.append(
                {
                    "value": value,
                    "label": value,
                    "count": count,
                    "toggle_url": self.ds.absolute_url(self.request, path),
                    "selected": selected,
                }
            )
        return {
            "name": column,
            "type": self.type,
            "results": values,
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {f"_facet_{self.type}": column})),
            "truncated": len(rows) > size,
        }


class JsonArrayFacet(FastArrayFacet):
    """The same facet under a name of hubkb's own, for metadata: `{"json_array": "tags"}`."""

    type = "json_array"

    async def suggest(self):
        return []  # the array facet already suggests these


async def _done(rows: list) -> list:
    return rows


async def _row_arrays(db: Any, table: str, key: str, column: str) -> RowArrays | None:
    """The rows' arrays of `table.column`, read once per database (a first read that runs makes others wait)."""
    known = _arrays.setdefault(db, {})
    entry = (table, key, column)
    if entry in known:
        return known[entry]

    def read(conn: Any) -> RowArrays | None:
        with _reading:
            if entry not in known:
                known[entry] = json_arrays(conn, table, key, column)
            return known[entry]

    return await db.execute_fn(read)


@hookimpl(specname="register_facet_classes")
def json_array_facet():
    return [JsonArrayFacet]


@hookimpl(specname="register_facet_classes", hookwrapper=True)
def fast_array_facet() -> Any:
    """`?_facet_array=` counted by FastArrayFacet instead of Datasette's ArrayFacet (same counts)."""
    outcome = yield
    outcome.force_result(
        [[FastArrayFacet if klass is ArrayFacet else klass for klass in classes] for classes in outcome.get_result()]
    )
