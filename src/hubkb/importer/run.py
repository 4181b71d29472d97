"""`hubkb import`: page scrapes in, draft posts and proposals out; the function the CLI calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import HubkbError, display_path
from ..paths import resources
from ..read import read_authorities
from ..resolve import Resolver
from ..schema import load_schema
from .aliases import AliasTable
from .draft import Proposals, draft_name, draft_text, is_proposals_file
from .draft import accept as accept_proposals
from .extract import Extraction, extract
from .source import decode

EMPTY: dict[str, Any] = {
    "title": None,
    "date": None,
    "authors": [],
    "paragraphs": [],
    "people": [],
    "organisations": [],
    "definitions": [],
    "quotes": [],
    "references": [],
}


NO_CORPUS = (
    "no corpus here (./corpus) and none given with --corpus: create one with `hubkb init DIR`, then run "
    "`hubkb import` from DIR (or give --corpus DIR/corpus, or --out DIR for drafts outside any corpus)"
)


@dataclass
class ImportResult:
    extractions: list[dict] = field(default_factory=list)  # the --json shape, one object a file
    written: list[Path] = field(default_factory=list)  # drafts and proposals files written
    messages: list[str] = field(default_factory=list)  # warnings and needs_review notes: file:line: ...
    summary: list[str] = field(default_factory=list)  # what was done, a line a file
    exit_code: int = 0


class _Context:
    """The corpus the drafts are checked against; reloaded after proposals are accepted."""

    def __init__(self, corpus: Path, schema_path: Path):
        self.corpus, self.schema_path = corpus, schema_path
        self.reload()

    def reload(self) -> None:
        schema = load_schema(self.schema_path)
        self.authorities, self.problems = read_authorities(self.corpus, schema)
        self.resolver = Resolver(self.authorities)
        self.aliases = AliasTable(self.resolver)


def import_files(
    paths: list[Path], corpus: Path | None, out: Path | None, as_json: bool, force: bool, accept: bool = False
) -> ImportResult:
    """Import each page scrape (text or saved HTML) into a draft post plus a proposals file.

    A draft is `OUT/YYYY-MM-DD-slug.md` (OUT defaults to CORPUS/posts) and its
    proposed authority entries go to `OUT/YYYY-MM-DD-slug.proposals.yaml`. An
    existing draft is kept unless `force`. With `accept`, the proposals are
    merged into the corpus authority files; a `*.proposals.yaml` given as a
    path is merged (after review) without importing anything.
    """
    if corpus is None and not (Path.cwd() / "corpus").is_dir() and (out is None or accept):
        raise HubkbError(NO_CORPUS)  # never write drafts or authority entries inside the installed package
    res = resources(corpus)
    if not res.corpus.is_dir():
        raise HubkbError(f"{display_path(res.corpus)}: no such corpus folder (give one with --corpus)")
    ctx = _Context(res.corpus, res.schema)
    result = ImportResult()
    errors = [p for p in ctx.problems if p.severity == "error"]
    if errors:
        result.messages.append(
            f"{errors[0]} (and {len(errors) - 1} more; run hubkb check): names are matched "
            "against the entries that load"
            if len(errors) > 1
            else f"{errors[0]} (run hubkb check): names are matched against the entries that load"
        )
    out_dir = out if out is not None else res.corpus / "posts"
    for path in paths:
        shown = display_path(path)
        if is_proposals_file(path):
            _accept_file(path, ctx, accept, result)
            continue
        try:
            raw = path.read_bytes()
        except OSError as exc:
            _refuse(result, shown, f"cannot read: {exc.strerror or exc}")
            continue
        source = decode(raw, shown)
        result.messages.extend(source.warnings)
        if source.text is None:
            _refuse(result, shown, source.refusal or "nothing to import")
            continue
        e = extract(source.text, shown, ctx.resolver, ctx.aliases, source.hints)
        result.messages.extend(f"{shown}:{line}: warning: {what}" for line, what in sorted(e.notes))
        result.messages.extend(f"{shown}:{line}: needs review: {what}" for line, what in e.review)
        data = e.as_json()
        data["draft"], data["error"] = None, None
        result.extractions.append(data)
        written = _write(e, path, shown, out_dir, ctx, force, as_json, result)
        if written:
            data["draft"] = str(written)
        if accept and written:
            proposals = written.with_name(written.name[:-3] + ".proposals.yaml")
            if proposals.exists():
                _accept_file(proposals, ctx, True, result)
    return result


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _refuse(result: ImportResult, shown: str, why: str) -> None:
    result.messages.append(f"{shown}: {why}")
    result.extractions.append({"source": shown, **EMPTY, "needs_review": [], "draft": None, "error": why})
    result.exit_code = 1


def _write(
    e: Extraction,
    path: Path,
    shown: str,
    out_dir: Path,
    ctx: _Context,
    force: bool,
    as_json: bool,
    result: ImportResult,
) -> Path | None:
    target = out_dir / draft_name(e, path)
    proposals_path = target.with_name(target.name[:-3] + ".proposals.yaml")
    if target.exists() and not force:
        result.messages.append(
            f"{shown}: {display_path(target)} already exists; not overwritten (use --force to replace it)"
        )
        if not as_json:
            result.exit_code = 1
        return None
    proposals = Proposals(e, ctx.authorities)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(draft_text(e, proposals, path.name), encoding="utf-8")
        if proposals.count():
            proposals_path.write_text(proposals.as_yaml(target.name), encoding="utf-8")
        elif proposals_path.exists():
            proposals_path.unlink()  # a stale file from an earlier import of this page
    except OSError as exc:
        raise HubkbError(f"{display_path(target)}: cannot write the draft: {exc.strerror or exc}") from None
    result.written.append(target)
    counts = ", ".join(
        [
            _count(len(e.paragraphs), "paragraph"),
            _count(sum(p.kind == "definition" for p in e.passages), "definition"),
            _count(sum(p.kind == "quote" for p in e.passages), "quote"),
            _count(len(e.references), "reference"),
        ]
    )
    line = f"{shown}: wrote {display_path(target)} ({counts})"
    if proposals.count():
        result.written.append(proposals_path)
        line += (
            f"; {_count(proposals.count(), 'new authority entry', 'new authority entries')} proposed in "
            f"{display_path(proposals_path)}"
        )
    result.summary.append(line)
    if e.review:
        result.summary.append(f"{shown}: the draft needs review: {_count(len(e.review), 'flag')} under 'needs_review'")
    return target


def _accept_file(path: Path, ctx: _Context, accept: bool, result: ImportResult) -> None:
    shown = display_path(path)
    if not accept:
        result.messages.append(f"{shown}: a proposals file; merge it into the corpus with --accept")
        result.exit_code = 1
        return
    if not path.exists():
        result.messages.append(f"{shown}: no such file")
        result.exit_code = 1
        return
    added = accept_proposals(path, ctx.corpus)
    result.summary.extend(f"{shown}: accepted; {line}" for line in added) if added else result.summary.append(
        f"{shown}: nothing new to accept"
    )
    ctx.reload()
