"""Output formats for works: .bib, .ris, .csljson on any table or query whose rows name works."""

from __future__ import annotations

import json
import re
from typing import Any

from datasette import Response, hookimpl

from .. import citation
from ..db import queries
from .common import is_hubkb

_FORMATS = {
    # extension: (function of the works, content type to download, file extension)
    "bib": (citation.to_bibtex, "application/x-bibtex", "bib"),
    "ris": (citation.to_ris, "application/x-research-info-systems", "ris"),
    "csljson": (
        lambda works: json.dumps([citation.to_csl(w) for w in works], ensure_ascii=False, indent=2) + "\n",
        "application/vnd.citationstyles.csl+json",
        "json",
    ),
}


def _work_id_column(columns, table: str | None, sql: str | None) -> str | None:
    """Which column of these rows names works: works.id, any work_id, or the id of a query on works."""
    if table == "works":
        return "id"
    if "work_id" in columns:
        return "work_id"
    if table is None and {"id", "title", "year"} <= set(columns) and sql and re.search(r"\bworks\b", sql):
        return "id"
    return None


def _cell(row, column: str, columns) -> Any:
    try:
        value = row[column]
    except (IndexError, KeyError, TypeError):
        value = row[list(columns).index(column)]
    return value.get("value") if isinstance(value, dict) else value  # an expanded foreign key


def _renderer(extension: str):
    to_text, download_type, suffix = _FORMATS[extension]

    def can_render(columns, table, sql, database, datasette):
        return _work_id_column(columns, table, sql) is not None

    async def render(datasette, columns, rows, sql, query_name, database, table, request):
        column = _work_id_column(columns, table, sql)
        if column is None or not await is_hubkb(datasette, database):
            # a dict, not a Response: Datasette's query view would turn a Response's 400 into its own 200
            return {
                "body": f"no works in these rows: .{extension} needs works.id or a work_id column\n",
                "status_code": 400,
                "content_type": "text/plain; charset=utf-8",
            }
        ids = queries.unique(_cell(row, column, columns) for row in rows)
        works = await queries.fetch_works(datasette.get_database(database), ids)
        body = to_text(works) if works else ""
        if request.args.get("_dl"):
            name = f"{table or query_name or database}.{suffix}"
            return Response(
                body,
                content_type=f"{download_type}; charset=utf-8",
                headers={"content-disposition": f'attachment; filename="{name}"'},
            )
        content_type = "application/json" if extension == "csljson" else "text/plain"
        return Response(body, content_type=f"{content_type}; charset=utf-8")

    return {"extension": extension, "render": render, "can_render": can_render}


@hookimpl(specname="register_output_renderer")
def citation_formats(datasette):
    return [_renderer(extension) for extension in _FORMATS]
