"""schema.yaml: what corpus files may hold, what tables the build creates, and which key goes in which column.

Loading checks the mapping once: every corpus key has a column, every key a
record does not compute passes straight through to a column of its own table
(one of the key's name is added when the table does not declare it), and every
`optional` column exists. A schema that breaks this stops every command with a
message naming the key, instead of a build that silently stores NULL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process

from .errors import HubkbError, display_path
from .files import read_file
from .invisible import INVISIBLE, escape_invisible, invisible_problem
from .records import SECTION_RECORDS, attributes

LIST_TYPES = frozenset({"names", "ids", "strings"})


@dataclass(frozen=True)
class Section:
    """One kind of corpus record (a post, a definition, a person, ...) and where its keys are stored."""

    name: str  # "post", "post.definitions", "people", ...
    table: str
    columns: dict[str, str]  # key -> its column in `table`, or "table.column" in another table
    types: dict[str, str]  # key -> corpus type (string, names, records, ...)
    passthrough: tuple[tuple[str, str, str], ...]  # (key, column, type) of the keys in a record's `fields`

    def record(self, values: dict[str, Any], **computed: Any) -> Any:
        """The section's record from validated `values`: attributes it holds, every other key in `fields`.

        `computed` gives the attributes the reader works out (an id from the
        name, a line number); a pass-through key not given is None, or () for a list.
        """
        record_type = SECTION_RECORDS[self.name]
        held = attributes(record_type)
        attrs = {key: value for key, value in values.items() if key in held and self.types.get(key) != "records"}
        attrs.update(computed)
        fields = {key: values.get(key, () if kind in LIST_TYPES else None) for key, _column, kind in self.passthrough}
        return record_type(**attrs, fields=fields)


@dataclass(frozen=True)
class Schema:
    corpus: dict[str, Any]
    tables: dict[str, Any]
    fts_tokenize: str
    post_tables: tuple[str, ...]
    content_hash: str
    sections: dict[str, Section]

    def fts_tables(self) -> dict[str, list[str]]:
        return {name: spec["fts"] for name, spec in self.tables.items() if spec.get("fts")}

    def optional_columns(self, table: str) -> tuple[str, ...]:
        """Columns the default corpus may leave empty (schema.yaml's `optional`)."""
        return tuple(self.tables[table].get("optional", ()))


def load_schema(path: Path) -> Schema:
    shown = display_path(path)
    raw, problems = read_file(path, shown)
    if raw is None:
        raise HubkbError(str(problems[0]))
    try:
        data = yaml.load(raw.decode("utf-8"), Loader=yaml.CSafeLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise HubkbError(f"{shown}: cannot read the schema: {exc}") from None
    if not isinstance(data, dict) or "tables" not in data or "corpus" not in data:
        raise HubkbError(f"{shown}: a schema needs 'corpus' and 'tables' sections")
    sections = _sections(data["corpus"], data["tables"], shown)  # may add pass-through columns
    _check_optional(data["tables"], shown)
    return Schema(
        corpus=data["corpus"],
        tables=data["tables"],
        fts_tokenize=data.get("fts", {}).get("tokenize", "unicode61 remove_diacritics 2"),
        post_tables=tuple(data.get("post_tables", ())),
        content_hash=hashlib.sha256(raw).hexdigest(),
        sections=sections,
    )


# --- which key goes in which column ---------------------------------------------


def _sections(corpus: dict[str, Any], tables: dict[str, Any], shown: str) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    pending = [(name, spec) for name, spec in corpus.items()]
    while pending:
        name, spec = pending.pop(0)
        section = _section(name, spec, tables, shown)
        sections[name] = section
        pending += [(f"{name}.{key}", spec["fields"][key]) for key, kind in section.types.items() if kind == "records"]
    return sections


def _section(name: str, spec: dict[str, Any], tables: dict[str, Any], shown: str) -> Section:
    table = spec.get("table")
    if table not in tables:
        fills = f"fills table '{table}', which 'tables' does not declare" if table else "names no 'table' it fills"
        raise HubkbError(f"{shown}: corpus.{name} {fills}")
    if name not in SECTION_RECORDS:
        raise HubkbError(
            f"{shown}: corpus.{name} is no kind of file or entry hubkb reads ({', '.join(SECTION_RECORDS)})"
        )
    held = attributes(SECTION_RECORDS[name])
    columns: dict[str, str] = {}
    types: dict[str, str] = {}
    passthrough: list[tuple[str, str, str]] = []
    own = tables[table]["columns"]
    for key, field_spec in spec.get("fields", {}).items():
        types[key] = _type_of(field_spec)
        if types[key] == "records":
            continue
        if isinstance(field_spec, dict) and field_spec.get("stored") is False:
            if key not in held:
                raise HubkbError(f"{shown}: corpus.{name}.{key} has 'stored: false', but hubkb does not read it")
            continue
        named = field_spec.get("column") if isinstance(field_spec, dict) else None
        column = named or key
        if key not in held and named is None and column not in own:
            # A key that passes straight through gets its column: one line in `corpus` is enough.
            own[column] = "integer" if types[key] in ("integer", "boolean") else "text"
        other, _, other_column = column.rpartition(".")
        if column in own:
            pass
        elif other in tables and other_column in tables[other]["columns"]:
            if key not in held:
                raise HubkbError(
                    f"{shown}: corpus.{name}.{key} is stored in '{column}', but a key hubkb does not compute "
                    f"goes straight to a column of its own table '{table}'"
                )
        elif named is None:
            raise HubkbError(
                f"{shown}: corpus.{name}.{key} has no column '{key}' in table '{table}'; "
                "hubkb computes what it stores, so name its column with 'column:'"
            )
        else:
            where, wanted = (other, other_column) if other in tables else (table, column)
            sql_type = "integer" if types[key] in ("integer", "boolean") else "text"
            raise HubkbError(
                f"{shown}: corpus.{name}.{key} is stored in '{column}', which table '{where}' does not declare; "
                f"add '{wanted}: {sql_type}' under tables.{where}.columns"
            )
        columns[key] = column
        if key not in held:
            passthrough.append((key, column, types[key]))
    return Section(name, table, columns, types, tuple(passthrough))


def _check_optional(tables: dict[str, Any], shown: str) -> None:
    for table, spec in tables.items():
        for column in spec.get("optional", ()):
            if column not in spec["columns"]:
                raise HubkbError(f"{shown}: tables.{table}.optional names '{column}', which is not one of its columns")


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
            shown = escape_invisible(str(key))
            (warn or report)(where + (key,), f"unknown key '{shown}'{did_you_mean(str(key), list(fields))}")
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
        text = value if value.__class__ is str else str(value)
        invisible = invisible_problem(text, prose=kind == "text")  # which characters count: invisible.py's
        if invisible:
            report(where, f"'{key}' {invisible}")
            return None
        text = text.strip()
        choices = spec.get("choices") if isinstance(spec, dict) else None
        if choices and text not in choices:
            report(where, f"'{key}' must be one of {', '.join(choices)}, not '{text}'{did_you_mean(text, choices)}")
            return None
        return text
    if kind == "boolean":
        if not isinstance(value, bool):
            report(where, f"'{key}' must be true or false, not {_describe(value)}")
            return None
        return value
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
        texts = [str(i) for i in items]
        if INVISIBLE.search("\n".join(texts)):
            for i, text in enumerate(texts):
                invisible = invisible_problem(text)
                if invisible:
                    report(where + (i,) if isinstance(value, list) else where, f"'{key}' {invisible}")
            return None
        return tuple(t.strip() for t in texts if t.strip())
    if kind == "records":
        # `shorthand: work` lets a plain entry stand for {work: entry} (`references: [us-now]`)
        shorthand = spec.get("shorthand")
        if shorthand and _plain(value):
            value = [value]
        if not isinstance(value, list):
            report(where, f"'{key}' must be a list of entries, not {_describe(value)}")
            return None
        records = []
        for i, item in enumerate(value):
            if shorthand and _plain(item):
                if not str(item).strip():
                    continue  # an empty entry, as in a list of ids
                item = {shorthand: item}
            if not isinstance(item, dict):
                entry = f"a {shorthand} or a mapping of keys" if shorthand else "a mapping of keys"
                report(where + (i,), f"each entry of '{key}' must be {entry}, not {_describe(item)}")
                continue
            records.append((i, validate(item, spec, report, where + (i,))))
        return records
    raise HubkbError(f"schema.yaml: unknown field type '{kind}'")


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return f"'{value}'"
