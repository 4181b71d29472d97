"""Records to table rows: plain dicts keyed by schema.yaml's column names."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..records import Authorities, Entity, ResolvedPassage, ResolvedPost
from ..resolve import AuthorityLinks
from ..text import search_variants

SUMMARY_CHARS = 280


def as_json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def summarise(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


def authority_rows(a: Authorities, links: AuthorityLinks) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {
        "people": [],
        "person_organisations": [],
        "organisations": [],
        "works": [],
        "work_authors": [],
        "terms": [],
    }
    for p in a.people:
        orgs = links.person_organisations.get(p.id, ())
        rows["people"].append(
            {
                "id": p.id,
                "name": p.name,
                "aliases": as_json(p.aliases),
                "organisations": as_json(o.name for o in orgs),
                "url": p.url,
                "note": p.note,
            }
        )
        rows["person_organisations"].extend({"person_id": p.id, "organisation_id": o.id} for o in dict.fromkeys(orgs))
    for o in a.organisations:
        rows["organisations"].append(
            {"id": o.id, "name": o.name, "aliases": as_json(o.aliases), "kind": o.kind, "url": o.url, "note": o.note}
        )
    for w in a.works:
        authors = links.work_authors.get(w.id, ())
        rows["works"].append(
            {
                "id": w.id,
                "type": w.type,
                "title": w.title,
                "title_as_cited": w.title_as_cited,
                "authors": as_json(x.name for x in authors),
                "year": w.year,
                "publisher": w.publisher,
                "url": w.url,
                "language": w.language,
                "aliases": as_json(w.aliases),
                "note": w.note,
            }
        )
        rows["work_authors"].extend(
            {"work_id": w.id, "position": i, **_entity_columns(x)} for i, x in enumerate(authors, 1)
        )
    for t in a.terms:
        rows["terms"].append({"id": t.id, "label": t.label, "aliases": as_json(t.aliases), "note": t.note})
    return rows


def _entity_columns(entity: Entity) -> dict:
    return {
        "entity_type": entity.type,
        "name": entity.name,
        "person_id": entity.id if entity.type == "person" else None,
        "organisation_id": entity.id if entity.type == "organisation" else None,
    }


def post_rows(rp: ResolvedPost, source_path: str) -> dict[str, list[dict]]:
    """Rows of one post; `source_path` (relative to the corpus) keys incremental builds."""
    post = rp.post
    pid = post.id
    rows: dict[str, list[dict]] = {
        t: []
        for t in (
            "posts",
            "paragraphs",
            "post_authors",
            "definitions",
            "definition_givers",
            "quotes",
            "quote_givers",
            "citations",
            "mentions",
        )
    }
    rows["posts"].append(
        {
            "id": pid,
            "title": post.title,
            "date": post.date.isoformat(),
            "year": post.date.year,
            "authors": as_json(a.name for a in rp.authors),
            "tags": as_json(post.tags),
            "site": post.site,
            "url": post.url,
            "language": post.language,
            "summary": post.summary or summarise(rp.paragraphs[0] if rp.paragraphs else ""),
            "body": post.body,
            "word_count": len(post.body.split()),
            "search_variants": None,  # filled below from the paragraphs' variants
            "source_path": source_path,
            "content_hash": post.content_hash,
        }
    )
    variants = dict.fromkeys(search_variants(post.title).split(" "))
    for n, text in enumerate(rp.paragraphs, 1):
        found = search_variants(text)
        rows["paragraphs"].append({"id": f"{pid}#p{n}", "post_id": pid, "n": n, "text": text, "search_variants": found})
        variants.update(dict.fromkeys(found.split(" ")))
    rows["posts"][0]["search_variants"] = " ".join(v for v in variants if v)
    rows["post_authors"].extend({"post_id": pid, "position": i, "person_id": a.id} for i, a in enumerate(rp.authors, 1))
    for rpass in rp.passages:
        _passage_rows(rpass, pid, rows)
    rows["citations"] = _citations(rp)
    for m in rp.mentions:  # a million rows in a large corpus: kept plain
        row = {
            "id": None,
            "post_id": pid,
            "paragraph_id": f"{pid}#p{m.paragraph_n}",
            "entity_type": m.entity_type,
            "entity_id": m.entity_id,
            "surface": m.surface,
            "count": m.count,
            "person_id": None,
            "organisation_id": None,
            "work_id": None,
            "term_id": None,
        }
        row[f"{m.entity_type}_id"] = m.entity_id
        rows["mentions"].append(row)
    return rows


def _passage_rows(rpass: ResolvedPassage, pid: str, rows: dict[str, list[dict]]) -> None:
    p = rpass.passage
    table = "definitions" if p.kind == "definition" else "quotes"
    row = {
        "id": rpass.id,
        "text": p.text,
        "by": as_json(g.name for g in rpass.givers),
        "work_id": rpass.work_id,
        "via_person_id": rpass.via_person_id,
        "post_id": pid,
        "paragraph_id": f"{pid}#p{rpass.paragraph_n}",
        "note": p.note,
        "search_variants": search_variants(p.text),
    }
    if p.kind == "definition":
        row = {"id": rpass.id, "term_id": rpass.term_id, **{k: v for k, v in row.items() if k != "id"}}
    rows[table].append(row)
    key = "definition_id" if p.kind == "definition" else "quote_id"
    rows[table[:-1] + "_givers"].extend(
        {key: rpass.id, "position": i, "post_id": pid, **_entity_columns(g)} for i, g in enumerate(rpass.givers, 1)
    )


def _citations(rp: ResolvedPost) -> list[dict]:
    """One row per (work, paragraph) the post cites it in; a null paragraph when only listed."""
    pid = rp.post.id
    cited: dict[tuple[str, int | None], str | None] = {}
    for m in rp.mentions:
        if m.entity_type == "work":
            cited.setdefault((m.entity_id, m.paragraph_n), None)
    for rpass in rp.passages:
        if rpass.work_id:
            key = (rpass.work_id, rpass.paragraph_n)
            cited[key] = cited.get(key) or rpass.via_person_id
    in_body = {work for work, _ in cited}
    for work in rp.references:
        if work not in in_body:
            cited[(work, None)] = None
    refs = set(rp.references)
    return [
        {
            "id": f"{pid}|{work}|{f'p{n}' if n else 'refs'}",
            "post_id": pid,
            "work_id": work,
            "paragraph_id": f"{pid}#p{n}" if n else None,
            "in_references": int(work in refs),
            "via_person_id": via,
        }
        for (work, n), via in sorted(cited.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]
