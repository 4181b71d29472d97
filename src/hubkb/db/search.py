"""Full-text search over paragraphs: the one passage-search SQL, its functions, the vocabulary.

`hubkb/queries/search_passages.sql` is the passage search of both the canned
query and `hubkb search`; this module runs it for the writer tools and defines
the SQL functions it calls (`register_search_functions`, which the Datasette
plugin registers too).

bm25 scores every row it is asked to rank (1.5 to 3 µs a match at 10,000
posts, after a fixed cost that reads every row of each phrase once), so a term
found in most of a large corpus would cost its whole doclist. Ranking works on a
bounded candidate set: the first `candidates` matches in index order are
scored, the best `limit` kept, and `Matches.capped` says when the bound was hit.
Snippets are made for those few rows only. The fixed cost grows with the
corpus: a large corpus's first paragraphs have an index of their own
(`hubkb.db.write.RANK_SAMPLE`), which scores the candidates when it holds them.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..fts_query import Forms, Prefixes, escape_fts, words_in_columns
from ..snippets import parse_forms, snippet_marks, snippet_text
from ..text import normalise_query
from .canned import query_sql
from .functions import create_function
from .stems import forms_of, words_starting

# matches ranked by bm25, on the web and in `hubkb search`: 5,000 cost 10-20 ms of bm25 for a common word
# at 10,000 posts, where the canned query's p95 target is 25 ms over HTTP
CANDIDATES = 1_000
WEB_LIMIT = 20  # paragraphs the canned query shows
CACHED_QUERIES = 256  # FTS5 expressions kept per connection and function
CACHED_WORDS = 4096  # other forms of a word, words a prefix starts
NOTHING = '""'  # an FTS5 expression that matches nothing, for a query without words

_COUNT_SQL = """
SELECT count(*) FROM (
  SELECT 1 FROM paragraphs_fts WHERE paragraphs_fts MATCH hubkb_fts_query(:q) LIMIT :_hubkb_candidates
)
"""


def fts_query(
    query: str | None,
    raw: bool = False,
    forms: Forms | None = None,
    prefixes: Prefixes | None = None,
    variants: bool = True,
) -> str:
    """What `hubkb_fts_query(q)` returns: the FTS5 expression for what a user typed.

    Escaped (`escape_fts`, each word with its other `forms`) unless `raw`; a
    query without words gives an expression that matches nothing, so that the
    canned query never errors.
    """
    expression = normalise_query(query or "") if raw else escape_fts(query or "", forms, prefixes, variants)
    return expression if expression.strip() else NOTHING


def register_search_functions(conn: sqlite3.Connection, raw: bool = False) -> None:
    """The SQL functions the search SQL calls.

    hubkb_fts_query(q): the FTS5 expression for what a user typed, each word
    with its other forms (`search_stems`); hubkb_fts_exact(q): the same without
    other forms (the words as typed, which rank first); hubkb_fts_others(q):
    the paragraphs holding only other forms; hubkb_snippet_text and
    hubkb_snippet_marks: a marked snippet's text and highlighted forms; hubkb_fts_rank(q) and
    hubkb_fts_rank_others(q): the exact and other-forms expressions without a single word's other
    spellings, for the paragraphs' index (search_variants holds them: same rows, cheaper bm25), a
    prefix as the words it starts (FTS5 seeks them instead of merging the prefix's words again);
    hubkb_fts_columns(expr):
    an expression for an index of `detail=column` (phrases as the AND of their words). `raw`
    passes FTS5 syntax through instead (`hubkb search --raw`).
    """

    # Each query string and word is worked out once per connection (bounded: a server's connections
    # live long and anyone may type anything); the database does not change under a connection
    # that searches (Datasette serves it immutable, a rebuild opens new connections).
    @functools.lru_cache(maxsize=CACHED_WORDS)
    def forms(word: str) -> list[str]:
        return forms_of(conn, word)

    @functools.lru_cache(maxsize=CACHED_WORDS)
    def starting(prefix: str) -> list[str] | None:
        return words_starting(conn, prefix)

    @functools.lru_cache(maxsize=CACHED_QUERIES)
    def expanded(q: str | None) -> str:
        return fts_query(q, raw, forms, starting)

    @functools.lru_cache(maxsize=CACHED_QUERIES)
    def exact(q: str | None) -> str:
        return fts_query(q, raw)

    @functools.lru_cache(maxsize=CACHED_QUERIES)
    def others(q: str | None) -> str:
        wide, narrow = expanded(q), exact(q)
        return NOTHING if wide == narrow else f"({wide}) NOT ({narrow})"

    @functools.lru_cache(maxsize=CACHED_QUERIES)
    def rank(q: str | None) -> str:
        return fts_query(q, raw, prefixes=starting, variants=False)

    @functools.lru_cache(maxsize=CACHED_QUERIES)
    def rank_others(q: str | None) -> str:
        wide, narrow = fts_query(q, raw, forms, starting, variants=False), rank(q)
        return NOTHING if wide == narrow else f"({wide}) NOT ({narrow})"

    create_function(conn, "hubkb_fts_rank", rank)
    create_function(conn, "hubkb_fts_rank_others", rank_others)
    create_function(conn, "hubkb_fts_columns", lambda q: words_in_columns(q or ""))
    create_function(conn, "hubkb_fts_query", expanded)
    create_function(conn, "hubkb_fts_exact", exact)
    create_function(conn, "hubkb_fts_others", others)
    create_function(conn, "hubkb_snippet_text", snippet_text)
    create_function(conn, "hubkb_snippet_marks", snippet_marks)


def magic_parameter(name: str) -> int:
    """The web values of the search SQL's magic parameters `:_hubkb_<name>`; KeyError for others."""
    return {"limit": WEB_LIMIT, "candidates": CANDIDATES}[name]


@dataclass(frozen=True)
class ParagraphMatch:
    post_id: str
    title: str
    date: str
    anchor: str  # the paragraph id, post_id#pN
    snippet: str  # plain text
    forms: list[str]  # the forms the snippet highlights, as written
    passages: list[dict[str, Any]]  # the definitions and quotes anchored in the paragraph


@dataclass(frozen=True)
class Matches:
    matches: list[ParagraphMatch]
    matched: int  # rows ranked: every match, or `candidates` when capped
    capped: bool


def match_paragraphs(conn: sqlite3.Connection, query: str, limit: int = 10, candidates: int = CANDIDATES) -> Matches:
    """The best paragraphs for what a user typed (the connection's hubkb_fts_query makes it FTS5).

    QueryError if FTS5 rejects the expression (raw syntax only).
    """
    params = {"q": query, "_hubkb_limit": limit, "_hubkb_candidates": candidates}
    try:
        rows = conn.execute(query_sql("search_passages"), params).fetchall()
        matched = len(rows) if len(rows) < limit else count_matches(conn, query, candidates)
        post_ids = dict(
            conn.execute(
                f"SELECT id, post_id FROM paragraphs WHERE id IN ({', '.join('?' * len(rows))})",
                [r["anchor"] for r in rows],
            ).fetchall()
        )
    except sqlite3.OperationalError as exc:
        raise QueryError(_fts_message(exc)) from None
    matches = [
        ParagraphMatch(
            post_ids[r["anchor"]],
            r["post"],
            r["date"],
            r["anchor"],
            r["snippet"],
            parse_forms(r["matched"]),
            json.loads(r["passages"] or "[]"),
        )
        for r in rows
    ]
    return Matches(matches, matched, capped=matched >= candidates)


def count_matches(conn: sqlite3.Connection, query: str, candidates: int = CANDIDATES) -> int:
    """How many paragraphs match what a user typed, counted up to `candidates` (the ones ranked).

    QueryError if FTS5 rejects the expression (raw syntax only).
    """
    try:
        return int(conn.execute(_COUNT_SQL, {"q": query, "_hubkb_candidates": candidates}).fetchone()[0])
    except sqlite3.OperationalError as exc:
        raise QueryError(_fts_message(exc)) from None


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
