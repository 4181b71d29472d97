"""Known names in running text: the build's own mention matcher, as spans.

The importer finds exactly the names the build will find as mentions: the
same folded aliases, the same rules (word boundaries, elisions, acronyms in
capitals only, digits strict, longest match at each anchor), the same
Aho–Corasick automaton (`hubkb.mentions.MentionIndex`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mentions import MentionIndex
from ..resolve import Resolver


@dataclass(frozen=True)
class KnownSpan:
    kind: str  # person, organisation, work, term
    id: str
    name: str  # canonical name, label or title
    start: int
    end: int


class AliasTable:
    """Every alias of the resolver's authorities, for span lookup in a text."""

    def __init__(self, resolver: Resolver):
        self.index = MentionIndex(resolver.authorities)

    def spans(self, text: str) -> list[KnownSpan]:
        """Known aliases in `text`, in order, without overlaps (the longest at each anchor)."""
        return [KnownSpan(a.kind, a.id, a.name, start, end) for a, start, end in self.index.spans(text)]
