"""Pieces of the entity pages written in Python: what `_hubkb_macros.html` wrote per item.

Datasette renders its templates asynchronously, where every expression is
awaited: a macro call costs about 35 µs, and a person's or a post's page
renders a hundred places, passages and names. These filters wrote the same
HTML, character for character, in one call per list (a passage's sentences
have been mended since: `passage_meta`):

    {{ p.definitions|hubkb_passages(show_givers=false) }}   {# was: for d … m.passage(d, …) #}
    {{ c|hubkb_citation(show_work=false) }}, {{ r|hubkb_place }}
    {{ m.rows|hubkb_mention_rows }}, {{ items|hubkb_co_mentioned }}, {{ items|hubkb_mentioned }}

Values are read as Jinja reads them (a dict's key, else an attribute; a
missing one writes nothing, None writes "None") and escaped as autoescape does.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from datasette.utils import to_css_class
from jinja2 import pass_environment
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from .common import _MISSING, link_html, names_html
from .common import _field as _get  # `item.name` as Jinja reads it; _MISSING when neither key nor attribute


def _text(value: Any) -> Markup:
    """`{{ value }}`: escaped; nothing for a missing value."""
    return Markup("") if value is _MISSING else escape(value)


def _true(value: Any) -> bool:
    """`{% if value %}`: a missing value is false."""
    return value is not _MISSING and bool(value)


def place_html(item: Any) -> Markup:
    """`{{ item|hubkb_place }}`: the post a passage or mention is in, linked to its paragraph, and its date."""
    post, n = _get(item, "post"), _get(item, "n")
    title, date = _get(post, "title"), _get(post, "date")  # a missing or None post has neither
    out = f'<a href="{_text(_get(item, "anchor"))}">{_text(title)}</a>'
    if _true(n):
        out += f", ¶{escape(n)}"
    if _true(date):
        out += f" ({escape(date)})"
    return Markup(out)


@pass_environment
def passage_html(
    env: Any,
    p: Any,
    show_term: bool = True,
    show_givers: bool = True,
    show_place: bool = True,
    show_via: bool = True,
    show_work: bool = True,
) -> Markup:
    """`{{ p|hubkb_passage }}`: a definition or quote as a list item, with who gave it, where, and a Cite link."""
    kind, text = _get(p, "kind"), _get(p, "text")
    place = Markup("In ") + place_html(p) if show_place else ""
    meta = passage_meta(p, show_term, show_givers, show_work, show_via, place)
    short = escape(do_truncate(env, text, 40)) if text is not _MISSING else ""
    return Markup(
        f'<li class="hubkb-passage">\n<blockquote lang="fr">{_text(text)}</blockquote>\n<p class="hubkb-meta">{meta}\n'
        f'<a href="{_text(_get(p, "url"))}" aria-label="Cite this {_text(kind)}: {short}">Cite</a></p>\n</li>'
    )


def passage_meta(
    p: Any,
    show_term: bool = True,
    show_givers: bool = True,
    show_work: bool = True,
    show_via: bool = True,
    last: str = "",
) -> Markup:
    """`{{ x|hubkb_passage_meta(last=…) }}`: what a passage is and where it comes from, in sentences:
    "Defines coproduction. Given by A, in W (2009); relayed by V. In <place>." Each part is left out when
    the page already says it (show_…=false) or the passage has none; `last` (HTML: the place, a
    paragraph link) ends it, escaped unless it is Markup. Nothing shown writes nothing."""
    term, givers, kind, work, via = (_get(p, k) for k in ("term", "givers", "kind", "work", "via"))
    last = last if isinstance(last, Markup) else escape(last)
    sentences = []
    if show_term and _true(term):
        sentences.append(f"Defines {link_html(term)}")
    source = ""
    if show_givers and _true(givers):
        source = f"{'Given' if kind == 'definition' else 'Said'} by {names_html(givers)}"
    if show_work and _true(work):
        source += f"{', in' if source else 'From'} {link_html(work)}"
        year = _get(p, "work_year")
        if _true(year):
            source += f" ({escape(year)})"
    if show_via and _true(via):
        source += f"{'; relayed by' if source else 'Relayed by'} {link_html(via)}"
    sentences += [part for part in (source, last) if part]
    return Markup(". ".join(sentences) + "." if sentences else "")


@pass_environment
def passages_html(env: Any, items: Iterable[Any] | None, **show: bool) -> Markup:
    """`{{ list|hubkb_passages(show_…=false) }}`: each passage as `hubkb_passage` writes it."""
    return Markup("".join(passage_html(env, p, **show) for p in items or ()))


def citation_html(c: Any, show_work: bool = True, show_post: bool = True, show_via: bool = True) -> Markup:
    """`{{ c|hubkb_citation }}`: a work cited, where (the reference list when no paragraph), and its relay."""
    out = "<li>"
    if show_work:
        out += str(link_html(_get(c, "work")))
        year = _get(c, "work_year")
        if _true(year):
            out += f" ({escape(year)})"
        if show_post:
            out += ", cited in "
    if show_post:
        out += str(place_html(c))
        if _get(c, "n") is None:
            out += " (reference list)"
    via = _get(c, "via")
    if show_via and _true(via):
        out += f"; relayed by {link_html(via)}"
    return Markup(out + "</li>")


def citations_html(items: Iterable[Any] | None, **show: bool) -> Markup:
    """`{{ list|hubkb_citations(show_…=false) }}`: each citation as `hubkb_citation` writes it."""
    return Markup("".join(citation_html(c, **show) for c in items or ()))


def mention_rows_html(rows: Iterable[Any] | None) -> Markup:
    """`{{ m.rows|hubkb_mention_rows }}`: the paragraphs that mention an entity, each with its snippet."""
    return Markup(
        "".join(
            f'\n<li>{place_html(r)}<p class="hubkb-snippet">{_text(_get(r, "snippet"))}</p></li>\n' for r in rows or ()
        )
    )


def co_mentioned_html(items: Iterable[Any] | None) -> Markup:
    """`{{ items|hubkb_co_mentioned }}`: the entities mentioned alongside, each with its paragraph count."""
    return Markup(
        ", ".join(
            f'{link_html(e)} <span class="hubkb-count">({_text(_get(e, "paragraphs"))} paragraph'
            f"{'s' if _get(e, 'paragraphs') != 1 else ''})</span>"
            for e in items or ()
        )
    )


def mentioned_html(items: Iterable[Any] | None) -> Markup:
    """`{{ items|hubkb_mentioned }}`: what a post mentions, each with its first paragraph and how many."""
    parts = []
    for e in items or ():
        first, paragraphs = _text(_get(e, "first_n")), _get(e, "paragraphs")
        more = f", {escape(paragraphs)} paragraphs" if paragraphs > 1 else ""
        parts.append(f'{link_html(e)} (<a href="#p{first}">¶{first}</a>{more})')
    return Markup(", ".join(parts))


def table_rows_html(rows: Iterable[Any] | None) -> Markup:
    """`{{ display_rows|hubkb_table_rows }}`: the body rows of Datasette's `_table.html`, a `<td>` a cell with
    its `col-` and `type-` classes, in one call: the 600 cells of a posts page cost the template's loop 15-20 ms."""
    out = []
    for row in rows or ():
        cells = "".join(
            f'<td class="col-{_css_class(cell["column"])} type-{escape(cell["value_type"])}">{escape(cell["value"])}</td>'
            for cell in row
        )
        out.append(f"<tr>{cells}</tr>\n")
    return Markup("".join(out))


@functools.lru_cache(maxsize=1024)
def _css_class(column: str) -> Markup:
    return escape(to_css_class(column))


FILTERS = {
    "hubkb_place": place_html,
    "hubkb_passage": passage_html,
    "hubkb_passage_meta": passage_meta,
    "hubkb_passages": passages_html,
    "hubkb_citation": citation_html,
    "hubkb_citations": citations_html,
    "hubkb_mention_rows": mention_rows_html,
    "hubkb_co_mentioned": co_mentioned_html,
    "hubkb_mentioned": mentioned_html,
    "hubkb_table_rows": table_rows_html,
}
