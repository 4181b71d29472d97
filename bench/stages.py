"""Where a full build's time goes: the share of each stage, on one core.

    python bench/stages.py CORPUS [--db FILE] [--json]

Runs `hubkb build --full` in this process with one worker (the stages then
run one after the other, so their times add up to the build's), and times
each stage by wrapping the functions that do it: reading a post file (front
matter, Markdown body), resolving names, finding mentions (Aho–Corasick),
making rows, writing the workers' chunk files, merging them into the
database, and the steps that run once at the end (full-text indexes, foreign
key indexes, French stems, reuse, ANALYZE and the rest of `finish`). With
more than one core the per-post stages run in parallel workers and the rest
(merge, finish) in the parent: `bench/run.py` prints these shares next to
the measured wall times. Wrapping costs about a microsecond a call.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent import futures
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]


def stage_targets() -> dict[str, tuple[Any, str]]:
    """stage name -> (object, attribute) of the function that does it."""
    from hubkb import build, read, resolve
    from hubkb.db import inspect, lineage, rows, write
    from hubkb.mentions import MentionIndex

    return {
        "prepare (schema, authorities, automaton)": (build, "_prepare"),
        "list and hash post files": (build, "find_posts"),
        "read posts (front matter, body)": (read, "read_post"),  # build imports them when it reads posts
        "resolve names": (resolve, "resolve_post"),
        "find mentions": (MentionIndex, "find_posts" if hasattr(MentionIndex, "find_posts") else "find"),
        "make rows (variants included)": (rows, "post_rows"),
        "write chunk files": (write.Writer, "add_post"),
        "close chunk files": (write.Writer, "close"),
        "merge chunks": (write.Writer, "merge"),
        "reuse: relay facts, texts set aside": (lineage.ReuseAside, "__init__"),
        "reuse: finding pairs (a thread beside the full-text indexes)": (lineage, "_find_reuse_aside"),
        "reuse: writing pairs": (lineage.ReuseAside, "write"),
        "full-text indexes": (write.Writer, "_enable_fts"),
        "foreign-key and page indexes": (write.Writer, "_index_foreign_keys"),
        "stems": (write, "refresh_stems"),
        "finish (ANALYZE, counts, rest)": (write.Writer, "finish"),
        "remember file hashes": (build, "_post_hashes"),
        "inspect data (table counts)": (inspect, "write_inspect_data"),
    }


def profile(corpus: Path, db: Path) -> dict[str, Any]:
    """{"total": seconds, "stages": {name: seconds}} of one full build on one core."""
    from hubkb import build

    targets = stage_targets()
    spent = dict.fromkeys(targets, 0.0)

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - t0

        return wrapper

    with ExitStack() as stack:
        for name, (owner, attr) in targets.items():
            stack.enter_context(mock.patch.object(owner, attr, timed(name, getattr(owner, attr))))
        stack.enter_context(mock.patch.object(build, "_cores", lambda: 1))
        # what a build does in a thread beside the full-text indexes, done here in turn, so that the times add up
        stack.enter_context(mock.patch.object(futures, "ThreadPoolExecutor", _InTurn))
        db.unlink(missing_ok=True)
        t0 = time.perf_counter()
        build.build(corpus, db, ROOT / "schema.yaml", full=True)
        total = time.perf_counter() - t0
    # Nested stages: the chunk writer's close flushes rows; finish holds the indexes and stems.
    spent["finish (ANALYZE, counts, rest)"] -= (
        spent["full-text indexes"]
        + spent["foreign-key and page indexes"]
        + spent["stems"]
        + spent["reuse: writing pairs"]
    )
    spent["reuse: relay facts, texts set aside"] -= spent[
        "reuse: finding pairs (a thread beside the full-text indexes)"
    ]
    spent["other (build's own code)"] = total - sum(spent.values())
    return {"total": total, "stages": spent}


class _InTurn(futures.Executor):
    """An executor that runs each call at once, in the calling thread."""

    def __init__(self, *args: Any) -> None:
        pass

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> futures.Future[Any]:
        done: futures.Future[Any] = futures.Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            done.set_exception(exc)
        return done


def lines(result: dict[str, Any]) -> list[str]:
    total = result["total"]
    out = [f"| stage (one core, {total:.1f} s in all) | s | share |", "|---|---|---|"]
    for name, seconds in sorted(result["stages"].items(), key=lambda kv: -kv[1]):
        out.append(f"| {name} | {seconds:.2f} | {seconds / total:.0%} |")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--db", type=Path, help="the database to build (default: a temporary file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    corpus = args.corpus / "corpus" if (args.corpus / "corpus" / "posts").is_dir() else args.corpus
    with tempfile.TemporaryDirectory(prefix="hubkb-profile-") as tmp:
        result = profile(corpus, args.db or Path(tmp) / "hubkb.db")
    print(json.dumps(result, indent=1) if args.json else "\n".join(lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
