"""hubkb serve switches only to a file fit to serve: a damaged or foreign file is refused, and logged.

The servers here run one worker process (`--workers 1`): each switch is then one log line and
every answer comes from the process that logged it (tests/test_serve_workers.py runs several).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SCHEMA
from hubkb.build import build
from hubkb.cli import cli
from hubkb.db.integrity import database_problem
from hubkb.serve import load_metadata, published_tables
from serving import Server, wait_for_log

NEW_POST = """---
title: Une note sur la co-production
date: 2016-05-05
authors: [Régis Chatellier]
---
Un paragraphe sur la co-production des services publics.
"""
TABLES = published_tables(load_metadata(ROOT / "metadata.json"))


@pytest.fixture
def folder(tmp_path: Path, built_db: Path) -> Path:
    """A folder with a corpus, metadata.json and a database built from that corpus."""
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    shutil.copy(ROOT / "metadata.json", tmp_path / "metadata.json")
    build(tmp_path / "corpus", tmp_path / "hubkb.db", SCHEMA)
    return tmp_path


def titles(server: Server) -> list[str]:
    response = httpx.get(server.url + "/hubkb/posts.json", params={"_shape": "array", "_col": "title"})
    assert response.status_code == 200, response.text
    return [p["title"] for p in response.json()]


def replace_with(db: Path, content: bytes) -> None:
    """What a careless copy or a broken build does: a file renamed over the published one."""
    tmp = db.with_name("incoming.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, db)


def rebuilt(folder: Path) -> bytes:
    """The corpus with one more post, built elsewhere: a good new file."""
    other = folder / "elsewhere"
    shutil.copytree(folder / "corpus", other / "corpus")
    (other / "corpus" / "posts" / "2016-05-05-note.md").write_text(NEW_POST, encoding="utf-8")
    build(other / "corpus", other / "hubkb.db", SCHEMA)
    return (other / "hubkb.db").read_bytes()


# --- the check itself ------------------------------------------------------------------


def test_a_good_database_passes_and_every_kind_of_bad_file_says_why(built_db: Path, tmp_path: Path) -> None:
    assert database_problem(built_db, TABLES) is None
    good = built_db.read_bytes()
    cases = {
        "empty": b"",
        "text": "pas une base de données".encode() * 100,
        "zeros": bytes(len(good)),
        "truncated": good[: len(good) // 2],
        "zeros in the middle": good[: len(good) // 2] + bytes(8192) + good[len(good) // 2 + 8192 :],
    }
    found = {}
    for name, content in cases.items():
        path = tmp_path / f"{name}.db"
        path.write_bytes(content)
        found[name] = database_problem(path, TABLES)
    # which check sees zeroed pages depends on where the tables' pages lie in the file
    middle = found.pop("zeros in the middle") or ""
    assert middle == "it is damaged (database disk image is malformed)" or middle.startswith(
        "PRAGMA quick_check failed: *** in database main ***"
    ), middle
    assert found == {
        "empty": "it holds no tables (an empty or unfinished file?)",
        "text": "it is damaged (file is not a database)",
        "zeros": "it is damaged (file is not a database)",
        "truncated": "it is damaged (database disk image is malformed)",
    }
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE posts (id TEXT)")
    assert database_problem(other, TABLES) == (
        f"it lacks the tables citations, definition_givers, definitions and {len(TABLES) - 4} more"
    )


def test_serve_refuses_to_start_on_a_damaged_file(runner, folder: Path) -> None:
    db = folder / "hubkb.db"
    with db.open("r+b") as f:
        f.write(bytes(db.stat().st_size))
    os.utime(db, ns=(db.stat().st_mtime_ns + 10**9,) * 2)  # newer than the corpus: not rebuilt first
    result = runner.invoke(cli, ["serve", "--corpus", str(folder / "corpus"), "--db", str(db)])
    assert result.exit_code == 1
    assert (
        f"cannot serve it: it is damaged (file is not a database) (rebuild it with: hubkb build --full --db {db})"
        in result.output
    )
    assert "Traceback" not in result.output


# --- a running server ----------------------------------------------------------------------


def test_a_bad_file_renamed_over_the_database_is_refused_and_the_old_one_served(folder: Path) -> None:
    db = folder / "hubkb.db"
    good = db.read_bytes()
    server = Server(folder, "--corpus", str(folder / "corpus"), "--db", str(db), "--workers", "1")
    try:
        assert titles(server) == ["Vous avez dit coproduction ?"]
        reasons = [
            (b"", r"it holds no tables \(an empty or unfinished file\?\)"),
            (good[: len(good) // 2], r"it is damaged \(database disk image is malformed\)"),
            (bytes(len(good)), r"it is damaged \(file is not a database\)"),
        ]
        for n, (content, reason) in enumerate(reasons, 1):
            replace_with(db, content)
            wait_for_log(
                server, r"hubkb: not reloaded, still serving the previous database: hubkb\.db: cannot serve it: ", n
            )
            assert re.search(reason, server.output()), server.output()
            assert titles(server) == ["Vous avez dit coproduction ?"]
            page = httpx.get(
                server.url + "/hubkb/search_passages.json", params={"q": "coproduction", "_shape": "array"}
            )
            assert page.status_code == 200 and len(page.json()) == 6
        replace_with(db, rebuilt(folder))
        wait_for_log(server, r"hubkb: hubkb\.db changed; now serving the new version")
        assert titles(server) == ["Une note sur la co-production", "Vous avez dit coproduction ?"]
    finally:
        server.stop()


def test_every_sql_thread_keeps_the_checked_file_when_a_bad_one_replaces_it(folder: Path) -> None:
    """Datasette opens the file in a SQL thread on that thread's first query: threads first used after
    a bad file took its name must still read the file that was checked (all opened at start)."""
    db = folder / "hubkb.db"
    server = Server(folder, "--corpus", str(folder / "corpus"), "--db", str(db), "--workers", "1")
    try:
        replace_with(db, bytes(db.stat().st_size))  # before any page asked for a query
        wait_for_log(server, r"hubkb: not reloaded, still serving the previous database: hubkb\.db: cannot serve it: ")

        async def many() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
                pages = ["/hubkb/posts", "/hubkb/people?_facet=organisations", "/hubkb/works.json", "/hubkb/terms"]
                return await asyncio.gather(*(client.get(pages[n % 4]) for n in range(20)))

        answers = asyncio.run(many())
        assert [r.status_code for r in answers] == [200] * 20, [r.text[:300] for r in answers if r.status_code != 200]
        assert titles(server) == ["Vous avez dit coproduction ?"]
    finally:
        server.stop()


def test_a_database_damaged_in_place_answers_503_until_a_good_file_replaces_it(folder: Path) -> None:
    db = folder / "hubkb.db"
    server = Server(folder, "--corpus", str(folder / "corpus"), "--db", str(db), "--workers", "1")
    try:
        assert titles(server) == ["Vous avez dit coproduction ?"]
        assert httpx.get(server.url + "/hubkb/posts").headers["x-content-type-options"] == "nosniff"
        with db.open("r+b") as f:  # zeros over the served file itself: nothing intact is left to serve
            f.write(bytes(db.stat().st_size))
        wait_for_log(server, r"hubkb: the served file changed in place; answering 503 until a good file replaces it")
        for path in ("/hubkb/posts", "/hubkb/works/boyle-harris-2009/cite", "/hubkb.json"):
            response = httpx.get(server.url + path)
            assert response.status_code == 503
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.text == (
                "503 Service Unavailable: hubkb.db: cannot serve it: it is damaged (file is not a database) "
                f"(rebuild it with: hubkb build --full --db {db})\n"
            )
        replace_with(db, rebuilt(folder))
        wait_for_log(server, r"hubkb: hubkb\.db changed; now serving the new version")
        assert titles(server) == ["Une note sur la co-production", "Vous avez dit coproduction ?"]
    finally:
        server.stop()
