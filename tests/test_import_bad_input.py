"""Bad input to hubkb import: a clear refusal or a draft flagged for review, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CORPUS
from hubkb.errors import HubkbError, display_path
from hubkb.importer import import_files


def run(tmp_path: Path, name: str, data: bytes):
    source = tmp_path / name
    source.write_bytes(data)
    return source, import_files([source], CORPUS, tmp_path / "out", as_json=True, force=False)


@pytest.mark.parametrize(
    "name, data, why",
    [
        ("empty.txt", b"", "empty file; nothing to import"),
        ("blank.txt", b" \n\xc2\xa0\n\n", "empty file; nothing to import"),
        (
            "image.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "binary file, not a text or HTML page scrape; nothing imported",
        ),
        (
            "scripts.html",
            b"<html><head><script>var a = 1;</script></head><body><script>b()</script></body></html>",
            "HTML page without any text; nothing to import",
        ),
    ],
)
def test_refused(tmp_path, name, data, why):
    source, result = run(tmp_path, name, data)
    assert (result.exit_code, result.written) == (1, [])
    assert result.messages == [f"{display_path(source)}: {why}"]
    assert result.extractions == [
        {
            "source": display_path(source),
            "title": None,
            "date": None,
            "authors": [],
            "paragraphs": [],
            "people": [],
            "organisations": [],
            "definitions": [],
            "quotes": [],
            "references": [],
            "needs_review": [],
            "draft": None,
            "error": why,
        }
    ]


def test_a_refused_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "page.txt").write_text("Un titre\n\n3 mars 2015\n\nUn paragraphe.\n", encoding="utf-8")
    result = import_files([tmp_path / "empty.txt", tmp_path / "page.txt"], CORPUS, tmp_path / "out", True, False)
    assert result.exit_code == 1
    assert [e["title"] for e in result.extractions] == [None, "Un titre"]
    assert result.written == [tmp_path / "out" / "2015-03-03-un-titre.md"]


def test_missing_file(tmp_path):
    result = import_files([tmp_path / "nowhere.txt"], CORPUS, tmp_path / "out", True, False)
    assert (result.exit_code, result.messages) == (
        1,
        [f"{tmp_path / 'nowhere.txt'}: cannot read: No such file or directory"],
    )


def test_no_title_and_no_date_gives_a_flagged_draft(tmp_path):
    source, result = run(
        tmp_path, "notes.txt", b"Juste une ligne de texte, sans date ni titre clair.\n\nUne autre ligne.\n"
    )
    shown = display_path(source)
    assert result.exit_code == 0
    assert result.messages == [
        f"{shown}:1: needs review: no author found; fill in 'authors' (or keep [] for an unsigned page)",
        f"{shown}:1: needs review: no publication date found; fill in 'date' (YYYY-MM-DD)",
        f"{shown}:1: needs review: no title found; fill in 'title'",
    ]
    draft = tmp_path / "out" / "undated-notes.md"
    assert result.written == [draft]
    assert result.summary == [
        f"{shown}: wrote {draft} (2 paragraphs, 0 definitions, 0 quotes, 0 references)",
        f"{shown}: the draft needs review: 3 flags under 'needs_review'",
    ]
    front = yaml.safe_load(draft.read_text(encoding="utf-8").split("---\n")[1])
    assert front == {
        "title": "",
        "date": None,
        "authors": [],
        "language": "fr",
        "status": "draft",
        "needs_review": [
            "no author found; fill in 'authors' (or keep [] for an unsigned page) (line 1 of the source)",
            "no publication date found; fill in 'date' (YYYY-MM-DD) (line 1 of the source)",
            "no title found; fill in 'title' (line 1 of the source)",
        ],
    }


def test_impossible_date(tmp_path):
    _source, result = run(tmp_path, "page.txt", b"Un titre\n\n31/02/2015\n\nUn paragraphe.\n")
    assert (result.extractions[0]["date"], result.extractions[0]["needs_review"]) == (
        None,
        [
            "line 3: impossible date '31/02/2015'; fill in 'date'",
            "line 5: no author found; fill in 'authors' (or keep [] for an unsigned page)",
        ],
    )


def test_cp1252_is_read_with_a_warning(tmp_path):
    source, result = run(tmp_path, "page.txt", "Un été à Paris\n\n3 mars 2015\n\nDéjà là.\n".encode("cp1252"))
    assert result.messages == [
        f"{display_path(source)}:1: warning: not UTF-8 (byte 0xe9); read as Windows-1252 "
        "(cp1252): check accented letters in the draft",
        f"{display_path(source)}:5: needs review: no author found; fill in 'authors' (or keep [] for an unsigned page)",
    ]
    assert (result.extractions[0]["title"], result.extractions[0]["paragraphs"]) == ("Un été à Paris", ["Déjà là."])


def test_utf16_with_a_mark_and_windows_line_endings(tmp_path):
    _, result = run(tmp_path, "page.txt", "Un titre\r\n\r\n3 mars 2015\r\n\r\nCorps du billet.\r\n".encode("utf-16"))
    assert (result.exit_code, result.extractions[0]["title"], result.extractions[0]["paragraphs"]) == (
        0,
        "Un titre",
        ["Corps du billet."],
    )


def test_no_such_corpus(tmp_path):
    with pytest.raises(HubkbError) as error:
        import_files([tmp_path / "x.txt"], tmp_path / "nocorpus", None, False, False)
    assert str(error.value) == f"{tmp_path / 'nocorpus'}: no such corpus folder (give one with --corpus)"
