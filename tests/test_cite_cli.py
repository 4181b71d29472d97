"""hubkb cite: works in every style from the database, second-hand chains, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import bibtexparser
import pytest

from conftest import SEED_POST
from hubkb.citation import parse_ris
from hubkb.cli import cli

BOYLE_TITLE = (
    "The Challenge of Co-production: How equal partnerships between professionals and the public "
    "are crucial to improving public services"
)


def cite(runner, db: Path, *args: str) -> str:
    result = runner.invoke(cli, ["cite", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode("utf-8")


def fails(runner, db: Path, *args: str, code: int = 1) -> str:
    result = runner.invoke(cli, ["cite", "--db", str(db), *args])
    assert result.exit_code == code, result.output
    return result.output


# --- works ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "lang", "expected"),
    [
        ("apa", "fr", f"Boyle, D., & Harris, M. (2009). {BOYLE_TITLE}. Nesta."),
        ("apa", "en", f"Boyle, D., & Harris, M. (2009). {BOYLE_TITLE}. Nesta."),
        (
            "chicago",
            "en",
            "Boyle, David, and Michael Harris. 2009. The Challenge of Co-production: How Equal "
            "Partnerships Between Professionals and the Public Are Crucial to Improving Public "
            "Services. Nesta.",
        ),
        (
            "chicago",
            "fr",
            "Boyle, David, et Michael Harris. 2009. The Challenge of Co-production: How Equal "
            "Partnerships Between Professionals and the Public Are Crucial to Improving Public "
            "Services. Nesta.",
        ),
        ("iso690", "fr", f"BOYLE, David et HARRIS, Michael, 2009. {BOYLE_TITLE}. Nesta."),
        ("iso690", "en", f"BOYLE, David and HARRIS, Michael, 2009. {BOYLE_TITLE}. Nesta."),
    ],
)
def test_reference_styles(runner, built_db: Path, style: str, lang: str, expected: str) -> None:
    assert cite(runner, built_db, "boyle-harris-2009", "--style", style, "--lang", lang) == expected + "\n"


def test_apa_in_french_is_the_default(runner, built_db: Path) -> None:
    assert cite(runner, built_db, "boyle-harris-2009") == f"Boyle, D., & Harris, M. (2009). {BOYLE_TITLE}. Nesta.\n"
    assert cite(runner, built_db, "us-now") == "Gormley, I. (2009). Us Now [Enregistrement vidéo].\n"


def test_bibtex(runner, built_db: Path) -> None:
    out = cite(runner, built_db, "boyle-harris-2009", "--style", "bibtex")
    assert out == (
        "@techreport{boyle2009challenge,\n"
        "  author = {Boyle, David and Harris, Michael},\n"
        f"  title = {{{BOYLE_TITLE}}},\n"
        "  year = {2009},\n"
        "  institution = {Nesta},\n"
        "  langid = {english}\n"
        "}\n"
    )
    library = bibtexparser.parse_string(out)
    assert library.failed_blocks == []
    [entry] = library.entries
    assert (entry.entry_type, entry.key, entry["author"], entry["institution"]) == (
        "techreport",
        "boyle2009challenge",
        "Boyle, David and Harris, Michael",
        "Nesta",
    )


def test_ris(runner, built_db: Path) -> None:
    out = cite(runner, built_db, "boyle-harris-2009", "--style", "ris")
    assert out == (
        "TY  - RPRT\r\nAU  - Boyle, David\r\nAU  - Harris, Michael\r\n"
        f"TI  - {BOYLE_TITLE}\r\nPY  - 2009\r\nPB  - Nesta\r\nLA  - en\r\nER  - \n"
    )
    assert parse_ris(out) == [
        {
            "TY": ["RPRT"],
            "AU": ["Boyle, David", "Harris, Michael"],
            "TI": [BOYLE_TITLE],
            "PY": ["2009"],
            "PB": ["Nesta"],
            "LA": ["en"],
        }
    ]


def test_csl_json(runner, built_db: Path) -> None:
    assert json.loads(cite(runner, built_db, "boyle-harris-2009", "--style", "csl-json")) == [
        {
            "id": "boyle-harris-2009",
            "type": "report",
            "title": BOYLE_TITLE,
            "author": [{"family": "Boyle", "given": "David"}, {"family": "Harris", "given": "Michael"}],
            "issued": {"date-parts": [[2009]]},
            "publisher": "Nesta",
            "language": "en",
        }
    ]


@pytest.mark.parametrize(
    ("wanted", "message"),
    [
        ("boyle-2009", "Error: no work with id 'boyle-2009'; did you mean boyle-harris-2009?\n"),
        (
            "The Challenge of Coproduction",
            "Error: no work with id 'The Challenge of Coproduction'; did you mean boyle-harris-2009?\n",
        ),
        ("us now", "Error: no work with id 'us now'; did you mean us-now?\n"),
        ("zzz", "Error: no work with id 'zzz'\n"),
    ],
)
def test_unknown_work(runner, built_db: Path, wanted: str, message: str) -> None:
    assert fails(runner, built_db, wanted) == message


def test_missing_database_says_to_build(runner, tmp_path: Path) -> None:
    db = tmp_path / "hubkb.db"
    assert fails(runner, db, "boyle-harris-2009") == (
        f"Error: {db}: no such database; build it first with `hubkb build --db {db}`\n"
    )


def test_default_database_is_the_current_folder(runner, built_db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["cite", "boyle-harris-2009"])
    assert result.exit_code == 1
    assert result.output == "Error: hubkb.db: no such database; build it first with `hubkb build --db hubkb.db`\n"
    (tmp_path / "hubkb.db").write_bytes(built_db.read_bytes())
    result = runner.invoke(cli, ["cite", "boyle-harris-2009", "--style", "chicago"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Boyle, David, et Michael Harris. 2009.")


# --- second-hand citations --------------------------------------------------------------------

COPRODUCTION_DEFINITION = (
    "délivrer un service dans une relation réciproque et égale entre les professionnels, les utilisateurs, "
    "et la sphère familiale et sociale des utilisateurs"
)


def test_the_coproduction_definition_and_its_chain(runner, built_db: Path) -> None:
    out = cite(runner, built_db, "--definition", f"{SEED_POST}#d2")
    assert (
        out
        == "\n".join(
            [
                f"« {COPRODUCTION_DEFINITION} » (coproduction)",
                "Dans le texte : Boyle & Harris (2009), cité par Pandelle (2010), in Chatellier (2014)",
                "Bibliographie :",
                "  Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? l’hubservatoire.",
                "Chaîne :",
                f"  1. original : Boyle, D., & Harris, M. (2009). {BOYLE_TITLE}. Nesta.",
                "  2. relais : Pandelle, L. (2010, 7 février). Co-production, le NESTA éclaircit la notion. La 27e Région. http://www.la27eregion.fr/co-production-le-nesta-eclaircit-la-notion/",  # the relay's publication
                f"  3. lu dans : {SEED_POST}#p4",
            ]
        )
        + "\n"
    )


def test_the_chain_in_english(runner, built_db: Path) -> None:
    out = cite(runner, built_db, "--definition", f"{SEED_POST}#d2", "--lang", "en").splitlines()
    assert out[0] == f"“{COPRODUCTION_DEFINITION}” (coproduction)"
    assert out[1] == "In text: Boyle & Harris (2009), cited by Pandelle (2010), in Chatellier (2014)"
    assert out[3] == "  Chatellier, R. (2014, August 27). Vous avez dit coproduction ? l’hubservatoire."


def test_a_quote_through_a_relay(runner, built_db: Path) -> None:
    out = cite(runner, built_db, "--quote", f"{SEED_POST}#q3")
    assert out.splitlines() == [
        "« capitalisme de catastrophe »",
        "Dans le texte : Cagle, cité par Guillaud, in Chatellier (2014)",
        "Bibliographie :",
        "  Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? l’hubservatoire.",
        "Chaîne :",
        "  1. original : Susie Cagle",
        "  2. relais : Hubert Guillaud",
        f"  3. lu dans : {SEED_POST}#p6",
    ]


def test_a_definition_given_by_an_organisation(runner, built_db: Path) -> None:
    out = cite(runner, built_db, "--definition", f"{SEED_POST}#d1").splitlines()
    assert out[1] == (
        "Dans le texte : Observatoire des innovations de la Cité des sciences et de l’industrie, in Chatellier (2014)"
    )
    assert out[-1] == f"  2. lu dans : {SEED_POST}#p2"


def test_unknown_passages(runner, built_db: Path) -> None:
    assert fails(runner, built_db, "--definition", "d2") == (
        f"Error: no definition with id 'd2'; did you mean {SEED_POST}#d2?\n"
    )
    assert fails(runner, built_db, "--quote", "#q9") == "Error: no quote with id '#q9'\n"
    assert fails(runner, built_db, "--quote", f"{SEED_POST}#d2") == (
        f"Error: no quote with id '{SEED_POST}#d2'; did you mean {SEED_POST}#q2?\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give one of WORK_ID, --definition ID or --quote ID"),
        (
            ["boyle-harris-2009", "--definition", f"{SEED_POST}#d2"],
            "give one of WORK_ID, --definition ID or --quote ID",
        ),
        (
            ["--definition", f"{SEED_POST}#d2", "--style", "chicago"],
            "--style applies to works; a second-hand citation follows APA",
        ),
        (["boyle-harris-2009", "--style", "mla"], "'mla' is not one of"),
    ],
)
def test_usage_errors(runner, built_db: Path, args: list[str], message: str) -> None:
    assert message in fails(runner, built_db, *args, code=2)


# --- a small corpus: an organisation as author, a French title -----------------------------------


def test_organisation_author_and_french_title(runner, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "posts").mkdir(parents=True)
    (corpus / "people.yaml").write_text("- name: Laura Prandelle\n", encoding="utf-8")
    (corpus / "organisations.yaml").write_text(
        "- id: la-27e-region\n  name: La 27e Région\n  aliases: [27ème Région]\n", encoding="utf-8"
    )
    (corpus / "works.yaml").write_text(
        "- id: chantiers-2015\n  type: report\n  title: Chantiers ouverts au public, la transformation publique\n"
        "  authors: [La 27e Région]\n  year: 2015\n  publisher: La Documentation française\n  language: fr\n",
        encoding="utf-8",
    )
    (corpus / "terms.yaml").write_text("- label: transformation publique\n", encoding="utf-8")
    (corpus / "posts" / "2016-01-01-note.md").write_text(
        "---\ntitle: Note de lecture\ndate: 2016-01-01\nauthors: [Laura Prandelle]\nsite: l’hubservatoire\n"
        "references: [chantiers-2015]\ndefinitions:\n  - term: transformation publique\n"
        "    text: changer l’action publique avec ses usagers\n    by: [27ème Région]\n"
        "    work: chantiers-2015\n---\n"
        "La 27e Région parle de « changer l’action publique avec ses usagers ».\n",
        encoding="utf-8",
    )
    db = tmp_path / "hubkb.db"
    result = runner.invoke(cli, ["build", "--corpus", str(corpus), "--db", str(db)])
    assert result.exit_code == 0, result.output

    assert cite(runner, db, "chantiers-2015") == (
        "La 27e Région. (2015). Chantiers ouverts au public, la transformation publique. La Documentation française.\n"
    )
    assert cite(runner, db, "chantiers-2015", "--style", "chicago").startswith(
        "La 27e Région. 2015. Chantiers ouverts au public, la transformation publique."
    )  # not title-cased
    entry = bibtexparser.parse_string(cite(runner, db, "chantiers-2015", "--style", "bibtex")).entries[0]
    assert (entry.key, entry["author"], entry["langid"]) == ("la27eregion2015chantiers", "{La 27e Région}", "french")
    assert cite(runner, db, "--definition", "2016-01-01-note#d1").splitlines()[1] == (
        "Dans le texte : La 27e Région (2015), in Prandelle (2016)"
    )
