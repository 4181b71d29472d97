"""Lineage: chains hop by hop, word diffs, `hubkb trace`, the lineage and network pages, reuse in the build."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, SEED_POST
from hubkb.cli import cli
from hubkb.lineage.chain import build_chain, format_chain
from hubkb.lineage.diff import diff_text, word_diff
from serving import Client

D2 = f"{SEED_POST}#d2"
METADATA = ROOT / "metadata.json"
# reuse keeps integer keys into reused_texts: the pairs as their text ids, for the tests' SELECTs
REUSE_ROWS = (
    "(SELECT t.text_id, o.text_id AS other_id, t.kind, t.term_id, r.score, r.wording FROM reuse r "
    "JOIN reused_texts t ON t.id = r.text JOIN reused_texts o ON o.id = r.other)"
)


@pytest.fixture(scope="module")
def client(built_db: Path):
    c = Client.serving(built_db, METADATA)
    yield c
    c.close()


def _work(id_: str, authors: list[str], year: int, language: str, **more) -> dict:
    return {"id": id_, "type": "report", "title": id_, "authors": [{"name": a, "kind": "person"} for a in authors],
            "year": year, "language": language, **more}  # fmt: skip


POST = {"id": "p", "title": "Un billet", "date": "2014-08-27", "authors": [{"name": "Régis Chatellier", "kind": "person"}], "site": "l’hubservatoire", "language": "fr"}  # fmt: skip


def test_word_diff_shows_words_removed_and_added_ignoring_case_and_accents() -> None:
    parts = word_diff("délivrer un service réciproque et égale", "Delivrer un service public mutuel et égale")
    assert diff_text(parts) == "Delivrer un service [-réciproque-] {+public mutuel+} et égale"
    assert [p.op for p in word_diff("même texte", "Même  texte")] == ["same"]


def test_a_chain_of_ten_hops_keeps_its_order_languages_and_translations() -> None:
    relays = []
    for n in range(1, 9):
        language = "en" if n < 4 else "fr"
        relays.append({"work": _work(f"relay-{n}", [f"Ann Relay{n}"], 2000 + n, language), "text": f"wording {n} words here" if n in (5, 6) else None})  # fmt: skip
    data = {"kind": "definition", "id": "p#d1", "term": "coproduction", "text": "wording 6 words there",
            "by": [], "work": _work("origin", ["Zoe Origin"], 1999, "en"), "post": POST, "paragraph": 2,
            "relays": relays}  # fmt: skip
    chain = build_chain(data)
    assert len(chain.hops) == 10
    assert [h.role for h in chain.hops] == ["origin"] + ["relay"] * 8 + ["read"]
    assert [h.translation for h in chain.hops].index(True) == 4  # relay 4: the first in French
    assert sum(h.translation for h in chain.hops) == 1
    assert chain.summary().startswith(
        "Origin 1999 (en) → Relay1 2001 → Relay2 2002 → Relay3 2003 → Relay4 2004 (fr, translation)"
    )
    assert chain.summary().endswith("Relay8 2008 → Chatellier 2014")
    assert chain.in_text.startswith("Origin (1999), cité par Relay1 (2001), cité par Relay2 (2002)")
    assert chain.in_text.endswith("cité par Relay8 (2008), in Chatellier (2014)")
    assert [(d.before, d.after, diff_text(list(d.parts))) for d in chain.differences] == [
        (5, 6, "wording [-5-] {+6+} words here"),
        (6, 9, "wording 6 words [-here-] {+there+}"),
    ]
    assert "wording 6 → 7: wording [-5-] {+6+} words here" in format_chain(chain)


def test_a_relay_known_by_its_person_only_still_makes_a_hop() -> None:
    data = {"kind": "quote", "id": "p#q3", "term": None, "text": "capitalisme de catastrophe",
            "by": [{"name": "Susie Cagle", "kind": "person"}], "work": None, "post": POST, "paragraph": 6,
            "via": {"id": "hubert-guillaud", "name": "Hubert Guillaud", "kind": "person"}, "relays": []}  # fmt: skip
    chain = build_chain(data)
    assert chain.summary() == "Cagle → Guillaud → Chatellier 2014 (fr)"
    assert chain.in_text == "Cagle, cité par Guillaud, in Chatellier (2014)"
    assert (chain.hops[1].table, chain.hops[1].key) == ("people", "hubert-guillaud")


def test_trace_prints_the_seed_chain(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["trace", D2, "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{D2}: definition of coproduction"
    assert lines[1] == "Boyle & Harris 2009 (en) → La 27e Région 2010 (fr, translation) → Chatellier 2014"
    assert lines[5] == (
        "2. relay: Laura Pandelle · Co-production, le NESTA éclaircit la notion · La 27e Région · 2010-02-07 · fr, translation"
    )
    assert lines[6] == "   http://www.la27eregion.fr/co-production-le-nesta-eclaircit-la-notion/"
    assert f"   {SEED_POST}#p4" in lines
    assert lines[-2] == "APA, in the text: Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2014)"
    assert (
        lines[-1]
        == "APA, reference list: Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? l’hubservatoire."
    )


def test_trace_of_an_unknown_id_suggests_the_nearest(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["trace", f"{SEED_POST}#d7", "--db", str(built_db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no definition, quote or reference with id '{SEED_POST}#d7'; did you mean "
        f"{SEED_POST}#d1, {SEED_POST}#d2 or {SEED_POST}#q1?\n"
    )
    result = runner.invoke(cli, ["trace", "d2", "--db", str(built_db)])
    assert result.output.startswith(
        f"Error: no definition, quote or reference with id 'd2'; did you mean {SEED_POST}#d2"
    )


def test_the_lineage_page_shows_every_hop(client: Client) -> None:
    response = client.get(f"/hubkb/-/lineage/{SEED_POST}~23d2")
    assert response.status_code == 200
    html = response.text
    assert (
        'data-summary="Boyle &amp; Harris 2009 (en) → La 27e Région 2010 (fr, translation) → Chatellier 2014"' in html
    )
    assert '<a href="/hubkb/works/pandelle-2010">Co-production, le NESTA éclaircit la notion</a>, La 27e Région' in html
    assert '<span class="hubkb-badge">translation</span>' in html
    assert re.findall(r'data-role="(\w+)"', html) == ["origin", "relay", "read"]
    assert '<a href="/hubkb/works/boyle-harris-2009">The Challenge of Co-production' in html
    assert f'<a href="/hubkb/posts/{SEED_POST}#p4">Vous avez dit coproduction ?</a>' in html
    assert 'data-copy="Boyle &amp; Harris (2009), cité par Pandelle (2010), in Chatellier (2014)"' in html
    assert client.get(f"/hubkb/-/lineage/{SEED_POST}~23d9").status_code == 404


def test_the_network_page_embeds_the_seed_graph_and_serves_cytoscape(client: Client) -> None:
    html = client.get("/hubkb/-/network").text
    counts = dict(re.findall(r'data-(?:node|edge)-type="(\w+)" data-count="(\d+)"', html))
    assert counts == {"post": "1", "person": "6", "organisation": "1", "work": "3",
                      "cites": "2", "relays": "4", "defines": "3", "quotes": "3"}  # fmt: skip
    script = client.get("/-/static-plugins/hubkb/vendor/cytoscape/cytoscape.min.js")
    assert script.status_code == 200 and "Cytoscape Consortium" in script.text[:200]
    term = client.get("/hubkb/-/network/coproduction").text
    assert dict(re.findall(r'data-(?:node|edge)-type="(\w+)" data-count="(\d+)"', term)) == {
        "post": "1", "person": "2", "organisation": "0", "work": "2",
        "cites": "1", "relays": "2", "defines": "2", "quotes": "0"}  # fmt: skip
    assert client.get("/hubkb/-/network/no-such-term").status_code == 404


def test_the_build_finds_reused_definitions(tmp_path: Path, corpus_copy: Path, runner) -> None:
    text = "délivrer un service dans une relation réciproque et égale entre les professionnels, les utilisateurs, et la sphère familiale et sociale des utilisateurs"  # fmt: skip
    copy = text.replace("réciproque et égale", "mutuelle et équilibrée").replace("sphère", "cercle")
    (corpus_copy / "posts" / "2015-01-02-reprise.md").write_text(
        f"---\ntitle: Reprise\ndate: 2015-01-02\nauthors: []\ndefinitions:\n  - term: coproduction\n    text: {copy}\n---\n"
        f"La coproduction, c’est {copy}.\n",
        encoding="utf-8",
    )
    db = tmp_path / "hubkb.db"
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)]).exit_code == 0
    rows = (
        sqlite3.connect(db)
        .execute(f"SELECT text_id, other_id, term_id, score, wording FROM {REUSE_ROWS} ORDER BY 1")
        .fetchall()
    )
    assert rows == [
        (D2, "2015-01-02-reprise#d1", "coproduction", 83.8, "close"),
        ("2015-01-02-reprise#d1", D2, "coproduction", 83.8, "close"),
    ]
    client = Client.serving(db, METADATA)
    try:
        term = client.get("/hubkb/terms/coproduction").text
        lineage = client.get(f"/hubkb/-/lineage/{SEED_POST}~23d2").text
    finally:
        client.close()
    assert re.search(r"Same wording elsewhere \(1\)", term)
    assert (
        f'<a href="/hubkb/-/lineage/{SEED_POST}~23d2">Vous avez dit coproduction ?</a> ({D2}): close wording to '
        '<a href="/hubkb/-/lineage/2015-01-02-reprise~23d1">Reprise</a> (2015-01-02-reprise#d1), similarity 84'
    ) in term
    assert '<a href="/hubkb/-/network/coproduction">Citation network of this term</a>' in term
    assert (
        'close wording to <a href="/hubkb/-/lineage/2015-01-02-reprise~23d1">2015-01-02-reprise#d1</a> (Reprise, 2015-01-02; similarity 84%)'
        in lineage
    )


def test_the_build_finds_reused_quotes_and_relay_wordings(tmp_path: Path, corpus_copy: Path, runner) -> None:
    """A wording the corpus gives at a relay hop is a text of the relay's publication: another post
    copying it is reuse; the post that quotes through that hop is not (its chain says so already)."""
    hop = "déployer un service dans une relation réciproque entre professionnels, usagers et leurs proches"
    seed = corpus_copy / "posts" / f"{SEED_POST}.md"
    seed.write_text(
        seed.read_text(encoding="utf-8").replace(
            "      - work: pandelle-2010\n", f"      - work: pandelle-2010\n        text: {hop}\n"
        ),
        encoding="utf-8",
    )
    copy = hop.replace("déployer", "délivrer").replace("leurs proches", "leur entourage")
    (corpus_copy / "posts" / "2016-05-04-copie.md").write_text(
        "---\ntitle: Copie\ndate: 2016-05-04\nauthors: []\ndefinitions:\n  - term: coproduction\n"
        f"    text: {copy}\nquotes:\n  - text: capitalisme de catastrophe\n    by: Susie Cagle\n"
        "  - text: crise de puberté\n    by: Susie Cagle\n---\n"
        f"La coproduction, c’est {copy}. On parle de capitalisme de catastrophe ou de crise de puberté.\n",
        encoding="utf-8",
    )
    db = tmp_path / "hubkb.db"
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)]).exit_code == 0
    rows = sqlite3.connect(db).execute(f"SELECT text_id, other_id, kind, term_id, score, wording FROM {REUSE_ROWS} ORDER BY 1, 2")  # fmt: skip
    assert rows.fetchall() == [
        (f"{D2}~h1", "2016-05-04-copie#d1", "definition", "coproduction", 86.8, "close"),
        (f"{SEED_POST}#q3", "2016-05-04-copie#q1", "quote", None, 100.0, "same"),
        ("2016-05-04-copie#d1", f"{D2}~h1", "definition", "coproduction", 86.8, "close"),
        ("2016-05-04-copie#q1", f"{SEED_POST}#q3", "quote", None, 100.0, "same"),
    ]  # "crise de puberté" is Antonin Leonard's in the seed: another speaker, not compared
    client = Client.serving(db, METADATA)
    try:
        lineage = client.get(f"/hubkb/-/lineage/{SEED_POST}~23d2").text
        quote = client.get(f"/hubkb/-/lineage/{SEED_POST}~23q3").text
        term = client.get("/hubkb/terms/coproduction").text
        table = client.get("/hubkb/reuse").text
        texts = client.get("/hubkb/reused_texts").text
        network = client.get("/hubkb/-/network/coproduction").text
    finally:
        client.close()
    assert (
        'the wording at hop 2: close wording to <a href="/hubkb/-/lineage/2016-05-04-copie~23d1">2016-05-04-copie#d1</a> '
        f'(Copie, 2016-05-04; similarity 87%)<br><q class="hubkb-reuse-text" lang="fr">{copy}</q>'
    ) in lineage
    # each hop's people link to their pages
    assert '<dt>Who</dt><dd><a href="/hubkb/people/laura-prandelle">Laura Pandelle</a></dd>' in lineage
    assert '<a href="/hubkb/people/david-boyle">David Boyle</a>, <a href="/hubkb/people/michael-harris">' in lineage
    assert 'same wording as <a href="/hubkb/-/lineage/2016-05-04-copie~23q1">2016-05-04-copie#q1</a>' in quote
    assert (
        f'<a href="/hubkb/-/lineage/{SEED_POST}~23d2">Co-production, le NESTA éclaircit la notion</a> ({D2}~h1): '
        'close wording to <a href="/hubkb/-/lineage/2016-05-04-copie~23d1">Copie</a> (2016-05-04-copie#d1)'
    ) in term
    # the pairs' integer keys show as their texts' ids, each a link to the lineage page that shows it
    assert f'<td class="col-text type-dict"><a href="/hubkb/-/lineage/{SEED_POST}~23d2">{D2}~h1</a></td>' in table
    assert '<td class="col-other type-dict"><a href="/hubkb/-/lineage/2016-05-04-copie~23d1">2016-05-04-copie#d1</a></td>' in table  # fmt: skip
    assert f'<a href="/hubkb/-/lineage/{SEED_POST}~23q3">{SEED_POST}#q3</a>' in texts
    # the timeline names a definition by its givers, or says there are none
    assert '<a href="/hubkb/-/lineage/2016-05-04-copie~23d1">no giver named</a>, in <i>Copie</i>' in network
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM reused_texts").fetchone() == (4,)  # each text once
    assert conn.execute("SELECT sql FROM sqlite_master WHERE name = 'reuse'").fetchone()[0].endswith("WITHOUT ROWID")


def test_a_large_network_keeps_its_most_connected_part(client: Client) -> None:
    """The seed has 11 nodes (1 post, 6 people, 1 organisation, 3 works) and 12 links; asked for 10 nodes,
    each kind keeps an even share, people the rest: the least connected person goes (Michael Harris and
    David Boyle give one definition each: the first id stays), and the page says what it left out."""
    html = client.get("/hubkb/-/network?nodes=10").text
    counts = dict(re.findall(r'data-(?:node|edge)-type="(\w+)" data-count="(\d+)"', html))
    assert counts == {"post": "1", "person": "5", "organisation": "1", "work": "3",
                      "cites": "2", "relays": "4", "defines": "2", "quotes": "3"}  # fmt: skip
    assert '"person:michael-harris"' not in html and '"person:david-boyle"' in html and '"work:us-now"' in html
    assert (
        '<p class="hubkb-network-cut" data-total-nodes="11" data-total-edges="12">This network has 11 nodes and '
        "12 links: drawn here are 10 nodes and 11 links, the most connected posts, people, organisations and works "
        "(an even share of each) and the links among them."
    ) in html
    assert '<a href="/hubkb/-/network?nodes=20">draw more nodes</a>' in html
    assert '<p class="hubkb-network-cut"' not in client.get("/hubkb/-/network").text  # 11 nodes: drawn whole


def test_the_network_of_one_year(client: Client) -> None:
    whole = client.get("/hubkb/-/network").text
    counts = re.compile(r'data-(?:node|edge)-type="(\w+)" data-count="(\d+)"')
    year = client.get("/hubkb/-/network?year=2014").text
    assert counts.findall(year) == counts.findall(whole)
    assert '<option value="2014" selected>2014 (1 post)</option>' in year
    empty = client.get("/hubkb/-/network?year=2013").text
    assert {n for _, n in counts.findall(empty)} == {"0"}
    assert "in the posts of 2013" in empty
    bad = client.get("/hubkb/-/network?year=deux-mille")
    assert (bad.status_code, bad.text) == (400, "year must be a whole number from 1 to 9999, not 'deux-mille'")
    bad = client.get("/hubkb/-/network/coproduction?nodes=9")
    assert (bad.status_code, bad.text) == (400, "nodes must be a whole number from 10 to 5000, not '9'")


def test_trimming_keeps_the_links_between_the_most_connected() -> None:
    from hubkb.lineage.network import Graph, timeline

    graph = Graph()
    names: dict = {"posts": {}, "works": {}, "people": {}, "organisations": {}}
    hub = graph.node("work", "hub", names)
    for n in range(6):
        post = graph.node("post", f"p{n}", names)
        graph.edge(post, hub, "cites")
        if n % 2:
            graph.edge(post, graph.node("person", f"a{n}", names), "defines")
    assert (len(graph.nodes), len(graph.edges)) == (10, 9)
    assert graph.keep_most_connected(10, 9) is None  # nothing to cut
    assert graph.keep_most_connected(5, 3) == (10, 9)
    # 5 nodes, an even share a kind: the hub, the two most connected posts (p1, p3: 2 links each) and people
    # (a1, a3); of their 4 links, 3 in even shares a kind, those between the most connected first; a3 goes
    assert sorted(graph.nodes) == ["person:a1", "post:p1", "post:p3", "work:hub"]
    assert sorted(graph.edges) == [("post:p1", "person:a1", "defines"), ("post:p1", "work:hub", "cites"), ("post:p3", "work:hub", "cites")]  # fmt: skip
    rows = [{"id": f"p{n}#d1", "term_id": "t", "term": "T", "by": "[]", "origin_year": None, "post_year": 2000 + n % 2, "post": "P"} for n in range(4)]  # fmt: skip
    assert [(y["year"], y["count"], len(y["definitions"])) for y in timeline(rows, listed=3)[0]["years"]] == [(2000, 2, 0), (2001, 2, 0)]  # fmt: skip
    assert [(y["year"], y["count"], len(y["definitions"])) for y in timeline(rows, listed=4)[0]["years"]] == [(2000, 2, 2), (2001, 2, 2)]  # fmt: skip


def test_a_term_page_lists_its_closest_pairs(tmp_path: Path, corpus_copy: Path, runner, monkeypatch) -> None:
    """A term of a large corpus has hundreds of pairs: its page lists the closest and links the rest."""
    from hubkb.plugin import lineage_pages

    text = "organiser un service public avec ses usagers, du début à la fin, pour en partager les choix"
    for n, wording in enumerate((text, text, text.replace("organiser", "construire")), 1):
        (corpus_copy / "posts" / f"2016-0{n}-01-copie.md").write_text(
            f"---\ntitle: Copie {n}\ndate: 2016-0{n}-01\nauthors: []\ndefinitions:\n  - term: coproduction\n"
            f"    text: {wording}\n---\nLa coproduction, c’est {wording}.\n",
            encoding="utf-8",
        )
    db = tmp_path / "hubkb.db"
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)]).exit_code == 0
    monkeypatch.setattr(lineage_pages, "TERM_REUSE_LISTED", 2)
    client = Client.serving(db, METADATA)
    try:
        term = client.get("/hubkb/terms/coproduction").text
        texts = client.get("/hubkb/reused_texts?term_id=coproduction").text
    finally:
        client.close()
    assert "Same wording elsewhere (3)</h2>" in term
    assert len(re.findall(r"similarity \d+</li>", term)) == 2
    assert "similarity 100</li>" in term  # the two copies first
    assert (
        'The 2 closest of 3 pairs; <a href="/hubkb/reused_texts?term_id=coproduction">every text of this term '
        "with reused wording</a> lists the others."
    ) in term
    assert "reused_texts: 3 rows where term_id = &#34;coproduction&#34;</title>" in texts


def test_an_incremental_build_finds_the_reuse_a_full_build_finds(tmp_path: Path, corpus_copy: Path, runner) -> None:
    """Reuse crosses posts: after one post changes, the updated file holds the pairs a full build makes."""
    text = "organiser un service public avec ses usagers, du début à la fin, pour en partager les choix"
    for n in (1, 2):
        (corpus_copy / "posts" / f"2016-0{n}-01-copie.md").write_text(
            f"---\ntitle: Copie {n}\ndate: 2016-0{n}-01\nauthors: []\ndefinitions:\n  - term: coproduction\n"
            f"    text: {text}\n---\nLa coproduction, c’est {text}.\n",
            encoding="utf-8",
        )
    db, full = tmp_path / "hubkb.db", tmp_path / "full.db"
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)]).exit_code == 0
    pairs = f"SELECT text_id, other_id, score, wording FROM {REUSE_ROWS} ORDER BY 1, 2"
    assert sqlite3.connect(db).execute(pairs).fetchall() == [
        ("2016-01-01-copie#d1", "2016-02-01-copie#d1", 100.0, "same"),
        ("2016-02-01-copie#d1", "2016-01-01-copie#d1", 100.0, "same"),
    ]
    third = corpus_copy / "posts" / "2016-02-01-copie.md"
    third.write_text(third.read_text(encoding="utf-8").replace("organiser", "construire"), encoding="utf-8")
    updated = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert updated.exit_code == 0 and updated.output.startswith("updated: "), updated.output
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(full), "--full"]).exit_code == 0
    found = sqlite3.connect(db).execute(pairs).fetchall()
    assert found == sqlite3.connect(full).execute(pairs).fetchall()
    assert found == [
        ("2016-01-01-copie#d1", "2016-02-01-copie#d1", 88.3, "close"),
        ("2016-02-01-copie#d1", "2016-01-01-copie#d1", 88.3, "close"),
    ]
