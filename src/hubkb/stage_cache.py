"""The indexes every post needs, kept from the build that made them.

A build's stage (the schema, the authority records and their links, the
resolver's name indexes and the mention automaton) depends only on the
authority files and the schema: an update runs only when they are the ones the
published database was built from, and a full build of the same files makes
the same stage, and so does `hubkb check`. Building it takes half a second at
10,000 posts (reading the records, folding 20,000 names, making the
automaton), before any worker can start; a pickle of it loads in a fifth of
that. A full build's or a check's pickle also holds the authority files'
warnings, which they report again; an update's has none (None), and a full
build or a check makes its own instead.

The pickles live in the user's cache folder (`$XDG_CACHE_HOME/hubkb`, else
`~/.cache/hubkb`), named by a hash of what the stage is made from: the
authority files, the schema, and the stat of hubkb's own modules (an edit to
the code that builds the indexes makes a new stage). Not beside the database:
its folder holds what is published and nothing else. The few newest are kept.
A cache that cannot be read or written is ignored: the stage is built again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
from typing import Any

from . import __version__

KEEP = 8  # stage pickles kept in the cache folder (one per corpus and authority files)


def cache_folder() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "hubkb")


def stage_key(*made_from: str) -> str:
    """The name of a stage made from these (hashes of the authority files and schema, the paths its
    messages print) by this code."""
    digest = hashlib.sha256("\0".join((__version__, *made_from, "")).encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, subfolders, names in os.walk(package):
        subfolders.sort()
        for name in sorted(names):
            if name.endswith(".py"):
                st = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _path(key: str) -> str:
    return os.path.join(cache_folder(), f"stage-{key}.pickle")


def load(key: str) -> Any | None:
    """The stage saved under `key`, or None.

    Loaded with the cyclic garbage collector paused: the stage's objects live as long as the build,
    and the collections their creation set off, each traversing them all again, took 60 of the
    load's 140 ms at 10,000 posts.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(_path(key), "rb") as f:
            return pickle.load(f)
    except Exception:  # missing, truncated, or made by other code: built again
        return None
    finally:
        if enabled:
            gc.enable()


def save(key: str, stage: Any) -> None:
    """Keep `stage` under `key` (written whole, then renamed), and only the newest few stages."""
    folder = cache_folder()
    with contextlib.suppress(OSError, pickle.PicklingError):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        tmp = os.path.join(folder, f".stage-{key}.{os.urandom(6).hex()}.tmp")
        try:
            with open(tmp, "wb") as f:
                pickle.dump(stage, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, _path(key))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        kept = sorted((e.stat().st_mtime_ns, e.path) for e in os.scandir(folder) if e.name.startswith("stage-"))
        for _time, old in kept[:-KEEP]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(old)
