"""One mention matcher (Aho–Corasick) for the build and the importer, checked against the old finder."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CORPUS, ROOT, SCHEMA
from hubkb.importer.aliases import AliasTable
from hubkb.mention_arrays import find_posts as bulk_find_posts
from hubkb.mentions import Found, MentionIndex, tokens
from hubkb.read import post_paths, read_authorities, read_post
from hubkb.records import Authorities, Organisation, Person, Term, Work
from hubkb.resolve import Resolver, split_paragraphs
from hubkb.schema import load_schema
from hubkb.text import search_variants
from reference_mentions import ReferenceIndex, reference_tokens


def corpus_paragraphs(corpus: Path) -> tuple[Authorities, list[list[str]]]:
    schema = load_schema(SCHEMA)
    authorities, problems = read_authorities(corpus, schema)
    assert not problems
    posts = []
    for path in post_paths(corpus):
        post, _ = read_post(path, schema, path.read_bytes(), str(path))
        assert post is not None
        posts.append(split_paragraphs(post.body))
    return authorities, posts


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two generated corpora: few aliases, and every entity with about ten of them."""
    out = []
    for n, seed, aliases in ((150, 1, 300), (100, 2, 10_000)):
        folder = tmp_path_factory.mktemp(f"gen{seed}")
        cmd = [sys.executable, ROOT / "bench" / "generate.py", str(n), folder, "--seed", str(seed)]
        subprocess.run([*map(str, cmd), "--aliases", str(aliases)], check=True, capture_output=True)
        out.append(folder / "corpus")
    return out


def test_same_mention_rows_as_the_reference_on_the_seed_and_generated_corpora(generated: list[Path]) -> None:
    totals = []
    for corpus in (CORPUS, *generated):
        authorities, posts = corpus_paragraphs(corpus)
        new, reference = MentionIndex(authorities), ReferenceIndex(authorities)
        for paragraphs in posts:
            assert new.find(paragraphs) == reference.find(paragraphs)
        totals.append(sum(len(new.find(p)) for p in posts))
        # A build's chunk of posts in one scan on arrays: the same rows, and each paragraph's search variants
        for start in range(0, len(posts), 64):
            chunk = posts[start : start + 64]
            found = bulk_find_posts(new, chunk)
            assert [f.mentions for f in found] == [reference.find(p) for p in chunk]
            assert [f.variants for f in found] == [[search_variants(t) for t in p] for p in chunk]
            assert [f.words for f in found] == [sum(len(t.split()) for t in p) for p in chunk]
            assert new.find_posts(chunk) == (
                found if sum(map(len, chunk)) >= 200 else [Found(f.mentions, None) for f in found]
            )
    assert totals[0] == 37
    assert min(totals[1:]) > 100 * 90  # about 110 mentions a post


AUTHORITIES = Authorities(
    people=(
        Person("david-boyle", "David Boyle", aliases=("D. Boyle", "Boyle, David")),
        Person("michael-harris", "Michael Harris"),
        Person("helene-bezier", "Hélène Bézier", aliases=("Bézier",)),
    ),
    organisations=(
        Organisation("la-27e-region", "La 27e Région", aliases=("27ème Région",)),
        Organisation("ils", "Institut du logement social", aliases=("ILS",)),
        Organisation("nesta", "Nesta"),
        Organisation("oeuvre", "L’Œuvre commune"),
    ),
    works=(Work("us-now", "Us Now", title_as_cited="Us now (le film)"),),
    terms=(Term("coproduction", "coproduction", aliases=("co-production",)), Term("communs", "communs")),
)


@pytest.mark.parametrize(
    "text, found",
    [
        # elisions and the hyphen of co- words are no words; the surface is as written
        (
            "La co-production de l’œuvre commune et qu’Ostrom",
            [("coproduction", "co-production", 1), ("oeuvre", "œuvre commune", 1)],
        ),
        ("l’Œuvre commune, puis L’ŒUVRE COMMUNE", [("oeuvre", "Œuvre commune", 2)]),
        # ordinals fold, digits stay strict
        ("la 27ème Région, la 27e région et la 17e Région", [("la-27e-region", "la 27ème Région", 2)]),
        # acronyms only in capitals
        ("Ils disent que l’ILS travaille", [("ils", "ILS", 1)]),
        # longest match wins, punctuation between words does not matter
        (
            "Selon Boyle, David et D. Boyle, puis Bézier.",
            [("david-boyle", "Boyle, David", 2), ("helene-bezier", "Bézier", 1)],
        ),
        ("Us now (le film) puis Us Now", [("us-now", "Us now (le film", 2)]),
        ("« Nesta » (nesta.org) ; Nestas", [("nesta", "Nesta", 2)]),
        ("rien ici", []),
    ],
)
def test_rules(text: str, found: list[tuple[str, str, int]]) -> None:
    mentions = MentionIndex(AUTHORITIES).find([text])
    assert [(m.entity_id, m.surface, m.occurrences) for m in mentions] == found
    assert mentions == ReferenceIndex(AUTHORITIES).find([text])


def test_offsets_survive_folding_that_changes_lengths() -> None:
    text = "Avant : l’œuvre  commune\u00a0et la 27ème\nRégion ; ensuite Hélène Bézier."
    spans = MentionIndex(AUTHORITIES).spans(text)
    assert [(a.id, text[s:e]) for a, s, e in spans] == [
        ("oeuvre", "œuvre  commune"),
        ("la-27e-region", "la 27ème\nRégion"),
        ("helene-bezier", "Hélène Bézier"),
    ]


def test_the_importer_finds_what_the_build_finds() -> None:
    authorities, (paragraphs,) = corpus_paragraphs(CORPUS)
    table = AliasTable(Resolver(authorities))
    for n, text in enumerate(paragraphs, 1):
        spans = table.spans(text)
        mentions = [m for m in MentionIndex(authorities).find(paragraphs) if m.paragraph_n == n]
        assert Counter((s.kind, s.id) for s in spans) == Counter(
            {(m.entity_type, m.entity_id): m.occurrences for m in mentions}
        )
        for s in spans:  # the canonical name comes along
            assert s.name and text[s.start : s.end]


def test_tokens_are_the_reference_tokens() -> None:
    text = "Aujourd’hui, l’équipe de la 27ème Région co-construit (J.-F. Boyle) qu’«ILS» disent"
    assert tokens(text) == [(w, s, e) for w, _, s, e in reference_tokens(text)]


# Texts made of the pieces the rules are about, in any order, with any punctuation between.
PIECES = [
    "la", "La", "27e", "27ème", "17e", "Région", "region", "l’", "L'", "qu’", "d’", "co-production",
    "co‑production", "Co-production", "coproduction", "co-", "co", "ILS", "Ils", "ils", "Nesta", "NESTA",
    "David", "Boyle", "D.", "Hélène", "Bézier", "Bezier", "œuvre", "Œuvre", "commune", "Us", "Now", "now",
    "le", "film", "communs", "½", "x", "co-construction", "COPRODUCTION", "1er", "3ème", "İ", "co_design",
]  # fmt: skip
SEPARATORS = [" ", "  ", ", ", " (", ") ", "\n", "\u00a0", "-", "’", "'", " « ", " » ", ".", "", "/"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=30))
def test_any_text_matches_like_the_reference(parts: list[tuple[str, str]]) -> None:
    text = "".join(piece + sep for piece, sep in parts)
    new = [((a.kind, a.id), s, e) for a, s, e in MentionIndex(AUTHORITIES).spans(text)]
    assert new == ReferenceIndex(AUTHORITIES).matches(text)
    assert MentionIndex(AUTHORITIES).find([text]) == ReferenceIndex(AUTHORITIES).find([text])
    # several paragraphs (an empty one too) in one scan: no match spans two; variants as the text's own
    paragraphs = [text, "", text[: len(text) // 2], "27ème co-production"]
    (found,) = bulk_find_posts(MentionIndex(AUTHORITIES), [paragraphs])
    assert found.mentions == ReferenceIndex(AUTHORITIES).find(paragraphs)
    assert found.variants == [search_variants(p) for p in paragraphs]
