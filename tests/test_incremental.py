"""Incremental, atomic builds, and odd but valid files that load correctly."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import MENTION_ROWS, SCHEMA, SEED_POST
from hubkb.cli import cli

NOTE = "---\ntitle: {title}\ndate: 2015-03-03\nauthors: [Régis Chatellier]\n---\n{body}\n"


def query(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def build(runner, corpus: Path, db: Path, *extra: str) -> str:
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db), *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def fts_ids(db: Path, match: str) -> list[str]:
    return [
        r[0]
        for r in query(
            db,
            "SELECT p.id FROM paragraphs_fts f JOIN paragraphs p ON p.rowid = f.rowid "
            "WHERE paragraphs_fts MATCH ? ORDER BY p.id",
            match,
        )
    ]


def test_changed_added_and_removed_posts(runner, corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    note.write_text(NOTE.format(title="Note", body="Le mot hippocampe.\n\nDeux."), encoding="utf-8")
    assert build(runner, corpus_copy, db).startswith("built: 2 posts")

    assert build(runner, corpus_copy, db).startswith("up to date: 2 posts, nothing changed")

    note.write_text(NOTE.format(title="Note", body="Le mot girafe.\n\nDeux.\n\nTrois."), encoding="utf-8")
    out = build(runner, corpus_copy, db)
    assert out.startswith("updated: 2 posts (1 changed, 0 removed)")
    assert fts_ids(db, "hippocampe") == []
    assert fts_ids(db, "girafe") == ["2015-03-03-note#p1"]
    assert query(db, "SELECT count(*) FROM paragraphs WHERE post_id = '2015-03-03-note'") == [(3,)]

    note.unlink()
    assert build(runner, corpus_copy, db).startswith("updated: 1 posts (0 changed, 1 removed)")
    assert query(db, "SELECT count(*) FROM paragraphs WHERE post_id = '2015-03-03-note'") == [(0,)]
    assert fts_ids(db, "girafe") == []
    assert query(db, f"SELECT count(*) FROM {MENTION_ROWS} WHERE post_id = ?", SEED_POST) == [(37,)]


def test_incremental_equals_full(runner, corpus_copy: Path, tmp_path: Path) -> None:
    db, full = tmp_path / "inc.db", tmp_path / "full.db"
    build(runner, corpus_copy, db)
    (corpus_copy / "posts" / "2015-03-03-note.md").write_text(
        NOTE.format(title="Note", body="Nesta et la 27e Région coproduisent."), encoding="utf-8"
    )
    seed = corpus_copy / "posts" / f"{SEED_POST}.md"  # re-resolved against the published authorities
    seed.write_text(seed.read_text(encoding="utf-8") + "\nUs Now, vu par Ivo Gormley.\n", encoding="utf-8")
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (2 changed, 0 removed)")
    build(runner, corpus_copy, full, "--full")
    tables = ["posts", "post_files", "paragraphs", "entities", "definitions", "definition_givers", "quotes"]
    tables += ["quote_givers", "post_authors", "people", "works", "work_authors", "person_organisations"]
    tables += ["search_variants"]  # keyed by row id alone: a changed post's rows are found by its id's prefix
    queries = {table: f"SELECT * FROM {table} ORDER BY 1" for table in tables}
    # rowids and row numbers may differ between the two files: what they point at may not
    queries["mentions"] = f"SELECT * FROM {MENTION_ROWS} ORDER BY paragraph_id, entity_type, entity_id"
    queries["citations"] = (
        "SELECT post_id, work_id, paragraph_id, in_references, via_person_id FROM citations ORDER BY 1, 2, 3"
    )
    for table, sql in queries.items():
        assert query(db, sql) == query(full, sql), table
    assert fts_ids(db, "coproduisent") == fts_ids(full, "coproduisent") == ["2015-03-03-note#p1"]
    # the fingerprint each build gave inspect-data.json from the post hashes it knew: the one read in the file
    from hubkb.db.inspect import _fingerprint

    recorded = json.loads((tmp_path / "inspect-data.json").read_text(encoding="utf-8"))
    with sqlite3.connect(f"file:{db}?immutable=1", uri=True) as conn:
        assert recorded["inc"]["hash"] == recorded["full"]["hash"] == _fingerprint(conn)


def test_an_update_of_more_posts_than_a_function_takes_arguments(runner, generated_200: Path, tmp_path: Path) -> None:
    """150 changed posts: their ids go to SQL as one JSON text, not as 150 arguments of json_array (at most 127)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(generated_200 / "corpus", corpus)
    db, full = tmp_path / "inc.db", tmp_path / "full.db"
    build(runner, corpus, db)
    changed = sorted((corpus / "posts").glob("*.md"))[:150]
    for path in changed:
        path.write_text(
            path.read_text(encoding="utf-8") + "\nUne phrase de plus sur la coproduction.\n", encoding="utf-8"
        )
    assert build(runner, corpus, db).startswith("updated: 200 posts (150 changed, 0 removed)")
    build(runner, corpus, full, "--full")
    for table in ("posts", "paragraphs", "search_variants", "definitions", "quotes"):
        sql = f"SELECT * FROM {table} ORDER BY 1"
        assert query(db, sql) == query(full, sql), table
    mentions = f"SELECT * FROM {MENTION_ROWS} ORDER BY paragraph_id, entity_type, entity_id"
    assert query(db, mentions) == query(full, mentions)
    assert len(fts_ids(db, '"une phrase de plus"')) == 150


def test_authority_change_means_full_build(runner, corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "hubkb.db"
    build(runner, corpus_copy, db)
    people = corpus_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "- name: Elinor Ostrom\n", encoding="utf-8")
    assert build(runner, corpus_copy, db).startswith("built: 1 posts, 10 people")


def test_failed_incremental_build_keeps_database(runner, corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "hubkb.db"
    build(runner, corpus_copy, db)
    before = db.read_bytes()
    (corpus_copy / "posts" / "bad.md").write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert result.exit_code == 1
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".hubkb.db.files",
        "corpus",
        "hubkb.db",
        "inspect-data.json",
    ]


def test_bom_crlf_rules_and_colliding_keys(runner, corpus_copy: Path, tmp_path: Path) -> None:
    text = (
        "\ufeff---\r\ntitle: Une note\r\ndate: 2015-03-03\r\nauthors: Régis Chatellier\r\n"
        "body: not the body\r\nword_count: 3\r\n---\r\nPremier paragraphe.\r\n\r\n---\r\n\r\n"
        "Un titre\r\n--------\r\n\r\nDernier paragraphe.\r\n"
    )
    (corpus_copy / "posts" / "odd.md").write_bytes(text.encode("utf-8"))
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "unknown key 'body'" in result.stderr and "unknown key 'word_count'" in result.stderr
    body, words, authors = query(db, "SELECT body, word_count, authors FROM posts WHERE id = 'odd'")[0]
    assert body == "Premier paragraphe.\n\n---\n\nUn titre\n--------\n\nDernier paragraphe.\n"
    assert words == 8 and authors == '["Régis Chatellier"]'
    assert [r[0] for r in query(db, "SELECT text FROM paragraphs WHERE post_id = 'odd' ORDER BY n")] == [
        "Premier paragraphe.",
        "---",
        "Un titre\n--------",
        "Dernier paragraphe.",
    ]


def test_same_file_by_two_paths_is_one_post(runner, corpus_copy: Path, tmp_path: Path) -> None:
    os.symlink(corpus_copy / "posts" / f"{SEED_POST}.md", corpus_copy / "posts" / "zz-link.md")
    db = tmp_path / "hubkb.db"
    assert build(runner, corpus_copy, db).startswith("built: 1 posts")


def test_front_matter_id_overrides_file_stem(runner, corpus_copy: Path, tmp_path: Path) -> None:
    (corpus_copy / "posts" / "brouillon.md").write_text(
        "---\nid: ma-note\ntitle: Note\ndate: 2015-03-03\nauthors: []\n---\nTexte.\n", encoding="utf-8"
    )
    db = tmp_path / "hubkb.db"
    build(runner, corpus_copy, db)
    assert query(
        db, "SELECT id, source_path FROM posts JOIN post_files ON post_files.post_id = posts.id WHERE title = 'Note'"
    ) == [("ma-note", "posts/brouillon.md")]


@pytest.mark.parametrize("size", [6 * 1024 * 1024])
def test_huge_file_is_refused(runner, corpus_copy: Path, size: int) -> None:
    (corpus_copy / "posts" / "huge.md").write_bytes(b"---\ntitle: x\n---\n" + b"a" * size)
    result = runner.invoke(cli, ["check", "--corpus", str(corpus_copy)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].endswith("huge.md:1: file is 6.0 MB; the limit is 5 MB")


def test_an_edit_that_keeps_size_and_time_is_still_seen_after_the_cache_is_gone(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    db = tmp_path / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    an_hour_ago = time.time_ns() - 3600 * 10**9  # older than the scan: its size and time are trusted
    os.utime(note, ns=(an_hour_ago, an_hour_ago))
    build(runner, corpus_copy, db)
    stat = note.stat()
    note.write_text(NOTE.format(title="Note", body="Le mot zebres."), encoding="utf-8")  # same size
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build(runner, corpus_copy, db).startswith("up to date")  # size and time say unchanged
    (tmp_path / ".hubkb.db.files").unlink()
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    assert fts_ids(db, "zebres") == ["2015-03-03-note#p1"]


def test_an_edit_in_the_same_file_time_as_the_build_is_seen(runner, corpus_copy: Path, tmp_path: Path) -> None:
    """git's "racy clean" entries: a file written just before a build may change again within its timestamp
    (same size, same time); the build that hashed it does not trust its time, the next one hashes it again."""
    db = tmp_path / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    assert build(runner, corpus_copy, db).startswith("built: 2 posts")
    stat = note.stat()
    note.write_text(NOTE.format(title="Note", body="Le mot zebres."), encoding="utf-8")  # same size
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time, as within one tick
    assert note.stat().st_size == stat.st_size
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    assert fts_ids(db, "zebres") == ["2015-03-03-note#p1"]
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")  # once more, after an update
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    assert fts_ids(db, "girafe") == ["2015-03-03-note#p1"]
    assert build(runner, corpus_copy, db).startswith("up to date: 2 posts, nothing changed")


def test_a_full_build_remembers_the_hashes_of_what_it_read_and_not_of_a_file_edited_since(
    runner, corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full build hashes no post file again for the next build: it remembers the hash of the bytes each post
    was parsed from. A post edited after it was read (same size, a time from just before) keeps no time that
    could vouch for that hash: the next build reads it again and publishes the edit."""
    import hubkb.build
    import hubkb.read

    db = tmp_path / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for post in corpus_copy.glob("posts/*.md"):
        os.utime(post, ns=(an_hour_ago, an_hour_ago))
    hashed: list[str] = []
    real_hash, real_read = hubkb.build._file_hash, hubkb.read.read_post
    monkeypatch.setattr(hubkb.build, "_file_hash", lambda path: hashed.append(path.name) or real_hash(path))

    def read_then_edit(path: Path, *args, **kwargs):  # the edit lands while the build runs, once the post is read
        found = real_read(path, *args, **kwargs)
        if path.name == note.name:
            note.write_text(NOTE.format(title="Note", body="Le mot zebres."), encoding="utf-8")
            a_second_ago = time.time_ns() - 10**9
            os.utime(note, ns=(a_second_ago, a_second_ago))
        return found

    monkeypatch.setattr(hubkb.read, "read_post", read_then_edit)
    assert build(runner, corpus_copy, db).startswith("built: 2 posts")
    assert hashed == []  # every post's hash is the one its worker took of the bytes it parsed
    assert fts_ids(db, "girafe") == ["2015-03-03-note#p1"]  # as read
    monkeypatch.setattr(hubkb.read, "read_post", real_read)
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    assert hashed == ["2015-03-03-note.md"]
    assert fts_ids(db, "zebres") == ["2015-03-03-note#p1"]
    assert build(runner, corpus_copy, db).startswith("up to date: 2 posts, nothing changed")


def test_a_no_change_build_reads_only_the_files_whose_time_cannot_vouch_for_them(
    runner, corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hubkb.build

    db = tmp_path / "hubkb.db"
    old, new = corpus_copy / "posts" / "2015-03-03-old.md", corpus_copy / "posts" / "2015-03-04-new.md"
    for note in (old, new):
        note.write_text(NOTE.format(title=note.stem, body="Le mot girafe."), encoding="utf-8")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for note in (old, *corpus_copy.glob("posts/*.md")):
        if note != new:
            os.utime(note, ns=(an_hour_ago, an_hour_ago))
    assert build(runner, corpus_copy, db).startswith("built: 3 posts")
    hashed: list[str] = []
    real_hash = hubkb.build._file_hash
    monkeypatch.setattr(hubkb.build, "_file_hash", lambda path: hashed.append(path.name) or real_hash(path))
    assert build(runner, corpus_copy, db).startswith("up to date: 3 posts, nothing changed")
    assert hashed == ["2015-03-04-new.md"]  # written a moment ago: hashed again; the others by size and time
    hashed.clear()
    os.utime(new, ns=(an_hour_ago, an_hour_ago))  # now old: one more hash remembers its time, then none
    assert build(runner, corpus_copy, db).startswith("up to date: 3 posts, nothing changed")
    assert hashed == ["2015-03-04-new.md"]
    hashed.clear()
    assert build(runner, corpus_copy, db).startswith("up to date: 3 posts, nothing changed")
    assert hashed == []


def test_workers_build_the_same_database_as_one_process(
    runner, corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hubkb.build

    for i in range(30):
        (corpus_copy / "posts" / f"2016-01-{i + 1:02d}-note.md").write_text(
            NOTE.format(title=f"Note {i}", body=f"Nesta et la 27e Région, numéro {i}.\n\nLaura Prandelle."),
            encoding="utf-8",
        )
    (corpus_copy / "posts" / "2016-01-31-twin.md").write_text(
        "---\nid: 2016-01-01-note\ntitle: Twin\ndate: 2016-01-31\nauthors: []\n---\nTexte.\n", encoding="utf-8"
    )
    monkeypatch.setattr(hubkb.build, "CHUNK_POSTS", 4)  # 8 chunks: the worker pool runs
    result = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(tmp_path / "bad.db")])
    assert result.exit_code == 1
    assert "corpus/posts/2016-01-31-twin.md:2: duplicate post id '2016-01-01-note' (also " in result.stderr
    (corpus_copy / "posts" / "2016-01-31-twin.md").unlink()

    build(runner, corpus_copy, tmp_path / "pool.db")
    monkeypatch.setattr(hubkb.build, "CHUNK_POSTS", 1000)  # one chunk, no pool
    build(runner, corpus_copy, tmp_path / "one.db")

    assert query(tmp_path / "pool.db", "SELECT count(*) FROM posts") == [(31,)]
    assert query(tmp_path / "pool.db", f"SELECT count(*) FROM {MENTION_ROWS} WHERE entity_id = 'la-27e-region'") == [
        (31,)
    ]  # and the seed post
    dumps = []
    for name in ("pool.db", "one.db"):  # the same content (the header's change counter differs)
        with sqlite3.connect(tmp_path / name) as conn:
            dumps.append(list(conn.iterdump()))
    assert dumps[0] == dumps[1]


def test_a_draft_is_checked_but_never_published(runner, corpus_copy: Path, tmp_path: Path) -> None:
    """`status: draft` (what `hubkb import` writes): unknown names are warnings, the post stays out (#11)."""
    db = tmp_path / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    draft = NOTE.replace("date:", "status: draft\ndate:").replace("[Régis Chatellier]", "[Jeanne Inconnue]")
    note.write_text(draft.format(title="Note", body="Le mot hippocampe."), encoding="utf-8")
    checked = runner.invoke(cli, ["check", "--corpus", str(corpus_copy)])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("checked: 1 posts and 1 draft (not published), ")
    shown = f"{corpus_copy}/posts/2015-03-03-note.md"
    assert checked.stderr.splitlines() == [
        f"{shown}:3: warning: draft, not published; 1 name not in the authority files yet; "
        "remove 'status: draft' once reviewed",
        f"{shown}:5: warning: unknown person 'Jeanne Inconnue' (add an entry or an alias to {corpus_copy}/people.yaml)",
    ]
    assert build(runner, corpus_copy, db).startswith("built: 1 posts and 1 draft (not published), ")
    assert fts_ids(db, "hippocampe") == []
    again = build(runner, corpus_copy, db)  # an unchanged draft changes nothing in the database
    assert again.startswith("up to date: 1 posts and 1 draft (not published), nothing changed; 0 warnings; ")
    from hubkb.uptodate import quick_answer

    said = quick_answer(["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert said is not None and said.startswith("up to date: 1 posts and 1 draft (not published), nothing changed")

    note.write_text(NOTE.format(title="Note", body="Le mot hippocampe."), encoding="utf-8")  # reviewed: published
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed), ")
    assert fts_ids(db, "hippocampe") == ["2015-03-03-note#p1"]

    note.write_text(draft.format(title="Note", body="Le mot hippocampe."), encoding="utf-8")  # back to draft: removed
    out = build(runner, corpus_copy, db)
    assert out.startswith("updated: 1 posts (1 changed, 0 removed) and 1 draft (not published), ")
    assert fts_ids(db, "hippocampe") == []
    assert query(db, "SELECT count(*) FROM posts WHERE id = '2015-03-03-note'") == [(0,)]


def test_a_draft_with_a_broken_field_or_status_is_an_error(runner, corpus_copy: Path) -> None:
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    shown = f"{corpus_copy}/posts/2015-03-03-note.md"
    for status, date, message in (
        ("draft", "2015-13-03", f"{shown}:4: invalid YAML: impossible date '2015-13-03' (month must be in 1..12)"),
        ("brouillon", "2015-03-03", f"{shown}:3: 'status' must be one of draft, published, not 'brouillon'"),
    ):
        text = NOTE.replace("date: 2015-03-03", f"status: {status}\ndate: {date}")
        note.write_text(text.format(title="Note", body="Un."), encoding="utf-8")
        checked = runner.invoke(cli, ["check", "--corpus", str(corpus_copy)])
        assert checked.exit_code == 1
        assert message in checked.stderr.splitlines()


def test_the_background_copy_gives_the_bytes_or_the_error(tmp_path: Path) -> None:
    from hubkb.publish import BackgroundCopy

    source, target = tmp_path / "a.db", tmp_path / "b.db"
    source.write_bytes(bytes(range(256)) * 4096)
    target.write_bytes(b"longer than the source" * 100_000)  # a target that is not empty is emptied first
    copy = BackgroundCopy(source, target)
    copy.wait()
    assert target.read_bytes() == source.read_bytes()
    copy = BackgroundCopy(tmp_path / "missing.db", target)
    with pytest.raises(FileNotFoundError):
        copy.wait()
    copy.wait()  # the error is given once


def test_a_copy_asked_to_stop_ends_at_the_next_piece(tmp_path: Path) -> None:
    """An update that finds nothing changed stops the copy it started: no piece is copied once asked."""
    import threading

    from hubkb.publish import BackgroundCopy, CopyStopped, copy_file

    source, target = tmp_path / "a.db", tmp_path / "b.db"
    source.write_bytes(bytes(range(256)) * 4096)
    stop = threading.Event()
    stop.set()
    with pytest.raises(CopyStopped):
        copy_file(source, target, stop)
    assert target.stat().st_size == 0
    copy = BackgroundCopy(source, target)
    copy.cancel()  # wherever it was: the thread has ended, and stopping is no error
    assert not copy.thread.is_alive()
    copy.wait()


@pytest.mark.parametrize("swap", [True, False], ids=["renameat2-exchange", "link-and-rename"])
def test_publishing_renames_at_once_and_frees_the_old_file_in_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: bool
) -> None:
    """Linux swaps the two names in one step; elsewhere a hard link keeps the old file while the rename
    moves the new one in. Either way the old file is freed in a thread, and a reader keeps reading it."""
    from hubkb import publish as publishing
    from hubkb.publish import publish

    if not swap:
        monkeypatch.setattr(publishing, "_exchange", lambda a, b: False)
    published, new = tmp_path / "hubkb.db", tmp_path / ".hubkb.db.0123456789ab.tmp"
    published.write_bytes(b"old")
    new.write_bytes(b"new")
    with published.open("rb") as reader:  # a server reading the old file keeps reading it
        freeing = publish(new, published)
        assert published.read_bytes() == b"new"
        assert [p.name.startswith(".hubkb.db.old-") for p in tmp_path.iterdir() if p != published] in ([True], [])
        freeing.wait()
        assert reader.read() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hubkb.db"]
    first = tmp_path / "first.db"  # nothing published yet: the rename alone
    new.write_bytes(b"first")
    publish(new, first).wait()
    assert (first.read_bytes(), sorted(p.name for p in tmp_path.iterdir())) == (b"first", ["first.db", "hubkb.db"])


def test_the_old_file_s_content_is_freed_by_a_process_of_its_own_once_the_build_lets_go(tmp_path: Path) -> None:
    """The old file's name goes at once; its content stays with a `cat` holding it (the kernel frees a large
    file as its last holder lets go: tens of ms a 300 MB database) until `wait`, and that holder then ends."""
    from hubkb.publish import _Holder, publish

    published, new = tmp_path / "hubkb.db", tmp_path / ".hubkb.db.0123456789ab.tmp"
    published.write_bytes(b"old" * 1000)
    new.write_bytes(b"new")
    freeing = publish(new, published)
    assert published.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hubkb.db"]  # no old name left, even for a moment
    assert freeing.holder is not None and freeing.thread is None
    pid = freeing.holder.pid
    links = {}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(FileNotFoundError):  # the listing's own descriptor is gone once read
            links[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
    removed = [fd for fd, link in links.items() if "/.hubkb.db." in link and link.endswith(" (deleted)")]
    assert len(removed) == 1
    assert os.stat(f"/proc/{pid}/fd/{removed[0]}").st_size == 3000  # the old content, held
    assert os.waitpid(pid, os.WNOHANG) == (0, 0)  # still holding it
    freeing.wait()
    assert os.waitpid(pid, 0) == (pid, 0)  # it ends once the build let go, without an error
    _Holder.started.remove(pid)  # collected here already
    new.write_bytes(b"newer")  # a build that never waits (an error in between): its holder goes with it
    freeing = publish(new, published)
    assert freeing.holder is not None
    pid = freeing.holder.pid
    del freeing
    assert os.waitpid(pid, 0) == (pid, 0)
    _Holder.started.remove(pid)


def test_without_a_holder_the_old_file_is_freed_in_a_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hubkb.publish import _Holder, publish

    monkeypatch.setattr(_Holder, "PROGRAM", str(tmp_path / "no-such-program"))
    published, new = tmp_path / "hubkb.db", tmp_path / ".hubkb.db.0123456789ab.tmp"
    published.write_bytes(b"old")
    new.write_bytes(b"new")
    freeing = publish(new, published)
    assert freeing.holder is None and freeing.thread is not None
    freeing.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hubkb.db"]


def test_the_exchange_swaps_two_names_or_says_it_cannot(tmp_path: Path) -> None:
    from hubkb.publish import _exchange

    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"A")
    b.write_bytes(b"B")
    assert _exchange(a, b) is True  # Linux, ext4 or tmpfs: what CI runs on
    assert (a.read_bytes(), b.read_bytes()) == (b"B", b"A")
    assert _exchange(a, tmp_path / "missing") is False  # nothing to swap with: the caller renames
    assert (a.read_bytes(), sorted(p.name for p in tmp_path.iterdir())) == (b"B", ["a", "b"])


def test_an_update_remembers_what_the_new_file_says_of_its_posts(runner, corpus_copy: Path, tmp_path: Path) -> None:
    """An update knows its posts' sources and hashes before it publishes (those it kept, those it wrote):
    the hash cache's record of them is the one the published file gives, post for post."""
    from hubkb.db.state import published_state
    from hubkb.uptodate import decode_record

    db = tmp_path / "hubkb.db"
    posts = corpus_copy / "posts"
    note, other = posts / "2015-03-03-note.md", posts / "2016-04-04-autre.md"
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    build(runner, corpus_copy, db)
    note.write_text(NOTE.format(title="Note", body="Le mot zèbre."), encoding="utf-8")  # changed
    other.write_text(NOTE.format(title="Autre", body="Un autre mot."), encoding="utf-8")  # added
    _aged(corpus_copy)  # times that vouch for the files: the cache then records what is published
    assert build(runner, corpus_copy, db).startswith("updated: 3 posts (2 changed, 0 removed)")
    files, record = decode_record((tmp_path / ".hubkb.db.files").read_text("utf-8"))
    published = published_state(db)[1]
    assert sorted(published) == [
        "posts/2014-08-27-vous-avez-dit-coproduction.md",
        *sorted(f"posts/{p.name}" for p in (note, other)),
    ]
    assert {source: files[source][2] for source in published} == {s: h for s, (_id, h) in published.items()}
    assert record is not None and record["drafts"] == []  # no published post taken for a draft
    other.unlink()  # removed
    _aged(corpus_copy)
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (0 changed, 1 removed)")
    files, record = decode_record((tmp_path / ".hubkb.db.files").read_text("utf-8"))
    assert sorted(files) == sorted(published_state(db)[1]) == sorted(published.keys() - {"posts/2016-04-04-autre.md"})
    assert record is not None and record["drafts"] == []


def test_a_build_the_quick_check_sent_the_long_way_lists_the_posts_and_reads_the_cache_from_it(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """`hubkb build` reads the posts folder and the hash cache once: the build takes the entries (and the stat
    of each) the quick check listed before it found a change, and the cache it read if the file is still the
    one it read; the update is the one a full build makes."""
    import subprocess
    import sys

    from hubkb import uptodate
    from hubkb.uptodate import quick_answer, read_files, scanned

    db, full = tmp_path / "hubkb.db", tmp_path / "full.db"
    args = _trusted(runner, corpus_copy, db)  # the quick check trusts the files' times
    _write_note(corpus_copy, "Le mot girafe.")
    count = (
        "import os; real = os.scandir; seen = []; "
        "os.scandir = lambda p='.': (seen.append(p if isinstance(p, int) else os.path.basename(os.fspath(p))), "
        "real(p))[1]; "  # shutil.rmtree scans folders by descriptor
        "import hubkb.uptodate as u; decode = u.decode_record; decoded = []; "
        "u.decode_record = lambda text: (decoded.append(1), decode(text))[1]; "
        # a build ends its process with os._exit (no atexit handler runs): the counts are printed on the way out
        "end = os._exit; os._exit = lambda code: (print(seen.count('posts'), len(decoded), flush=True), end(code))"
    )
    code = count + "; from hubkb.uptodate import main; main()"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[0].startswith("updated: 2 posts (1 changed, 0 removed)")
    assert done.stdout.splitlines()[-1] == "1 1"  # the quick check's listing and hash cache, and no other
    build(runner, corpus_copy, full, "--full")
    for table in ("posts", "post_files", "paragraphs"):
        assert query(db, f"SELECT * FROM {table} ORDER BY 1") == query(full, f"SELECT * FROM {table} ORDER BY 1")
    # the listing goes only to the build of the same command: a quick check alone keeps nothing
    (corpus_copy / "posts" / "2015-03-03-note.md").write_text(NOTE.format(title="Note", body="Zèbre."), "utf-8")
    seen: dict = {}
    assert quick_answer(args, seen) is None
    folder, entries = seen["posts"]
    assert (folder, sorted(e.name for e in entries)) == (
        os.path.realpath(corpus_copy / "posts"),
        ["2014-08-27-vous-avez-dit-coproduction.md", "2015-03-03-note.md"],
    )
    remembered = (seen["files"][1], seen["files"][2])
    assert remembered == read_files(db) and remembered[0]
    assert quick_answer(args) is None and scanned(corpus_copy / "posts") is None
    uptodate._read = (seen["files"][0], {}, set())  # as main() hands it to the build: the same file
    assert read_files(db) == ({}, set())  # taken as the check read it
    assert read_files(db) == remembered  # once
    uptodate._read = ([0, 0, 0, 0, 0], {}, set())  # another file (the cache was replaced since)
    assert read_files(db) == remembered


def test_an_update_and_a_no_change_build_load_neither_sqlite_utils_nor_numpy(corpus_copy: Path, tmp_path: Path) -> None:
    """sqlite-utils loads numpy and its plugins' entry points (a fifth of a second): an update makes its
    chunk tables from the published file's statements, and a no-change build loads no stage at all."""
    import subprocess
    import sys

    db = tmp_path / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    show = "import sys, atexit; atexit.register(lambda: print(sorted(m for m in {} if m in sys.modules)))"
    watched = ("numpy", "sqlite_utils", "yaml", "rapidfuzz", "multiprocessing")
    code = show.format(watched) + "; from hubkb.cli import cli; cli()"

    def loaded(*args: str) -> str:
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        return done.stdout

    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    assert "sqlite_utils" in loaded("build", "--corpus", str(corpus_copy), "--db", str(db))  # a full build
    note.write_text(NOTE.format(title="Note", body="Le mot zèbre, et Nesta."), encoding="utf-8")
    said = loaded("build", "--corpus", str(corpus_copy), "--db", str(db))
    assert said.startswith("updated: 2 posts (1 changed, 0 removed)")
    assert said.splitlines()[-1] == "['rapidfuzz', 'yaml']"
    assert fts_ids(db, "zebre") == ["2015-03-03-note#p1"]
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for post in corpus_copy.glob("posts/*.md"):
        os.utime(post, ns=(an_hour_ago, an_hour_ago))
    loaded("build", "--corpus", str(corpus_copy), "--db", str(db))  # remembers the old times
    said = loaded("build", "--corpus", str(corpus_copy), "--db", str(db))
    assert said.startswith("up to date: 2 posts, nothing changed")
    assert said.splitlines()[-1] == "[]"


def test_the_hash_cache_reads_back_what_it_wrote(tmp_path: Path) -> None:
    """The hash cache's own text format (read with str.split: json would load re): tabs and undecodable bytes
    in names kept, a name with a line break left out (hashed again by each build), anything else refused."""
    from hubkb.uptodate import decode_record, encode_record, read_files, remember

    digest = "ab" * 32
    files = {
        "posts/a.md": [12, 1796163537959251959, digest],
        "posts/b c.md": [0, None, digest],  # written just before its build: no time
        "posts/caf\udce9.md": [3, 5, digest],  # a Latin-1 name, as os.scandir gives it on a UTF-8 system
        "posts/tab\t.md": [1, 2, digest],
        "posts/line\nbreak.md": [1, 2, digest],
    }
    kept = {k: v for k, v in files.items() if "\t" not in k and "\n" not in k}
    published = {"version": "0.1.0", "db": [1, 2, 3, 4, 5], "inputs": [[6, 7, 8, 9, 10], []], "drafts": ["posts/b c.md"]}  # fmt: skip
    text = encode_record(files, published)
    assert text.split("\n")[:3] == ["hubkb files 1", "version\t0.1.0", "db\t1 2 3 4 5"]
    assert text.split("files\n")[1].split("\n")[0] == f"12\t1796163537959251959\t{digest}\tposts/a.md"
    assert decode_record(text) == (kept, published)
    assert decode_record(encode_record(files, None)) == (kept, None)
    assert decode_record(encode_record({}, None)) == ({}, None)
    for bad in (
        "",
        '{"files": {}}',  # the json of earlier versions
        "hubkb files 2\nfiles\n",
        "hubkb files 1\nfiles\n1\t-\tff\n",  # no source
        "hubkb files 1\nfiles\nx\t-\tff\tposts/a.md\n",
        "hubkb files 1\nfiles\n1\t-\tff\tposts/a.md",  # cut short
        "hubkb files 1\nversion\t0.1.0\nfile\t1\t-\tff\tposts/a.md\n",
        "hubkb files 1\nfilez\nfiles\n",
    ):
        with pytest.raises(ValueError):
            decode_record(bad)

    db = tmp_path / "hubkb.db"
    db.write_bytes(b"")
    remember(db, files, {"posts/a.md": ("a", digest)}, [[1, 2, 3, 4, 5]], time.time_ns())
    assert read_files(db) == (kept, {"posts/b c.md", "posts/caf\udce9.md"})  # the others are drafts
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hubkb.db.files", "hubkb.db"]
    (tmp_path / ".hubkb.db.files").write_text('{"files": {}}', "utf-8")
    assert read_files(db) == ({}, set())  # not a record: every post is hashed again


def test_the_quick_answer_hashes_as_a_build_does(tmp_path: Path) -> None:
    """The quick answer hashes a post written just before the last build with CPython's own SHA-256 (hashlib
    loads OpenSSL's: 7 ms), and gets the hash the build gave it."""
    import hashlib

    from hubkb.uptodate import _sha256, file_hash

    post = tmp_path / "post.md"
    post.write_bytes("Un café coproduit.\n".encode() * 500)
    assert file_hash(str(post), _sha256()) == file_hash(str(post)) == hashlib.sha256(post.read_bytes()).hexdigest()


def test_an_update_makes_whole_the_key_index_an_earlier_version_made_partial(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """A file built before `mentions.entity` got a whole index holds a partial one, which SQLite never uses:
    the next update makes it again, whole, once; an update of a file that has it leaves every index as it is."""
    db = tmp_path / "hubkb.db"
    build(runner, corpus_copy, db)
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "DROP INDEX idx_mentions_entity; "
            "CREATE INDEX [idx_mentions_entity] ON [mentions] ([entity]) WHERE [entity] IS NOT NULL"
        )

    def indexes() -> dict[str, tuple[str, int]]:
        found = query(db, "SELECT name, sql, rootpage FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        return {name: (sql, rootpage) for name, sql, rootpage in found}

    before = indexes()
    post = corpus_copy / "posts" / "2015-03-03-note.md"
    post.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    after = indexes()
    assert after["idx_mentions_entity"][0] == "CREATE INDEX [idx_mentions_entity] ON [mentions] ([entity])"
    assert {k: v[0] for k, v in after.items()} == {**{k: v[0] for k, v in before.items()}, "idx_mentions_entity": after["idx_mentions_entity"][0]}  # fmt: skip
    plan = query(db, "EXPLAIN QUERY PLAN SELECT paragraph FROM mentions WHERE entity = 1")
    assert "idx_mentions_entity" in plan[-1][3]
    post.write_text(NOTE.format(title="Note", body="Le mot zèbre."), encoding="utf-8")
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    assert indexes() == after  # nothing made again: the same statements at the same pages


def _write_note(corpus: Path, body: str) -> None:
    (corpus / "posts" / "2015-03-03-note.md").write_text(NOTE.format(title="Note", body=body), encoding="utf-8")


def _trusted(runner, corpus: Path, db: Path) -> list[str]:
    """`db` built from `corpus`, whose files are then aged and built again: the published build remembers
    their old times, which the quick check trusts. Returns the arguments of `hubkb build` for them."""
    build(runner, corpus, db)
    _aged(corpus)
    build(runner, corpus, db)
    return ["build", "--corpus", str(corpus), "--db", str(db)]


def _aged(corpus: Path, seconds: int = 3600) -> None:
    """Every file of the corpus (posts and authority files) written `seconds` ago: their times vouch for them."""
    then = time.time_ns() - seconds * 10**9
    for path in (*corpus.glob("posts/*.md"), *corpus.glob("*.yaml")):
        os.utime(path, ns=(then, then))


def test_no_change_is_answered_from_file_times_before_the_command_line_loads(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """`hubkb` enters at uptodate.main: when every file looks as the published build saw it, it says
    "up to date" (the same line) without click, SQLite or the build's modules; anything else goes the long way."""
    import subprocess
    import sys

    from hubkb.publish import BuildLock
    from hubkb.uptodate import quick_answer

    db = tmp_path / "hubkb.db"
    args = ["build", "--corpus", str(corpus_copy), "--db", str(db)]
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    assert quick_answer(args) is None  # nothing published yet
    assert build(runner, corpus_copy, db).startswith("built: 2 posts")
    said = quick_answer(args)  # the note was written a moment ago: its time cannot vouch, its content does
    assert said is not None and said.startswith("up to date: 2 posts, nothing changed; 0 warnings; ")

    watched = ("click", "sqlite3", "hashlib", "json", "re", "pathlib", "hubkb.cli", "hubkb.build")
    listed = f"sorted(m for m in {watched} if m in sys.modules)"
    # The interpreter's own start may load some of these already (a site-packages .pth file imports pathlib on
    # some machines): what counts is that main() loads none beyond what a bare start has.
    bare = subprocess.run([sys.executable, "-c", f"import sys; print({listed})"], capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    # main() ends its process with os._exit (no atexit handler runs): the listing is printed on the way out
    code = f"import os, sys; end = os._exit; os._exit = lambda code: (print({listed}, flush=True), end(code)); from hubkb.uptodate import main; main()"  # fmt: skip

    def main_loads() -> tuple[str, str]:
        """`hubkb build`'s first line (without its time) and the watched modules it loaded."""
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        lines = done.stdout.splitlines()
        assert len(lines) == 2, done.stdout
        return lines[0].rsplit(";", 1)[0], lines[1]

    assert main_loads() == (said.rsplit(";", 1)[0], bare)  # the note hashed without hashlib's OpenSSL

    stat = note.stat()
    note.write_text(NOTE.format(title="Note", body="Le mot lapins."), encoding="utf-8")  # the same size and time
    os.utime(note, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert note.stat().st_size == stat.st_size
    assert quick_answer(args) is None
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")
    _aged(corpus_copy)
    assert build(runner, corpus_copy, db).startswith("up to date: 2 posts, nothing changed")  # the long way
    said = quick_answer(args)
    assert said is not None and said.startswith("up to date: 2 posts, nothing changed; 0 warnings; ")
    assert (quick_answer([*args[:3], f"--db={db}"]) or "").startswith("up to date: 2 posts, nothing changed")
    assert quick_answer([*args, "--full"]) is None
    assert quick_answer(["check", "--corpus", str(corpus_copy)]) is None

    assert main_loads() == (said.rsplit(";", 1)[0], bare)  # the answer, in a process that loaded nothing more
    assert "hubkb.cli" not in bare and "click" not in bare
    with open("/dev/full", "w") as full:  # an answer that cannot be written: exit 1, no traceback
        failed = subprocess.run([sys.executable, "-c", "from hubkb.uptodate import main; main()", *args], stdout=full, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert (failed.returncode, failed.stderr) == (1, "")

    with BuildLock(db):  # another build runs: the command line says so
        assert quick_answer(args) is None
    lock = tmp_path / ".hubkb.db.lock"
    lock.mkdir()  # a lock that cannot be made: the command line's one-line error, no traceback
    failed = subprocess.run([sys.executable, "-c", "from hubkb.uptodate import main; main()", *args], capture_output=True, text=True)  # fmt: skip
    assert (failed.returncode, failed.stdout, failed.stderr) == (
        1,
        "",
        f"Error: {db}: cannot write the new database: is a directory; "
        "nothing was published, the previous database is unchanged\n",
    )
    lock.rmdir()
    leftover = tmp_path / ".hubkb.db.0123456789ab.tmp"
    leftover.write_bytes(b"")
    assert quick_answer(args) is None  # a killed build's leftover: the next build removes it
    assert build(runner, corpus_copy, db).startswith("up to date: 2 posts, nothing changed")
    assert not leftover.exists()
    assert quick_answer(args) is not None

    then = note.stat().st_mtime_ns
    changes = {"edit": "updated", "touch authority": "up to date", "new post": "updated", "removed post": "updated"}
    for change, long_way in {**changes, "other database": "up to date"}.items():
        if change == "edit":  # the same size, another time
            note.write_text(NOTE.format(title="Note", body="Le mot zebres."), encoding="utf-8")
        elif change == "touch authority":
            os.utime(corpus_copy / "works.yaml", ns=(then, then + 1))
        elif change == "new post":
            (corpus_copy / "posts" / "2015-03-04-new.md").write_text(
                NOTE.format(title="New", body="Neuf."), encoding="utf-8"
            )
        elif change == "removed post":
            (corpus_copy / "posts" / "2015-03-04-new.md").unlink()
        else:
            db.write_bytes(db.read_bytes())
        assert quick_answer(args) is None, change
        assert build(runner, corpus_copy, db).startswith(long_way), change  # the same content: up to date
        _aged(corpus_copy)
        build(runner, corpus_copy, db)  # the long way once more: it remembers the new times
        assert quick_answer(args) is not None, change
    assert fts_ids(db, "zebres") == ["2015-03-03-note#p1"]
    assert query(db, "SELECT count(*) FROM posts") == [(2,)]


def test_a_build_ends_its_process_at_once_having_said_everything(corpus_copy: Path, tmp_path: Path) -> None:
    """Once its command returns, `hubkb build` ends its process without the interpreter's tidying up (freeing
    the objects an update loaded took a tenth of a one-post update at 10,000 posts): what it said is
    flushed, its exit status kept, and nothing is left beside the database. Other commands exit as usual."""
    import subprocess
    import sys

    out = tmp_path / "out"
    out.mkdir()
    db = out / "hubkb.db"
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    code = "import atexit; atexit.register(print, 'tidied'); from hubkb.uptodate import main; main()"

    def hubkb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)

    build_args = ("build", "--corpus", str(corpus_copy), "--db", str(db))
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    done = hubkb(*build_args, "--full")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("built: 2 posts, ") and done.stdout.count("\n") == 1  # no "tidied"
    note.write_text(NOTE.format(title="Note", body="Le mot zèbre."), encoding="utf-8")
    with open(tmp_path / "said.txt", "w") as said:  # to a file: buffered, then flushed on the way out
        updated = subprocess.run([sys.executable, "-c", code, *build_args], stdout=said, stderr=subprocess.PIPE)
    assert (updated.returncode, updated.stderr) == (0, b"")
    assert (tmp_path / "said.txt").read_text().startswith("updated: 2 posts (1 changed, 0 removed), ")
    assert sorted(p.name for p in out.iterdir()) == [".hubkb.db.files", "hubkb.db", "inspect-data.json"]
    assert fts_ids(db, "zebre") == ["2015-03-03-note#p1"]

    note.write_text("---\ntitle: [Note\n---\nLe mot lion.\n", encoding="utf-8")
    failed = hubkb(*build_args)
    assert (failed.returncode, failed.stdout) == (1, "")
    assert failed.stderr.splitlines()[-1].startswith("Error: ") and "2015-03-03-note.md:2" in failed.stderr
    assert fts_ids(db, "zebre") == ["2015-03-03-note#p1"]  # the published file as it was
    assert sorted(p.name for p in out.iterdir()) == [".hubkb.db.files", "hubkb.db", "inspect-data.json"]

    checked = hubkb("check", "--corpus", str(corpus_copy))
    assert (checked.returncode, checked.stdout.splitlines()[-1]) == (1, "tidied")  # the interpreter's own exit
    message = "from hubkb.uptodate import exit_at_once; print('said', end=''); exit_at_once('went wrong')"
    ended = subprocess.run([sys.executable, "-c", message], capture_output=True, text=True)
    assert (ended.returncode, ended.stdout, ended.stderr) == (1, "said", "went wrong\n")


def test_the_quick_check_starts_the_copy_an_update_starts_from_and_the_build_takes_it(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """A changed post seen by the quick check starts the copy of the published file at once, before click and
    the build's modules load; the build holds the lock the check kept and writes that copy (no second copy),
    and the update equals a full build."""
    import subprocess
    import sys

    db, full = tmp_path / "hubkb.db", tmp_path / "full.db"
    args = _trusted(runner, corpus_copy, db)  # the quick check trusts the files' times
    _write_note(corpus_copy, "Le mot girafe.")
    code = (
        "import os, sys; import hubkb.uptodate as u; made = []; Copy = u.BackgroundCopy\n"
        "class Counted(Copy):\n"
        "    def __init__(self, source, target):\n"
        "        made.append(('hubkb.build' in sys.modules, 'click' in sys.modules, os.path.basename(target)))\n"
        "        super().__init__(source, target)\n"
        "u.BackgroundCopy = Counted\n"
        # a build ends its process with os._exit: what was made, and whether click loaded, printed on the way out
        "end = os._exit; os._exit = lambda code: (print(made, 'click' in sys.modules, flush=True), end(code)); u.main()"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    first, made = done.stdout.splitlines()
    assert first.startswith("updated: 2 posts (1 changed, 0 removed)")
    copies, clicked = made.rsplit(" ", 1)
    assert clicked == "False"  # the update ran without the command line's modules (uptodate.run_update)
    copies = ast.literal_eval(copies)
    assert [(loaded, clicked) for loaded, clicked, _ in copies] == [(False, False)]  # one copy, made first
    assert copies[0][2].startswith(".hubkb.db.") and copies[0][2].endswith(".tmp")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".hubkb.db.")) == [".hubkb.db.files"]
    build(runner, corpus_copy, full, "--full")
    for table in ("posts", "post_files", "paragraphs"):
        assert query(db, f"SELECT * FROM {table} ORDER BY 1") == query(full, f"SELECT * FROM {table} ORDER BY 1")


def test_a_copy_the_quick_check_started_is_let_go_by_a_command_that_stops_before_its_build(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """The command stops (here: the corpus check fails) before the build takes the lock and the copy: the
    copy's file is removed, the lock released, and the next build updates as usual."""
    import subprocess
    import sys

    db = tmp_path / "hubkb.db"
    args = _trusted(runner, corpus_copy, db)  # the quick check trusts the files' times
    (corpus_copy / "posts" / "2015-03-03-note.md").write_text(NOTE.format(title="Note", body="Zèbre."), "utf-8")
    code = (
        "import hubkb.build as b; from hubkb.errors import HubkbError\n"
        "def refuse(corpus): raise HubkbError('refused by the test')\n"
        "b._require_corpus = refuse\n"
        "from hubkb.uptodate import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (1, "Error: refused by the test\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".hubkb.db.")) == [".hubkb.db.files"]
    assert build(runner, corpus_copy, db).startswith("updated: 2 posts (1 changed, 0 removed)")


def test_a_handed_copy_goes_only_to_a_build_of_its_database_and_only_as_an_update(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """`handed_over` gives the kept lock and the started copy once, and only for the database they were made
    for; a build that goes full after all stops the copy and removes its file."""
    from hubkb import uptodate
    from hubkb.build import build as build_db
    from hubkb.publish import BuildLock

    db, other = tmp_path / "hubkb.db", tmp_path / "other.db"
    build(runner, corpus_copy, db)
    leftovers = lambda: sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".tmp")  # noqa: E731

    def start() -> BuildLock:
        lock = BuildLock(db)
        assert lock.take() and uptodate._start_update(str(db), lock)
        assert len(leftovers()) == 1
        return lock

    lock = start()
    assert uptodate.handed_over(other) is None  # another database's build: the copy is stopped and removed
    assert leftovers() == [] and uptodate.handed_over(db) is None
    taken = BuildLock(db)
    assert taken.take()  # the kept lock was released
    taken.release()
    lock = start()
    found = uptodate.handed_over(db)
    assert found is not None and found[0] is lock and uptodate.handed_over(db) is None  # once
    uptodate._abandon(found)
    start()  # now for a build that goes full (it was asked to): nothing of the copy is left
    report = build_db(corpus_copy, db, SCHEMA, full=True)
    assert report.mode == "full" and leftovers() == []
    assert uptodate._handed is None and taken.take()  # and the build released the lock it was handed
    taken.release()


def test_an_update_run_without_click_says_what_the_command_line_says(runner, corpus_copy: Path, tmp_path: Path) -> None:
    """The update the quick check routes past click reports a corpus error as the command does (each problem,
    then the error line, on stderr; exit 1; nothing written), and its summary and warnings the same way."""
    import subprocess
    import sys

    db = tmp_path / "hubkb.db"
    args = _trusted(runner, corpus_copy, db)  # the quick check trusts the files' times
    note = corpus_copy / "posts" / "2015-03-03-note.md"
    note.write_text(NOTE.format(title="Note", body="Un.").replace("2015-03-03", "2015-13-03"), encoding="utf-8")
    # on the way out (os._exit), whether click was loaded
    code = "import os, sys; end = os._exit; os._exit = lambda code: (print('click' in sys.modules, flush=True), end(code)); from hubkb.uptodate import main; main()"  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    shown = f"{corpus_copy}/posts/2015-03-03-note.md"
    assert done.returncode == 1 and done.stdout == "False\n"
    assert done.stderr.splitlines() == [
        f"{shown}:3: invalid YAML: impossible date '2015-13-03' (month must be in 1..12)",
        "Error: 1 error in 1 file; nothing was written",
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".hubkb.db.")) == [".hubkb.db.files"]
    clicked = runner.invoke(cli, args)  # the command line, the long way
    assert (clicked.exit_code, clicked.stderr) == (1, done.stderr)
    note.write_text(NOTE.format(title="Note", body="Le mot girafe."), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("updated: 2 posts (1 changed, 0 removed), ") and done.stderr == ""
    assert done.stdout.endswith(" s\nFalse\n")
