"""bench/run.py's serving section: load from 20 clients, then replicas behind nginx.

    measure(db, corpus) -> figures; lines(figures) -> the Markdown table with PASS/MISS

On the largest generated database: locust (bench/locustfile.py's mixed
workload: search, facets, row pages, CSV, .bib) with 20 users against one
`hubkb serve` (its default: one worker process a CPU; targets: 0 errors, p95
<= 500 ms); then the same workload against one and against two `datasette
serve -i` replicas of the file behind nginx (bench/replicas.py; one process
each), rounds alternating (target: two give >= 1.6x the
throughput of one, at a p95 no worse). The machine's load average is taken
at both ends: on a shared machine, only ratios measured in the same run mean
something.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import load  # noqa: E402
import replicas  # noqa: E402

CLIENTS = 20


def measure(db: Path, corpus: Path, metadata: Path | None = None, quick: bool = False) -> dict[str, Any]:
    """Figures of the load run and of the replica comparison on `db` (built from `corpus`)."""
    metadata = metadata or HERE.parent / "metadata.json"
    figures: dict[str, Any] = {"load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="hubkb-scaleout-") as tmp:
        process, url = load.start_server(Path(tmp), corpus.resolve(), db.resolve())
        try:
            load.run_locust(url, requests=CLIENTS * 5, clients=CLIENTS)  # warm: connections, caches
            result = load.run_locust(url, requests=300 if quick else 2000, clients=CLIENTS)
        finally:
            load.stop(process)
    figures["load"] = {
        "requests": result.requests,
        "errors": result.errors,
        "rate": result.rate,
        **result.percentiles,
        "failures": result.failures,
    }
    print(f"load, {CLIENTS} clients: {result.summary()}", file=sys.stderr)
    compared = replicas.compare(db.resolve(), metadata.resolve(), 2, CLIENTS, 300 if quick else 1000, 1 if quick else 2)
    figures["replicas"] = replicas.summary(compared)
    figures["load_average_end"] = os.getloadavg()
    return figures


def lines(figures: dict[str, Any]) -> list[str]:
    """The serving table: PASS/MISS against the targets of the performance issue."""
    load_, rep = figures["load"], figures["replicas"]
    load_ok = load_["errors"] == 0 and load_["95%"] <= 500
    rep_ok = rep["ratio"] >= 1.6 and rep["many_p95"] <= rep["one_p95"] and not rep["errors"]
    averages = " at start, ".join(
        "/".join(f"{x:.2f}" for x in figures[k]) for k in ("load_average_start", "load_average_end")
    )
    return [
        "| serving, mixed workload (locust, 20 users) | figure | target |",
        "|---|---|---|",
        f"| `hubkb serve`: {load_['requests']} requests, {load_['errors']} errors, {load_['rate']:.1f} req/s "
        f"| p50 {load_['50%']:.0f} ms, p95 {load_['95%']:.0f} ms {'PASS' if load_ok else 'MISS'} | 0 errors, p95 ≤ 500 ms |",
        f"| 1 replica behind nginx | {rep['one_rate']:.1f} req/s, p95 {rep['one_p95']:.0f} ms | |",
        f"| 2 replicas behind nginx | {rep['many_rate']:.1f} req/s, p95 {rep['many_p95']:.0f} ms | |",
        f"| throughput, 2 replicas / 1 | {rep['ratio']:.2f}× {'PASS' if rep_ok else 'MISS'} "
        f"| ≥ 1.6× at a p95 no worse, 0 errors ({rep['errors']:.0f}) |",
        "",
        f"Load average (1/5/15 min) {averages} at end of the serving runs.",
    ]
