"""Datasette's inspect-data.json for a published database, written after each build.

An immutable database served with precomputed counts starts without counting
every table: `datasette serve -i hubkb.db --inspect-file inspect-data.json`,
a Datasette configuration folder holding both files, or `hubkb serve`. The
format is the one `datasette inspect` writes (hash, size, file, table counts),
keyed by database name (the file stem), plus the file's modification time so
that a stale entry is never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ..publish import temporary_path

INSPECT_FILE = "inspect-data.json"


def inspect_path(db_path: Path) -> Path:
    """inspect-data.json in the database's folder (Datasette's configuration-folder name)."""
    return db_path.with_name(INSPECT_FILE)


def inspect_database(
    db_path: Path, known: dict[str, int] | None = None, posts: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """What `datasette inspect` says about one database: hash, size, file and table counts (`known`, `posts`:
    see `write_inspect_data`)."""
    stat = db_path.stat()
    conn = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    try:
        digest = _fingerprint(conn, posts)
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' order by name")]
        rows = dict(known or {})
        # an FTS table X_fts indexes X's rows (through a view that adds their other spellings): counted as X,
        # for counting it would read every row through that view (190 ms for paragraphs at 10,000 posts)
        for table in sorted(tables, key=lambda t: t.endswith("_fts") and t.removesuffix("_fts") in tables):
            if table not in rows and table.removesuffix("_fts") in rows:
                rows[table] = rows[table.removesuffix("_fts")]
            if table not in rows:
                try:
                    rows[table] = conn.execute(f"select count(*) from [{table}]").fetchone()[0]
                except sqlite3.Error:  # an FTS shadow table that cannot be counted on its own
                    rows[table] = 0
    finally:
        conn.close()
    counts = {table: {"count": rows[table]} for table in tables}
    return {"hash": digest, "size": stat.st_size, "file": db_path.name, "mtime_ns": stat.st_mtime_ns, "tables": counts}


def _fingerprint(conn: sqlite3.Connection, posts: dict[str, str | None] | None = None) -> str:
    """A hash of what the file holds, from the build's own content hashes (`fingerprint`): read in the file, the
    posts' unless given.

    Hashing the file itself would read hundreds of megabytes after every
    one-post rebuild; the schema, authority and post hashes say the same.
    """
    try:
        meta = dict(conn.execute("select key, value from hubkb_build"))
        if posts is None:
            posts = dict(conn.execute("select post_id, content_hash from post_files"))
    except sqlite3.Error:  # not a hubkb database: fall back to its size and schema
        return hashlib.sha256(repr(conn.execute("select sql from sqlite_master").fetchall()).encode()).hexdigest()
    return fingerprint(meta, posts)


def fingerprint(meta: dict[str, str], posts: dict[str, str | None]) -> str:
    """The `hubkb_build` values in the order of their keys, then the posts' content hashes in the order of their
    ids, each followed by a NUL, hashed (SHA-256). Python orders strings as SQLite's BINARY collation orders
    their UTF-8 bytes."""
    digest = hashlib.sha256()
    for key in sorted(meta):
        digest.update(meta[key].encode() + b"\0")
    hashes = [posts[post_id] or "" for post_id in sorted(posts)]
    if hashes:
        digest.update(("\0".join(hashes) + "\0").encode())
    return digest.hexdigest()


def write_inspect_data(
    db_path: Path, known: dict[str, int] | None = None, posts: dict[str, str | None] | None = None
) -> Path:
    """Record `db_path` in the inspect-data.json next to it (other databases' entries are kept).

    `known` gives row counts the caller already has, so big tables are not counted twice; `posts`, each post's
    content hash by post id as the build that wrote the file knows them (its `post_files`), so that the
    fingerprint does not read them again (10,000 rows: 9 ms of a one-post update).
    """
    path = inspect_path(db_path)
    data = _read(path)
    data[db_path.stem] = inspect_database(db_path, known, posts)
    tmp = temporary_path(db_path, "inspect-")  # unique, and removed by the next build if this one is killed
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_inspect_data(db_path: Path) -> dict[str, Any] | None:
    """The recorded entry of `db_path` if it describes the file as it is now, else None."""
    entry = _read(inspect_path(db_path)).get(db_path.stem)
    if not isinstance(entry, dict) or not db_path.exists():
        return None
    stat = db_path.stat()
    if entry.get("size") != stat.st_size or entry.get("mtime_ns") != stat.st_mtime_ns:
        return None
    return entry


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
