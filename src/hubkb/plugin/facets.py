"""Facets: array facets fast on tables with long texts; array and column facets counted from memory
on immutable files, from one read of the matching rows' keys a page."""

from __future__ import annotations

import re
import threading
import weakref
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args, sqlite_timelimit

from ..db.arrays import CountInterrupted, Tally, array_tally, matching_keys, value_tally
from .serving import SEARCH_CLAUSE

# database -> (table, key, column) -> each row's array, read once (the file is immutable)
_arrays: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str], Tally | None]] = weakref.WeakKeyDictionary()
# database -> (table, key, column) -> each row's value, read once (the file is immutable)
_values: weakref.WeakKeyDictionary[Any, dict[tuple[str, str, str], Tally | None]] = weakref.WeakKeyDictionary()
_reading = threading.Lock()
# request -> (rows SQL, parameters, key) -> the keys of the matching rows: one read for all the page's facets
_keys: weakref.WeakKeyDictionary[Any, dict[tuple, Any]] = weakref.WeakKeyDictionary()
_INTERRUPTED = object()


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
        # one after the other, as Datasette runs its own queries since 0.64 (its issue 2189); a column counted
        # in memory does not wait for the event loop's other tasks, as a gathered task would under load
        found = [counted[column] if column in counted else await self._facet_sql(column, pks) for column in columns]
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
        arrays = {column: await _read_once(_arrays, db, array_tally, self.table, pks[0], column) for column in columns}
        usable = {column: found for column, found in arrays.items() if found is not None}
        if not usable:
            return {}
        limit = self.get_facet_size() + 1
        if _whole_table(self):
            return {column: tally.top(None, limit) for column, tally in usable.items()}
        found = await _matching_keys(self, db, pks[0], list(usable.values()))
        if found is None:
            return {}
        keys, by_rowid = found
        return {column: tally.top(keys, limit, rowids=by_rowid) for column, tally in usable.items()}

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


class FastColumnFacet(ColumnFacet):
    """Datasette's column facet (`year`, `?_facet=`), the same results, counted in memory on an immutable file.

    Datasette counts with a GROUP BY over the page's rows, which runs the
    page's search again (5 ms at 10,000 posts for a word most posts hold).
    Here each row's value is read once per server and a request counts the
    keys of its rows, read once for all the page's facets (`_matching_keys`);
    a page of the whole table counts every row without asking SQLite.
    Foreign-key columns (their labels), mutable files, compound keys and
    columns holding other than integers or text are counted by Datasette.
    """

    async def facet_results(self):
        configs = self.get_configs()
        db = self.ds.get_database(self.database)
        if not configs or not self.table or db.is_mutable:
            return await super().facet_results()
        pks = await db.primary_keys(self.table)
        columns = [c["config"].get("column") or c["config"]["simple"] for c in configs]
        linked = {fk["column"] for fk in await db.foreign_keys_for_table(self.table)}
        if len(pks) != 1 or linked.intersection(columns):
            return await super().facet_results()
        found_values = [await _read_once(_values, db, value_tally, self.table, pks[0], column) for column in columns]
        values = [found for found in found_values if found is not None]
        if len(values) < len(columns):
            return await super().facet_results()
        keys: list | None = None
        by_rowid = False
        if not _whole_table(self):
            try:
                matching = await _matching_keys(self, db, pks[0], values)
            except QueryInterrupted:
                return [], columns
            if matching is None:
                return await super().facet_results()
            keys, by_rowid = matching
        size = self.get_facet_size()
        results = [
            self._result(column, config["source"], found.top(keys, size + 1, rowids=by_rowid), size)
            for column, config, found in zip(columns, configs, values, strict=True)
        ]
        return results, []

    def _result(self, column: str, source: str, rows: list, size: int) -> dict[str, Any]:
        """What Datasette's ColumnFacet gives for these (value, count) rows (no labels: not a foreign key)."""
        pairs = self.get_querystring_pairs()
        column_qs = f"{column}__exact" if column.startswith("_") else column
        values = []
        for value, count in rows[:size]:
            selected = (column_qs, str(value)) in pairs
            if selected:
                toggle = path_with_removed_args(self.request, {column_qs: str(value)})
            else:
                toggle = path_with_added_args(self.request, {column_qs: value})
            values.append(
                {
                    "value": value,
                    "label": value,
                    "count": count,
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(toggle)),
                    "selected": selected,
                }
            )
        return {
            "name": column,
            "type": self.type,
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {"_facet": column})),
            "results": values,
            "truncated": len(rows) > size,
        }


class JsonArrayFacet(FastArrayFacet):
    """The same facet under a name of hubkb's own, for metadata: `{"json_array": "tags"}`."""

    type = "json_array"

    async def suggest(self):
        return []  # the array facet already suggests these


async def _read_once(cache: weakref.WeakKeyDictionary, db: Any, reader: Any, table: str, key: str, column: str) -> Any:
    """`reader(conn, table, key, column)` (the rows' arrays or values of `table.column`), read once per
    database into `cache` (a first read that runs makes others wait)."""
    known = cache.setdefault(db, {})
    entry = (table, key, column)
    if entry in known:
        return known[entry]

    def read(conn: Any) -> Any:
        with _reading:
            if entry not in known:
                known[entry] = reader(conn, table, key, column)
            return known[entry]

    return await db.execute_fn(read)


def _whole_table(facet: Any) -> bool:
    """Whether the facet counts every row of its table (no filter, no search): then every row read
    once per server is counted, without asking SQLite which rows match."""
    return not facet.params and facet.sql.rstrip().endswith(f" from {escape_sqlite(facet.table)}")


async def _matching_keys(facet: Any, db: Any, key: str, tallies: list[Tally]) -> tuple[list, bool] | None:
    """The keys of the facet's rows, read once a request for all its facets, and whether they are rowids;
    QueryInterrupted past the facet time limit. None when a key cannot be put in JSON.

    A page that only searches (`where rowid in (select rowid from posts_fts
    where posts_fts match ...)`, Datasette's search clause and nothing else)
    holds the rows whose rowid the full-text index gives: those rowids are
    read from the index alone (2 ms at 10,000 posts for a word most posts
    hold), not by testing each row of the table against them (13 ms).
    """
    params = facet.params or {}
    frozen = tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params)
    search = _search_only(facet.sql, facet.table)
    by_rowid = search is not None and all(tally.knows_rowids for tally in tallies)
    rows_sql, key = (search, "rowid") if search is not None and by_rowid else (facet.sql, key)
    entry = (rows_sql, frozen, key)
    known = _keys.setdefault(facet.request, {})
    if entry not in known:
        limit_ms = facet.ds.setting("facet_time_limit_ms")

        def read(conn: Any) -> list | None:
            return matching_keys(conn, rows_sql, key, params, lambda c: sqlite_timelimit(c, limit_ms))

        try:
            known[entry] = await db.execute_fn(read)
        except CountInterrupted:
            known[entry] = _INTERRUPTED
    if known[entry] is _INTERRUPTED:
        raise QueryInterrupted(None, facet.sql, params)
    return None if known[entry] is None else (known[entry], by_rowid)


def _search_only(sql: str, table: str) -> str | None:
    """The full-text subquery of `sql` when `sql` is `select ... from table where rowid in (<subquery>)`
    (with or without the `+` of `search_through_the_sort_index`), Datasette's search clause alone."""
    found = re.search(rf" from {re.escape(escape_sqlite(table))} where {SEARCH_CLAUSE}\s*$", sql)
    return found.group("subquery") if found else None


@hookimpl(specname="register_facet_classes")
def json_array_facet():
    return [JsonArrayFacet]


@hookimpl(specname="register_facet_classes", hookwrapper=True)
def fast_array_facet() -> Any:
    """Datasette's ArrayFacet and ColumnFacet replaced by FastArrayFacet and FastColumnFacet (same counts)."""
    outcome = yield
    faster = {ArrayFacet: FastArrayFacet, ColumnFacet: FastColumnFacet}
    outcome.force_result([[faster.get(klass, klass) for klass in classes] for classes in outcome.get_result()])
