"""What a published database says about itself, read without loading sqlite-utils.

`hubkb build` asks this first: when nothing changed it answers "up to date"
without importing the writer at all.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..records import Authorities, Entity, Organisation, Person, Term, Work
from ..resolve import AuthorityLinks


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
            posts = {
                source: (post_id, digest)
                for post_id, source, digest in conn.execute("SELECT id, source_path, content_hash FROM posts")
            }
            return meta, posts
        finally:
            conn.close()
    except sqlite3.Error:
        return {}, {}  # unreadable: a full build replaces it


def published_authorities(path: Path, paths: dict[str, str], content_hash: str) -> tuple[Authorities, AuthorityLinks]:
    """The authority records a published database was built from, with their resolved links.

    An update runs only when the authority files are unchanged since that
    build, so reading them back from the database (milliseconds) replaces
    parsing the YAML again (most of a one-post rebuild of a large corpus).
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
            Person(
                id=i, name=n, aliases=_tuple(a), organisations=tuple(e.id for e in member_of.get(i, ())), url=u, note=t
            )
            for i, n, a, u, t in conn.execute("SELECT id, name, aliases, url, note FROM people ORDER BY rowid")
        )
        organisations = tuple(
            Organisation(id=i, name=n, aliases=_tuple(a), kind=k, url=u, note=t)
            for i, n, a, k, u, t in conn.execute(
                "SELECT id, name, aliases, kind, url, note FROM organisations ORDER BY rowid"
            )
        )
        works = tuple(
            Work(
                id=i,
                title=ti,
                type=ty,
                title_as_cited=tc,
                aliases=_tuple(a),
                authors=tuple(e.name for e in written_by.get(i, ())),
                year=y,
                publisher=p,
                url=u,
                language=la,
                note=no,
            )
            for i, ty, ti, tc, a, y, p, u, la, no in conn.execute(
                "SELECT id, type, title, title_as_cited, aliases, year, publisher, url, language, note "
                "FROM works ORDER BY rowid"
            )
        )
        terms = tuple(
            Term(id=i, label=la, aliases=_tuple(a), note=no)
            for i, la, a, no in conn.execute("SELECT id, label, aliases, note FROM terms ORDER BY rowid")
        )
    finally:
        conn.close()
    authorities = Authorities(people, organisations, works, terms, paths, content_hash)
    links = AuthorityLinks(
        {p.id: tuple(member_of.get(p.id, ())) for p in people}, {w.id: tuple(written_by.get(w.id, ())) for w in works}
    )
    return authorities, links


def _tuple(value: str | None) -> tuple[str, ...]:
    return tuple(json.loads(value)) if value else ()
