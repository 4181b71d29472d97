"""The posts search page: sorted through the date index when there is one, facets as Datasette counts them."""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, SCHEMA
from hubkb.build import build
from serving import Client

METADATA = ROOT / "metadata.json"
TWICE_TAGGED = """---
title: Une note sur la coproduction
date: 2016-05-05
authors: [Régis Chatellier, Régis Chatellier]
tags: [coproduction, coproduction, services publics]
---
Un paragraphe sur la coproduction des services publics.
"""


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The default corpus plus a post naming a tag and an author twice, as built (posts indexed by date, schema.yaml);
    and a copy without that index."""
    folder = tmp_path_factory.mktemp("searchpage")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    (folder / "corpus" / "posts" / "2016-05-05-note.md").write_text(TWICE_TAGGED, encoding="utf-8")
    indexed = folder / "indexed" / "hubkb.db"
    indexed.parent.mkdir()
    build(folder / "corpus", indexed, SCHEMA)
    plain = folder / "plain" / "hubkb.db"
    plain.parent.mkdir()
    shutil.copy(indexed, plain)
    with sqlite3.connect(plain) as conn:
        conn.execute("DROP INDEX idx_posts_date_year_id_tags_authors")
    return plain, indexed


def traced(client: Client, path: str) -> list[str]:
    page = client.get(path + "&_trace=1").text
    trace = json.loads(html.unescape(re.search(r"<pre>(\{.*\})</pre></body>", page, re.S)[1]))
    return [t["sql"] for t in trace["traces"]]


def test_a_sorted_search_walks_the_date_index_and_finds_the_same_rows(databases: tuple[Path, Path]) -> None:
    answers = {}
    for name, db in zip(("plain", "indexed"), databases):
        client = Client.serving(db, METADATA, settings={"trace_debug": True})
        try:
            sql = [s for s in traced(client, "/hubkb/posts?_search=coproduction") if s.startswith("select id, title")]
            answers[name] = (
                sql[0],
                client.get("/hubkb/posts.json?_search=coproduction&_shape=array&_col=date").json(),
                client.get("/hubkb/posts.json?_search=coproduction&_sort=title&_shape=array&_col=title").json(),
            )
        finally:
            client.close()
    assert " where rowid in (select rowid from posts_fts " in answers["plain"][0]
    assert " where +rowid in (select rowid from posts_fts " in answers["indexed"][0]
    assert answers["plain"][1:] == answers["indexed"][1:]
    assert [r["date"] for r in answers["indexed"][1]] == ["2016-05-05", "2014-08-27"]


def test_json_array_facets_count_as_datasette_does(databases: tuple[Path, Path]) -> None:
    client = Client.serving(databases[1], METADATA)
    try:
        for column in ("tags", "authors"):
            ours = client.get(f"/hubkb/posts.json?_search=coproduction&_facet_json_array={column}&_size=0").json()
            theirs = client.get(f"/hubkb/posts.json?_search=coproduction&_facet_array={column}&_size=0").json()
            counts = [(v["value"], v["count"]) for v in ours["facet_results"][column]["results"]]
            assert counts == [(v["value"], v["count"]) for v in theirs["facet_results"][column]["results"]]
        tags = client.get("/hubkb/posts.json?_search=coproduction&_size=0").json()["facet_results"]["tags"]
        assert [(v["value"], v["count"]) for v in tags["results"]][:2] == [("coproduction", 2), ("services publics", 2)]
        assert tags["results"][0]["toggle_url"].endswith("tags__arraycontains=coproduction")
    finally:
        client.close()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("co-production", ["co", "production"]),
        ('"services publics"', ["services", "publics"]),
        ("27ème région", ["27eme", "region"]),
    ],
)
def test_phrases_on_the_posts_page_match_posts_holding_their_words(
    databases: tuple[Path, Path], query: str, words: list[str]
) -> None:
    """posts_fts is `detail=column` (no word positions): a phrase finds the posts holding all its words."""
    plain, indexed = databases
    with sqlite3.connect(indexed) as conn:
        assert "detail='column'" in conn.execute("SELECT sql FROM sqlite_master WHERE name = 'posts_fts'").fetchone()[0]
        where = " AND ".join(f'"{w}"' for w in words)
        expected = sorted(r[0] for r in conn.execute(f"SELECT rowid FROM posts_fts WHERE posts_fts MATCH '{where}'"))
    assert expected
    for db in (plain, indexed):
        client = Client.serving(db, METADATA, settings={"trace_debug": True})
        try:
            answer = client.get("/hubkb/posts.json", params={"_search": query, "_shape": "array", "_col": "id"})
            assert answer.status_code == 200, answer.text
            with sqlite3.connect(db) as conn:
                ids = [r["id"] for r in answer.json()]
                rowids = [conn.execute("SELECT rowid FROM posts WHERE id = ?", [i]).fetchone()[0] for i in ids]
            assert sorted(rowids) == expected
            sql = [s for s in traced(client, f"/hubkb/posts?_search={query}") if s.startswith("select id, title")]
            assert "posts_fts match hubkb_fts_columns(escape_fts(:search))" in sql[0]
        finally:
            client.close()


@pytest.mark.parametrize(("word", "walked"), [("coproduction", True), ("lefèvre", False)])
def test_a_search_walks_the_sort_index_only_when_many_rows_match(
    generated_server, generated_200: Path, word: str, walked: bool
) -> None:
    """Paragraphs in their default order (the primary key, which leads an index): a word one paragraph in
    20 or more holds walks the index (`+rowid in`); a rarer one sorts its matches. The same rows either way."""
    db = generated_200 / "hubkb.db"  # built by the `hubkb serve` of generated_server
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
        matches = conn.execute("SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", [word]).fetchone()[0]
        expected = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM paragraphs WHERE rowid IN (SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ?)"
                " ORDER BY id LIMIT 30",
                [word],
            )
        ]
    assert matches and (matches * 20 >= rows) == walked, (matches, rows)
    client = Client.serving(db, METADATA, settings={"trace_debug": True})
    try:
        sql = [s for s in traced(client, f"/hubkb/paragraphs?_search={word}") if s.startswith("select id, post_id")]
        assert (" where +rowid in (select rowid from paragraphs_fts " in sql[0]) == walked, sql[0]
        assert (" where rowid in (select rowid from paragraphs_fts " in sql[0]) != walked, sql[0]
        found = client.get("/hubkb/paragraphs.json", params={"_search": word, "_shape": "array", "_size": 30})
        assert [r["id"] for r in found.json()] == expected
    finally:
        client.close()
