"""Every kind of bad input: a message naming file and line, exit 1, the database untouched.

One fixture file per case in tests/fixtures/bad/, named after the case.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, FIXTURES
from hubkb.cli import cli

EXPECTED = {
    "malformed_yaml": "corpus/posts/malformed_yaml.md:4: invalid YAML: did not find expected ',' or ']' "
    "(while parsing a flow sequence that starts on this line)",
    "tab_indentation": "corpus/posts/tab_indentation.md:5: invalid YAML: a tab character; indent YAML with spaces",
    "missing_title": "corpus/posts/missing_title.md:2: missing required key 'title'",
    "invalid_date": "corpus/posts/invalid_date.md:3: invalid YAML: impossible date '2021-02-30' "
    "(day is out of range for month)",
    "non_utf8": "corpus/posts/non_utf8.md:4: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    "unknown_person": "corpus/posts/unknown_person.md:4: unknown person 'Jean Inconnu' "
    "(add an entry or an alias to corpus/people.yaml)",
    "definition_text_absent": "corpus/posts/definition_text_absent.md:6: definition text not found in the body: "
    '"produire ensemble des services publics"',
    "no_front_matter": "corpus/posts/no_front_matter.md:1: no front matter; a post starts with a '---' line, "
    "then title, date and authors, then '---'",
    "empty": "corpus/posts/empty.md:1: empty file; a post starts with front matter between '---' lines "
    "(title, date, authors)",
    "front_matter_list": "corpus/posts/front_matter_list.md:2: front matter must be a mapping of keys "
    "(title, date, authors), not a list",
    "alias_bomb": "corpus/posts/alias_bomb.md:6: YAML anchors and aliases (&name, *name) are not allowed "
    "in corpus files",
    "python_tag": "corpus/posts/python_tag.md:5: invalid YAML: the tag '!!python/object/apply:os.system' "
    "is not allowed; corpus files hold plain data",
    "duplicate_post_id": "corpus/posts/duplicate_post_id.md:2: duplicate post id "
    "'2014-08-27-vous-avez-dit-coproduction' (also "
    "corpus/posts/2014-08-27-vous-avez-dit-coproduction.md); give one post another 'id'",
    "duplicate_key": "corpus/posts/duplicate_key.md:4: duplicate key 'title' (first at line 2); "
    "YAML would keep only the last value: remove or rename one",
    "duplicate_key_in_quote": "corpus/posts/duplicate_key_in_quote.md:8: duplicate key 'by' (first at line 7); "
    "YAML would keep only the last value: remove or rename one",
    "nul_in_title": "corpus/posts/nul_in_title.md:2: 'title' holds an invisible character, "
    "U+0000 (a control character); delete it",
    "bidi_override_in_title": "corpus/posts/bidi_override_in_title.md:2: 'title' holds an invisible character, "
    "U+202E (RIGHT-TO-LEFT OVERRIDE); delete it",
    "zero_width_in_id": "corpus/posts/zero_width_in_id.md:2: 'id' holds an invisible character, "
    "U+200B (ZERO WIDTH SPACE); delete it",
    "zero_width_in_author": "corpus/posts/zero_width_in_author.md:4: 'authors' holds an invisible character, "
    "U+2060 (WORD JOINER); delete it",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_case_has_a_fixture() -> None:
    assert sorted(p.stem for p in (FIXTURES / "bad").glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_post_is_reported_and_database_untouched(case: str, workdir: Path, runner) -> None:
    assert runner.invoke(cli, ["build"]).exit_code == 0
    before = (workdir / "hubkb.db").read_bytes()
    shutil.copy(FIXTURES / "bad" / f"{case}.md", workdir / "corpus" / "posts")

    result = runner.invoke(cli, ["build"])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.stderr.splitlines() if ": warning: " not in line]
    assert errors == [EXPECTED[case], "Error: 1 error in 1 file; nothing was written"]
    assert "Traceback" not in result.output
    assert (workdir / "hubkb.db").read_bytes() == before
    assert sorted(p.name for p in workdir.iterdir()) == [
        ".hubkb.db.files",
        "corpus",
        "hubkb.db",
        "inspect-data.json",
    ]  # no temporary file left


def test_check_lists_every_problem_sorted(workdir: Path, runner) -> None:
    for case in ("missing_title", "empty", "invalid_date"):
        shutil.copy(FIXTURES / "bad" / f"{case}.md", workdir / "corpus" / "posts")

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        EXPECTED["empty"],
        EXPECTED["invalid_date"],
        EXPECTED["missing_title"],
        "Error: 3 errors in 3 files; nothing was written",
    ]


def test_fuzzy_name_is_a_warning_naming_the_variant(workdir: Path, runner) -> None:
    post = workdir / "corpus" / "posts" / "2015-03-03-note.md"
    post.write_text(
        "---\ntitle: Une note\ndate: 2015-03-03\nauthors: [Régis Chatelier]\n---\nUn paragraphe.\n", encoding="utf-8"
    )

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "corpus/posts/2015-03-03-note.md:4: warning: 'Régis Chatelier' taken as person 'Régis Chatellier' "
        "(a close spelling, 97%); add it to 'aliases' to silence this"
    ]


def test_unknown_key_warns_with_did_you_mean(workdir: Path, runner) -> None:
    post = workdir / "corpus" / "posts" / "2015-03-03-note.md"
    post.write_text(
        "---\ntitle: Une note\ndate: 2015-03-03\nauthors: []\nautor: x\n---\nUn paragraphe.\n", encoding="utf-8"
    )

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "corpus/posts/2015-03-03-note.md:5: warning: unknown key 'autor' (did you mean 'authors'?)"
    ]


def test_digits_must_match_in_fuzzy_names(workdir: Path, runner) -> None:
    post = workdir / "corpus" / "posts" / "2015-03-03-note.md"
    post.write_text(
        "---\ntitle: Une note\ndate: 2015-03-03\nauthors: []\nquotes:\n"
        "  - text: Un paragraphe\n    by: La 17e Région\n---\nUn paragraphe.\n",
        encoding="utf-8",
    )

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "corpus/posts/2015-03-03-note.md:6: unknown person or organisation 'La 17e Région'; "
        "did you mean 'La 27e Région'? (add an entry or an alias to corpus/people.yaml or corpus/organisations.yaml)"
    )


def test_bad_authority_file_names_its_line(workdir: Path, runner) -> None:
    people = workdir / "corpus" / "people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8") + "- name: David Boyle\n  organisations: [nesta-uk]\n", encoding="utf-8"
    )

    result = runner.invoke(cli, ["check"])

    assert result.exit_code == 1
    line = len(people.read_text(encoding="utf-8").splitlines()) - 1
    assert result.stderr.splitlines()[:2] == [
        f"corpus/people.yaml:{line}: duplicate id 'david-boyle' (first at line 6); give one entry another 'id'",
        f"corpus/people.yaml:{line}: unknown organisation 'nesta-uk'; did you mean 'Nesta'? "
        "(add an entry or an alias to corpus/organisations.yaml)",
    ]


def test_missing_corpus_folder_is_a_clean_error(tmp_path: Path, runner) -> None:
    result = runner.invoke(cli, ["check", "--corpus", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'nowhere'}: no such corpus folder (give one with --corpus)"
