"""A site crawler for the Datasette tests: follow every same-site link from /, check every answer.

`crawl(get)` fetches "/" and every same-site link it finds, once each, and
reads links out of every HTML page except those that only re-present a page
(another sort order, a facet toggled, the next page of a table, another output
format): those are checked, not expanded, and of each kind of them (the same
path with the same argument names) one is fetched, so the crawl stays linear
in the size of the corpus. Checks:

- every link answers below 400;
- a link with a fragment (``/hubkb/posts/x#p4``) lands on a page holding that id;
- a "N rows from column in table" link lands on a table page listing N rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

# Query arguments that only re-present a page: fetched and checked, not expanded.
PRESENTATION = re.compile(
    r"^_(sort|sort_desc|facet|facet_array|facet_json_array|facet_date|next|size|labels|col|nocol|"
    r"hide_sql|show_sql|dl|stream|shape|json|nl|trace|context|search_mode|where|sort_by_desc)"
)
_ROWS_FROM = re.compile(r'<a href="([^"]+)">\s*([\d,]+) rows?</a>\s*from (\w+) in (\w+)')
_ROW_COUNT = re.compile(r"<h3>([\d,]+) rows?")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")


@dataclass
class CrawlResult:
    pages: int = 0  # HTML pages read for links
    fetched: int = 0  # distinct URLs fetched
    links: int = 0  # same-site links followed (every occurrence)
    rows_from_checked: int = 0
    fragments_checked: int = 0
    problems: list[str] = field(default_factory=list)


def _same_site(href: str) -> bool:
    if href.startswith(("mailto:", "javascript:", "data:")):
        return False
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc


def _expands(url: str) -> bool:
    parts = urlsplit(url)
    if re.search(r"\.(json|csv|bib|ris|csljson|db)$", parts.path) or parts.path.startswith("/-/static"):
        return False
    return not any(PRESENTATION.match(key) for key, _ in parse_qsl(parts.query, keep_blank_values=True))


def presentation_kind(url: str) -> Hashable:
    """A page that only re-presents another stands for its kind (path and argument names); others for themselves."""
    if _expands(url):
        return url
    parts = urlsplit(url)
    return (parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})))


def one_per_kind(full_tables: set[str]) -> Callable[[str], Hashable]:
    """For large corpora: every row page of `full_tables` for itself; for every other page, one of its kind:
    a filtered table page (table and filter arguments), a row page of another table (link tables,
    mentions, paragraphs), a citation page, an export of a row (table and format)."""

    def kind(url: str) -> Hashable:
        parts = urlsplit(url)
        segments = parts.path.strip("/").split("/")
        names = tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))
        if len(segments) == 2 and parts.query and _expands(url):
            return ("filtered", parts.path, names)
        if len(segments) >= 3:
            extension = segments[2].rsplit(".", 1)[1] if "." in segments[2] else ""
            if segments[1] not in full_tables or len(segments) > 3 or extension:
                return ("row", segments[1], len(segments), segments[-1] if len(segments) > 3 else "", extension, names)
        return presentation_kind(url)

    return kind


def crawl(
    get: Callable[[str], tuple[int, str, str]],
    start: str = "/",
    kind: Callable[[str], Hashable] = presentation_kind,
    limit: int = 100_000,
) -> CrawlResult:
    """`get(url) -> (status, content type, text)`; a breadth-first crawl from `start`, one fetch per `kind`."""
    result = CrawlResult()
    seen: dict[str, tuple[int, set[str] | None]] = {}
    queue = [start]
    pending_fragments: list[tuple[str, str, str]] = []
    pending_rows: list[tuple[str, int, str]] = []

    def fetch(url: str) -> tuple[int, set[str] | None]:
        if url in seen:
            return seen[url]
        status, content_type, text = get(url)
        result.fetched += 1
        ids: set[str] | None = None
        if status >= 400:
            result.problems.append(f"{status} {url}")
        elif content_type.startswith("text/html"):
            parser = _Links()
            parser.feed(text)
            ids = parser.ids
            if _expands(url):
                result.pages += 1
                for href in parser.hrefs:
                    if _same_site(href):
                        result.links += 1
                        target = urljoin(url, href)
                        path, fragment = urldefrag(target)
                        if fragment:
                            pending_fragments.append((path, fragment, url))
                        if path not in seen:
                            queue.append(path)
                for link, count, _column, _table in _ROWS_FROM.findall(text):
                    pending_rows.append((urljoin(url, link.replace("&amp;", "&")), int(count.replace(",", "")), url))
        seen[url] = (status, ids)
        return seen[url]

    kinds: set[Hashable] = set()
    while queue and result.fetched < limit:
        url = queue.pop(0)
        if url in seen or kind(url) in kinds:
            continue
        kinds.add(kind(url))
        fetch(url)
    for path, fragment, source in pending_fragments:
        result.fragments_checked += 1
        status, ids = fetch(path)
        if status < 400 and ids is not None and fragment not in ids:
            result.problems.append(f"#{fragment} missing on {path} (linked from {source})")
    checked: set[Hashable] = set()
    for link, count, source in pending_rows:
        if kind(link) in checked:
            continue
        checked.add(kind(link))
        result.rows_from_checked += 1
        status, _content_type, text = get(link)
        found = _ROW_COUNT.search(text)
        listed = int(found.group(1).replace(",", "")) if found else 0
        if status >= 400 or listed != count:
            result.problems.append(f"{link}: {count} rows announced on {source}, {listed} listed (status {status})")
    return result
