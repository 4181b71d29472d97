"""Invisible characters: what a reviewer cannot see in an id, a name or a title.

A zero-width space makes two names that look the same differ (and a name made
of one slugifies to `untitled`); a bidi override shows a title in another
order than it is stored; a NUL from a `"\\0"` escape cuts a string short in
some tools. None is ever meant in a one-line value, so the reader refuses them
and names the code point. One compiled regex over short fields: post bodies
are never scanned.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as nothing, or only move other characters around:
# C0/C1 controls (tab and newline are whitespace, allowed), soft hyphen, Arabic
# letter mark, Mongolian vowel separator, zero-width space/joiners, LRM/RLM,
# line/paragraph separators, bidi embeddings/overrides/isolates, word joiner
# and invisible operators, deprecated format characters, byte-order mark,
# interlinear annotations, tag characters, lone surrogates, and the Hangul
# fillers that render as blanks.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)
# In prose (`text` fields: passages, summaries, notes) only control characters
# are refused: a soft hyphen or a joiner pasted with a quotation is harmless there.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

_CATEGORY_NAMES = {"Cc": "a control character", "Cs": "a lone surrogate", "Cn": "an unassigned code point"}


def describe(char: str) -> str:
    """`U+200B (ZERO WIDTH SPACE)`; `U+0000 (a control character)` for unnamed ones."""
    name = unicodedata.name(char, "") or _CATEGORY_NAMES.get(unicodedata.category(char), "unnamed")
    return f"U+{ord(char):04X} ({name})"


def invisible_problem(value: str, prose: bool = False, advice: str = "") -> str | None:
    """What is wrong with `value` ("holds ...; delete it"), or None when every character shows."""
    found = (CONTROL if prose else INVISIBLE).findall(value)
    if not found:
        return None
    distinct = list(dict.fromkeys(found))
    which = " and ".join(describe(c) for c in distinct[:3]) + (" and others" if len(distinct) > 3 else "")
    if len(distinct) == 1:
        return f"holds an invisible character, {which}; {advice or 'delete it'}"
    return f"holds invisible characters, {which}; {advice or 'delete them'}"


def escape_invisible(text: str) -> str:
    """`text` with its invisible characters written as escapes, for messages."""
    return INVISIBLE.sub(lambda m: ascii(m.group())[1:-1], text)
