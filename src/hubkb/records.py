"""Plain frozen records passed between the pipeline stages; no I/O here.

A record holds as attributes what the pipeline works with (ids, names to
resolve, texts to anchor); every other key its schema.yaml section declares
travels in `fields`, untouched, to the column of the same name
(`hubkb.db.rows`). So a new key in schema.yaml needs no change here.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

# `fields` of a record: the schema's pass-through keys, each present (None or () when not given).
Fields = Mapping[str, Any]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()  # organisation ids
    line: int = 0
    fields: Fields = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    line: int = 0
    fields: Fields = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Work:
    id: str
    title: str
    title_as_cited: str | None = None
    aliases: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  # people or organisations, as written
    line: int = 0
    fields: Fields = field(default_factory=dict, hash=False)

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    line: int = 0
    fields: Fields = field(default_factory=dict, hash=False)

    @property
    def name(self) -> str:
        return self.label


@dataclass(frozen=True)
class Authorities:
    """The four authority files, with the path each came from."""

    people: tuple[Person, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    works: tuple[Work, ...] = ()
    terms: tuple[Term, ...] = ()
    paths: dict[str, str] = field(default_factory=dict)  # kind -> display path
    content_hash: str = ""


@dataclass(frozen=True)
class Relay:
    """One hop of a second-hand chain as written under a passage's `relays:` (origin side first)."""

    line: int
    work: str | None = None  # the relay's publication: a work (id, title or alias) ...
    post: str | None = None  # ... or a post of the corpus (its id)
    by: tuple[str, ...] = ()  # the relay person, when the publication does not say
    translation: bool | None = None  # None: a change of language says it
    text: str | None = None  # the wording at this hop
    fields: Fields = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ResolvedRelay:
    relay: Relay
    work_id: str | None = None
    post_id: str | None = None  # a post of the corpus, checked once every post is read
    person_id: str | None = None
    language: str | None = None
    date: str | None = None  # ISO date or year, from the work
    translation: bool | None = None


@dataclass(frozen=True)
class Reference:
    """An entry of a post's `references:`: a work, and how it reached the post when met second-hand."""

    line: int
    n: int  # 1-based position in the list: the entry's id is post_id#rN
    work: str  # an id, title or alias of works.yaml
    via: tuple[str, ...] = ()  # the relay person
    relays: tuple[Relay, ...] = ()  # the relay publications, origin side first
    fields: Fields = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ResolvedReference:
    reference: Reference
    id: str  # post_id#rN
    work_id: str
    via_person_id: str | None = None
    relays: tuple[ResolvedRelay, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A definition or quote as written in a post's front matter."""

    kind: str  # "definition" or "quote"
    n: int  # 1-based position among the post's passages of that kind
    text: str
    line: int
    term: str | None = None
    by: tuple[str, ...] = ()
    work: str | None = None
    via: tuple[str, ...] = ()
    relays: tuple[Relay, ...] = ()  # second-hand hops, origin side first
    fields: Fields = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Post:
    id: str
    path: str  # as displayed in messages
    title: str
    date: dt.date
    authors: tuple[str, ...]
    body: str
    body_line: int  # line of the file where the body starts
    content_hash: str
    status: str = "published"  # "draft": checked, never published (`hubkb import` writes drafts)
    references: tuple[Reference, ...] = ()
    passages: tuple[Passage, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False)  # key -> line
    fields: Fields = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Entity:
    """A resolved reference to a person or an organisation."""

    type: str  # "person" or "organisation"
    id: str
    name: str


@dataclass(frozen=True)
class ResolvedPassage:
    passage: Passage
    id: str
    paragraph_n: int
    givers: tuple[Entity, ...] = ()
    term_id: str | None = None
    work_id: str | None = None
    via_person_id: str | None = None
    relays: tuple[ResolvedRelay, ...] = ()


class Mention(NamedTuple):  # a tuple: a large corpus has a million of them
    paragraph_n: int
    entity_type: str
    entity_id: str
    surface: str
    occurrences: int  # in the paragraph; `count` would shadow tuple.count


@dataclass(frozen=True)
class ResolvedPost:
    post: Post
    paragraphs: tuple[str, ...]
    authors: tuple[Entity, ...]
    passages: tuple[ResolvedPassage, ...]
    references: tuple[ResolvedReference, ...]  # one a work, the first entry naming it
    mentions: tuple[Mention, ...] = ()


# The record each corpus section of schema.yaml becomes.
SECTION_RECORDS: dict[str, type] = {
    "post": Post,
    "post.references": Reference,
    "post.references.relays": Relay,
    "post.definitions": Passage,
    "post.quotes": Passage,
    "post.definitions.relays": Relay,
    "post.quotes.relays": Relay,
    "people": Person,
    "organisations": Organisation,
    "works": Work,
    "terms": Term,
}


@functools.cache  # a record type's fields do not change: asked for every record read back
def attributes(record_type: type) -> frozenset[str]:
    """The keys a record holds as attributes; its other schema keys go in `fields`."""
    return frozenset(f.name for f in fields(record_type)) - {"fields"}
