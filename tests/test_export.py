"""hubkb export: every row, streamed, JSON arrays as arrays, works as BibTeX, RIS and CSL-JSON."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc
from pathlib import Path

import bibtexparser
import pytest

from conftest import SEED_POST
from hubkb.citation import parse_ris
from hubkb.cli import cli
from hubkb.writer.export import export

POSTS, PARAGRAPHS_PER_POST = 500, 11


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]


def run(runner, db: Path, *args: str):
    return runner.invoke(cli, ["export", "--db", str(db), *args])


def ok(runner, db: Path, *args: str) -> str:
    """Standard output exactly as written (CliRunner's `stdout` would turn CR LF into LF)."""
    result = run(runner, db, *args)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built from a generated corpus: 500 posts of 11 paragraphs (5,500 paragraph rows)."""
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("big")
    corpus = root / "corpus"
    (corpus / "posts").mkdir(parents=True)
    (corpus / "people.yaml").write_text("- name: Régis Chatellier\n", encoding="utf-8")
    for name in ("organisations", "works", "terms"):
        (corpus / f"{name}.yaml").write_text("[]\n", encoding="utf-8")
    for i in range(POSTS):
        body = "\n\n".join(
            f"Paragraphe {n} du billet {i} : la coproduction « à l’anglaise », des usagers, "
            f'des élus et des agents ; "guillemets", virgules, et retour\u00a0à la ligne. ' * 3
            for n in range(1, PARAGRAPHS_PER_POST + 1)
        )
        (corpus / "posts" / f"2015-01-01-billet-{i:04d}.md").write_text(
            f"---\ntitle: Billet {i}, « numéroté »\ndate: 2015-01-01\nauthors: [Régis Chatellier]\n"
            f"tags: [coproduction, test {i % 7}]\n---\n{body}\n",
            encoding="utf-8",
        )
    db = root / "hubkb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


# --- completeness ----------------------------------------------------------------------


def test_csv_export_has_every_row(runner, big_db: Path, tmp_path: Path) -> None:
    assert count(big_db, "paragraphs") == POSTS * PARAGRAPHS_PER_POST == 5500
    out = tmp_path / "paragraphs.csv"
    result = run(runner, big_db, "paragraphs", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr == f"exported 5,500 rows to {out}\n"
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 5500
    with sqlite3.connect(big_db) as conn:
        expected = conn.execute("SELECT id, post_id, n, text FROM paragraphs ORDER BY id").fetchall()
    got = sorted((r["id"], r["post_id"], int(r["n"]), r["text"]) for r in rows)
    assert got == expected  # quotes, commas, « », non-breaking spaces survive


def test_every_format_has_every_row_on_stdout(runner, big_db: Path) -> None:
    assert len(list(csv.reader(io.StringIO(ok(runner, big_db, "paragraphs"))))) == 5501  # with the header
    assert len(json.loads(ok(runner, big_db, "paragraphs", "--format", "json"))) == 5500
    lines = ok(runner, big_db, "paragraphs", "--format", "ndjson").splitlines()
    assert len(lines) == 5500 and all(json.loads(line)["id"] for line in lines)


def test_sql_export_has_every_row(runner, big_db: Path) -> None:
    out = ok(
        runner,
        big_db,
        "--sql",
        "SELECT p.id, posts.title FROM paragraphs p JOIN posts ON posts.id = p.post_id",
        "--format",
        "ndjson",
    )
    assert len(out.splitlines()) == 5500
    assert json.loads(out.splitlines()[0])["title"] == "Billet 0, « numéroté »"


def test_export_streams(big_db: Path) -> None:
    """Memory stays flat: exporting all 5,500 rows peaks no higher than exporting 1,100."""
    for fmt in ("csv", "json", "ndjson"):
        small, small_chars = _peak(big_db, fmt, "SELECT * FROM paragraphs LIMIT 1100")
        full, full_chars = _peak(big_db, fmt, "SELECT * FROM paragraphs")
        assert full_chars > 4.5 * small_chars and full_chars > 2_500_000
        assert full < 1.5 * small, (fmt, small, full)


def _peak(db: Path, fmt: str, sql: str) -> tuple[int, int]:
    sink = _CountingSink()
    tracemalloc.start()
    try:
        export(db, sink, sql=sql, fmt=fmt)
        return tracemalloc.get_traced_memory()[1], sink.chars
    finally:
        tracemalloc.stop()


class _CountingSink(io.TextIOBase):
    """A text stream that counts what it is given and keeps nothing."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


# --- JSON arrays ---------------------------------------------------------------------------


def test_json_array_columns_are_arrays_in_json(runner, built_db: Path) -> None:
    [post] = json.loads(ok(runner, built_db, "posts", "--format", "json"))
    assert post["authors"] == ["Régis Chatellier"]
    assert post["tags"] == ["coproduction", "innovation", "économie collaborative", "services publics"]
    works = json.loads(ok(runner, built_db, "works", "--format", "json"))
    assert [(w["id"], w["authors"], w["year"]) for w in works] == [
        ("boyle-harris-2009", ["David Boyle", "Michael Harris"], 2009),
        ("pandelle-2010", ["Laura Pandelle"], 2010),
        ("us-now", ["Ivo Gormley"], 2009),
    ]
    assert works[2]["title_as_cited"] is None


def test_json_array_columns_are_arrays_in_ndjson_and_sql(runner, built_db: Path) -> None:
    out = ok(
        runner, built_db, "--sql", "SELECT id, by, text AS note FROM definitions ORDER BY id", "--format", "ndjson"
    )
    assert [json.loads(line)["by"] for line in out.splitlines()] == [
        ["Observatoire des innovations de la Cité des sciences et de l’industrie"],
        ["Michael Harris", "David Boyle"],
    ]
    # A column that is not a JSON array stays text, whatever its name.
    out = ok(runner, built_db, "--sql", "SELECT '[not json' AS authors, '[1, 2]' AS other", "--format", "json")
    assert json.loads(out) == [{"authors": "[not json", "other": "[1, 2]"}]


def test_json_array_columns_are_text_in_csv(runner, built_db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(runner, built_db, "works"))))
    assert [(r["id"], r["authors"]) for r in rows] == [
        ("boyle-harris-2009", '["David Boyle", "Michael Harris"]'),
        ("pandelle-2010", '["Laura Pandelle"]'),
        ("us-now", '["Ivo Gormley"]'),
    ]
    assert rows[2]["title_as_cited"] == ""  # NULL


def test_csv_is_utf8(runner, built_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "posts.csv"
    ok(runner, built_db, "posts", "-o", str(out))
    text = out.read_bytes().decode("utf-8")
    assert "Régis Chatellier" in text and "l’hubservatoire" in text


def test_empty_results(runner, built_db: Path) -> None:
    assert ok(runner, built_db, "--sql", "SELECT id FROM works WHERE 0", "--format", "json") == "[]\n"
    assert ok(runner, built_db, "--sql", "SELECT id FROM works WHERE 0") == "id\r\n"
    assert ok(runner, built_db, "--sql", "SELECT id FROM works WHERE 0", "--format", "ndjson") == ""


def test_blobs_are_base64(runner, built_db: Path) -> None:
    assert json.loads(ok(runner, built_db, "--sql", "SELECT x'00ff' AS b", "--format", "json")) == [
        {"b": {"$base64": True, "encoded": "AP8="}}
    ]
    assert ok(runner, built_db, "--sql", "SELECT x'00ff' AS b") == "b\r\nAP8=\r\n"


# --- works ------------------------------------------------------------------------------------


def test_bibtex_parses_back(runner, built_db: Path) -> None:
    library = bibtexparser.parse_string(ok(runner, built_db, "works", "--format", "bibtex"))
    assert library.failed_blocks == []
    entries = {e.key: e for e in library.entries}
    assert list(entries) == ["boyle2009challenge", "pandelle2010coproduction", "gormley2009us"]
    boyle = entries["boyle2009challenge"]
    assert boyle.entry_type == "techreport"
    assert {f.key: f.value for f in boyle.fields} == {
        "author": "Boyle, David and Harris, Michael",
        "title": "The Challenge of Co-production: How equal partnerships between professionals and the public "
        "are crucial to improving public services",
        "year": "2009",
        "institution": "Nesta",
        "langid": "english",
    }
    assert entries["gormley2009us"].entry_type == "misc"
    pandelle = entries["pandelle2010coproduction"]
    assert pandelle.entry_type == "online"
    assert {f.key: f.value for f in pandelle.fields}["organization"] == "La 27e Région"


def test_ris_parses_back(runner, built_db: Path) -> None:
    text = ok(runner, built_db, "works", "--format", "ris")
    records = parse_ris(text)
    assert [r["TY"] for r in records] == [["RPRT"], ["BLOG"], ["VIDEO"]]
    assert records[0]["AU"] == ["Boyle, David", "Harris, Michael"]
    assert records[0]["PB"] == ["Nesta"] and records[2]["TI"] == ["Us Now"]
    assert records[1]["AU"] == ["Pandelle, Laura"] and records[1]["UR"] == [
        "http://www.la27eregion.fr/co-production-le-nesta-eclaircit-la-notion/"
    ]
    # Every line is "XX  - value" (or the blank line between records), ended by CR LF.
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert all(line == "" or (line[:2].isalnum() and line[2:6] == "  - ") for line in lines)


def test_csl_json(runner, built_db: Path) -> None:
    items = json.loads(ok(runner, built_db, "works", "--format", "csl-json"))
    assert items[0] == {
        "id": "boyle-harris-2009",
        "type": "report",
        "title": "The Challenge of Co-production: How equal partnerships between professionals and the public "
        "are crucial to improving public services",
        "author": [{"family": "Boyle", "given": "David"}, {"family": "Harris", "given": "Michael"}],
        "issued": {"date-parts": [[2009]]},
        "publisher": "Nesta",
        "language": "en",
    }
    assert items[2]["type"] == "motion_picture"
    assert (items[1]["type"], items[1]["issued"], items[1]["container-title"]) == (
        "post-weblog",
        {"date-parts": [[2010, 2, 7]]},
        "La 27e Région",
    )


def test_works_of_a_query(runner, built_db: Path) -> None:
    sql = f"SELECT DISTINCT work_id FROM citations WHERE post_id = '{SEED_POST}' ORDER BY work_id DESC"
    records = parse_ris(ok(runner, built_db, "--sql", sql, "--format", "ris"))
    assert [r["TI"][0][:13] for r in records] == ["Us Now", "The Challenge"]
    result = run(runner, built_db, "--sql", "SELECT title FROM works", "--format", "bibtex")
    assert result.exit_code == 1
    assert result.output == (
        "Error: a bibtex export of a query needs its works' ids in a column named id or "
        "work_id (the query gives title)\n"
    )


def test_work_formats_are_for_works(runner, built_db: Path) -> None:
    result = run(runner, built_db, "posts", "--format", "bibtex")
    assert result.exit_code == 1
    assert result.output == "Error: bibtex is a format for works: try `hubkb export works --format bibtex`\n"


# --- errors -----------------------------------------------------------------------------------


def test_unknown_table(runner, built_db: Path) -> None:
    result = run(runner, built_db, "post")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no table 'post'; did you mean posts or posts_fts? (tables: citations, ")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "DELETE FROM works",
            "Error: cannot run the query: attempt to write a readonly database (exports only read: use a SELECT)\n",
        ),
        ("SELEC 1", 'Error: cannot run the query: near "SELEC": syntax error\n'),
        (
            "SELECT 1; SELECT 2",
            "Error: cannot run the query: You can only execute one statement at a time. (export one SELECT)\n",
        ),
        ("CREATE TEMP TABLE t(a)", "Error: the query returns no rows to export (export a SELECT)\n"),
        ("SELECT * FROM nowhere", "Error: cannot run the query: no such table: nowhere\n"),
        (
            "CREATE INDEX i ON works(title)",
            "Error: cannot run the query: attempt to write a readonly database (exports only read: use a SELECT)\n",
        ),
    ],
)
def test_bad_sql_is_a_clear_message(runner, built_db: Path, sql: str, message: str) -> None:
    result = run(runner, built_db, "--sql", sql)
    assert result.exit_code == 1
    assert result.output == message
    assert count(built_db, "works") == 3


def test_an_export_writes_no_other_file(runner, built_db: Path, tmp_path: Path) -> None:
    for sql in (f"ATTACH '{tmp_path / 'new.db'}' AS other", f"VACUUM INTO '{tmp_path / 'copy.db'}'"):
        result = run(runner, built_db, "--sql", sql)
        assert result.exit_code == 1
        assert result.output == (
            "Error: cannot run the query: an export reads this database and writes "
            "nothing else (no ATTACH, no VACUUM INTO)\n"
        )
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_no_file(runner, built_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run(runner, built_db, "--sql", "SELECT * FROM nowhere", "--output", str(out))
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_table_or_sql(runner, built_db: Path) -> None:
    for args in ([], ["works", "--sql", "SELECT 1"]):
        result = run(runner, built_db, *args)
        assert result.exit_code == 2
        assert "Error: give a TABLE or --sql SQL (not both)" in result.output


def test_missing_database(runner, tmp_path: Path) -> None:
    result = run(runner, tmp_path / "none.db", "works")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'none.db'}: no such database; build it first with "
        f"`hubkb build --db {tmp_path / 'none.db'}`\n"
    )


def test_a_query_naming_unknown_works(runner, built_db: Path) -> None:
    result = run(
        runner,
        built_db,
        "--sql",
        "SELECT 'nope' AS id UNION ALL SELECT 'nada' UNION ALL SELECT 'us-now'",
        "--format",
        "ris",
    )
    assert result.exit_code == 1
    assert result.output == "Error: the query names no work with id 'nope' (and 1 more)\n"
