"""Scale-out: Datasette replicas of one immutable file behind nginx, loaded by locust.

    python bench/replicas.py DB [--metadata FILE] [--replicas 2] [--clients 20] [--requests 1000] [--rounds 2]

What the README tells an operator to run, on this machine: each replica is
`datasette serve -i DB --inspect-file inspect-data.json -m metadata.json` with
hubkb's settings (those of `hubkb serve`), one process (as `hubkb serve
--workers 1`; `hubkb serve` alone runs one worker a CPU), on a loopback port; nginx (Debian's
/usr/sbin/nginx, started here with a config of its own, not as a daemon)
spreads the requests over them (`least_conn`, keep-alive connections). The
same locust run (bench/locustfile.py) is sent to one replica behind nginx and
to N replicas behind nginx, in alternating rounds, and the figures compared:
throughput (requests a second) and p95 latency. Every process is a child of
this script, stopped on the way out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from load import Result, free_port, run_locust, stop, wait_for  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/client_body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream datasette {{
    least_conn;
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://datasette;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
    }}
  }}
}}
"""


def _settings() -> list[str]:
    from hubkb.serve import SETTINGS

    args = []
    for key, value in SETTINGS.items():
        args += ["--setting", key, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    return args


@contextmanager
def replica(db: Path, metadata: Path, inspect: Path, folder: Path) -> Iterator[str]:
    """One `datasette serve -i` on a free loopback port: its base URL."""
    port = free_port()
    log = folder / f"replica-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--inspect-file", str(inspect)]
            + ["-m", str(metadata), "--host", "127.0.0.1", "--port", str(port), *_settings()],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/-/versions.json", process, log, 120)
        yield url
    finally:
        stop(process)


@contextmanager
def nginx(upstreams: list[str], folder: Path) -> Iterator[str]:
    """nginx in front of `upstreams`, on a free loopback port, with its own config and temp folders."""
    port = free_port()
    tmp = folder / f"nginx-{port}"
    tmp.mkdir()
    servers = "\n".join(f"    server {u.removeprefix('http://')};" for u in upstreams)
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, servers=servers, port=port), encoding="utf-8")
    log = tmp / "stderr.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")], stdout=out, stderr=out
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/-/versions.json", process, log, 60)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)  # graceful: workers finish, then the master exits
        stop(process)


def compare(
    db: Path, metadata: Path, replicas: int = 2, clients: int = 20, requests: int = 1000, rounds: int = 2
) -> dict[str, list[Result]]:
    """locust against 1 and against `replicas` Datasettes behind nginx, `rounds` times each, alternating."""
    from hubkb.db.inspect import inspect_path, read_inspect_data, write_inspect_data

    if read_inspect_data(db) is None:
        write_inspect_data(db)
    results: dict[str, list[Result]] = {"one": [], "many": []}
    with tempfile.TemporaryDirectory(prefix="hubkb-replicas-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        urls = [stack.enter_context(replica(db, metadata, inspect_path(db), folder)) for _ in range(replicas)]
        for r in range(rounds):
            for name, upstreams in (("one", urls[:1]), ("many", urls)):
                with nginx(upstreams, folder) as url:
                    run_locust(url, requests=clients * 5, clients=clients)  # warm: connections, caches
                    result = run_locust(url, requests=requests, clients=clients)
                results[name].append(result)
                print(f"round {r + 1}: {len(upstreams)} replica(s): {result.summary()}", file=sys.stderr)
    return results


def summary(results: dict[str, list[Result]]) -> dict[str, float]:
    """Medians over rounds: req/s and p95 ms of one and of many replicas, the throughput ratio, errors."""
    one, many = results["one"], results["many"]
    figures = {
        "one_rate": statistics.median(r.rate for r in one),
        "one_p95": statistics.median(r.percentiles.get("95%", 0) for r in one),
        "many_rate": statistics.median(r.rate for r in many),
        "many_p95": statistics.median(r.percentiles.get("95%", 0) for r in many),
        "errors": sum(r.errors for r in one + many),
    }
    figures["ratio"] = figures["many_rate"] / figures["one_rate"] if figures["one_rate"] else 0.0
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--metadata", type=Path, default=HERE.parent / "metadata.json")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if args.db.name != "hubkb.db":
        parser.error("the database file must be called hubkb.db: Datasette names a database after its file")
    figures = summary(
        compare(args.db.resolve(), args.metadata.resolve(), args.replicas, args.clients, args.requests, args.rounds)
    )
    print(
        f"1 replica: {figures['one_rate']:.1f} req/s, p95 {figures['one_p95']:.0f} ms; "
        f"{args.replicas} replicas: {figures['many_rate']:.1f} req/s, p95 {figures['many_p95']:.0f} ms; "
        f"throughput {figures['ratio']:.2f}x; {figures['errors']:.0f} errors; load average "
        + "/".join(f"{x:.2f}" for x in os.getloadavg())
    )
    return 1 if figures["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
