"""Citing from the published database: what `hubkb cite` does, without the printing.

A work is read with its authors (people and organisations, in order) and
handed to `hubkb.citation` for the style asked; a definition or quote is read with
its givers, relay, work and post and turned into a second-hand citation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .. import citation
from ..db.lookup import find_post, load_work, open_database, passage_ids, post_names, work_names
from ..errors import NotFoundError, QueryError
from ..lineage.trace import citable_passage
from ..text import fold

STYLES: tuple[str, ...] = (*citation.STYLES, "bibtex", "ris", "csl-json")
LANGS: tuple[str, ...] = citation.LANGS
PASSAGE_KINDS = ("definition", "quote")


def _choose(what: str, value: str, choices: tuple[str, ...], label: str = "") -> None:
    if value not in choices:
        listed = f"{label}: " if label else ""
        raise QueryError(f"unknown {what} {value!r} ({listed}{', '.join(choices)})")


def cite_work(db_path: Path, work_id: str, style: str = "apa", lang: str = "fr") -> str:
    """The work (or post) as a reference in `style` (apa, chicago, iso690) or as a bibtex/ris/csl-json record."""
    _choose("style", style, STYLES, "styles")
    _choose("language", lang, LANGS, "languages")
    conn = open_database(db_path)
    try:
        work = load_work(conn, work_id)
        if work is None:
            post = find_post(conn, work_id)  # a post is a work too: a blog post, cited as such
            if post is None:
                names = [*work_names(conn), *post_names(conn)]
                raise NotFoundError(f"no work with id {work_id!r}{_did_you_mean(work_id, names)}")
            work = citation.post_as_work(post)
    finally:
        conn.close()
    return format_work(work, style, lang)


def format_work(work: dict[str, Any], style: str, lang: str) -> str:
    if style == "bibtex":
        return citation.to_bibtex([work]).rstrip("\n")
    if style == "ris":
        return citation.to_ris([work]).rstrip("\r\n")
    if style == "csl-json":
        return json.dumps([citation.to_csl(work)], ensure_ascii=False, indent=2)
    return citation.render(work, style, lang)  # type: ignore[arg-type]


def cite_passage(db_path: Path, kind: str, passage_id: str, lang: str = "fr") -> dict[str, Any]:
    """A definition or quote with its second-hand chain (`hubkb.citation.secondhand`)."""
    _choose("kind of passage", kind, PASSAGE_KINDS)
    _choose("language", lang, LANGS, "languages")
    conn = open_database(db_path)
    try:
        passage = citable_passage(conn, kind, passage_id, lang)
        if passage is None:
            ids = passage_ids(conn, kind)
            # "d2" is how a post's own definitions are numbered: offer the full ids that end so.
            ending = [i for i in ids if i.endswith("#" + passage_id.lstrip("#"))][:3]
            hint = (
                f"; did you mean {' or '.join(ending)}?"
                if ending
                else _did_you_mean(passage_id, ((i, []) for i in ids))
            )
            raise NotFoundError(f"no {kind} with id {passage_id!r}{hint}")
        return citation.secondhand(passage, lang)  # type: ignore[arg-type]
    finally:
        conn.close()


def format_passage(result: dict[str, Any]) -> str:
    return citation.format_secondhand(result)


def _did_you_mean(wanted: str, entries: Iterable[tuple[str, list[str]]], limit: int = 3) -> str:
    """ "; did you mean a or b?" from ids and the names that go with them, closest first."""
    best: dict[str, float] = {}
    key = fold(wanted)
    for entry_id, names in entries:
        for name in (entry_id, *names):
            score = fuzz.WRatio(key, fold(name))
            if score > best.get(entry_id, 0):
                best[entry_id] = score
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    # The nearest, and those as near: "#d2" asked as a quote suggests "#q2", not every quote.
    floor = max(70.0, ranked[0][1] - 2) if ranked else 70.0
    close = [i for i, s in ranked if s >= floor][:limit]
    return f"; did you mean {' or '.join(close)}?" if close else ""


__all__ = ["LANGS", "STYLES", "cite_passage", "cite_work", "format_passage", "format_work"]
