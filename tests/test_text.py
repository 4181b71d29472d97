"""French folding: the same keys for names, mentions and search."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubkb.mentions import tokens
from hubkb.resolve import Entry, NameIndex, anchor
from hubkb.text import NAME_PARTICLES, fold, fold_text, normalise_query, search_variants


@pytest.mark.parametrize(
    "text, folded",
    [
        ("La 27ème Région", "la 27e region"),
        ("la 27e Région", "la 27e region"),
        ("qu’Ostrom", "ostrom"),
        ("d'Ostrom", "ostrom"),
        ("Co-production de l’innovation", "coproduction de innovation"),
        ("Régis  Chatellier", "regis chatellier"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("text", ["La 27ème Région et l’Observatoire", "la co-production, qu’Ostrom", "1er décembre"])
def test_tokens_agree_with_fold_and_keep_offsets(text: str) -> None:
    found = tokens(text)
    assert " ".join(t for t, _, _ in found) == fold(text)
    assert [fold(text[s:e]) for _, s, e in found] == [t for t, _, _ in found]


def test_search_variants_hold_the_other_spellings() -> None:
    # the text holds its own spelling (FTS5 indexes it): the variants add the others, once each
    assert search_variants("la 27ème Région et la co-production") == "27e coproduction"
    assert search_variants("la coproduction") == "co production"
    assert search_variants("la 27e Région, la 27ème, la 1ère") == "27eme 27e 1e 1eme"
    assert search_variants("la coproduction et la co-production") == "co production coproduction"
    assert normalise_query("27ème co-production") == "27e coproduction"


def _variants_by_the_plain_patterns(text: str) -> str:
    """search_variants as first written: two patterns over the text as it is, every match checked in Python."""
    import re

    from hubkb.text import _CO_STEMS, strip_accents

    found: dict[str, None] = {}
    for m in re.finditer(r"(\d+)(?:i[eè]me|[eè]me|[eè]re|er|[eè])\b", text):
        if not (m.start() > 0 and text[m.start() - 1].isalnum()):
            written = strip_accents(m.group().lower())
            for spelling in (f"{m.group(1)}e", f"{m.group(1)}eme"):
                if spelling != written:
                    found[spelling] = None
    for m in re.finditer(r"[Cc][Oo]([-‐‑])?(\w{4,})", text):
        rest = strip_accents(m.group(2).lower())
        if (m.group(1) or rest in _CO_STEMS) and not (m.start() > 0 and text[m.start() - 1].isalnum()):
            found[f"co{rest}" if m.group(1) else f"co {rest}"] = None
    return " ".join(found)


VARIANT_CASES = [
    "la 27ème Région, la 27e et la co-production",
    "Co-Production, CO-CONSTRUCTION, Coopération, COPRODUCTION, cOproduction",
    "2027e 12ÈME 1ère 1er x1er a27e 3e-4e 10eme,11ieme 5è 6é ²7e ٣e 27e_ 7ème\u00a0",
    "écoproduction la_coproduction co-co-production coconstruction cocréation coéducation Coélaboration",
    "İco-production İcoproduction ßco-design co‐production co‑gestion co_opération 42co-gestion",
    "co-opératives co-développement codesign co-design cogestion coopérative compte comme coût",
]


@pytest.mark.parametrize("text", VARIANT_CASES)
def test_search_variants_agree_with_the_plain_patterns(text: str) -> None:
    assert search_variants(text) == _variants_by_the_plain_patterns(text)


def test_search_variants_agree_with_the_plain_patterns_on_every_line_of_two_corpora(generated_200: Path) -> None:
    from conftest import CORPUS

    posts = [*sorted((CORPUS / "posts").glob("*.md")), *sorted((generated_200 / "corpus" / "posts").glob("*.md"))]
    paragraphs = [line for path in posts for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(paragraphs) > 5000
    assert [search_variants(p) for p in paragraphs] == [_variants_by_the_plain_patterns(p) for p in paragraphs]


def test_fuzzy_lookup_guards() -> None:
    index = NameIndex(
        [Entry("person", "michael-harris", "Michael Harris"), Entry("organisation", "la-27e-region", "La 27e Région")]
    )
    assert index.lookup("michael harris").exact
    match = index.lookup("Micheal Harris")
    assert (match.entry.id, match.exact) == ("michael-harris", False)
    assert index.lookup("La 17e Région") is None
    assert index.lookup("Harris, M.") is None
    assert index.suggest("La 17e Région") == ["La 27e Région"]


def test_anchor_tolerates_spacing_quotes_and_apostrophes() -> None:
    paragraphs = ["Premier.", "Il dit « l’innovation\u00a0ouverte » ici."]
    assert anchor('"l\'innovation ouverte"', paragraphs) == 2
    assert anchor("l’innovation fermée", paragraphs) is None


def test_ligatures_fold_to_ascii() -> None:
    from hubkb.text import slugify

    assert fold("Manœuvre") == "manoeuvre"
    assert slugify("L’œuvre de la 27e Région") == "oeuvre-de-la-27e-region"


@pytest.mark.parametrize("letter, ascii", [("œ", "oe"), ("Æ", "ae"), ("ß", "ss"), ("ø", "o"), ("Ł", "l"), ("đ", "d")])
def test_one_ligature_table_for_names_ids_drafts_and_bibtex_keys(letter: str, ascii: str) -> None:
    """Folding, ids, the importer's draft names and BibTeX keys spell a letter NFKD keeps the same way."""
    from hubkb.citation import citation_keys
    from hubkb.importer.draft import _slug
    from hubkb.text import slugify

    name = f"Jan K{letter}rsten"
    assert fold(name) == f"jan k{ascii}rsten"
    assert slugify(name) == f"jan-k{ascii}rsten"
    assert _slug(name) == f"jan-k{ascii}rsten"
    work = {"id": "w", "title": "Mots", "year": 2001, "authors": [{"name": name, "kind": "person"}]}
    assert citation_keys([work]) == {"w": f"k{ascii}rsten2001mots"}


@pytest.mark.parametrize("particle", sorted(NAME_PARTICLES))
def test_one_particle_list_for_citations_and_the_importer(particle: str) -> None:
    """Every particle opens the family name in a citation and joins a name the importer reads."""
    from hubkb.citation import split_person_name
    from hubkb.importer.scrape import _ONE_NAME
    from hubkb.importer.shapes import NAME_RUN, ONE_PERSON

    name = f"Jean {particle} Marsan"
    assert split_person_name(name) == {"family": "Marsan", "given": "Jean", "non-dropping-particle": particle}
    assert ONE_PERSON.match(name)
    assert _ONE_NAME.match(name)
    assert [m.group() for m in NAME_RUN.finditer(f"Selon {name}, rien.")] == [f"Selon {name}"]


def test_an_acronym_matches_only_in_capitals() -> None:
    from hubkb.mentions import MentionIndex
    from hubkb.records import Authorities, Organisation

    index = MentionIndex(
        Authorities(
            organisations=(
                Organisation("ils", "Institut du logement social", aliases=("ILS",)),
                Organisation("nesta", "Nesta", aliases=("NESTA",)),
            )
        )
    )
    found = index.find(["Ils disent que l’ILS et NESTA travaillent avec Nesta."])
    assert [(m.entity_id, m.surface, m.occurrences) for m in found] == [("ils", "ILS", 1), ("nesta", "NESTA", 2)]


# Letters, marks and spaces that `fold`'s rules turn on: elisions, ordinals, co- words, the white space str.split cuts at.
_FOLD_ALPHABET = st.sampled_from(list("aeéèEÉlLdDqQucoCO-‐‑’'  \u00a0\u202f\u2009\x1c\n27½1erèmeΣσςİœŒß.,«»\u0301"))


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_FOLD_ALPHABET, max_size=30) | st.text(max_size=20))
def test_a_long_text_folds_a_piece_at_a_time_as_it_does_whole(text: str) -> None:
    assert fold_text(text) == fold.__wrapped__(text)  # the uncached function: the whole text at once


def test_fold_text_on_a_paragraph() -> None:
    text = "À Brest, l’agence et la 27ème\u00a0Région co-produisent « l’innovation » (Nesta)."
    assert fold_text(text) == "a brest agence et la 27e region coproduisent innovation nesta"
