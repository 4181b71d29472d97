"""The draft post and its proposals file, and merging accepted proposals into the authority files.

The draft is a corpus post (front matter + body) whose names, terms and works
are either known to the authority files or proposed, with the same spelling,
in `<draft>.proposals.yaml`. Authority files change only when proposals are
accepted (`hubkb import --accept`), by appending entries to their end so that
the files' comments and layout stay as people wrote them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import HubkbError, display_path
from ..read import AUTHORITY_FILES
from ..records import Authorities
from ..text import fold, slugify
from .extract import Extraction
from .references import Reference, publisher_name

_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when PyYAML has it: 10x faster


class _Dumper(_BaseDumper):  # type: ignore[valid-type,misc]
    """Block mappings, flow lists of short names (like the curated corpus), no line folding."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(isinstance(x, str) and len(x) < 80 for x in data) and sum(len(x) for x in data) < 200
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


class BlockList(list):
    """A list always written one item a line (review flags read better that way)."""


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(
    BlockList, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", list(data), flow_style=False)
)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False)


_ITEMS_A_DUMP = 500  # items of a list of mappings dumped at once: ~1 MB of nodes, 1/500 of the calls


def dump_front(front: dict[str, Any]) -> str:
    """`dump(front)`, one key and a run of items of a list of mappings at a time: the same text (the items
    share no list or mapping, so no YAML alias can join them), while the representer never holds the
    nodes of a whole long page's definitions at once (#12.7, memory), nor is called once an item (time)."""
    parts = []
    for key, value in front.items():
        if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
            parts.append(f"{key}:\n")
            parts.extend(dump(value[i : i + _ITEMS_A_DUMP]) for i in range(0, len(value), _ITEMS_A_DUMP))
        else:
            parts.append(dump({key: value}))
    return "".join(parts)


def draft_name(extraction: Extraction, source: Path) -> str:
    date = extraction.date.isoformat() if extraction.date else "undated"
    slug = _slug(extraction.title) if extraction.title else _slug(source.stem)
    return f"{date}-{slug}.md"


def _slug(text: str, max_words: int = 8) -> str:
    """`slugify` (which spells 'manœuvre' in ASCII through `hubkb.text.LIGATURES`); only ASCII survives."""
    return re.sub(r"[^a-z0-9-]", "", slugify(text, max_words)).strip("-") or "untitled"


# --- proposals ------------------------------------------------------------------------------


class Proposals:
    """New authority entries a draft needs, with the ids the draft uses for them."""

    def __init__(self, extraction: Extraction, authorities: Authorities):
        self.source = Path(extraction.source).name  # the scrape, named in each entry's note with its line
        self.e = extraction
        self.taken = {kind: {r.id for r in getattr(authorities, kind)} for kind in AUTHORITY_FILES}
        self.entries: dict[str, list[dict]] = {kind: [] for kind in AUTHORITY_FILES}
        self.work_ids: dict[int, str] = {}  # id(Reference) -> work id in the draft
        self.org_ids: dict[str, str] = {}  # agent key -> organisation id
        self.relay_works = _works_by_author(authorities)
        self._build()

    def _id(self, kind: str, base: str) -> str:
        base = base or kind
        candidate, n = base, 2
        while candidate in self.taken[kind]:
            candidate, n = f"{base}-{n}", n + 1
        self.taken[kind].add(candidate)
        return candidate

    def _build(self) -> None:
        e, names = self.e, self.e.names
        for key in e.organisations():
            agent = names.agents[key]
            if agent.entry_id:
                self.org_ids[key] = agent.entry_id
                continue
            org_id = self._id("organisations", _slug(agent.name))
            self.org_ids[key] = org_id
            entry: dict[str, Any] = {"id": org_id, "name": agent.name}
            aliases = _aliases(agent.name, agent.variants)
            if aliases:
                entry["aliases"] = aliases
            if agent.line:
                entry["note"] = f"seen on line {agent.line} of {self.source}"
            self.entries["organisations"].append(entry)
        for key in e.people():
            agent = names.agents[key]
            if agent.entry_id:
                continue
            entry = {"id": self._id("people", _slug(agent.name)), "name": agent.name}
            if agent.line:
                entry["note"] = f"seen on line {agent.line} of {self.source}"
            aliases = _aliases(agent.name, [v for v in agent.variants if len(v.split()) > 1])
            if aliases:
                entry["aliases"] = aliases
            if agent.organisation and agent.organisation in self.org_ids:
                entry["organisations"] = [self.org_ids[agent.organisation]]
            self.entries["people"].append(entry)
        for name in e.new_authors:
            if not any(fold(p["name"]) == fold(name) for p in self.entries["people"]):
                self.entries["people"].append({"id": self._id("people", _slug(name)), "name": name})
        for ref in e.references:
            self.work_ids[id(ref)] = ref.work_id or self._new_work(ref)
        known = {fold(t) for t in e.names.resolver.terms.exact}
        for p in e.passages:
            if p.kind == "definition" and p.term and fold(p.term) not in known:
                known.add(fold(p.term))
                self.entries["terms"].append({"id": self._id("terms", _slug(p.term)), "label": p.term})

    def _new_work(self, ref: Reference) -> str:
        names = self.e.names
        authors = [names.display(k) for k in ref.authors]
        surnames = [_slug(a).split("-")[-1] for a in authors[:2]]
        base = "-".join(surnames + [str(ref.year)]) if surnames and ref.year else ""  # "boyle-harris-2009"
        title = ref.title or ref.url or ref.raw
        work_id = self._id("works", base or _slug(title, max_words=5))
        entry: dict[str, Any] = {
            "id": work_id,
            "type": ref.type if ref.type in _WORK_TYPES else "other",
            "title": title,
        }
        if authors:
            entry["authors"] = authors
        for key, value in (("year", ref.year), ("publisher", publisher_name(ref, names.resolver)), ("url", ref.url)):
            if value:
                entry[key] = value
        entry["note"] = f"as written: {ref.raw}"
        self.entries["works"].append(entry)
        return work_id

    def as_yaml(self, draft: str) -> str:
        head = (
            f"# Authority entries proposed by `hubkb import` for {draft}.\n"
            "# Review and edit them, then merge them into the corpus with\n"
            "#   hubkb import --accept THIS_FILE\n"
            "# (or import the page again with --accept). Entries already in the corpus are skipped.\n"
        )
        body = {kind: entries for kind, entries in self.entries.items() if entries}
        return head + (dump(body) if body else "{}\n")

    def count(self) -> int:
        return sum(len(v) for v in self.entries.values())


_WORK_TYPES = {"report", "book", "article", "chapter", "video", "webpage", "thesis", "other"}


def _aliases(name: str, variants: list[str]) -> list[str]:
    seen = {fold(name)}
    out = []
    for v in variants:
        if fold(v) not in seen and v.strip():
            seen.add(fold(v))
            out.append(v)
    return out


# --- the draft --------------------------------------------------------------------------------


def draft_text(e: Extraction, proposals: Proposals, source: str) -> str:
    names = e.names
    front: dict[str, Any] = {
        "title": e.title or "",
        "date": e.date or None,
        "authors": list(e.authors),
        "language": _language(e.paragraphs),
        "status": "draft",  # `check` reads it, `build` leaves it out, until the reviewer removes this line
    }
    cited_at: dict[tuple[int, int, int], list[Reference]] = {}  # (paragraph, start, end) -> the references there
    for r in e.references:
        for place in r.body:
            cited_at.setdefault(place, []).append(r)
    if e.references:
        carried = {proposals.work_ids[id(r)] for p in e.passages if p.via and p.work for r in cited_at.get((p.work.n, p.work.start, p.work.end), [])}  # fmt: skip
        front["references"] = [_reference_entry(e, r, proposals, carried) for r in e.references]
    definitions: list[dict[str, Any]] = []
    quotes: list[dict[str, Any]] = []
    for p in e.passages:
        item: dict[str, Any] = {}
        if p.kind == "definition":
            item["term"] = p.term
        item["text"] = p.text
        if p.by:
            by = [names.display(k) for k in p.by]
            item["by"] = by[0] if len(by) == 1 else by
        if p.work:
            ref = next(iter(cited_at.get((p.work.n, p.work.start, p.work.end), [])), None)
            if ref is not None:
                item["work"] = proposals.work_ids[id(ref)]
        if p.via:
            item["via"] = names.display(p.via)
            relay = relay_publication(proposals.relay_works, names.agents[p.via].entry_id, item.get("work"), e.date)
            if relay:
                item["relays"] = [relay]
        if p.note:
            item["note"] = p.note
        (definitions if p.kind == "definition" else quotes).append(item)
    if definitions:
        front["definitions"] = definitions
    if quotes:
        front["quotes"] = quotes
    review = [f"{what} (line {line} of the source)" for line, what in e.review]
    if review:
        front["needs_review"] = BlockList(review)
    head = f"# Imported from {source} by `hubkb import`; review every field, then remove 'status: draft' to publish.\n"
    body = "\n\n".join(e.paragraphs)
    return f"---\n{head}{dump_front(front)}---\n{body}\n"


def _reference_entry(e: Extraction, ref: Reference, proposals: Proposals, carried: set[str]) -> Any:
    """A work id, or `{work, via, relays}` for a work the body says it met second-hand (see below)."""
    work = proposals.work_ids[id(ref)]
    via = None if work in carried else reference_relay(e, ref)
    if via is None:
        return work
    entry: dict[str, Any] = {"work": work, "via": e.names.display(via)}
    relay = relay_publication(proposals.relay_works, e.names.agents[via].entry_id, work, e.date)
    if relay:
        entry["relays"] = [relay]
    return entry


# Rule: a work the body cites with "cité(e)(s) / repris / relayé par X" after it, in the same sentence and
# outside any definition or quote that carries the work (those give their own chain), was met through X:
# "le rapport Us Now, cité par Hubert Guillaud, montre ..." -> {work: us-now, via: Hubert Guillaud}, plus
# X's one known publication as a relay (`relay_publication`).
_REFERENCE_VIA = re.compile(r"[^.!?«»“”]{0,80}?\b(?:cit[ée]+s?|repris(?:es?)?|relay[ée]+s?)\s+par\s+", re.IGNORECASE)


def reference_relay(e: Extraction, ref: Reference) -> str | None:
    """The person (agent key) the body says a cited work came through, or None."""
    for n, _start, end in ref.body:
        text = e.paragraphs[n]
        m = _REFERENCE_VIA.match(text, end)
        if m is None:
            continue
        groups = e.names.groups_in(n, m.end(), len(text))
        if groups and groups[0][0].start - m.end() <= 3 and e.names.agents[groups[0][0].key].kind == "person":
            return groups[0][0].key
    return None


# --- relay publications -------------------------------------------------------------------
#
# Rule: a relay person who wrote exactly one known work, published no later than the post and
# other than the origin, relayed the passage through it. "Michael Harris et David Boyle, cités
# par Laura Prandelle" + works.yaml holding Laura Pandelle's 2010 blog post -> relays: [{work:
# pandelle-2010, translation: true}] (the report is in English, the blog post in French). Two
# candidate works, or none, propose nothing: the reviewer adds the hop by hand.


@dataclass(frozen=True)
class RelayIndex:
    """Who wrote which known work, and each work's year and language."""

    by_author: dict[str, list[str]]  # person id -> work ids
    years: dict[str, int | None]
    languages: dict[str, str | None]


def _works_by_author(authorities: Authorities) -> RelayIndex:
    people = {fold(n): p.id for p in authorities.people for n in (p.name, *p.aliases)}
    by_author: dict[str, list[str]] = {}
    for w in authorities.works:
        for author in w.authors:
            person = people.get(fold(author))
            if person is not None:
                by_author.setdefault(person, []).append(w.id)
    return RelayIndex(
        by_author,
        {w.id: w.fields.get("year") for w in authorities.works},
        {w.id: w.fields.get("language") for w in authorities.works},
    )


def relay_publication(
    index: RelayIndex, person_id: str | None, origin: str | None, date: dt.date | None
) -> dict[str, Any] | None:
    """The relay hop to propose for a passage relayed by `person_id`, or None (see the rule above)."""

    def published_by_then(work: str) -> bool:
        year = index.years[work]
        return date is None or year is None or year <= date.year

    candidates = [w for w in index.by_author.get(person_id or "", []) if w != origin and published_by_then(w)]
    if len(candidates) != 1:
        return None
    hop: dict[str, Any] = {"work": candidates[0]}
    before, after = index.languages.get(origin or ""), index.languages[candidates[0]]
    if before and after and before != after:
        hop["translation"] = True
    return hop


_FRENCH_WORDS = frozenset(("le", "la", "les", "des", "est", "et", "une", "du", "que", "pour", "dans"))
_ENGLISH_WORDS = frozenset(("the", "and", "of", "is", "to", "that", "with", "for"))


def _language(paragraphs: list[str]) -> str:
    french = english = 0
    for paragraph in paragraphs:  # one paragraph's words at a time: a long page's words are never one list
        words = paragraph.lower().split()
        french += sum(map(_FRENCH_WORDS.__contains__, words))  # map: no generator step a word
        english += sum(map(_ENGLISH_WORDS.__contains__, words))
    return "en" if english > french else "fr"


# --- accepting proposals ----------------------------------------------------------------------


def accept(proposals_path: Path, corpus: Path) -> list[str]:
    """Append the entries of a proposals file to the corpus authority files; returns what was added."""
    shown = display_path(proposals_path)
    try:
        data = yaml.safe_load(proposals_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise HubkbError(f"{shown}: cannot read the proposals: {exc}") from None
    if data is None or data == {}:
        return []
    if not isinstance(data, dict) or not set(data) <= set(AUTHORITY_FILES):
        raise HubkbError(f"{shown}: a proposals file maps {', '.join(AUTHORITY_FILES)} to lists of entries")
    added = []
    for kind, filename in AUTHORITY_FILES.items():
        entries = data.get(kind) or []
        if not isinstance(entries, list) or not all(isinstance(x, dict) for x in entries):
            raise HubkbError(f"{shown}: '{kind}' must be a list of entries")
        target = corpus / filename
        existing = _existing(target)
        new = [x for x in entries if not _already(x, kind, existing)]
        if not new:
            continue
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        stamp = dt.date.today().isoformat()
        text += f"# Accepted from {proposals_path.name} on {stamp}.\n" + dump(new)
        target.write_text(text, encoding="utf-8")
        what = (
            kind
            if len(new) != 1
            else {"people": "person", "organisations": "organisation", "works": "work", "terms": "term"}[kind]
        )
        added.append(f"{display_path(target)}: {len(new)} {what} added")
    return added


def _existing(path: Path) -> tuple[set[str], set[str]]:
    if not path.exists():
        return set(), set()
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise HubkbError(
            f"{display_path(path)}: invalid YAML, fix it before accepting proposals: {' '.join(str(exc).split())}"
        ) from None
    ids: set[str] = set()
    names: set[str] = set()
    for e in entries if isinstance(entries, list) else []:
        if isinstance(e, dict):
            label = e.get("name") or e.get("label") or e.get("title") or ""
            ids.add(str(e.get("id") or slugify(str(label))))
            names.update(fold(str(x)) for x in [label, *(e.get("aliases") or [])] if x)
    return ids, names


def _already(entry: dict, kind: str, existing: tuple[set[str], set[str]]) -> bool:
    ids, names = existing
    label = entry.get("name") or entry.get("label") or entry.get("title") or ""
    return str(entry.get("id") or slugify(str(label))) in ids or (kind != "works" and fold(str(label)) in names)


def is_proposals_file(path: Path) -> bool:
    return bool(re.search(r"\.proposals\.ya?ml$", path.name))
