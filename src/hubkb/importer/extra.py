"""The `import` extra: what `hubkb import` needs beyond `hubkb serve`, and the message when it is missing."""

from __future__ import annotations

import importlib.util

# module -> the distribution that brings it (all in `pip install 'hubkb[import]'`)
REQUIRED = {
    "dateparser": "dateparser",
    "trafilatura": "trafilatura",
    "htmldate": "htmldate",
    "lxml_html_clean": "lxml_html_clean",
    "spacy": "spacy",
    "orjson": "orjson",
}
INSTALL = "pip install 'hubkb[import]'"


def missing() -> list[str]:
    """The distributions of the import extra that are not installed (found without importing them)."""
    return [dist for module, dist in REQUIRED.items() if importlib.util.find_spec(module) is None]


def missing_message(names: list[str]) -> str:
    return f"hubkb import needs the import extra ({', '.join(names)} not installed): run {INSTALL}"
