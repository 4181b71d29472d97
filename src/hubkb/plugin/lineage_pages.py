"""Lineage and network pages: /<db>/-/lineage/<passage id>, /<db>/-/network, /<db>/-/network/<term id>.

The chain, graph and timeline are built by `hubkb.lineage` from rows read by
`hubkb.db.lineage`, in Datasette's SQL thread; the graph is drawn in the
browser by Cytoscape.js, vendored in static/ (no CDN: the pages work offline).
"""

from __future__ import annotations

import json
from typing import Any

from datasette import Response, hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import NotFound
from markupsafe import Markup

from ..db import lineage as db_lineage
from ..lineage.chain import build_chain
from ..lineage.network import EDGE_TYPES, build_network, timeline
from .common import anchor_url, is_hubkb

CYTOSCAPE_VERSION = "3.34.4"
NODE_TYPES = ("post", "person", "organisation", "work")
LAYOUT_IN_BROWSER_MAX = 150  # nodes; above, positions come with the page (see network.js)
EDGE_LIST_MAX = 300  # links listed as text under the graph; the tables hold them all


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
        pairs = await db.execute_fn(lambda conn: db_lineage.reuse_in_term(conn, term_id))
        for pair in pairs:
            pair["a_url"] = lineage_url(datasette, database, pair["a"])
            pair["b_url"] = lineage_url(datasette, database, pair["b"])
        return {"hubkb_term_lineage": {"reuse": pairs, "network_url": network_url(datasette, database, term_id)}}

    return inner


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
    hops = []
    for hop in chain.hops:
        page = None
        if hop.table and hop.key:
            page = (
                anchor_url(datasette, database, hop.key, hop.paragraph)
                if hop.table == "posts"
                else datasette.urls.row(database, hop.table, tilde_encode(hop.key))
            )
        hops.append({"hop": hop, "page": page})
    reuse = await db.execute_fn(lambda conn: db_lineage.reuse_of(conn, passage_id))
    for r in reuse:
        r["url"] = lineage_url(datasette, database, r["id"]) if db_lineage.kind_of(r["id"]) else None
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
    """Who cites whom and through whom, for the whole corpus or one term, and the definitions by year."""
    database, db = await _database(datasette, request, ["posts", "definitions"])
    term_id = urlsafe_components(request.url_vars["term"])[0] if request.url_vars.get("term") else None

    def read(conn: Any) -> tuple[Any, ...]:
        label = db_lineage.term_label(conn, term_id) if term_id else None
        rows = db_lineage.network_rows(conn, term_id)
        return label, rows, db_lineage.node_names(conn), db_lineage.term_timeline(conn, term_id)

    label, rows, names, timeline_rows = await db.execute_fn(read)
    if term_id and label is None:
        raise NotFound(f"No term with id {term_id!r}")
    graph = build_network(rows, names)
    if len(graph.nodes) > LAYOUT_IN_BROWSER_MAX:
        graph.place_in_rings()
    elements = graph.elements()
    nodes = {}
    for element in elements:  # the browser builds a node's URL from its id: "work:<key>" -> /db/works/<key>
        if element["group"] == "nodes":
            data = element["data"]
            nodes[data["id"]] = {"label": data["label"], "url": datasette.urls.row(database, data.pop("table"), tilde_encode(data.pop("key")))}  # fmt: skip
    terms = timeline(timeline_rows)
    for term in terms:
        term["network_url"] = network_url(datasette, database, term["term_id"])
        for year in term["years"]:
            for d in year["definitions"]:
                d["url"] = lineage_url(datasette, database, d["id"])
    counts = graph.counts()
    context = {
        "database": database,
        "term": label,
        "term_url": datasette.urls.row(database, "terms", tilde_encode(term_id)) if term_id else None,
        "all_url": network_url(datasette, database),
        # </script> inside a label cannot close the data block: "<" is escaped in the JSON
        "elements_json": Markup(json.dumps(elements, ensure_ascii=False).replace("<", "\\u003c")),
        "node_counts": [(t, counts.get(t, 0)) for t in NODE_TYPES],
        "edge_counts": [(t, counts.get(t, 0)) for t in EDGE_TYPES],
        "edges": [e["data"] for e in elements if e["group"] == "edges"][:EDGE_LIST_MAX],
        "edge_total": len(graph.edges),
        "nodes": nodes,
        "database_url": datasette.urls.database(database),
        "timeline": terms,
        "cytoscape_url": datasette.urls.static_plugins("hubkb", "vendor/cytoscape/cytoscape.min.js"),
        "network_js_url": datasette.urls.static_plugins("hubkb", "network.js"),
    }
    html = await datasette.render_template("hubkb_network.html", context, request=request, view_name="hubkb_network")
    return Response.html(html)
