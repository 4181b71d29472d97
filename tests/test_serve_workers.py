"""hubkb serve with several worker processes: each answers on the same port, and they stop together.

Real processes over loopback HTTP: `hubkb serve --workers 2` on a copy of the default corpus.
The kernel spreads connections over the workers (SO_REUSEPORT); SIGTERM or Ctrl-C (SIGINT to the
process group) stops every worker and the parent cleanly; a worker that dies stops the server
with a message.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SEED_POST
from serving import Server, free_port, wait_for_log

TICKS = os.sysconf("SC_CLK_TCK")


@pytest.fixture
def folder(tmp_path: Path, built_db: Path) -> Path:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    shutil.copy(built_db, tmp_path / "hubkb.db")
    os.utime(tmp_path / "hubkb.db", ns=(time.time_ns() + 10**9,) * 2)  # newer than the corpus: served as it is
    return tmp_path


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def workers(pid: int) -> list[int]:
    """The worker processes: the parent's children that run hubkb (not multiprocessing's helpers)."""
    return [c for c in children(pid) if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def gone(pids: list[int], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{p}").exists() and "Z" not in _state(p) for p in pids):
            return True
        time.sleep(0.1)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_two_workers_share_the_port_and_stop_on_sigterm(folder: Path) -> None:
    server = Server(folder, "--corpus", str(folder / "corpus"), "--db", str(folder / "hubkb.db"), "--workers", "2")
    try:
        assert f"on {server.url}/, 2 worker processes" in server.output()
        pids = workers(server.process.pid)
        assert len(pids) == 2
        before = {p: cpu_ticks(p) for p in pids}

        async def many() -> list[int]:
            # 20 connections: the kernel hashes each to a worker (all 20 to one: 2 chances in a million)
            clients = [httpx.AsyncClient(base_url=server.url, timeout=60) for _ in range(20)]
            try:
                pages = [c.get(f"/hubkb/posts/{SEED_POST}") for c in clients for _ in range(3)]
                return [r.status_code for r in await asyncio.gather(*pages)]
            finally:
                await asyncio.gather(*(c.aclose() for c in clients))

        assert asyncio.run(many()) == [200] * 60
        assert all(cpu_ticks(p) > before[p] for p in pids), "a worker answered nothing"
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=40) == 0
        assert gone(pids)
        assert "Traceback" not in server.output()
    finally:
        server.stop()


@pytest.mark.parametrize("when", ["starting", "serving"])
def test_ctrl_c_stops_every_process(folder: Path, when: str) -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole foreground process group: as the workers
    start (still importing) or once they serve."""
    log = (folder / "serve.log").open("w")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from hubkb.cli import cli; cli()", "serve", "--workers", "2", "--port", str(port)]
        + ["--corpus", str(folder / "corpus"), "--db", str(folder / "hubkb.db")],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        server = _Running(process, folder / "serve.log")
        wait_for_log(server, r"2 worker processes")  # type: ignore[arg-type]
        deadline = time.monotonic() + 60
        while len(workers(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        pids = workers(process.pid)
        assert len(pids) == 2
        while when == "serving" and time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/hubkb/posts/{SEED_POST}").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=40) == 0
        assert gone(pids)
        assert "Traceback" not in server.output()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_a_worker_that_dies_stops_the_server_with_a_message(folder: Path) -> None:
    server = Server(folder, "--corpus", str(folder / "corpus"), "--db", str(folder / "hubkb.db"), "--workers", "2")
    try:
        pids = workers(server.process.pid)
        os.kill(pids[0], signal.SIGKILL)
        assert server.process.wait(timeout=40) == 1
        assert gone(pids)
        output = server.output()
        assert f"hubkb: worker process {pids[0]} exited with status -9; stopping the others" in output
        assert "Error: a worker process of hubkb serve stopped; the server stopped with it" in output
        assert "Traceback" not in output
    finally:
        server.stop()


class _Running:
    """What wait_for_log needs of a server started here."""

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log = process, log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")
