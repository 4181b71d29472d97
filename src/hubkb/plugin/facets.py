"""Facets: a JSON-array facet fast on tables with long texts."""

from __future__ import annotations

from datasette import hookimpl
from datasette.facets import ArrayFacet
from datasette.utils import escape_sqlite, path_with_removed_args


class JsonArrayFacet(ArrayFacet):
    """Datasette's array facet, fast on wide tables: `{"json_array": "tags"}` in metadata.

    Datasette 0.65's array facet de-duplicates `distinct j.value, inner.*`,
    comparing every column of every row: with post bodies in the row that is
    ~180 ms for 2,000 posts and past the facet time limit at 10,000. Here the
    inner query keeps only the primary key and the faceted column, which
    de-duplicates the same way (one count per row per value) in ~10 ms.
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
        columns = {c["config"].get("column") or c["config"]["simple"] for c in configs}
        wide: str = self.sql  # type: ignore[has-type]  # set in Facet.__init__, untyped
        self.sql = f"select {', '.join(escape_sqlite(c) for c in [*pks, *sorted(columns)])} from ({wide})"
        try:
            results, timed_out = await super().facet_results()
        finally:
            self.sql = wide
        for result in results:
            result["toggle_url"] = self.ds.urls.path(
                path_with_removed_args(self.request, {f"_facet_{self.type}": result["name"]})
            )
        return results, timed_out


@hookimpl(specname="register_facet_classes")
def json_array_facet():
    return [JsonArrayFacet]
