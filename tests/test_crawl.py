"""Every link works (issue #10.1): a crawler from / over the default corpus and a generated 200-post corpus.

No link answers 4xx or 5xx, every #fragment lands on an element with that id,
and every "N rows from column in table" link lands on a page listing N rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from crawler import crawl, one_per_kind
from hubkb.cli import cli
from serving import Client

METADATA = ROOT / "metadata.json"


def _get(client: Client):
    def get(url: str) -> tuple[int, str, str]:
        response = client.get(url)
        return response.status_code, response.headers.get("content-type", ""), response.text

    return get


def test_every_link_of_the_default_corpus_works(built_db: Path) -> None:
    client = Client.serving(built_db, METADATA)
    try:
        result = crawl(_get(client))
    finally:
        client.close()
    print(f"default corpus: {result}")
    assert result.problems == []
    assert result.pages > 150 and result.links > 5_000
    assert result.rows_from_checked > 50 and result.fragments_checked > 100


@pytest.fixture(scope="module")
def generated_db(generated_200: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("crawl-200") / "hubkb.db"
    result = CliRunner().invoke(cli, ["build", "--corpus", str(generated_200 / "corpus"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_every_link_of_a_generated_200_post_corpus_works(generated_db: Path) -> None:
    client = Client.serving(generated_db, METADATA)
    try:
        # every page of the tables a researcher reads; filtered lists and link-table rows once a kind
        full = {
            "posts",
            "people",
            "organisations",
            "works",
            "terms",
            "definitions",
            "quotes",
        }
        result = crawl(_get(client), kind=one_per_kind(full))
    finally:
        client.close()
    print(f"200 posts: {result}")
    assert result.problems == []
    assert result.pages > 1_000
