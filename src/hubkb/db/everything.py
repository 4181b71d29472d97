"""The global search: one query over posts, paragraphs, definitions, quotes, works, people,
organisations and terms, each kind ranked, with snippets.

Full-text kinds use the same expressions as the passage search (`hubkb_fts_query`:
every French form of each word; `hubkb_fts_exact`: the words as typed, which rank
first); paragraphs are the passage search itself (`search_passages.sql`). People,
organisations and terms have no full-text index: their names and aliases are
matched folded (case, accents, elisions), exact names first.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from ..snippets import marked_forms, parse_forms, snippet_text
from .canned import query_sql
from .plans import column_detail_indexes
from .search import CANDIDATES

PER_KIND = 10
_CANDIDATES = 2_000

# kind: (table, FTS table, bm25 weights, the label's SQL); posts_fts is `detail=column` (see `_FTS_SQL`)
_FTS_KINDS = {
    "post": ("posts", "posts_fts", "10.0, 1.0, 0.5", "t.title"),
    "definition": (
        "definitions",
        "definitions_fts",
        "1.0, 0.5",
        "'definition of ' || coalesce((SELECT label FROM terms WHERE terms.id = t.term_id), t.term_id)"
        " || coalesce(' by ' || (SELECT group_concat(value, ' & ') FROM json_each(t.by)), '')",
    ),
    "quote": (
        "quotes",
        "quotes_fts",
        "1.0, 0.5",
        "'quote' || coalesce(' of ' || (SELECT group_concat(value, ' & ') FROM json_each(t.by)), '')",
    ),
    "work": ("works", "works_fts", "1.0, 0.8", "t.title || coalesce(' (' || t.year || ')', '')"),
}

# the column a snippet is cut from: the text, never the search variants (27e 27eme ...)
_SNIPPET_COLUMN = {"post": 1, "definition": 0, "quote": 0, "work": -1}

_FTS_SQL = """
WITH hits AS MATERIALIZED (
  SELECT rowid, bm25({fts}, {weights}) AS score FROM {fts}
  WHERE {fts} MATCH hubkb_fts_query(:q) LIMIT :candidates
), exact AS MATERIALIZED (
  SELECT rowid FROM {fts}
  WHERE hubkb_fts_exact(:q) != hubkb_fts_query(:q) AND {fts} MATCH hubkb_fts_exact(:q) LIMIT :candidates
), best AS MATERIALIZED (
  SELECT rowid, score, rowid IN (SELECT rowid FROM exact) AS exact FROM hits
  ORDER BY exact DESC, score, rowid LIMIT :limit
)
SELECT t.id AS id, {label} AS label, {post_id} AS post_id,
  snippet({fts}, {column}, char(57584), char(57585), '…', 20) AS marked,
  {date} AS date, (SELECT title FROM posts WHERE posts.id = {post_id}) AS post_title
FROM best
JOIN {fts} ON {fts}.rowid = best.rowid AND {fts} MATCH hubkb_fts_query(:q)
JOIN {table} t ON t.rowid = best.rowid
ORDER BY best.exact DESC, best.score, best.rowid
"""

# kind: (table, the name's column)
_NAME_KINDS = {"person": ("people", "name"), "organisation": ("organisations", "name"), "term": ("terms", "label")}
_NAME_SQL = """
SELECT id, {name} AS label, NULL AS post_id,
  hubkb_fold({name}) = hubkb_fold(:q)
    OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE hubkb_fold(value) = hubkb_fold(:q)) AS exact
FROM {table}
WHERE hubkb_fold(:q) != ''
  AND (instr(hubkb_fold({name}), hubkb_fold(:q))
       OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE instr(hubkb_fold(value), hubkb_fold(:q))))
ORDER BY exact DESC, length({name}), {name}
LIMIT :limit
"""

KINDS = ("person", "organisation", "term", "work", "definition", "quote", "post", "paragraph")
TABLES = {
    **{kind: spec[0] for kind, spec in _FTS_KINDS.items()},
    **{kind: spec[0] for kind, spec in _NAME_KINDS.items()},
    "paragraph": "paragraphs",
}


@dataclass(frozen=True)
class Found:
    kind: str  # person, organisation, term, work, definition, quote, post or paragraph
    id: str
    label: str
    snippet: str = ""  # plain text; `forms` are what matched, as written
    forms: list[str] = field(default_factory=list)
    post_id: str | None = None
    passages: list[dict[str, Any]] = field(default_factory=list)  # a paragraph's definitions and quotes
    date: str | None = None  # the post's date (posts, paragraphs, definitions, quotes)
    post_title: str | None = None  # the post's title (definitions, quotes)


def search_everything(conn: sqlite3.Connection, query: str, per_kind: int = PER_KIND) -> dict[str, list[Found]]:
    """The best hits of every kind, in `KINDS` order; the connection has hubkb's search functions."""
    found: dict[str, list[Found]] = {}
    params = {"q": query, "limit": per_kind, "candidates": _CANDIDATES}
    columns_only = set(column_detail_indexes(conn))
    for kind in KINDS:
        if kind in _NAME_KINDS:
            table, name = _NAME_KINDS[kind]
            rows = conn.execute(_NAME_SQL.format(table=table, name=name), params).fetchall()
            found[kind] = [Found(kind, r[0], r[1]) for r in rows]
        elif kind in _FTS_KINDS:
            table, fts, weights, label = _FTS_KINDS[kind]
            post_id = "NULL" if kind in ("post", "work") else "t.post_id"
            date = {"post": "t.date", "work": "NULL"}.get(kind, "(SELECT date FROM posts WHERE posts.id = t.post_id)")
            sql = _FTS_SQL.format(
                table=table,
                fts=fts,
                weights=weights,
                label=label,
                post_id=post_id,
                date=date,
                column=_SNIPPET_COLUMN[kind],
            )
            if fts in columns_only:  # no word positions: a phrase matches rows holding its words
                sql = re.sub(r"(hubkb_fts_(?:query|exact)\(:q\))", r"hubkb_fts_columns(\1)", sql)
            rows = conn.execute(sql, params).fetchall()
            found[kind] = [
                Found(kind, r[0], r[1], snippet_text(r[3]) or "", marked_forms(r[3]), r[2], date=r[4], post_title=r[5])
                for r in rows
            ]
        else:
            found[kind] = _paragraphs(conn, query, per_kind)
    return found


def _paragraphs(conn: sqlite3.Connection, query: str, limit: int) -> list[Found]:
    """The passage search itself (anchor, post, date, snippet, matched, passages)."""
    params = {"q": query, "_hubkb_limit": limit, "_hubkb_candidates": CANDIDATES}
    rows = conn.execute(query_sql("search_passages"), params).fetchall()
    return [
        Found(
            "paragraph",
            r[0],
            r[1],
            r[3],
            parse_forms(r[4]),
            r[0].rsplit("#p", 1)[0],
            json.loads(r[5] or "[]"),
            date=r[2],
        )
        for r in rows
    ]
