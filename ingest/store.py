"""Opening the DuckDB store: where it is, one writer at a time, readers read-only, and `cedar init`.

DuckDB lets one process hold a database file for writing; while it does, no other process can
open the file at all, not even read-only ("Could not set lock ... PID n"). That error becomes a
"store is busy" StoreBusy here, so every command reports it the same way.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb

from cedar import __version__, paths
from cedar.errors import CedarError, StoreBusy, StoreError, UsageError
from cedar.ingest import ids
from cedar.ingest.actor_seed import put_seed
from cedar.schema.model import SCHEMA_VERSION
from cedar.schema.tables import CREATED_ON_DEMAND, TABLES, schema_sql, store_view_sql, view_sql
from cedar.validate.readonly import NO_EXTENSIONS

# "md:name", "s3://...", "https://...": DuckDB reads these as remote databases and fetches the extension
# that opens them; a store is a local file. (A Windows drive letter is one letter: "C:\\...".)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")


def utcnow() -> dt.datetime:
    """Now in UTC, without a zone: the store's TIMESTAMP columns hold UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _busy(path: Path, exc: Exception) -> StoreBusy:
    text = str(exc)
    pid = re.search(r"PID (\d+)", text)
    holder = re.search(r"lock is held in (.+?) \(PID", text)
    who = f"process {pid.group(1)}" + (f" ({holder.group(1)})" if holder else "") if pid else "another process"
    return StoreBusy(
       f"The store {path} is busy: {who} has it open. DuckDB lets one process write to a store, and while "
       "it does no other process may open it; readers may share it only with other readers.",
       "Wait for that process to finish (an ingest, import, release build or query) and run the command again"
       + (f"; if it seems stuck, look at it with `ps -p {pid.group(1)}`." if pid else "."))


def _translate(path: Path, exc: Exception, read_only: bool) -> CedarError:
    text = str(exc)
    if "Could not set lock" in text:
        return _busy(path, exc)
    if read_only and ("does not exist" in text or not path.exists()):
        return _missing(path)
    if "not a valid DuckDB database" in text or "Unable to open" in text or "older" in text or "newer" in text:
        return StoreError(f"{path} cannot be opened as a Cedar store: {text.splitlines()[0]}",
                          "Pass the right file with --db (or CEDAR_DB), or create a new store with `cedar init`.")
    return StoreError(f"Cannot open the store {path}: {text.splitlines()[0]}",
                      "Check the path and its permissions (--db or CEDAR_DB).")


def _missing(path: Path) -> UsageError:
    # a path that does not exist is a wrong call (exit 2), as for every path option of the command line
    return UsageError(f"There is no store at {path}.",
                      f"Create it with `cedar init --db {path}`, or point --db (or CEDAR_DB) at an existing store.")


@contextmanager
def connect(path: Path, *, write: bool, create: bool = False) -> Iterator[Any]:
    """A connection to the store: read-write (one process at a time) or read-only.

    Without `create`, a store that does not exist, or a DuckDB file that is not a Cedar store,
    is an error rather than a new empty file."""
    if _SCHEME.match(str(path)):
        raise UsageError(f"The store must be a local file, not '{path}'.",
                         "Give the path of a DuckDB file with --db (or CEDAR_DB); Cedar opens no remote database. "
                         "A file whose name holds a colon can be given by its full path (/.../NAME).")
    path = paths.engine_name(Path(path), "store")
    # Before DuckDB opens it: a FIFO would block for ever, a device or a link loop fail obscurely.
    exists = paths.optional_file(path, "store") if create else os.path.lexists(path) and bool(
        paths.input_file(path, "store"))
    if not create and not exists:
        raise _missing(path)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder {path.parent} for the store: {exc.strerror or exc}.",
                             "Pass a path you can write to with --db (or CEDAR_DB).") from None
    con = _open(path, write)
    try:
        if not create and not _is_store(con):
            raise StoreError(f"{path} is a DuckDB file but not a Cedar store (it has no store_meta table).",
                             "Create a store with `cedar init --db NEW.duckdb`, or point --db at a Cedar store.")
        if _is_store(con) and ids.needs_migration(con):
            if write:
                ids.migrate(con, utcnow())
            else:  # a reader migrates through a writer's connection of its own, then reads
                con.close()
                migrate(path)
                con = _open(path, write)
        yield con
    finally:
        con.close()


def _open(path: Path, write: bool) -> Any:
    try:
        con = duckdb.connect(str(path), read_only=not write, config=NO_EXTENSIONS)
    except duckdb.Error as exc:
        raise _translate(path, exc, not write) from None
    con.execute("SET TimeZone = 'UTC'")
    return con


def migrate(path: Path) -> None:
    """Bring a store of an earlier layout to the current one (cedar.ingest.ids.migrate). A missing
    file, a busy store or one that cannot be opened is left as it is: the command that reads it
    next says why, and the next command that can write to it migrates it."""
    if not Path(path).is_file():
        return
    try:  # looked at read-only first: a store already current must not be locked against its readers
        con = _open(path, False)
        try:
            due = _is_store(con) and ids.needs_migration(con)
        finally:
            con.close()
        if not due:
            return
        con = _open(path, True)
    except StoreError:
        return
    try:
        if _is_store(con) and ids.needs_migration(con):
            ids.migrate(con, utcnow())
    finally:
        con.close()


def rollback(con: Any) -> None:
    """Undo the open transaction; if that fails too, closing the connection undoes it."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def _is_store(con: Any) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND table_name = 'store_meta'").fetchone()[0])


def init(path: Path) -> dict[str, Any]:
    """Create the store's tables and views (idempotent: an existing store keeps its contents)."""
    existed = Path(path).is_file()
    fresh = [p for p in (Path(path), Path(f"{path}.wal")) if not os.path.lexists(p)]
    try:
        return _init(path, existed)
    except BaseException:
        if len(fresh) == 2:  # a store this call began and could not finish (a full disk): nothing left of it
            for p in fresh:
                p.unlink(missing_ok=True)
        raise


def _init(path: Path, existed: bool) -> dict[str, Any]:
    with connect(path, write=True, create=True) as con:
        con.execute("BEGIN")
        for sql in schema_sql():
            con.execute(sql)
        added = missing_columns(con)
        for table, column, kind in added:  # a store made by an older Cedar: new model fields become columns
            default = " DEFAULT []" if kind.endswith("[]") else ""
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {kind}{default}')
        for sql in view_sql() + store_view_sql():
            con.execute(sql)
        put_seed(con)  # the bundled registry: a check against a new store knows its actors and aliases
        con.execute("INSERT INTO store_meta VALUES ('created', ?), ('schema_version', ?), ('cedar_version', ?), "
                    "('store_version', ?) ON CONFLICT (key) DO NOTHING",
                    [utcnow().isoformat(), SCHEMA_VERSION, __version__, str(ids.STORE_VERSION)])
        con.execute("COMMIT")
        return {"store": str(path), "existed": existed, "columns_added": [f"{t}.{c}" for t, c, _ in added],
                **counts(con)}


def counts(con: Any) -> dict[str, int]:
    """How much the store holds: current events, versions, submissions, deletions, documents."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM event_current), (SELECT count(*) FROM event_history), "
        "(SELECT count(*) FROM submissions), (SELECT count(*) FROM deletions), (SELECT count(*) FROM documents)"
    ).fetchone()
    return dict(zip(("events", "versions", "submissions", "deletions", "documents"), map(int, row)))


def missing_columns(con: Any) -> list[tuple[str, str, str]]:
    """(table, column, type) the model has and the store lacks: the store was made by an older Cedar."""
    have = set(con.execute("SELECT table_name, column_name FROM duckdb_columns() "
                           "WHERE database_name = current_database()").fetchall())
    return [(t, c, kind) for t, (columns, _) in TABLES.items() for c, kind in columns if (t, c) not in have]


def check_schema(con: Any, path: Path) -> None:
    """Refuse to write to a store whose tables lack columns of the current model (a table that is made
    when first needed may be absent)."""
    have = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                      "WHERE database_name = current_database()").fetchall()}
    missing = [m for m in missing_columns(con) if m[0] in have or m[0] not in CREATED_ON_DEMAND]
    if missing:
        names = ", ".join(sorted({f"{t}.{c}" for t, c, _ in missing}))
        raise StoreError(f"The store {path} was made by an older Cedar: it lacks the column(s) {names}.",
                         f"Run `cedar init --db {path}` to add them (no data is changed), then run this again.")
