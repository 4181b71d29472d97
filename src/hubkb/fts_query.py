"""What a user types, made safe for an FTS5 MATCH.

`escape_fts` turns a writer's words into an FTS5 expression that cannot be a
syntax error: every word becomes a quoted FTS5 string (inner quotes doubled),
so `NEAR(`, `AND`, `-` or a stray `"` are searched as words, not read as
operators. Two things keep their meaning because writers expect them:
`"a phrase"` and a trailing `*` (prefix search, `copro*`).

The query is first brought to the spellings the index holds
(`hubkb.text.normalise_query`: 27ème -> 27e, co-production -> coproduction).
Single words match the other spellings through the `search_variants` column;
phrases cannot (a phrase needs its words side by side in one column), so a
word with another spelling in the text (`27e`/`27eme`, `coproduction`/`co
production`) makes the phrase an OR of its spellings. Single words get the
same OR, which costs little and lets `snippet()` highlight the spelling the
paragraph actually uses.

Given `forms` (a lookup of the other forms of a folded word, as the index holds
them: `hubkb.db.stems.forms_of`), a single word also finds its other
inflections: `définitions` becomes `("définitions" OR "definition")`. Phrases
and prefixes keep their exact meaning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product

from .text import normalise_query, strip_accents

Forms = Callable[[str], list[str]]  # a folded word -> the other indexed forms of it
# a folded prefix -> every indexed word it starts, or None when they cannot all be listed
Prefixes = Callable[[str], "list[str] | None"]

# A phrase ("...", possibly unterminated) or a run of non-space, non-quote characters,
# each optionally followed by the `*` of a prefix search.
_ITEM = re.compile(r'"(?P<phrase>[^"]*)(?:"|$)(?P<pstar>\*?)|(?P<word>[^\s"]+)')
# What FTS5's unicode61 tokenizer keeps: letters, digits, private-use characters.
_TOKEN = re.compile(r"[^\W_]+")
_ORDINAL = re.compile(r"^(\d+)e$")
# How French writes an ordinal once accents are gone (27eme, 1er), as `normalise_query` knows them.
_ORDINAL_SUFFIXES = ("eme", "ieme", "er", "ere")
_CO_WORD = re.compile(r"^co(\w{4,})$")
MAX_SPELLINGS = 32  # per word or phrase; beyond that only the canonical spelling is searched


@dataclass(frozen=True)
class QueryTerm:
    """One word or phrase of a query, as the tokens the index holds."""

    tokens: tuple[str, ...]
    prefix: bool = False
    phrase: bool = False


def parse_query(query: str) -> list[QueryTerm]:
    """The words and phrases of a query, normalised; items with no word characters are dropped."""
    terms: list[QueryTerm] = []
    # NFC first: a decomposed "é" must stay one word, as the tokenizer sees it.
    for match in _ITEM.finditer(normalise_query(unicodedata.normalize("NFC", query))):
        if match.group("word") is not None:
            word = match.group("word")
            prefix = word.endswith("*")
            tokens = tuple(t.lower() for t in _TOKEN.findall(word.rstrip("*")))
            # `NEAR(`, `a-b`, `l'usage`: punctuation inside a word splits it into a phrase.
            phrase = len(tokens) > 1
        else:
            prefix = bool(match.group("pstar"))
            tokens = tuple(t.lower() for t in _TOKEN.findall(match.group("phrase")))
            phrase = True
        if tokens:
            terms.append(QueryTerm(tokens, prefix, phrase))
    return terms


def escape_fts(query: str, forms: Forms | None = None, prefixes: Prefixes | None = None, variants: bool = True) -> str:
    """An FTS5 MATCH expression that searches for what the user typed, never a syntax error.

    >>> escape_fts('copro* "services publics"')
    '"copro"* AND "services publics"'
    >>> escape_fts('NEAR("')
    '"near"'

    An empty string means the query holds no word to search for.

    `variants=False` leaves out a single word's other spellings (`co production`,
    `27eme`): an index that holds every row's other spellings (`search_variants`)
    finds the same rows by the word alone, and ranks them without the phrase's
    cost (bm25 reads every row of each phrase once). Phrases keep them.
    """
    # An explicit AND: FTS5 reads juxtaposed phrases as AND, but not a phrase next to a "(...)" group.
    return " AND ".join(_expression(term, forms, prefixes, variants) for term in parse_query(query))


def words_in_columns(expression: str) -> str:
    """An FTS5 expression an index of `detail=column` accepts: each phrase of several words becomes their AND.

    Such an index knows which column holds a word, not where: a phrase then
    matches the rows holding all its words (in any column); a prefix keeps its
    `*`. Juxtaposed strings (Datasette's `escape_fts`) get an explicit AND,
    which FTS5 needs next to a group.

    >>> words_in_columns('"services publics" AND ("co production" OR "coproduction") AND "27e"*')
    '("services" AND "publics") AND (("co" AND "production") OR "coproduction") AND "27e"*'
    >>> words_in_columns('"co-production" "usagers"')
    '("co" AND "production") AND "usagers"'
    """
    out: list[str] = []
    operand = False  # the previous item ends an operand: a string or a group
    for m in _FTS_ITEM.finditer(expression):
        text, string = m.group(), m.group("string")
        if text.isspace():
            continue
        starts = string is not None or text == "("
        if starts and operand:
            out.append("AND")
        if string is not None:
            words = _TOKEN.findall(string.replace('""', '"'))
            star = m.group("star")
            if len(words) > 1:
                text = "(" + " AND ".join(f'"{w}"' for w in words[:-1]) + f' AND "{words[-1]}"{star})'
        out.append(text)
        operand = string is not None or text == ")"
    return " ".join(out).replace("( ", "(").replace(" )", ")")


_FTS_ITEM = re.compile(r'"(?P<string>(?:[^"]|"")*)"(?P<star>\*?)|\s+|[()]|[^\s()"]+')


def query_words(query: str) -> list[str]:
    """The plain (non-prefix) words of a query as the index spells them; for suggestions."""
    return [token for term in parse_query(query) if not term.prefix for token in term.tokens]


def _expression(
    term: QueryTerm, forms: Forms | None = None, prefixes: Prefixes | None = None, variants: bool = True
) -> str:
    if term.prefix:
        # The index has no prefix indexes: the words a prefix starts, when known, are an OR that FTS5
        # can seek in (a prefix merges every matching word's list again at each MATCH).
        words = prefixes(strip_accents(term.tokens[0])) if prefixes is not None and len(term.tokens) == 1 else None
        if words:
            return "(" + " OR ".join(_string((w,)) for w in words) + ")" if len(words) > 1 else _string(tuple(words))
        return _string(term.tokens) + "*"
    spellings = _spellings(term.tokens) if variants or term.phrase else [term.tokens]
    if forms is not None and not term.phrase:
        word = strip_accents(term.tokens[0])
        spellings += [(f,) for f in forms(word) if f != word and (f,) not in spellings]
    if len(spellings) == 1:
        return _string(spellings[0])
    return "(" + " OR ".join(_string(s) for s in spellings) + ")"


def _string(tokens: tuple[str, ...]) -> str:
    text = " ".join(tokens)
    return '"' + text.replace('"', '""') + '"'


def _spellings(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every spelling of a word or phrase the text may use, the canonical one first."""
    options = [_token_spellings(t) for t in tokens]
    count = 1
    for o in options:
        count *= len(o)
    if count > MAX_SPELLINGS:
        return [tokens]
    return [tuple(t for part in combo for t in part) for combo in product(*options)]


def _token_spellings(token: str) -> list[tuple[str, ...]]:
    ordinal = _ORDINAL.match(token)
    if ordinal:
        n = ordinal.group(1)
        return [(token,), *((n + suffix,) for suffix in _ORDINAL_SUFFIXES)]
    co_word = _CO_WORD.match(token)
    if co_word:
        return [(token,), ("co", co_word.group(1))]
    return [(token,)]
