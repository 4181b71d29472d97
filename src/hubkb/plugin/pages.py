"""hubkb's templates, and what its row pages add: a post's rendered body, a work's reference."""

from __future__ import annotations

import asyncio
from typing import Any

from datasette import hookimpl
from datasette.utils import urlsafe_components
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup

from .. import citation
from ..db import queries
from ..render import render_body
from .common import TEMPLATES, cite_url, is_hubkb


@hookimpl(specname="prepare_jinja2_environment")
def hubkb_templates(env: Any) -> None:
    """hubkb's templates (src/hubkb/templates), after the user's and Datasette's."""
    env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl(specname="extra_template_vars")
def row_page_vars(database, table, view_name, request, datasette):
    """The rendered body on a post's row page; the APA reference on a work's row page."""
    if view_name != "row" or table not in ("posts", "works") or request is None:
        return {}

    async def inner() -> dict[str, Any]:
        if not await is_hubkb(datasette, database):
            return {}
        key = urlsafe_components(request.url_vars["pks"])[0]
        db = datasette.get_database(database)
        if table == "posts":
            body = await queries.fetch_post_body(db.execute, key)
            return {"hubkb_body": render_body(body)} if body is not None else {}
        works = await queries.fetch_works(db, [key])
        if not works:
            return {}
        reference = await asyncio.get_running_loop().run_in_executor(None, citation.render_html, works[0], "apa", "fr")
        return {"hubkb_reference": Markup(reference), "hubkb_cite_url": cite_url(datasette, database, key)}

    return inner
