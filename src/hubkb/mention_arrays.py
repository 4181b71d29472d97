"""The mention scan on arrays (NumPy): a full build's chunk of posts at once.

`hubkb.mentions` finds the same rows one paragraph at a time in Python; this
module scans many posts at once, where the work per call is paid once: one
automaton's scan of a line of word codes (two characters a word, `PieceTable`),
word numbers from the matches' ends, the choice between overlapping matches
(in bulk for pairs, in Python only for the rare groups of three or more),
first occurrences and counts (np.unique). Python then works per mention row,
to cut its surface. Loaded only by a large scan: NumPy takes a fifth of a
second to load, which an update of one post does not pay.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from itertools import chain, pairwise
from math import isqrt
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

import ahocorasick
import numpy as np

from .mentions import (
    _BETWEEN,
    _BETWEEN_PIECE,
    _CACHE_LIMIT,
    _CO_WORDS,
    _ID,
    _KIND,
    _ORDINALS,
    _TALLY,
    Found,
    Piece,
    read_piece,
)
from .records import Mention
from .text import index_words

_WORDS, _START, _END = attrgetter("words"), itemgetter(0), itemgetter(1)

if TYPE_CHECKING:
    from .db.rows import EntityNumbers
    from .mentions import MentionIndex


class Arrays:
    """What the scan needs of each alias (by its number in the automaton), as arrays."""

    def __init__(self, index: MentionIndex):
        aliases = index.aliases
        numbers: dict[tuple[str, str], int] = {}
        for alias in aliases:
            numbers.setdefault(alias.target, len(numbers))
        self.targets = list(numbers)  # (kind, id) of each entity an alias names
        self.length = np.array([a.length for a in aliases], np.int64)
        self.offset = np.array([a.offset for a in aliases], np.int64)
        self.acronym = np.array([a.acronym for a in aliases], np.bool_)
        self.target = np.array([numbers[a.target] for a in aliases], np.int64)
        # The aliases' words, two characters each; the automaton of the aliases so written (`PieceTable`)
        keys = [(key.split(), number) for key, number in index.automaton.items()]
        self.codes = _codes(list(dict.fromkeys(chain.from_iterable(words for words, _ in keys))))
        self.automaton = ahocorasick.Automaton()
        for words, number in keys:
            self.automaton.add_word("".join(map(self.codes.__getitem__, words)), number)
        if keys:
            self.automaton.make_automaton()
        self.pieces = PieceTable(self.codes)  # the pieces of the paragraphs scanned on arrays
        self._numbered: tuple[EntityNumbers, np.ndarray, list[str], np.ndarray] | None = None

    def numbered(self, entities: EntityNumbers) -> tuple[np.ndarray, list[str], np.ndarray] | None:
        """Each target's entity number and name in `entities`, and whether it is a work (None if a target
        is not in `entities`)."""
        if self._numbered is None or self._numbered[0] is not entities:
            if not all(target in entities for target in self.targets):
                return None
            found = [entities[target] for target in self.targets]
            numbers = np.array([n for n, _ in found], np.int64)
            works = np.array([kind == "work" for kind, _ in self.targets], np.bool_)
            self._numbered = (entities, numbers, [name for _, name in found], works)
        return self._numbered[1:]


class _Numbers(dict[str, int]):
    """Piece -> number. A piece not met yet gets the next number and waits in `new`, to be read: a batch's
    pieces are numbered by one lookup each, never a second pass for the new ones."""

    __slots__ = ("new",)

    def __init__(self) -> None:
        super().__init__()
        self.new: list[str] = []

    def __missing__(self, piece: str) -> int:
        number = self[piece] = len(self)
        self.new.append(piece)
        return number


class PieceTable:
    """The pieces read so far, numbered: each one's `Piece`, its line, and its tally and length as arrays.

    A batch maps its pieces to numbers once (a dict lookup a piece); what it then needs of every piece
    comes from these lists and arrays by number, in bulk, instead of from the pieces' attributes one by one.

    A piece's line is its words, two characters each (`Arrays.codes`; `_OTHER` for a word no alias holds),
    and the automaton of the aliases so written (`Arrays.automaton`) finds the matches that of the words
    between spaces finds, word n at offset 2n: a line a third as long, no spaces to count.
    """

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = codes
        self.number = _Numbers()
        self.read: list[Piece] = []
        self.line: list[str] = []
        self.tally = np.zeros(0, np.int64)
        self.length = np.zeros(0, np.int64)
        self.clear()

    def clear(self) -> None:
        """Start over (a large corpus, rather than grow without end)."""
        self.number, self.read, self.line = _Numbers(), [], []
        self.tally, self.length = np.zeros(0, np.int64), np.zeros(0, np.int64)
        # every piece's words one after the other: where each starts and ends in its piece, and each piece's first
        self.word_start, self.word_end, self.first_word = (np.zeros(0, np.int64) for _ in range(3))
        self.add([_BETWEEN], [_BETWEEN_PIECE])

    def numbers(self, pieces: list[str], words: set[str] | None = None) -> list[int]:
        """The number of each piece, reading those not met yet (in one pass: `_Numbers` numbers them);
        `words` gets the words of those and of their search variants (`MentionIndex.find_posts`)."""
        if len(self.number) > _CACHE_LIMIT:
            self.clear()
        numbers = list(map(self.number.__getitem__, pieces))
        new, self.number.new = self.number.new, []
        if new:
            read = list(map(read_piece, new))
            self._append(new, read)
            if words is not None:
                variants = chain.from_iterable(chain(map(_ORDINALS, read), map(_CO_WORDS, read)))
                words |= index_words(chain(new, variants))
        return numbers

    def add(self, pieces: list[str], read: list[Piece]) -> None:
        self.number.update(zip(pieces, range(len(self.read), len(self.read) + len(pieces))))
        self._append(pieces, read)

    def _append(self, pieces: list[str], read: list[Piece]) -> None:
        """What the pieces numbered from len(self.read) on hold, in their order."""
        self.read += read
        self.line += map(self._line, read)
        self.tally = np.append(self.tally, np.fromiter(map(_TALLY, read), np.int64, len(read)))
        self.length = np.append(self.length, np.fromiter(map(len, pieces), np.int64, len(pieces)))
        counts = np.fromiter(map(len, map(_WORDS, read)), np.int64, len(read))
        self.first_word = np.append(self.first_word, len(self.word_start) + np.cumsum(counts) - counts)
        spans = list(chain.from_iterable(map(_WORDS, read)))
        self.word_start = np.append(self.word_start, np.fromiter(map(_START, spans), np.int64, len(spans)))
        self.word_end = np.append(self.word_end, np.fromiter(map(_END, spans), np.int64, len(spans)))

    def _line(self, piece: Piece) -> str:
        """The piece's words, two characters each."""
        if piece.size == 1:
            return self.codes.get(piece.folded, _OTHER)
        return "".join([self.codes.get(w, _OTHER) for w in piece.folded.split(" ")]) if piece.size else ""


_OTHER = "\x02\x03"  # a word of a line that no alias holds


def _codes(words: list[str]) -> dict[str, str]:
    """Each word's two characters: the first of one set of k, the second of another (k * k > the words).

    An automaton tries every way out of its root on each character it cannot follow (pyahocorasick looks
    through them in turn): a character a word would leave as many ways out of the root as words begin an
    alias, hundreds; two leave k at most. A match begins with a first character, so at a word's start.
    """
    k = isqrt(len(words)) + 1
    return {w: f"{chr(0x100 + i // k)}{chr(0x100 + k + i % k)}" for i, w in enumerate(words)}


class Batch:
    """Paragraphs (of many posts) cut into pieces at white space, their folded line, and the way back from word numbers to offsets.

    The line holds the folded words, two characters each (`PieceTable`), and after
    each paragraph a word no alias holds. Words are numbered from 0 in the line,
    word n at offset 2n; arrays of them map back in bulk (NumPy).
    """

    __slots__ = (
        "_starts",
        "first_piece",
        "ids",
        "line",
        "paragraph",
        "pieces",
        "read",
        "sizes",
        "table",
        "tally",
        "texts",
        "word_ends",
    )

    def __init__(self, texts: Sequence[str], table: PieceTable, words: set[str] | None = None):
        self.texts = texts
        pieces: list[str] = []
        first_piece = []  # each paragraph's first piece
        for text in texts:
            first_piece.append(len(pieces))
            pieces += text.split()
            pieces.append(_BETWEEN)
        self.pieces = pieces
        numbers = table.numbers(pieces, words)
        self.table = table
        self.read = table.read  # a piece's `Piece`: read[ids[i]]
        self.ids = np.array(numbers, np.int64)
        self.line = "".join(map(table.line.__getitem__, numbers))
        self.tally = table.tally[self.ids]
        self.sizes = self.tally >> 1
        self.word_ends = np.cumsum(self.sizes)  # words up to each piece, that one included
        self.first_piece = np.array(first_piece, np.int64)
        # the number of each paragraph's closing word but the last: how many stand before a word is its paragraph
        self.paragraph = self.word_ends[self.first_piece[1:] - 1] - 1
        self._starts: np.ndarray | None = None

    def pieces_of(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(piece, word within the piece) of each word number."""
        piece = np.searchsorted(self.word_ends, words, "right")
        return piece, words - (self.word_ends[piece] - self.sizes[piece])

    def variants(self) -> list[str]:
        """Each paragraph's search variants, as `text.search_variants` gives them, from its pieces' parts."""
        out = [""] * len(self.texts)
        flagged = np.flatnonzero(self.tally & 1)
        if not len(flagged):
            return out
        paragraphs = np.searchsorted(self.first_piece, flagged, "right") - 1
        cuts = np.flatnonzero(np.diff(paragraphs)) + 1  # where the next paragraph's pieces start
        read = list(map(self.read.__getitem__, self.ids[flagged].tolist()))
        for p, a, b in zip(paragraphs[np.append(0, cuts)].tolist(), [0, *cuts.tolist()], [*cuts.tolist(), len(read)]):
            pieces = read[a:b]
            found = [*chain.from_iterable(map(_ORDINALS, pieces)), *chain.from_iterable(map(_CO_WORDS, pieces))]
            out[p] = " ".join(dict.fromkeys(found))
        return out

    def written(self, words: np.ndarray) -> list[str]:
        """Each word as written."""
        read = self.read
        piece, k = self.pieces_of(words)
        return [read[p].words[k][2] for p, k in zip(self.ids[piece].tolist(), k.tolist())]

    def bounds(self, first: np.ndarray, last: np.ndarray) -> tuple[list[int], list[int], list[int]]:
        """(paragraph index, start, end) in that paragraph of the words from `first` to `last`, for each pair."""
        if self._starts is None:
            self._starts = self._piece_starts()
        table, starts, ids = self.table, self._starts, self.ids
        piece_f, k_f = self.pieces_of(first)
        piece_l, k_l = self.pieces_of(last)
        return (
            np.searchsorted(self.paragraph, first).tolist(),
            (starts[piece_f] + table.word_start[table.first_word[ids[piece_f]] + k_f]).tolist(),
            (starts[piece_l] + table.word_end[table.first_word[ids[piece_l]] + k_l]).tolist(),
        )

    def _piece_starts(self) -> np.ndarray:
        """Where each piece starts in its paragraph."""
        lengths = self.table.length[self.ids]
        at = np.cumsum(lengths + 1) - lengths - 1  # in the pieces joined by single spaces
        closing = np.append(self.first_piece[1:], len(self.pieces)) - 1
        opens = at[self.first_piece]
        starts = at - np.repeat(opens, closing - self.first_piece + 1)
        texts = self.texts
        spaced = at[closing] - opens - 1  # a paragraph's length with one space between pieces
        for p in np.flatnonzero(spaced != np.fromiter(map(len, texts), np.int64, len(texts))).tolist():
            text, at_piece = texts[p], 0
            for i in range(int(self.first_piece[p]), int(closing[p])):
                at_piece = text.index(self.pieces[i], at_piece)
                starts[i] = at_piece
                at_piece += len(self.pieces[i])
        return starts


def find_posts(
    index: MentionIndex,
    posts: Sequence[Sequence[str]],
    words: set[str] | None = None,
    entities: EntityNumbers | None = None,
) -> list[Found]:
    """`MentionIndex.find_posts` on arrays: the mention rows of each post, its paragraphs' search variants,
    and into `words` the words of the pieces first read. With `entities`, the rows are `Found.rows`."""
    if index.arrays is None:
        index.arrays = Arrays(index)
    arrays = index.arrays
    paragraphs = [p for post in posts for p in post]
    opens = np.cumsum([0] + [len(post) for post in posts])  # each post's first paragraph
    text = Batch(paragraphs, arrays.pieces, words)
    shown_variants = text.variants()
    by_post = [shown_variants[a:b] for a, b in pairwise(opens.tolist())]
    # a post's pieces, less the word closing each of its paragraphs: its body's words, as `str.split` cuts them
    words = (np.diff(np.append(text.first_piece, len(text.pieces))[opens]) - np.diff(opens)).tolist()
    aliases, first = _scan(arrays, text)
    if not len(aliases):
        return [Found([], v, w) for v, w in zip(by_post, words)]
    # Within a paragraph, an entity's first occurrence and its count: one key per (paragraph, entity)
    targets = arrays.target[aliases]
    keys = np.searchsorted(text.paragraph, first) * len(arrays.targets) + targets
    _keys, firsts, counts = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(firsts)
    firsts = firsts[order]
    shown, starts, ends = text.bounds(first[firsts], first[firsts] + arrays.length[aliases[firsts]] - 1)
    post = np.searchsorted(opens, shown, "right") - 1
    numbers = (np.array(shown, np.int64) - opens[post] + 1).tolist()
    surfaces = [paragraphs[p][s:e] for p, s, e in zip(shown, starts, ends)]
    cuts = np.searchsorted(post, np.arange(len(posts) + 1)).tolist()
    numbered = arrays.numbered(entities) if entities is not None else None
    if numbered is not None:  # the rows' columns at once: no lookup of (kind, id) a row
        entity, name, work = numbered
        kept = targets[firsts]
        shown_as = [
            None if surface == written else surface
            for surface, written in zip(surfaces, map(name.__getitem__, kept.tolist()))
        ]
        numbered_as, occurrences = entity[kept].tolist(), counts[order].tolist()
        # the works' mentions as `Mention`s too: a post's citations are made of them
        works = np.flatnonzero(work[kept])
        cited = [
            Mention(numbers[i], "work", arrays.targets[t][1], surfaces[i], occurrences[i])
            for i, t in zip(works.tolist(), kept[works].tolist())
        ]
        work_cuts = np.searchsorted(works, cuts).tolist()
        return [
            Found(cited[c:d], v, w, (numbers[a:b], numbered_as[a:b], shown_as[a:b], occurrences[a:b]))
            for (a, b), (c, d), v, w in zip(pairwise(cuts), pairwise(work_cuts), by_post, words)
        ]
    names = list(map(arrays.targets.__getitem__, targets[firsts].tolist()))
    rows = list(
        map(
            partial(tuple.__new__, Mention),
            zip(numbers, map(_KIND, names), map(_ID, names), surfaces, counts[order].tolist()),
        )
    )
    return [Found(rows[a:b], v, w) for (a, b), v, w in zip(pairwise(cuts), by_post, words)]


def _scan(arrays: Arrays, text: Batch) -> tuple[np.ndarray, np.ndarray]:
    """(alias numbers, first words) of the matches kept: the longest at each anchor, never overlapping."""
    found = list(arrays.automaton.iter(text.line)) if arrays.automaton.kind else []
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    at = np.fromiter(chain.from_iterable(found), np.int64, 2 * len(found)).reshape(-1, 2)
    aliases = at[:, 1]
    stop = (at[:, 0] >> 1) + 1  # a match of n words ends at the second character of its last, word stop - 1
    first = stop - arrays.length[aliases]
    acronyms = np.flatnonzero(arrays.acronym[aliases])
    if len(acronyms):  # an acronym matches only a word written in capitals
        lower = [not w.isupper() for w in text.written(first[acronyms])]
        if any(lower):
            keep = np.ones(len(aliases), np.bool_)
            keep[acronyms[lower]] = False
            aliases, first, stop = aliases[keep], first[keep], stop[keep]
    if not (first[1:] < stop[:-1]).any():  # by end, in order, each after the one before: all stand
        return aliases, first
    # By first word: a match overlaps one before it when it starts before the furthest end so far
    order = np.lexsort((stop, first))
    aliases, first, stop = aliases[order], first[order], stop[order]
    overlap = first[1:] < np.maximum.accumulate(stop)[:-1]
    # Matches that overlap make groups; a group of one stands. In a group, the anchors' order decides
    # (the anchor, then the longest, then the latest anchor word in the alias): of two, the first wins.
    keep = np.ones(len(aliases), np.bool_)
    starts = np.flatnonzero(np.concatenate(([True], ~overlap)))
    sizes = np.diff(np.append(starts, len(aliases)))
    anchor = first + arrays.offset[aliases]
    length, offset = arrays.length[aliases], arrays.offset[aliases]
    pairs = starts[sizes == 2]
    if len(pairs):
        a, b = pairs, pairs + 1
        first_wins = (anchor[a] < anchor[b]) | (
            (anchor[a] == anchor[b]) & ((length[a] > length[b]) | ((length[a] == length[b]) & (offset[a] > offset[b])))
        )
        keep[np.where(first_wins, b, a)] = False
    for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
        group = sorted(
            (int(anchor[i]), -int(length[i]), -int(offset[i]), int(first[i]), i) for i in range(start, start + size)
        )
        resume, taken = 0, -1
        for at_anchor, minus_length, _offset, word, i in group:
            if at_anchor == taken or word < resume:
                keep[i] = False
                continue
            resume, taken = word - minus_length, at_anchor
    return aliases[keep], first[keep]
