"""Slow results computed off the event loop, once: rendered post bodies, formatted citations.

Rendering a post body (python-markdown, nh3) and formatting references
(citeproc-py) take from milliseconds to most of a second, all in Python. Run
on Datasette's event loop, that work would stall every other request; run on
every request, twenty readers of one citation page would wait for twenty
formattings. `computed(fn, *args)` runs `fn(*args)` in a thread pool of its
own (Datasette's executor stays free for SQL), lets concurrent requests for
the same result share one computation, and keeps the results, least recently
used out first, within a size budget.

A result is keyed by the function and a digest of its arguments, that is of
the content it is made from (the post body, the work and its citations): a
new version of the database gives new keys where the content changed, so a
page is never stale, and the old entries age out.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

MAX_BYTES = 64 * 1024 * 1024  # of rendered text kept: a dozen bodies at the 5 MB limit, thousands of usual ones
THREADS = 2  # the work holds the GIL: more threads would not finish it sooner


class Memo:
    """Results of pure functions, computed in a thread pool, shared while pending, kept within `max_bytes`."""

    def __init__(self, max_bytes: int = MAX_BYTES, threads: int = THREADS) -> None:
        self.max_bytes = max_bytes
        self.threads = threads
        self.computations = 0  # calls of a function: a test can tell a cached result from a new one
        self._entries: OrderedDict[Hashable, Future] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._bytes = 0
        self._lock = threading.RLock()  # a future done at once runs its callback under the lock
        self._executor: ThreadPoolExecutor | None = None

    async def get(self, key: Hashable, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` as computed once for `key`, waited for without blocking the event loop."""
        with self._lock:
            future = self._entries.get(key)
            if future is None:
                future = self._entries[key] = self._pool().submit(self._compute, fn, *args)
                future.add_done_callback(lambda done: self._settle(key, done))
            else:
                self._entries.move_to_end(key)
        return await asyncio.wrap_future(future)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="hubkb-memo")
        return self._executor

    def _compute(self, fn: Callable[..., T], *args: Any) -> T:
        self.computations += 1
        return fn(*args)

    def _settle(self, key: Hashable, future: Future) -> None:
        with self._lock:
            if self._entries.get(key) is not future:
                return
            if future.cancelled() or future.exception() is not None:
                del self._entries[key]  # an error is raised to its callers, never kept
                return
            self._sizes[key] = size = _size(future.result())
            self._bytes += size
            for old in list(self._entries):
                if self._bytes <= self.max_bytes:
                    break
                if old in self._sizes:  # finished; pending computations stay
                    del self._entries[old]
                    self._bytes -= self._sizes.pop(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self._bytes = 0


def _size(value: Any) -> int:
    """About how many characters a result holds."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(k) + _size(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return sum(_size(v) for v in value)
    return 8


def digest(*args: Any) -> str:
    """A short digest of texts and JSON-able arguments (a 5 MB body takes a few milliseconds)."""
    h = hashlib.blake2b(digest_size=16)
    for arg in args:
        text = arg if isinstance(arg, str) else json.dumps(arg, ensure_ascii=False, sort_keys=True, default=str)
        data = text.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big") + (b"s" if isinstance(arg, str) else b"j"))
        h.update(data)
    return h.hexdigest()


RESULTS = Memo()


async def computed(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` off the event loop, computed once for the same function and arguments.

    The result is shared: callers must not change it (copy a dict before adding to it).
    """
    return await RESULTS.get((fn.__module__, fn.__qualname__, digest(*args)), fn, *args)
