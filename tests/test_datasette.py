"""The Datasette publication, in process: every endpoint a researcher or writer uses.

One Datasette (hubkb's metadata, settings and plugin) on the default corpus, one
on a copy with a post that tries to inject a script.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from datasette.app import Datasette

from conftest import ROOT, SCHEMA, SEED_POST
from hubkb.build import build
from hubkb.fts_query import escape_fts
from hubkb.render import render_body
from hubkb.snippets import MARK_CLOSE, MARK_OPEN, snippet_html
from hubkb.writer.search import search
from serving import INJECTION_POST, Client, injection_corpus

METADATA = ROOT / "metadata.json"
BOYLE_HARRIS = "boyle-harris-2009"


@pytest.fixture(scope="module")
def client(built_db: Path):
    c = Client.serving(built_db, METADATA)
    yield c
    c.close()


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("injected")
    db = folder / "hubkb.db"
    build(injection_corpus(folder), db, SCHEMA)
    c = Client.serving(db, METADATA)
    yield c
    c.close()


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()


# --- post pages -------------------------------------------------------------------


def test_post_page_renders_every_paragraph_with_its_anchor(client: Client, built_db: Path) -> None:
    html = client.get(f"/hubkb/posts/{SEED_POST}").text
    paragraphs = (
        sqlite3.connect(built_db)
        .execute("select n, substr(text, 1, 20) from paragraphs where post_id = ? order by n", [SEED_POST])
        .fetchall()
    )
    assert len(paragraphs) == 7
    for n, start in paragraphs:
        assert re.search(rf'<p id="p{n}">{re.escape(start)}', html), (n, start)
    assert '<h2 id="text">Text</h2>' in html
    assert f'<a href="/hubkb/posts/{SEED_POST}#text">Read the text (971 words)</a>' in html


def test_posts_table_shows_a_link_not_the_rendered_body(client: Client) -> None:
    html = client.get("/hubkb/posts").text
    assert f'<a href="/hubkb/posts/{SEED_POST}#text">Read the text (971 words)</a>' in html
    assert 'id="p1"' not in html


def test_injected_html_is_inert(injected: Client) -> None:
    html = injected.get(f"/hubkb/posts/{INJECTION_POST}").text
    body = html[html.index('<article class="hubkb-body"') : html.index("</article>")]
    # each paragraph in its block, followed by its permalink
    blocks = re.findall(r'<div class="hubkb-para">(.*)<a class="hubkb-permalink" href="#p(\d+)"[^>]*>¶</a></div>', body)
    assert [n for _, n in blocks] == ["1", "2", "3", "4"]
    assert [block for block, _ in blocks] == [
        '<p id="p1">Un paragraphe sûr sur la coproduction et les <b>services</b> publics.</p>',
        '<p id="p2"></p>',
        '<p id="p3"><img src="x"> une image piégée.</p>',
        '<p id="p4"><a title="link" rel="noopener noreferrer nofollow">un lien piégé</a> et un '
        '<a href="https://example.org/" rel="noopener noreferrer nofollow">lien sûr</a>.</p>',
    ]
    assert "<script>window.hubkbInjected" not in html
    assert "onerror" not in body and "javascript:" not in body


def test_render_body_anchors_match_paragraph_numbers() -> None:
    body = "# Titre\nsous le titre\n\n- un\n- deux\n\nVoir [la source][s].\n\n[s]: https://example.org/"
    assert str(render_body(body)).split("\n") == [
        '<h1 id="p1">Titre</h1>',
        "<p>sous le titre</p>",
        '<ul id="p2">',
        "<li>un</li>",
        "<li>deux</li>",
        "</ul>",
        '<p id="p3">Voir <a href="https://example.org/" rel="noopener noreferrer nofollow">la source</a>.</p>',
        '<p id="p4"></p>',
    ]


def test_snippet_is_escaped_before_marks() -> None:
    assert snippet_html("<b>x</b> copro coproduction & <i> seul", ["copro", "<i>"]) == (
        "&lt;b&gt;x&lt;/b&gt; <mark>copro</mark> coproduction &amp; <mark>&lt;i&gt;</mark> seul"
    )


# --- canned queries ---------------------------------------------------------------


def test_search_passages_ranks_and_highlights(client: Client) -> None:
    found = rows(client.get("/hubkb/search_passages.json", params={"q": "27ème région", "_shape": "array"}))
    assert [r["anchor"] for r in found] == [f"{SEED_POST}#p4"]
    assert "Laura Prandelle (27ème Région)" in found[0]["snippet"]  # no markers in JSON
    assert json.loads(found[0]["matched"]) == ["27ème", "Région"]
    html = client.get("/hubkb/search_passages", params={"q": "27ème région"}).text
    assert "Laura Prandelle (<mark>27ème</mark> <mark>Région</mark>)" in html
    assert f'<a href="/hubkb/posts/{SEED_POST}#p4">{SEED_POST}#p4</a>' in html
    assert "<title>Search passages: hubkb</title>" in html


def test_search_passages_finds_both_spellings_best_first(client: Client, built_db: Path) -> None:
    found = rows(client.get("/hubkb/search_passages.json", params={"q": "co-production", "_shape": "array"}))
    assert len(found) == 6
    # best first: the order of `hubkb search`, which runs the same SQL
    assert [r["anchor"] for r in found] == [h.anchor for h in search(built_db, "co-production").hits]
    assert all("coproduction" in (f.lower() for f in json.loads(r["matched"])) for r in found)


@pytest.mark.parametrize("q", ["", "   ", 'NEAR("', '"', "*", "AND OR NOT", "-", "copro*)"])
def test_search_passages_never_errors(client: Client, q: str) -> None:
    response = client.get("/hubkb/search_passages.json", params={"q": q, "_shape": "array"})
    assert response.status_code == 200, response.text
    assert response.json() == []


def test_search_snippets_of_injected_text_are_escaped(injected: Client) -> None:
    html = injected.get("/hubkb/search_passages", params={"q": "hubkbInjected"}).text
    assert "&lt;script&gt;window.<mark>hubkbInjected</mark>" in html
    assert "<script>window.hubkbInjected" not in html


def test_definitions_of_a_term_side_by_side(client: Client) -> None:
    found = rows(client.get("/hubkb/definitions_of_term.json", params={"term": "Coproduction", "_shape": "array"}))
    assert found == [
        {
            "term": "coproduction",
            "definition": "délivrer un service dans une relation réciproque et égale entre les professionnels, "
            "les utilisateurs, et la sphère familiale et sociale des utilisateurs",
            "given_by": "Michael Harris & David Boyle",
            "work": "The Challenge of Co-production: How equal partnerships between professionals and the public "
            "are crucial to improving public services",
            "year": 2009,
            "cited_by": "Laura Pandelle",
            "post": "Vous avez dit coproduction ?",
            "date": "2014-08-27",
            "anchor": f"{SEED_POST}#p4",
        }
    ]
    everything = rows(client.get("/hubkb/definitions_of_term.json", params={"term": "", "_shape": "array"}))
    assert [r["term"] for r in everything] == ["coproduction", "innovation"]


def test_everything_about_a_person(client: Client) -> None:
    found = rows(client.get("/hubkb/everything_about.json", params={"name": "prandelle", "_shape": "array"}))
    assert sorted(r["role"] for r in found) == [
        "author of the work",
        "member of La 27e Région",
        "mentioned as “Laura Prandelle”",
        "quoted",
        "relayed a citation of the work",
        "relayed a definition by Michael Harris & David Boyle",
    ]
    assert {r["name"] for r in found} == {"Laura Pandelle"}


def test_everything_about_an_organisation_includes_what_it_published(client: Client) -> None:
    found = rows(client.get("/hubkb/everything_about.json", params={"name": "NESTA", "_shape": "array"}))
    assert [(r["role"], r["anchor"]) for r in found] == [
        ("publisher of the work", None),
        ("their work is cited", f"{SEED_POST}#p4"),
    ]


def test_who_cites_whom_and_through_whom(client: Client) -> None:
    found = rows(client.get("/hubkb/who_cites_whom.json", params={"name": "Laura Prandelle", "_shape": "array"}))
    assert [(r["citing"], r["cited"], r["how"], r["through"]) for r in found] == [
        ("Régis Chatellier", "David Boyle", "definition", "Laura Pandelle"),
        ("Régis Chatellier", "Michael Harris", "definition", "Laura Pandelle"),
        ("Régis Chatellier", "Laura Pandelle", "quote", None),
        ("Régis Chatellier", "David Boyle", "work", "Laura Pandelle"),
        ("Régis Chatellier", "Michael Harris", "work", "Laura Pandelle"),
    ]
    assert len(rows(client.get("/hubkb/who_cites_whom.json", params={"name": "", "_shape": "array"}))) == 9


# --- works: output formats and the citation page ------------------------------------


def test_works_bib_has_canonical_names(client: Client) -> None:
    response = client.get("/hubkb/works.bib")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="works.bib"'
    assert "@techreport{boyle2009challenge,\n  author = {Boyle, David and Harris, Michael}," in response.text
    assert "@misc{gormley2009us,\n  author = {Gormley, Ivo}," in response.text


def test_works_ris_and_csljson(client: Client) -> None:
    ris = client.get("/hubkb/works.ris").text
    assert "TY  - RPRT\r\nAU  - Boyle, David\r\nAU  - Harris, Michael\r\n" in ris
    assert ris.count("ER  - ") == 3
    csl = rows(client.get("/hubkb/works.csljson"))
    assert [(item["id"], item["author"]) for item in csl] == [
        ("pandelle-2010", [{"family": "Pandelle", "given": "Laura"}]),
        (BOYLE_HARRIS, [{"family": "Boyle", "given": "David"}, {"family": "Harris", "given": "Michael"}]),
        ("us-now", [{"family": "Gormley", "given": "Ivo"}]),
    ]


def test_bib_of_one_work_of_a_query_and_of_a_post_s_citations(client: Client) -> None:
    assert client.get(f"/hubkb/works/{BOYLE_HARRIS}.bib").text.startswith("@techreport{boyle2009challenge,")
    query = client.get("/hubkb.bib", params={"sql": "select id, title, year from works where type = 'video'"})
    assert query.text.startswith("@misc{gormley2009us,")
    cited = client.get("/hubkb/citations.ris", params={"post_id": SEED_POST}).text
    assert cited.count("TY  - ") == 2
    download = client.get("/hubkb/works.bib", params={"_dl": "1"})
    assert download.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="works.bib"'


def test_bib_is_offered_only_where_there_are_works(client: Client) -> None:
    assert 'href="/hubkb/works.bib"' in client.get("/hubkb/works").text
    assert ".bib" not in client.get("/hubkb/people").text
    assert client.get("/hubkb/people.bib").status_code == 400


def test_citation_page_of_a_work(client: Client) -> None:
    html = client.get(f"/hubkb/works/{BOYLE_HARRIS}/cite").text
    assert (
        "Boyle, D., &amp; Harris, M. (2009). <i>The Challenge of Co-production: How equal partnerships "
        "between professionals and the public are crucial to improving public services</i>. Nesta."
    ) in html
    assert "Boyle, David, et Michael Harris. 2009." in html
    assert "author = {Boyle, David and Harris, Michael}" in html
    assert "AU  - Boyle, David" in html
    assert "<q>Boyle &amp; Harris (2009), cité par Pandelle (2010), in Chatellier (2014)</q>" in html
    english = client.get(f"/hubkb/works/{BOYLE_HARRIS}/cite", params={"lang": "en"}).text
    assert "Boyle, David, and Michael Harris. 2009." in english
    assert client.get("/hubkb/works/no-such-work/cite").status_code == 404
    row = client.get(f"/hubkb/works/{BOYLE_HARRIS}").text
    assert f'<a href="/hubkb/works/{BOYLE_HARRIS}/cite">' in row


# --- entity pages, facets, search, exports ----------------------------------------


def test_person_page_lists_what_links_to_them(client: Client) -> None:
    html = client.get("/hubkb/people/laura-prandelle").text
    links = re.findall(r'href="/hubkb/(\w+)\?(\w+)=laura-prandelle">\s*(\d+) rows?</a>', html)
    assert {(table, column): int(n) for table, column, n in links if n != "0"} == {
        ("person_organisations", "person_id"): 1,
        ("work_authors", "person_id"): 1,
        ("relays", "person_id"): 1,
        ("definitions", "via_person_id"): 1,
        ("quote_givers", "person_id"): 1,
        ("citations", "via_person_id"): 1,
        ("entities", "person_id"): 1,
    }
    assert 'href="/hubkb/everything_about?name=laura-prandelle"' in html
    # mentioned once: her number in `entities` is what `mentions` rows hold
    (entity,) = rows(client.get("/hubkb/entities.json", params={"person_id": "laura-prandelle", "_shape": "array"}))
    assert (
        f'href="/hubkb/mentions?entity={entity["id"]}">1 row</a>' in client.get(f"/hubkb/entities/{entity['id']}").text
    )


def test_linked_rows_show_labels_not_ids(client: Client) -> None:
    found = rows(
        client.get(
            "/hubkb/definitions.json", params={"via_person_id": "laura-prandelle", "_labels": "on", "_shape": "array"}
        )
    )
    assert [(r["term_id"], r["via_person_id"], r["work_id"]["label"]) for r in found] == [
        (
            {"value": "coproduction", "label": "coproduction"},
            {"value": "laura-prandelle", "label": "Laura Pandelle"},
            "The Challenge of Co-production: How equal partnerships between professionals and the public are "
            "crucial to improving public services",
        )
    ]
    html = client.get("/hubkb/definitions", params={"via_person_id": "laura-prandelle"}).text
    assert '<a href="/hubkb/people/laura-prandelle">Laura Pandelle</a>' in html


def test_default_facets(client: Client) -> None:
    facets = rows(client.get("/hubkb/posts.json"))["facet_results"]
    assert [(v["value"], v["count"]) for v in facets["year"]["results"]] == [(2014, 1)]
    assert sorted(v["value"] for v in facets["tags"]["results"]) == [
        "coproduction",
        "innovation",
        "services publics",
        "économie collaborative",
    ]
    assert [v["value"] for v in facets["authors"]["results"]] == ["Régis Chatellier"]
    assert set(rows(client.get("/hubkb/definitions.json"))["facet_results"]) == {"term_id", "by"}
    assert set(rows(client.get("/hubkb/citations.json"))["facet_results"]) == {"work_id", "via_person_id"}
    assert set(rows(client.get("/hubkb/mentions.json"))["facet_results"]) == {"entity"}
    assert 'data-column="year"' in client.get("/hubkb/posts").text


def test_json_array_facet_counts_like_datasette_s_array_facet(injected: Client) -> None:
    facets = rows(injected.get("/hubkb/posts.json", params={"_facet_array": "tags", "_size": 0}))["facet_results"]
    by_type = {f["type"]: f for f in facets.values() if f["name"] == "tags"}
    ours, datasette_s = by_type["json_array"], by_type["array"]
    assert [(v["value"], v["count"]) for v in ours["results"]] == [
        (v["value"], v["count"]) for v in datasette_s["results"]
    ]
    assert len(ours["results"]) == 5
    picked = rows(injected.get("/hubkb/posts.json", params={"tags__arraycontains": "sécurité", "_shape": "array"}))
    assert [p["id"] for p in picked] == [INJECTION_POST]


@pytest.mark.parametrize(
    "table, query, expected",
    [
        ("posts", "co-production", [SEED_POST]),
        ("paragraphs", "27ème", [f"{SEED_POST}#p4"]),
        ("paragraphs", "region", [f"{SEED_POST}#p4"]),
        ("definitions", "réciproque", [f"{SEED_POST}#d2"]),
        ("quotes", "catastrophe", [f"{SEED_POST}#q3"]),
        ("works", "challenge", [BOYLE_HARRIS]),
    ],
)
def test_table_search(client: Client, table: str, query: str, expected: list[str]) -> None:
    found = rows(client.get(f"/hubkb/{table}.json", params={"_search": query, "_shape": "array"}))
    assert [r["id"] for r in found] == expected


def test_exports_csv_stream_json_labels(client: Client) -> None:
    stream = client.get("/hubkb/works.csv", params={"_stream": "on"})
    assert stream.status_code == 200
    table = list(csv.DictReader(io.StringIO(stream.text)))
    assert [(r["id"], r["year"], r["publisher"]) for r in table] == [
        ("pandelle-2010", "2010", "La 27e Région"),
        (BOYLE_HARRIS, "2009", "Nesta"),
        ("us-now", "2009", ""),
    ]
    works = rows(client.get("/hubkb/works.json", params={"_shape": "array"}))
    assert [json.loads(w["authors"]) for w in works] == [
        ["Laura Pandelle"],
        ["David Boyle", "Michael Harris"],
        ["Ivo Gormley"],
    ]
    labelled = list(csv.DictReader(io.StringIO(client.get("/hubkb/citations.csv", params={"_labels": "on"}).text)))
    assert {r["via_person_id_label"] for r in labelled} == {"Laura Pandelle", ""}
    canned = list(
        csv.DictReader(io.StringIO(client.get("/hubkb/search_passages.csv", params={"q": "coproduction"}).text))
    )
    assert len(canned) == 6 and canned[0]["anchor"].startswith(SEED_POST + "#p")
    assert not any(MARK_OPEN in r["snippet"] or MARK_CLOSE in r["snippet"] for r in canned)  # plain text in CSV


def test_settings_and_immutable_database(client: Client) -> None:
    settings = rows(client.get("/-/settings.json"))
    assert (settings["suggest_facets"], settings["allow_csv_stream"], settings["max_returned_rows"]) == (
        False,
        True,
        1000,
    )
    assert settings["sql_time_limit_ms"] == 3000
    databases = rows(client.get("/-/databases.json"))
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("hubkb", False)]


def test_sql_functions_are_registered(client: Client) -> None:
    sql = "select hubkb_fts_escape('co-production NEAR(') as q, hubkb_fold('La 27ème Région') as f"
    assert rows(client.get("/hubkb.json", params={"sql": sql, "_shape": "array"})) == [
        {"q": escape_fts("co-production NEAR("), "f": "la 27e region"}
    ]
    assert escape_fts("co-production NEAR(").endswith('"near"')


# --- plain `datasette hubkb.db`, and other databases -------------------------------


def test_plain_datasette_gets_the_plugin(built_db: Path, tmp_path: Path) -> None:
    """`datasette hubkb.db -m metadata.json`: the entry point loads the plugin; the db is named from the file."""
    c = Client(Datasette([str(built_db)], metadata=json.loads(METADATA.read_text(encoding="utf-8"))))
    try:
        plugins = rows(c.get("/-/plugins.json"))
        assert [p["name"] for p in plugins] == ["hubkb"]
        assert "@techreport{boyle2009challenge," in c.get("/hubkb/works.bib").text
        assert rows(c.get("/hubkb/search_passages.json", params={"q": "Ostrom", "_shape": "array"})) == []
    finally:
        c.close()


def test_other_databases_are_left_alone(tmp_path: Path) -> None:
    """The plugin is installed for every Datasette: a `posts.body` elsewhere is not touched."""
    other = tmp_path / "blog.db"
    conn = sqlite3.connect(other)
    conn.execute("create table posts (id text primary key, body text, word_count integer)")
    conn.execute("insert into posts values ('a', '*hello* ⟦x⟧', 2)")
    conn.commit()
    conn.close()
    c = Client(Datasette([str(other)]))
    try:
        html = c.get("/blog/posts/a").text
        assert "*hello* ⟦x⟧" in html and "Read the text" not in html
        assert c.get("/blog/posts.bib").status_code == 400
    finally:
        c.close()


def test_the_passage_search_says_how_many_paragraphs_matched(generated_server: Any, generated_200: Path) -> None:
    """Its page shows 20 rows: it says of how many, and that a very common word's are the best of the first 1,000."""
    from hubkb.db.search import register_search_functions

    conn = sqlite3.connect(generated_200 / "hubkb.db")
    register_search_functions(conn)

    def matching(q: str) -> int:
        sql = "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH hubkb_fts_query(?)"
        return conn.execute(sql, [q]).fetchone()[0]

    def said(q: str) -> list[str]:
        html = httpx.get(f"{generated_server.url}/hubkb/search_passages", params={"q": q}).text
        assert '<h2 class="hubkb-answers">' in html or "Nothing found." in html
        return re.findall(r'<p class="hubkb-matched">([^<]*)</p>', html)

    conn.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, paragraphs_fts, 'row')")
    rare = conn.execute(
        "SELECT term FROM temp.words WHERE doc BETWEEN 2 AND 10 AND length(term) >= 6 AND term GLOB '[a-z]*' "
        "ORDER BY term LIMIT 1"
    ).fetchone()[0]
    common, some = "la", "Laura Prandelle"
    assert matching(common) > 1000 and 20 < matching(some) < 1000 and matching(rare) <= 20
    assert said(common) == [
        "The 20 best of the first 1,000 matching paragraphs: a word this common is ranked among the index's "
        "first 1,000 matches only. Add words to narrow the search."
    ]
    assert said(some) == [f"The 20 best of {matching(some):,} matching paragraphs."]
    assert said(rare) == []  # every match shown: "N rows" says it all
    assert said("zzzz") == []  # nothing found: the page says so itself
    rows = httpx.get(f"{generated_server.url}/hubkb/search_passages.json", params={"q": some, "_shape": "array"})
    assert len(rows.json()) == 20  # the JSON is the rows alone
