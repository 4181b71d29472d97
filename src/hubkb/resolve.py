"""Resolve stage: names to ids through the authority files, texts to paragraphs.

Names match exactly after folding case, accents and elisions; otherwise
rapidfuzz's token_sort_ratio above a threshold is accepted with a warning that
names the variant. Two guards keep fuzzy matching honest: differing digits
never match ("27e" is not "17e"), and a name reduced to initials ("Harris, M.")
is ambiguous, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .errors import Problem
from .lineage.relays import resolve_relays
from .records import Authorities, Entity, Post, ResolvedPassage, ResolvedPost, ResolvedReference
from .text import fold, normalise_punctuation

FUZZY_THRESHOLD = 86.0
SUGGEST_CUTOFF = 60.0
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Entry:
    """One authority record as the resolver sees it."""

    kind: str  # person, organisation, work or term
    id: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameMatch:
    entry: Entry
    score: float
    exact: bool
    written: str


class NameIndex:
    """Folded aliases of some authority entries, for exact then fuzzy lookup."""

    def __init__(self, entries: Iterable[Entry], threshold: float = FUZZY_THRESHOLD):
        self.threshold = threshold
        self.exact: dict[str, list[Entry]] = {}
        for entry in entries:
            for alias in (entry.id, entry.name, *entry.aliases):
                key = fold(alias)
                if key and entry not in self.exact.setdefault(key, []):
                    self.exact[key].append(entry)
        self.keys = list(self.exact)
        self._cache: dict[str, NameMatch | None] = {}

    def lookup(self, name: str) -> NameMatch | None:
        """The entry `name` stands for, or None when no single entry is close enough."""
        key = fold(name)
        if key not in self._cache:
            self._cache[key] = self._lookup(key, name)
        return self._cache[key]

    def _lookup(self, key: str, name: str) -> NameMatch | None:
        found = self.exact.get(key)
        if found and len(found) == 1:
            return NameMatch(found[0], 100.0, True, name)
        if found or _initials_only(key):
            return None
        best = process.extractOne(key, self.keys, scorer=fuzz.token_sort_ratio, score_cutoff=self.threshold)
        if best is None or _DIGITS.findall(best[0]) != _DIGITS.findall(key):
            return None
        entries = self.exact[best[0]]
        return NameMatch(entries[0], best[1], False, name) if len(entries) == 1 else None

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Canonical names nearest to `name`, best first."""
        key = fold(name)
        names: list[str] = []
        for alias, _score, _i in process.extract(
            key, self.keys, scorer=fuzz.token_sort_ratio, limit=limit * 3, score_cutoff=SUGGEST_CUTOFF
        ):
            for entry in self.exact[alias]:
                if entry.name not in names:
                    names.append(entry.name)
        return names[:limit]


def _initials_only(key: str) -> bool:
    """'harris m' or 'm harris': a family name with nothing but initials beside it."""
    tokens = key.split()
    return len(tokens) > 1 and any(len(t) == 1 for t in tokens) and sum(len(t) > 1 for t in tokens) <= 1


@dataclass
class Resolver:
    """Every index the resolve stage needs, built once per build."""

    authorities: Authorities

    def __post_init__(self) -> None:
        a = self.authorities
        people = [Entry("person", p.id, p.name, p.aliases) for p in a.people]
        organisations = [Entry("organisation", o.id, o.name, o.aliases) for o in a.organisations]
        self.people = NameIndex(people)
        self.agents = NameIndex(people + organisations)  # `by` may name either
        self.works = NameIndex(
            Entry("work", w.id, w.title, tuple(x for x in (w.title_as_cited, *w.aliases) if x)) for w in a.works
        )
        self.terms = NameIndex(Entry("term", t.id, t.label, t.aliases) for t in a.terms)
        self.work_records = {w.id: w for w in a.works}  # relay hops read their language and date


FILE_FOR = {"person": "people", "organisation": "organisations", "agent": "people", "work": "works", "term": "terms"}


def resolve_name(
    index: NameIndex, name: str, kind: str, path: str, line: int, authorities: Authorities, problems: list[Problem]
) -> NameMatch | None:
    """Resolve one name, adding a warning (fuzzy) or an error (no match) to `problems`."""
    match = index.lookup(name)
    if match is not None:
        if not match.exact:
            problems.append(
                Problem(
                    path,
                    line,
                    f"'{name}' taken as {match.entry.kind} '{match.entry.name}' "
                    f"(a close spelling, {match.score:.0f}%); add it to 'aliases' to silence this",
                    "warning",
                )
            )
        return match
    suggestions = index.suggest(name)
    hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    target = authorities.paths.get(FILE_FOR[kind], FILE_FOR[kind])
    what = {"agent": "person or organisation"}.get(kind, kind)
    if kind == "agent":
        target = f"{authorities.paths.get('people')} or {authorities.paths.get('organisations')}"
    problems.append(Problem(path, line, f"unknown {what} '{name}'{hint} (add an entry or an alias to {target})"))
    return None


# --- paragraphs and anchors --------------------------------------------------

_BLANK = re.compile(r"\n[ \t\u00a0]*\n")


def split_paragraphs(body: str) -> list[str]:
    """Body blocks separated by blank lines (spaces and no-break spaces count as blank)."""
    return [p.strip(" \t\n\u00a0") for p in _BLANK.split(body) if p.strip(" \t\n\u00a0")]


_QUOTES = re.compile(r"[«»“”„‟\"″]")
# What a key holds that a paragraph may not hold as such: a mark made an apostrophe, a space or dots
_MADE = re.compile(r"[ '.]+")


def _anchor_key(text: str) -> str:
    text = normalise_punctuation(text).replace("…", "...")
    return " ".join(_QUOTES.sub(" ", text).split())  # marks dropped: « x » and "x" are alike


def anchor(text: str, paragraphs: list[str], keys: dict[int, str] | None = None) -> int | None:
    """1-based number of the first paragraph holding `text`, tolerant of spacing and marks.

    `keys`: the paragraphs' keys made so far (by number), kept by the caller for the post's next passages.
    """
    needle = _anchor_key(text)
    # The needle's three longest runs of characters a key takes from the text as they are: a paragraph
    # without one of them cannot hold the needle, and its key is not made
    first, second, third = [*sorted(_MADE.split(needle), key=len, reverse=True)[:3], "", ""][:3]
    keys = {} if keys is None else keys
    for n, paragraph in enumerate(paragraphs, 1):
        if first not in paragraph or second not in paragraph or third not in paragraph:
            continue
        key = keys.get(n)
        if key is None:
            key = keys[n] = _anchor_key(paragraph)
        if needle in key:
            return n
    return None


# --- a whole post ------------------------------------------------------------


def resolve_post(post: Post, resolver: Resolver) -> tuple[ResolvedPost | None, list[Problem]]:
    problems: list[Problem] = []
    a = resolver.authorities

    def resolve(index: NameIndex, name: str, kind: str, line: int) -> NameMatch | None:
        return resolve_name(index, name, kind, post.path, line, a, problems)

    authors = []
    for name in post.authors:
        m = resolve(resolver.people, name, "person", post.lines.get("authors", 1))
        if m:
            authors.append(Entity("person", m.entry.id, m.entry.name))
    references: dict[str, ResolvedReference] = {}
    for ref in post.references:
        m = resolve(resolver.works, ref.work, "work", ref.line)
        via = None
        for name in ref.via:
            via = via or resolve(resolver.people, name, "person", ref.line)
        relays = resolve_relays(post, ref.relays, m.entry.id, resolver, resolve, problems) if m and ref.relays else ()
        if m and m.entry.id not in references:  # a work listed twice is cited once, as its first entry says
            via_id = via.entry.id if via else None
            references[m.entry.id] = ResolvedReference(ref, f"{post.id}#r{ref.n}", m.entry.id, via_id, relays)
    paragraphs = split_paragraphs(post.body)
    keys: dict[int, str] = {}  # the paragraphs' anchor keys, made once for all the passages
    passages = []
    for p in post.passages:
        givers = []
        for name in p.by:
            m = resolve(resolver.agents, name, "agent", p.line)
            if m:
                givers.append(Entity(m.entry.kind, m.entry.id, m.entry.name))
        term = resolve(resolver.terms, p.term, "term", p.line) if p.term else None
        work = resolve(resolver.works, p.work, "work", p.line) if p.work else None
        via = None
        for name in p.via:
            via = via or resolve(resolver.people, name, "person", p.line)
        n = anchor(p.text, paragraphs, keys)
        if n is None:
            shown = p.text if len(p.text) <= 80 else p.text[:77] + "..."
            problems.append(Problem(post.path, p.line, f'{p.kind} text not found in the body: "{shown}"'))
        if p.kind == "definition" and p.term is None:
            problems.append(Problem(post.path, p.line, "a definition needs a 'term'"))
        origin = work.entry.id if work else None
        relays = resolve_relays(post, p.relays, origin, resolver, resolve, problems) if p.relays else ()
        passages.append(
            ResolvedPassage(
                passage=p,
                id=f"{post.id}#{p.kind[0]}{p.n}",
                paragraph_n=n or 0,
                givers=tuple(givers),
                term_id=term.entry.id if term else None,
                work_id=work.entry.id if work else None,
                via_person_id=via.entry.id if via else None,
                relays=relays,
            )
        )
    if any(x.severity == "error" for x in problems):
        return None, problems
    resolved = ResolvedPost(post, tuple(paragraphs), tuple(authors), tuple(passages), tuple(references.values()))
    return resolved, problems


# --- links inside the authority files ----------------------------------------


@dataclass(frozen=True)
class AuthorityLinks:
    """Organisations of each person and authors of each work, resolved."""

    person_organisations: dict[str, tuple[Entity, ...]]
    work_authors: dict[str, tuple[Entity, ...]]


def resolve_authorities(resolver: Resolver) -> tuple[AuthorityLinks, list[Problem]]:
    a = resolver.authorities
    problems: list[Problem] = []
    organisations = NameIndex(Entry("organisation", o.id, o.name, o.aliases) for o in a.organisations)
    person_organisations = {}
    for person in a.people:
        found = []
        for name in person.organisations:
            m = resolve_name(organisations, name, "organisation", a.paths["people"], person.line, a, problems)
            if m:
                found.append(Entity("organisation", m.entry.id, m.entry.name))
        person_organisations[person.id] = tuple(found)
    work_authors = {}
    for work in a.works:
        found = []
        for name in work.authors:
            m = resolve_name(resolver.agents, name, "agent", a.paths["works"], work.line, a, problems)
            if m:
                found.append(Entity(m.entry.kind, m.entry.id, m.entry.name))
        work_authors[work.id] = tuple(found)
    return AuthorityLinks(person_organisations, work_authors), problems
