"""People and organisations named in a post: found, merged within the post, resolved.

Known entities are found through the resolver's folded alias tables (exact
match after `fold`, longest alias first). Unknown people are capitalised name shapes
backed by evidence: a common first name, or a slot that only an agent fills
("selon X", "X ajoute que", "cité par X", "la journaliste X", "X (Org)").
Variants merge by family name: "Elinor Ostrom", "E. Ostrom", "Ostrom E.",
"qu’Ostrom". Organisations are known aliases, affiliations ("X (Org)",
"(X, Org)") and names headed by words like Observatoire or Fondation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..resolve import Entry, Resolver
from ..text import fold
from .lexicon import (ACTOR_VERBS, COMMON_ACRONYMS, FIRST_NAMES, NOT_NAMES, ORG_HEADS, ROLE_NOUNS, SPEECH_VERB,
                      STOPWORDS, WORK_NOUNS)

UP = "A-ZÀ-ÖØ-Þ"
LOW = "a-zà-öø-ÿ"
CAP = rf"[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)*"
CAPS = rf"[{UP}]{{2,}}(?:-[{UP}]{{2,}})*"
INITIAL = rf"[{UP}]\.(?:\s?-?[{UP}]\.)?"
PARTICLE = r"(?:de|du|des|da|di|van|von|der|den|le|la|ben|bin|el)"
_NAME_RUN = re.compile(rf"(?<![\w’'-])(?:{CAP})(?:\s+(?:{PARTICLE}\s+)?(?:{CAP}|{CAPS})(?![\w]))+")
_INITIAL_FIRST = re.compile(rf"(?<![\w’'-])({INITIAL})\s?({CAP})(?![\w-])")
_INITIAL_AFTER = re.compile(rf"(?<![\w’'-])({CAP})\s+({INITIAL})(?![\w])")
_ONE_PERSON = re.compile(rf"^(?:{CAP})(?:\s+(?:{PARTICLE}\s+)?(?:{CAP}|{CAPS})){{1,3}}$|^{INITIAL}\s?{CAP}$")
_SINGLE = re.compile(rf"(?<![\w-])(?:[lLdD]['’]|[qQ]u['’])?({CAP}|{CAPS})(?![\w-])")
FOLDED_FIRST_NAMES = frozenset(fold(n) for n in FIRST_NAMES)
FOLDED_NOT_NAMES = frozenset(fold(n) for n in NOT_NAMES | STOPWORDS)
FOLDED_ORG_HEADS = frozenset(fold(n) for n in ORG_HEADS)
FOLDED_STOPWORDS = frozenset(fold(n) for n in STOPWORDS)
_ROLE = "|".join(sorted(map(re.escape, ROLE_NOUNS | WORK_NOUNS | {"travaux"}), key=len, reverse=True))
_LOWER_HEAD = "(?:" + "|".join(sorted(h for h in ORG_HEADS if h.islower())) + ")"
_PHRASE = rf"[{UP}0-9][\w’'-]*(?:\s+(?:de la\s+|de l['’]|des\s+|du\s+|de\s+|d['’]|pour\s+)?[{UP}0-9][\w’'-]*)*"
_ARTICLE = r"(?:(?:la|le|les)\s+|l['’])"
_SLOT_VERB = r"(?:en\s+|le\s+|la\s+|les\s+|l['’])?(?:d[ée]fini|donne|propose|explique|ajoute|rappelle|affirme|estime|" \
             r"souligne|précise|insiste|considère|qualifie|écrit|décrit|résume|déclare|défend|parle|note)"
_SUBJECT_SLOT = re.compile(rf"(?:^|(?<=[.:;!?]\s)|(?<=,\s))(?i:{_ARTICLE})?(?P<a>{_PHRASE})"
                           rf"(?:\s+et\s+(?i:{_ARTICLE})?(?P<b>{_PHRASE}))?\s+(?={_SLOT_VERB})")
_ACCORDING_SLOT = re.compile(rf"\b(?i:selon|d['’]après|pour)\s+(?i:{_ARTICLE})?(?P<a>{_PHRASE}(?:\s+[{LOW}]+)?)(?=\s*,)")
_AGENT_BEFORE = re.compile(
    rf"(?:\b(?:cit[ée]+s?\s+par|repris\w*\s+par|relay[ée]+s?\s+par|selon|d['’]après|entretien avec|interview de)"
    rf"|\b(?:{_ROLE})(?:\s+\w+)?(?:\s+(?:de|d['’]))?)\s*$", re.IGNORECASE)
_AGENT_AFTER = re.compile(r"^\s*(?:,\s*cit[ée]+s?\s+par\b|\(|,\s*(?:qui|dont)\b|,?\s*(?:définit|définissent|a défini|"
                          r"ont défini|donne|donnent|en donne|en donnent|propose|proposent))", re.IGNORECASE)


@dataclass
class Agent:
    """A person or an organisation of the post, with every way the post writes it."""

    kind: str  # "person" or "organisation"
    name: str  # canonical when resolved, else the fullest form written
    variants: list[str] = field(default_factory=list)
    entry_id: str | None = None  # the authority entry it resolved to
    organisation: str | None = None  # key of the affiliated organisation
    seen_in: set[str] = field(default_factory=set)
    fuzzy: str | None = None  # the written form accepted as a close spelling
    line: int = 0

    @property
    def surname(self) -> str:
        words = [w for w in fold(self.name).split() if len(w) > 1]
        return words[-1] if words else ""


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    key: str  # key of the Agent in Names.agents
    group: int  # mentions joined by "et" / "," share a group
    affiliation: bool = False  # an organisation given as someone's affiliation


@dataclass(frozen=True)
class KnownSpan:
    kind: str  # person, organisation, work, term
    id: str
    name: str  # canonical name, label or title
    start: int
    end: int


_WORD = re.compile(r"co[-‐‑]\w+|\w+['’]?")
_ELISIONS = frozenset("l d qu j n s c m t jusqu lorsqu puisqu".split())


class AliasTable:
    """Every folded alias of the resolver's indexes, keyed by its first word, for span lookup."""

    def __init__(self, resolver: Resolver):
        self.table: dict[str, dict[tuple[str, ...], Entry]] = {}
        for index in (resolver.agents, resolver.works, resolver.terms):
            for key, entries in index.exact.items():
                words = tuple(key.split())
                if len(entries) == 1 and words and not (len(words) == 1 and len(words[0]) < 3):
                    self.table.setdefault(words[0], {})[words] = entries[0]
        self.lengths = {first: sorted({len(k) for k in keys}, reverse=True) for first, keys in self.table.items()}

    def spans(self, text: str) -> list[KnownSpan]:
        """Known aliases in `text`, longest match first, without overlaps."""
        words = []
        for m in _WORD.finditer(text):
            word = m.group(0)
            if word[-1] in "'’":
                if word[:-1].lower() in _ELISIONS:
                    continue
                word = word[:-1]
            for part in fold(word).split():
                words.append((part, m.start(), m.start() + len(word)))
        found: list[KnownSpan] = []
        i = 0
        while i < len(words):
            step = 1
            for length in self.lengths.get(words[i][0], ()):
                key = tuple(w[0] for w in words[i:i + length])
                entry = self.table[words[i][0]].get(key) if len(key) == length else None
                if entry:
                    found.append(KnownSpan(entry.kind, entry.id, entry.name, words[i][1], words[i + length - 1][2]))
                    step = length
                    break
            i += step
        return found


class Names:
    """Every person and organisation of one post, and where each paragraph names them."""

    def __init__(self, resolver: Resolver, aliases: AliasTable):
        self.resolver = resolver
        self.aliases = aliases
        self.agents: dict[str, Agent] = {}
        self.mentions: list[list[Mention]] = []
        self.known: list[list[KnownSpan]] = []
        self.blocked: list[list[tuple[int, int]]] = []  # spans no name may overlap (work titles)
        self.messages: list[tuple[int, str]] = []
        self._group = 0

    # --- registering --------------------------------------------------------

    def person(self, written: str, seen_in: str, line: int = 0) -> str:
        """The key of the person written `written`, merged with the post's other forms."""
        written = _clean(written)
        parts = _name_parts(written)
        key = self._match_person(parts)
        if key is None:
            key = f"person:{len(self.agents)}"
            self.agents[key] = Agent("person", written, line=line)
        agent = self.agents[key]
        if written not in agent.variants:
            agent.variants.append(written)
        agent.seen_in.add(seen_in)
        if agent.entry_id is None:
            self._resolve(agent, written, "person", line)
        if agent.entry_id is None and _fullness(parts) > _fullness(_name_parts(agent.name)):
            agent.name = written
        return key

    def organisation(self, written: str, seen_in: str, line: int = 0) -> str:
        written = _clean(written)
        if self.resolver.agents.lookup(written) is None:
            written = strip_article(written)
        match = self.resolver.agents.lookup(written)
        folded = _org_key(written)
        for key, agent in self.agents.items():
            same_entry = match is not None and agent.entry_id == match.entry.id
            if agent.kind == "organisation" and (same_entry or _org_key(agent.name) == folded
                                                 or folded in (_org_key(v) for v in agent.variants)):
                if agent.entry_id is None and len(written) > len(agent.name):
                    agent.name = written  # "La 27e Région" is fuller than "27e Région"
                break
        else:
            key = f"organisation:{len(self.agents)}"
            self.agents[key] = Agent("organisation", written, line=line)
            self._resolve(self.agents[key], written, "organisation", line)
        agent = self.agents[key]
        if written not in agent.variants:
            agent.variants.append(written)
        agent.seen_in.add(seen_in)
        return key

    def _resolve(self, agent: Agent, written: str, kind: str, line: int) -> None:
        match = self.resolver.agents.lookup(written)
        if match is None or match.entry.kind != kind:
            return
        agent.entry_id, agent.name = match.entry.id, match.entry.name
        if not match.exact:
            agent.fuzzy = written
            self.messages.append((line, f"'{written}' taken as {kind} '{match.entry.name}' "
                                        f"(a close spelling, {match.score:.0f}%); check it"))

    def _match_person(self, parts: tuple[str, str]) -> str | None:
        first, surname = parts
        if not surname:
            return None
        candidates = [k for k, a in self.agents.items() if a.kind == "person"
                      and any(_name_parts(v)[1] == surname for v in [a.name, *a.variants])]
        if not first:
            return candidates[0] if len(candidates) == 1 else None
        for key in candidates:
            forms = [_name_parts(v)[0] for v in [self.agents[key].name, *self.agents[key].variants]]
            if any(_compatible(first, f) for f in forms):
                return key
        return None

    # --- scanning -----------------------------------------------------------

    def scan(self, paragraphs: list[str], lines: list[int]) -> None:
        """Find the people and organisations of every paragraph (two passes: full names, then short forms)."""
        self.mentions = [[] for _ in paragraphs]
        self.known = [self.aliases.spans(p) for p in paragraphs]
        self.blocked = [[] for _ in paragraphs]
        for n, text in enumerate(paragraphs):
            self._full_names(n, text, lines[n])
        for n, text in enumerate(paragraphs):
            self._slots(n, text, lines[n])
            self._acronyms_and_actors(n, text, lines[n])
        for n, text in enumerate(paragraphs):
            self._short_forms(n, text, lines[n])
            self._organisation_forms(n, text)
            self._affiliations(n, text, lines[n])
            self.mentions[n].sort(key=lambda m: m.start)

    def _add(self, n: int, start: int, end: int, key: str, affiliation: bool = False) -> bool:
        if any(m.start < end and start < m.end for m in self.mentions[n]):
            return False
        if any(s <= start and end <= e for s, e in self.blocked[n]):
            return False
        self._group += 1
        self.mentions[n].append(Mention(start, end, key, self._group, affiliation))
        return True

    def _full_names(self, n: int, text: str, line: int) -> None:
        for span in self.known[n]:
            if span.kind in ("person", "organisation"):
                surface = text[span.start:span.end]
                if span.kind == "organisation" and " " not in surface and not any(c.isupper() for c in surface):
                    continue  # a lowercase one-word alias is too weak a signal
                label = span.name
                key = self.person(label, "body", line) if span.kind == "person" else self.organisation(label, "body", line)
                if surface not in self.agents[key].variants:
                    self.agents[key].variants.append(surface)
                self._add(n, span.start, span.end, key)
        taken = [(s.start, s.end) for s in self.known[n]]
        for m in _NAME_RUN.finditer(text):
            start, name = _trim_run(m.start(), m.group(0))
            if name is None or any(s < start + len(name) and start < e for s, e in taken):
                continue
            end = start + len(name)
            if self._is_person(name, text, start, end):
                self._add(n, start, end, self.person(name, "body", line))
        for m in _INITIAL_FIRST.finditer(text):
            if fold(m.group(2)) not in FOLDED_NOT_NAMES | FOLDED_ORG_HEADS:
                self._add(n, m.start(), m.end(), self.person(m.group(0), "body", line))
        self._org_heads(n, text, line, taken)

    def _is_person(self, name: str, text: str, start: int, end: int) -> bool:
        words = name.split()
        folded = [fold(w) for w in words]
        if any(f in FOLDED_NOT_NAMES and not (0 < i < len(words) - 1 and re.fullmatch(PARTICLE, w, re.IGNORECASE))
               for i, (f, w) in enumerate(zip(folded, words))):
            return False
        if any(f in FOLDED_ORG_HEADS for f in folded):
            return False
        match = self.resolver.people.lookup(name)
        if match is not None:
            return True
        if folded[0].split()[0] in FOLDED_FIRST_NAMES and len(words) <= 4:
            return True
        before, after = text[max(0, start - 60):start], text[end:end + 60]
        return bool(_AGENT_BEFORE.search(before) or _AGENT_AFTER.match(after) or SPEECH_VERB.match(after.lstrip()))

    def _org_heads(self, n: int, text: str, line: int, taken: list[tuple[int, int]]) -> None:
        for m in re.finditer(rf"(?<![\w-])([{UP}][{LOW}]+)", text):
            if fold(m.group(1)) not in FOLDED_ORG_HEADS:
                continue
            end = _org_extent(text, m.end())
            name = text[m.start():end].rstrip(" ,")
            if end == m.end() or any(s < end and m.start() < e for s, e in taken):
                continue
            after_article = re.search(r"(?:\b(?:la|le|les)\s+|\b[l]['’])$", text[:m.start()])
            if len(name.split()) < 2 or not (re.search(rf"\s[{UP}]|\s(?:de|des|du|pour)\s", name) or after_article):
                continue
            self._add(n, m.start(), m.start() + len(name), self.organisation(name, "body", line))

    def _slots(self, n: int, text: str, line: int) -> None:
        """Names only an agent fills: the subject of 'définit' or 'ajoute', 'selon X,'."""
        for m in [*_SUBJECT_SLOT.finditer(text), *_ACCORDING_SLOT.finditer(text)]:
            for group in ("a", "b"):
                if group not in m.groupdict() or not m.group(group):
                    continue
                start, end = m.span(group)
                name = m.group(group)
                if fold(name) in FOLDED_NOT_NAMES or any(x.start < end and start < x.end for x in self.mentions[n]):
                    continue
                words = [w for w in name.split() if not re.fullmatch(PARTICLE, w, re.IGNORECASE)]
                if _ONE_PERSON.match(name) and not any(fold(w) in FOLDED_ORG_HEADS | FOLDED_NOT_NAMES for w in words):
                    self._add(n, start, end, self.person(name, "body", line))
                else:
                    self._add(n, start, end, self.organisation(name, "body", line))

    def _acronyms_and_actors(self, n: int, text: str, line: int) -> None:
        """'au MIT', 'le réseau ENoLL', 'la Fing a accompagné': organisations by shape and slot."""
        for m in re.finditer(rf"(?<=\s)(?:(?i:au|aux|du|des|de|d['’]|le|la|les|l['’]|par|avec|chez|pour|selon|et|réseau)\s*)"
                             rf"(?P<name>[{UP}][\w-]*[{UP}][\w-]*)(?![\w’'-])", " " + text):
            name, start = m.group("name"), m.start("name") - 1
            if name in COMMON_ACRONYMS or len(name) > 12 or not re.fullmatch(r"[\w-]+", name):
                continue
            if fold(name) in FOLDED_NOT_NAMES:
                continue
            if not any(x.start < start + len(name) and start < x.end for x in self.mentions[n]):
                self._add(n, start, start + len(name), self.organisation(name, "body", line))
        for m in re.finditer(rf"(?<![\w’'])(?:la|le|les|l['’])\s*(?P<name>{CAP})\s+(?P<verb>\w+)", text):
            name, verb = m.group("name"), m.group("verb")
            if verb not in ACTOR_VERBS or fold(name) in FOLDED_NOT_NAMES | FOLDED_FIRST_NAMES | FOLDED_ORG_HEADS:
                continue
            if self.resolver.terms.lookup(name) is not None:
                continue
            start, end = m.span("name")
            if not any(x.start < end and start < x.end for x in self.mentions[n]):
                self._add(n, start, end, self.organisation(name, "body", line))

    def _organisation_forms(self, n: int, text: str) -> None:
        """An organisation found once is found wherever the post writes it the same way."""
        for key, agent in list(self.agents.items()):
            if agent.kind != "organisation":
                continue
            for variant in agent.variants:
                if len(variant) < 3:
                    continue
                for m in re.finditer(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", text):
                    self._add(n, m.start(), m.end(), key)

    def _short_forms(self, n: int, text: str, line: int) -> None:
        """'Ostrom E.', 'qu’Ostrom', 'Harris': a family name of someone the post already names in full."""
        surnames = {a.surname: k for k, a in self.agents.items() if a.kind == "person" and a.surname}
        for m in _INITIAL_AFTER.finditer(text):
            if fold(m.group(1)) in surnames:
                self._add(n, m.start(), m.end(), self.person(f"{m.group(2)} {m.group(1)}", "body", line))
        for m in _SINGLE.finditer(text):
            key = surnames.get(fold(m.group(1)))
            if key and self._add(n, m.start(1), m.end(1), key) and m.group(1) not in self.agents[key].variants:
                self.agents[key].variants.append(m.group(1))

    def _affiliations(self, n: int, text: str, line: int) -> None:
        """'X (Org)', '(X, Org)', 'X, de Org': the organisation a person is stated to belong to."""
        for mention in list(self.mentions[n]):
            agent = self.agents[mention.key]
            if agent.kind != "person":
                continue
            after = text[mention.end:]
            m = re.match(r"\s*\(([^()]{2,80})\)", after)
            listed = False  # "(Gilles Pradeau, Démocratie Ouverte)": what follows the name is its organisation
            if m is None and text[:mention.start].rstrip().endswith("("):
                m = re.match(r",\s*([^()]{2,80})\)", after)
                listed = m is not None
            if m is None:
                m = re.match(rf",\s*(?:(?:{_ROLE})(?:\s+[{LOW}]+)?\s+)?(?:de la|de l['’]|du|de|d['’]|chez|à la|à l['’]|au)\s*"
                             rf"((?:[{UP}0-9]|{_LOWER_HEAD}\s)[^,;:()«»“”\"]{{1,80}}?)(?=\s*(?:[,;:)]|\.(?:\s|$)|$))", after)
                if m and (len(m.group(1).split()) > 8 or not re.search(rf"(?:^|\s)[{UP}0-9]", m.group(1))):
                    m = None
            if m is None:
                continue
            written = _trim_adjectives(re.split(r",\s*", m.group(1).strip())[0])
            if not _org_shaped(written, listed) or self._person_key(written):
                continue
            start = mention.end + m.start(1)
            if fold(written.split()[0]) in FOLDED_ORG_HEADS:
                written = written[0].upper() + written[1:]  # "université Paris 8" names "Université Paris 8"
            key = self.organisation(written, "body", line)
            agent.organisation = agent.organisation or key
            self.mentions[n] = [x for x in self.mentions[n] if not (x.start < start + len(written) and start < x.end)]
            self._add(n, start, start + len(written), key, affiliation=True)

    def _person_key(self, written: str) -> str | None:
        folded = fold(written)
        for key, agent in self.agents.items():
            if agent.kind == "person" and folded in (fold(v) for v in [agent.name, *agent.variants]):
                return key
        return None

    # --- reading back -------------------------------------------------------

    def groups_in(self, n: int, start: int, end: int, *, affiliations: bool = False) -> list[list[Mention]]:
        """Mentions inside [start, end) of paragraph n, grouped ("A et B" is one group), in text order."""
        groups: dict[int, list[Mention]] = {}
        for m in self.mentions[n]:
            if start <= m.start and m.end <= end and (affiliations or not m.affiliation):
                groups.setdefault(m.group, []).append(m)
        return list(groups.values())

    def regroup(self, n: int, text: str) -> None:
        """Mentions joined only by 'et', ',' or '&' share a group."""
        ms = self.mentions[n]
        for i in range(1, len(ms)):
            between = text[ms[i - 1].end:ms[i].start]
            if re.fullmatch(r"\s*(?:,|et|&|and|,\s*et)\s*(?:(?:la|le|les)\s+|l['’])?", between) and not ms[i].affiliation and not ms[i - 1].affiliation:
                ms[i] = Mention(ms[i].start, ms[i].end, ms[i].key, ms[i - 1].group, ms[i].affiliation)

    def block(self, n: int, start: int, end: int) -> None:
        """A span that is a work's title: no person or organisation inside it."""
        self.blocked[n].append((start, end))
        self.mentions[n] = [m for m in self.mentions[n] if not (start <= m.start and m.end <= end)]

    def display(self, key: str) -> str:
        return self.agents[key].name

    def used(self) -> set[str]:
        keys = {m.key for ms in self.mentions for m in ms}
        keys |= {k for k, a in self.agents.items() if "references" in a.seen_in or "passage" in a.seen_in}
        return keys


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" ,;:()")
    if not re.search(rf"(?:^|\s)[{UP}]\.$", text):
        text = text.rstrip(".")
    return text


def strip_article(text: str) -> str:
    """'la Fing' -> 'Fing'; a capitalised article belongs to the name ('La 27e Région', 'Les Liens qui Libèrent')."""
    return re.sub(r"^(?:(?:les|la|le)\s+|l['’]\s*)(?=\w)", "", text)


def _trim_adjectives(name: str) -> str:
    """'MindLab danois' -> 'MindLab'; 'Agence nationale de la recherche' keeps its words after 'de la'."""
    words = name.split()
    while len(words) > 1 and words[-1][0].islower() and not re.fullmatch(
            r"(?:de|du|des|la|le|les|pour|et|en|sur|aux?)|[dl]['’]\S*", words[-2]) and not words[-2][0].islower():
        words.pop()
    return " ".join(words)


def _org_key(name: str) -> str:
    return fold(re.sub(r"^(?i:(?:les|la|le)\s+|l['’]\s*)", "", name))


def _name_parts(name: str) -> tuple[str, str]:
    """(first name or initial, family name), folded; initials may come after the family name."""
    words = [w for w in re.split(r"\s+", name.strip()) if w]
    initials = [w for w in words if re.fullmatch(rf"(?:[{UP}]\.-?)+", w)]
    rest = [w for w in words if w not in initials]
    if not rest:
        return "", ""
    if initials:
        return fold(initials[0])[:1], fold(rest[-1]).split()[-1] if fold(rest[-1]) else ""
    if len(rest) == 1:
        folded = fold(rest[0])
        return "", folded.split()[-1] if folded else ""
    first, last = fold(rest[0]), fold(" ".join(rest[1:]))
    return first, (last.split()[-1] if last else "")


def _compatible(a: str, b: str) -> bool:
    if not a or not b:
        return True
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _fullness(parts: tuple[str, str]) -> int:
    return (len(parts[0]) > 1) * 2 + bool(parts[0]) + bool(parts[1])


def _trim_run(start: int, run: str) -> tuple[int, str | None]:
    """Drop sentence-initial words ('Selon', 'Pour') and dangling particles from a run of capitalised words."""
    words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", run)]
    while words and (fold(words[0][2]) in FOLDED_NOT_NAMES or re.fullmatch(PARTICLE, words[0][2], re.IGNORECASE)):
        words.pop(0)
    while words and re.fullmatch(PARTICLE, words[-1][2], re.IGNORECASE):
        words.pop()
    if len(words) < 2:
        return start, None
    return start + words[0][0], run[words[0][0]:words[-1][1]]


_CONNECTOR = re.compile(r"\s+(?:(?:et\s+)?(?:de la|de l['’]|des|du|de|d['’]|pour la|pour le|pour les|pour l['’]|en|sur|aux|à la|au)\s*)")


def _org_extent(text: str, pos: int) -> int:
    """Where an organisation's name that starts before `pos` ends: connectors and words, up to punctuation."""
    end = pos
    while True:
        m = _CONNECTOR.match(text, end)
        if m:
            w = re.match(r"[\w’'-]+", text[m.end():])
            if not w or fold(w.group(0)) in FOLDED_STOPWORDS and not w.group(0)[0].isupper():
                return end
            end = m.end() + w.end()
            continue
        w = re.match(rf"\s+([{UP}][\w’'-]*|[{LOW}]+(?:ale?s?|aux|ique|iques|if|ive|ifs|ives|elle|el|aire|aires|ien|ienne"
                     rf"|éen|éenne|éens|éennes|ain|aine|ains|aines|ais|aise|ois|oise|ale|ales))(?![\w’'])", text[end:])
        if w and fold(w.group(1)) not in FOLDED_STOPWORDS:
            end += w.end()
            continue
        return end


def _org_shaped(text: str, listed: bool = False) -> bool:
    """An affiliation: capitalised, short, not a year, a page or a role."""
    if not text or len(text.split()) > 10:
        return False
    if not (text[0].isupper() or text[0].isdigit() or fold(text.split()[0]) in FOLDED_ORG_HEADS
            or re.match(r"[a-z]+[A-Z]", text)):  # "iMinds"
        return False
    if re.fullmatch(r"[\d\s/.,-]+|(?:p|pp|vol|n°|dir|éd|ed|eds)(?:\.|\s).*|vostf|vf|pdf|en|fr", text, re.IGNORECASE):
        return False
    if listed and fold(text.split()[0]) not in FOLDED_FIRST_NAMES:
        return True
    return not re.fullmatch(rf"{CAP}(?:\s+{CAP})+", text) or any(fold(w) in FOLDED_ORG_HEADS for w in text.split())
