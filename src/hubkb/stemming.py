"""Which forms of a French word find each other: stems of the words the index holds.

The full-text index keeps words as written, folded (`unicode61 remove_diacritics
2`: "Définitions" is held as `definitions`), so that plain SQLite and Datasette
read it without any custom tokenizer. Stemming lives beside it: the build
stems every distinct indexed word once (Snowball's French stemmer, through
PyStemmer) into the `search_stems` table, and a query word finds every indexed
word of the same stem (`definitions` -> `definition`, `definitions`).

The index holds words without their accents, where Snowball expects them
(`créée` -> `cré`, but `creee` -> `cree`); two endings that only the accent
tells apart are brought back to the accented stemmer's answer first (`-ée(s)`,
`-ière(s)`). Words too short to carry a suffix, words with digits (27e, 17e)
and the names the authority files know (people's names, acronyms) are not
stemmed: `CAF` never meets `café`, `Marie` never meets `marais`.
"""

from __future__ import annotations

import functools
import threading

import Stemmer

MIN_LENGTH = 4  # shorter words only find themselves (caf, élu, 27e)
_local = threading.local()  # PyStemmer's stemmers are not thread-safe


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("french")
    return stemmer


def stemmable(term: str) -> bool:
    """Whether an indexed word (folded) has a stem: letters only, long enough."""
    return len(term) >= MIN_LENGTH and term.isalpha()


@functools.lru_cache(maxsize=1 << 16)
def stem(term: str) -> str | None:
    """The stem of a folded indexed word; None for words that only find themselves.

    >>> stem("definitions"), stem("definition"), stem("utilisateurs"), stem("innovante")
    ('definit', 'definit', 'utilis', 'innov')
    >>> stem("creee") == stem("cree"), stem("caf"), stem("27e")
    (True, None, None)
    """
    if not stemmable(term):
        return None
    if term.endswith(("ee", "ees")):  # créée, créées: the accented stemmer removes -ée(s)
        term = term[: term.rindex("ee") + 1]
    elif term.endswith(("iere", "ieres")):  # première(s): -ière(s) as -ier
        term = term[: term.rindex("iere") + 3]
    return str(_stemmer().stemWord(term))
