"""Load: requests from concurrent clients against `hubkb serve` on loopback.

    python bench/load.py [--requests 2000] [--clients 20] [--url URL | --corpus DIR [--db FILE]]

With `--url`, the server at URL is loaded; otherwise a `hubkb serve` is started
on a free loopback port and stopped afterwards: on the corpus DIR (a generated
one: `python bench/generate.py 10000 OUT`, then `--corpus OUT/corpus`), built
into FILE or a temporary folder, or on a copy of the default corpus. The mix is what researchers do:
ranked passage search, table search, faceted table pages, post row pages
(rendered Markdown), entity pages, canned queries, CSV (streamed and not) and
.bib exports. The run is bounded: it stops after `--requests` requests or
`--deadline` seconds, whichever comes first, and prints requests, errors,
throughput and latency percentiles. Exit status 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, successful or not
    failures: dict[str, int] = field(default_factory=dict)  # "status path" -> count

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def summary(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        mean = statistics.fmean(self.latencies) if self.latencies else 0.0
        return (
            f"{self.requests} requests, {self.errors} errors in {self.seconds:.1f} s ({rate:.0f} req/s); "
            f"latency ms: mean {mean * 1000:.1f}, p50 {self.percentile(50) * 1000:.1f}, "
            f"p95 {self.percentile(95) * 1000:.1f}, p99 {self.percentile(99) * 1000:.1f}, "
            f"max {max(self.latencies, default=0) * 1000:.1f}"
        )


def request_mix(post_ids: list[str], people: list[str]) -> list[str]:
    """One round of the mix; row pages take turns over the ids given."""
    mix = [
        "/hubkb/search_passages.json?q=coproduction&_shape=array",
        "/hubkb/search_passages?q=27%C3%A8me+r%C3%A9gion",
        "/hubkb/search_passages.json?q=innovation+publique&_shape=array",
        "/hubkb/paragraphs.json?_search=services+publics&_shape=array",
        "/hubkb/posts",
        "/hubkb/posts.json?_facet=year&_facet_array=tags",
        "/hubkb/definitions",
        "/hubkb/definitions_of_term.json?term=coproduction&_shape=array",
        "/hubkb/who_cites_whom.json?name=&_shape=array",
        "/hubkb/works.csv?_stream=on",
        "/hubkb/posts.csv?_size=100",
        "/hubkb/works.bib",
    ]
    rows = [f"/hubkb/posts/{pid}" for pid in post_ids] + [f"/hubkb/people/{pid}" for pid in people]
    return mix + rows


async def _ids(client: httpx.AsyncClient, table: str, n: int) -> list[str]:
    response = await client.get(f"/hubkb/{table}.json", params={"_col": "id", "_size": n, "_shape": "array"})
    response.raise_for_status()
    return [r["id"] for r in response.json()]


async def load(url: str, requests: int = 2000, clients: int = 20, deadline: float = 300.0) -> Result:
    """Send `requests` requests from `clients` concurrent clients; stop early at `deadline` seconds."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30.0) as client:
        paths = request_mix(await _ids(client, "posts", 20), await _ids(client, "people", 10))
        result = Result()
        queue = iter(range(requests))
        start = time.perf_counter()

        async def worker() -> None:
            for i in queue:
                if time.perf_counter() - start > deadline:
                    return
                path = paths[i % len(paths)]
                t0 = time.perf_counter()
                try:
                    response = await client.get(path)
                    await response.aread()
                    status = response.status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                result.latencies.append(time.perf_counter() - t0)
                result.requests += 1
                if status != 200:
                    result.errors += 1
                    key = f"{status} {path}"
                    result.failures[key] = result.failures.get(key, 0) + 1

        await asyncio.gather(*(worker() for _ in range(clients)))
        result.seconds = time.perf_counter() - start
        return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    folder: Path, corpus: Path | None = None, db: Path | None = None, timeout: float = 600.0
) -> tuple[subprocess.Popen, str]:
    """`hubkb serve` on a free loopback port, run in `folder`: on `corpus` (default: a copy of the
    default corpus), into `db` (default: folder/hubkb.db); it builds first when the database is stale."""
    port = _free_port()
    if corpus is None:
        corpus = folder / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
    args = ["serve", "--port", str(port), "--corpus", str(corpus), "--db", str(db or folder / "hubkb.db")]
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from hubkb.cli import cli; cli()", *args],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    stop = time.monotonic() + timeout  # a large corpus is built before the server answers
    while time.monotonic() < stop:
        if process.poll() is not None:
            raise RuntimeError(f"hubkb serve exited: {(folder / 'serve.log').read_text()}")
        try:
            if httpx.get(url + "/-/versions.json", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"hubkb serve did not answer within {timeout:.0f} s")


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
            result = asyncio.run(load(url, args.requests, args.clients, args.deadline))
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    print(result.summary())
    if result.failures:
        print(json.dumps(result.failures, indent=2))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
