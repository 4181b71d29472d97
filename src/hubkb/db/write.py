"""The database writer: the one module that creates tables and writes rows.

A build writes into a temporary file next to the published database and
puts it in its place at the end (`publish.publish`), so readers never see a half-written file. An
incremental build starts from a copy of the published file and changes it only
by deletes and inserts: FTS triggers keep the indexes in step, and no table is
ever `transform()`ed (that would drop the triggers).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import HubkbError
from ..publish import Freeing, copy_file, not_written, os_error_message, publish
from ..schema import Schema
from .fts_aside import BULK_HASHSIZE, FtsAside, FtsParts, bulk_hashsize, bulk_load, largest
from .rows import TUPLE_COLUMNS
from .stems import refresh_stems

if TYPE_CHECKING:
    import sqlite_utils

_TYPES = {"text": str, "integer": int, "real": float}
BATCH_POSTS = 200
_ROWS_A_STATEMENT = 100  # tuple rows (mentions) inserted by one statement
VARIANTS = "search_variants"  # the hidden table of other spellings, read by the full-text triggers
_ADDED_TEXTS_SQL = "SELECT title FROM chunk.posts UNION ALL SELECT text FROM chunk.paragraphs"
# The passage search ranks with bm25, which reads every row of each phrase to weigh it (its IDF) before it
# scores a single match: a cost that grows with the corpus, 4 ms for "design de services" at 10,000 posts and
# 22 ms at 50,000. A corpus of more paragraphs than this gets a second index of its first RANK_SAMPLE
# paragraphs (`paragraphs_fts_rank`), which ranks the search's candidates whenever it holds them all
# (search_passages.sql): the same rows, weighed by the words' frequencies in a fixed sample of the corpus.
RANK_SAMPLE = 100_000
RANK_FTS = "paragraphs_fts_rank"
# Rows of each index that a fresh file's ANALYZE reads: all of them took 0.25 s at 10,000 posts, at the very end
# of a build, on one core; the first thousand take 0.02 s, and the plans the tests pin down (an index for every
# `col = ?`, the posts page's, who_cites_whom's, an entity's mentions) stay the same.
ANALYSIS_LIMIT = 1000


def table_sql(db_path: Path, schema: Schema) -> list[str] | None:
    """The CREATE TABLE statements of the schema's tables in a published file, in the schema's order
    (None if one is missing): an update's chunks are made with them, without sqlite-utils."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()
    return [found[name] for name in schema.tables] if all(name in found for name in schema.tables) else None


# SQLite's primary result codes that say the file or the disk failed, not the SQL.
_STORAGE_CODES = {
    3: "permission denied",  # SQLITE_PERM
    8: "the file is read-only",  # SQLITE_READONLY
    10: "a disk input/output error",  # SQLITE_IOERR
    11: "the file is damaged",  # SQLITE_CORRUPT
    13: "the disk is full (no space left on device)",  # SQLITE_FULL
    14: "the file cannot be opened",  # SQLITE_CANTOPEN
    26: "the file is not a database",  # SQLITE_NOTADB
}


@contextlib.contextmanager
def storage_errors(db_path: Path) -> Iterator[None]:
    """A full disk or another storage failure while writing `db_path`: one line, no traceback."""
    try:
        yield
    except sqlite3.Error as exc:
        reason = _STORAGE_CODES.get(getattr(exc, "sqlite_errorcode", 0) & 0xFF)
        if reason is None:
            raise
        raise not_written(db_path, reason) from None
    except OSError as exc:
        raise not_written(db_path, os_error_message(exc)) from None


class Writer:
    """Writes one database file; `commit_to()` publishes it atomically."""

    def __init__(
        self,
        tmp_path: Path,
        schema: Schema,
        start_from: Path | None = None,
        chunk: bool = False,
        copied: bool = False,
        table_sql: Sequence[str] | None = None,
        tables_later: bool = False,
    ):
        """`start_from`: the published file an update starts from, copied to `tmp_path` here unless `copied`
        says the caller did it already. `table_sql`: a chunk's tables as statements (`table_sql()` of the
        published file), instead of making them from the schema with sqlite-utils. `tables_later`: a fresh
        file's tables are made by `make_tables()`, not here (a full build makes them while its workers
        read the first posts)."""
        self.path = tmp_path
        self.schema = schema
        if not copied:
            if tmp_path.exists():
                tmp_path.unlink()
            if start_from is not None:
                copy_file(start_from, tmp_path)
        # sqlite3 itself: sqlite-utils (and numpy, and its plugins' entry points) loads only to create tables
        self.conn = sqlite3.connect(str(tmp_path))
        self.conn.execute("PRAGMA recursive_triggers = on")  # as sqlite-utils' Database sets it
        self._db: sqlite_utils.Database | None = None
        self.conn.execute("PRAGMA journal_mode = OFF" if start_from is None else "PRAGMA journal_mode = DELETE")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.fresh = start_from is None
        self._pending: dict[str, list[Any]] = {}
        self._pending_posts = 0
        self._added_texts: list[str] = []  # an update's new titles and paragraphs, for their stems
        self._fts: list[FtsParts] | None = None  # a fresh file's full-text indexes, made by `finish`
        self._side: FtsAside | None = None  # the one another process makes (`index_aside`)
        self.text_chars = 0  # the characters of the bodies of the posts merged in: how large its indexes will be
        if table_sql is not None:  # a chunk of an update: its tables made as the published file's are
            for sql in table_sql:
                self.conn.execute(sql)
        elif chunk:
            self._create_chunk_tables()
        elif self.fresh and not tables_later:
            self.make_tables()
        # the rowid the next paragraph gets (mention rows point at paragraphs by rowid): 1 in a fresh file
        self.paragraph_rowid = (
            1 if self.fresh else 1 + self.conn.execute("SELECT coalesce(max(rowid), 0) FROM paragraphs").fetchone()[0]
        )

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils over the same connection, loaded the first time tables are made."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    def make_tables(self) -> None:
        """A fresh file's tables (made by `__init__` unless `tables_later`)."""
        for name, spec in self.schema.tables.items():
            columns = {col: _TYPES[kind] for col, kind in spec["columns"].items()}
            foreign_keys = [(col, other, self._pk(other)) for col, other in spec.get("foreign_keys", {}).items()]
            pk = spec["pk"] if isinstance(spec["pk"], str) else tuple(spec["pk"])
            if spec.get("without_rowid"):  # the table is its primary key's index: no second copy of the keys
                sql = self.db.create_table_sql(name, columns, pk=pk, foreign_keys=foreign_keys)
                self.conn.execute(sql.rstrip().rstrip(";") + " WITHOUT ROWID")
                continue
            self.db.table(name).create(columns, pk=pk, foreign_keys=foreign_keys)
        for table in self.schema.post_tables:
            if self._needs_post_index(table):
                self.db.table(table).create_index(["post_id"], if_not_exists=True)

    def _create_chunk_tables(self) -> None:
        """A worker's chunk: the tables' columns and types only. No key, no constraint: `merge` copies the rows
        into the database's own tables, which check them; a key's index here would be built only to be read once."""
        for name, spec in self.schema.tables.items():
            columns = ", ".join(f"[{col}] {kind.upper()}" for col, kind in spec["columns"].items())
            self.conn.execute(f"CREATE TABLE [{name}] ({columns})")

    def _needs_post_index(self, table: str) -> bool:
        """A post's rows are deleted by post_id: an index, unless the table has no such column or its key leads with it."""
        spec = self.schema.tables[table]
        pk = [spec["pk"]] if isinstance(spec["pk"], str) else spec["pk"]
        return "post_id" in spec["columns"] and pk[0] != "post_id"

    def _pk(self, table: str) -> str:
        pk = self.schema.tables[table]["pk"]
        return pk if isinstance(pk, str) else pk[0]

    # --- rows ----------------------------------------------------------------

    def insert(self, rows: dict[str, list[Any]]) -> None:
        """Insert rows with one prepared statement a table (tuple rows: one for a hundred rows at a time).

        sqlite-utils created the tables; plain executemany here is about three
        times faster than `insert_all`, which inspects and converts every value.
        A row (a dict) naming a column its table does not declare is an error,
        never a silent drop; mention rows are tuples in `MENTION_COLUMNS` order.
        """
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            columns: Sequence[str]
            if table in TUPLE_COLUMNS:
                columns = self._tuple_columns(table)
                values: Iterable[tuple] = table_rows
            else:
                columns = self._columns(table)
                self._check_columns(table, columns, table_rows)
                values = [tuple(map(row.get, columns)) for row in table_rows]
            head = "INSERT INTO [{}] ({}) VALUES ".format(table, ", ".join(f"[{c}]" for c in columns))
            marks = f"({', '.join('?' * len(columns))})"
            if table in TUPLE_COLUMNS and len(table_rows) >= _ROWS_A_STATEMENT:
                # A million mention rows: many a statement, so that SQLite runs a statement (and sqlite3 resets
                # it) once per hundred rows, not once per row; the rows keep their order and rowids
                whole = len(table_rows) - len(table_rows) % _ROWS_A_STATEMENT
                flat = list(chain.from_iterable(table_rows[:whole]))
                width = _ROWS_A_STATEMENT * len(columns)
                many = head + ", ".join([marks] * _ROWS_A_STATEMENT)
                self.conn.executemany(many, [flat[i : i + width] for i in range(0, len(flat), width)])
                values = table_rows[whole:]
            self.conn.executemany(head + marks, values)

    def _columns(self, table: str) -> list[str]:
        if table not in self.schema.tables:
            raise HubkbError(f"schema.yaml declares no table '{table}' (tables: {', '.join(self.schema.tables)})")
        return list(self.schema.tables[table]["columns"])

    def _tuple_columns(self, table: str) -> tuple[str, ...]:
        declared = self._columns(table)
        for column in TUPLE_COLUMNS[table]:
            if column not in declared:
                raise HubkbError(f"a row of table '{table}' has a column '{column}' that schema.yaml does not declare")
        return TUPLE_COLUMNS[table]

    def _check_columns(self, table: str, columns: Sequence[str], table_rows: list[dict]) -> None:
        unknown = set(chain.from_iterable(table_rows)).difference(columns)
        if unknown:
            column = sorted(unknown)[0]
            raise HubkbError(f"a row of table '{table}' has a column '{column}' that schema.yaml does not declare")

    def add_post(self, rows: dict[str, list[Any]]) -> None:
        """Buffer one post's rows (made for `paragraph_rowid`); written in batches to keep memory flat."""
        self.paragraph_rowid += len(rows.get("paragraphs", ()))
        for table, table_rows in rows.items():
            self._pending.setdefault(table, []).extend(table_rows)
        self._pending_posts += 1
        if self._pending_posts >= BATCH_POSTS:
            self.flush()

    def flush(self) -> None:
        with self.conn:
            self.insert(self._pending)
        self._pending = {}
        self._pending_posts = 0

    def merge(self, chunk: Path) -> None:
        """Copy every row of a chunk file (written by a worker) into this database.

        A generated integer key is left out so that this file numbers the rows;
        paragraphs keep their order and get the rowids after this file's last
        one, and the columns that point at them (`rowid_of`) follow.
        """
        self.flush()
        with self.conn:
            self.conn.execute("ATTACH DATABASE ? AS chunk", [str(chunk)])
        try:
            if not self.fresh:
                self._added_texts += [t for (t,) in self.conn.execute(_ADDED_TEXTS_SQL)]
            shift = self.paragraph_rowid - 1
            with self.conn:
                for table in self._insert_order():
                    spec = self.schema.tables[table]
                    columns = [c for c, kind in spec["columns"].items() if not (c == spec["pk"] and kind == "integer")]
                    values = [f"[{c}] + {shift}" if c in spec.get("rowid_of", {}) else f"[{c}]" for c in columns]
                    if table == "paragraphs":
                        columns, values = ["rowid", *columns], [f"rowid + {shift}", *values]
                    listed = ", ".join(f"[{c}]" for c in columns)
                    self.conn.execute(
                        f"INSERT INTO main.[{table}] ({listed}) SELECT {', '.join(values)} FROM chunk.[{table}]"
                    )
            self.paragraph_rowid = 1 + self.conn.execute("SELECT coalesce(max(rowid), 0) FROM paragraphs").fetchone()[0]
        finally:
            self.conn.execute("DETACH DATABASE chunk")

    def _insert_order(self) -> tuple[str, ...]:
        """A post's tables in the order its rows go in (deleted in reverse): search_variants first,
        because the full-text triggers of the rows after it read their variants there."""
        tables = ("posts", *self.schema.post_tables)
        return (*(t for t in tables if t == VARIANTS), *(t for t in tables if t != VARIANTS))

    def close(self) -> None:
        self.flush()
        self.conn.commit()
        self.conn.close()

    def delete_posts(self, post_ids: Iterable[str]) -> None:
        ids = list(post_ids)
        with self.conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for table in reversed(self._insert_order()):
                    where, params = self._of_posts(table, chunk)
                    self.conn.execute(f"DELETE FROM [{table}] WHERE {where}", params)

    def _of_posts(self, table: str, ids: list[str]) -> tuple[str, list[str]]:
        """The SQL condition for the rows of `table` that belong to the posts `ids`, and its parameters."""
        spec = self.schema.tables[table]
        marks = ", ".join("?" * len(ids))
        if table == "posts":
            return f"id IN ({marks})", ids
        if "post_id" in spec["columns"]:
            return f"post_id IN ({marks})", ids
        if "of_post" in spec:  # keyed by the post's id or an id under it (post#p3): two lookups of the key a post
            key = f"[{spec['of_post']}]"
            # the ids as one JSON text: a function takes at most 127 arguments (SQLite's default), json_array too
            posts = "(SELECT value AS post FROM json_each(?))"
            return (
                f"{key} IN (SELECT t.{key} FROM {posts} k JOIN [{table}] t "
                f"ON t.{key} = k.post OR (t.{key} >= k.post || '#' AND t.{key} < k.post || '$'))"
            ), [json.dumps(ids)]
        column, other = next(iter(spec["rowid_of"].items()))  # rows that point at a post's paragraphs
        return f"[{column}] IN (SELECT rowid FROM [{other}] WHERE post_id IN ({marks}))", ids

    def set_meta(self, values: dict[str, str]) -> None:
        with self.conn:  # SQL, not sqlite-utils' upsert_all: that looks at every table first (0.13 s at 10,000 posts)
            self.conn.executemany(
                "INSERT INTO hubkb_build (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    # --- finishing -------------------------------------------------------------

    def index_aside(self, folder: Path) -> None:
        """Have another process build a fresh file's largest full-text index in `folder` while `finish`
        makes the rest. Call it before this process starts a thread: a fork copies no thread, and a
        lock another thread held (SQLite's, the allocator's) would stay held in the child forever."""
        self.flush()
        self._fts = [self._fts_parts(table, columns) for table, columns in self.schema.fts_tables().items()]
        self._side = FtsAside.start(self.conn, self.path, self._fts, folder, bulk_hashsize(self.text_chars))

    def finish(
        self, after_fts: Callable[[sqlite3.Connection], object] | None = None, words: set[str] | None = None
    ) -> None:
        """Flush, build full-text indexes on a fresh file, index foreign keys, stem the new words.

        `after_fts`: rows written once the full-text indexes are built (what a thread found meanwhile).
        `words`: a fresh file's words to stem, as the build read them (`refresh_stems`); without them,
        they are read from its full-text indexes.
        """
        self.flush()
        side = self._side
        try:
            last = None
            if self.fresh:
                if self._fts is None:
                    self._fts = [self._fts_parts(t, columns) for t, columns in self.schema.fts_tables().items()]
                last = side.parts if side is not None else largest(self.conn, self._fts)
                if side is None and last is not None and last.view:  # made first, as FtsAside.start makes it
                    self.conn.execute(last.view)
                self._rank_sample()  # while another process indexes the paragraphs, when one does
                if side is not None:  # made while the other process indexes: the end of a build is then one core's
                    self._index_foreign_keys(filled_only=True)
                for parts in self._fts:
                    if parts is not last:
                        self._enable_fts(parts)
            if after_fts is not None:
                after_fts(self.conn)
            self._index_foreign_keys()  # the rest; an update: only those an earlier version made otherwise
            if side is not None:
                side.finish()
            elif last is not None:
                self._enable_fts(last, with_view=False)
            self._rank_sample()  # an update of a file made before it existed
        finally:
            if side is not None:
                side.close()
        # every new word stemmed once: all of them on a fresh file, the added posts' on an update
        if self.fresh:
            refresh_stems(self.conn, words=words)
        else:
            refresh_stems(self.conn, self._added_texts)
        if self.fresh:
            self.conn.commit()  # out of WAL (an index built aside) only between transactions
            mode = self.conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            if mode != "delete":  # a file published in WAL mode would need its -wal beside it
                raise sqlite3.OperationalError(f"the journal mode stayed {mode}")
        self.counts = {t: self.conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in self.schema.tables}
        if self.fresh:  # an update keeps the statistics: one post moves nothing
            self.conn.execute(f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}")
            self.conn.execute("ANALYZE")
            self._mention_statistics()
        self.conn.commit()
        self.conn.close()

    def _mention_statistics(self) -> None:
        """The mentions' statistics from the tables' counts: ANALYZE reads the first `ANALYSIS_LIMIT` rows of an
        index only, and the entity index's first rows are a few entities' (it took the rows an entity has
        for 1,001, where they are 252 at 10,000 posts; the mention rows over the entities give 250)."""
        rows = self.counts.get("mentions", 0)
        if not rows:
            return
        per_paragraph = -(-rows // max(self.counts["paragraphs"], 1))
        per_entity = -(-rows // max(self.counts["entities"], 1))
        self.conn.executemany(
            "UPDATE sqlite_stat1 SET stat = ? WHERE tbl = 'mentions' AND idx = ?",
            [(f"{rows} {per_paragraph} 1", "mentions"), (f"{rows} {per_entity}", "idx_mentions_entity")],
        )

    def _fts_parts(self, table: str, columns: list[str]) -> FtsParts:
        """FTS5 over `table` with the triggers that keep it in step, as `enable_fts()` makes.

        Written out because `enable_fts()` has no `prefix` option (prefix
        indexes make `copro*` a lookup instead of a scan of the term list) nor
        `detail` (`column`: no word positions), nor a column kept in another
        table: `search_variants` comes from the hidden table of that name,
        through a view that is the index's content.
        """
        spec = self.schema.tables[table]
        prefix, detail = spec.get("fts_prefix"), spec.get("fts_detail")
        own = spec["columns"]
        if not prefix and not detail and all(c in own for c in columns):
            return FtsParts(table, columns)  # sqlite-utils' enable_fts() makes it
        fts, content, view = f"[{table}_fts]", f"[{table}]", ""
        if not all(c in own for c in columns):
            content = f"[{table}_fts_source]"
            values = _row_values(columns, own, "t", named=True)
            view = f"CREATE VIEW {content} AS SELECT t.rowid AS rowid, {values} FROM [{table}] t"
        cols = ", ".join(f"[{c}]" for c in columns)
        old, new = _row_values(columns, own, "old"), _row_values(columns, own, "new")
        options = f", prefix={self.db.quote(str(prefix))}" if prefix else ""
        options += f", detail={self.db.quote(detail)}" if detail else ""
        create = f"""CREATE VIRTUAL TABLE {fts} USING FTS5 ({cols}, tokenize={self.db.quote(self.schema.fts_tokenize)}{options},
                content={content})"""
        triggers = f"""
            CREATE TRIGGER [{table}_ai] AFTER INSERT ON [{table}] BEGIN
              INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});
            END;
            CREATE TRIGGER [{table}_ad] AFTER DELETE ON [{table}] BEGIN
              INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});
            END;
            CREATE TRIGGER [{table}_au] AFTER UPDATE ON [{table}] BEGIN
              INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});
              INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});
            END;
        """
        return FtsParts(table, columns, fts, content, view, create, triggers)

    def _enable_fts(self, parts: FtsParts, with_view: bool = True) -> None:
        if not parts.create:
            self.db.table(parts.table).enable_fts(
                parts.columns, fts_version="FTS5", tokenize=self.schema.fts_tokenize, create_triggers=True
            )
            return
        if parts.view and with_view:
            self.conn.execute(parts.view)
        # One segment per index: 'rebuild' leaves several (at 10,000 posts, 8 for the paragraphs), each of
        # which every MATCH seeks for every word; merged once ('optimize') after a rebuild that merges
        # nothing on the way (`bulk_load`), searches cost 10-20% less.
        rebuild = f"INSERT INTO {parts.fts} ({parts.fts}) VALUES ('rebuild')"
        self.conn.executescript(f"""
            {parts.create};
            {bulk_load(parts.fts, rebuild, bulk_hashsize(self.text_chars))}
            {parts.triggers}
        """)

    def _rank_sample(self) -> None:
        """The passage search's ranking index (`RANK_SAMPLE`): on a fresh file of more paragraphs, its first
        RANK_SAMPLE of them; else empty. Its triggers keep it the index of exactly the paragraphs up to
        that rowid through updates, as the paragraphs' own keep theirs. An update of a file made before it
        existed makes it empty."""
        made = self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [RANK_FTS]).fetchone()
        if made is not None:
            return
        last = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM paragraphs").fetchone()[0]
        bound = RANK_SAMPLE if self.fresh and last > RANK_SAMPLE else 0
        columns = self.schema.fts_tables()["paragraphs"]
        own = self.schema.tables["paragraphs"]["columns"]
        fts, content = f"[{RANK_FTS}]", f"[{RANK_FTS}_source]"
        cols = ", ".join(f"[{c}]" for c in columns)
        old, new, view = (
            _row_values(columns, own, "old"),
            _row_values(columns, own, "new"),
            _row_values(columns, own, "t", named=True),
        )
        load = f"INSERT INTO {fts} (rowid, {cols}) SELECT rowid, {cols} FROM {content}"
        self.conn.executescript(f"""
            CREATE VIEW {content} AS SELECT t.rowid AS rowid, {view} FROM [paragraphs] t WHERE t.rowid <= {bound};
            CREATE VIRTUAL TABLE {fts} USING FTS5 ({cols}, tokenize={self.db.quote(self.schema.fts_tokenize)},
                content={content});
            {bulk_load(fts, load, BULK_HASHSIZE) if bound else ""}
            CREATE TRIGGER [{RANK_FTS}_ai] AFTER INSERT ON [paragraphs] WHEN new.rowid <= {bound} BEGIN
              INSERT INTO {fts} (rowid, {cols}) VALUES (new.rowid, {new});
            END;
            CREATE TRIGGER [{RANK_FTS}_ad] AFTER DELETE ON [paragraphs] WHEN old.rowid <= {bound} BEGIN
              INSERT INTO {fts} ({fts}, rowid, {cols}) VALUES ('delete', old.rowid, {old});
            END;
            CREATE TRIGGER [{RANK_FTS}_au] AFTER UPDATE ON [paragraphs] WHEN old.rowid <= {bound} OR new.rowid <= {bound}
            BEGIN
              INSERT INTO {fts} ({fts}, rowid, {cols}) SELECT 'delete', old.rowid, {old} WHERE old.rowid <= {bound};
              INSERT INTO {fts} (rowid, {cols}) SELECT new.rowid, {new} WHERE new.rowid <= {bound};
            END;
        """)

    def _index_foreign_keys(self, filled_only: bool = False) -> None:
        """The indexes of `_index_sql` that the file does not hold yet (a `post_id` index made with the
        tables keeps its name).

        A fresh file gets them all. An update makes again, once, an index that a file built by an earlier
        version of hubkb holds partial where it is now whole (`idx_mentions_entity`, which SQLite never
        used: the first update of such a file takes 1.8 s more at 10,000 posts). `filled_only`: only those
        of the tables that hold rows now.
        """
        made = dict(self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        empty = (
            {t for t in self.schema.tables if self.conn.execute(f"SELECT 1 FROM [{t}] LIMIT 1").fetchone() is None}
            if filled_only
            else set()
        )
        for table, name, sql in self._index_sql():
            if table in empty:  # made once its rows are in (the reuse tables, after the full-text indexes)
                continue
            found = made.get(name)
            if found is not None:
                if " WHERE " not in found or " WHERE " in sql:
                    continue  # made already
                self.conn.execute(f"DROP INDEX [{name}]")
            self.conn.execute(sql)

    def _index_sql(self) -> Iterator[tuple[str, str, str]]:
        """An index on every foreign key, as `index_foreign_keys()` makes, but partial; then schema.yaml's
        `indexes`: (table, name, CREATE INDEX as SQLite keeps it in sqlite_master).

        Many typed link columns (entities.person_id, ...) are mostly null; leaving
        the nulls out keeps the indexes small, and `col = ?` still uses them. A
        column that leads the table's primary key needs none: the key is its index.
        A key column of a WITHOUT ROWID table is never null, and SQLite (3.40)
        never uses a partial index on one: `mentions.entity` and `reuse.other` get whole ones
        (with "WHERE entity IS NOT NULL", an entity page scanned the 1.1 million mention rows).
        """
        for table, spec in self.schema.tables.items():
            pk = [spec["pk"]] if isinstance(spec["pk"], str) else spec["pk"]
            never_null = set(pk) if spec.get("without_rowid") else set()
            for column in spec.get("foreign_keys", {}):
                if column == pk[0]:
                    continue
                name = f"idx_{table}_{column}"
                where = "" if column in never_null else f" WHERE [{column}] IS NOT NULL"
                yield table, name, f"CREATE INDEX [{name}] ON [{table}] ([{column}]){where}"
            for columns in spec.get("indexes", ()):
                name = f"idx_{table}_{'_'.join(columns)}"
                yield table, name, f"CREATE INDEX [{name}] ON [{table}] ({', '.join(f'[{c}]' for c in columns)})"

    def commit_to(self, published: Path) -> Freeing:
        """Put the new file in `published`'s place (`publish.publish`); the old one is freed beside the build
        (`Freeing`: call its `wait()` on every way out)."""
        return publish(self.path, published)

    def discard(self) -> None:
        if self._side is not None:
            self._side.close()
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        self.path.unlink(missing_ok=True)


def _row_values(columns: Sequence[str], own: Iterable[str], row: str, named: bool = False) -> str:
    """The SQL for an index's column values of `row` (new, old, or a table alias): the table's own columns,
    and the row's other spellings for the one kept in search_variants (`named`: as a view's columns)."""
    held = set(own)
    return ", ".join(
        f"{row}.[{c}]" if c in held else f"{_variants_of(row)}{f' AS [{c}]' if named else ''}" for c in columns
    )


def _variants_of(row: str) -> str:
    """The SQL for a row's other spellings, kept in the hidden search_variants table by row id."""
    return f"(SELECT v.variants FROM [{VARIANTS}] v WHERE v.id = {row}.[id])"
