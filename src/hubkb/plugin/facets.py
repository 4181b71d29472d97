"""Facets: a JSON-array facet fast on tables with long texts."""

from __future__ import annotations

import asyncio
from typing import Any

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args


class JsonArrayFacet(ArrayFacet):
    """Datasette's array facet, fast on wide tables: `{"json_array": "tags"}` in metadata.

    Datasette 0.65's array facet de-duplicates `distinct j.value, inner.*`,
    comparing every column of every row (post bodies included): past the facet
    time limit at 10,000 posts. Here a value counts the distinct primary keys
    of the rows holding it (one count per row per value, as there), reading
    only the key and the faceted column: at 10,000 posts 2 to 3 times less
    work (tags 54 ms of CPU instead of 97, authors 14 instead of 50); and the
    facets of one page run at the same time (SQLite works outside Python's
    lock: two cores, two facets).
    """

    type = "json_array"

    async def suggest(self):
        return []  # Datasette's own array facet already suggests these

    async def facet_results(self):
        configs = self.get_configs()
        if not configs or not self.table:
            return [], []
        pks = await self.ds.get_database(self.database).primary_keys(self.table)
        if not pks:
            return await super().facet_results()
        found = await asyncio.gather(*(self._facet(c["config"], c["source"], pks) for c in configs))
        return [r for r, _ in found if r is not None], [c for r, c in found if r is None]

    async def _facet(self, config: dict, source: str, pks: list[str]) -> tuple[dict[str, Any] | None, str]:
        column = config.get("column") or config["simple"]
        size = self.get_facet_size()
        keys = ", ".join(escape_sqlite(pk) for pk in pks)
        narrow = f"select {keys}, {escape_sqlite(column)} as facet from ({self.sql})"  # never the long columns
        row_keys = ", ".join(f"row.{escape_sqlite(pk)}" for pk in pks)  # json_each has an `id` of its own
        sql = (
            f"select j.value as value, count(distinct {row_keys}) as count from ({narrow}) as row, json_each(row.facet) j "
            f"group by j.value order by count desc, value limit {size + 1}"
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
            return None, column
        pairs = self.get_querystring_pairs()
        values = []
        for row in rows.rows[:size]:
            value = str(row["value"])
            arg = {f"{column}__arraycontains": value}
            selected = (f"{column}__arraycontains", value) in pairs
            path = path_with_removed_args(self.request, arg) if selected else path_with_added_args(self.request, arg)
            values.append(
                {
                    "value": value,
                    "label": value,
                    "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, path),
                    "selected": selected,
                }
            )
        result = {
            "name": column,
            "type": self.type,
            "results": values,
            "hideable": source != "metadata",
            "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {f"_facet_{self.type}": column})),
            "truncated": len(rows) > size,
        }
        return result, column


@hookimpl(specname="register_facet_classes")
def json_array_facet():
    return [JsonArrayFacet]
