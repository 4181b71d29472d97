"""Relays for plain citations: a reference entry may name its relay and relay publications.

`references:` entries stay plain work ids (existing corpora read unchanged) or
become `{work, via, relays}`; their hops are stored, checked at their lines,
traced (`post_id#rN`), drawn in the network and shown on a lineage page linked
from the post page and the work's citation page.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, SEED_POST
from hubkb.cli import cli
from serving import Client

NOTE = "2015-09-01-lectures"
SHOWN = f"corpus/posts/{NOTE}.md"
POST = """---
title: Lectures de rentrée
date: 2015-09-01
authors: [Régis Chatellier]
site: l’hubservatoire
language: fr
references:
  - us-now
  - work: boyle-harris-2009
    via: Laura Pandelle
    relays:
      - work: pandelle-2010
        note: le résumé en français du rapport
---
Nous relisons le rapport de la Nesta sur la coproduction, présenté en français par La 27e Région.
"""
RELAYS = "    relays:\n      - work: pandelle-2010\n        note: le résumé en français du rapport\n"  # lines 11-13


def write(corpus: Path, text: str = POST) -> None:
    (corpus / "posts" / f"{NOTE}.md").write_text(text, encoding="utf-8")


def build(runner, corpus: Path, db: Path, *more: str):
    return runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db), *more])


def check(runner, corpus: Path, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    return runner.invoke(cli, ["check", "--corpus", "corpus"])


@pytest.fixture(scope="module")
def note_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("citation-relays")
    corpus = folder / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    write(corpus)
    result = build(CliRunner(), corpus, folder / "hubkb.db")
    assert result.exit_code == 0, result.output
    assert "; 0 warnings;" in result.output
    return folder / "hubkb.db"


def test_a_reference_with_relays_is_stored_hop_by_hop(note_db: Path) -> None:
    conn = sqlite3.connect(note_db)
    assert conn.execute("SELECT * FROM relays WHERE kind = 'citation'").fetchall() == [
        (f"{NOTE}#r2~h1", NOTE, f"{NOTE}#r2", "citation", 1, "pandelle-2010", None, "laura-prandelle", "fr",
         "2010-02-07", 1, None, "le résumé en français du rapport")
    ]  # fmt: skip
    rows = conn.execute(
        "SELECT work_id, paragraph_id, in_references, reference_id, via_person_id FROM citations "
        "WHERE post_id = ? ORDER BY work_id",
        [NOTE],
    ).fetchall()
    assert rows == [
        ("boyle-harris-2009", None, 1, f"{NOTE}#r2", "laura-prandelle"),
        ("us-now", None, 1, f"{NOTE}#r1", None),
    ]
    # Plain entries (the seed's) are numbered too, and the relay of a definition still marks its paragraph.
    assert conn.execute(
        "SELECT work_id, paragraph_id, reference_id, via_person_id FROM citations WHERE post_id = ? ORDER BY 1, 2",
        [SEED_POST],
    ).fetchall() == [
        ("boyle-harris-2009", f"{SEED_POST}#p4", f"{SEED_POST}#r1", "laura-prandelle"),
        ("us-now", f"{SEED_POST}#p4", f"{SEED_POST}#r2", None),
    ]


def test_trace_of_a_reference(runner, note_db: Path) -> None:
    result = runner.invoke(cli, ["trace", f"{NOTE}#r2", "--db", str(note_db)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{NOTE}#r2: citation of The Challenge of Co-production: How equal partnerships between professionals "
        "and the public are crucial to improving public services",
        "Boyle & Harris 2009 (en) → La 27e Région 2010 (fr, translation) → Chatellier 2015",
        "",
        "1. origin: David Boyle, Michael Harris · The Challenge of Co-production: How equal partnerships between "
        "professionals and the public are crucial to improving public services · Nesta · 2009 · en",
        "2. relay: Laura Pandelle · Co-production, le NESTA éclaircit la notion · La 27e Région · 2010-02-07 · fr, "
        "translation",
        "   http://www.la27eregion.fr/co-production-le-nesta-eclaircit-la-notion/",
        "3. read: Régis Chatellier · Lectures de rentrée · l’hubservatoire · 2015-09-01 · fr",
        "",
        "APA, in the text: Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2015)",
        "APA, reference list: Chatellier, R. (2015, 1 septembre). Lectures de rentrée. l’hubservatoire.",
    ]
    plain = runner.invoke(cli, ["trace", f"{NOTE}#r1", "--db", str(note_db)]).output.splitlines()
    assert plain[:2] == [f"{NOTE}#r1: citation of Us Now", "Gormley 2009 (en) → Chatellier 2015 (fr)"]
    assert plain[-2] == "APA, in the text: Gormley (2009), in Chatellier (2015)"


def test_a_plain_reference_takes_the_relays_its_post_gives_for_the_work(runner, note_db: Path) -> None:
    """The seed lists the report plainly; its definition #d2 says it came through La 27e Région."""
    lines = runner.invoke(cli, ["trace", f"{SEED_POST}#r1", "--db", str(note_db)]).output.splitlines()
    assert lines[1] == "Boyle & Harris 2009 (en) → La 27e Région 2010 (fr, translation) → Chatellier 2014"
    assert lines[-4] == (
        f"(the reference names no relay of its own: these are the ones {SEED_POST}#d2 gives for the work)"
    )
    result = runner.invoke(cli, ["trace", f"{NOTE}#r9", "--db", str(note_db)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no definition, quote or reference with id '{NOTE}#r9'; did you mean {NOTE}#r1 or {NOTE}#r2?\n"
    )


def test_the_lineage_page_of_a_citation_and_its_links(note_db: Path) -> None:
    client = Client.serving(note_db, ROOT / "metadata.json")
    try:
        page = client.get(f"/hubkb/-/lineage/{NOTE}~23r2")
        post = client.get(f"/hubkb/posts/{NOTE}").text
        cite = client.get("/hubkb/works/boyle-harris-2009/cite").text
        network = client.get("/hubkb/-/network").text
        seed = client.get(f"/hubkb/-/lineage/{SEED_POST}~23r1").text
        assert client.get(f"/hubkb/-/lineage/{NOTE}~23r3").status_code == 404
    finally:
        client.close()
    assert page.status_code == 200
    html = page.text
    assert re.findall(r'data-role="(\w+)"', html) == ["origin", "relay", "read"]
    assert '<h1>Lineage of a citation: <a href="/hubkb/works/boyle-harris-2009">The Challenge of Co-production' in html
    assert 'data-copy="Boyle &amp; Harris (2009), cité par Pandelle (2010), in Chatellier (2015)"' in html
    assert "<dt>Note</dt><dd>le résumé en français du rapport</dd>" in html
    assert "<dt>Wording</dt>" not in html  # a citation carries no wording
    assert (
        f'relayed by <a href="/hubkb/people/laura-prandelle">Laura Pandelle</a> '
        f'(<a href="/hubkb/-/lineage/{NOTE}~23r2">lineage</a>)'
    ) in post
    assert f'(through Laura Pandelle) (<a href="/hubkb/-/lineage/{NOTE}~23r2">lineage</a>)' in cite
    assert (
        f'these are the ones <a href="/hubkb/-/lineage/{SEED_POST}~23d2">{SEED_POST}#d2</a> gives for the work'
    ) in seed
    counts = dict(re.findall(r'data-(?:node|edge)-type="(\w+)" data-count="(\d+)"', network))
    # the seed's 4 relays edges + NOTE -> La 27e Région's post (which -> the report is the seed's already)
    assert (counts["post"], counts["cites"], counts["relays"]) == ("2", "4", "5")


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "      - work: pandelle-2010\n",
            "      - work: Le Nesta éclaircit\n",
            12,
            "unknown relay publication 'Le Nesta éclaircit'; did you mean 'Co-production, le NESTA éclaircit la "
            "notion'? (add the work to corpus/works.yaml)",
        ),
        (
            RELAYS,
            RELAYS + "      - work: boyle-harris-2009\n",
            14,
            "relay 2 loops back on itself: work 'boyle-harris-2009' is already the origin",
        ),
        (  # a hop naming a post gets the translation check too, once every post is read
            RELAYS,
            RELAYS + f"      - post: {SEED_POST}\n        translation: true\n",
            14,
            "relay 2 is marked as a translation, but it and the hop before are both in 'fr'",
        ),
        (
            "    via: Laura Pandelle\n",
            "    via: Laure Inconnue\n",
            9,
            "unknown person 'Laure Inconnue' (add an entry or an alias to corpus/people.yaml)",
        ),
        (
            "  - us-now\n",
            "  - [us-now]\n",
            8,
            "each entry of 'references' must be a work or a mapping of keys, not a list",
        ),
        (
            "  - work: boyle-harris-2009\n",
            "  - wrk: boyle-harris-2009\n",
            9,
            "missing required key 'work'",
        ),
    ],
)
def test_bad_reference_chains_get_their_line(runner, corpus_copy: Path, monkeypatch, old, new, line, message) -> None:
    assert POST.count(old) == 1
    write(corpus_copy, POST.replace(old, new))
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert f"{SHOWN}:{line}: {message}" in result.output.splitlines()


def test_a_reference_hop_dated_after_the_post_is_a_warning(runner, corpus_copy: Path, monkeypatch) -> None:
    write(corpus_copy, POST.replace("date: 2015-09-01", "date: 2009-09-01"))
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{SHOWN}:12: warning: relay 1 (work 'pandelle-2010') is dated 2010-02-07, after the post that quotes it "
        "(2009-09-01)\n"
    )


def test_existing_forms_of_references_read_unchanged(runner, corpus_copy: Path, tmp_path: Path) -> None:
    seed = corpus_copy / "posts" / f"{SEED_POST}.md"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("references: [boyle-harris-2009, us-now]", "references: Us Now"), encoding="utf-8")
    db = tmp_path / "hubkb.db"
    assert build(runner, corpus_copy, db).exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT DISTINCT work_id, reference_id FROM citations WHERE in_references = 1").fetchall() == [
        ("us-now", f"{SEED_POST}#r1")
    ]


PAGE = """Relais et lectures

12 mars 2016

Le documentaire Us Now, cité par Hubert Guillaud, montre des citoyens qui s’organisent sans hiérarchie.

Le rapport The Challenge of Co-production, repris par Laura Pandelle, reste une lecture utile.

Aller plus loin

Ivo Gormley, Us Now, 2009.
"""


def test_the_importer_proposes_a_reference_s_relay(runner, corpus_copy: Path, monkeypatch) -> None:
    """Rule: a work cited 'cité par X' outside any definition or quote gets `via: X` and X's one known publication."""
    monkeypatch.chdir(corpus_copy.parent)
    (corpus_copy.parent / "page.txt").write_text(PAGE, encoding="utf-8")
    result = runner.invoke(cli, ["import", "page.txt"])
    assert result.exit_code == 0, result.output
    draft = (corpus_copy / "posts" / "2016-03-12-relais-et-lectures.md").read_text(encoding="utf-8")
    assert (
        "references:\n- work: us-now\n  via: Hubert Guillaud\n- work: boyle-harris-2009\n  via: Laura Pandelle\n"
        "  relays:\n  - work: pandelle-2010\n    translation: true\n"
    ) in draft
    # The seed's report is carried by definition #d2, which gives the chain: its reference stays a plain id.
    scrape = ROOT / "tests" / "fixtures" / "import" / "vous-avez-dit-coproduction.txt"
    result = runner.invoke(cli, ["import", str(scrape), "--out", "drafts"])
    assert result.exit_code == 0, result.output
    draft = (corpus_copy.parent / "drafts" / f"{SEED_POST}.md").read_text(encoding="utf-8")
    assert "\nreferences: [us-now, boyle-harris-2009]\n" in draft


def test_one_second_hand_citation_everywhere(runner, note_db: Path) -> None:
    """`hubkb cite --definition`, `hubkb trace`, the lineage page, the post page's passage block, the
    definition's page and the work's citation page write the same in-text citation: the givers in the
    order of the work's reference entry (the seed gives Harris first), every relay with the year of its
    publication."""
    seed_form = "Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2014)"
    note_form = "Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2015)"
    cited = runner.invoke(cli, ["cite", "--definition", f"{SEED_POST}#d2", "--db", str(note_db)]).output
    assert cited.splitlines()[1] == f"Dans le texte : {seed_form}"
    assert cited.splitlines()[6] == (
        "  2. relais : Pandelle, L. (2010, 7 février). Co-production, le NESTA éclaircit la notion. "
        "La 27e Région. http://www.la27eregion.fr/co-production-le-nesta-eclaircit-la-notion/"
    )
    english = runner.invoke(cli, ["cite", "--definition", f"{SEED_POST}#d2", "--lang", "en", "--db", str(note_db)])
    assert english.output.splitlines()[1] == "In text: " + seed_form.replace("cité par", "cited by")
    for passage, form in ((f"{SEED_POST}#d2", seed_form), (f"{SEED_POST}#r1", seed_form), (f"{NOTE}#r2", note_form)):
        traced = runner.invoke(cli, ["trace", passage, "--db", str(note_db)]).output.splitlines()
        assert traced[-2] == f"APA, in the text: {form}"
    quote = runner.invoke(cli, ["cite", "--quote", f"{SEED_POST}#q3", "--db", str(note_db)]).output.splitlines()
    assert quote[1] == "Dans le texte : Cagle, cité par Guillaud, in Chatellier (2014)"  # a relay known by name only
    client = Client.serving(note_db, ROOT / "metadata.json")
    try:
        lineage = client.get(f"/hubkb/-/lineage/{SEED_POST}~23d2").text
        post = client.get(f"/hubkb/posts/{SEED_POST}").text
        definition = client.get(f"/hubkb/definitions/{SEED_POST}~23d2").text
        cite = client.get("/hubkb/works/boyle-harris-2009/cite").text
        cite_en = client.get("/hubkb/works/boyle-harris-2009/cite?lang=en").text
    finally:
        client.close()
    html = seed_form.replace("&", "&amp;")
    assert f'data-copy="{html}"' in lineage
    assert f"In the text: <q>{html}</q>" in post
    assert f"<q>{html}</q>" in definition
    # the seed lists the report plainly (its #d2 gives the relay), the note's entry names its own
    assert re.findall(r"<q>(Boyle &amp; Harris[^<]*)</q>", cite) == [html, note_form.replace("&", "&amp;")]
    assert "<q>Boyle &amp; Harris (2009), cited by Pandelle (2010), in Chatellier (2014)</q>" in cite_en
