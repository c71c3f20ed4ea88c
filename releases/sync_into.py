"""`cedar sync --into my.duckdb`: keep a user's own DuckDB table `events` current with a synced release.

The table is created from the release's events.parquet (or its events partitions) when it is absent.
When it is there, in one
transaction and by set work: the events the release lists as deleted (deletions.csv, cumulative) are
deleted; the events whose version differs from the release's get the release's values; the release's
events the table lacks are inserted. Columns of the user's own are kept (left as they are on updated
rows, empty on new ones); a release column the table lacks is added. Rows whose ids the release does not
know are left alone: they are the user's. A partial copy (selection.json) gives the events of its part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from cedar import paths
from cedar.errors import InputError, StoreBusy, StoreError, UsageError
from cedar.validate import readonly

from . import partitions, selection
from .snapshot import read_deletions

TABLE = "events"


class Target:
    """The user's database, opened before anything is fetched (so a wrong --into, a file that is not a
    DuckDB database or one another program holds, is told at once) and held until the sync is done. A
    database this sync created is removed again when the sync fails."""

    def __init__(self, db: Path):
        paths.engine_name(db, "--into database")
        paths.optional_file(db, "--into database")  # a regular file, or missing in a folder that may be made
        self.db = db
        self.created = not db.exists()
        self.ok = False
        self._made = paths.new_folder(db.parent)  # folders made for a new database go again on failure
        self._made.__enter__()
        try:
            self.con = _connect(db)
        except BaseException as exc:
            self._made.__exit__(type(exc), exc, exc.__traceback__)
            raise

    def update(self, release: Path) -> dict[str, Any]:
        """Bring the table `events` to the events of the release folder `release`; the counts of events
        added, updated and deleted in it."""
        events = partitions.table_files(release, "events")  # its single file, or its partition files
        if not events and not partitions.is_partitioned(partitions.read_manifest(release)):
            raise UsageError(f"--into needs the release's events.parquet (or its partitions), which {release} "
                             "does not hold.",
                             "Sync a copy downloaded with its Parquet files (--files parquet or all).")
        deleted_ids = [r["event_id"] for r in read_deletions(release / "deletions.csv")]
        con = self.con
        con.execute("BEGIN")
        try:
            held = partitions.reader(events) if events else selection.empty("events")  # none: a part without rows
            counts = _apply(con, selection.filtered(held, selection.read(release)), deleted_ids)
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"The table {TABLE} of {self.db} could not be brought up to date: {exc}. Nothing was "
                             "changed.", "A column of yours may have the name of a release column with another "
                             "type; rename it, or sync into a new file.") from None
        self.ok = True
        return {"database": str(self.db), "table": TABLE, "release": release.name, **counts}

    def close(self) -> None:
        self.con.close()
        if self.created and not self.ok:
            for p in (self.db, self.db.with_name(self.db.name + ".wal")):
                p.unlink(missing_ok=True)
            failed = RuntimeError("the sync failed")
            self._made.__exit__(RuntimeError, failed, None)
        else:
            self._made.__exit__(None, None, None)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(db: Path) -> Any:
    if db.is_file() and db.stat().st_size > 0:
        with db.open("rb") as fh:
            head = fh.read(16)
        if head[8:12] != b"DUCK":  # DuckDB's file header; anything else is not a database to write into
            raise InputError(f"{db} is not a DuckDB database.",
                             "Give a DuckDB file of your own with --into, or a new name to create one.")
    try:
        return duckdb.connect(str(db), config=readonly.NO_EXTENSIONS)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(f"{db} is busy: another process has it open.",
                            "Close the program that uses it (a notebook, say), then sync again.") from None
        raise InputError(f"{db} cannot be opened as a DuckDB database: {exc}.",
                         "Give a DuckDB file of your own with --into, or a new name to create one.") from None
    except duckdb.Error as exc:
        raise InputError(f"{db} cannot be opened as a DuckDB database: {exc}.",
                         "Give a DuckDB file of your own with --into, or a new name to create one.") from None


def _apply(con: Any, events: str, deleted_ids: list[str]) -> dict[str, int]:
    """`events`: the read_parquet() of the release's events files."""
    con.execute(f"CREATE TEMP TABLE release_events AS SELECT * FROM {events}")
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                         f"AND schema_name = 'main' AND table_name = '{TABLE}'").fetchall()[0][0]
    if not exists:
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM release_events")
        added = con.execute(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0]
        return {"created": True, "added": int(added), "updated": 0, "deleted": 0}
    release_cols = [(r[0], r[1]) for r in con.execute("DESCRIBE temp.release_events").fetchall()]
    have = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = "
                                      f"current_database() AND schema_name = 'main' AND table_name = '{TABLE}'")
            .fetchall()}
    if "event_id" not in have:
        raise duckdb.InvalidInputException(f"the table {TABLE} has no column event_id to match events by")
    for name, kind in release_cols:
        if name not in have:  # a column added by a later schema: added, filled for every release row below
            con.execute(f"ALTER TABLE {TABLE} ADD COLUMN {_quote(name)} {kind}")
    con.execute("CREATE TEMP TABLE gone (event_id VARCHAR)")
    if deleted_ids:
        con.executemany("INSERT INTO gone VALUES (?)", [[i] for i in deleted_ids])
    deleted = con.execute(f"DELETE FROM {TABLE} WHERE event_id IN (SELECT event_id FROM gone)").fetchall()[0][0]
    cols = [n for n, _k in release_cols]
    # an event's version changes whenever a published field does (the release gate holds to that)
    stale = "version IS DISTINCT FROM r.version"
    sets = ", ".join(f"{_quote(c)} = r.{_quote(c)}" for c in cols if c != "event_id")
    updated = con.execute(f"UPDATE {TABLE} SET {sets} FROM release_events r WHERE {TABLE}.event_id = r.event_id "
                          f"AND ({TABLE}.{stale})").fetchall()[0][0]
    names = ", ".join(_quote(c) for c in cols)
    added = con.execute(f"INSERT INTO {TABLE} ({names}) SELECT {names} FROM release_events r "
                        f"WHERE r.event_id NOT IN (SELECT event_id FROM {TABLE} WHERE event_id IS NOT NULL)"
                        ).fetchall()[0][0]
    return {"created": False, "added": int(added), "updated": int(updated), "deleted": int(deleted)}
