"""Cheap tests that spare a costly pattern the texts it cannot match (#12.7: a 5 MB page in under 20 s).

Many of the importer's patterns open with an alternation that the regular
expression engine tries at every position of every paragraph ("selon|d’après|
pour", "le|la|les|un|une …"), although each of them needs some word to match at
all ("défini", "entend", a work noun). A gate is that necessary condition, tested
with `in` on the paragraph: a paragraph that fails it is not searched, and one
that passes is searched as before, so the gate changes no result, only the time.

Case-insensitive patterns are gated on `ignorecase_lower(text)`, the text
lowered the way `re.IGNORECASE` compares characters ('İ', 'ı' -> 'i', 'ſ' -> 's'),
so that a gate never turns away a text its pattern would match.
"""

from __future__ import annotations

from collections.abc import Iterable


def ignorecase_lower(text: str) -> str:
    """`text` lowered as re.IGNORECASE compares it: 'DÉFİNIT' -> 'définit'. Besides str.lower(), the letters
    that re.IGNORECASE takes for an ASCII one (re/_casefix.py, Unicode's simple case mapping): 'İ' (which
    str.lower() makes 'i' and a combining dot), 'ı' and 'ſ'."""
    low = text.lower()
    if low.isascii():
        return low
    return low.replace("i\u0307", "i").replace("ı", "i").replace("ſ", "s")


def holds_any(text: str, words: Iterable[str]) -> bool:
    """Some of `words` occurs in `text` (as a substring: 'rapport' is in 'rapports')."""
    for word in words:  # noqa: SIM110 - a plain loop: any() over a generator takes 1.7x as long here
        if word in text:
            return True
    return False
