"""French folding: the same keys for names, mentions and search."""

from __future__ import annotations

import pytest

from hubkb.mentions import tokens
from hubkb.resolve import Entry, NameIndex, anchor
from hubkb.text import fold, normalise_query, search_variants


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


def test_search_variants_hold_both_spellings() -> None:
    assert search_variants("la 27ème Région et la co-production") == "27e 27eme coproduction co production"
    assert search_variants("la coproduction") == "coproduction co production"
    assert normalise_query("27ème co-production") == "27e coproduction"


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
    assert [(m.entity_id, m.surface, m.count) for m in found] == [("ils", "ILS", 1), ("nesta", "NESTA", 2)]
