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

from ..resolve import Resolver
from ..text import fold
from .aliases import AliasTable, KnownSpan
from .gates import holds_any, ignorecase_lower
from .lexicon import (
    ACRONYM_AFTER,
    ACTOR_VERBS,
    AFFILIATION_SLOT,
    AFFILIATION_VERBS,
    AUTHOR_YEAR_CITATION,
    COMMON_ACRONYMS,
    LOWER_ORG_NAME,
    LOWER_ORG_WORDS,
    MAX_NER_PERSON_WORDS,
    ORG_INTRO_NOUNS,
    SPEECH_VERB,
)
from .nlp import Entities
from .shapes import (
    ACCORDING_SLOT,
    AFFILIATION_ROLE,
    AGENT_AFTER,
    AGENT_BEFORE,
    CAP,
    FOLDED_NOT_NAMES,
    FOLDED_ORG_HEADS,
    INITIAL_AFTER,
    INITIAL_FIRST,
    INTERVIEW_SLOT,
    INTRODUCED_ORGANISATION,
    LOW,
    LOWER_HEAD,
    NAME_RUN,
    ONE_PERSON,
    ORG_INTRO,
    PARTICLE,
    SINGLE,
    SLOT_VERB_WORDS,
    SUBJECT_SLOT,
    UP,
    clean_name,
    compatible,
    fullness,
    name_parts,
    org_extent,
    org_key,
    org_shaped,
    strip_article,
    strip_intro_noun,
    trim_adjectives,
    trim_run,
)

_PERSON_PAIR = rf"[{UP}][{LOW}’'-]+(?:\s+(?:{PARTICLE}\s+)?[{UP}][{LOW}’'-]+){{1,2}}"
# Evidence from a neighbour: a speech verb after a quotation, or a person it is coordinated with.
_INVERTED_SPEAKER = re.compile(r"[»”\"]\s*,\s*(?:" + SPEECH_VERB.pattern + r")\s+$", re.IGNORECASE)
_PARTNER_AFTER = re.compile(rf"\s+(?:et|&)\s+(?P<name>{_PERSON_PAIR})(?![\w’'-])")
_PARTNER_BEFORE = re.compile(rf"(?<![\w’'-])(?P<name>{_PERSON_PAIR})\s+(?:et|&)\s+$")
# Words the slot patterns cannot match without (gates.py): ACCORDING_SLOT, INTERVIEW_SLOT (lowered), LOWER_ORG_NAME
_ACCORDING_WORDS = ("selon", "d'après", "d’après", "pour")  # and the comma after the name
_INTERVIEW_WORDS = ("entretien", "interview", "tribune")
_INITIAL_STOP = re.compile(rf"[{UP}]\.")  # INITIAL_FIRST and INITIAL_AFTER hold an initial
# The patterns of the slots below, compiled once (#12.7: built and looked up again for every mention of a page)
_CAPITALISED = re.compile(rf"(?<![\w-])([{UP}][{LOW}]+)")
_ORG_HEAD_AFTER_ARTICLE = re.compile(r"(?:\b(?:la|le|les)\s+|\b[l]['’])$")
_ORG_NAME_SHAPE = re.compile(rf"\s[{UP}]|\s(?:de|des|du|pour)\s")
_ACRONYM_SHAPE = re.compile(rf"[{LOW}][{UP}]|[{UP}]{{2}}")
_ACRONYM_SLOT = re.compile(
    rf"(?<=\s)(?:(?i:au|aux|du|des|de|d['’]|le|la|les|l['’]|par|avec|chez|pour|selon|et|réseau)\s*)"
    rf"(?P<name>[{UP}][\w-]*[{UP}][\w-]*)(?![\w’'-])"
)
_WORD_CHARS = re.compile(r"[\w-]+")
_ACTOR_SLOT = re.compile(rf"(?<![\w’'])(?i:la|le|les|l['’])\s*(?P<name>{CAP})\s+(?P<verb>\w+)")
_AFFILIATION_PARENS = re.compile(r"\s*\(([^()]{2,80})\)")
_AFFILIATION_LISTED = re.compile(r",\s*([^()]{2,80})\)")
_AFFILIATION_RELATIVE = re.compile(
    rf",\s*qui\s+(?:{AFFILIATION_VERBS})\s+(?:(?:l['’]|le\s+|la\s+|les\s+)(?:(?:{ORG_INTRO})\s+)?)?"
    rf"([{UP}0-9][^,;:()«»“”\"]{{1,80}}?)(?=\s*(?:[,;:)]|\.(?:\s|$)|$))"
)
_AFFILIATION_ROLE_BEFORE = re.compile(
    rf"(?:^|[.;!?]\s+)(?i:{AFFILIATION_ROLE})\s+(?:de la|de l['’]|du|de|d['’]|à la|à l['’]|au)\s*"
    rf"([{UP}][^,;:()«»“”\"]{{1,60}}?)(?:\s+(?:depuis|en|à|pour)\b[^,.]{{0,40}})?,\s*$"
)
_AFFILIATION_AFTER = re.compile(
    rf",\s*(?:(?:{AFFILIATION_ROLE})(?:\s+(?:d['’]|de\s+la\s+|de\s+l['’]|de\s+|du\s+)?[{LOW}]+(?:\s+[{LOW}]+)?)?\s+)?(?:(?:au sein|auprès|membre)\s+(?:de la|de l['’]|du|des|de|d['’])|de la|de l['’]|du|de|d['’]|chez|à la|à l['’]|au)\s*"
    rf"((?:[{UP}0-9]|{LOWER_HEAD}\s)[^,;:()«»“”\"]{{1,80}}?)(?=\s*(?:[,;:)]|\.(?:\s|$)|$))"
)
_CAPITALISED_WORD = re.compile(rf"(?:^|\s)[{UP}0-9]")
_AND_LOWER = re.compile(rf"\s+et\s+(?=[{LOW}])")
_COMMA = re.compile(r",\s*")
_NOT_NAMES_OR_HEADS = FOLDED_NOT_NAMES | FOLDED_ORG_HEADS  # once, not at every word tested
_JOINED = re.compile(r"\s*(?:,|et|&|and|,\s*et)\s*(?:(?:la|le|les)\s+|l['’])?")  # what joins a group's names
_TWO_CAPITALS = re.compile(rf"[{UP}][\w-]*[{UP}]")  # _ACRONYM_SLOT's name holds them


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


class Names:
    """Every person and organisation of one post, and where each paragraph names them."""

    def __init__(self, resolver: Resolver, aliases: AliasTable, ner: Entities | None = None):
        self.resolver = resolver
        self.aliases = aliases
        self.ner = ner or Entities()  # what the French model says of the post's capitalised runs
        self.agents: dict[str, Agent] = {}
        self.mentions: list[list[Mention]] = []
        self.known: list[list[KnownSpan]] = []
        self.blocked: list[list[tuple[int, int]]] = []  # spans no name may overlap (work titles)
        self.messages: list[tuple[int, str]] = []
        self._group = 0
        self._by_surname: dict[str, list[str]] = {}
        self.cited_surnames: set[str] = set()  # folded family name -> person keys (linear lookups)
        # (forms added when built, the pattern of every organisation form, form -> key)
        self._org_pattern: tuple[int, re.Pattern[str] | None, dict[str, str]] = (-1, None, {})
        self._forms_added = 0  # written forms recorded so far
        self._org_forms_added = 0  # written forms of organisations recorded so far (the organisation pattern's version)
        # (len(agents), forms added, renames) when the cache was filled, and (first, family) -> _match_person's key
        self._person_matches: tuple[tuple[int, int, int], dict[tuple[str, str], str | None]] = ((-1, -1, -1), {})
        self._surname_cache: tuple[tuple[int, int], dict[str, str]] = ((-1, -1), {})
        self._renames = 0  # how many times an agent's display name changed (the surname table's version)

    # --- registering --------------------------------------------------------

    def person(self, written: str, seen_in: str, line: int = 0) -> str:
        """The key of the person written `written`, merged with the post's other forms."""
        written = clean_name(written)
        parts = name_parts(written)
        key = self._match_person(parts)
        if key is None:
            key = f"person:{len(self.agents)}"
            self.agents[key] = Agent("person", written, line=line)
            self._index_person(key, written)
        agent = self.agents[key]
        self.add_variant(key, written)
        agent.seen_in.add(seen_in)
        if agent.entry_id is None:
            self._resolve(agent, written, "person", line)
            self._index_person(key, agent.name)
        if agent.entry_id is None and fullness(parts) > fullness(name_parts(agent.name)):
            agent.name = written
            self._renames += 1
        return key

    def organisation(self, written: str, seen_in: str, line: int = 0) -> str:
        written = clean_name(written)
        if self.resolver.agents.lookup(written) is None:
            written = strip_article(written)
        match = self.resolver.agents.lookup(written)
        folded = org_key(written)
        for key, agent in self.agents.items():  # noqa: B007 - `key` names the match after the loop
            same_entry = match is not None and agent.entry_id == match.entry.id
            if agent.kind == "organisation" and (
                same_entry or org_key(agent.name) == folded or folded in (org_key(v) for v in agent.variants)
            ):
                if agent.entry_id is None and len(written) > len(agent.name):
                    agent.name = written  # "La 27e Région" is fuller than "27e Région"
                    self._renames += 1
                break
        else:
            key = f"organisation:{len(self.agents)}"
            self.agents[key] = Agent("organisation", written, line=line)
            self._resolve(self.agents[key], written, "organisation", line)
        agent = self.agents[key]
        self.add_variant(key, written)
        agent.seen_in.add(seen_in)
        return key

    def add_variant(self, key: str, written: str) -> None:
        """Record a written form of an agent (and index a person's family name)."""
        agent = self.agents[key]
        if written not in agent.variants:
            agent.variants.append(written)
            self._forms_added += 1
            if agent.kind == "organisation":
                self._org_forms_added += 1
            if agent.kind == "person":
                self._index_person(key, written)

    def _index_person(self, key: str, written: str) -> None:
        surname = name_parts(written)[1]
        if surname and key not in self._by_surname.setdefault(surname, []):
            self._by_surname[surname].append(key)

    def _resolve(self, agent: Agent, written: str, kind: str, line: int) -> None:
        match = self.resolver.agents.lookup(written)
        if match is None or match.entry.kind != kind:
            return
        agent.entry_id, agent.name = match.entry.id, match.entry.name
        self._renames += 1
        if not match.exact:
            agent.fuzzy = written
            self.messages.append(
                (
                    line,
                    f"'{written}' taken as {kind} '{match.entry.name}' "
                    f"(a close spelling, {match.score:.0f}%); check it",
                )
            )

    def _match_person(self, parts: tuple[str, str]) -> str | None:
        """The person `parts` names, remembered until an agent, a written form or a name changes (#12.7: every
        mention of a page asked it again, comparing its first name with every form of each namesake)."""
        state = (len(self.agents), self._forms_added, self._renames)
        if self._person_matches[0] != state:
            self._person_matches = (state, {})
        known = self._person_matches[1]
        if parts not in known:
            known[parts] = self._find_person(parts)
        return known[parts]

    def _find_person(self, parts: tuple[str, str]) -> str | None:
        first, surname = parts
        if not surname:
            return None
        candidates = self._by_surname.get(surname, [])
        if not first:
            return candidates[0] if len(candidates) == 1 else None
        for key in candidates:
            forms = [name_parts(v)[0] for v in [self.agents[key].name, *self.agents[key].variants]]
            if any(compatible(first, f) for f in forms):
                return key
        return None

    # --- scanning -----------------------------------------------------------

    def scan(self, paragraphs: list[str], lines: list[int]) -> None:
        """Find the people and organisations of every paragraph (two passes: full names, then short forms)."""
        self.mentions = [[] for _ in paragraphs]
        self.cited_surnames = {  # family names of author–year citations: "(Durand & Okafor, 2016)"
            fold(w)
            for text in paragraphs
            for m in AUTHOR_YEAR_CITATION.finditer(text)
            for w in re.split(r"\s*(?:&|,|\bet\b|\band\b)\s*", m.group("names"))
            if w
        }
        self.known = [self.aliases.spans(p) for p in paragraphs]
        self.blocked = [[] for _ in paragraphs]
        for n, text in enumerate(paragraphs):
            self._full_names(n, text, lines[n])
            self._acronym_aliases(n, text)
        for n, text in enumerate(paragraphs):
            self._slots(n, text, lines[n])
            self._acronyms_and_actors(n, text, lines[n])
            self._introduced_organisations(n, text, lines[n])
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
                surface = text[span.start : span.end]
                if span.kind == "organisation" and " " not in surface and not any(c.isupper() for c in surface):
                    continue  # a lowercase one-word alias is too weak a signal
                label = span.name
                key = (
                    self.person(label, "body", line)
                    if span.kind == "person"
                    else self.organisation(label, "body", line)
                )
                self.add_variant(key, surface)
                self._add(n, span.start, span.end, key)
        taken = [(s.start, s.end) for s in self.known[n]]
        for m in NAME_RUN.finditer(text):
            start, name = trim_run(m.start(), m.group(0))
            if name is None or any(s < start + len(name) and start < e for s, e in taken):
                continue
            end = start + len(name)
            if self._is_person(name, text, start, end):
                self._add(n, start, end, self.person(name, "body", line))
        for m in INITIAL_FIRST.finditer(text) if _INITIAL_STOP.search(text) else ():
            if fold(m.group(2)) not in _NOT_NAMES_OR_HEADS:
                self._add(n, m.start(), m.end(), self.person(m.group(0), "body", line))
        self._org_heads(n, text, line, taken)

    def _is_person(self, name: str, text: str, start: int, end: int) -> bool:
        words = name.split()
        folded = [fold(w) for w in words]
        if any(
            f in FOLDED_NOT_NAMES and not (0 < i < len(words) - 1 and re.fullmatch(PARTICLE, w, re.IGNORECASE))
            for i, (f, w) in enumerate(zip(folded, words))
        ):
            return False
        if any(f in FOLDED_ORG_HEADS for f in folded):
            return False
        match = self.resolver.people.lookup(name)
        if match is not None:
            return True
        before, after = text[max(0, start - 60) : start], text[end : end + 60]
        if AFFILIATION_SLOT.search(before):  # "(Gilles Pradeau, Démocratie Ouverte)": the slot of an organisation
            return False
        if len(words) <= MAX_NER_PERSON_WORDS and self.ner.is_person(name):
            return True
        if fold(words[-1]) in self.cited_surnames:  # "Avec Obi Okafor, … (Durand & Okafor, 2016)"
            return True
        if AGENT_BEFORE.search(before) or AGENT_AFTER.match(after) or SPEECH_VERB.match(after.lstrip(" ,")):
            return True
        if _INVERTED_SPEAKER.search(before):  # "« … », estime Daniela Patti"
            return True
        partner = _PARTNER_AFTER.match(after) or _PARTNER_BEFORE.search(before)
        return bool(partner and self._plain_person(partner.group("name")))  # "Sheila Foster et Christian Iaione"

    def _plain_person(self, name: str) -> bool:
        """A name that is a person by itself: known, or a common first name and a family name."""
        words = name.split()
        if len(words) < 2 or any(fold(w) in _NOT_NAMES_OR_HEADS for w in words):
            return False
        return self.resolver.people.lookup(name) is not None or self.ner.is_person(name)

    def _org_heads(self, n: int, text: str, line: int, taken: list[tuple[int, int]]) -> None:
        for m in _CAPITALISED.finditer(text):
            if fold(m.group(1)) not in FOLDED_ORG_HEADS:
                continue
            end = org_extent(text, m.end())
            name = text[m.start() : end].rstrip(" ,")
            if end == m.end() or any(s < end and m.start() < e for s, e in taken):
                continue
            after_article = _ORG_HEAD_AFTER_ARTICLE.search(text, 0, m.start())
            if len(name.split()) < 2 or not (_ORG_NAME_SHAPE.search(name) or after_article):
                continue
            self._add(n, m.start(), m.start() + len(name), self.organisation(name, "body", line))

    def _slots(self, n: int, text: str, line: int) -> None:
        """Names only an agent fills: the subject of 'définit' or 'ajoute', 'selon X,'."""
        low = ignorecase_lower(text)
        subject = SUBJECT_SLOT.finditer(text) if holds_any(text, SLOT_VERB_WORDS) else ()
        according = ACCORDING_SLOT.finditer(text) if holds_any(low, _ACCORDING_WORDS) and "," in text else ()
        interview = INTERVIEW_SLOT.finditer(text) if holds_any(low, _INTERVIEW_WORDS) else ()
        for m in [*subject, *according, *interview]:
            for group in ("a", "b"):
                if group not in m.groupdict() or not m.group(group):
                    continue
                start, end = m.span(group)
                name = m.group(group)
                if fold(name) in FOLDED_NOT_NAMES or any(x.start < end and start < x.end for x in self.mentions[n]):
                    continue
                words = [w for w in name.split() if not re.fullmatch(PARTICLE, w, re.IGNORECASE)]
                if ONE_PERSON.match(name) and not any(fold(w) in _NOT_NAMES_OR_HEADS for w in words):
                    self._add(n, start, end, self.person(name, "body", line))
                else:
                    self._add(n, start, end, self.organisation(name, "body", line))

    def _acronyms_and_actors(self, n: int, text: str, line: int) -> None:
        """'au MIT', 'le réseau ENoLL', 'la Fing a accompagné': organisations by shape and slot."""
        for m in _ACRONYM_SLOT.finditer(" " + text) if _TWO_CAPITALS.search(text) else ():
            name, start = m.group("name"), m.start("name") - 1
            if name in COMMON_ACRONYMS or len(name) > 12 or not _WORD_CHARS.fullmatch(name):
                continue
            if not _ACRONYM_SHAPE.search(name):  # "Sud-Loire", "Val-de-Brenne": places, no acronyms
                continue
            if fold(name) in FOLDED_NOT_NAMES:
                continue
            if not any(x.start < start + len(name) and start < x.end for x in self.mentions[n]):
                self._add(n, start, start + len(name), self.organisation(name, "body", line))
        for m in _ACTOR_SLOT.finditer(text):
            name, verb = m.group("name"), m.group("verb")
            if verb not in ACTOR_VERBS or fold(name) in _NOT_NAMES_OR_HEADS or self.ner.is_person(name):
                continue
            if self.resolver.terms.lookup(name) is not None:
                continue
            start, end = m.span("name")
            if not any(x.start < end and start < x.end for x in self.mentions[n]):
                self._add(n, start, end, self.organisation(name, "body", line))

    def _acronym_aliases(self, n: int, text: str) -> None:
        """'Direction interministérielle de la transformation publique (DITP)': the acronym is the same body."""
        for mention in list(self.mentions[n]):
            if self.agents[mention.key].kind != "organisation":
                continue
            m = ACRONYM_AFTER.match(text, mention.end)
            if m and self._add(n, m.start("acronym"), m.end("acronym"), mention.key):
                self.add_variant(mention.key, m.group("acronym"))

    def _introduced_organisations(self, n: int, text: str, line: int) -> None:
        """'l’agence Contrepoint', 'le réseau européen ENoLL' (the name without its noun), 'la mairie de
        Brévannes' (a lowercase head and its complement: 'Mairie de Brévannes')."""
        for m in INTRODUCED_ORGANISATION.finditer(text) if holds_any(text, ORG_INTRO_NOUNS) else ():
            start = m.start("name")
            acronym = _ACRONYM_SHAPE.search(m.group("first"))  # "ENoLL en fédère": no extension
            end = m.end("first") if acronym else org_extent(text, m.end("first"))
            name = text[start:end].rstrip(" ,")
            words = re.sub(r"^(?i:les|la|le)\s+|^(?i:l)['’]", "", name).split() or name.split()  # "La Grange …"
            if fold(words[0]) in FOLDED_NOT_NAMES or self.ner.is_place(name) or self.ner.is_person(name):
                continue
            if self._add(n, start, start + len(name), self.organisation(name, "body", line)):
                self.add_variant(self.mentions[n][-1].key, f"{m.group('noun')} {name}")
        for m in LOWER_ORG_NAME.finditer(text) if holds_any(text, LOWER_ORG_WORDS) else ():
            name = m.group("name")
            written = name[0].upper() + name[1:]
            key = self.organisation(written, "body", line)
            if self._add(n, m.start("name"), m.end("name"), key):
                self.add_variant(key, name)

    def _organisation_forms(self, n: int, text: str) -> None:
        """An organisation found once is found wherever the post writes it the same way."""
        pattern, keys = self._organisation_pattern()
        if pattern is None:
            return
        for m in pattern.finditer(text):
            self._add(n, m.start(), m.end(), keys[m.group(0)])

    def _organisation_pattern(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        """One alternation of every organisation form written so far (rebuilt only when a form is added)."""
        if self._org_pattern[0] != self._org_forms_added:
            keys = {v: k for k, a in self.agents.items() if a.kind == "organisation" for v in a.variants if len(v) >= 3}
            alternation = "|".join(re.escape(v) for v in sorted(keys, key=len, reverse=True))
            pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])") if keys else None
            self._org_pattern = (self._org_forms_added, pattern, keys)
        return self._org_pattern[1], self._org_pattern[2]

    def _surnames(self) -> dict[str, str]:
        """Family name -> person key, the last person of that name winning; rebuilt only when names change."""
        state = (len(self.agents), self._renames)
        if self._surname_cache[0] != state:
            table = {a.surname: k for k, a in self.agents.items() if a.kind == "person" and a.surname}
            self._surname_cache = (state, table)
        return self._surname_cache[1]

    def _short_forms(self, n: int, text: str, line: int) -> None:
        """'Ostrom E.', 'qu’Ostrom', 'Harris': a family name of someone the post already names in full."""
        surnames = self._surnames()
        for m in INITIAL_AFTER.finditer(text) if _INITIAL_STOP.search(text) else ():
            if fold(m.group(1)) in surnames:
                self._add(n, m.start(), m.end(), self.person(f"{m.group(2)} {m.group(1)}", "body", line))
        for m in SINGLE.finditer(text):
            key = surnames.get(fold(m.group(1)))
            if key and self._add(n, m.start(1), m.end(1), key):
                self.add_variant(key, m.group(1))

    def _affiliations(self, n: int, text: str, line: int) -> None:
        """'X (Org)', '(X, Org)', 'X, de Org': the organisation a person is stated to belong to."""
        for mention in list(self.mentions[n]):
            agent = self.agents[mention.key]
            if agent.kind != "person":
                continue
            at = mention.end  # the patterns match from there (they looked at text[at:] alike)
            position: int | None = None  # where the organisation stands when it is named before the person
            m = _AFFILIATION_PARENS.match(text, at)
            listed = False  # "(Gilles Pradeau, Démocratie Ouverte)": what follows the name is its organisation
            if m is None and text[: mention.start].rstrip().endswith("("):
                m = _AFFILIATION_LISTED.match(text, at)
                listed = m is not None
            if m is None:  # ", qui dirige l’association X"
                m = _AFFILIATION_RELATIVE.match(text, at)
            if m is None:  # "Directrice de Brévannes Lab depuis sa création, X revient sur …"
                before = _AFFILIATION_ROLE_BEFORE.search(text, 0, mention.start)
                if before:
                    m, position, listed = before, before.start(1), True  # the slot says organisation
            if m is None:
                m = _AFFILIATION_AFTER.match(text, at)
                if m and (len(m.group(1).split()) > 8 or not _CAPITALISED_WORD.search(m.group(1))):
                    m = None
            if m is None:
                continue
            written = trim_adjectives(_COMMA.split(m.group(1).strip())[0])
            written = strip_intro_noun(written)  # "mission Lab’Action" names "Lab’Action"
            written = _AND_LOWER.split(written)[0]  # "… à l’Université X et titulaire de …"
            known = self.resolver.people.lookup(written) is not None
            if not org_shaped(written, listed, known) or self._person_key(written):
                continue
            start = position if position is not None else m.start(1)
            if fold(written.split()[0]) in FOLDED_ORG_HEADS:
                written = written[0].upper() + written[1:]  # "université Paris 8" names "Université Paris 8"
            key = self.organisation(written, "body", line)
            agent.organisation = agent.organisation or key
            self.mentions[n] = [x for x in self.mentions[n] if not (x.start < start + len(written) and start < x.end)]
            self._add(n, start, start + len(written), key, affiliation=True)

    def person_named(self, written: str) -> bool:
        """The body names this person already (a full name or a listed initial form of one)."""
        key = self._match_person(name_parts(clean_name(written)))
        return key is not None and "body" in self.agents[key].seen_in

    def _person_key(self, written: str) -> str | None:
        """The person written exactly so (after folding), if any."""
        folded = fold(written)
        surname = name_parts(written)[1]
        for key in self._by_surname.get(surname, []):
            agent = self.agents[key]
            if folded in (fold(v) for v in [agent.name, *agent.variants]):
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
            between = text[ms[i - 1].end : ms[i].start]
            if _JOINED.fullmatch(between) and not ms[i].affiliation and not ms[i - 1].affiliation:
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
