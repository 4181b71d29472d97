"""Citations as RIS records, written and read back."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from .csl import year_of
from .names import csl_name, sort_form

_RIS_TYPES = {
    "report": "RPRT",
    "book": "BOOK",
    "article": "JOUR",
    "video": "VIDEO",
    "webpage": "ELEC",
    "blogpost": "BLOG",
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
    tags += [("AU", sort_form(csl_name(a))) for a in work.get("authors") or []]
    title = work.get("title") or work.get("title_as_cited")
    if title:
        tags.append(("TI", title))
    year = year_of(work.get("year"))
    if year is not None:
        tags.append(("PY", str(year)))
    if work.get("date"):
        tags.append(("DA", str(work["date"]).replace("-", "/")))
    if work.get("publisher"):
        # an article's periodical is its journal, a blog post's site the weblog's title
        tag = {"article": "JO", "blogpost": "T2"}.get(work.get("type") or "", "PB")
        tags.append((tag, work["publisher"]))
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
