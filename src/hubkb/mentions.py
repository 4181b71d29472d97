"""Mentions stage: known entities found in every paragraph (the mention index).

One pass over each paragraph's words: the folded alias table is keyed by the
first word of each alias, so a word that starts no alias costs one dict
lookup, and longer aliases are tried first (longest match wins). No regex per
alias, so ten thousand aliases cost little more than three hundred.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .records import Authorities, Mention, Work
from .text import fold

_ELISIONS = frozenset("l d qu j n s c m t jusqu lorsqu puisqu".split())
_WORD = re.compile(r"co[-‐‑]\w+|\w+['’]?")


def _fold_word(word: str) -> str:
    """A word as `fold` would write it; '' for an elided article ("l’", "qu’")."""
    if word[-1] in "'’":
        if word[:-1].lower() in _ELISIONS:
            return ""
        word = word[:-1]
    return fold(word)


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, as `fold` would split it.

    Elided articles ("l’", "qu’") are dropped, ordinals come out as "27e" and
    "co-production" as one word "coproduction", matching `fold`.
    """
    out = []
    for m in _WORD.finditer(text):
        folded = _fold_word(m.group())
        if folded:
            out.append((folded, m.start(), m.start() + len(m.group().rstrip("'’"))))
    return out


# Words too common to anchor an alias on: "La 27e Région" is looked up from
# "27e", so the many "la" of a text cost nothing.
_STOPWORDS = frozenset("a au aux ce ces de des du en et l la le les of on pour sur the un une".split())


class MentionIndex:
    """Aliases of every person, organisation, work and term, keyed by an anchor word.

    The anchor is an alias's first word that is not a stop word; `spans[anchor]`
    lists (length, offset of the anchor in the alias), longest first.
    """

    def __init__(self, authorities: Authorities):
        self.table: dict[str, dict[tuple[str, ...], tuple[str, str]]] = defaultdict(dict)
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self._folded: dict[str, str] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        shapes: dict[str, set[tuple[int, int]]] = defaultdict(set)
        spelled: dict[str, set[bool]] = defaultdict(set)  # one-word alias -> written in capitals?
        for kind, records in (
            ("person", authorities.people),
            ("organisation", authorities.organisations),
            ("work", authorities.works),
            ("term", authorities.terms),
        ):
            for record in records:
                names = [record.name, *record.aliases]
                if isinstance(record, Work) and record.title_as_cited:
                    names.append(record.title_as_cited)
                for name in names:
                    words = fold(name).split()
                    if not words or (len(words) == 1 and len(words[0]) < 3):  # "M." is no mention
                        continue
                    if len(words) == 1:
                        spelled[words[0]].add(name.isupper())
                    offset = next((i for i, w in enumerate(words) if w not in _STOPWORDS), 0)
                    self.table[words[offset]].setdefault(tuple(words), (kind, record.id))
                    shapes[words[offset]].add((len(words), offset))
        for anchor, found in shapes.items():
            self.spans[anchor] = sorted(found, reverse=True)
        # An acronym ("ILS", "CNIL") matches only a word in capitals, never the pronoun "Ils".
        self.acronyms = frozenset(word for word, caps in spelled.items() if caps == {True})

    def find(self, paragraphs: tuple[str, ...] | list[str]) -> list[Mention]:
        mentions: list[Mention] = []
        for n, text in enumerate(paragraphs, 1):
            mentions.extend(self._find_in(n, text))
        return mentions

    def _find_in(self, n: int, text: str) -> list[Mention]:
        # Fold each distinct word once (a corpus has a small vocabulary), then
        # visit only the positions whose word anchors some alias.
        cache, spans, table = self._folded, self.spans, self.table
        raw = _WORD.findall(text)
        folded = [cache[w] if w in cache else self._fold(w) for w in raw]
        if "" in folded:
            kept = [i for i, f in enumerate(folded) if f]
            raw, folded = [raw[i] for i in kept], [folded[i] for i in kept]
        found: dict[tuple[str, str], list] = {}
        cursor = resume = 0
        for j in [j for j, w in enumerate(folded) if w in spans]:
            entries = table[folded[j]]
            for length, offset in spans[folded[j]]:
                i = j - offset
                if i < resume:
                    continue
                key = tuple(folded[i : i + length])
                target = entries.get(key) if len(key) == length else None
                if target is None or (length == 1 and key[0] in self.acronyms and not raw[i].isupper()):
                    continue
                if target in found:
                    found[target][1] += 1
                else:  # the surface as written: only for a first occurrence
                    start, cursor = self._span(text, raw, i, length, cursor)
                    found[target] = [text[start:cursor], 1]
                resume = i + length
                break
        return [Mention(n, kind, entity_id, surface, count) for (kind, entity_id), (surface, count) in found.items()]

    def _fold(self, word: str) -> str:
        self._folded[word] = folded = _fold_word(word)
        return folded

    def _span(self, text: str, raw: list[str], i: int, length: int, cursor: int) -> tuple[int, int]:
        """Where words i..i+length-1 stand in `text`, searching from `cursor` on."""
        start = self._locate(text, raw[i], cursor).start()
        last = self._locate(text, raw[i + length - 1], start)
        return start, last.start() + len(raw[i + length - 1].rstrip("'’"))

    def _locate(self, text: str, word: str, cursor: int) -> re.Match[str]:
        pattern = self._patterns.get(word)
        if pattern is None:
            pattern = self._patterns[word] = re.compile(r"(?<!\w)" + re.escape(word))
        found = pattern.search(text, cursor)
        if found is None:  # `word` was read from `text` at or after `cursor`: a bug if missing
            raise ValueError(f"{word!r} is not in the paragraph after offset {cursor}")
        return found
