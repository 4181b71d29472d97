"""Time the peer pipeline and the floor script on a generated corpus.

    python bench/peer.py CORPUS [--db-dir DIR] [--only peer|floor] [--json]

CORPUS is a generated OUTDIR or its `corpus/` folder. Two pipelines, each
step a child process measured by `measure.run_timed` (wall time, peak RSS):

- peer: `markdown-to-sqlite DB posts posts/*.md` (what users would otherwise
  pick), then `sqlite-utils enable-fts DB posts title text` with hubkb's
  tokenizer. markdown-to-sqlite stores the body in `text` and its HTML in
  `html`, next to `_id`, `_path` and one column per front-matter key. It
  takes every file on its command line, parses them all (python-markdown
  included) into one in-memory list, then upserts them; the file list is
  split into several invocations only when it would overflow the kernel's
  argument limit (ARG_MAX, about 25,000 posts here).
- floor: `bench/floor.py CORPUS DB`, the least such a build can do.

Databases go to DIR (default: the corpus's parent), as peer.db and floor.db,
replaced on every run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import run_timed

HERE = Path(__file__).resolve().parent
TOKENIZER = "unicode61 remove_diacritics 2"
TABLE = "posts"


@dataclass(frozen=True)
class Step:
    name: str
    cmd: list[str]
    cwd: Path


@dataclass(frozen=True)
class StepResult:
    name: str
    seconds: float
    peak_rss_mb: float
    returncode: int


@dataclass
class PipelineResult:
    pipeline: str
    posts: int
    steps: list[StepResult] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(s.seconds for s in self.steps)

    @property
    def peak_rss_mb(self) -> float:
        return max((s.peak_rss_mb for s in self.steps), default=0.0)

    @property
    def ok(self) -> bool:
        return all(s.returncode == 0 for s in self.steps)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "seconds": self.seconds, "peak_rss_mb": self.peak_rss_mb, "ok": self.ok}


def corpus_dir(path: Path) -> Path:
    """Accept OUTDIR or OUTDIR/corpus."""
    for candidate in (path, path / "corpus"):
        if (candidate / "posts").is_dir():
            return candidate
    raise SystemExit(f"error: no posts/ folder in {path} or {path / 'corpus'}")


def post_paths(corpus: Path) -> list[str]:
    """Post files relative to `corpus` (short arguments), sorted."""
    return sorted(f"posts/{p.name}" for p in (corpus / "posts").glob("*.md"))


def tool(name: str) -> str:
    """A console script of this interpreter's environment (not a pyenv shim)."""
    sibling = Path(sys.executable).parent / name
    if sibling.exists():
        return str(sibling)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"error: {name} not found; pip install {name}")
    return found


def argv_budget() -> int:
    """Bytes of arguments a child may take: ARG_MAX minus the environment and a margin."""
    env_bytes = sum(len(k) + len(v) + 2 + 8 for k, v in os.environ.items())
    return os.sysconf("SC_ARG_MAX") - env_bytes - 64 * 1024


def chunk_arguments(fixed: Sequence[str], paths: Sequence[str], budget: int) -> list[list[str]]:
    """Split `paths` over as few commands `fixed + chunk` as fit in `budget` bytes."""

    def cost(arg: str) -> int:
        return len(arg.encode()) + 1 + 8  # the string, its NUL, its argv pointer

    base = sum(cost(a) for a in fixed)
    chunks: list[list[str]] = [[]]
    size = base
    for path in paths:
        if chunks[-1] and size + cost(path) > budget:
            chunks.append([])
            size = base
        chunks[-1].append(path)
        size += cost(path)
    return [[*fixed, *chunk] for chunk in chunks]


def peer_steps(corpus: Path, db: Path) -> list[Step]:
    fixed = [tool("markdown-to-sqlite"), str(db), TABLE]
    loads = chunk_arguments(fixed, post_paths(corpus), argv_budget())
    steps = [
        Step(f"markdown-to-sqlite{f' {i + 1}/{len(loads)}' if len(loads) > 1 else ''}", cmd, corpus)
        for i, cmd in enumerate(loads)
    ]
    fts = [tool("sqlite-utils"), "enable-fts", str(db), TABLE, "title", "text", "--fts5", "--tokenize", TOKENIZER]
    return [*steps, Step("sqlite-utils enable-fts", fts, corpus)]


def floor_steps(corpus: Path, db: Path) -> list[Step]:
    return [Step("floor.py", [sys.executable, str(HERE / "floor.py"), str(corpus), str(db)], corpus)]


def run_pipeline(name: str, steps: Sequence[Step], posts: int, db: Path) -> PipelineResult:
    """Run steps in order on a fresh database; stop at the first failure."""
    db.unlink(missing_ok=True)
    result = PipelineResult(name, posts)
    for step in steps:
        seconds, peak_mb, returncode = run_timed(step.cmd, cwd=step.cwd)
        result.steps.append(StepResult(step.name, seconds, peak_mb, returncode))
        if returncode != 0:
            break
    return result


def run_peer(corpus: Path, db: Path) -> PipelineResult:
    corpus, db = corpus_dir(corpus).resolve(), db.resolve()
    return run_pipeline("peer", peer_steps(corpus, db), len(post_paths(corpus)), db)


def run_floor(corpus: Path, db: Path) -> PipelineResult:
    corpus, db = corpus_dir(corpus).resolve(), db.resolve()
    return run_pipeline("floor", floor_steps(corpus, db), len(post_paths(corpus)), db)


def format_result(result: PipelineResult) -> str:
    lines = [
        f"{result.pipeline}: {result.posts} posts, {result.seconds:.2f} s, "
        f"peak RSS {result.peak_rss_mb:.0f} MB{'' if result.ok else ', FAILED'}"
    ]
    for s in result.steps:
        status = "" if s.returncode == 0 else f"  exit {s.returncode}"
        lines.append(f"  {s.name:<28} {s.seconds:8.2f} s {s.peak_rss_mb:8.0f} MB{status}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the peer pipeline and the floor script.")
    parser.add_argument("corpus", type=Path, metavar="CORPUS", help="generated OUTDIR or OUTDIR/corpus")
    parser.add_argument("--db-dir", type=Path, help="where peer.db and floor.db go")
    parser.add_argument("--only", choices=("peer", "floor"))
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args(argv)
    corpus = corpus_dir(args.corpus)
    db_dir = args.db_dir or corpus.parent
    db_dir.mkdir(parents=True, exist_ok=True)
    runners = {"peer": run_peer, "floor": run_floor}
    results = [runners[name](corpus, db_dir / f"{name}.db") for name in runners if args.only in (None, name)]
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        print("\n".join(format_result(r) for r in results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
