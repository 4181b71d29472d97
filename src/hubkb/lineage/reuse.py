"""Reused wording, found rather than declared: the same or nearly the same text in several places.

Texts are folded once (case, accents, elisions, punctuation: `hubkb.text.fold`),
their words sorted once, and compared in blocks with rapidfuzz's
`process.cdist`: the Indel ratio of two sorted word lists is
`fuzz.token_sort_ratio`, without sorting again for every pair. Only texts of
the same group are compared (a term's definitions; the quotes of one speaker;
the wordings at a passage's relay hops join their passage's group), never two
texts of the same source (a post quoting its own wording twice, a work's
wording met twice, is not reuse) nor two texts of one chain (a passage and the
wordings at its hops: the chain already says how they relate). Two guards keep
scores honest: texts whose numbers differ ("la 27e Région", "la 17e Région")
are different texts, and very short texts count only when identical.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from ..text import fold_text

if TYPE_CHECKING:
    import numpy as np

# Chosen on the generated corpus of tests/reuse_corpus.py (figures in the lineage note):
# planted copies score 96-100, paraphrases 72-95, unrelated definitions of the same term 30-68.
REUSE_THRESHOLD = 75.0
COPY_THRESHOLD = 95.0  # at or above: "same wording"; below: "close wording"
SHORT_WORDS = 6  # texts of fewer words are linked only when identical once folded
BLOCK = 256  # rows of the score matrix computed at a time: memory stays at BLOCK x group size

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class ReuseText:
    """A text that may have been reused: a definition, a quote, or the wording at a relay hop."""

    id: str
    text: str
    source: str  # the post or work it is read in; pairs of one source are skipped
    group: str = ""  # texts are compared within a group only (a term, a speaker)
    chain: str = ""  # the passage whose chain holds it; pairs of one chain are skipped


@dataclass(frozen=True, order=True)
class Reuse:
    """Two texts of one group with (nearly) the same wording; `a` sorts before `b`."""

    a: str
    b: str
    score: float  # 0-100, rapidfuzz token_sort_ratio on folded text
    group: str = ""

    @property
    def kind(self) -> str:
        return wording_kind(self.score)


def wording_kind(score: float) -> str:
    """ "same" wording at or above COPY_THRESHOLD, else "close"."""
    return "same" if score >= COPY_THRESHOLD else "close"


@dataclass(frozen=True)
class _Key:
    words: str  # folded words, sorted
    digits: tuple[str, ...]
    short: bool


def _key(text: str) -> _Key:
    words = fold_text(text).split()
    return _Key(" ".join(sorted(words)), tuple(sorted(_DIGITS.findall(" ".join(words)))), len(words) < SHORT_WORDS)


def find_reuse(texts: Iterable[ReuseText], threshold: float = REUSE_THRESHOLD, block: int = BLOCK) -> list[Reuse]:
    """Every pair of texts of one group scoring at least `threshold`, sorted by group, then best first."""
    found = [r for batch in iter_reuse(texts, threshold, block) for r in batch]
    return sorted(found, key=lambda r: (r.group, -r.score, r.a, r.b))


def iter_reuse(
    texts: Iterable[ReuseText], threshold: float = REUSE_THRESHOLD, block: int = BLOCK
) -> Iterator[list[Reuse]]:
    """The pairs of `find_reuse`, a block of one group at a time and in no particular order.

    Pairs grow with the square of a group's size (a term defined a thousand
    times), so the build writes each batch away rather than hold them all.
    """
    groups: dict[str, list[ReuseText]] = defaultdict(list)
    for item in texts:
        groups[item.group].append(item)
    yield from iter_reuse_grouped(sorted(groups.items()), threshold, block)


def iter_reuse_grouped(
    groups: Iterable[tuple[str, list[ReuseText]]], threshold: float = REUSE_THRESHOLD, block: int = BLOCK
) -> Iterator[list[Reuse]]:
    """`iter_reuse` over texts already grouped: (group, its texts), one group at a time."""
    for group, members in groups:
        for pairs in _group_pairs(members, threshold, block):
            yield [Reuse(a, b, score, group) for a, b, score in pairs]


def iter_pair_rows(
    groups: Iterable[tuple[str, list[ReuseText]]],
    threshold: float = REUSE_THRESHOLD,
    block: int = BLOCK,
    number: Callable[[str], Any] | None = None,
) -> Iterator[list[tuple[Any, Any, float, str]]]:
    """The pairs of `iter_reuse_grouped` as rows (a, b, score, kind), what a build writes: no object a pair.

    `number`: what a row holds for a text instead of its id (the build's integer key), asked once a text;
    it must keep the ids' order."""
    for _group, members in groups:
        for pairs in _group_pairs(members, threshold, block, number):
            yield [(a, b, score, wording_kind(score)) for a, b, score in pairs]


def _group_pairs(
    members: Sequence[ReuseText], threshold: float, block: int, number: Callable[[str], Any] | None = None
) -> Iterator[list[tuple[Any, Any, float]]]:
    """The pairs of one group as (a, b, score), a block at a time; each text by `number(id)` if given, else its id.

    A large group gives hundreds of thousands of pairs (a term defined a
    thousand times): the rules that skip a pair are tested on arrays of the
    texts' sources, chains and numbers, not pair by pair in Python. Blank
    texts are left out.
    """
    members = [m for m in members if m.text and m.text.strip()]
    if len(members) < 2:
        return
    import numpy as np  # not at the top: a one-post update, which compares a few texts, starts without it

    keys = [_key(m.text) for m in members]
    choices = [k.words for k in keys]
    ids: list[Any] = [m.id for m in members] if number is None else [number(m.id) for m in members]
    source = _codes([m.source for m in members])
    # a text without a chain is in no chain with another: a code of its own
    chain = np.where([bool(m.chain) for m in members], _codes([m.chain for m in members]), -1 - np.arange(len(members)))
    digits = _codes([k.digits for k in keys])
    short = np.array([k.short for k in keys])
    order = np.argsort(np.array(ids, dtype=object)).argsort()  # each id's rank, to put a pair's ids in order
    for start in range(0, len(members), block):
        # only the texts from this block on: a pair is met once, from its first text (half the matrix)
        scores = process.cdist(
            choices[start : start + block], choices[start:], scorer=fuzz.ratio, score_cutoff=threshold, workers=1
        )
        row, col = scores.nonzero()
        i, j = row + start, col + start
        keep = (j > i) & (source[i] != source[j]) & (chain[i] != chain[j]) & (digits[i] == digits[j])
        # each pair once; a source is not compared with itself; a passage and the wording at one of its hops are
        # declared, not found; texts whose numbers differ are different texts
        row, col, i, j = row[keep], col[keep], i[keep], j[keep]
        values = scores[row, col].tolist()
        rounded = {v: round(v, 1) for v in set(values)}
        found = []
        i_first = order[i] < order[j]
        for a, b, value, either_short in zip(
            np.where(i_first, i, j).tolist(),
            np.where(i_first, j, i).tolist(),
            values,
            (short[i] | short[j]).tolist(),
            strict=True,
        ):
            score = rounded[value]
            if either_short and score < 100:
                continue  # very short texts count only when identical
            found.append((ids[a], ids[b], score))
        if found:
            yield found


def _codes(values: Sequence[object]) -> np.ndarray:
    """Each value as an integer, equal values alike."""
    import numpy as np

    seen: dict[object, int] = {}
    return np.array([seen.setdefault(v, len(seen)) for v in values], dtype=np.int64)


def score_pair(a: str, b: str) -> float:
    """The score `find_reuse` gives two texts (0 when their numbers differ)."""
    ka, kb = _key(a), _key(b)
    if ka.digits != kb.digits:
        return 0.0
    return round(float(fuzz.ratio(ka.words, kb.words)), 1)
