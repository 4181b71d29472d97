"""Post bodies render fast and exactly as converting each paragraph alone does."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from hubkb.render import render_body, sanitise
from hubkb.resolve import split_paragraphs

sys.path.insert(0, str(ROOT / "bench"))
from render import (  # bench/render.py, on the path just above
    MAX_POST_BYTES,
    converted_in_one_call,
    post_body,
    short_paragraphs,
)

T = TypeVar("T")


def one_block_at_a_time(body: str) -> str:
    """The reference: python-markdown on each block alone, link definitions from the whole body, nh3."""
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    md.convert(body)
    references = dict(md.references)
    parts = []
    for n, block in enumerate(split_paragraphs(body), 1):
        md.reset()
        md.references.update(references)
        html = sanitise(md.convert(block)).strip()
        first = re.match(r"^<(p|h[1-6]|ul|ol|dl|blockquote|pre|table|figure|hr)\b", html)
        parts.append(f'<{first[1]} id="p{n}"{html[first.end() :]}' if first else f'<p id="p{n}">{html}</p>')
    return "\n".join(parts)


# Lines of every kind python-markdown treats specially, and plain ones.
LINES = [
    "Un paragraphe sur la coproduction des services publics.",
    "l’innovation « ouverte » (2014) : une idée !",
    "Un *mot*, un **mot fort**, un _autre_ et du `code`.",
    "Voir [la source][s] et [ailleurs](https://example.org/a_b).",
    "[s]: https://example.org/",
    "[t]: https://example.org/t 'Titre'",
    "Un [lien][t] défini plus loin.",
    "- un",
    "* deux",
    "+ trois",
    "1. premier",
    "2014. Une année",
    "    du code indenté",
    "\tune tabulation",
    "> une citation",
    "# Titre",
    "### Titre trois",
    "Titre souligné",
    "======",
    "------",
    "***",
    "<div>",
    "</div>",
    "<div>un bloc HTML</div>",
    "<!-- un commentaire -->",
    "<script>alert(1)</script>",
    'texte <b>gras</b> <img src="x" onerror="y">',
    "a & b &amp; c &lt; d",
    "fin de ligne avec deux espaces  ",
    "![image](x.png)",
    "<https://example.org/>",
    "un\u00a0espace insécable",
    "\u00a0",
    "  ",
    "\ue000 privé",
    "http://example.org/?a=1&b=2",
    "```",
    "texte \\*échappé\\*",
    "١. un chiffre arabe",
    "Une ligne\u2028séparée",
    "soulignés__ et *étoiles",
    "`code` sans fin`",
]


@st.composite
def bodies(draw) -> str:
    blocks = draw(st.lists(st.lists(st.sampled_from(LINES), min_size=1, max_size=4), min_size=1, max_size=12))
    separators = draw(st.lists(st.sampled_from(["\n\n", "\n\n\n", "\n \n", "\n\u00a0\n"]), min_size=len(blocks)))
    return "".join(sep + "\n".join(lines) for sep, lines in zip(separators, blocks))


@settings(max_examples=400, deadline=None)
@given(bodies())
def test_render_body_is_converting_each_paragraph_alone(body: str) -> None:
    assert str(render_body(body)) == one_block_at_a_time(body)


def test_render_body_on_mixed_blocks_in_one_body() -> None:
    body = "\n\n".join(
        [
            "Un paragraphe simple.",
            "Un *mot* et un [lien][s].",
            "<div>ouvert",
            "Un paragraphe dans le bloc.",
            "</div>",
            "- un\n- deux",
            "Après la liste, **fort**.",
            "[s]: https://example.org/",
        ]
    )
    assert str(render_body(body)) == one_block_at_a_time(body)
    assert str(render_body(body)).split("\n")[:2] == [
        '<p id="p1">Un paragraphe simple.</p>',
        '<p id="p2">Un <em>mot</em> et un <a href="https://example.org/" rel="noopener noreferrer nofollow">lien</a>.</p>',
    ]


# --- a post at the size limit --------------------------------------------------------------


def renumbered(html: str, offset: int) -> str:
    return re.sub(r' id="p(\d+)"', lambda m: f' id="p{int(m[1]) + offset}"', html)


def cpu_seconds(fn: Callable[[], T], limit: float, tries: int = 3) -> tuple[T, list[float]]:
    """`fn()` and the CPU time of this thread it took, measured up to `tries` times until once under `limit`.

    CPU time leaves out the other jobs of the machine, but not all of their effect: on a shared,
    loaded machine (caches, memory bandwidth) one run may still cost more; the best of three does not.
    """
    runs: list[float] = []
    while True:
        start = time.thread_time()
        result = fn()
        runs.append(time.thread_time() - start)
        if runs[-1] < limit or len(runs) == tries:
            return result, runs


def cpu_against(fn: Callable[[], T], peer: Callable[[], object], share: float, tries: int = 3) -> tuple[T, list[float], list[float]]:  # fmt: skip
    """`fn()`, and the CPU time of this thread that it and `peer()` took, run in turns up to `tries`
    times until the best of the one is under `share` of the best of the other.

    On this 2-core host the same CPU work took 1.8 to 3.2 s within minutes on a quiet machine, so a
    bound in seconds fails whenever the host is slow. The peer, run in the same turns, is slow then
    too; the best of each leaves out the turns when it was slowest.
    """
    mine: list[float] = []
    theirs: list[float] = []
    while True:
        start = time.thread_time()
        result = fn()
        mine.append(time.thread_time() - start)
        start = time.thread_time()
        peer()
        theirs.append(time.thread_time() - start)
        if min(mine) < share * min(theirs) or len(mine) == tries:
            return result, mine, theirs


# #12 asks for a 5 MB post rendered in under 1 s. On the 2-core host this project is measured on,
# python-markdown converts this body in one call in 1.8 s at its best, and hubkb renders it in 0.6
# to 0.85 s: 0.3 to 0.45 of the peer. Under 0.55 of the peer is under 1 s there, on any host's speed.
SHARE = 0.55


def test_a_5_mb_post_renders_in_well_under_one_python_markdown_call_as_each_paragraph_alone() -> None:
    body, unit = post_body(MAX_POST_BYTES)
    assert MAX_POST_BYTES - len(unit.encode()) - 2 < len(body.encode()) <= MAX_POST_BYTES
    html, mine, theirs = cpu_against(lambda: str(render_body(body)), lambda: converted_in_one_call(body), SHARE)
    assert min(mine) < SHARE * min(theirs), f"{mine} s of CPU against the peer's {theirs} s for {len(body.encode()):,} bytes"  # fmt: skip
    per_unit = len(split_paragraphs(unit))
    expected = one_block_at_a_time(unit)
    copies = len(split_paragraphs(body)) // per_unit
    assert html == "\n".join(renumbered(expected, k * per_unit) for k in range(copies))


def test_a_5_mb_post_of_200_000_short_paragraphs_renders_in_under_a_second() -> None:
    """About 0.25 s of CPU: a bound in seconds with room for a slow host (python-markdown takes
    over 20 s on this body in one call, no peer to measure against)."""
    body = short_paragraphs(200_000)
    assert len(body.encode()) <= MAX_POST_BYTES
    rendered, runs = cpu_seconds(lambda: str(render_body(body)), 1.0)
    assert min(runs) < 1.0, f"{runs} s of CPU for {len(body.encode()):,} bytes"
    html = rendered.split("\n")
    assert len(html) == 200_000
    assert html[0] == '<p id="p1">Le paragraphe 1.</p>'
    assert html[-1] == '<p id="p200000">Le paragraphe 200000.</p>'


def test_a_mention_snippet_is_cut_between_words_and_its_ellipsis_set_off_from_punctuation() -> None:
    """The snippet of a mention (a person's or a work's page) around the first place its name is written: cut
    between words, an ellipsis where the paragraph goes on, a space between it and a full stop or a quote."""
    from hubkb.render import context_snippet

    text = "Le projet porte sur la coopération. Ensuite vient une autre phrase, bien plus longue que la première."
    assert str(context_snippet(text, "coopération", width=13)) == "…la <mark>coopération</mark>. …"
    assert str(context_snippet(text, "coopération", width=30)) == "…porte sur la <mark>coopération</mark>. Ensuite…"
    quoted = "Une première phrase assez longue pour couper. « Le design des politiques publiques » selon Nesta."
    assert str(context_snippet(quoted, "publiques", width=11)) == "…politiques <mark>publiques</mark> » …"
    assert str(context_snippet(quoted, "Le design", width=11)) == "… « <mark>Le design</mark> des…"
    assert str(context_snippet(quoted, "publiques", width=29)) == "…politiques <mark>publiques</mark> » selon Nesta."
    assert str(context_snippet("Un *texte* sur <la> Nesta et ses amis.", "nesta", width=20)) == (
        "…sur &lt;la&gt; <mark>Nesta</mark> et ses…"
    )
    # the name not found in the paragraph: its beginning, cut at the last space within the width
    plain = "Un texte sans le nom cherché qui continue longuement."
    assert str(context_snippet(plain, "absent", width=18)) == "Un texte sans le…"
    assert str(context_snippet(plain, None, width=200)) == plain
    assert str(context_snippet("Unmotsansespaceaucun", None, width=10)) == "Unmotsanse…"
