"""Mentions stage: known entities found in every paragraph, by one Aho–Corasick automaton.

Every alias of every person, organisation, work and term is folded
(`text.fold`) and put, between spaces, into one automaton (`pyahocorasick`, a
C extension). A paragraph is cut at white space (`str.split`); each distinct
piece is folded into its words once and remembered (a corpus repeats its
pieces: "l’agence", "(Nesta),"); the folded words are joined by single spaces
and scanned once, ten thousand aliases costing what three hundred do. What
follows the scan is done on arrays (NumPy) for many posts at once: word
numbers from the matches' ends, the choice between overlapping matches (in
Python only for the rare groups of three or more), first occurrences and
counts; Python then works per mention row, to cut its surface. The build's
mention rows and the importer's known-name spans both come from here.

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
from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from itertools import chain, pairwise
from operator import attrgetter, itemgetter
from typing import NamedTuple

import ahocorasick
import numpy as np

from .records import Authorities, Mention, Work
from .text import fold, variant_parts

_ELISIONS = frozenset("l d qu j n s c m t jusqu lorsqu puisqu".split())
_WORD = re.compile(r"co[-‐‑]\w+|\w+['’]?")  # a word, with the apostrophe that may elide it
_APOSTROPHES = "'’"
_CACHE_LIMIT = 200_000  # pieces remembered; a large corpus starts over rather than grow without end

# Words too common to anchor an alias on: "La 27e Région" is anchored on "27e".
_STOPWORDS = frozenset("a au aux ce ces de des du en et l la le les of on pour sur the un une".split())


class Piece(NamedTuple):
    """What a piece of text between white space holds: its folded words and where they stand."""

    folded: str  # the words that count, folded, joined by spaces ("" for none)
    size: int  # how many words
    words: tuple[tuple[int, int, str], ...]  # (start, end, as written) of each, in the piece
    line: str  # `folded` and a space, as the scanned line holds it ("" for none)
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
        f"{folded} " if words else "",
        2 * len(words) + bool(ordinals or co_words),
        tuple(ordinals),
        tuple(co_words),
    )


_LINE, _TALLY, _ORDINALS, _CO_WORDS = (
    attrgetter("line"),
    attrgetter("tally"),
    attrgetter("ordinals"),
    attrgetter("co_words"),
)
_KIND, _ID = itemgetter(0), itemgetter(1)
# After each paragraph's pieces: one word ("\x01") that no alias holds, so that no match spans two paragraphs.
# Keyed by a string `str.split` never gives.
_BETWEEN, _BETWEEN_PIECE = "\n", Piece("\x01", 1, ((0, 0, ""),), "\x01 ", 2, (), ())


class Found(NamedTuple):
    """What `MentionIndex.find_posts` gives for a post."""

    mentions: list[Mention]
    variants: list[str]  # each paragraph's search variants


class Alias(NamedTuple):
    """What the automaton holds for one folded alias."""

    kind: str  # person, organisation, work or term
    id: str
    name: str  # canonical name, label or title
    length: int  # words
    offset: int  # position of the anchor word in the alias
    acronym: bool  # matches only a word written in capitals
    target: tuple[str, str]  # (kind, id)


class Text:
    """Paragraphs cut into pieces at white space, their folded line, and the way back from word numbers to offsets.

    The line holds the folded words between single spaces, with a space at
    each end, and after each paragraph a word no alias holds. Words are
    numbered from 0 in the line; arrays of them map back in bulk (NumPy).
    """

    __slots__ = (
        "_starts",
        "first_piece",
        "line",
        "paragraph",
        "pieces",
        "read",
        "sizes",
        "tally",
        "texts",
        "word_ends",
    )

    def __init__(self, texts: Sequence[str], cache: dict[str, Piece]):
        self.texts = texts
        pieces: list[str] = []
        first_piece = []  # each paragraph's first piece
        for text in texts:
            first_piece.append(len(pieces))
            pieces += text.split()
            pieces.append(_BETWEEN)
        self.pieces = pieces
        try:
            read = list(map(cache.__getitem__, pieces))
        except KeyError:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[_BETWEEN] = _BETWEEN_PIECE
            for piece in set(pieces).difference(cache):
                cache[piece] = read_piece(piece)
            read = list(map(cache.__getitem__, pieces))
        self.read: list[Piece] = read
        self.line = f" {''.join(map(_LINE, read))}"
        self.tally = np.fromiter(map(_TALLY, read), np.int64, len(read))
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
        read = list(map(self.read.__getitem__, flagged.tolist()))
        for p, a, b in zip(paragraphs[np.append(0, cuts)].tolist(), [0, *cuts.tolist()], [*cuts.tolist(), len(read)]):
            pieces = read[a:b]
            found = [*chain.from_iterable(map(_ORDINALS, pieces)), *chain.from_iterable(map(_CO_WORDS, pieces))]
            out[p] = " ".join(dict.fromkeys(found))
        return out

    def written(self, words: np.ndarray) -> list[str]:
        """Each word as written."""
        read = self.read
        return [read[p].words[k][2] for p, k in zip(*(a.tolist() for a in self.pieces_of(words)))]

    def bounds(self, first: np.ndarray, last: np.ndarray) -> tuple[list[int], list[int], list[int]]:
        """(paragraph index, start, end) in that paragraph of the words from `first` to `last`, for each pair."""
        if self._starts is None:
            self._starts = self._piece_starts()
        read, starts = self.read, self._starts
        piece_f, k_f = self.pieces_of(first)
        piece_l, k_l = self.pieces_of(last)
        return (
            np.searchsorted(self.paragraph, first).tolist(),
            [s + read[p].words[k][0] for s, p, k in zip(starts[piece_f].tolist(), piece_f.tolist(), k_f.tolist())],
            [s + read[p].words[k][1] for s, p, k in zip(starts[piece_l].tolist(), piece_l.tolist(), k_l.tolist())],
        )

    def _piece_starts(self) -> np.ndarray:
        """Where each piece starts in its paragraph."""
        lengths = np.fromiter(map(len, self.pieces), np.int64, len(self.pieces))
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
        self.targets: list[tuple[str, str]] = []  # (kind, id) of each entity an alias names
        numbers: dict[tuple[str, str], int] = {}
        for words, (kind, entity_id, name) in targets.items():
            offset = next((i for i, w in enumerate(words) if w not in _STOPWORDS), 0)
            acronym = len(words) == 1 and words[0] in acronyms
            alias = Alias(kind, entity_id, name, len(words), offset, acronym, (kind, entity_id))
            self.automaton.add_word(f" {' '.join(words)} ", len(self.aliases))
            self.aliases.append(alias)
            numbers.setdefault(alias.target, len(numbers))
        if targets:
            self.automaton.make_automaton()
        self.targets = list(numbers)
        # Per alias number, what the scan needs, as arrays
        self._length = np.array([a.length for a in self.aliases], np.int64)
        self._offset = np.array([a.offset for a in self.aliases], np.int64)
        self._acronym = np.array([a.acronym for a in self.aliases], np.bool_)
        self._target = np.array([numbers[a.target] for a in self.aliases], np.int64)
        self._pieces: dict[str, Piece] = {}

    def find(self, paragraphs: Sequence[str]) -> list[Mention]:
        """The mention rows of a post: per paragraph (numbered from 1), one per entity, in order of appearance."""
        return self._find([paragraphs], variants=False)[0].mentions

    def find_posts(self, posts: Sequence[Sequence[str]]) -> list[Found]:
        """The mention rows of each post (as `find` gives them), and its paragraphs' search variants (as
        `text.search_variants` gives them), found in one scan of them all.

        The work per call is done on arrays (NumPy): a build gives a worker's hundred posts at once, and
        the pieces each paragraph is cut into are read once for both.
        """
        return self._find(posts, variants=True)

    def _find(self, posts: Sequence[Sequence[str]], variants: bool) -> list[Found]:
        paragraphs = [p for post in posts for p in post]
        opens = np.cumsum([0] + [len(post) for post in posts])  # each post's first paragraph
        text = Text(paragraphs, self._pieces)
        shown_variants = text.variants() if variants else []
        by_post = [shown_variants[a:b] for a, b in pairwise(opens.tolist())] if variants else [[] for _ in posts]
        aliases, first = self._scan(text)
        if not len(aliases):
            return [Found([], v) for v in by_post]
        # Within a paragraph, an entity's first occurrence and its count: one key per (paragraph, entity)
        targets = self._target[aliases]
        keys = np.searchsorted(text.paragraph, first) * len(self.targets) + targets
        _keys, firsts, counts = np.unique(keys, return_index=True, return_counts=True)
        order = np.argsort(firsts)
        firsts = firsts[order]
        shown, starts, ends = text.bounds(first[firsts], first[firsts] + self._length[aliases[firsts]] - 1)
        post = np.searchsorted(opens, shown, "right") - 1
        numbers = (np.array(shown, np.int64) - opens[post] + 1).tolist()
        names = list(map(self.targets.__getitem__, targets[firsts].tolist()))
        surfaces = [paragraphs[p][s:e] for p, s, e in zip(shown, starts, ends)]
        rows = list(
            map(
                partial(tuple.__new__, Mention),
                zip(numbers, map(_KIND, names), map(_ID, names), surfaces, counts[order].tolist()),
            )
        )
        cuts = np.searchsorted(post, np.arange(len(posts) + 1)).tolist()
        return [Found(rows[a:b], v) for (a, b), v in zip(pairwise(cuts), by_post)]

    def spans(self, text: str) -> list[tuple[Alias, int, int]]:
        """Every match in `text` as (alias, start, end) offsets into `text`, in order."""
        cut = Text([text], self._pieces)
        aliases, first = self._scan(cut)
        _shown, starts, ends = cut.bounds(first, first + self._length[aliases] - 1)
        return [(self.aliases[a], s, e) for a, s, e in zip(aliases.tolist(), starts, ends)]

    def _scan(self, text: Text) -> tuple[np.ndarray, np.ndarray]:
        """(alias numbers, first words) of the matches kept: the longest at each anchor, never overlapping."""
        found = list(self.automaton.iter(text.line)) if self.automaton.kind else []
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        at = np.fromiter(chain.from_iterable(found), np.int64, 2 * len(found)).reshape(-1, 2)
        aliases = at[:, 1]
        line = text.line
        codes = (
            np.frombuffer(line.encode("ascii"), np.uint8)
            if line.isascii()
            else np.frombuffer(line.encode("utf-32-le"), np.uint32)
        )
        # A key of n words holds n + 1 spaces, the last at its end: the spaces before it number its words
        stop = np.searchsorted(np.flatnonzero(codes == 32), at[:, 0])
        first = stop - self._length[aliases]
        acronyms = np.flatnonzero(self._acronym[aliases])
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
        anchor = first + self._offset[aliases]
        length, offset = self._length[aliases], self._offset[aliases]
        pairs = starts[sizes == 2]
        if len(pairs):
            a, b = pairs, pairs + 1
            first_wins = (anchor[a] < anchor[b]) | (
                (anchor[a] == anchor[b])
                & ((length[a] > length[b]) | ((length[a] == length[b]) & (offset[a] > offset[b])))
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


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of `text`, as `fold` would split it.

    Elided articles ("l’", "qu’") are dropped, ordinals come out as "27e" and
    "co-production" as one word "coproduction", matching `fold`.
    """
    cut = Text([text], {})
    folded = cut.line.split()[:-1]  # the last is the paragraph's closing word
    words = np.arange(len(folded), dtype=np.int64)
    _shown, starts, ends = cut.bounds(words, words)
    return list(zip(folded, starts, ends))
