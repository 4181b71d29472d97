"""The pipeline in a fixed order: read, resolve, index, write.

`check` runs every stage but the last; `build` streams posts through all of
them into a temporary file and publishes it only when no error remains.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .db.state import published_state
from .errors import CorpusError, HubkbError, Problem, display_path
from .files import AUTHORITY_FILES, authority_hash, find_post_names, find_posts, read_file
from .publish import (
    BackgroundCopy,
    BuildLock,
    clean_leftovers,
    die_with_parent,
    remove_temporary,
    temporary_folder,
    temporary_path,
    terminate_as_exit,
)
from .uptodate import (
    RACY_NS,
    drafts_note,
    file_hash,
    handed_over,
    input_stamps,
    read_files,
    remember,
    scanned,
    up_to_date_line,
)

# The pipeline's modules (YAML, rapidfuzz, the automaton, sqlite-utils) load when a post is read:
# a build that finds nothing changed answers from file times and the published file alone.
if TYPE_CHECKING:
    from .db.write import Writer
    from .lineage.relays import RelayChecks
    from .mentions import MentionIndex
    from .records import Authorities, Post, ResolvedPost
    from .resolve import AuthorityLinks, Resolver
    from .schema import Schema

Progress = Callable[[int, int], None]
CHUNK_POSTS = 100  # posts a worker reads, resolves, indexes and writes at a time


@dataclass
class Report:
    mode: str  # "full", "incremental", "up to date" or "check"
    posts: int = 0
    drafts: int = 0  # read and checked, not published
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
        change += drafts_note(self.drafts)
        if self.mode == "up to date":
            return up_to_date_line(self.posts, self.drafts, len(self.warnings), self.seconds)
        return (
            f"{what}: {self.posts} posts{change}, {self.people} people, {self.organisations} organisations, "
            f"{self.works} works, {self.terms} terms, {self.definitions} definitions, {self.quotes} quotes, "
            f"{self.mentions} mentions; {len(self.warnings)} warnings; {self.seconds:.2f} s"
        )


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
    shown_posts: str = ""  # corpus/posts as messages print it
    table_sql: list[str] | None = None  # an update's: its chunks' tables, made as the published file's are
    entities: dict[tuple[str, str], tuple[int, str]] | None = None  # `entity_numbers`, once a process
    keep: Callable[[], None] | None = None  # saves the stage for the next update, once the workers are started
    words: set[str] = field(default_factory=set)  # the words of the posts read, as the full-text indexes hold them
    hashes: dict[str, str] = field(default_factory=dict)  # the content hash of each post read, by source (posts/NAME)

    def release(self) -> None:
        """Drop what only reading the posts needs (tens of MB at 50,000 posts): the cross-post work at the
        end of a build then reuses that memory instead of adding to it."""
        del self.resolver, self.mentions, self.links


def _require_corpus(corpus: Path) -> None:
    if not corpus.is_dir():
        raise HubkbError(f"{display_path(corpus)}: no such corpus folder (give one with --corpus)")


def _prepare(
    corpus: Path, schema_path: Path, published: Path | None = None, authority_digest: str = "", cache_key: str = ""
) -> _Stage:
    """Schema, authorities and indexes; from a `published` database built on the same authority files.

    With a `cache_key` (`stage_cache.stage_key`), a build takes the stage a build of those files kept
    (a full build only one a full build made: it reports the authority files' warnings, which an
    update's stage lacks), and a build that made one without errors keeps it.
    """
    from . import stage_cache

    _require_corpus(corpus)
    shown = display_path(corpus / "posts")
    kept = stage_cache.load(cache_key) if cache_key else None
    # An update's stage has no authority problems (its authorities come from the published file, checked by
    # the build that wrote it): a full build, which reports them, takes only a stage a full build kept.
    if isinstance(kept, tuple) and len(kept) == 6 and (published is not None or kept[5] is not None):
        schema, authorities, resolver, links, mentions, found = kept
        reported = [] if published is not None else list(found)
        return _held(_Stage(corpus, schema, authorities, resolver, links, mentions, reported, shown))

    from .db.state import published_authorities
    from .mentions import MentionIndex
    from .read import authority_paths, missing_authorities, read_authorities
    from .resolve import Resolver, resolve_authorities
    from .schema import load_schema

    schema = load_schema(schema_path)
    if published is not None:
        authorities, links = published_authorities(published, authority_paths(corpus), authority_digest, schema)
        resolver = Resolver(authorities)
        problems: list[Problem] = []
        more: list[Problem] = []
    else:
        authorities, problems = read_authorities(corpus, schema)
        problems = missing_authorities(corpus) + problems
        resolver = Resolver(authorities)
        links, more = resolve_authorities(resolver)
    stage = _Stage(corpus, schema, authorities, resolver, links, MentionIndex(authorities), problems + more, shown)
    if cache_key and not _errors(stage.problems):
        found = None if published is not None else list(stage.problems)
        stage.keep = functools.partial(
            stage_cache.save, cache_key, (schema, authorities, resolver, links, stage.mentions, found)
        )
    return _held(stage)


def _held(stage: _Stage) -> _Stage:
    """The stage, and whatever else is alive now, out of the cyclic collector's reach until the command ends
    (`gc.freeze`; `check` and `build` give it back with `gc.unfreeze`).

    Its half a million objects live as long as the build: each collection of the oldest generation
    traversed them all again (an update of one post of 10,000: 0.89x the wall time, 30 pairs); forked
    workers no longer touch their pages doing so either.
    """
    gc.freeze()
    return stage


@dataclass
class _Chunk:
    """What a worker made of a run of posts: a chunk file of rows, and what it found."""

    db: Path | None
    posts: list[tuple[str, str, int]]  # (post id, display path, line of its id)
    problems: list[Problem]
    counts: dict[str, int]
    relays: RelayChecks = field(default_factory=lambda: _relay_checks())  # chains naming a post, checked at the end
    words: set[str] | None = None  # the words of its posts first met by its worker (`MentionIndex.find_posts`)
    text_chars: int = 0  # the characters of the bodies of the posts in its file (`Writer.text_chars`)
    hashes: dict[str, str] = field(default_factory=dict)  # the content hash of each post read, by source


def _relay_checks() -> RelayChecks:
    from .lineage.relays import RelayChecks

    return RelayChecks()


_STAGE: _Stage | None = None  # set before workers fork, so they inherit it


def _run_chunk(job: tuple[list[Path], Path | None]) -> _Chunk:
    """Read, resolve and index a run of posts; write their rows into a chunk file.

    A chunk makes about a million small objects (pieces, mentions, row tuples) that live until its rows
    are written: at the default 700 allocations the collector traces them again and again (a tenth of a
    worker's time at 10,000 posts). It runs less often while a chunk is made, as it was after.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, 50, 100)
    try:
        return _chunk(job)
    finally:
        gc.set_threshold(*threshold)


def _chunk(job: tuple[list[Path], Path | None]) -> _Chunk:
    from .db.rows import entity_numbers, post_rows
    from .db.write import Writer
    from .read import read_post
    from .resolve import resolve_post
    from .text import index_words

    paths, chunk_db = job
    stage = _STAGE
    if stage is None:
        raise RuntimeError("_run_chunk runs inside _process, which sets the stage")
    writer = Writer(chunk_db, stage.schema, chunk=True, table_sql=stage.table_sql) if chunk_db else None
    if writer is not None and stage.entities is None:  # a worker numbers them once, for all its chunks
        stage.entities = entity_numbers(stage.authorities)
    entities = stage.entities or {}
    result = _Chunk(chunk_db, [], [], {"definitions": 0, "quotes": 0, "mentions": 0, "drafts": 0})
    written: set[str] = set()
    good: list[tuple[Path, Post, ResolvedPost]] = []
    for path in paths:
        post, problems = read_post(path, stage.schema, shown=f"{stage.shown_posts}/{path.name}")
        resolved = None
        if post is not None:
            result.posts.append((post.id, post.path, post.lines.get("id", 1)))
            if writer is not None:  # for the next build's hash cache: a check keeps none
                result.hashes[_source(path, stage.corpus)] = post.content_hash
            resolved, more = resolve_post(post, stage.resolver)
            if post.status == "draft":  # checked against the corpus as it is, then left out
                result.problems.extend(problems + _draft_problems(post, path, more))
                result.counts["drafts"] += 1
                continue
            problems.extend(more)
        result.problems.extend(problems)
        if post is None or resolved is None or any(p.severity == "error" for p in problems):
            continue
        result.relays.add(resolved, stage.resolver.work_records)
        good.append((path, post, resolved))
    # Mentions (and the paragraphs' search variants, and a build's words to stem) in one scan of the chunk's
    # posts: the work on arrays is then done once, not once a post.
    if writer is not None:
        result.words = index_words(post.title for _path, post, _resolved in good)
    found = stage.mentions.find_posts(
        [resolved.paragraphs for _path, _post, resolved in good], result.words, entities if writer else None
    )
    for (path, post, resolved), post_found in zip(good, found):
        mentions = tuple(post_found.mentions)
        result.counts["mentions"] += len(mentions) if post_found.rows is None else len(post_found.rows[0])
        result.counts["definitions"] += sum(p.passage.kind == "definition" for p in resolved.passages)
        result.counts["quotes"] += sum(p.passage.kind == "quote" for p in resolved.passages)
        if writer is not None and post.id not in written:  # a duplicate id is reported by _take
            written.add(post.id)
            rows = post_rows(
                replace(resolved, mentions=mentions),
                _source(path, stage.corpus),
                stage.schema,
                entities,
                writer.paragraph_rowid,
                post_found.variants,
                post_found.words,
                post_found.rows,
            )
            writer.add_post(rows)
            result.text_chars += len(post.body)
    if writer is not None:
        writer.close()
    return result


def _draft_problems(post: Post, path: Path, problems: list[Problem]) -> list[Problem]:
    """A draft's resolution problems as warnings, and one line saying it stays out of the database.

    `hubkb import` writes drafts (`status: draft`) whose names wait in its proposals file: `check`
    passes on them, `build` leaves them out, until the reviewer removes the status line.
    """
    names = len({p.message.split("'")[1] for p in problems if p.message.startswith("unknown ") and "'" in p.message})
    pending = f"; {names} name{'s' if names != 1 else ''} not in the authority files yet" if names else ""
    proposals = path.with_name(f"{path.stem}.proposals.yaml")
    if names and proposals.is_file():
        pending += f" (accept {proposals.name} with `hubkb import FILE --accept`)"
    line = post.lines.get("status", 1)
    told = Problem(post.path, line, f"draft, not published{pending}; remove 'status: draft' once reviewed", "warning")
    return [told, *(replace(p, severity="warning") for p in problems)]


def _process(
    stage: _Stage,
    paths: list[Path],
    known_ids: dict[str, str],
    progress: Progress | None,
    writer: Writer | None = None,
    db_path: Path | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Run every post through the stages, on every core, merging chunks in order.

    Chunks are merged in the order of the sorted paths, so the database is the
    same whatever the number of workers; their files live in a temporary
    folder beside `db_path` (none for a check). `meanwhile`: what this process
    does while the workers read their first posts (before any merge), and
    `stage.keep`. Returns the counts for the report.
    """
    global _STAGE
    _STAGE = stage
    counts = {"posts": 0, "definitions": 0, "quotes": 0, "mentions": 0, "drafts": 0}
    chunks = [paths[i : i + CHUNK_POSTS] for i in range(0, len(paths), CHUNK_POSTS)]
    with temporary_folder(db_path) if db_path else contextlib.nullcontext(None) as tmp:
        jobs = [(chunk, tmp / f"{i:06d}.db" if tmp else None) for i, chunk in enumerate(chunks)]
        workers = min(_cores(), len(chunks))
        pool = None
        if workers > 1:  # forked: the workers inherit the stage, and die with this process
            import multiprocessing  # here: one chunk (an update of a few posts) runs in this process

            from . import mention_arrays  # noqa: F401  NumPy, loaded once for the workers to share

            if "fork" in multiprocessing.get_all_start_methods():
                pool = multiprocessing.get_context("fork").Pool(workers, die_with_parent, (os.getpid(),))
        try:
            results = pool.imap(_run_chunk, jobs) if pool else map(_run_chunk, jobs)
            for step in (meanwhile, stage.keep):
                if step is not None:
                    step()
            stage.keep = None
            done = 0
            relays = _relay_checks()
            for result in results:
                _take(result, stage, known_ids, counts)
                relays.update(result.relays)
                if writer is not None and result.db is not None and not _errors(stage.problems):
                    writer.merge(result.db)
                    writer.text_chars += result.text_chars
                    result.db.unlink()
                done += len(result.posts)
                if progress:
                    progress(min(done, len(paths)), len(paths))
        finally:
            if pool:
                pool.terminate()
    # A relay hop may name another post: checked once every post is known (unchanged ones from the database).
    from .db.lineage import post_facts

    stage.problems.extend(relays.problems(known_ids, lambda ids: post_facts(writer.conn, ids) if writer else {}))
    return counts


def _relaying(
    db_path: Path,
    published: dict[str, tuple[str, str]],
    todo: list[Path],
    gone: list[str],
    folder: Path,
    names: list[str],
) -> list[Path]:
    """Unchanged posts whose relays name a changed or removed post: read again, so their checks run as in a full build."""
    from .db.lineage import posts_relaying_through

    replaced = {_source(p, Path()) for p in todo} | set(gone)
    relaying = posts_relaying_through(db_path, {published[s][0] for s in replaced if s in published})
    if not relaying:  # the usual case: no need to go through every name
        return []
    return [folder / n for n in names if f"posts/{n}" not in replaced and published.get(f"posts/{n}", ("",))[0] in relaying]  # fmt: skip


def _take(result: _Chunk, stage: _Stage, known_ids: dict[str, str], counts: dict[str, int]) -> None:
    stage.problems.extend(result.problems)
    if result.words:
        stage.words |= result.words
    stage.hashes.update(result.hashes)
    for post_id, shown, line in result.posts:
        first = known_ids.setdefault(post_id, shown)
        if first != shown:
            stage.problems.append(
                Problem(shown, line, f"duplicate post id '{post_id}' (also {first}); give one post another 'id'")
            )
    counts["posts"] += len(result.posts) - result.counts["drafts"]
    for key, value in result.counts.items():
        counts[key] += value


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _source(path: Path, corpus: Path) -> str:
    """A post's path relative to the corpus: the key of incremental builds."""
    folder, name = os.path.split(str(path))  # strings: Path.parent costs more than the rest of a no-change build
    return f"{os.path.basename(folder)}/{name}"  # every post is corpus/posts/NAME


def _post_hashes(
    folder: Path,
    names: list[str],
    db_path: Path,
    stats: dict[str, os.stat_result] | None = None,
    remembered: dict[str, list] | None = None,
    read: dict[str, str] | None = None,
    since: int | None = None,
) -> tuple[dict[str, str], dict[str, list]]:
    """The content hash of every post (by source, posts/NAME), read again only for files whose size or time changed.

    The hashes are remembered beside the database (not in it, so that the
    database does not depend on file times) and rewritten after each build that
    publishes or finds nothing changed (`_remember`). Returns the hashes and the entries to remember.
    Like git's index, an entry is trusted only if its file's time was older
    than the scan that hashed it by more than `RACY_NS`: a "racily clean"
    file (written just before or during the scan, so that an edit in the same
    timestamp tick keeps its size and time) is remembered without its time,
    and hashed again by the next build.

    `read`: the hashes of the posts a full build read, by source (the workers hashed what they parsed), taken
    instead of reading the files again; `since`: when that build started. A file's time is then taken after it
    was read, so only a time older than the build's start by `RACY_NS` vouches for the hash: a file written
    since it started (after a worker read it, maybe) is remembered without its time.
    """
    cache = read_files(db_path)[0] if remembered is None else remembered
    entries, hashes = {}, {}
    read = read or {}
    # file times at or after this cannot vouch for a content
    racy = (time.time_ns() if since is None else since) - RACY_NS
    stats = stats or {}
    where = str(folder)
    for name in names:
        source = f"posts/{name}"  # strings: a Path a post costs more than the rest
        entry = cache.get(source)
        try:
            st = stats.get(name) or os.stat(f"{where}/{name}")  # taken before the file is hashed (the racy rule)
            if not st.st_mode & stat.S_IROTH and not os.access(f"{where}/{name}", os.R_OK):
                raise PermissionError  # unreadable, even if unchanged: say so, as check does
            # the usual case, a file as remembered, without making a list a file
            if not (type(entry) is list and len(entry) == 3 and entry[0] == st.st_size and entry[1] == st.st_mtime_ns):
                content = read.get(source) or _file_hash(folder / name)
                entry = [st.st_size, st.st_mtime_ns if st.st_mtime_ns < racy else None, content]
        except OSError:  # not remembered: read again as a changed post, which then says what is wrong
            hashes[source] = "unreadable"  # never a content hash
            continue
        entries[source] = entry
        hashes[source] = entry[2]
    return hashes, entries


def _unchanged_draft(source: str, drafts: set[str], remembered: dict[str, list], hashes: dict[str, str]) -> bool:
    return source in drafts and remembered.get(source, [0, 0, ""])[2] == hashes[source]


def _remember(
    db_path: Path,
    entries: dict[str, list],
    published: dict[str, tuple[str, str]],
    schema_path: Path,
    corpus: Path,
    since: int,
) -> None:
    """The hash cache, and what lets the next build answer "up to date" from file times (`uptodate.remember`);
    a cache: a file that cannot be written is read again next time."""
    with contextlib.suppress(OSError):
        remember(db_path, entries, published, input_stamps(schema_path, corpus), since)


def _file_hash(path: Path) -> str:
    return file_hash(str(path))


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _authority_counts(report: Report, a: Authorities) -> None:
    report.people, report.organisations = len(a.people), len(a.organisations)
    report.works, report.terms = len(a.works), len(a.terms)


def check(corpus: Path, schema_path: Path, progress: Progress | None = None) -> Report:
    """Validate the whole corpus; raise CorpusError listing every error.

    The stage (records, name indexes, automaton) is the one a full build of the same authority files
    and schema makes: taken from the cache when a check or a full build kept it, kept otherwise, so
    that checking again after editing posts does not read and index the authority files again.
    """
    start = time.perf_counter()
    _require_corpus(corpus)
    key = _stage_key(corpus, authority_hash(corpus), _schema_hash(schema_path))
    try:
        stage = _prepare(corpus, schema_path, cache_key=key)
        report = Report("check")
        paths, found = find_posts(corpus)
        stage.problems.extend(found)
        counts = _process(stage, paths, {}, progress)
        for name, value in counts.items():
            setattr(report, name, value)
        _finish_report(report, stage, start)
    finally:
        gc.unfreeze()  # what `_held` kept out of the collector's reach
    return report


def _finish_report(report: Report, stage: _Stage, start: float) -> None:
    if _errors(stage.problems):
        raise CorpusError(stage.problems)
    _authority_counts(report, stage.authorities)
    report.warnings = sorted(p for p in stage.problems if p.severity == "warning")
    report.seconds = time.perf_counter() - start


def build(
    corpus: Path,
    db_path: Path,
    schema_path: Path,
    progress: Progress | None = None,
    full: bool = False,
    allow_shrink: bool = False,
) -> Report:
    """Build `db_path` from `corpus`, incrementally when the published file allows it.

    One build of a file at a time (`BuildLock`); what killed builds left is
    removed first; the new file is written under a unique temporary name and
    put in the published one's place (`publish.publish`) only when no error remains. A build that
    would remove more than half of the published posts stops unless
    `allow_shrink` is given.
    """
    _require_corpus(corpus)
    handed = handed_over(db_path)  # the lock and the copy the quick check of this command kept and started
    early = handed[1] if handed is not None else None
    with handed[0] if handed is not None else BuildLock(db_path), terminate_as_exit():
        try:
            clean_leftovers(db_path, keep=early.target if early is not None else None)
            return _build(corpus, db_path, schema_path, progress, full, allow_shrink, early)
        finally:
            gc.unfreeze()  # what `_held` kept out of the collector's reach
            if early is not None:  # done already, or stopped at its next piece; its file renamed or removed
                early.discard()


def _build(
    corpus: Path,
    db_path: Path,
    schema_path: Path,
    progress: Progress | None,
    full: bool,
    allow_shrink: bool,
    early: BackgroundCopy | None = None,
) -> Report:
    start, since = time.perf_counter(), time.time_ns()
    meta = {
        "schema_hash": _schema_hash(schema_path),
        "authority_hash": authority_hash(corpus),
        "hubkb_version": __version__,
    }
    old_meta, published = published_state(db_path)
    incremental = bool(not full and published and all(old_meta.get(k) == v for k, v in meta.items()))
    # An update starts from a copy of the published file: the kernel makes it while the build lists and hashes
    # the posts and loads its stages (stopped at once if nothing changed after all), started by the quick check
    # if it saw the change (`early`, the file `tmp`)
    if early is not None and not incremental:
        early.discard()
        early = None
    tmp = Path(early.target) if early is not None else temporary_path(db_path)
    copy = early if early is not None else BackgroundCopy(db_path, tmp) if incremental else None
    try:
        # Names, not paths: an update makes paths of the posts it reads; only an update needs the files' stat.
        stats: dict[str, os.stat_result] | None = {} if incremental else None
        names, found = find_post_names(corpus, stats, scanned(corpus / "posts"))  # as the quick check listed them
        sources = [f"posts/{name}" for name in names]  # _source of each: every post is corpus/posts/NAME
        if not _errors(found):  # else the build stops on those, and says why
            _refuse_to_shrink(db_path, corpus, published, sources, allow_shrink)
        folder = corpus / "posts"
        if incremental:
            # Unchanged files are not even parsed: their rows stay as published.
            # Remembered at the end (a failed update leaves the old entries: only the changed files are hashed again).
            remembered, drafts = read_files(db_path)
            hashes, entries = _post_hashes(folder, names, db_path, stats, remembered)
            todo = [folder / n for n, src in zip(names, sources, strict=True) if published.get(src, ("", ""))[1] != hashes[src]]  # fmt: skip
            gone = [src for src in published if src not in hashes]
            # Drafts are never published, so always to do; unchanged ones alone leave the database as it is.
            if (
                not gone
                and not found
                and all(_unchanged_draft(_source(p, corpus), drafts, remembered, hashes) for p in todo)
            ):
                if copy is not None:
                    copy.cancel()
                _remember(db_path, entries, published, schema_path, corpus, since)
                seconds = time.perf_counter() - start
                return Report("up to date", posts=len(published), drafts=len(todo), seconds=seconds)
            todo = sorted(todo + _relaying(db_path, published, todo, gone, folder, names))
        else:
            todo, gone = [folder / name for name in names], []
        report = Report("incremental" if incremental else "full")
        # The writer (sqlite-utils) loads only now: "up to date" answers without it.
        from .db.inspect import write_inspect_data
        from .db.lineage import ReuseAside, refresh_lineage, reuse_snapshot
        from .db.rows import authority_rows
        from .db.state import written_posts
        from .db.write import Writer, storage_errors, table_sql

        key = _stage_key(corpus, meta["authority_hash"], meta["schema_hash"])
        stage = _prepare(corpus, schema_path, db_path if incremental else None, meta["authority_hash"], key)
        stage.problems.extend(found)
        if incremental:
            stage.table_sql = table_sql(db_path, stage.schema)
        with storage_errors(db_path):
            if copy is not None:
                copy.wait()
            # A full build's tables (sqlite-utils, a fifth of a second to load) are made once the workers run
            writer = Writer(
                tmp, stage.schema, start_from=db_path if incremental else None, copied=incremental, tables_later=True
            )
            try:
                known_ids: dict[str, str] = {}
                before, changed = None, set()
                if incremental:
                    replaced = {_source(p, corpus) for p in todo} | set(gone)
                    changed = {published[src][0] for src in replaced if src in published}
                    before = reuse_snapshot(writer.conn, changed)  # reuse is then found again where texts changed
                    writer.delete_posts(changed)
                    shown = display_path(corpus)  # once: resolving a path costs more than joining names
                    known_ids = {pid: f"{shown}/{src}" for src, (pid, _h) in published.items() if src not in replaced}
                    report.changed, report.removed = len(todo), len(gone)
                    report.posts = len(known_ids)
                kept = set(known_ids)

                def authorities() -> None:  # a full build's tables and authorities, made while the workers read
                    writer.make_tables()
                    writer.insert(authority_rows(stage.authorities, stage.links, stage.schema))

                meanwhile = None if incremental else authorities
                report.drafts = _process(stage, todo, known_ids, progress, writer, db_path, meanwhile)["drafts"]
                if _errors(stage.problems):
                    raise CorpusError(stage.problems)
                if incremental:
                    changed |= known_ids.keys() - kept  # and the posts it wrote
                stage.release()
                known_ids.clear()
                del todo[:], sources[:]
                writer.set_meta(meta)
                # What the new file says of its posts, for the hash cache: read before it is published (an update
                # reads the posts it wrote; the others' rows are the old file's)
                now_published = written_posts(writer.conn, changed if incremental else None)
                if incremental:
                    now_published.update((s, v) for s, v in published.items() if s not in replaced)
                # relay posts' facts and reuse cross posts; an update compares only the texts of the posts it changed
                if incremental:
                    refresh_lineage(writer.conn, before, changed)
                    writer.finish()
                else:  # a thread finds reuse and hashes the post files while SQLite builds the full-text indexes
                    from concurrent.futures import ThreadPoolExecutor  # here: 11 ms an update does not need

                    with temporary_folder(db_path) as aside, ThreadPoolExecutor(1) as thread:
                        if _cores() > 1:  # and another process builds the largest index (before any thread)
                            writer.index_aside(aside)
                        reuse = ReuseAside(writer.conn, aside / "reuse.db", thread)
                        hashed = thread.submit(_post_hashes, folder, names, db_path, None, None, stage.hashes, since)
                        writer.finish(reuse.write, stage.words)
                        entries = hashed.result()[1]  # remembered for the next build
            except BaseException:
                writer.discard()
                raise
            for name in ("posts", "definitions", "quotes", "mentions"):
                setattr(report, name, writer.counts[name])
            _finish_report(report, stage, start)
            freeing = writer.commit_to(db_path)  # the old file is let go of once the small files are written
    finally:
        if copy is not None:
            copy.cancel()  # done already, or stopped at its next piece: before the file it writes is removed
        remove_temporary(tmp)
    try:
        try:
            # immutable replicas start with their counts precomputed
            write_inspect_data(db_path, writer.counts, dict(now_published.values()))
        except OSError as exc:  # published already: a server counts the tables itself
            shown = display_path(db_path.with_name("inspect-data.json"))
            report.warnings.append(Problem(shown, 0, f"not updated: {exc.strerror or exc}", "warning"))
        _remember(db_path, entries, now_published, schema_path, corpus, since)
    finally:
        freeing.wait()
    return report


def _stage_key(corpus: Path, authority_digest: str, schema_digest: str) -> str:
    """The name of the stage made from these authority files and schema (`stage_cache.stage_key`)."""
    from . import stage_cache

    shown_files = (display_path(corpus / name) for name in AUTHORITY_FILES.values())  # the messages' paths
    return stage_cache.stage_key(authority_digest, schema_digest, *shown_files)


def _schema_hash(schema_path: Path) -> str:
    """`Schema.content_hash` of the file, without parsing it: the same bytes were parsed by the build that
    published that hash, and any other bytes mean a full build, which parses them and says what is wrong."""
    raw, problems = read_file(schema_path, display_path(schema_path))
    if raw is None:  # an unreadable schema: the message load_schema gives, as in check
        raise HubkbError(str(problems[0]))
    return hashlib.sha256(raw).hexdigest()


SHRINK_LIMIT = 0.5  # a build may remove at most this share of the published posts without --allow-shrink


def _refuse_to_shrink(
    db_path: Path, corpus: Path, published: dict[str, tuple[str, str]], sources: list[str], allow_shrink: bool
) -> None:
    """Stop a build that would remove most published posts: a moved or emptied folder, not an edit."""
    if allow_shrink or not published:
        return
    kept = len(published.keys() & sources)
    removed = len(published) - kept
    if removed > SHRINK_LIMIT * len(published):
        raise HubkbError(
            f"{display_path(db_path)}: this build would remove {removed:,} of its {len(published):,} published posts "
            f"({len(sources):,} post files in {display_path(corpus / 'posts')}); "
            "if that is what you want, build again with --allow-shrink"
        )
