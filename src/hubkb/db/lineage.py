"""The SQL of lineage: a passage with its relay hops, the ids to suggest, reuse and network rows.

Rows come back as the plain dicts `hubkb.lineage.chain.build_chain` takes. A
database built before relays existed (no `relays` table, no `works.date`)
reads as chains without relay publications.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from .lookup import load_passage, load_post, load_work

KINDS = {"d": "definition", "q": "quote"}


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None


def kind_of(passage_id: str) -> str | None:
    """'post#d2' -> definition, 'post#q1' -> quote; None for anything else."""
    _, _, tail = passage_id.rpartition("#")
    return KINDS.get(tail[:1]) if tail[1:].isdigit() else None


def passage_ids(conn: sqlite3.Connection) -> list[str]:
    """Every definition and quote id, what `hubkb trace` suggests from."""
    return [r[0] for r in conn.execute("SELECT id FROM definitions UNION ALL SELECT id FROM quotes ORDER BY 1")]


def load_chain(conn: sqlite3.Connection, passage_id: str) -> dict[str, Any] | None:
    """A definition or quote with its origin work, relay hops in order and post; None when unknown."""
    kind = kind_of(passage_id)
    if kind is None:
        return None
    passage = load_passage(conn, kind, passage_id)
    if passage is None:
        return None
    table = "definitions" if kind == "definition" else "quotes"
    via = conn.execute(
        f"SELECT v.id, v.name FROM [{table}] x JOIN people v ON v.id = x.via_person_id WHERE x.id = ?", [passage_id]
    ).fetchone()
    passage["via"] = {"id": via["id"], "name": via["name"], "kind": "person"} if via else None
    if kind == "definition":
        passage["term_id"] = conn.execute("SELECT term_id FROM definitions WHERE id = ?", [passage_id]).fetchone()[0]
    if passage["work"] is not None:
        passage["work"] = load_work(conn, passage["work"]["id"])
    passage["relays"] = list(_relays(conn, passage_id))
    return passage


def _relays(conn: sqlite3.Connection, passage_id: str) -> Iterator[dict[str, Any]]:
    if not has_table(conn, "relays"):
        return
    rows = conn.execute(
        "SELECT r.*, pe.name AS person_name FROM relays r LEFT JOIN people pe ON pe.id = r.person_id "
        "WHERE r.passage_id = ? ORDER BY r.position",
        [passage_id],
    ).fetchall()
    for row in rows:
        yield {
            "work": load_work(conn, row["work_id"]) if row["work_id"] else None,
            "post": load_post(conn, row["relay_post_id"]) if row["relay_post_id"] else None,
            "person": {"id": row["person_id"], "name": row["person_name"], "kind": "person"}
            if row["person_id"]
            else None,
            "translation": None if row["translation"] is None else bool(row["translation"]),
            "text": row["text"],
            "note": row["note"],
        }


# --- the citation network -------------------------------------------------------

# Each passage with its post, term, work and relay person; quotes have no term.
_PASSAGES = """
SELECT 'definition' AS kind, d.id, d.post_id, d.term_id, d.work_id, d.via_person_id, t.label AS term
FROM definitions d LEFT JOIN terms t ON t.id = d.term_id {where_definition}
UNION ALL
SELECT 'quote', q.id, q.post_id, NULL, q.work_id, q.via_person_id, NULL FROM quotes q {where_quote}
"""
_GIVERS = """
SELECT definition_id AS passage_id, entity_type, COALESCE(person_id, organisation_id) AS entity_id
FROM definition_givers
UNION ALL
SELECT quote_id, entity_type, COALESCE(person_id, organisation_id) FROM quote_givers
"""


def network_rows(conn: sqlite3.Connection, term_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """The rows the network is drawn from: passages, givers, relays, citations, and the nodes' names.

    With `term_id`, only that term's definitions and what they lead to; without, the whole corpus.
    """
    where_d, where_q, params = ("WHERE d.term_id = :term", "WHERE 0", {"term": term_id}) if term_id else ("", "", {})
    passages = [dict(r) for r in conn.execute(_PASSAGES.format(where_definition=where_d, where_quote=where_q), params)]
    wanted = {p["id"] for p in passages}
    givers = [dict(r) for r in conn.execute(_GIVERS) if r["passage_id"] in wanted]
    relays: list[dict[str, Any]] = []
    if has_table(conn, "relays"):
        relays = [
            dict(r)
            for r in conn.execute(
                "SELECT passage_id, position, work_id, relay_post_id, person_id, translation FROM relays "
                "ORDER BY passage_id, position"
            )
            if r["passage_id"] in wanted
        ]
    if term_id:
        posts = {p["post_id"] for p in passages}
        works = {p["work_id"] for p in passages if p["work_id"]} | {r["work_id"] for r in relays if r["work_id"]}
        citations = [
            dict(r)
            for r in conn.execute("SELECT DISTINCT post_id, work_id FROM citations ORDER BY post_id, work_id")
            if r["post_id"] in posts and r["work_id"] in works
        ]
    else:
        citations = [dict(r) for r in conn.execute("SELECT DISTINCT post_id, work_id FROM citations ORDER BY 1, 2")]
    return {"passages": passages, "givers": givers, "relays": relays, "citations": citations}


def node_names(conn: sqlite3.Connection) -> dict[str, dict[str, tuple[str, Any]]]:
    """Every entity's display name and year, by table: what the network's nodes are labelled with."""
    return {
        "people": {r[0]: (r[1], None) for r in conn.execute("SELECT id, name FROM people")},
        "organisations": {r[0]: (r[1], None) for r in conn.execute("SELECT id, name FROM organisations")},
        "works": {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, title, year FROM works")},
        "posts": {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, title, year FROM posts")},
    }


def term_timeline(conn: sqlite3.Connection, term_id: str | None = None) -> list[dict[str, Any]]:
    """Each definition with its term, the year of its origin work (if any) and of its post."""
    sql = (
        "SELECT d.id, d.term_id, t.label AS term, d.by, w.year AS origin_year, p.year AS post_year, p.title AS post "
        "FROM definitions d JOIN posts p ON p.id = d.post_id LEFT JOIN works w ON w.id = d.work_id "
        "LEFT JOIN terms t ON t.id = d.term_id "
    )
    if term_id:
        return [dict(r) for r in conn.execute(sql + "WHERE d.term_id = ? ORDER BY d.id", [term_id])]
    return [dict(r) for r in conn.execute(sql + "ORDER BY t.label, d.id")]


def term_label(conn: sqlite3.Connection, term_id: str) -> str | None:
    row = conn.execute("SELECT label FROM terms WHERE id = ?", [term_id]).fetchone()
    return row[0] if row else None


# --- reuse ------------------------------------------------------------------------


def refresh_reuse(conn: sqlite3.Connection) -> int:
    """Find reused definition wordings again over the whole database; returns the pairs found.

    Reuse crosses posts, so an incremental build recomputes it too (a term's
    definitions are compared with each other only: about a second at 10,000 posts).
    """
    from ..lineage.reuse import ReuseText, find_reuse

    texts = [
        ReuseText(r[0], r[1], r[2], r[3] or "")
        for r in conn.execute("SELECT id, text, post_id, term_id FROM definitions ORDER BY id")
    ]
    found = find_reuse(texts)
    conn.execute("DELETE FROM reuse")
    conn.executemany(
        "INSERT INTO reuse (definition_id, other_id, term_id, score, wording) VALUES (?, ?, ?, ?, ?)",
        [row for r in found for row in ((r.a, r.b, r.group, r.score, r.kind), (r.b, r.a, r.group, r.score, r.kind))],
    )
    return len(found)


def reuse_of(conn: sqlite3.Connection, definition_id: str) -> list[dict[str, Any]]:
    """The definitions whose wording is the same as or close to this one's, best first."""
    if not has_table(conn, "reuse"):
        return []
    return [
        dict(r)
        for r in conn.execute(
            "SELECT r.other_id AS id, r.score, r.wording, d.text, p.title AS post, p.date, d.by "
            "FROM reuse r JOIN definitions d ON d.id = r.other_id JOIN posts p ON p.id = d.post_id "
            "WHERE r.definition_id = ? ORDER BY r.score DESC, r.other_id",
            [definition_id],
        )
    ]


def reuse_in_term(conn: sqlite3.Connection, term_id: str) -> list[dict[str, Any]]:
    """Every pair of a term's definitions with reused wording, once, best first: for the term page."""
    if not has_table(conn, "reuse"):
        return []
    return [
        dict(r)
        for r in conn.execute(
            "SELECT r.definition_id AS a, r.other_id AS b, r.score, r.wording, pa.title AS a_post, pb.title AS b_post "
            "FROM reuse r JOIN definitions da ON da.id = r.definition_id JOIN definitions db ON db.id = r.other_id "
            "JOIN posts pa ON pa.id = da.post_id JOIN posts pb ON pb.id = db.post_id "
            "WHERE r.term_id = ? AND r.definition_id < r.other_id ORDER BY r.score DESC, r.definition_id, r.other_id",
            [term_id],
        )
    ]
