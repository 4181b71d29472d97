"""References: the "Aller plus loin" list and works cited in the body, merged into one list.

A list item may be clean ("Author, Title, Publisher, year"), glue the authors
to the title ("Michael HarrisThe Challenge…"), invert names ("Ostrom E."),
end in "et al.", be a bare URL, or a video line ("Title (vostf) :"). In the
body, a work is announced by a noun ("la publication W", "le documentaire de
X, W", "le livre « W »") or is a known work's title. The same work cited in
both places is one reference; a known work that matches (rapidfuzz) is linked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..resolve import Resolver
from ..text import fold
from .gates import holds_any
from .lexicon import (
    AUTHOR_YEAR_CITATION,
    BOOK_PUBLISHER,
    DOCUMENT_MARKER,
    ENGLISH_LINKS,
    MAX_NER_NAME_WORDS,
    ORG_HEADS,
    VIDEO_MARKER,
    WORK_NOUNS,
    WORK_TYPES,
)
from .names import Names
from .rules import rule
from .scrape import is_person_shape
from .shapes import CAP, UP, strip_article

_URL = re.compile(r"(?:https?://|www\.)[^\s<>«»“”\"]+[^\s<>«»“”\".,;:!?)\]]")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d\d)(?![\d/])")
_QUOTED = re.compile(r"[«“\"]\s*(.+?)\s*[»”\"]")
_ETAL = re.compile(r"\s*,?\s*\bet\s+al\.?", re.IGNORECASE)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\bet\b|\band\b)\s*")
_INITIALS_FORM = re.compile(rf"^(?:[{UP}]\.\s?-?)+\s?{CAP}$|^{CAP}(?:\s+{CAP})?\s+(?:[{UP}]\.\s?-?)+$")


@dataclass
class Reference:
    raw: str
    line: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)  # keys of Names.agents
    year: int | None = None
    publisher: str | None = None  # as written, tidied
    url: str | None = None
    type: str | None = None
    in_section: bool = True
    work_id: str | None = None  # the known work it matches
    et_al: bool = False
    body: list[tuple[int, int, int]] = field(default_factory=list)  # (paragraph, start, end) of citations


# --- list items -----------------------------------------------------------------


def parse_item(raw: str, line: int, names: Names, resolver: Resolver) -> Reference:
    ref = Reference(raw=raw, line=line)
    text = _MD_LINK.sub(r"\1 \2", raw).strip(" -–—•*·")  # Markdown "[Title](url)"
    urls = _URL.findall(text)
    if urls:
        ref.url = urls[0] if urls[0].startswith("http") else "http://" + urls[0]
        text = _URL.sub(" ", text)
    if VIDEO_MARKER.search(text):
        ref.type = "video"
        text = VIDEO_MARKER.sub("", text)
    if DOCUMENT_MARKER.search(text):
        ref.type = ref.type or "report"
        text = DOCUMENT_MARKER.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" :,.;-–—>|")
    if not text:
        ref.type = ref.type or "webpage"
        return ref
    text = unglue(text)
    # APA's "Ostrom, E. (1990). Title." -> "Ostrom E. (1990). Title."
    text = re.sub(rf"([{UP}][\w’'-]+),\s+((?:[{UP}]\.\s?-?)+)(?=[\s,&(]|$)", r"\1 \2", text)
    named = re.match(r"(?P<who>[^:]{3,60}?)\s+:\s+(?P<what>.+)$", text)
    if named and _is_person_name(named.group("who"), names):  # "Henry Chesbrough : Open innovation"
        text = f"{named.group('who')}, {named.group('what')}"
    if _ETAL.search(text):
        ref.et_al = True
        text = _ETAL.sub("", text, count=1)
    apa = re.search(r"\s*\(((?:19|20)\d\d)[a-z]?\)\s*[.,:]?\s+(?=\S)", text)
    if apa and apa.start() > 0:  # "Authors (1990). Title": the year separates the authors from the title
        ref.year = int(apa.group(1))
        text = f"{text[: apa.start()]}, {text[apa.end() :]}"
    quoted = _QUOTED.search(text)
    year = None if ref.year else _find_year(text, quoted)
    if year:
        ref.year = int(year.group(1))
        text = (text[: year.start()] + text[year.end() :]).replace("()", "")
        text = re.sub(r"\s+([,.])", r"\1", re.sub(r"\s+", " ", text)).strip(" :,.;-–—")
        text = re.sub(r"\.\.(?=\s)", ".", text)
    parts = segments(text)
    authors, rest = _leading_authors(parts, names, resolver)
    if authors and rest and rest[0][0].islower() and not all(names.person_named(a) for a in authors):
        authors, rest = [], parts  # "Porto Alegre, le budget des habitants": one title, no author
    ref.authors = [
        names.person(a, "references", line) if _is_person_name(a, names) else names.organisation(a, "references", line)
        for a in authors
    ]
    if quoted and quoted.group(1) in text:
        ref.title = quoted.group(1).strip()
        after = text[text.index(quoted.group(0)) + len(quoted.group(0)) :]
        rest = [s for s in segments(after.strip(" ,.:;")) if s]
    elif rest:
        title = [rest.pop(0)]
        while rest and (re.match(r"[a-zà-ÿ]", rest[0]) or _english_subtitle(rest, names, resolver)):
            title.append(rest.pop(0))
        ref.title = ", ".join(title).strip(" .:")
    if rest and not ref.authors and (len(rest) >= 2 or _is_person_name(rest[0], names) or _org_author(rest[0], names)):
        # "Title, Author, Publisher, year": the first part after the title names its author
        author = rest.pop(0)
        ref.authors = [
            names.person(author, "references", line)
            if _is_person_name(author, names)
            else names.organisation(author, "references", line)
        ]
    if rest:
        publisher = re.sub(r"^(?:in|dans)\s+", "", rest[0], flags=re.IGNORECASE)
        ref.publisher = publisher.strip(" .")
        if re.match(r"(?:in|dans)\s", rest[0], re.IGNORECASE):
            ref.type = ref.type or "article"
    ref.type = ref.type or guess_type(ref, names)
    _link_known(ref, resolver)
    return ref


@rule
def unglue(text: str) -> str:
    """'David Boyle and Michael HarrisThe Challenge' -> 'David Boyle and Michael Harris, The Challenge'."""
    for m in re.finditer(r"([a-zà-ÿ])([A-ZÀ-Þ][a-zà-ÿ])", text):
        prefix = text[: m.start() + 1]
        parts = [p for p in _AUTHOR_SPLIT.split(prefix) if p]
        if parts and all(is_person_shape(p) for p in parts):
            return f"{prefix}, {text[m.start() + 1 :]}"
    return text


def _find_year(text: str, quoted: re.Match | None) -> re.Match | None:
    years = [m for m in _YEAR.finditer(text) if not (quoted and quoted.start() <= m.start() < quoted.end())]
    return years[-1] if years else None


@rule
def segments(text: str) -> list[str]:
    """Parts separated by commas or APA stops, parentheses kept whole: 'Nesta (UK), 2009' -> ['Nesta (UK)', '2009']."""
    out, depth, current = [], 0, ""
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        stop = (
            char == "."
            and text[i + 1 : i + 2] == " "
            and re.search(r"[\w»”)][\w»”)]$", current)
            and not re.search(r"\b(?:al|éd|ed|dir|coll|vol|p|pp|n°|[A-Z])$", current)
        )
        if (char == "," or stop) and depth <= 0:
            out.append(current.strip())
            current = ""
        else:
            current += char
    out.append(current.strip())
    return [s for s in out if s]


def _leading_authors(parts: list[str], names: Names, resolver: Resolver) -> tuple[list[str], list[str]]:
    """Author names at the start of an item, and the segments after them."""
    authors: list[str] = []
    i = 0
    while i < len(parts) - 1:  # the last segment is never an author: a title remains
        names_here = [p for p in _AUTHOR_SPLIT.split(parts[i]) if p]
        if not names_here or not all(_is_person_name(p, names) or _known_agent(p, resolver) for p in names_here):
            break
        authors.extend(names_here)
        i += 1
    return authors, parts[i:]


def _is_person_name(text: str, names: Names) -> bool:
    """A known person, 'Ostrom E.' / 'E. Ostrom', a pair of names ('Anja Röcke'), or what the model calls one."""
    match = names.resolver.agents.lookup(text)
    if match is not None:
        return match.entry.kind == "person"
    if _INITIALS_FORM.match(text):
        return True
    words = text.split()
    return is_person_shape(text) and (
        len(words) == 2 or (len(words) <= MAX_NER_NAME_WORDS and names.ner.is_person(text))
    )


def _org_author(text: str, names: Names) -> bool:
    """'Commission européenne' after a title: an organisation the post names, or one headed like one."""
    if any(
        a.kind == "organisation" and fold(text) in (fold(v) for v in [a.name, *a.variants])
        for a in names.agents.values()
    ):
        return True
    return fold(text.split()[0]) in _INSTITUTION_WORDS and not BOOK_PUBLISHER.search(text)


def _english_subtitle(rest: list[str], names: Names, resolver: Resolver) -> bool:
    """'Design, When Everybody Designs, MIT Press': a capitalised English segment that goes on with the
    title, while a later segment is left for the publisher."""
    words = rest[0].split()
    return (
        len(rest) >= 2
        and len(words) >= 2
        and words[0].lower() in ENGLISH_LINKS
        and not BOOK_PUBLISHER.search(rest[0])
        and not _known_agent(rest[0], resolver)
        and not _org_author(rest[0], names)
    )


def _known_agent(text: str, resolver: Resolver) -> bool:
    return resolver.agents.lookup(text) is not None


_PERIODICAL = re.compile(
    r"\b(?:journal|review|revue|quarterly|bulletin|cahiers|annales|proceedings|magazine)\b", re.IGNORECASE
)


@rule
def guess_type(ref: Reference, names: Names) -> str:
    """The type of a listed work: 'X, Titre, Seuil, 2012' -> book; a publisher or an organisation alone ->
    report; people and a year -> article."""
    if ref.publisher and BOOK_PUBLISHER.search(ref.publisher):
        return "book"
    if ref.url and not ref.publisher:
        return "webpage"
    if ref.publisher and _PERIODICAL.search(ref.publisher):  # "Yale Law & Policy Review", "Revue française de …"
        return "article"
    known = names.resolver.agents.lookup(ref.publisher) if ref.publisher else None
    if known is not None and known.exact and known.entry.kind == "organisation":
        return "report"  # published by an actor the authority knows (Nesta, la 27e Région): a report
    if ref.publisher:  # an institution publishes reports; a publisher, books
        institution = any(fold(w) in _INSTITUTION_WORDS for w in ref.publisher.split())
        return "book" if ref.authors and not institution else "report"
    if ref.authors and all(names.agents[k].kind == "organisation" for k in ref.authors):
        return "report"
    return "article" if ref.authors and ref.year else "other"


def _link_known(ref: Reference, resolver: Resolver) -> None:
    for candidate in (ref.title, ref.url):
        if candidate:
            match = resolver.works.lookup(candidate)
            if match is not None:
                ref.work_id = match.entry.id
                return


# --- works cited in the body ---------------------------------------------------------

_NOUN = "|".join(sorted(map(re.escape, WORK_NOUNS), key=len, reverse=True))
_WORK_CUE = re.compile(
    rf"(?:(?:(?<![\w’'])(?i:le|la|les|un|une|des|du|son|sa|ses|leur|leurs|ce|cet|cette|ces|notre|nos)\s+|\b(?i:[ld])['’])"
    rf"(?P<noun>{_NOUN})|(?<![\w’'])(?P<author>auteure?|autrice|réalisat(?:eur|rice))\s+(?:de|du|d['’])(?=\s*[«“\"A-ZÀ-Þ]))"
    rf"(?:\s+(?:intitulée?s?|nommée?s?|appelée?s?))?"
    rf"(?:\s+(?:de|d['’])\s*(?P<names>(?:[{UP}][\w’'.-]*\s?){{1,4}}(?:\s*(?:et|&)\s*(?:[{UP}][\w’'.-]*\s?){{1,4}})*))?"
    rf"\s*,?\s*(?:intitulée?s?\s+)?"
)
_WORK_CUE_WORDS = (*WORK_NOUNS, "auteur", "autrice", "réalisat")  # a cue holds one (case as written): gates.py


_INSTITUTION_WORDS = frozenset(fold(w) for w in ORG_HEADS)
_FRENCH_FUNCTION = frozenset(
    "le la les un une des du de ce cet cette ces il elle ils elles nous on qui que dont où en "
    "dans et ou mais donc car ni si à au aux par pour sur avec sans selon son sa ses leur".split()
)


@dataclass
class BodyWork:
    n: int  # paragraph index
    start: int
    end: int
    title: str
    type: str | None
    authors: list[str]  # keys of Names.agents
    work_id: str | None = None
    citation: bool = False  # an author–year citation: the names inside it are its authors, not a title


def body_works(paragraphs: list[str], names: Names, resolver: Resolver, section: list[Reference]) -> list[BodyWork]:
    """Works the body cites: known titles, titles announced by a noun, and section titles found again."""
    found: list[BodyWork] = []
    listed = [(ref.title, ref) for ref in section if ref.title and len(ref.title) > 3]  # titles found again
    patterns = [re.compile(rf"(?<!\w){re.escape(title)}(?!\w)") for title, _ in listed]
    for n, text in enumerate(paragraphs):
        first = len(found)  # found[first:] are this paragraph's works: overlap checks never rescan the others
        for span in names.known[n]:
            if span.kind == "work":
                found.append(BodyWork(n, span.start, span.end, text[span.start : span.end], None, [], span.id))
        for m in _WORK_CUE.finditer(text) if holds_any(text, _WORK_CUE_WORDS) else ():
            title_span = _title_after(text, m.end())
            if title_span is None:
                continue
            start, end = title_span
            authors = []
            if m.group("names"):
                authors = [k for g in names.groups_in(n, m.start("names"), m.end("names")) for k in (x.key for x in g)]
            kind = WORK_TYPES.get(m.group("noun").lower(), "report") if m.group("noun") else None
            same = next((w for w in found[first:] if w.start <= start < w.end), None)
            if same is not None:  # a known title: the cue adds its authors and type
                same.authors = same.authors or authors
                same.type = same.type or kind
                continue
            title = text[start:end]
            if any(m_.start == start and m_.end == end for m_ in names.mentions[n]):
                continue  # "le film de X" without a title: the name is no title
            match = resolver.works.lookup(title)
            found.append(BodyWork(n, start, end, title, kind, authors, match.entry.id if match else None))
        for m in _URL.finditer(text):  # a page the body links to (a Markdown link's target is no citation)
            if text[max(0, m.start() - 2) : m.start()] == "](":
                continue
            found.append(BodyWork(n, m.start(), m.end(), m.group(0), "webpage", [], None))
        for m in AUTHOR_YEAR_CITATION.finditer(text):  # "(Durand & Okafor, 2016, p. 12)": a listed work
            ref = cited_reference(m, section, names)
            if ref is not None and ref.title and not any(w.start <= m.start() < w.end for w in found[first:]):
                found.append(
                    BodyWork(n, m.start(), m.end(), ref.title, ref.type, list(ref.authors), ref.work_id, citation=True)
                )
        for (title, ref), pattern in zip(listed, patterns):
            for m in pattern.finditer(text) if title in text else ():
                if _opens_longer_quote(text, m.start(), m.end()):
                    continue  # "« Le règlement de Bologne a changé … »": a quoted sentence, not the title
                if not any(w.start <= m.start() < w.end for w in found[first:]):
                    found.append(BodyWork(n, m.start(), m.end(), title, None, [], ref.work_id))
    for work in found:
        if not work.citation:
            names.block(work.n, work.start, work.end)
        work.authors = (
            work.authors or _names_after(work, paragraphs[work.n], names) or _possessor(work, paragraphs, names)
        )
    return found


@rule
def cited_reference(citation: re.Match[str], section: list[Reference], names: Names) -> Reference | None:
    """The listed work an author–year citation points to: '(Durand & Okafor, 2016)' -> the item of 2016
    whose authors' family names are Durand and Okafor."""
    surnames = {fold(w) for w in re.split(r"\s*(?:&|,|\bet\b|\band\b)\s*", citation.group("names")) if w}
    year = _YEAR.search(citation.group(0))
    for ref in section:
        family = {names.agents[k].surname for k in ref.authors}
        if year and ref.year == int(year.group(1)) and surnames and surnames <= family:
            return ref
    return None


def _opens_longer_quote(text: str, start: int, end: int) -> bool:
    """The span opens a quotation that goes on past it."""
    return bool(re.search(r"[«“\"]\s*$", text[:start])) and not re.match(r"\s*[»”\"]", text[end:])


_POSSESSIVE = re.compile(rf"\b(?:son|sa|ses)\s+(?:{_NOUN})\b[^.;:!?]{{0,40}}$", re.IGNORECASE)
_SUBJECT_AFTER = re.compile(r"(?:^|[.!?]\s+)(?:dans|avec|par|pour|selon|en)\s+$", re.IGNORECASE)


def _possessor(work: BodyWork, paragraphs: list[str], names: Names) -> list[str]:
    """'Sa conférence Nobel, W' / 'son livre W': the author is the person the text last named."""
    text = paragraphs[work.n]
    before = text[: work.start]
    m = _POSSESSIVE.search(before)
    if not m:
        return []
    if _SUBJECT_AFTER.search(before[: m.start()]):
        # "Dans son rapport W, la Fondation X recense…": the owner is the subject that follows
        end = re.search(r"[.!?](?:\s|$)", text[work.end :])
        after = names.groups_in(work.n, work.end, work.end + (end.start() if end else len(text)))
        return [after[0][0].key] if after else []
    for k in range(work.n, max(-1, work.n - 2), -1):
        limit = m.start() if k == work.n else len(paragraphs[k])
        people = [x for g in names.groups_in(k, 0, limit) for x in g]
        if people:
            return [people[-1].key]
    return []


def _title_after(text: str, pos: int) -> tuple[int, int] | None:
    """The title that starts at `pos`: quoted, or a capitalised phrase with English subtitles."""
    rest = text[pos:]
    quoted = re.match(r"\s*[«“\"]\s*([^«»“”\"]{2,200}?)\s*[»”\"]", rest)
    if quoted:
        return pos + quoted.start(1), pos + quoted.end(1)
    m = re.match(rf"\s*([{UP}0-9][^,.;:()!?«»“”\"]*(?::\s+[{UP}][^,.;:()!?«»“”\"]*)?)", rest)
    if not m:
        return None
    words = m.group(1).split()
    if len(words) < 2 and not m.group(1).strip().isupper():
        return None  # "sa conférence Nobel": one capitalised word is no title
    if not words or (
        words[0].lower() in _FRENCH_FUNCTION
        and not (words[0].lower() in ("le", "la", "les") and len(words) > 1 and words[1][0].isupper())
    ):
        return None
    end = pos + m.end(1)
    while True:
        cont = re.match(r",\s*([a-z][^,.;:()!?«»“”\"]*)", text[end:])
        if not cont or cont.group(1).split()[0] not in ENGLISH_LINKS:
            break
        end += cont.end(1)
    title = text[pos + m.start(1) : end].rstrip()
    if len(title.split()) > 30:
        return None
    return pos + m.start(1), pos + m.start(1) + len(title)


def _names_after(work: BodyWork, text: str, names: Names) -> list[str]:
    """'W, Michael Harris et David Boyle, cités par…': the names right after a title are its authors."""
    m = re.match(r"\s*,\s*", text[work.end :])
    if not m:
        return []
    start = work.end + m.end()
    groups = [g for g in names.groups_in(work.n, start, len(text)) if g[0].start == start]
    return [x.key for x in groups[0]] if groups and names.agents[groups[0][0].key].kind == "person" else []


# --- one list ----------------------------------------------------------------------


def merge(section: list[Reference], works: list[BodyWork], lines: list[int]) -> list[Reference]:
    """Section items first, then body-only works; a body citation of a listed work joins its item."""
    refs = list(section)
    by_key: dict[str, Reference] = {}  # body-only works by id and folded title: each lookup is a dict access
    by_url = {r.url.rstrip("/"): r for r in reversed(section) if r.url}
    for work in works:
        target = (
            next((r for r in section if same_work(r, work)), None)
            or by_key.get(work.work_id or "")
            or by_key.get(fold(work.title))
        )
        if target is None and _URL.fullmatch(work.title):
            url = work.title if work.title.startswith("http") else "http://" + work.title
            target = by_url.get(url.rstrip("/"))
            if target is None:
                target = Reference(raw=work.title, line=lines[work.n], url=url, type="webpage", in_section=False)
                refs.append(target)
                by_url[url.rstrip("/")] = target
        if target is None:
            target = Reference(
                raw=work.title,
                line=lines[work.n],
                title=work.title,
                type=work.type,
                in_section=False,
                work_id=work.work_id,
                authors=list(work.authors),
            )
            refs.append(target)
            by_key[fold(work.title)] = target
            if work.work_id:
                by_key[work.work_id] = target
        target.body.append((work.n, work.start, work.end))
        if not target.authors and work.authors:
            target.authors = list(work.authors)
        if target.type in (None, "other") and work.type:
            target.type = work.type
        target.work_id = target.work_id or work.work_id
    return refs


@rule
def same_work(ref: Reference, work: BodyWork) -> bool:
    """The same title, give or take typos, or a subtitle's short title: 'Us Now' and 'Us now' -> True."""
    if ref.work_id and ref.work_id == work.work_id:
        return True
    if not ref.title:
        return False
    a, b = fold(ref.title), fold(work.title)
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return fuzz.ratio(a, b) >= 90 or (long.startswith(short + " ") and len(short.split()) >= 2)


@rule
def publisher_name(ref: Reference, resolver: Resolver) -> str | None:
    """The publisher's name: 'Nesta - Making innovation Flouris' -> 'Nesta' (canonical when known, tagline dropped)."""
    if not ref.publisher:
        return None
    for candidate in (ref.publisher, re.split(r"\s+[-–—|]\s+", ref.publisher)[0]):
        match = resolver.agents.lookup(candidate)
        if match is not None and match.entry.kind == "organisation":
            return match.entry.name
    return strip_article(re.split(r"\s+[-–—|]\s+", ref.publisher)[0]).strip()
