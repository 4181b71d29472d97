"""Known names in running text: every alias of the authority files, found by folded word n-grams.

Built on the resolver's own folded alias tables (exact match after `fold`), so
the importer finds exactly the spellings the build will resolve; the longest
alias wins where several start at the same word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..resolve import Entry, Resolver
from ..text import fold


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
        # "ILS" (an acronym) must not match the pronoun "Ils": acronyms match only when written in capitals
        spellings: dict[str, set[bool]] = {}
        a = resolver.authorities
        for record in (*a.people, *a.organisations, *a.works, *a.terms):
            for alias in (record.name, *record.aliases):
                spellings.setdefault(fold(alias), set()).add(alias.isupper() and len(alias) <= 8)
        self.acronyms = {key for key, kinds in spellings.items() if kinds == {True}}

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
                key = tuple(w[0] for w in words[i : i + length])
                entry = self.table[words[i][0]].get(key) if len(key) == length else None
                if (
                    entry
                    and " ".join(key) in self.acronyms
                    and not text[words[i][1] : words[i + length - 1][2]].isupper()
                ):
                    entry = None
                if entry:
                    found.append(KnownSpan(entry.kind, entry.id, entry.name, words[i][1], words[i + length - 1][2]))
                    step = length
                    break
            i += step
        return found
