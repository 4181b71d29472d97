"""The mention finder hubkb had before the Aho–Corasick matcher, kept only to test against.

Word n-grams looked up in a folded alias table keyed by each alias's anchor
word (its first word that is not a stop word), longest first. One change from
the code it was: the surface of a first occurrence is cut at the words' own
offsets (`finditer`), where the old code searched the text for the first word
again and could land on an earlier, unrelated occurrence ("la société civile
… de la 27e Région" for "la 27e Région").
"""

from __future__ import annotations

import re
from collections import defaultdict

from hubkb.records import Authorities, Mention
from hubkb.text import fold

_ELISIONS = frozenset("l d qu j n s c m t jusqu lorsqu puisqu".split())
_WORD = re.compile(r"co[-‐‑]\w+|\w+['’]?")
_STOPWORDS = frozenset("a au aux ce ces de des du en et l la le les of on pour sur the un une".split())


def reference_tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(folded word, word as written, start, end) for every word that counts."""
    out = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word[-1] in "'’":
            if word[:-1].lower() in _ELISIONS:
                continue
            word = word[:-1]
        out.append((fold(word).replace(" ", "\x00"), m.group(), m.start(), m.start() + len(word)))
    return out


class ReferenceIndex:
    def __init__(self, authorities: Authorities):
        self.table: dict[str, dict[tuple[str, ...], tuple[str, str]]] = defaultdict(dict)
        self.spans: dict[str, list[tuple[int, int]]] = {}
        shapes: dict[str, set[tuple[int, int]]] = defaultdict(set)
        spelled: dict[str, set[bool]] = defaultdict(set)
        for kind, records in (
            ("person", authorities.people),
            ("organisation", authorities.organisations),
            ("work", authorities.works),
            ("term", authorities.terms),
        ):
            for record in records:
                names = [record.name, *record.aliases]
                if kind == "work" and record.title_as_cited:  # type: ignore[union-attr]
                    names.append(record.title_as_cited)  # type: ignore[union-attr]
                for name in names:
                    words = fold(name).split()
                    if not words or (len(words) == 1 and len(words[0]) < 3):
                        continue
                    if len(words) == 1:
                        spelled[words[0]].add(name.isupper())
                    offset = next((i for i, w in enumerate(words) if w not in _STOPWORDS), 0)
                    self.table[words[offset]].setdefault(tuple(words), (kind, record.id))
                    shapes[words[offset]].add((len(words), offset))
        for anchor, found in shapes.items():
            self.spans[anchor] = sorted(found, reverse=True)
        self.acronyms = frozenset(word for word, caps in spelled.items() if caps == {True})

    def matches(self, text: str) -> list[tuple[tuple[str, str], int, int]]:
        """((kind, id), start, end) of every match, in order."""
        words = reference_tokens(text)
        folded = [w[0] for w in words]
        out = []
        resume = 0
        for j, word in enumerate(folded):
            for length, offset in self.spans.get(word, ()):
                i = j - offset
                if i < resume or i < 0:
                    continue
                key = tuple(folded[i : i + length])
                target = self.table[word].get(key) if len(key) == length else None
                if target is None or (length == 1 and key[0] in self.acronyms and not words[i][1].isupper()):
                    continue
                out.append((target, words[i][2], words[i + length - 1][3]))
                resume = i + length
                break
        return out

    def find(self, paragraphs: list[str] | tuple[str, ...]) -> list[Mention]:
        mentions = []
        for n, text in enumerate(paragraphs, 1):
            found: dict[tuple[str, str], list] = {}
            for target, start, end in self.matches(text):
                if target in found:
                    found[target][1] += 1
                else:
                    found[target] = [text[start:end], 1]
            mentions.extend(Mention(n, kind, key, surface, count) for (kind, key), (surface, count) in found.items())
        return mentions
