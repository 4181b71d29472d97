"""Post bodies as safe HTML.

A post body is Markdown written by people and imported from scraped pages, so
whatever it holds (a `<script>`, an `onerror` attribute, a `javascript:` link)
must be inert once shown: python-markdown renders it, nh3 keeps only a list of
harmless tags, attributes and URL schemes.

The body is rendered one paragraph at a time, the paragraphs being exactly the
rows of the `paragraphs` table (blocks separated by blank lines), so that the
N-th block carries `id="pN"` and `/hubkb/posts/<post_id>#pN` lands on the
paragraph that `paragraphs.n = N` names. Reference-style link definitions are
collected from the whole body first, so a link still resolves when its
definition sits in another paragraph.
"""

from __future__ import annotations

import re
import threading

import markdown
import nh3
from markupsafe import Markup, escape

from .resolve import split_paragraphs

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_FIRST_TAG = re.compile(r"^<(p|h[1-6]|ul|ol|dl|blockquote|pre|table|figure|hr)\b")
_local = threading.local()


def _markdown() -> markdown.Markdown:
    """One converter per thread: python-markdown instances are not thread-safe."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    return md


def sanitise(html: str) -> str:
    """Only harmless tags, attributes and URL schemes; links get rel="noopener noreferrer nofollow"."""
    return nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer nofollow"
    )


def render_body(body: str) -> Markup:
    """A post body as sanitised HTML, the N-th paragraph carrying id="pN".

    >>> str(render_body("Un *mot*.\\n\\n<script>alert(1)</script>"))
    '<p id="p1">Un <em>mot</em>.</p>\\n<p id="p2"></p>'
    """
    return Markup("\n".join(render_paragraphs(body)))


def render_paragraphs(body: str) -> list[Markup]:
    """The body's paragraphs as sanitised HTML, one item a row of `paragraphs`, the N-th with id="pN"."""
    md = _markdown()
    md.reset()
    md.convert(body)
    references = dict(md.references)  # link definitions from the whole body
    parts = []
    for n, block in enumerate(split_paragraphs(body), 1):
        md.reset()
        md.references.update(references)
        parts.append(Markup(_with_anchor(sanitise(md.convert(block)).strip(), n)))
    return parts


def _with_anchor(html: str, n: int) -> str:
    """Put id="pN" on the block's first element, or wrap the block in a paragraph that has it."""
    if _FIRST_TAG.match(html):
        return _FIRST_TAG.sub(lambda m: f'<{m.group(1)} id="p{n}"', html, count=1)
    return f'<p id="p{n}">{html}</p>'


_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|!?\[([^\]]*)\]\[[^\]]*\]")
_MARKDOWN_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_SPACES = re.compile(r"\s+")


def plain_text(markdown_text: str) -> str:
    """A paragraph's Markdown as plain words: links keep their text, emphasis marks go."""
    text = _MARKDOWN_LINK.sub(lambda m: m.group(1) or m.group(2) or "", markdown_text)
    return _SPACES.sub(" ", _MARKDOWN_EMPHASIS.sub("", text)).strip()


def context_snippet(markdown_text: str, surface: str | None, width: int = 220) -> Markup:
    """About `width` characters of a paragraph around the first `surface` (case-insensitive), marked.

    >>> str(context_snippet("Un *texte* sur <la> Nesta et ses amis.", "nesta", width=20))
    '…sur &lt;la&gt; <mark>Nesta</mark> et ses…'
    """
    text = plain_text(markdown_text)
    at = text.casefold().find(surface.casefold()) if surface else -1
    if at < 0:
        cut = text[:width]
        return Markup(escape(cut) + ("…" if len(text) > width else ""))
    end = at + len(surface or "")
    room = max(0, width - (end - at)) // 2
    start, stop = max(0, at - room), min(len(text), end + room)
    # widen to word boundaries
    while start > 0 and text[start - 1] != " ":
        start -= 1
    while stop < len(text) and text[stop] != " ":
        stop += 1
    before, match, after = text[start:at], text[at:end], text[end:stop]
    return Markup(
        ("…" if start > 0 else "")
        + str(escape(before))
        + f"<mark>{escape(match)}</mark>"
        + str(escape(after))
        + ("…" if stop < len(text) else "")
    )
