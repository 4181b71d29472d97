"""Builds that survive kills, a second build at once and a full disk (#12.1, #12.2).

Real processes, real signals, a real small file system: every `hubkb build`
here runs in a process of its own (forked from this one with hubkb already
imported, so that 80 builds cost no interpreter start-ups), killed with
SIGKILL at random moments, run twice at once, or run on a tmpfs filled to the
brim. Each time the published file must be byte-identical (or, when the kill
came after the rename, the complete new file), the next build must succeed,
and nothing may be left behind.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import hubkb.build
from conftest import ROOT
from hubkb.cli import cli
from hubkb.publish import BuildLock

TRIALS = 20
POSTS = 40  # small, so that 80 builds take a minute
CHUNK = 20  # ... and the builds below take 20 posts a chunk: two chunks, so the build forks its worker pool
# What a folder holds beside a published database once builds are done: nothing else.
PUBLISHED = {"corpus", "hubkb.db", "inspect-data.json", ".hubkb.db.files"}


class Build:
    """`hubkb ARGS` in a child process of its own session (its pool workers share its group)."""

    def __init__(self, args: list[str], cwd: Path, before: Callable[[], None] | None = None) -> None:
        (out, self.out), (err, self.err) = (tempfile.mkstemp(dir=cwd.parent) for _ in range(2))
        self.returncode: int | None = None
        self.pid = os.fork()
        if self.pid == 0:  # the child: the CLI as `hubkb` runs it, then exit without pytest's clean-up
            code = 70
            try:
                os.setsid()
                os.chdir(cwd)
                os.dup2(out, 1)
                os.dup2(err, 2)
                sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
                sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)
                hubkb.build.CHUNK_POSTS = CHUNK
                if before:
                    before()
                try:
                    cli.main(args=args, prog_name="hubkb")
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        os.close(out)
        os.close(err)

    def wait(self, timeout: float | None = None) -> int:
        """The exit code; raises TimeoutError if the build runs past `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG if deadline is not None else 0)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
            elif deadline is not None and time.monotonic() > deadline:
                raise TimeoutError
            elif deadline is not None:
                time.sleep(0.01)
        return self.returncode

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.wait()

    def output(self) -> tuple[str, str]:
        """(stdout, stderr), once it has ended."""
        self.wait()
        texts = []
        for name in (self.out, self.err):
            with open(name, encoding="utf-8") as f:
                texts.append(f.read())
            os.unlink(name)
        return texts[0], texts[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    cmd = [sys.executable, str(ROOT / "bench" / "generate.py"), str(POSTS), str(folder), "--seed", "3"]
    subprocess.run(cmd, check=True, capture_output=True)
    return folder / "corpus"


@pytest.fixture
def site(generated: Path, tmp_path: Path) -> Path:
    """A folder with a copy of the generated corpus and its published database."""
    shutil.copytree(generated, tmp_path / "site" / "corpus")
    run("build", cwd=tmp_path / "site")
    return tmp_path / "site"


def run(*args: str, cwd: Path, before: Callable[[], None] | None = None) -> str:
    """`hubkb ARGS`, which must succeed: its standard output."""
    build = Build(list(args), cwd, before)
    out, err = build.output()
    assert build.returncode == 0, err
    return out


def fails(*args: str, cwd: Path, before: Callable[[], None] | None = None) -> str:
    """`hubkb ARGS`, which must fail with exit code 1 and print nothing: its standard error."""
    build = Build(list(args), cwd, before)
    out, err = build.output()
    assert (build.returncode, out) == (1, ""), err
    return err


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


def kill_at_random(build: Build, within: float, rng: random.Random) -> None:
    """SIGKILL the build (not its workers) at a random moment; its workers must then die with it."""
    try:
        build.wait(timeout=rng.uniform(0, within))
    except TimeoutError:
        build.kill()
    build.output()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the pool's workers get SIGKILL from the kernel when it dies
        try:
            os.killpg(build.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.02)
    os.killpg(build.pid, signal.SIGKILL)
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
        kill_at_random(Build(["build", "--full"], site), within, rng)
        if digest(db) != before:  # killed after the rename: the new file is whole
            renamed += 1
            assert content(db) == reference
        # the next build removes what the killed one left: a full one now and then, else an update
        full = trial % 10 == 9
        said = run("build", *(["--full"] if full else []), cwd=site)
        assert said.startswith("built: " if full else "up to date: "), said
        assert leftovers(site) == set()
    assert content(db) == reference
    assert renamed < TRIALS


def test_killed_incremental_builds_leave_the_published_file_and_the_next_one_recovers(site: Path) -> None:
    db, rng = site / "hubkb.db", random.Random(2)
    post = sorted((site / "corpus" / "posts").glob("*.md"))[POSTS // 2]
    add_sentence(post, "Une première phrase ajoutée.")
    within = timed_build(cwd=site) * 1.2
    updated = 0
    for trial in range(TRIALS):
        before, sentence = digest(db), f"Phrase ajoutée numéro {trial}."
        add_sentence(post, sentence)
        kill_at_random(Build(["build"], site), within, rng)
        if digest(db) != before:
            assert sentence in body(db, post.stem)  # published whole, not half
        said = run("build", cwd=site)  # the update is made now, or found done
        updated += said.startswith(f"updated: {POSTS} posts (1 changed, 0 removed)")
        assert said.startswith((f"updated: {POSTS} posts (1 changed, 0 removed)", f"up to date: {POSTS} posts")), said
        assert sentence in body(db, post.stem)
        assert leftovers(site) == set()
    assert updated > 0  # some kills came before the rename: the next build made the update
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
    before = digest(site / "hubkb.db")
    with BuildLock(site / "hubkb.db"):  # held by this process, as a build would
        said = fails("build", "--full", cwd=site)
    assert said == (
        f"Error: another build of hubkb.db is running (pid {os.getpid()}); wait for it to finish, then build again\n"
    )
    assert digest(site / "hubkb.db") == before
    assert leftovers(site) == set()


def test_two_builds_at_once(site: Path) -> None:
    db = site / "hubkb.db"
    reference = content(db)
    stopped = 0
    for _ in range(3):
        builds = [Build(["build", "--full"], site), Build(["build", "--full"], site)]
        said = {b.pid: b.output() for b in builds}
        codes = {b.pid: b.returncode for b in builds}
        assert 0 in codes.values()
        for pid, code in codes.items():
            if code != 0:  # it met the other one's lock
                stopped += 1
                other = (set(codes) - {pid}).pop()
                assert code == 1
                assert said[pid] == (
                    "",
                    f"Error: another build of hubkb.db is running (pid {other}); "
                    "wait for it to finish, then build again\n",
                )
        assert content(db) == reference
        assert leftovers(site) == set()
    assert stopped > 0  # the pairs did overlap


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs: a real file system that fills up (mounting needs root: CI runs as root)."""
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
        chunk = b"\0" * (1 << 20)
        remaining = free - leave
        while remaining > 0:
            f.write(chunk[: min(len(chunk), remaining)])
            remaining -= len(chunk)
    return filler


FULL_DISK = (
    "Error: hubkb.db: cannot write the new database: the disk is full (no space left on device); "
    "nothing was published, the previous database is unchanged\n"
)


def test_a_full_disk_gives_one_line_and_keeps_the_published_file(generated: Path, small_disk: Path) -> None:
    shutil.copytree(generated, small_disk / "corpus")
    run("build", cwd=small_disk)
    db = small_disk / "hubkb.db"
    before, size = digest(db), db.stat().st_size
    post = sorted((small_disk / "corpus" / "posts").glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    for args in (["build"], ["build", "--full"]):  # the update's copy, and a new file, both run out of room
        filler = fill(small_disk, leave=size // 2)
        assert fails(*args, cwd=small_disk) == FULL_DISK
        assert digest(db) == before
        assert leftovers(small_disk) == {"filler"}
        filler.unlink()
    assert run("build", cwd=small_disk).startswith(f"updated: {POSTS} posts (1 changed, 0 removed)")
    assert leftovers(small_disk) == set()


def test_a_read_only_folder_gives_one_line(generated: Path, tmp_path: Path) -> None:
    """No lock file, no temporary file can be made beside the database: said in one line, before any work."""
    shutil.copytree(generated, tmp_path / "site" / "corpus")
    frozen = tmp_path / "site" / "frozen"
    frozen.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(frozen)], check=True, capture_output=True)
    try:
        said = fails("build", "--db", "frozen/hubkb.db", cwd=tmp_path / "site")
    finally:
        subprocess.run(["umount", str(frozen)], check=True)
    assert said == (
        "Error: frozen/hubkb.db: cannot write the new database: read-only file system; "
        "nothing was published, the previous database is unchanged\n"
    )


def test_any_other_storage_error_is_one_line_too(generated: Path, tmp_path: Path) -> None:
    """A file size limit (EFBIG, which SQLite reports as an I/O error): one line too, nothing left behind."""
    shutil.copytree(generated, tmp_path / "site" / "corpus")

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    said = fails("build", cwd=tmp_path / "site", before=limit)
    assert said == (
        "Error: hubkb.db: cannot write the new database: a disk input/output error; "
        "nothing was published, the previous database is unchanged\n"
    )
    assert leftovers(tmp_path / "site") == set() and not (tmp_path / "site" / "hubkb.db").exists()


# --- never publish less by accident (#12.1) ---------------------------------------


def shrink_message(removed: int, kept_files: int) -> str:
    return (
        f"Error: hubkb.db: this build would remove {removed} of its {POSTS} published posts "
        f"({kept_files} post files in corpus/posts); if that is what you want, build again with --allow-shrink\n"
    )


def test_a_build_removing_more_than_half_of_the_posts_stops_and_names_the_counts(site: Path) -> None:
    db, posts = site / "hubkb.db", sorted((site / "corpus" / "posts").glob("*.md"))
    before = digest(db)
    aside = site.parent / "aside"
    aside.mkdir()
    for post in posts[: POSTS // 2 + 1]:  # a folder half emptied by mistake
        post.rename(aside / post.name)
    for args in (["build"], ["build", "--full"]):
        assert fails(*args, cwd=site) == shrink_message(POSTS // 2 + 1, POSTS // 2 - 1)
        assert digest(db) == before
        assert leftovers(site) == set()
    said = run("build", "--allow-shrink", cwd=site)
    assert said.startswith(f"updated: {POSTS // 2 - 1} posts (0 changed, {POSTS // 2 + 1} removed)"), said
    assert count(db, "posts") == POSTS // 2 - 1


def test_removing_half_of_the_posts_or_every_post_file(site: Path) -> None:
    db, posts = site / "hubkb.db", sorted((site / "corpus" / "posts").glob("*.md"))
    for post in posts[: POSTS // 2]:  # half: allowed, as a big clean-up would
        post.unlink()
    said = run("build", cwd=site)
    assert said.startswith(f"updated: {POSTS // 2} posts (0 changed, {POSTS // 2} removed)"), said
    for post in posts[POSTS // 2 :]:  # every post file gone, the folder still there
        post.unlink()
    before = digest(db)
    assert fails("build", cwd=site) == (
        f"Error: hubkb.db: this build would remove {POSTS // 2} of its {POSTS // 2} published posts "
        "(0 post files in corpus/posts); if that is what you want, build again with --allow-shrink\n"
    )
    assert digest(db) == before and count(db, "posts") == POSTS // 2


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
    finally:
        conn.close()


NO_POSTS = "no such folder; the posts live in a folder posts/ of the corpus (one Markdown file a post)"
NOT_A_FOLDER = "not a folder; the posts live in a folder posts/ of the corpus (one Markdown file a post)"
NO_WORKS = (
    "no such file; a corpus has people.yaml, organisations.yaml, works.yaml and terms.yaml "
    "(one that lists nothing holds [])"
)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("posts_missing", f"corpus/posts: {NO_POSTS}"),
        ("posts_a_file", f"corpus/posts: {NOT_A_FOLDER}"),
        ("works_missing", f"corpus/works.yaml: {NO_WORKS}"),
    ],
)
def test_a_missing_posts_folder_or_authority_file_is_an_error_in_check_and_build(
    case: str, message: str, site: Path
) -> None:
    corpus, db = site / "corpus", site / "hubkb.db"
    if case == "works_missing":
        (corpus / "works.yaml").unlink()
    else:
        shutil.rmtree(corpus / "posts")
        if case == "posts_a_file":
            (corpus / "posts").write_text("", encoding="utf-8")
    before = digest(db)
    said = [fails(*args, cwd=site).splitlines() for args in (["check"], ["build"], ["build", "--full"])]
    assert said[0] == said[1] == said[2]
    assert message in said[0]  # an exact line of its own (posts citing the missing works say so too)
    assert said[0][-1].startswith("Error: ") and said[0][-1].endswith("; nothing was written")
    assert digest(db) == before
    assert leftovers(site) == set()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda folder: (folder / "corpus").symlink_to("corpus"),
            "./corpus: cannot read: a symbolic link loop (too many levels of symbolic links); "
            "point the link at a folder or remove it",
        ),
        (
            lambda folder: (folder / "corpus").symlink_to("gone"),
            "./corpus: cannot read: a symbolic link to 'gone', which does not exist; fix the link or remove it",
        ),
        (
            lambda folder: (folder / "corpus").write_text("", encoding="utf-8"),
            "./corpus: cannot read: not a folder; the corpus is a folder holding posts/ and the authority files",
        ),
    ],
    ids=["loop", "dangling", "file"],
)
def test_a_local_corpus_that_cannot_be_read_never_falls_back_to_the_embedded_one(
    setup: Callable[[Path], None], message: str, tmp_path: Path
) -> None:
    setup(tmp_path)
    for args in (["check"], ["build"], ["serve", "--port", "9"]):
        assert fails(*args, cwd=tmp_path) == f"Error: {message}\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("tmp")) == ["corpus"]


# --- an update's share of the work (#14.4) -----------------------------------------

# Reuse as the pages read it (pairs by text ids), and both tables with their integer keys.
PAIRS = (
    "SELECT t.text_id, o.text_id, r.score, r.wording FROM reused_texts t JOIN reuse r ON r.text = t.id "
    "JOIN reused_texts o ON o.id = r.other ORDER BY 1, 2"
)
REUSE_TABLES = [PAIRS, "SELECT * FROM reused_texts ORDER BY id", "SELECT * FROM reuse ORDER BY text, other"]


def reuse_site(site: Path) -> tuple[Path, list[Path], Path, Path]:
    """The database, the post files, a post with definitions, and where its copy goes."""
    db, posts = site / "hubkb.db", sorted((site / "corpus" / "posts").glob("*.md"))
    original = next(p for p in posts if "\ndefinitions:\n" in p.read_text(encoding="utf-8"))
    return db, posts, original, site / "corpus" / "posts" / "une-copie.md"


def test_an_update_finds_the_same_reuse_as_a_full_build(site: Path) -> None:
    """An update looks for reused wording again only in the groups whose texts changed: the same rows as a full build."""
    db, _posts, original, copy = reuse_site(site)

    copy.write_text(original.read_text(encoding="utf-8").replace("---\n", "---\nid: une-copie\n", 1), "utf-8")
    assert run("build", cwd=site).startswith(f"updated: {POSTS + 1} posts (1 changed, 0 removed)")
    copies = [r for r in rows(db, PAIRS) if r[0].startswith(f"{original.stem}#") and r[1].startswith("une-copie#")]
    assert copies and all(r[2] == 100.0 and r[3] == "same" for r in copies)  # the copy's texts: the same wording
    updated = [rows(db, sql) for sql in REUSE_TABLES]
    run("build", "--full", cwd=site)
    assert [rows(db, sql) for sql in REUSE_TABLES] == updated  # the same pairs, and the same integer keys

    copy.unlink()
    assert run("build", cwd=site).startswith(f"updated: {POSTS} posts (0 changed, 1 removed)")
    assert not [r for r in rows(db, PAIRS) if "une-copie#" in r[1]]
    updated = [rows(db, sql) for sql in REUSE_TABLES]
    run("build", "--full", cwd=site)
    assert [rows(db, sql) for sql in REUSE_TABLES] == updated


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_updates_that_keep_the_reused_texts_write_the_same_reuse_as_a_full_build(site: Path) -> None:
    """An update whose changed groups keep the same reused texts rewrites only those groups' pairs in place
    (their integer keys stay); an edit outside any definition or quote leaves reuse as it was."""
    db, posts, original, copy = reuse_site(site)
    text = original.read_text(encoding="utf-8")
    copy.write_text(text.replace("---\n", "---\nid: une-copie\n", 1), "utf-8")
    run("build", cwd=site)
    before = [rows(db, sql) for sql in REUSE_TABLES]
    copied = [r for r in before[0] if r[0].startswith(f"{original.stem}#d1") and r[1].startswith("une-copie#d1")]
    assert copied and copied[0][2] == 100.0

    # An edit of the body alone: no group changes, reuse stays as it was.
    other = next(p for p in posts if p != original)
    other.write_text(other.read_text(encoding="utf-8").rstrip("\n") + " Une phrase de plus.\n", "utf-8")
    assert run("build", cwd=site).startswith(f"updated: {POSTS + 1} posts (1 changed, 0 removed)")
    assert [rows(db, sql) for sql in REUSE_TABLES] == before

    # The copy's first definition loses its last word: still reused, with a lower score, by the same texts.
    definition = text.split("\ndefinitions:\n", 1)[1].split("  text: ", 1)[1].split("\n", 1)[0]
    shorter = definition.rsplit(" ", 1)[0]
    assert copy.read_text(encoding="utf-8").count(definition) == 2  # the front matter and the body
    copy.write_text(copy.read_text(encoding="utf-8").replace(definition, shorter), "utf-8")
    assert run("build", cwd=site).startswith(f"updated: {POSTS + 1} posts (1 changed, 0 removed)")
    updated = [rows(db, sql) for sql in REUSE_TABLES]
    assert updated[1] == before[1]  # the same reused texts, under the same keys
    now = [r for r in updated[0] if r[:2] == copied[0][:2]]
    assert now and 75 <= now[0][2] < 100.0
    run("build", "--full", cwd=site)
    assert [rows(db, sql) for sql in REUSE_TABLES] == updated
