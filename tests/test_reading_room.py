"""The reading room (issue #10): entity pages with content, names as links, internals out of sight,
canned queries that ask first, posts citable, in-text author order as in the reference list.

Datasette in process on the default corpus; outcomes are names, counts and links, not layouts.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

from conftest import ROOT, SCHEMA, SEED_POST
from hubkb.build import build
from hubkb.cli import cli
from serving import Client

METADATA = ROOT / "metadata.json"
POST_URL = f"/hubkb/posts/{SEED_POST}"


@pytest.fixture(scope="module")
def client(built_db: Path):
    c = Client.serving(built_db, METADATA)
    yield c
    c.close()


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.text


def section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}"')
    return html[start : html.index("</section>", start)]


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link, tags stripped from the text."""
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    ]


# --- entity pages ----------------------------------------------------------------------


def test_person_page_shows_what_she_relayed_and_where(client: Client) -> None:
    html = page(client, "/hubkb/people/laura-prandelle")
    assert "<h1>Laura Pandelle</h1>" in html
    assert ("/hubkb/organisations/la-27e-region", "La 27e Région") in links(html)
    relayed = section(html, "relayed-definitions")
    assert "délivrer un service dans une relation réciproque et égale" in relayed
    assert ("/hubkb/terms/coproduction", "coproduction") in links(relayed)
    assert ("/hubkb/people/michael-harris", "Michael Harris") in links(relayed)
    assert ("/hubkb/works/boyle-harris-2009", "The Challenge of Co-production: How equal partnerships between "
            "professionals and the public are crucial to improving public services") in links(relayed)  # fmt: skip
    assert (f"{POST_URL}#p4", "Vous avez dit coproduction ?") in links(relayed)
    cited = section(html, "relayed-citations")
    assert (f"{POST_URL}#p4", "Vous avez dit coproduction ?") in links(cited)
    quoted = section(html, "quotes")
    assert "chaque partie devient un agent de changement" in quoted
    mentioned = section(html, "mentions")
    assert "Mentioned in (1 paragraph)" in mentioned
    assert "<mark>Laura Prandelle</mark> (27ème Région)" in mentioned
    alongside = section(html, "alongside")
    assert ("/hubkb/people/david-boyle", "David Boyle") in links(alongside)
    # the raw row is still there, folded below the content, and .json answers
    assert html.index('<details class="hubkb-raw"') > html.index('id="alongside"')
    assert 'href="/hubkb/people/laura-prandelle.json"' in html
    assert client.get("/hubkb/people/laura-prandelle.json").json()["rows"][0][1] == "Laura Pandelle"


def test_organisation_page_lists_members_and_works(client: Client) -> None:
    html = page(client, "/hubkb/organisations/la-27e-region")
    assert "<h1>La 27e Région</h1>" in html
    assert ("/hubkb/people/laura-prandelle", "Laura Pandelle") in links(html)
    nesta = page(client, "/hubkb/organisations/nesta")
    assert ("/hubkb/works/boyle-harris-2009", "The Challenge of Co-production: How equal partnerships between "
            "professionals and the public are crucial to improving public services") in links(section(nesta, "published"))  # fmt: skip


def test_a_persons_works_link_to_their_pages_with_the_type_in_words(client: Client) -> None:
    works = section(page(client, "/hubkb/people/laura-prandelle"), "works")
    assert links(works) == [("/hubkb/works/pandelle-2010", "Co-production, le NESTA éclaircit la notion")]
    assert "</a> (2010), blog post</li>" in works and "blogpost" not in works
    assert '<p class="hubkb-kind">Work · blog post · 2010</p>' in page(client, "/hubkb/works/pandelle-2010")


def test_what_a_person_relayed_does_not_repeat_her_name(client: Client) -> None:
    html = page(client, "/hubkb/people/laura-prandelle")
    for section_id in ("relayed-definitions", "relayed-citations"):
        relayed = section(html, section_id)
        assert "/hubkb/posts/" in relayed and "relayed by" not in relayed  # the heading says it once
    definitions = section(html, "relayed-definitions")
    assert "public services</a> (2009). In <a href=" in definitions
    assert "relayed by" in section(page(client, "/hubkb/works/boyle-harris-2009"), "citations")  # elsewhere it is


def test_what_a_work_gave_does_not_repeat_the_works_title(client: Client) -> None:
    definitions = section(page(client, "/hubkb/works/boyle-harris-2009"), "definitions")
    assert "/hubkb/works/" not in definitions  # the heading is the work
    assert links(definitions)[:3] == [
        ("/hubkb/terms/coproduction", "coproduction"),
        ("/hubkb/people/michael-harris", "Michael Harris"),
        ("/hubkb/people/david-boyle", "David Boyle"),
    ]
    assert "David Boyle</a>; relayed by <a href=" in definitions


def test_citation_row_page_says_what_cites_what_through_whom(client: Client) -> None:
    html = page(client, "/hubkb/citations/1")
    cited = html[html.index('<ul class="hubkb-list">') : html.index('<details class="hubkb-raw"')]
    assert links(cited) == [
        ("/hubkb/works/boyle-harris-2009", "The Challenge of Co-production: How equal partnerships between "
         "professionals and the public are crucial to improving public services"),
        (f"{POST_URL}#p4", "Vous avez dit coproduction ?"),
        ("/hubkb/people/laura-prandelle", "Laura Pandelle"),
    ]  # fmt: skip
    assert "(2009), cited in" in cited and "; relayed by" in cited
    assert client.get("/hubkb/citations/999").status_code == 404


def test_term_page_shows_every_definition_side_by_side(client: Client, built_db: Path) -> None:
    html = page(client, "/hubkb/terms/coproduction")
    assert "<h1>coproduction</h1>" in html
    table = section(html, "definitions")
    count = sqlite3.connect(built_db).execute("select count(*) from definitions where term_id = 'coproduction'")
    assert table.count("<tr>") - 1 == count.fetchone()[0] == 1
    row = links(table)
    assert ("/hubkb/people/michael-harris", "Michael Harris") in row
    assert ("/hubkb/people/laura-prandelle", "Laura Pandelle") in row
    assert (f"{POST_URL}#p4", "Vous avez dit coproduction ?") in row
    assert '<td data-label="Year">2009</td>' in table


def test_work_page_cites_and_lists_where_it_is_cited(client: Client) -> None:
    html = page(client, "/hubkb/works/boyle-harris-2009")
    assert '<p class="hubkb-kind">Work · report · 2009</p>' in html
    assert ("/hubkb/people/david-boyle", "David Boyle") in links(html)
    assert ("/hubkb/organisations/nesta", "Nesta") in links(html)
    cite = section(html, "cite")
    assert "Boyle, D., &amp; Harris, M. (2009). <i>The Challenge of Co-production" in cite
    assert (
        "/hubkb/works/boyle-harris-2009/cite",
        "APA, Chicago, ISO 690, BibTeX, RIS and CSL-JSON, ready to copy",
    ) in links(cite)
    assert ("/hubkb/works/boyle-harris-2009.bib?_dl=1", "BibTeX") in links(cite)
    cited_in = section(html, "citations")
    assert (f"{POST_URL}#p4", "Vous avez dit coproduction ?") in links(cited_in)
    assert ("/hubkb/people/laura-prandelle", "Laura Pandelle") in links(cited_in)


def test_the_cite_page_lists_the_post_read_without_an_internal_path(client: Client, corpus_copy: Path) -> None:
    """Second-hand, the reference list names the post read: its site and its own url, never this server's path."""
    html = page(client, "/hubkb/works/boyle-harris-2009/cite")
    item = re.search(r"<li><a href=\"([^\"]+)\">Vous avez dit coproduction \?</a>.*?</li>", html, re.S)
    assert item is not None and item[1] == f"{POST_URL}#p4"
    assert item[0].endswith(
        "in the text <q>Boyle &amp; Harris (2009), cité par Pandelle (2010), in Chatellier (2014)</q>; "
        "reference list: Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? l’hubservatoire.</li>"
    )
    post = corpus_copy / "posts" / f"{SEED_POST}.md"
    post.write_text(post.read_text(encoding="utf-8").replace("\ndate:", "\nurl: https://example.org/coproduction\ndate:", 1), encoding="utf-8")  # fmt: skip
    db = corpus_copy.parent / "with-url.db"
    build(corpus_copy, db, SCHEMA)
    other = Client.serving(db, METADATA)
    try:
        cite = page(other, "/hubkb/works/boyle-harris-2009/cite")
    finally:
        other.close()
    assert "Vous avez dit coproduction ? l’hubservatoire. https://example.org/coproduction</li>" in cite


def test_post_page_has_permalinks_and_cite_blocks(client: Client, built_db: Path) -> None:
    html = page(client, POST_URL)
    assert '<h1 lang="fr">Vous avez dit coproduction ?</h1>' in html
    paragraphs = sqlite3.connect(built_db).execute("select count(*) from paragraphs where post_id = ?", [SEED_POST])
    permalinks = re.findall(r'<a class="hubkb-permalink" href="#p(\d+)" aria-label="Link to paragraph \1">¶</a>', html)
    assert len(permalinks) == paragraphs.fetchone()[0] == 7
    passages = section(html, "passages")
    assert passages.count('class="hubkb-cite-block"') == 5  # 2 definitions, 3 quotes
    assert "In the text: <q>Boyle &amp; Harris (2009), cité par Pandelle (2010), in Chatellier (2014)</q>" in passages
    assert "In the text: <q>Cagle, cité par Guillaud, in Chatellier (2014)</q>" in passages
    tags = [t for t in links(html) if "tags__arraycontains" in t[0]]
    assert ("/hubkb/posts?tags__arraycontains=coproduction&amp;_facet_array=tags", "coproduction") in tags
    assert "/hubkb/posts/" + SEED_POST + "/cite" in html


def test_paragraph_row_page_links_to_the_paragraph_in_its_post(client: Client) -> None:
    html = page(client, f"/hubkb/paragraphs/{SEED_POST}~23p4")
    assert (f"{POST_URL}#p4", "read it in its post") in links(html)
    assert (
        f'<p class="hubkb-kind">Paragraph · <span class="hubkb-key">{SEED_POST}#p4</span></p>\n<h1>Paragraph 4 of Vous avez dit coproduction ?</h1>'
        in html
    )


def test_passage_pages_are_headed_by_what_they_hold_not_by_their_key(client: Client) -> None:
    definition = page(client, f"/hubkb/definitions/{SEED_POST}~23d2")
    assert f'<p class="hubkb-kind">Definition · <span class="hubkb-key">{SEED_POST}#d2</span></p>' in definition
    assert "<h1>Definition of coproduction by Michael Harris &amp; David Boyle</h1>" in definition
    assert "<h1>Quote of Susie Cagle</h1>" in page(client, f"/hubkb/quotes/{SEED_POST}~23q3")
    assert "<h1>The Challenge of Co-production: How equal partnerships between professionals and the public are crucial to improving public services, cited in Vous avez dit coproduction ?</h1>" in page(client, "/hubkb/citations/1")  # fmt: skip


def test_rows_from_links_encode_ids_and_land_on_as_many_rows(client: Client) -> None:
    """ "N rows from paragraph_id in definitions": the id's # is encoded, so the page lists N rows."""
    html = page(client, f"/hubkb/paragraphs/{SEED_POST}~23p4")
    found = re.findall(r'<a href="(/hubkb/(\w+)\?[^"]+)">([\d,]+) rows?</a>', html)
    assert {table for _, table, _ in found} >= {"definitions", "quotes", "citations"}
    for href, table, count in found:
        assert table not in {"definitions", "quotes", "citations"} or "%23p4" in href
        listed = client.get(href.replace("&amp;", "&").replace("?", ".json?", 1) + "&_shape=array").json()
        assert len(listed) == int(count.replace(",", "")), href


# --- names are links -------------------------------------------------------------------------


def test_json_array_columns_are_links_and_json_stays_arrays(client: Client) -> None:
    works = page(client, "/hubkb/works")
    assert (
        '<a href="/hubkb/people/david-boyle">David Boyle</a>, <a href="/hubkb/people/michael-harris">Michael Harris</a>'
        in works
    )
    people = page(client, "/hubkb/people")
    assert '<a href="/hubkb/organisations/la-27e-region">La 27e Région</a>' in people
    assert "[]" not in re.sub(r"<(script|pre).*?</\1>", "", people, flags=re.S)
    definitions = page(client, "/hubkb/definitions")
    assert '<a href="/hubkb/people/michael-harris">Michael Harris</a>' in definitions
    as_json = client.get("/hubkb/works.json", params={"_shape": "array", "id": "boyle-harris-2009"}).json()
    assert json.loads(as_json[0]["authors"]) == ["David Boyle", "Michael Harris"]
    csv_text = client.get("/hubkb/people.csv").text
    assert '"[""La 27e Région""]"' in csv_text


def test_canned_query_columns_link_to_their_pages(client: Client) -> None:
    html = page(client, "/hubkb/definitions_of_term?term=coproduction")
    found = links(html)
    assert ("/hubkb/terms/coproduction", "coproduction") in found
    assert ("/hubkb/people/laura-prandelle", "Laura Pandelle") in found
    assert ("/hubkb/people/david-boyle", "David Boyle") in found
    assert (f"{POST_URL}", "Vous avez dit coproduction ?") in found
    assert (f"{POST_URL}#p4", f"{SEED_POST}#p4") in found
    rows = client.get("/hubkb/definitions_of_term.json", params={"term": "coproduction", "_shape": "array"}).json()
    assert rows[0]["given_by"] == "Michael Harris & David Boyle" and rows[0]["term"] == "coproduction"
    # everything_about: a work a row names in `what` links to its page; a definition's text does not
    about = links(page(client, "/hubkb/everything_about?name=david-boyle"))
    challenge = "The Challenge of Co-production: How equal partnerships between professionals and the public are crucial to improving public services"  # fmt: skip
    assert ("/hubkb/works/boyle-harris-2009", f"{challenge} (2009)") in about  # author of the work
    assert ("/hubkb/works/boyle-harris-2009", challenge) in about  # their work is cited
    assert not [text for _, text in about if text.startswith("délivrer un service")]
    as_json = client.get("/hubkb/everything_about.json", params={"name": "david-boyle", "_shape": "array"}).json()
    assert f"{challenge} (2009)" in [r["what"] for r in as_json]


# --- answers first ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "example"),
    [
        ("search_passages", 'Words or a "phrase"', "27ème région"),
        ("definitions_of_term", "Term", "coproduction"),
        ("everything_about", "Person or organisation", "Laura Pandelle"),
        ("who_cites_whom", "Person or organisation", "Nesta"),
    ],
)
def test_canned_queries_hide_sql_and_label_parameters(client: Client, name: str, label: str, example: str) -> None:
    html = page(client, f"/hubkb/{name}")
    assert '<pre id="sql-query">' not in html and "select" not in html.lower().split("<body", 1)[1].split("<script")[0]
    assert re.search(rf'<label for="qp1">{re.escape(label.replace(chr(34), "&#34;"))}</label>', html), label
    assert f'placeholder="e.g. {example}"' in html
    assert (f"?{_qs(html)}", example) in links(html)


def _qs(html: str) -> str:
    return re.search(r'Example: <a href="\?([^"]+)">', html).group(1)


def test_search_passages_has_no_scores_and_no_markers(client: Client) -> None:
    rows = client.get("/hubkb/search_passages.json", params={"q": "27ème région", "_shape": "array"}).json()
    assert {"anchor", "post", "date", "snippet", "matched"} <= set(rows[0])
    assert not {"bm25", "score", "rank"} & set(rows[0])
    text = client.get("/hubkb/search_passages.csv", params={"q": "27ème région"}).text
    assert "⟦" not in text and "bm25" not in text and "<mark>" not in text


# --- internals out of sight ------------------------------------------------------------------


def test_home_lists_the_reading_tables_first_and_hides_link_tables(client: Client) -> None:
    html = page(client, "/")
    browse = html[html.index("<h2") : html.index("Ask</h2>")]
    order = re.findall(r'<a href="/hubkb/(\w+)"><strong>', browse)
    assert order[:7] == ["posts", "definitions", "quotes", "works", "people", "organisations", "terms"]
    for hidden in (
        "mentions",
        "work_authors",
        "post_authors",
        "definition_givers",
        "quote_givers",
        "person_organisations",
    ):
        assert hidden not in order
    assert client.get("/hubkb/mentions").status_code == 200  # hidden, not gone


INTERNAL = ("search_variants", "search_stems", "source_path", "content_hash")


@pytest.mark.parametrize(
    ("table", "key"),
    [("posts", SEED_POST), ("paragraphs", f"{SEED_POST}~23p4"), ("definitions", f"{SEED_POST}~23d2"),
     ("quotes", f"{SEED_POST}~23q1")],
)  # fmt: skip
def test_no_bookkeeping_column_in_user_tables_rows_or_csv(client: Client, table: str, key: str) -> None:
    header = client.get(f"/hubkb/{table}.csv").text.splitlines()[0].split(",")
    assert header and not set(INTERNAL) & set(header), header
    for path in (f"/hubkb/{table}", f"/hubkb/{table}/{key}"):
        html = page(client, path)
        assert not [c for c in INTERNAL if f'data-column="{c}"' in html or f">{c}<" in html], path
    row = client.get(f"/hubkb/{table}/{key}.json", params={"_shape": "array"}).json()[0]
    assert not set(INTERNAL) & set(row)


def test_column_descriptions_are_folded_so_rows_come_first(client: Client) -> None:
    html = page(client, "/hubkb/posts")
    assert '<details class="hubkb-column-help"><summary>What the columns hold</summary>' in html
    assert html.index("hubkb-column-help") < html.index('<table class="rows-and-columns"')


# --- citing posts ----------------------------------------------------------------------------------


def test_posts_are_citable_in_every_format(client: Client) -> None:
    bib = client.get(f"{POST_URL}.bib")
    assert bib.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert bib.headers["content-disposition"] == f'attachment; filename="{SEED_POST}.bib"'
    assert bib.text.startswith("@online{chatellier2014vous,\n  author = {Chatellier, Régis},")
    assert "date = {2014-08-27}" in bib.text and "organization = {l’hubservatoire}" in bib.text
    ris = client.get("/hubkb/posts.ris")
    assert ris.headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    assert "TY  - BLOG\r\nAU  - Chatellier, Régis\r\nTI  - Vous avez dit coproduction ?\r\n" in ris.text
    assert "T2  - l’hubservatoire" in ris.text
    csl = client.get("/hubkb/posts.csljson")
    assert csl.headers["content-type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert csl.json()[0]["type"] == "post-weblog" and csl.json()[0]["container-title"] == "l’hubservatoire"
    cite = page(client, f"{POST_URL}/cite")
    assert (
        "Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? <i>l’hubservatoire</i>." in cite
    )  # APA: the blog in italics
    assert "/hubkb/posts/" not in unquote(cite.split("<h2>References</h2>")[1].split("<h2>Exports</h2>")[0])


def test_formats_are_offered_only_where_they_return_entries(client: Client) -> None:
    quotes = page(client, "/hubkb/quotes")  # no quote of the default corpus names a work
    assert 'href="/hubkb/quotes.bib"' not in quotes
    assert client.get("/hubkb/quotes.bib").status_code == 404
    assert 'href="/hubkb/definitions.bib?_labels=on"' in page(client, "/hubkb/definitions")
    assert re.search(r'href="/hubkb/posts.bib[?"]', page(client, "/hubkb/posts"))


def test_cite_cli_prints_a_post_as_the_post_page_does(built_db: Path) -> None:
    result = CliRunner().invoke(cli, ["cite", "--db", str(built_db), SEED_POST])
    assert result.exit_code == 0, result.output
    assert result.output == "Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? l’hubservatoire.\n"


def test_in_text_author_order_is_the_reference_list_order(client: Client, built_db: Path) -> None:
    """CLI and pages name the original's authors in the order of its reference entry."""
    conn = sqlite3.connect(built_db)
    ids = [r[0] for r in conn.execute("select id from definitions where work_id is not null order by id")]
    assert ids
    for definition_id in ids:
        result = CliRunner().invoke(cli, ["cite", "--db", str(built_db), "--definition", definition_id])
        assert result.exit_code == 0, result.output
        in_text = re.search(r"Dans le texte : (.*)", result.output).group(1)
        reference = result.output.split("1. original : ", 1)[1]
        families = re.findall(r"([A-Z][a-z]+), [A-Z]\.", reference.split("(", 1)[0])
        assert in_text.startswith(" & ".join(families[:2])), (in_text, families)
        anchor = definition_id.replace("#", "~23")
        html = page(client, f"/hubkb/definitions/{anchor}")
        assert f"<q>{in_text.replace('&', '&amp;')}</q>" in html
