"""Index stage: mentions of known entities in every paragraph.

One pass over each paragraph's words: the folded alias table is keyed by the
first word of each alias, so a word that starts no alias costs one dict
lookup, and longer aliases are tried first (longest match wins). No regex per
alias, so ten thousand aliases cost little more than three hundred.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from .records import Authorities, Mention
from .text import fold

_ELISIONS = frozenset("l d qu j n s c m t jusqu lorsqu puisqu".split())
_TOKEN = re.compile(r"(\d+)\s?(?:ieme|eme|er|ere|e)\b|co[-‐‑](?=\w)|\w+(?:['’](?=\w))?")


def _fold_table() -> dict[int, str]:
    """Single-character accent folding, so folded text keeps the original's offsets."""
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base
    for mark in "’‘ʼ`´":
        table[ord(mark)] = "'"
    return table


_TABLE = _fold_table()


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, as `fold` would split it.

    Elided articles ("l’", "qu’") are dropped, ordinals come out as "27e" and
    "co-production" as one word "coproduction", matching `fold`.
    """
    folded = text.translate(_TABLE).lower()
    if len(folded) != len(text):  # a character that changes length when lowered
        folded = "".join(c.translate(_TABLE).lower()[:1] or c for c in text)
    out: list[tuple[str, int, int]] = []
    pending: tuple[str, int] | None = None  # a "co-" waiting for its word
    for m in _TOKEN.finditer(folded):
        word, start = m.group(0), m.start()
        if m.group(1):
            out.append((m.group(1) + "e", start, m.end()))
            continue
        if word.startswith("co") and word[-1] in "-‐‑":
            pending = ("co", start)
            continue
        if word.endswith("'"):
            if word[:-1] in _ELISIONS:
                continue
            word = word[:-1]
        if pending and pending[1] + 3 == start:
            out.append(("co" + word, pending[1], m.end()))
        else:
            out.append((word, start, m.end()))
        pending = None
    return out


class MentionIndex:
    """Aliases of every person, organisation, work and term, keyed by first word."""

    def __init__(self, authorities: Authorities):
        self.table: dict[str, dict[tuple[str, ...], tuple[str, str]]] = defaultdict(dict)
        self.lengths: dict[str, list[int]] = {}
        for kind, records in (("person", authorities.people), ("organisation", authorities.organisations),
                              ("work", authorities.works), ("term", authorities.terms)):
            for record in records:
                names = [record.name, *record.aliases]
                if kind == "work" and record.title_as_cited:
                    names.append(record.title_as_cited)
                for name in names:
                    self._add(fold(name).split(), (kind, record.id))
        for first, entries in self.table.items():
            self.lengths[first] = sorted({len(k) for k in entries}, reverse=True)

    def _add(self, words: list[str], target: tuple[str, str]) -> None:
        if words and not (len(words) == 1 and len(words[0]) < 3):  # "M." is no mention
            self.table[words[0]].setdefault(tuple(words), target)

    def find(self, paragraphs: tuple[str, ...] | list[str]) -> list[Mention]:
        mentions: list[Mention] = []
        for n, text in enumerate(paragraphs, 1):
            found: dict[tuple[str, str], list] = {}
            words = tokens(text)
            i = 0
            while i < len(words):
                step = 1
                first = words[i][0]
                if first in self.lengths:
                    entries = self.table[first]
                    for length in self.lengths[first]:
                        key = tuple(w[0] for w in words[i : i + length])
                        target = entries.get(key) if len(key) == length else None
                        if target:
                            surface = text[words[i][1] : words[i + length - 1][2]]
                            if target in found:
                                found[target][1] += 1
                            else:
                                found[target] = [surface, 1]
                            step = length
                            break
                i += step
            mentions.extend(Mention(n, kind, entity_id, surface, count)
                            for (kind, entity_id), (surface, count) in found.items())
        return mentions
