"""hubkb's SQL functions, registered one way: a wrong argument type is a clean SQL error.

Anyone who may run SQL (Datasette's query page) may call hubkb_fold(x'ab') or
hubkb_fts_query(42). hubkb's functions take text (or NULL): anything else makes
the statement fail with SQLite's "user-defined function raised exception"
(an SQL error, a 400 on a Datasette page), never with a wrong answer, and
without the Python traceback that Datasette, which turns on
`sqlite3.enable_callback_tracebacks`, would otherwise write to the server's
log for every such query. Every hubkb SQL function is registered through
`create_function`.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from typing import Any


class SQLArgumentError(TypeError):
    """A hubkb SQL function was given an argument of a type it does not take."""


_TYPE_NAMES = {bytes: "a blob", int: "an integer", float: "a real"}


def create_function(conn: sqlite3.Connection, name: str, fn: Callable[..., Any], narg: int = 1) -> None:
    """Register `fn` as the deterministic SQL function `name` of `narg` text (or NULL) arguments."""

    @functools.wraps(fn)
    def checked(*args: Any) -> Any:
        for arg in args:
            if arg is not None and not isinstance(arg, str):
                raise SQLArgumentError(f"{name}() takes text, not {_TYPE_NAMES.get(type(arg), type(arg).__name__)}")
        return fn(*args)

    _quiet_argument_errors()
    conn.create_function(name, narg, checked, deterministic=True)


def _quiet_argument_errors() -> None:
    """Keep SQLArgumentError, an SQL error the user sees, out of the server log; all else goes on as before."""
    previous = sys.unraisablehook
    if getattr(previous, "hubkb_quiet", False):
        return

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, SQLArgumentError):
            previous(unraisable)

    hook.hubkb_quiet = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def decode_text_in_c(conn: sqlite3.Connection) -> None:
    """Text values decoded by sqlite3 itself (`text_factory = str`) when `conn` is to a hubkb database.

    Datasette sets `conn.text_factory = lambda x: str(x, "utf-8", "replace")`
    so that a file holding invalid UTF-8 still shows: a Python call for every
    text value read (25,000 for the 3,333 works of a streamed CSV at 10,000
    posts, a tenth of its CPU). Every text of a hubkb database was written
    from Python strings (valid UTF-8): `str` decodes the same text, in C.
    Other databases, and a file that cannot be read, keep the decoder they have.
    """
    try:
        ours = conn.execute("select 1 from sqlite_master where type = 'table' and name = 'hubkb_build'").fetchone()
    except sqlite3.Error:
        return  # not a database it can read: Datasette says so, not this
    if ours:
        conn.text_factory = str
