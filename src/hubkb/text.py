"""Text folding and French normalisation shared by every stage.

`fold` is the key used to compare names and aliases; `search_variants` feeds the
full-text index the forms the FTS5 tokenizer does not fold by itself
(27e/27ème, co-production/coproduction), and `normalise_query` brings what a
user types to the same canonical forms.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

APOSTROPHES = "’‘`´ʼ′"
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_ORDINAL = re.compile(r"\b(\d+)(?:e|è|ème|eme|ième|ieme|er|ère|ere)\b", re.IGNORECASE)
_CO_WORD = re.compile(r"\b(co)[-‐‑](\w+)", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
_INDEX_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps as a word


def _accent_table() -> dict[int, str]:
    """Single-character accent folding for Latin letters: offsets survive folding."""
    table = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base
    return table


ACCENTS = _accent_table()


def strip_accents(text: str) -> str:
    text = text.translate(ACCENTS)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)  # the rare letters outside the table
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_punctuation(text: str) -> str:
    """Straight apostrophes, plain spaces; used before comparing passages."""
    for mark in APOSTROPHES:
        text = text.replace(mark, "'")
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# Letters NFKD does not decompose into ASCII ('manœuvre', 'Søren'): spelled out by
# `fold`, so names, ids, slugs and BibTeX keys all read them the same way.
LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
    }
)

# Lower-case particles inside a person's name ("Charles de Gaulle", "Vincent van
# Gogh", "Ahmed ben Bella"): the citation formatters open the family name with
# them, the importer lets them join the capitalised words of a name.
NAME_PARTICLES = frozenset(
    "d' d’ da das de del della den der des di do dos du la le te ter van von zu ben bin el".split()
)
# The same as a regular expression alternation, longest first.
NAME_PARTICLE_PATTERN = "(?:" + "|".join(re.escape(p) for p in sorted(NAME_PARTICLES, key=lambda p: (-len(p), p))) + ")"


@functools.lru_cache(maxsize=1 << 16)  # the same names are folded by every index
def fold(text: str) -> str:
    """Case, accents, elisions, ordinals, hyphenated co- words and punctuation folded.

    >>> fold("la 27ème Région")
    'la 27e region'
    >>> fold("qu’Ostrom")
    'ostrom'
    """
    text = normalise_punctuation(text).translate(LIGATURES)
    text = _ELISION.sub(" ", text)
    text = _ORDINAL.sub(lambda m: f"{m.group(1)}e", strip_accents(text))
    text = _CO_WORD.sub(lambda m: m.group(1) + m.group(2), text)
    text = _ORDINAL.sub(lambda m: f"{m.group(1)}e", text)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def fold_text(text: str) -> str:
    """`fold(text)` for a long text, worked out a piece at a time (pieces cut at white space).

    No rule of `fold` reaches over white space, so the pieces folded and joined
    by single spaces are the text folded; a corpus repeats its pieces, which
    `fold`'s cache then folds once (a 30-word definition: 44 -> 3 µs).
    """
    return " ".join(filter(None, map(fold, text.split())))


def index_words(texts: Iterable[str | None]) -> set[str]:
    """The distinct words of texts as the full-text indexes hold them (unicode61, remove_diacritics 2).

    >>> sorted(index_words(["L’agence co-produit la 27ème Région", None]))
    ['27eme', 'agence', 'co', 'l', 'la', 'produit', 'region']
    """
    words: set[str] = set()
    for text in texts:
        if text:
            words.update(_INDEX_WORD.findall(text.lower()))
    return {strip_accents(w) for w in words}


def search_variants(text: str) -> str:
    """Extra tokens that make the other spellings of a variant findable in FTS5.

    For each ordinal ("27ème") and co- word ("co-production", "coproduction")
    in `text`, the spellings the text does not use are emitted once (the text
    holds its own), so that a search written either way matches, in
    Datasette's own `?_search=` too.

    >>> search_variants("la 27ème Région, la 27e et la co-production")
    '27e 27eme coproduction'
    """
    ordinals, co_words = variant_parts(text)
    return " ".join(dict.fromkeys(ordinals + co_words))


def variant_parts(text: str) -> tuple[list[str], list[str]]:
    """The spellings `search_variants` gives for `text`: the ordinals' and the co- words', in text order, repeats kept.

    No pattern reaches over white space: the parts of a text are those of its
    pieces (`str.split`) one after the other, and `hubkb.mentions` keeps them
    for each piece it reads.
    """
    ordinals: list[str] = []
    for m in _ORDINAL_END.finditer(text):  # the number's last digit and the suffix: its first digit is found back
        start = m.start()
        while start and text[start - 1].isdecimal():  # what `\d` matches
            start -= 1
        if not _word_before(text, start):
            number = text[start : m.start() + 1]
            written = strip_accents(text[start : m.end()].lower())
            for spelling in (f"{number}e", f"{number}eme"):
                if spelling != written:
                    ordinals.append(spelling)
    co_words: list[str] = []
    lowered = text.lower()
    if len(lowered) != len(text):  # rare letters that lower-case into two: the offsets would move
        lowered, pattern = text, _CO_ANY
    else:
        pattern = _CO_LOWER
    for m in pattern.finditer(lowered):
        hyphen, rest = m.groups()
        if not hyphen and rest[0] in _NOT_CO_STEM:  # most words ("comme", "économie"): no other spelling
            continue
        if _word_before(text, m.start()):
            continue
        rest = strip_accents(rest.lower())
        # "coproduction" must also match "co-production", and the other way round
        if hyphen or rest in _CO_STEMS:
            co_words.append(f"co{rest}" if hyphen else f"co {rest}")
    return ordinals, co_words


def _word_before(text: str, start: int) -> bool:
    return start > 0 and text[start - 1].isalnum()


# No leading \b and no IGNORECASE: both make a scan of every body several
# times slower; the word start is checked on the few matches instead. A pattern
# that opens with a literal ("co" in the lower-cased text) is searched for as a
# string, and one that opens with the last digit of a number tries the suffix at
# digits only: each scan is two to three times faster than with `[Cc][Oo]` or `(\d+)`.
_CO_ANY = re.compile(r"[Cc][Oo]([-‐‑])?(\w{4,})")
_CO_LOWER = re.compile(r"co([-‐‑])?(\w{4,})")
_ORDINAL_END = re.compile(r"\d(?:i[eè]me|[eè]me|[eè]re|er|[eè])\b")


# Words that French writes both "co-X" and "coX"; only these get the split form.
_CO_STEMS = frozenset(
    "production productions produire produit produite produits productrice producteurs "
    "construction construire construit conception concevoir creation creer design "
    "developpement gestion operation operative operatives".split()
)
# The ASCII letters and digits no stem starts with (a letter with an accent may fold to one that does).
_NOT_CO_STEM = frozenset(c for c in "abcdefghijklmnopqrstuvwxyz0123456789_" if not any(s[0] == c for s in _CO_STEMS))
_NOT_CO_STEM |= {c.upper() for c in _NOT_CO_STEM}


def normalise_query(text: str) -> str:
    """Bring a user's search to the canonical spellings the index holds."""
    text = normalise_punctuation(text)
    text = _ORDINAL.sub(lambda m: f"{m.group(1)}e", text)
    return _CO_WORD.sub(lambda m: m.group(1) + m.group(2), text)


def slugify(text: str, max_words: int = 8) -> str:
    """An ASCII id from a name, label or title: 'La 27e Région' -> 'la-27e-region'."""
    words = fold(text).split()[:max_words]
    return "-".join(words) or "untitled"
