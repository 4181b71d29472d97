"""How hubkb's pages are served: security headers on every response, searches sorted through an index,
client errors answered without a traceback.

A table search (`/hubkb/posts?_search=coproduction`) is, in Datasette,
`select * from posts where rowid in (select rowid from posts_fts where ...)
order by date desc limit 101`. SQLite looks up every matching row by rowid and
sorts them all, bodies included: for a word most posts hold, 10,000 rows of
7.7 KB to keep 101 (130 ms of CPU). When the sort column (`_sort`,
metadata's, or Datasette's default, the primary key) leads an index, the
same clause written `+rowid in (...)` makes SQLite walk that index in order,
test each row against the matches, and stop after 101 rows (5 ms); the
result is the same rows in the same order. A walk costs more than the sort
when few rows match (up to the whole index: a rare word among 90,000
paragraphs, 19 ms against 1): the index is walked when one row in 20
matches or more (`_worth_walking`). Only the search clauses Datasette
writes are changed, and only on hubkb's databases.

A full-text index built with `detail=column` (posts_fts: the bodies' word
positions are in paragraphs_fts already) refuses phrases: its search clause
gets `hubkb_fts_columns(...)`, which makes a phrase (`"services publics"`,
`co-production`) the AND of its words.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, urlencode

from datasette import Response, hookimpl
from datasette.utils import add_cors_headers, await_me_maybe, tilde_decode
from datasette.utils.asgi import Base400

from ..db.plans import column_detail_indexes, leading_index_columns, matches_at_least
from ..headers import with_security_headers
from .common import is_hubkb

_DATASETTE_SEARCH = re.compile(r"^rowid in \(select rowid from ")
# Datasette's search clause, `+` or not, its query wrapped by `_words_in_columns` or not (facets.py reads it too)
SEARCH_CLAUSE = (
    r"\+?rowid in \((?P<subquery>select rowid from (?P<fts>\w+) where (?P=fts) match "
    r"(?P<query>(?:hubkb_fts_columns\()?(?:escape_fts\(:\w+\)|:\w+)\)?))\)"
)
_DATASETTE_MATCH = re.compile(r"^(\+?rowid in \(select rowid from (\w+) where \w+ match )(escape_fts\(:\w+\)|:\w+)\)$")
_indexed: weakref.WeakKeyDictionary[Any, dict[str, set[str]]] = weakref.WeakKeyDictionary()
_column_detail: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()


@hookimpl(specname="handle_exception", hookwrapper=True)
def client_errors_without_tracebacks(datasette: Any, request: Any, exception: Exception) -> Any:
    """A client's error (a 404, a 403, a bad parameter: Datasette's `Base400`) answered with Datasette's own
    error page or JSON, without printing its traceback.

    Datasette's handler prints every exception's traceback, with its locals, through `rich` when `rich` is
    installed (spaCy's command line, in `hubkb[import]`, brings it): a row page that does not exist cost
    0.4-0.6 s of a server's CPU and a screen of its log. Datasette awaits every handler's answer, so this
    hook wrapper puts `_client_error` in the place of Datasette's handler; another plugin's answer stays,
    and a server's error (500) still goes to Datasette's, as does every error under `--pdb`."""
    outcome = yield
    if isinstance(exception, Base400) and not datasette.pdb:
        outcome.force_result(
            [
                _client_error(datasette, request, exception)
                if getattr(answer, "__module__", None) == "datasette.handle_exception"
                else answer
                for answer in outcome.get_result()
            ]
        )


def _client_error(datasette: Any, request: Any, exception: Base400) -> Callable[[], Awaitable[Response]]:
    """The page or JSON Datasette's handler gives for a client's error (`datasette/handle_exception.py`); on a
    hubkb database's pages, with hubkb's header and, for a missing row, what was asked (`_hubkb_error_vars`)."""

    async def inner() -> Response:
        status = exception.status
        info = {"ok": False, "error": exception.args[0] if exception.args else "", "status": status, "title": None}
        headers: dict[str, str] = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request.path.endswith(".json"):  # the path alone: Datasette's Request keeps the query string apart
            return Response.json(info, status=status, headers=headers)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        page = {**info, "urls": datasette.urls, "app_css_hash": datasette.app_css_hash(), "menu_links": lambda: []}
        page.update(await _hubkb_error_vars(datasette, request, status))
        return Response.html(await template.render_async(page), status=status, headers=headers)

    return inner


async def _hubkb_error_vars(datasette: Any, request: Any, status: int) -> dict[str, Any]:
    """On a hubkb database's error page, hubkb's header (its search box) and, for a row that does not
    exist, what was asked: the table, the key, and where to look for it instead."""
    parts = [tilde_decode(part) for part in request.path.strip("/").split("/")]
    database = parts[0] if parts and await is_hubkb(datasette, parts[0]) else None
    if database is None:
        return {}
    found: dict[str, Any] = {"hubkb": True, "hubkb_database": database}
    if status == 404 and len(parts) == 3 and parts[1] in await datasette.get_database(database).table_names():
        table, key = parts[1], parts[2]
        found["hubkb_missing"] = {
            "table": table,
            "key": key,
            "table_url": datasette.urls.table(database, table),
            "search_url": datasette.urls.database(database) + "/-/search?" + urlencode({"q": key.replace("-", " ")}),
        }
    return found


@hookimpl(specname="asgi_wrapper")
def security_headers(datasette: Any) -> Any:
    """X-Content-Type-Options: nosniff on every response, pages, exports and static files alike."""
    return with_security_headers


@hookimpl(specname="asgi_wrapper")
def streamed_csv_in_full_pages(datasette: Any) -> Any:
    """A streamed CSV (`?_stream=on`) read in pages of `max_returned_rows`, as Datasette means to.

    Datasette 0.65 sets `_size=max` for a stream's first page only; every
    further page falls back to the default 100 rows, each one a new query with
    its own permission checks and table lookups: the 3,333 works of a
    10,000-post database took 34 pages and 400 ms. Asking `_size=max` in the
    URL when none is given gives 4 pages, the same rows. Datasette also sends
    a CSV one row a message, each passing every ASGI layer and the socket:
    the body goes out 64 KB at a time instead (the same bytes; works.csv
    streamed, server CPU 110 -> 84 ms).
    """
    return with_full_csv_pages


def with_full_csv_pages(app: Any) -> Any:
    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith(".csv"):
            query = scope.get("query_string", b"").decode("latin-1")
            args = parse_qs(query)
            if args.get("_stream", [""])[0] and "_size" not in args:
                scope = {**scope, "query_string": (query + "&_size=max").lstrip("&").encode("latin-1")}
            await app(scope, receive, _in_chunks(send))
            return
        await app(scope, receive, send)

    return wrapped


CHUNK_BYTES = 64 * 1024


def _in_chunks(send: Any) -> Any:
    """`send` for a CSV response: Datasette writes one body message a row; these go out 64 KB at a time."""
    held: list[bytes] = []
    size = 0

    async def chunked(message: dict) -> None:
        nonlocal size
        if message["type"] != "http.response.body":
            await send(message)
            return
        held.append(message.get("body", b""))
        size += len(held[-1])
        more = message.get("more_body", False)
        if size >= CHUNK_BYTES or not more:
            body = b"".join(held)
            held.clear()
            size = 0
            await send({"type": "http.response.body", "body": body, "more_body": more})

    return chunked


@hookimpl(specname="filters_from_request", hookwrapper=True)
def search_through_the_sort_index(request: Any, database: str, table: str, datasette: Any) -> Any:
    """Datasette's search clause as `+rowid in (...)` when the page is sorted on an indexed column."""
    outcome = yield
    outcome.force_result([_through_index(found, request, database, table, datasette) for found in outcome.get_result()])


def _through_index(found: Any, request: Any, database: str, table: str, datasette: Any) -> Any:
    async def inner() -> Any:
        arguments = await await_me_maybe(found)
        if not arguments or not any(_DATASETTE_SEARCH.match(c) for c in arguments.where_clauses):
            return arguments
        if not await is_hubkb(datasette, database):
            return arguments
        clauses = await _words_in_columns(arguments.where_clauses, database, datasette)
        if await _sorted_on_an_index(request, database, table, datasette) and await _worth_walking(
            clauses, arguments.params, database, table, datasette
        ):
            clauses = [_DATASETTE_SEARCH.sub("+rowid in (select rowid from ", c) for c in clauses]
        arguments.where_clauses = clauses
        return arguments

    return inner


async def _words_in_columns(clauses: list[str], database: str, datasette: Any) -> list[str]:
    """The search clauses on an index of `detail=column` with `hubkb_fts_columns(...)` around the query."""
    db = datasette.get_database(database)
    if db not in _column_detail:
        _column_detail[db] = set(await db.execute_fn(column_detail_indexes))
    loose = _column_detail[db]

    def rewrite(match: re.Match[str]) -> str:
        head, fts, query = match.groups()
        return f"{head}hubkb_fts_columns({query}))" if fts in loose else match.group(0)

    return [_DATASETTE_MATCH.sub(rewrite, c) for c in clauses]


async def _sorted_on_an_index(request: Any, database: str, table: str, datasette: Any) -> bool:
    """Whether the page's order (`_sort`, metadata's, else Datasette's own: the primary key) leads an index."""
    meta = datasette.table_metadata(database, table)
    db = datasette.get_database(database)
    column = request.args.get("_sort") or request.args.get("_sort_desc") or meta.get("sort") or meta.get("sort_desc")
    if not column:
        pks = await db.primary_keys(table)
        if not pks:
            return False  # rows in rowid order: the matches' own order, nothing to sort
        column = pks[0]
    known = _indexed.setdefault(db, {})
    if table not in known:
        known[table] = await db.execute_fn(lambda conn: leading_index_columns(conn, table))
    return column in known[table]


WALK_SHARE = 20  # the sort index is walked when one row in this many matches, or more


async def _worth_walking(clauses: list[str], params: Any, database: str, table: str, datasette: Any) -> bool:
    """Whether enough rows match for a walk of the sort index to beat sorting the matches.

    Walking the index reads rows in order and stops at the page's end: it
    costs about as many index entries as the page needs divided by the share
    of rows that match, up to the whole table (19 ms for 90,000 paragraphs).
    Sorting costs a lookup and a sort a match: 1 ms for 132 paragraphs, 60 ms
    for 23,874, 157 for 79,576. So the index is walked when one row in
    `WALK_SHARE` matches or more, which the search counts up to that many
    rows only (under 0.5 ms). The table's rows are Datasette's counts of an
    immutable file, kept from its inspect data; on a mutable file (no kept
    counts) the index is always walked, the bounded cost.
    """
    db = datasette.get_database(database)
    rows = None if db.is_mutable else (await db.table_counts()).get(table)
    if rows is None:
        return True
    enough = max(1, -(-rows // WALK_SHARE))
    for clause in clauses:
        found = re.fullmatch(SEARCH_CLAUSE, clause)
        if found is None:
            continue
        fts, query = found.group("fts", "query")
        dense = await db.execute_fn(
            lambda conn, fts=fts, query=query: matches_at_least(conn, fts, query, params, enough)
        )
        if dense is False:
            return False
    return True
