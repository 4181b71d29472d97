"""Shared fixtures: the repository's corpus, a copy of it, and a database built from it."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hubkb.cli import cli

# Builds keep their stage in the user's cache folder (hubkb.stage_cache): the tests, and the hubkb processes
# they start, keep theirs in a folder of their own, removed at the end, not in the runner's ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="hubkb-tests-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SCHEMA = ROOT / "schema.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_POST = "2014-08-27-vous-avez-dit-coproduction"
# The mention rows as people read them: `mentions` holds integer keys (paragraph rowid, entity number).
MENTION_ROWS = (
    "(SELECT p.post_id, p.id AS paragraph_id, e.type AS entity_type, e.entity_id, "
    "coalesce(m.surface, e.name) AS surface, m.count FROM mentions m "
    "JOIN paragraphs p ON p.rowid = m.paragraph JOIN entities e ON e.id = m.entity)"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of the default corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def generated_200(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding `corpus/`, 200 posts made by bench/generate.py (seed 1): long facets, long lists."""
    folder = tmp_path_factory.mktemp("generated-200")
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "200", str(folder)], check=True, capture_output=True)  # fmt: skip
    return folder


@pytest.fixture(scope="session")
def generated_server(generated_200: Path) -> Iterator[Any]:
    """`hubkb serve` over loopback HTTP on the generated 200-post corpus, shared by the browser tests."""
    from serving import Server

    s = Server(generated_200, timeout=120)
    yield s
    s.stop()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default corpus built once per session; tests only read it."""
    db = tmp_path_factory.mktemp("built") / "hubkb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(CORPUS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


# --- a real browser ---------------------------------------------------------------------------------

# Debian's chromium, which .ci/run installs; never `playwright install`. HUBKB_TEST_CHROMIUM points
# elsewhere (tests/test_docs.py uses it to show what a machine without Chromium gets).
CHROMIUM = Path(os.environ.get("HUBKB_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NO_CHROMIUM = f"{CHROMIUM} is missing: install Debian's chromium with `apt-get install chromium` (.ci/run does)"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by playwright; a missing Chromium fails the test in one line, never skips it."""
    if not CHROMIUM.is_file():
        pytest.fail(NO_CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def publish_drafts(corpus: Path) -> list[Path]:
    """What a reviewer does last: delete the `status: draft` line `hubkb import` wrote in each draft."""
    drafts = [
        p for p in sorted((corpus / "posts").glob("*.md")) if "\nstatus: draft\n" in p.read_text(encoding="utf-8")
    ]
    for path in drafts:
        path.write_text(path.read_text(encoding="utf-8").replace("\nstatus: draft\n", "\n", 1), encoding="utf-8")
    return drafts
