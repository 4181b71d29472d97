"""A fresh build's full-text indexes, made by other processes while the build does the rest.

FTS5 builds an index on one core, and SQLite lets one connection write a
file at a time. At 10,000 posts the paragraphs' and the posts' indexes are
most of a full build's end (2 and 3 s of about 5); the reuse pairs and the
foreign-key indexes are most of the rest. So the build commits its rows,
switches its file to WAL (a reader then sees what was committed while the
writer goes on), and forked processes, one an index, each index their table
into a scratch file of its own, reading it from the build's file; the build
does the rest meanwhile, then creates each index, empty, and copies in its
scratch file's shadow tables (about 0.1 s for the largest): the index FTS5
would have made, which later updates keep in step through the same triggers.
Made in this process instead (no fork, or one core), the indexes come in the
same order, after the same things: the file is the same either way.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult, Pool


# Bytes of terms FTS5 holds in memory before it writes them as a segment: 32 MB while a fresh file's index is
# loaded in bulk, where FTS5's default of 1 MB wrote 30-odd segments at 10,000 posts that 'optimize' then merged
# in a pass of its own (0.8 of the paragraphs' 3.2 s); the paragraphs' terms (28 MB) now fit one. Back at
# the default once loaded, for the updates' triggers. Every term and position is the same (compared).
BULK_HASHSIZE = 32 << 20
DEFAULT_HASHSIZE = 1 << 20  # FTS5's FTS5_DEFAULT_HASHSIZE


def bulk_load(fts: str, load: str) -> str:
    """The SQL that runs `load` (statements filling the empty index `fts`) as one segment: no merge on the way
    (automerge 0), a large in-memory hash, one merge at the end ('optimize'); then FTS5's defaults again."""
    return f"""
        INSERT INTO {fts} ({fts}, rank) VALUES ('automerge', 0);
        INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', {BULK_HASHSIZE});
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
    """Indexes built by forked processes, one each; `finish()` puts them into the build's file, in order."""

    def __init__(self, conn: sqlite3.Connection, parts: list[FtsParts], folder: Path, pool: Pool, built: list[AsyncResult]):
        self.conn, self.parts, self.folder, self.pool, self.built = conn, parts, folder, pool, built

    @classmethod
    def start(cls, conn: sqlite3.Connection, path: Path, fts: list[FtsParts], folder: Path) -> FtsAside | None:
        """Start indexing each of `aside(fts)` in `folder`; None where processes cannot be forked."""
        import multiprocessing

        parts = aside(fts)
        if not parts or "fork" not in multiprocessing.get_all_start_methods():
            return None
        conn.commit()
        # finish() sets it back to DELETE, in one file again; a file system without WAL's shared memory
        # keeps the mode as it was, and the indexes are then made in this process
        if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            return None
        for each in parts:
            if each.view:
                conn.execute(each.view)
        conn.commit()  # the other processes read what is committed
        from ..publish import die_with_parent

        pool = multiprocessing.get_context("fork").Pool(len(parts), die_with_parent, (os.getpid(),))
        built = [pool.apply_async(_build, (path, _scratch(folder, each), each)) for each in parts]
        return cls(conn, parts, folder, pool, built)

    def finish(self) -> None:
        """Wait for each index, then make it in the build's file from its scratch file's shadow tables.
        The caller `close()`s the processes however this ends."""
        for parts, built in zip(self.parts, self.built, strict=True):
            failed = built.get()
            if failed is not None:  # a storage error, given back with its code for `storage_errors`
                error = sqlite3.OperationalError(failed[1])
                error.sqlite_errorcode = failed[0]  # type: ignore[attr-defined]
                raise error
            self._take(parts, _scratch(self.folder, parts))

    def _take(self, parts: FtsParts, scratch: Path) -> None:
        conn = self.conn
        conn.execute(parts.create)  # empty, with its shadow tables
        conn.commit()  # ATTACH cannot run inside a transaction
        conn.execute("ATTACH DATABASE ? AS hubkb_fts", [str(scratch)])
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
        """Stop the processes (done, or no longer wanted: the build failed meanwhile)."""
        self.pool.terminate()
        self.pool.join()


def aside(fts: list[FtsParts]) -> list[FtsParts]:
    """The indexes made aside (or, without other processes, last, in the same order): those written out here.
    sqlite-utils' `enable_fts()` makes the others (small) in the build's own process first."""
    return [parts for parts in fts if parts.create]


def _scratch(folder: Path, parts: FtsParts) -> Path:
    return folder / f"{parts.table}_fts.db"


def _build(path: Path, scratch: Path, parts: FtsParts) -> tuple[int, str] | None:
    """In the forked process: index the committed rows of `path` into `scratch` as 'rebuild' and
    'optimize' would (one segment); a storage error's (code, message), since its code does not
    survive the pickle back."""
    conn = sqlite3.connect(f"{scratch.resolve().as_uri()}", uri=True)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("ATTACH DATABASE ? AS hubkb_built", [f"{path.resolve().as_uri()}?mode=ro"])
        fts, cols = parts.fts, ", ".join(f"[{c}]" for c in parts.columns)
        conn.execute(parts.create)
        load = f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM hubkb_built.{parts.content}"
        conn.executescript(bulk_load(fts, load))  # committed
    except sqlite3.Error as exc:
        return getattr(exc, "sqlite_errorcode", 1), str(exc)
    finally:
        conn.close()
    return None
