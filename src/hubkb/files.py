"""The file-system side of reading: listing posts/ and reading a file's bytes.

Every operating-system error becomes a `Problem` (`path: message`, saying
what to do next), never a traceback, so that `check` and `build` report the
same thing: symbolic link loops and dangling links, permission denied, a
folder where a file belongs (or a folder named like a post), a named pipe, a
file name that is not UTF-8 or hides an invisible character. A file that does
not exist at all is the caller's to judge (an authority file may be absent).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from operator import attrgetter
from pathlib import Path

from .errors import Problem, display_path
from .invisible import escape_invisible, invisible_problem
from .uptodate import AUTHORITY_FILES, TYPE_BITS

__all__ = ["AUTHORITY_FILES", "authority_hash", "find_post_names", "find_posts", "list_posts", "read_file"]


_NAME = attrgetter("name")
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def os_problem(path: Path, where: str, exc: OSError, folder: bool = False) -> Problem:
    """An OSError met on `path` (printed as `where`) as a problem that says what to do."""
    thing = "a folder" if folder else "a file"
    if exc.errno == errno.ELOOP:
        message = f"cannot read: a symbolic link loop (too many levels of symbolic links); point the link at {thing} or remove it"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        closed = _closed_folder(path)  # the file may be fine: a folder on the way to it is closed
        what, mode = ("cannot list the folder", "a+rx") if folder else ("cannot read", "a+r")
        denied, fix = "permission denied", where
        if closed is not None:
            mode, fix = "a+rx", display_path(closed)
            denied = f"permission denied on the folder {fix}"
        message = f"{what}: {denied}; make it readable by the user running hubkb (chmod {mode} {fix})"
    elif exc.errno == errno.EISDIR:
        message = _misplaced("a folder", where)
    elif exc.errno == errno.ENOTDIR and folder:
        message = "a file where a folder belongs; move the file away and make a folder of that name"
    elif exc.errno == errno.ENOENT and os.path.islink(path):
        message = f"a symbolic link to '{os.readlink(path)}', which does not exist; fix the link or remove it"
    else:
        message = f"cannot read: {exc.strerror or exc}"
    return Problem(where, 0, message)


def read_file(path: Path, where: str, missing_ok: bool = False) -> tuple[bytes | None, list[Problem]]:
    """The bytes of `path`, or the problem met reading them; (None, []) for a missing file if `missing_ok`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a named pipe must not hang the build
    except FileNotFoundError as exc:
        if missing_ok and not os.path.islink(path):
            return None, []
        return None, [os_problem(path, where, exc)]
    except OSError as exc:
        return None, [os_problem(path, where, exc)]
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return None, [Problem(where, 0, _misplaced(_KINDS.get(stat.S_IFMT(mode), "not a regular file"), where))]
    with open(fd, "rb") as f:
        try:
            return f.read(), []
        except OSError as exc:
            return None, [os_problem(path, where, exc)]


def _misplaced(kind: str, where: str) -> str:
    return f"{kind} where a file belongs; move it away and put the file {Path(where).name} there"


def _closed_folder(path: Path) -> Path | None:
    """The first folder on the way to `path` that hubkb's user may not enter, if any."""
    for folder in reversed(path.absolute().parents):
        if not os.access(folder, os.X_OK, effective_ids=os.access in os.supports_effective_ids):
            return folder
    return None


def list_posts(
    folder: Path, where: str, stats: dict[str, os.stat_result] | None = None
) -> tuple[list[Path], list[Problem]]:
    """Every `*.md` file in `folder`, sorted; the same file reached by two paths counts once.

    Anything else named `*.md` (a folder, a pipe, a dangling link, an
    unreadable or unspeakable name) is reported rather than skipped: a post
    that silently goes missing is a post lost. A missing `folder` gives no
    post and no problem (the caller decides). `stats`, if given, gets each
    listed file's `stat` by its name (an update compares them with the ones it remembers).
    """
    names, problems = list_post_names(folder, where, stats)
    return [folder / name for name in names], problems


def list_post_names(
    folder: Path,
    where: str,
    stats: dict[str, os.stat_result] | None = None,
    listed: list[os.DirEntry[str]] | None = None,
) -> tuple[list[str], list[Problem]]:
    """`list_posts`, as the files' names: an update makes paths of the few it reads. `listed`: the folder's
    `*.md` entries, listed already (`uptodate.scanned`)."""
    try:
        if listed is None:
            with os.scandir(folder) as scan:
                listed = [e for e in scan if e.name.endswith(".md")]
        entries = sorted(listed, key=_NAME)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    except OSError as exc:
        return [], [os_problem(folder, where, exc, folder=True)]
    seen: dict[tuple[int, int], str] = {}
    problems: list[Problem] = []
    for entry in entries:
        name = entry.name
        if not (name.isascii() and name.isprintable()):  # the usual names need no closer look
            name_problem = _name_problem(name)
            if name_problem:
                problems.append(Problem(f"{where}/{_printable(name)}", 0, name_problem))
                continue
        try:
            st = entry.stat()  # follows a link to what it names
        except OSError as exc:
            problems.append(os_problem(folder / name, f"{where}/{name}", exc))
            continue
        if st.st_mode & TYPE_BITS == stat.S_IFREG:  # stat.S_ISREG without its call a file: the usual case first
            if seen.setdefault((st.st_dev, st.st_ino), name) is name and stats is not None:
                stats[name] = st
        elif stat.S_ISDIR(st.st_mode):
            problems.append(
                Problem(
                    f"{where}/{name}",
                    0,
                    f"a folder named like a post; posts are files: rename it or move it out of {where}",
                )
            )
        else:
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            problems.append(Problem(f"{where}/{name}", 0, f"{kind}, not a post file; remove it or rename it"))
    return list(seen.values()), problems  # in the order of their names, as the entries are


def _name_problem(name: str) -> str | None:
    """A file name that cannot be stored as an id: not UTF-8, or hiding an invisible character."""
    raw = os.fsencode(name)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"the file name is not UTF-8 (byte 0x{raw[exc.start]:02x}); rename the file"
    invisible = invisible_problem(name, advice="rename the file")
    return f"the file name {invisible}" if invisible else None


def _printable(name: str) -> str:
    """A file name as a message can print it: undecodable bytes and invisible characters escaped."""
    return escape_invisible(os.fsencode(name).decode("utf-8", "backslashreplace"))


def find_posts(corpus: Path, stats: dict[str, os.stat_result] | None = None) -> tuple[list[Path], list[Problem]]:
    """Every corpus/posts/*.md, sorted, and what is wrong in the folder (see `files.list_posts`).

    A missing posts/ folder is an error, never "0 posts": published, it would empty the site.
    """
    folder = corpus / "posts"
    names, problems = find_post_names(corpus, stats)
    return [folder / name for name in names], problems


def find_post_names(
    corpus: Path, stats: dict[str, os.stat_result] | None = None, listed: list[os.DirEntry[str]] | None = None
) -> tuple[list[str], list[Problem]]:
    """`find_posts`, as the names of the files in corpus/posts (`listed`: see `list_post_names`)."""
    folder = corpus / "posts"
    where = display_path(folder)
    names, problems = list_post_names(folder, where, stats, listed)
    if not names and not problems and not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            message = "not a folder; the posts live in a folder posts/ of the corpus (one Markdown file a post)"
        else:
            message = "no such folder; the posts live in a folder posts/ of the corpus (one Markdown file a post)"
        problems = [Problem(where, 0, message)]
    return names, problems


def authority_hash(corpus: Path) -> str:
    """One hash over the four authority files: any change means a full build."""
    digest = hashlib.sha256()
    for filename in AUTHORITY_FILES.values():
        raw, problems = read_file(corpus / filename, filename, missing_ok=True)
        if raw is not None:
            digest.update(filename.encode() + b"\0" + raw + b"\0")
        elif problems:  # never the hash of a published file: the build reads again, and reports it
            digest.update(filename.encode() + b"\0\0unreadable\0")
    return digest.hexdigest()
