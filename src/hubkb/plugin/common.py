"""What the plugin's areas share: is this hubkb's database, and hubkb's URLs."""

from __future__ import annotations

import functools
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from datasette.utils import tilde_encode as _tilde_encode
from markupsafe import Markup, escape

from ..db.entities import TABLES

PASSAGE_TABLES = {"definition": "definitions", "quote": "quotes"}

_is_hubkb_cache: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


async def is_hubkb(datasette: Any, database: str | None) -> bool:
    """Whether `database` is one hubkb built (it has a `hubkb_build` table); cached per database."""
    if database is None or database not in datasette.databases:
        return False
    db = datasette.get_database(database)
    if db not in _is_hubkb_cache:
        _is_hubkb_cache[db] = "hubkb_build" in await db.table_names()
    return _is_hubkb_cache[db]


def known_hubkb(datasette: Any, database: str | None) -> bool | None:
    """`is_hubkb` without waiting, when it is known already; None when not known yet."""
    db = datasette.databases.get(database) if database is not None else None
    return _is_hubkb_cache.get(db) if db is not None else False


def when_hubkb(
    datasette: Any, database: str, make: Callable[[], Markup | None]
) -> Markup | Awaitable[Markup | None] | None:
    """`make()` on hubkb's databases, None (Datasette's default) elsewhere: for `render_cell`, which
    awaits an awaitable. Once the database is known (the first cell), the answer comes at once:
    a page renders hundreds of cells, each a coroutine otherwise."""
    known = known_hubkb(datasette, database)
    if known is not None:
        return make() if known else None

    async def inner() -> Markup | None:
        return make() if await is_hubkb(datasette, database) else None

    return inner()


# database -> table -> /db/table: Datasette's URL builder encodes every name character by character
_table_urls: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def table_url(datasette: Any, database: str, table: str) -> str:
    """`datasette.urls.table(database, table)`, built once per database and table."""
    urls = _table_urls.setdefault(datasette.get_database(database), {})
    found = urls.get(table)
    if found is None:
        found = urls[table] = f"{datasette.urls.table(database, table)}"  # a plain str: see entity_url
    return found


@functools.lru_cache(maxsize=65_536)
def tilde_encode(key: str) -> str:
    """Datasette's `tilde_encode`, remembered: the same ids come back on every page."""
    return _tilde_encode(key)


def anchor_url(datasette: Any, database: str, post_id: str, n: Any = None) -> str:
    """/hubkb/posts/<post_id>#pN: the paragraph on the post's page."""
    url = entity_url(datasette, database, "posts", post_id)
    return f"{url}#p{n}" if n else url


def cite_url(datasette: Any, database: str, key: str, table: str = "works") -> str:
    """/db/works/<id>/cite or /db/posts/<id>/cite: the citation page of a work or a post."""
    return datasette.urls.table(database, table) + "/" + tilde_encode(key) + "/cite"


def entity_url(datasette: Any, database: str, table: str, key: str) -> str:
    """`datasette.urls.row(database, table, tilde_encode(key))`, from remembered parts.

    A plain str, not Datasette's PrefixedUrlString, whose every attribute
    lookup runs Python code: a page escapes hundreds of these links (they are
    never given back to Datasette's URL builder, which is what that type is for).
    """
    return f"{table_url(datasette, database, table)}/{tilde_encode(str(key))}"


def with_urls(value: Any, datasette: Any, database: str) -> Any:
    """Data from `hubkb.db.entities` with links added: ``url`` on every entity reference
    (``{"type", "id"}``), ``anchor`` (/db/posts/<id>#pN) on every place (``{"post", "n"}``)."""
    if isinstance(value, list):
        return [with_urls(v, datasette, database) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: with_urls(v, datasette, database) for k, v in value.items()}
    table = TABLES.get(out.get("type") or "") or PASSAGE_TABLES.get(out.get("kind") or "")
    if table and out.get("id") is not None:
        out["url"] = entity_url(datasette, database, table, out["id"])
    post = out.get("post")
    if isinstance(post, dict) and "id" in post:
        post.setdefault("url", entity_url(datasette, database, "posts", post["id"]))
        out["anchor"] = anchor_url(datasette, database, post["id"], out.get("n"))
    return out


# schema.yaml's work types as a reader says them
WORK_TYPE_WORDS = {
    "report": "report",
    "book": "book",
    "article": "article",
    "chapter": "book chapter",
    "video": "video",
    "webpage": "web page",
    "blogpost": "blog post",
    "thesis": "thesis",
    "other": "other work",
}


def work_type_word(work_type: Any) -> str:
    """`blogpost` -> `blog post`: a work's type as a reader says it (an unknown type as stored)."""
    return WORK_TYPE_WORDS.get(str(work_type), str(work_type)) if work_type else ""


def column_word(column: Any) -> str:
    """`via_person_id` -> `via person`: a column's name as a facet title a reader takes in."""
    return str(column).removesuffix("_id").replace("_", " ")


_MISSING = object()


def link_html(ref: Any) -> Markup:
    """`{{ ref|hubkb_link }}`: a reference's name, a link to its page when it has a `url`; nothing for none.

    What a Jinja macro wrote before (`{% if ref.url %}<a href="{{ ref.url }}">{{ ref.name }}</a>...`),
    a filter instead: Datasette's templates run asynchronously, where a macro call costs about 35 µs
    and a post's page links a hundred names.
    """
    if not ref:
        return Markup("")
    url, name = _field(ref, "url"), _field(ref, "name")
    text = "" if name is _MISSING else name
    if url is not _MISSING and url:
        return Markup(f'<a href="{escape(url)}">{escape(text)}</a>')  # f-strings: Markup.format is 5x slower
    return escape(text)


def names_html(refs: Any) -> Markup:
    """`{{ refs|hubkb_names }}`: the references, each as `hubkb_link` writes it, joined by ", "."""
    return Markup(", ".join(link_html(ref) for ref in refs or ()))


def _field(ref: Any, name: str) -> Any:
    """`ref.name` as Jinja reads it: a dict's key or an attribute; _MISSING when neither."""
    if isinstance(ref, dict):
        return ref.get(name, _MISSING)
    return getattr(ref, name, _MISSING)
