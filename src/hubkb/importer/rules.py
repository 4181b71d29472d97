"""The importer's rules as units: every rule is a registered function or an entry of a named table.

A rule function carries `@rule` and a one-line docstring with an example
("'Upload: 3 février 2017' -> upload"); a table (`RuleTable`) is a list of
named entries, each a pattern and an example it matches. Patterns and word
lists live in `lexicon.py`. tests/test_import_rules.py holds one test a rule
function and one case a table entry, and a meta-test checks that nothing
registered here goes untested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

RULES: dict[str, Callable[..., Any]] = {}  # "module.function" -> the rule
TABLES: dict[str, RuleTable] = {}  # table name -> the table


def rule(fn: F) -> F:
    """Register an importer rule under 'module.function' (its tests are found by that name)."""
    RULES[f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"] = fn
    return fn


@dataclass(frozen=True)
class Entry:
    name: str
    pattern: re.Pattern[str]
    example: str  # a line the entry matches, shown to reviewers and checked by the tests


class RuleTable:
    """Named patterns tried in order; `match` says which entry (if any) a text fits."""

    def __init__(self, name: str, entries: list[tuple[str, str, str]], flags: int = re.IGNORECASE) -> None:
        self.name = name
        self.entries = [Entry(n, re.compile(p, flags), example) for n, p, example in entries]
        # all the entries at once: most texts match none, and one search tells it (#12.7: every block is asked)
        self.any = re.compile("|".join(f"(?:{p})" for _, p, _ in entries), flags)
        TABLES[name] = self

    def match(self, text: str) -> Entry | None:
        """The first entry whose pattern matches `text` from its start."""
        if not self.any.match(text):
            return None
        return next((e for e in self.entries if e.pattern.match(text)), None)

    def __contains__(self, text: str) -> bool:
        return self.match(text) is not None
