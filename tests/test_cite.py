"""Citations: golden references for every style, BibTeX and RIS round trips,
second-hand chains, and the traps (French titles, organisations, no year)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

from hubkb.citation import (
    citation_keys,
    format_secondhand,
    parse_ris,
    post_to_csl,
    render,
    render_html,
    secondhand,
    split_person_name,
    to_bibtex,
    to_csl,
    to_ris,
)
from hubkb.errors import HubkbError

GOLDEN = Path(__file__).parent / "golden" / "cite"

BOYLE_HARRIS = {
    "id": "boyle-harris-2009",
    "type": "report",
    "title": "The Challenge of Co-production: How equal partnerships between professionals "
    "and the public are crucial to improving public services",
    "title_as_cited": "The Challenge of Coproduction, how equal partnerships between professionnals "
    "and the public are crucial to improvig public services",
    "authors": [{"name": "David Boyle", "kind": "person"}, {"name": "Michael Harris", "kind": "person"}],
    "year": 2009,
    "publisher": "Nesta",
    "url": None,
    "language": "en",
}
US_NOW = {
    "id": "us-now",
    "type": "video",
    "title": "Us Now",
    "authors": [{"name": "Ivo Gormley", "kind": "person"}],
    "year": 2009,
    "publisher": None,
    "url": None,
    "language": "en",
}
WORKS = [BOYLE_HARRIS, US_NOW]

LA_27E = {
    "id": "la-27e-region-2015",
    "type": "report",
    "title": "La transformation des politiques publiques : une nouvelle méthode",
    "authors": [{"name": "La 27e Région", "kind": "organisation"}],
    "year": 2015,
    "publisher": "La 27e Région",
    "url": "https://www.la27eregion.fr/",
    "language": "fr",
}
NO_YEAR = {
    "id": "ostrom-nd",
    "type": "book",
    "title": "Governing the commons",
    "authors": [{"name": "Elinor Ostrom", "kind": "person"}],
    "year": None,
    "publisher": "Cambridge University Press",
    "url": None,
    "language": "en",
}

POST = {
    "id": "2014-08-27-vous-avez-dit-coproduction",
    "title": "Vous avez dit coproduction ?",
    "authors": ["Régis Chatellier"],
    "date": "2014-08-27",
    "site": "l’hubservatoire",
    "url": None,
}
DEFINITION = {
    "kind": "definition",
    "text": "délivrer un service dans une relation réciproque et égale entre les professionnels, "
    "les usagers, leurs familles et leurs voisins",
    "term": "coproduction",
    "by": ["Michael Harris", "David Boyle"],
    "work": BOYLE_HARRIS,
    "via": "Laura Prandelle",
    "post": POST,
    "paragraph": 4,
}

BOYLE_APA = (
    "Boyle, D., & Harris, M. (2009). The Challenge of Co-production: How equal partnerships "
    "between professionals and the public are crucial to improving public services. Nesta."
)
POST_APA_FR = "Chatellier, R. (2014, 27 août). Vous avez dit coproduction ? l’hubservatoire."


# --- golden files -----------------------------------------------------------
# Each producer gives a golden file's exact content; the files were generated
# once from these producers and read line by line before being committed.


def _references(style: str, lang: str) -> str:
    return "".join(render(work, style, lang) + "\n" for work in WORKS)


PRODUCERS: dict[str, Callable[[], str]] = {
    f"{style}-{lang}.txt": (lambda style=style, lang=lang: _references(style, lang))
    for style in ("apa", "chicago", "iso690")
    for lang in ("en", "fr")
}
PRODUCERS["apa-en.html"] = lambda: "".join(render_html(w, "apa") + "\n" for w in WORKS)
PRODUCERS["works.bib"] = lambda: to_bibtex(WORKS)
PRODUCERS["works.ris"] = lambda: to_ris(WORKS)
PRODUCERS["works.csl.json"] = lambda: json.dumps([to_csl(w) for w in WORKS], ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("name", sorted(PRODUCERS))
def test_golden(name: str) -> None:
    # Bytes, not text: the RIS file's CR LF line ends are part of the format.
    expected = (GOLDEN / name).read_bytes()
    assert PRODUCERS[name]().encode("utf-8") == expected


# --- formatted references -------------------------------------------------------


def test_apa_boyle_harris_names_both_authors_and_nesta() -> None:
    reference = render(BOYLE_HARRIS, "apa")
    assert reference == BOYLE_APA
    assert reference.startswith("Boyle, D., & Harris, M. (2009).")


def test_chicago_spells_given_names_out() -> None:
    assert render(BOYLE_HARRIS, "chicago") == (
        "Boyle, David, and Michael Harris. 2009. The Challenge of Co-production: How Equal Partnerships "
        "Between Professionals and the Public Are Crucial to Improving Public Services. Nesta."
    )


def test_patching_chicago_leaves_apa_initials() -> None:
    render(US_NOW, "chicago")
    assert render(US_NOW, "apa") == "Gormley, I. (2009). Us Now [Video recording]."


def test_iso690_french_and_english() -> None:
    assert render(BOYLE_HARRIS, "iso690", "fr") == (
        "BOYLE, David et HARRIS, Michael, 2009. The Challenge of Co-production: How equal partnerships "
        "between professionals and the public are crucial to improving public services. Nesta."
    )
    assert render(BOYLE_HARRIS, "iso690", "en").startswith("BOYLE, David and HARRIS, Michael, 2009.")


def test_french_title_is_not_title_cased() -> None:
    # Chicago title-cases English titles; a French one must stay as written.
    assert render(LA_27E, "chicago") == (
        "La 27e Région. 2015. La transformation des politiques publiques : une nouvelle méthode. "
        "La 27e Région. https://www.la27eregion.fr/."
    )
    assert render(NO_YEAR, "chicago") == "Ostrom, Elinor. n.d. Governing the Commons. Cambridge University Press."


def test_organisation_author() -> None:
    assert to_csl(LA_27E)["author"] == [{"literal": "La 27e Région"}]
    assert render(LA_27E, "apa", "fr") == (
        "La 27e Région. (2015). La transformation des politiques publiques : une nouvelle méthode. "
        "La 27e Région. https://www.la27eregion.fr/"
    )
    assert render(LA_27E, "iso690", "fr") == (
        "LA 27E RÉGION, 2015. La transformation des politiques publiques : une nouvelle méthode "
        "[en\u00a0ligne]. La 27e Région. Disponible à l'adresse\u00a0: https://www.la27eregion.fr/"
    )
    assert "  author = {{La 27e Région}},\n" in to_bibtex([LA_27E])
    assert "AU  - La 27e Région\r\n" in to_ris([LA_27E])


def test_no_year() -> None:
    assert "issued" not in to_csl(NO_YEAR)
    assert render(NO_YEAR, "apa") == "Ostrom, E. (n.d.). Governing the commons. Cambridge University Press."
    # The French locale's own non-breaking spaces: "s.\u00a0d.", "«\u00a0...\u00a0»".
    assert render(NO_YEAR, "apa", "fr") == "Ostrom, E. (s.\u00a0d.). Governing the commons. Cambridge University Press."
    assert citation_keys([NO_YEAR]) == {"ostrom-nd": "ostromndgoverning"}
    assert "PY  -" not in to_ris([NO_YEAR])


def test_render_takes_csl_json_too() -> None:
    assert render(to_csl(BOYLE_HARRIS), "apa") == BOYLE_APA


def test_render_html_escapes_the_data() -> None:
    work = dict(NO_YEAR, title="<script>alert(1)</script> & co", publisher="Procter & Gamble")
    assert render_html(work, "apa") == (
        "Ostrom, E. (n.d.). <i>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</i>. Procter &amp; Gamble."
    )
    # ISO 690 upper-cases names: the entity must survive it.
    organisation = dict(LA_27E, authors=[{"name": "Procter & Gamble", "kind": "organisation"}], url=None)
    assert render_html(organisation, "iso690", "fr").startswith("PROCTER &amp; GAMBLE, 2015.")


def test_no_doubled_stop_after_a_question_mark() -> None:
    post = post_to_csl(POST)
    assert render(post, "apa", "fr") == POST_APA_FR
    assert (
        render(post, "apa", "en") == "Chatellier, R. (2014, August 27). Vous avez dit coproduction ? l’hubservatoire."
    )
    assert render(post, "chicago", "en") == (
        "Chatellier, Régis. 2014. “Vous avez dit coproduction ?” l’hubservatoire, August 27."
    )
    assert render(post, "chicago", "fr") == (
        "Chatellier, Régis. 2014. «\u00a0Vous avez dit coproduction ?\u00a0» l’hubservatoire, 27 août."
    )


def test_american_punctuation_goes_inside_quotes() -> None:
    article = dict(LA_27E, type="article", title="Les communs", publisher="InternetActu", url=None)
    assert render(article, "chicago", "en") == "La 27e Région. 2015. “Les communs.” InternetActu."
    assert render(article, "chicago", "fr") == "La 27e Région. 2015. «\u00a0Les communs\u00a0». InternetActu."


def test_unknown_style_is_a_clean_error() -> None:
    with pytest.raises(HubkbError) as error:
        render(BOYLE_HARRIS, "mla")  # type: ignore[arg-type]
    assert str(error.value) == (
        "unknown citation style 'mla' or language 'en' (styles: apa, chicago, iso690; languages: fr, en)"
    )


# --- CSL-JSON and names -----------------------------------------------------------


def test_video_author_is_author_not_director() -> None:
    assert to_csl(US_NOW) == {
        "id": "us-now",
        "type": "motion_picture",
        "title": "Us Now",
        "author": [{"family": "Gormley", "given": "Ivo"}],
        "issued": {"date-parts": [[2009]]},
        "language": "en",
    }


def test_post_to_csl() -> None:
    assert post_to_csl(POST) == {
        "id": "2014-08-27-vous-avez-dit-coproduction",
        "type": "post-weblog",
        "title": "Vous avez dit coproduction ?",
        "author": [{"family": "Chatellier", "given": "Régis"}],
        "issued": {"date-parts": [[2014, 8, 27]]},
        "container-title": "l’hubservatoire",
        "language": "fr",
    }


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ivo Gormley", {"family": "Gormley", "given": "Ivo"}),
        ("Jean-Pierre Léaud", {"family": "Léaud", "given": "Jean-Pierre"}),
        ("Marie Anne Dupont", {"family": "Dupont", "given": "Marie Anne"}),
        ("Charles de Gaulle", {"family": "Gaulle", "given": "Charles", "non-dropping-particle": "de"}),
        ("Jean de La Fontaine", {"family": "La Fontaine", "given": "Jean", "non-dropping-particle": "de"}),
        ("Ludwig van der Rohe", {"family": "Rohe", "given": "Ludwig", "non-dropping-particle": "van der"}),
        ("van Gogh, Vincent", {"family": "Gogh", "given": "Vincent", "non-dropping-particle": "van"}),
        ("Gormley, Ivo", {"family": "Gormley", "given": "Ivo"}),
        ("Madonna", {"family": "Madonna"}),
    ],
)
def test_split_person_name(name: str, parts: dict[str, str]) -> None:
    assert split_person_name(name) == parts


def test_particles_follow_each_style() -> None:
    work = dict(NO_YEAR, authors=[{"name": "Charles de Gaulle", "kind": "person"}], year=1954)
    assert render(work, "apa").startswith("de Gaulle, C. (1954).")
    assert render(work, "chicago").startswith("Gaulle, Charles de. 1954.")


# --- BibTeX -------------------------------------------------------------------


def test_bibtex_parses_back() -> None:
    library = bibtexparser.parse_string(
        to_bibtex(WORKS + [LA_27E]), append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    assert library.failed_blocks == []
    assert [(e.entry_type, e.key) for e in library.entries] == [
        ("techreport", "boyle2009challenge"),
        ("misc", "gormley2009us"),
        ("techreport", "la27eregion2015transformation"),
    ]
    boyle, us_now, region = library.entries
    assert [(n.first, n.last) for n in boyle["author"]] == [(["David"], ["Boyle"]), (["Michael"], ["Harris"])]
    assert boyle["title"] == BOYLE_HARRIS["title"]
    assert boyle["year"] == "2009"
    assert boyle["institution"] == "Nesta"
    assert boyle["langid"] == "english"
    assert [(n.first, n.last) for n in us_now["author"]] == [(["Ivo"], ["Gormley"])]
    assert [(n.first, n.last) for n in region["author"]] == [([], ["{La 27e Région}"])]
    assert region["title"] == LA_27E["title"]
    assert region["langid"] == "french"


def test_bibtex_writes_a_repeated_work_once() -> None:
    assert to_bibtex([US_NOW, US_NOW]) == to_bibtex([US_NOW])


def test_bibtex_escapes_latex_specials() -> None:
    work = dict(NO_YEAR, title="Profits & pertes : 100% communs")
    entry = bibtexparser.parse_string(to_bibtex([work])).entries[0]
    assert entry["title"] == r"Profits \& pertes : 100\% communs"


def test_citation_keys_fold_skip_articles_and_disambiguate() -> None:
    def work(work_id: str, author: str, title: str, year: int | None = 2014) -> dict:
        return {
            "id": work_id,
            "type": "book",
            "title": title,
            "year": year,
            "authors": [{"name": author, "kind": "person"}],
        }

    works = [
        work("z", "Élise Œuvré", "L’économie des communs"),
        work("b", "Élise Œuvré", "Les économies d’échelle"),
        work("a", "Élise Œuvré", "Une économie"),
        work("v", "Vincent van Gogh", "The Letters"),
        {"id": "anon", "type": "webpage", "title": "Des communs", "year": None, "authors": []},
    ]
    # "a" and "z" share a key: ordered by id, "z" takes the suffix.
    expected = {
        "z": "oeuvre2014economiea",
        "b": "oeuvre2014economies",
        "a": "oeuvre2014economie",
        "v": "vangogh2014letters",
        "anon": "anonndcommuns",
    }
    assert citation_keys(works) == expected
    # The keys do not depend on the order the works come in.
    assert citation_keys(list(reversed(works))) == expected


def test_citation_key_suffix_never_takes_another_works_key() -> None:
    def work(work_id: str, title: str) -> dict:
        return {
            "id": work_id,
            "type": "book",
            "title": title,
            "year": 2009,
            "authors": [{"name": "Ann Smith", "kind": "person"}],
        }

    keys = citation_keys([work("c", "Communsa"), work("a", "Communs"), work("b", "Communs")])
    assert keys == {"c": "smith2009communsaa", "a": "smith2009communs", "b": "smith2009communsa"}


# --- RIS ----------------------------------------------------------------------


def test_ris_parses_back() -> None:
    assert parse_ris(to_ris(WORKS + [LA_27E])) == [
        {
            "TY": ["RPRT"],
            "AU": ["Boyle, David", "Harris, Michael"],
            "TI": [BOYLE_HARRIS["title"]],
            "PY": ["2009"],
            "PB": ["Nesta"],
            "LA": ["en"],
        },
        {"TY": ["VIDEO"], "AU": ["Gormley, Ivo"], "TI": ["Us Now"], "PY": ["2009"], "LA": ["en"]},
        {
            "TY": ["RPRT"],
            "AU": ["La 27e Région"],
            "TI": [LA_27E["title"]],
            "PY": ["2015"],
            "PB": ["La 27e Région"],
            "UR": ["https://www.la27eregion.fr/"],
            "LA": ["fr"],
        },
    ]


def test_ris_uses_crlf_throughout() -> None:
    text = to_ris(WORKS)
    assert text.count("\n") == text.count("\r\n")
    assert text.startswith("TY  - RPRT\r\nAU  - Boyle, David\r\n")
    assert text.endswith("ER  - \r\n")


def test_ris_values_stay_on_one_line() -> None:
    work = dict(NO_YEAR, title="Governing\nthe   commons")
    assert "TI  - Governing the commons\r\n" in to_ris([work])


def test_parse_ris_reads_lf_files_and_continued_lines() -> None:
    text = "\ufeffTY  - JOUR\nTI  - A long\n  title\nAU  - Doe, Jane\nER  -\n\nTY  - BOOK\nER  - \n"
    assert parse_ris(text) == [{"TY": ["JOUR"], "TI": ["A long title"], "AU": ["Doe, Jane"]}, {"TY": ["BOOK"]}]


# --- second-hand citations ------------------------------------------------------


def test_secondhand_coproduction_definition() -> None:
    result = secondhand(DEFINITION)
    assert result == {
        "kind": "definition",
        "term": "coproduction",
        "lang": "fr",
        "passage": DEFINITION["text"],
        "in_text": "Boyle & Harris (2009), cité par Prandelle, in Chatellier (2014)",
        "original": BOYLE_APA,
        "read_source": POST_APA_FR,
        "bibliography": [POST_APA_FR],
        "chain": [
            {
                "role": "original",
                "by": ["Michael Harris", "David Boyle"],
                "work_id": "boyle-harris-2009",
                "reference": BOYLE_APA,
            },
            {"role": "relay", "name": "Laura Prandelle"},
            {
                "role": "read",
                "post_id": "2014-08-27-vous-avez-dit-coproduction",
                "paragraph": 4,
                "anchor": "2014-08-27-vous-avez-dit-coproduction#p4",
                "reference": POST_APA_FR,
            },
        ],
    }


def test_secondhand_in_english() -> None:
    result = secondhand(DEFINITION, lang="en")
    assert result["in_text"] == "Boyle & Harris (2009), cited by Prandelle, in Chatellier (2014)"
    assert result["bibliography"] == ["Chatellier, R. (2014, August 27). Vous avez dit coproduction ? l’hubservatoire."]


def test_secondhand_without_relay() -> None:
    result = secondhand(dict(DEFINITION, via=None))
    assert result["in_text"] == "Boyle & Harris (2009), in Chatellier (2014)"
    assert [link["role"] for link in result["chain"]] == ["original", "read"]


def test_secondhand_organisation_giver() -> None:
    passage = dict(DEFINITION, by=["La 27e Région"], work=LA_27E, via=None)
    assert secondhand(passage)["in_text"] == "La 27e Région (2015), in Chatellier (2014)"
    # Named as a dict, with no work to tell its kind.
    passage = dict(DEFINITION, by=[{"name": "Nesta", "kind": "organisation"}], work=None)
    assert secondhand(passage)["in_text"] == "Nesta, cité par Prandelle, in Chatellier (2014)"


def test_secondhand_three_givers_and_an_unsigned_post() -> None:
    passage = dict(
        DEFINITION, by=["Michael Harris", "David Boyle", "Lucie Stephens"], via=None, post=dict(POST, authors=[])
    )
    assert (
        secondhand(passage)["in_text"] == "Boyle et al. (2009), in l’hubservatoire (2014)"
    )  # the work lists Boyle first


def test_secondhand_work_without_year() -> None:
    passage = dict(DEFINITION, by=["Elinor Ostrom"], work=NO_YEAR, via=None)
    assert secondhand(passage)["in_text"] == "Ostrom (s.\u00a0d.), in Chatellier (2014)"
    assert secondhand(passage, "en")["in_text"] == "Ostrom (n.d.), in Chatellier (2014)"


def test_format_secondhand() -> None:
    assert format_secondhand(secondhand(DEFINITION)) == "\n".join(
        [
            f"« {DEFINITION['text']} » (coproduction)",
            "Dans le texte : Boyle & Harris (2009), cité par Prandelle, in Chatellier (2014)",
            "Bibliographie :",
            f"  {POST_APA_FR}",
            "Chaîne :",
            f"  1. original : {BOYLE_APA}",
            "  2. relais : Laura Prandelle",
            "  3. lu dans : 2014-08-27-vous-avez-dit-coproduction#p4",
        ]
    )
