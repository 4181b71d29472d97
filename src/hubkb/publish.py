"""Around the published database: one build at a time, temporary files that never outlive a build.

- `BuildLock`: an `fcntl` lock on `.<db>.lock` beside the database. A second
  build of the same file stops at once with "another build of X is running
  (pid N)"; the lock dies with its process, so a killed build never blocks
  the next one.
- `temporary_path`, `temporary_folder`: unique names, `.<db>.<random>.tmp`
  and `.<db>.chunks-<random>`, beside the database (a rename stays on one file
  system), removed on every way out of a build, with SQLite's `-journal`,
  `-wal` and `-shm` companions.
- `clean_leftovers`: what a killed build (SIGKILL, power loss) could not
  remove, removed by the next build once it holds the lock, before SQLite can
  replay a stale journal onto a new file.
- `die_with_parent`: pool workers end when the build that forked them dies.
- `copy_file`, `BackgroundCopy` (in `uptodate`, which starts the copy as soon
  as its quick check sees a changed post): the published file an update starts
  from, copied by the kernel, in a thread while the build loads its modules and stages.
- `publish`: the new file swapped with the published one in one step, the old
  one's name removed and its content left to a process of its own (`Freeing`),
  which lets go of it once the build is done.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from .errors import HubkbError, display_path
from .uptodate import COPY_PIECE, BackgroundCopy, BuildLock, CopyStopped, copy_file, leftovers

# here too: they live with the no-change answer, which takes the lock before anything loads, and starts the
# copy an update begins with as soon as it sees a change
__all__ = ["COPY_PIECE", "BackgroundCopy", "BuildLock", "CopyStopped", "copy_file"]

_SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")


def _prefix(db_path: Path) -> str:
    return f".{db_path.name}."


def _temporary_name(db_path: Path, what: str, suffix: str = ".tmp") -> Path:
    """A new random name beside `db_path` that `clean_leftovers` recognises (`.<db>.<what><random><suffix>`)."""
    return db_path.parent / f"{_prefix(db_path)}{what}{os.urandom(6).hex()}{suffix}"


def temporary_path(db_path: Path, what: str = "") -> Path:
    """A new, unique, empty file beside `db_path` for a build's temporary file.

    Created with the user's umask (not `mkstemp`'s 0600): renamed over a
    published file, it must stay readable by whoever served the old one.
    """
    while True:
        path = _temporary_name(db_path, what)
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return path


def remove_temporary(path: Path) -> None:
    """A temporary file and SQLite's companions of it; missing ones are fine."""
    for suffix in ("", *_SQLITE_COMPANIONS):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


@contextlib.contextmanager
def temporary_folder(db_path: Path) -> Iterator[Path]:
    """A unique folder beside `db_path`, removed with what it holds however the block ends."""
    while True:
        folder = _temporary_name(db_path, "chunks-", suffix="")
        try:
            folder.mkdir(mode=0o700)
            break
        except FileExistsError:
            continue
    try:
        yield folder
    finally:
        _remove_tree(folder)


def _remove_tree(folder: Path) -> None:
    import shutil  # here: a build that finds nothing to do never needs it

    shutil.rmtree(folder, ignore_errors=True)


def clean_leftovers(db_path: Path, keep: str | os.PathLike[str] | None = None) -> list[Path]:
    """Remove what killed builds of `db_path` left beside it but `keep` (this build's own file, started by
    the quick check); call only while holding its `BuildLock`."""
    removed = []
    for found in leftovers(db_path):
        path = Path(found)
        if keep is not None and path == Path(keep):
            continue
        if path.is_dir():
            _remove_tree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def die_with_parent(parent: int) -> None:
    """In a worker forked by process `parent`: ask Linux to kill it when its parent dies.

    SIGTERM (the pool's way to stop its workers) kills it outright: the
    build's own handler, inherited through the fork, would raise SystemExit
    wherever the worker is, possibly while it holds the pool's queue lock.
    """
    import ctypes  # in the workers only

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(AttributeError, OSError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


@contextlib.contextmanager
def terminate_as_exit() -> Iterator[None]:
    """SIGTERM ends a build like Ctrl-C does, through its clean-up, when it runs in the main thread."""
    try:
        previous = signal.signal(signal.SIGTERM, _exit_on_term)
    except ValueError:  # not the main thread: the caller's handlers stay
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_term(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def not_written(db_path: Path, reason: str) -> HubkbError:
    """The one-line error of a build that could not write its new database."""
    return HubkbError(
        f"{display_path(db_path)}: cannot write the new database: {reason}; "
        "nothing was published, the previous database is unchanged"
    )


def os_error_message(exc: OSError) -> str:
    """What an operating-system error means for a build, in a few words."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (no space left on device)"
    said = exc.strerror or str(exc)
    return said[:1].lower() + said[1:]  # "read-only file system", as the rest of the line


class Freeing:
    """The old published file's last name, removed; `wait()` lets go of its content (call it on every way out).

    The kernel frees a large file's blocks and cached pages when the last holder of its content lets go:
    22 to 70 ms for a 300 MB database on this VM, at the end of each build, after everything else. Where it
    can, the name is removed at once and the content left to a process of its own (`_Holder`), which ends,
    and lets go, once this one has (`wait`, or its exit); else the name is removed in a thread, joined by `wait`.
    """

    def __init__(self, old: Path | None):
        self.thread = None
        self.holder = _Holder.take(old) if old is not None else None
        if old is not None and self.holder is None:
            self.thread = threading.Thread(target=self._remove, args=(old,), name="hubkb-free", daemon=True)
            self.thread.start()

    @staticmethod
    def _remove(old: Path) -> None:
        with contextlib.suppress(OSError):  # left behind, it is a leftover the next build removes
            remove_temporary(old)

    def wait(self) -> None:
        if self.holder is not None:
            self.holder.let_go()
        if self.thread is not None:
            self.thread.join()


class _Holder:
    """A `cat` that holds a removed file's content (an inherited descriptor) and reads a pipe this process
    writes nothing to: it ends when this process closes the pipe (`let_go`) or ends, and the kernel then frees
    the content as that `cat` ends, not as this build does."""

    PROGRAM = "/bin/cat"
    started: ClassVar[list[int]] = []  # holders' pids, collected once they have ended (no zombie is left)

    def __init__(self, pid: int, pipe: int):
        self.pid, self.pipe = pid, pipe

    @classmethod
    def take(cls, old: Path) -> _Holder | None:
        """Remove `old` and have a holder keep its content; None, having changed nothing, where that cannot be."""
        cls._collect()
        if not hasattr(os, "posix_spawn") or not os.access(cls.PROGRAM, os.X_OK):
            return None
        content = read_end = write_end = -1
        pid = None
        try:
            content = os.open(old, os.O_RDONLY)
            read_end, write_end = os.pipe()  # neither inherited: the holder gets the read end as its input
            if min(content, read_end, write_end) >= 3:  # else a standard stream is closed: the spawn's would clash
                os.set_inheritable(content, True)  # the holder's, at the same number
                quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
                actions = [(os.POSIX_SPAWN_DUP2, read_end, 0), *quiet]
                pid = os.posix_spawn(cls.PROGRAM, [cls.PROGRAM], {}, file_actions=actions, setsid=True)
        except OSError:
            pid = None
        finally:
            for fd in (content, read_end) if pid is not None else (content, read_end, write_end):
                if fd >= 0:
                    os.close(fd)
        if pid is None:
            return None
        cls.started.append(pid)
        with contextlib.suppress(OSError):  # the name only (the content lives on in the holder); left, a leftover
            remove_temporary(old)
        return cls(pid, write_end)

    def let_go(self) -> None:
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1

    def __del__(self) -> None:  # a build that never called `Freeing.wait` (an error in between) lets go too
        self.let_go()

    @classmethod
    def _collect(cls) -> None:
        for pid in list(cls.started):
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == 0:
                    continue
            cls.started.remove(pid)


def publish(new: Path, published: Path) -> Freeing:
    """Put `new` in the place of `published` in one step, without waiting for the old file's space to be freed.

    Readers see the old file or the new one, never neither. Where Linux can, the two names are swapped
    (renameat2 RENAME_EXCHANGE) and the old content, now under the temporary name, moves to a name
    of its own and is removed (`Freeing`: its content freed by a process of its own). A plain rename over a file (a) frees the old file's blocks
    before it returns (0.2 s for a 300 MB database, a fifth of a one-post update) and (b) on ext4
    writes the new file to disk first (auto_da_alloc), after which the build's next renames wait for
    it: 0.1 to 0.2 s more. Else a hard link under a temporary name keeps the old content alive across the
    rename, which then only moves a name; the link goes as above. Killed in between, what is
    left is a build's leftover like any other (`clean_leftovers`). Where hard links are refused too,
    the rename frees the file itself.
    """
    if _exchange(new, published):
        old = _temporary_name(published, "old-")
        try:
            os.rename(new, old)  # no file under that name: a rename of a name only
        except OSError:  # published all the same; the old content is removed under the temporary name
            old = new
        return Freeing(old)
    old_link: Path | None = _temporary_name(published, "old-")
    while old_link is not None:
        try:
            os.link(published, old_link)
            break
        except FileExistsError:
            old_link = _temporary_name(published, "old-")
        except OSError:  # nothing published yet, or no hard links here: the rename frees the old file
            old_link = None
    try:
        os.replace(new, published)
    except BaseException:
        if old_link is not None:
            remove_temporary(old_link)
        raise
    return Freeing(old_link)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100  # from <linux/fs.h> and <fcntl.h>


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names `a` and `b` atomically (Linux's renameat2 with RENAME_EXCHANGE, through glibc); False,
    having changed nothing, where `b` does not exist or the system or its file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes  # here: loaded only to publish, as the build's workers load it

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.ENOENT, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # nothing published yet, or no exchange here: the caller renames
    raise OSError(error, os.strerror(error), str(b))
