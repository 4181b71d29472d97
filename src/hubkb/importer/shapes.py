"""The shapes of names: regular expressions and small pure functions over written names.

Kept apart from `names.py`, which holds the post's registry of people and
organisations and the rules that fill it.
"""

from __future__ import annotations

import functools
import re

from ..text import NAME_PARTICLE_PATTERN, fold
from .lexicon import AUTHORSHIP, NOT_NAMES, ORG_HEADS, ORG_INTRO_NOUNS, ROLE_NOUNS, STOPWORDS, WORK_NOUNS
from .rules import rule

UP = "A-ZÀ-ÖØ-Þ"
LOW = "a-zà-öø-ÿ"
CAP = rf"[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)*"
CAPS = rf"[{UP}]{{2,}}(?:-[{UP}]{{2,}})*"
INITIAL = rf"[{UP}]\.(?:\s?-?[{UP}]\.)?"
PARTICLE = NAME_PARTICLE_PATTERN
NAME_RUN = re.compile(rf"(?<![\w’'-])(?:{CAP})(?:\s+(?:{PARTICLE}\s+)?(?:{CAP}|{CAPS})(?![\w]))+")
INITIAL_FIRST = re.compile(rf"(?<![\w’'-])({INITIAL})\s?({CAP})(?![\w-])")
INITIAL_AFTER = re.compile(rf"(?<![\w’'-])({CAP})\s+({INITIAL})(?![\w])")
ONE_PERSON = re.compile(rf"^(?:{CAP})(?:\s+(?:{PARTICLE}\s+)?(?:{CAP}|{CAPS})){{1,3}}$|^{INITIAL}\s?{CAP}$")
SINGLE = re.compile(rf"(?<![\w-])(?:[lLdD]['’]|[qQ]u['’])?({CAP}|{CAPS})(?![\w-])")
FOLDED_NOT_NAMES = frozenset(fold(n) for n in NOT_NAMES | STOPWORDS)
FOLDED_ORG_HEADS = frozenset(fold(n) for n in ORG_HEADS)
FOLDED_STOPWORDS = frozenset(fold(n) for n in STOPWORDS)
ROLE = "|".join(sorted(map(re.escape, ROLE_NOUNS | WORK_NOUNS | {"travaux"}), key=len, reverse=True))
# roles that belong to an organisation ("directeur de X"); "auteur de X" names a work instead
AFFILIATION_ROLE = "|".join(sorted(map(re.escape, ROLE_NOUNS - AUTHORSHIP), key=len, reverse=True))
ORG_INTRO = "|".join(sorted(map(re.escape, ORG_INTRO_NOUNS), key=len, reverse=True))
# "l’agence Contrepoint", "le réseau européen ENoLL": a lowercase noun (and adjective), then the name
INTRODUCED_ORGANISATION = re.compile(
    rf"(?<![\w’'-])(?i:l['’]|le\s+|la\s+|les\s+|une?\s+|du\s+|au\s+|de\s+l['’]|de\s+la\s+)(?P<noun>{ORG_INTRO})"
    rf"(?:\s+[{LOW}]+(?:en|ain|ais|ois|al|aux|ique|if|ive|el|elle|é|ée))?\s+"
    rf"(?P<name>(?P<first>[{UP}][\w’'-]*(?:\s+[{UP}][\w’'-]*)*))"
)
LOWER_HEAD = "(?:" + "|".join(sorted(h for h in ORG_HEADS if h.islower())) + ")"
PHRASE = rf"[{UP}0-9][\w’'-]*(?:\s+(?:de la\s+|de l['’]|des\s+|du\s+|de\s+|d['’]|pour\s+)?[{UP}0-9][\w’'-]*)*"
ARTICLE = r"(?:(?:la|le|les)\s+|l['’])"
_SLOT_VERBS = (  # after d[ée]fini
    "donne propose explique ajoute rappelle affirme estime souligne précise insiste considère qualifie écrit décrit "
    "résume déclare défend parle note"
).split()
SLOT_VERB = rf"(?:en\s+|le\s+|la\s+|les\s+|l['’])?(?:d[ée]fini|{'|'.join(_SLOT_VERBS)})"
SLOT_VERB_WORDS = ("défini", "defini", *_SLOT_VERBS)  # SUBJECT_SLOT holds one, as written (gates.py)
SUBJECT_SLOT = re.compile(
    rf"(?:^|(?<=[.:;!?]\s)|(?<=,\s))(?i:{ARTICLE})?(?P<a>{PHRASE})"
    rf"(?:\s+et\s+(?i:{ARTICLE})?(?P<b>{PHRASE}))?\s+(?={SLOT_VERB})"
)
ACCORDING_SLOT = re.compile(rf"\b(?i:selon|d['’]après|pour)\s+(?i:{ARTICLE})?(?P<a>{PHRASE}(?:\s+[{LOW}]+)?)(?=\s*,)")
# "un entretien accordé à la Fing", "une tribune pour Le Monde": the one interviewed or published is an agent
INTERVIEW_SLOT = re.compile(
    rf"\b(?i:entretiens?|interviews?|tribunes?)\s+(?i:(?:accordée?s?|donnée?s?|publiée?s?)\s+)?"
    rf"(?i:à|au|pour|dans)\s+(?i:{ARTICLE})?(?P<a>{PHRASE})"
)
AGENT_BEFORE = re.compile(
    rf"(?:\b(?:cit[ée]+s?\s+par|repris\w*\s+par|relay[ée]+s?\s+par|selon|d['’]après|entretien avec|interview de)"
    rf"|\b(?:{ROLE})(?:\s+\w+)?(?:\s+(?:de|d['’]))?)\s*$",
    re.IGNORECASE,
)
AGENT_AFTER = re.compile(
    r"^\s*(?:,\s*cit[ée]+s?\s+par\b|\(|,\s*(?:qui|dont)\b|,?\s*(?:définit|définissent|a défini|"
    r"ont défini|donne|donnent|en donne|en donnent|propose|proposent))",
    re.IGNORECASE,
)


# The patterns of the functions below, compiled once (#12.7: they were formatted and looked up at every call)
_INITIAL_END = re.compile(rf"(?:^|\s)[{UP}]\.$")
_INTRO_NOUN = re.compile(rf"(?:{ORG_INTRO})\s+(?=[{UP}])")
_ARTICLE = re.compile(r"^(?:(?:les|la|le)\s+|l['’]\s*)(?=\w)")
_LINK_WORD = re.compile(r"(?:de|du|des|la|le|les|pour|et|en|sur|aux?)|[dl]['’]\S*")
_ANY_ARTICLE = re.compile(r"^(?i:(?:les|la|le)\s+|l['’]\s*)")
_WORD = re.compile(r"\S+")
_PARTICLE = re.compile(PARTICLE, re.IGNORECASE)


@rule
def clean_name(text: str) -> str:
    """A written name tidied: ' (Laura Prandelle), ' -> 'Laura Prandelle'; 'E. Ostrom.' keeps no stop, 'Ostrom E.' keeps its initial."""
    text = " ".join(text.split()).strip(" ,;:()")
    if not _INITIAL_END.search(text):
        text = text.rstrip(".")
    return text


@rule
def strip_intro_noun(text: str) -> str:
    """'mission Lab’Action' -> 'Lab’Action': a lowercase noun before a proper name is no part of it."""
    m = _INTRO_NOUN.match(text)
    return text[m.end() :] if m else text


@rule
def strip_article(text: str) -> str:
    """'la Fing' -> 'Fing'; a capitalised article belongs to the name ('La 27e Région', 'Les Liens qui Libèrent')."""
    return _ARTICLE.sub("", text)


@rule
def trim_adjectives(name: str) -> str:
    """'MindLab danois' -> 'MindLab'; 'Agence nationale de la recherche' keeps its words after 'de la'."""
    words = name.split()
    while (
        len(words) > 1 and words[-1][0].islower() and not _LINK_WORD.fullmatch(words[-2]) and not words[-2][0].islower()
    ):
        words.pop()
    return " ".join(words)


@functools.lru_cache(maxsize=65536)  # called for every agent of the post each time an organisation is written
def org_key(name: str) -> str:
    return fold(_ANY_ARTICLE.sub("", name))


@rule
@functools.lru_cache(maxsize=65536)
def name_parts(name: str) -> tuple[str, str]:
    """(first name or initial, family name), folded: 'Ostrom E.' -> ('e', 'ostrom'); 'Elinor Ostrom' -> ('elinor', 'ostrom')."""
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


def compatible(a: str, b: str) -> bool:
    if not a or not b:
        return True
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def fullness(parts: tuple[str, str]) -> int:
    return (len(parts[0]) > 1) * 2 + bool(parts[0]) + bool(parts[1])


@rule
def trim_run(start: int, run: str) -> tuple[int, str | None]:
    """Sentence-initial words and dangling particles dropped from a capitalised run: 'Selon Elinor Ostrom' -> 'Elinor Ostrom'."""
    words = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(run)]
    while words and (fold(words[0][2]) in FOLDED_NOT_NAMES or _PARTICLE.fullmatch(words[0][2])):
        words.pop(0)
    while words and _PARTICLE.fullmatch(words[-1][2]):
        words.pop()
    if len(words) < 2:
        return start, None
    return start + words[0][0], run[words[0][0] : words[-1][1]]


CONNECTOR = re.compile(
    r"\s+(?:(?:et\s+)?(?:de la|de l['’]|des|du|de|d['’]|pour la|pour le|pour les|pour l['’]|en|aux|à la|au)\s*)"
)
_CONNECTED_WORD = re.compile(r"[\w’'-]+")
_NEXT_WORD = re.compile(  # a capitalised word, or an adjective by its ending
    rf"\s+([{UP}][\w’'-]*|[{LOW}]+(?:ale?s?|aux|ique|iques|if|ive|ifs|ives|elle|el|aire|aires|ien|ienne|é|ée|és|ées"
    rf"|éen|éenne|éens|éennes|ain|aine|ains|aines|ais|aise|ois|oise|ale|ales))(?![\w’'])"
)


@rule
def org_extent(text: str, pos: int) -> int:
    """Where an organisation's name that starts before `pos` ends: 'Agence nationale de la recherche a …' -> after 'recherche'."""
    end = pos
    while True:
        m = CONNECTOR.match(text, end)
        if m:  # (the patterns match in place: no pattern here looks behind where it starts)
            w = _CONNECTED_WORD.match(text, m.end())
            if not w or (fold(w.group(0)) in FOLDED_STOPWORDS and not w.group(0)[0].isupper()):
                return end
            end = w.end()
            continue
        w = _NEXT_WORD.match(text, end)
        if w and fold(w.group(1)) not in FOLDED_STOPWORDS:
            end = w.end()
            continue
        return end


_INNER_CAPITAL = re.compile(r"[a-z]+[A-Z]")
_NO_AFFILIATION = re.compile(r"[\d\s/.,-]+|(?:p|pp|vol|n°|dir|éd|ed|eds)(?:\.|\s).*|vostf|vf|pdf|en|fr", re.IGNORECASE)
_CAPITALISED_WORDS = re.compile(rf"{CAP}(?:\s+{CAP})+")


@rule
def org_shaped(text: str, listed: bool = False, person: bool = False) -> bool:
    """An affiliation: capitalised, short, not a year, a page or a role: 'Ouishare' -> True, 'p. 12' -> False."""
    if not text or len(text.split()) > 10:
        return False
    if not (
        text[0].isupper()
        or text[0].isdigit()
        or fold(text.split()[0]) in FOLDED_ORG_HEADS
        or _INNER_CAPITAL.match(text)
    ):  # "iMinds"
        return False
    if _NO_AFFILIATION.fullmatch(text):
        return False
    if listed and not person:
        return True
    return not _CAPITALISED_WORDS.fullmatch(text) or any(fold(w) in FOLDED_ORG_HEADS for w in text.split())
