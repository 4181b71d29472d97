"""Relays as publications: chains in the corpus, their checks (path:line), chains of ten hops, the importer's rule."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

from conftest import ROOT, SEED_POST
from hubkb.cli import cli
from hubkb.importer.draft import RelayIndex, relay_publication
from serving import Client

POST = f"posts/{SEED_POST}.md"
HOP = "    relays:\n      - work: pandelle-2010\n        translation: true\n"  # lines 18-20 of the seed post
SHOWN = f"corpus/{POST}"


def edit(corpus: Path, old: str, new: str, file: str = POST) -> None:
    path = corpus / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(runner, corpus: Path, monkeypatch):
    monkeypatch.chdir(corpus.parent)
    return runner.invoke(cli, ["check", "--corpus", "corpus"])


def test_the_seed_chain_is_in_the_database(built_db: Path) -> None:
    conn = sqlite3.connect(built_db)
    assert conn.execute("SELECT * FROM relays").fetchall() == [
        (f"{SEED_POST}#d2~h1", SEED_POST, f"{SEED_POST}#d2", "definition", 1, "pandelle-2010", None,
         "laura-prandelle", "fr", "2010-02-07", 1, None, None)
    ]  # fmt: skip
    assert conn.execute("SELECT name, aliases, note FROM people WHERE id = 'laura-prandelle'").fetchone() == (
        "Laura Pandelle",
        '["Laura Prandelle"]',
        'Her own byline on La 27e Région\'s blog spells "Pandelle"; l’hubservatoire\'s post of 2014-08-27 writes "Prandelle".',
    )
    assert conn.execute("SELECT type, date, publisher, language, url FROM works WHERE id = 'pandelle-2010'").fetchone() == (
        "blogpost", "2010-02-07", "La 27e Région", "fr", "http://www.la27eregion.fr/co-production-le-nesta-eclaircit-la-notion/"
    )  # fmt: skip


def test_an_unknown_relay_publication(runner, corpus_copy: Path, monkeypatch) -> None:
    edit(corpus_copy, "      - work: pandelle-2010\n", "      - work: Le Nesta et la co-production\n")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{SHOWN}:19: unknown relay publication 'Le Nesta et la co-production'; did you mean "
        "'Co-production, le NESTA éclaircit la notion'? (add the work to corpus/works.yaml)"
    )


def test_an_unknown_relay_post(runner, corpus_copy: Path, monkeypatch) -> None:
    edit(corpus_copy, HOP, "    relays:\n      - post: 2014-08-27-vous-avez-dit-coproductio\n")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{SHOWN}:19: unknown relay publication: no post with id '2014-08-27-vous-avez-dit-coproductio'; "
        f"did you mean '{SEED_POST}'?"
    )


def test_a_relay_naming_no_post_of_the_corpus(runner, corpus_copy: Path, monkeypatch) -> None:
    edit(corpus_copy, HOP, "    relays:\n      - post: 2010-02-07-co-production\n")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert result.output == (
        f"{SHOWN}:19: unknown relay publication: no post with id '2010-02-07-co-production'\n"
        "Error: 1 error in 1 file; nothing was written\n"
    )


def test_a_chain_that_loops_back_on_itself(runner, corpus_copy: Path, monkeypatch) -> None:
    edit(corpus_copy, HOP, HOP + "      - work: boyle-harris-2009\n      - post: " + SEED_POST + "\n")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"{SHOWN}:21: relay 2 loops back on itself: work 'boyle-harris-2009' is already the origin",
        f"{SHOWN}:22: relay 3 loops back on itself: post '{SEED_POST}' is already the post itself",
    ]


def test_a_translation_between_two_hops_in_one_language(runner, corpus_copy: Path, monkeypatch) -> None:
    edit(corpus_copy, "  publisher: Nesta\n  language: en\n", "  publisher: Nesta\n  language: fr\n", "works.yaml")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{SHOWN}:19: relay 1 is marked as a translation, but it and the hop before are both in 'fr'"
    )


def test_a_hop_dated_after_the_post_is_a_warning(runner, corpus_copy: Path, monkeypatch, tmp_path: Path) -> None:
    edit(corpus_copy, "  year: 2010\n  date: 2010-02-07\n", "  year: 2016\n  date: 2016-02-07\n", "works.yaml")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 0
    assert result.stderr == (
        f"{SHOWN}:19: warning: relay 1 (work 'pandelle-2010') is dated 2016-02-07, "
        "after the post that quotes it (2014-08-27)\n"
    )


def test_a_relay_names_a_work_or_a_post(runner, corpus_copy: Path, monkeypatch) -> None:
    edit(corpus_copy, "        translation: true\n", "        post: 2014-01-01-x\n        translation: true\n")
    result = check(runner, corpus_copy, monkeypatch)
    assert result.output.splitlines()[0] == (
        f"{SHOWN}:19: relay 1 names its publication with 'work' (a work) or 'post' (a post id), one of them"
    )
    edit(corpus_copy, "        translation: true\n", "        translation: yes please\n")
    assert (
        f"{SHOWN}:21: 'translation' must be true or false, not 'yes please'"
        in check(runner, corpus_copy, monkeypatch).output
    )


NOTE = """---
title: Relais {n}
date: 20{year:02d}-01-01
authors: [Régis Chatellier]
language: {language}
definitions:
  - term: coproduction
    text: {text}
    by: [Michael Harris, David Boyle]
    work: boyle-harris-2009
{relays}---
Une note : {text}.
"""


def _chain_corpus(corpus: Path) -> None:
    """Nine posts relaying each other: the last one's definition has ten hops (origin, eight relays, itself)."""

    def text(n: int) -> str:
        return f"délivrer un service dans une relation {'mutuelle' if n < 5 else 'réciproque'}"

    for n in range(1, 10):
        relays = "".join(f"      - post: relais-{k}\n        text: {text(k)}\n" for k in range(1, n))
        hops = f"    relays:\n{relays}" if relays else ""
        body = NOTE.format(n=n, year=15 + n, language="fr", text=text(n), relays=hops)
        (corpus / "posts" / f"relais-{n}.md").write_text(body, encoding="utf-8")


def test_a_chain_of_ten_hops_builds_traces_and_renders(runner, corpus_copy: Path, tmp_path: Path) -> None:
    _chain_corpus(corpus_copy)
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output
    result = runner.invoke(cli, ["trace", "relais-9#d1", "--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == (
        "Boyle & Harris 2009 (en) → Chatellier 2016 (fr, translation) → Chatellier 2017 → Chatellier 2018 → "
        "Chatellier 2019 → Chatellier 2020 → Chatellier 2021 → Chatellier 2022 → Chatellier 2023 → Chatellier 2024"
    )
    hops = [line.split(":")[0] for line in lines if re.match(r"^\d+\. (origin|relay|read):", line)]
    assert hops == ["1. origin", *(f"{n}. relay" for n in range(2, 10)), "10. read"]
    assert "wording 5 → 6: délivrer un service dans une relation [-mutuelle-] {+réciproque+}" in lines
    assert lines.count("wording 6 → 7: unchanged") == 1
    client = Client.serving(db, ROOT / "metadata.json")
    try:
        html = client.get("/hubkb/-/lineage/relais-9~23d1").text
    finally:
        client.close()
    assert len(re.findall(r'data-role="relay"', html)) == 8
    assert "<del>mutuelle</del> <ins>réciproque</ins>" in html


def test_a_corpus_without_relay_publications_builds_as_before(runner, corpus_copy: Path, tmp_path: Path) -> None:
    edit(corpus_copy, HOP, "")
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "built: 1 posts, 9 people, 10 organisations, 3 works, 5 terms, 2 definitions, 3 quotes"
    )
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM relays").fetchone() == (0,)
    assert conn.execute("SELECT via_person_id FROM definitions WHERE id = ?", [f"{SEED_POST}#d2"]).fetchone() == ("laura-prandelle",)  # fmt: skip
    trace = runner.invoke(cli, ["trace", f"{SEED_POST}#d2", "--db", str(db)]).output.splitlines()
    assert trace[1] == "Boyle & Harris 2009 (en) → Pandelle → Chatellier 2014 (fr)"


def test_the_importer_proposes_the_relay_s_one_known_publication() -> None:
    index = RelayIndex(
        by_author={"laura": ["pandelle-2010"], "two": ["a", "b"]},
        years={"pandelle-2010": 2010, "a": 2001, "b": 2002, "origin": 2009},
        languages={"pandelle-2010": "fr", "origin": "en", "a": None, "b": None},
    )
    day = dt.date(2014, 8, 27)
    assert relay_publication(index, "laura", "origin", day) == {"work": "pandelle-2010", "translation": True}
    assert relay_publication(index, "laura", None, day) == {
        "work": "pandelle-2010"
    }  # no origin: no language to compare
    assert relay_publication(index, "laura", "origin", dt.date(2009, 1, 1)) is None  # published after the post
    assert relay_publication(index, "laura", "pandelle-2010", day) is None  # the origin itself
    assert relay_publication(index, "two", "origin", day) is None  # two candidates: the reviewer decides
    assert relay_publication(index, None, "origin", day) is None


# --- relays naming posts: the same checks in full and incremental builds ----------------------

RELAY_B = """---
title: Billet B
date: 2015-01-01
authors: [Régis Chatellier]
language: fr
---
Une note sur la coproduction.
"""
QUOTING_A = """---
title: Billet A
date: 2016-01-01
authors: [Régis Chatellier]
language: fr
definitions:
  - term: coproduction
    text: délivrer un service dans une relation réciproque
    by: [Michael Harris, David Boyle]
    work: boyle-harris-2009
    relays:
      - post: 2015-01-01-b
        translation: true
---
La coproduction : délivrer un service dans une relation réciproque.
"""
A_SHOWN = "corpus/posts/2016-01-01-a.md"


def _problems(result) -> list[str]:
    """What a build reported about the corpus: its warnings and errors, without the summary line."""
    return [line for line in result.output.splitlines() if line.startswith("corpus/")]  # stdout and stderr


def _both_builds(runner, corpus: Path, db: Path, tmp_path: Path) -> list[str]:
    """An incremental build of `db` and a full build of a fresh file report the same problems; returns them."""
    incremental = runner.invoke(cli, ["build", "--corpus", "corpus", "--db", str(db)])
    assert not incremental.output.startswith("built:"), incremental.output  # it was an update (or it failed)
    fresh = tmp_path / f"full-{len(list(tmp_path.glob('full-*')))}.db"
    full = runner.invoke(cli, ["build", "--corpus", "corpus", "--db", str(fresh)])
    assert (incremental.exit_code, _problems(incremental)) == (full.exit_code, _problems(full))
    return _problems(incremental)


def test_relay_posts_are_checked_alike_in_full_and_incremental_builds(runner, corpus_copy: Path, tmp_path: Path, monkeypatch) -> None:  # fmt: skip
    monkeypatch.chdir(corpus_copy.parent)
    posts = corpus_copy / "posts"
    (posts / "2015-01-01-b.md").write_text(RELAY_B, encoding="utf-8")
    (posts / "2016-01-01-a.md").write_text(QUOTING_A, encoding="utf-8")
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", "corpus", "--db", str(db)])
    assert result.exit_code == 0 and _problems(result) == [], result.output
    hop = sqlite3.connect(db).execute("SELECT relay_post_id, language, date, translation FROM relays WHERE post_id = '2016-01-01-a'")  # fmt: skip
    assert hop.fetchall() == [("2015-01-01-b", "fr", "2015-01-01", 1)]  # the post's facts, filled in at the end
    dated = f"{A_SHOWN}:12: warning: relay 1 (post '2015-01-01-b') is dated 2017-01-01, after the post that quotes it (2016-01-01)"  # fmt: skip
    # 1. The relay post changes, the quoting post does not: the quoting post is read again.
    edit(corpus_copy, "date: 2015-01-01", "date: 2017-01-01", "posts/2015-01-01-b.md")
    assert _both_builds(runner, corpus_copy, db, tmp_path) == [dated]
    # 2. The quoting post changes, the relay post does not: its date comes from the published rows.
    edit(corpus_copy, "dans une relation réciproque.\n", "dans une relation réciproque, disent-ils.\n", "posts/2016-01-01-a.md")  # fmt: skip
    assert _both_builds(runner, corpus_copy, db, tmp_path) == [dated]
    # 3. The relay post now says it is in English, as the report: a translation within one language.
    edit(corpus_copy, "language: fr", "language: en", "posts/2015-01-01-b.md")
    assert _both_builds(runner, corpus_copy, db, tmp_path) == [
        dated,
        f"{A_SHOWN}:12: relay 1 is marked as a translation, but it and the hop before are both in 'en'",
    ]
    edit(corpus_copy, "language: en", "language: fr", "posts/2015-01-01-b.md")
    # 4. The relay post is removed: the quoting post names an unknown publication.
    assert runner.invoke(cli, ["build", "--corpus", "corpus", "--db", str(db)]).exit_code == 0
    (posts / "2015-01-01-b.md").unlink()
    assert _both_builds(runner, corpus_copy, db, tmp_path) == [
        f"{A_SHOWN}:12: unknown relay publication: no post with id '2015-01-01-b'; did you mean '2016-01-01-a'?"
    ]


def test_the_hop_after_a_relay_post_is_checked_against_its_language(runner, corpus_copy: Path, monkeypatch) -> None:
    posts = corpus_copy / "posts"
    (posts / "2015-01-01-b.md").write_text(RELAY_B, encoding="utf-8")
    hops = "      - post: 2015-01-01-b\n        translation: true\n"
    (posts / "2016-01-01-a.md").write_text(
        QUOTING_A.replace(hops, hops + "      - work: pandelle-2010\n        translation: true\n"), encoding="utf-8"
    )
    result = check(runner, corpus_copy, monkeypatch)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{A_SHOWN}:14: relay 2 is marked as a translation, but it and the hop before are both in 'fr'"
    )


def test_an_updates_texts_of_some_posts_are_every_text_filtered_by_post(
    runner, corpus_copy: Path, tmp_path: Path
) -> None:
    """An update reads the reuse texts of the posts it changes by their keys (definitions, quotes) and the hop
    wordings by their passage: the same rows as every text filtered by its chain's post, for one post, some
    and all; the texts it names by id, the same rows as every text filtered by id."""
    import json

    from hubkb.db import lineage

    _chain_corpus(corpus_copy)
    db = tmp_path / "hubkb.db"
    assert runner.invoke(cli, ["build", "--corpus", str(corpus_copy), "--db", str(db)]).exit_code == 0
    with sqlite3.connect(db) as conn:
        every = conn.execute(lineage._REUSE_TEXTS_UNSORTED).fetchall()
        posts = [p for (p,) in conn.execute("SELECT id FROM posts ORDER BY id")]

        def rows(sql: str, ids: list[str]) -> list[tuple]:
            return sorted(conn.execute(sql, [json.dumps(ids)]).fetchall(), key=repr)

        def post_of(chain: str) -> str:  # the SQL's substr(chain, 1, instr(chain, '#') - 1)
            return chain.partition("#")[0] if "#" in chain else ""

        assert len([r for r in every if "~h" in r[0]]) == 36  # the hop wordings: 0 + 1 + ... + 8
        for ids in [*([p] for p in posts), posts[:3], posts, ["nowhere"]]:
            assert rows(lineage._REUSE_TEXTS_OF_POSTS, ids) == sorted((r for r in every if post_of(r[5]) in ids), key=repr)  # fmt: skip
        texts = [r[0] for r in every]
        for ids in ([texts[0]], texts[::3], texts, ["nowhere#d1"]):
            assert rows(lineage._REUSE_TEXTS_WITH_IDS, ids) == sorted((r for r in every if r[0] in ids), key=repr)
