"""A passage's chain, hop by hop: origin -> relay -> ... -> the post that quotes it.

Pure functions over the plain dicts `hubkb.db.lineage.load_chain` reads: who,
where, when, in which language, whether the hop translated the wording, the
wording itself where the corpus has it, word-level differences between two
wordings in one language, and the APA secondary-source citation built from the
chain by `hubkb.citation.secondhand.in_text`, the one every page and command uses
("Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2014)").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..citation.csl import post_to_csl, render
from ..citation.names import name_and_kind
from ..citation.secondhand import giver_short, in_reference_order, in_text, join_short
from .diff import DiffPart, changed, diff_text, word_diff

# A relay published on a site is named by the site; a report or a book by its authors.
_NAMED_BY_SITE = {"blogpost", "webpage", "article"}


@dataclass(frozen=True)
class Hop:
    role: str  # "origin", "relay" or "read"
    label: str  # how the summary names it: "Boyle & Harris", "La 27e Région", "Chatellier"
    who: tuple[str, ...] = ()  # full names of its authors (or of the relay person)
    title: str | None = None
    where: str | None = None  # publisher or site
    date: str | None = None  # as precise as the corpus knows: "2009", "2010-02-07"
    language: str | None = None
    translation: bool = False  # this hop translated the wording it received
    url: str | None = None  # the publication's own address
    table: str | None = None  # where hubkb has a page for it: works, posts or people
    key: str | None = None  # its id in that table
    paragraph: int | None = None  # the read hop: the paragraph holding the passage
    text: str | None = None  # the wording at this hop, when the corpus has it
    reference: str | None = None  # APA reference-list entry
    note: str | None = None
    cited_as: str = ""  # how APA names its people in the text: "Pandelle"

    @property
    def year(self) -> int | None:
        match = re.match(r"\d{4}", self.date or "")
        return int(match.group()) if match else None


@dataclass(frozen=True)
class Difference:
    before: int  # hop indexes (0-based) of the two wordings compared
    after: int
    parts: tuple[DiffPart, ...]

    @property
    def changed(self) -> bool:
        return changed(list(self.parts))


@dataclass(frozen=True)
class Chain:
    kind: str  # "definition", "quote" or "citation" (a reference entry: no wording of its own)
    id: str
    term: str | None
    text: str | None
    hops: tuple[Hop, ...]
    in_text: str
    reference: str
    differences: tuple[Difference, ...] = field(default=())
    relays_of: str | None = None  # a citation whose relays are those a passage of the post gives for the work

    def what(self) -> str:
        """ "definition of coproduction", "quote", "citation of <the work's title>"."""
        if self.kind == "citation":
            return f"citation of {self.hops[0].title}" if self.hops and self.hops[0].title else "citation"
        return f"{self.kind} of {self.term}" if self.term else self.kind

    def summary(self) -> str:
        """One line: "Boyle & Harris 2009 (en) → La 27e Région 2010 (fr, translation) → Chatellier 2014"."""
        return " → ".join(self.summary_hops())

    def summary_hops(self) -> list[str]:
        """Each hop as the summary names it; a language only where it changes."""
        shown: list[str] = []
        previous = None
        for hop in self.hops:
            about = []
            if hop.language and hop.language != previous:
                about.append(hop.language)
            if hop.translation:
                about.append("translation")
            year = f" {hop.year}" if hop.year else ""
            shown.append(f"{hop.label}{year}" + (f" ({', '.join(about)})" if about else ""))
            previous = hop.language or previous
        return shown


def build_chain(data: Mapping[str, Any], lang: str = "fr") -> Chain:
    """The chain of a passage from `load_chain`'s dict: origin (if known), relays in order, the post."""
    work, post = data.get("work"), data["post"]
    givers = list(data.get("by") or [])
    hops: list[Hop] = []
    if work is not None or givers:
        hops.append(_origin(work, givers, lang))
    relays = list(data.get("relays") or [])
    if not relays and data.get("via"):
        relays = [{"person": data["via"]}]  # a relay known by its person only (`via:`)
    for relay in relays:
        hops.append(_relay(relay, lang, hops[-1].language if hops else None))
    # A citation carries no wording: reading it in another language translates nothing.
    before = hops[-1].language if hops and data["kind"] != "citation" else None
    hops.append(_read(post, data, lang, before))
    return Chain(
        kind=data["kind"],
        id=data["id"],
        term=data.get("term"),
        text=data.get("text"),
        hops=tuple(hops),
        in_text=in_text(
            in_reference_order(givers, work) or list((work or {}).get("authors") or []),
            work,
            [{"cited_as": hop.cited_as or hop.label, "year": hop.year} for hop in hops if hop.role == "relay"],
            post,
            lang,
        ),
        reference=hops[-1].reference or "",
        differences=tuple(_differences(hops)),
        relays_of=data.get("relays_of"),
    )


def citable_relays(chain: Chain) -> list[dict[str, Any]]:
    """The chain's relays as `hubkb.citation.secondhand` takes them: who, how APA names them, the year and
    the reference of their publication (None for a relay known by its person only)."""
    return [
        {
            "name": ", ".join(hop.who) or hop.label,
            "cited_as": hop.cited_as or hop.label,
            "year": hop.year,
            "reference": hop.reference,
        }
        for hop in chain.hops
        if hop.role == "relay"
    ]


def _origin(work: Mapping[str, Any] | None, givers: Sequence[Any], lang: str) -> Hop:
    # the givers as the post names them, the work's authors first in its reference entry's order (APA)
    names = in_reference_order(list(givers), work) or (list(work.get("authors") or []) if work else [])
    return Hop(
        role="origin",
        label=_short_names(names, work),
        who=tuple(name_and_kind(a)[0] for a in names),
        title=work.get("title") if work else None,
        where=work.get("publisher") if work else None,
        date=_date_of(work) if work else None,
        language=work.get("language") if work else None,
        url=work.get("url") if work else None,
        table="works" if work else None,
        key=work.get("id") if work else None,
        text=None,
        reference=render(work, "apa", lang) if work else None,  # type: ignore[arg-type]
    )


def _relay(relay: Mapping[str, Any], lang: str, before: str | None) -> Hop:
    work, post, person = relay.get("work"), relay.get("post"), relay.get("person")
    language = (work or post or {}).get("language")
    translation = relay.get("translation")
    if translation is None:  # not said: a change of language is a translation
        translation = bool(language and before and language != before)
    common: dict[str, Any] = {
        "role": "relay",
        "translation": bool(translation),
        "text": relay.get("text"),
        "note": relay.get("note"),
        "language": language,
    }
    if work is not None:
        authors = list(work.get("authors") or []) or ([person] if person else [])
        site = work.get("publisher")
        label = site if site and work.get("type") in _NAMED_BY_SITE else _short_names(authors, work)
        people = [person] if person else authors
        return Hop(
            label=label,
            who=tuple(name_and_kind(a)[0] for a in people),
            cited_as=_short_names(people, work),
            title=work.get("title"),
            where=site,
            date=_date_of(work),
            url=work.get("url"),
            table="works",
            key=work.get("id"),
            reference=render(work, "apa", lang),  # type: ignore[arg-type]
            **common,
        )
    if post is not None:
        people = [person] if person else list(post.get("authors") or [])
        return Hop(
            label=_short_names(post.get("authors") or [], None) or post.get("site") or post["title"],
            who=tuple(name_and_kind(a)[0] for a in people),
            cited_as=_short_names(people, None),
            title=post["title"],
            where=post.get("site"),
            date=post.get("date"),
            url=post.get("url"),
            table="posts",
            key=post["id"],
            reference=render(post_to_csl(post), "apa", lang),  # type: ignore[arg-type]
            **common,
        )
    name = name_and_kind(person)[0] if person else "?"
    return Hop(
        label=_short_names([person], None) if person else "?",
        who=(name,),
        cited_as=_short_names([person], None) if person else "?",
        table="people" if isinstance(person, Mapping) and person.get("id") else None,
        key=person.get("id") if isinstance(person, Mapping) else None,
        **common,
    )


def _read(post: Mapping[str, Any], data: Mapping[str, Any], lang: str, before: str | None) -> Hop:
    language = post.get("language")
    return Hop(
        role="read",
        label=_short_names(post.get("authors") or [], None) or post.get("site") or post["title"],
        who=tuple(name_and_kind(a)[0] for a in post.get("authors") or []),
        title=post["title"],
        where=post.get("site"),
        date=post.get("date"),
        language=language,
        translation=bool(language and before and language != before),
        url=post.get("url"),
        table="posts",
        key=post["id"],
        paragraph=data.get("paragraph"),
        text=data.get("text"),
        reference=render(post_to_csl(post), "apa", lang),  # type: ignore[arg-type]
    )


def _date_of(work: Mapping[str, Any]) -> str | None:
    if work.get("date"):
        return str(work["date"])
    return str(work["year"]) if work.get("year") else None


def _short_names(names: Sequence[Any], work: Mapping[str, Any] | None) -> str:
    """APA in-text names: family names of people, organisations whole; "A & B", "A et al."."""
    return join_short([giver_short(n, work) for n in names])


def _differences(hops: Sequence[Hop]) -> list[Difference]:
    """Each wording against the next wording in the same language, along the chain."""
    found = []
    worded = [i for i, hop in enumerate(hops) if hop.text]
    for n, i in enumerate(worded):
        for j in worded[n + 1 :]:
            if hops[i].language == hops[j].language:
                found.append(Difference(i, j, tuple(word_diff(hops[i].text or "", hops[j].text or ""))))
                break
    return found


def format_chain(chain: Chain) -> str:
    """`hubkb trace` output: the summary, each hop with who, where, when, language, link, wording."""
    lines = [f"{chain.id}: {chain.what()}", chain.summary(), ""]
    for n, hop in enumerate(chain.hops, 1):
        facts = [", ".join(hop.who) or hop.label]
        facts += [x for x in (hop.title, hop.where, hop.date) if x]
        language = hop.language or "language unknown"
        facts.append(f"{language}, translation" if hop.translation else language)
        lines.append(f"{n}. {hop.role}: " + " · ".join(facts))
        link = hop.url or (f"{hop.key}#p{hop.paragraph}" if hop.paragraph else None)
        if link:
            lines.append(f"   {link}")
        if hop.text:
            lines.append(f"   « {hop.text} »")
        elif hop.role != "read" and chain.kind != "citation":  # a reference cites a work, no wording
            lines.append("   (wording not in the corpus)")
    if chain.relays_of:
        lines.append(
            f"(the reference names no relay of its own: these are the ones {chain.relays_of} gives for the work)"
        )
    for d in chain.differences:
        if d.changed:
            lines.append(f"wording {d.before + 1} → {d.after + 1}: {diff_text(list(d.parts))}")
        else:
            lines.append(f"wording {d.before + 1} → {d.after + 1}: unchanged")
    lines += ["", f"APA, in the text: {chain.in_text}", f"APA, reference list: {chain.reference}"]
    return "\n".join(lines)
