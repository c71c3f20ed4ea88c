"""One read-only SQL statement over a DuckDB connection: the guard behind `cedar query`, over the
store and over a downloaded release alike.

Three locks keep a query read-only:
- only a statement that reads is run: a SELECT (DuckDB parses DESCRIBE, SHOW, SUMMARIZE, FROM-first
  and VALUES as SELECT), or an EXPLAIN whose statement is itself a SELECT (EXPLAIN ANALYZE runs
  its statement, and DuckDB lets a database write into its own files);
- the caller opens its data read-only (the store's file) or over exactly the files it needs
  (a release's Parquet files, by `allowed_paths`);
- `lock_down` switches access to other files off and locks the configuration, so COPY ... TO,
  EXPORT DATABASE, ATTACH, read_csv, INSTALL and LOAD cannot reach the disk, and no statement can
  lift the memory limit set before the lock.
A query that runs (or fetches) longer than `timeout` seconds is interrupted by a timer; one that
needs more than the memory limit stops with DuckDB's out-of-memory error. Each failure becomes a
UsageError that says what to do.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import duckdb

from cedar.errors import UsageError

READING = {"SELECT", "EXPLAIN"}
BATCH = 10_000


@dataclass(frozen=True)
class Target:
    """What a query reads, as its messages name it."""

    what: str  # "the store", "the release"
    command: str  # the command that reads it, e.g. "cedar query --release"
    refused: str  # the sentence after "cedar query only reads:", with {kind}
    refused_hint: str  # what to do instead of a statement that is refused
    views_hint: str  # the views and tables there are, for a query that fails


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def refusal(target: Target, kind: str) -> UsageError:
    return UsageError(f"cedar query only reads: {target.refused.format(kind=kind)}", target.refused_hint)


def statement_kind(con: Any, sql: str, refuse: Callable[[str], UsageError]) -> str:
    """The kind of the one statement `sql` holds, when it only reads (a SELECT, or an EXPLAIN of
    one); anything else is refused with `refuse(kind)`."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise UsageError(f"The SQL cannot be read: {first_line(exc)}", "Check the statement's syntax.") from None
    if len(statements) != 1:
        raise UsageError(f"Give one SQL statement (found {len(statements)}).",
                         "Run each statement with its own `cedar query`.")
    kind = statements[0].type.name
    if kind not in READING:
        raise refuse(kind.replace("_STATEMENT", "").replace("_", " "))
    if kind == "EXPLAIN" and not _explains_a_select(con, statements[0].query):
        raise refuse("EXPLAIN of anything but a SELECT (EXPLAIN ANALYZE runs it)")
    return kind


_EXPLAIN = re.compile(r"^\s*EXPLAIN\b(\s+ANALY[SZ]E\b)?(\s*\([^()]*\))?", re.IGNORECASE)
_LEADING_COMMENTS = re.compile(r"^(\s*(--[^\n]*(\n|$)|/\*.*?\*/))*", re.DOTALL)


def _explains_a_select(con: Any, text: str) -> bool:
    text = _LEADING_COMMENTS.sub("", text, count=1)
    m = _EXPLAIN.match(text)
    if not m:
        return False
    try:
        inner = con.extract_statements(text[m.end():])
    except duckdb.Error:
        return False
    return len(inner) == 1 and inner[0].type.name == "SELECT"


def lock_down(con: Any, memory_limit: str | None = None) -> None:
    """The memory limit (e.g. '2GB'), no automatic extension installing or loading, no access to
    files beyond what the connection was given, then the configuration locked, so the query cannot
    lift any of it. Call it after the connection's views exist and before the query runs."""
    if memory_limit:
        try:
            con.execute("SET memory_limit = ?", [memory_limit])
        except duckdb.Error as exc:
            raise UsageError(f"The memory limit '{memory_limit}' cannot be used: {first_line(exc)}",
                             "Give a size such as 500MB or 2GB.") from None
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def run(con: Any, sql: str, target: Target, *, timeout: float | None = None,
        memory_limit: str | None = None) -> tuple[list[str], Iterator[tuple]]:
    """Column names and rows of one read-only statement on a connection `lock_down` has locked.
    `memory_limit` only names the limit in the message of a query that exceeds it."""
    statement_kind(con, sql, lambda kind: refusal(target, kind))
    timer = threading.Timer(timeout, con.interrupt) if timeout else None
    try:
        if timer:
            timer.start()
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        rows = list(_batches(cur))
    except duckdb.InterruptException:
        raise UsageError(f"The query was stopped after {timeout:g} s (--timeout).",
                         "Narrow it down (a WHERE clause, a LIMIT), or allow more time with --timeout.") from None
    except duckdb.OutOfMemoryException:
        raise UsageError(f"The query was stopped: it needs more memory than the limit of {memory_limit} "
                         "(--memory-limit).", "Narrow it down, or allow more memory with --memory-limit.") from None
    except duckdb.PermissionException as exc:
        raise UsageError(f"The query tries to reach a file outside {target.what}: {first_line(exc)}",
                         f"{target.command} reads {target.what} only; read other files with DuckDB itself.") \
            from None
    except duckdb.InvalidInputException as exc:
        if "read-only" in str(exc):
            raise refusal(target, "writing") from None
        raise UsageError(f"The query failed: {first_line(exc)}", "Check the statement.") from None
    except duckdb.Error as exc:
        raise UsageError(f"The query failed: {first_line(exc)}", target.views_hint) from None
    finally:
        if timer:
            timer.cancel()
    return names, iter(rows)


def _batches(cur: Any) -> Iterator[tuple]:
    while True:
        batch = cur.fetchmany(BATCH)
        if not batch:
            return
        yield from batch
