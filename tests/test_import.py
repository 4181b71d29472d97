"""hubkb import against hand-written truth files: the seed scrape and synthetic scrapes of the blog.

Each tests/fixtures/import/NAME.truth.yaml describes what an ideal import of its
scrape yields (the format of ../shared/seed/README.md). The checks are exact
where the truth is exact: title, date, authors, paragraph count, every
definition (term, text, giver, relay, work), every quote, every person (with
the organisation the post states), every organisation, every reference, and
nothing from the chrome.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import CORPUS
from hubkb.importer import import_files
from hubkb.text import fold
from import_scoring import IMPORT, SCORES
from import_scoring import TRUTHS as ALL_TRUTHS

# A fixture marked `exact: false` in scores.yaml is held to its recorded score only (test_import_scores.py).
RECORDED = yaml.safe_load(SCORES.read_text(encoding="utf-8")) or {}
TRUTHS = [p for p in ALL_TRUTHS if RECORDED.get(p.name.removesuffix(".truth.yaml"), {}).get("exact", True)]


def clean(text: str | None) -> str:
    text = str(text or "").replace("’", "'").replace("\u00a0", " ")
    text = re.sub(r"^[\s«»“”\"']+|[\s«»“”\"'.]+$", "", text)
    return " ".join(text.split())


def names(value) -> list[str]:
    if value in (None, "post"):
        return []
    return sorted(fold(v) for v in ([value] if isinstance(value, str) else value))


@pytest.fixture(params=TRUTHS, ids=lambda p: p.name.split(".")[0])
def imported(request, tmp_path: Path) -> tuple[dict, dict]:
    truth = yaml.safe_load(request.param.read_text(encoding="utf-8"))
    result = import_files([IMPORT / truth["file"]], CORPUS, tmp_path, as_json=True, force=False)
    assert result.exit_code == 0, result.messages
    assert len(result.extractions) == 1
    return truth, result.extractions[0]


def test_there_are_fixtures_beyond_the_seed():
    assert len(TRUTHS) >= 5


def test_fields(imported):
    truth, got = imported
    assert clean(got["title"]) == clean(truth["title"])
    assert got["date"] == truth["date"]
    assert names(got["authors"]) == names(truth["authors"])
    assert len(got["paragraphs"]) == truth["paragraphs"]


def test_definitions(imported):
    truth, got = imported
    expected = truth.get("definitions") or []
    assert len(got["definitions"]) == len(expected), [d["text"][:40] for d in got["definitions"]]
    for want in expected:
        texts = {clean(t) for t in [want["text"], *(want.get("accept_also") or [])]}
        found = [d for d in got["definitions"] if clean(d["text"]) in texts and fold(d["term"]) == fold(want["term"])]
        assert found, f"definition of {want['term']!r} not found: {want['text'][:50]}"
        d = found[0]
        assert names(d["by"]) == names(want["given_by"])
        assert names(d["via"]) == names(want["via"])
        assert clean(d["work"]) == clean(want.get("work"))


def test_quotes(imported):
    truth, got = imported
    expected = truth.get("non_definition_quotes") or []
    assert len(got["quotes"]) == len(expected), [q["text"] for q in got["quotes"]]
    for want in expected:
        texts = {clean(t) for t in [want["text"], *(want.get("accept_also") or [])]}
        found = [q for q in got["quotes"] if clean(q["text"]) in texts]
        assert found, f"quote not found: {want['text']}"
        assert names(found[0]["by"]) == names(want["said_by"])
        assert names(found[0]["via"]) == names(want["via"])
    scare = {clean(s) for s in truth.get("scare_quotes") or []}
    assert not [p for p in got["quotes"] + got["definitions"] if clean(p["text"]) in scare]


def canonical(truth: dict, name: str) -> str:
    """The truth's name for a name the importer gave: the canonical name, or a variant the post writes
    (a post that only writes "E. Ostrom" cannot know "Elinor")."""
    for entry in truth["persons"] + truth["organisations"]:
        if fold(name) in {fold(v) for v in [entry["name"], *entry.get("variants_seen", [])]}:
            return fold(entry["name"])
    return fold(name)


def test_people(imported):
    truth, got = imported
    authors = set(names(truth["authors"]))
    predicted = {canonical(truth, p["name"]): p for p in got["people"] if fold(p["name"]) not in authors}
    assert sorted(predicted) == sorted(fold(p["name"]) for p in truth["persons"])
    for person in truth["persons"]:
        stated = predicted[fold(person["name"])]["organisation"]
        assert canonical(truth, stated or "") == fold(person["organisation"] or ""), person["name"]


def test_organisations(imported):
    truth, got = imported
    optional = [o for o in (truth.get("optional") or {}).get("organisations") or []]
    allowed = {fold(v) for o in truth["organisations"] + optional for v in [o["name"], *o.get("variants_seen", [])]}
    required = {fold(o["name"]) for o in truth["organisations"] if o.get("seen_in") != ["references"]}
    predicted = {fold(o["name"]) for o in got["organisations"]}
    assert required <= predicted
    assert predicted <= allowed


def test_references(imported):
    truth, got = imported
    assert len(got["references"]) == len(truth["references"]), [r["raw"] for r in got["references"]]
    for want in truth["references"]:
        if want["title"]:
            found = [r for r in got["references"] if clean(r["title"]) == clean(want["title"])]
        else:
            found = [r for r in got["references"] if r["url"] == want["url"]]
        assert found, want["as_written"]
        r = found[0]
        assert r["year"] == want["year"]
        assert r["url"] == want["url"]
        assert r["in_section"] == want["in_section"]
        assert sorted(canonical(truth, a) for a in r["authors"]) == names(want["authors"]), want["as_written"]
        assert r["type"] == want["type"], want["as_written"]


def test_nothing_from_the_chrome(imported):
    truth, got = imported
    blob = json.dumps(got, ensure_ascii=False)
    assert [s for s in truth["must_not_extract"] if s in blob] == []


def test_seed_definitions_exactly(tmp_path: Path):
    got = import_files([IMPORT / "vous-avez-dit-coproduction.txt"], CORPUS, tmp_path, True, False).extractions[0]
    assert [(d["term"], d["by"], d["via"], d["work"]) for d in got["definitions"]] == [
        ("innovation", ["Observatoire des innovations de la Cité des sciences et de l’industrie"], None, None),
        (
            "coproduction",
            ["Michael Harris", "David Boyle"],
            "Laura Pandelle",
            "The Challenge of Coproduction, how equal partnerships between professionnals and the public are crucial "
            "to improvig public services",
        ),
    ]
    assert [(q["text"], q["by"], q["via"]) for q in got["quotes"]] == [
        (
            "chaque partie devient un agent de changement, d’amélioration ou d’évaluation du service en puissance",
            ["Laura Pandelle"],
            None,
        ),
        ("crise de puberté", ["Antonin Leonard"], None),
        ("capitalisme de catastrophe", ["Susie Cagle"], "Hubert Guillaud"),
    ]
    assert [(r["title"], r["authors"], r["year"], r["publisher"], r["type"], r["work"]) for r in got["references"]] == [
        ("Us Now", ["Ivo Gormley"], None, None, "video", "us-now"),
        (
            "The Challenge of Coproduction, how equal partnerships between professionnals and the public are crucial "
            "to improvig public services",
            ["David Boyle", "Michael Harris"],
            2009,
            "Nesta",
            "report",
            "boyle-harris-2009",
        ),
    ]
    assert [o["name"] for o in got["organisations"]] == [
        "Observatoire des innovations de la Cité des sciences et de l’industrie",
        "La 27e Région",
        "CouchSurfing",
        "Airbnb",
        "Ouishare",
    ]
