"""Lineage and network pages: /<db>/-/lineage/<passage id>, /<db>/-/network, /<db>/-/network/<term id>.

The chain, graph and timeline are built by `hubkb.lineage` from rows read by
`hubkb.db.lineage`, in Datasette's SQL thread; the graph is drawn in the
browser by Cytoscape.js, vendored in static/ (no CDN: the pages work offline).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from datasette import Response, hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import NotFound
from markupsafe import Markup

from ..db import lineage as db_lineage
from ..db.lookup import open_database
from ..lineage.chain import build_chain
from ..lineage.network import EDGE_TYPES, build_network, timeline
from ..memo import computed
from .common import anchor_url, is_hubkb, when_hubkb

CYTOSCAPE_VERSION = "3.34.4"
NODE_TYPES = ("post", "person", "organisation", "work")
LAYOUT_IN_BROWSER_MAX = 150  # nodes; above, positions come with the page (see network.js)
EDGE_LIST_MAX = 300  # links listed as text under the graph; the tables hold them all
# A larger graph keeps its most connected nodes (a 200-post corpus, ~1,100 nodes, is drawn whole;
# 10,000 posts are ~14,000 nodes and 84,000 links: an 18 MB page that draws a hairball).
NETWORK_NODES = 1200
NETWORK_NODES_MAX = 5000
TIMELINE_LISTED = 300  # definitions listed one by one on the whole-corpus page; above, counts by year
TERM_REUSE_LISTED = 50  # pairs listed on a term page, closest first (10,000 posts give ~500 a term)


@hookimpl(specname="register_routes")
def lineage_routes():
    return [
        (r"^/(?P<database>[^/]+)/-/lineage/(?P<passage>[^/]+)$", lineage_page),
        (r"^/(?P<database>[^/]+)/-/network$", network_page),
        (r"^/(?P<database>[^/]+)/-/network/(?P<term>[^/]+)$", network_page),
    ]


@hookimpl(specname="extra_template_vars")
def term_lineage_vars(database, table, view_name, request, datasette):
    """On a term's page: its definitions reused elsewhere ("same wording as …") and its network page."""
    if view_name != "row" or table != "terms" or request is None:
        return {}

    async def inner() -> dict[str, Any]:
        if not await is_hubkb(datasette, database):
            return {}
        term_id = urlsafe_components(request.url_vars["pks"])[0]
        db = datasette.get_database(database)
        total, pairs = await db.execute_fn(lambda conn: db_lineage.reuse_in_term(conn, term_id, TERM_REUSE_LISTED))
        for pair in pairs:  # a hop's wording is shown on its passage's lineage page
            pair["a_url"] = lineage_url(datasette, database, pair["a_passage"])
            pair["b_url"] = lineage_url(datasette, database, pair["b_passage"])
        texts_url = datasette.urls.table(database, "reused_texts") + "?" + urlencode({"term_id": term_id})
        return {
            "hubkb_term_lineage": {
                "reuse": pairs,
                "total": total,
                "texts_url": texts_url,
                "network_url": network_url(datasette, database, term_id),
            }
        }

    return inner


@hookimpl(specname="render_cell")
def reuse_cells(value, column, table, database, datasette):
    """A reused text's id links to the lineage page that shows it (a hop's: its passage's): in the
    reused_texts table, and in the reuse table, whose integer keys Datasette expands to those ids."""
    if (table, column) == ("reused_texts", "text_id") and isinstance(value, str):
        text_id = value
    elif table == "reuse" and column in ("text", "other") and isinstance(value, dict) and value.get("label"):
        text_id = str(value["label"])
    else:
        return None
    url = lineage_url(datasette, database, text_id.rpartition("~h")[0] if "~h" in text_id else text_id)
    return when_hubkb(datasette, database, lambda: Markup('<a href="{}">{}</a>').format(url, text_id))


@hookimpl(specname="prepare_jinja2_environment")
def lineage_filters(env, datasette):
    """`{{ id|hubkb_lineage_url(database) }}`: the lineage page of a definition, quote or reference id."""
    env.filters["hubkb_lineage_url"] = lambda passage_id, database: lineage_url(datasette, database, passage_id)


def lineage_url(datasette: Any, database: str, passage_id: str) -> str:
    return datasette.urls.database(database) + "/-/lineage/" + tilde_encode(passage_id)


def network_url(datasette: Any, database: str, term_id: str | None = None) -> str:
    return datasette.urls.database(database) + "/-/network" + (f"/{tilde_encode(term_id)}" if term_id else "")


async def _database(datasette: Any, request: Any, tables: list[str]) -> Any:
    database = request.url_vars["database"]
    if not await is_hubkb(datasette, database):
        raise NotFound("Database not found")
    await datasette.ensure_permissions(
        request.actor,
        [*(("view-table", (database, t)) for t in tables), ("view-database", database), "view-instance"],
    )
    return database, datasette.get_database(database)


async def lineage_page(datasette, request):
    """Every hop of a definition's, quote's or reference's chain, with wordings, differences and the APA citation."""
    database, db = await _database(datasette, request, ["definitions", "quotes", "citations"])
    passage_id = urlsafe_components(request.url_vars["passage"])[0]
    data = await db.execute_fn(lambda conn: db_lineage.load_chain(conn, passage_id))
    if data is None:
        raise NotFound(f"No definition, quote or reference with id {passage_id!r}")
    chain = build_chain(data)
    hops: list[dict[str, Any]] = []
    for hop in chain.hops:
        page = None
        if hop.table and hop.key:
            page = (
                anchor_url(datasette, database, hop.key, hop.paragraph)
                if hop.table == "posts"
                else datasette.urls.row(database, hop.table, tilde_encode(hop.key))
            )
        hops.append({"hop": hop, "page": page})
    names = [name for hop in chain.hops for name in hop.who]
    pages = await db.execute_fn(lambda conn: db_lineage.entity_pages(conn, names))
    for h, hop in zip(hops, chain.hops, strict=True):  # who: each name a link to its page when hubkb has one
        h["who"] = [
            (
                name,
                datasette.urls.row(database, pages[name][0], tilde_encode(pages[name][1])) if name in pages else None,
            )
            for name in hop.who
        ]
    reuse = await db.execute_fn(lambda conn: db_lineage.reuse_of(conn, passage_id))
    origin = 1 if chain.hops and chain.hops[0].role == "origin" else 0
    for r in reuse:
        r["url"] = lineage_url(datasette, database, r["passage"]) if r.get("passage") else None
        r["hop_number"] = origin + r["hop"] if r["hop"] else None  # relay N is hop N + 1 after an origin
    term_id = data.get("term_id")
    context = {
        "database": database,
        "chain": chain,
        "hops": hops,
        "reuse": reuse,
        "network_url": network_url(datasette, database, term_id) if term_id else None,
        "term_url": datasette.urls.row(database, "terms", tilde_encode(term_id)) if term_id else None,
        "relays_of_url": lineage_url(datasette, database, chain.relays_of) if chain.relays_of else None,
    }
    html = await datasette.render_template("hubkb_lineage.html", context, request=request, view_name="hubkb_lineage")
    return Response.html(html)


async def network_page(datasette, request):
    """Who cites whom and through whom, for the whole corpus or one term, and the definitions by year.

    `?year=2014` keeps what the posts of that year cite, define and quote; `?nodes=N` how many of the
    most connected nodes a large graph keeps (NETWORK_NODES by default, at most NETWORK_NODES_MAX).
    """
    database, db = await _database(datasette, request, ["posts", "definitions"])
    term_id = urlsafe_components(request.url_vars["term"])[0] if request.url_vars.get("term") else None
    year = _number(request, "year", None, 1, 9999)
    max_nodes = _number(request, "nodes", NETWORK_NODES, 10, NETWORK_NODES_MAX) or NETWORK_NODES
    if isinstance(year, str) or isinstance(max_nodes, str):
        return Response.text(next(x for x in (year, max_nodes) if isinstance(x, str)), status=400)
    more = {**({"year": year} if year else {}), "nodes": min(max_nodes * 2, NETWORK_NODES_MAX)}
    stat = os.stat(db.path)  # the file never changes under a server: its identity keys the cached graph
    found = await computed(network_data, db.path, [stat.st_ino, stat.st_size, stat.st_mtime_ns], term_id, year, max_nodes)  # fmt: skip
    if term_id and found["term"] is None:
        raise NotFound(f"No term with id {term_id!r}")
    nodes = {  # the browser builds a node's URL from its id: "work:<key>" -> /db/works/<key>
        node_id: {"label": label, "url": datasette.urls.row(database, table, tilde_encode(key))}
        for node_id, (label, table, key) in found["nodes"].items()
    }
    terms = [dict(t) for t in found["timeline"]]
    for term in terms:
        term["network_url"] = network_url(datasette, database, term["term_id"])
        for y in term["years"]:
            y["definitions"] = [{**d, "url": lineage_url(datasette, database, d["id"])} for d in y["definitions"]]
    here = network_url(datasette, database, term_id)
    context = {
        **found,
        "database": database,
        "term_url": datasette.urls.row(database, "terms", tilde_encode(term_id)) if term_id else None,
        "all_url": network_url(datasette, database),
        "here_url": here,
        "year": year,
        "max_nodes": max_nodes,
        "more_url": f"{here}?{urlencode(more)}",
        "nodes": nodes,
        "database_url": datasette.urls.database(database),
        "timeline": terms,
        "cytoscape_url": datasette.urls.static_plugins("hubkb", "vendor/cytoscape/cytoscape.min.js"),
        "network_js_url": datasette.urls.static_plugins("hubkb", "network.js"),
    }
    html = await datasette.render_template("hubkb_network.html", context, request=request, view_name="hubkb_network")
    return Response.html(html)


def _number(request: Any, name: str, default: int | None, low: int, high: int) -> int | str | None:
    """A whole-number query parameter within [low, high]; a message (str) when it is not one."""
    value = request.args.get(name)
    if value in (None, ""):
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        return f"{name} must be a whole number from {low} to {high}, not {value!r}"
    return int(value)


def network_data(
    path: str, version: list[int], term_id: str | None, year: int | None, max_nodes: int
) -> dict[str, Any]:
    """The graph, legend counts, totals and timeline of a network page; computed once per database version.

    `version` (inode, size, time) only keys the cache. Runs in hubkb.memo's threads on a read-only
    connection of its own: building and trimming 14,000 nodes takes about a second at 10,000 posts.
    """
    conn = open_database(Path(path))
    try:
        label = db_lineage.term_label(conn, term_id) if term_id else None
        rows = db_lineage.network_rows(conn, term_id, year)
        names = db_lineage.node_names(conn)
        timeline_rows = db_lineage.term_timeline(conn, term_id, year)
        years = db_lineage.post_years(conn)
    finally:
        conn.close()
    graph = build_network(rows, names)
    totals = graph.keep_most_connected(max_nodes, 2 * max_nodes + 100)
    if len(graph.nodes) > LAYOUT_IN_BROWSER_MAX:
        graph.place_in_rings()
    elements = graph.elements()
    nodes = {}
    for element in elements:
        if element["group"] == "nodes":
            data = element["data"]
            nodes[data["id"]] = (data["label"], data.pop("table"), data.pop("key"))
    counts = graph.counts()
    return {
        "term": label,
        # </script> inside a label cannot close the data block: "<" is escaped in the JSON
        "elements_json": Markup(json.dumps(elements, ensure_ascii=False).replace("<", "\\u003c")),
        "node_counts": [(t, counts.get(t, 0)) for t in NODE_TYPES],
        "edge_counts": [(t, counts.get(t, 0)) for t in EDGE_TYPES],
        "edges": [e["data"] for e in elements if e["group"] == "edges"][:EDGE_LIST_MAX],
        "edge_total": len(graph.edges),
        "nodes": nodes,
        "totals": {"nodes": totals[0], "edges": totals[1]} if totals else None,
        "years": years,
        "timeline": timeline(timeline_rows, listed=None if term_id else TIMELINE_LISTED),
    }
