"""Mentions stage: known entities found in every paragraph, by one Aho–Corasick automaton.

Every alias of every person, organisation, work and term is folded
(`text.fold`) and put, between spaces, into one automaton (`pyahocorasick`, a
C extension). A paragraph is cut at white space (`str.split`); each distinct
piece is folded into its words once and remembered (a corpus repeats its
pieces: "l’agence", "(Nesta),"); the folded words are joined by single spaces
and scanned once, ten thousand aliases costing what three hundred do. Python
work is then per match, not per word; a full build's chunks of posts go to
`hubkb.mention_arrays`, which does that work on arrays (NumPy) for many posts
at once. The pieces also keep their search variants (`text.variant_parts`), so
a paragraph's regex scans are not run again for its rows. The build's mention
rows and the importer's known-name spans both come from here.

The rules:

- Words: `co-production` is one word (`coproduction`), an elided article
  (`l’`, `qu’`) is no word, ordinals fold (`27ème` -> `27e`), case and accents
  fold; the punctuation between two words does not matter.
- A one-word alias needs three letters ("M." is no mention); an acronym (a
  one-word alias that every record writes in capitals: `ILS`) matches only a
  word written in capitals, never the pronoun "Ils". Digits match exactly.
- Each alias is anchored on its first word that is not a stop word. Going
  through the paragraph's anchors in order, the longest alias at an anchor
  wins, and matches never overlap.
- Within a paragraph, an entity's first occurrence gives the surface as
  written; later ones only add to its count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate
from operator import add, attrgetter, itemgetter
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick

from .records import Authorities, Mention, Work
from .text import fold, index_words, search_variants, variant_parts

if TYPE_CHECKING:
    from .db.rows import EntityNumbers
    from .mention_arrays import Arrays

_ELISIONS = frozenset("l d qu j n s c m t jusqu lorsqu puisqu".split())
_WORD = re.compile(r"co[-‐‑]\w+|\w+['’]?")  # a word, with the apostrophe that may elide it
_APOSTROPHES = "'’"
_BULK_PARAGRAPHS = 200  # from so many paragraphs a scan is done on arrays
_CACHE_LIMIT = 200_000  # pieces remembered; a large corpus starts over rather than grow without end

# Words too common to anchor an alias on: "La 27e Région" is anchored on "27e".
_STOPWORDS = frozenset("a au aux ce ces de des du en et l la le les of on pour sur the un une".split())


class Piece(NamedTuple):
    """What a piece of text between white space holds: its folded words and where they stand."""

    folded: str  # the words that count, folded, joined by spaces ("" for none)
    size: int  # how many words
    words: tuple[tuple[int, int, str], ...]  # (start, end, as written) of each, in the piece
    tally: int  # 2 * size, plus 1 when the piece has search variants
    ordinals: tuple[str, ...]  # its search variants (`text.variant_parts`)
    co_words: tuple[str, ...]


def read_piece(piece: str) -> Piece:
    """The words of `piece` (no white space in it), by the rules above."""
    words = []
    for m in _WORD.finditer(piece):
        word = m.group()
        if word[-1] in _APOSTROPHES:
            if word[:-1].lower() in _ELISIONS:
                continue
            word = word[:-1]
        words.append((fold(word).replace(" ", "\x00"), (m.start(), m.start() + len(word), m.group())))
    # A word never folds to two ("½" would): "\x00" keeps it one word that matches no alias.
    folded = " ".join(w for w, _ in words)
    ordinals, co_words = variant_parts(piece)
    return Piece(
        folded,
        len(words),
        tuple(span for _, span in words),
        2 * len(words) + bool(ordinals or co_words),
        tuple(ordinals),
        tuple(co_words),
    )


_TALLY, _ORDINALS, _CO_WORDS = (
    attrgetter("tally"),
    attrgetter("ordinals"),
    attrgetter("co_words"),
)
_KIND, _ID = itemgetter(0), itemgetter(1)
_FOLDED, _COUNT = itemgetter(0), itemgetter(1)
# After each paragraph's pieces: one word ("\x01") that no alias holds, so that no match spans two paragraphs.
# Keyed by a string `str.split` never gives.
_BETWEEN, _BETWEEN_PIECE = "\n", Piece("\x01", 1, ((0, 0, ""),), 2, (), ())


class Found(NamedTuple):
    """What `MentionIndex.find_posts` gives for a post."""

    mentions: list[Mention]  # the works' only when `rows` holds them all (a post's citations are made of those)
    variants: list[str] | None  # each paragraph's search variants, when found with the mentions
    words: int | None = None  # the words of its paragraphs (as `str.split` cuts them), when counted with them
    # The mention rows as columns, when found with the entities' numbers (a build's chunk): each row's paragraph
    # (numbered from 1 in the post), entity number, surface (None where it is the entity's name) and count
    rows: tuple[list[int], list[int], list[str | None], list[int]] | None = None


class Alias(NamedTuple):
    """What the automaton holds for one folded alias."""

    kind: str  # person, organisation, work or term
    id: str
    name: str  # canonical name, label or title
    length: int  # words
    offset: int  # position of the anchor word in the alias
    acronym: bool  # matches only a word written in capitals
    target: tuple[str, str]  # (kind, id)


class Pieces(dict[str, Piece]):
    """Read pieces by their text; a piece not met yet is read (`read_piece`) when first asked for."""

    __slots__ = ()

    def __missing__(self, piece: str) -> Piece:
        read = self[piece] = read_piece(piece)
        return read


class Text:
    """A text cut into pieces at white space, and the way back from word numbers to offsets."""

    __slots__ = ("_counts", "_starts", "pieces", "read", "text")

    def __init__(self, text: str, cache: Pieces):
        self.text = text
        self.pieces = pieces = text.split()
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        self.read: list[Piece] = list(map(cache.__getitem__, pieces))
        self._counts: list[int] = []
        self._starts: list[int] = []

    def line(self) -> str:
        """The folded words between single spaces, with a space at each end."""
        return f" {' '.join(filter(None, map(_FOLDED, self.read)))} "

    def word(self, n: int) -> tuple[int, int, str]:
        """(start, end, as written) of word number n (of those that count) in the text."""
        if not self._counts:
            self._counts = list(accumulate(map(_COUNT, self.read)))
            self._starts = self._offsets()
        i = bisect_right(self._counts, n)
        start, end, written = self.read[i].words[n - (self._counts[i - 1] if i else 0)]
        return self._starts[i] + start, self._starts[i] + end, written

    def _offsets(self) -> list[int]:
        """Where each piece starts in the text."""
        pieces, text = self.pieces, self.text
        lengths = list(map(len, pieces))
        if pieces and sum(lengths) + len(pieces) - 1 == len(text) and not text[0].isspace():
            return list(map(add, accumulate(lengths, initial=0), range(len(lengths))))  # one space between pieces
        starts, at = [], 0
        for piece in pieces:
            at = text.index(piece, at)
            starts.append(at)
            at += len(piece)
        return starts


class MentionIndex:
    """Every alias of the authority files in one automaton; `find` gives a post's mention rows."""

    def __init__(self, authorities: Authorities):
        targets: dict[tuple[str, ...], tuple[str, str, str]] = {}  # folded alias -> its first record
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
                    words = tuple(fold(name).split())
                    if not words or (len(words) == 1 and len(words[0]) < 3):  # "M." is no mention
                        continue
                    if len(words) == 1:
                        spelled[words[0]].add(name.isupper())
                    targets.setdefault(words, (kind, record.id, record.name))
        acronyms = {word for word, caps in spelled.items() if caps == {True}}
        self.automaton = ahocorasick.Automaton()
        self.aliases: list[Alias] = []  # the automaton holds the number of the alias in this list
        for words, (kind, entity_id, name) in targets.items():
            offset = next((i for i, w in enumerate(words) if w not in _STOPWORDS), 0)
            acronym = len(words) == 1 and words[0] in acronyms
            alias = Alias(kind, entity_id, name, len(words), offset, acronym, (kind, entity_id))
            self.automaton.add_word(f" {' '.join(words)} ", len(self.aliases))
            self.aliases.append(alias)
        if targets:
            self.automaton.make_automaton()
        self.pieces = Pieces()  # read pieces, by their text
        self.arrays: Arrays | None = None  # made by the first large scan

    def __getstate__(self) -> dict:
        """Pickled (a build's stage, `hubkb.stage_cache`) without the pieces read so far: an index loaded
        from the cache reads every piece afresh, so that `find_posts` gives the words of all it scans."""
        return {**self.__dict__, "pieces": Pieces(), "arrays": None}

    def find(self, paragraphs: Sequence[str]) -> list[Mention]:
        """The mention rows of a post: per paragraph (numbered from 1), one per entity, in order of appearance."""
        mentions: list[Mention] = []
        for n, paragraph in enumerate(paragraphs, 1):
            text = Text(paragraph, self.pieces)
            found: dict[tuple[str, str], list[int]] = {}  # (kind, id) -> [first word, last word, count]
            for alias, first, last in self._scan(text):
                seen = found.get(alias.target)
                if seen is None:
                    found[alias.target] = [first, last, 1]
                else:
                    seen[2] += 1
            for (kind, entity_id), (first, last, count) in found.items():  # the surface of a first occurrence
                surface = paragraph[text.word(first)[0] : text.word(last)[1]]
                mentions.append(Mention(n, kind, entity_id, surface, count))
        return mentions

    def find_posts(
        self, posts: Sequence[Sequence[str]], words: set[str] | None = None, entities: EntityNumbers | None = None
    ) -> list[Found]:
        """The mention rows of each post (as `find` gives them), and its paragraphs' search variants (as
        `text.search_variants` gives them; None when not found here).

        A build's chunk of posts is scanned at once, on arrays (`hubkb.mention_arrays`), and the pieces
        each paragraph is cut into are read once for both; a few posts (an update) one at a time, in Python.
        `words`, when given, gets the words (`text.index_words`) of the pieces read for the first time and
        of their search variants: over the calls of a process, every word of the paragraphs it scanned, as
        the paragraphs' full-text index holds them (a build's stems, without reading that index back).
        `entities`, when given, numbers the entities of a chunk scanned on arrays: its posts' mention rows
        then come as `Found.rows`, made a column at a time, and only the works' as `Mention`s (a post's
        citations are made of them).
        """
        if sum(map(len, posts)) < _BULK_PARAGRAPHS:
            if words is None:
                return [Found(self.find(paragraphs), None) for paragraphs in posts]
            found = []
            for paragraphs in posts:  # the variants are worked out for the words: given, not worked out again
                variants = list(map(search_variants, paragraphs))
                words |= index_words([*paragraphs, *variants])
                found.append(Found(self.find(paragraphs), variants))
            return found
        from .mention_arrays import find_posts

        return find_posts(self, posts, words, entities)

    def spans(self, text: str) -> list[tuple[Alias, int, int]]:
        """Every match in `text` as (alias, start, end) offsets into `text`, in order."""
        cut = Text(text, self.pieces)
        return [(alias, cut.word(first)[0], cut.word(last)[1]) for alias, first, last in self._scan(cut)]

    def _scan(self, text: Text) -> list[tuple[Alias, int, int]]:
        """(alias, first word, last word) of each match: the longest at each anchor, never overlapping."""
        if not self.automaton.kind:
            return []
        line = text.line()
        candidates = []
        count, spaces, at, overlap, resume = line.count, 0, 0, False, 0
        aliases = self.aliases
        for end, number in self.automaton.iter(line):  # by end, in order
            alias = aliases[number]
            length, offset = alias.length, alias.offset
            spaces += count(" ", at, end)
            at = end
            first = spaces - length  # a key of n words holds n + 1 spaces, the last at `end`
            overlap = overlap or first < resume
            resume = spaces
            candidates.append((first + offset, -length, -offset, first, alias))
        if overlap:  # the anchors' order decides; else every match stands, in order
            candidates.sort()
        spans = []
        resume, taken = 0, -1
        for anchor, length, _offset, first, alias in candidates:
            if anchor == taken or first < resume:
                continue
            if alias.acronym and not text.word(first)[2].isupper():
                continue
            spans.append((alias, first, first - length - 1))
            resume, taken = first - length, anchor
        return spans


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, as `fold` would split it.

    Elided articles ("l’", "qu’") are dropped, ordinals come out as "27e" and
    "co-production" as one word "coproduction", matching `fold`.
    """
    cut = Text(text, Pieces())
    folded = cut.line().split()
    return [(word, *cut.word(n)[:2]) for n, word in enumerate(folded)]
