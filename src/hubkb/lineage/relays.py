"""Relay hops of a passage, resolved and checked: the resolve stage's part of lineage.

A passage's `relays:` list the publications a definition or quote went
through, origin side first. Each hop names a work of works.yaml or a post of
the corpus; it is a translation when it says so or when its language differs
from the hop before. Problems name the hop's line: an unknown publication (with
the nearest titles), a chain that comes back to a publication already in it, a
translation between two hops in the same language, and (a warning) a hop
dated after the post that quotes it. A relay *post* is checked against the
other posts once all are read (`relay_post_problems`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..errors import Problem
from ..records import Passage, Post, Relay, ResolvedPost, ResolvedRelay, Work

# (index, name, kind, line) -> NameMatch | None: resolve.resolve_post's closure, which reports problems
Resolve = Callable[[Any, str, str, int], Any]


def _work_date(work: Work) -> str | None:
    day = work.fields.get("date")
    if isinstance(day, dt.date):
        return day.isoformat()
    year = work.fields.get("year")
    return str(year) if year else None


def _after(date: str, post_date: dt.date) -> bool:
    """Whether a hop dated `date` (a day or a year) comes after the post's day."""
    if len(date) == 4:
        return int(date) > post_date.year
    return date > post_date.isoformat()


def resolve_relays(
    post: Post,
    passage: Passage,
    origin_work: str | None,
    resolver: Any,
    resolve: Resolve,
    problems: list[Problem],
) -> tuple[ResolvedRelay, ...]:
    """The passage's hops with ids, language, date and translation; problems added to `problems`."""
    works: Mapping[str, Work] = resolver.work_records
    seen: dict[str, str] = {f"post:{post.id}": "the post itself"}
    previous_language = None
    if origin_work is not None:
        seen[f"work:{origin_work}"] = "the origin"
        previous_language = works[origin_work].fields.get("language")
    resolved = []
    for n, hop in enumerate(passage.relays, 1):
        found = _publication(post, hop, n, resolver, problems)
        if found is None:
            previous_language = None
            continue
        key, work = found
        if key in seen:
            problems.append(
                Problem(post.path, hop.line, f"relay {n} loops back on itself: {_shown(hop)} is already {seen[key]}")
            )
        seen.setdefault(key, f"relay {n}")
        person_id = None
        for name in hop.by:
            match = resolve(resolver.people, name, "person", hop.line)
            person_id = person_id or (match.entry.id if match else None)
        language = work.fields.get("language") if work is not None else None
        date = _work_date(work) if work is not None else None
        if person_id is None and work is not None:
            person_id = _first_person(work.authors, resolver)
        if hop.translation and language and previous_language and language == previous_language:
            problems.append(
                Problem(
                    post.path,
                    hop.line,
                    f"relay {n} is marked as a translation, but it and the hop before are both in '{language}'",
                )
            )
        if date and _after(date, post.date):
            problems.append(
                Problem(
                    post.path,
                    hop.line,
                    f"relay {n} ({_shown(hop)}) is dated {date}, after the post that quotes it ({post.date.isoformat()})",
                    "warning",
                )
            )
        translation = hop.translation
        if translation is None and language and previous_language:
            translation = language != previous_language
        resolved.append(
            ResolvedRelay(
                relay=hop,
                work_id=work.id if work is not None else None,
                post_id=key[5:] if key.startswith("post:") else None,
                person_id=person_id,
                language=language,
                date=date,
                translation=translation,
            )
        )
        previous_language = language
    return tuple(resolved)


def _publication(
    post: Post, hop: Relay, n: int, resolver: Any, problems: list[Problem]
) -> tuple[str, Work | None] | None:
    if (hop.work is None) == (hop.post is None):
        problems.append(
            Problem(
                post.path,
                hop.line,
                f"relay {n} names its publication with 'work' (a work) or 'post' (a post id), one of them",
            )
        )
        return None
    if hop.post is not None:
        return f"post:{hop.post}", None
    match = resolver.works.lookup(hop.work)
    if match is None:
        suggestions = resolver.works.suggest(hop.work)
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        target = resolver.authorities.paths.get("works", "works.yaml")
        problems.append(
            Problem(post.path, hop.line, f"unknown relay publication '{hop.work}'{hint} (add the work to {target})")
        )
        return None
    return f"work:{match.entry.id}", resolver.work_records[match.entry.id]


def _first_person(names: Iterable[str], resolver: Any) -> str | None:
    for name in names:
        match = resolver.people.lookup(name)
        if match is not None:
            return match.entry.id
    return None


def _shown(hop: Relay) -> str:
    return f"work '{hop.work}'" if hop.work is not None else f"post '{hop.post}'"


def relay_post_hops(resolved: ResolvedPost) -> list[tuple[str, int, str, str]]:
    """(path, line, post date, relay post id) of each hop of the post's passages that names a post."""
    post = resolved.post
    return [
        (post.path, r.relay.line, post.date.isoformat(), r.post_id)
        for p in resolved.passages
        for r in p.relays
        if r.post_id is not None
    ]


def relay_post_problems(
    hops: Iterable[tuple[str, int, str, str]], posts: Mapping[str, tuple[str, dt.date | None]]
) -> list[Problem]:
    """Relay hops naming a post, checked once every post is known.

    `hops` are (path, line, quoting post's date as ISO text, relay post id); `posts` maps
    every post id to (its path, its date).
    """
    problems = []
    for path, line, date, relay in hops:
        if relay not in posts:
            near = _nearest(relay, list(posts))
            problems.append(Problem(path, line, f"unknown relay publication: no post with id '{relay}'{near}"))
            continue
        relay_date = posts[relay][1]
        if relay_date is not None and relay_date.isoformat() > date:
            problems.append(
                Problem(
                    path,
                    line,
                    f"relay post '{relay}' is dated {relay_date.isoformat()}, after the post that quotes it ({date})",
                    "warning",
                )
            )
    return problems


def _nearest(wanted: str, ids: list[str]) -> str:
    from rapidfuzz import fuzz, process

    found = [m for m, _s, _i in process.extract(wanted, ids, scorer=fuzz.ratio, limit=3, score_cutoff=70)]
    return f"; did you mean {', '.join(repr(f) for f in found)}?" if found else ""


def relay_rows(
    passage_id: str, kind: str, post_id: str, relays: Iterable[ResolvedRelay], stored: Callable[[Any], dict]
) -> list[dict[str, Any]]:
    """Rows of the `relays` table for one passage; `stored` gives a hop's pass-through columns."""
    return [
        {
            **stored(r.relay.fields),
            "id": f"{passage_id}~h{n}",
            "post_id": post_id,
            "passage_id": passage_id,
            "kind": kind,
            "position": n,
            "work_id": r.work_id,
            "relay_post_id": r.post_id,
            "person_id": r.person_id,
            "language": r.language,
            "date": r.date,
            "translation": None if r.translation is None else int(r.translation),
            "text": r.relay.text,
        }
        for n, r in enumerate(relays, 1)
    ]
