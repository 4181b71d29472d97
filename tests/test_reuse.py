"""The reuse detector: planted copies and paraphrases found, unrelated texts and number changes left alone."""

from __future__ import annotations

from hubkb.lineage.reuse import (
    COPY_THRESHOLD,
    REUSE_THRESHOLD,
    Reuse,
    ReuseText,
    find_reuse,
    iter_pair_rows,
    iter_reuse,
    iter_reuse_grouped,
    score_pair,
)
from reuse_corpus import generate

SEED_DEFINITION = (
    "délivrer un service dans une relation réciproque et égale entre les professionnels, "
    "les utilisateurs, et la sphère familiale et sociale des utilisateurs"
)

PARAPHRASE = SEED_DEFINITION.replace("réciproque et égale", "mutuelle et équilibrée").replace("sphère", "cercle")


def pairs(found: list[Reuse]) -> set[frozenset[str]]:
    return {frozenset((r.a, r.b)) for r in found}


def test_planted_reuse_is_found_with_high_precision_and_recall() -> None:
    planted = generate()
    assert (len(planted.texts), len(planted.copies), len(planted.paraphrases), len(planted.traps)) == (
        527,
        198,
        307,
        17,
    )
    found = pairs(find_reuse(planted.texts))
    hits = found & planted.truth
    precision, recall = len(hits) / len(found), len(hits) / len(planted.truth)
    assert (round(precision, 3), round(recall, 3)) == (0.971, 0.990)
    assert found >= planted.copies  # every copy
    assert len(found & planted.paraphrases) / len(planted.paraphrases) >= 0.98
    assert not found & planted.traps  # "27e" is not "17e"


def test_a_higher_threshold_trades_recall_for_precision() -> None:
    planted = generate()
    strict = pairs(find_reuse(planted.texts, threshold=85))
    assert strict <= planted.truth  # precision 1.0
    assert strict >= planted.copies
    assert len(strict & planted.paraphrases) < len(planted.paraphrases) * 0.6


def test_folding_makes_typing_differences_vanish() -> None:
    other = "« Délivrer un service dans une relation reciproque et égale entre les professionnels ; les utilisateurs, et la sphère familiale et sociale des utilisateurs. »"
    assert score_pair(SEED_DEFINITION, other) == 100.0


def test_numbers_that_differ_make_different_texts() -> None:
    a = "Les usagers coproduisent le service à l’échelle de la 27e Région depuis 2009"
    b = a.replace("27e", "17e")
    assert score_pair(a, b) == 0.0
    assert score_pair(a, a.replace("27e", "27ème")) == 100.0  # one ordinal, two spellings
    texts = [ReuseText("a", a, "post-a"), ReuseText("b", b, "post-b")]
    assert find_reuse(texts) == []


def test_short_texts_are_linked_only_when_identical() -> None:
    texts = [
        ReuseText("a", "capitalisme de catastrophe", "p1"),
        ReuseText("b", "capitalisme de la catastrophe", "p2"),
        ReuseText("c", "Capitalisme de catastrophe !", "p3"),
    ]
    assert find_reuse(texts) == [Reuse("a", "c", 100.0)]


def test_one_source_is_not_compared_with_itself_and_groups_stay_apart() -> None:
    texts = [
        ReuseText("post-1#d1", SEED_DEFINITION, "post-1", "coproduction"),
        ReuseText("post-1#d2", SEED_DEFINITION, "post-1", "coproduction"),
        ReuseText("post-2#d1", SEED_DEFINITION, "post-2", "innovation"),
        ReuseText("post-3#d1", PARAPHRASE, "post-3", "coproduction"),
    ]
    found = find_reuse(texts)
    assert [(r.a, r.b, r.group, r.kind) for r in found] == [
        ("post-1#d1", "post-3#d1", "coproduction", "close"),
        ("post-1#d2", "post-3#d1", "coproduction", "close"),
    ]
    assert found[0].score == 83.8 and REUSE_THRESHOLD <= found[0].score < COPY_THRESHOLD
    assert score_pair(SEED_DEFINITION, SEED_DEFINITION.replace("égale", "équilibrée")) == 95.1  # one word: "same"


def test_blocks_give_the_same_pairs_as_one_matrix() -> None:
    planted = generate(seed=3, terms=2)
    assert find_reuse(planted.texts, block=7) == find_reuse(planted.texts, block=10_000)


def test_pairs_come_a_block_of_one_group_at_a_time() -> None:
    """The build writes each batch away: a batch holds the pairs of at most `block` texts of one group."""
    planted = generate(seed=3, terms=2)
    batches = list(iter_reuse(planted.texts, block=7))
    assert all(len({r.group for r in batch}) == 1 for batch in batches)
    firsts = [{r.a for r in batch} | {r.b for r in batch} for batch in batches]
    assert len(batches) > 2 * len({r.group for batch in batches for r in batch})  # several batches a group
    assert max(len(f) for f in firsts) < len(planted.texts)
    flat = sorted((r for batch in batches for r in batch), key=lambda r: (r.group, -r.score, r.a, r.b))
    assert flat == find_reuse(planted.texts)
    groups: dict[str, list[ReuseText]] = {}
    for text in sorted(planted.texts, key=lambda t: t.id):
        groups.setdefault(text.group, []).append(text)
    grouped = [r for batch in iter_reuse_grouped(sorted(groups.items()), block=7) for r in batch]
    assert sorted(grouped) == sorted(flat)  # the build's way: texts read one group at a time


def test_the_builds_rows_are_the_pairs_found() -> None:
    """A build writes rows (a, b, score, kind), not `Reuse` objects: the same pairs, in the same order."""
    planted = generate(seed=3, terms=2)
    groups: dict[str, list[ReuseText]] = {}
    for text in sorted(planted.texts, key=lambda t: t.id):
        groups.setdefault(text.group, []).append(text)
    rows = [row for batch in iter_pair_rows(sorted(groups.items()), block=7) for row in batch]
    found = [r for batch in iter_reuse_grouped(sorted(groups.items()), block=7) for r in batch]
    assert rows == [(r.a, r.b, r.score, r.kind) for r in found]
    assert {kind for _a, _b, _score, kind in rows} == {"same", "close"}
    assert all(a < b for a, b, _score, _kind in rows)

    # As the build writes them: each text by its number, its rank among the ids (which keeps their order).
    ids = sorted(t.id for t in planted.texts)
    numbered = [row for batch in iter_pair_rows(sorted(groups.items()), block=7, number=ids.index) for row in batch]
    assert numbered == [(ids.index(a), ids.index(b), score, kind) for a, b, score, kind in rows]


def test_quotes_and_relay_wordings_are_found_too() -> None:
    """Eight terms and eight quoted speakers; a quarter of the families met through a relay whose wording
    the corpus holds (the wording at the hop is a text of a work, compared like any other)."""
    planted = generate(speakers=8, hops=0.25)
    hops = [t for t in planted.texts if "~h" in t.id]
    quotes = [t for t in planted.texts if t.group.startswith("speaker")]
    assert (len(planted.texts), len(quotes), len(hops), len(planted.truth), len(planted.traps)) == (1017, 505, 53, 830, 37)  # fmt: skip
    found = pairs(find_reuse(planted.texts))
    hits = found & planted.truth
    assert (round(len(hits) / len(found), 3), round(len(hits) / len(planted.truth), 3)) == (0.980, 0.990)

    def figures(kind) -> tuple[float, float]:
        f, t = {p for p in found if kind(p)}, {p for p in planted.truth if kind(p)}
        return round(len(f & t) / len(f), 3), round(len(f & t) / len(t), 3)

    assert figures(lambda p: any(x.startswith("speaker") for x in p)) == (0.983, 0.990)  # quotes
    assert figures(lambda p: any("~h" in x for x in p)) == (0.965, 1.0)  # a relay's wording on one side
    declared = {frozenset((t.id, t.chain)) for t in hops}
    assert len(declared) == 53 and not found & declared  # a passage and the wording at its own hop: no reuse
    assert not found & planted.traps


def test_texts_of_one_chain_are_not_compared() -> None:
    texts = [
        ReuseText("p1#d1~h1", SEED_DEFINITION, "work:relay", "coproduction", "p1#d1"),
        ReuseText("p1#d1", SEED_DEFINITION, "p1", "coproduction", "p1#d1"),
        ReuseText("p2#d1", PARAPHRASE, "p2", "coproduction", "p2#d1"),
        ReuseText("p3#d1~h1", SEED_DEFINITION, "work:relay", "coproduction", "p3#d1"),
    ]
    assert [(r.a, r.b) for r in find_reuse(texts)] == [
        ("p1#d1", "p3#d1~h1"),  # p1's post and the relay p3 went through share the wording
        ("p1#d1", "p2#d1"),
        ("p1#d1~h1", "p2#d1"),
        ("p2#d1", "p3#d1~h1"),
    ]
