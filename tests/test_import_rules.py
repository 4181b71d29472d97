"""The importer's rules one by one: a test per rule function and a case per table entry.

Every function registered with `@rule` (hubkb.importer.rules.RULES) has a test
here named `test_<module>_<function>`, and every entry of every rule table
(TABLES) has a case in TABLE_CASES whose text it must match; the meta-tests at
the end fail when a rule or an entry goes untested, so removing a rule fails a
test and adding one asks for a test.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

import hubkb.importer  # noqa: F401  (registers every rule)
from conftest import CORPUS, SCHEMA
from hubkb.importer import dates, nlp, passages, references, scrape, shapes, source
from hubkb.importer.aliases import AliasTable
from hubkb.importer.extract import is_interview
from hubkb.importer.names import Names
from hubkb.importer.references import Reference
from hubkb.importer.rules import RULES, TABLES
from hubkb.importer.scrape import Block
from hubkb.read import read_authorities
from hubkb.resolve import Resolver
from hubkb.schema import load_schema


@pytest.fixture(scope="module")
def names() -> Names:
    """The registry of a post, on the default corpus's authority files."""
    authorities, _ = read_authorities(CORPUS, load_schema(SCHEMA))
    resolver = Resolver(authorities)
    return Names(resolver, AliasTable(resolver))


# --- tables: (table, entry) -> a line the entry must match -------------------------------------------

TABLE_CASES = {
    ("line chrome", "views"): "1 284 views",
    ("line chrome", "likes"): "12 likes",
    ("line chrome", "transcript"): "TRANSCRIPT",
    ("line chrome", "page marker"): "Page 3:",
    ("line chrome", "price"): "14,90 €",
    ("line chrome", "shop"): "Ajouter au panier",
    ("line chrome", "payment"): "Paiement sécurisé : CB, Visa",
    ("line chrome", "paper issue"): "Le numéro 12 en version papier",
    ("line chrome", "paywall offer"): "Accès illimité aux archives",
    ("line chrome", "share"): "Envoyer cette page à un ami",
    ("line chrome", "skip link"): "Aller au contenu",
    ("line chrome", "search box"): "Rechercher…",
    ("line chrome", "reading time"): "Temps de lecture : 3 min",
    ("line chrome", "image file"): "IMG_4521.jpg",
    ("line chrome", "legal"): "Gestion des cookies",
    ("line chrome", "republic"): "République française",
    ("line chrome", "reply"): "Répondre",
    ("line chrome", "feedback"): "Votre message",
    ("line chrome", "breadcrumb"): "Accueil › Ressources › Glossaire",
    ("line chrome", "menu"): "Menu",
    ("end of article", "comments"): "3 commentaires",
    ("end of article", "comment form"): "Réagir à cet article",
    ("end of article", "related"): "Articles récents",
    ("end of article", "paywall"): "Il vous reste 75 % de l’article à lire.",
    ("end of article", "taxonomy"): "Mots-clés : laboratoires, innovation publique",
    ("end of article", "share block"): "Partager :",
    ("end of article", "feedback"): "Cette page vous a-t-elle été utile ?",
    ("end of article", "powered by"): "Propulsé par WordPress",
    ("end of article", "previous or next"): "Le forum des communs revient en juin →",
}
NOT_CHROME = [
    "Facebook a racheté une start-up de la civic tech en 2019, selon le rapport.",
    "La coproduction désigne la participation des usagers.",
    "Page d’accueil du laboratoire : un atelier ouvert à tous",
]


@pytest.mark.parametrize(("table", "entry"), sorted(TABLE_CASES))
def test_table_entry_matches_its_case(table: str, entry: str) -> None:
    found = TABLES[table].match(TABLE_CASES[table, entry])
    assert found is not None and found.name == entry


@pytest.mark.parametrize("text", NOT_CHROME)
def test_body_sentences_are_no_chrome(text: str) -> None:
    assert scrape.is_line_chrome(text) is False and scrape.is_end_of_article(text) is False


# --- dates ---------------------------------------------------------------------------------------------


def test_dates_read_date() -> None:
    assert dates.read_date("1er décembre 2014") == dt.date(2014, 12, 1)
    assert dates.read_date("1re mars 2015") == dt.date(2015, 3, 1)
    assert dates.read_date("March 3, 2015") == dt.date(2015, 3, 3)
    assert dates.read_date("31/02/2015") is None
    assert dates.read_date("2015") is None  # a year alone is no date


def test_dates_date_cue() -> None:
    assert [dates.date_cue(x) for x in ("Mis à jour le", "Upload:", "Publié le", "Le", "Article du numéro 146 -")] == [
        "update",
        "upload",
        "publication",
        "publication",
        "publication",
    ]
    assert dates.date_cue("Réunis à Lyon le") is None


def test_dates_date_line() -> None:
    found = dates.date_line("Publié le 20/03/2023 - Mis à jour le 04/04/2023")
    assert found is not None and (found.value, found.kind, found.others) == (
        dt.date(2023, 3, 20),
        "publication",
        (("update", dt.date(2023, 4, 4)),),
    )
    posted = dates.date_line("Posted on 14 mars 2019 par Hélène Vasquez")
    assert posted is not None and (posted.value, posted.rest) == (dt.date(2019, 3, 14), "par Hélène Vasquez")
    upload = dates.date_line("Upload: 3 février 2017")
    assert upload is not None and upload.kind == "upload"
    assert dates.date_line("Réunis à Lyon le 16 mars 2015, les responsables ont présenté leurs résultats") is None


# --- layout --------------------------------------------------------------------------------------------


def test_scrape_is_menu() -> None:
    assert scrape.is_menu(["Accueil", "Le labo", "Nos chantiers", "Contact"]) is True
    assert scrape.is_menu(["Découvrir   Publier   Se connecter"]) is True
    assert scrape.is_menu(["Régis Chatellier", "Le hub agence"]) is False
    assert scrape.is_menu(["Une phrase.", "Une autre phrase.", "Encore une."]) is False


def test_scrape_stands_alone() -> None:
    assert [scrape.stands_alone(x) for x in ("Upload: 3 février 2017", "1 284 views", "Par Camille Roussel")] == [
        True,
        True,
        True,
    ]
    assert scrape.stands_alone("Nous lancions des projets numériques") is False


def test_scrape_repair_hyphens() -> None:
    assert scrape.repair_hyphens("à la con- ception des services") == "à la conception des services"
    assert scrape.repair_hyphens("les pré- et post-tests") == "les pré- et post-tests"


def test_scrape_is_kind_label() -> None:
    assert [scrape.is_kind_label(x) for x in ("Actualité", "Entretiens", "INNOVATION", "Communiqué de presse")] == [
        True,
        True,
        True,
        True,
    ]
    assert scrape.is_kind_label("Les agents, premiers designers du service public") is False


def test_scrape_byline_names() -> None:
    assert scrape.byline_names("Propos recueillis par Camille Roussel") == ["Camille Roussel"]
    assert scrape.byline_names("Par Julien Mercadier") == ["Julien Mercadier"]
    assert scrape.byline_names("Par l’équipe de la Fabrique des Possibles") == []
    assert scrape.byline_names("Pour la suite, nous ouvrons un nouveau chantier") is None


def test_scrape_is_end_of_article() -> None:
    assert scrape.is_end_of_article("Laisser un commentaire") is True
    assert scrape.is_end_of_article("Nous avons laissé un commentaire au ministère.") is False


def test_scrape_title_near() -> None:
    blocks = [
        Block(x, i + 1)
        for i, x in enumerate(
            ["INNOVATION", "Article du numéro 146 - 01 juillet 2021", "Les agents, designers", "Texte."]
        )
    ]
    assert scrape.title_near(blocks, 1, {0}) == 2  # a label right before the date: the title is after it
    blocks = [
        Block(x, i + 1) for i, x in enumerate(["Actualité", "Les laboratoires tirent le bilan", "Publié le 20/03/2023"])
    ]
    assert scrape.title_near(blocks, 2, {0}) == 1


def test_scrape_join_continuations() -> None:
    blocks = [Block("« Au début, personne n’y croyait.", 1), Block("Nous avons tenu bon. »", 3), Block("Fin.", 5)]
    joined = scrape.join_continuations(blocks)
    assert [b.written for b in joined] == ["« Au début, personne n’y croyait.\nNous avons tenu bon. »", "Fin."]
    quote = [Block("« Un laboratoire n’a de sens qu’à côté des agents. »", 1), Block("— Sabine Roux, directrice", 3)]
    assert len(scrape.join_continuations(quote)) == 1


# --- names and pages -----------------------------------------------------------------------------------


def test_nlp_sentences_to_read() -> None:
    texts = ["Kofi Asante parle. Kofi Asante rit. Kofi Asante part. Ioana Petrescu arrive."]
    assert nlp.sentences_to_read(texts, limit=2) == ["Kofi Asante parle.", "Kofi Asante rit.", "Ioana Petrescu arrive."]


def test_nlp_loads_the_entity_recognizer_alone() -> None:
    """The shared tok2vec feeds only the tagger and parser: `ner` embeds words itself, so it is left out."""
    model = nlp.load(nlp.model_name())
    assert model.pipe_names == ["ner"]
    doc = model("Kofi Asante, chercheuse à la Fondation Arcadie, arrive à Lyon.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Kofi Asante", "PER"),
        ("Fondation Arcadie", "ORG"),
        ("Lyon", "LOC"),
    ]


def test_nlp_join_alternatives() -> None:
    """Alternatives that end alike share their end; the same strings match; other shapes are left alone."""
    pattern = "(?i)(?:^ab[-]x[a-z]+$)|(?:^cd[-]y[a-z]+$)|(?:^e[-][a-z]+$)"
    joined = nlp.join_alternatives(pattern)
    assert joined == "(?i)(?:^(?:ab[-]x|cd[-]y|e[-])[a-z]+$)"
    words = ["ab-xq", "AB-Xqq", "cd-yz", "e-z", "e-", "ab-x", "cd-x", "ab-xq-", "xab-xq", "e-z\n"]
    assert [bool(re.match(joined, w)) for w in words] == [bool(re.match(pattern, w)) for w in words]
    assert [w for w in words if re.match(joined, w)] == ["ab-xq", "AB-Xqq", "cd-yz", "e-z", "e-z\n"]
    assert nlp.join_alternatives("(?:^(a)[-]x$)|(?:^b[-]x$)") is None  # a capturing group would be renumbered
    assert nlp.join_alternatives("(?:^a[-]x$|^b[-]x$)") is None  # one group holding both
    assert nlp.join_alternatives("(?:^ab$)|(?:^cd$)") is None  # no character class to cut at


def test_nlp_token_match_is_the_models() -> None:
    """The model's stored token pattern and the joined one accept the same words (hyphenated, elided, plain)."""
    import srsly

    model = nlp.load(nlp.model_name())
    stored = srsly.msgpack_loads((model.path / "tokenizer").read_bytes())["token_match"]
    words = "faux-vampire entr'abat saut-de-ski pet-en-l'air New-York ÉTATS-UNIS hip-hop co-production l’Institut"
    words += " Aït-Kaci tiers-lieu aujourd'hui prud’hommes Anti-Système x-y mot grand'mère rock-n-roll"
    original = re.compile(stored)
    assert [bool(model.tokenizer.token_match(w)) for w in words.split()] == [
        bool(original.match(w)) for w in words.split()
    ]
    assert sum(bool(original.match(w)) for w in words.split()) >= 6  # the words above do exercise the pattern


def test_extract_is_interview() -> None:
    assert is_interview(["Intro.", "Comment est né le lab ?", "D’une frustration.", "Avez-vous un modèle ?", "Oui."])
    assert not is_interview(["Intro.", "Comment est né le lab ?", "D’une frustration.", "Et la suite ?", "Essaimer."])
    assert not is_interview(["Qu’est-ce qu’un lab ?", "Une équipe.", "Un autre paragraphe."])


# --- shapes of names ------------------------------------------------------------------------------------


def test_shapes_clean_name() -> None:
    assert shapes.clean_name(" (Laura Prandelle), ") == "Laura Prandelle"
    assert shapes.clean_name("Ostrom E.") == "Ostrom E."
    assert shapes.clean_name("Elinor Ostrom.") == "Elinor Ostrom"


def test_shapes_strip_intro_noun() -> None:
    assert shapes.strip_intro_noun("mission Lab’Action") == "Lab’Action"
    assert shapes.strip_intro_noun("Mission Lab’Action") == "Mission Lab’Action"


def test_shapes_strip_article() -> None:
    assert shapes.strip_article("la Fing") == "Fing"
    assert shapes.strip_article("La 27e Région") == "La 27e Région"


def test_shapes_trim_adjectives() -> None:
    assert shapes.trim_adjectives("MindLab danois") == "MindLab"
    assert shapes.trim_adjectives("Agence nationale de la recherche") == "Agence nationale de la recherche"


def test_shapes_name_parts() -> None:
    assert shapes.name_parts("Ostrom E.") == ("e", "ostrom")
    assert shapes.name_parts("Elinor Ostrom") == ("elinor", "ostrom")
    assert shapes.name_parts("Ostrom") == ("", "ostrom")


def test_shapes_trim_run() -> None:
    assert shapes.trim_run(0, "Selon Elinor Ostrom") == (6, "Elinor Ostrom")
    assert shapes.trim_run(0, "Selon Ostrom") == (0, None)


def test_shapes_org_extent() -> None:
    text = "L’Agence nationale de la recherche a financé"
    assert text[: shapes.org_extent(text, len("L’Agence"))] == "L’Agence nationale de la recherche"


def test_shapes_org_shaped() -> None:
    assert shapes.org_shaped("Ouishare") is True
    assert shapes.org_shaped("p. 12") is False
    assert shapes.org_shaped("Démocratie Ouverte", listed=True) is True
    assert shapes.org_shaped("Démocratie Ouverte") is False  # two capitalised words alone read as a person


# --- layout, continued ---------------------------------------------------------------------------------


def test_scrape_signature_names() -> None:
    assert scrape.signature_names("Par Marc Pallot et Brigitte Trousse") == ["Marc Pallot", "Brigitte Trousse"]
    assert scrape.signature_names("Laura Prandelle, pour l’hubservatoire") == ["Laura Prandelle"]
    assert scrape.signature_names("Nous avons tenu bon.") is None


def test_scrape_is_person_shape() -> None:
    assert scrape.is_person_shape("Régis Chatellier") is True
    assert scrape.is_person_shape("Nos partenaires") is False


def test_scrape_references_heading() -> None:
    found = scrape.references_heading("Aller plus loin : Ray Oldenburg, The Great Good Place")
    assert found is not None and found.group("rest") == "Ray Oldenburg, The Great Good Place"
    assert scrape.references_heading("Nous irons plus loin demain.") is None


def test_scrape_is_widget_heading() -> None:
    assert scrape.is_widget_heading("Tweets de @Hubservateur") is True
    assert scrape.is_widget_heading("Nos partenaires :") is True
    assert scrape.is_widget_heading("Les tweets du maire ont fait polémique pendant la campagne.") is False


def test_scrape_is_header_chrome() -> None:
    assert scrape.is_header_chrome("retour au hub Plein Sens") is True
    assert scrape.is_header_chrome("Pour vous inscrire à la newsletter entrez votre adresse e-mail.") is True
    assert scrape.is_header_chrome("Vous avez dit coproduction ?") is False


def test_scrape_is_line_chrome() -> None:
    assert scrape.is_line_chrome("1 284 views") is True
    assert scrape.is_line_chrome("Crédit photo : Flickr CC") is True
    assert scrape.is_line_chrome("Les vues des habitants ont été recueillies en 2014.") is False


# --- quotations and definitions ------------------------------------------------------------------------


def test_passages_find_quotes() -> None:
    text = "il dit « a “b” c » puis « ouvert, sans fin"
    found = passages.find_quotes(text)
    assert [text[q.text_start : q.text_end] for q in found] == ["a “b” c", "ouvert"]
    assert [q.unclosed for q in found] == [False, True]


def test_passages_sentence_starts() -> None:
    text = "E. Ostrom écrit. Puis « Il part. Vite » dit-il. Fin"
    assert passages.sentence_starts(text, passages.find_quotes(text)) == [0, 17, 48]


def test_passages_in_relative_clause() -> None:
    text = "X, qui a suivi nos travaux pour Y, parle"
    assert passages.in_relative_clause(text, 0, text.index("Y")) is True
    assert passages.in_relative_clause(text, 0, text.index("parle")) is False


def test_passages_tidy_text() -> None:
    assert passages.tidy_text("ainsi un lieu ouvert ; il accueille") == "un lieu ouvert"


def test_passages_tidy_term() -> None:
    assert passages.tidy_term("le terme de coproduction") == "coproduction"
    assert passages.tidy_term("« l’innovation publique »") == "innovation publique"


def test_passages_term_scores() -> None:
    candidates = {"innovation ouverte": "innovation ouverte", "innovation": "innovation"}
    assert passages.term_scores([("l’innovation ouverte", 2)], candidates) == {"innovation ouverte": 2}
    assert passages.term_scores([("innovation et innovation ouverte", 1)], candidates) == {
        "innovation ouverte": 1,
        "innovation": 1,
    }


# --- references ----------------------------------------------------------------------------------------


def test_references_unglue() -> None:
    assert references.unglue("David Boyle and Michael HarrisThe Challenge of Coproduction") == (
        "David Boyle and Michael Harris, The Challenge of Coproduction"
    )
    assert references.unglue("Une étude de McKinsey") == "Une étude de McKinsey"


def test_references_segments() -> None:
    assert references.segments("Nesta (UK, Londres), 2009") == ["Nesta (UK, Londres)", "2009"]
    assert references.segments("Ostrom E. (1990). Governing the Commons. Cambridge") == [
        "Ostrom E. (1990)",
        "Governing the Commons",
        "Cambridge",
    ]


def test_references_guess_type(names: Names) -> None:
    book = Reference(raw="", line=1, title="T", authors=[names.person("Jean Martin", "references")], publisher="Seuil")
    assert references.guess_type(book, names) == "book"
    report = Reference(raw="", line=1, title="T", publisher="Nesta")
    assert references.guess_type(report, names) == "report"
    article = Reference(raw="", line=1, title="T", authors=[names.person("Jean Martin", "references")], year=2010)
    assert references.guess_type(article, names) == "article"


def test_references_same_work() -> None:
    ref = Reference(raw="", line=1, title="Us Now")
    work = references.BodyWork(0, 0, 6, "Us now", "video", [])
    assert references.same_work(ref, work) is True
    assert references.same_work(ref, references.BodyWork(0, 0, 6, "Them Then", "video", [])) is False


def test_references_publisher_name(names: Names) -> None:
    ref = Reference(raw="", line=1, publisher="Nesta - Making innovation Flouris")
    assert references.publisher_name(ref, names.resolver) == "Nesta"
    other = Reference(raw="", line=1, publisher="les Presses du Réel - collection Documents")
    assert references.publisher_name(other, names.resolver) == "Presses du Réel"


def test_references_cited_reference(names: Names) -> None:
    durand, okafor = names.person("Claire Durand", "references"), names.person("Obi Okafor", "references")
    listed = Reference(raw="", line=1, title="La coproduction", authors=[durand, okafor], year=2016)
    citation = references.AUTHOR_YEAR_CITATION.search("« … » (Durand & Okafor, 2016, p. 12)")
    assert citation is not None and references.cited_reference(citation, [listed], names) is listed
    other_year = references.AUTHOR_YEAR_CITATION.search("(Durand & Okafor, 2018)")
    assert other_year is not None and references.cited_reference(other_year, [listed], names) is None


# --- saved pages ---------------------------------------------------------------------------------------


def test_source_looks_like_html() -> None:
    assert source.looks_like_html("texte", "page.html") is True
    assert source.looks_like_html("<!DOCTYPE html><html><body>x</body></html>", "page.txt") is True
    assert source.looks_like_html("Un billet < 3 pages", "page.txt") is False


def test_source_main_text() -> None:
    html = (
        "<html><head><title>Un titre | Le site</title></head><body><nav><a href='/'>Accueil</a></nav>"
        "<article><h1>Un titre</h1><p>Voir le site de <a href='https://exemple.org/fing'>la Fing</a> pour "
        "comprendre la coproduction des services publics avec les habitants.</p></article></body></html>"
    )
    text, hints = source.main_text(html)
    assert text is not None and "[la Fing](https://exemple.org/fing)" in text and "Accueil" not in text
    assert hints.title == "Un titre"


def test_source_byline_in_markup() -> None:
    html = (
        "<html><body><header><p>Le blog</p></header><h1>Un titre</h1><div class='meta'>Par <a href='/a'>Amélie "
        "Corbineau</a> · <time>15 juin 2021</time></div><p>"
        + "Un long paragraphe du billet. " * 10
        + "</p></body></html>"
    )
    assert source.byline_in_markup(html) == ("Amélie Corbineau",)
    assert source.byline_in_markup("<html><body><p>Sans signature.</p></body></html>") == ()


# --- meta-tests ----------------------------------------------------------------------------------------


def test_every_rule_has_a_test_and_a_one_line_example() -> None:
    tests = {name for name in globals() if name.startswith("test_")}
    untested = [name for name in RULES if f"test_{name.replace('.', '_')}" not in tests]
    assert untested == []
    undocumented = [
        name for name, fn in RULES.items() if not (fn.__doc__ and ("->" in fn.__doc__ or "'" in fn.__doc__))
    ]
    assert undocumented == []


def test_every_table_entry_has_a_case() -> None:
    entries = {(table.name, e.name) for table in TABLES.values() for e in table.entries}
    assert entries == set(TABLE_CASES)


def test_every_table_example_matches_its_entry() -> None:
    for table in TABLES.values():
        for entry in table.entries:
            found = table.match(entry.example)
            assert found is not None and found.name == entry.name, (table.name, entry.name)
