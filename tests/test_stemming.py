"""French forms: a word finds its other inflections, exact forms first, and never an unrelated word.

Recall is measured over the default corpus and a generated one (bench/generate.py):
each query must find the paragraphs that hold another form of the word.
Precision: pairs of words that look alike but must never find each other.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEED_POST
from hubkb.cli import cli
from hubkb.db.stems import _index_words
from hubkb.stemming import stem, stemmable
from hubkb.text import index_words
from hubkb.writer.search import search

sys.path.insert(0, str(ROOT / "bench"))
import generate

P = f"{SEED_POST}#p"

# (query, another form of it the corpus holds): singular/plural, masculine/feminine, noun/verb.
SEED_PAIRS = [
    ("définitions", "définition"),
    ("professionnel", "professionnels"),
    ("coproductions", "coproduction"),
    ("utilisateur", "utilisateurs"),
    ("innovations", "innovation"),
    ("innovant", "innovante"),
    ("innover", "innovation"),
    ("service", "services"),
    ("public", "publics"),
    ("collaborative", "collaboratif"),
    ("participer", "participatifs"),
    ("organiser", "organisation"),
    ("usager", "usagers"),
    ("citoyen", "citoyens"),
    ("amélioration", "améliorer"),
    ("relation", "relations"),
    ("économique", "économie"),
    ("horizontales", "horizontal"),
    ("sociale", "sociaux"),
    ("entité", "entités"),
    ("projet", "projets"),
]
GENERATED_PAIRS = [
    ("transition", "transitions"),
    ("budgets", "budget"),
    ("quartier", "quartiers"),
    ("territoires", "territoire"),
    ("plateforme", "plateformes"),
    ("pratique", "pratiques"),
    ("réseau", "réseaux"),
    ("politique", "politiques"),
    ("atelier", "ateliers"),
    ("association", "associations"),
    ("mobilité", "mobilités"),
    ("collectivité", "collectivités"),
    ("équipe", "équipes"),
    ("visible", "visibles"),
    ("numériques", "numérique"),
    ("citoyenne", "citoyens"),
    ("collaboratives", "collaborative"),
    ("ouverte", "ouvertes"),
    ("locale", "local"),
    ("social", "sociale"),
    ("participative", "participatif"),
    ("évaluer", "évaluation"),
    ("transformer", "transforme"),
    ("organiser", "organisé"),
    ("partagée", "partagés"),
]

# Words that look alike and must never find each other: acronyms, ordinals, names, meanings.
DISTINCT_PAIRS = [
    ("CAF", "café"),
    ("CAF", "cafés"),
    ("27e", "17e"),
    ("27ème", "17ème"),
    ("1er", "11e"),
    ("mai", "mais"),
    ("foi", "fois"),
    ("Marie", "marais"),
    ("Anne", "années"),
    ("Pierre", "pierres"),
    ("Laura", "laure"),
    ("produit", "production"),
    ("politique", "police"),
    ("mode", "modèle"),
    ("service", "servir"),
    ("régime", "région"),
    ("sociale", "société"),
    ("utile", "utilisateurs"),
    ("verre", "vers"),
    ("étude", "étudiant"),
    ("action", "acteur"),
    ("local", "locataire"),
]


def anchors(db: Path, query: str, limit: int = 10_000) -> list[str]:
    return [h.anchor for h in search(db, query, limit=limit).hits]


def holding(db: Path, word: str) -> set[str]:
    """Paragraphs whose text holds `word` as written (accents and case folded)."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT id FROM paragraphs WHERE rowid IN (SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ?)",
            ['text: "' + word + '"'],
        ).fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows}


def recall(db: Path, pairs: list[tuple[str, str]]) -> tuple[int, int, list[str]]:
    """(paragraphs found, paragraphs expected, per-query lines) for the other forms of each query."""
    found_total = expected_total = 0
    lines = []
    for query, other in pairs:
        expected = holding(db, other)
        assert expected, f"the corpus holds no {other!r}: the pair ({query!r}, {other!r}) tests nothing"
        found = expected & set(anchors(db, query))
        found_total += len(found)
        expected_total += len(expected)
        lines.append(f"{query} -> {other}: {len(found)}/{len(expected)}")
    return found_total, expected_total, lines


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate.generate(300, root, 1, 300, False)
    db = root / "hubkb.db"
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["build", "--corpus", str(root / "corpus"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


# --- the default corpus: what a writer types ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # exact forms first, then the paragraphs holding another form
        ("définitions", [P + "2", P + "4", P + "6"]),
        ("professionnel", [P + "4"]),
        ("coproductions", sorted(P + n for n in "134567")),
        ("utilisateur", [P + "5", P + "4", P + "6"]),
    ],
)
def test_other_forms_are_found(runner, built_db: Path, query: str, expected: list[str]) -> None:
    found = anchors(built_db, query)
    assert sorted(found) == sorted(expected)
    if query == "utilisateur":
        assert found[0] == P + "5"  # "panel utilisateur": the form as typed ranks first


def test_the_form_present_is_highlighted(built_db: Path) -> None:
    [first, *_] = search(built_db, "définitions").hits
    assert first.forms == ["définition"] or "définition" in first.forms
    [hit] = search(built_db, "professionnel").hits
    assert hit.forms == ["professionnels"]


def test_exact_forms_rank_first(runner, tmp_path: Path) -> None:
    from test_search import build_db

    db = build_db(
        runner,
        tmp_path,
        {
            "a": "Les usagers, les usagers et encore les usagers du service.",
            "b": "Un usager.",
            "c": "Les usagers et leurs usagers.",
        },
    )
    found = anchors(db, "usager")
    assert found[0] == "b#p1" and sorted(found) == ["a#p1", "b#p1", "c#p1"]  # b alone holds the form as typed
    assert anchors(db, "usagers")[-1] == "b#p1"


def test_other_forms_are_searched_only_when_the_typed_words_fill_too_few_rows(runner, tmp_path: Path) -> None:
    """The second tier's expression is asked for (and its MATCH run) only when the first leaves room."""
    from hubkb.db.search import match_paragraphs, register_search_functions
    from test_search import build_db

    db = build_db(runner, tmp_path, {"a": "Les usagers du service.", "b": "Un usager.", "c": "Des usagers."})
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        register_search_functions(conn)
        others = conn.execute("SELECT hubkb_fts_rank_others('usager')").fetchone()[0]
        asked: list[str] = []
        conn.create_function("hubkb_fts_rank_others", 1, lambda q: asked.append(q) or others)
        first = [m.anchor for m in match_paragraphs(conn, "usager", limit=1).matches]
        asked_for_one = list(asked)
        every = sorted(m.anchor for m in match_paragraphs(conn, "usager", limit=5).matches)
    finally:
        conn.close()
    assert others == '(("usager" OR "usagers")) NOT ("usager")'
    assert (first, asked_for_one) == (["b#p1"], [])
    assert (every, asked) == (["a#p1", "b#p1", "c#p1"], ["usager"])


def test_phrases_and_raw_keep_their_exact_meaning(built_db: Path) -> None:
    assert sorted(anchors(built_db, '"services publics"')) == [P + "3", P + "6", P + "7"]
    assert anchors(built_db, '"service public"') == []
    assert anchors(built_db, "définitions", limit=10) != []
    assert search(built_db, "définitions", raw=True).hits == []
    assert search(built_db, "définition", raw=True).hits != []


def test_variants_still_work_with_forms(built_db: Path) -> None:
    assert anchors(built_db, "27ème") == [P + "4"]
    assert sorted(anchors(built_db, "co-productions")) == sorted(P + n for n in "134567")


def test_the_canned_query_stems_too(built_db: Path) -> None:
    from serving import Client

    client = Client.serving(built_db, ROOT / "metadata.json")
    try:
        found = client.get("/hubkb/search_passages.json", params={"q": "définitions", "_shape": "array"}).json()
    finally:
        client.close()
    assert [r["anchor"] for r in found] == anchors(built_db, "définitions")


def test_stems_are_plain_rows(built_db: Path) -> None:
    """The database needs no custom tokenizer: stems are rows plain SQLite reads."""
    conn = sqlite3.connect(built_db)
    try:
        rows = dict(
            conn.execute("SELECT term, stem FROM search_stems WHERE term IN ('innovation', 'innovations', 'prandelle')")
        )
    finally:
        conn.close()
    assert rows == {"innovation": "innov", "innovations": "innov", "prandelle": None}


# --- recall and precision ---------------------------------------------------------------------


def test_recall_of_other_forms(built_db: Path, generated_db: Path) -> None:
    assert len(SEED_PAIRS) + len(GENERATED_PAIRS) >= 40
    found_seed, expected_seed, seed_lines = recall(built_db, SEED_PAIRS)
    found_gen, expected_gen, gen_lines = recall(generated_db, GENERATED_PAIRS)
    found, expected = found_seed + found_gen, expected_seed + expected_gen
    report = "\n".join([*seed_lines, *gen_lines, f"recall {found}/{expected} = {found / expected:.3f}"])
    print(report)
    assert found / expected >= 0.95, report
    assert all(not line.split(": ")[1].startswith("0/") for line in [*seed_lines, *gen_lines]), report


@pytest.mark.parametrize("fixture", ["built_db", "generated_db"])
def test_a_full_build_stems_every_indexed_word(request: pytest.FixtureRequest, fixture: str) -> None:
    """A full build stems the words its workers met as they read the posts, without walking the
    paragraphs' index: the same words as that index's vocabulary, the works' and the post titles'.
    The default corpus is scanned a paragraph at a time, the generated one on arrays."""
    conn = sqlite3.connect(request.getfixturevalue(fixture))
    try:
        stemmed = {term for (term,) in conn.execute("SELECT term FROM search_stems")}
        indexed = _index_words(conn) | index_words(title for (title,) in conn.execute("SELECT title FROM posts"))
    finally:
        conn.close()
    assert len(stemmed) > 300
    assert stemmed == {word for word in indexed if stemmable(word)}


def test_words_that_must_not_merge(runner, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "posts").mkdir(parents=True)
    (corpus / "people.yaml").write_text(
        "- name: Marie Curie\n- name: Anne Hidalgo\n- name: Pierre Rabhi\n- name: Laura Prandelle\n", encoding="utf-8"
    )
    (corpus / "organisations.yaml").write_text(
        "- name: Caisse nationale des allocations familiales\n  aliases: [CAF]\n", encoding="utf-8"
    )
    for name in ("works", "terms"):
        (corpus / f"{name}.yaml").write_text("[]\n", encoding="utf-8")
    for n, (a, b) in enumerate(DISTINCT_PAIRS):
        (corpus / "posts" / f"pair-{n:02d}.md").write_text(
            f"---\ntitle: Paire {n}\ndate: 2015-03-03\nauthors: []\n---\n"
            f"Premier paragraphe avec le mot {a} seul.\n\nSecond paragraphe avec le mot {b} seul.\n",
            encoding="utf-8",
        )
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    merged = []
    for n, (a, b) in enumerate(DISTINCT_PAIRS):
        if f"pair-{n:02d}#p2" in anchors(db, a) or f"pair-{n:02d}#p1" in anchors(db, b):
            merged.append((a, b))
    assert len(DISTINCT_PAIRS) >= 20
    assert merged == []


def test_stems_of_the_issue() -> None:
    assert stem("definitions") == stem("definition") == "definit"
    assert stem("utilisateurs") == stem("utilisateur") == "utilis"
    assert stem("innovant") == stem("innovation") == stem("innovations") == "innov"
    assert stem("caf") is None and stem("27e") is None


def test_the_search_page_lists_the_paragraph_s_passages(built_db: Path) -> None:
    from serving import Client

    client = Client.serving(built_db, ROOT / "metadata.json")
    try:
        html = client.get("/hubkb/search_passages", params={"q": "professionnel"}).text
        [row] = client.get("/hubkb/search_passages.json", params={"q": "professionnel", "_shape": "array"}).json()
    finally:
        client.close()
    assert "les <mark>professionnels</mark>, les utilisateurs" in html
    d2 = f"/hubkb/definitions/{SEED_POST}~23d2"
    assert f'<li><a href="{d2}">definition {SEED_POST}#d2</a> (coproduction) by Michael Harris' in html
    assert [p["id"] for p in json.loads(row["passages"])] == [f"{SEED_POST}#d2", f"{SEED_POST}#q1"]
    assert json.loads(row["matched"]) == ["professionnels"] and "<mark>" not in row["snippet"]


@pytest.mark.parametrize(
    ("query", "first"),
    [("coprodutions", "coproduction"), ("utilisatuers", "utilisateurs"), ("profesionnels", "professionnels")],
)
def test_did_you_mean_knows_forms_and_never_suggests_a_dead_end(built_db: Path, query: str, first: str) -> None:
    result = search(built_db, query)
    assert result.hits == [] and result.suggestions[0] == first
    for suggestion in result.suggestions:
        assert search(built_db, suggestion).hits, suggestion


def test_no_suggestion_when_another_form_is_indexed(built_db: Path) -> None:
    # "définitions" is not indexed but "définition" is: the query finds it, nothing to suggest
    assert search(built_db, "définitions hippocampe").suggestions == []


# --- search internals stay out of the user's tables ------------------------------------------


def test_variants_live_in_a_hidden_table_of_their_own(built_db: Path) -> None:
    conn = sqlite3.connect(built_db)
    try:
        for table in ("posts", "paragraphs", "definitions", "quotes"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
            assert "search_variants" not in columns, table
        variants = dict(conn.execute("SELECT id, variants FROM search_variants"))
    finally:
        conn.close()
    assert variants[f"{P}4"] == "27e co production"  # it writes 27ème and coproduction: the other spellings
    metadata = json.loads((ROOT / "metadata.json").read_text(encoding="utf-8"))["databases"]["hubkb"]["tables"]
    assert metadata["search_variants"]["hidden"] is True and metadata["search_stems"]["hidden"] is True


def test_full_text_indexes_stay_consistent_through_updates(runner, corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "hubkb.db"
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)]).exit_code == 0
    post = next((corpus_copy / "posts").glob("*.md"))
    post.write_text(post.read_text(encoding="utf-8") + "\nLa 17ème coproduction des usagères.\n", encoding="utf-8")
    result = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert result.exit_code == 0 and result.output.startswith("updated"), result.output
    conn = sqlite3.connect(db)
    try:
        for table in ("posts", "paragraphs", "definitions", "quotes", "works"):
            conn.execute(f"INSERT INTO [{table}_fts] ([{table}_fts]) VALUES ('integrity-check')")
        new = dict(conn.execute("SELECT term, stem FROM search_stems WHERE term = 'usageres'"))
    finally:
        conn.close()
    assert new == {"usageres": stem("usageres")}  # the update stemmed its new word
    assert anchors(db, "17e") == [f"{SEED_POST}#p8"]
    assert f"{SEED_POST}#p8" in anchors(db, "coproductions")
