"""A full build's largest full-text index, built by another process (hubkb.db.fts_aside)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from hubkb import build
from hubkb.db import fts_aside, write
from hubkb.errors import HubkbError

SCHEMA = Path(build.__file__).parents[2] / "schema.yaml"


def beside(db: Path) -> list[str]:
    """What is beside the database but the files a build keeps there (inspect-data.json, the hash cache, the lock)."""
    kept = ("inspect-data.json", f".{db.name}.files", f".{db.name}.lock")
    return sorted(p.name for p in db.parent.iterdir() if p.name != db.name and p.name not in kept)


def test_the_index_made_aside_is_whole_and_the_file_is_published_out_of_wal(
    generated_200: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = []
    start = fts_aside.FtsAside.start

    def spy(*args, **kwargs):
        side = start(*args, **kwargs)
        made.append(side.parts.table)
        return side

    monkeypatch.setattr(build, "_cores", lambda: 2)
    monkeypatch.setattr(fts_aside.FtsAside, "start", spy)
    db = tmp_path / "site" / "hubkb.db"
    db.parent.mkdir()
    build.build(generated_200 / "corpus", db, SCHEMA, full=True)
    assert made == ["paragraphs"]  # the table with the most rows
    assert beside(db) == []  # no -wal, -shm, scratch folder or temporary file left
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        # FTS5's own check of the index against its content (the view over paragraphs and their variants)
        conn.execute("INSERT INTO paragraphs_fts (paragraphs_fts, rank) VALUES ('integrity-check', 1)")
        [(matched,)] = conn.execute("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'coproduction'")
        [(holding,)] = conn.execute("SELECT count(*) FROM paragraphs WHERE text LIKE '%coproduction%'")
        assert matched >= holding > 100
        triggers = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"paragraphs_ai", "paragraphs_ad", "paragraphs_au"} <= triggers  # updates keep it in step


def test_a_storage_error_in_the_other_process_is_the_builds_one_line(
    generated_200: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forked process gives back SQLite's code with the message: a full disk there reads as one here."""
    monkeypatch.setattr(build, "_cores", lambda: 2)
    monkeypatch.setattr(fts_aside, "_build", full_disk)
    db = tmp_path / "site" / "hubkb.db"
    db.parent.mkdir()
    with pytest.raises(HubkbError) as raised:
        build.build(generated_200 / "corpus", db, SCHEMA, full=True)
    assert str(raised.value) == (
        f"{db}: cannot write the new database: the disk is full (no space left on device); "
        "nothing was published, the previous database is unchanged"
    )
    assert os.listdir(db.parent) == []  # no database, lock, scratch folder, -wal or -shm


def full_disk(*args: object) -> tuple[int, str]:
    """What the forked process gives back when the disk fills up (SQLITE_FULL)."""
    return 13, "database or disk is full"


def test_a_fresh_builds_indexes_are_loaded_with_a_hash_their_posts_text_fits(
    generated_200: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash is sized from the characters of the posts' bodies the build wrote: large while the terms fit it
    (one segment, no merge), FTS5's default beyond; each index whole either way."""
    asked = []

    def spy(text_chars: int) -> int:
        asked.append(text_chars)
        return fts_aside.bulk_hashsize(text_chars)

    monkeypatch.setattr(build, "_cores", lambda: 2)
    monkeypatch.setattr(write, "bulk_hashsize", spy)
    db = tmp_path / "hubkb.db"
    build.build(generated_200 / "corpus", db, SCHEMA, full=True)
    with sqlite3.connect(db) as conn:
        [(chars,)] = conn.execute("SELECT sum(length(body)) FROM posts")
        assert chars > 100_000
        assert asked == [chars] * 4  # the paragraphs' made aside, then the posts', definitions' and quotes' here
        for table in ("posts", "paragraphs", "definitions", "quotes"):
            conn.execute(f"INSERT INTO {table}_fts ({table}_fts, rank) VALUES ('integrity-check', 1)")
            # back at FTS5's defaults for the updates' triggers
            config = dict(conn.execute(f"SELECT k, v FROM {table}_fts_config WHERE k IN ('hashsize', 'automerge')"))
            assert config == {"hashsize": fts_aside.DEFAULT_HASHSIZE, "automerge": 4}
    assert fts_aside.bulk_hashsize(chars) == fts_aside.BULK_HASHSIZE == 64 << 20
    assert fts_aside.bulk_hashsize(2 * fts_aside.BULK_HASHSIZE) == fts_aside.BULK_HASHSIZE
    assert fts_aside.bulk_hashsize(2 * fts_aside.BULK_HASHSIZE + 2) == fts_aside.DEFAULT_HASHSIZE == 1 << 20
