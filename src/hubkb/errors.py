"""One base exception and a few named ones; each formats itself for the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class HubkbError(Exception):
    """Anything hubkb reports to the user as a clean message and exit status 1."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, at a 1-based line (0 when the whole file is at fault)."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class CorpusError(HubkbError):
    """The corpus holds errors; carries every problem found, sorted by file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        files = sorted({p.path for p in errors})
        super().__init__(
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} in "
            f"{len(files)} file{'s' if len(files) != 1 else ''}; nothing was written"
        )


class NotFoundError(HubkbError):
    """A work, table or database the user named does not exist."""


class QueryError(HubkbError):
    """A search or SQL query the user typed cannot run."""


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder when inside it.

    The last part is not resolved: a symbolic link is shown by its own name
    (even one that loops), not by the file it points to.
    """
    p = Path(path)
    try:
        full = p.parent.resolve() / p.name if p.name not in ("", "..") else p.resolve()
        return str(full.relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):  # outside the current folder; a loop higher up
        return str(p)
