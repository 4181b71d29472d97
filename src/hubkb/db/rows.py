"""Records to table rows: plain dicts keyed by schema.yaml's column names.

What the pipeline computes (ids, resolved names, anchors, counts) is set here
by name; every other key of a record (its `fields`) goes to the column
schema.yaml gives it, through `stored`, with no code per key. Mentions, a
million rows at 10,000 posts, are tuples of integers in `MENTION_COLUMNS`
order: the paragraph's rowid and the entity's number (`entities`), with the
surface only where it differs from the entity's name. Paragraphs and search
variants (as many rows as a post has paragraphs) are tuples too
(`PARAGRAPH_COLUMNS`, `VARIANT_COLUMNS`): no dict is made and read back a row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import itemgetter
from typing import Any

from ..lineage.relays import relay_rows
from ..records import Authorities, Entity, Fields, Organisation, Person, ResolvedPassage, ResolvedPost, Term, Work
from ..resolve import AuthorityLinks
from ..schema import LIST_TYPES, Schema, Section
from ..text import search_variants

# The columns of a mention row, a paragraph row and a search variants row, in the order `post_rows` writes them.
MENTION_COLUMNS = ("paragraph", "entity", "surface", "count")
PARAGRAPH_COLUMNS = ("id", "post_id", "n", "text")
VARIANT_COLUMNS = ("id", "variants")
# (kind, id) of an authority record -> (its number in `entities`, its name)
EntityNumbers = dict[tuple[str, str], tuple[int, str]]
_ENTITY_KINDS = ("person", "organisation", "work", "term")
# Tables whose rows are tuples, with their columns.
TUPLE_COLUMNS = {"mentions": MENTION_COLUMNS, "paragraphs": PARAGRAPH_COLUMNS, "search_variants": VARIANT_COLUMNS}

SUMMARY_CHARS = 280


def as_json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def stored(section: Section, fields: Fields) -> dict[str, Any]:
    """A record's pass-through keys as column values: lists as JSON arrays, dates as ISO text."""
    return {column: to_column(kind, fields.get(key)) for key, column, kind in section.passthrough}


def to_column(kind: str, value: Any) -> Any:
    if kind in LIST_TYPES:
        return as_json(value or ())
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def from_column(kind: str, value: Any) -> Any:
    """A column value back as the record's `fields` hold it (the inverse of `to_column`)."""
    if kind in LIST_TYPES:
        return tuple(json.loads(value)) if value else ()
    if kind == "date" and value is not None:
        return dt.date.fromisoformat(value)
    return value


def summarise(text: str) -> str:
    # White space folded in a prefix of the text is a prefix of the whole text folded: a long paragraph's
    # summary needs no more of it than gives over SUMMARY_CHARS characters
    start = text[: 2 * SUMMARY_CHARS]
    folded = " ".join(start.split())
    text = folded if len(folded) > SUMMARY_CHARS else " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def entity_numbers(a: Authorities) -> EntityNumbers:
    """Every person, organisation, work and term numbered from 1, in that order and file order."""
    numbers: EntityNumbers = {}
    groups: tuple[Sequence[Person | Organisation | Work | Term], ...] = (a.people, a.organisations, a.works, a.terms)
    for kind, records in zip(_ENTITY_KINDS, groups):
        for record in records:
            numbers[kind, record.id] = (len(numbers) + 1, record.name)
    return numbers


def authority_rows(a: Authorities, links: AuthorityLinks, schema: Schema) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {
        "entities": [
            {"id": n, "type": kind, "entity_id": key, "name": name}
            | {f"{k}_id": key if k == kind else None for k in _ENTITY_KINDS}
            for (kind, key), (n, name) in entity_numbers(a).items()
        ],
        "people": [],
        "person_organisations": [],
        "organisations": [],
        "works": [],
        "work_authors": [],
        "terms": [],
    }
    people, organisations = schema.sections["people"], schema.sections["organisations"]
    works, terms = schema.sections["works"], schema.sections["terms"]
    for p in a.people:
        orgs = links.person_organisations.get(p.id, ())
        rows["people"].append(
            {
                **stored(people, p.fields),
                "id": p.id,
                "name": p.name,
                "aliases": as_json(p.aliases),
                "organisations": as_json(o.name for o in orgs),
            }
        )
        rows["person_organisations"].extend({"person_id": p.id, "organisation_id": o.id} for o in dict.fromkeys(orgs))
    for o in a.organisations:
        rows["organisations"].append(
            {**stored(organisations, o.fields), "id": o.id, "name": o.name, "aliases": as_json(o.aliases)}
        )
    for w in a.works:
        authors = links.work_authors.get(w.id, ())
        rows["works"].append(
            {
                **stored(works, w.fields),
                "id": w.id,
                "title": w.title,
                "title_as_cited": w.title_as_cited,
                "authors": as_json(x.name for x in authors),
                "aliases": as_json(w.aliases),
            }
        )
        rows["work_authors"].extend(
            {"work_id": w.id, "position": i, **_entity_columns(x)} for i, x in enumerate(authors, 1)
        )
    for t in a.terms:
        rows["terms"].append({**stored(terms, t.fields), "id": t.id, "label": t.label, "aliases": as_json(t.aliases)})
    return rows


def _entity_columns(entity: Entity) -> dict:
    return {
        "entity_type": entity.type,
        "name": entity.name,
        "person_id": entity.id if entity.type == "person" else None,
        "organisation_id": entity.id if entity.type == "organisation" else None,
    }


def post_rows(
    rp: ResolvedPost,
    source_path: str,
    schema: Schema,
    entities: EntityNumbers,
    paragraph_rowid: int,
    paragraph_variants: Sequence[str] | None = None,
    word_count: int | None = None,
    mention_rows: tuple[list[int], list[int], list[str | None], list[int]] | None = None,
) -> dict[str, list[Any]]:
    """Rows of one post; `source_path` (relative to the corpus) keys incremental builds.

    `paragraph_rowid` is the rowid the post's first paragraph gets in the file
    written: mention rows point at paragraphs by rowid. `paragraph_variants`, when
    given, are the paragraphs' `search_variants` (`MentionIndex.find_posts` gives them), and `word_count`
    the words of the body (its paragraphs hold them all: blank lines are white space). `mention_rows`, when
    given, are the mention rows as columns (`Found.rows`: paragraphs numbered in the post); `rp.mentions`
    then holds the works' only, which the citations are made of.
    """
    post = rp.post
    pid = post.id
    rows: dict[str, list[Any]] = {
        t: []
        for t in (
            "search_variants",
            "posts",
            "post_files",
            "paragraphs",
            "post_authors",
            "definitions",
            "definition_givers",
            "quotes",
            "quote_givers",
            "citations",
            "relays",
            "mentions",
        )
    }
    rows["posts"].append(
        {
            **stored(schema.sections["post"], post.fields),
            "id": pid,
            "title": post.title,
            "date": post.date.isoformat(),
            "year": post.date.year,
            "authors": as_json(a.name for a in rp.authors),
            "summary": post.fields.get("summary") or summarise(rp.paragraphs[0] if rp.paragraphs else ""),
            "body": post.body,
            "word_count": len(post.body.split()) if word_count is None else word_count,
        }
    )
    rows["post_files"].append({"post_id": pid, "source_path": source_path, "content_hash": post.content_hash})
    if paragraph_variants is None:
        paragraph_variants = list(map(search_variants, rp.paragraphs))
    ids = [f"{pid}#p{n}" for n in range(1, len(rp.paragraphs) + 1)]
    rows["paragraphs"] = list(zip(ids, repeat(pid), range(1, len(ids) + 1), rp.paragraphs))
    rows["search_variants"] = [(row_id, found) for row_id, found in zip(ids, paragraph_variants, strict=True) if found]
    # the post's: its title's, then its paragraphs', each once
    variants = dict.fromkeys(f"{search_variants(post.title)} {' '.join(paragraph_variants)}".split(" "))
    _variants_row(rows, pid, " ".join(v for v in variants if v))
    rows["post_authors"].extend({"post_id": pid, "position": i, "person_id": a.id} for i, a in enumerate(rp.authors, 1))
    for rpass in rp.passages:
        _passage_rows(rpass, pid, rows, schema)
    rows["citations"] = _citations(rp)
    hops = schema.sections["post.references.relays"]
    for ref in rp.references:  # a reference met second-hand: its relays, keyed by its id (post_id#rN)
        rows["relays"].extend(relay_rows(ref.id, "citation", pid, ref.relays, lambda f: stored(hops, f)))
    # A million rows in a large corpus: tuples in MENTION_COLUMNS order, made a column at a time
    if mention_rows is not None:
        paragraph, entity, surface, count = mention_rows
        rows["mentions"] = list(zip(map((paragraph_rowid - 1).__add__, paragraph), entity, surface, count))
        return rows
    ms = rp.mentions
    numbered = list(map(entities.__getitem__, zip(map(_KIND, ms), map(_ENTITY, ms))))  # (number, name) of each
    rows["mentions"] = list(
        zip(
            map((paragraph_rowid - 1).__add__, map(_PARAGRAPH, ms)),
            map(_NUMBER, numbered),
            [None if surface == name else surface for surface, (_number, name) in zip(map(_SURFACE, ms), numbered)],
            map(_OCCURRENCES, ms),
        )
    )
    return rows


_PARAGRAPH, _KIND, _ENTITY, _SURFACE, _OCCURRENCES = map(itemgetter, range(5))  # of a Mention
_NUMBER = itemgetter(0)


def _passage_rows(rpass: ResolvedPassage, pid: str, rows: dict[str, list[Any]], schema: Schema) -> None:
    p = rpass.passage
    table = "definitions" if p.kind == "definition" else "quotes"
    row = {
        **stored(schema.sections[f"post.{table}"], p.fields),
        "id": rpass.id,
        "text": p.text,
        "by": as_json(g.name for g in rpass.givers),
        "work_id": rpass.work_id,
        "via_person_id": rpass.via_person_id,
        "post_id": pid,
        "paragraph_id": f"{pid}#p{rpass.paragraph_n}",
    }
    _variants_row(rows, rpass.id, search_variants(p.text))
    if p.kind == "definition":
        row["term_id"] = rpass.term_id
    rows[table].append(row)
    if rpass.relays:
        hops = schema.sections[f"post.{table}.relays"]
        rows["relays"].extend(relay_rows(rpass.id, p.kind, pid, rpass.relays, lambda f: stored(hops, f)))
    key = "definition_id" if p.kind == "definition" else "quote_id"
    rows[table[:-1] + "_givers"].extend(
        {key: rpass.id, "position": i, **_entity_columns(g)} for i, g in enumerate(rpass.givers, 1)
    )


def _variants_row(rows: dict[str, list[Any]], row_id: str, variants: str) -> None:
    """The other spellings of a row's words, kept out of its table (hidden; its FTS index reads them)."""
    if variants:
        rows["search_variants"].append((row_id, variants))


def _citations(rp: ResolvedPost) -> list[dict]:
    """One row per (work, paragraph) the post cites it in; a null paragraph when only listed."""
    pid = rp.post.id
    cited: dict[tuple[str, int | None], str | None] = {}
    ms = rp.mentions
    for m in compress(ms, map("work".__eq__, map(_KIND, ms))):
        cited.setdefault((m.entity_id, m.paragraph_n), None)
    for rpass in rp.passages:
        if rpass.work_id:
            key = (rpass.work_id, rpass.paragraph_n)
            cited[key] = cited.get(key) or rpass.via_person_id
    in_body = {work for work, _ in cited}
    refs = {r.work_id: r for r in rp.references}
    for work in refs:
        if work not in in_body:
            cited[(work, None)] = None
    return [
        {
            "id": None,  # a row number
            "post_id": pid,
            "work_id": work,
            "paragraph_id": f"{pid}#p{n}" if n else None,
            "in_references": int(work in refs),
            "reference_id": refs[work].id if work in refs else None,
            "via_person_id": via or (refs[work].via_person_id if work in refs else None),
        }
        for (work, n), via in sorted(cited.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]
