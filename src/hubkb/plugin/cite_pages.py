"""The citation page of a work: /<database>/works/<id>/cite."""

from __future__ import annotations

import json
from typing import Any

from datasette import Response, hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from datasette.utils.asgi import NotFound
from markupsafe import Markup

from .. import citation
from ..db import queries
from ..lineage.trace import work_citation_relays
from ..memo import computed
from .common import anchor_url, is_hubkb

_STYLES: tuple[tuple[str, citation.Style], ...] = (("APA", "apa"), ("Chicago", "chicago"), ("ISO 690", "iso690"))


@hookimpl(specname="register_routes")
def cite_routes():
    return [(r"^/(?P<database>[^/]+)/(?P<table>works|posts)/(?P<key>[^/.]+)/cite$", cite_page)]


async def cite_page(datasette, request):
    """/hubkb/works/<id>/cite and /hubkb/posts/<id>/cite: the reference in APA, Chicago and ISO 690,
    BibTeX, RIS and CSL-JSON, ready to copy; a post is cited as a blog post."""
    database, table = request.url_vars["database"], request.url_vars["table"]
    if not await is_hubkb(datasette, database):
        raise NotFound("Database not found")
    await datasette.ensure_permissions(
        request.actor, [("view-table", (database, table)), ("view-database", database), "view-instance"]
    )
    key = urlsafe_components(request.url_vars["key"])[0]
    db = datasette.get_database(database)
    works = await (queries.fetch_works(db, [key]) if table == "works" else queries.fetch_posts_as_works(db, [key]))
    if not works:
        raise NotFound(f"No {table[:-1]} with id {key!r}")
    lang: citation.Lang = "en" if request.args.get("lang") == "en" else "fr"
    citations = await queries.fetch_citations(db.execute, key) if table == "works" else []
    relays = await db.execute_fn(lambda conn: work_citation_relays(conn, key, citations, lang)) if citations else []
    for cited_in, its_relays in zip(citations, relays, strict=True):  # `url`: the post's own; `page`: its place here
        cited_in["page"] = anchor_url(datasette, database, cited_in["id"], cited_in["paragraph"])
        cited_in["relays"] = its_relays  # the same hops its lineage page and `hubkb trace` name
    # citeproc takes a quarter of a second: off the event loop, once per version of the work and its citations
    context = dict(await computed(_cite_context, works[0], citations, lang))
    context.update(
        database=database,
        table=table,
        kind="post" if table == "posts" else "work",
        row_url=datasette.urls.row(database, table, tilde_encode(key)),
    )
    html = await datasette.render_template("hubkb_cite.html", context, request=request, view_name="hubkb_cite")
    return Response.html(html)


def _cite_context(work: dict, citations: list[dict], lang: citation.Lang) -> dict[str, Any]:
    return {
        "work": work,
        "lang": lang,
        "other_lang": "fr" if lang == "en" else "en",
        "references": [
            (label, Markup(citation.render_html(work, style, lang)), citation.render(work, style, lang))
            for label, style in _STYLES
        ],
        "exports": [
            ("BibTeX", citation.to_bibtex([work])),
            ("RIS", citation.to_ris([work])),
            ("CSL-JSON", json.dumps(citation.to_csl(work), ensure_ascii=False, indent=2)),
        ],
        "secondhand": [_secondhand(work, c, lang) for c in citations],
    }


def _secondhand(work: dict, cited_in: dict, lang: citation.Lang) -> dict[str, Any]:
    """How to cite the work as read in a post: "Boyle & Harris (2009), cité par Prandelle, in Chatellier (2014)"."""
    result = citation.secondhand(
        {
            "kind": "citation",
            "work": work,
            "via": cited_in["via"],
            "relays": cited_in.get("relays"),
            "post": cited_in,
            "paragraph": cited_in["paragraph"],
        },
        lang,
    )
    return {
        "post": cited_in["title"],
        "url": cited_in["page"],
        "via": cited_in["via"],
        "lineage": cited_in.get("reference_id"),  # the post's reference entry: its lineage page
        "in_text": result["in_text"],
        "reference": result["read_source"],
    }
