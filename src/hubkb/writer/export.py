"""Exports: any table or read-only query as CSV, JSON or NDJSON; works as BibTeX, RIS or CSL-JSON.

Rows are streamed from a cursor to the output, so memory stays flat however
large the table, and nothing caps the number of rows. JSON array columns
(authors, tags, aliases, ...) are arrays in JSON and NDJSON and stay as their
JSON text in CSV, the way Datasette exports them.

Works go through `hubkb.citation`. BibTeX keys are made over the whole set of
works at once (two works that would share a key get `a`, `b` suffixes), so a
BibTeX export holds its works in memory; the works table is a bibliography,
thousands of rows at most. RIS and CSL-JSON are streamed.
"""

from __future__ import annotations

import base64
import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rapidfuzz import fuzz, process

from .. import citation
from ..db.lookup import fetch_rows, iter_works, open_database, run_query, select_table, table_names
from ..errors import NotFoundError, QueryError, display_path

if TYPE_CHECKING:
    import sqlite3

ROW_FORMATS = ("csv", "json", "ndjson")
WORK_FORMATS = ("bibtex", "ris", "csl-json")
FORMATS = ROW_FORMATS + WORK_FORMATS

# Columns that hold a JSON array of display names (see hubkb.db.rows.as_json).
# A value is decoded only when it really is a JSON array, so a query's own
# column that happens to share a name is left alone.
JSON_ARRAY_COLUMNS = frozenset({"authors", "tags", "aliases", "organisations", "by"})


def export(db_path: Path, out: TextIO, table: str | None = None, sql: str | None = None, fmt: str = "csv") -> int:
    """Write a whole table, or the rows of a query, to `out`; return how many rows or works."""
    if (table is None) == (sql is None):
        raise QueryError("export either a table or a query (--sql), not both or neither")
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    conn = open_database(db_path)
    try:
        if sql is not None:
            cursor = run_query(conn, sql)
            if fmt in WORK_FORMATS:
                return _write_works(_works_of(conn, cursor, fmt), out, fmt)
            return _write_rows(cursor, out, fmt)
        table = table or ""
        _check_table(conn, table)
        if fmt in WORK_FORMATS:
            if table != "works":
                raise QueryError(f"{fmt} is a format for works: try `hubkb export works --format {fmt}`")
            return _write_works(iter_works(conn), out, fmt)
        return _write_rows(select_table(conn, table), out, fmt)
    finally:
        conn.close()


def export_file(db_path: Path, path: Path, table: str | None = None, sql: str | None = None, fmt: str = "csv") -> int:
    """As `export`, into a file that appears only once complete (UTF-8, no newline translation)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            count = export(db_path, out, table, sql, fmt)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise QueryError(f"{display_path(path)}: cannot write the export ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _check_table(conn: sqlite3.Connection, table: str) -> None:
    names = table_names(conn)
    if table in names:
        return
    close = [name for name, _score, _i in process.extract(table, names, scorer=fuzz.ratio, score_cutoff=60, limit=3)]
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise NotFoundError(f"no table {table!r}{hint} (tables: {', '.join(names)})")


# --- rows ------------------------------------------------------------------------


def _write_rows(cursor: sqlite3.Cursor, out: TextIO, fmt: str) -> int:
    columns = [d[0] for d in cursor.description]
    rows = (tuple(r) for r in fetch_rows(cursor))
    if fmt == "csv":
        return _write_csv(columns, rows, out)
    objects = (_json_object(columns, row) for row in rows)
    return _write_json(objects, out) if fmt == "json" else _write_ndjson(objects, out)


def _write_csv(columns: list[str], rows: Iterable[tuple], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _json_object(columns: list[str], row: tuple) -> dict[str, Any]:
    return {column: _json_value(column, value) for column, value in zip(columns, row)}


def _json_value(column: str, value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$base64": True, "encoded": base64.b64encode(value).decode("ascii")}
    if column in JSON_ARRAY_COLUMNS and isinstance(value, str) and value.startswith("["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, list):
            return decoded
    return value


def _write_json(objects: Iterable[Any], out: TextIO) -> int:
    count = 0
    out.write("[")
    for obj in objects:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(obj, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_ndjson(objects: Iterable[Any], out: TextIO) -> int:
    count = 0
    for obj in objects:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        count += 1
    return count


# --- works -----------------------------------------------------------------------


def _works_of(conn: sqlite3.Connection, cursor: sqlite3.Cursor, fmt: str) -> Iterator[dict[str, Any]]:
    """The works a query names through its `id` (or `work_id`) column, in the query's order."""
    columns = [d[0] for d in cursor.description]
    key = next((c for c in ("id", "work_id") if c in columns), None)
    if key is None:
        raise QueryError(
            f"a {fmt} export of a query needs its works' ids in a column named id or work_id "
            f"(the query gives {', '.join(columns)})"
        )
    index = columns.index(key)
    ids = list(dict.fromkeys(row[index] for row in fetch_rows(cursor) if row[index] is not None))
    works = {w["id"]: w for w in iter_works(conn, ids)}
    missing = [i for i in ids if i not in works]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise NotFoundError(f"the query names no work with id {missing[0]!r}{more}")
    return (works[i] for i in ids)


def _write_works(works: Iterable[dict[str, Any]], out: TextIO, fmt: str) -> int:
    if fmt == "bibtex":
        every = list(works)
        if every:
            out.write(citation.to_bibtex(every))
        return len(every)
    if fmt == "csl-json":
        return _write_json((citation.to_csl(w) for w in works), out)
    count = 0
    for work in works:  # RIS: records separated by a blank line, as citation.to_ris writes them
        out.write(("\r\n" if count else "") + citation.to_ris([work]))
        count += 1
    return count
