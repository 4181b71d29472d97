"""Reading a published database: open it read-only, load works and cited passages.

What the writer tools (search, cite, export) share. Rows come back as the plain
dicts `hubkb.citation` takes: a work with ``authors`` as ``{"name", "kind"}``, a
passage with its givers, relay, work and post.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import HubkbError, NotFoundError, QueryError, display_path


def open_database(path: Path) -> sqlite3.Connection:
    """The published database, read-only; a clear error when it is missing or not hubkb's."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(
            f"{display_path(path)}: no such database; build it first with `hubkb build --db {display_path(path)}`"
        )
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise HubkbError(f"{display_path(path)}: not a SQLite database ({exc})") from None
    if not {"posts", "paragraphs", "paragraphs_fts", "works"} <= tables:
        conn.close()
        raise HubkbError(
            f"{display_path(path)}: not a hubkb database; build one with `hubkb build --db {display_path(path)}`"
        )
    return conn


def table_names(conn: sqlite3.Connection) -> list[str]:
    """The tables a user may export: not FTS shadow tables, not SQLite's own."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    names = [r[0] for r in rows]
    fts = {n for n in names if n.endswith("_fts")}
    return [n for n in names if not any(n.startswith(f + "_") for f in fts)]


# --- works -------------------------------------------------------------------

# Authors in their order, each with what kind of entity it is; the display name
# comes from the authority (work_authors.name is the same, kept as a fallback).
_WORKS_SQL = """
SELECT w.id, w.type, w.title, w.title_as_cited, w.year, w.date, w.publisher, w.url, w.language,
  (SELECT json_group_array(json_object('name', a.name, 'kind', a.kind)) FROM (
     SELECT COALESCE(pe.name, o.name, wa.name) AS name, wa.entity_type AS kind
     FROM work_authors wa
     LEFT JOIN people pe ON wa.entity_type = 'person' AND pe.id = wa.person_id
     LEFT JOIN organisations o ON wa.entity_type = 'organisation' AND o.id = wa.organisation_id
     WHERE wa.work_id = w.id ORDER BY wa.position) AS a) AS author_list
FROM works w
"""


def iter_works(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Works as `hubkb.citation` dicts, by id; all of them when `ids` is None (streamed)."""
    if ids is None:
        for row in conn.execute(_WORKS_SQL + " ORDER BY w.id"):
            yield _work(row)
        return
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        yield from (_work(r) for r in conn.execute(_WORKS_SQL + f" WHERE w.id IN ({marks}) ORDER BY w.id", chunk))


def _work(row: sqlite3.Row) -> dict[str, Any]:
    work = {key: row[key] for key in ("id", "type", "title", "title_as_cited")}
    work["authors"] = json.loads(row["author_list"] or "[]")
    work.update({key: row[key] for key in ("year", "publisher", "url", "language")})
    if row["date"]:  # the day, for the works that have one (a blog post)
        work["date"] = row["date"]
    return work


def load_work(conn: sqlite3.Connection, work_id: str) -> dict[str, Any] | None:
    return next(iter_works(conn, [work_id]), None)


def work_names(conn: sqlite3.Connection) -> Iterator[tuple[str, list[str]]]:
    """(id, [title, title as cited, aliases...]) for every work: what suggestions match against."""
    for row in conn.execute("SELECT id, title, title_as_cited, aliases FROM works ORDER BY id"):
        names = [n for n in (row["title"], row["title_as_cited"]) if n]
        with contextlib.suppress(ValueError):
            names += [a for a in json.loads(row["aliases"] or "[]") if isinstance(a, str)]
        yield row["id"], names


# --- passages (definitions and quotes) -------------------------------------------

_PASSAGE_TABLES = {
    "definition": ("definitions", "definition_givers", "definition_id"),
    "quote": ("quotes", "quote_givers", "quote_id"),
}


def passage_ids(conn: sqlite3.Connection, kind: str) -> list[str]:
    table = _PASSAGE_TABLES[kind][0]
    return [r[0] for r in conn.execute(f"SELECT id FROM [{table}] ORDER BY id")]


def load_passage(conn: sqlite3.Connection, kind: str, passage_id: str) -> dict[str, Any] | None:
    """A definition or quote as `hubkb.citation.secondhand` takes it, or None if there is no such id."""
    table, givers_table, key = _PASSAGE_TABLES[kind]
    term = "(SELECT label FROM terms WHERE terms.id = x.term_id)" if kind == "definition" else "NULL"
    row = conn.execute(
        f"SELECT x.id, x.text, x.work_id, x.post_id, {term} AS term, p.n AS paragraph, "
        f"  v.name AS via FROM [{table}] x "
        f"LEFT JOIN paragraphs p ON p.id = x.paragraph_id LEFT JOIN people v ON v.id = x.via_person_id "
        f"WHERE x.id = ?",
        [passage_id],
    ).fetchone()
    if row is None:
        return None
    givers = [
        {"name": g["name"], "kind": g["kind"]}
        for g in conn.execute(
            f"SELECT COALESCE(pe.name, o.name, g.name) AS name, g.entity_type AS kind FROM [{givers_table}] g "
            f"LEFT JOIN people pe ON g.entity_type = 'person' AND pe.id = g.person_id "
            f"LEFT JOIN organisations o ON g.entity_type = 'organisation' AND o.id = g.organisation_id "
            f"WHERE g.[{key}] = ? ORDER BY g.position",
            [passage_id],
        )
    ]
    return {
        "kind": kind,
        "id": row["id"],
        "term": row["term"],
        "text": row["text"],
        "by": givers,
        "via": {"name": row["via"], "kind": "person"} if row["via"] else None,
        "work": load_work(conn, row["work_id"]) if row["work_id"] else None,
        "post": load_post(conn, row["post_id"]),
        "paragraph": row["paragraph"],
    }


def find_post(conn: sqlite3.Connection, post_id: str) -> dict[str, Any] | None:
    """`load_post`, or None when there is no such post."""
    if conn.execute("SELECT 1 FROM posts WHERE id = ?", [post_id]).fetchone() is None:
        return None
    return load_post(conn, post_id)


def post_names(conn: sqlite3.Connection) -> Iterator[tuple[str, list[str]]]:
    """(id, [title]) for every post: what suggestions match against."""
    for row in conn.execute("SELECT id, title FROM posts ORDER BY id"):
        yield row["id"], [row["title"]] if row["title"] else []


def load_post(conn: sqlite3.Connection, post_id: str) -> dict[str, Any]:
    """A post as `hubkb.citation.post_to_csl` takes it: authors as ``{"name", "kind"}``."""
    row = conn.execute("SELECT id, title, date, site, url, language FROM posts WHERE id = ?", [post_id]).fetchone()
    authors = [
        {"name": r[0], "kind": "person"}
        for r in conn.execute(
            "SELECT pe.name FROM post_authors pa JOIN people pe ON pe.id = pa.person_id "
            "WHERE pa.post_id = ? ORDER BY pa.position",
            [post_id],
        )
    ]
    return {
        "id": row["id"],
        "title": row["title"],
        "date": row["date"],
        "authors": authors,
        "site": row["site"],
        "url": row["url"],
        "language": row["language"],
    }


# --- exports: a whole table or a user's read-only query, streamed ------------

FETCH = 500


def select_table(conn: sqlite3.Connection, table: str) -> sqlite3.Cursor:
    """Every row of `table` (a name from `table_names`), as a cursor to stream."""
    return run_query(conn, f'SELECT * FROM "{table}"')


def _deny_attach(action: int, *_args: Any) -> int:
    # A read-only connection can still ATTACH (and so create) other files, and
    # VACUUM INTO goes through ATTACH: an export writes nothing but its output.
    return sqlite3.SQLITE_DENY if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH) else sqlite3.SQLITE_OK


def run_query(conn: sqlite3.Connection, sql: str) -> sqlite3.Cursor:
    """A user's query, run read-only with ATTACH denied; QueryError that says why it cannot run."""
    conn.set_authorizer(_deny_attach)
    try:
        cursor = conn.execute(sql)
    except sqlite3.Error as exc:
        raise QueryError(f"cannot run the query: {_explain(exc)}") from None
    if cursor.description is None:
        raise QueryError("the query returns no rows to export (export a SELECT)")
    return cursor


def _explain(exc: sqlite3.Error) -> str:
    message = str(exc)
    if message in ("not authorized", "authorization denied"):
        return "an export reads this database and writes nothing else (no ATTACH, no VACUUM INTO)"
    if "readonly" in message:
        return f"{message} (exports only read: use a SELECT)"
    if "one statement" in message:
        return f"{message} (export one SELECT)"
    return message


def fetch_rows(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    """The cursor's rows in batches; an error while reading is a QueryError."""
    try:
        while batch := cursor.fetchmany(FETCH):
            yield from batch
    except sqlite3.Error as exc:
        raise QueryError(f"the query failed while exporting: {exc}") from None
