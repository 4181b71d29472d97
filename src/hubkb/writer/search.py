"""Passage search: what `hubkb search` does, without the printing.

A query is escaped (`hubkb.fts_query.escape_fts`) unless the user asks for raw FTS5
syntax, matched against the paragraphs' full-text index, ranked by bm25 and
returned with snippets. With no hit, the words the index does not hold get
suggestions from the index's own vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from ..db.lookup import open_database
from ..db.search import CANDIDATES, match_paragraphs, register_search_functions, vocabulary
from ..db.stems import forms_of, stem_groups
from ..errors import QueryError
from ..fts_query import escape_fts, query_words
from ..snippets import highlight
from ..snippets import snippet_html as forms_html
from ..stemming import stem
from ..text import normalise_query, strip_accents

if TYPE_CHECKING:
    from sqlite3 import Connection

MAX_QUERY_CHARS = 10_000
SUGGESTIONS_PER_WORD = 3
_FTS_KEYWORDS = {"and", "or", "not", "near"}


@dataclass(frozen=True)
class Hit:
    post_id: str
    title: str
    date: str
    anchor: str  # post_id#pN: the paragraph, and its anchor on the post's page
    snippet: str  # plain text; `snippet_parts` and `snippet_html` highlight its `forms`
    forms: list[str] = field(default_factory=list)  # the forms that matched, as written
    # the definitions and quotes anchored in the paragraph: {"kind", "id", "term", "by", "via"}
    passages: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "post_id": self.post_id,
            "title": self.title,
            "date": self.date,
            "anchor": self.anchor,
            "snippet": snippet_html(self),
            "matched": self.forms,
            "passages": self.passages,
        }


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: list[Hit]
    suggestions: list[str] = field(default_factory=list)
    matched: int = 0  # paragraphs ranked
    capped: bool = False  # True when only the first `matched` matches were ranked

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "hits": [h.to_json() for h in self.hits],
            "suggestions": self.suggestions,
            "capped": self.capped,
        }


def search(db_path: Path, query: str, limit: int = 10, raw: bool = False, candidates: int = CANDIDATES) -> SearchResult:
    """The `limit` best paragraphs for `query`, with suggestions when nothing matches.

    Raises QueryError for a query with no word in it, a query too long to be a
    search, and (with `raw`) FTS5 syntax errors.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(query):,} characters long; a search takes at most "
            f"{MAX_QUERY_CHARS:,} (search for a shorter passage)"
        )
    fts_query = normalise_query(query) if raw else escape_fts(query)
    if not fts_query.strip():
        raise QueryError(f"nothing to search for in {query!r}: give at least one word")
    conn = open_database(db_path)
    register_search_functions(conn, raw=raw)
    try:
        try:
            found = match_paragraphs(conn, query, limit, candidates)
        except QueryError as exc:
            if raw:
                raise QueryError(
                    f"cannot search for {query!r}: {exc} (see FTS5 query syntax at "
                    "https://www.sqlite.org/fts5.html#full_text_query_syntax, "
                    "or drop --raw to search for the words as typed)"
                ) from None
            raise QueryError(f"cannot search for {query!r}: {exc}") from None
        hits = [Hit(m.post_id, m.title, m.date, m.anchor, m.snippet, m.forms, m.passages) for m in found.matches]
        suggestions = [] if hits else suggest(conn, query)
    finally:
        conn.close()
    return SearchResult(query, hits, suggestions, found.matched, found.capped)


def suggest(conn: Connection, query: str) -> list[str]:
    """Indexed words close to the query's words that the index does not hold, in any form.

    Forms first: a misspelt word whose stem is close to the stem of indexed
    words gets the most frequent of them (`coprodutions` -> `coproduction`);
    then spelling neighbours (`hipocampe` -> `hippocampe`). Every suggestion is
    a word some paragraph holds, so none finds nothing. Candidates are ranked by
    similarity, then by how many paragraphs hold them.
    """
    suggestions: dict[str, None] = {}
    for word in query_words(query):
        word = strip_accents(word)
        if len(word) < 3 or word in _FTS_KEYWORDS or word.isdigit():
            continue
        spread = max(1, len(word) // 4)
        vocab = dict(vocabulary(conn, len(word) - spread - 3, len(word) + spread + 3))
        if word in vocab or forms_of(conn, word):
            continue  # the word, or another form of it, is indexed: the other words found nothing
        for term in [*_form_suggestions(conn, word, vocab), *_spelling_suggestions(word, vocab, spread)]:
            if len(suggestions) >= SUGGESTIONS_PER_WORD * len(query_words(query)):
                break
            suggestions[term] = None
    return list(suggestions)


def _form_suggestions(conn: Connection, word: str, vocab: dict[str, int]) -> list[str]:
    """The most frequent indexed form of each stem close to the word's own stem."""
    key = stem(word)
    if key is None:
        return []
    groups = stem_groups(conn, len(key) - 2, len(key) + 2)
    scored = process.extract(key, list(groups), scorer=fuzz.ratio, score_cutoff=80, limit=None)
    found = []
    for close, _score, _i in sorted(scored, key=lambda s: (-s[1], s[0]))[:SUGGESTIONS_PER_WORD]:
        held = [t for t in groups[close] if vocab.get(t, 0) > 0]
        if held:
            found.append(max(held, key=lambda t: (vocab[t], t == word, -len(t))))
    return found


def _spelling_suggestions(word: str, vocab: dict[str, int], spread: int) -> list[str]:
    near = {t: n for t, n in vocab.items() if abs(len(t) - len(word)) <= spread and n > 0}
    scored = process.extract(word, list(near), scorer=fuzz.ratio, score_cutoff=75, limit=None)
    scored.sort(key=lambda s: (-s[1], -near[s[0]], s[0]))
    return [term for term, _score, _i in scored[:SUGGESTIONS_PER_WORD]]


# --- snippets ------------------------------------------------------------------


def describe_passage(passage: dict[str, Any]) -> str:
    """One line a writer can cite from: 'definition ID (term) by A & B, via C'."""
    term = f" ({passage['term']})" if passage.get("term") else ""
    by = " & ".join(passage.get("by") or [])
    via = f", via {passage['via']}" if passage.get("via") else ""
    return f"{passage['kind']} {passage['id']}{term}" + (f" by {by}" if by else "") + via


def snippet_parts(hit: Hit) -> list[tuple[str, bool]]:
    """A hit's snippet as (text, highlighted) pieces, for a terminal to style."""
    return highlight(hit.snippet, hit.forms)


def snippet_html(hit: Hit) -> str:
    """A hit's snippet as HTML: the text escaped first, then the matched forms as <mark>."""
    return str(forms_html(hit.snippet, hit.forms))
