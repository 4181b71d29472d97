"""The default corpus builds into the knowledge base users count on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import CORPUS, MENTION_ROWS, SEED_POST
from hubkb.cli import cli


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_check_passes_on_the_default_corpus(runner) -> None:
    result = runner.invoke(cli, ["check", "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "checked: 1 posts, 9 people, 10 organisations, 3 works, 5 terms, "
        "2 definitions, 3 quotes, 37 mentions; 0 warnings;"
    )


def test_seed_post_and_paragraphs(built_db: Path) -> None:
    post = rows(built_db, "SELECT title, date, year, authors, tags, site, language, word_count FROM posts")
    assert post == [
        (
            "Vous avez dit coproduction ?",
            "2014-08-27",
            2014,
            '["Régis Chatellier"]',
            '["coproduction", "innovation", "économie collaborative", "services publics"]',
            "l’hubservatoire",
            "fr",
            971,
        )
    ]
    paragraphs = rows(built_db, "SELECT id, n, substr(text, 1, 30) FROM paragraphs ORDER BY n")
    assert len(paragraphs) == 7
    assert paragraphs[0] == (f"{SEED_POST}#p1", 1, "Lancer une étude des processus")
    assert paragraphs[6][2] == "Une collectivité n’est pas une"
    assert rows(built_db, "SELECT person_id FROM post_authors") == [("regis-chatellier",)]


def test_authorities(built_db: Path) -> None:
    people = dict(rows(built_db, "SELECT name, organisations FROM people"))
    assert sorted(people) == [
        "Antonin Leonard",
        "David Boyle",
        "Hubert Guillaud",
        "Ivo Gormley",
        "Laura Pandelle",
        "Margaret Thatcher",
        "Michael Harris",
        "Régis Chatellier",
        "Susie Cagle",
    ]
    assert people["Laura Pandelle"] == '["La 27e Région"]'
    assert people["Antonin Leonard"] == '["Ouishare"]'
    orgs = rows(built_db, "SELECT id, aliases FROM organisations WHERE name = 'La 27e Région'")
    assert orgs == [("la-27e-region", '["27e Région", "27ème Région", "La 27ème Région"]')]
    assert {r[0] for r in rows(built_db, "SELECT name FROM organisations")} >= {
        "Nesta",
        "Ouishare",
        "Observatoire des innovations de la Cité des sciences et de l’industrie",
    }


def test_works_and_their_authors(built_db: Path) -> None:
    works = rows(built_db, "SELECT id, type, year, publisher, authors, title_as_cited FROM works ORDER BY id")
    assert works == [
        (
            "boyle-harris-2009",
            "report",
            2009,
            "Nesta",
            '["David Boyle", "Michael Harris"]',
            "The Challenge of Coproduction, how equal partnerships between professionnals and the public "
            "are crucial to improvig public services",
        ),
        ("pandelle-2010", "blogpost", 2010, "La 27e Région", '["Laura Pandelle"]', None),
        ("us-now", "video", 2009, None, '["Ivo Gormley"]', None),
    ]
    assert rows(built_db, "SELECT work_id, position, entity_type, person_id FROM work_authors ORDER BY 1, 2") == [
        ("boyle-harris-2009", 1, "person", "david-boyle"),
        ("boyle-harris-2009", 2, "person", "michael-harris"),
        ("pandelle-2010", 1, "person", "laura-prandelle"),
        ("us-now", 1, "person", "ivo-gormley"),
    ]


def test_definitions_are_anchored_with_the_second_hand_chain(built_db: Path) -> None:
    defs = rows(
        built_db,
        "SELECT id, term_id, by, work_id, via_person_id, paragraph_id, substr(text, 1, 22) "
        "FROM definitions ORDER BY id",
    )
    assert defs == [
        (
            f"{SEED_POST}#d1",
            "innovation",
            '["Observatoire des innovations de la Cité des sciences et de l’industrie"]',
            None,
            None,
            f"{SEED_POST}#p2",
            "Innover, c’est réussir",
        ),
        (
            f"{SEED_POST}#d2",
            "coproduction",
            '["Michael Harris", "David Boyle"]',
            "boyle-harris-2009",
            "laura-prandelle",
            f"{SEED_POST}#p4",
            "délivrer un service da",
        ),
    ]
    givers = rows(
        built_db,
        "SELECT definition_id, entity_type, person_id, organisation_id FROM definition_givers ORDER BY 1, position",
    )
    assert givers == [
        (f"{SEED_POST}#d1", "organisation", None, "observatoire-des-innovations"),
        (f"{SEED_POST}#d2", "person", "michael-harris", None),
        (f"{SEED_POST}#d2", "person", "david-boyle", None),
    ]


def test_quotes(built_db: Path) -> None:
    quotes = rows(built_db, "SELECT text, by, via_person_id, paragraph_id FROM quotes ORDER BY id")
    assert quotes == [
        (
            "chaque partie devient un agent de changement, d’amélioration ou d’évaluation du service en puissance",
            '["Laura Pandelle"]',
            None,
            f"{SEED_POST}#p4",
        ),
        ("crise de puberté", '["Antonin Leonard"]', None, f"{SEED_POST}#p6"),
        ("capitalisme de catastrophe", '["Susie Cagle"]', "hubert-guillaud", f"{SEED_POST}#p6"),
    ]


def test_citations(built_db: Path) -> None:
    assert rows(built_db, "SELECT work_id, paragraph_id, in_references, via_person_id FROM citations ORDER BY 1") == [
        ("boyle-harris-2009", f"{SEED_POST}#p4", 1, "laura-prandelle"),
        ("us-now", f"{SEED_POST}#p4", 1, None),
    ]


def test_mentions_find_variants_as_written(built_db: Path) -> None:
    found = rows(
        built_db,
        f"SELECT paragraph_id, entity_type, entity_id, surface FROM {MENTION_ROWS} "
        "WHERE entity_type IN ('person', 'organisation') ORDER BY paragraph_id, entity_id",
    )
    assert (f"{SEED_POST}#p4", "organisation", "la-27e-region", "27ème Région") in found
    assert (f"{SEED_POST}#p3", "person", "margaret-thatcher", "Margaret Thatcher") in found
    assert (f"{SEED_POST}#p7", "organisation", "hubservatoire", "hubservatoire") in found
    assert rows(built_db, f"SELECT count(*), sum(count) FROM {MENTION_ROWS} WHERE entity_id = 'coproduction'") == [
        (6, 12)
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("region", [f"{SEED_POST}#p4"]),
        ("27e", [f"{SEED_POST}#p4"]),
        ("27eme", [f"{SEED_POST}#p4"]),
        (
            '"co production"',
            [
                f"{SEED_POST}#p1",
                f"{SEED_POST}#p3",
                f"{SEED_POST}#p4",
                f"{SEED_POST}#p5",
                f"{SEED_POST}#p6",
                f"{SEED_POST}#p7",
            ],
        ),
        ("etasunienne", [f"{SEED_POST}#p6"]),
        ("thatcher", [f"{SEED_POST}#p3"]),
        ("thatch*", [f"{SEED_POST}#p3"]),
    ],
)
def test_paragraphs_fts_folds_accents_and_french_variants(built_db: Path, query: str, expected: list[str]) -> None:
    found = rows(
        built_db,
        "SELECT paragraphs.id FROM paragraphs_fts JOIN paragraphs ON paragraphs.rowid = "
        "paragraphs_fts.rowid WHERE paragraphs_fts MATCH ? ORDER BY paragraphs.n",
        query,
    )
    assert [r[0] for r in found] == expected


def test_fts_tables_use_the_french_tokenizer(built_db: Path) -> None:
    sql = dict(rows(built_db, "SELECT name, sql FROM sqlite_master WHERE name LIKE '%_fts'"))
    assert sorted(sql) == ["definitions_fts", "paragraphs_fts", "posts_fts", "quotes_fts", "works_fts"]
    assert all("tokenize='unicode61 remove_diacritics 2'" in s for s in sql.values())
    # no prefix indexes (54 MB at 10,000 posts): a prefix search reads the term list, and still finds
    assert all("prefix=" not in s for s in sql.values())
    assert "detail='column'" in sql["posts_fts"]  # the bodies' word positions are in paragraphs_fts
    found = rows(built_db, "SELECT count(*) FROM paragraphs_fts WHERE paragraphs_fts MATCH 'copro*'")
    assert found[0][0] == rows(built_db, "SELECT count(*) FROM paragraphs WHERE text LIKE '%coprod%'")[0][0] > 0


def test_full_text_indexes_are_one_segment_and_updates_still_merge(built_db: Path) -> None:
    """A fresh build merges each index once ('optimize'): every MATCH seeks each word in one segment;
    FTS5's automerge is back at its default, so that updates (the triggers) keep merging."""
    for table in ("paragraphs_fts", "posts_fts", "definitions_fts", "quotes_fts"):
        assert rows(built_db, f"SELECT count(DISTINCT segid) FROM {table}_idx") == [(1,)], table
        assert rows(built_db, f"SELECT v FROM {table}_config WHERE k = 'automerge'") == [(4,)], table


def test_indexes_are_those_pages_and_queries_use(built_db: Path) -> None:
    """The README's list: primary keys, foreign keys, post_id where a post's rows are deleted, the posts page."""
    indexes = {
        name: sql
        for name, sql in rows(built_db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    }
    assert indexes["idx_posts_date_year_id_tags_authors"].endswith(
        "ON [posts] ([date], [year], [id], [tags], [authors])"
    )
    plan = rows(
        built_db,
        "EXPLAIN QUERY PLAN SELECT id FROM posts WHERE +rowid IN (SELECT rowid FROM posts_fts WHERE posts_fts "
        "MATCH 'coproduction') ORDER BY date DESC LIMIT 101",
    )
    assert any("idx_posts_date_year_id_tags_authors" in step[3] for step in plan), plan
    # search_variants: keyed by the row's id only (a post's rows are found by that id's prefix)
    assert [c[1] for c in rows(built_db, "PRAGMA table_info(search_variants)")] == ["id", "variants"]
    assert "idx_search_variants_post_id" not in indexes


def test_every_index_serves_an_equality_on_its_first_column(built_db: Path) -> None:
    """`col = ?` can use each index the build makes. SQLite uses no partial index ("WHERE col IS NOT NULL") on
    a key column of a WITHOUT ROWID table: an entity page scanned every mention row until those were made whole."""
    indexes = rows(built_db, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'")
    assert {"idx_mentions_entity", "idx_reuse_other", "idx_entities_person_id"} <= {name for name, _ in indexes}
    for name, table in indexes:
        column = rows(built_db, f"SELECT name FROM pragma_index_info('{name}') WHERE seqno = 0")[0][0]
        # INDEXED BY fails ("no query solution") where the index cannot serve the query
        plan = rows(built_db, f"EXPLAIN QUERY PLAN SELECT * FROM [{table}] INDEXED BY [{name}] WHERE [{column}] = ?", 1)
        assert any(f"INDEX {name} ({column}=?)" in step[3] for step in plan), (name, plan)
    partial = dict(rows(built_db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql LIKE '%WHERE%'"))
    assert "idx_mentions_entity" not in partial and "idx_entities_person_id" in partial  # nulls still left out there


def test_an_entity_pages_newest_mentions_are_the_same_either_way(generated_200: Path, tmp_path: Path) -> None:
    """`entities.mentions` looks a rarely mentioned entity's mentions up and walks the posts from the newest
    for a often mentioned one: both ways give the same rows, newest first."""
    from hubkb import build
    from hubkb.db import entities

    db = tmp_path / "hubkb.db"
    build.build(generated_200 / "corpus", db, Path(build.__file__).parents[2] / "schema.yaml", full=True)
    with sqlite3.connect(db) as conn:
        counts = conn.execute(
            "SELECT e.type, e.entity_id, count(*) FROM mentions m JOIN entities e ON e.id = m.entity "
            "GROUP BY m.entity ORDER BY count(*) DESC, m.entity"
        ).fetchall()
        assert counts[0][2] > entities.WALK_FROM >= counts[-1][2]  # both ways are taken on this corpus
        try:
            for kind, entity_id, total in counts[:: max(1, len(counts) // 150)]:
                found = []
                for walk_from in (-1, 10**9):  # always walk the posts, never
                    entities.WALK_FROM = walk_from
                    found.append(entities.mentions(conn, kind, entity_id))
                assert found[0] == found[1], (kind, entity_id)
                assert found[0]["total"] == total and len(found[0]["rows"]) == min(total, 25)
                dates = [row["post"]["date"] for row in found[0]["rows"]]
                assert dates == sorted(dates, reverse=True)
        finally:
            entities.WALK_FROM = 300


def test_foreign_keys_are_declared(built_db: Path) -> None:
    fks = rows(built_db, 'SELECT "table", "from" FROM pragma_foreign_key_list(\'definitions\')')
    assert sorted(f[1] for f in fks) == ["paragraph_id", "post_id", "term_id", "via_person_id", "work_id"]


def test_build_is_deterministic(tmp_path: Path, runner) -> None:
    for name in ("a.db", "b.db"):
        assert runner.invoke(cli, ["build", "--corpus", str(CORPUS), "--db", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()


def every_row(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS index data and ANALYZE's statistics included), rowids with them."""
    with sqlite3.connect(db) as conn:
        tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
        found = {}
        for name, sql in tables:
            with_rowid = not sql.startswith("CREATE VIRTUAL") and "WITHOUT ROWID" not in sql
            found[name] = conn.execute(f"SELECT {'rowid, ' if with_rowid else ''}* FROM [{name}] ORDER BY 1").fetchall()
    return found


def test_a_full_build_is_the_same_whatever_its_chunks_and_workers(
    generated_200: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers write runs of posts into chunk files (no keys there) that the parent merges: the rows, their
    rowids, the full-text indexes and the statistics do not depend on where the runs were cut."""
    from hubkb import build

    corpus, schema = generated_200 / "corpus", Path(build.__file__).parents[2] / "schema.yaml"
    found = []
    for chunk_posts, cores in ((1000, 1), (7, 2), (64, 2)):
        monkeypatch.setattr(build, "CHUNK_POSTS", chunk_posts)
        monkeypatch.setattr(build, "_cores", lambda cores=cores: cores)
        db = tmp_path / f"{chunk_posts}.db"
        report = build.build(corpus, db, schema, full=True)
        assert (report.posts, report.mentions) == (200, 21184)
        found.append(every_row(db))
    assert sum(map(len, found[0].values())) > 30_000
    assert found[1] == found[0]
    assert found[2] == found[0]
