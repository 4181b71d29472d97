"""The passage search's ranking index of a large corpus's first paragraphs (hubkb.db.write.RANK_SAMPLE)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS
from hubkb import __version__, build
from hubkb.db import write
from hubkb.db.search import match_paragraphs, register_search_functions

SCHEMA = Path(build.__file__).parents[2] / "schema.yaml"
SAMPLE = 500  # of the 200 generated posts' 1,800-odd paragraphs


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    register_search_functions(conn)
    return conn


def sampled(conn: sqlite3.Connection) -> list[int]:
    """The paragraphs the ranking index holds (its rows of lengths, one per paragraph indexed)."""
    return [r[0] for r in conn.execute("SELECT id FROM paragraphs_fts_rank_docsize ORDER BY id")]


def first_matches(conn: sqlite3.Connection, query: str, candidates: int) -> list[int]:
    sql = "SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH hubkb_fts_rank(?) LIMIT ?"
    return [r[0] for r in conn.execute(sql, [query, candidates])]


def best(conn: sqlite3.Connection, index: str, rowids: list[int], query: str, limit: int) -> list[str]:
    """The anchors of the `limit` best of `rowids` by the bm25 of `index`."""
    scores = dict(
        conn.execute(
            f"SELECT rowid, bm25({index}, 1.0, 0.5) FROM {index} WHERE {index} MATCH hubkb_fts_rank(?)", [query]
        ).fetchall()
    )
    ranked = sorted(rowids, key=lambda rowid: (scores[rowid], rowid))[:limit]
    return [conn.execute("SELECT id FROM paragraphs WHERE rowid = ?", [r]).fetchone()[0] for r in ranked]


@pytest.fixture
def sampled_build(generated_200: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setattr(write, "RANK_SAMPLE", SAMPLE)
    corpus = tmp_path / "corpus"
    shutil.copytree(generated_200 / "corpus", corpus)
    db = tmp_path / "hubkb.db"
    build.build(corpus, db, SCHEMA, full=True)
    return corpus, db


def test_a_small_corpus_has_an_empty_ranking_index_and_ranks_on_the_whole(built_db: Path) -> None:
    with connect(built_db) as conn:
        assert sampled(conn) == []
        found = match_paragraphs(conn, "coproduction", limit=5, candidates=1000)
        rowids = first_matches(conn, "coproduction", 1000)
        assert [m.anchor for m in found.matches] == best(conn, "paragraphs_fts", rowids, "coproduction", 5)
        assert len(found.matches) == 5


def test_the_ranking_index_holds_the_first_paragraphs_and_ranks_the_candidates_it_holds(
    sampled_build: tuple[Path, Path],
) -> None:
    _corpus, db = sampled_build
    with connect(db) as conn:
        assert sampled(conn) == list(range(1, SAMPLE + 1))
        conn.execute("INSERT INTO paragraphs_fts_rank (paragraphs_fts_rank, rank) VALUES ('integrity-check', 1)")
        # a common word: its first 40 matches are all among the first 500 paragraphs, which rank them
        rowids = first_matches(conn, "coproduction", 40)
        assert len(rowids) == 40 and max(rowids) <= SAMPLE
        found = match_paragraphs(conn, "coproduction", limit=8, candidates=40)
        assert [m.anchor for m in found.matches] == best(conn, "paragraphs_fts_rank", rowids, "coproduction", 8)
        assert found.matched == 40 and found.capped
        # more candidates than the sample holds: the whole index ranks them, as it does without a sample
        rowids = first_matches(conn, "coproduction", 5000)
        assert max(rowids) > SAMPLE
        found = match_paragraphs(conn, "coproduction", limit=8, candidates=5000)
        assert [m.anchor for m in found.matches] == best(conn, "paragraphs_fts", rowids, "coproduction", 8)


def test_updates_keep_the_ranking_index_to_the_first_paragraphs_still_there(
    sampled_build: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, db = sampled_build
    with connect(db) as conn:
        [(first_post,)] = conn.execute("SELECT post_id FROM paragraphs WHERE rowid = 1").fetchall()
        [(other,)] = conn.execute("SELECT post_id FROM paragraphs WHERE rowid = 200").fetchall()
        [(last_post,)] = conn.execute("SELECT post_id FROM paragraphs ORDER BY rowid DESC LIMIT 1").fetchall()
    (corpus / "posts" / f"{first_post}.md").unlink()
    changed = corpus / "posts" / f"{other}.md"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nUn paragraphe ajouté sur la coproduction.\n")
    touched = corpus / "posts" / f"{last_post}.md"
    touched.write_text(touched.read_text(encoding="utf-8") + "\nEncore un paragraphe.\n")
    report = build.build(corpus, db, SCHEMA)
    assert report.mode == "incremental"
    with connect(db) as conn:
        still = [r[0] for r in conn.execute("SELECT rowid FROM paragraphs WHERE rowid <= ? ORDER BY rowid", [SAMPLE])]
        assert sampled(conn) == still
        assert len(still) < SAMPLE  # the first post's paragraphs and the changed post's old ones are gone
        conn.execute("INSERT INTO paragraphs_fts_rank (paragraphs_fts_rank, rank) VALUES ('integrity-check', 1)")
        rewritten = [r[0] for r in conn.execute("SELECT rowid FROM paragraphs WHERE post_id = ?", [other])]
        assert rewritten and min(rewritten) > SAMPLE  # the changed post's paragraphs, written again after the last
        found = match_paragraphs(conn, "coproduction", limit=8, candidates=40)
        rowids = first_matches(conn, "coproduction", 40)
        assert max(rowids) <= SAMPLE
        assert [m.anchor for m in found.matches] == best(conn, "paragraphs_fts_rank", rowids, "coproduction", 8)
        assert not any(m.post_id == first_post for m in found.matches)


def test_the_sample_weighs_words_and_lengths_by_its_own_paragraphs(sampled_build: tuple[Path, Path]) -> None:
    """Long paragraphs added after the sample change the whole index's average length and word counts, not
    the sample's: the search's order is the sample's bm25, which here differs from the whole index's."""
    corpus, db = sampled_build
    with connect(db) as conn:
        [(author,)] = conn.execute("SELECT name FROM people ORDER BY id LIMIT 1").fetchall()
    filler = " ".join(["Un long paragraphe sur la gouvernance locale et les habitants du quartier."] * 40)
    for i in range(40):
        day = f"2031-01-{i % 28 + 1:02d}"
        text = f"---\ntitle: Long {i}\ndate: {day}\nauthors: [{author}]\n---\n" + "\n\n".join([filler] * 5)
        (corpus / "posts" / f"{day}-long-{i}.md").write_text(text + "\n", encoding="utf-8")
    report = build.build(corpus, db, SCHEMA)
    assert report.mode == "incremental"
    query = "coproduction habitants"
    with connect(db) as conn:
        rowids = first_matches(conn, query, 40)
        assert len(rowids) == 40 and max(rowids) <= SAMPLE
        by_sample = best(conn, "paragraphs_fts_rank", rowids, query, 40)
        assert by_sample != best(conn, "paragraphs_fts", rowids, query, 40)
        found = match_paragraphs(conn, query, limit=40, candidates=40)
        assert [m.anchor for m in found.matches] == by_sample


def test_a_file_made_by_an_earlier_version_is_built_again_whole(built_db: Path, tmp_path: Path) -> None:
    """hubkb 0.2.0 added the ranking index: a file without it, made by an earlier version (its `hubkb_build`
    says which), gets a full build at the next build, whatever changed in the corpus, and a search there."""
    db = tmp_path / "hubkb.db"
    shutil.copyfile(built_db, db)
    with sqlite3.connect(db) as conn:
        for kind, name in conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name LIKE 'paragraphs_fts_rank%' AND type IN ('table', 'view')"
        ).fetchall():
            if name in ("paragraphs_fts_rank", "paragraphs_fts_rank_source"):
                conn.execute(f"DROP {kind.upper()} [{name}]")  # its shadow tables and triggers with it
        conn.execute("UPDATE hubkb_build SET value = '0.1.0' WHERE key = 'hubkb_version'")
    report = build.build(CORPUS, db, SCHEMA)
    assert report.mode == "full"
    with connect(db) as conn:
        assert sampled(conn) == []
        assert conn.execute("SELECT value FROM hubkb_build WHERE key = 'hubkb_version'").fetchone()[0] == __version__
        assert match_paragraphs(conn, "coproduction", limit=3).matches
