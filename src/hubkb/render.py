"""Post bodies as safe HTML.

A post body is Markdown written by people and imported from scraped pages, so
whatever it holds (a `<script>`, an `onerror` attribute, a `javascript:` link)
must be inert once shown: python-markdown renders it, nh3 keeps only a list of
harmless tags, attributes and URL schemes.

The body is rendered as if one paragraph at a time, the paragraphs being
exactly the rows of the `paragraphs` table (blocks separated by blank lines),
so that the N-th block carries `id="pN"` and `/hubkb/posts/<post_id>#pN` lands
on the paragraph that `paragraphs.n = N` names. Reference-style link
definitions are collected from the whole body first, so a link still resolves
when its definition sits in another paragraph.

Fast, because a post may be 5 MB (converting it one block at a time paid
python-markdown's setup 200,000 times: 27 s), yet each block's HTML is exactly
what converting and cleaning it alone gives (tests compare the two):

- a block with no Markdown syntax at all is written as `<p>block</p>`,
  which is what python-markdown and nh3 make of it;
- blocks that make one paragraph each (inline syntax only) go through
  python-markdown's inline stage together, many to a call;
- the other blocks (lists, headings, quotes, raw HTML) are converted many
  to a call, separated by marker paragraphs that split the output back into
  blocks (a batch whose markers do not all come back, as when raw HTML spans
  blocks, is halved until they do);
- each call uses a converter without the inline patterns its text cannot
  match (no `[`: no link patterns), and nh3 cleans the blocks in one call.
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree

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

# A block python-markdown renders as `<p>block</p>`, unchanged: no character any
# Markdown syntax (or HTML escaping) starts with, no line that opens a list or
# a heading, no leading or trailing spaces on a line (code, hard breaks).
_SYNTAX_CHARS = re.compile(r"[\\`*_\[\]<>&#+=|~{}\x00-\x09\x0b-\x1f\x7f]")
_SYNTAX_LINES = re.compile(r"\n[\d \-]|\s\n")
_ORDERED = re.compile(r"\d+\.")
# A block python-markdown renders as one paragraph, whatever its inline syntax
# (emphasis, links, code): every line starts with a letter or an opening mark,
# so no line opens a block (list, heading, quote, code, raw HTML, definition).
# (Tabs, carriage returns and python-markdown's own placeholder marks would be
# changed by its preprocessors: not here.)
_ONE_PARAGRAPH = re.compile(
    r"(?:[^\W\d_]|[«“‘’\"'(])[^\n\t\r\x02\x03]*(?:\n(?:[^\W\d_]|[«“‘’\"'(])[^\n\t\r\x02\x03]*)*"
)
_NBSP = "\u00a0"  # the one character nh3 writes otherwise in text without <, > or &
_BATCH_CHARS = 32_000  # python-markdown's cost grows a little faster than its input: convert in slices


# Inline patterns and what a text must hold for each to match anything:
# python-markdown tries every pattern on every text node, so a text without
# any of these is converted, to the same HTML, by a converter without them.
_INLINE_NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("[",),
    "image_reference": ("[",),
    "short_reference": ("[",),
    "short_image_ref": ("[",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n", "\t"),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
}


_TRIGGERS = frozenset(c for needs in _INLINE_NEEDS.values() for n in needs for c in n if len(n) == 1)


def _unused_patterns(text: str) -> frozenset[str]:
    present = _TRIGGERS.intersection(text)
    if "  \n" in text:
        present |= {"  \n"}
    return frozenset(name for name, needs in _INLINE_NEEDS.items() if present.isdisjoint(needs))


def _markdown(skip: frozenset[str] = frozenset()) -> markdown.Markdown:
    """A converter without the inline patterns `skip` (one per thread: python-markdown is not thread-safe)."""
    converters = getattr(_local, "converters", None)
    if converters is None:
        converters = _local.converters = {}
    md = converters.get(skip)
    if md is None:
        md = converters[skip] = markdown.Markdown(extensions=["sane_lists"], output_format="html")
        for name in skip:
            md.inlinePatterns.deregister(name, strict=False)
    return md


def _cleaner() -> nh3.Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = nh3.Cleaner(
            tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer nofollow"
        )
    return cleaner


def sanitise(html: str) -> str:
    """Only harmless tags, attributes and URL schemes; links get rel="noopener noreferrer nofollow"."""
    return _cleaner().clean(html)


def render_body(body: str) -> Markup:
    """A post body as sanitised HTML, the N-th paragraph carrying id="pN".

    >>> str(render_body("Un *mot*.\\n\\n<script>alert(1)</script>"))
    '<p id="p1">Un <em>mot</em>.</p>\\n<p id="p2"></p>'
    """
    return Markup("\n".join(_rendered(body)))


def render_paragraphs(body: str) -> list[Markup]:
    """The body's paragraphs as sanitised HTML, one item a row of `paragraphs`, the N-th with id="pN"."""
    return [Markup(html) for html in _rendered(body)]


def _rendered(body: str) -> list[str]:
    blocks = split_paragraphs(body)
    marker = _unused_character(body)
    references = _references(body) if "]:" in body else {}
    html: list[str] = [""] * len(blocks)  # converted, not yet sanitised
    done: list[str | None] = [None] * len(blocks)  # sanitised, with the anchor
    paragraphs: list[int] = []  # blocks that make one paragraph each: no marker needed between them
    others: list[int] = []
    for n, block in enumerate(blocks):
        if marker is None or "]:" in block:  # a link definition applies to its own block only: alone
            html[n] = _convert_alone(block, references)
        elif _is_plain(block):  # what python-markdown and nh3 make of it, directly
            done[n] = f'<p id="p{n + 1}">{block.replace(_NBSP, "&nbsp;")}</p>'
        elif "<" not in block and _ONE_PARAGRAPH.fullmatch(block):
            paragraphs.append(n)
        else:
            others.append(n)
    for batch in _batches(blocks, paragraphs):
        _convert_paragraphs(blocks, batch, references, marker or "", html)
    for batch in _batches(blocks, others):
        _convert_batch(blocks, batch, references, marker or "", html)
    todo = [n for n, part in enumerate(done) if part is None]
    for n, part in zip(todo, _sanitised([html[n] for n in todo], [blocks[n] for n in todo], marker)):
        done[n] = _with_anchor(part, n + 1)
    return done  # type: ignore[return-value]  # every block is done now


def _is_plain(block: str) -> bool:
    return not (
        _SYNTAX_CHARS.search(block)
        or block[0] == "-"
        or (block[0].isdecimal() and _ORDERED.match(block))
        or ("\n" in block and _SYNTAX_LINES.search(block))
    )


def _batches(blocks: list[str], numbers: list[int]) -> list[list[int]]:
    """Block numbers in runs of about _BATCH_CHARS characters, blocks that need the same inline
    patterns together (a run without links or code is converted without trying those patterns)."""
    alike: dict[frozenset[str], list[int]] = {}
    for n in numbers:
        alike.setdefault(_unused_patterns(blocks[n]), []).append(n)
    batches: list[list[int]] = []
    for group in alike.values():
        size = _BATCH_CHARS + 1
        for n in group:
            if size > _BATCH_CHARS:
                batches.append([])
                size = 0
            batches[-1].append(n)
            size += len(blocks[n])
    return batches


def _unused_character(body: str) -> str | None:
    """A private-use character the body does not hold, to mark where blocks end."""
    return next((c for c in map(chr, range(0xE000, 0xF900)) if c not in body), None)


def _references(body: str) -> dict:
    """The link definitions of the whole body, as python-markdown finds them (block parsing only)."""
    md = _markdown()
    md.reset()
    if body.strip():
        lines = body.split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
        md.parser.parseDocument(lines)
    return dict(md.references)


def _convert_alone(block: str, references: dict) -> str:
    md = _markdown(_unused_patterns(block))
    md.reset()
    md.references.update(references)
    return md.convert(block)


def _convert_paragraphs(blocks: list[str], batch: list[int], references: dict, marker: str, html: list[str]) -> None:
    """Convert blocks that make one paragraph each in one call, split at the paragraph ends.

    python-markdown's preprocessors leave such blocks as they are and its block
    parser only puts each in a <p> (see _ONE_PARAGRAPH), so the paragraphs are
    made here and only the inline stage (most of the work) runs: as `convert`
    does after parsing.
    """
    md = _markdown(_unused_patterns(blocks[batch[0]]))  # _batches groups blocks that need the same patterns
    md.reset()
    md.references.update(references)
    root = etree.Element(md.doc_tag)
    for n in batch:
        etree.SubElement(root, "p").text = blocks[n]
    for treeprocessor in md.treeprocessors:
        new_root = treeprocessor.run(root)
        if new_root is not None:
            root = new_root
    output = md.serializer(root)
    output = output[output.index(f"<{md.doc_tag}>") + len(md.doc_tag) + 2 : output.rindex(f"</{md.doc_tag}>")].strip()
    for postprocessor in md.postprocessors:
        output = postprocessor.run(output)
    parts = output.strip().split("</p>\n<p>")
    if len(parts) != len(batch) or not (parts[0].startswith("<p>") and parts[-1].endswith("</p>")):
        _convert_batch(blocks, batch, references, marker, html)  # not one paragraph each after all
        return
    parts[0] = parts[0].removeprefix("<p>")
    parts[-1] = parts[-1].removesuffix("</p>")
    for n, part in zip(batch, parts):
        html[n] = f"<p>{part}</p>"


def _convert_batch(blocks: list[str], batch: list[int], references: dict, marker: str, html: list[str]) -> None:
    """Convert the blocks numbered `batch` in one call, separated by marker paragraphs."""
    if len(batch) <= 1:
        for n in batch:
            html[n] = _convert_alone(blocks[n], references)
        return
    separator = f"<p>{marker}</p>"
    parts = _convert_alone(f"\n\n{marker}\n\n".join(blocks[n] for n in batch), references).split(separator)
    if len(parts) == len(batch):
        for n, part in zip(batch, parts):
            html[n] = part.strip()
        return
    half = len(batch) // 2  # a marker was swallowed (raw HTML across blocks): smaller batches
    _convert_batch(blocks, batch[:half], references, marker, html)
    _convert_batch(blocks, batch[half:], references, marker, html)


def _sanitised(parts: list[str], blocks: list[str], marker: str | None) -> list[str]:
    """Each block's HTML cleaned; those without raw HTML (no `<` in the block) in one nh3 call."""
    cleaner = _cleaner()
    joint = [n for n, block in enumerate(blocks) if "<" not in block] if marker else []
    cleaned = cleaner.clean(marker.join(parts[n] for n in joint)).split(marker) if marker and joint else []
    if len(cleaned) != len(joint):  # balanced HTML always comes back whole; stay exact if not
        joint, cleaned = [], []
    done = dict(zip(joint, cleaned))
    return [(done[n] if n in done else cleaner.clean(part)).strip() for n, part in enumerate(parts)]


def _with_anchor(html: str, n: int) -> str:
    """Put id="pN" on the block's first element, or wrap the block in a paragraph that has it."""
    first = _FIRST_TAG.match(html)
    if first:
        return f'{first[0]} id="p{n}"{html[first.end() :]}'
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

    The text is cut between words, and an ellipsis that meets punctuation is set off by a space
    ("coopération. …", "… « Le design"), never glued to it ("coopération.…").
    """
    text = plain_text(markdown_text)
    at = text.casefold().find(surface.casefold()) if surface else -1
    if at < 0:
        if len(text) <= width:
            return Markup(escape(text))
        head = text[: width + 1]  # a space just after the width still ends a whole word
        cut = head.rsplit(" ", 1)[0] if " " in head else text[:width]
        return Markup(escape(cut) + _cut_after(cut))
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
        (_cut_before(before + match) if start > 0 else "")
        + str(escape(before))
        + f"<mark>{escape(match)}</mark>"
        + str(escape(after))
        + (_cut_after(match + after) if stop < len(text) else "")
    )


def _cut_before(kept: str) -> str:
    """The ellipsis before a snippet that starts with `kept`: "… " before punctuation (« or a dash)."""
    return "…" if kept[:1].isalnum() else "… "


def _cut_after(kept: str) -> str:
    """The ellipsis after a snippet that ends with `kept`: " …" after punctuation (a sentence's full stop)."""
    return "…" if kept[-1:].isalnum() else " …"
