"""The SQL of lineage: a passage with its relay hops, the ids to suggest, reuse and network rows.

Rows come back as the plain dicts `hubkb.lineage.chain.build_chain` takes. A
database built before relays existed (no `relays` table, no `works.date`)
reads as chains without relay publications.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .lookup import load_passage, load_post, load_work

KINDS = {"d": "definition", "q": "quote", "r": "citation"}  # post_id#d2, post_id#q1, post_id#r1


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None


def kind_of(passage_id: str) -> str | None:
    """'post#d2' -> definition, 'post#q1' -> quote, 'post#r1' -> citation (a reference entry); else None."""
    _, _, tail = passage_id.rpartition("#")
    return KINDS.get(tail[:1]) if tail[1:].isdigit() else None


def passage_ids(conn: sqlite3.Connection) -> list[str]:
    """Every definition, quote and reference id, what `hubkb trace` suggests from."""
    references = "SELECT DISTINCT reference_id FROM citations WHERE reference_id IS NOT NULL"
    if not has_column(conn, "citations", "reference_id"):
        references = "SELECT NULL WHERE 0"
    sql = f"SELECT id FROM definitions UNION ALL SELECT id FROM quotes UNION ALL {references} ORDER BY 1"
    return [r[0] for r in conn.execute(sql)]


def load_chain(conn: sqlite3.Connection, passage_id: str) -> dict[str, Any] | None:
    """A definition, quote or reference with its origin work, relay hops in order and post; None when unknown."""
    kind = kind_of(passage_id)
    if kind is None:
        return None
    if kind == "citation":
        return _load_reference(conn, passage_id)
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


def has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info([{table}])"))


# A passage of the post carrying the same work through relays: a reference without relays of its own
# was met the way the post says it met that work's words.
_PASSAGE_RELAYS = """
SELECT x.id FROM (SELECT id, post_id, work_id FROM definitions UNION ALL SELECT id, post_id, work_id FROM quotes) x
WHERE x.post_id = ? AND x.work_id = ? AND x.id IN (SELECT passage_id FROM relays)
ORDER BY length(x.id), x.id LIMIT 1
"""


def _load_reference(conn: sqlite3.Connection, reference_id: str) -> dict[str, Any] | None:
    """A post's reference entry (post_id#rN) as a chain: the work, the relay, the hops, the post."""
    if not has_column(conn, "citations", "reference_id"):
        return None
    row = conn.execute(
        "SELECT c.post_id, c.work_id, min(p.n) AS paragraph, max(c.via_person_id) AS via_id FROM citations c "
        "LEFT JOIN paragraphs p ON p.id = c.paragraph_id WHERE c.reference_id = ? GROUP BY c.post_id, c.work_id",
        [reference_id],
    ).fetchone()
    if row is None:
        return None
    via = conn.execute("SELECT id, name FROM people WHERE id = ?", [row["via_id"]]).fetchone()
    relays, relays_of = list(_relays(conn, reference_id)), None
    if not relays:
        passage = conn.execute(_PASSAGE_RELAYS, [row["post_id"], row["work_id"]]).fetchone()
        if passage is not None:
            relays, relays_of = list(_relays(conn, passage[0])), passage[0]
    return {
        "kind": "citation",
        "id": reference_id,
        "term": None,
        "text": None,
        "by": [],
        "via": {"id": via["id"], "name": via["name"], "kind": "person"} if via else None,
        "work": load_work(conn, row["work_id"]),
        "post": load_post(conn, row["post_id"]),
        "paragraph": row["paragraph"],
        "relays": relays,
        "relays_of": relays_of,
    }


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


# --- relays naming posts: what the build checks and fills in at the end ------------


def post_facts(conn: sqlite3.Connection, post_ids: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """(ISO date, language) of each post that exists: what a relay hop naming it is checked against."""
    ids = list(post_ids)
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = f"SELECT id, date, language FROM posts WHERE id IN ({', '.join('?' * len(chunk))})"
        found.update((r[0], (r[1], r[2])) for r in conn.execute(sql, chunk))
    return found


def posts_relaying_through(db_path: Path, post_ids: set[str]) -> set[str]:
    """The posts of a published database whose relays name one of `post_ids`."""
    if not post_ids:
        return set()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        if not has_table(conn, "relays"):
            return set()
        rows = conn.execute("SELECT DISTINCT post_id, relay_post_id FROM relays WHERE relay_post_id IS NOT NULL")
        return {post for post, relay in rows if relay in post_ids}
    finally:
        conn.close()


def refresh_relays(conn: sqlite3.Connection) -> None:
    """Hops naming a post get its date and language, and every hop a translation flag.

    A hop's post is known only once every post is read, so the build fills these
    in at its end; a hop that does not say whether it translated is a
    translation when its language differs from the hop before (the origin's for the first).
    """
    conn.execute(
        "UPDATE relays SET date = p.date, language = p.language FROM posts p "
        "WHERE p.id = relays.relay_post_id AND (relays.date IS NOT p.date OR relays.language IS NOT p.language)"
    )
    origin = (
        "SELECT id, work_id FROM definitions UNION ALL SELECT id, work_id FROM quotes "
        "UNION ALL SELECT DISTINCT reference_id, work_id FROM citations WHERE reference_id IS NOT NULL"
    )
    rows = conn.execute(
        f"SELECT r.id, r.passage_id, r.language, r.translation, w.language FROM relays r "
        f"LEFT JOIN ({origin}) o ON o.id = r.passage_id LEFT JOIN works w ON w.id = o.work_id "
        f"WHERE r.passage_id IN (SELECT passage_id FROM relays WHERE translation IS NULL) "
        f"ORDER BY r.passage_id, r.position"
    ).fetchall()
    updates, passage, previous = [], None, None
    for hop_id, passage_id, language, translation, origin_language in rows:
        if passage_id != passage:
            passage, previous = passage_id, origin_language
        if translation is None and language and previous:
            updates.append((int(language != previous), hop_id))
        previous = language
    conn.executemany("UPDATE relays SET translation = ? WHERE id = ?", updates)


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
    references: list[dict[str, Any]] = []
    if not term_id and has_table(conn, "relays") and has_column(conn, "citations", "reference_id"):
        references = [  # references met through relay publications: the chain runs to the work
            dict(r)
            for r in conn.execute(
                "SELECT DISTINCT reference_id AS id, post_id, work_id FROM citations "
                "WHERE reference_id IN (SELECT passage_id FROM relays WHERE kind = 'citation') ORDER BY 1"
            )
        ]
    wanted = {p["id"] for p in passages} | {r["id"] for r in references}
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
    return {"passages": passages, "givers": givers, "relays": relays, "citations": citations, "references": references}


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


def refresh_lineage(conn: sqlite3.Connection) -> int:
    """What crosses posts, done again over the whole database at every build; returns the reuse pairs found."""
    refresh_relays(conn)
    return refresh_reuse(conn)


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
