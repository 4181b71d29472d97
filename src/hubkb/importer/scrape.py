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

from ..text import NAME_PARTICLE_PATTERN, fold
from .dates import FoundDate, date_line, publication
from .gates import holds_any
from .lexicon import (
    BYLINE,
    BYLINE_SEARCH,
    END_OF_ARTICLE,
    HEADER_BLOCK_CHARS,
    KIND_LABEL_PHRASES,
    KIND_LABELS,
    LINE_CHROME,
    LOST_HYPHEN,
    MAX_BYLINE_WORDS,
    MAX_TITLE_CHARS,
    MAX_TITLE_WORDS,
    MENU_ITEM_WORDS,
    MENU_MIN_ITEMS,
    NOT_NAMES,
    STOPWORDS,
    UPLOADER,
    WRAPPED_LINE,
)
from .rules import rule

_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_INVISIBLES = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")  # what _INVISIBLE matches


def _visible(text: str) -> str:
    """`text` without invisible characters (most texts hold none: five substring tests, no substitution)."""
    return _INVISIBLE.sub("", text) if holds_any(text, _INVISIBLES) else text


_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
_SPACE_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
_MD_EMPHASIS = re.compile(r"(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?")
_BLANK = " \t\u00a0\u202f\u2007\u2009\u200a"
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪►>]|\d{1,2}[.)])(?=\s|$)\s*")
# A tweet widget's heading ("Tweets de @Hubservateur") heads a block of its own even when the tweets
# follow it without a blank line, so the tweets never join the line before it.
_SEPARATOR_CHROME = {e for e in LINE_CHROME.entries if e.name in ("page marker", "transcript")}
_TWEETS_HEADING = re.compile(r"^\s*(?:tweets?\s+(?:de|by|from|par)\s+@\w+|twitter\s*:?\s*@\w+)\s*:?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Block:
    text: str  # spaces normalised: one plain space between words
    line: int  # 1-based line of the source text where the block starts
    raw: str = ""  # as written, only trimmed (no-break spaces inside are kept, as the corpus keeps them)
    menu: bool = False  # a run of short navigation items ("Accueil / Le labo / Nos chantiers / Contact")

    @property
    def written(self) -> str:
        return self.raw or self.text


def clean_line(text: str) -> str:
    """Invisible characters out, every run of white space (no-break spaces included) one space."""
    return " ".join(_visible(text).split())


_MENU_SEPARATOR = re.compile(r" {3,}|\t+|\s+[|·•]\s+")  # between the items of a menu on one line
_MENU_SEPARATORS = ("   ", "\t", "|", "·", "•")  # one of them is in every _MENU_SEPARATOR


@rule
def is_menu(lines: list[str]) -> bool:
    """Navigation items, one a line or spaced on one line: ['Accueil', 'Le labo', 'Nos chantiers', 'Contact'] -> True."""
    items = [x for x in map(clean_line, lines) if x]
    if len(items) == 1:
        if MENU_MIN_ITEMS > 1 and not holds_any(lines[0], _MENU_SEPARATORS):
            return False  # one line that no separator cuts is one item: no menu
        items = [x for x in map(clean_line, _MENU_SEPARATOR.split(lines[0].strip(_BLANK))) if x]
    return len(items) >= MENU_MIN_ITEMS and all(
        len(x.split()) <= MENU_ITEM_WORDS and not re.search(r"[.!?:;,]$", x) for x in items
    )


@rule
def stands_alone(line: str) -> bool:
    """A line that is never part of a paragraph: chrome, a date line, a byline, an end-of-article line.
    'Upload: 3 février 2017', '1 284 views', 'Réagir à cet article' -> True."""
    if len(line) > HEADER_BLOCK_CHARS:
        return False
    return (
        line in LINE_CHROME
        or line in END_OF_ARTICLE
        or date_line(line) is not None
        or bool(BYLINE.match(line) or UPLOADER.match(line))
    )


@rule
def repair_hyphens(text: str) -> str:
    """Words cut by a lost hyphenation joined again: 'la con- ception' -> 'la conception'."""
    return LOST_HYPHEN.sub("", text) if "- " in text else text  # the pattern needs a hyphen and a space


def split_blocks(text: str) -> list[Block]:
    """Blocks separated by blank lines; inside a block, bulleted lines, the lines after a references heading,
    and every line of a block holding a line longer than a wrapped one become blocks of their own."""
    blocks: list[Block] = []
    current: list[tuple[int, str]] = []
    cleaned_lines: list[str] = []  # clean_line of each line of `current`

    def flush() -> None:
        if not current:
            return
        one_a_line = any(len(cleaned) > WRAPPED_LINE for cleaned in cleaned_lines) or any(
            stands_alone(cleaned) for cleaned in cleaned_lines[1:]
        )
        parts: list[tuple[int, list[str]]] = []
        after_heading = False
        for (n, line), cleaned in zip(current, cleaned_lines):
            short = len(cleaned) <= HEADER_BLOCK_CHARS  # only a short line can be a heading or chrome
            found = references_heading(cleaned) if short else None
            heading = found is not None and not (found.group("rest") or "").strip()
            if (
                not parts
                or one_a_line
                or after_heading
                or heading
                or _BULLET.match(line)
                or _TWEETS_HEADING.match(line)
                or (short and LINE_CHROME.match(cleaned) in _SEPARATOR_CHROME)
            ):
                parts.append((n, [line]))
            elif (
                _TWEETS_HEADING.match(parts[-1][1][-1])
                or LINE_CHROME.match(clean_line(parts[-1][1][-1])) in _SEPARATOR_CHROME
            ):
                parts.append((n, [line]))  # the tweets after the heading; the page's text after its marker
            else:
                parts[-1][1].append(line)
            after_heading = after_heading or heading
        for n, lines in parts:
            raw = repair_hyphens(" ".join(_visible(line).strip(_BLANK) for line in lines))
            if "  " in raw:
                raw = _SPACE_RUN.sub(" ", raw)  # runs of spaces (transcripts) are one space
            markup = (  # "# Title", "**Régis Chatellier**" (the patterns need these marks first)
                (_MD_HEADING.match(raw) or _MD_EMPHASIS.fullmatch(raw)) if raw[:1] in "#*_" else None
            )
            if markup:
                raw = markup.group(1).strip()
            blocks.append(Block(clean_line(raw), n, raw, menu=is_menu(lines)))
        current.clear()
        cleaned_lines.clear()

    for n, line in enumerate(text.split("\n"), 1):
        cleaned = clean_line(line)
        if cleaned:
            current.append((n, line))
            cleaned_lines.append(cleaned)
        else:
            flush()
    flush()
    return blocks


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


@rule
def is_header_chrome(text: str) -> bool:
    """Chrome of the page header: 'retour au hub Plein Sens', 'Pour vous inscrire à la newsletter …' -> True."""
    return len(text) < 120 and bool(_HEADER_CHROME.search(text) or _LINE_CHROME.search(text))


@rule
def is_line_chrome(text: str) -> bool:
    """Chrome wherever it stands: '1 284 views', 'Ajouter au panier', 'Crédit photo : X' -> True."""
    return len(text) < HEADER_BLOCK_CHARS and bool(_LINE_CHROME.search(text) or text in LINE_CHROME)


@rule
def is_widget_heading(text: str) -> bool:
    """A sidebar widget's heading: 'Tweets de @Hubservateur', 'Nos partenaires :' -> True."""
    return len(text) < 100 and bool(_WIDGET_HEADING.match(text))


@rule
def references_heading(text: str) -> re.Match | None:
    """A reference list's heading: 'Aller plus loin :' -> a match (its `rest` holds an item on the same line)."""
    return _REFERENCES_HEADING.match(text) if len(text) < 300 else None


# --- signatures ----------------------------------------------------------------

_NAME_TOKEN = (
    r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-'’][A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]+)*|[A-ZÀ-ÖØ-Þ]{2,}(?:-[A-ZÀ-ÖØ-Þ]{2,})*|[A-Z]\."
)
_PARTICLE = NAME_PARTICLE_PATTERN
_ONE_NAME = re.compile(rf"^(?:{_NAME_TOKEN})(?:\s+(?:{_PARTICLE}\s+)?(?:{_NAME_TOKEN})){{1,3}}$")
_SIGNATURE_PREFIX = re.compile(
    r"^(?:(?:article\s+|billet\s+|texte\s+)?(?:rédigé|écrit|signé|proposé)\s+par|par|by"
    r"|auteurs?\s*:|signé\s*:|[-–—])\s*",
    re.IGNORECASE,
)
_NAME_SEPARATOR = re.compile(r"\s*(?:,|&|\bet\b|\band\b|/)\s*")


@rule
def signature_names(text: str) -> list[str] | None:
    """The names of a signature block: 'Par Marc Pallot et Brigitte Trousse' -> both names; a sentence -> None."""
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


@rule
def is_person_shape(text: str) -> bool:
    """Written like a person's name: 'Régis Chatellier' -> True, 'Nos partenaires' -> False."""
    if not _ONE_NAME.match(text):
        return False
    words = re.split(r"\s+", text)
    caps = [w for w in words if w[0].isupper()]
    if any(w.lower().strip(".") in STOPWORDS or w.lower() in NOT_NAMES for w in caps):
        return False
    return sum(len(w) > 2 for w in caps) >= 1


# --- the page ------------------------------------------------------------------


@dataclass(frozen=True)
class PageHints:
    """What a saved HTML page's metadata says (trafilatura, htmldate): it wins over the text's landmarks."""

    title: str | None = None
    date: str | None = None  # ISO
    authors: tuple[str, ...] = ()


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


@rule
def is_kind_label(text: str) -> bool:
    """A label above a title that says what the page is: 'Actualité', 'Entretiens', 'INNOVATION' -> True."""
    words = text.split()
    if not words or len(words) > MENU_ITEM_WORDS or re.search(r"[.!?:;,«»]", text):
        return False
    folded = text.lower().strip()
    if folded in KIND_LABELS or folded in KIND_LABEL_PHRASES:
        return True
    return text.isupper() and len(words) <= MENU_ITEM_WORDS  # "INNOVATION": a rubric in capitals


@rule
def byline_names(text: str) -> list[str] | None:
    """The people of a byline block: 'Propos recueillis par Camille Roussel' -> ['Camille Roussel']; 'Par l’équipe
    de X' -> [] (a byline naming no person); a line that is no byline -> None."""
    if UPLOADER.match(text.strip()) and len(text.split()) <= MAX_BYLINE_WORDS:
        return []  # "Partagé par Clinilab Ouest": a byline that names no author
    m = BYLINE.match(text.strip())
    if not m or len(text.split()) > MAX_BYLINE_WORDS:
        return None
    return signature_names(text[m.end() :]) or []


def find_layout(blocks: list[Block], hints: PageHints | None = None) -> Layout:
    hints = hints or PageHints()
    layout = Layout()
    widgets = _widget_blocks(blocks)
    first_long = next((i for i, b in enumerate(blocks) if len(b.text) > HEADER_BLOCK_CHARS), len(blocks))
    dates = {i: found for i, b in enumerate(blocks) if i not in widgets and (found := date_line(b.text))}
    pub = [i for i, d in dates.items() if publication(d)[1]]
    header_end = min(pub[0] if pub else len(blocks), first_long)
    chrome = {
        i
        for i, b in enumerate(blocks)
        if i not in dates
        and (
            is_line_chrome(b.text)
            or b.menu
            or (i < header_end and is_header_chrome(b.text))
            or (i <= header_end and is_kind_label(b.text))
        )
    }
    bylines = {
        i: names
        for i, b in enumerate(blocks[: first_long + BYLINE_SEARCH])
        if (names := byline_names(b.text)) is not None
    }
    date_i = pub[0] if pub else None
    if date_i is not None:
        found = dates[date_i]
        layout.date, layout.date_line = found, blocks[date_i].line
        value, _ = publication(found)
        if value is None:
            layout.needs_review.append((blocks[date_i].line, f"impossible date '{found.written}'; fill in 'date'"))
        if found.kind != "publication":  # "Upload: …, Publié le …": the first date is not the post's
            layout.date = FoundDate(value, found.written, found.rest)
        byline = re.sub(r"^(?:[,|/·•-]|–|—|par|by)\s*", "", found.rest, flags=re.IGNORECASE)
        if found.rest and signature_names(byline):
            layout.byline = signature_names(byline) or []
            layout.signature_line = blocks[date_i].line
    meta = sorted({*dates, *bylines})  # date lines of any kind and bylines: the title stands by them
    skip = chrome | widgets | set(meta)
    title_i = None
    if hints.title:
        title_i = next((i for i, b in enumerate(blocks[: first_long + 1]) if fold(b.text) == fold(hints.title)), None)
    elif meta:
        anchor = date_i if date_i is not None else meta[0]
        title_i = _title_near(blocks, anchor, skip)
    else:
        title_i = next((i for i, b in enumerate(blocks) if i not in skip and _title_like(b)), None)
        if title_i is not None:
            layout.needs_review.append((blocks[title_i].line, "title guessed (no date or byline near it); check it"))
    if hints.title:
        layout.title = Block(clean_line(hints.title), blocks[title_i].line if title_i is not None else 1, hints.title)
    elif title_i is not None:
        layout.title = blocks[title_i]
    else:
        layout.needs_review.append((blocks[0].line if blocks else 1, "no title found; fill in 'title'"))
    if hints.date and (date_i is None or layout.date is None or layout.date.value is None):
        value = read_iso(hints.date)
        layout.date, layout.date_line = FoundDate(value, hints.date, ""), layout.date_line or 1
    if layout.date is None:
        update = next((i for i in meta if i in dates), None)
        where = blocks[update].line if update is not None else (blocks[0].line if blocks else 1)
        what = "no publication date found" + (f" (only an {dates[update].kind} date)" if update is not None else "")
        layout.needs_review.append((where, f"{what}; fill in 'date' (YYYY-MM-DD)"))
    # the body starts after the last landmark of the header: title, publication date, bylines
    landmarks = [i for i in (title_i, date_i) if i is not None] + [i for i in bylines if i <= header_end]
    body_start = max(landmarks) + 1 if landmarks else 0
    if not layout.byline:
        for i in sorted(bylines):
            if bylines[i]:
                layout.byline, layout.signature_line = bylines[i], blocks[i].line
                break
    if hints.authors and not layout.byline:
        layout.byline = [a for a in hints.authors if is_person_shape(a)]
    title_text = fold(layout.title.text) if layout.title else ""
    longest = 2 * len(layout.title.text) + 20 if layout.title else 0  # a longer block is no repeat (nor folded)
    repeats = {  # a cover page
        i for i, b in enumerate(blocks) if title_text and len(b.text) <= longest and fold(b.text) == title_text
    }
    _body_and_references(blocks, body_start, chrome | repeats | set(bylines) | set(dates), widgets, layout)
    if not layout.byline:
        layout.needs_review.append(
            (
                layout.paragraphs[0].line if layout.paragraphs else 1,
                "no author found; fill in 'authors' (or keep [] for an unsigned page)",
            )
        )
    return layout


def read_iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


@rule
def is_end_of_article(text: str) -> bool:
    """A line after which nothing is the article's: 'Laisser un commentaire', 'Sur le même sujet' -> True."""
    return len(text) < HEADER_BLOCK_CHARS and text in END_OF_ARTICLE


def _widget_blocks(blocks: list[Block]) -> set[int]:
    """Blocks of tweet and partner widgets (a heading and what follows it up to the next landmark), and
    everything after the first end-of-article line (comments, related items, paywall, taxonomy)."""
    inside: set[int] = set()
    first_long = next((i for i, b in enumerate(blocks) if len(b.text) > HEADER_BLOCK_CHARS), len(blocks))
    i = 0
    while i < len(blocks):
        if i > first_long and is_end_of_article(blocks[i].text):
            inside.update(range(i, len(blocks)))
            break
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
    if references_heading(text) or date_line(text):
        return False
    if re.search(r"https?://|\bvia @\w|\bRT @\w|(?:^|\s)[@#]\w|pic\.twitter\.com", text):
        return True
    return is_widget_heading(text) or bool(_WIDGET_WORDS.match(text))


_WIDGET_WORDS = re.compile(
    r"^(?:plus|voir plus|suivre|follow|charger plus|afficher plus|logos?.*|partenaires.*"
    r"|\d+ (?:retweets?|j[’']aime|likes?|réponses?)|intégrer|embed|retweet(?:ed|é)?)\s*:?$",
    re.IGNORECASE,
)


def _title_like(block: Block) -> bool:
    text = block.text
    if block.menu or references_heading(text) or date_line(text) or is_kind_label(text):
        return False
    if len(text) > MAX_TITLE_CHARS or len(text.split()) > MAX_TITLE_WORDS:
        return False
    if text.endswith(".") and not text.endswith("..."):
        return False
    if text.startswith(("http://", "https://", "www.")) or text.endswith(":"):
        return False
    if not re.match(r"[«“\"'‘(\[]?\s*[A-ZÀ-Þ0-9]", text):  # a fragment ("re ensemble", "• Fai") is no title
        return False
    return len(re.findall(r"\w", text)) >= 2


@rule
def title_near(blocks: list[Block], anchor: int, skip: set[int]) -> int | None:
    """The title beside the date line or byline at `anchor`: the block just before it (past chrome and
    labels), unless a kind label stands right before the anchor ('INNOVATION', date, title): then just after."""
    return _title_near(blocks, anchor, skip)


def _title_near(blocks: list[Block], anchor: int, skip: set[int]) -> int | None:
    before = anchor - 1
    while before >= 0 and before in skip and not is_kind_label(blocks[before].text):
        before -= 1
    if before >= 0 and before not in skip and _title_like(blocks[before]):
        return before
    after = anchor + 1
    while after < len(blocks) and after in skip:
        after += 1
    if after < len(blocks) and _title_like(blocks[after]) and len(blocks[after].text) <= MAX_TITLE_CHARS:
        return after
    return None


def _body_and_references(blocks: list[Block], start: int, chrome: set[int], widgets: set[int], layout: Layout) -> None:
    while start < len(blocks) and (start in chrome or start in widgets):  # header widgets: "Catégorie : …", "Partager"
        start += 1
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
    layout.paragraphs = join_continuations([blocks[i] for i in body])
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


@rule
def join_continuations(paragraphs: list[Block]) -> list[Block]:
    """A quotation open at the end of a paragraph goes on in the next ones, and an attribution line
    ('— Sabine Roux, directrice de …') belongs to the quotation above it: such paragraphs become one."""
    out: list[Block] = []
    for block in paragraphs:
        if out and (_open_quotation(out[-1].written) or _attribution(out[-1].written, block.written)):
            last = out.pop()
            raw = f"{last.written}\n{block.written}"
            out.append(Block(clean_line(raw), last.line, raw))
        else:
            out.append(block)
    return out


def _open_quotation(text: str) -> bool:
    return text.count("«") > text.count("»") and not re.search(r"[»”]\s*\W*$", text)


_QUOTE_END = re.compile(r"[»”\"]\s*$")
_ATTRIBUTION = re.compile(r"^[—–-]\s*[A-ZÀ-Þ][\w’'-]+(?:\s+[A-ZÀ-Þ][\w’'-]+)+\s*(?:,|$)")


def _attribution(previous: str, text: str) -> bool:
    return bool(_ATTRIBUTION.match(text) and _QUOTE_END.search(previous) and len(text.split()) <= MAX_BYLINE_WORDS * 2)
