"""`hubkb build` when nothing changed, answered before anything else loads.

The console script enters here (`main`). A build whose files all look as they
did when the published database was made answers "up to date" from the stat
of those files alone: Python's start and this module, no click, no SQLite,
no hashing (a third of the time of the command at 1,000 posts was loading
click and the build's modules). Anything else (another command, another
option, a changed, new, removed or unreadable file, a leftover of a killed
build, another build running, no remembered state) goes to the full command
line, which decides as before. A build that went the long way ends its
process at once too, once it has said everything (`exit_at_once`).

When the check finds a changed post and nothing else changed, the build that
follows is an update: the check keeps the build lock, starts the copy of the
published file the update writes (`_start_update`, in a thread: the kernel
copies while Python loads the build's modules), and the update runs without
click (`run_update`); the build takes the lock and the copy (`handed_over`).

What a build remembers, in `.<db>.files` beside the database (see
`remember`; a text format of its own, `encode_record`): each post file's
size, time and content hash (the hash cache of `build._post_hashes`), and,
when the published database holds exactly those posts with those hashes,
the database's own stat and the stat of the schema and authority files it
was built from. As in the hash cache, a post file whose time is within
`RACY_NS` of the build that hashed it cannot vouch for its content: it is
hashed again (the one post a rebuild just changed); an authority file or
schema that recent sends the build the long way. When the check finds a
change, the build that follows takes the posts folder's listing and the
hash cache as the check read them (`scanned`, `read_files`).

Only the standard library's cheapest modules load here (no pathlib, no
dataclasses, no typing: each costs more than the whole answer; not even json,
which loads `re` and `enum`: 17 ms, a quarter of the answer at 1,000 posts).
"""

from __future__ import annotations

import fcntl
import os
import stat
import sys
import time

from . import __version__

TYPE_CHECKING = False  # typing itself costs a tenth of the answer: its names only for the type checker
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any, NoReturn

AUTHORITY_FILES = {
    "people": "people.yaml",
    "organisations": "organisations.yaml",
    "works": "works.yaml",
    "terms": "terms.yaml",
}
# A file whose time is this close to the start of the scan that hashed it may change again within the same
# timestamp (file times are coarse, and lag the clock): its size and time cannot vouch for its content.
RACY_NS = 2_000_000_000
TYPE_BITS = 0o170000  # the bits of st_mode that give the type of file (stat.S_IFMT's mask, without its call)


def main() -> None:
    """The `hubkb` command: "up to date" at once when it is; the update of what the quick check saw changed
    without the command line's modules (`run_update`); else the command line (click)."""
    global _scanned, _read
    seen: dict[str, Any] = {}
    said = quick_answer(sys.argv[1:], seen, start_copy=True)
    if said is not None:
        try:
            print(said, flush=True)
        except OSError:  # stdout closed or a pipe no one reads: the build's answer could not be given
            os._exit(1)
        # Ends here, without the interpreter's tidying up (7 of the 70 ms of the answer at 1,000 posts):
        # only this module and the standard library's cheapest ones are loaded, no file is left open, the lock
        # is released, and stdout is flushed. hubkb registers no atexit handler (another tool's would not run).
        os._exit(0)
    if sys.argv[1:2] in (["build"], ["check"]):
        # NumPy's OpenBLAS starts a thread a core at import, which spins for a while though a build multiplies
        # no matrix (0.1 s of a 10,000-post build's CPU, sampled): one thread, before anything imports NumPy
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        keep_freed_memory()
    _scanned, _read = seen.get("posts"), seen.get("files")  # for the build this command runs, and no other
    if _handed is not None:  # the update the quick check saw, and started: run without the command line's modules
        options = seen["options"]
        try:
            code: object = run_update(options.get("--corpus"), options.get("--db", "hubkb.db"))
        except SystemExit as done:  # SIGTERM, through the build's clean-up
            code = done.code
        finally:
            _scanned = _read = None
            _abandon_unclaimed()
        exit_at_once(code)
    from .cli import cli

    try:
        cli()
    except SystemExit as done:
        if sys.argv[1:2] == ["build"]:
            _abandon_unclaimed()
            exit_at_once(done.code)
        raise
    finally:
        _scanned = _read = None
        _abandon_unclaimed()


def run_update(corpus: str | None, db: str) -> int:
    """`hubkb build [--corpus C] [--db D]` when the quick check saw a change (and kept the lock and started
    the copy for it), without click: the command line's modules (click, and what it loads) were a twentieth
    of a one-post update of 10,000 posts. Says what the command says, where it says it (`cli.common`'s
    `reports_errors` and `print_report`, click's "Aborted!"), and returns its exit status."""
    from pathlib import Path

    from .build import build
    from .errors import CorpusError, HubkbError
    from .paths import resources

    try:
        try:
            res = resources(None if corpus is None else Path(corpus))
            progress = None
            if sys.stderr.isatty():  # a bar for a long update, drawn by click (loaded then, for a person to see)
                from .cli.common import progress_bar

                progress = progress_bar("building")
            report = build(res.corpus, Path(db), res.schema, progress)
        except KeyboardInterrupt:
            print("\nAborted!", file=sys.stderr)
            return 1
        except CorpusError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        except HubkbError as exc:
            print(f"Error: {exc}", file=sys.stderr)
            return 1
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        print(report.summary())
    except OSError:  # stdout or stderr closed, or a pipe no one reads: what the build said could not be given
        return 1
    return 0


TRIM_THRESHOLD = 256 << 20  # free memory glibc keeps at the top of the heap instead of giving it back
MMAP_THRESHOLD = 32 << 20  # blocks from this size up are mapped on their own, and unmapped when freed


def keep_freed_memory() -> bool:
    """Have glibc's allocator keep the memory a build frees, for what it allocates next (False if not glibc).

    A chunk of posts allocates a few blocks of megabytes (the automaton's copy of the folded line, NumPy's
    arrays) and frees them; by default glibc maps each block of 128 KB and more on its own, or trims the
    heap, and gives it back to the kernel, so that the next chunk faults the same pages in again, zeroed:
    262,000 page faults and a fifth of a 10,000-post build's kernel time (0.5 s). With these two thresholds set
    (either alone stops glibc adjusting the other, and faults more), 79,000; the peak RSS stays the same:
    the memory kept is memory the build had used already. Set before the workers fork: they inherit it.
    """
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):  # None (or ValueError) where the C library is not glibc
            return False
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ValueError, OSError, AttributeError, TypeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    return bool(mallopt(m_mmap_threshold, MMAP_THRESHOLD)) and bool(mallopt(m_trim_threshold, TRIM_THRESHOLD))


def exit_at_once(code: object) -> NoReturn:
    """End a build's process as `sys.exit(code)` would, without the interpreter's tidying up.

    Freeing one by one the objects an update loaded (the stage, the hash cache of every post) took a
    tenth of a one-post update of 10,000 posts, after its work was done (mypy ends the same way). By the
    time the build command returns, its files are closed or removed, its threads joined and its workers
    ended; hubkb registers no atexit handler. Only stdout and stderr are left to flush.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # a message, as sys.exit prints it
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # stdout closed or a pipe no one reads: what the build said could not be given
        status = status or 1
    os._exit(status)


def quick_answer(args: Sequence[str], seen: dict[str, Any] | None = None, start_copy: bool = False) -> str | None:
    """The summary of `hubkb build [--corpus C] [--db D]` when nothing changed, else None.

    `seen` gets what the check read on its way, for the build that follows (`scanned`, `read_files`):
    "posts", the posts folder's `*.md` entries as it listed them, and "files", the hash cache as it
    read it, with the cache file's stat. With `start_copy`, a changed post has the check keep the build
    lock and start the update's copy of the published file, for the build of the same command (`handed_over`)."""
    start = time.perf_counter()
    if not args or args[0] != "build":
        return None
    options: dict[str, str] = {}
    rest = list(args[1:])
    while rest:
        arg = rest.pop(0)
        name, _, value = arg.partition("=")
        if name not in ("--corpus", "--db") or name in options:
            return None
        if not _:
            if not rest:
                return None
            value = rest.pop(0)
        options[name] = value
    if seen is not None:
        seen["options"] = options
    try:
        posts = _unchanged(options.get("--corpus"), options.get("--db", "hubkb.db"), seen, start_copy)
    except Exception:  # anything unexpected (a lock that cannot be made...): the build decides, and says why
        return None
    if posts is None:
        return None
    return up_to_date_line(*posts, 0, time.perf_counter() - start)


def up_to_date_line(posts: int, drafts: int, warnings: int, seconds: float) -> str:
    """What `hubkb build` says when nothing changed."""
    return f"up to date: {posts} posts{drafts_note(drafts)}, nothing changed; {warnings} warnings; {seconds:.2f} s"


def drafts_note(drafts: int) -> str:
    return f" and {drafts} draft{'s' if drafts != 1 else ''} (not published)" if drafts else ""


def _unchanged(
    corpus_arg: str | None, db: str, seen: dict[str, Any] | None = None, start_copy: bool = False
) -> tuple[int, int] | None:
    """How many posts are published and how many drafts are left out, if every file looks as the build
    that published them saw it. With `start_copy`, a changed post starts the update's copy (`_start_update`)."""
    corpus, schema, _metadata = locate(corpus_arg, os.getcwd())
    with open(cache_path(db), encoding="utf-8", errors="surrogateescape") as f:
        files, published = decode_record(f.read())
        if seen is not None:
            seen["files"] = (_stamp(os.fstat(f.fileno())), files, set(published["drafts"] if published else ()))
    if not published or published["version"] != __version__ or _stamp(os.stat(db)) != published["db"]:
        return None
    if input_stamps(schema, corpus) != published["inputs"]:
        return None
    lock = BuildLock(db)
    if not lock.take(holder=False):
        return None  # another build: the full command says which
    kept = False
    try:
        if leftovers(db):
            return None  # a killed build's: the next build removes them
        posts = os.path.join(corpus, "posts")
        with os.scandir(posts) as scan:
            entries = [entry for entry in scan if entry.name.endswith(".md")]
        if seen is not None:  # the build that follows lists the folder from these
            seen["posts"] = (os.path.realpath(posts), entries)
        count = _listed_unchanged(entries, files)
        if count is None:
            kept = start_copy and _start_update(db, lock)
            return None
        return count - len(published["drafts"]), len(published["drafts"])
    finally:
        if not kept:
            lock.release()


def _listed_unchanged(entries: list[os.DirEntry[str]], files: dict[str, list[Any]]) -> int | None:
    """How many post files there are, if each looks as the hash cache `files` remembers it and no other."""
    inodes = set()
    remembered_file = files.get
    for entry in entries:
        name = entry.name
        remembered = remembered_file(f"posts/{name}")
        if remembered is None or not (name.isascii() and name.isprintable()):
            return None
        st = entry.stat()
        mode = st.st_mode
        # a regular file (stat.S_ISREG without its call) readable by all, or by this process
        if mode & TYPE_BITS != stat.S_IFREG or remembered[0] != st.st_size:
            return None
        if not mode & stat.S_IROTH and not os.access(entry.path, os.R_OK):
            return None
        # a time of None: written just before its build, only its content can say
        if remembered[1] != st.st_mtime_ns and (
            remembered[1] is not None or file_hash(entry.path, _sha256()) != remembered[2]
        ):
            return None
        inodes.add((st.st_dev, st.st_ino))
    count = len(entries)
    if count != len(files) or len(inodes) != count:
        return None
    return count


_handed: tuple[BuildLock, BackgroundCopy] | None = None


def _start_update(db: str, lock: BuildLock) -> bool:
    """Keep `lock` and start the copy of the published file `db` an update starts from, for the build of
    this command (`handed_over`); False, having started nothing, if the copy cannot be made.

    The quick check found a changed post while every other file looks as the published build saw it:
    the build that follows updates that file. On a 2-core machine a 300 MB copy takes 0.1 s, or up to
    0.9 s of kernel time where a virtual machine's host has to give each page the copy writes (measured
    here: from 10 ms to 90 ms a 32 MB piece, in `memcpy`); started here, the copy runs beside the loading of
    click and the build's modules (a tenth of a second) instead of after it."""
    global _handed
    folder, prefix = _prefix(db)
    target = ""
    try:
        while True:  # a name `leftovers` knows: removed by the next build if this one is killed
            target = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}.tmp")
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
                break
            except FileExistsError:
                continue
        _handed = (lock, BackgroundCopy(db, target))
    except Exception:  # the build makes its own copy, and says what stops it
        if target:
            _remove(target)
        return False
    return True


def handed_over(db: str | os.PathLike[str]) -> tuple[BuildLock, BackgroundCopy] | None:
    """The build lock the quick check of this command kept and the copy of the published file it started
    (`_start_update`), if for the database `db`; once. The build holds the lock and owns the copy's file."""
    global _handed
    found, _handed = _handed, None
    if found is not None and os.path.realpath(found[0].db_path) != os.path.realpath(db):
        _abandon(found)
        return None
    return found


def _abandon_unclaimed() -> None:
    """What the quick check kept for a build that did not take it (the command stopped before): let go."""
    global _handed
    found, _handed = _handed, None
    if found is not None:
        _abandon(found)


def _abandon(found: tuple[BuildLock, BackgroundCopy]) -> None:
    """Stop a copy no build took, remove its file, and release the lock kept for it."""
    lock, copy = found
    copy.discard()
    lock.release()


def _remove(path: str) -> None:
    try:  # noqa: SIM105 (contextlib is not loaded on the way to "up to date")
        os.unlink(path)
    except OSError:
        pass


_scanned: tuple[str, list[os.DirEntry[str]]] | None = None
_read: tuple[list[int], dict[str, list[Any]], set[str]] | None = None


def scanned(posts: str | os.PathLike[str]) -> list[os.DirEntry[str]] | None:
    """The `*.md` entries of the `posts` folder as the quick check of this `hubkb build` command listed
    them, once.

    A build that the quick check sent the long way lists its posts from them
    instead of reading the folder again, and takes the stat the check took of
    each file it looked at (`os.DirEntry` keeps it); its own listing took
    about a tenth of a second of a one-post update at 10,000 posts. The stats are older than the build's own
    start, as if the build had listed the folder a moment earlier: any file
    they miss an edit of is built by the next build, as with an edit made just
    after the build's own listing.
    """
    global _scanned
    found, _scanned = _scanned, None
    if found is None or found[0] != os.path.realpath(posts):
        return None
    return found[1]


def file_hash(path: str, sha256: Any = None) -> str:
    """The content hash of a post file, as the database keeps it (SHA-256, by `sha256` if given)."""
    if sha256 is None:
        from hashlib import sha256  # here: only a file written just before the last build is hashed
    with open(path, "rb") as f:
        return str(sha256(f.read()).hexdigest())


def _sha256() -> Any:
    """SHA-256 for the one file or two the quick answer hashes: CPython's own, which loads in a tenth of a
    millisecond, where `hashlib` loads OpenSSL's in 7 ms (a tenth of the answer at 1,000 posts); `hashlib`'s
    where Python was built without it. A build hashes thousands of files: it takes OpenSSL's, faster per byte."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found]  # Python 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef]  # Python 3.11
        except ImportError:
            from hashlib import sha256
    return sha256


def cache_path(db: str | os.PathLike[str]) -> str:
    folder, name = os.path.split(os.fspath(db))
    return os.path.join(folder, f".{name}.files")


FORMAT = "hubkb files 1"


def encode_record(files: dict[str, list[Any]], published: dict[str, Any] | None) -> str:
    """The text of the hash cache: a line naming the format, the published record (if any), then a
    `files` line and one line a post file; fields are tab-separated.

        hubkb files 1
        version VERSION                                   (the published record: these four kinds)
        db      DEV INO SIZE MTIME CTIME
        input   DEV INO SIZE MTIME CTIME, or nothing      (the schema, then each authority file)
        draft   SOURCE
        files
        SIZE    TIME or -    SHA-256    SOURCE            (one a post file)

    Read with `str.split` alone (`decode_record`): json would load `re` and `enum`, a quarter of the
    quick answer. A name with a tab or a line break is left out: its file is hashed again by each build,
    and the quick answer sends its folder the long way, as it does any name that is not printable ASCII."""
    lines = [FORMAT]
    if published is not None:
        lines.append(f"version\t{published['version']}")
        lines.append("db\t" + " ".join(map(str, published["db"])))
        lines.extend("input\t" + " ".join(map(str, stamp)) for stamp in published["inputs"])
        lines.extend(f"draft\t{source}" for source in published["drafts"] if _plain(source))
    lines.append("files")
    lines.extend(
        f"{size}\t{'-' if mtime is None else mtime}\t{digest}\t{source}"
        for source, (size, mtime, digest) in files.items()
        if _plain(source)
    )
    return "\n".join(lines) + "\n"


def _plain(source: str) -> bool:
    return "\t" not in source and "\n" not in source


def decode_record(text: str) -> tuple[dict[str, list[Any]], dict[str, Any] | None]:
    """The hash cache ({source: [size, time or None, hash]}) and the published record (or None) of
    `encode_record`'s text; ValueError if it is not that."""
    head, found, body = text.partition("\nfiles\n")
    lines = head.split("\n")
    if lines[0] != FORMAT or not found or (body and not body.endswith("\n")):
        raise ValueError("not a hubkb files record")
    version, db, inputs, drafts = None, None, [], []
    for line in lines[1:]:
        kind, _, rest = line.partition("\t")
        if kind == "version":
            version = rest
        elif kind == "db":
            db = [int(n) for n in rest.split()]
        elif kind == "input":
            inputs.append([int(n) for n in rest.split()])
        elif kind == "draft":
            drafts.append(rest)
        else:
            raise ValueError(f"not a hubkb files record: {kind!r}")
    fields = body[:-1].replace("\n", "\t").split("\t") if body else []
    if len(fields) % 4:
        raise ValueError("not a hubkb files record: a file line without its four fields")
    times = [None if mtime == "-" else int(mtime) for mtime in fields[1::4]]
    files = {
        source: [size, mtime, digest]
        for size, mtime, digest, source in zip(map(int, fields[::4]), times, fields[2::4], fields[3::4], strict=True)
    }
    if version is None or db is None:
        return files, None
    return files, {"version": version, "db": db, "inputs": inputs, "drafts": drafts}


def _stamp(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def input_stamps(schema: str | os.PathLike[str], corpus: str | os.PathLike[str]) -> list[list[int]]:
    """The stat of the schema and the authority files (a missing one: an empty stamp)."""
    stamps = []
    for path in (os.fspath(schema), *(os.path.join(corpus, name) for name in AUTHORITY_FILES.values())):
        try:
            stamps.append(_stamp(os.stat(path)))
        except OSError:
            stamps.append([])
    return stamps


def remember(
    db: str | os.PathLike[str],
    files: dict[str, list[Any]],
    published: dict[str, tuple[str, str]],
    inputs: list[list[int]],
    since_ns: int,
) -> None:
    """Write the hash cache `files`; with the `published` database's posts ({source: (id, hash)}) when
    they are these files' (the others being drafts, left out) and the inputs' times are older than
    `since_ns` - RACY_NS, the stat that lets the next build answer "up to date" at once.

    Call it only after a build that published, or found nothing changed: any file it listed that
    is not published is then a draft."""
    record = None
    racy = since_ns - RACY_NS
    if all(files.get(source, [0, 0, ""])[2] == digest for source, (_id, digest) in published.items()) and all(
        stamp and stamp[3] < racy for stamp in inputs
    ):
        drafts = sorted(files.keys() - published.keys())
        record = {"version": __version__, "db": _stamp(os.stat(db)), "inputs": inputs, "drafts": drafts}
    path = cache_path(db)
    tmp = f"{path}-{os.urandom(6).hex()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(encode_record(files, record))
        os.replace(tmp, path)
    finally:
        if os.path.lexists(tmp):
            os.unlink(tmp)


def read_files(db: str | os.PathLike[str]) -> tuple[dict[str, list[Any]], set[str]]:
    """The remembered hash cache ({source: [size, time or None, hash]}) and the drafts among them.

    As the quick check of this `hubkb build` command read them, if the file is the one it read (its stat
    unchanged: the cache is always replaced, never written over), once: decoding it again took 20 ms of
    a one-post update at 10,000 posts."""
    global _read
    found, _read = _read, None
    path = cache_path(db)
    try:
        if found is not None and found[0] == _stamp(os.stat(path)):
            return found[1], found[2]
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            files, published = decode_record(f.read())
    except (OSError, ValueError):
        return {}, set()
    return files, set(published["drafts"] if published else ())


def locate(corpus: str | None, here: str) -> tuple[str, str, str]:
    """(corpus, schema, metadata) as `paths.resources` finds them, without its checks.

    In a folder that has `./corpus`, that corpus wins, with the folder's
    `schema.yaml` and `metadata.json` when present (beside the corpus, else
    in the current folder); else the embedded ones.
    """
    embedded = embedded_folder()
    if corpus is None:
        local_corpus = os.path.join(here, "corpus")
        corpus = local_corpus if os.path.lexists(local_corpus) else os.path.join(embedded, "corpus")
    parent = os.path.dirname(os.path.realpath(corpus))
    local = here if parent == os.path.realpath(here) else parent

    def pick(name: str) -> str:
        for folder in (local, here):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
        return os.path.join(embedded, name)

    return corpus, pick("schema.yaml"), pick("metadata.json")


def embedded_folder() -> str:
    """The folder holding the shipped corpus/, schema.yaml and metadata.json."""
    package = os.path.dirname(os.path.realpath(__file__))
    data = os.path.join(package, "data")
    if os.path.exists(os.path.join(data, "schema.yaml")):
        return data
    return os.path.dirname(os.path.dirname(package))  # src/hubkb -> repository root (editable install)


def _prefix(db: str | os.PathLike[str]) -> tuple[str, str]:
    folder, name = os.path.split(os.fspath(db))
    return folder or ".", f".{name}."


def leftovers(db: str | os.PathLike[str]) -> list[str]:
    """What killed builds of `db` left beside it: temporary files (`.tmp`) and chunk folders."""
    folder, prefix = _prefix(db)
    found = []
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                rest = entry.name[len(prefix) :] if entry.name.startswith(prefix) else ""
                if (rest.startswith("chunks-") and entry.is_dir(follow_symlinks=False)) or (
                    ".tmp" in rest and entry.is_file(follow_symlinks=False)
                ):
                    found.append(entry.path)
    except FileNotFoundError:
        pass
    return found


class BuildLock:
    """Held while a build of `db_path` runs; a second one stops with the first one's pid.

    An `fcntl` lock on `.<db>.lock` beside the database: it dies with its
    process, so a killed build never blocks the next one.
    """

    def __init__(self, db_path: str | os.PathLike[str]):
        self.db_path = db_path
        folder, prefix = _prefix(db_path)
        self.path = os.path.join(folder, f"{prefix}lock")
        self.fd: int | None = None
        self.holder = ""

    def __enter__(self) -> BuildLock:
        if self.fd is None and not self.take():  # a lock the quick check kept is held already
            from .errors import HubkbError, display_path

            raise HubkbError(
                f"another build of {display_path(os.fspath(self.db_path))} is running (pid {self.holder}); "
                "wait for it to finish, then build again"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def take(self, holder: bool = True) -> bool:
        """Lock; False if another build holds the lock (its pid in `holder`, if asked)."""
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:  # a read-only or closed folder: nothing can be written beside the database
                from pathlib import Path

                from .publish import not_written, os_error_message

                raise not_written(Path(self.db_path), os_error_message(exc)) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.holder = _holder(fd) if holder else ""
                os.close(fd)
                return False
            try:  # the file may have been removed by the holder we waited for: lock the one at the path
                if os.stat(self.path).st_ino == os.fstat(fd).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}.\n".encode(), 0)
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            try:  # noqa: SIM105 (contextlib is not loaded on the way to "up to date")
                os.unlink(self.path)  # while still locked: a newcomer then locks a fresh file
            except OSError:
                pass
            os.close(self.fd)
            self.fd = None


def _holder(fd: int) -> str:
    """The pid the lock's holder wrote; it writes it just after locking, so wait a moment for it."""
    for _ in range(50):
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if pid.endswith("."):  # written whole (the holder writes "pid." in one call)
            return pid[:-1]
        time.sleep(0.02)
    return "unknown"


COPY_PIECE = 64 << 20  # bytes a copy_file_range call: a stopped copy ends within one piece


class CopyStopped(Exception):
    """`copy_file` was asked to stop (`BackgroundCopy.cancel`)."""


def copy_file(source: str | os.PathLike[str], target: str | os.PathLike[str], stop: Any = None) -> None:
    """Copy in the kernel (copy_file_range): 2.5 times faster than shutil's sendfile
    for the database an update starts from; shutil where the kernel cannot. `stop` (a `threading.Event`),
    once set, ends the copy (CopyStopped) at the end of the piece being copied."""
    remaining = -1
    try:
        # Not opened with O_TRUNC (the target is new or empty): ext4 writes a file truncated to nothing to
        # disk when it is closed (auto_da_alloc), and later renames then wait for those 300 MB to reach it.
        src = os.open(source, os.O_RDONLY)
        try:
            dst = os.open(target, os.O_WRONLY | os.O_CREAT, 0o666)
            try:
                if os.fstat(dst).st_size:
                    os.ftruncate(dst, 0)
                remaining = os.fstat(src).st_size
                while remaining > 0:
                    if stop is not None and stop.is_set():
                        raise CopyStopped
                    copied = os.copy_file_range(src, dst, min(remaining, COPY_PIECE))
                    if copied == 0:
                        break
                    remaining -= copied
            finally:
                os.close(dst)
        finally:
            os.close(src)
        if remaining == 0:
            return
    except (AttributeError, OSError):  # no copy_file_range here, or not between these files
        pass
    import shutil

    shutil.copyfile(source, target)


class BackgroundCopy:
    """`copy_file(source, target)` in a thread: the kernel copies (the GIL is released) while Python works.

    `wait()` returns once the copy is whole, or raises what stopped it (a full disk: OSError). Call it
    on every way out before removing `target`.
    """

    def __init__(self, source: str | os.PathLike[str], target: str | os.PathLike[str]):
        import threading  # here: a build that finds nothing changed starts no thread

        self.source, self.target = source, target
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hubkb-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            copy_file(self.source, self.target, self.stop)
        except BaseException as exc:  # given to the build's thread by wait()
            self.error = exc

    def cancel(self) -> None:
        """Stop the copy (the target is left part-copied, for the caller to remove) and wait for the thread."""
        self.stop.set()
        self.thread.join()
        self.error = None

    def wait(self) -> None:
        self.thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def discard(self) -> None:
        """Stop the copy and remove its file: a copy no update will write."""
        self.cancel()
        _remove(os.fspath(self.target))
