"""The benchmark of the performance issue, in one run on the same generated files.

    python bench/run.py [--sizes 1000,5000,10000] [--repeat 3] [--out bench/out] [--quick]

For each N: generate the corpus (generate.py, seed 1), then R times, interleaved so
that a change in the machine's load hits every tool alike: `hubkb build --full` on a
fresh database, a rebuild after one post's last paragraph gains a sentence, a rebuild
with nothing changed, the peer (markdown-to-sqlite + sqlite-utils enable-fts) and the
floor (floor.py). Every command is a child process measured by `measure.run_timed`
(wall seconds, peak RSS); figures are medians over R. Then, on the N=1,000 corpus
generated with 300 and with 10,000 aliases, `hubkb check` (read, resolve, mentions;
no writing); and on the largest database, passage-search latency: the canned query
and the posts search page of `hubkb serve` over loopback HTTP, and the `hubkb search`
library call in process. The Markdown table goes to stdout and OUT/results.md, the
raw figures to OUT/results.json, the commands' output to OUT/run.log.

Also: the database file against the floor's (size and its largest objects),
where a full build's time goes (bench/stages.py, one core), the posts search
page with and without its facets and count, the importer's curve
(bench/importer.py, #12.7) and the serving section (bench/scaleout.py, #14.6).
`--large` adds a 50,000-post point (one build, its peak RSS, and search
latency on it) compared with the largest of the sizes: its time a post with
that size's corpus built again just before and just after it, its canned search
with that size's database served beside it, each query asked of both in turn
(the host's speed drifts over the minutes between the two points).

`--quick` is a smoke run: sizes 200 and 1,000, one repeat, fewer requests.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import scaleout  # noqa: E402
from measure import run_timed  # noqa: E402
from peer import run_floor, run_peer, tool  # noqa: E402

ALIAS_POSTS = 1000
ALIAS_COUNTS = (300, 10_000)
FIXED_QUERIES = [
    "coproduction",
    "co-production",
    "region",
    "Région",
    "27ème région",
    '"services publics"',
    '"design de services"',
    "innovation publique",
    "Laura Prandelle",
    "copro*",
    "numérique",
    "usagers",
]
RARE_WORDS = 8
LARGE_POSTS = 50_000
# the canned passage search as JSON: its path, and its parameters for a query
CANNED_SEARCH: tuple[str, Callable[[str], dict[str, str]]] = (
    "/hubkb/search_passages.json",
    lambda q: {"q": q, "_shape": "array"},
)
# the posts search page, whole and without its parts, to cost facets and count separately
POSTS_PAGES = {
    "posts_page": {},
    "posts_page_nofacet": {"_nofacet": "1"},
    "posts_page_bare": {"_nofacet": "1", "_nocount": "1"},
}
SERVER_START_SECONDS = 300.0
ENDPOINT_DEADLINE_SECONDS = 180.0


class BenchError(RuntimeError):
    pass


# ---------------------------------------------------------------- commands ----


class Runner:
    """Runs measured commands with their output appended to one log file."""

    def __init__(self, log: Path) -> None:
        self.log = log
        log.write_bytes(b"")

    def timed(self, cmd: Sequence[str], cwd: Path | None = None) -> tuple[float, float]:
        with self.log.open("ab") as out:
            out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
            out.flush()
            seconds, peak_mb, rc = run_timed([str(c) for c in cmd], cwd, stdout=out, stderr=out)
        if rc != 0:
            raise BenchError(f"exit {rc}: {' '.join(map(str, cmd))} (see {self.log})")
        return seconds, peak_mb


def generate(runner: Runner, n: int, outdir: Path, aliases: int = 300) -> Path:
    """A fresh corpus (regenerated every run: the one-post rebuilds edit a post)."""
    runner.timed(
        [sys.executable, HERE / "generate.py", str(n), outdir, "--seed", "1", "--aliases", str(aliases), "--overwrite"]
    )
    return outdir / "corpus"


def touch_post(corpus: Path, stamp: int) -> Path:
    """Append a sentence to the last paragraph of the middle post (its body only)."""
    posts = sorted((corpus / "posts").glob("*.md"))
    post = posts[len(posts) // 2]
    text = post.read_text("utf-8").rstrip("\n")
    post.write_text(f"{text} Une phrase ajoutée pour le banc d’essai numéro {stamp}.\n", "utf-8")
    return post


def bench_size(runner: Runner, n: int, out: Path, repeat: int) -> dict[str, list[list[float]]]:
    """R interleaved runs of the five builds at N posts: {name: [[seconds, peak MB], ...]}."""
    folder = out / f"n{n}"
    corpus = generate(runner, n, folder)
    db = folder / "hubkb.db"
    hubkb = tool("hubkb")
    runs: dict[str, list[list[float]]] = {k: [] for k in ("full", "one", "none", "peer", "floor")}
    for r in range(repeat):
        db.unlink(missing_ok=True)
        runs["full"].append(list(runner.timed([hubkb, "build", "--corpus", corpus, "--db", db, "--full"])))
        touch_post(corpus, r + 1)
        runs["one"].append(list(runner.timed([hubkb, "build", "--corpus", corpus, "--db", db])))
        runs["none"].append(list(runner.timed([hubkb, "build", "--corpus", corpus, "--db", db])))
        for name, run in (("peer", run_peer), ("floor", run_floor)):
            result = run(corpus, folder / f"{name}.db")
            if not result.ok:
                raise BenchError(f"{name} failed at N={n}")
            runs[name].append([result.seconds, result.peak_rss_mb])
        line = ", ".join(f"{k} {v[-1][0]:.2f} s {v[-1][1]:.0f} MB" for k, v in runs.items())
        print(f"N={n:,} run {r + 1}/{repeat}: {line}", file=sys.stderr)
    return runs


def bench_aliases(runner: Runner, out: Path, repeat: int, n: int) -> dict[int, list[float]]:
    """`hubkb check` seconds on the same N posts with 300 and 10,000 aliases."""
    corpora = {k: generate(runner, n, out / f"n{n}-aliases{k}", aliases=k) for k in ALIAS_COUNTS}
    seconds: dict[int, list[float]] = {k: [] for k in ALIAS_COUNTS}
    for r in range(repeat):  # short runs, noisier: main() asks for more of them
        for k, corpus in corpora.items():
            seconds[k].append(runner.timed([tool("hubkb"), "check", "--corpus", corpus])[0])
        print(
            f"aliases run {r + 1}/{repeat}: " + ", ".join(f"K={k} {v[-1]:.2f} s" for k, v in seconds.items()),
            file=sys.stderr,
        )
    return seconds


# ------------------------------------------------------------------ search ----


def search_queries(db: Path) -> list[str]:
    """The fixed mix plus the rarest words of the index (in at least 2 paragraphs, 6+ letters)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, paragraphs_fts, 'row')")
        rare = [
            t
            for (t,) in conn.execute(
                "SELECT term FROM temp.v WHERE doc >= 2 AND length(term) >= 6 "
                "AND term GLOB '[a-z]*' ORDER BY doc, term LIMIT ?",
                [RARE_WORDS],
            )
        ]
    finally:
        conn.close()
    return FIXED_QUERIES + rare


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in ms (nearest rank), and the count."""
    ordered = sorted(samples)

    def rank(p: int) -> float:
        return ordered[max(0, -(-len(ordered) * int(p) // 100) - 1)] * 1000

    return {"p50": rank(50), "p95": rank(95), "n": len(ordered)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_latency(
    db: Path, corpus: Path, queries: list[str], requests: int, log: Path, posts_pages: bool = True
) -> dict[str, dict]:
    """Sequential requests (one keep-alive client, after one warm-up pass) to `hubkb serve`."""
    with served(db, corpus, log) as url:
        endpoints: dict[str, tuple[str, Callable[[str], dict[str, str]]]] = {
            "canned": CANNED_SEARCH,
        }
        for name, extra in POSTS_PAGES.items() if posts_pages else ():
            endpoints[name] = ("/hubkb/posts", lambda q, extra=extra: {"_search": q, **extra})
        results = {}
        with httpx.Client(base_url=url, timeout=30.0) as client:
            for name, (path, params) in endpoints.items():
                results[name] = time_requests([client], path, params, queries, requests)[0]
                print(f"{name}: {results[name]}", file=sys.stderr)
        return results


def paired_latency(served_files: list[tuple[Path, Path]], queries: list[str], requests: int, log: Path) -> list[dict]:
    """The canned search of `http_latency` on several files (database, corpus) at once, each served by its own
    `hubkb serve`: each query asked of one server after the other, so that the host's drift over the minutes
    hits every file alike."""
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(served(db, corpus, log)) for db, corpus in served_files]
        clients = [stack.enter_context(httpx.Client(base_url=url, timeout=30.0)) for url in urls]
        results = time_requests(clients, *CANNED_SEARCH, queries, requests)
    for (db, _corpus), result in zip(served_files, results):
        print(f"canned, {db.parent.name} (paired): {result}", file=sys.stderr)
    return results


@contextlib.contextmanager
def served(db: Path, corpus: Path, log: Path) -> Iterator[str]:
    """`hubkb serve` of `db` on a free loopback port, answering: its URL."""
    port = _free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [
                tool("hubkb"),
                "serve",
                "--corpus",
                str(corpus),
                "--db",
                str(db),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_server(server, url)
        yield url
    finally:
        stop_server(server)


def wait_for_server(server: subprocess.Popen, url: str) -> None:
    stop = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < stop:
        if server.poll() is not None:
            raise BenchError(f"hubkb serve exited with {server.returncode}")
        try:
            if httpx.get(url + "/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise BenchError(f"hubkb serve did not answer within {SERVER_START_SECONDS:.0f} s")


def stop_server(server: subprocess.Popen) -> None:
    """Terminate the server's process group (it was started in a session of its own)."""
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)


def time_requests(
    clients: list[httpx.Client],
    path: str,
    params: Callable[[str], dict[str, str]],
    queries: list[str],
    requests: int,
) -> list[dict]:
    """`requests` requests to each client's server, the queries cycled; each query asked of one client after the
    other. The figures of each client."""
    for q in queries:  # warm-up: connection, SQLite page cache, Datasette's first-use work
        for client in clients:
            client.get(path, params=params(q))
    by_query: list[dict[str, list[float]]] = [{q: [] for q in queries} for _ in clients]
    errors, deadline = [0] * len(clients), time.monotonic() + ENDPOINT_DEADLINE_SECONDS * len(clients)
    for i in range(requests):
        if time.monotonic() > deadline:
            break
        q = queries[i % len(queries)]
        for k, client in enumerate(clients):
            t0 = time.perf_counter()
            response = client.get(path, params=params(q))
            response.read()
            by_query[k][q].append(time.perf_counter() - t0)
            errors[k] += response.status_code != 200
    results = []
    for found, failed in zip(by_query, errors):
        slowest = sorted(((statistics.median(v) * 1000, q) for q, v in found.items() if v), reverse=True)[:3]
        results.append(
            {
                **percentiles([x for v in found.values() for x in v]),
                "errors": failed,
                "slowest": [[q, round(ms, 1)] for ms, q in slowest],
            }
        )
    return results


def inprocess_latency(db: Path, queries: list[str], requests: int) -> dict[str, float]:
    """What `hubkb search QUERY --db DB --json` runs, timed in this process (no startup)."""
    from hubkb.writer.search import search

    latencies = []
    for i in range(requests):
        t0 = time.perf_counter()
        json.dumps(search(db, queries[i % len(queries)], limit=10).to_json(), ensure_ascii=False)
        latencies.append(time.perf_counter() - t0)
    return percentiles(latencies)


def cli_processes(runner: Runner, db: Path, repeat: int) -> dict[str, list[float]]:
    """Median [seconds, peak MB] of `hubkb --version` (startup, imports) and of a `hubkb search` process."""
    hubkb = tool("hubkb")
    cmds = {"startup": [hubkb, "--version"], "search": [hubkb, "search", "coproduction", "--db", db, "--json"]}
    runs = {k: [runner.timed(cmd) for _ in range(repeat)] for k, cmd in cmds.items()}
    return {k: [statistics.median(r[0] for r in v), statistics.median(r[1] for r in v)] for k, v in runs.items()}


# ------------------------------------------------------------------ report ----


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def medians(runs: dict[str, list[list[float]]]) -> dict[str, tuple[float, float]]:
    return {k: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v)) for k, v in runs.items()}


def build_table(sizes: list[int], m: dict[int, dict[str, tuple[float, float]]]) -> list[str]:
    head = "| measure | " + " | ".join(f"N = {n:,}" for n in sizes) + " | target |"
    rows = [head, "|" + "---|" * (len(sizes) + 2)]

    def row(label: str, cell: Callable[[dict[str, tuple[float, float]], int], str], target: str = "") -> None:
        rows.append(f"| {label} | " + " | ".join(cell(m[n], n) for n in sizes) + f" | {target} |")

    row("`hubkb build --full`: s", lambda d, n: f"{d['full'][0]:.2f}")
    row("`hubkb build --full`: peak RSS MB", lambda d, n: f"{d['full'][1]:.0f} {mark(d['full'][1] <= 250)}", "≤ 250 MB")
    row(
        "one-post rebuild: s (% of full)",
        lambda d, n: f"{d['one'][0]:.2f} ({d['one'][0] / d['full'][0]:.1%} {mark(d['one'][0] <= 0.05 * d['full'][0])})",
        "≤ 5%",
    )
    row(
        "no-change rebuild: s (% of full)",
        lambda d, n: (
            f"{d['none'][0]:.2f} ({d['none'][0] / d['full'][0]:.1%} {mark(d['none'][0] <= 0.02 * d['full'][0])})"
        ),
        "≤ 2%",
    )
    row("rebuilds: peak RSS MB (one-post / no-change)", lambda d, n: f"{d['one'][1]:.0f} / {d['none'][1]:.0f}")
    row("peer (markdown-to-sqlite + enable-fts): s / peak MB", lambda d, n: f"{d['peer'][0]:.2f} / {d['peer'][1]:.0f}")
    row("floor (floor.py): s / peak MB", lambda d, n: f"{d['floor'][0]:.2f} / {d['floor'][1]:.0f}")
    row(
        "full build / peer",
        lambda d, n: f"{d['full'][0] / d['peer'][0]:.2f}× {mark(d['full'][0] <= 0.30 * d['peer'][0])}",
        "≤ 0.30×",
    )
    row(
        "full build / floor",
        lambda d, n: f"{d['full'][0] / d['floor'][0]:.2f}× {mark(d['full'][0] <= 2.5 * d['floor'][0])}",
        "≤ 2.5×",
    )
    row("full build: ms a post", lambda d, n: f"{d['full'][0] / n * 1000:.2f}")
    return rows


def scaling_lines(
    sizes: list[int], m: dict[int, dict[str, tuple[float, float]]], aliases: dict[int, list[float]], alias_posts: int
) -> list[str]:
    lo, hi = sizes[0], sizes[-1]
    per_post = {n: m[n]["full"][0] / n for n in sizes}
    time_ratio = per_post[hi] / per_post[lo]
    rss_ratio = m[hi]["full"][1] / m[lo]["full"][1]
    k_lo, k_hi = (statistics.median(aliases[k]) for k in ALIAS_COUNTS)
    return [
        "| scaling | figure | target |",
        "|---|---|---|",
        f"| build time a post, N = {hi:,} vs {lo:,} | {time_ratio:.2f}× "
        f"{mark(time_ratio <= 1.25)} | ≤ 1.25× (linear or better) |",
        f"| peak RSS, N = {hi:,} vs {lo:,} ({hi // lo}× the posts) | {rss_ratio:.2f}× "
        f"{mark(rss_ratio < hi / lo)} | < {hi / lo:.0f}× (less than linear) |",
        f"| `hubkb check`, {alias_posts:,} posts: {ALIAS_COUNTS[1]:,} vs {ALIAS_COUNTS[0]} aliases "
        f"(medians of {len(aliases[ALIAS_COUNTS[0]])}) "
        f"| {k_hi:.2f} s / {k_lo:.2f} s = {k_hi / k_lo:.2f}× {mark(k_hi <= 1.20 * k_lo)} | ≤ 1.20× |",
    ]


def search_lines(n: int, http: dict[str, dict], inproc: dict[str, float], cli: dict[str, list[float]]) -> list[str]:
    c, p = http["canned"], http["posts_page"]
    return [
        f"| passage search, N = {n:,} | p50 ms | p95 ms | target |",
        "|---|---|---|---|",
        f"| canned `search_passages` JSON over HTTP ({c['n']} requests, {c['errors']} errors) "
        f"| {c['p50']:.1f} | {c['p95']:.1f} {mark(c['p95'] <= 25 and not c['errors'])} | p95 ≤ 25 ms |",
        f"| Datasette posts search page `/hubkb/posts?_search=` HTML ({p['n']} requests, {p['errors']} errors) "
        f"| {p['p50']:.1f} | {p['p95']:.1f} {mark(p['p95'] <= 100 and not p['errors'])} | p95 ≤ 100 ms |",
        *posts_page_lines(http),
        f"| `hubkb search --json`, library call in process ({inproc['n']} calls) "
        f"| {inproc['p50']:.1f} | {inproc['p95']:.1f} | |",
        f"| `hubkb search --json` as a process, startup included (median, peak {cli['search'][1]:.0f} MB) "
        f"| {cli['search'][0] * 1000:.0f} | | |",
        f"| `hubkb --version`: process startup and imports alone (median) | {cli['startup'][0] * 1000:.0f} | | |",
        "",
        "Slowest queries over HTTP (median ms): "
        + "; ".join(
            f"{name} " + ", ".join(f"`{q}` {ms:.0f}" for q, ms in http[key]["slowest"])
            for name, key in (("canned", "canned"), ("posts page", "posts_page"))
        )
        + ".",
    ]


def posts_page_lines(http: dict[str, dict]) -> list[str]:
    """The posts page's parts: facets and count costed by leaving them out (`_nofacet`, `_nocount`)."""
    if "posts_page_bare" not in http:
        return []
    whole, nofacet, bare = (http[k] for k in POSTS_PAGES)
    return [
        f"| posts search page without its facets (`_nofacet=1`; the facets: {whole['p50'] - nofacet['p50']:+.1f} ms "
        f"at p50) | {nofacet['p50']:.1f} | {nofacet['p95']:.1f} | |",
        f"| posts search page without facets or count (`&_nocount=1`; the count: {nofacet['p50'] - bare['p50']:+.1f} "
        f"ms at p50): the sorted page of rows alone | {bare['p50']:.1f} | {bare['p95']:.1f} | |",
    ]


def database_sizes(out: Path, sizes: list[int]) -> dict[str, Any]:
    """MB of hubkb's file and the floor's at each N, and the largest objects of the largest file."""
    mb = {n: [(out / f"n{n}" / f).stat().st_size / 1e6 for f in ("hubkb.db", "floor.db")] for n in sizes}
    conn = sqlite3.connect(f"{(out / f'n{sizes[-1]}' / 'hubkb.db').resolve().as_uri()}?mode=ro", uri=True)
    try:
        objects = conn.execute(
            "SELECT name, sum(pgsize) / 1e6 FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12"
        ).fetchall()
    finally:
        conn.close()
    return {"mb": mb, "objects": objects}


def size_lines(sizes: list[int], figures: dict[str, Any]) -> list[str]:
    mb = figures["mb"]
    head = "| database file | " + " | ".join(f"N = {n:,}" for n in sizes) + " | target |"
    ratios = [mb[n][0] / mb[n][1] for n in sizes]
    return [
        head,
        "|" + "---|" * (len(sizes) + 2),
        "| hubkb / floor, MB | " + " | ".join(f"{mb[n][0]:.0f} / {mb[n][1]:.0f}" for n in sizes) + " | |",
        "| hubkb / floor | "
        + " | ".join(f"{r:.2f}× {mark(r <= 1.6)}" if n == sizes[-1] else f"{r:.2f}×" for n, r in zip(sizes, ratios))
        + f" | ≤ 1.6× at N = {sizes[-1]:,} |",
        "",
        f"Largest objects at N = {sizes[-1]:,} (MB): "
        + ", ".join(f"{name} {size:.1f}" for name, size in figures["objects"])
        + ".",
    ]


def build_profile(runner: Runner, corpus: Path, out: Path) -> dict[str, Any]:
    """bench/stages.py on `corpus`: seconds per stage of a one-core full build, in a process of its own."""
    with runner.log.open("ab") as log:
        log.write(f"\n$ python bench/stages.py {corpus} --json\n".encode())
    result = subprocess.run(
        [sys.executable, HERE / "stages.py", corpus, "--db", out / "profile.db", "--json"],
        capture_output=True,
        text=True,
    )
    with runner.log.open("a", encoding="utf-8") as log:
        log.write(result.stderr)
    (out / "profile.db").unlink(missing_ok=True)
    if result.returncode != 0:
        raise BenchError(f"bench/stages.py failed (see {runner.log})")
    return json.loads(result.stdout)


def profile_lines(n: int, figures: dict[str, Any]) -> list[str]:
    import stages  # bench/stages.py

    return [
        f"Where a full build's time goes at N = {n:,}, stage by stage (bench/stages.py):",
        "",
        *stages.lines(figures),
    ]


def importer_curve(runner: Runner, quick: bool) -> list[str]:
    """bench/importer.py's own lines (#11.7, #12.7: the curve over page size, 20 pages at once)."""
    cmd = [sys.executable, str(HERE / "importer.py"), *(["--sizes", "0.25", "1"] if quick else [])]
    with runner.log.open("ab") as log:
        log.write(f"\n$ {' '.join(cmd)}\n".encode())
    result = subprocess.run(cmd, capture_output=True, text=True)
    with runner.log.open("a", encoding="utf-8") as log:
        log.write(result.stdout + result.stderr)
    if result.returncode != 0:
        raise BenchError(f"bench/importer.py failed (see {runner.log})")
    return [line for line in result.stdout.splitlines() if line.strip()]


def bench_large(
    runner: Runner, out: Path, queries: list[str], requests: int, n: int, yardstick: Path
) -> dict[str, Any]:
    """One full build at `n` posts (its time and peak RSS) and search latency on it; and a full build of the
    corpus in `yardstick` (the largest size's folder) just before it and just after it."""
    folder = out / f"n{n}"
    corpus = generate(runner, n, folder)
    db = folder / "hubkb.db"
    db.unlink(missing_ok=True)
    hubkb = tool("hubkb")
    # The stage (authority records, name indexes, mention automaton) a check or full build of these authority
    # files keeps: the 10,000-post figure is the median of three builds, the last two of which took it from
    # the first; a check makes it here (4 s of one core at 50,000 posts), so both figures are of builds that have it.
    checked, _ = runner.timed([hubkb, "check", "--corpus", corpus])
    # The host's speed drifts over minutes (the same 10,000-post build took 11 to 16 s from one run to the next):
    # the smaller corpus built again just before and just after the large one, so that the time a post is
    # compared with builds made in the same minutes as well as with the size table's median, made earlier
    beside = yardstick / "yardstick"  # a folder of its own: a build writes inspect-data.json beside its file

    def build_yardstick() -> float:
        shutil.rmtree(beside, ignore_errors=True)
        beside.mkdir()
        took, _peak = runner.timed(
            [hubkb, "build", "--corpus", yardstick / "corpus", "--db", beside / "hubkb.db", "--full"]
        )
        return took

    around = [build_yardstick()]
    seconds, peak = runner.timed([hubkb, "build", "--corpus", corpus, "--db", db, "--full"])
    around.append(build_yardstick())
    shutil.rmtree(beside)
    shown = ", ".join(f"{s:.1f}" for s in around)
    print(
        f"N={n:,}: check {checked:.1f} s, then full build {seconds:.1f} s, peak {peak:.0f} MB "
        f"({yardstick.name} before and after: {shown} s)",
        file=sys.stderr,
    )
    # the canned search on both files, each query asked of the smaller's server, then of this one's
    near, far = paired_latency(
        [(yardstick / "hubkb.db", yardstick / "corpus"), (db, corpus)], queries, requests, runner.log
    )
    return {
        "posts": n,
        "full": [seconds, peak],
        "around": around,
        "http": {"canned": far},
        "near": {"canned": near},
        "mb": db.stat().st_size / 1e6,
    }


def large_lines(n: int, m: dict[str, tuple[float, float]], http: dict[str, dict], large: dict[str, Any]) -> list[str]:
    big_per_post = large["full"][0] / large["posts"]
    near = sum(large["around"]) / len(large["around"]) / n  # the builds of N posts just before and after
    per_post = m["full"][0] / n  # the median of the size table
    ratio, table_ratio = big_per_post / near, big_per_post / per_post
    p95, big_p95, table_p95 = large["near"]["canned"]["p95"], large["http"]["canned"]["p95"], http["canned"]["p95"]
    errors = large["http"]["canned"]["errors"] + large["near"]["canned"]["errors"]
    return [
        f"| how cost grows, N = {large['posts']:,} (one build, after a check) vs N = {n:,} | figure | target |",
        "|---|---|---|",
        f"| build time a post, against the N = {n:,} builds just before and after it "
        f"({' and '.join(f'{s:.2f} s' for s in large['around'])}) | {big_per_post * 1000:.2f} ms vs "
        f"{near * 1000:.2f} ms = {ratio:.2f}× {mark(ratio <= 1.25)} | ≤ 1.25× |",
        f"| build time a post, against the size table's median at N = {n:,} | {big_per_post * 1000:.2f} ms vs "
        f"{per_post * 1000:.2f} ms = {table_ratio:.2f}× | |",
        f"| `hubkb build --full` peak RSS | {large['full'][1]:.0f} MB {mark(large['full'][1] <= 250)} | ≤ 250 MB |",
        f"| canned passage search p95 over HTTP, each query asked of both files' servers in turn "
        f"| {big_p95:.1f} ms vs {p95:.1f} ms = {big_p95 / p95:.2f}× {mark(big_p95 <= 2 * p95 and not errors)} | ≤ 2× |",
        f"| canned passage search p95, against the search section's at N = {n:,} | {big_p95:.1f} ms vs "
        f"{table_p95:.1f} ms = {big_p95 / table_p95:.2f}× | |",
        f"| database file | {large['mb']:.0f} MB | |",
    ]


def git_version() -> str:
    """The commit measured, and whether src/ differs from it."""

    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=HERE, capture_output=True, text=True).stdout.strip()

    dirty = " (src modified)" if git("status", "--porcelain", "--", "../src") else ""
    return (git("rev-parse", "--short", "HEAD") or "?") + dirty


def header(
    args: argparse.Namespace, load_start: tuple[float, ...], version_start: str, elapsed: float, compiled: str
) -> list[str]:
    load_end, version = os.getloadavg(), git_version()
    if version != version_start:
        version = f"{version_start} (NOTE: {version} at the end, the code changed during the run)"
    import yaml

    versions = (
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"PyYAML {yaml.__version__} (libyaml {'yes' if hasattr(yaml, 'CSafeLoader') else 'no'})"
    )
    return [
        "## Benchmark results",
        "",
        f"`python bench/run.py --sizes {','.join(map(str, args.sizes))} --repeat {args.repeat}"
        f"{' --quick' if args.quick else ''}{f' --large --large-posts {args.large_posts}' if args.large else ''}` at commit {version} on {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), {versions}; load average {'/'.join(f'{x:.2f}' for x in load_start)} "
        f"at start, {'/'.join(f'{x:.2f}' for x in load_end)} at end (1/5/15 min); {elapsed / 60:.1f} min in all.",
        f"Medians of {args.repeat} interleaved runs; generated corpora, seed 1, 300 aliases unless said. "
        "Peak RSS is the largest single process of the command (`wait4`; hubkb's build workers are forked "
        f"and share the parent's pages). {compiled}",
        "",
    ]


# -------------------------------------------------------------------- main ----


def compile_hubkb() -> str:
    """hubkb's modules compiled to bytecode before any timing, as `pip install` compiles a package (the
    peer's were, at their install). An editable install leaves that to the first import, and a machine
    that sets PYTHONDONTWRITEBYTECODE (this VM does) then compiles some thirty modules in every hubkb
    process: about 0.1 s of each build and rebuild. Returns what the report says about it."""
    import compileall

    import hubkb

    compileall.compile_dir(Path(hubkb.__file__).parent, quiet=1)
    flag = " (PYTHONDONTWRITEBYTECODE is set here)" if os.environ.get("PYTHONDONTWRITEBYTECODE") else ""
    return f"hubkb's modules compiled to bytecode first, as `pip install` does{flag}. {console_script()}"


def console_script() -> str:
    """What the report says of the `hubkb` command every hubkb figure runs: the console script pip wrote.
    pip before 25.2 writes one that imports `re` (with `enum`, about 12 ms of each command on this VM)
    before hubkb's code runs; hubkb's own way to "up to date" loads neither."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        pip = f"pip {version('pip')}"
    except PackageNotFoundError:
        pip = "no pip"
    loads_re = "import re" in Path(tool("hubkb")).read_text("utf-8", "replace")
    return f"The `hubkb` console script ({pip} in this environment) " + (
        "imports `re` before hubkb's code runs, as pip before 25.2 writes it." if loads_re else "does not import `re`."
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="comma-separated post counts")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each build; medians are reported")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="corpora, databases and results")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per search endpoint")
    parser.add_argument("--quick", action="store_true", help="smoke run: sizes 200,1000, one repeat")
    parser.add_argument("--large", action="store_true", help=f"add a {LARGE_POSTS:,}-post point (not in CI)")
    parser.add_argument("--large-posts", type=int, default=LARGE_POSTS, help="posts of the --large point")
    parser.add_argument("--no-serving", action="store_true", help="leave out the load and replica section")
    parser.add_argument("--no-importer", action="store_true", help="leave out the importer curve")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat, args.requests = "200,1000", 1, 50
    args.sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    if not args.sizes or args.repeat < 1 or args.requests < 1:
        parser.error("give at least one size, --repeat ≥ 1 and --requests ≥ 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    start, load_start, version_start = time.perf_counter(), os.getloadavg(), git_version()
    compiled = compile_hubkb()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    runner = Runner(out / "run.log")
    try:
        raw = {n: bench_size(runner, n, out, args.repeat) for n in args.sizes}
        alias_posts = min(ALIAS_POSTS, args.sizes[-1])
        aliases = bench_aliases(runner, out, 2 * args.repeat + 1, alias_posts)
        big = args.sizes[-1]
        db, corpus = out / f"n{big}" / "hubkb.db", out / f"n{big}" / "corpus"
        queries = search_queries(db)
        http = http_latency(db, corpus, queries, args.requests, runner.log)
        inproc = inprocess_latency(db, queries, args.requests)
        cli = cli_processes(runner, db, args.repeat)
        sizes = database_sizes(out, args.sizes)
        profile = build_profile(runner, corpus, out)
        large = bench_large(runner, out, queries, args.requests, args.large_posts, db.parent) if args.large else None
        importer = [] if args.no_importer else importer_curve(runner, args.quick)
        # serving: load and replicas (bench/scaleout.py)
        scale = None if args.no_serving else scaleout.measure(db, corpus, quick=args.quick)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    m = {n: medians(raw[n]) for n in args.sizes}
    lines = [
        *header(args, load_start, version_start, time.perf_counter() - start, compiled),
        *build_table(args.sizes, m),
        "",
        *size_lines(args.sizes, sizes),
        "",
        *scaling_lines(args.sizes, m, aliases, alias_posts),
        "",
        *(large_lines(big, m[big], http, large) + [""] if large else []),
        *profile_lines(big, profile),
        "",
        *search_lines(big, http, inproc, cli),
        "",
        *(scaleout.lines(scale) + [""] if scale else []),
        *(["Importer (bench/importer.py):", "", *(f"    {line}" for line in importer), ""] if importer else []),
        f"Queries ({len(queries)}, cycled): " + ", ".join(f"`{q}`" for q in queries) + ".",
    ]
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    (out / "results.md").write_text(report, "utf-8")
    (out / "results.json").write_text(
        json.dumps(
            {
                "sizes": args.sizes,
                "repeat": args.repeat,
                "builds": raw,
                "aliases": aliases,
                "http": http,
                "inprocess": inproc,
                "cli_search": cli,
                "serving": scale,
                "sizes_mb": sizes,
                "profile": profile,
                "large": large,
                "importer": importer,
                "queries": queries,
            },
            indent=1,
            ensure_ascii=False,
        ),
        "utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
