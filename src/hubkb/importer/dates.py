"""Dates on a page: which line dates the post, and the date itself, read by `dateparser`.

A date line holds one or more dates, each after a cue that says what it dates:
"Posted on 14 mars 2019 par Hélène Vasquez", "Publié le 20/03/2023 - Mis à jour
le 04/04/2023", "Article du numéro 146 - 01 juillet 2021", "Upload: 3 février
2017". The publication date is the one whose cue is a publication cue (or none);
an update or upload date never dates the post, and a year alone is no date.
Date expressions are located by the patterns of the lexicon and read by
dateparser (French and English, day before month).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .lexicon import DATE_CUES, DATE_EXPRESSION, DATE_LEAD, DAY_ORDINAL, MAX_DATE_LINE_CHARS, MAX_DATE_LINE_WORDS
from .rules import rule

_YEAR = re.compile(r"(?:19|20)\d\d")  # every DATE_EXPRESSION alternative holds one: a line without is read no further


@dataclass(frozen=True)
class FoundDate:
    value: dt.date | None  # None: written like a date but impossible (31/02/2015)
    written: str  # the whole line as written
    rest: str  # what the line holds besides its dates and cues ("par Régis Chatellier")
    kind: str = "publication"  # "publication", "update" or "upload": what the first date's cue says
    others: tuple[tuple[str, dt.date | None], ...] = ()  # (kind, value) of the line's other dates


@rule
def read_date(expression: str) -> dt.date | None:
    """A date expression read by dateparser, day first: '1er décembre 2014' -> 2014-12-01; '31/02/2015' -> None."""
    return _read_date(DAY_ORDINAL.sub(r"\1", expression.strip()))


@functools.lru_cache(maxsize=4096)
def _read_date(expression: str) -> dt.date | None:
    import dateparser  # imported on first use: a second of imports that `hubkb serve` never pays

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "DMY", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        parsed = dateparser.parse(expression, languages=["fr", "en"], settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed else None


@rule
def date_cue(lead: str) -> str | None:
    """What the words before a date say it dates: 'Mis à jour le' -> 'update', 'Upload:' -> 'upload', 'Le' -> 'publication'."""
    lead = lead.strip(" \t-–—·•|,:")
    for kind, pattern in DATE_CUES:
        if pattern.fullmatch(lead):
            return kind
    return None


@rule
def date_line(text: str) -> FoundDate | None:
    """A line that dates the page: 'Publié le 20/03/2023 - Mis à jour le 04/04/2023' -> 2023-03-20 (publication)."""
    text = text.strip()
    if len(text) > MAX_DATE_LINE_CHARS or not _YEAR.search(text):  # a paragraph, or no year (every date has one)
        return None
    matches = list(DATE_EXPRESSION.finditer(text))
    if not matches:
        return None
    dates: list[tuple[str, dt.date | None]] = []
    rest_parts: list[str] = []
    position = 0
    for i, m in enumerate(matches):
        lead = text[position : m.start()]
        kind = date_cue(lead)
        if kind is None:
            if i == 0:
                label = DATE_LEAD.match(lead)  # "Vidéo Publié le …": a kind label, then the cue
                kind = date_cue(lead[label.end() :]) if label else None
            if kind is None:
                if i == 0:
                    return None  # words before the first date that are no cue: a sentence, not a date line
                rest_parts.append(lead)
                kind = "publication"
        dates.append((kind, read_date(m.group(0))))
        position = m.end()
    rest = " ".join([*rest_parts, text[position:]]).strip()
    rest = re.sub(r"^(?:à|a|-|,)?\s*\d{1,2}\s*[h:]\s*\d{0,2}(?:\s*min)?\b", "", rest).strip(" .,;-–—·|")
    if len(rest.split()) > MAX_DATE_LINE_WORDS:
        return None
    kind, value = dates[0]
    return FoundDate(value, text, rest, kind, tuple(dates[1:]))


def publication(found: FoundDate) -> tuple[dt.date | None, bool]:
    """The publication date of a date line, and whether the line has one at all."""
    for kind, value in ((found.kind, found.value), *found.others):
        if kind == "publication":
            return value, True
    return None, False
