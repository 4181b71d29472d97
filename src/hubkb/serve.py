"""hubkb serve: build when the corpus changed, then Datasette on the database.

The database is opened immutable and named `hubkb`, whatever the file is
called. Immutable means SQLite never checks the file for changes, so a rebuild
(which replaces the file atomically with `os.replace`) must not be read through
the old connections: the server watches the file and, when it is replaced,
starts a fresh Datasette on the new file and sends new requests to it; requests
already running finish on the old one, whose open file is the old, complete
database. No request ever sees a half-written file. The metadata file is
watched too, so an edited description shows up without a restart.

The server only switches to a file fit to serve: one that opens as SQLite,
passes `PRAGMA quick_check` and holds every table the metadata publishes
(`hubkb.db.integrity`). An empty, truncated or overwritten file is refused with
a log line saying why, and the previous Datasette keeps serving. The check and
the new Datasette's setup run in a thread, so requests go on meanwhile.

With `workers` > 1 (the default: one a CPU), that many worker processes
listen on the same address (SO_REUSEPORT: the kernel spreads connections over
them), each a uvicorn with its own ReloadingApp on the same immutable file
(each watches the file and switches on its own). Ctrl-C or SIGTERM to the
parent stops them all, each finishing the requests it is answering; a worker
that exits stops the others and the server. A Python process renders pages on
one core at a time (the GIL): one worker a CPU serves more requests at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.database import Database, Results
from datasette.plugins import pm

from . import __version__
from .build import Progress, Report, build
from .db.inspect import read_inspect_data, write_inspect_data
from .db.integrity import database_problem
from .db.state import build_meta
from .errors import HubkbError, display_path
from .headers import SECURITY_HEADERS
from .paths import Resources

DATABASE_NAME = "hubkb"
SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,  # a bm25 ranking of a very common word stays well under this
    "max_returned_rows": 1000,  # canned-query CSV stops here; table CSV with _stream=on does not
    "allow_csv_stream": True,
    "suggest_facets": False,  # suggestions run a query per column on every table page
    "facet_time_limit_ms": 500,
    "truncate_cells_html": 400,  # table pages show the start of long texts, row pages all of it
}
WATCH_SECONDS = 1.0
GRACE_SECONDS = 30.0  # how long a replaced Datasette may finish its requests before its files close


def is_stale(res: Resources, db_path: Path) -> bool:
    """True when the database is missing, was made by another version of hubkb (whose file may lack what this
    one's pages query: 0.2.0 added an index), or a corpus file, folder or the schema is newer than it."""
    if not db_path.exists() or _made_by_another_version(db_path):
        return True
    built = db_path.stat().st_mtime_ns
    if res.schema.exists() and res.schema.stat().st_mtime_ns > built:
        return True
    if not res.corpus.is_dir():
        return False  # build() reports the missing corpus; an existing database can still be served
    return any(p.stat().st_mtime_ns > built for p in [res.corpus, *res.corpus.rglob("*")])


def _made_by_another_version(db_path: Path) -> bool:
    """What the file's `hubkb_build` table says of the hubkb that made it, when it says it; a file that cannot
    be read is left to the check before serving, which names what is wrong."""
    made_by = build_meta(db_path).get("hubkb_version")
    return made_by is not None and made_by != __version__


def ensure_built(res: Resources, db_path: Path, progress: Progress | None = None) -> Report | None:
    """Build (incrementally) when the corpus is newer than the database; None when it was not."""
    if not is_stale(res, db_path):
        return None
    return build(res.corpus, db_path, res.schema, progress=progress)


def load_metadata(path: Path) -> dict[str, Any]:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HubkbError(f"{display_path(path)}: cannot read the metadata ({exc.strerror})") from None
    except ValueError as exc:
        raise HubkbError(f"{display_path(path)}: invalid JSON: {exc}") from None
    if not isinstance(metadata, dict):
        raise HubkbError(f"{display_path(path)}: the metadata must be a JSON object")
    return metadata


def published_tables(metadata: dict[str, Any]) -> set[str]:
    """The tables a server of this metadata publishes, their full-text tables and hubkb's build record."""
    tables = metadata.get("databases", {}).get(DATABASE_NAME, {}).get("tables", {})
    fts = {spec["fts_table"] for spec in tables.values() if isinstance(spec, dict) and spec.get("fts_table")}
    return {"hubkb_build", *tables, *fts}


class UnservableDatabase(HubkbError):
    """The database file is missing or not fit to serve."""


def check_servable(db_path: Path, metadata: dict[str, Any]) -> None:
    """Raise UnservableDatabase saying why `db_path` is not fit to serve (see hubkb.db.integrity)."""
    if not db_path.exists():
        raise UnservableDatabase(
            f"{display_path(db_path)}: no such database (build it with: hubkb build --db {db_path})"
        )
    problem = database_problem(db_path, published_tables(metadata))
    if problem is not None:
        raise UnservableDatabase(
            f"{display_path(db_path)}: cannot serve it: {problem} (rebuild it with: hubkb build --full --db {db_path})"
        )


def inspect_data(db_path: Path) -> dict[str, Any]:
    """Datasette's precomputed counts for the database, rewritten when stale; keyed by `hubkb`."""
    entry = read_inspect_data(db_path)
    if entry is None:
        write_inspect_data(db_path)
        entry = read_inspect_data(db_path) or {}
    return {DATABASE_NAME: entry}


class HubkbDatasette(Datasette):
    """Datasette, with each table's `allow` rules worked out once from the metadata.

    Datasette 0.65 answers every view-table permission check (three a table or
    row page) by deep-copying the whole metadata to merge it (1,850 objects
    of hubkb's metadata.json: 10% of a row page's CPU). A Datasette of hubkb
    serve never sees its metadata change (an edited metadata.json starts a new
    one), so the rules of a table are kept once worked out, unless a plugin
    supplies metadata of its own (`get_metadata`), which may change.
    """

    def _table_permission_allows(self, database: str, table: str) -> list:
        if pm.hook.get_metadata.get_hookimpls():
            return super()._table_permission_allows(database, table)
        known = self.__dict__.setdefault("_hubkb_table_allows", {})
        if (database, table) not in known:
            known[(database, table)] = super()._table_permission_allows(database, table)
        return known[(database, table)]

    async def refresh_schemas(self) -> None:
        """Datasette's schema refresh (two queries before every request), once per set of databases when every
        file is immutable: their schemas cannot change, and a new file gets a new Datasette."""
        served = frozenset((name, db.is_mutable) for name, db in self.databases.items() if name != "_internal")
        if self.__dict__.get("_hubkb_schemas_read") == served:
            return
        await super().refresh_schemas()
        if not any(mutable for _, mutable in served):
            self.__dict__["_hubkb_schemas_read"] = served


SCHEMA_ANSWERS = 4096  # answers an ImmutableDatabase keeps, at most
_UNKNOWN = object()
# Datasette 0.65's queries of sqlite_master (app.py, database.py); any other query is run each time
DATASETTE_SCHEMA_QUERIES = frozenset(
    {
        "select name from sqlite_master where type in ('table', 'view') and name = ? collate nocase",
        "select sql from sqlite_master where name = :n and type=:t",
        "select sql from sqlite_master where tbl_name = :n and type='index' and sql is not null",
        "select 1 from sqlite_master where type='table' and name=?",
        "select name from sqlite_master where type='table'",
        "select name from sqlite_master where type='view'",
    }
)


class ImmutableDatabase(Database):
    """Datasette's Database for a file that never changes: what it asks of the schema, asked once.

    Datasette asks a file's schema (columns, keys, foreign keys, FTS tables,
    `sqlite_master`) a dozen times a page, each a query in a SQL thread: 3-4
    ms of a 15 ms row page. An immutable file's schema cannot change, so each
    answer is kept. Lists and rows are returned as copies, so no caller can
    change the kept answer.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schema: dict[tuple, Any] = {}

    async def _once(self, key: tuple, ask: Any) -> Any:
        found = self._schema.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            found = await ask()
            if len(self._schema) < SCHEMA_ANSWERS:  # names come from URLs: a crawler's cannot fill memory
                self._schema[key] = found
        return list(found) if isinstance(found, list) else found

    async def execute(self, sql, params=None, *args: Any, **kwargs: Any):
        """Datasette's own queries of `sqlite_master` answered once (a table's name, its SQL, the tables)."""
        if sql not in DATASETTE_SCHEMA_QUERIES:
            return await super().execute(sql, params, *args, **kwargs)
        frozen = tuple(sorted(params.items())) if isinstance(params, dict) else tuple(params or ())
        found = await self._once(
            ("execute", sql, frozen, args, tuple(sorted(kwargs.items()))),
            lambda: super(ImmutableDatabase, self).execute(sql, params, *args, **kwargs),
        )
        return Results(list(found.rows), found.truncated, found.description)

    async def hidden_table_names(self):
        return await self._once(("hidden_table_names",), super().hidden_table_names)

    async def table_columns(self, table):
        return await self._once(("table_columns", table), lambda: super(ImmutableDatabase, self).table_columns(table))

    async def table_column_details(self, table):
        return await self._once(
            ("table_column_details", table), lambda: super(ImmutableDatabase, self).table_column_details(table)
        )

    async def primary_keys(self, table):
        return await self._once(("primary_keys", table), lambda: super(ImmutableDatabase, self).primary_keys(table))

    async def fts_table(self, table):
        return await self._once(("fts_table", table), lambda: super(ImmutableDatabase, self).fts_table(table))

    async def foreign_keys_for_table(self, table):
        return await self._once(
            ("foreign_keys_for_table", table), lambda: super(ImmutableDatabase, self).foreign_keys_for_table(table)
        )

    async def get_all_foreign_keys(self):
        found = await self._once(("get_all_foreign_keys",), super().get_all_foreign_keys)
        return {table: {way: list(keys) for way, keys in ways.items()} for table, ways in found.items()}


def make_datasette(db_path: Path, metadata_path: Path, settings: dict[str, Any] | None = None) -> Datasette:
    """A Datasette serving `db_path` immutable as `hubkb`, with hubkb's metadata and settings.

    Raises a HubkbError when the file is missing or not fit to serve (`check_servable`).
    """
    metadata = load_metadata(metadata_path)
    check_servable(db_path, metadata)
    ds = HubkbDatasette(
        [],
        metadata=metadata,
        settings={**SETTINGS, **(settings or {})},
        inspect_data=inspect_data(db_path),
    )
    ds.add_database(ImmutableDatabase(ds, path=str(db_path.resolve()), is_mutable=False), name=DATABASE_NAME)
    ds.remove_database("_memory")  # Datasette adds it when started without files; hubkb publishes one database
    return ds


async def start(ds: Datasette) -> Datasette:
    """What Datasette does on its first request, done before the instance takes traffic."""
    await ds.invoke_startup()
    await _open_every_connection(ds)
    await ds.refresh_schemas()
    for database in ds.databases.values():
        if not database.is_mutable:
            await database.table_counts(limit=3_600_000)
    return ds


async def _open_every_connection(ds: Datasette) -> None:
    """Open the file in each of Datasette's SQL threads now.

    Datasette opens a database in a SQL thread when that thread first queries
    it, by path: a thread started after the file was replaced would read the
    new file (or a damaged one) while the others read the old. Opened here,
    every connection of this instance holds the file that was there at start
    (`ReloadingApp._load` checks that it is the file it checked).
    """
    threads = ds.setting("num_sql_threads")
    files = [db for db in ds.databases.values() if not db.is_mutable and not db.is_memory]
    if not threads or not files:
        return
    barrier = threading.Barrier(threads)  # each task holds its thread until all are started: one per thread
    for database in files:
        await asyncio.gather(*(database.execute_fn(lambda conn: barrier.wait(timeout=60)) for _ in range(threads)))


def _signature(paths: list[Path]) -> tuple:
    def one(p: Path) -> tuple:
        try:
            st = p.stat()
        except OSError:
            return (None,)
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    return tuple(one(p) for p in paths)


class ReloadingApp:
    """An ASGI app that serves the current Datasette and replaces it when its files change.

    `watched[0]` is the database file. A new file that is not fit to serve is
    refused and the previous Datasette goes on serving the file it has open. A
    database changed *in place* (same inode) into one unfit to serve leaves
    nothing intact to serve: every request then gets a 503 naming the problem,
    until a good file takes its place.
    """

    def __init__(
        self,
        factory: Callable[[], Datasette],
        watched: list[Path],
        log: Callable[[str], None] = print,
        interval: float = WATCH_SECONDS,
    ):
        self.factory = factory
        self.watched = watched
        self.log = log
        self.interval = interval
        self.datasette: Datasette | None = None
        self.damaged: str | None = None  # why the served file, changed in place, cannot be served
        self._app: Any = None
        self._watcher: asyncio.Task | None = None
        self.reloads = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if self._app is None:
            await self._load(self._signature())
        if self.damaged is not None and scope["type"] == "http":
            await _unavailable(self.damaged, send)
            return
        await self._app(scope, receive, send)

    def _signature(self) -> tuple:
        return _signature(self.watched)

    async def _load(self, signature: tuple) -> None:
        # checking a large file and counting its tables take seconds: not on the event loop
        for _attempt in range(3):
            ds = await start(await asyncio.to_thread(self.factory))
            now = self._signature()
            if now[0] == signature[0]:
                break  # the connections `start` opened hold the file that was checked
            _close(ds)  # replaced meanwhile: they may hold another file; load that one
            signature = now
        else:
            raise UnservableDatabase(f"{display_path(self.watched[0])}: it kept changing while it was loaded")
        old, self.datasette, self._app = self.datasette, ds, ds.app()
        self.signature, self.damaged = signature, None
        if old is not None:
            self.reloads += 1
            asyncio.get_running_loop().call_later(GRACE_SECONDS, _close, old)

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self._load(self._signature())
                except Exception as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                self._watcher = asyncio.create_task(self._watch())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._watcher:
                    self._watcher.cancel()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _watch(self) -> None:
        """Poll the watched files; reload once a change has held still for one interval."""
        pending = None
        while True:
            await asyncio.sleep(self.interval)
            now = self._signature()
            if now == self.signature or (None,) in now:
                pending = None
                continue
            if now != pending:
                pending = now  # wait one more interval: an editor may still be writing
                continue
            pending = None
            await self._switch(now)

    async def _switch(self, now: tuple) -> None:
        before = self.signature
        in_place = now[0] != self.signature[0] and now[0][0] == self.signature[0][0]  # same inode, new content
        try:
            await self._load(now)
        except UnservableDatabase as exc:
            self.signature = now
            if in_place:
                self.damaged = str(exc)
                self.log(f"hubkb: the served file changed in place; answering 503 until a good file replaces it: {exc}")
            else:
                self.log(f"hubkb: not reloaded, still serving the previous database: {exc}")
        except Exception as exc:
            self.signature = now
            self.log(f"hubkb: not reloaded, still serving the previous database: {exc}")
        else:  # what changed, up to the version loaded (a file replaced during the load is in it)
            changed = [display_path(p) for p, a, b in zip(self.watched, before, self.signature) if a != b]
            self.log(f"hubkb: {' and '.join(changed)} changed; now serving the new version")


async def _unavailable(reason: str, send) -> None:
    body = f"503 Service Unavailable: {reason}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"10"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _close(ds: Datasette) -> None:
    for database in ds.databases.values():
        database.close()
    ds.executor.shutdown(wait=False)


def _check_port(host: str, port: int) -> None:
    """Fail with a clean message, not a server log line, when the address is taken."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
            probe.bind((host, port))
    except OSError as exc:
        raise HubkbError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc} (another server there? try --port {port + 1})"
        ) from None


def default_workers() -> int:
    """One worker process a CPU this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


STOP_SECONDS = 30.0  # how long stopped workers may take to finish the requests they are answering


def serve(
    db_path: Path,
    metadata_path: Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    log: Callable[[str], None] = print,
    workers: int | None = None,
) -> None:
    """Serve the database until interrupted; a rebuilt file is picked up without a restart.

    `workers` processes (default: one a CPU) answer on the same address.
    """
    import uvicorn

    workers = workers or default_workers()
    if workers > 1 and not hasattr(socket, "SO_REUSEPORT"):
        workers = 1  # no way to spread connections over processes here
    make_datasette(db_path, metadata_path)  # fail here, with a clean message, rather than in the server
    _check_port(host, port)
    processes = f", {workers} worker processes" if workers > 1 else ""
    log(
        f"hubkb: serving {display_path(db_path)} (immutable, as /{DATABASE_NAME}) with "
        f"{display_path(metadata_path)} on http://{host}:{port}/{processes}"
    )
    if workers == 1:
        app = ReloadingApp(lambda: make_datasette(db_path, metadata_path), [db_path, metadata_path], log=log)
        uvicorn.run(app, host=host, port=port, lifespan="on", log_level="warning")
        return
    _supervise(workers, (str(db_path.resolve()), str(metadata_path.resolve()), host, port), log)


def _supervise(workers: int, args: tuple[str, str, str, int], log: Callable[[str], None]) -> None:
    """Start `workers` processes of `_worker`; stop them all on SIGINT or SIGTERM, or when one exits.

    Each worker listens on the address with SO_REUSEPORT, so the kernel spreads
    the connections over them (a socket shared by all would leave each
    connection to whichever process wakes first: one took all 20 of a load test's).
    """
    import multiprocessing
    import signal
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("spawn")  # fresh interpreters: no threads or open files inherited
    children = [context.Process(target=_worker, args=args, name=f"hubkb-serve-{n + 1}") for n in range(workers)]
    stopping: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        # a worker starts with Ctrl-C ignored (an ignored signal stays so in a new program), so a Ctrl-C
        # while it imports leaves no traceback: the parent stops it; uvicorn handles SIGINT once it runs
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in children:
            child.start()
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            ended = wait([child.sentinel for child in children], timeout=0.5)
            if ended and not stopping:
                gone = next(child for child in children if child.sentinel in ended)
                gone.join()
                log(f"hubkb: worker process {gone.pid} exited with status {gone.exitcode}; stopping the others")
                break
    finally:
        for child in children:
            if child.is_alive():
                os.kill(child.pid, signal.SIGTERM)  # type: ignore[arg-type]  # started: it has a pid
        for child in children:
            child.join(STOP_SECONDS)
            if child.is_alive():
                child.kill()
                child.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not stopping:
        raise HubkbError("a worker process of hubkb serve stopped; the server stopped with it")


def _worker(db: str, metadata: str, host: str, port: int) -> None:
    """One worker process: uvicorn on its own socket bound with SO_REUSEPORT, a ReloadingApp of its own."""
    import uvicorn

    db_path, metadata_path = Path(db), Path(metadata)
    app = ReloadingApp(lambda: make_datasette(db_path, metadata_path), [db_path, metadata_path], log=_log_to_stderr)
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on sockets that say so (else Nagle's algorithm
    # holds a response's second write until the client's delayed ACK, 40 ms)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)  # uvicorn's backlog
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        return  # Ctrl-C: uvicorn stopped the server, finishing its requests, then raised the signal again
    if not server.started:
        sys.exit(3)  # its app did not start (uvicorn's own status for that)


def _log_to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
