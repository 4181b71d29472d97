"""The `search_stems` table: every indexed word with its French stem, stemmed once.

Filled when a build finishes: a full build stems every distinct word of the
full-text indexes once (the words its workers read as they scanned the posts,
and the works' index's own vocabulary), an update only the new words of the
posts it added. A word the authority files use as a person's name
or an acronym (an all-capitals word in an organisation's name or alias) gets
no stem, so that it finds only itself. See `hubkb.stemming`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from ..stemming import MIN_LENGTH, stem, stemmable
from ..text import fold, index_words

TABLE = "search_stems"
# Full-text indexes whose vocabulary holds every indexed word but post titles
# (posts_fts repeats the paragraphs; definitions and quotes are in them too).
VOCABULARY_TABLES = ("paragraphs", "works")


def refresh_stems(conn: sqlite3.Connection, texts: Iterable[str] | None = None, words: set[str] | None = None) -> int:
    """Stem the indexed words that `search_stems` lacks; the number of words added.

    A full build passes the `words` its workers read (every word of the paragraphs, which hold the post
    bodies, definitions and quotes, and of the post titles: `MentionIndex.find_posts`), and the works'
    index adds its own; without them, every word is read from the indexes' vocabulary plus post titles
    (fts5vocab walks every index entry: half a second at 10,000 posts). An update passes the `texts` it
    added, which hold every new word.
    """
    if words is not None:
        words = words | _index_words(conn, ("works",))
    elif texts is None:
        words = _index_words(conn) | index_words(t for (t,) in conn.execute("SELECT title FROM posts"))
    else:
        words = index_words(texts)
    known = {term for (term,) in conn.execute(f"SELECT term FROM [{TABLE}]")}
    new = sorted(w for w in words - known if stemmable(w))
    names = _name_words(conn) if new else set()
    vocabulary = known | set(new)
    conn.executemany(
        f"INSERT OR IGNORE INTO [{TABLE}] (term, stem) VALUES (?, ?)",
        ((term, None if term in names else stem(_singular(term, vocabulary))) for term in new),
    )
    conn.execute(f"CREATE INDEX IF NOT EXISTS [idx_{TABLE}_stem] ON [{TABLE}] (stem) WHERE stem IS NOT NULL")
    return len(new)


def _index_words(conn: sqlite3.Connection, tables: Iterable[str] = VOCABULARY_TABLES) -> set[str]:
    words: set[str] = set()
    for table in tables:
        vocab = f"temp.[{table}_stem_vocab]"
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, [{table}_fts], 'row')")
        try:
            words.update(term for (term,) in conn.execute(f"SELECT term FROM {vocab}"))
        finally:
            conn.execute(f"DROP TABLE {vocab}")
    return words


def _singular(term: str, vocabulary: set[str]) -> str:
    """A plural stems as its singular when the index holds that too.

    Snowball leaves some plurals apart (usagers -> usager, usager -> usag);
    `fois` and `mais` keep their own stems, their s-less forms being too short.
    """
    if term[-1] in "sx" and stemmable(term[:-1]) and term[:-1] in vocabulary:
        return term[:-1]
    return term


def _name_words(conn: sqlite3.Connection) -> set[str]:
    """Folded words of people's names and aliases, and acronyms of organisations."""
    words: set[str] = set()
    for name, aliases in conn.execute("SELECT name, aliases FROM people"):
        for text in [name, *json.loads(aliases or "[]")]:
            words.update(fold(text).split())
    for name, aliases in conn.execute("SELECT name, aliases FROM organisations"):
        for text in [name, *json.loads(aliases or "[]")]:
            words.update(fold(w) for w in text.split() if len(w) > 1 and w.isupper())
    return words


def forms_of(conn: sqlite3.Connection, term: str, limit: int = 32) -> list[str]:
    """The indexed words that share the stem of `term` (a folded word), `term` itself excluded.

    Nothing for a word that only finds itself (a name, an acronym, a short
    word), or on a database without the table.
    """
    if not stemmable(term):
        return []
    try:
        own = conn.execute(f"SELECT stem FROM [{TABLE}] WHERE term = ?", [term]).fetchone()
        if own is not None:
            key = own[0]
        else:  # a form the index does not hold: stemmed as the build would have
            singular = conn.execute(f"SELECT stem FROM [{TABLE}] WHERE term = ?", [term[:-1]]).fetchone()
            key = singular[0] if term[-1] in "sx" and singular is not None else stem(term)
        if key is None:
            return []
        rows = conn.execute(
            f"SELECT term FROM [{TABLE}] WHERE stem = ? AND term != ? ORDER BY term LIMIT ?", [key, term, limit]
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    return [r[0] for r in rows]


MAX_PREFIX_WORDS = 64  # a prefix starting more indexed words is searched as a prefix


def words_starting(conn: sqlite3.Connection, prefix: str) -> list[str] | None:
    """Every indexed word that starts with `prefix` (folded), or None when they cannot all be listed.

    `search_stems` holds every indexed word made of at least MIN_LENGTH
    letters: a prefix of that many letters finds its words there by a range of
    the table's key (a word mixing letters and digits, `copro2`, is not among
    them: it is found as typed). None when more than MAX_PREFIX_WORDS start it.
    """
    if not (len(prefix) >= MIN_LENGTH and prefix.isalpha()):
        return None
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    try:
        rows = conn.execute(
            f"SELECT term FROM [{TABLE}] WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
            [prefix, upper, MAX_PREFIX_WORDS + 1],
        ).fetchall()
    except sqlite3.OperationalError:  # a database without stems
        return None
    return [r[0] for r in rows] if len(rows) <= MAX_PREFIX_WORDS else None


def stem_groups(conn: sqlite3.Connection, min_length: int, max_length: int) -> dict[str, list[str]]:
    """The indexed words of each stem whose length is in a range: {stem: [words]}."""
    groups: dict[str, list[str]] = {}
    try:
        rows = conn.execute(
            f"SELECT stem, term FROM [{TABLE}] WHERE stem IS NOT NULL AND length(stem) BETWEEN ? AND ?",
            [min_length, max_length],
        )
        for key, term in rows:
            groups.setdefault(key, []).append(term)
    except sqlite3.OperationalError:  # a database without stems
        return {}
    return groups
