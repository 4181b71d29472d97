"""metadata.json describes only what exists, and everything that does."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import ROOT, SCHEMA
from hubkb.db.canned import canned_queries
from hubkb.schema import load_schema
from serving import Client

METADATA = json.loads((ROOT / "metadata.json").read_text(encoding="utf-8"))
DATABASE = METADATA["databases"]["hubkb"]
TABLES = DATABASE["tables"]
QUERIES = canned_queries()
SPEC = load_schema(SCHEMA)


def db_columns(built_db: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(built_db)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    return {n: [r[1] for r in conn.execute(f"pragma table_info([{n}])")] for n in names}


def test_top_level_metadata() -> None:
    for key in ("title", "description_html", "license", "license_url", "source"):
        assert METADATA[key].strip(), key
    assert list(METADATA["databases"]) == ["hubkb"]


def test_metadata_names_only_tables_and_columns_that_exist(built_db: Path) -> None:
    existing = db_columns(built_db)
    for table, meta in TABLES.items():
        assert table in existing, f"metadata describes a table that does not exist: {table}"
        columns = existing[table]
        assert set(meta.get("columns", {})) <= set(columns), (table, set(meta["columns"]) - set(columns))
        for key in ("label_column", "sort", "sort_desc"):
            if key in meta:
                assert meta[key] in columns, (table, key, meta[key])
        for facet in meta.get("facets", []):
            column = facet if isinstance(facet, str) else facet["json_array"]
            assert column in columns, (table, facet)
        if "fts_table" in meta:
            assert meta["fts_table"] in existing and meta["fts_pk"] == "rowid", table


def test_every_table_and_column_is_described() -> None:
    assert set(TABLES) == set(SPEC.tables)
    for table, spec in SPEC.tables.items():
        assert TABLES[table]["description"].strip(), table
        described = TABLES[table]["columns"]
        assert list(described) == list(spec["columns"]), table  # same columns, in schema order
        assert all(text.strip() for text in described.values()), table


def test_full_text_search_is_configured_where_the_schema_indexes() -> None:
    assert {t for t, meta in TABLES.items() if "fts_table" in meta} == set(SPEC.fts_tables())
    assert {t: meta["fts_table"] for t, meta in TABLES.items() if "fts_table" in meta} == {
        t: f"{t}_fts" for t in SPEC.fts_tables()
    }


def test_default_facets_and_labels() -> None:
    # json_array: hubkb's array facet (the plugin's), fast on tables with long texts
    assert TABLES["posts"]["facets"] == ["year", {"json_array": "tags"}, {"json_array": "authors"}]
    assert TABLES["definitions"]["facets"] == ["term_id", {"json_array": "by"}]
    assert TABLES["citations"]["facets"] == ["work_id", "via_person_id"]
    assert TABLES["mentions"]["facets"] == ["entity"]
    assert {t: TABLES[t]["label_column"] for t in ("people", "organisations", "works", "terms", "posts")} == {
        "people": "name",
        "organisations": "name",
        "works": "title",
        "terms": "label",
        "posts": "title",
    }


def test_canned_queries_have_titles_descriptions_and_parameters() -> None:
    assert len(QUERIES) >= 4
    # :_hubkb_limit and the like are magic parameters, never form fields
    params = {name: sorted(set(re.findall(r"(?<!:):([^\W_]\w*)", q["sql"]))) for name, q in QUERIES.items()}
    assert params == {
        "search_passages": ["q"],
        "definitions_of_term": ["term"],
        "everything_about": ["name"],
        "who_cites_whom": ["name"],
    }
    for name, query in QUERIES.items():
        assert query["title"] and len(query["description"].split()) >= 10, name
    search = QUERIES["search_passages"]["sql"]
    assert "bm25(paragraphs_fts" in search and "snippet(paragraphs_fts" in search
    assert "hubkb_fts_query(:q)" in search


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_canned_queries_answer_with_and_without_a_value(name: str, built_db: Path) -> None:
    client = Client.serving(built_db, ROOT / "metadata.json")
    try:
        param = {"search_passages": "q", "definitions_of_term": "term"}.get(name, "name")
        for value, least in (("", 0), ("coproduction" if param != "name" else "Laura Prandelle", 1)):
            response = client.get(f"/hubkb/{name}.json", params={param: value, "_shape": "array"})
            assert response.status_code == 200, response.text
            assert len(response.json()) >= least, (name, value)
        assert f"<title>{QUERIES[name]['title']}: hubkb</title>" in client.get(f"/hubkb/{name}").text
    finally:
        client.close()


def test_the_wheel_carries_the_metadata() -> None:
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert '"metadata.json"' in setup
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"plugin/templates/*.html"' in pyproject
