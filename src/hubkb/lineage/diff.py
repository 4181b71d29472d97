"""What changed between two wordings of one passage in the same language, word by word.

difflib's SequenceMatcher on word tokens; words compare after folding (case,
accents, quote marks), so only real rewording shows, but each side keeps the
words as written.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..text import fold

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class DiffPart:
    op: str  # "same", "removed" or "added"
    text: str


def word_diff(before: str, after: str) -> list[DiffPart]:
    """The words of `before` and `after` as runs kept, removed and added, in reading order."""
    a, b = _WORD.findall(before), _WORD.findall(after)
    matcher = difflib.SequenceMatcher(None, [fold(w) for w in a], [fold(w) for w in b], autojunk=False)
    parts: list[DiffPart] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("same", " ".join(b[j1:j2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("added", " ".join(b[j1:j2])))
    return parts


def diff_text(parts: list[DiffPart]) -> str:
    """A diff for the terminal: [-removed-] and {+added+}, like `git diff --word-diff`."""
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    return " ".join(marks[p.op].format(p.text) for p in parts)


def changed(parts: list[DiffPart]) -> bool:
    return any(p.op != "same" for p in parts)
