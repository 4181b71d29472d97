"""Output formats for works and posts: .bib, .ris, .csljson on the tables and queries whose rows name them.

Offered (listed under "This data as") only where the rows on the page name a
work or a post, and served with their media type and a file name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from datasette import hookimpl

from .. import citation
from ..db import queries
from .common import is_hubkb

_FORMATS = {
    # extension: (function of the works, media type, file extension)
    "bib": (citation.to_bibtex, "application/x-bibtex", "bib"),
    "ris": (citation.to_ris, "application/x-research-info-systems", "ris"),
    "csljson": (
        lambda works: json.dumps([citation.to_csl(w) for w in works], ensure_ascii=False, indent=2) + "\n",
        "application/vnd.citationstyles.csl+json",
        "json",
    ),
}


def _cited_column(columns, table: str | None, sql: str | None) -> tuple[str, str] | None:
    """Which column of these rows names what: ("works", column) or ("posts", "id")."""
    if table == "works":
        return "works", "id"
    if table == "posts":
        return "posts", "id"
    if "work_id" in columns:
        return "works", "work_id"
    if table is None and {"id", "title", "year"} <= set(columns) and sql and re.search(r"\bworks\b", sql):
        return "works", "id"
    return None


def _cell(row, column: str, columns) -> Any:
    try:
        value = row[column]
    except (IndexError, KeyError, TypeError):
        value = row[list(columns).index(column)]
    return value.get("value") if isinstance(value, dict) else value  # an expanded foreign key


def _renderer(extension: str):
    to_text, media_type, suffix = _FORMATS[extension]

    async def can_render(columns, rows, table, sql, database, datasette):
        found = _cited_column(columns, table, sql)
        if found is None or not await is_hubkb(datasette, database):
            return False
        return any(_cell(row, found[1], columns) not in (None, "") for row in rows)

    async def render(datasette, columns, rows, sql, query_name, database, table, request):
        found = _cited_column(columns, table, sql)
        if found is None or not await is_hubkb(datasette, database):
            # a dict, not a Response: Datasette's query view would turn a Response's 400 into its own 200
            return {
                "body": f"no works in these rows: .{extension} needs works.id, posts.id or a work_id column\n",
                "status_code": 400,
                "content_type": "text/plain; charset=utf-8",
            }
        kind, column = found
        ids = queries.unique(_cell(row, column, columns) for row in rows)
        db = datasette.get_database(database)
        works = await (queries.fetch_works(db, ids) if kind == "works" else queries.fetch_posts_as_works(db, ids))
        if not works:
            return {
                "body": f"no works in these rows: nothing to write as .{extension}\n",
                "status_code": 404,
                "content_type": "text/plain; charset=utf-8",
            }
        name = f"{table or query_name or database}.{suffix}"
        if table in ("works", "posts") and len(works) == 1 and len(rows) == 1:
            name = f"{works[0]['id']}.{suffix}"
        return {
            "body": to_text(works),
            "content_type": f"{media_type}; charset=utf-8",
            "headers": {"content-disposition": f'attachment; filename="{_safe_file_name(name)}"'},
        }

    return {"extension": extension, "render": render, "can_render": can_render}


def _safe_file_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip("-") or "hubkb"


@hookimpl(specname="register_output_renderer")
def citation_formats(datasette):
    return [_renderer(extension) for extension in _FORMATS]
