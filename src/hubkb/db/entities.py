"""What the entity pages show: every query behind a person, organisation, work, term or post page.

Each `*_page(conn, id)` returns plain dicts and lists (None when there is no
such row), run in Datasette's SQL thread through `Database.execute_fn`. The
pages read names, counts and links from these dicts, never table layouts, so
a change of the `mentions` keys or of a link table is a change here only.

Shapes shared by the pages:
- an entity reference: ``{"type": "person"|"organisation"|"work"|"term"|"post", "id", "name"}``
- a passage (definition or quote): id, text, term, givers, work, via, post, n
- a place in a post: ``post`` (id, title, date) and ``n``, the paragraph number
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

# How many rows a list on an entity page shows before "all N" links elsewhere.
LIST_LIMIT = 50
# Paragraphs looked at for "mentioned alongside": enough to rank, bounded for common terms.
CO_MENTION_SAMPLE = 5000
# From so many mentions, an entity's newest are found by walking the posts from the newest (see `mentions`).
WALK_FROM = 300

TABLES = {"person": "people", "organisation": "organisations", "work": "works", "term": "terms", "post": "posts"}
_NAME_COLUMN = {"people": "name", "organisations": "name", "works": "title", "terms": "label", "posts": "title"}
_MENTION_COLUMN = {"person": "person_id", "organisation": "organisation_id", "work": "work_id", "term": "term_id"}


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _one(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    rows = _rows(conn, sql, params)
    return rows[0] if rows else None


def _json_list(value: str | None) -> list[Any]:
    try:
        parsed = json.loads(value or "[]")
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def _ref(type_: str, id_: Any, name: Any) -> dict[str, Any] | None:
    return {"type": type_, "id": id_, "name": name or id_} if id_ else None


# --- passages: definitions and quotes ----------------------------------------------

_PASSAGE_SQL = """
select x.id, x.text, {term} as term_id, {label} as term_label, x.post_id, posts.title as post_title,
       posts.date as post_date, paragraphs.n as n, x.work_id, works.title as work_title, works.year as work_year,
       x.via_person_id, via.name as via_name
from [{table}] x
join posts on posts.id = x.post_id
left join paragraphs on paragraphs.id = x.paragraph_id
left join works on works.id = x.work_id
left join people via on via.id = x.via_person_id
where {where}
order by {order}
limit {limit}
"""

_GIVERS_SQL = """
select g.[{key}] as passage_id, g.entity_type as type, coalesce(g.person_id, g.organisation_id) as id,
       coalesce(pe.name, o.name, g.name) as name
from [{table}] g
left join people pe on g.entity_type = 'person' and pe.id = g.person_id
left join organisations o on g.entity_type = 'organisation' and o.id = g.organisation_id
where g.[{key}] in ({marks})
order by g.[{key}], g.position
"""

_PASSAGES = {
    "definition": ("definitions", "definition_givers", "definition_id"),
    "quote": ("quotes", "quote_givers", "quote_id"),
}


def passages(
    conn: sqlite3.Connection,
    kind: str,
    where: str,
    params: Sequence[Any] = (),
    order: str = "posts.date, x.id",
    limit: int = LIST_LIMIT,
) -> list[dict[str, Any]]:
    """Definitions or quotes matching `where` (on alias x), each with term, givers, work, relay and place."""
    table, givers_table, key = _PASSAGES[kind]
    term, label = (
        ("x.term_id", "(select label from terms where terms.id = x.term_id)")
        if kind == "definition"
        else ("null", "null")
    )
    sql = _PASSAGE_SQL.format(table=table, term=term, label=label, where=where, order=order, limit=int(limit))
    rows = _rows(conn, sql, params)
    givers = _givers(conn, givers_table, key, [r["id"] for r in rows])
    return [
        {
            "kind": kind,
            "id": r["id"],
            "text": r["text"],
            "term": _ref("term", r["term_id"], r["term_label"]),
            "givers": givers.get(r["id"], []),
            "work": _ref("work", r["work_id"], r["work_title"]),
            "work_year": r["work_year"],
            "via": _ref("person", r["via_person_id"], r["via_name"]),
            "post": {"id": r["post_id"], "title": r["post_title"], "date": r["post_date"]},
            "n": r["n"],
        }
        for r in rows
    ]


def _givers(conn: sqlite3.Connection, table: str, key: str, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = _GIVERS_SQL.format(table=table, key=key, marks=", ".join("?" * len(chunk)))
        for row in _rows(conn, sql, chunk):
            found.setdefault(row["passage_id"], []).append({"type": row["type"], "id": row["id"], "name": row["name"]})
    return found


# --- citations of works ----------------------------------------------------------------

_CITATIONS_SQL = """
select c.post_id, posts.title as post_title, posts.date as post_date, paragraphs.n as n,
       c.work_id, works.title as work_title, works.year as work_year, c.via_person_id, via.name as via_name,
       c.reference_id
from citations c
join posts on posts.id = c.post_id
join works on works.id = c.work_id
left join paragraphs on paragraphs.id = c.paragraph_id
left join people via on via.id = c.via_person_id
where {where}
order by posts.date, c.post_id, paragraphs.n is null, paragraphs.n
limit {limit}
"""


def citations(
    conn: sqlite3.Connection, where: str, params: Sequence[Any] = (), limit: int = LIST_LIMIT
) -> list[dict[str, Any]]:
    """Citations matching `where` (alias c): post, paragraph (None: reference list only), work, relay."""
    rows = _rows(conn, _CITATIONS_SQL.format(where=where, limit=int(limit)), params)
    return [
        {
            "post": {"id": r["post_id"], "title": r["post_title"], "date": r["post_date"]},
            "n": r["n"],
            "work": _ref("work", r["work_id"], r["work_title"]),
            "work_year": r["work_year"],
            "via": _ref("person", r["via_person_id"], r["via_name"]),
            "reference_id": r["reference_id"],  # post_id#rN when the post lists the work: its lineage
        }
        for r in rows
    ]


def citation_page(conn: sqlite3.Connection, citation_id: str) -> dict[str, Any] | None:
    """A citations row as a sentence's parts: the work, the post and paragraph citing it, the relay."""
    try:
        number = int(citation_id)
    except ValueError:
        return None
    found = citations(conn, "c.id = ?", [number], limit=1)
    return {"citation": found[0]} if found else None


# --- mentions -----------------------------------------------------------------------------


def _entity_number(conn: sqlite3.Connection, entity_type: str, entity_id: str) -> int | None:
    """An entity's number in `entities`, which `mentions` rows hold."""
    row = conn.execute(f"select id from entities where [{_MENTION_COLUMN[entity_type]}] = ?", [entity_id]).fetchone()
    return row[0] if row else None


def mentions(conn: sqlite3.Connection, entity_type: str, entity_id: str, limit: int = 25) -> dict[str, Any]:
    """The paragraphs that mention an entity (newest post first), with the words as written, and the total.

    Two ways to the newest, chosen by the total: an entity mentioned up to `WALK_FROM` times has its mentions
    looked up and sorted (20 µs each); one mentioned more often is found by walking the posts from the newest
    (their date index) and stopping at the `limit`th paragraph that mentions it. At 10,000 posts, the most
    mentioned entity (79,137 rows) took 645 ms the first way and 0.3 ms the second; an entity mentioned once,
    0.1 ms the first way and 85 ms the second (every post walked)."""
    number = _entity_number(conn, entity_type, entity_id)
    total = conn.execute("select count(*) from mentions where entity = ?", [number]).fetchone()[0]
    # CROSS JOIN keeps the tables in the order written: SQLite's planner would pick one way for every entity
    tables = (
        "mentions m cross join paragraphs p on p.rowid = m.paragraph cross join posts on posts.id = p.post_id"
        if total <= WALK_FROM
        else "posts cross join paragraphs p on p.post_id = posts.id cross join mentions m on m.paragraph = p.rowid"
    )
    rows = _rows(
        conn,
        f"""
        select p.post_id, posts.title as post_title, posts.date as post_date, p.n as n,
               p.text as text, coalesce(m.surface, e.name) as surface
        from {tables}
        join entities e on e.id = m.entity
        where m.entity = ?
        order by posts.date desc, p.post_id, p.n
        limit {int(limit)}
        """,
        [number],
    )
    return {
        "total": total,
        "rows": [
            {
                "post": {"id": r["post_id"], "title": r["post_title"], "date": r["post_date"]},
                "n": r["n"],
                "text": r["text"],
                "surface": r["surface"],
            }
            for r in rows
        ],
        "table_args": {"entity": number},
    }


def co_mentioned(conn: sqlite3.Connection, entity_type: str, entity_id: str, limit: int = 12) -> list[dict[str, Any]]:
    """The entities most often mentioned in the same paragraphs as this one, with the count of paragraphs."""
    return _rows(
        conn,
        f"""
        with mine as (select paragraph from mentions where entity = :n limit {CO_MENTION_SAMPLE})
        select e.type as type, e.entity_id as id, count(*) as paragraphs, e.name as name
        from mine join mentions m on m.paragraph = mine.paragraph join entities e on e.id = m.entity
        where m.entity != :n
        group by m.entity
        order by paragraphs desc, e.type, e.entity_id
        limit {int(limit)}
        """,
        {"n": _entity_number(conn, entity_type, entity_id)},
    )


# --- the pages -------------------------------------------------------------------------------


def _agent_page(conn: sqlite3.Connection, kind: str, agent_id: str) -> dict[str, Any]:
    """What a person and an organisation page share: definitions and quotes given, works, citations, mentions."""
    giver = "person_id" if kind == "person" else "organisation_id"
    works = _rows(
        conn,
        f"""select works.id, works.title as name, works.year, works.type as work_type from work_authors wa
            join works on works.id = wa.work_id where wa.[{giver}] = ? order by works.year, works.title""",
        [agent_id],
    )
    work_ids = [w["id"] for w in works]
    marks = ", ".join("?" * len(work_ids)) or "null"
    return {
        "definitions": passages(
            conn,
            "definition",
            f"x.id in (select definition_id from definition_givers where [{giver}] = ?)",
            [agent_id],
        ),
        "quotes": passages(
            conn, "quote", f"x.id in (select quote_id from quote_givers where [{giver}] = ?)", [agent_id]
        ),
        "works": [{"type": "work", **w} for w in works],
        "cited_works": citations(conn, f"c.work_id in ({marks})", work_ids),
        "mentions": mentions(conn, kind, agent_id),
        "co_mentioned": co_mentioned(conn, kind, agent_id),
    }


def person_page(conn: sqlite3.Connection, person_id: str) -> dict[str, Any] | None:
    person = _one(conn, "select id, name, aliases, url as web, note from people where id = ?", [person_id])
    if person is None:
        return None
    return {
        "entity": {"type": "person", **person, "aliases": _json_list(person["aliases"])},
        "organisations": _rows(
            conn,
            """select 'organisation' as type, o.id, o.name from person_organisations po join organisations o on o.id = po.organisation_id
               where po.person_id = ? order by o.name""",
            [person_id],
        ),
        "posts": _rows(
            conn,
            """select 'post' as type, posts.id, posts.title as name, posts.date from post_authors pa join posts on posts.id = pa.post_id
               where pa.person_id = ? order by posts.date desc, posts.id""",
            [person_id],
        ),
        "relayed_definitions": passages(conn, "definition", "x.via_person_id = ?", [person_id]),
        "relayed_quotes": passages(conn, "quote", "x.via_person_id = ?", [person_id]),
        "relayed_citations": citations(conn, "c.via_person_id = ?", [person_id]),
        **_agent_page(conn, "person", person_id),
    }


def organisation_page(conn: sqlite3.Connection, organisation_id: str) -> dict[str, Any] | None:
    org = _one(
        conn, "select id, name, aliases, kind, url as web, note from organisations where id = ?", [organisation_id]
    )
    if org is None:
        return None
    return {
        "entity": {"type": "organisation", **org, "aliases": _json_list(org["aliases"])},
        "members": _rows(
            conn,
            """select 'person' as type, pe.id, pe.name from person_organisations po join people pe on pe.id = po.person_id
               where po.organisation_id = ? order by pe.name""",
            [organisation_id],
        ),
        "published": _rows(
            conn,
            "select 'work' as type, id, title as name, year from works where hubkb_fold(publisher) = hubkb_fold(?) order by year, title",
            [org["name"]],
        ),
        **_agent_page(conn, "organisation", organisation_id),
    }


def work_page(conn: sqlite3.Connection, work_id: str) -> dict[str, Any] | None:
    work = _one(
        conn,
        "select id, type, title, title_as_cited, year, publisher, url as web, language, aliases, note from works where id = ?",
        [work_id],
    )
    if work is None:
        return None
    authors = _rows(
        conn,
        """select wa.entity_type as type, coalesce(wa.person_id, wa.organisation_id) as id,
                  coalesce(pe.name, o.name, wa.name) as name
           from work_authors wa
           left join people pe on wa.entity_type = 'person' and pe.id = wa.person_id
           left join organisations o on wa.entity_type = 'organisation' and o.id = wa.organisation_id
           where wa.work_id = ? order by wa.position""",
        [work_id],
    )
    publisher = _one(
        conn,
        "select 'organisation' as type, id, name from organisations where hubkb_fold(name) = hubkb_fold(?)",
        [work["publisher"] or ""],
    )
    return {
        "entity": {
            **work,
            "type": "work",
            "work_type": work["type"],
            "name": work["title"],
            "aliases": _json_list(work["aliases"]),
        },
        "authors": authors,
        "publisher": publisher,
        "citations": citations(conn, "c.work_id = ?", [work_id]),
        "definitions": passages(conn, "definition", "x.work_id = ?", [work_id]),
        "quotes": passages(conn, "quote", "x.work_id = ?", [work_id]),
        "mentions": mentions(conn, "work", work_id),
        "co_mentioned": co_mentioned(conn, "work", work_id),
    }


def term_page(conn: sqlite3.Connection, term_id: str) -> dict[str, Any] | None:
    term = _one(conn, "select id, label, aliases, note from terms where id = ?", [term_id])
    if term is None:
        return None
    return {
        "entity": {"type": "term", **term, "name": term["label"], "aliases": _json_list(term["aliases"])},
        # side by side, oldest first: the work's year when there is one, else the post's date
        "definitions": passages(
            conn,
            "definition",
            "x.term_id = ?",
            [term_id],
            order="coalesce(works.year, cast(substr(posts.date, 1, 4) as integer)), posts.date, x.id",
            limit=500,
        ),
        "mentions": mentions(conn, "term", term_id),
        "co_mentioned": co_mentioned(conn, "term", term_id),
    }


def post_page(conn: sqlite3.Connection, post_id: str) -> dict[str, Any] | None:
    post = _one(
        conn,
        "select id, title, date, site, url as web, language, tags, summary, body, word_count from posts where id = ?",
        [post_id],
    )
    if post is None:
        return None
    authors = _rows(
        conn,
        """select 'person' as type, pe.id, pe.name from post_authors pa join people pe on pe.id = pa.person_id
           where pa.post_id = ? order by pa.position""",
        [post_id],
    )
    mentioned = _rows(
        conn,
        """select e.type as type, e.entity_id as id, count(*) as paragraphs, min(p.n) as first_n, e.name as name
           from paragraphs p join mentions m on m.paragraph = p.rowid join entities e on e.id = m.entity
           where p.post_id = ? group by m.entity
           order by paragraphs desc, e.type, e.entity_id""",
        [post_id],
    )
    return {
        "entity": {"type": "post", **post, "name": post["title"], "tags": _json_list(post["tags"])},
        "authors": authors,
        "definitions": passages(conn, "definition", "x.post_id = ?", [post_id], order="paragraphs.n, x.id", limit=500),
        "quotes": passages(conn, "quote", "x.post_id = ?", [post_id], order="paragraphs.n, x.id", limit=500),
        "citations": citations(conn, "c.post_id = ?", [post_id], limit=500),
        "mentioned": [{**m, "name": m["name"] or m["id"]} for m in mentioned],
    }


def passage_page(conn: sqlite3.Connection, kind: str, passage_id: str) -> dict[str, Any] | None:
    """A definition's or quote's row page: the passage with its chain."""
    found = passages(conn, kind, "x.id = ?", [passage_id], limit=1)
    return {"passage": found[0]} if found else None


def paragraph_place(conn: sqlite3.Connection, paragraph_id: str) -> dict[str, Any] | None:
    """Where a paragraph sits: its post (id, title, date) and number."""
    row = _one(
        conn,
        """select paragraphs.post_id, paragraphs.n, posts.title, posts.date from paragraphs
           join posts on posts.id = paragraphs.post_id where paragraphs.id = ?""",
        [paragraph_id],
    )
    if row is None:
        return None
    return {"post": {"id": row["post_id"], "title": row["title"], "date": row["date"]}, "n": row["n"]}


PAGES = {
    "people": person_page,
    "organisations": organisation_page,
    "works": work_page,
    "terms": term_page,
    "posts": post_page,
}


def name_index(conn: sqlite3.Connection) -> dict[str, dict[str, str]]:
    """Display name -> id, by entity type: what turns the names of JSON array columns into links.

    JSON array columns (`authors`, `by`, `organisations`) hold canonical display
    names; the database never changes under a server, so the plugin loads this once.
    """
    index: dict[str, dict[str, str]] = {}
    for type_, table in TABLES.items():
        names: dict[str, str] = {}
        for id_, name in conn.execute(f"select id, [{_NAME_COLUMN[table]}] from [{table}] order by id"):
            if name is not None:
                names.setdefault(str(name), id_)
        index[type_] = names
    return index
