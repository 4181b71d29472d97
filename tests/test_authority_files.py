"""Authority files are read entry by entry (a 4 MB works.yaml is not one 100 MB node tree), with the
same records, lines and messages as when the file is parsed whole."""

from __future__ import annotations

import shutil
import tracemalloc
from pathlib import Path

import pytest

import hubkb.read
from conftest import CORPUS, SCHEMA
from hubkb.read import read_authorities
from hubkb.schema import load_schema


def read(corpus: Path, whole: bool = False, monkeypatch: pytest.MonkeyPatch | None = None):
    if whole:
        assert monkeypatch is not None

        def parse_whole(text: str, shown: str):
            raise hubkb.read._Whole

        monkeypatch.setattr(hubkb.read, "_one_by_one", parse_whole)
    try:
        return read_authorities(corpus, load_schema(SCHEMA))
    finally:
        if monkeypatch is not None:
            monkeypatch.undo()


def corpus_with_works(tmp_path: Path, text: str) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "works.yaml").write_text(text, encoding="utf-8")
    return corpus


def works_yaml(n: int) -> str:
    entries = [
        f'- id: work-{i}\n  type: report\n  title: "Rapport numéro {i} : l\'innovation publique"\n'
        f"  authors: [David Boyle]\n  year: {1990 + i % 30}\n  note: >-\n    Une note sur deux lignes,\n"
        f"    pour le rapport {i}.\n\n# un commentaire entre deux entrées\n"
        for i in range(n)
    ]
    return "# Works, generated for this test.\n\n" + "".join(entries)


def test_entry_by_entry_gives_the_records_and_lines_of_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (CORPUS / "works.yaml").read_text(encoding="utf-8") + works_yaml(40)
    corpus = corpus_with_works(tmp_path, text)
    by_entry, problems = read(corpus)
    whole, whole_problems = read(corpus, whole=True, monkeypatch=monkeypatch)
    assert by_entry == whole and problems == whole_problems == []
    assert len(by_entry.works) == 43
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("- ")]
    assert [w.line for w in by_entry.works] == starts
    assert (
        by_entry.works[3].id == "work-0"
        and by_entry.works[3].fields["note"] == "Une note sur deux lignes, pour le rapport 0."
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (  # a key given twice: reported with both lines, as for the whole file
            "- id: a\n  title: Un\n  year: 2001\n- id: b\n  title: Deux\n  title: Trois\n  year: 2002\n",
            "6: duplicate key 'title' (first at line 5); YAML would keep only the last value: remove or rename one",
        ),
        (  # a quoted title whose second line starts like an entry: the file is parsed whole
            '- id: a\n  title: "Un\n- deux"\n  year: 2001\n- id: b\n  title: Trois\n  year: 2002\n',
            None,
        ),
        ("works:\n- id: a\n  title: Un\n", "1: works.yaml must be a list of entries, each starting with '- '"),
        ("- id: a\n  title: Un\n  year: 2001\n- [b, c]\n", "4: each entry must be a mapping of keys"),
    ],
)
def test_what_an_entry_alone_cannot_say_comes_from_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str | None
) -> None:
    corpus = corpus_with_works(tmp_path, text)
    by_entry, problems = read(corpus)
    whole, whole_problems = read(corpus, whole=True, monkeypatch=monkeypatch)
    assert (by_entry, problems) == (whole, whole_problems)
    if message is None:
        assert problems == [] and by_entry.works[0].title == "Un - deux" and len(by_entry.works) == 2
    else:
        assert [f"{p.line}: {p.message}" for p in problems] == [message.replace("works.yaml", problems[0].path)]


def test_reading_entry_by_entry_holds_a_fraction_of_the_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = corpus_with_works(tmp_path, works_yaml(3000))

    def peak(whole: bool) -> int:
        tracemalloc.start()
        try:
            authorities, problems = read(corpus, whole=whole, monkeypatch=monkeypatch if whole else None)
            assert len(authorities.works) == 3000 and problems == []
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    by_entry, whole = peak(False), peak(True)
    assert by_entry < whole / 2, (by_entry, whole)
