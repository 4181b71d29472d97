"""A fresh build's largest full-text index, made by another process while the build does the rest.

FTS5 builds an index on one core, and SQLite lets one connection write a
file at a time. At 10,000 posts the paragraphs' index is the largest piece of
a full build's end (about 2 s of 3); the posts' index, the reuse pairs and
the foreign-key indexes are most of the rest. So the build commits
its rows, switches its file to WAL (a reader then sees what was committed
while the writer goes on), and a forked process indexes the paragraphs into a
scratch file of its own, reading them from the build's file; the build makes
the other full-text indexes, the foreign-key indexes and the reuse pairs
meanwhile, then creates the index, empty, and copies in the
scratch file's shadow tables (about 0.1 s): the index FTS5 would have made,
which later updates keep in step through the same triggers.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool


# Bytes of terms FTS5 holds in memory before it writes them out as a segment, while a fresh file's index is
# loaded in bulk. With FTS5's default of 1 MB the paragraphs' index at 10,000 posts was written as 30-odd segments
# that 'optimize' then merged in a pass of its own (0.8 of its 3.2 s); its terms (28 MB) now fit one, and nothing
# is merged. The large hash only where every index's terms fit it (`bulk_hashsize`): a larger index is written as
# several segments either way, and the hash would only hold memory (each index its whole hash: with two of 32 MB,
# the 50,000-post build's peak went from about 220 to 315 MB). Back at the default once loaded, for the updates'
# triggers. Every term and position is the same (compared).
BULK_HASHSIZE = 64 << 20
DEFAULT_HASHSIZE = 1 << 20  # FTS5's FTS5_DEFAULT_HASHSIZE


def bulk_hashsize(text_chars: int) -> int:
    """The hash for indexes over posts whose bodies hold `text_chars` characters in all: an index's terms take up
    to about half as many bytes (0.42 for the paragraphs' at 10,000 generated posts, 0.13 for the posts' own,
    which keeps no positions)."""
    return BULK_HASHSIZE if text_chars // 2 <= BULK_HASHSIZE else DEFAULT_HASHSIZE


def bulk_load(fts: str, load: str, hashsize: int) -> str:
    """The SQL that runs `load` (a statement filling the empty index `fts`) with a hash of `hashsize` bytes,
    merging nothing on the way (automerge 0), then once at the end ('optimize': one segment); then FTS5's
    defaults again."""
    return f"""
        INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 0);
        INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {hashsize});
        {load};
        INSERT INTO {fts} ({fts}) VALUES ('optimize');
        INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {DEFAULT_HASHSIZE});
        INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 4);
    """


@dataclass(frozen=True)
class FtsParts:
    """The SQL of one table's full-text index (`Writer._fts_parts`)."""

    table: str
    columns: list[str]
    fts: str = ""  # the index, [<table>_fts]
    content: str = ""  # the table or view it indexes
    view: str = ""  # CREATE VIEW of the content, when a column comes from another table
    create: str = ""  # CREATE VIRTUAL TABLE; empty: sqlite-utils' enable_fts() makes the index
    triggers: str = field(default="", repr=False)


class FtsAside:
    """One index built by a forked process; `finish()` puts it into the build's file."""

    def __init__(self, conn: sqlite3.Connection, parts: FtsParts, scratch: Path, pool: Pool, built: AsyncResult):
        self.conn, self.parts, self.scratch, self.pool, self.built = conn, parts, scratch, pool, built

    @classmethod
    def start(
        cls, conn: sqlite3.Connection, path: Path, fts: list[FtsParts], folder: Path, hashsize: int
    ) -> FtsAside | None:
        """Start indexing the table with the most rows in `folder` (`bulk_load` with `hashsize`); None where
        processes cannot be forked."""
        import multiprocessing

        parts = largest(conn, fts)
        if parts is None or "fork" not in multiprocessing.get_all_start_methods():
            return None
        conn.commit()
        # finish() sets it back to DELETE, in one file again; a file system without WAL's shared memory
        # keeps the mode as it was, and the index is then made in this process
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            return None
        if parts.view:
            conn.execute(parts.view)
            conn.commit()  # the other process reads what is committed
        from ..publish import die_with_parent

        scratch = folder / f"{parts.table}_fts.db"
        pool = multiprocessing.get_context("fork").Pool(1, die_with_parent, (os.getpid(),))
        return cls(conn, parts, scratch, pool, pool.apply_async(_build, (path, scratch, parts, hashsize)))

    def finish(self) -> None:
        """Wait for the index, then make it in the build's file from the scratch file's shadow tables.
        The caller `close()`s the process however this ends."""
        failed = self.built.get()
        if failed is not None:  # a storage error, given back with its code for `storage_errors`
            error = sqlite3.OperationalError(failed[1])
            error.sqlite_errorcode = failed[0]  # type: ignore[attr-defined]
            raise error
        conn, parts = self.conn, self.parts
        conn.execute(parts.create)  # empty, with its shadow tables
        conn.commit()  # ATTACH cannot run inside a transaction
        conn.execute("ATTACH DATABASE ? AS hubkb_fts", [str(self.scratch)])
        try:
            shadows = [
                name
                for (name,) in conn.execute(
                    "SELECT name FROM hubkb_fts.sqlite_master WHERE type = 'table' AND name GLOB ?",
                    [f"{parts.table}_fts_*"],
                )
            ]
            with conn:
                for name in shadows:
                    conn.execute(f"DELETE FROM main.[{name}]")
                    conn.execute(f"INSERT INTO main.[{name}] SELECT * FROM hubkb_fts.[{name}]")
        finally:
            conn.execute("DETACH DATABASE hubkb_fts")
        conn.executescript(parts.triggers)

    def close(self) -> None:
        """Stop the process (done, or no longer wanted: the build failed meanwhile)."""
        self.pool.terminate()
        self.pool.join()


def largest(conn: sqlite3.Connection, fts: list[FtsParts]) -> FtsParts | None:
    """The written-out index of the table with the most rows: the one made aside, and made last either way
    (the file's tables then come in the same order, so its statistics are the same, whatever the cores)."""
    written_out = [parts for parts in fts if parts.create]
    if not written_out:
        return None
    return max(written_out, key=lambda p: conn.execute(f"SELECT max(rowid) FROM [{p.table}]").fetchone()[0] or 0)


def _build(path: Path, scratch: Path, parts: FtsParts, hashsize: int) -> tuple[int, str] | None:
    """In the forked process: index the committed rows of `path` into `scratch` as 'rebuild' and
    'optimize' would (one segment, `bulk_load`); a storage error's (code, message), since its code does
    not survive the pickle back."""
    conn = sqlite3.connect(f"{scratch.resolve().as_uri()}", uri=True)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("ATTACH DATABASE ? AS hubkb_built", [f"{path.resolve().as_uri()}?mode=ro"])
        fts, cols = parts.fts, ", ".join(f"[{c}]" for c in parts.columns)
        conn.execute(parts.create)
        load = f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM hubkb_built.{parts.content}"
        conn.executescript(bulk_load(fts, load, hashsize))  # committed
    except sqlite3.Error as exc:
        return getattr(exc, "sqlite_errorcode", 1), str(exc)
    finally:
        conn.close()
    return None
