"""Definitions and quotes: who says what, about which term, through whom, from which work.

Quotation marks are paired first (guillemets, curly and straight quotes; a
quote left open ends at the first comma or full stop). Each quotation is then
read against its lead, the part of its sentence before it:
- a definition cue ("définit", "la définition suivante", "nous entendons",
  "nous appellerons") makes it a definition;
- a speech verb after a named agent ("X ajoute que"), "selon X", or an
  attribution in parentheses after it ("(X, Org)") makes it X's quote;
- anything else is a scare quote or a title, and is left alone.
Definitions also come without quotation marks ("selon X, Y est …", "X définit
Y comme …", "par Y, nous entendons …", "nous appellerons Y …"). Givers and
terms reached through a pronoun ("Elle la définit comme …") are taken from the
nearest agent and term before.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from ..text import fold
from .gates import holds_any, ignorecase_lower
from .lexicon import ACCORDING_LEAD as _ACCORDING_LEAD
from .lexicon import ANNOUNCED_DEFINITION, MIN_QUOTED_WORDS, NAME_REACH, PRONOUN_REACH, RELAY_REACH, SPEECH_VERB
from .lexicon import ANNOUNCED_TERM as _ANNOUNCED_TERM
from .lexicon import ANSWER as _ANSWER
from .lexicon import AUTHOR_YEAR as _AUTHOR_YEAR
from .lexicon import DASH_SPEAKER as _DASH_SPEAKER
from .lexicon import FIRST_PERSON as _FIRST_PERSON
from .lexicon import RELATIVE as _RELATIVE
from .lexicon import RELATIVE_OPEN as _RELATIVE_OPEN
from .names import Mention, Names
from .references import BodyWork
from .rules import rule

_CLOSE = {"«": "»", "“": "”", "„": "”", "‹": "›"}
_MARKS = re.compile('[«“„‹»”›"]')  # the characters find_quotes acts on
_DEF_CUE = re.compile(
    r"\bd[ée]fini(?:t|ssent|ssait|ssaient|ssons|r|e|es|tions?)?\b|\bentend(?:ons|ent)?\s+par\b"
    r"|\bappell(?:erons|ons|era|erai)\b|\bd[ée]signer?(?:ons|ent)?\b",
    re.IGNORECASE,
)
_VIA = re.compile(
    r"\b(?:cit[ée]+s?|repris(?:es?)?|relay[ée]+s?|rapport[ée]+s?)\s+par\s+$|"
    r"\b(?:cit[ée]+s?|repris(?:es?)?|relay[ée]+s?|rapport[ée]+s?)\s+par\s+",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(il|elle|ils|elles|ce dernier|cette dernière|ces derniers|ces dernières|celui-ci|celle-ci"
    r"|ceux-ci|celles-ci|selon lui|selon elle|selon eux|selon elles|pour lui|pour elle|pour eux)\b",
    re.IGNORECASE,
)
_TERM = r"(?P<term>(?:«\s*)?(?:(?:la|le|les|l['’]|du|des|de la|de l['’])\s*)?[\w’'-]+(?:\s+[\w’'-]+){0,3}?(?:\s*»)?)"
_DET = r"(?:le|la|les|l['’]|un|une|des|du|ce|cet|cette|ces|tout|toute|tous|toutes|son|sa|ses|leur|leurs|une?)\b"
_EXPLICIT_TERM = [
    re.compile(rf"d[ée]fini(?:t|ssent|ssait|ssons|ssaient)\s+{_TERM}\s+comme\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:ai|avons|a|ont|avait|avaient)\s+d[ée]fini\s+{_TERM}\s+comme\b", re.IGNORECASE
    ),  # j’ai défini Y comme
    re.compile(  # "L’innovation publique y est ainsi définie comme suit par X"
        rf"(?:^|[.;]\s+)(?:{_DET})\s*(?P<term>[\w’'-]+(?:\s+[\w’'-]+){{0,3}}?)\s+(?:y\s+|en\s+)?"
        r"(?:est|sont|a\s+été|ont\s+été|se\s+trouve)\s+(?:\w+\s+)?d[ée]finie?s?\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bpar\s+{_TERM}\s*,?\s+(?:nous|on)\s+entend", re.IGNORECASE),
    re.compile(rf"\bentend(?:ons|ent)?\s+par\s+{_TERM}(?=\s*[,:]|\s+{_DET}|\s*«)", re.IGNORECASE),
    re.compile(rf"\bappell(?:erons|ons|era)\s+(?:ici\s+)?{_TERM}(?=\s*[,:]|\s+{_DET}|\s*«|\s*$)", re.IGNORECASE),
    re.compile(
        rf"\bd[ée]finition\s+(?:de la|du|de l['’]|des|de|d['’])\s*{_TERM}(?=\s*[,:;.]|\s+(?:comme|est|que|qui|qu|par|de|selon|donnée|proposée)\b|\s*$)",
        re.IGNORECASE,
    ),
]
_COPULA = (
    r"(?:est|sont|désigne|désignent|consiste|consistent|renvoie|renvoient|correspond|correspondent"
    r"|signifie|signifient|se définit|se définissent|peut se définir|peuvent se définir|serait|seraient"
    r"|,\s*c['’]est|,\s*ce sont)"
)
_ACCORDING_TERM = (
    rf"\b(?:selon|d['’]après|pour)\s+(?P<agent>[^,]{{2,80}})(?:,\s*[^,]{{2,100}})?,\s*"
    rf"(?P<term>{_DET}\s*[\w’'-]+(?:\s+[\w’'-]+){{0,3}}?)\s*(?<!,){_COPULA}"
)
_ACCORDING = re.compile(_ACCORDING_TERM, re.IGNORECASE)
_ACCORDING_QUOTE = re.compile(_ACCORDING_TERM + r"\s*(?:comme\s*|:\s*)?$", re.IGNORECASE)
_UNQUOTED = [
    # … propose de retenir celle-ci : un Y est Z
    ("announced", ANNOUNCED_DEFINITION, ":"),
    # X définit Y comme Z
    (
        "giver",
        re.compile(rf"d[ée]fini(?:t|ssent|ssait|ssaient)\s+{_TERM}\s+comme\s+(?P<text>[^«“\"].+)$", re.IGNORECASE),
        "défini",
    ),
    # selon X, Y est Z
    (
        "according",
        re.compile(_ACCORDING_TERM + r"\s+(?:comme\s+|en\s+|à\s+)?(?P<text>[^«“\"].+)$", re.IGNORECASE),
        "selon",
    ),
    # par Y, nous entendons Z
    (
        "post",
        re.compile(rf"\bpar\s+{_TERM}\s*,\s*(?:nous|on)\s+entend(?:ons)?\s*:?\s+(?P<text>[^«“\"].+)$", re.IGNORECASE),
        "entend",
    ),
    (
        "post",
        re.compile(rf"\b(?:nous|on)\s+entend(?:ons)?\s+par\s+{_TERM}\s*[,:]?\s+(?P<text>{_DET}.+)$", re.IGNORECASE),
        "entend",
    ),
    # nous appellerons Y Z
    (
        "post",
        re.compile(
            rf"\b(?:nous|on)\s+appell(?:erons|ons|era)\s+(?:ici\s+)?{_TERM}\s*[,:]?\s+(?P<text>{_DET}.+)$",
            re.IGNORECASE,
        ),
        "appell",
    ),
    (
        "post-before",
        re.compile(
            rf"^(?P<text>.{{12,}}?),\s*(?:ce\s+)?(?:que|qu['’])\s*(?:nous|on)\s+appell(?:erons|ons|era)\s+(?:ici\s+)?{_TERM}\s*(?:[,.;:]|$)",
            re.IGNORECASE,
        ),
        "appell",
    ),
]
# The words each pattern above (or in _EXPLICIT_TERM, _TERM_CUE) cannot match without, by key: a paragraph
# without a key's words is not searched with that key's patterns (gates.py). Looked for in the paragraph
# lowered as re.IGNORECASE compares (all these patterns ignore case).
_KEYS = {
    "défini": ("défini", "defini"),
    "entend": ("entend",),
    "appell": ("appell",),
    "selon": ("selon", "d'après", "d’après", "pour"),  # and a comma after it: _ACCORDING_KEY
    ":": (":",),
    "terme": ("le terme", "le mot", "la notion", "le concept", "la définition", "les définitions"),
}
_ACCORDING_KEY = re.compile(r"(?:selon|d['’]après|pour)\s+[^,]{2,80},", re.IGNORECASE)  # _ACCORDING_TERM to its comma
_EXPLICIT_KEYS = ["défini", "défini", "défini", "entend", "entend", "appell", "défini"]  # of _EXPLICIT_TERM


def cue_keys(text: str) -> frozenset[str]:
    """The keys of `_KEYS` whose words `text` holds: 'Selon X, la coproduction est …' -> {'selon'}."""
    low = ignorecase_lower(text)
    keys = {key for key, words in _KEYS.items() if holds_any(low, words)}
    if "selon" in keys and not _ACCORDING_KEY.search(text):
        keys.discard("selon")
    return frozenset(keys)


_QUOTED_SUBJECT = re.compile(
    rf"^(?i:{_DET})\s*(?P<term>[\w’'-]+(?:\s+[\w’'-]+){{0,2}}?)\s*(?:\s(?:est|sont|désigne|désignent"
    r"|consiste|consistent|se définit|se définissent|renvoie|renvoient|correspond|correspondent)"
    r"|,\s*c['’]est|,\s*ce sont)\b"
)
# "le dispositif", "cette notion": nouns that stand for a term rather than being one
_GENERIC_NOUNS = frozenset(
    """dispositif dispositifs démarche démarches concept notion terme mot phénomène idée outil
approche méthode pratique pratiques processus modèle principe projet programme sujet question chose expression""".split()
)
_INVERTED = re.compile(r"\s*,\s*(?:" + SPEECH_VERB.pattern.replace("(?<![\\w’'])", "") + r")\s+", re.IGNORECASE)
_INVERTED_PRONOUN = re.compile(
    r"\s*,\s*(?:" + SPEECH_VERB.pattern.replace("(?<![\\w’'])", "") + r")(?:-t)?-(?:il|elle|ils|elles)\b", re.IGNORECASE
)
_TERM_CUE = re.compile(
    r"\b(?i:(?:le terme|le mot)(?:\s+de\s+|\s+d['’])?|(?:la notion|le concept|la définition|les définitions)\s+(?:de|d['’]))\s*"
    r"(?i:la |le |les |l['’])?(?P<term>[a-zà-ÿ][\w-]+(?:\s+(?:[\w-]*(?:ique|iques|if|ive|ifs|ives|al|ale"
    r"|aux|ales|el|elle|els|elles|aire|aires|ouverte?s?|publics?|publiques?|sociale?s?|communs?"
    r"|collaborative?s?)))?)(?![\w-])"
)


class Agents(NamedTuple):
    """Who says or gives a passage (keys of Names.agents; empty: the post) and the relay it came through."""

    keys: list[str]
    via: str | None


@dataclass(frozen=True)
class Quote:
    start: int  # the opening mark
    end: int  # after the closing mark
    text_start: int
    text_end: int
    unclosed: bool = False


@dataclass
class Passage:
    kind: str  # "definition" or "quote"
    n: int  # paragraph index
    text: str
    by: list[str] = field(default_factory=list)  # keys of Names.agents; empty: the post itself
    via: str | None = None
    term: str | None = None  # as written, or the known label
    work: BodyWork | None = None
    note: str | None = None


# --- quotation marks and sentences -------------------------------------------------


@rule
def find_quotes(text: str) -> list[Quote]:
    """Paired quotation marks, outermost only: 'il dit « a “b” c »' -> one quote 'a “b” c'; an unclosed one ends at the next comma or stop."""
    spans: list[Quote] = []
    stack: list[tuple[str, int]] = []
    straight: int | None = None
    for mark in _MARKS.finditer(text):  # only the marks: the other characters were passed over one by one
        i, char = mark.start(), mark.group()
        if char in _CLOSE and not (char == "„" and stack):
            stack.append((char, i))
        elif char in "»”›":
            for j in range(len(stack) - 1, -1, -1):
                if _CLOSE[stack[j][0]] == char:
                    spans.append(_quote(text, stack[j][1], i + 1))
                    del stack[j]
                    break
        elif char == '"':
            if straight is None:
                straight = i
            else:
                spans.append(_quote(text, straight, i + 1))
                straight = None
    for _mark, i in stack:
        m = re.compile(r"[,.;!?]").search(text, i + 1)
        end = m.start() if m else len(text)
        spans.append(_quote(text, i, end, unclosed=True))
    spans = [s for s in spans if s.text_end > s.text_start]
    outer = [
        s
        for s in spans
        if not any(o is not s and o.start <= s.start and s.end <= o.end and not o.unclosed for o in spans)
    ]
    return sorted(outer, key=lambda s: s.start)


def _quote(text: str, start: int, end: int, unclosed: bool = False) -> Quote:
    inner_start, inner_end = start + 1, end if unclosed else end - 1
    while inner_start < inner_end and text[inner_start] in " \u00a0":
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1] in " \u00a0":
        inner_end -= 1
    return Quote(start, end, inner_start, inner_end, unclosed)


_STOP = re.compile(r"(?:[.!?]+|…)(?=\s+[\"«“A-ZÀ-Þ0-9]|[A-ZÀ-Þ])")
_LAST_WORD = re.compile(r"(\w+)$")
_SPACES = re.compile(r"\s*")
_ABBREVIATIONS = frozenset("m mme mlle mm dr pr st cf p pp vol art av éd ed dir coll".split())


@rule
def sentence_starts(text: str, quotes: list[Quote]) -> list[int]:
    """Offsets where sentences begin, past stops inside quotations, initials and abbreviations: 'E. Ostrom écrit. Puis' -> [0, 17]."""
    starts = [0]
    for m in _STOP.finditer(text):
        if any(q.text_start <= m.start() < q.text_end for q in quotes):
            continue
        # the word before the stop, looked for in the 64 characters before it, not in a copy of all the text
        # before (that made a long paragraph quadratic): a longer word is no initial nor abbreviation either way
        word = _LAST_WORD.search(text, max(0, m.start() - 64), m.start())
        if (
            m.group(0) == "."
            and word
            and ((len(word.group(1)) == 1 and word.group(1).isupper()) or word.group(1).lower() in _ABBREVIATIONS)
        ):
            continue
        if m.group(0) == "." and not _SPACE.match(text, m.end()):
            continue  # "3.5", "ex.Nous": no space after a single stop
        starts.append(_SPACES.match(text, m.end()).end())  # type: ignore[union-attr]  # \s* always matches
    return starts


def _sentence_start(starts: list[int], pos: int) -> int:
    return max((s for s in starts if s <= pos), default=0)


def _sentence_end(text: str, starts: list[int], pos: int) -> int:
    return min((s for s in starts if s > pos), default=len(text))


# --- per post --------------------------------------------------------------------------


class PassageFinder:
    def __init__(
        self,
        paragraphs: list[str],
        title: str,
        names: Names,
        works: list[BodyWork],
        known_terms: dict[str, str],
        titles_by: dict[str, list[str]] | None = None,
        first_person: list[str] | None = None,
        interview: bool = False,
    ):
        self.paragraphs = paragraphs
        self.titles_by = titles_by or {}  # agent key -> titles of the works the post lists by that agent
        self.first_person = first_person or []  # who "je", "moi", "nous" are: the authors, or the one interviewed
        self.interview = interview  # answers are the words of the one interviewed
        self.title = title or ""
        self.names = names
        self.works = works
        self.known_terms = known_terms  # folded alias -> label
        interned: dict[frozenset[str], frozenset[str]] = {}
        self.keys = [interned.setdefault(k, k) for k in map(cue_keys, paragraphs)]  # the cue words of each
        self.cue_terms = self._cue_terms()
        self.post_terms = self._post_terms()
        self.candidates = {_singular(fold(t)): t for t in self.post_terms}
        self.candidates.update({_singular(alias): label for alias, label in self.known_terms.items()})
        self.ordered = _by_length(self.candidates)  # what `_add_scores` counts, sorted once (#12.7)
        self._post_subject: dict[str, float] | None = None  # term scores over the whole post, computed once
        self.works_in: dict[int, list[BodyWork]] = {}
        for w in works:
            self.works_in.setdefault(w.n, []).append(w)

    def find(self) -> list[Passage]:
        found: list[Passage] = []
        for n, text in enumerate(self.paragraphs):
            self.names.regroup(n, text)
            quotes = find_quotes(text)
            starts = sentence_starts(text, quotes)
            previous_end = 0
            for q in quotes:
                lead_start = max(_sentence_start(starts, q.start), previous_end)
                passage = None
                if n > 0 and not text[: q.start].strip() and self.paragraphs[n - 1].rstrip().endswith(":"):
                    passage = self._read_after_colon(n, text, q)  # "… définie comme suit par X :" then « … »
                passage = passage or self._read_quote(n, text, q, lead_start, starts)
                if passage:
                    found.append(passage)
                    previous_end = q.end + len(_parenthetical(text, q.end)[0])
            found.extend(self._unquoted(n, text, quotes, starts))
            answer = self._answer(n, text, quotes)
            if answer and not any(p.n == n and p.kind == "definition" for p in found):
                found.append(answer)
        return found

    def _read_after_colon(self, n: int, text: str, q: Quote) -> Passage | None:
        """A quotation opening a paragraph whose lead is the end of the paragraph before, which ends with a
        colon: 'L’innovation y est ainsi définie comme suit par X :' then '« … »' (a definition), or
        'X se souvient des débuts :' then '« … »' (X's quote)."""
        m = n - 1
        before = self.paragraphs[m]
        before_quotes = find_quotes(before)
        lead_start = _sentence_start(sentence_starts(before, before_quotes), len(before.rstrip()) - 1)
        lead = before[lead_start:]
        quoted = text[q.text_start : q.text_end]
        note = "the closing quotation mark is missing; check where the quotation ends" if q.unclosed else None
        if _DEF_CUE.search(lead) and len(quoted.split()) >= MIN_QUOTED_WORDS:
            giver = self._giver(m, before, lead_start, len(before))
            term = self._term(m, before, lead, len(before), quoted, giver.keys)
            return Passage(
                "definition", n, quoted, giver.keys, giver.via, term, self._work(m, lead_start, len(before)), note
            )
        found = self._colon_subject(m, before, lead_start, len(before), None)
        if found:
            return Passage(
                "quote", n, quoted, found.keys, found.via, None, self._work(m, lead_start, len(before)), note
            )
        return None

    def _answer(self, n: int, text: str, quotes: list[Quote]) -> Passage | None:
        """The answer to a paragraph that announces a term: a question ('Qu’est-ce qu’un X ?') or a glossary
        heading ('X — définition'), then 'Un X est Z.' (given by the post, or by the one interviewed)."""
        if n == 0:
            return None
        heading = _ANNOUNCED_TERM.match(self.paragraphs[n - 1].strip())
        if not heading:
            return None
        asked = fold(tidy_term(heading.group("term") or heading.group("term2") or heading.group("term3")))
        first = text[: _sentence_end(text, sentence_starts(text, quotes), 0)].strip()
        m = _ANSWER.match(first)
        if not m or not asked:
            return None
        if m.group("text2"):  # "Comment définiriez-vous X ?" / "Je le définis comme Z": the term is the question's
            definition, term, first_person = tidy_text(m.group("text2")), tidy_term(heading.group("term2") or ""), True
        elif _singular(asked) in _singular(fold(m.group("term"))):
            definition, term, first_person = tidy_text(m.group("text")), tidy_term(m.group("term")), bool(m.group("me"))
        else:
            return None
        if len(definition.split()) < MIN_QUOTED_WORDS or not term:
            return None
        by = self.first_person if (first_person or self.interview) else []
        return Passage("definition", n, definition, list(by), None, self._label(term), None)

    # --- quotations ---

    def _read_quote(self, n: int, text: str, q: Quote, lead_start: int, starts: list[int]) -> Passage | None:
        if any(w.start <= q.text_start < w.end for w in self.works_in.get(n, [])):
            return None  # a title in quotation marks
        lead = text[lead_start : q.start]
        words = len(text[q.text_start : q.text_end].split())
        quoted = text[q.text_start : q.text_end]
        note = "the closing quotation mark is missing; check where the quotation ends" if q.unclosed else None
        paren, paren_start = _parenthetical(text, q.end)
        via = self._via(n, lead_start, q.start) or (
            self._via(n, q.end + paren_start, q.end + len(paren)) if paren else None
        )
        according = _ACCORDING_QUOTE.search(lead) if "selon" in self.keys[n] else None
        if according and words >= 4:  # "Selon X, Y est « … »"
            agent_start, agent_end = lead_start + according.start("agent"), lead_start + according.end("agent")
            named = self._first_group(n, agent_start, agent_end, exclude=via)
            antecedent = None if named else self._pronoun(n, text, agent_start - PRONOUN_REACH, agent_end)
            by = named or (antecedent.keys if antecedent else None)
            if by is not None:
                return Passage(
                    "definition",
                    n,
                    quoted,
                    by,
                    via or (antecedent.via if antecedent else None),
                    self._label(tidy_term(according.group("term"))),
                    self._work(n, lead_start, q.start),
                    note,
                )
        if _DEF_CUE.search(lead) and words >= 4:
            giver = self._giver(n, text, lead_start, q.start)
            by, via = giver.keys, via or giver.via
            cited = self._author_year(n, q.end, paren, via)
            if cited or (not by and paren):  # "« … » (Durand & Okafor, 2016, p. 12)": the citation names the givers
                by = cited or self._first_group(n, q.end, q.end + len(paren), exclude=via) or by
            term = self._term(n, text, lead, q.start, quoted, by or [])
            if term is None:
                note = "the defined term was not found; fill in 'term'"
            work = self._work(n, lead_start, q.start) or (self._work(n, q.end, q.end + len(paren)) if paren else None)
            return Passage("definition", n, quoted, by or [], via, term, work, note)
        speaker = None
        if paren:
            speaker = self._author_year(n, q.end, paren, via) or self._first_group(
                n, q.end, q.end + len(paren), exclude=via
            )
        dash = _DASH_SPEAKER.match(text, q.end)
        if speaker is None and dash:  # "« … »\n— Sabine Roux-Kerbrat, directrice de …"
            speaker = self._first_group(n, dash.end(), min(len(text), dash.end() + NAME_REACH))
        opinion = _ACCORDING_LEAD.search(lead)
        subject = _QUOTED_SUBJECT.match(quoted)
        if (
            opinion
            and subject
            and words >= MIN_QUOTED_WORDS
            and not _RELATIVE.search(subject.group("term"))
            and _singular(fold(tidy_term(subject.group("term")))) in self.candidates  # a term the page is about
        ):
            named = self._first_group(n, lead_start + opinion.start("agent"), lead_start + opinion.end("agent"))
            if named:  # "Pour le politiste X, « la coproduction est … »": X's definition
                term = self._label(tidy_term(subject.group("term")))
                return Passage("definition", n, quoted, named, via, term, self._work(n, lead_start, q.start), note)
        pronoun = _INVERTED_PRONOUN.match(text, q.end)
        if speaker is None and pronoun:  # "« … », résume-t-il": the speaker is named before
            antecedent = self._pronoun(n, text, pronoun.start(), pronoun.end(), limit=q.start)
            if antecedent:
                speaker, via = antecedent.keys, via or antecedent.via
        after_selon = re.match(r"\s*,?\s*(?:selon|d['’]après)\s+", text[q.end :], re.IGNORECASE)
        if speaker is None and after_selon:  # "« La coproduction, c’est … », selon Nesta"
            start_after = q.end + after_selon.end()
            speaker = self._first_group(n, start_after, min(len(text), start_after + 80))
            subject = _QUOTED_SUBJECT.match(quoted)
            if speaker and subject and words >= 4:
                return Passage(
                    "definition",
                    n,
                    quoted,
                    speaker,
                    via,
                    self._label(tidy_term(subject.group("term"))),
                    self._work(n, lead_start, q.start),
                    note,
                )
        inverted = _INVERTED.match(text, q.end)
        if speaker is None and inverted:  # "« … », explique Claire Brossaud"
            speaker = self._first_group(n, inverted.end(), min(len(text), inverted.end() + 80))
            after_via = self._via(n, inverted.end(), min(len(text), inverted.end() + 160))
            via = via or after_via
        if speaker is None:
            found = self._speaker(n, text, lead_start, q.start, via)
            if found:
                speaker, via = found.keys, via or found.via
        if speaker:
            return Passage("quote", n, quoted, speaker, via, None, self._work(n, lead_start, q.start), note)
        return None

    def _speaker(self, n: int, text: str, start: int, end: int, via: str | None) -> Agents | None:
        lead = text[start:end]
        verbs = list(SPEECH_VERB.finditer(re.sub(r"\b([lL])['’](?=\w)", r"\1 ", lead)))  # "Comme l’écrit X"
        according = re.search(
            r"\b(?:selon|d['’]après|pour)\s+(?:(?:la|le|les)\s+|l['’])?(?=[A-ZÀ-Þ])", lead, re.IGNORECASE
        )
        if according:
            group = self._first_group(n, start + according.end(), end, exclude=via)
            if group and self.names.mentions[n] and re.match(r"[^,]{0,80},", text[start + according.end() : end]):
                return Agents(group, None)
        if re.search(r"\w\s*:\s*$", lead):
            groups = self._groups(n, start, end, exclude=via)
            if groups and re.fullmatch(r"[\s,)]*:\s*", text[groups[-1][-1].end : end].split(")")[-1]):
                return Agents([m.key for m in groups[-1]], None)
            subject = self._colon_subject(n, text, start, end, via)
            if subject:  # "X a donné le ton : « … »": a colon after any verb
                return subject
        if not verbs:
            return None
        if len(text[end:].split("»")[0].split()) < MIN_QUOTED_WORDS and re.search(r"[,;]", lead[verbs[-1].end() :]):
            return None  # "… proposent et votent, des budgets « de projet »": a label, not the verb's words
        # "X souligne que « … »", "il souligne…", then "Comme le souligne X, « … »"
        return self._around(n, text, start, start + verbs[-1].start(), start + verbs[-1].end(), end, via)

    def _colon_subject(self, n: int, text: str, start: int, end: int, via: str | None) -> Agents | None:
        """The subject of the clause a colon ends: its first person, else its first agent
        ('En ouverture, la ministre X a donné le ton :' -> X), outside relative clauses and 'selon' slots."""
        if not re.search(r"\w[\s»”)]*:\s*$", text[start:end]):
            return None
        groups = [
            g for g in self._groups(n, start, end, exclude=via) if not in_relative_clause(text, start, g[0].start)
        ]
        people = [g for g in groups if self.names.agents[g[0].key].kind == "person"]
        chosen = (people or groups)[:1]
        if chosen:
            return Agents([m.key for m in chosen[0]], None)
        return self._pronoun(n, text, start, end)

    def _author_year(self, n: int, at: int, paren: str, via: str | None) -> list[str] | None:
        """The authors an author–year citation names: '(Durand & Okafor, 2016, p. 12)' -> Durand, Okafor."""
        if not paren or not _AUTHOR_YEAR.search(paren):
            return None
        groups = self._groups(n, at, at + len(paren), exclude=via)
        keys = [m.key for g in groups for m in g]
        return keys or None

    def _around(
        self, n: int, text: str, start: int, cue_at: int, after_at: int, end: int, via: str | None
    ) -> Agents | None:
        """The agent nearest before a cue, a pronoun standing for one, or the first after it."""
        before = self._groups(n, start, cue_at, exclude=via)
        outside = [g for g in before if not in_relative_clause(text, start, g[0].start)]
        before = outside or before  # "X, qui a travaillé pour Y, parle de …": X speaks, not Y
        if before:
            return Agents([m.key for m in before[-1]], None)
        pronoun = self._pronoun(n, text, start, cue_at)
        if pronoun:
            return pronoun
        after = self._groups(n, after_at, end, exclude=via)
        return Agents([m.key for m in after[0]], None) if after else None

    # --- definitions ---

    def _giver(self, n: int, text: str, start: int, end: int) -> Agents:
        """Who gives the definition whose lead is text[start:end] (no keys: the post itself), and the relay
        a pronoun's antecedent brings ("Il la définit …" after "X, cité par Z")."""
        lead = text[start:end]
        via = self._via(n, start, end)
        for m in _GIVEN_BY.finditer(lead):
            group = self._first_group(n, start + m.end(), end, exclude=via)
            if group:
                return Agents(group, None)
        according = re.search(r"\b(?:selon|d['’]après)\s+", lead, re.IGNORECASE)
        if according:
            group = self._first_group(n, start + according.end(), end, exclude=via)
            if group:
                return Agents(group, None)
        cue = _DEF_CUE.search(lead)
        cue_at = start + (cue.start() if cue else len(lead))
        if self.first_person and _FIRST_PERSON.search(text[start:cue_at]):  # "j’ai défini X comme « … »"
            return Agents(list(self.first_person), None)
        found = self._around(n, text, start, cue_at, cue_at, end, via)
        return found if found is not None else Agents([], None)  # "Nous garderons comme définition…": the post

    def _term(self, n: int, text: str, lead: str, at: int, quoted: str, by: list[str]) -> str | None:
        for pattern in _EXPLICIT_TERM:
            found = list(pattern.finditer(lead))
            if found:
                term = tidy_term(found[-1].group("term"))
                if term and not _NO_TERM.fullmatch(term):
                    return self._label(term)
        subject = _QUOTED_SUBJECT.match(quoted)
        if subject and len(subject.group("term").split()) <= 3:
            return self._label(tidy_term(subject.group("term")))
        return self._context_term(n, text, lead, at, quoted, by)

    def _context_term(
        self, n: int, text: str, lead: str, at: int, quoted: str, by: list[str] | None = None
    ) -> str | None:
        """The term the surrounding text is about: weighted counts of known, introduced and defined terms."""
        candidates = self.candidates
        pronoun = _PRONOUN_OBJECT.search(lead) or _PRONOUN_DEFINES.search(lead)
        if pronoun:  # "Il la définit ainsi": the last noun with that article before the sentence
            before = text[: at - len(lead)]
            article = pronoun.group(1).lower().replace("’", "'")
            pattern = {
                "la": r"\b(?:la\s+|l['’])",
                "le": r"\b(?:le\s+|l['’])",
                "les": r"\bles\s+",
                "l'": r"\b(?:la\s+|le\s+|l['’])",
            }[article]
            nouns = list(re.finditer(pattern + r"([a-zà-ÿ][\w-]{2,})", before[-300:]))
            if nouns and nouns[-1].group(1).lower() not in _GENERIC_NOUNS:
                return self._label(nouns[-1].group(1))
        weighted = [
            (" ".join(quoted.split()[:3]), 4),
            (lead, 3),
            (text[: at - len(lead)], 2),
            (text[at:], 1),
            (self.title, 1),
        ]
        scores: dict[str, float] = {}  # `term_scores(weighted[:4], candidates)`: the rest adds to these
        _add_scores(scores, weighted[:4], self.ordered)  # (each text counts on its own)
        more = weighted[4:]
        if not scores:  # nothing near: the givers' listed works name the term
            more.extend((t, 3) for k in by or [] for t in self.titles_by.get(k, []))
        if n > 0:
            more.append((self.paragraphs[n - 1], 1))
        _add_scores(scores, more, self.ordered)
        for term in self.cue_terms:  # "le terme X": the post announces what it defines
            if self._label(term) in scores:
                scores[self._label(term)] += 2
        if not scores:  # the post's own subject
            if self._post_subject is None:
                self._post_subject = term_scores([(self.title, 2), *((p, 1) for p in self.paragraphs)], candidates)
            scores = dict(self._post_subject)
        if not scores:
            return None
        return max(scores.items(), key=lambda kv: (kv[1], len(kv[0])))[0]

    def _post_terms(self) -> list[str]:
        """Terms the post introduces ("le terme X") or defines explicitly ("Par X, nous entendons")."""
        terms = list(self.cue_terms)
        for text, keys in zip(self.paragraphs, self.keys):
            for pattern, key in zip(_EXPLICIT_TERM, _EXPLICIT_KEYS):
                for m in pattern.finditer(text) if key in keys else ():
                    term = tidy_term(m.group("term"))
                    if term and term[0].islower() and len(term.split()) <= 3:
                        terms.append(term)
            for m in _ACCORDING.finditer(text) if "selon" in keys else ():
                terms.append(tidy_term(m.group("term")))
        for text in self.paragraphs:  # "Qu’appelle-t-on coproduction ?", "Living lab — définition"
            heading = _ANNOUNCED_TERM.match(text.strip())
            if heading:
                terms.append(tidy_term(heading.group("term") or heading.group("term2") or heading.group("term3")))
        return [t for t in terms if t and not re.fullmatch(r"(?:la|le|les|celle|celui|suivante?)", t, re.IGNORECASE)]

    def _label(self, term: str) -> str:
        return self.known_terms.get(fold(term), term)

    def _cue_terms(self) -> list[str]:
        terms: list[str] = []
        for text, keys in [(self.title, cue_keys(self.title)), *zip(self.paragraphs, self.keys)]:
            for m in _TERM_CUE.finditer(text) if "terme" in keys else ():
                term = tidy_term(m.group("term"))
                if (
                    term
                    and term[0].islower()
                    and fold(term) not in {fold(t) for t in terms}
                    and term.lower() not in ("suivante", "suivant")
                ):
                    terms.append(term)
        return terms

    def _unquoted(self, n: int, text: str, quotes: list[Quote], starts: list[int]) -> list[Passage]:
        found: list[Passage] = []
        keys = self.keys[n]
        for i, start in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(text)
            sentence = text[start:end].rstrip()
            inside = [q for q in quotes if start <= q.start < end]
            for kind, pattern, key in _UNQUOTED:
                m = pattern.search(sentence) if key in keys else None
                if not m:
                    continue
                if any(not (start + m.start("term") <= q.start and q.end <= start + m.end("term")) for q in inside):
                    continue  # a quotation other than the term itself ("Nous appellerons « Y » Z") is read as one
                definition = tidy_text(m.group("text"))
                term = tidy_term(m.group("term"))
                if not term or len(definition.split()) < 4:
                    continue
                if re.fullmatch(r"(?:ce|cette|ces)\s+\w+|(?:la|le|les|l['’])", m.group("term").strip(), re.IGNORECASE):
                    term = self._context_term(n, text, sentence[: m.start()], start, definition) or ""
                    if not term:
                        continue
                via = self._via(n, start, start + m.start("text"))
                if kind == "according":
                    by = self._first_group(n, start + m.start("agent"), start + m.end("agent"), exclude=via)
                    if by is None:
                        antecedent = self._pronoun(
                            n, text, start + m.start("agent") - PRONOUN_REACH, start + m.end("agent")
                        )
                        by = antecedent.keys if antecedent else None
                    if by is None:
                        continue
                elif kind == "giver":
                    by = self._giver(n, text, start, start + m.start()).keys
                elif kind == "announced":  # "…, rappelée par ORG dans son règlement : le Y est Z"
                    by = self._giver(n, text, start, start + m.start("det")).keys
                else:
                    by = []
                found.append(
                    Passage(
                        "definition",
                        n,
                        definition,
                        by or [],
                        via,
                        self._label(term),
                        self._work(n, start, start + m.start("text")),
                    )
                )
                break
        return found

    # --- agents ---

    def _groups(self, n: int, start: int, end: int, exclude: str | None = None) -> list[list[Mention]]:
        """Agent groups in [start, end), without the relay and the parts in parentheses after a name."""
        text = self.paragraphs[n]
        groups = []
        for group in self.names.groups_in(n, start, end):
            if exclude and any(m.key == exclude for m in group):
                continue
            if _VIA.search(text[max(0, group[0].start - 20) : group[0].start]):
                continue
            groups.append(group)
        return groups

    def _first_group(self, n: int, start: int, end: int, exclude: str | None = None) -> list[str] | None:
        groups = self._groups(n, start, end, exclude)
        return [m.key for m in groups[0]] if groups else None

    def _via(self, n: int, start: int, end: int) -> str | None:
        """The person after 'cité(e)(s) par'; an organisation that cites is no relay of a quotation."""
        text = self.paragraphs[n]
        for m in _VIA.finditer(text, start, end):
            groups = self.names.groups_in(n, m.end(), min(end + 1, len(text)))
            if groups and groups[0][0].start - m.end() <= 3:
                key = groups[0][0].key
                return key if self.names.agents[key].kind == "person" else None
        return None

    def _pronoun(self, n: int, text: str, start: int, end: int, limit: int | None = None) -> Agents | None:
        """The antecedent of 'il', 'elle', 'ils', 'ce dernier'... in text[start:end]: the nearest agent before,
        with the relay named right after it ("X, cité par Z": Z)."""
        m = None
        for m in _PRONOUN.finditer(text, start, end):  # noqa: B007 - the last match is the nearest
            pass
        if m is None:
            return None
        plural = m.group(1).lower() in (
            "ils",
            "elles",
            "ces derniers",
            "ces dernières",
            "ceux-ci",
            "celles-ci",
            "selon eux",
            "selon elles",
            "pour eux",
        )
        for k in range(n, max(-1, n - 3), -1):
            upto = (start if limit is None else limit) if k == n else len(self.paragraphs[k])
            groups = [
                g
                for g in self.names.groups_in(k, 0, upto)
                if not _VIA.search(self.paragraphs[k][max(0, g[0].start - 20) : g[0].start])
            ]
            if groups:
                group = [g for g in groups if len(g) > 1][-1:] if plural else []
                chosen = group[0] if group else groups[-1] if plural else [groups[-1][-1]]
                relay = self._via(k, chosen[-1].end, min(chosen[-1].end + RELAY_REACH, len(self.paragraphs[k])))
                return Agents([x.key for x in chosen], relay)
        return None

    def _work(self, n: int, start: int, end: int) -> BodyWork | None:
        inside = [w for w in self.works_in.get(n, []) if start <= w.start and w.end <= end]
        return inside[-1] if inside else None


@rule
def in_relative_clause(text: str, start: int, pos: int) -> bool:
    """`pos` stands inside a relative clause opened after `start` (', qui a suivi nos travaux pour Y')."""
    opened = list(_RELATIVE_OPEN.finditer(text, start, pos))
    return bool(opened) and "," not in text[opened[-1].end() : pos]


def _parenthetical(text: str, pos: int) -> tuple[str, int]:
    """'(Antonin Leonard, Ouishare)' right after a quotation, and where its content starts."""
    m = _PARENTHESES.match(text, pos)  # (matched in place: the pattern looks neither behind nor for an end)
    return (m.group(0), m.start(1) - pos) if m else ("", 0)


def _singular(folded: str) -> str:
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in folded.split())


@rule
def term_scores(weighted: list[tuple[str, int]], candidates: dict[str, str]) -> dict[str, float]:
    """Weighted counts of terms in texts: [('l’innovation ouverte', 2)] -> {'innovation ouverte': 2}, nothing for 'innovation'."""
    scores: dict[str, float] = {}
    _add_scores(scores, weighted, _by_length(candidates))
    return scores


def _by_length(candidates: dict[str, str]) -> list[tuple[str, str]]:
    """(folded alias, label), the aliases of more words first."""
    return sorted(candidates.items(), key=lambda kv: -len(kv[0].split()))


@functools.lru_cache(maxsize=256)  # the title and the paragraph before come back for each definition (#12.7)
def _spaced_words(chunk: str) -> str:
    return f" {_singular(fold(chunk))} "


def _add_scores(scores: dict[str, float], weighted: list[tuple[str, int]], ordered: list[tuple[str, str]]) -> None:
    for chunk, weight in weighted:
        folded = _spaced_words(chunk)
        for alias, label in ordered:
            count = folded.count(f" {alias} ") if alias else 0
            if count:
                scores[label] = scores.get(label, 0) + weight * count
                folded = folded.replace(f" {alias} ", " \0 ")


# The patterns of the functions here, compiled once (#12.7: looked up at every call, tens of thousands a page)
_SPACE = re.compile(r"\s")
_PRONOUN_OBJECT = re.compile(
    r"\b(la|le|les|l['’])\s*(?:en\s+)?(?:d[ée]fini|désign|qualifi|décri|présent|résum)\w*\s*\S*\s*$", re.IGNORECASE
)
_PRONOUN_DEFINES = re.compile(r"\b(la|le|les|l['’])\s*d[ée]fini", re.IGNORECASE)
_NO_TERM = re.compile(r"(?:la|le|les|celle|celui|ce|cette|suivante|suivant)", re.IGNORECASE)
_GIVEN_BY = re.compile(r"\b(?:donn|propos|formul|avanc|retenu|fourni|élabor|énonc|rappel)\w*\s+par\s+", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*\(([^()]{2,120})\)")
_SEMICOLON = re.compile(r"\s*;\s")
_OPENING_ADVERB = re.compile(r"^(?:ici|donc|plutôt|simplement|ainsi|généralement|précisément)\s+", re.IGNORECASE)
_TERM_ARTICLE = re.compile(
    r"^(?:(?:les|la|le|des|du|de la|de|un|une|ce|cet|cette|ces)\s+|(?:de l|l|d)['’]\s*)", re.IGNORECASE
)
_TERM_NOUN = re.compile(r"^(?:terme|mot|notion|concept|expression)\s*(?:de\s+|d['’]\s*)?", re.IGNORECASE)


@rule
def tidy_text(text: str) -> str:
    """An unquoted definition tidied: 'ainsi un lieu ouvert ; il …' -> 'un lieu ouvert'."""
    text = _SEMICOLON.split(text)[0]
    text = _OPENING_ADVERB.sub("", text.strip())
    return text.rstrip(".!?…;: ").strip()


@rule
def tidy_term(term: str | None) -> str:
    """A defined term without its article or noun: 'le terme de coproduction' -> 'coproduction'."""
    if not term:
        return ""
    term = term.strip(" «»“”\"',:;.")
    for _ in range(2):  # "le terme de coproduction" -> "coproduction"
        term = _TERM_ARTICLE.sub("", term)
        term = _TERM_NOUN.sub("", term)
    return term.strip(" «»“”\"',:;.")
