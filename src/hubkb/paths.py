"""Where the corpus, schema and metadata come from.

In a folder that has `./corpus`, that corpus wins, with the folder's
`schema.yaml` and `metadata.json` when present. Elsewhere the embedded default
corpus is used: package data in an installed wheel, or the repository root in
an editable install.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def embedded_root() -> Path:
    """The folder holding the shipped corpus/, schema.yaml and metadata.json."""
    data = _PACKAGE / "data"
    if (data / "schema.yaml").exists():
        return data
    return _PACKAGE.parents[1]  # src/hubkb -> repository root (editable install)


@dataclass(frozen=True)
class Resources:
    corpus: Path
    schema: Path
    metadata: Path


def resources(corpus: Path | None = None, cwd: Path | None = None) -> Resources:
    """The corpus to read and the schema and metadata that go with it."""
    here = cwd or Path.cwd()
    embedded = embedded_root()
    if corpus is None:
        corpus = here / "corpus" if (here / "corpus").is_dir() else embedded / "corpus"
    local = here if corpus.resolve().parent == here.resolve() else corpus.resolve().parent

    def pick(name: str) -> Path:
        for folder in (local, here):
            if (folder / name).exists():
                return folder / name
        return embedded / name

    return Resources(corpus=corpus, schema=pick("schema.yaml"), metadata=pick("metadata.json"))
