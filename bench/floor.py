"""The floor: the least work a "Markdown posts to searchable SQLite" build can do.

    python bench/floor.py CORPUS DB

Reads every CORPUS/posts/*.md, parses the front matter with libyaml
(`yaml.CSafeLoader`), splits the body into paragraphs on blank lines, and
inserts posts and paragraphs with the stdlib `sqlite3` in one transaction,
then builds an external-content FTS5 index on the paragraphs (tokenizer
`unicode61 remove_diacritics 2`, as hubkb uses). No validation, no name
resolution, no mentions, no Markdown rendering: a lower bound for a build's
time, not a design to copy. Like the script in the performance issue, it holds
the whole corpus in memory before writing, so its peak RSS grows with N.

DB is replaced if it exists.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SCHEMA = """
CREATE TABLE posts (
    id TEXT PRIMARY KEY, title TEXT, date TEXT, authors TEXT, tags TEXT, site TEXT, body TEXT
);
CREATE TABLE paragraphs (
    id INTEGER PRIMARY KEY, post_id TEXT REFERENCES posts(id), n INTEGER, text TEXT
);
CREATE VIRTUAL TABLE paragraphs_fts USING fts5(
    text, content='paragraphs', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
"""


@dataclass(frozen=True)
class Post:
    id: str
    front_matter: dict[str, Any]
    body: str
    paragraphs: list[str]


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body); only the first two `---` lines delimit front matter."""
    if not text.startswith("---\n"):
        return "", text
    end = text.find("\n---\n", 3)
    if end < 0:
        return "", text
    return text[4:end], text[end + 5 :]


def read_post(path: Path) -> Post:
    front, body = split_front_matter(path.read_text("utf-8"))
    meta = yaml.load(front, Loader=yaml.CSafeLoader) or {}
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    return Post(path.stem, meta, body, paragraphs)


def as_text(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def write_database(db_path: Path, posts: list[Post]) -> int:
    """Write everything in one transaction; return the number of paragraphs."""
    db_path.unlink(missing_ok=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        _create_schema(conn)
        conn.executemany(
            "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (p.id, *(as_text(p.front_matter.get(k)) for k in ("title", "date", "authors", "tags", "site")), p.body)
                for p in posts
            ],
        )
        rows = [(p.id, n, text) for p in posts for n, text in enumerate(p.paragraphs, 1)]
        conn.executemany("INSERT INTO paragraphs (post_id, n, text) VALUES (?, ?, ?)", rows)
        conn.execute("INSERT INTO paragraphs_fts(paragraphs_fts) VALUES ('rebuild')")
        conn.execute("COMMIT")
    finally:
        conn.close()
    return len(rows)


def _create_schema(conn: sqlite3.Connection) -> None:
    # executescript() would commit the open transaction; run statement by statement.
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python bench/floor.py CORPUS DB", file=sys.stderr)
        return 2
    corpus, db_path = Path(argv[0]), Path(argv[1])
    paths = sorted((corpus / "posts").glob("*.md"))
    if not paths:
        print(f"error: no posts in {corpus / 'posts'}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    posts = [read_post(path) for path in paths]
    read_seconds = time.perf_counter() - start
    paragraphs = write_database(db_path, posts)
    total = time.perf_counter() - start
    print(
        f"floor: {len(posts)} posts, {paragraphs} paragraphs; read+parse {read_seconds:.2f} s, "
        f"total {total:.2f} s -> {db_path}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
