"""The layout of a page scrape: chrome, title, date, signature, body paragraphs, reference list.

A scrape is a sequence of blocks separated by blank lines (a line holding only
spaces or no-break spaces is blank). The blog's template puts the header
chrome first, then the title and the date, the body, the signature, an
optional "Aller plus loin" list, then widgets (tweets, partners). The rules
below find those landmarks by their shape, not by any post's wording.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .lexicon import MONTHS, NOT_NAMES, STOPWORDS, WEEKDAYS

_SPACES = re.compile(r"[ \t\u00a0\u202f\u2007\u2009\u200a]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
_MD_EMPHASIS = re.compile(r"(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?")
_BLANK = " \t\u00a0\u202f\u2007\u2009\u200a"
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪►>]|\d{1,2}[.)])(?=\s|$)\s*")
# A tweet widget's heading ("Tweets de @Hubservateur") heads a block of its own even when the tweets
# follow it without a blank line, so the tweets never join the line before it.
_TWEETS_HEADING = re.compile(r"^\s*(?:tweets?\s+(?:de|by|from|par)\s+@\w+|twitter\s*:?\s*@\w+)\s*:?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    text: str  # spaces normalised: one plain space between words
    line: int  # 1-based line of the source text where the block starts
    raw: str = ""  # as written, only trimmed (no-break spaces inside are kept, as the corpus keeps them)

    @property
    def written(self) -> str:
        return self.raw or self.text


def clean_line(text: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def split_blocks(text: str) -> list[Block]:
    """Blocks separated by blank lines; bulleted lines inside a block become blocks of their own."""
    blocks: list[Block] = []
    current: list[tuple[int, str]] = []

    def flush() -> None:
        if not current:
            return
        parts: list[tuple[int, list[str]]] = []
        for n, line in current:
            if not parts or _BULLET.match(line) or _TWEETS_HEADING.match(line):
                parts.append((n, [line]))
            elif _TWEETS_HEADING.match(parts[-1][1][-1]):
                parts.append((n, [line]))  # the tweets after the heading
            else:
                parts[-1][1].append(line)
        for n, lines in parts:
            raw = " ".join(_INVISIBLE.sub("", line).strip(_BLANK) for line in lines)
            heading = _MD_HEADING.match(raw) or _MD_EMPHASIS.fullmatch(raw)  # "# Title", "**Régis Chatellier**"
            if heading:
                raw = heading.group(1).strip()
            blocks.append(Block(clean_line(raw), n, raw))
        current.clear()

    for n, line in enumerate(text.split("\n"), 1):
        if clean_line(line):
            current.append((n, line))
        else:
            flush()
    flush()
    return blocks


# --- dates -------------------------------------------------------------------

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(WEEKDAYS)
_DATE_PATTERNS = [
    ("dmy", re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?!\d)")),
    ("ymd", re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})(?!\d)")),
    (
        "d month y",
        re.compile(
            rf"(?<!\w)(?:(?:{_WEEKDAY})\s*,?\s+)?(1er|1re|\d{{1,2}})(?:er)?\s+({_MONTH})\.?\s*,?\s+((?:19|20)\d\d)(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "month d y",
        re.compile(rf"(?<!\w)({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)(?!\d)", re.IGNORECASE),
    ),
]
_DATE_PREFIX = re.compile(r"^(?:(?:publié|posté|mis en ligne|écrit|rédigé|date)\s*(?:le|:)?\s*|le\s+)", re.IGNORECASE)
_TIME_SUFFIX = re.compile(r"^(?:\s*(?:à|a|-|,)?\s*\d{1,2}\s*[h:]\s*\d{0,2})?\s*[.,]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class FoundDate:
    value: dt.date | None  # None: written like a date but impossible (31/02/2015)
    written: str
    rest: str  # what the block holds besides the date ("par Régis Chatellier")


def parse_date(text: str) -> FoundDate | None:
    """A date written alone on its line (with an optional "Publié le", weekday or time)."""
    stripped = _DATE_PREFIX.sub("", text.strip())
    for kind, pattern in _DATE_PATTERNS:
        m = pattern.match(stripped) or pattern.match(_fold_month_text(stripped))
        if not m:
            continue
        day, month, year = _parts(kind, m)
        rest = _TIME_SUFFIX.sub("", stripped[m.end() :], count=1).strip()
        if len(rest.split()) > 8:
            return None
        try:
            value = dt.date(year, month, day) if month else None
        except ValueError:
            value = None
        return FoundDate(value, text.strip(), rest)
    return None


def _fold_month_text(text: str) -> str:
    """Accents out of month and weekday names only, keeping offsets ('août' -> 'aout')."""
    table = str.maketrans("éèêëûùôîïâàç", "eeeeuuoiiaac", "")
    return text.translate(table)


def _parts(kind: str, m: re.Match) -> tuple[int, int, int]:
    if kind == "dmy":
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if kind == "ymd":
        return int(m.group(3)), int(m.group(2)), int(m.group(1))
    if kind == "d month y":
        day = 1 if m.group(1).lower() in ("1er", "1re") else int(m.group(1))
        return day, MONTHS.get(_fold_month_text(m.group(2).lower()), 0), int(m.group(3))
    return int(m.group(2)), MONTHS.get(_fold_month_text(m.group(1).lower()), 0), int(m.group(3))


# --- chrome and section headings ----------------------------------------------

# Lines of the page header: anywhere before the post's date, never in its body.
_HEADER_CHROME = re.compile(
    r"newsletter|inscri(?:re|vez|ption)|désinscri|desinscri|^retour (?:au|à|a)\b|adresse e-?mail|cookies?\b"
    r"|flux rss",
    re.IGNORECASE,
)
# Lines that are chrome wherever they stand: navigation words alone on their line, photo credits.
_LINE_CHROME = re.compile(
    r"^(?:blog|accueil|home|menu|contacts?(?:\s+newsletter)?|rechercher|recherche|search|connexion|se connecter"
    r"|plan du site|mentions légales|à propos|a propos|qui sommes-nous \??|abonnez-vous|suivez-nous|partager|share"
    r"|tweet|j[’']aime|imprimer|print|rss|newsletter)\s*:?$|^\W+$"
    r"|^(?:crédits?\s+photos?|photos?|image|illustration|visuel|source\s+(?:image|photo))\s*(?:[:©]|\(c\))",
    re.IGNORECASE,
)
_REFERENCES_HEADING = re.compile(
    r"^(?:pour\s+)?(?:aller\s+plus\s+loin|en\s+savoir\s+plus|références|references|bibliographie|sources?"
    r"|ressources|liens(?:\s+utiles)?|à\s+lire(?:\s+aussi)?|a\s+lire|lectures|pour\s+approfondir|voir\s+aussi"
    r"|further\s+reading)\s*(?:[.…]?\s*$|:\s*(?P<rest>.*)$)",
    re.IGNORECASE,
)
_WIDGET_HEADING = re.compile(
    r"^(?:tweets?\b.*|twitter\s*:?\s*@\w+.*|nos\s+partenaires.*|partenaires\s*:?|logos?\s+(?:des\s+)?partenaires.*"
    r"|laisser\s+un\s+commentaire.*|\d*\s*commentaires?\s*:?|réagir|articles?\s+(?:similaires|liés|récents)\s*:?"
    r"|billets?\s+(?:similaires|récents)\s*:?|étiquettes\s*:.*|tags\s*:.*|mots[- ]clés\s*:.*|catégories?\s*:.*"
    r"|partager\s*(?:cet\s+article|ceci)?\s*:?|share\s*(?:this)?\s*:?|suivez[- ]nous.*|nos$|plus$"
    r"|billet\s+(?:précédent|suivant).*|article\s+(?:précédent|suivant).*|←.*|.*→)$",
    re.IGNORECASE,
)


def is_header_chrome(text: str) -> bool:
    return len(text) < 120 and bool(_HEADER_CHROME.search(text) or _LINE_CHROME.search(text))


def is_line_chrome(text: str) -> bool:
    return len(text) < 120 and bool(_LINE_CHROME.search(text))


def is_widget_heading(text: str) -> bool:
    return len(text) < 100 and bool(_WIDGET_HEADING.match(text))


def references_heading(text: str) -> re.Match | None:
    return _REFERENCES_HEADING.match(text) if len(text) < 300 else None


# --- signatures ----------------------------------------------------------------

_NAME_TOKEN = (
    r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'’][A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]+)*|[A-ZÀ-ÖØ-Þ]{2,}(?:-[A-ZÀ-ÖØ-Þ]{2,})*|[A-Z]\."
)
_PARTICLE = r"(?:de|du|des|da|di|van|von|der|den|le|la|d['’])"
_ONE_NAME = re.compile(rf"^(?:{_NAME_TOKEN})(?:\s+(?:{_PARTICLE}\s+)?(?:{_NAME_TOKEN})){{1,3}}$")
_SIGNATURE_PREFIX = re.compile(
    r"^(?:(?:article\s+|billet\s+|texte\s+)?(?:rédigé|écrit|signé|proposé)\s+par|par|by"
    r"|auteurs?\s*:|signé\s*:|[-–—])\s*",
    re.IGNORECASE,
)
_NAME_SEPARATOR = re.compile(r"\s*(?:,|&|\bet\b|\band\b|/)\s*")


def signature_names(text: str) -> list[str] | None:
    """The names of a signature block ("A", "A et B", "Par A, B"), or None when it is not one."""
    text = _SIGNATURE_PREFIX.sub("", text.strip()).strip(" .")
    text = re.sub(r"\s*[(\[].*?[)\]]\s*$", "", text)  # "(Le hub agence)"
    if not text or len(text.split()) > 12 or any(c in text for c in ':;!?«»“”"'):
        return None
    parts = [p.strip() for p in _NAME_SEPARATOR.split(text) if p.strip()]
    names: list[str] = []
    for i, part in enumerate(parts):
        if is_person_shape(part):
            names.append(part)
        elif i == 0 or i < len(parts) - 1:
            return None  # a trailing affiliation ("A, Le hub agence") is dropped; nothing else may be
    return names or None


def is_person_shape(text: str) -> bool:
    if not _ONE_NAME.match(text):
        return False
    words = re.split(r"\s+", text)
    caps = [w for w in words if w[0].isupper()]
    if any(w.lower().strip(".") in STOPWORDS or w.lower() in NOT_NAMES for w in caps):
        return False
    return sum(len(w) > 2 for w in caps) >= 1


# --- the page ------------------------------------------------------------------


@dataclass
class Layout:
    title: Block | None = None
    date: FoundDate | None = None
    date_line: int = 0
    byline: list[str] = field(default_factory=list)  # names from the signature (or the date line)
    signature_line: int = 0
    paragraphs: list[Block] = field(default_factory=list)
    references: list[Block] = field(default_factory=list)  # items of the reference list
    needs_review: list[tuple[int, str]] = field(default_factory=list)  # (line, what to check)


def find_layout(blocks: list[Block]) -> Layout:
    layout = Layout()
    in_widget = _widget_blocks(blocks)
    first_date = next((i for i, b in enumerate(blocks) if i not in in_widget and parse_date(b.text)), len(blocks))
    header_end = min(first_date, next((i for i, b in enumerate(blocks) if len(b.text) > 200), len(blocks)))
    chrome = {
        i for i, b in enumerate(blocks) if is_line_chrome(b.text) or (i < header_end and is_header_chrome(b.text))
    }
    date_i = next(
        (i for i, b in enumerate(blocks) if i not in in_widget and i not in chrome and parse_date(b.text)), None
    )
    title_i = None
    if date_i is not None:
        found = parse_date(blocks[date_i].text)
        assert found is not None
        layout.date, layout.date_line = found, blocks[date_i].line
        if found.value is None:
            layout.needs_review.append((blocks[date_i].line, f"impossible date '{found.written}'; fill in 'date'"))
        byline = re.sub(r"^(?:[,|/·•-]|–|—|par|by)\s*", "", found.rest, flags=re.IGNORECASE)
        if found.rest and signature_names(byline):
            layout.byline = signature_names(byline) or []
        title_i = _title_before(blocks, date_i, chrome, in_widget)
        body_start = date_i + 1
        if title_i is None and _title_like(blocks, date_i + 1, chrome, in_widget):
            title_i, body_start = date_i + 1, date_i + 2
    else:
        title_i = next((i for i, b in enumerate(blocks) if _title_like(blocks, i, chrome, in_widget)), None)
        body_start = (title_i + 1) if title_i is not None else 0
        layout.needs_review.append(
            (blocks[body_start].line if body_start < len(blocks) else 1, "no date found; fill in 'date' (YYYY-MM-DD)")
        )
    if title_i is not None:
        layout.title = blocks[title_i]
    else:
        layout.needs_review.append((blocks[0].line if blocks else 1, "no title found; fill in 'title'"))
    _body_and_references(blocks, body_start, chrome, in_widget, layout)
    return layout


def _widget_blocks(blocks: list[Block]) -> set[int]:
    """Blocks of tweet and partner widgets: a widget heading and what follows it up to the next landmark."""
    inside: set[int] = set()
    i = 0
    while i < len(blocks):
        if is_widget_heading(blocks[i].text) and not references_heading(blocks[i].text):
            inside.add(i)
            j = i + 1
            while j < len(blocks) and _widget_item(blocks[j].text):
                inside.add(j)
                j += 1
            i = j
        else:
            i += 1
    return inside


def _widget_item(text: str) -> bool:
    """A tweet or a partner logo line: links, handles, hashtags, or a short line of its own."""
    if references_heading(text) or parse_date(text):
        return False
    if re.search(r"https?://|\bvia @\w|\bRT @\w|(?:^|\s)[@#]\w|pic\.twitter\.com", text):
        return True
    return is_widget_heading(text) or bool(_WIDGET_WORDS.match(text))


_WIDGET_WORDS = re.compile(
    r"^(?:plus|voir plus|suivre|follow|charger plus|afficher plus|logos?.*|partenaires.*"
    r"|\d+ (?:retweets?|j[’']aime|likes?|réponses?)|intégrer|embed|retweet(?:ed|é)?)\s*:?$",
    re.IGNORECASE,
)


def _title_like(blocks: list[Block], i: int, chrome: set[int], widgets: set[int]) -> bool:
    if i >= len(blocks) or i in chrome or i in widgets:
        return False
    text = blocks[i].text
    if references_heading(text) or parse_date(text) or len(text) > 200 or len(text.split()) > 25:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    if text.startswith(("http://", "https://", "www.")):
        return False
    return len(re.findall(r"\w", text)) >= 2


def _title_before(blocks: list[Block], date_i: int, chrome: set[int], widgets: set[int]) -> int | None:
    for i in range(date_i - 1, -1, -1):
        if i in chrome or i in widgets:
            continue
        return i if _title_like(blocks, i, chrome, widgets) else None
    return None


def _body_and_references(blocks: list[Block], start: int, chrome: set[int], widgets: set[int], layout: Layout) -> None:
    end = start
    while end < len(blocks) and end not in widgets and not references_heading(blocks[end].text):
        end += 1
    body = [i for i in range(start, end) if i not in chrome]
    if body and not layout.byline and re.match(r"(?:par|by|auteurs?\s*:)\s", blocks[body[0]].text, re.IGNORECASE):
        names = signature_names(blocks[body[0]].text)
        if names:
            layout.byline, layout.signature_line = names, blocks[body[0]].line
            body.pop(0)
    if body and not layout.byline:
        names = signature_names(blocks[body[-1]].text)
        if names and (len(body) > 1 or end < len(blocks)):
            layout.byline, layout.signature_line = names, blocks[body[-1]].line
            body.pop()
    layout.paragraphs = [blocks[i] for i in body]
    if end < len(blocks) and end not in widgets:
        heading = references_heading(blocks[end].text)
        if heading and (heading.group("rest") or "").strip():
            layout.references.append(Block(heading.group("rest").strip(), blocks[end].line))
        j = end + 1
        while j < len(blocks) and j not in widgets and not references_heading(blocks[j].text):
            text = _BULLET.sub("", blocks[j].text).strip()
            if not layout.byline and not _BULLET.match(blocks[j].text) and signature_names(text):
                layout.byline, layout.signature_line = signature_names(text) or [], blocks[j].line
            elif text and j not in chrome:
                layout.references.append(Block(text, blocks[j].line))
            j += 1
    if not layout.paragraphs:
        layout.needs_review.append(
            (
                blocks[start].line if start < len(blocks) else 1,
                "no body paragraphs found between the date and the signature",
            )
        )
