"""One scrape to one extraction: layout, names, references, passages, in that order."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from ..resolve import Resolver
from ..text import fold
from . import nlp
from .aliases import AliasTable
from .lexicon import INTERVIEW_QUESTION, MAX_TITLE_WORDS, MIN_INTERVIEW_QUESTIONS
from .names import Names
from .passages import Passage, PassageFinder
from .references import Reference, body_works, merge, parse_item, publisher_name
from .rules import rule
from .scrape import Layout, PageHints, find_layout, split_blocks


@dataclass
class Extraction:
    """What the importer found in one file; `as_json()` is the `--json` shape."""

    source: str
    layout: Layout
    names: Names
    references: list[Reference]
    passages: list[Passage]
    authors: list[str]  # canonical where known
    new_authors: list[str]  # signature names that no authority entry knows
    notes: list[tuple[int, str]] = field(default_factory=list)  # (line, message) for the user

    @property
    def title(self) -> str | None:
        return self.layout.title.text if self.layout.title else None

    @property
    def date(self) -> dt.date | None:
        return self.layout.date.value if self.layout.date else None

    @functools.cached_property
    def paragraphs(self) -> list[str]:  # built once: drafting reads it for every reference (linear, #12.7)
        return [b.written for b in self.layout.paragraphs]

    def people(self) -> list[str]:
        used = self.names.used()
        return [k for k, a in self.names.agents.items() if a.kind == "person" and k in used]

    def organisations(self) -> list[str]:
        named = self.names.used()
        used = named | {a.organisation for k, a in self.names.agents.items() if k in named and a.organisation}
        return [k for k, a in self.names.agents.items() if a.kind == "organisation" and k in used]

    def as_json(self) -> dict:
        names = self.names
        return {
            "source": self.source,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "authors": list(self.authors),
            "paragraphs": self.paragraphs,
            "people": [
                {
                    "name": names.display(k),
                    "organisation": _display_or_none(names, names.agents[k].organisation),
                    "line": names.agents[k].line or None,
                }
                for k in self.people()
            ],
            "organisations": [
                {"name": names.display(k), "line": names.agents[k].line or None} for k in self.organisations()
            ],
            "definitions": [
                {
                    "term": p.term,
                    "text": p.text,
                    "by": [names.display(k) for k in p.by],
                    "via": names.display(p.via) if p.via else None,
                    "work": p.work.title if p.work else None,
                }
                for p in self.passages
                if p.kind == "definition"
            ],
            "quotes": [
                {"text": p.text, "by": [names.display(k) for k in p.by], "via": names.display(p.via) if p.via else None}
                for p in self.passages
                if p.kind == "quote"
            ],
            "references": [self.reference_json(r) for r in self.references],
            "needs_review": [f"line {line}: {what}" for line, what in self.review],
        }

    @property
    def review(self) -> list[tuple[int, str]]:
        """(source line, what a reviewer must fill in or check)."""
        lines = [b.line for b in self.layout.paragraphs]
        flags = [
            (lines[p.n], "a definition without its term; fill in 'term'")
            for p in self.passages
            if p.kind == "definition" and not p.term
        ]
        return sorted(self.layout.needs_review + flags)

    def reference_json(self, ref: Reference) -> dict:
        return {
            "authors": [self.names.display(k) for k in ref.authors],
            "title": ref.title,
            "year": ref.year,
            "publisher": publisher_name(ref, self.names.resolver),
            "url": ref.url,
            "type": ref.type,
            "raw": ref.raw,
            "in_section": ref.in_section,
            "work": ref.work_id,
        }


def extract(
    text: str, source: str, resolver: Resolver, aliases: AliasTable, hints: PageHints | None = None
) -> Extraction:
    layout = find_layout(split_blocks(text), hints)
    paragraphs = [b.written for b in layout.paragraphs]
    lines = [b.line for b in layout.paragraphs]
    names = Names(resolver, aliases, nlp.read([*paragraphs, *(item.text for item in layout.references)]))
    names.scan(paragraphs, lines)
    section = [parse_item(item.text, item.line, names, resolver) for item in layout.references]
    works = body_works(paragraphs, names, resolver, section)
    references = merge(section, works, lines)
    known_terms = {key: entries[0].name for key, entries in resolver.terms.exact.items() if len(entries) == 1}
    titles_by: dict[str, list[str]] = {}  # a giver's listed works name what an unnamed definition is about
    for ref in section:
        for key in ref.authors:
            titles_by.setdefault(key, []).extend([ref.title] if ref.title else [])
    interview = is_interview(paragraphs)
    speaker = interviewee(names, layout.byline) if interview else None
    first_person = (
        [speaker] if speaker else [names.person(a, "signature", layout.signature_line) for a in layout.byline]
    )
    passages = PassageFinder(
        paragraphs,
        layout.title.text if layout.title else "",
        names,
        works,
        known_terms,
        titles_by,
        first_person=first_person,
        interview=interview,
    ).find()
    for p in passages:
        for key in [*p.by, *([p.via] if p.via else [])]:
            names.agents[key].seen_in.add("passage")
    authors, new_authors, notes = _authors(layout.byline, resolver, layout.signature_line)
    notes.extend(names.messages)
    return Extraction(source, layout, names, _dedupe(references), passages, authors, new_authors, notes)


def _display_or_none(names: Names, key: str | None) -> str | None:
    return names.display(key) if key else None


@rule
def is_interview(paragraphs: list[str]) -> bool:
    """Questions put to someone, answered: ['Comment est né le lab ?', 'D’une frustration.', 'Avez-vous des
    modèles ?', 'Beaucoup.'] -> True; a guide's numbered questions ('1. Qu’appelle-t-on X ?') are no interview."""
    questions = [i for i, p in enumerate(paragraphs) if p.rstrip().endswith("?") and len(p.split()) <= MAX_TITLE_WORDS]
    answered = [i for i in questions if i + 1 < len(paragraphs) and not paragraphs[i + 1].rstrip().endswith("?")]
    addressed = [i for i in answered if INTERVIEW_QUESTION.search(paragraphs[i])]  # "Avez-vous des modèles ?"
    return len(answered) >= MIN_INTERVIEW_QUESTIONS and bool(addressed)


def interviewee(names: Names, byline: list[str]) -> str | None:
    """The one interviewed: the first person the page names who is not its author."""
    authors = {fold(a) for a in byline}
    for mentions in names.mentions:
        for m in mentions:
            agent = names.agents[m.key]
            if agent.kind == "person" and fold(agent.name) not in authors:
                return m.key
    return None


def _authors(byline: list[str], resolver: Resolver, line: int) -> tuple[list[str], list[str], list[tuple[int, str]]]:
    authors, new, notes = [], [], []
    for written in byline:
        match = resolver.people.lookup(written)
        if match is None:
            authors.append(written)
            new.append(written)
            continue
        authors.append(match.entry.name)
        if not match.exact:
            notes.append(
                (line, f"signature '{written}' taken as '{match.entry.name}' (a close spelling, {match.score:.0f}%)")
            )
    return authors, new, notes


def _dedupe(references: list[Reference]) -> list[Reference]:
    """Two items naming the same work (same known work, title or URL) are one reference."""
    out: list[Reference] = []
    seen: dict[str, Reference] = {}
    for ref in references:
        key = ref.work_id or (fold(ref.title) if ref.title else None) or (re.sub(r"/+$", "", ref.url or "") or None)
        twin = seen.get(key) if key else None
        if twin is None:
            out.append(ref)
            if key:
                seen[key] = ref
        else:
            twin.body.extend(ref.body)
            twin.url = twin.url or ref.url
            twin.year = twin.year or ref.year
            twin.authors = twin.authors or ref.authors
    return out
