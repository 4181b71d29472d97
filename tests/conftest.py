"""Shared fixtures: the repository's corpus, a copy of it, and a database built from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hubkb.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SCHEMA = ROOT / "schema.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_POST = "2014-08-27-vous-avez-dit-coproduction"


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
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default corpus built once per session; tests only read it."""
    db = tmp_path_factory.mktemp("built") / "hubkb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(CORPUS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db
