"""The SQL the Datasette plugin runs, and the plain dicts it turns rows into.

Functions take `execute`, an async callable with the signature of Datasette's
`Database.execute(sql, params)`, or the `Database` itself, so this module needs
no Datasette import and every query hubkb runs stays in the `db` package.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from ..citation.csl import post_as_work
from .lookup import find_post, iter_works

Execute = Callable[..., Awaitable[Any]]


# Where a work is cited, for its citation page: the post, the first paragraph, the relay.
CITATIONS_OF_WORK = """
select posts.id, posts.title, posts.date, posts.authors, posts.site, posts.url, posts.language,
       paragraphs.n as paragraph, people.name as via, citations.reference_id
from citations
join posts on posts.id = citations.post_id
left join paragraphs on paragraphs.id = citations.paragraph_id
left join people on people.id = citations.via_person_id
where citations.work_id = :id
order by posts.date, posts.id, paragraphs.n is null, paragraphs.n
"""


def unique(values: Iterable[Any]) -> list[str]:
    """Non-empty values as strings, first occurrence order."""
    return list(dict.fromkeys(str(v) for v in values if v not in (None, "")))


async def fetch_works(db: Any, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Works as `hubkb.citation` dicts (authors with their kind) in the order of `ids`; unknown ids skipped.

    `db` is a Datasette `Database`: the query is `lookup.iter_works`, the one
    `hubkb cite` and `hubkb export` use, run in Datasette's SQL thread.
    """
    if not ids:
        return []
    works = {w["id"]: w for w in await db.execute_fn(lambda conn: list(iter_works(conn, ids)))}
    return [works[i] for i in ids if i in works]


async def fetch_posts_as_works(db: Any, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Posts as works of type blogpost (`citation.post_as_work`), in the order of `ids`; unknown ids skipped."""
    if not ids:
        return []

    def load(conn: Any) -> list[dict[str, Any]]:
        return [post_as_work(p) for p in (find_post(conn, i) for i in ids) if p is not None]

    return await db.execute_fn(load)


async def fetch_citations(execute: Execute, work_id: str) -> list[dict[str, Any]]:
    """Each post citing the work, once: its first citing paragraph and the relay, if any.

    A post's `authors` come back as a list of names, the shape `hubkb.citation` takes.
    """
    posts: dict[str, dict[str, Any]] = {}
    for row in (await execute(CITATIONS_OF_WORK, {"id": work_id})).rows:
        post = posts.setdefault(row["id"], {**dict(row), "authors": json.loads(row["authors"] or "[]")})
        post["via"] = post["via"] or row["via"]
        post["reference_id"] = post["reference_id"] or row["reference_id"]
    return list(posts.values())
