"""Drafts, proposals and --accept: what `hubkb import` writes, and that accepted drafts pass `hubkb check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from conftest import CORPUS, FIXTURES, SCHEMA, SEED_POST, publish_drafts
from hubkb.build import build, check
from hubkb.errors import CorpusError, display_path
from hubkb.importer import import_files

IMPORT = FIXTURES / "import"
SEED = IMPORT / "vous-avez-dit-coproduction.txt"
PAGES = sorted(
    IMPORT / yaml.safe_load(t.read_text(encoding="utf-8"))["file"]
    for t in IMPORT.glob("*.truth.yaml")
    if t.name.removesuffix(".truth.yaml") not in yaml.safe_load((IMPORT / "scores.yaml").read_text(encoding="utf-8"))
)


def front_and_body(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.fixture
def corpus_without_seed(corpus_copy: Path) -> Path:
    (corpus_copy / "posts" / f"{SEED_POST}.md").unlink()
    return corpus_copy


@pytest.fixture
def empty_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "empty" / "corpus"
    (corpus / "posts").mkdir(parents=True)
    for name in ("people", "organisations", "works", "terms"):
        (corpus / f"{name}.yaml").write_text(f"# {name}\n", encoding="utf-8")
    return corpus


def test_the_seed_reimported_reproduces_the_curated_post(corpus_without_seed: Path):
    result = import_files([SEED], corpus_without_seed, None, as_json=False, force=False)
    draft = corpus_without_seed / "posts" / f"{SEED_POST}.md"
    assert (result.exit_code, result.written, result.messages) == (0, [draft], [])
    assert not (corpus_without_seed / "posts" / f"{SEED_POST}.proposals.yaml").exists()  # everything is known
    got, body = front_and_body(draft)
    curated, curated_body = front_and_body(CORPUS / "posts" / f"{SEED_POST}.md")
    assert body == curated_body
    for key in ("title", "date", "authors"):
        assert got[key] == curated[key]
    assert sorted(got["references"]) == sorted(curated["references"])
    assert got["definitions"] == curated["definitions"]
    assert [{k: v for k, v in q.items() if k != "note"} for q in got["quotes"]] == curated["quotes"]
    assert got["quotes"][2]["note"] == "the closing quotation mark is missing; check where the quotation ends"
    assert got["status"] == "draft"  # not published until a reviewer deletes the line
    report = check(corpus_without_seed, SCHEMA)
    assert (report.posts, report.drafts, report.definitions, [w.message for w in report.warnings]) == (
        0,
        1,
        0,
        ["draft, not published; remove 'status: draft' once reviewed"],
    )
    publish_drafts(corpus_without_seed)
    report = check(corpus_without_seed, SCHEMA)
    assert (report.posts, report.drafts, report.definitions, report.quotes, report.warnings) == (1, 0, 2, 3, [])


def test_proposals_then_accept_then_check(empty_corpus: Path):
    before = {p.name: p.read_bytes() for p in empty_corpus.glob("*.yaml")}
    result = import_files([SEED], empty_corpus, None, as_json=False, force=False)
    proposals = empty_corpus / "posts" / f"{SEED_POST}.proposals.yaml"
    assert result.written == [empty_corpus / "posts" / f"{SEED_POST}.md", proposals]
    assert {p.name: p.read_bytes() for p in empty_corpus.glob("*.yaml")} == before  # never changed silently
    # a draft is checked against the corpus as it is: its unknown names are warnings, and it is not published
    pending = check(empty_corpus, SCHEMA)
    assert (pending.posts, pending.drafts, pending.definitions) == (0, 1, 0)
    shown = f"{display_path(empty_corpus)}/posts/{SEED_POST}.md"
    warned = [str(w) for w in pending.warnings]
    assert len(warned) == 15
    assert warned[1] == (
        f"{shown}:7: warning: draft, not published; 12 names not in the authority files yet "
        f"(accept {SEED_POST}.proposals.yaml with `hubkb import FILE --accept`); remove 'status: draft' once reviewed"
    )
    assert f"{shown}:13: warning: unknown person 'Laura Prandelle' (add an entry or an alias to {display_path(empty_corpus)}/people.yaml)" in warned  # fmt: skip
    built = build(empty_corpus, empty_corpus.parent / "drafts.db", SCHEMA)
    assert (built.posts, built.drafts) == (0, 1)
    assert sqlite_utils.Database(empty_corpus.parent / "drafts.db")["posts"].count == 0
    proposed = yaml.safe_load(proposals.read_text(encoding="utf-8"))
    assert [p["name"] for p in proposed["people"]] == [
        "Margaret Thatcher",
        "Michael Harris",
        "David Boyle",
        "Laura Prandelle",
        "Ivo Gormley",
        "Antonin Leonard",
        "Susie Cagle",
        "Hubert Guillaud",
        "Régis Chatellier",
    ]
    assert [p.get("organisations") for p in proposed["people"]][3:6] == [["27e-region"], None, ["ouishare"]]
    assert [o["name"] for o in proposed["organisations"]] == [
        "Observatoire des innovations de la Cité des sciences et de l’industrie",
        "AirBnB",
        "27ème Région",
        "Ouishare",
    ]
    assert [
        (w["id"], w["type"], w["title"], w.get("authors"), w.get("year"), w.get("publisher")) for w in proposed["works"]
    ] == [
        ("us-now", "video", "Us Now", ["Ivo Gormley"], None, None),
        (
            "boyle-harris-2009",
            "report",
            "The Challenge of Coproduction, how equal partnerships between "
            "professionnals and the public are crucial to improvig public services",
            ["David Boyle", "Michael Harris"],
            2009,
            "Nesta",
        ),
    ]
    assert [t["label"] for t in proposed["terms"]] == ["innovation", "coproduction"]

    accepted = import_files([proposals], empty_corpus, None, as_json=False, force=False, accept=True)
    assert accepted.summary == [
        f"{proposals}: accepted; {empty_corpus / 'people.yaml'}: 9 people added",
        f"{proposals}: accepted; {empty_corpus / 'organisations.yaml'}: 4 organisations added",
        f"{proposals}: accepted; {empty_corpus / 'works.yaml'}: 2 works added",
        f"{proposals}: accepted; {empty_corpus / 'terms.yaml'}: 2 terms added",
    ]
    people = (empty_corpus / "people.yaml").read_text(encoding="utf-8")
    assert people.startswith("# people\n# Accepted from 2014-08-27-vous-avez-dit-coproduction.proposals.yaml on ")
    report = check(empty_corpus, SCHEMA)
    assert (report.posts, report.drafts, report.people, report.works) == (0, 1, 9, 2)
    assert [str(w) for w in report.warnings] == [
        f"{shown}:7: warning: draft, not published; remove 'status: draft' once reviewed"
    ]
    assert publish_drafts(empty_corpus) == [empty_corpus / "posts" / f"{SEED_POST}.md"]
    report = check(empty_corpus, SCHEMA)
    assert (report.posts, report.people, report.works, report.definitions, report.warnings) == (1, 9, 2, 2, [])
    built = build(empty_corpus, empty_corpus.parent / "drafts.db", SCHEMA)
    assert (built.mode, built.posts, built.drafts) == ("full", 1, 0)  # the authority files changed
    again = import_files([proposals], empty_corpus, None, as_json=False, force=False, accept=True)
    assert again.summary == [f"{proposals}: nothing new to accept"]


def test_every_fixture_passes_check_after_acceptance(empty_corpus: Path):
    result = import_files(PAGES, empty_corpus, None, as_json=False, force=False, accept=True)
    assert result.exit_code == 0
    assert len([p for p in result.written if p.suffix == ".md"]) == len(PAGES) == 12
    assert len(publish_drafts(empty_corpus)) == 12
    report = check(empty_corpus, SCHEMA)
    assert (report.posts, report.definitions, report.quotes) == (12, 31, 20)
    # the two unsigned posts keep their review flag ("no author found") until a reviewer removes it
    assert [(Path(w.path).name, w.message) for w in report.warnings] == [
        ("2014-12-01-designers-et-agents-publics-la-coproduction-a-epreuve.md", "unknown key 'needs_review'"),
        ("2015-02-09-innovation-sociale-quand-les-habitants-inventent-le-service.md", "unknown key 'needs_review'"),
    ]
    names = sorted(p.name for p in (empty_corpus / "posts").glob("*.md"))
    assert names == [
        "2014-08-27-vous-avez-dit-coproduction.md",
        "2014-12-01-designers-et-agents-publics-la-coproduction-a-epreuve.md",
        "2015-01-12-budget-participatif-les-habitants-a-la-manoeuvre.md",
        "2015-02-09-innovation-sociale-quand-les-habitants-inventent-le-service.md",
        "2015-03-03-fablabs-fabriquer-ensemble-fabriquer-autrement.md",
        "2015-03-03-les-communs-une-autre-voie-pour-coproduire.md",
        "2015-04-14-donnees-ouvertes-les-citoyens-coproducteurs-de-action-publique.md",
        "2015-05-19-living-labs-quand-les-usagers-deviennent-chercheurs.md",
        "2015-06-01-plateformes-collaboratives-coproduire-entre-pairs.md",
        "2015-06-02-communs-urbains-la-ville-comme-ressource-partagee.md",
        "2015-07-07-innovation-ouverte-un-modele-pour-les-collectivites.md",
        "2015-10-01-tiers-lieux-faire-ensemble-hors-les-murs.md",
    ]


def test_an_existing_post_is_not_overwritten_without_force(tmp_path: Path):
    first = import_files([SEED], CORPUS, tmp_path, as_json=False, force=False)
    draft = first.written[0]
    draft.write_text("edited by a reviewer\n", encoding="utf-8")
    again = import_files([SEED], CORPUS, tmp_path, as_json=False, force=False)
    assert (again.exit_code, again.written) == (1, [])
    assert again.messages == [
        f"{display_path(SEED)}: {draft} already exists; not overwritten (use --force to replace it)"
    ]
    assert draft.read_text(encoding="utf-8") == "edited by a reviewer\n"
    as_json = import_files([SEED], CORPUS, tmp_path, as_json=True, force=False)
    assert (as_json.exit_code, as_json.extractions[0]["title"], as_json.extractions[0]["draft"]) == (
        0,
        "Vous avez dit coproduction ?",
        None,
    )
    forced = import_files([SEED], CORPUS, tmp_path, as_json=False, force=True)
    assert (forced.exit_code, forced.written) == (0, [draft])
    assert draft.read_text(encoding="utf-8").startswith("---\n# Imported from vous-avez-dit-coproduction.txt")


def test_the_curated_post_is_still_extracted(tmp_path: Path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    result = import_files([SEED], tmp_path / "corpus", None, as_json=True, force=False)
    assert result.exit_code == 0
    assert result.extractions[0]["date"] == "2014-08-27"
    assert result.messages == [
        f"{display_path(SEED)}: {tmp_path / 'corpus' / 'posts' / (SEED_POST + '.md')} already exists; "
        "not overwritten (use --force to replace it)"
    ]


def test_a_proposals_file_needs_accept(tmp_path: Path):
    proposals = tmp_path / "x.proposals.yaml"
    proposals.write_text("people:\n- name: Elinor Ostrom\n", encoding="utf-8")
    result = import_files([proposals], CORPUS, tmp_path, as_json=False, force=False)
    assert (result.exit_code, result.messages) == (
        1,
        [f"{proposals}: a proposals file; merge it into the corpus with --accept"],
    )


OTHER_LAYOUTS = sorted(
    IMPORT / yaml.safe_load(t.read_text(encoding="utf-8"))["file"]
    for t in IMPORT.glob("*.truth.yaml")
    if IMPORT / yaml.safe_load(t.read_text(encoding="utf-8"))["file"] not in PAGES
)
UNDATED = sorted(
    t.name.removesuffix(".truth.yaml")
    for t in IMPORT.glob("*.truth.yaml")
    if yaml.safe_load(t.read_text(encoding="utf-8"))["date"] is None
)


def test_pages_of_other_layouts_make_drafts_that_pass_check_after_acceptance(empty_corpus: Path):
    result = import_files(OTHER_LAYOUTS, empty_corpus, None, as_json=False, force=False, accept=True)
    assert result.exit_code == 0, result.messages
    assert len([p for p in result.written if p.suffix == ".md"]) == len(OTHER_LAYOUTS) >= 9
    with pytest.raises(CorpusError) as raised:  # the pages that show no date: the reviewer fills it in
        check(empty_corpus, SCHEMA)
    problems = [p for p in raised.value.problems if p.severity == "error"]
    assert [p.message for p in problems] == ["missing required key 'date'"] * len(UNDATED)
    assert all(Path(p.path).name.startswith("undated-") for p in problems)
    assert UNDATED == ["diaporama-living-lab", "extrait-coupe", "transcript-guide"]
