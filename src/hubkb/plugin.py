"""hubkb's Datasette plugin: hooks only.

Registered through the `datasette` entry point, so `hubkb serve` and a plain
`datasette hubkb.db -m metadata.json` both get it. The logic lives in library
modules: Markdown and snippets in `hubkb.render`, citations in `hubkb.cite`,
SQL in `hubkb.db.queries`, FTS escaping in `hubkb.fts`.

The plugin is installed for every Datasette in the environment, so the hooks
that change what a page shows act only on databases hubkb built (those with a
`hubkb_build` table).
"""

from __future__ import annotations

import asyncio
import json
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasette import Response, hookimpl
from datasette.facets import ArrayFacet
from datasette.utils import escape_sqlite, path_with_removed_args, tilde_encode, urlsafe_components
from datasette.utils.asgi import NotFound
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from . import cite
from .db import queries
from .fts import escape_fts
from .render import has_marks, render_body, snippet_html
from .text import fold

TEMPLATES = Path(__file__).resolve().parent / "templates"
_ANCHOR = re.compile(r"^(?P<post>[^#\s/]+)(?:#p(?P<n>\d+))?$")
_is_hubkb_cache: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


# --- SQL functions ---------------------------------------------------------------


def _sql_fts_escape(query: str | None) -> str:
    return escape_fts(query or "")


def _sql_fold(text: str | None) -> str | None:
    return None if text is None else fold(str(text))


@hookimpl
def prepare_connection(conn):
    """hubkb_fts_escape(q): what a user typed as a safe FTS5 query; hubkb_fold(s): the folded form of a name."""
    conn.create_function("hubkb_fts_escape", 1, _sql_fts_escape, deterministic=True)
    conn.create_function("hubkb_fold", 1, _sql_fold, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    """hubkb's templates, after the user's and Datasette's: Datasette only finds a plugin's own
    templates/ folder when the plugin is a package, and hubkb.plugin is a module."""
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


async def _is_hubkb(datasette, database: str | None) -> bool:
    if database is None or database not in datasette.databases:
        return False
    db = datasette.get_database(database)
    if db not in _is_hubkb_cache:
        _is_hubkb_cache[db] = "hubkb_build" in await db.table_names()
    return _is_hubkb_cache[db]


# --- cells -----------------------------------------------------------------------


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """A post's body as a link to its rendered text; search snippets with <mark>; anchors as links."""
    if not isinstance(value, str):
        return None
    if table == "posts" and column == "body":
        return _body_link(row, database, datasette)
    if table is None and column == "snippet" and has_marks(value):
        return _when_hubkb(datasette, database, lambda: snippet_html(value))
    if table is None and column == "anchor" and _ANCHOR.match(value):
        return _when_hubkb(datasette, database, lambda: _anchor_link(value, database, datasette))
    return None


def _when_hubkb(datasette, database: str, make: Callable[[], Markup]):
    async def inner() -> Markup | None:
        return make() if await _is_hubkb(datasette, database) else None

    return inner()


def _body_link(row, database: str, datasette):
    async def inner() -> Markup | None:
        if not await _is_hubkb(datasette, database) or "id" not in row.keys():  # noqa: SIM118 - a sqlite3.Row
            return None
        url = datasette.urls.row(database, "posts", tilde_encode(row["id"])) + "#text"
        words = f" ({row['word_count']:,} words)".replace(",", "\u202f") if "word_count" in row.keys() else ""  # noqa: SIM118 - a sqlite3.Row
        return Markup(f'<a href="{escape(url)}">Read the text{words}</a>')

    return inner()


def _anchor_link(value: str, database: str, datasette) -> Markup:
    match = _ANCHOR.match(value)
    url = _anchor_url(datasette, database, match["post"], match["n"])
    return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')


def _anchor_url(datasette, database: str, post_id: str, n: Any = None) -> str:
    """/hubkb/posts/<post_id>#pN: the paragraph on the post's page."""
    url = datasette.urls.row(database, "posts", tilde_encode(post_id))
    return f"{url}#p{n}" if n else url


# --- row pages -----------------------------------------------------------------


@hookimpl
def extra_template_vars(database, table, view_name, request, datasette):
    """The rendered body on a post's row page; the APA reference on a work's row page."""
    if view_name != "row" or table not in ("posts", "works") or request is None:
        return {}

    async def inner() -> dict[str, Any]:
        if not await _is_hubkb(datasette, database):
            return {}
        key = urlsafe_components(request.url_vars["pks"])[0]
        db = datasette.get_database(database)
        if table == "posts":
            body = await queries.fetch_post_body(db.execute, key)
            return {"hubkb_body": render_body(body)} if body is not None else {}
        works = await queries.fetch_works(db, [key])
        if not works:
            return {}
        reference = await asyncio.get_running_loop().run_in_executor(None, cite.render_html, works[0], "apa", "fr")
        return {"hubkb_reference": Markup(reference), "hubkb_cite_url": _cite_url(datasette, database, key)}

    return inner


def _cite_url(datasette, database: str, work_id: str) -> str:
    return datasette.urls.table(database, "works") + "/" + tilde_encode(work_id) + "/cite"


# --- facets --------------------------------------------------------------------------


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
        wide = self.sql
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


@hookimpl
def register_facet_classes():
    return [JsonArrayFacet]


# --- output formats: .bib, .ris, .csljson ----------------------------------------

_FORMATS = {
    # extension: (function of the works, content type to download, file extension)
    "bib": (cite.to_bibtex, "application/x-bibtex", "bib"),
    "ris": (cite.to_ris, "application/x-research-info-systems", "ris"),
    "csljson": (
        lambda works: json.dumps([cite.to_csl(w) for w in works], ensure_ascii=False, indent=2) + "\n",
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
        if column is None or not await _is_hubkb(datasette, database):
            return Response.text(
                f"no works in these rows: .{extension} needs works.id or a work_id column\n", status=400
            )
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


@hookimpl
def register_output_renderer(datasette):
    return [_renderer(extension) for extension in _FORMATS]


# --- the citation page of a work ----------------------------------------------------


@hookimpl
def register_routes():
    return [(r"^/(?P<database>[^/]+)/works/(?P<work_id>[^/.]+)/cite$", cite_page)]


async def cite_page(datasette, request):
    """/hubkb/works/<id>/cite: the reference in APA and Chicago, BibTeX, RIS and CSL-JSON, ready to copy."""
    database = request.url_vars["database"]
    if not await _is_hubkb(datasette, database):
        raise NotFound("Database not found")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, "works")), ("view-database", database), "view-instance"]
    )
    work_id = urlsafe_components(request.url_vars["work_id"])[0]
    db = datasette.get_database(database)
    works = await queries.fetch_works(db, [work_id])
    if not works:
        raise NotFound(f"No work with id {work_id!r}")
    lang = "en" if request.args.get("lang") == "en" else "fr"
    citations = await queries.fetch_citations(db.execute, work_id)
    for citation in citations:
        citation["url"] = _anchor_url(datasette, database, citation["id"], citation["paragraph"])
    # citeproc takes tens of milliseconds: format in a thread, not on the event loop
    context = await asyncio.get_running_loop().run_in_executor(None, _cite_context, works[0], citations, lang)
    context.update(database=database, row_url=datasette.urls.row(database, "works", tilde_encode(work_id)))
    html = await datasette.render_template("hubkb_cite.html", context, request=request, view_name="hubkb_cite")
    return Response.html(html)


def _cite_context(work: dict, citations: list[dict], lang: str) -> dict[str, Any]:
    return {
        "work": work,
        "lang": lang,
        "other_lang": "fr" if lang == "en" else "en",
        "references": [
            (label, Markup(cite.render_html(work, style, lang)), cite.render(work, style, lang))
            for label, style in (("APA", "apa"), ("Chicago", "chicago"), ("ISO 690", "iso690"))
        ],
        "exports": [
            ("BibTeX", cite.to_bibtex([work])),
            ("RIS", cite.to_ris([work])),
            ("CSL-JSON", json.dumps(cite.to_csl(work), ensure_ascii=False, indent=2)),
        ],
        "secondhand": [_secondhand(work, c, lang) for c in citations],
    }


def _secondhand(work: dict, citation: dict, lang: str) -> dict[str, Any]:
    """How to cite the work as read in a post: "Boyle & Harris (2009), cité par Prandelle, in Chatellier (2014)"."""
    result = cite.secondhand(
        {
            "kind": "citation",
            "work": work,
            "via": citation["via"],
            "post": citation,
            "paragraph": citation["paragraph"],
        },
        lang,
    )
    return {
        "post": citation["title"],
        "url": citation["url"],
        "via": citation["via"],
        "in_text": result["in_text"],
        "reference": result["read_source"],
    }
