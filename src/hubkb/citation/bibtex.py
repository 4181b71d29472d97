"""Citations as BibTeX (written by bibtexparser) with stable ASCII citation keys."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import bibtexparser
from bibtexparser.middlewares import (
    AddEnclosingMiddleware,
    MergeCoAuthors,
    MergeNameParts,
    NameParts,
)
from bibtexparser.model import Entry, Field

from ..text import fold
from .csl import year_of
from .names import Person, csl_name, family_with_particle

_BIBTEX_TYPES = {
    "report": "techreport",
    "book": "book",
    "article": "article",
    "video": "misc",
    "webpage": "online",
    "blogpost": "online",
    "chapter": "incollection",
    "thesis": "phdthesis",
}
# The field that names `publisher`, per BibTeX entry type.
_BIBTEX_PUBLISHER_FIELD = {
    "techreport": "institution",
    "article": "journal",
    "online": "organization",
    "phdthesis": "school",
}
_LANGIDS = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian"}
_KEY_STOPWORDS = {"a", "an", "the", "le", "la", "les", "l", "des", "un", "une", "de", "du", "d"}
_LATEX_SPECIALS = re.compile(r"([&%$#_{}])")


def to_bibtex(works: Sequence[Mapping[str, Any]]) -> str:
    """The works as UTF-8 BibTeX, written by bibtexparser.

    biblatex-friendly (``langid``, ``@online``); names as "Family, Given",
    organisations in braces.
    """
    library = bibtexparser.Library()
    keys = citation_keys(works)
    written: set[str] = set()
    for work in works:
        if str(work["id"]) in written:  # the same work twice is one entry
            continue
        written.add(str(work["id"]))
        library.add(_bibtex_entry(work, keys[str(work["id"])]))
    unparse = [
        MergeNameParts(style="last"),
        MergeCoAuthors(),
        AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True, default_enclosing="{"),
    ]
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    layout.block_separator = "\n"
    return bibtexparser.write_string(library, unparse_stack=unparse, bibtex_format=layout)


def _bibtex_entry(work: Mapping[str, Any], key: str) -> Entry:
    entry_type = _BIBTEX_TYPES.get(work.get("type") or "", "misc")
    fields: list[Field] = []
    names = [_bibtex_name(a) for a in work.get("authors") or []]
    if names:
        fields.append(Field("author", names))
    title = work.get("title") or work.get("title_as_cited")
    if title:
        fields.append(Field("title", _latex_escape(title)))
    year = year_of(work.get("year"))
    if year is not None:
        fields.append(Field("year", str(year)))
    if work.get("date"):
        fields.append(Field("date", str(work["date"])))
    if work.get("publisher"):
        field = _BIBTEX_PUBLISHER_FIELD.get(entry_type, "publisher")
        fields.append(Field(field, _latex_escape(work["publisher"])))
    if work.get("type") == "video":
        fields.append(Field("howpublished", "Video"))
    if work.get("url"):
        fields.append(Field("url", work["url"]))
    langid = _LANGIDS.get(work.get("language") or "")
    if langid:
        fields.append(Field("langid", langid))
    return Entry(entry_type, key, fields)


def _bibtex_name(author: Person) -> NameParts:
    parts = csl_name(author)
    if "literal" in parts:
        # Braces keep BibTeX from reading "Région" as a family and "La 27e" as given names.
        return NameParts(last=["{" + _latex_escape(parts["literal"]) + "}"])
    return NameParts(
        first=parts.get("given", "").split(),
        von=parts.get("non-dropping-particle", "").split(),
        last=[parts["family"]],
    )


def _latex_escape(text: str) -> str:
    return _LATEX_SPECIALS.sub(r"\\\1", text)


def citation_keys(works: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Stable ASCII citation keys by work id: ``boyle2009challenge``.

    First author's family name folded to ASCII, year ("nd" without one), first
    significant title word. Works that share a key are ordered by id; the first
    keeps it, the others get a, b, ... so a key never depends on query order.
    """
    bases = {str(work["id"]): _base_key(work) for work in works}
    keys: dict[str, str] = {}
    used: set[str] = set()
    for work_id, base in sorted(bases.items(), key=lambda item: (item[1], item[0])):
        key, n = base, 0
        while key in used:  # also steps over a suffixed key that is another work's base
            key, n = base + _suffix(n), n + 1
        keys[work_id] = key
        used.add(key)
    return {str(work["id"]): keys[str(work["id"])] for work in works}


def _suffix(n: int) -> str:
    """a, b, ..., z, aa, ab, ...: the n-th (0-based) disambiguating suffix."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _base_key(work: Mapping[str, Any]) -> str:
    authors = work.get("authors") or []
    who = _ascii_word(family_with_particle(csl_name(authors[0]))) if authors else ""
    year = year_of(work.get("year"))
    title = work.get("title") or work.get("title_as_cited") or ""
    words = [w for w in (_ascii_word(t) for t in fold(title).split()) if w and w not in _KEY_STOPWORDS]
    return f"{who or 'anon'}{year if year is not None else 'nd'}{words[0] if words else ''}"


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits only: keys must survive every TeX and tool.

    `fold` has spelled out the letters NFKD leaves alone (`hubkb.text.LIGATURES`).
    """
    decomposed = unicodedata.normalize("NFKD", fold(text))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode())
