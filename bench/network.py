"""The citation network page on a large corpus: server time, page weight and render time.

    python bench/network.py CORPUS DB [--runs 5] [--path /hubkb/-/network]

CORPUS is a corpus folder and DB its database (e.g. `python bench/generate.py 10000 OUT`, then
`hubkb build --corpus OUT/corpus --db OUT/hubkb.db`; `hubkb serve` builds it first when it is
stale). The page is asked of a real `hubkb serve` on loopback; each run
measures the server's CPU time for the request (the serving process's user + system time, from
/proc: the machine is shared, so wall time is printed beside, not relied on), the page's bytes,
and, in headless Chromium, the renderer's CPU time from navigation to the first drawn frame
(Chromium's ProcessTime metric, as tests/test_lineage_browser.py measures it). The first run
computes the graph; later runs of the same page come from the server's cache (hubkb.memo), so
both are shown. Medians are printed with every run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from load import start_server  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its threads, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("db", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--path", default="/hubkb/-/network")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    server, url = start_server(args.db.resolve().parent, args.corpus.resolve(), args.db.resolve())
    try:
        server_cpu, server_wall, sizes = [], [], []
        for _ in range(args.runs):
            before, start = cpu_seconds(server.pid), time.perf_counter()
            response = httpx.get(url + args.path, timeout=600)
            server_wall.append(time.perf_counter() - start)
            server_cpu.append(cpu_seconds(server.pid) - before)
            sizes.append(len(response.content))
            response.raise_for_status()
        render_cpu, render_wall, drawn = browser_runs(url + args.path, args.runs, args.chromium)
    finally:
        server.terminate()
        server.wait(10)
    print(f"{args.path} on {args.db.name}: {drawn['nodes']} nodes, {drawn['edges']} edges drawn; page {sizes[0] / 1e6:.2f} MB")  # fmt: skip
    print(f"server CPU s: first {server_cpu[0]:.2f}, then median {statistics.median(server_cpu[1:] or server_cpu):.3f} ({', '.join(f'{x:.2f}' for x in server_cpu)})")  # fmt: skip
    print(f"server wall s: first {server_wall[0]:.2f}, then median {statistics.median(server_wall[1:] or server_wall):.3f}")  # fmt: skip
    print(f"renderer CPU s to the first drawn frame: median {statistics.median(render_cpu):.2f} ({', '.join(f'{x:.2f}' for x in render_cpu)}); wall median {statistics.median(render_wall):.2f}")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f}")


def browser_runs(url: str, runs: int, chromium: str) -> tuple[list[float], list[float], dict]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def cpu() -> float:
            return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ProcessTime")  # fmt: skip

        page.goto(url, timeout=600_000)  # warms the browser's copy of Cytoscape.js
        page.wait_for_function("window.hubkbNetwork !== undefined", timeout=600_000)
        busy, wall = [], []
        for _ in range(runs):
            start, before = time.perf_counter(), cpu()
            page.goto(url, timeout=600_000)
            page.wait_for_function("window.hubkbNetwork !== undefined", timeout=600_000)
            wall.append(time.perf_counter() - start)
            busy.append(cpu() - before)
        drawn = page.evaluate("({nodes: hubkbNetwork.nodes, edges: hubkbNetwork.edges})")
        browser.close()
    return busy, wall, drawn


if __name__ == "__main__":
    main()
