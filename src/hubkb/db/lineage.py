"""The SQL of lineage: a passage with its relay hops, the ids to suggest, reuse and network rows.

Rows come back as the plain dicts `hubkb.lineage.chain.build_chain` takes. A
database built before relays existed (no `relays` table, no `works.date`)
reads as chains without relay publications.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .lookup import load_passage, load_post, load_work

if TYPE_CHECKING:
    from concurrent.futures import Executor

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


def entity_pages(conn: sqlite3.Connection, names: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(table, id) of each person or organisation by its display name: the lineage page links its hops' people."""
    wanted = sorted(set(names))
    found: dict[str, tuple[str, str]] = {}
    if not wanted:
        return found
    marks = ", ".join("?" * len(wanted))
    for table in ("organisations", "people"):  # a person wins over an organisation of the same name
        for key, name in conn.execute(f"SELECT id, name FROM [{table}] WHERE name IN ({marks})", wanted):
            found[name] = (table, key)
    return found


def has_column(conn: sqlite3.Connection, table: str, column: str) -> bool:
    return any(r[1] == column for r in conn.execute(f"PRAGMA table_info([{table}])"))


# A passage of the post carrying the same work through relays: a reference without relays of its own
# was met the way the post says it met that work's words.
_PASSAGE_RELAYS = """
SELECT x.id FROM (SELECT id, post_id, work_id FROM definitions UNION ALL SELECT id, post_id, work_id FROM quotes) x
WHERE x.post_id = ? AND x.work_id = ? AND x.id IN (SELECT passage_id FROM relays)
ORDER BY length(x.id), x.id LIMIT 1
"""


def relaying_passage(conn: sqlite3.Connection, post_id: str, work_id: str) -> str | None:
    """The post's definition or quote carrying the work through relays (the first one), if any."""
    if not has_table(conn, "relays"):
        return None
    row = conn.execute(_PASSAGE_RELAYS, [post_id, work_id]).fetchone()
    return row[0] if row else None


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
        passage = relaying_passage(conn, row["post_id"], row["work_id"])
        if passage is not None:
            relays, relays_of = list(_relays(conn, passage)), passage
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
    # Hop by hop, each hop's post looked up by its key: an UPDATE ... FROM posts read every post (18 ms at
    # 10,000 posts, a fiftieth of a one-post update) when no hop names a post and relays has no statistics.
    conn.execute(
        "UPDATE relays SET (date, language) = (SELECT p.date, p.language FROM posts p WHERE p.id = relays.relay_post_id) "
        "WHERE relay_post_id IS NOT NULL AND EXISTS (SELECT 1 FROM posts p WHERE p.id = relays.relay_post_id "
        "AND (relays.date IS NOT p.date OR relays.language IS NOT p.language))"
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
FROM definitions d LEFT JOIN terms t ON t.id = d.term_id {posts} WHERE {where_definition}
UNION ALL
SELECT 'quote', q.id, q.post_id, NULL, q.work_id, q.via_person_id, NULL FROM quotes q {posts} WHERE {where_quote}
"""
_GIVERS = """
SELECT definition_id AS passage_id, entity_type, COALESCE(person_id, organisation_id) AS entity_id
FROM definition_givers
UNION ALL
SELECT quote_id, entity_type, COALESCE(person_id, organisation_id) FROM quote_givers
"""


def network_rows(
    conn: sqlite3.Connection, term_id: str | None = None, year: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The rows the network is drawn from: passages, givers, relays, citations and relayed references.

    With `term_id`, only that term's definitions and what they lead to; with `year`, only what the
    posts of that year cite, define and quote; without either, the whole corpus.
    """
    params: dict[str, Any] = {"term": term_id, "year": year}
    in_year = "JOIN posts p ON p.id = {}.post_id AND p.year = :year"
    sql = _PASSAGES.format(
        posts="{posts}",
        where_definition="d.term_id = :term" if term_id else "1",
        where_quote="0" if term_id else "1",
    )
    if year is None:
        sql = sql.replace("{posts}", "")
    else:
        sql = sql.replace("{posts}", in_year.format("d"), 1).replace("{posts}", in_year.format("q"), 1)
    passages = [dict(r) for r in conn.execute(sql, params)]
    references: list[dict[str, Any]] = []
    if not term_id and has_table(conn, "relays") and has_column(conn, "citations", "reference_id"):
        references = [  # references met through relay publications: the chain runs to the work
            dict(r)
            for r in conn.execute(
                "SELECT DISTINCT reference_id AS id, c.post_id, work_id FROM citations c "
                f"{in_year.format('c') if year is not None else ''} "
                "WHERE reference_id IN (SELECT passage_id FROM relays WHERE kind = 'citation') ORDER BY 1",
                params,
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
    cited = "SELECT DISTINCT c.post_id, c.work_id FROM citations c {} ORDER BY 1, 2"
    cited = cited.format(in_year.format("c") if year is not None else "")
    if term_id:
        posts = {p["post_id"] for p in passages}
        works = {p["work_id"] for p in passages if p["work_id"]} | {r["work_id"] for r in relays if r["work_id"]}
        citations = [dict(r) for r in conn.execute(cited, params) if r["post_id"] in posts and r["work_id"] in works]
    else:
        citations = [dict(r) for r in conn.execute(cited, params)]
    return {"passages": passages, "givers": givers, "relays": relays, "citations": citations, "references": references}


def post_years(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """(year, posts) for every year the corpus has posts of: the network page's year filter."""
    return [(r[0], r[1]) for r in conn.execute("SELECT year, count(*) FROM posts GROUP BY year ORDER BY year")]


def node_names(conn: sqlite3.Connection) -> dict[str, dict[str, tuple[str, Any]]]:
    """Every entity's display name and year, by table: what the network's nodes are labelled with."""
    return {
        "people": {r[0]: (r[1], None) for r in conn.execute("SELECT id, name FROM people")},
        "organisations": {r[0]: (r[1], None) for r in conn.execute("SELECT id, name FROM organisations")},
        "works": {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, title, year FROM works")},
        "posts": {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, title, year FROM posts")},
    }


def term_timeline(
    conn: sqlite3.Connection, term_id: str | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """Each definition with its term, the year of its origin work (if any) and of its post."""
    sql = (
        "SELECT d.id, d.term_id, t.label AS term, d.by, w.year AS origin_year, p.year AS post_year, p.title AS post "
        "FROM definitions d JOIN posts p ON p.id = d.post_id LEFT JOIN works w ON w.id = d.work_id "
        "LEFT JOIN terms t ON t.id = d.term_id WHERE (:term IS NULL OR d.term_id = :term) "
        "AND (:year IS NULL OR p.year = :year) ORDER BY t.label, d.id"
    )
    return [dict(r) for r in conn.execute(sql, {"term": term_id, "year": year})]


def term_label(conn: sqlite3.Connection, term_id: str) -> str | None:
    row = conn.execute("SELECT label FROM terms WHERE id = ?", [term_id]).fetchone()
    return row[0] if row else None


# --- reuse ------------------------------------------------------------------------


def refresh_lineage(
    conn: sqlite3.Connection, before: ReuseSnapshot | None = None, post_ids: Collection[str] | None = None
) -> int:
    """What crosses posts, done again at every build; returns the reuse pairs found.

    `before`: an update's `reuse_snapshot` of the database it started from
    (reuse is then looked for again only in the groups whose texts changed);
    `post_ids`: the posts it was taken of, and those the update wrote.
    """
    refresh_relays(conn)
    return refresh_reuse(conn, before, post_ids)


# An update's view of reuse before it changes anything: every text to compare (or the texts of some posts) as its
# row of _REUSE_TEXTS (id, text, source, kind, raw group, chain); the pairs stay in `reuse` until `refresh_reuse`
# rewrites them.
ReuseSnapshot = set[tuple[Any, ...]]


def reuse_snapshot(conn: sqlite3.Connection, post_ids: Collection[str] | None = None) -> ReuseSnapshot:
    """The texts of reuse as they are now, those of `post_ids` only if given, for `refresh_reuse` after an update."""
    if post_ids is None:
        return set(conn.execute(_REUSE_TEXTS_UNSORTED))
    return set(conn.execute(_REUSE_TEXTS_OF_POSTS, [json.dumps(sorted(post_ids))]))


def refresh_reuse(
    conn: sqlite3.Connection, before: ReuseSnapshot | None = None, post_ids: Collection[str] | None = None
) -> int:
    """Find reused wording again; returns the pairs found.

    Definitions are compared within their term, quotes within their speaker(s),
    and the wording at a relay hop within its passage's group. Reuse crosses
    posts, so an incremental build finds it again too, but only in the groups
    whose texts differ from `before` (its snapshot of the published file): the
    other groups keep their pairs, which a full build would find the same. At
    10,000 posts that is a few groups instead of every one. When the reused
    texts are the same set as before (their integer keys then stay), only the
    changed groups' pairs are deleted and inserted again; otherwise both
    tables are written whole, with the keys a full build gives.

    With `post_ids` (the posts `before` was taken of, and those the update
    wrote), only those posts' texts are compared to find the changed groups
    (every other text is the same before and after); the changed groups' texts
    are then read whole.
    """
    from ..lineage.reuse import Reuse, ReuseText, find_reuse, iter_pair_rows

    if before is None:
        group_of: dict[str, str] = {}
        numbers = _Numbers(group_of)
        return _write_reuse(conn, iter_pair_rows(_texts_by_group(conn, group_of), number=numbers), numbers)
    now = reuse_snapshot(conn, post_ids)
    grouped = _Groups()
    touched = {grouped(kind, raw) for _id, _text, _source, kind, raw, _chain in before ^ now}
    if not touched:
        return conn.execute("SELECT count(*) FROM reuse WHERE text < other").fetchone()[0]
    if post_ids is not None:  # the touched groups whole: the other posts' texts are the same before and after
        ids = [text_id for text_id, kind, raw in conn.execute(_REUSE_GROUPS) if grouped(kind, raw) in touched]
        whole = set(conn.execute(_REUSE_TEXTS_WITH_IDS, [json.dumps(ids)]))
        before, now = (whole - now) | before, whole
    was_touched = {text_id for text_id, _text, _source, kind, raw, _chain in before if grouped(kind, raw) in touched}
    changed_texts = [
        ReuseText(text_id, text, source, group, chain)
        for text_id, text, source, kind, raw, chain in sorted(now, key=lambda row: row[0])
        if (group := grouped(kind, raw)) in touched
    ]
    new = find_reuse(changed_texts)
    group_of = {t.id: t.group for t in changed_texts}
    keys = dict(conn.execute("SELECT text_id, id FROM reused_texts"))
    kept = {text_id for text_id in keys if text_id not in was_touched}
    if kept | {x for r in new for x in (r.a, r.b)} == keys.keys():  # the same texts: their keys stay
        conn.executemany(
            "UPDATE reused_texts SET kind = ?, term_id = ? WHERE id = ?",
            [(*_kind_and_term(group_of[text_id]), keys[text_id]) for text_id in keys.keys() - kept],
        )
        conn.executemany("DELETE FROM reuse WHERE text = ?", [(keys[text_id],) for text_id in keys.keys() - kept])
        conn.executemany(
            "INSERT INTO reuse (text, other, score, wording) VALUES (?, ?, ?, ?)",
            sorted(_both_ways(new, keys)),
        )
        return conn.execute("SELECT count(*) FROM reuse WHERE text < other").fetchone()[0]
    old = conn.execute(
        "SELECT t.text_id, o.text_id, r.score, t.kind, t.term_id FROM reused_texts t JOIN reuse r ON r.text = t.id "
        "JOIN reused_texts o ON o.id = r.other WHERE t.text_id < o.text_id"
    ).fetchall()
    found = new + [Reuse(a, b, score) for a, b, score, _kind, _term in old if a in kept]
    for a, b, _score, kind, term in old:
        if a in kept:  # a kept text's kind and term, as its group gives them
            group_of[a] = group_of[b] = f"{kind}:{term or ''}" if kind == "definition" else kind
    number = _Numbers(group_of)
    return _write_reuse(conn, [[(number(r.a), number(r.b), r.score, r.kind) for r in found]], number)


def _texts_by_group(
    conn: sqlite3.Connection, group_of: dict[str, str], texts: str | None = None
) -> Iterator[tuple[str, list[Any]]]:
    """The texts to compare, one group at a time in the order of its name, each group's in the order of its ids.

    Only one group's texts are held at a time (100,000 texts at 50,000
    generated posts): each text's group goes to a temporary table first, and
    SQLite returns the texts sorted by it. `group_of` gets each text's group.
    `texts`: the query giving them (the columns of _REUSE_TEXTS_UNSORTED).
    """
    from ..lineage.reuse import ReuseText

    texts = texts or _REUSE_TEXTS_UNSORTED
    grouped = _Groups()
    names: dict[str, str] = {}  # each group's name held once
    for text_id, kind, raw in conn.execute(f"SELECT text_id, kind, raw_group FROM ({texts})"):
        group = grouped(kind, raw)
        group_of[text_id] = names.setdefault(group, group)
    conn.execute("CREATE TEMP TABLE hubkb_text_groups (text_id TEXT PRIMARY KEY, grp TEXT) WITHOUT ROWID")
    try:
        conn.executemany("INSERT OR REPLACE INTO temp.hubkb_text_groups VALUES (?, ?)", group_of.items())
        rows = conn.execute(
            f"SELECT t.*, g.grp FROM ({texts}) t "
            "JOIN temp.hubkb_text_groups g ON g.text_id = t.text_id ORDER BY g.grp, t.text_id"
        )
        for group, members in itertools.groupby(rows, key=lambda row: row[-1]):
            yield group, [ReuseText(t, text, source, group, chain) for t, text, source, _k, _r, chain, _g in members]
    finally:
        conn.execute("DROP TABLE temp.hubkb_text_groups")


class _Groups:
    """The group of a row of _REUSE_TEXTS: a quote's speakers (JSON) sorted and joined, each list decoded once."""

    def __init__(self) -> None:
        self.speakers: dict[str, str] = {}

    def __call__(self, kind: str, raw: str | None) -> str:
        if kind == "quote":  # by: a JSON array of display names, in the post's order
            key = raw or "[]"
            raw = self.speakers.get(key)
            if raw is None:
                raw = self.speakers[key] = "|".join(sorted(json.loads(key)))
        return f"{kind}:{raw or ''}"


def _write_reuse(conn: sqlite3.Connection, batches: Iterable[list[Any]], numbers: _Numbers) -> int:
    """Both tables whole: each reused text once, numbered in the order of its id, and each pair both ways.

    Pairs grow with the square of a group's size (at 50,000 generated posts, a
    term defined a thousand times gives 700,000 pairs), so they go to a
    temporary table a batch at a time, and SQLite numbers the texts and sorts
    the rows: memory stays that of one batch. Returns the pairs written.
    `batches`: rows (a, b, score, kind), the texts by their `numbers`.
    """
    conn.execute(f"CREATE TEMP TABLE hubkb_found_reuse {_FOUND_COLUMNS}")
    try:
        found = _insert_pairs(conn, "temp.hubkb_found_reuse", batches)
        _number_reuse(conn, "temp.hubkb_found_reuse", numbers)
    finally:
        conn.execute("DROP TABLE temp.hubkb_found_reuse")
    return found


# A pair of texts (a before b), each by its number (`_Numbers`): its rank among the ids of `group_of`, sorted,
# which keeps the order of the ids. Integers make SQLite's numbering, joins and sort below three times as fast
# as the ids did (1.4 million rows at 50,000 generated posts, this step alone: 3.8 s instead of 11).
_FOUND_COLUMNS = "(a INTEGER, b INTEGER, score REAL, wording TEXT)"


class _Numbers:
    """Each text's number: its rank among the ids of `group_of` (every text a pair may name), which keeps
    their order.

    Made when first asked: `_texts_by_group` fills `group_of` whole before it gives its first group."""

    def __init__(self, group_of: dict[str, str]) -> None:
        self.group_of = group_of
        self._ids: list[str] | None = None
        self._numbers: dict[str, int] | None = None

    @property
    def ids(self) -> list[str]:
        """The ids in order: number n is `ids[n]`."""
        if self._ids is None:
            self._ids = sorted(self.group_of)
        return self._ids

    def __call__(self, text_id: str) -> int:
        if self._numbers is None:
            self._numbers = {text_id: n for n, text_id in enumerate(self.ids)}
        return self._numbers[text_id]


def _insert_pairs(conn: sqlite3.Connection, table: str, batches: Iterable[list[tuple[int, int, float, str]]]) -> int:
    """Rows (a, b, score, kind), the texts by their numbers (`_Numbers`), into `table` a batch at a time;
    returns how many."""
    found = 0
    for batch in batches:
        conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", batch)
        found += len(batch)
    return found


def _number_reuse(conn: sqlite3.Connection, found: str, numbers: _Numbers) -> None:
    """`reused_texts` and `reuse` written again from the pairs in the table `found` (texts by number)."""
    conn.execute("CREATE TEMP TABLE hubkb_reused (n INTEGER PRIMARY KEY, id INTEGER)")
    conn.execute("CREATE TEMP TABLE hubkb_reused_pairs (a INTEGER, b INTEGER, score REAL, wording TEXT)")
    try:
        conn.execute("DELETE FROM reuse")
        conn.execute("DELETE FROM reused_texts")
        conn.execute(  # the texts of some pair, numbered from 1 in the order of their ids
            "INSERT INTO temp.hubkb_reused SELECT n, row_number() OVER (ORDER BY n) FROM "
            f"(SELECT a AS n FROM {found} UNION SELECT b FROM {found})"
        )
        ids, group_of = numbers.ids, numbers.group_of
        conn.executemany(
            "INSERT INTO reused_texts (id, text_id, kind, term_id) VALUES (?, ?, ?, ?)",
            [
                (key, ids[n], *_kind_and_term(group_of[ids[n]]))
                for n, key in conn.execute("SELECT n, id FROM temp.hubkb_reused ORDER BY id").fetchall()
            ],
        )
        conn.execute(  # each pair by its texts' keys, once: each way below reads it
            "INSERT INTO temp.hubkb_reused_pairs SELECT t.id, o.id, f.score, f.wording FROM "
            f"{found} f JOIN temp.hubkb_reused t ON t.n = f.a JOIN temp.hubkb_reused o ON o.n = f.b"
        )
        conn.execute(_REUSE_ROWS)
    finally:
        conn.execute("DROP TABLE temp.hubkb_reused")
        conn.execute("DROP TABLE temp.hubkb_reused_pairs")


class ReuseAside:
    """A full build's reuse, found in a thread while the full-text indexes are built; `write` puts it in.

    The texts to compare go to a scratch file of their own (one INSERT ... SELECT), where the thread
    reads them and writes the pairs it finds through a connection of its own: SQLite lets one
    connection write a file at a time, and the database's is building the indexes. sqlite3 lets go of
    the GIL while SQLite works, so on two cores the indexes and the pairs (rapidfuzz and Python) are
    made at once; the rows are those `refresh_lineage` writes.
    """

    def __init__(self, conn: sqlite3.Connection, scratch: Path, pool: Executor) -> None:
        refresh_relays(conn)
        conn.commit()  # ATTACH cannot run inside a transaction
        conn.execute("ATTACH DATABASE ? AS hubkb_aside", [str(scratch)])
        try:
            conn.execute(f"CREATE TABLE hubkb_aside.texts AS {_REUSE_TEXTS_UNSORTED}")
        finally:
            conn.execute("DETACH DATABASE hubkb_aside")
        self.scratch = scratch
        self._found = pool.submit(_find_reuse_aside, scratch)

    def write(self, conn: sqlite3.Connection) -> None:
        """Wait for the pairs, then write both tables as `refresh_reuse` does."""
        numbers = self._found.result()
        conn.commit()
        conn.execute("ATTACH DATABASE ? AS hubkb_aside", [str(self.scratch)])
        try:
            with conn:
                _number_reuse(conn, "hubkb_aside.found", numbers)
        finally:
            conn.execute("DETACH DATABASE hubkb_aside")


def _find_reuse_aside(scratch: Path) -> _Numbers:
    """The pairs of the texts in `scratch` into its table `found`; the texts' groups and numbers (a thread's work)."""
    from ..lineage.reuse import iter_pair_rows

    conn = sqlite3.connect(str(scratch))
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"CREATE TABLE found {_FOUND_COLUMNS}")
        group_of: dict[str, str] = {}
        numbers = _Numbers(group_of)
        texts = _texts_by_group(conn, group_of, "SELECT * FROM texts")
        _insert_pairs(conn, "found", iter_pair_rows(texts, number=numbers))
        conn.commit()
        return numbers
    finally:
        conn.close()


# Each pair both ways, by the texts' keys: `reuse` is WITHOUT ROWID, so rows go in in key order.
_REUSE_ROWS = """
INSERT INTO reuse (text, other, score, wording)
SELECT * FROM (
  SELECT a, b, score, wording FROM temp.hubkb_reused_pairs
  UNION ALL
  SELECT b, a, score, wording FROM temp.hubkb_reused_pairs
) ORDER BY 1, 2
"""


def _both_ways(found: list[Any], keys: dict[str, int]) -> list[tuple[int, int, float, str]]:
    return [(keys[r.a], keys[r.b], r.score, r.kind) for r in found] + [
        (keys[r.b], keys[r.a], r.score, r.kind) for r in found
    ]


def _kind_and_term(group: str) -> tuple[str, str | None]:
    """'definition:coproduction' -> ('definition', 'coproduction'); a quote's group is its speakers, no term."""
    kind, _, rest = group.partition(":")
    return kind, rest if kind == "definition" else None


# A pair of texts with reused wording, both as their ids (what the pages show): `reuse` keeps integer keys.
_PAIRS = """
SELECT t.text_id AS text_id, o.text_id AS other_id, r.score, r.wording
FROM reused_texts t JOIN reuse r ON r.text = t.id JOIN reused_texts o ON o.id = r.other
"""


# Every text that may be reused: its id, wording, source (post, or work:id for a work), group and chain; the
# definitions and quotes read from {definitions} and {quotes}, the hop wordings narrowed by {hops}.
_TEXTS_FROM = """
SELECT id AS text_id, text, post_id AS source, 'definition' AS kind, term_id AS raw_group, id AS chain FROM {definitions}
UNION ALL
SELECT id, text, post_id, 'quote', by, id FROM {quotes}
UNION ALL
SELECT r.id, r.text, COALESCE('work:' || r.work_id, r.relay_post_id), r.kind, COALESCE(d.term_id, q.by), r.passage_id
FROM relays r LEFT JOIN definitions d ON d.id = r.passage_id LEFT JOIN quotes q ON q.id = r.passage_id
WHERE r.text IS NOT NULL AND r.kind IN ('definition', 'quote'){hops}
"""
_REUSE_TEXTS_UNSORTED = _TEXTS_FROM.format(definitions="definitions", quotes="quotes", hops="")
_REUSE_TEXTS = _REUSE_TEXTS_UNSORTED + "ORDER BY 1\n"
# The same texts' ids and groups (kind, term or speakers) alone.
_REUSE_GROUPS = f"SELECT text_id, kind, raw_group FROM ({_REUSE_TEXTS_UNSORTED})"
# The texts of some posts (a JSON array of post ids): each text's chain is its passage's id, post#d1 or post#q1.
# Definitions and quotes are looked up by the range of their keys under each post (the condition on the
# chain applied to the union read all 20,000 texts at 10,000 posts: 30 ms, twice a one-post update).
_POST_OF = "substr({0}, 1, instr({0}, '#') - 1)"  # a passage id's post: the part before its first #
_UNDER_POST = f"wanted CROSS JOIN {{}} ON id >= post || '#' AND id < post || '$' AND {_POST_OF.format('id')} = post"
_REUSE_TEXTS_OF_POSTS = "WITH wanted(post) AS (SELECT value FROM json_each(?))" + _TEXTS_FROM.format(
    definitions=_UNDER_POST.format("definitions"),
    quotes=_UNDER_POST.format("quotes"),
    hops=f"\nAND {_POST_OF.format('r.passage_id')} IN (SELECT post FROM wanted)",
)
# Some texts (a JSON array of their ids), each looked up by its key.
_REUSE_TEXTS_WITH_IDS = "WITH wanted(id) AS (SELECT value FROM json_each(?))" + _TEXTS_FROM.format(
    definitions="definitions WHERE id IN (SELECT id FROM wanted)",
    quotes="quotes WHERE id IN (SELECT id FROM wanted)",
    hops=" AND r.id IN (SELECT id FROM wanted)",
)


def texts_to_compare(conn: sqlite3.Connection, grouped: _Groups | None = None) -> Iterator[Any]:
    """Definitions (grouped by term), quotes (by speakers) and hop wordings (in their passage's group)."""
    from ..lineage.reuse import ReuseText

    grouped = grouped or _Groups()
    for text_id, text, source, kind, group, chain in conn.execute(_REUSE_TEXTS):
        yield ReuseText(text_id, text, source, grouped(kind, group), chain)


def text_places(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Where each text (definition, quote or hop wording) is read: its words, the publication, its date,
    and the passage whose lineage page shows it."""
    by_kind: dict[str, list[str]] = {"d": [], "q": [], "h": []}
    for text_id in ids:
        by_kind["h" if "~h" in text_id else {"quote": "q"}.get(kind_of(text_id) or "", "d")].append(text_id)
    sql = {
        "d": "SELECT x.id, x.id, x.text, p.title, p.date FROM definitions x JOIN posts p ON p.id = x.post_id",
        "q": "SELECT x.id, x.id, x.text, p.title, p.date FROM quotes x JOIN posts p ON p.id = x.post_id",
        "h": "SELECT x.id, x.passage_id, x.text, COALESCE(w.title, p.title), x.date FROM relays x "
        "LEFT JOIN works w ON w.id = x.work_id LEFT JOIN posts p ON p.id = x.relay_post_id",
    }
    found: dict[str, dict[str, Any]] = {}
    for kind, wanted in by_kind.items():
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            query = f"{sql[kind]} WHERE x.id IN ({', '.join('?' * len(chunk))})"
            for text_id, passage, text, place, date in conn.execute(query, chunk):
                found[text_id] = {"passage": passage, "text": text, "post": place, "date": date}
    return found


def reuse_of(conn: sqlite3.Connection, passage_id: str) -> list[dict[str, Any]]:
    """The texts whose wording is the same as or close to this passage's, or to the wording at one of its hops."""
    if not has_table(conn, "reused_texts"):
        return []
    rows = [
        dict(r)
        for r in conn.execute(
            f"SELECT text_id AS at, other_id AS id, score, wording FROM ({_PAIRS}) "
            "WHERE text_id = :id OR (text_id > :hops AND text_id < :after) ORDER BY text_id = :id DESC, score DESC, other_id",
            {"id": passage_id, "hops": passage_id + "~h", "after": passage_id + "~i"},
        )
    ]
    places = text_places(conn, {r["id"] for r in rows})
    for r in rows:
        r.update(places.get(r["id"], {}))
        r["hop"] = int(r["at"].rpartition("~h")[2]) if r["at"] != passage_id else None
    return rows


def reuse_in_term(conn: sqlite3.Connection, term_id: str, limit: int | None = None) -> tuple[int, list[dict[str, Any]]]:
    """The pairs of a term's texts with reused wording, once each, best first (the first `limit`), and how
    many there are in all: for the term page."""
    if not has_table(conn, "reused_texts"):
        return 0, []
    total = conn.execute(
        "SELECT count(*) FROM reused_texts t JOIN reuse r ON r.text = t.id WHERE t.term_id = ? AND r.text < r.other",
        [term_id],
    ).fetchone()[0]
    rows = [
        dict(r)
        for r in conn.execute(
            "SELECT t.text_id AS a, o.text_id AS b, r.score, r.wording FROM reused_texts t "
            "JOIN reuse r ON r.text = t.id JOIN reused_texts o ON o.id = r.other "
            "WHERE t.term_id = ? AND t.text_id < o.text_id ORDER BY r.score DESC, t.text_id, o.text_id LIMIT ?",
            [term_id, -1 if limit is None else limit],
        )
    ]
    places = text_places(conn, {r["a"] for r in rows} | {r["b"] for r in rows})
    for r in rows:
        for side in ("a", "b"):
            place = places.get(r[side], {})
            r[f"{side}_post"], r[f"{side}_passage"] = place.get("post"), place.get("passage", r[side])
    return total, rows
