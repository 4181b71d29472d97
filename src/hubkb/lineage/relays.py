"""Relay hops of a passage or reference, resolved and checked: the resolve stage's part of lineage.

A definition's, quote's or reference's `relays:` list the publications it went
through, origin side first. Each hop names a work of works.yaml or a post of
the corpus; it is a translation when it says so or when its language differs
from the hop before. Problems name the hop's line: an unknown publication (with
the nearest titles), a chain that comes back to a publication already in it, a
translation between two hops in the same language, and (a warning) a hop
dated after the post that quotes it. What a hop naming a *post* needs (that
post's date and language) is known only once every post is read: those chains
are collected (`RelayChecks`) and checked at the end, from the posts read and,
in an incremental build, from the published rows of the posts left unchanged,
so a full and an incremental build say the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import Problem
from ..records import Post, Relay, ResolvedPassage, ResolvedPost, ResolvedReference, ResolvedRelay, Work

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
    hops: Sequence[Relay],
    origin_work: str | None,
    resolver: Any,
    resolve: Resolve,
    problems: list[Problem],
) -> tuple[ResolvedRelay, ...]:
    """The hops of a passage or reference with ids, language, date and translation; problems added to `problems`.

    Checks that need a relay post's date or language wait for `RelayChecks`.
    """
    works: Mapping[str, Work] = resolver.work_records
    seen: dict[str, str] = {f"post:{post.id}": "the post itself"}
    previous_language = None
    if origin_work is not None:
        seen[f"work:{origin_work}"] = "the origin"
        previous_language = works[origin_work].fields.get("language")
    resolved = []
    for n, hop in enumerate(hops, 1):
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
            problems.append(_same_language(post.path, hop.line, n, language))
        if date and _after(date, post.date):
            problems.append(_dated_after(post.path, hop.line, n, _shown(hop), date, post.date.isoformat()))
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


def _dated_after(path: str, line: int, n: int, shown: str, date: str, post_date: str) -> Problem:
    return Problem(path, line, f"relay {n} ({shown}) is dated {date}, after the post that quotes it ({post_date})", "warning")  # fmt: skip


def _same_language(path: str, line: int, n: int, language: str) -> Problem:
    return Problem(path, line, f"relay {n} is marked as a translation, but it and the hop before are both in '{language}'")  # fmt: skip


@dataclass(frozen=True)
class PendingHop:
    n: int
    line: int
    post_id: str | None  # a hop naming a post; None for a work
    language: str | None  # a work's language (a post's is looked up at the end)
    translation: bool | None  # as written


@dataclass(frozen=True)
class PendingChain:
    """A chain with a hop naming a post, as the resolve stage left it."""

    path: str
    post_id: str  # the quoting post
    post_date: str  # its date, ISO
    origin_language: str | None
    hops: tuple[PendingHop, ...]


# What the end-of-build check knows of a post: its display path, date and language.
PostFacts = tuple[str, dt.date | None, str | None]


@dataclass
class RelayChecks:
    """Chains naming a post, and the date and language of every post read: checked once all are known."""

    chains: list[PendingChain] = field(default_factory=list)
    posts: dict[str, tuple[dt.date, str | None]] = field(default_factory=dict)

    def add(self, resolved: ResolvedPost, works: Mapping[str, Work]) -> None:
        post = resolved.post
        self.posts[post.id] = (post.date, post.fields.get("language"))
        items: list[ResolvedReference | ResolvedPassage] = [*resolved.references, *resolved.passages]
        for item in items:
            if any(r.post_id is not None for r in item.relays):
                work = works.get(item.work_id or "")
                origin = work.fields.get("language") if work is not None else None
                hops = tuple(
                    PendingHop(n, r.relay.line, r.post_id, r.language, r.relay.translation)
                    for n, r in enumerate(item.relays, 1)
                )
                self.chains.append(PendingChain(post.path, post.id, post.date.isoformat(), origin, hops))

    def update(self, other: RelayChecks) -> None:
        self.chains.extend(other.chains)
        self.posts.update(other.posts)

    def problems(
        self, known: Mapping[str, str], published: Callable[[set[str]], Mapping[str, tuple[str, str | None]]]
    ) -> list[Problem]:
        """Problems of the chains; `known` maps every post id to its path, `published` gives (ISO date,
        language) of posts not read in this run (an incremental build's unchanged posts)."""
        named = {h.post_id for c in self.chains for h in c.hops if h.post_id is not None}
        facts: dict[str, PostFacts] = {i: (known[i], *self.posts[i]) for i in named if i in known and i in self.posts}
        missing = {i for i in named if i in known and i not in self.posts}
        for i, (day, language) in (published(missing) if missing else {}).items():
            facts[i] = (known[i], dt.date.fromisoformat(day) if day else None, language)
        return relay_post_problems(self.chains, facts, list(known))


def relay_post_problems(
    chains: Iterable[PendingChain], posts: Mapping[str, PostFacts], ids: list[str]
) -> list[Problem]:
    """Hops naming a post, and the hop after one: unknown post, dated after the quoting post (a warning),
    a translation within one language. Pairs of two works were checked by `resolve_relays`."""
    problems = []
    known = set(ids)
    for chain in chains:
        previous, previous_is_post = chain.origin_language, False
        for hop in chain.hops:
            language = hop.language
            if hop.post_id is not None:
                if hop.post_id not in posts:  # a post read with errors of its own is not unknown
                    if hop.post_id not in known:
                        near = _nearest(hop.post_id, ids)
                        problems.append(Problem(chain.path, hop.line, f"unknown relay publication: no post with id '{hop.post_id}'{near}"))  # fmt: skip
                    previous, previous_is_post = None, True
                    continue
                _path, day, language = posts[hop.post_id]
                if day is not None and day.isoformat() > chain.post_date:
                    shown = f"post '{hop.post_id}'"
                    problems.append(_dated_after(chain.path, hop.line, hop.n, shown, day.isoformat(), chain.post_date))  # fmt: skip
            if (hop.post_id is not None or previous_is_post) and hop.translation and language and language == previous:
                problems.append(_same_language(chain.path, hop.line, hop.n, language))
            previous, previous_is_post = language, hop.post_id is not None
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
