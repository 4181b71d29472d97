"""`hubkb trace ID`: a passage's chain read from the published database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from ..db.lineage import kind_of, load_chain, passage_ids, relaying_passage
from ..db.lookup import load_passage, open_database
from ..errors import NotFoundError
from .chain import Chain, build_chain, citable_relays

if TYPE_CHECKING:
    import sqlite3


def trace(db_path: Path, passage_id: str, lang: str = "fr") -> Chain:
    """The chain of a definition (post_id#dN), quote (post_id#qN) or reference entry (post_id#rN).

    Unknown ids get the nearest ones.
    """
    conn = open_database(db_path)
    try:
        data = load_chain(conn, passage_id)
        if data is None:
            raise NotFoundError(
                f"no definition, quote or reference with id {passage_id!r}{nearest_ids(passage_id, passage_ids(conn))}"
            )
    finally:
        conn.close()
    return build_chain(data, lang)


def nearest_ids(wanted: str, ids: list[str], limit: int = 3) -> str:
    """ "; did you mean A, B or C?": ids ending like `wanted` ("#d2") first, then the closest spellings."""
    tail = "#" + wanted.rpartition("#")[2].lstrip("#")
    found = [i for i in ids if kind_of(tail) and i.endswith(tail)]
    for match, _score, _i in process.extract(wanted, ids, scorer=fuzz.WRatio, limit=limit * 2, score_cutoff=60):
        if match not in found:
            found.append(match)
    found = found[:limit]
    if not found:
        return " (the ids look like post_id#d1 for a definition, post_id#q1 for a quote, post_id#r1 for a reference)"
    return "; did you mean " + (f"{', '.join(found[:-1])} or {found[-1]}" if len(found) > 1 else found[0]) + "?"


def relays_to_cite(conn: sqlite3.Connection, passage_id: str | None, lang: str = "fr") -> list[dict[str, Any]]:
    """The relays of a definition, quote or reference as its second-hand citation names them (`citable_relays`),
    read on an open connection: what `hubkb cite`, the post page and the work's citation page pass to
    `hubkb.citation.secondhand`, so they write what `hubkb trace` and the lineage page write."""
    data = load_chain(conn, passage_id) if passage_id else None
    return citable_relays(build_chain(data, lang)) if data is not None else []


def citable_passage(conn: sqlite3.Connection, kind: str, passage_id: str, lang: str = "fr") -> dict[str, Any] | None:
    """A definition or quote as `hubkb.citation.secondhand` takes it, its relay hops included; None if unknown."""
    passage = load_passage(conn, kind, passage_id)
    if passage is not None:
        passage["relays"] = relays_to_cite(conn, passage_id, lang)
    return passage


def work_citation_relays(
    conn: sqlite3.Connection, work_id: str, cited_in: list[dict[str, Any]], lang: str = "fr"
) -> list[list[dict[str, Any]]]:
    """For each post citing the work (`hubkb.db.queries.fetch_citations`' dicts), the relays its
    second-hand citation names: those of the post's reference entry, else those a passage of the post
    gives for the work (the lineage page of the reference says the same)."""
    return [
        relays_to_cite(conn, post.get("reference_id") or relaying_passage(conn, post["id"], work_id), lang)
        for post in cited_in
    ]
