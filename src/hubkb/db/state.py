"""What a published database says about itself, read without loading sqlite-utils.

`hubkb build` asks this first: when nothing changed it answers "up to date"
without importing the writer at all.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path


def published_state(path: Path) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(build metadata, {source path: (post id, content hash)}) of a published database."""
    if not path.exists():
        return {}, {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"hubkb_build", "posts"} <= tables:
                return {}, {}
            meta = dict(conn.execute("SELECT key, value FROM hubkb_build"))
            posts = {source: (post_id, digest) for post_id, source, digest
                     in conn.execute("SELECT id, source_path, content_hash FROM posts")}
            return meta, posts
        finally:
            conn.close()
    except sqlite3.Error:
        return {}, {}  # unreadable: a full build replaces it
