"""One hardened read-only connection per request: the release's views (cedar.releases.localrelease),
a memory limit, no temporary folder to spill into, a time limit enforced by interrupting the query,
and a row cap. Only a few requests query at once, so that the server's memory stays bounded."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import duckdb

from cedar.errors import UsageError
from cedar.releases import localrelease
from cedar.validate import readonly

from .catalog import Catalog

EXPLORER = readonly.Target(
    what="the release", command="The explorer",
    refused="{kind} statements are refused.",
    refused_hint="A release never changes once published: the SQL box runs one SELECT over its views.",
    views_hint="The views are events, event_actors, claims and sources, and the release's tables actors, changes, "
               "deletions and events_acled.")


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0  # seconds a query may run (and stream)
    memory_limit: str = "400MB"  # DuckDB's limit, per connection
    max_rows: int = 1000  # rows the SQL box shows
    download_rows: int = 1_000_000  # rows a download holds at most
    slots: int = 2  # connections open at once


class Session:
    """A request's connection: `rows` for the explorer's own queries (parameters bound), `stream` for
    a visitor's SQL (the statement guard of `cedar query`)."""

    def __init__(self, con: Any, version: str, folder: Path, limits: Limits):
        self.con, self.version, self.folder, self.limits = con, version, folder, limits

    def rows(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        timer = threading.Timer(self.limits.timeout, self.con.interrupt)
        timer.start()
        try:
            cur = self.con.execute(sql, params or [])
            return [d[0] for d in cur.description], cur.fetchall()
        except duckdb.InterruptException:
            raise UsageError(f"The query was stopped after {self.limits.timeout:g} s.",
                             "Narrow the filters down (a country, a shorter date range).") from None
        except duckdb.OutOfMemoryException:
            raise UsageError(f"The query was stopped: it needs more memory than {self.limits.memory_limit}.",
                             "Narrow the filters down.") from None
        finally:
            timer.cancel()

    def dicts(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        names, rows = self.rows(sql, params)
        return [dict(zip(names, r)) for r in rows]

    def has(self, view: str) -> bool:
        return bool(self.con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [view])
                    .fetchone()[0])

    @contextmanager
    def stream(self, sql: str, max_rows: int | None, timeout: float | None = None) -> Iterator[readonly.Result]:
        with readonly.stream(self.con, sql, EXPLORER, timeout=timeout or self.limits.timeout,
                             memory_limit=self.limits.memory_limit, max_rows=max_rows) as result:
            yield result


class Reader:
    """Opens a Session on a version of the catalog, at most `limits.slots` at once."""

    def __init__(self, catalog: Catalog, limits: Limits | None = None):
        self.catalog = catalog
        self.limits = limits or Limits()
        self._slots = threading.BoundedSemaphore(self.limits.slots)

    @contextmanager
    def session(self, version: str | None = None) -> Iterator[Session]:
        folder = self.catalog.folder(version)
        with self._slots:
            con = localrelease.connect(folder, self.limits.memory_limit, None)
            try:
                yield Session(con, version or self.catalog.default, folder, self.limits)
            finally:
                con.close()
