"""Raw input to text: decoding (UTF-8, UTF-16 with a mark, cp1252 with a warning) and saved HTML.

A saved HTML page goes through trafilatura: its main text (navigation,
sidebars, share buttons, figure captions and footers left out), with links
inside paragraphs kept as Markdown links, one block a paragraph; and its
metadata (title without the site's name, author, publication date found by
htmldate). A page where trafilatura finds no main text falls back on the
standard library's parser: block elements become blank lines, navigation,
forms and scripts are dropped, and links inside list items keep their address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .lexicon import DATE_EXPRESSION, HEADER_BLOCK_CHARS
from .rules import rule
from .scrape import PageHints, byline_names, split_blocks

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class Source:
    """The text of one input file, or why there is none."""

    text: str | None
    warnings: list[str] = field(default_factory=list)
    refusal: str | None = None  # set when the file cannot be imported at all
    html: bool = False
    hints: PageHints = field(default_factory=PageHints)  # a saved HTML page's metadata


def decode(raw: bytes, name: str) -> Source:
    if not raw.strip():
        return Source(None, refusal="empty file; nothing to import")
    if len(raw) > MAX_BYTES:
        return Source(
            None,
            refusal=f"file is {len(raw) / 1024 / 1024:.1f} MB; a page scrape is at most {MAX_BYTES // 1024 // 1024} MB",
        )
    warnings: list[str] = []
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            return Source(None, refusal="binary file (a UTF-16 mark, then undecodable bytes), not a text or HTML page")
    elif b"\x00" in raw or _control_share(raw) > 0.1:
        return Source(None, refusal="binary file, not a text or HTML page scrape; nothing imported")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            text = raw.decode("cp1252", errors="replace")
            warnings.append(
                f"{name}:{line}: warning: not UTF-8 (byte 0x{raw[exc.start]:02x}); "
                "read as Windows-1252 (cp1252): check accented letters in the draft"
            )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if not text.strip(" \t\n\f\v\u00a0\u202f\u2007\u200b"):
        return Source(None, warnings, refusal="empty file; nothing to import")
    is_html = looks_like_html(text, name)
    hints = PageHints()
    if is_html:
        main, hints = main_text(text)
        text = main or html_to_text(text)
        if not text.strip():
            return Source(None, warnings, refusal="HTML page without any text; nothing to import", html=True)
    return Source(text, warnings, html=is_html, hints=hints)


@rule
def main_text(html: str) -> tuple[str | None, PageHints]:
    """The main text of a saved page and its metadata: '<p>Voir <a href="u">X</a></p>' -> 'Voir [X](u)'."""
    import trafilatura  # the import extra; loaded only when a page is HTML

    try:
        doc = trafilatura.bare_extraction(
            html, include_links=True, include_tables=True, include_comments=False, favor_recall=True, with_metadata=True
        )
    except Exception:  # trafilatura's parsers raise a variety of errors on broken markup: fall back
        doc = None
    if doc is None:
        return None, PageHints()
    markdown = trafilatura.extract(
        html,
        output_format="markdown",
        include_links=True,
        include_tables=True,
        include_comments=False,  # readers' comments are no part of the post
        favor_recall=True,
    )
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    written = (data.get("author") or "").strip()
    found = byline_names(written) if written else None  # trafilatura may keep the cue: "Par Amélie Corbineau"
    authors = tuple(found) if found else tuple(a.strip() for a in re.split(r";|\s+et\s+|,", written) if a.strip())
    hints = PageHints(
        title=data.get("title") or None, date=data.get("date") or None, authors=authors or byline_in_markup(html)
    )
    if not markdown:
        return None, hints
    lines = [_MD_ESCAPE.sub(r"\1", line.strip()) for line in markdown.split("\n")]
    blocks: list[str] = []
    for line in lines:
        if line and blocks and re.fullmatch(r"[-*•]", blocks[-1]):  # a bullet whose item went to the next line
            blocks[-1] += " " + line
        elif line:
            blocks.append(line)
    return "\n\n".join(blocks) + "\n", hints


@rule
def byline_in_markup(html: str) -> tuple[str, ...]:
    """The authors of a byline the main text left out: '<div>Par <a>Amélie Corbineau</a> · <time>15 juin
    2021</time></div>' -> ('Amélie Corbineau',); read from the page's blocks before its first long one."""
    for block in split_blocks(html_to_text(html)):
        if len(block.text) > HEADER_BLOCK_CHARS:
            break
        names = byline_names(DATE_EXPRESSION.sub("", block.text).strip(" ·|–—-,"))
        if names:
            return tuple(names)
    return ()


_MD_ESCAPE = re.compile(r"\\([-*_#+.!\[\]()`>|\\])")  # trafilatura's Markdown escapes: "\- item" is "- item"


def _control_share(raw: bytes) -> float:
    sample = raw[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(len(sample), 1)


_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)


@rule
def looks_like_html(text: str, name: str) -> bool:
    """A saved web page: 'page.html', or text opening with '<!DOCTYPE html>' -> True."""
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return bool(_HTML_START.match(text[:2000]))


_BLOCKS = frozenset(
    """address article blockquote dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6
header hr li main ol p pre section table tbody thead tfoot tr td th ul""".split()
)
_DROPPED = frozenset(
    "script style noscript nav aside footer form iframe svg template button select "
    "textarea head object embed canvas".split()
)
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping: list[str] = []  # open dropped elements
        self.in_li = 0
        self.links: list[str | None] = []
        self.link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag in _DROPPED and tag not in _VOID:
                self.dropping.append(tag)
            return
        if tag in _DROPPED:
            if tag not in _VOID:
                self.dropping.append(tag)
            return
        if tag in _BLOCKS:
            self.out.append("\n\n")
        if tag == "br":
            self.out.append("\n")
        if tag == "li":
            self.in_li += 1
            self.out.append("- ")
        if tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href if href and re.match(r"https?://", href) else None)
            self.link_text.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag == "a" and self.links:
            href, text = self.links.pop(), self.link_text.pop()
            if href and self.in_li and href.rstrip("/") not in text:
                self.out.append(f" {href}")
        if tag == "li" and self.in_li:
            self.in_li -= 1
        if tag in _BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        data = re.sub(r"[ \t\n\r\f]+", " ", data)
        if self.link_text:
            self.link_text[-1] += data
        self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this guards against the odd assertion in old markup
        pass
    text = "".join(parser.out)
    lines = [line.strip(" ") for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
