"""What hubkb's pages add to Datasette's: the flag its templates test, and the content of entity pages.

Every page of a hubkb database gets ``hubkb`` (true) so that hubkb's overrides
of Datasette's templates (base, index, row, table) act only there. The row
pages of people, organisations, works, terms and posts (and of definitions, quotes,
paragraphs and citations) get ``hubkb_page``:
what `hubkb.db.entities` finds about the row, with links (`common.with_urls`),
snippets in context, and for posts the rendered body, the references and a
"cite this passage" block for each definition and quote. The content of the latest
row pages is kept (the file never changes under a Datasette), and the HTML the
templates write of it inside `{% hubkb_once hubkb_page %}` is kept with it.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from typing import Any

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from jinja2 import nodes
from jinja2.ext import Extension
from markupsafe import Markup

from .. import citation
from ..citation.embedded import page_metadata
from ..db import entities, lookup
from ..lineage.trace import citable_passage
from ..memo import computed
from ..render import context_snippet, render_paragraphs
from .common import cite_url, column_word, is_hubkb, link_html, names_html, with_urls, work_type_word
from .fragments import FILTERS

ENTITY_TABLES = ("people", "organisations", "works", "terms", "posts")
PASSAGE_KINDS = {"definitions": "definition", "quotes": "quote"}


async def _any_hubkb(datasette: Any, database: str | None) -> bool:
    if database is not None:
        return await is_hubkb(datasette, database)
    return any([await is_hubkb(datasette, name) for name in datasette.databases])


@hookimpl(specname="prepare_jinja2_environment")
def hubkb_jinja_filters(env: Any) -> None:
    """`{{ work.work_type|hubkb_work_type }}`: `blogpost` as "blog post"; `hubkb_column_word`: `term_id` as "term";
    `hubkb_link` and `hubkb_names`: references as links (common.link_html, names_html)."""
    env.filters["hubkb_work_type"] = work_type_word
    env.filters["hubkb_column_word"] = column_word
    env.filters["hubkb_link"] = link_html
    env.filters["hubkb_names"] = names_html
    env.filters.update(FILTERS)  # places, passages, citations, mention lists: plugin/fragments.py
    env.add_extension(RenderedOnce)


class RenderedOnce(Extension):
    """`{% hubkb_once hubkb_page %}…{% endhubkb_once %}`: what a row page shows of its content, rendered
    once per page. The page dict is the one `row_page` keeps, so the HTML is kept (and dropped) with it;
    what stays in the tag must depend only on the page, the table and the Datasette (its urls), not on
    the request: a tag given anything but a dict (`hubkb_page if not request.query_string else none`)
    renders its body each time. Each tag of a template is a place of its own (template name and line).
    """

    tags = {"hubkb_once"}  # noqa: RUF012 (Extension declares it so)

    def parse(self, parser: Any) -> Any:
        lineno = next(parser.stream).lineno
        args = [parser.parse_expression(), nodes.Const(f"{parser.name}:{lineno}")]
        body = parser.parse_statements(("name:endhubkb_once",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_render_once", args), [], [], body).set_lineno(lineno)

    async def _render_once(self, page: Any, place: str, caller: Any) -> Markup:
        if not isinstance(page, dict):
            return Markup(await caller())
        rendered = page.setdefault(RENDERED, {})
        if place not in rendered:
            rendered[place] = Markup(await caller())
        return rendered[place]


RENDERED = "_rendered"  # the key of a row page's rendered HTML in its page dict (RenderedOnce)


@hookimpl(specname="extra_template_vars")
def hubkb_page_vars(database, table, view_name, request, datasette):
    """``hubkb`` on hubkb's pages; ``hubkb_page`` on the row pages that hubkb fills with content."""

    async def inner() -> dict[str, Any]:
        if not await _any_hubkb(datasette, database):
            return {}
        found: dict[str, Any] = {"hubkb": True, "hubkb_database": database or _first_hubkb(datasette)}
        if view_name == "database" and database:
            found["hubkb_internal_tables"] = await internal_tables(datasette, database)
        if view_name == "index":
            found["hubkb_home"] = [
                await home(datasette, name) for name in datasette.databases if await is_hubkb(datasette, name)
            ]
        if view_name == "row" and request is not None and table:
            key = urlsafe_components(request.url_vars["pks"])[0]
            page = await row_page(datasette, database, table, key)
            if page is not None:
                found["hubkb_page"] = page
        return found

    return inner


def _first_hubkb(datasette: Any) -> str | None:
    # not Datasette's own `_internal` (or `_memory`): the home page's header box searches hubkb's database
    return next((name for name in datasette.databases if not name.startswith("_")), None)


async def internal_tables(datasette: Any, database: str) -> list[str]:
    """The shadow tables of the full-text indexes (posts_fts_data, ...) and the views they read: not data."""
    db = datasette.get_database(database)
    names = await db.table_names()
    fts = [n for n in names if n.endswith("_fts")]
    views = [v for v in await db.view_names() if any(v.startswith(f + "_") for f in fts)]
    return [n for n in names if any(n.startswith(f + "_") for f in fts)] + views


# The home page lists these first, in this order; then the other tables not hidden in metadata.
HOME_ORDER = ("posts", "definitions", "quotes", "works", "people", "organisations", "terms")


async def home(datasette: Any, database: str) -> dict[str, Any]:
    """A hubkb database on the home page: its tables in the reading order, with counts and descriptions; its queries."""
    db = datasette.get_database(database)
    counts = await db.table_counts(5)
    hidden = set(await db.hidden_table_names())
    names = [t for t in HOME_ORDER if t in counts]
    names += sorted(t for t in counts if t not in hidden and t not in HOME_ORDER)
    tables = [
        {
            "name": name,
            "url": datasette.urls.table(database, name),
            "count": counts.get(name),
            "description": datasette.metadata("description", database=database, table=name) or "",
        }
        for name in names
    ]
    queries = await datasette.get_canned_queries(database, None)
    return {
        "name": database,
        "url": datasette.urls.database(database),
        "tables": tables,
        "queries": [
            {
                "url": datasette.urls.database(database) + "/" + name,
                "title": q.get("title") or name,
                "description": q.get("description") or "",
            }
            for name, q in queries.items()
        ],
    }


# The database never changes under a Datasette (a rebuild opens a new one), so a row page's
# content is computed once: the latest pages asked for are kept, per database.
PAGE_CACHE_SIZE = 256
_page_cache: weakref.WeakKeyDictionary[Any, OrderedDict[tuple[str, str], dict[str, Any] | None]] = (
    weakref.WeakKeyDictionary()
)


async def row_page(datasette: Any, database: str, table: str, key: str) -> dict[str, Any] | None:
    """The content of a row page (entities, definitions, quotes, paragraphs), cached; None for other tables."""
    db = datasette.get_database(database)
    cache = _page_cache.setdefault(db, OrderedDict())
    if (table, key) in cache:
        cache.move_to_end((table, key))
        return cache[(table, key)]
    page = await _row_page(datasette, database, table, key)
    cache[(table, key)] = page
    if len(cache) > PAGE_CACHE_SIZE:
        cache.popitem(last=False)
    return page


async def _row_page(datasette: Any, database: str, table: str, key: str) -> dict[str, Any] | None:
    db = datasette.get_database(database)
    # formatting and rendering run off the event loop, once per content (hubkb.memo); results are shared
    if table in ENTITY_TABLES:
        data = await db.execute_fn(lambda conn: entities.PAGES[table](conn, key))
        if data is None:
            return None
        page = with_urls(data, datasette, database)
        _add_snippets(page)
        if table in ("posts", "works"):
            extra = await db.execute_fn(lambda conn: _citable(conn, table, key, data))
            page.update(await computed(_cite_blocks, table, extra))
            page["cite_url"] = cite_url(datasette, database, key, table)
            row_path = tilde_encode(key)
            page["export_urls"] = {
                fmt: datasette.urls.row(database, table, row_path, format=fmt) + "?_dl=1"
                for fmt in ("bib", "ris", "csljson")
            }
        if table == "posts":
            page["blocks"] = await computed(render_paragraphs, data["entity"]["body"] or "")
        return page
    if table in PASSAGE_KINDS:
        kind = PASSAGE_KINDS[table]
        data = await db.execute_fn(lambda conn: entities.passage_page(conn, kind, key))
        if data is None:
            return None
        page = with_urls(data, datasette, database)
        loaded = await db.execute_fn(lambda conn: citable_passage(conn, kind, key))
        if loaded is not None:
            page["passage"]["cite"] = await computed(_cite_passage, loaded)
        return page
    if table == "paragraphs":
        data = await db.execute_fn(lambda conn: entities.paragraph_place(conn, key))
        return with_urls(data, datasette, database) if data is not None else None
    if table == "citations":
        data = await db.execute_fn(lambda conn: entities.citation_page(conn, key))
        return with_urls(data, datasette, database) if data is not None else None
    return None


def _add_snippets(page: dict[str, Any]) -> None:
    mentions = page.get("mentions")
    if mentions:
        for row in mentions["rows"]:
            row["snippet"] = context_snippet(row["text"], row["surface"])


def _citable(conn: Any, table: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
    """What citing a post or a work needs, read in the SQL thread: the cite dicts, and the post's passages."""
    if table == "works":
        return {"work": lookup.load_work(conn, key)}
    passages = [
        loaded
        for p in data["definitions"] + data["quotes"]
        if (loaded := citable_passage(conn, p["kind"], p["id"])) is not None
    ]
    return {"post": lookup.load_post(conn, key), "passages": passages}


def _cite_blocks(table: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The APA reference and the Zotero metadata of a post or work; a cite block per passage of a post."""
    if table == "works":
        csl = citation.to_csl(extra["work"])
        return {"reference": Markup(citation.render_html(extra["work"], "apa", "fr")), "meta": page_metadata(csl)}
    csl = citation.post_to_csl(extra["post"])
    return {
        "reference": Markup(citation.render_html(csl, "apa", "fr")),
        "meta": page_metadata(csl),
        "passage_cites": {p["id"]: _cite_passage(p) for p in extra["passages"]},
    }


def _cite_passage(passage: dict[str, Any]) -> dict[str, Any]:
    """APA's secondary-source form of a definition or quote: what to write in the text, what to list."""
    result = citation.secondhand(passage, "fr")  # type: ignore[arg-type]
    return {
        "in_text": result["in_text"],
        "reference": result["read_source"],
        "reference_html": Markup(citation.render_html(citation.post_to_csl(passage["post"]), "apa", "fr")),
        "original": result["original"],
    }
