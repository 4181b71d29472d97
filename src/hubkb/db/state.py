"""What a published database says about itself, read without loading sqlite-utils.

`hubkb build` asks this first: when nothing changed it answers "up to date"
without importing the writer at all.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded by an update only: "up to date" reads `published_state` alone
    from ..records import Authorities
    from ..resolve import AuthorityLinks
    from ..schema import Schema


def published_state(path: Path) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(build metadata, {source path: (post id, content hash)}) of a published database.

    A file built before `post_files` existed keeps these columns in `posts`:
    read there, they still tell how many published posts a build would remove.
    """
    if not path.exists():
        return {}, {}
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "hubkb_build" not in tables:
                return {}, {}
            meta = dict(conn.execute("SELECT key, value FROM hubkb_build"))
            if "post_files" in tables:
                return meta, written_posts(conn)
            rows = conn.execute("SELECT id, source_path, content_hash FROM posts")
            return meta, {source: (post_id, digest) for post_id, source, digest in rows}
        finally:
            conn.close()
    except sqlite3.Error:
        return {}, {}  # unreadable: a full build replaces it


def build_meta(path: Path) -> dict[str, str]:
    """The build metadata (`hubkb_build`: hubkb's version, the schema's and authority files' hashes) of a
    published database; {} when it holds none or cannot be read."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM hubkb_build"))
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def written_posts(conn: sqlite3.Connection, post_ids: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """{source path: (post id, content hash)} of these posts (None: all), from `post_files`: of a database
    being written (what it will say once published), or of a published one (`published_state`)."""
    sql = "SELECT post_id, source_path, content_hash FROM post_files"
    rows = (
        conn.execute(sql)
        if post_ids is None
        else conn.execute(f"{sql} WHERE post_id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(post_ids))])
    )
    return {source: (post_id, digest) for post_id, source, digest in rows}


def published_authorities(
    path: Path, paths: dict[str, str], content_hash: str, schema: Schema
) -> tuple[Authorities, AuthorityLinks]:
    """The authority records a published database was built from, with their resolved links.

    An update runs only when the authority files are unchanged since that
    build, so reading them back from the database (milliseconds) replaces
    parsing the YAML again (most of a one-post rebuild of a large corpus).
    The records' pass-through `fields` come back from the columns schema.yaml
    gives them, so they equal the records read from the YAML.
    """
    from ..records import Authorities, Entity
    from ..resolve import AuthorityLinks

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        member_of: dict[str, list[Entity]] = {}
        for person_id, org_id, org_name in conn.execute(
            "SELECT po.person_id, po.organisation_id, o.name FROM person_organisations po "
            "JOIN organisations o ON o.id = po.organisation_id ORDER BY po.rowid"
        ):
            member_of.setdefault(person_id, []).append(Entity("organisation", org_id, org_name))
        written_by: dict[str, list[Entity]] = {}
        for work_id, kind, person_id, org_id, name in conn.execute(
            "SELECT work_id, entity_type, person_id, organisation_id, name FROM work_authors ORDER BY work_id, position"
        ):
            written_by.setdefault(work_id, []).append(Entity(kind, person_id or org_id, name))
        people = tuple(
            _record(schema, "people", row, organisations=tuple(e.id for e in member_of.get(row["id"], ())))
            for row in _rows(conn, schema, "people", "name", "aliases")
        )
        organisations = tuple(
            _record(schema, "organisations", row) for row in _rows(conn, schema, "organisations", "name", "aliases")
        )
        works = tuple(
            _record(schema, "works", row, authors=tuple(e.name for e in written_by.get(row["id"], ())))
            for row in _rows(conn, schema, "works", "title", "title_as_cited", "aliases")
        )
        terms = tuple(_record(schema, "terms", row) for row in _rows(conn, schema, "terms", "label", "aliases"))
    finally:
        conn.close()
    authorities = Authorities(people, organisations, works, terms, paths, content_hash)
    links = AuthorityLinks(
        {p.id: tuple(member_of.get(p.id, ())) for p in people}, {w.id: tuple(written_by.get(w.id, ())) for w in works}
    )
    return authorities, links


def _rows(conn: sqlite3.Connection, schema: Schema, kind: str, *held: str) -> list[sqlite3.Row]:
    """An authority table's rows: id, the columns a record holds (`held`) and its pass-through columns."""
    section = schema.sections[kind]
    columns = dict.fromkeys(["id", *held, *(column for _key, column, _kind in section.passthrough)])
    listed = ", ".join(f"[{c}]" for c in columns)
    return conn.execute(f"SELECT {listed} FROM [{section.table}] ORDER BY rowid").fetchall()


def _record(schema: Schema, kind: str, row: sqlite3.Row, **links: Any) -> Any:
    """The authority record a row was written from: held columns as attributes, the rest as `fields`."""
    from .rows import from_column

    section = schema.sections[kind]
    names = row.keys()  # a Row iterates over its values, not its column names
    held = {key: row[key] for key in names if key in section.columns and section.types[key] != "records"}
    values = {key: from_column(section.types[key], value) for key, value in held.items() if value is not None}
    values.update({key: from_column(kind_, row[column]) for key, column, kind_ in section.passthrough})
    return section.record(values, id=row["id"], **links)
