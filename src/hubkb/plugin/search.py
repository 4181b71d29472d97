"""Search: the SQL functions the search SQL calls, hubkb's canned queries and their magic parameters."""

from __future__ import annotations

import json
from typing import Any

from datasette import Response, hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound
from markupsafe import Markup, escape

from ..db.canned import canned_queries
from ..db.everything import KINDS, PER_KIND, TABLES, Found, search_everything
from ..db.search import count_matches, magic_parameter, register_search_functions
from ..errors import QueryError
from ..snippets import snippet_html
from ..writer.search import MAX_QUERY_CHARS, describe_passage, suggest
from .common import anchor_url, is_hubkb, when_hubkb

_TITLES = {
    "person": "People",
    "organisation": "Organisations",
    "term": "Terms",
    "work": "Works",
    "definition": "Definitions",
    "quote": "Quotes",
    "post": "Posts",
    "paragraph": "Paragraphs",
}


@hookimpl(specname="prepare_connection")
def search_sql_functions(conn: Any) -> None:
    """hubkb_fts_query(q): what a user typed as a safe FTS5 query; hubkb_snippet_text/_marks: snippets."""
    register_search_functions(conn)


@hookimpl(specname="canned_queries")
def hubkb_canned_queries(datasette: Any, database: str) -> Any:
    """The queries of hubkb/queries/*.sql, on hubkb's databases only."""

    async def inner() -> dict[str, dict[str, Any]]:
        if not await is_hubkb(datasette, database):
            return {}
        # Datasette adds keys to each query's dict (its name): a copy of each, not of all they hold
        # (a deep copy of every query cost 0.4 ms, three times a request)
        return {name: dict(query) for name, query in canned_queries().items()}

    return inner


@hookimpl(specname="register_magic_parameters")
def search_magic_parameters() -> list[tuple[str, Any]]:
    """:_hubkb_limit and :_hubkb_candidates: the search SQL's bounds, never form fields."""
    return [("hubkb", lambda key, request: magic_parameter(key))]


SEARCH_QUERY = "search_passages"  # the canned query whose page says how many paragraphs matched


@hookimpl(specname="extra_template_vars")
def search_matches_vars(database: str, view_name: str, request: Any, datasette: Any) -> Any:
    """On the passage search's page, how many paragraphs matched (``hubkb_matched``), as `hubkb search` says it:
    the page shows the best 20, and a very common word's are the best of the first 1,000 matches only."""
    # Datasette 0.65 renders a canned query through its table view
    if view_name not in ("table", "query") or request is None or request.url_vars.get("table") != SEARCH_QUERY:
        return {}
    q = request.args.get("q") or ""
    if not q.strip():
        return {}

    async def inner() -> dict[str, Any]:
        if not await is_hubkb(datasette, database):
            return {}
        candidates = magic_parameter("candidates")
        try:
            matched = await datasette.get_database(database).execute_fn(lambda conn: count_matches(conn, q, candidates))
        except QueryError:  # the page shows the query's own error
            return {}
        return {"hubkb_matched": {"count": matched, "capped": matched >= candidates}}

    return inner


@hookimpl(specname="render_cell")
def search_cells(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    """The search SQL's `passages` in HTML: the definitions and quotes of the paragraph as links
    (`cells.render_hubkb_cell` highlights the snippet). JSON and CSV keep the plain JSON."""
    if table is not None or not isinstance(value, str) or "matched" not in row.keys():  # noqa: SIM118 - a sqlite3.Row
        return None
    if column == "passages":
        return when_hubkb(datasette, database, lambda: passages_html(value, database, datasette))
    return None


def passages_html(value: str, database: str, datasette: Any) -> Markup:
    """The definitions and quotes of a paragraph, each linking to its row page."""
    try:
        passages = json.loads(value)
    except ValueError:
        return Markup(escape(value))
    items = [
        f'<li><a href="{escape(p["url"])}">{escape(p["kind"])} {escape(p["id"])}</a>{escape(p["rest"])}</li>'
        for p in _passage_links(passages if isinstance(passages, list) else [], database, datasette)
    ]
    return Markup(f"<ul>{''.join(items)}</ul>" if items else "")


def _passage_links(passages: list[dict[str, Any]], database: str, datasette: Any) -> list[dict[str, str]]:
    """Each passage's kind, id, row page and the rest of its description (term, givers, relay)."""
    links = []
    for p in passages:
        table = "definitions" if p.get("kind") == "definition" else "quotes"
        label = f"{p.get('kind')} {p.get('id')}"
        links.append(
            {
                "kind": str(p.get("kind")),
                "id": str(p.get("id")),
                "url": datasette.urls.row(database, table, tilde_encode(str(p.get("id")))),
                "rest": describe_passage(p)[len(label) :],
            }
        )
    return links


# --- the global search page ------------------------------------------------------------


@hookimpl(specname="register_routes")
def search_routes() -> list[tuple[str, Any]]:
    return [(r"^/(?P<database>[^/]+)/-/search$", search_page)]


async def search_page(datasette: Any, request: Any) -> Response:
    """/hubkb/-/search?q=...: every kind of record, each ranked, with snippets and links (the header box)."""
    database = request.url_vars["database"]
    if not await is_hubkb(datasette, database):
        raise NotFound("Database not found")
    await datasette.ensure_permissions(request.actor, [("view-database", database), "view-instance"])
    q = (request.args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    db = datasette.get_database(database)
    found: dict[str, list[Found]] = await db.execute_fn(lambda conn: search_everything(conn, q)) if q else {}
    total = sum(len(hits) for hits in found.values())
    suggestions = await db.execute_fn(lambda conn: suggest(conn, q)) if q and not total else []
    sections = [
        {
            "kind": kind,
            "id": TABLES[kind],
            "title": _TITLES[kind],
            "hits": [_hit(h, database, datasette) for h in found.get(kind, [])],
        }
        for kind in KINDS
    ]
    context = {
        "database": database,
        "q": q,
        "hubkb_q": q,
        "sections": sections,
        "total": total,
        "per_kind": PER_KIND,
        "suggestions": suggestions,
        "search_url": datasette.urls.database(database) + "/-/search",
    }
    html = await datasette.render_template("hubkb_search.html", context, request=request, view_name="hubkb_search")
    return Response.html(html)


def _hit(found: Found, database: str, datasette: Any) -> dict[str, Any]:
    """One hit as the page shows it: its link, the post's date, its anchor, where it stands, its snippet."""
    anchor = "#" + found.id.rsplit("#", 1)[1] if found.kind in ("paragraph", "definition", "quote") else ""
    post = None
    if found.kind == "paragraph":
        post_id, n = found.id.rsplit("#p", 1)
        url = anchor_url(datasette, database, post_id, n)
    else:
        url = datasette.urls.row(database, TABLES[found.kind], tilde_encode(found.id))
        if found.post_id:  # a definition or a quote: in which post, at which place
            post_url = datasette.urls.row(database, "posts", tilde_encode(found.post_id)) + anchor
            post = {"title": found.post_title or found.post_id, "url": post_url}
    return {
        "label": found.label,
        "url": url,
        "date": found.date or "",
        "anchor": anchor,
        "id": found.id,
        "post": post,
        "snippet": snippet_html(found.snippet, found.forms) if found.snippet else "",
        "passages": _passage_links(found.passages, database, datasette),
    }
