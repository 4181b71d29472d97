"""Read stage: corpus files to records, every problem reported as path:line.

YAML is parsed with libyaml's safe loader (no Python tags, no object
construction), through its node tree so that every problem can name the line
of the file the user edits. PyYAML marks are 0-based and the front matter
starts after the first `---` line: `_Document` converts once. The node tree
also shows what the loader hides: a key given twice (it keeps the last).
Files are found and read by `hubkb.files`, which turns every OS error into a
problem; invisible characters in values are refused by `schema.validate`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem, display_path
from .files import AUTHORITY_FILES, find_posts, read_file
from .files import authority_hash as authority_hash  # where build and the tests look for it
from .invisible import escape_invisible
from .records import Authorities, Post
from .schema import Schema, validate
from .text import slugify

MAX_FILE_BYTES = 5 * 1024 * 1024
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


class _SafeLoader(yaml.CSafeLoader):
    """The C safe loader, with an impossible date reported at its line, and keys given twice noted.

    PyYAML raises a bare ValueError for `date: 2021-02-30`, without a mark,
    and keeps the last of two equal keys without a word.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[Any, yaml.Mark, yaml.Mark]] = []  # (key, first mark, repeated mark)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):  # rare: only then look for the keys (already constructed)
            first: dict[Any, yaml.Mark] = {}
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in first:
                    self.duplicates.append((key, first[key], key_node.start_mark))
                else:
                    first[key] = key_node.start_mark
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"impossible date '{node.value}' ({exc})", node.start_mark
            ) from None

    # A post's front matter is a few dozen nodes; PyYAML's generic machinery (a resolver call, a constructor
    # lookup, a generator per mapping) is most of the cost of reading it. The shortcuts below give the same
    # tags and the same data as that machinery does for the safe loader's resolvers, which hold no path
    # resolver and none for every first character (checked below, where the class is made).

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> Any:
        """A quoted scalar, or a plain one whose first character no implicit resolver starts with, is text;
        another plain one's tag depends on its text only (remembered); a list's and a mapping's is the default."""
        if kind is yaml.ScalarNode:
            if not implicit[0] or value[:1] not in _RESOLVED_FIRSTS:
                return self.DEFAULT_SCALAR_TAG
            tag = _RESOLVED.get(value)
            if tag is None:
                if len(_RESOLVED) > 10_000:
                    _RESOLVED.clear()
                tag = _RESOLVED[value] = super().resolve(kind, value, implicit)
            return tag
        return self.DEFAULT_MAPPING_TAG if kind is yaml.MappingNode else self.DEFAULT_SEQUENCE_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Nothing to do without path resolvers (PyYAML's own returns at once then)."""

    def ascend_resolver(self) -> None:
        """Nothing to do without path resolvers."""

    def construct_plain(self, node: yaml.Node) -> Any:
        """What `construct_document` gives for plain data (text, numbers, booleans, null, dates, lists and
        mappings of them), without its per-node machinery; `_NotPlain` for anything else (a tag, a merge key,
        a key given twice, a complex key), which the caller gives to `construct_document` instead."""
        tag = node.tag
        if node.__class__ is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            if tag in _PLAIN_SCALARS:
                return self.yaml_constructors[tag](self, node)
        elif node.__class__ is yaml.SequenceNode:
            if tag == _SEQ:
                return [self.construct_plain(item) for item in node.value]
        elif node.__class__ is yaml.MappingNode and tag == _MAP:
            mapping = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not yaml.ScalarNode:
                    raise _NotPlain
                mapping[self.construct_plain(key_node)] = self.construct_plain(value_node)
            if len(mapping) < len(node.value):  # a key given twice: `construct_mapping` notes it
                raise _NotPlain
            return mapping
        raise _NotPlain


class _NotPlain(Exception):
    """A node `_SafeLoader.construct_plain` leaves to PyYAML's constructor."""


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp"))
_RESOLVED_FIRSTS = frozenset(_SafeLoader.yaml_implicit_resolvers)
_RESOLVED: dict[str, str] = {}  # a plain scalar's tag, by its text (keys and dates repeat from post to post)
if _SafeLoader.yaml_path_resolvers or None in _RESOLVED_FIRSTS:  # PyYAML's safe loader has neither
    raise ImportError("hubkb.read: the YAML loader's shortcuts assume no path resolver and no resolver for any text")


@dataclass
class _Document:
    """A parsed YAML document that can say which line a key path is on."""

    data: Any
    node: yaml.Node | None
    first_line: int  # 1-based file line of the document's first line
    _keys: dict[int, dict[str, tuple[yaml.Node, Any]]] = field(default_factory=dict, repr=False)

    def line_of(self, where: tuple) -> int:
        """The file line of the key (or list item) at `where`; its parent's when absent."""
        node, line = self.node, self.first_line
        if node is not None:
            line = node.start_mark.line + self.first_line
        for step in where:
            found = self._child(node, step) if node is not None else None
            if found is None:
                break
            node, mark = found
            line = mark.line + self.first_line
        return line

    def _child(self, node: yaml.Node, step: Any) -> tuple[yaml.Node, Any] | None:
        """The node under `step` and the mark a person looks at: the key, or the list item."""
        if isinstance(node, yaml.MappingNode):
            keys = self._keys.get(id(node))
            if keys is None:  # a mapping's keys by their text, the first of equal ones (a message names a key often)
                keys = self._keys[id(node)] = {}
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        keys.setdefault(key.value, (value, key.start_mark))
            return keys.get(step) if isinstance(step, str) else None
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            return node.value[step], node.value[step].start_mark
        return None


def parse_yaml(text: str, path: str, first_line: int) -> tuple[_Document | None, list[Problem]]:
    """Parse one YAML document safely; problems carry file lines."""
    if "*" in text and _has_alias(text):
        line = _alias_line(text) + first_line
        return None, [Problem(path, line, "YAML anchors and aliases (&name, *name) are not allowed in corpus files")]
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = None
        if node is not None:
            try:
                data = loader.construct_plain(node)
            except Exception:  # anything but plain data: PyYAML's constructor gives it, or its error, as before
                data = loader.construct_document(node)
        duplicates = [
            Problem(
                path,
                again.line + first_line,
                f"duplicate key '{escape_invisible(str(key))}' (first at line {first.line + first_line}); "
                "YAML would keep only the last value: remove or rename one",
            )
            for key, first, again in loader.duplicates
        ]
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark
        line = (mark.line + first_line) if mark else first_line
        return None, [Problem(path, line, f"invalid YAML: {_yaml_message(exc, text)}")]
    except yaml.YAMLError as exc:
        return None, [Problem(path, first_line, f"invalid YAML: {exc}")]
    finally:
        loader.dispose()
    return _Document(data, node, first_line), duplicates


def _yaml_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = " ".join(str(exc.problem or "syntax error").split())
    mark = exc.problem_mark
    lines = text.split("\n")
    if mark is not None and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return "a tab character; indent YAML with spaces"
    tag = re.search(r"constructor for the tag '([^']*)'", problem)
    if tag:
        shown = tag.group(1).replace("tag:yaml.org,2002:", "!!")
        return f"the tag '{shown}' is not allowed; corpus files hold plain data"
    if exc.context and exc.context_mark is not None and mark is not None and mark.line != exc.context_mark.line:
        return f"{problem} ({exc.context} that starts on this line)"
    return problem


def _has_alias(text: str) -> bool:
    try:
        return any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return False  # the loader reports the syntax error with its line


def _alias_line(text: str) -> int:
    for event in yaml.parse(text, Loader=yaml.CSafeLoader):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            return event.start_mark.line
    return 0


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 (a byte-order mark is fine) with Windows line endings folded."""
    if len(raw) > MAX_FILE_BYTES:
        size = len(raw) / 1024 / 1024
        return None, [Problem(path, 1, f"file is {size:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB")]
    if b"\x00" in raw:
        return None, [
            Problem(
                path, raw[: raw.index(b"\x00")].count(b"\n") + 1, "binary file (it holds NUL bytes), not UTF-8 text"
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


# --- posts -------------------------------------------------------------------


def post_paths(corpus: Path) -> list[Path]:
    """Every corpus/posts/*.md that can be read as a post; `find_posts` also says what else is there."""
    return find_posts(corpus)[0]


def read_post(
    path: Path, schema: Schema, raw: bytes | None = None, shown: str | None = None
) -> tuple[Post | None, list[Problem]]:
    """One post file to a record; `shown` is the path as messages print it."""
    shown = shown or display_path(path)
    if raw is None:
        raw, problems = read_file(path, shown)
        if raw is None:
            return None, problems
    text, problems = decode(raw, shown)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [
            Problem(shown, 1, "empty file; a post starts with front matter between '---' lines (title, date, authors)")
        ]
    first = text.split("\n", 1)[0]
    if not _FENCE.match(first):
        return None, [
            Problem(
                shown, 1, "no front matter; a post starts with a '---' line, then title, date and authors, then '---'"
            )
        ]
    closing = _FENCE.search(text, len(first) + 1)
    if closing is None:
        return None, [Problem(shown, 1, "front matter is not closed; add a '---' line after it")]
    front = text[len(first) + 1 : closing.start()]
    body = text[closing.end() :].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    doc, problems = parse_yaml(front, shown, first_line=2)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        kind = "empty" if doc.data is None else ("a list" if isinstance(doc.data, list) else "a single value")
        return None, [Problem(shown, 2, f"front matter must be a mapping of keys (title, date, authors), not {kind}")]
    return _post_from(doc, path, shown, body, body_line, raw, schema, problems)


def _post_from(
    doc: _Document,
    path: Path,
    shown: str,
    body: str,
    body_line: int,
    raw: bytes,
    schema: Schema,
    problems: list[Problem],
) -> tuple[Post | None, list[Problem]]:

    def report(where: tuple, message: str, severity: str = "error") -> None:
        problems.append(Problem(shown, doc.line_of(where), message, severity))

    def warn(where: tuple, message: str) -> None:
        report(where, message, "warning")

    values = validate(doc.data, schema.corpus["post"], report, warn=warn)
    if not body.strip():
        problems.append(Problem(shown, body_line, "the post has no body after its front matter"))
    if any(p.severity == "error" for p in problems):
        return None, problems

    def relays(key: str, i: int, item: dict[str, Any]) -> tuple:
        hops = schema.sections[f"post.{key}.relays"]
        return tuple(hops.record(r, line=doc.line_of((key, i, "relays", j))) for j, r in item.get("relays", []))

    passages = []
    for kind, key in (("definition", "definitions"), ("quote", "quotes")):
        section = schema.sections[f"post.{key}"]
        for n, (i, item) in enumerate((i, item) for i, item in values.get(key, []) if "text" in item):
            line = doc.line_of((key, i))
            passages.append(section.record(item, kind=kind, n=n + 1, line=line, relays=relays(key, i, item)))
    cited = schema.sections["post.references"]
    references = tuple(
        cited.record(item, n=i + 1, line=doc.line_of(("references", i)), relays=relays("references", i, item))
        for i, item in values.get("references", ())
        if "work" in item
    )
    lines = {key: doc.line_of((key,)) for key in doc.data if isinstance(key, str)}
    post = schema.sections["post"].record(
        values,
        id=values.get("id") or path.stem,
        path=shown,
        body=body,
        body_line=body_line,
        content_hash=hashlib.sha256(raw).hexdigest(),
        passages=tuple(passages),
        references=references,
        lines=lines,
    )
    return post, problems


# --- authority files ---------------------------------------------------------


def authority_paths(corpus: Path) -> dict[str, str]:
    """Each authority file as messages print it, by kind."""
    return {kind: display_path(corpus / filename) for kind, filename in AUTHORITY_FILES.items()}


def missing_authorities(corpus: Path) -> list[Problem]:
    """An authority file that does not exist: an error for check and build (the importer makes them)."""
    paths = authority_paths(corpus)
    missing = []
    for kind, filename in AUTHORITY_FILES.items():
        try:
            os.lstat(corpus / filename)
        except FileNotFoundError:
            missing.append(Problem(paths[kind], 0, _MISSING_AUTHORITY))
        except OSError:  # unreadable: reading it says why
            pass
    return missing


_MISSING_AUTHORITY = (
    "no such file; a corpus has people.yaml, organisations.yaml, works.yaml and terms.yaml "
    "(one that lists nothing holds [])"
)


def read_authorities(corpus: Path, schema: Schema) -> tuple[Authorities, list[Problem]]:
    problems: list[Problem] = []
    loaded: dict[str, list] = {}
    paths = authority_paths(corpus)
    for kind, filename in AUTHORITY_FILES.items():
        raw, found = read_file(corpus / filename, paths[kind], missing_ok=True)
        problems.extend(found)
        loaded[kind] = []
        if raw is not None:
            loaded[kind], found = _read_authority(kind, raw, paths[kind], schema)
            problems.extend(found)
    problems.extend(_duplicate_ids(loaded, paths))
    authorities = Authorities(
        people=tuple(loaded["people"]),
        organisations=tuple(loaded["organisations"]),
        works=tuple(loaded["works"]),
        terms=tuple(loaded["terms"]),
        paths=paths,
        content_hash=authority_hash(corpus),
    )
    return authorities, problems


# The key an authority entry's default id is made from (a slug of it).
_ID_FROM = {"people": "name", "organisations": "name", "works": "title", "terms": "label"}


def _read_authority(kind: str, raw: bytes, shown: str, schema: Schema) -> tuple[list, list[Problem]]:
    text, problems = decode(raw, shown)
    if text is None:
        return [], problems
    try:
        return _records(kind, _one_by_one(text, shown), shown, schema, [])
    except _Whole:
        pass
    doc, problems = parse_yaml(text, shown, first_line=1)
    if doc is None or doc.data is None:
        return [], problems
    if not isinstance(doc.data, list):
        return [], [Problem(shown, 1, f"{shown} must be a list of entries, each starting with '- '")]
    return _records(kind, ((item, doc, i) for i, item in enumerate(doc.data)), shown, schema, problems)


def _records(
    kind: str, entries: Iterable[tuple[Any, _Document, int]], shown: str, schema: Schema, problems: list[Problem]
) -> tuple[list, list[Problem]]:
    """The records of (entry, its document, its index there), validated; problems at their lines."""
    records = []
    for item, doc, i in entries:
        where = (i,)
        if not isinstance(item, dict):
            problems.append(Problem(shown, doc.line_of(where), "each entry must be a mapping of keys"))
            continue

        def report(w: tuple, message: str, severity: str = "error", where: tuple = where, doc: _Document = doc) -> None:
            problems.append(Problem(shown, doc.line_of(where + w), message, severity))

        before = len(problems)
        values = validate(item, schema.corpus[kind], report, warn=lambda w, m: report(w, m, "warning"))
        if not any(p.severity == "error" for p in problems[before:]):
            entry_id = values.get("id") or slugify(values[_ID_FROM[kind]])
            records.append(schema.sections[kind].record(values, id=entry_id, line=doc.line_of(where)))
    return records, problems


class _Whole(Exception):
    """The file is to be parsed whole (see `_one_by_one`)."""


_ENTRY = re.compile(r"^-(?: |$)", re.M)  # an entry of a block list starts at column 0
_OTHER_AT_COLUMN_0 = re.compile(r"^(?![-#\s]|$)|^-(?![ \n]|$)", re.M)  # a key, a document marker, a flow list…


def _one_by_one(text: str, shown: str) -> Iterator[tuple[Any, _Document, int]]:
    """The entries of a block list, each parsed alone, with its file lines; raises `_Whole` if it cannot be.

    An authority file of 20,000 works is a 4 MB YAML list: parsed whole,
    PyYAML's node tree (kept for the lines of messages) holds over 100 MB at
    once; entry by entry, one entry's tree at a time. Anything at column 0
    but entries and comments, or an entry with something to report (a
    syntax error, a key given twice), and the file is parsed whole instead,
    so its messages are those of the whole file.
    """
    starts = [m.start() for m in _ENTRY.finditer(text)]
    if len(starts) < 2 or _OTHER_AT_COLUMN_0.search(text):
        raise _Whole
    line = text.count("\n", 0, starts[0]) + 1
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        doc, problems = parse_yaml(text[start:end], shown, first_line=line)
        if problems or doc is None or not isinstance(doc.data, list) or len(doc.data) != 1:
            raise _Whole
        yield doc.data[0], doc, 0
        line += text.count("\n", start, end)


def _duplicate_ids(loaded: dict[str, list], paths: dict[str, str]) -> list[Problem]:
    problems = []
    for kind, records in loaded.items():
        seen: dict[str, Any] = {}
        for record in records:
            if record.id in seen:
                problems.append(
                    Problem(
                        paths[kind],
                        record.line,
                        f"duplicate id '{record.id}' (first at line {seen[record.id].line}); give one entry another 'id'",
                    )
                )
            else:
                seen[record.id] = record
    return problems
