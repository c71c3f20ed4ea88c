"""`cedar query`: one read-only SQL statement over the store, printed as a table, CSV or JSON.

The store's file is opened read-only, so DuckDB itself refuses any write to it; the statement
guard, the locks on other files and settings, the private temporary folder, the streaming of rows
and the time, memory and row limits are cedar.validate.readonly's, shared with `cedar query --releases`.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from cedar.ingest import store
from cedar.validate import readonly
from cedar.validate.tabular import as_csv, as_json, as_table

__all__ = ["STORE", "run", "stream", "as_table", "as_csv", "as_json"]

STORE = readonly.Target(
    what="the store", command="cedar query",
    refused="a {kind} statement is refused, and the store is opened read-only.",
    refused_hint="Change the store through `cedar ingest` (new events and updates) or `cedar ingest --deletions` "
                 "(deletions, with reasons), so that every change keeps its history. To export a result, "
                 "use --format csv or --format json and redirect the output.",
    views_hint="The views are events, event_actors, claims and sources; the store's tables include "
               "event_history, deletions, submissions and documents.")


@contextmanager
def stream(db: Path, sql: str, *, timeout: float | None = None, memory_limit: str | None = None,
           max_rows: int | None = None) -> Iterator[readonly.Result]:
    """One read-only statement over the store; its rows are fetched while they are read, at most
    `max_rows`. A query longer than `timeout` seconds or bigger than `memory_limit` (e.g. '2GB') is
    stopped. The store stays open until the block ends."""
    with readonly.private_spill() as spill, store.connect(db, write=False) as con:
        readonly.lock_down(con, memory_limit, spill)
        with readonly.stream(con, sql, STORE, timeout=timeout, memory_limit=memory_limit,
                             max_rows=max_rows) as result:
            yield result


def run(db: Path, sql: str, *, timeout: float | None = None, memory_limit: str | None = None,
        max_rows: int | None = None) -> tuple[list[str], Iterator[tuple]]:
    """Column names and rows of one read-only statement over the store, all fetched (a small result)."""
    with stream(db, sql, timeout=timeout, memory_limit=memory_limit, max_rows=max_rows) as result:
        rows = list(result.rows)
    return result.names, iter(rows)
