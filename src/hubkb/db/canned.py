"""hubkb's canned queries: one `.sql` file each in `hubkb/queries/`, options in a YAML header.

A query file opens with its Datasette canned-query options as YAML in `-- `
comment lines (title, description, hide_sql, params, ...); the header ends at
the first line that is not a comment, and the SQL is the rest of the file:

    -- title: Search passages
    -- description: The paragraphs that best match ...

    select ...

A line `-- include: _part.sql` stands for the text of that file (a part that
several queries share, named with a leading underscore). The plugin serves these through Datasette's `canned_queries` hook, and the
writer tools run the same files (`query_sql("search_passages")`), so a query
lives in one place.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from ..errors import HubkbError, display_path

QUERIES = Path(__file__).resolve().parents[1] / "queries"
_COMMENT = "--"
_INCLUDE = "-- include: "


def parse_query_file(path: Path) -> dict[str, Any]:
    """A canned query's options and SQL, read from its file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    n = 0
    while n < len(lines) and lines[n].startswith(_COMMENT):
        n += 1
    header = "\n".join(line[len(_COMMENT) :].removeprefix(" ") for line in lines[:n])
    try:
        options = yaml.safe_load(header) if header.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise HubkbError(f"{display_path(path)}:{line}: invalid YAML in the query header: {exc}") from None
    if not isinstance(options, dict):
        raise HubkbError(f"{display_path(path)}:1: the query header must be a mapping of canned-query options")
    sql = "\n".join(_included(path, line) for line in lines[n:]).strip()
    if not sql:
        raise HubkbError(f"{display_path(path)}:{n + 1}: no SQL after the query header")
    return {**options, "sql": sql}


def _included(path: Path, line: str) -> str:
    """A `-- include: _part.sql` line as that file's text (SQL shared by several queries)."""
    if not line.startswith(_INCLUDE):
        return line
    part = path.parent / line[len(_INCLUDE) :].strip()
    try:
        return part.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise HubkbError(f"{display_path(path)}: cannot include {part.name} ({exc.strerror})") from None


@functools.cache
def canned_queries() -> dict[str, dict[str, Any]]:
    """Every canned query by name (the file stem), in name order; `_*.sql` are parts they include."""
    return {path.stem: parse_query_file(path) for path in sorted(QUERIES.glob("[!_]*.sql"))}


def query_sql(name: str) -> str:
    return str(canned_queries()[name]["sql"])
