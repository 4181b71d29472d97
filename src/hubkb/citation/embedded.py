"""Metadata a page embeds for reference managers (Zotero's connector and its peers).

From one CSL-JSON item (`csl.to_csl` of a work, `csl.post_to_csl` of a post):
Highwire Press ``citation_*`` meta tags (what Google Scholar and Zotero read
first), Dublin Core ``DC.*`` meta tags, Open Graph for the site name, and a
COinS span (an OpenURL ContextObject in a ``Z3988`` span's title).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

# CSL type -> (Dublin Core type, COinS format, COinS genre)
_KINDS = {
    "post-weblog": ("Text", "dc", None),
    "report": ("Text", "book", "report"),
    "book": ("Text", "book", "book"),
    "chapter": ("Text", "book", "bookitem"),
    "article-journal": ("Text", "journal", "article"),
    "article": ("Text", "dc", None),
    "motion_picture": ("MovingImage", "dc", None),
    "webpage": ("Text", "dc", None),
    "thesis": ("Text", "dc", None),
}


def _name(author: Mapping[str, Any]) -> str:
    """ "Family, Given" as Highwire and Dublin Core expect; an organisation's name whole."""
    if author.get("literal"):
        return str(author["literal"])
    family = " ".join(p for p in (author.get("non-dropping-particle"), author.get("family")) if p)
    return f"{family}, {author['given']}" if author.get("given") else family


def _date(item: Mapping[str, Any], separator: str) -> str | None:
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    return separator.join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[0])) or None


def meta_tags(item: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(attribute, name, content) of every meta tag: ("name", "citation_title", "...")."""
    tags: list[tuple[str, str, str]] = []

    def add(attribute: str, name: str, value: Any) -> None:
        if value not in (None, ""):
            tags.append((attribute, name, str(value)))

    authors = [_name(a) for a in item.get("author") or []]
    kind = item.get("type", "")
    add("name", "citation_title", item.get("title"))
    for author in authors:
        add("name", "citation_author", author)
    add("name", "citation_publication_date", _date(item, "/"))
    add("name", "citation_date", _date(item, "/"))
    add("name", "citation_language", item.get("language"))
    if kind == "report":
        add("name", "citation_technical_report_institution", item.get("publisher"))
    elif kind != "post-weblog":  # a blog is no publisher: its name goes to og:site_name and DC.publisher
        add("name", "citation_publisher", item.get("publisher"))
    if item.get("URL"):
        add("name", "citation_public_url", item["URL"])
    add("name", "DC.title", item.get("title"))
    for author in authors:
        add("name", "DC.creator", author)
    add("name", "DC.date", _date(item, "-"))
    add("name", "DC.publisher", item.get("publisher") or item.get("container-title"))
    add("name", "DC.type", _KINDS.get(kind, ("Text", "dc", None))[0])
    add("name", "DC.language", item.get("language"))
    add("name", "DC.identifier", item.get("URL"))
    add("property", "og:title", item.get("title"))
    add("property", "og:type", "article" if kind == "post-weblog" else "website")
    add("property", "og:site_name", item.get("container-title") or item.get("publisher"))
    add("property", "og:url", item.get("URL"))
    return tags


def coins(item: Mapping[str, Any]) -> str:
    """The title of a COinS span (`<span class="Z3988" title="...">`) for the item."""
    _dc_type, fmt, genre = _KINDS.get(item.get("type", ""), ("Text", "dc", None))
    pairs: list[tuple[str, str]] = [("ctx_ver", "Z39.88-2004"), ("rft_val_fmt", f"info:ofi/fmt:kev:mtx:{fmt}")]
    authors = item.get("author") or []
    date = _date(item, "-")
    if fmt == "dc":
        pairs.append(("rft.title", item.get("title", "")))
        pairs += [("rft.creator", _name(a)) for a in authors]
        if date:
            pairs.append(("rft.date", date))
        publisher = item.get("publisher") or item.get("container-title")
        if publisher:
            pairs.append(("rft.publisher", publisher))
        pairs.append(("rft.type", "blogPost" if item.get("type") == "post-weblog" else "document"))
    else:
        pairs.append(("rft.genre", genre or "document"))
        pairs.append(("rft.btitle" if fmt == "book" else "rft.atitle", item.get("title", "")))
        first = authors[0] if authors else {}
        if first.get("literal"):
            pairs.append(("rft.aucorp", first["literal"]))
        elif first:
            pairs += [("rft.aulast", first.get("family", "")), ("rft.aufirst", first.get("given", ""))]
        pairs += [("rft.au", _name(a)) for a in authors]
        if date:
            pairs.append(("rft.date", date))
        if item.get("publisher"):
            pairs.append(("rft.pub", item["publisher"]))
    if item.get("URL"):
        pairs.append(("rft_id", item["URL"]))
    if item.get("language"):
        pairs.append(("rft.language", item["language"]))
    return urlencode(pairs)


# CSL type -> schema.org type
_SCHEMA_TYPES = {
    "post-weblog": "BlogPosting",
    "report": "Report",
    "book": "Book",
    "chapter": "Chapter",
    "article-journal": "ScholarlyArticle",
    "article": "Article",
    "motion_picture": "Movie",
    "webpage": "WebPage",
    "thesis": "Thesis",
}


def json_ld(item: Mapping[str, Any]) -> str:
    """The item as schema.org JSON-LD, safe inside a ``<script type="application/ld+json">``."""
    kind = item.get("type", "")
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": _SCHEMA_TYPES.get(kind, "CreativeWork"),
        "name": item.get("title"),
    }
    if kind == "post-weblog":
        data["headline"] = item.get("title")
    authors = []
    for a in item.get("author") or []:
        if a.get("literal"):
            authors.append({"@type": "Organization", "name": a["literal"]})
        else:
            given, family = a.get("given", ""), _name(a).split(", ")[0]
            authors.append(
                {"@type": "Person", "name": f"{given} {family}".strip(), "givenName": given, "familyName": family}
            )
    if authors:
        data["author"] = authors
    if _date(item, "-"):
        data["datePublished"] = _date(item, "-")
    if item.get("container-title") and kind == "post-weblog":
        data["isPartOf"] = {"@type": "Blog", "name": item["container-title"]}
    publisher = item.get("publisher") or (item.get("container-title") if kind == "post-weblog" else None)
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
    if item.get("URL"):
        data["url"] = item["URL"]
    if item.get("language"):
        data["inLanguage"] = item["language"]
    text = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_metadata(item: Mapping[str, Any]) -> dict[str, Any]:
    """What a page template embeds: ``tags`` (attribute, name, content), ``coins`` and ``json_ld``."""
    return {"tags": meta_tags(item), "coins": coins(item), "json_ld": json_ld(item)}
