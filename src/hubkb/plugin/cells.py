"""Table, row and query cells: names as links, a post body as a link, snippets with <mark>, anchors as links.

JSON array columns (`authors`, `by`, `organisations`, `aliases`, `tags`) show
as comma-separated links: a name to its entity page, a tag to the posts that
carry it; an empty array shows nothing. On query pages (`table` is None) a
column is read by its name: `anchor` links to the paragraph, `post`, `work`,
`term` and the columns naming people or organisations link to their pages, and so does
everything_about's `what` when its row is about a work.
Only the HTML changes: `.json` and `.csv` keep the stored values.
"""

from __future__ import annotations

import functools
import json
import re
import weakref
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from ..db.entities import name_index
from ..snippets import parse_forms, snippet_html
from .common import anchor_url, entity_url, is_hubkb, known_hubkb, table_url, when_hubkb

_ANCHOR = re.compile(r"^(?P<post>[^#\s/]+)(?:#p(?P<n>\d+))?$")
_EMPTY = Markup('<span class="hubkb-empty"></span>')  # truthy, so Datasette shows it instead of "[]"

# (table, column) -> the entity types its names may be, in the order tried
_ARRAY_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("posts", "authors"): ("person",),
    ("works", "authors"): ("person", "organisation"),
    ("definitions", "by"): ("person", "organisation"),
    ("quotes", "by"): ("person", "organisation"),
    ("people", "organisations"): ("organisation",),
}
_SELF_TYPES = {"people": "person", "organisations": "organisation", "works": "work", "terms": "term"}
# query result columns -> the entity types their names may be
_QUERY_COLUMNS: dict[str, tuple[str, ...]] = {
    "term": ("term",),
    "work": ("work",),
    "post": ("post",),
    "name": ("person", "organisation"),
    "given_by": ("person", "organisation"),
    "by": ("person", "organisation"),
    "cited": ("person", "organisation"),
    "citing": ("person",),
    "cited_by": ("person",),
    "through": ("person",),
    "via": ("person",),
    "relay": ("person",),
}
_SEPARATORS = re.compile(r" & |, ")

_indexes: weakref.WeakKeyDictionary[Any, dict[str, dict[str, str]]] = weakref.WeakKeyDictionary()


async def _names(datasette: Any, database: str) -> dict[str, dict[str, str]]:
    db = datasette.get_database(database)
    if db not in _indexes:
        _indexes[db] = await db.execute_fn(name_index)
    return _indexes[db]


@hookimpl(specname="render_cell")
def render_hubkb_cell(row, value, column, table, database, datasette):
    """Names as links; a post's body as a link to its text; search snippets with <mark>; anchors as links."""
    if not isinstance(value, str):
        return None
    if table == "posts" and column == "body":
        return _body_link(row, database, datasette)
    if table is not None:
        if column == "tags" and table == "posts":
            return _when_array(datasette, database, value, lambda names: _tag_links(names, database, datasette))
        types = _ARRAY_COLUMNS.get((table, column))
        if types:
            return _name_links(datasette, database, value, types, row=None)
        if column == "aliases" and table in _SELF_TYPES and "id" in row.keys():  # noqa: SIM118 - a sqlite3.Row
            url = entity_url(datasette, database, table, row["id"])
            return _when_array(datasette, database, value, lambda names: _join([(n, url) for n in names]))
        return None
    if column == "snippet" and "matched" in row.keys():  # noqa: SIM118 - a sqlite3.Row
        # hubkb's search SQL: plain text, highlighted here only (JSON and CSV stay plain)
        return when_hubkb(datasette, database, lambda: snippet_html(value, parse_forms(row["matched"])))
    if column == "matched" and value.startswith("["):
        return when_hubkb(datasette, database, lambda: Markup(escape(", ".join(parse_forms(value)))))
    if column == "anchor" and _ANCHOR.match(value):
        return when_hubkb(datasette, database, lambda: _anchor_link(value, database, datasette))
    if column in _QUERY_COLUMNS:
        return _name_links(datasette, database, value, _QUERY_COLUMNS[column], row=row)
    if column == "what" and "role" in row.keys() and _WORK_ROLE.search(row["role"] or ""):  # noqa: SIM118 - a sqlite3.Row
        return _work_link(datasette, database, value)
    return None


# everything_about's rows whose `what` is a work's title, "Title (year)" or "Title"
_WORK_ROLE = re.compile(r"the work$|^their work is cited$")
_YEAR = re.compile(r" \((\d{4})\)$")


def _work_link(datasette: Any, database: str, value: str) -> Any:
    async def inner() -> Markup | None:
        if not await is_hubkb(datasette, database):
            return None
        found = (await _names(datasette, database)).get("work", {}).get(_YEAR.sub("", value))
        if found is None:
            return None
        return Markup(f'<a href="{escape(entity_url(datasette, database, "works", found))}">{escape(value)}</a>')

    return inner()


def _json_names(value: str) -> list[str] | None:
    if not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return [str(v) for v in parsed] if isinstance(parsed, list) else None


def _when_array(datasette: Any, database: str, value: str, make) -> Any:
    names = _json_names(value)
    if names is None:
        return None
    return when_hubkb(datasette, database, lambda: make(names) if names else _EMPTY)


def _join(links: Sequence[tuple[str, str | None]]) -> Markup:
    return Markup(", ").join(
        Markup(f'<a href="{escape(url)}">{escape(text)}</a>') if url else escape(text) for text, url in links
    )


def _tag_links(tags: list[str], database: str, datasette: Any) -> Markup:
    base = table_url(datasette, database, "posts")
    return Markup(", ").join(_tag_link(base, t) for t in tags)


@functools.lru_cache(maxsize=8192)
def _tag_link(base: str, tag: str) -> Markup:
    """A tag as a link to the posts that carry it (the same tags come back on every page)."""
    return _join([(tag, f"{base}?{urlencode({'tags__arraycontains': tag, '_facet_array': 'tags'})}")])


def _name_links(datasette: Any, database: str, value: str, types: tuple[str, ...], row: Any) -> Any:
    """The names in `value` (a JSON array, one name, or names joined by " & " or ", ") as links."""
    db = datasette.databases.get(database)
    if known_hubkb(datasette, database) and db in _indexes:  # known already: no coroutine per cell
        return _links_of_names(datasette, database, value, types, row, _indexes[db])

    async def inner() -> Markup | None:
        if not await is_hubkb(datasette, database):
            return None
        return _links_of_names(datasette, database, value, types, row, await _names(datasette, database))

    return inner()


def _links_of_names(
    datasette: Any, database: str, value: str, types: tuple[str, ...], row: Any, index: dict[str, dict[str, str]]
) -> Markup | None:
    names = _json_names(value)
    if names is not None and not names:
        return _EMPTY
    if names is None:
        names = [value] if _find(index, types, value) else _SEPARATORS.split(value)
    found = [(name, _find(index, types, name)) for name in names]
    if not any(ref for _, ref in found):
        return None
    post_from_anchor = _post_of_anchor(row) if types == ("post",) else None
    links = []
    for name, ref in found:
        if post_from_anchor:
            ref = ("post", post_from_anchor)
        links.append((name, entity_url(datasette, database, _TABLE_OF[ref[0]], ref[1]) if ref else None))
    return _join(links)


_TABLE_OF = {"person": "people", "organisation": "organisations", "work": "works", "term": "terms", "post": "posts"}


def _find(index: dict[str, dict[str, str]], types: tuple[str, ...], name: str) -> tuple[str, str] | None:
    for type_ in types:
        found = index.get(type_, {}).get(name)
        if found is not None:
            return type_, found
    return None


def _post_of_anchor(row: Any) -> str | None:
    """A query row's post, from its `anchor` column (post_id#pN) when it has one."""
    try:
        anchor = row["anchor"]
    except (IndexError, KeyError):
        return None
    match = _ANCHOR.match(anchor) if isinstance(anchor, str) else None
    return match["post"] if match else None


def _body_link(row, database: str, datasette):
    def make() -> Markup | None:
        if "id" not in row.keys():  # noqa: SIM118 - a sqlite3.Row
            return None
        url = entity_url(datasette, database, "posts", row["id"]) + "#text"
        words = f" ({row['word_count']:,} words)".replace(",", "\u202f") if "word_count" in row.keys() else ""  # noqa: SIM118 - a sqlite3.Row
        return Markup(f'<a href="{escape(url)}">Read the text{words}</a>')

    return when_hubkb(datasette, database, make)


def _anchor_link(value: str, database: str, datasette: Any) -> Markup:
    match = _ANCHOR.match(value)
    assert match is not None  # render_hubkb_cell only calls it on a match
    url = anchor_url(datasette, database, match["post"], match["n"])
    return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
