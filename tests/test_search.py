"""hubkb search: accents, French spellings, phrases, prefixes, suggestions, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED_POST
from hubkb.cli import cli
from hubkb.errors import QueryError
from hubkb.fts_query import escape_fts, words_in_columns
from hubkb.writer.search import search, snippet_html, snippet_parts

P = f"{SEED_POST}#p"
COPRODUCTION = [P + n for n in "134567"]  # every paragraph but the one on innovation


def make_corpus(root: Path, posts: dict[str, str], date: str = "2015-03-03") -> Path:
    """A corpus of unsigned posts, one per {name: body}, with empty authority files."""
    corpus = root / "corpus"
    (corpus / "posts").mkdir(parents=True)
    for name in ("people", "organisations", "works", "terms"):
        (corpus / f"{name}.yaml").write_text("[]\n", encoding="utf-8")
    for name, body in posts.items():
        (corpus / "posts" / f"{name}.md").write_text(
            f"---\ntitle: {name.title()}\ndate: {date}\nauthors: []\n---\n{body}\n", encoding="utf-8"
        )
    return corpus


def build_db(runner, root: Path, posts: dict[str, str]) -> Path:
    corpus = make_corpus(root, posts)
    db = root / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def anchors(db: Path, query: str, **kwargs) -> list[str]:
    return [h.anchor for h in search(db, query, **kwargs).hits]


def run_json(runner, db: Path, *args: str) -> dict:
    result = runner.invoke(cli, ["search", "--db", str(db), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the default corpus ------------------------------------------------------------


def test_region_finds_the_27e_region_paragraph(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["search", "region", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"1. Vous avez dit coproduction ? (2014-08-27)  {P}4"
    assert lines[1].startswith("   …") and "cités par Laura Prandelle (27ème Région)" in lines[1]
    assert lines[2:] == [
        f"   - definition {SEED_POST}#d2 (coproduction) by Michael Harris & David Boyle, via Laura Pandelle",
        f"   - quote {SEED_POST}#q1 by Laura Pandelle",
        "1 matching paragraph",
        "cite one with: hubkb cite --definition ID, or --quote ID",
    ]


def test_json_output(runner, built_db: Path) -> None:
    out = run_json(runner, built_db, "region")
    assert list(out) == ["query", "hits", "suggestions", "capped"]
    assert out["query"] == "region" and out["suggestions"] == [] and out["capped"] is False
    [hit] = out["hits"]
    assert {k: v for k, v in hit.items() if k not in ("snippet", "matched")} == {
        "post_id": SEED_POST,
        "title": "Vous avez dit coproduction ?",
        "date": "2014-08-27",
        "anchor": f"{P}4",
        "passages": [
            {
                "kind": "definition",
                "id": f"{SEED_POST}#d2",
                "term": "coproduction",
                "by": ["Michael Harris", "David Boyle"],
                "via": "Laura Pandelle",
            },
            {"kind": "quote", "id": f"{SEED_POST}#q1", "term": None, "by": ["Laura Pandelle"], "via": None},
        ],
    }
    assert "Laura Prandelle (27ème <mark>Région</mark>),\xa0donnent" in hit["snippet"]
    assert hit["matched"] == ["Région"]


def test_terminal_highlights_the_match(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["search", "region", "--db", str(built_db)], color=True)
    assert "(27ème \x1b[33m\x1b[1mRégion\x1b[0m)" in result.stdout


@pytest.mark.parametrize("query", ["region", "Région", "RÉGION", "regiön", "27eme", "27ème", "27e", "27ème région"])
def test_accents_and_ordinals(built_db: Path, query: str) -> None:
    assert anchors(built_db, query) == [f"{P}4"]


def test_the_ordinal_as_written_is_highlighted(built_db: Path) -> None:
    [hit] = search(built_db, "27e").hits
    assert "(<mark>27ème</mark> Région)" in snippet_html(hit)


@pytest.mark.parametrize("query", ["coproduction", "co-production", "Co-Production", "co‑production", "copro*"])
def test_coproduction_in_every_spelling(built_db: Path, query: str) -> None:
    assert sorted(anchors(built_db, query)) == COPRODUCTION


def test_phrases(built_db: Path) -> None:
    assert sorted(anchors(built_db, '"services publics"')) == [P + "3", P + "6", P + "7"]
    assert sorted(anchors(built_db, '"27ème région"')) == [P + "4"]
    assert sorted(anchors(built_db, '"coproduction de l’innovation"')) == [P + "1", P + "7"]
    assert anchors(built_db, '"publics services"') == []
    [first, *_] = search(built_db, '"services publics"').hits
    assert "domaine des <mark>services publics</mark>." in snippet_html(first)


def test_elisions_and_apostrophes(built_db: Path) -> None:
    assert sorted(anchors(built_db, "l'innovation")) == sorted(anchors(built_db, "l’innovation"))
    assert P + "1" in anchors(built_db, "l'innovation")


def test_several_words_must_all_match(built_db: Path) -> None:
    assert anchors(built_db, "Prandelle Gormley") == [P + "4"]
    assert anchors(built_db, "Prandelle hippocampe") == []


def test_limit_and_summary(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["search", "coproduction", "--limit", "2", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2 of 6 matching paragraphs (--limit N shows more)"
    assert len(run_json(runner, built_db, "coproduction", "--limit", "2")["hits"]) == 2


def test_words_of_a_query_may_be_given_unquoted(runner, built_db: Path) -> None:
    assert run_json(runner, built_db, "Laura", "Prandelle")["query"] == "Laura Prandelle"


def test_suggestions_from_the_index(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["search", "coprodution", "--db", str(built_db)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "no paragraph matches 'coprodution'; did you mean coproduction, coproduite, production?\n"
    out = run_json(runner, built_db, "coprodution")
    assert out["hits"] == [] and out["suggestions"][0] == "coproduction"


def test_no_suggestion_for_words_the_index_holds(built_db: Path) -> None:
    # Both words exist; only their combination does not.
    assert search(built_db, "Prandelle Thatcher").suggestions == []


# --- raw FTS5 syntax ------------------------------------------------------------------


def test_raw_mode_passes_fts5_syntax(built_db: Path) -> None:
    assert anchors(built_db, "coproduction NOT services", raw=True) == [P + "1"]
    assert sorted(anchors(built_db, "Prandelle OR Thatcher", raw=True)) == [P + "3", P + "4"]
    assert anchors(built_db, "NEAR(Laura Gormley, 5)", raw=True) == []
    assert anchors(built_db, "NEAR(Laura Prandelle, 1)", raw=True) == [P + "4"]
    # Raw queries are normalised too: co-production is not FTS5 syntax, coproduction is.
    assert sorted(anchors(built_db, "co-production", raw=True)) == COPRODUCTION
    # Escaped, the same words are just words: "not" is searched for.
    assert anchors(built_db, "coproduction NOT services") == []


def test_raw_syntax_error_is_a_clear_message(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["search", "--raw", 'NEAR("', "--db", str(built_db)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: cannot search for 'NEAR(\"': fts5: unterminated string (see FTS5 query syntax at "
        "https://www.sqlite.org/fts5.html#full_text_query_syntax, or drop --raw to search for the words as typed)\n"
    )
    result = runner.invoke(cli, ["search", "--raw", "coproduction AND", "--db", str(built_db)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: cannot search for 'coproduction AND': fts5: syntax error near \"\"")


# --- hostile input ----------------------------------------------------------------------

HOSTILE = [
    'NEAR("',
    '"unbalanced',
    'a"b"c"',
    "AND",
    "OR NOT",
    "(",
    ")",
    "-",
    "^",
    "+coproduction",
    "text:coproduction",
    "{text search_variants}: coproduction",
    "NEAR(coproduction services, 2)",
    "coproduction*" * 3,
    "'; DROP TABLE paragraphs; --",
    "\x00",
    "é\u0301",
    "\u202e",
    "🙂",
    "x" * 5000,
    ('coproduction AND (NEAR(" ' * 300)[:5000],
    '"' * 5000,
    "*" * 5000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_a_traceback(runner, built_db: Path, query: str) -> None:
    result = runner.invoke(cli, ["search", "--db", str(built_db), "--", query])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert (runner.invoke(cli, ["search", "--raw", "--db", str(built_db), "--", query]).exit_code) in (0, 1)


def test_hostile_words_are_searched_as_words(built_db: Path) -> None:
    assert anchors(built_db, "+coproduction") == anchors(built_db, "coproduction")
    assert sorted(anchors(built_db, "text:coproduction")) == []  # "text coproduction" as a phrase
    assert anchors(built_db, 'NEAR("') == []
    assert search(built_db, "x" * 5000).hits == []


@pytest.mark.parametrize("query", ["*", "", "   ", '""', "-", "(", "**"])
def test_a_query_without_words_is_a_clear_error(runner, built_db: Path, query: str) -> None:
    result = runner.invoke(cli, ["search", "--db", str(built_db), "--", query])
    assert result.exit_code == 1
    assert result.output == f"Error: nothing to search for in {query!r}: give at least one word\n"


def test_a_too_long_query_is_a_clear_error(runner, built_db: Path) -> None:
    result = runner.invoke(cli, ["search", "--db", str(built_db), "a" * 10_001])
    assert result.exit_code == 1
    assert result.output == (
        "Error: the query is 10,001 characters long; a search takes at most 10,000 (search for a shorter passage)\n"
    )


def test_missing_database(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["search", "region", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'none.db'}: no such database; build it first with "
        f"`hubkb build --db {tmp_path / 'none.db'}`\n"
    )


def test_a_file_that_is_not_a_hubkb_database(runner, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    other.write_text("not sqlite at all, but long enough to look like a header" * 10)
    result = runner.invoke(cli, ["search", "region", "--db", str(other)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {other}: not a SQLite database")


# --- small corpora ----------------------------------------------------------------------


def test_accent_folding_on_a_small_corpus(runner, tmp_path: Path) -> None:
    db = build_db(
        runner,
        tmp_path,
        {
            "a": "La 27ème Région travaille avec les élus.",
            "b": "Une région sans numéro.\n\nLe mot hippocampe.",
            "c": "Les co-producteurs et la coproduction.",
        },
    )
    assert sorted(anchors(db, "region")) == ["a#p1", "b#p1"]
    assert anchors(db, "elus") == ["a#p1"]
    assert anchors(db, "27e") == ["a#p1"]
    assert anchors(db, '"27e region"') == ["a#p1"]
    assert anchors(db, "coproducteurs") == ["c#p1"]
    assert anchors(db, '"les coproducteurs"') == ["c#p1"]
    assert search(db, "hipocampe").suggestions == ["hippocampe"]


def test_snippets_are_escaped_before_highlighting(runner, tmp_path: Path) -> None:
    db = build_db(runner, tmp_path, {"a": 'Le "mot" <b>gras</b> & <script>x</script>.'})
    [hit] = search(db, "gras").hits
    assert snippet_html(hit) == (
        "Le &quot;mot&quot; &lt;b&gt;<mark>gras</mark>&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;."
    )
    assert hit.snippet == 'Le "mot" <b>gras</b> & <script>x</script>.'
    assert snippet_parts(hit) == [
        ('Le "mot" <b>', False),
        ("gras", True),
        ("</b> & <script>x</script>.", False),
    ]


def test_bm25_ranks_the_denser_paragraph_first(runner, tmp_path: Path) -> None:
    db = build_db(
        runner,
        tmp_path,
        {
            "a": "Un mot sur la coproduction parmi beaucoup d'autres mots de ce long paragraphe sans rapport.",
            "b": "Coproduction, coproduction : la coproduction.",
            "c": "Rien à voir.",
        },
    )
    assert anchors(db, "coproduction") == ["b#p1", "a#p1"]


def test_common_words_rank_a_bounded_candidate_set(runner, tmp_path: Path) -> None:
    posts = {f"p{i:02d}": "commun " * (1 + i % 5) + "texte" for i in range(30)}
    db = build_db(runner, tmp_path, posts)
    full = search(db, "commun", limit=5)
    assert (full.matched, full.capped) == (30, False)
    assert {h.anchor for h in full.hits} == {"p04#p1", "p09#p1", "p14#p1", "p19#p1", "p24#p1"}
    bounded = search(db, "commun", limit=5, candidates=10)
    assert (bounded.matched, bounded.capped) == (10, True)
    assert {h.anchor for h in bounded.hits} <= {f"p{i:02d}#p1" for i in range(30)}
    assert len(bounded.hits) == 5


def test_library_raises_query_errors(built_db: Path) -> None:
    with pytest.raises(QueryError, match="nothing to search for"):
        search(built_db, "*")
    with pytest.raises(QueryError, match="unterminated string"):
        search(built_db, '"', raw=True)


# --- the escaping function ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("coproduction", '("coproduction" OR "co production")'),
        ("région", '"région"'),
        ("copro*", '"copro"*'),
        ('"services publics"', '"services publics"'),
        ('"services publics"*', '"services publics"*'),
        ('NEAR("', '"near"'),
        ('a"b', '"a" AND "b"'),
        ("l'innovation", '"l innovation"'),
        ("AND OR NOT", '"and" AND "or" AND "not"'),
        ("*", ""),
        ("27ème", '("27e" OR "27eme" OR "27ieme" OR "27er" OR "27ere")'),
        ("co-production", '("coproduction" OR "co production")'),
        ("co-pro*", '"copro"*'),
    ],
)
def test_escape_fts(query: str, expected: str) -> None:
    assert escape_fts(query) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"services publics"', '("services" AND "publics")'),
        ('"co-production" "usagers"', '("co" AND "production") AND "usagers"'),
        ('("co production" OR "coproduction") AND "27e"*', '(("co" AND "production") OR "coproduction") AND "27e"*'),
        ('"copro"*', '"copro"*'),
        ('"l""usage" NOT "a b"', '("l" AND "usage") NOT ("a" AND "b")'),
    ],
)
def test_words_in_columns_makes_phrases_an_and_of_their_words(expression: str, expected: str) -> None:
    assert words_in_columns(expression) == expected


def test_a_prefix_becomes_the_indexed_words_it_starts(built_db: Path) -> None:
    """No prefix indexes: copro* is the OR of the words search_stems lists (FTS5 seeks those), same rows."""
    import sqlite3

    from hubkb.db.search import register_search_functions

    conn = sqlite3.connect(built_db)
    try:
        register_search_functions(conn)
        expanded, exact = conn.execute("SELECT hubkb_fts_query('copro*'), hubkb_fts_exact('copro*')").fetchone()
        rows = {
            q: sorted(r[0] for r in conn.execute("SELECT rowid FROM paragraphs_fts WHERE paragraphs_fts MATCH ?", [q]))
            for q in (expanded, exact)
        }
        short = conn.execute("SELECT hubkb_fts_query('co*'), hubkb_fts_query('copro2*')").fetchone()
    finally:
        conn.close()
    assert expanded == '("coproduction" OR "coproduite")' and exact == '"copro"*'
    assert rows[expanded] == rows[exact] and rows[exact]
    assert short == ('"co"*', '"copro2"*')  # too short, or not letters only: searched as a prefix


def test_a_prefix_is_ranked_as_the_words_it_starts(built_db: Path) -> None:
    """The ranking tiers seek the words copro* starts too: no prefix merge, and no second tier of the same rows."""
    import sqlite3

    from hubkb.db.search import register_search_functions

    conn = sqlite3.connect(built_db)
    try:
        register_search_functions(conn)
        rank, others = conn.execute("SELECT hubkb_fts_rank('copro*'), hubkb_fts_rank_others('copro*')").fetchone()
    finally:
        conn.close()
    assert (rank, others) == ('("coproduction" OR "coproduite")', '""')
