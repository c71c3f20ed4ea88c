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

from . import facts
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
    memory_limit: str = "700MB"  # DuckDB's limit, for a version's database and its connections together
    max_rows: int = 1000  # rows the SQL box shows
    download_rows: int = 1_000_000  # rows a download holds at most
    slots: int = 2  # connections open at once


class Session:
    """A request's connection: `rows` for the explorer's own queries (parameters bound), `stream` for
    a visitor's SQL (the statement guard of `cedar query`)."""

    def __init__(self, con: Any, version: str, folder: Path, limits: Limits, words: bool = False,
                 matches: facts.Matches | None = None):
        self.con, self.version, self.folder, self.limits = con, version, folder, limits
        # whether the version keeps the texts of the words filter, else the events words matched (explore/facts.py)
        self.words, self.matches = words, matches

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

    def check(self, sql: str) -> None:
        """Refuse, as `cedar query` does, a statement that is not one SELECT (or an EXPLAIN of one)."""
        readonly.statement_kind(self.con, sql, lambda kind: readonly.refusal(EXPLORER, kind))

    @contextmanager
    def interrupted_after(self, seconds: float) -> Iterator[None]:
        """The connection's query interrupted after `seconds`; its failures said as messages."""
        timer = threading.Timer(seconds, self.con.interrupt)
        timer.start()
        try:
            yield
        except duckdb.InterruptException:
            raise UsageError(f"The query was stopped after {seconds:g} s.", "Narrow it down.") from None
        except duckdb.PermissionException as exc:
            raise UsageError(f"The query tries to reach a file outside the release: {readonly.first_line(exc)}",
                             EXPLORER.views_hint) from None
        except duckdb.Error as exc:
            raise UsageError(f"The query failed: {readonly.first_line(exc)}", EXPLORER.views_hint) from None
        finally:
            timer.cancel()

    def arrow(self, sql: str, seconds: float) -> Any:
        """A checked statement's result as a reader of Arrow record batches."""
        self.check(sql)
        with self.interrupted_after(seconds):
            return self.con.sql(sql).to_arrow_reader(10_000)

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
    """Opens a Session on a version of the catalog, at most `limits.slots` at once. Each version's
    database is opened and locked down once (localrelease.connect), and each Session is a connection
    of its own to it (a DuckDB cursor): the locks, the memory limit and the lack of a temporary folder
    are the database's, so they bind every connection, and opening one costs a millisecond instead of
    reading the release's Parquet metadata again."""

    def __init__(self, catalog: Catalog, limits: Limits | None = None):
        self.catalog = catalog
        self.limits = limits or Limits()
        self._slots = threading.BoundedSemaphore(self.limits.slots)
        self._opened: dict[str, Any] = {}
        self._words: dict[str, bool] = {}
        self._matches: dict[str, facts.Matches] = {}
        self._opening = threading.Lock()

    def _database(self, version: str) -> Any:
        with self._opening:
            if version not in self._opened:
                con = localrelease.connect(self.catalog.folder(version), self.limits.memory_limit, None)
                try:
                    self._words[version] = facts.build(con)
                    self._matches[version] = facts.Matches()
                except BaseException:
                    con.close()
                    raise
                self._opened[version] = con
            return self._opened[version]

    def open(self, version: str | None = None) -> None:
        """Open a version's database now (the first request would otherwise wait for it)."""
        self._database(version or self.catalog.default)

    @contextmanager
    def session(self, version: str | None = None) -> Iterator[Session]:
        version = version or self.catalog.default
        folder = self.catalog.folder(version)
        with self._slots:
            con = self._database(version).cursor()
            try:
                yield Session(con, version, folder, self.limits, self._words[version], self._matches[version])
            finally:
                con.close()

    @contextmanager
    def plain(self, version: str) -> Iterator[Session]:
        """A connection of its own to a version's release files, without the facts table (for a look-up
        in a version that is not open), closed after."""
        folder = self.catalog.folder(version)
        with self._slots:
            con = localrelease.connect(folder, self.limits.memory_limit, None)
            try:
                yield Session(con, version, folder, self.limits)
            finally:
                con.close()

    def close(self) -> None:
        with self._opening:
            for con in self._opened.values():
                con.close()
            self._opened.clear()
