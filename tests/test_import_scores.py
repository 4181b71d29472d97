"""Every import fixture scored the way the importer is judged: the blog's own pages at 1.00, the pages
of other layouts at no less than the floor recorded in tests/fixtures/import/scores.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CORPUS
from hubkb.importer import import_files
from import_scoring import IMPORT, SCORES, TRUTHS, load_truth, score

RECORDED = yaml.safe_load(SCORES.read_text(encoding="utf-8")) or {}


def stem(path: Path) -> str:
    return path.name.removesuffix(".truth.yaml")


def test_every_recorded_fixture_exists_and_kept_its_first_pass():
    assert set(RECORDED) <= {stem(p) for p in TRUTHS}
    for name, entry in RECORDED.items():
        assert 0.0 <= entry["first_pass"] <= entry["floor"] <= 1.0, name


@pytest.mark.parametrize("truth_path", TRUTHS, ids=stem)
def test_fixture_scores_at_least_its_floor(truth_path: Path, tmp_path: Path):
    truth = load_truth(truth_path)
    result = import_files([IMPORT / truth["file"]], CORPUS, tmp_path, as_json=True, force=False)
    assert result.exit_code == 0, result.messages
    got = score(result.extractions[0], truth)
    floor = RECORDED.get(stem(truth_path), {}).get("floor", 1.0)
    assert round(got.total, 2) >= floor, (got, floor)
