"""schema.yaml drives what is read, stored and described: a new field is one line there plus the post.

Each test builds from a private copy of the default corpus with its own
schema.yaml beside it (a folder's schema wins over the embedded one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import CORPUS, SCHEMA, SEED_POST
from hubkb.cli import cli
from hubkb.db.rows import to_column
from hubkb.db.state import published_authorities
from hubkb.db.write import Writer
from hubkb.errors import HubkbError
from hubkb.read import authority_hash, authority_paths, read_authorities
from hubkb.schema import load_schema

SPEC = load_schema(SCHEMA)
POST_FILE = f"posts/{SEED_POST}.md"


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def project(tmp_path: Path, schema_text: str) -> Path:
    """A folder holding a copy of the default corpus and the given schema.yaml; returns the corpus."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    (tmp_path / "schema.yaml").write_text(schema_text, encoding="utf-8")
    return tmp_path / "corpus"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# The one line schema.yaml gains to declare a definition's page ...
PAGE_FIELD = ("          note: text\n      quotes:", "          note: text\n          page: integer\n      quotes:")
# ... and the one line the post gains.
PAGE_IN_POST = ("        translation: true\nquotes:", "        translation: true\n    page: 12\nquotes:")


def test_a_new_definition_field_reaches_its_column(tmp_path: Path, runner) -> None:
    schema = SCHEMA.read_text(encoding="utf-8")
    assert schema.count(PAGE_FIELD[0]) == 1
    corpus = project(tmp_path, schema.replace(*PAGE_FIELD))
    edit(corpus / POST_FILE, *PAGE_IN_POST)
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert rows(db, "SELECT id, page FROM definitions ORDER BY id") == [
        (f"{SEED_POST}#d1", None),
        (f"{SEED_POST}#d2", 12),
    ]
    # An update reads the authorities back from the database and keeps the new column.
    edit(corpus / POST_FILE, "    page: 12\n", "    page: 13\n")
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("updated: 1 posts (1 changed, 0 removed)")
    assert rows(db, "SELECT page FROM definitions ORDER BY id") == [(None,), (13,)]
    assert rows(db, "SELECT type FROM pragma_table_info('definitions') WHERE name = 'page'") == [("INTEGER",)]


def test_a_field_whose_column_is_missing_stops_every_command(tmp_path: Path, runner, monkeypatch) -> None:
    old, new = PAGE_FIELD
    new = new.replace("page: integer", "page: {type: integer, column: page_number}")
    schema = SCHEMA.read_text(encoding="utf-8").replace(old, new)
    corpus = project(tmp_path, schema)
    edit(corpus / POST_FILE, *PAGE_IN_POST)
    monkeypatch.chdir(tmp_path)
    for command in (["check"], ["build"]):
        result = runner.invoke(cli, [*command, "--corpus", str(corpus)])
        assert result.exit_code == 1
        assert result.output == (
            "Error: schema.yaml: corpus.post.definitions.page is stored in 'page_number', which table "
            "'definitions' does not declare; add 'page_number: integer' under tables.definitions.columns\n"
        )
    assert not (tmp_path / "hubkb.db").exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  people:\n    table: people\n",
            "  people:\n    table: persons\n",
            "schema.yaml: corpus.people fills table 'persons', which 'tables' does not declare",
        ),
        (
            "  terms:\n    table: terms\n",
            "  terms:\n",
            "schema.yaml: corpus.terms names no 'table' it fills",
        ),
        (
            "        required: [work]\n        fields:\n          work: {type: string, column: work_id}",
            "        required: [work]\n        fields:\n          work: {type: string, column: citations.work}",
            "schema.yaml: corpus.post.references.work is stored in 'citations.work', which table 'citations' "
            "does not declare; add 'work: text' under tables.citations.columns",
        ),
        (
            "          term: {type: string, column: term_id}",
            "          term: string",
            "schema.yaml: corpus.post.definitions.term has no column 'term' in table 'definitions'; "
            "hubkb computes what it stores, so name its column with 'column:'",
        ),
        (
            "      site: string\n",
            "      site: {type: string, column: citations.via_person_id}\n",
            "schema.yaml: corpus.post.site is stored in 'citations.via_person_id', but a key hubkb does not "
            "compute goes straight to a column of its own table 'posts'",
        ),
        (
            "    optional: [url]\n",
            "    optional: [ur]\n",
            "schema.yaml: tables.posts.optional names 'ur', which is not one of its columns",
        ),
    ],
)
def test_a_schema_that_maps_a_key_nowhere_is_refused(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = SCHEMA.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "schema.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(HubkbError) as exc:
        load_schema(path)
    assert str(exc.value) == message.replace("schema.yaml", str(path))


def test_a_row_with_a_column_the_schema_does_not_declare_is_an_error(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "x.db", SPEC)
    try:
        with pytest.raises(HubkbError) as exc:
            writer.insert({"terms": [{"id": "a", "label": "A"}, {"id": "b", "label": "B", "page": 3}]})
        assert str(exc.value) == "a row of table 'terms' has a column 'page' that schema.yaml does not declare"
        with pytest.raises(HubkbError) as exc:
            writer.insert({"term": [{"id": "a"}]})
        assert str(exc.value).startswith("schema.yaml declares no table 'term' (tables: posts, paragraphs,")
    finally:
        writer.discard()


def test_every_column_holds_a_value_in_the_seed_build_or_is_optional(built_db: Path) -> None:
    empty = [
        (table, column)
        for table, spec in SPEC.tables.items()
        for column in spec["columns"]
        if column not in SPEC.optional_columns(table)
        and not rows(built_db, f"SELECT 1 FROM [{table}] WHERE [{column}] IS NOT NULL LIMIT 1")
    ]
    assert empty == []
    # ... and an optional column is one the seed really leaves empty, so the list stays honest.
    filled = [
        (table, column)
        for table in SPEC.tables
        for column in SPEC.optional_columns(table)
        if rows(built_db, f"SELECT 1 FROM [{table}] WHERE [{column}] IS NOT NULL LIMIT 1")
    ]
    assert filled == []


def _value(spec: Any, key: str) -> Any:
    kind = spec if isinstance(spec, str) else spec.get("type", "string")
    if isinstance(spec, dict) and spec.get("choices"):
        return spec["choices"][0]
    return {"integer": 7, "date": dt.date(2020, 1, 2)}.get(
        kind, [f"{key} 1"] if kind in ("names", "ids", "strings") else f"{key} value"
    )


def _give_every_key(data: dict, section: str) -> None:
    for key, _column, _kind in SPEC.sections[section].passthrough:
        data[key] = _value(_field_spec(section, key), key)


def _field_spec(section: str, key: str) -> Any:
    spec: Any = {"fields": SPEC.corpus}
    for part in section.split("."):
        spec = spec["fields"][part]
    return spec["fields"][key]


def test_every_key_a_record_passes_through_reaches_its_column(tmp_path: Path, runner) -> None:
    """Every pass-through key schema.yaml declares, given a value in every entry, is stored as given."""
    corpus = project(tmp_path, SCHEMA.read_text(encoding="utf-8"))
    text = (corpus / POST_FILE).read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    post = yaml.safe_load(front)
    _give_every_key(post, "post")
    for key in ("definitions", "quotes"):
        for item in post[key]:
            _give_every_key(item, f"post.{key}")
            for hop in item.get("relays", []):
                _give_every_key(hop, f"post.{key}.relays")
                # every work now has the same dummy language: a declared translation would rightly be refused
                hop.pop("translation", None)
    dumped = yaml.safe_dump(post, allow_unicode=True, sort_keys=False)
    (corpus / POST_FILE).write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")
    for kind in ("people", "organisations", "works", "terms"):
        path = corpus / f"{kind}.yaml"
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in entries:
            _give_every_key(entry, kind)
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    checked = 0
    for name, section in SPEC.sections.items():
        for key, column, kind in section.passthrough:
            expected = to_column(kind, _value(_field_spec(name, key), key))
            where = {"post.definitions": "definitions", "post.quotes": "quotes"}.get(name, section.table)
            assert rows(db, f"SELECT DISTINCT [{column}] FROM [{where}]") == [(expected,)], (name, key)
            checked += 1
    assert checked >= 19  # posts 5, definitions 1, quotes 1, people 2, organisations 3, works 6, terms 1


def test_authorities_read_back_from_the_database_equal_those_read_from_the_files(built_db: Path) -> None:
    from_files, problems = read_authorities(CORPUS, SPEC)
    assert problems == []
    from_db, _links = published_authorities(built_db, authority_paths(CORPUS), authority_hash(CORPUS), SPEC)
    for kind in ("people", "organisations", "works", "terms"):
        expected = [dataclasses.replace(r, line=0) for r in getattr(from_files, kind)]
        assert list(getattr(from_db, kind)) == expected, kind
    assert from_db.people[4].fields == {"url": None, "note": None}
    assert from_db.works[0].fields["publisher"] == "Nesta"
