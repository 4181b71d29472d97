"""`hubkb trace ID`: a passage's chain read from the published database."""

from __future__ import annotations

from pathlib import Path

from rapidfuzz import fuzz, process

from ..db.lineage import kind_of, load_chain, passage_ids
from ..db.lookup import open_database
from ..errors import NotFoundError
from .chain import Chain, build_chain


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
