"""Full-text search over paragraphs: bm25 ranking, snippets, the index's vocabulary.

bm25 scores every row it is asked to rank (about 1 µs a match), so a term found
in most of a large corpus would cost its whole doclist. Ranking works on a
bounded candidate set: the first `candidates` matches in index order are
scored, the best `limit` kept, and `Matches.capped` says when the bound was hit.
Snippets are made for those few rows only.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import QueryError

# Private-use characters around highlighted tokens in raw snippets: no HTML
# is made here, so that the text can be escaped before highlights are added.
MARK_OPEN = "\ue0f0"
MARK_CLOSE = "\ue0f1"
ELLIPSIS = "…"
SNIPPET_TOKENS = 32
CANDIDATES = 20_000
# Column weights of paragraphs_fts (text, search_variants): the other spellings
# of a word count, but less than the words as written.
_WEIGHTS = "1.0, 0.5"

_SEARCH_SQL = f"""
WITH candidates AS MATERIALIZED (
  SELECT rowid, bm25(paragraphs_fts, {_WEIGHTS}) AS score
  FROM paragraphs_fts WHERE paragraphs_fts MATCH :query LIMIT :candidates
), best AS MATERIALIZED (
  SELECT rowid, score FROM candidates ORDER BY score, rowid LIMIT :limit
)
SELECT p.id AS anchor, p.post_id, posts.title, posts.date, best.score,
  snippet(paragraphs_fts, 0, :open, :close, :ellipsis, :tokens) AS snippet,
  (SELECT count(*) FROM candidates) AS matched
FROM best
JOIN paragraphs_fts ON paragraphs_fts.rowid = best.rowid AND paragraphs_fts MATCH :query
JOIN paragraphs p ON p.rowid = best.rowid
JOIN posts ON posts.id = p.post_id
ORDER BY best.score, best.rowid
"""


@dataclass(frozen=True)
class ParagraphMatch:
    post_id: str
    title: str
    date: str
    anchor: str  # the paragraph id, post_id#pN
    snippet: str  # raw: highlighted tokens between MARK_OPEN and MARK_CLOSE, nothing escaped
    score: float  # bm25: lower is better


@dataclass(frozen=True)
class Matches:
    matches: list[ParagraphMatch]
    matched: int  # rows ranked: every match, or `candidates` when capped
    capped: bool


def match_paragraphs(
    conn: sqlite3.Connection, fts_query: str, limit: int = 10, candidates: int = CANDIDATES
) -> Matches:
    """The best paragraphs for an FTS5 MATCH expression; QueryError if FTS5 rejects it."""
    params = {
        "query": fts_query,
        "candidates": candidates,
        "limit": limit,
        "open": MARK_OPEN,
        "close": MARK_CLOSE,
        "ellipsis": ELLIPSIS,
        "tokens": SNIPPET_TOKENS,
    }
    try:
        rows = conn.execute(_SEARCH_SQL, params).fetchall()
        if rows:
            matched = rows[0]["matched"]
        else:  # no hit in the best rows means no candidate at all
            matched = 0
    except sqlite3.OperationalError as exc:
        raise QueryError(_fts_message(exc)) from None
    matches = [ParagraphMatch(r["post_id"], r["title"], r["date"], r["anchor"], r["snippet"], r["score"]) for r in rows]
    return Matches(matches, matched, capped=matched >= candidates)


def _fts_message(exc: sqlite3.Error) -> str:
    message = str(exc)
    return message if message.startswith("fts5") else f"fts5: {message}"


def vocabulary(conn: sqlite3.Connection, min_length: int, max_length: int) -> Iterator[tuple[str, int]]:
    """(term, number of paragraphs holding it) for the indexed terms of a length range.

    Reads the index's own vocabulary through an fts5vocab table in the TEMP
    schema, which a read-only database allows.
    """
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.paragraphs_vocab USING fts5vocab(main, paragraphs_fts, 'row')"
    )
    rows = conn.execute(
        "SELECT term, doc FROM temp.paragraphs_vocab WHERE length(term) BETWEEN ? AND ?", [min_length, max_length]
    )
    yield from rows
