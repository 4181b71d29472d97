"""Where the corpus, schema and metadata come from.

In a folder that has `./corpus`, that corpus wins, with the folder's
`schema.yaml` and `metadata.json` when present. Elsewhere the embedded default
corpus is used: package data in an installed wheel, or the repository root in
an editable install. A `./corpus` that is there but cannot be used (a symbolic
link loop, a dangling link, a file) is an error, never a reason to publish the
embedded corpus instead.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import HubkbError
from .files import os_problem
from .uptodate import embedded_folder, locate


def embedded_root() -> Path:
    """The folder holding the shipped corpus/, schema.yaml and metadata.json."""
    return Path(embedded_folder())


@dataclass(frozen=True)
class Resources:
    corpus: Path
    schema: Path
    metadata: Path


def resources(corpus: Path | None = None, cwd: Path | None = None) -> Resources:
    """The corpus to read and the schema and metadata that go with it (see `uptodate.locate`)."""
    here = cwd or Path.cwd()
    if corpus is None:
        local_corpus = here / "corpus"
        if os.path.lexists(local_corpus):
            usable_folder(local_corpus, "./corpus")
    elif os.path.lexists(corpus):
        usable_folder(corpus, str(corpus))  # a missing one: the command says "no such corpus folder"
    found, schema, metadata = locate(None if corpus is None else str(corpus), str(here))
    return Resources(corpus=corpus if corpus is not None else Path(found), schema=Path(schema), metadata=Path(metadata))


def usable_folder(path: Path, shown: str) -> None:
    """Stop with `shown: cannot read: why` unless `path` leads to a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        message = os_problem(path, shown, exc, folder=True).message
        if not message.startswith("cannot"):
            message = f"cannot read: {message}"
        raise HubkbError(f"{shown}: {message}") from None
    if not stat.S_ISDIR(mode):
        raise HubkbError(
            f"{shown}: cannot read: not a folder; the corpus is a folder holding posts/ and the authority files"
        )
