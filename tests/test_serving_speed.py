"""The posts page and the load mix's slow paths (#14.5, #14.6): the same answers, computed cheaply.

On the generated 200-post corpus (long facets, 1,800 citations): the array
facets counted from memory equal Datasette 0.65's own array-facet SQL, on a
search and a filter, immutable and mutable; who cites whom walks the posts in
date order and gives every citation, sorted; the posts page shows 50 rows;
a streamed CSV is read in pages of max_returned_rows and sent 64 KB at a time;
column facets counted in memory give Datasette's JSON; text is decoded in C on
hubkb's file only; a table's `allow` rules, worked out once, hold.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from datasette.database import Database
from datasette.utils import tilde_encode
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from conftest import ROOT
from hubkb.db.arrays import Tally, json_arrays, value_tally
from hubkb.plugin.facets import _arrays, _values
from hubkb.plugin.serving import CHUNK_BYTES
from serving import Client

METADATA = ROOT / "metadata.json"
# Datasette 0.65's ArrayFacet query (datasette/facets.py), the reference the fast counting must equal
DATASETTE_ARRAY_FACET = """
with inner as ({sql}),
deduped_array_items as (select distinct j.value, inner.* from json_each([inner].{column}) j join inner)
select value as value, count(*) as count from deduped_array_items group by value order by count(*) desc, value limit 7
"""
SEARCH = "rowid in (select rowid from posts_fts where posts_fts match 'coproduction')"


@pytest.fixture(scope="module")
def db(generated_server, generated_200: Path) -> Path:
    return generated_200 / "hubkb.db"  # built by the generated corpus's `hubkb serve`


@pytest.fixture(scope="module")
def client(db: Path):
    c = Client.serving(db, METADATA)
    yield c
    c.close()


@pytest.fixture(scope="module")
def mutable(db: Path):
    """A plain Datasette on the same file, opened mutable: the facets are counted in SQL there."""
    import json

    c = Client(Datasette([str(db)], metadata=json.loads(METADATA.read_text(encoding="utf-8"))))
    c.loop.run_until_complete(c.datasette.invoke_startup())
    yield c
    c.close()


def reference(db: Path, column: str, where: str = "", params: tuple = ()) -> list[tuple[str, int]]:
    conn = sqlite3.connect(db)
    try:
        sql = DATASETTE_ARRAY_FACET.format(sql=f"select * from posts {where}", column=column)
        return [(str(v), n) for v, n in conn.execute(sql, params)]
    finally:
        conn.close()


def facets(response) -> dict[tuple[str, str], list[tuple[str, int]]]:
    assert response.status_code == 200, response.text
    return {
        (f["name"], f["type"]): [(v["value"], v["count"]) for v in f["results"]]
        for f in response.json()["facet_results"].values()
    }


def test_datasette_s_array_facet_counts_as_datasette_did(client: Client, db: Path) -> None:
    found = facets(client.get("/hubkb/posts.json", params={"_facet_array": "tags", "_size": 0}))
    expected = reference(db, "tags")
    assert len(expected) == 7  # more tags than the facet shows: the 6 first, and `truncated`
    assert found[("tags", "array")] == expected[:6]
    assert found[("tags", "json_array")] == expected[:6]  # metadata's facet, the same counting


def test_array_facets_of_a_search_and_a_filter_count_as_datasette_did(client: Client, db: Path) -> None:
    tag = reference(db, "tags", f"where {SEARCH}")[2][0]
    response = client.get("/hubkb/posts.json", params={"_search": "coproduction", "tags__arraycontains": tag})
    found = facets(response)
    where = f"where {SEARCH} and ? in (select value from json_each(tags))"
    assert found[("tags", "json_array")] == reference(db, "tags", where, (tag,))[:6]
    assert found[("authors", "json_array")] == reference(db, "authors", where, (tag,))[:6]
    assert found[("tags", "json_array")][0] == (tag, response.json()["filtered_table_rows_count"])
    selected = [v for f in response.json()["facet_results"].values() for v in f["results"] if v["selected"]]
    assert [v["value"] for v in selected] == [tag]


def test_a_mutable_file_counts_in_sql_the_same(client: Client, mutable: Client) -> None:
    params = {"_search": "coproduction", "_facet_array": "tags"}
    immutable_facets = facets(client.get("/hubkb/posts.json", params=params))
    assert facets(mutable.get("/hubkb/posts.json", params=params)) == immutable_facets
    assert len(immutable_facets[("authors", "json_array")]) == 6
    read_once = _arrays.get(client.datasette.get_database("hubkb"), {})
    assert {key for key, found in read_once.items() if found} == {("posts", "id", c) for c in ("tags", "authors")}
    assert mutable.datasette.get_database("hubkb") not in _arrays  # a mutable file may change: never kept


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"_search": "coproduction"},
        {"_search": "coproduction", "_facet": "language"},
        {"_search": "services", "_facet": "word_count", "_facet_size": "3"},
        {"tags__arraycontains": "coproduction", "_facet": "site"},
        {"_where": "year > 2012", "_facet": "language"},
    ],
)
def test_column_facets_counted_in_memory_give_what_datasette_gives(
    client: Client, mutable: Client, params: dict[str, str]
) -> None:
    """The year facet (and any column facet) from the rows' values in memory: the same values, counts,
    order, links and truncation as Datasette's GROUP BY on the mutable file; a selected value too."""
    fast = client.get("/hubkb/posts.json", params=params).json()
    plain = mutable.get("/hubkb/posts.json", params=params).json()
    assert fast["facet_results"] == plain["facet_results"]
    years = fast["facet_results"]["year"]["results"]
    assert len(years) == int(params.get("_facet_size", 6))
    assert sum(y["count"] for y in years) <= fast["filtered_table_rows_count"]
    chosen = {**params, "year": str(years[1]["value"])}
    fast = client.get("/hubkb/posts.json", params=chosen).json()
    assert fast["facet_results"] == mutable.get("/hubkb/posts.json", params=chosen).json()["facet_results"]
    assert [(y["value"], y["selected"]) for y in fast["facet_results"]["year"]["results"]] == [
        (years[1]["value"], True)
    ]
    assert ("posts", "id", "year") in _values[client.datasette.get_database("hubkb")]


def test_row_arrays_are_read_once_each_value_once() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("create table t (id text primary key, tags text)")
    conn.executemany(
        "insert into t values (?, ?)", [("a", '["x", "y", "x"]'), ("b", None), ("c", "[]"), ("d", '["é"]')]
    )
    arrays = json_arrays(conn, "t", "id", "tags")
    assert arrays == {"a": ("x", "y"), "b": (), "c": (), "d": ("é",)}
    assert Tally(arrays).top(["a", "b", "c", "d", "zzz"], 10) == [("x", 1), ("y", 1), ("é", 1)]
    assert Tally(arrays).top(["b", "c"], 10) == []
    tally = Tally({1: ("B",), 2: ("a", "B"), 3: ("a",), 4: ("A",), 5: ("é", "a")})
    assert tally.top([1, 2, 3, 4], 2) == [("B", 2), ("a", 2)]  # ties by value, code point order
    assert tally.top([4, 3, 4, 9], 10) == [("A", 1), ("a", 1)]  # a key given twice counts once
    assert tally.top(None, 10) == [("a", 3), ("B", 2), ("A", 1), ("é", 1)]
    assert tally.top(None, 1) == [("a", 3)]
    conn.execute("create table n (id integer primary key, year integer)")
    conn.executemany("insert into n values (?, ?)", [(1, 2012), (2, 2009), (3, None), (4, 2012), (5, 2010)])
    years = value_tally(conn, "n", "id", "year")
    assert years is not None and years.top([1, 2, 3, 4, 5], 10) == [(2012, 2), (2009, 1), (2010, 1)]
    for odd in ['{"x": 1}', "[1]", "not json", '"x"']:
        conn.execute("update t set tags = ? where id = 'c'", [odd])
        assert json_arrays(conn, "t", "id", "tags") is None, odd  # counted in SQL instead


@settings(max_examples=300, deadline=None)
@given(
    rows=st.dictionaries(st.integers(0, 30), st.lists(st.sampled_from(["a", "B", "é", "ab", "Z", "œ"]), max_size=4)),
    keys=st.lists(st.integers(-2, 32), max_size=40),
    limit=st.integers(1, 8),
    spread=st.sampled_from([1, 3, 10**6]),
)
def test_a_tally_counts_as_a_counter_of_the_rows_would(rows: dict, keys: list, limit: int, spread: int) -> None:
    """What each chosen row holds, once a row, counted: most first, then by value (code point order);
    the rows chosen by key or by rowid (few and small rowids, read from an array; or sparse ones)."""
    arrays = {key: tuple(dict.fromkeys(values)) for key, values in rows.items()}
    counts = Counter(value for key in set(keys) for value in arrays.get(key, ()))
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    tally = Tally(arrays, {key: key * spread + 7 for key in arrays})
    assert tally.top(keys, limit) == expected
    assert tally.top([key * spread + 7 for key in keys], limit, rowids=True) == expected
    everyone = Counter(value for values in arrays.values() for value in values)
    assert tally.top(None, limit) == sorted(everyone.items(), key=lambda item: (-item[1], item[0]))[:limit]


def test_a_page_that_only_searches_takes_its_rows_from_the_full_text_index() -> None:
    """A search alone: the facets' rows are the rowids the index gives; with any other clause, the page's SQL."""
    from hubkb.plugin.facets import _search_only

    match = "select rowid from posts_fts where posts_fts match hubkb_fts_columns(escape_fts(:search))"
    assert _search_only(f"select id, title from posts where +rowid in ({match}) ", "posts") == match
    assert _search_only(f"select * from posts where rowid in ({match})", "posts") == match
    assert _search_only(f"select * from posts where :p0 in (select 1) and +rowid in ({match}) ", "posts") is None
    assert _search_only(f"select * from posts where +rowid in ({match}) and year = 2012 ", "posts") is None
    assert _search_only(f"select * from posts where +rowid in ({match}) ", "people") is None
    assert _search_only("select * from [odd table] where rowid in (select rowid from f where f match :q)", "odd table")


def who_rows(db: Path) -> list[tuple]:
    """Every citation of who_cites_whom, from the tables, in the order the query promises."""
    conn = sqlite3.connect(db)
    try:
        found = conn.execute(
            """
            select p.date, coalesce(d.paragraph_id, d.post_id), 'definition', g.name from definition_givers g
              join definitions d on d.id = g.definition_id join posts p on p.id = d.post_id
            union all
            select p.date, coalesce(q.paragraph_id, q.post_id), 'quote', g.name from quote_givers g
              join quotes q on q.id = g.quote_id join posts p on p.id = q.post_id
            union all
            select p.date, coalesce(c.paragraph_id, c.post_id), 'work', wa.name from citations c
              join work_authors wa on wa.work_id = c.work_id join posts p on p.id = c.post_id
            """
        ).fetchall()
    finally:
        conn.close()
    return sorted(found, key=lambda r: tuple("" if v is None else v for v in r))


def test_who_cites_whom_for_everyone_is_every_citation_in_date_order(client: Client, db: Path) -> None:
    response = client.get("/hubkb/who_cites_whom.json", params={"name": ""})
    assert response.status_code == 200, response.text
    answer = response.json()
    expected = who_rows(db)
    assert len(expected) > 1000 and answer["truncated"] is True  # Datasette's max_returned_rows
    assert [(r[6], r[7], r[2], r[1]) for r in answer["rows"]] == expected[:1000]


def test_who_cites_whom_walks_the_posts_in_date_order(db: Path) -> None:
    from hubkb.db.canned import query_sql
    from hubkb.plugin.sql_functions import hubkb_sql_functions

    conn = sqlite3.connect(db)
    hubkb_sql_functions(conn)
    try:
        plan = [row[3] for row in conn.execute("explain query plan " + query_sql("who_cites_whom"), {"name": ""})]
    finally:
        conn.close()
    assert plan.count("SCAN p USING INDEX idx_posts_date_year_id_tags_authors") == 3, plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan  # only one date's rows are sorted at a time
    assert plan.count("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY") == 3


def test_the_posts_page_shows_50_posts_and_the_next_page(client: Client) -> None:
    response = client.get("/hubkb/posts.json", params={"_search": "coproduction"})
    page = response.json()
    assert len(page["rows"]) == 50 and page["filtered_table_rows_count"] > 50
    assert "_next=" in page["next_url"]
    html = client.get("/hubkb/posts", params={"_search": "coproduction"}).text
    assert html.count("<tr>") == 1 + 50  # the header row and one row a post
    assert len(client.get("/hubkb/posts.json", params={"_size": 100}).json()["rows"]) == 100


def test_a_streamed_csv_is_read_in_pages_of_max_returned_rows(
    client: Client, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages: list[str] = []
    execute = Database.execute

    async def counted(self, sql, *args, **kwargs):
        if re.match(r"select .* from works .*limit \d+", sql, re.S):
            pages.append(sql)
        return await execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", counted)
    streamed = client.get("/hubkb/works.csv", params={"_stream": "on"}).text
    lines = list(csv.reader(io.StringIO(streamed)))
    conn = sqlite3.connect(db)
    try:
        ids = [i for (i,) in conn.execute("select id from works order by id")]
    finally:
        conn.close()
    assert len(ids) == 1000
    assert sorted(line[0] for line in lines[1:]) == ids  # every work, once
    assert len(pages) == 1, pages  # Datasette 0.65 alone reads 10 pages of 100 rows
    sized = client.get("/hubkb/works.csv", params={"_stream": "on", "_size": 10}).text
    assert sized == streamed  # a size given in the URL is kept (100 pages): the same rows, the same order
    assert len(pages) == 1 + 100


def test_a_streamed_csv_goes_out_in_64_kb_chunks(client: Client) -> None:
    messages: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/hubkb/works.csv",
        "raw_path": b"/hubkb/works.csv",
        "query_string": b"_stream=on",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    client.loop.run_until_complete(client.datasette.app()(scope, receive, send))
    bodies = [m for m in messages if m["type"] == "http.response.body"]
    data = b"".join(m["body"] for m in bodies)
    assert data.count(b"\n") == 1 + 1000  # the header and every work: Datasette wrote one message a row
    assert 1 < len(bodies) <= -(-len(data) // CHUNK_BYTES)
    assert all(len(m["body"]) >= CHUNK_BYTES and m["more_body"] for m in bodies[:-1])
    assert bodies[-1]["more_body"] is False


def test_hubkb_s_text_is_decoded_in_c_and_other_files_keep_datasette_s_decoder(client: Client, tmp_path: Path) -> None:
    """On hubkb's file every text is valid UTF-8 (written from Python): sqlite3 decodes it; a file of
    someone else's, which may hold bytes that are not UTF-8, keeps Datasette's replacing decoder."""
    ours = client.loop.run_until_complete(client.datasette.get_database("hubkb").execute_fn(lambda c: c.text_factory))
    assert ours is str
    title = client.get("/hubkb/posts.json", params={"_shape": "array", "_col": "title", "_size": 1}).json()
    assert title and all(isinstance(row["title"], str) for row in title)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table t (id integer primary key, name text)")
    conn.execute("insert into t values (1, cast(x'4361c3a9ff' as text))")  # "Caé" and a byte that is not UTF-8
    conn.commit()
    conn.close()
    plain = Client(Datasette([str(other)]))
    try:
        rows = plain.get("/other/t.json", params={"_shape": "array"}).json()
        assert rows == [{"id": 1, "name": "Caé\ufffd"}]
    finally:
        plain.close()


def test_a_table_s_allow_rules_hold_on_every_request(db: Path, tmp_path: Path) -> None:
    """hubkb serve works out a table's `allow` rules once (serve.HubkbDatasette): they still apply,
    on every request, and to that table only."""
    import json

    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    metadata["databases"]["hubkb"]["tables"]["works"]["allow"] = {"id": "someone"}
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps(metadata), encoding="utf-8")
    c = Client.serving(db, path)
    try:
        assert [c.get("/hubkb/works.json").status_code for _ in range(3)] == [403, 403, 403]
        assert [c.get("/hubkb/posts.json").status_code for _ in range(2)] == [200, 200]
        assert c.datasette.__dict__["_hubkb_table_allows"][("hubkb", "works")] == [{"id": "someone"}]
    finally:
        c.close()


def test_reference_links_are_what_the_template_macro_wrote() -> None:
    """`ref|hubkb_link` and `refs|hubkb_names` replace the row pages' Jinja macros: the same HTML,
    escaped, for a linked name, a name without a page, an empty url, a missing name, None and nothing."""
    from hubkb.plugin.common import link_html, names_html

    refs = [
        {"name": "Élise <b>", "url": "/hubkb/people/a&b"},
        {"name": "Sans lien"},
        {"name": "Vide", "url": ""},
        {"url": "/x"},
        {"name": None, "url": "/y"},
        None,
        {},
    ]
    expected = ['<a href="/hubkb/people/a&amp;b">Élise &lt;b&gt;</a>', "Sans lien", "Vide", '<a href="/x"></a>']
    expected += ['<a href="/y">None</a>', "", ""]
    assert [str(link_html(ref)) for ref in refs] == expected
    assert str(names_html(refs[:3])) == ", ".join(expected[:3])
    assert str(names_html(None)) == ""


def test_an_immutable_file_s_schema_is_asked_once(db: Path) -> None:
    """A row page asks SQLite for the row and its counts; Datasette's own Database asks the schema again on
    every page (sqlite_master, PRAGMA). The kept answers come back as copies a caller cannot change."""
    import html
    import json

    from hubkb.serve import ImmutableDatabase

    def asked(client: Client, path: str) -> list[str]:
        page = client.get(path + "?_trace=1").text
        trace = json.loads(html.unescape(re.search(r"<pre>(\{.*\})</pre></body>", page, re.S)[1]))
        return [" ".join(t["sql"].split()) for t in trace["traces"]]

    def schema(sql: str) -> bool:
        return "sqlite_master" in sql or sql.startswith("PRAGMA")

    metadata = json.loads(METADATA.read_text(encoding="utf-8"))
    plain = Client(Datasette(immutables=[str(db)], metadata=metadata, settings={"trace_debug": True}))
    client = Client.serving(db, METADATA, settings={"trace_debug": True})
    try:
        posts = client.get("/hubkb/posts.json?_shape=array&_size=3&_col=id").json()
        for post in posts[:2]:
            assert any(schema(sql) for sql in asked(plain, f"/hubkb/posts/{post['id']}"))
        for post in posts[1:]:
            ours = asked(client, f"/hubkb/posts/{post['id']}")
            assert not any(schema(sql) for sql in ours), ours
            assert ours[0] == 'select * from posts where "id"=:p0', ours
        database = client.datasette.get_database("hubkb")
        assert isinstance(database, ImmutableDatabase)
        columns = client.loop.run_until_complete(database.table_columns("posts"))
        columns.append("changed")
        assert "changed" not in client.loop.run_until_complete(database.table_columns("posts"))
        names = client.loop.run_until_complete(database.table_names())
        names.clear()
        assert "posts" in client.loop.run_until_complete(database.table_names())
    finally:
        client.close()
        plain.close()


def test_a_table_in_its_default_order_walks_an_index(client: Client) -> None:
    """A table page (and its streamed CSV) sorted by metadata's `sort` reads an index in that order: the
    works CSV at 10,000 posts sorted its 3,333 rows for each of its 4 pages (11 ms each, 5 with the index)."""
    import json

    metadata = json.loads(METADATA.read_text(encoding="utf-8"))["databases"]["hubkb"]["tables"]
    sorted_by = {table: spec["sort"] for table, spec in metadata.items() if "sort" in spec}
    assert {"people", "organisations", "works", "terms"} <= set(sorted_by)
    db = client.datasette.get_database("hubkb")
    for table in ("people", "organisations", "works", "terms"):
        column = sorted_by[table]
        first = client.get(f"/hubkb/{table}.json", params={"_size": 2}).json()
        assert f"order by {column} limit" in first["query"]["sql"] and first["next"], table
        # Datasette's first page, then its next one (keyset on the sort column and the id)
        after = client.get(f"/hubkb/{table}.json", params={"_size": 2, "_next": first["next"]}).json()["query"]
        for query, params in ((first["query"]["sql"], first["query"]["params"]), (after["sql"], after["params"])):
            plan = [row[3] for row in client.loop.run_until_complete(db.execute("EXPLAIN QUERY PLAN " + query, params))]
            assert f"INDEX idx_{table}_{column}_id" in " ".join(plan) and not any("TEMP B-TREE" in s for s in plan), (
                table,
                plan,
            )


def test_a_row_page_renders_its_content_once(client: Client, db: Path) -> None:
    """What a row page shows of its row (`{% hubkb_once %}`: the content, the raw row, the reference
    managers' tags) is rendered on the first visit and kept with the page's content: a second visit sends
    the same page, built from the kept HTML. A page asked with a query string writes its raw row anew."""
    from hubkb.plugin import pages

    def without_timing(html: str) -> str:
        return re.sub(r"Queries took [0-9.]+ms", "", html)

    tables = ("people", "organisations", "works", "terms", "posts", "definitions", "quotes", "paragraphs")
    with sqlite3.connect(db) as conn:
        rows = [(t, conn.execute(f"SELECT id FROM [{t}] ORDER BY id LIMIT 1").fetchone()[0]) for t in tables]
    for table, key in rows:
        path = f"/hubkb/{table}/{tilde_encode(key)}"
        first = client.get(path)
        assert first.status_code == 200, path
        cache = pages._page_cache[client.datasette.get_database("hubkb")]
        kept = cache[(table, key)][pages.RENDERED]
        template = {"definitions": "row", "quotes": "row", "paragraphs": "row", "organisations": "row-hubkb-people"}
        expected = {template.get(table, f"row-hubkb-{table}") + ".html": 2 if table == "terms" else 1}
        expected["_hubkb_entity_end.html"] = 1
        if table in ("posts", "works"):
            expected["_hubkb_meta.html"] = 1
        assert Counter(place.split(":")[0] for place in kept) == expected, path  # a term's reused wording: asked
        assert without_timing(client.get(path).text) == without_timing(first.text), path
        for place in kept:  # the second visit was built from these: a change to them shows
            kept[place] += Markup(f"<!-- kept {place} -->")
        again = client.get(path).text
        assert all(f"<!-- kept {place} -->" in again for place in kept), path
        asked = client.get(path, params={"_hubkb": "1"}).text
        assert "<!-- kept _hubkb_entity_end.html" not in asked and "_hubkb=1" in asked, path


def test_facets_counted_in_memory_wait_for_nothing_but_sql(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request gives the event loop its turn only while SQLite answers: under load each turn waits for
    every other ready request, so facets counted in memory are not gathered as tasks (the posts page's
    JSON with two facets gave three turns for its one query)."""
    asked: list[str] = []
    execute_fn = Database.execute_fn

    async def counted(self: Database, fn: Any) -> Any:
        asked.append(getattr(fn, "__qualname__", ""))
        return await execute_fn(self, fn)

    monkeypatch.setattr(Database, "execute_fn", counted)  # Database.execute runs through it too

    class Turns:
        """Awaits a coroutine, counting the times it gives the event loop its turn."""

        def __init__(self, coroutine: Any) -> None:
            self.coroutine, self.turns = coroutine, 0

        def __await__(self) -> Any:
            steps = self.coroutine.__await__()
            waiting = next(steps)
            while True:
                self.turns += 1
                try:
                    waiting = steps.send((yield waiting))
                except StopIteration as done:
                    return done.value

    for path in ("/hubkb/posts.json?_facet=year&_facet_array=tags", "/hubkb/posts?_search=coproduction"):
        client.get(path)  # the arrays and values are read once per server
        asked.clear()
        turns = Turns(client.datasette.client.get(path))
        assert client.loop.run_until_complete(turns).status_code == 200
        assert asked and turns.turns == len(asked), (path, turns.turns, asked)
