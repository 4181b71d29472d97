"""Wall time and peak RSS of a child process, for the benchmarks.

`run_timed(cmd)` runs `cmd` and returns `(seconds, peak_rss_mb, returncode)`.

Why a wrapper process: on Linux a child's `ru_maxrss` starts from the RSS
high-water mark of the process that forked it (the kernel carries the old
address space's peak over `exec`, and `vfork`/`posix_spawn` children share the
parent's address space until then). Measured straight from a bench script that
holds 500 MB, `true` "peaks" at 500 MB. So `run_timed` starts a fresh, minimal
Python (`-I -S`) that spawns the command, reaps it with `os.wait4` (per-child
rusage, not the cumulative RUSAGE_CHILDREN) and reports through a pipe. The
wrapper's own footprint (about 10 MB) is the floor of what can be measured;
every Python command measured here is above it.

Usage as a script: `python bench/measure.py CMD [ARG...]` prints the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from typing import IO, NamedTuple

# Runs in the wrapper: spawn argv[2:], wait4 it, write JSON to the fd argv[1].
_WRAPPER = """
import json, os, sys, time
fd = int(sys.argv[1]); cmd = sys.argv[2:]
start = time.perf_counter()
try:
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
except OSError as exc:
    os.write(fd, json.dumps({"error": f"{cmd[0]}: {exc.strerror}"}).encode()); sys.exit(0)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
result = {"seconds": seconds, "maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
          "returncode": os.waitstatus_to_exitcode(status)}
os.write(fd, json.dumps(result).encode())
"""


class MeasureError(RuntimeError):
    """The command could not be started (not found, not executable)."""


class Measured(NamedTuple):
    seconds: float  # wall
    peak_mb: float  # peak RSS
    returncode: int
    cpu_seconds: float  # user + system CPU of the command (and the children it waited for)


def run_timed(
    cmd: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    *,
    stdout: int | IO[bytes] | None = None,
    stderr: int | IO[bytes] | None = None,
) -> tuple[float, float, int]:
    """Run `cmd`; return (wall seconds, peak RSS in MB, return code). See `run_measured`."""
    seconds, peak_mb, returncode, _ = run_measured(cmd, cwd, stdout=stdout, stderr=stderr)
    return seconds, peak_mb, returncode


def run_measured(
    cmd: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    *,
    stdout: int | IO[bytes] | None = None,
    stderr: int | IO[bytes] | None = None,
) -> Measured:
    """Run `cmd`; return its wall seconds, peak RSS in MB, return code and CPU seconds.

    The command's output goes to this process's stdout/stderr unless
    `stdout`/`stderr` say otherwise (e.g. `subprocess.DEVNULL`). A command
    that cannot be started raises `MeasureError`.
    """
    read_fd, write_fd = os.pipe()
    try:
        wrapper = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WRAPPER, str(write_fd), *cmd],
            cwd=cwd,
            stdout=stdout,
            stderr=stderr,
            pass_fds=(write_fd,),
        )
        os.close(write_fd)
        write_fd = -1
        report = _read_all(read_fd)
        wrapper.wait()
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)
    return _parse_report(report, wrapper.returncode, cmd)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _parse_report(report: bytes, wrapper_rc: int, cmd: Sequence[str]) -> Measured:
    if not report:
        raise MeasureError(f"measuring wrapper failed (exit {wrapper_rc}) for: {' '.join(cmd)}")
    data = json.loads(report)
    if "error" in data:
        raise MeasureError(f"cannot run {data['error']}")
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    divisor = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Measured(float(data["seconds"]), data["maxrss_kb"] / divisor, int(data["returncode"]), float(data["cpu"]))


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python bench/measure.py CMD [ARG...]", file=sys.stderr)
        return 2
    seconds, peak_mb, returncode = run_timed(argv)
    print(f"{seconds:.2f} s, peak RSS {peak_mb:.1f} MB, exit {returncode}", file=sys.stderr)
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
