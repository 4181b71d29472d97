"""Builds that survive kills, a second build at once and a full disk (#12.1, #12.2).

Real processes, real signals, a real small file system: every `hubkb build`
here is a child process, killed with SIGKILL at random moments, run twice at
once, or run on a tmpfs filled to the brim. Each time the published file must
be byte-identical (or, when the kill came after the rename, the complete new
file), the next build must succeed, and nothing may be left behind.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT
from hubkb.publish import BuildLock

TRIALS = 20
POSTS = 120  # two chunks: the build forks its worker pool
HUBKB = [sys.executable, "-c", "from hubkb.cli import cli; cli()"]
# What a folder holds beside a published database once builds are done: nothing else.
PUBLISHED = {"corpus", "hubkb.db", "inspect-data.json", ".hubkb.db.files.json"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    cmd = [sys.executable, str(ROOT / "bench" / "generate.py"), str(POSTS), str(folder), "--seed", "3"]
    subprocess.run(cmd, check=True, capture_output=True)
    return folder / "corpus"


@pytest.fixture
def site(generated: Path, tmp_path: Path) -> Path:
    """A folder with a copy of the generated corpus and its published database."""
    shutil.copytree(generated, tmp_path / "corpus")
    run("build", cwd=tmp_path)
    return tmp_path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*HUBKB, *args], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """A build in a process group of its own, so that its workers can be found afterwards."""
    return subprocess.Popen(
        [*HUBKB, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(path: Path) -> str:
    """What a database holds, whatever its pages: a hash of its SQL dump, after an integrity check."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone() == ("ok",)
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def leftovers(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} - PUBLISHED


def kill_at_random(process: subprocess.Popen[str], within: float, rng: random.Random) -> None:
    """SIGKILL the build (not its workers) at a random moment; its workers must then die with it."""
    try:
        process.wait(timeout=rng.uniform(0, within))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the pool's workers get SIGKILL from the kernel when it dies
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("a worker of the killed build outlived it by 5 s")


def timed_build(*args: str, cwd: Path) -> float:
    began = time.monotonic()
    run("build", *args, cwd=cwd)
    return time.monotonic() - began


def test_killed_full_builds_leave_the_published_file_and_the_next_one_recovers(site: Path) -> None:
    db, rng = site / "hubkb.db", random.Random(1)
    reference = content(db)
    within = timed_build("--full", cwd=site) * 1.2
    renamed = 0
    for trial in range(TRIALS):
        before = digest(db)
        kill_at_random(start("build", "--full", cwd=site), within, rng)
        if digest(db) != before:  # killed after the rename: the new file is whole
            renamed += 1
        assert content(db) == reference
        # the next build removes what the killed one left: a full one now and then, else an update
        run("build", *(["--full"] if trial % 5 == 4 else []), cwd=site)
        assert leftovers(site) == set()
        assert content(db) == reference
    assert renamed < TRIALS


def test_killed_incremental_builds_leave_the_published_file_and_the_next_one_recovers(site: Path) -> None:
    db, rng = site / "hubkb.db", random.Random(2)
    post = sorted((site / "corpus" / "posts").glob("*.md"))[POSTS // 2]
    add_sentence(post, "Une première phrase ajoutée.")
    within = timed_build(cwd=site) * 1.2
    for trial in range(TRIALS):
        before, sentence = digest(db), f"Phrase ajoutée numéro {trial}."
        add_sentence(post, sentence)
        kill_at_random(start("build", cwd=site), within, rng)
        if digest(db) != before:
            assert sentence in body(db, post.stem)  # published whole, not half
        result = run("build", cwd=site)  # the update is made now, or found done
        assert result.stdout.startswith(("updated: ", "up to date: ")), result.stdout
        assert sentence in body(db, post.stem)
        assert leftovers(site) == set()
        content(db)


def add_sentence(post: Path, sentence: str) -> None:
    post.write_text(post.read_text(encoding="utf-8").rstrip("\n") + f" {sentence}\n", encoding="utf-8")


def body(db: Path, post_id: str) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT body FROM posts WHERE id = ?", [post_id]).fetchone()[0]
    finally:
        conn.close()


def test_a_second_build_stops_and_names_the_first(site: Path) -> None:
    with BuildLock(site / "hubkb.db"):  # held by this process, as a build would
        result = subprocess.run([*HUBKB, "build", "--full"], cwd=site, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: another build of hubkb.db is running (pid {os.getpid()}); wait for it to finish, then build again\n"
    )
    assert leftovers(site) == set()


def test_two_builds_at_once(site: Path) -> None:
    db = site / "hubkb.db"
    reference = content(db)
    for _ in range(3):
        first, second = start("build", "--full", cwd=site), start("build", "--full", cwd=site)
        outcomes = {first.pid: first.communicate(), second.pid: second.communicate()}
        codes = {first.pid: first.returncode, second.pid: second.returncode}
        assert 0 in codes.values()
        for pid, code in codes.items():
            if code != 0:  # it met the other one's lock
                other = (set(codes) - {pid}).pop()
                assert code == 1
                assert outcomes[pid][1] == (
                    f"Error: another build of hubkb.db is running (pid {other}); wait for it to finish, then build again\n"
                )
        assert content(db) == reference
        assert leftovers(site) == set()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs: a real file system that fills up."""
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)], check=True, capture_output=True)
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk` with a file until `leave` bytes are free."""
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with filler.open("wb") as f:
        f.truncate(0)
        chunk = b"\0" * (1 << 20)
        remaining = free - leave
        while remaining > 0:
            f.write(chunk[: min(len(chunk), remaining)])
            remaining -= len(chunk)
    return filler


def test_a_full_disk_gives_one_line_and_keeps_the_published_file(generated: Path, small_disk: Path) -> None:
    shutil.copytree(generated, small_disk / "corpus")
    run("build", cwd=small_disk)
    db = small_disk / "hubkb.db"
    before, size = digest(db), db.stat().st_size
    post = sorted((small_disk / "corpus" / "posts").glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    for args in (["build"], ["build", "--full"]):  # the update's copy, and a new file, both run out of room
        filler = fill(small_disk, leave=size // 2)
        result = subprocess.run([*HUBKB, *args], cwd=small_disk, capture_output=True, text=True)
        assert result.returncode == 1
        assert result.stderr == (
            "Error: hubkb.db: cannot write the new database: the disk is full (no space left on device); "
            "nothing was published, the previous database is unchanged\n"
        )
        assert digest(db) == before
        assert leftovers(small_disk) == {"filler"}
        filler.unlink()
    assert run("build", cwd=small_disk).stdout.startswith("updated: ")
    assert leftovers(small_disk) == set()


def test_any_other_storage_error_is_one_line_too(generated: Path, tmp_path: Path) -> None:
    """A file size limit (EFBIG), as a quota would give: the same one line, nothing left behind."""
    shutil.copytree(generated, tmp_path / "corpus")

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    result = subprocess.run([*HUBKB, "build"], cwd=tmp_path, capture_output=True, text=True, preexec_fn=limit)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: hubkb.db: cannot write the new database: ")
    assert result.stderr.endswith("; nothing was published, the previous database is unchanged\n")
    assert result.stderr.count("\n") == 1
    assert leftovers(tmp_path) == set() and not (tmp_path / "hubkb.db").exists()
