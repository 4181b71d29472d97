"""Is a database file fit to serve? Asked before a server switches to a new file.

A file renamed over the published database, or changed in place, may be
anything: empty, truncated, overwritten with zeros, another SQLite database.
The server switches only when the file opens as SQLite, passes
`PRAGMA quick_check` (every page of every table and index is readable and
well formed: a truncated or zeroed file fails here) and holds the tables the
server publishes; otherwise it keeps the file it has and logs why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

MAX_REPORTED = 3  # quick_check can list thousands of damaged pages, a foreign file lacks every table


def database_problem(path: Path, tables: Iterable[str]) -> str | None:
    """Why `path` cannot be served (one line), or None when it opens, checks clean and has `tables`."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"cannot open it ({exc})"
    try:
        present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not present:
            return "it holds no tables (an empty or unfinished file?)"
        missing = sorted(set(tables) - present)
        if missing:
            named = ", ".join(missing[:MAX_REPORTED]) + (
                f" and {len(missing) - MAX_REPORTED} more" if len(missing) > MAX_REPORTED else ""
            )
            return f"it lacks the table{'s' if len(missing) > 1 else ''} {named}"
        found = [row[0] for row in conn.execute(f"PRAGMA quick_check({MAX_REPORTED})")]
        if found != ["ok"]:
            return "PRAGMA quick_check failed: " + "; ".join(found)
    except sqlite3.Error as exc:
        return f"it is damaged ({exc})"
    finally:
        conn.close()
    return None
