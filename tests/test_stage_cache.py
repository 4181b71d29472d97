"""The stage an update takes from the user's cache folder: kept by a build, ignored when unreadable."""

from __future__ import annotations

import dataclasses
import pickle
import sqlite3
from pathlib import Path

import pytest

from conftest import SEED_POST
from hubkb import stage_cache
from hubkb.cli import cli

# What an update writes, compared with a full build's (the tables test_incremental compares, mentions by name)
CHECKED = {
    "posts": "SELECT * FROM posts ORDER BY 1",
    "paragraphs": "SELECT * FROM paragraphs ORDER BY 1",
    "definitions": "SELECT * FROM definitions ORDER BY 1",
    "quotes": "SELECT * FROM quotes ORDER BY 1",
    "citations": "SELECT post_id, work_id, paragraph_id, in_references, via_person_id FROM citations ORDER BY 1, 2, 3",
    "mentions": (
        "SELECT p.id, e.type, e.entity_id, m.count FROM mentions m JOIN paragraphs p ON p.rowid = m.paragraph "
        "JOIN entities e ON e.id = m.entity ORDER BY 1, 2, 3"
    ),
}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "hubkb"


def build(runner, corpus: Path, db: Path, *extra: str) -> str:
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db), *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def rows(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as conn:
        return {table: conn.execute(sql).fetchall() for table, sql in CHECKED.items()}


def edit_seed(corpus: Path, line: str) -> None:
    seed = corpus / "posts" / f"{SEED_POST}.md"
    seed.write_text(seed.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def pickles(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob("stage-*.pickle"))


def test_a_kept_mention_index_has_read_no_piece() -> None:
    """The pieces a scan read stay out of the pickle: a build that takes the stage reads them again, and
    gives the words of each (its stems) as the build that made it did."""
    from hubkb.mentions import MentionIndex
    from hubkb.records import Authorities

    index = MentionIndex(Authorities())
    words: set[str] = set()
    index.find_posts([["La 27ème Région co-produit."] * 250], words)
    assert index.pieces == {} and index.arrays is not None and "27e" in words
    kept = pickle.loads(pickle.dumps(index))
    again: set[str] = set()
    kept.find_posts([["La 27ème Région co-produit."] * 250], again)
    assert again == words == {"la", "27eme", "27e", "region", "co", "produit", "coproduit"}


@pytest.mark.parametrize("spoil", ["kept", "truncated", "garbage", "removed"])
def test_an_update_gives_a_full_builds_rows_whatever_the_cache_holds(
    runner, corpus_copy: Path, tmp_path: Path, cache: Path, spoil: str
) -> None:
    db, full = tmp_path / "hubkb.db", tmp_path / "full.db"
    assert build(runner, corpus_copy, db).startswith("built: 1 posts")
    [kept] = pickles(cache)  # the full build kept its stage, one file
    good = (cache / kept).read_bytes()
    if spoil == "truncated":
        (cache / kept).write_bytes(good[: len(good) // 2])
    elif spoil == "garbage":
        (cache / kept).write_bytes(b"not a pickle")
    elif spoil == "removed":
        (cache / kept).unlink()
    edit_seed(corpus_copy, "Nesta et la 27e Région, vus par Ivo Gormley.")
    assert build(runner, corpus_copy, db).startswith("updated: 1 posts (1 changed, 0 removed)")
    # a stage that could not be read was built again and kept again, whole
    assert pickles(cache) == [kept] and stage_cache.load(kept[len("stage-") : -len(".pickle")]) is not None
    assert ((cache / kept).read_bytes() == good) is (spoil == "kept")  # a good one is taken, not written again
    build(runner, corpus_copy, full, "--full")
    assert rows(db) == rows(full)
    assert rows(db)["mentions"] != []


def test_an_authority_change_makes_another_stage(runner, corpus_copy: Path, tmp_path: Path, cache: Path) -> None:
    db = tmp_path / "hubkb.db"
    build(runner, corpus_copy, db)
    [first] = pickles(cache)
    people = corpus_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "\n- id: zoe-test\n  name: Zoé Test\n", encoding="utf-8")
    edit_seed(corpus_copy, "Zoé Test en parle.")
    build(runner, corpus_copy, db)
    assert len(pickles(cache)) == 2 and first in pickles(cache)
    with sqlite3.connect(db) as conn:
        found = conn.execute(
            "SELECT count(*) FROM mentions m JOIN entities e ON e.id = m.entity WHERE e.entity_id = 'zoe-test'"
        ).fetchone()
    assert found == (1,)


def test_only_the_newest_stages_are_kept(cache: Path) -> None:
    for n in range(stage_cache.KEEP + 3):
        stage_cache.save(f"key{n:02d}", ("stage", n))
    assert pickles(cache) == [f"stage-key{n:02d}.pickle" for n in range(3, stage_cache.KEEP + 3)]
    assert stage_cache.load("key10") == ("stage", 10) and stage_cache.load("key00") is None
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def add_person_with_unknown_key(corpus: Path) -> None:
    people = corpus / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "- name: Zoé Test\n  xyzzy: Zozo\n", encoding="utf-8")


def full_build(runner, corpus: Path, db: Path) -> tuple[str, list[str]]:
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db), "--full"])
    assert result.exit_code == 0, result.output
    return result.stdout, [line for line in result.stderr.splitlines() if ": warning: " in line]


def test_a_full_build_takes_the_stage_a_full_build_kept_with_its_warnings(
    runner, corpus_copy: Path, tmp_path: Path, cache: Path
) -> None:
    add_person_with_unknown_key(corpus_copy)
    first_db, second_db = tmp_path / "first.db", tmp_path / "second.db"
    out, warnings = full_build(runner, corpus_copy, first_db)
    assert warnings == [f"{corpus_copy}/people.yaml:{warning_line(corpus_copy)}: warning: unknown key 'xyzzy'"]
    [kept] = pickles(cache)
    key = kept[len("stage-") : -len(".pickle")]
    schema, authorities, resolver, links, mentions, found = stage_cache.load(key)
    assert [p.message for p in found] == ["unknown key 'xyzzy'"]
    # what the second build reports comes from the kept stage: a message changed there is the one printed
    found[0] = dataclasses.replace(found[0], message="unknown key 'xyzzy' (kept)")
    stage_cache.save(key, (schema, authorities, resolver, links, mentions, found))
    kept_bytes = (cache / kept).read_bytes()
    out2, warnings2 = full_build(runner, corpus_copy, second_db)
    assert warnings2 == [warnings[0] + " (kept)"]
    assert (cache / kept).read_bytes() == kept_bytes  # taken, not made and written again
    assert out2.split("; 1 warnings;")[0] == out.split("; 1 warnings;")[0]
    assert rows(second_db) == rows(first_db)
    # an update takes the same stage, and reports none of the authority files' warnings (as before)
    edit_seed(corpus_copy, "Zoé Test en parle.")
    update = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(second_db)])
    assert update.exit_code == 0 and update.stdout.startswith("updated: 1 posts (1 changed, 0 removed)")
    assert "; 0 warnings;" in update.stdout and ": warning: " not in update.stderr


def test_a_full_build_makes_its_stage_again_rather_than_take_an_updates(
    runner, corpus_copy: Path, tmp_path: Path, cache: Path
) -> None:
    add_person_with_unknown_key(corpus_copy)
    db = tmp_path / "hubkb.db"
    _out, warnings = full_build(runner, corpus_copy, db)
    [kept] = pickles(cache)
    key = kept[len("stage-") : -len(".pickle")]
    *made, _found = stage_cache.load(key)
    stage_cache.save(key, (*made, None))  # as an update that made the stage keeps it: without the file's warnings
    _out, again = full_build(runner, corpus_copy, db)
    assert again == warnings and len(again) == 1
    assert [p.message for p in stage_cache.load(key)[5]] == ["unknown key 'xyzzy'"]  # kept again, whole


def warning_line(corpus: Path) -> int:
    lines = (corpus / "people.yaml").read_text(encoding="utf-8").splitlines()
    return lines.index("  xyzzy: Zozo") + 1


def test_check_and_a_full_build_share_one_stage(runner, corpus_copy: Path, tmp_path: Path, cache: Path) -> None:
    """`hubkb check` keeps the stage a full build of the same files makes, and takes it when kept: checking
    again after editing posts reads and indexes the authority files once."""
    add_person_with_unknown_key(corpus_copy)
    warning = f"{corpus_copy}/people.yaml:{warning_line(corpus_copy)}: warning: unknown key 'xyzzy'"
    checked = runner.invoke(cli, ["check", "--corpus", str(corpus_copy)])
    assert checked.exit_code == 0 and warning in checked.stderr.splitlines()
    [kept] = pickles(cache)
    key = kept[len("stage-") : -len(".pickle")]
    *made, found = stage_cache.load(key)
    assert [p.message for p in found] == ["unknown key 'xyzzy'"]
    stage_cache.save(key, (*made, [dataclasses.replace(found[0], message="unknown key 'xyzzy' (kept)")]))
    edit_seed(corpus_copy, "Une phrase de plus.")
    again = runner.invoke(cli, ["check", "--corpus", str(corpus_copy)])  # the kept stage: its message is printed
    assert again.exit_code == 0 and f"{warning} (kept)" in again.stderr.splitlines()
    assert again.stdout.split("; 1 warnings;")[0] == checked.stdout.split("; 1 warnings;")[0]
    _out, warnings = full_build(runner, corpus_copy, tmp_path / "hubkb.db")  # and so does a full build
    assert warnings == [f"{warning} (kept)"] and pickles(cache) == [kept]
