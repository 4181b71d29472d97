"""A build keeps the memory it frees for what it allocates next (glibc's thresholds, `uptodate.keep_freed_memory`),
and keeps its stage out of the cyclic collector's reach while it runs, and only then (`build._held`)."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS
from hubkb.cli import cli

# Two blocks of megabytes at a time, of sizes that grow and shrink, as a chunk's arrays do.
ALLOCATE = """
import resource, sys
from hubkb.uptodate import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for size in [s << 20 for s in (1, 2, 4, 8, 16, 8, 4, 2)] * 10:
    a, b = bytearray(size), bytearray(size)
    del a, b
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def page_faults(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", ALLOCATE, mode], capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_freed_blocks_are_used_again_instead_of_faulted_in_again() -> None:
    default, kept = page_faults("default"), page_faults("keep")
    # 16 MB twice is 8,192 pages: faulted in once when kept; by default, each time a block is allocated again
    assert kept < 8192 * 1.5, (kept, default)
    assert default > 5 * kept, (kept, default)


def test_build_and_check_keep_freed_memory_and_other_commands_do_not() -> None:
    script = """
import sys
import hubkb.uptodate as u
called = []
u.keep_freed_memory = lambda: called.append(True) or True
sys.argv = ["hubkb", *sys.argv[1:]]
try:
    u.main()
except SystemExit:
    pass
print("called" if called else "not called", file=sys.stderr)
"""
    for args, expected in ((["check", "--corpus", str(CORPUS)], "called"), (["--version"], "not called")):
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True)
        assert done.stderr.strip().splitlines()[-1] == expected, (args, done.stderr)


@pytest.mark.parametrize("command", ["build", "check"])
def test_the_stage_is_frozen_while_a_command_runs_and_nothing_after(
    command: str, runner, corpus_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hubkb.build

    seen: list[int] = []
    real_process = hubkb.build._process
    monkeypatch.setattr(
        hubkb.build, "_process", lambda *a, **k: seen.append(gc.get_freeze_count()) or real_process(*a, **k)
    )
    gc.unfreeze()
    where = ["--db", str(tmp_path / "hubkb.db")] if command == "build" else []
    result = runner.invoke(cli, [command, "--corpus", str(corpus_copy), *where])
    assert result.exit_code == 0, result.output
    assert len(seen) == 1 and seen[0] > 10_000  # the stage's objects, and what else was alive then
    assert gc.get_freeze_count() == 0
    # a corpus with an error: the command stops, and gives back what it froze all the same
    (corpus_copy / "posts" / "2020-01-01-bad.md").write_text("---\ntitle: [\n---\nTexte.\n", encoding="utf-8")
    result = runner.invoke(cli, [command, "--corpus", str(corpus_copy), *where])
    assert result.exit_code == 1 and "2020-01-01-bad.md:" in result.output, result.output
    assert len(seen) == 2 and seen[1] > 10_000
    assert gc.get_freeze_count() == 0
