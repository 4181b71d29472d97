"""Search snippets: plain text plus the forms to highlight, never markers in the data.

FTS5's `snippet()` marks what matched with two private-use characters
(`MARK_OPEN`, `MARK_CLOSE`); the search SQL splits that into the plain text
(`snippet_text`) and the list of forms actually present (`snippet_marks`), so
that JSON and CSV carry clean text. HTML and the terminal highlight those forms
again (`highlight`), the text escaped before `<mark>` is added.
"""

from __future__ import annotations

import html
import json
import re

from markupsafe import Markup

MARK_OPEN = "\ue0f0"  # char(57584) in the SQL
MARK_CLOSE = "\ue0f1"  # char(57585)
_MARKED = re.compile(re.escape(MARK_OPEN) + "(.*?)" + re.escape(MARK_CLOSE), re.DOTALL)


def snippet_text(marked: str | None) -> str | None:
    """A marked snippet without its marks."""
    return None if marked is None else marked.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def marked_forms(marked: str | None) -> list[str]:
    """The distinct highlighted forms of a marked snippet, in order of appearance."""
    found = (" ".join(m.split()) for m in _MARKED.findall(marked or ""))
    return list(dict.fromkeys(f for f in found if f))


def snippet_marks(marked: str | None) -> str:
    """The highlighted forms as a JSON array: ["27ème", "Région"]."""
    return json.dumps(marked_forms(marked), ensure_ascii=False)


def parse_forms(matched: str | list[str] | None) -> list[str]:
    """The forms of a `matched` value (a JSON array, as the search SQL returns it)."""
    if isinstance(matched, list):
        return [str(f) for f in matched]
    try:
        forms = json.loads(matched or "[]")
    except ValueError:
        return []
    return [str(f) for f in forms] if isinstance(forms, list) else []


def highlight(text: str, forms: list[str]) -> list[tuple[str, bool]]:
    """`text` as (piece, highlighted) parts: every whole-word occurrence of a form is highlighted."""
    words = sorted({f for f in forms if f.strip()}, key=len, reverse=True)
    if not words:
        return [(text, False)] if text else []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(_spaced(w) for w in words) + r")(?!\w)")
    parts: list[tuple[str, bool]] = []
    end = 0
    for m in pattern.finditer(text):
        if m.start() > end:
            parts.append((text[end : m.start()], False))
        parts.append((m.group(0), True))
        end = m.end()
    if end < len(text):
        parts.append((text[end:], False))
    return parts


def _spaced(form: str) -> str:
    """A form as a pattern; the spaces of a phrase match any run of white space."""
    return r"\s+".join(re.escape(w) for w in form.split())


def snippet_html(text: str, forms: list[str]) -> Markup:
    """The snippet escaped, then its forms as <mark>."""
    return Markup(
        "".join(
            f"<mark>{html.escape(piece)}</mark>" if marked else html.escape(piece)
            for piece, marked in highlight(text, forms)
        )
    )
