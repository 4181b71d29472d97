"""Load: concurrent clients against `hubkb serve` on loopback, driven by locust (headless).

    python bench/load.py [--requests 2000] [--clients 20] [--url URL | --corpus DIR [--db FILE]]

With `--url`, the server at URL is loaded; otherwise a `hubkb serve` (one
worker process a CPU, its default) is started on a free loopback port and
stopped afterwards: on the corpus DIR (a generated
one: `python bench/generate.py 10000 OUT`, then `--corpus OUT/corpus`), built
into FILE or a temporary folder, or on a copy of the default corpus. The mix
is bench/locustfile.py's: ranked passage search, table search, faceted table
pages, post and people row pages, canned queries, CSV (streamed and not) and
.bib exports, each user sending requests back to back. The run stops after
`--requests` requests or `--deadline` seconds, whichever comes first, and
prints requests, errors, throughput and latency percentiles (locust's). Exit
status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


@dataclass
class Result:
    """What locust measured: counts, throughput and latency percentiles (ms) over every request."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    rate: float = 0.0  # requests a second
    percentiles: dict[str, float] = field(default_factory=dict)  # "50%", "95%", "99%", "100%" -> ms
    failures: dict[str, int] = field(default_factory=dict)  # "GET path: error" -> count
    endpoints: dict[str, dict[str, float]] = field(default_factory=dict)  # name -> {"requests", "50%", "95%"}

    def percentile(self, p: int) -> float:
        """The p-th percentile in seconds."""
        return self.percentiles.get(f"{p}%", 0.0) / 1000

    def summary(self) -> str:
        p = self.percentiles
        return (
            f"{self.requests} requests, {self.errors} errors in {self.seconds:.1f} s ({self.rate:.1f} req/s); "
            f"latency ms: p50 {p.get('50%', 0):.0f}, p95 {p.get('95%', 0):.0f}, "
            f"p99 {p.get('99%', 0):.0f}, max {p.get('100%', 0):.0f}"
        )


def run_locust(url: str, requests: int = 2000, clients: int = 20, deadline: float = 300.0) -> Result:
    """`locust --headless` with `clients` users against `url`, until `requests` are answered or `deadline`."""
    with tempfile.TemporaryDirectory(prefix="hubkb-locust-") as tmp:
        summary = Path(tmp) / "summary.json"
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
        command += ["--users", str(clients), "--spawn-rate", str(clients), "--run-time", f"{int(deadline)}s"]
        command += ["--host", url, "--loglevel", "WARNING"]
        env = {**os.environ, "HUBKB_LOAD_REQUESTS": str(requests), "HUBKB_LOAD_SUMMARY": str(summary)}
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=deadline + 120)
        seconds = time.perf_counter() - start
        if not summary.exists():
            raise RuntimeError(f"locust wrote no figures (exit {done.returncode}):\n{done.stderr[-3000:]}")
        figures = json.loads(summary.read_text(encoding="utf-8"))
    total = figures["total"]
    return Result(
        requests=total["requests"],
        errors=total["failures"],
        seconds=seconds,
        rate=total["rate"],
        percentiles={k: total[k] for k in ("50%", "95%", "99%", "100%")},
        failures=figures["failures"],
        endpoints=figures["endpoints"],
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Until `url` answers 200; fails when the process exits first or the time is up."""
    stop = time.monotonic() + timeout
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def start_server(
    folder: Path, corpus: Path | None = None, db: Path | None = None, timeout: float = 600.0
) -> tuple[subprocess.Popen, str]:
    """`hubkb serve` on a free loopback port, run in `folder`: on `corpus` (default: a copy of the
    default corpus), into `db` (default: folder/hubkb.db); it builds first when the database is stale."""
    port = free_port()
    if corpus is None:
        corpus = folder / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
    args = ["serve", "--port", str(port), "--corpus", str(corpus), "--db", str(db or folder / "hubkb.db")]
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", "from hubkb.cli import cli; cli()", *args],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/-/versions.json", process, log, timeout)  # a large corpus is built before the server answers
    return process, url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--deadline", type=float, default=300.0, help="stop after this many seconds")
    parser.add_argument("--url", help="load this running server instead of starting one")
    parser.add_argument("--corpus", type=Path, help="serve this corpus (default: a copy of the default corpus)")
    parser.add_argument("--db", type=Path, help="the database of --corpus (default: in a temporary folder)")
    args = parser.parse_args(argv)
    if args.url and (args.corpus or args.db):
        parser.error("--url loads a running server: give it without --corpus or --db")
    if args.db and not args.corpus:
        parser.error("--db needs --corpus: hubkb serve rebuilds a stale database from its corpus")
    process = None
    with tempfile.TemporaryDirectory(prefix="hubkb-load-") as tmp:
        url = args.url
        if url is None:
            process, url = start_server(Path(tmp), args.corpus and args.corpus.resolve(), args.db and args.db.resolve())
        try:
            result = run_locust(url, args.requests, args.clients, args.deadline)
        finally:
            if process is not None:
                stop(process)
    print(result.summary())
    for name, failures in result.failures.items():
        print(f"  {failures} x {name}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
