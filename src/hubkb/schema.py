"""schema.yaml: what corpus files may hold and what tables the build creates."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process

from .errors import HubkbError


@dataclass(frozen=True)
class Schema:
    corpus: dict[str, Any]
    tables: dict[str, Any]
    fts_tokenize: str
    post_tables: tuple[str, ...]
    content_hash: str

    def fts_tables(self) -> dict[str, list[str]]:
        return {name: spec["fts"] for name, spec in self.tables.items() if spec.get("fts")}


def load_schema(path: Path) -> Schema:
    try:
        raw = path.read_bytes()
        data = yaml.load(raw.decode("utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise HubkbError(f"{path}: cannot read the schema: {exc}") from None
    if not isinstance(data, dict) or "tables" not in data or "corpus" not in data:
        raise HubkbError(f"{path}: a schema needs 'corpus' and 'tables' sections")
    return Schema(
        corpus=data["corpus"],
        tables=data["tables"],
        fts_tokenize=data.get("fts", {}).get("tokenize", "unicode61 remove_diacritics 2"),
        post_tables=tuple(data.get("post_tables", ())),
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


# --- validating a mapping against a corpus spec --------------------------------

Report = Callable[[tuple, str], None]  # (key path, message)


def _type_of(spec: Any) -> str:
    return spec if isinstance(spec, str) else spec.get("type", "string")


def did_you_mean(word: str, choices: list[str]) -> str:
    best = process.extractOne(word, choices, score_cutoff=60)
    return f" (did you mean '{best[0]}'?)" if best else ""


def validate(data: dict, spec: dict, report: Report, where: tuple = (), warn: Report | None = None) -> dict:
    """Check `data` against `spec`; return the values coerced to their types.

    Problems go to `report` (errors) and `warn` (unknown keys) with the key path
    so that the caller can look up the line.
    """
    fields: dict[str, Any] = spec.get("fields", {})
    out: dict[str, Any] = {}
    for key in spec.get("required", []):
        if key not in data or data[key] is None:
            report(where, f"missing required key '{key}'")
    for key, value in data.items():
        if not isinstance(key, str) or key not in fields:
            (warn or report)(where + (key,), f"unknown key '{key}'{did_you_mean(str(key), list(fields))}")
            continue
        if value is None:
            continue
        coerced = _coerce(value, fields[key], report, where + (key,))
        if coerced is not None:
            out[key] = coerced
    return out


def _coerce(value: Any, spec: Any, report: Report, where: tuple) -> Any:
    kind = _type_of(spec)
    key = where[-1]
    if kind in ("string", "text"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            report(where, f"'{key}' must be a piece of text, not {_describe(value)}")
            return None
        text = str(value).strip()
        choices = spec.get("choices") if isinstance(spec, dict) else None
        if choices and text not in choices:
            report(where, f"'{key}' must be one of {', '.join(choices)}, not '{text}'{did_you_mean(text, choices)}")
            return None
        return text
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            report(where, f"'{key}' must be a whole number, not {_describe(value)}")
            return None
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if not isinstance(value, dt.date):
            report(where, f"'{key}' must be a date written YYYY-MM-DD, not {_describe(value)}")
            return None
        return value
    if kind in ("names", "ids", "strings"):
        items = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
        if not isinstance(items, list) or not all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in items):
            report(where, f"'{key}' must be a name or a list of names, not {_describe(value)}")
            return None
        return tuple(str(i).strip() for i in items if str(i).strip())
    if kind == "records":
        if not isinstance(value, list):
            report(where, f"'{key}' must be a list of entries, not {_describe(value)}")
            return None
        records = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                report(where + (i,), f"each entry of '{key}' must be a mapping of keys, not {_describe(item)}")
                continue
            records.append((i, validate(item, spec, report, where + (i,))))
        return records
    raise HubkbError(f"schema.yaml: unknown field type '{kind}'")


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return f"'{value}'"
