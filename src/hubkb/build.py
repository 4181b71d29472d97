"""The pipeline in a fixed order: read, resolve, index, write.

`check` runs every stage but the last; `build` streams posts through all of
them into a temporary file and publishes it only when no error remains.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import __version__
from .db import Writer, authority_rows, post_rows, published_state
from .errors import CorpusError, HubkbError, Problem, display_path
from .index import MentionIndex
from .read import post_paths, read_authorities, read_post
from .records import Authorities, ResolvedPost
from .resolve import AuthorityLinks, Resolver, resolve_authorities, resolve_post
from .schema import Schema, load_schema

Progress = Callable[[int, int], None]


@dataclass
class Report:
    mode: str  # "full", "incremental", "up to date" or "check"
    posts: int = 0
    changed: int = 0
    removed: int = 0
    people: int = 0
    organisations: int = 0
    works: int = 0
    terms: int = 0
    definitions: int = 0
    quotes: int = 0
    mentions: int = 0
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        what = {"full": "built", "incremental": "updated", "up to date": "up to date", "check": "checked"}[self.mode]
        change = f" ({self.changed} changed, {self.removed} removed)" if self.mode == "incremental" else ""
        if self.mode == "up to date":
            return f"up to date: {self.posts} posts, nothing changed; {len(self.warnings)} warnings; {self.seconds:.2f} s"
        return (f"{what}: {self.posts} posts{change}, {self.people} people, {self.organisations} organisations, "
                f"{self.works} works, {self.terms} terms, {self.definitions} definitions, {self.quotes} quotes, "
                f"{self.mentions} mentions; {len(self.warnings)} warnings; {self.seconds:.2f} s")


@dataclass
class _Stage:
    """What every post needs: the schema, the authorities and the indexes over them."""

    corpus: Path
    schema: Schema
    authorities: Authorities
    resolver: Resolver
    links: AuthorityLinks
    mentions: MentionIndex
    problems: list[Problem]


def _prepare(corpus: Path, schema_path: Path) -> _Stage:
    if not corpus.is_dir():
        raise HubkbError(f"{display_path(corpus)}: no such corpus folder (give one with --corpus)")
    schema = load_schema(schema_path)
    authorities, problems = read_authorities(corpus, schema)
    resolver = Resolver(authorities)
    links, more = resolve_authorities(resolver)
    return _Stage(corpus, schema, authorities, resolver, links, MentionIndex(authorities), problems + more)


def _process(stage: _Stage, paths: list[Path], known_ids: dict[str, str],
             progress: Progress | None) -> Iterator[tuple[str, ResolvedPost]]:
    """Read, resolve and index each post; problems go to stage.problems."""
    for done, path in enumerate(paths, 1):
        raw = path.read_bytes()
        post, problems = read_post(path, stage.schema, raw)
        if post is not None:
            first = known_ids.setdefault(post.id, post.path)
            if first != post.path:
                problems.append(Problem(post.path, post.lines.get("id", 1),
                                        f"duplicate post id '{post.id}' (also {first}); give one post another 'id'"))
                post = None
        resolved = None
        if post is not None:
            resolved, more = resolve_post(post, stage.resolver)
            problems.extend(more)
        stage.problems.extend(problems)
        if resolved is not None and not any(p.severity == "error" for p in problems):
            resolved = ResolvedPost(resolved.post, resolved.paragraphs, resolved.authors, resolved.passages,
                                    resolved.references, tuple(stage.mentions.find(resolved.paragraphs)))
            yield _source(path, stage.corpus), resolved
        if progress:
            progress(done, len(paths))


def _source(path: Path, corpus: Path) -> str:
    return path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _count(report: Report, rp: ResolvedPost) -> None:
    report.posts += 1
    report.definitions += sum(p.passage.kind == "definition" for p in rp.passages)
    report.quotes += sum(p.passage.kind == "quote" for p in rp.passages)
    report.mentions += len(rp.mentions)


def _authority_counts(report: Report, a: Authorities) -> None:
    report.people, report.organisations = len(a.people), len(a.organisations)
    report.works, report.terms = len(a.works), len(a.terms)


def check(corpus: Path, schema_path: Path, progress: Progress | None = None) -> Report:
    """Validate the whole corpus; raise CorpusError listing every error."""
    start = time.perf_counter()
    stage = _prepare(corpus, schema_path)
    report = Report("check")
    for _source_path, rp in _process(stage, post_paths(corpus), {}, progress):
        _count(report, rp)
    _finish_report(report, stage, start)
    return report


def _finish_report(report: Report, stage: _Stage, start: float) -> None:
    if _errors(stage.problems):
        raise CorpusError(stage.problems)
    _authority_counts(report, stage.authorities)
    report.warnings = sorted(p for p in stage.problems if p.severity == "warning")
    report.seconds = time.perf_counter() - start


def build(corpus: Path, db_path: Path, schema_path: Path, progress: Progress | None = None,
          full: bool = False) -> Report:
    """Build `db_path` from `corpus`, incrementally when the published file allows it."""
    start = time.perf_counter()
    stage = _prepare(corpus, schema_path)
    paths = post_paths(corpus)
    meta = {"schema_hash": stage.schema.content_hash, "authority_hash": stage.authorities.content_hash,
            "hubkb_version": __version__}
    old_meta, published = published_state(db_path)
    incremental = not full and published and all(old_meta.get(k) == v for k, v in meta.items())
    hashes = {_source(p, corpus): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} if incremental else {}
    if incremental:
        todo = [p for p in paths if published.get(_source(p, corpus), ("", ""))[1] != hashes[_source(p, corpus)]]
        gone = [src for src in published if src not in hashes]
        if not todo and not gone and not _errors(stage.problems):
            report = Report("up to date", posts=len(published))
            _finish_report(report, stage, start)
            return report
    else:
        todo, gone = paths, []
    report = Report("incremental" if incremental else "full")
    tmp = db_path.with_name(f".{db_path.name}.{__name__}.tmp")
    writer = Writer(tmp, stage.schema, start_from=db_path if incremental else None)
    try:
        known_ids: dict[str, str] = {}
        if incremental:
            replaced = {_source(p, corpus) for p in todo} | set(gone)
            writer.delete_posts(published[src][0] for src in replaced if src in published)
            known_ids = {pid: display_path(corpus / src) for src, (pid, _h) in published.items() if src not in replaced}
            report.changed, report.removed = len(todo), len(gone)
            report.posts = len(known_ids)
        else:
            writer.insert(authority_rows(stage.authorities, stage.links))
        for source_path, rp in _process(stage, todo, known_ids, progress):
            _count(report, rp)
            writer.add_post(post_rows(rp, source_path))
        if _errors(stage.problems):
            raise CorpusError(stage.problems)
        writer.set_meta(meta)
        writer.finish()
        for name in ("posts", "definitions", "quotes", "mentions"):
            setattr(report, name, writer.counts[name])
        _finish_report(report, stage, start)
        writer.commit_to(db_path)
    except BaseException:
        writer.discard()
        raise
    return report
