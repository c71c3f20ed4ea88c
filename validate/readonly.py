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

DuckDB lets a query read and `glob` its temporary folder even with external access off, and its
default one is shared (`<store>.tmp/`, or `./.tmp/` of the working folder for an in-memory
database): `private_spill` gives each query a folder of its own, made empty with mode 0700 and
removed after. Rows stream: `stream` fetches them in batches as the output is written, stops at
`max_rows` and says so, and sizes its batches so that the rows held in Python stay within a share
of the memory limit (`SELECT * FROM range(2e9)` once held 24 GB in Python).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import duckdb

from cedar.errors import UsageError
from cedar.schema.terminal import printable

READING = {"SELECT", "EXPLAIN"}
BATCH = 10_000
# Settings for every DuckDB connection Cedar opens: an extension is never fetched from the network or
# loaded behind a statement's back (reading https://, or `md:`, would otherwise install one).
NO_EXTENSIONS: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False, "autoload_known_extensions": False}


@dataclass(frozen=True)
class Target:
    """What a query reads, as its messages name it."""

    what: str  # "the store", "the release"
    command: str  # the command that reads it, e.g. "cedar query --release"
    refused: str  # the sentence after "cedar query only reads:", with {kind}
    refused_hint: str  # what to do instead of a statement that is refused
    views_hint: str  # the views and tables there are, for a query that fails
    timeout_option: str = "--timeout"  # how the caller sets the limits, as messages name them
    memory_option: str = "--memory-limit"


def first_line(exc: Exception) -> str:
    """DuckDB's message, whose first line may quote a value of the data: escaped for the terminal."""
    lines = str(exc).strip().splitlines()
    return printable(lines[0]) if lines else type(exc).__name__


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


def lock_down(con: Any, memory_limit: str | None = None, spill: str | None = None) -> None:
    """The memory limit (e.g. '2GB'), the temporary folder (`spill`, from `private_spill`; none: no
    spilling), no extension installing or loading, no access to files beyond what the connection
    was given, then the configuration locked, so the query cannot lift any of it. Call it after the
    connection's views exist and before the query runs."""
    if memory_limit:
        try:
            con.execute("SET memory_limit = ?", [memory_limit])
        except duckdb.Error as exc:
            raise UsageError(f"The memory limit '{memory_limit}' cannot be used: {first_line(exc)}",
                             "Give a size such as 500MB or 2GB.") from None
    con.execute("SET temp_directory = ?", [spill or ""])
    con.execute("SET enable_progress_bar = false")  # DuckDB draws it on the terminal, amid the rows
    for name, value in NO_EXTENSIONS.items():
        con.execute(f"SET {name} = {str(value).lower()}")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


@contextmanager
def private_spill() -> Iterator[str]:
    """A temporary folder for one query: new, empty, readable by its owner only, removed after."""
    path = tempfile.mkdtemp(prefix="cedar-query-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@dataclass
class Result:
    """A query's columns and its rows, fetched as they are read; `cut` is true once the rows have
    stopped at `max_rows` while the query had more."""

    names: list[str]
    rows: Iterator[tuple] = field(default_factory=lambda: iter(()))
    max_rows: int | None = None
    cut: bool = False
    count: int = 0


@contextmanager
def _failures(target: Target, timeout: float | None, memory_limit: str | None) -> Iterator[None]:
    """DuckDB's errors while a query runs or its rows are fetched, as UsageErrors that say what to do."""
    try:
        yield
    except duckdb.InterruptException:
        raise UsageError(f"The query was stopped after {timeout or 0:g} s ({target.timeout_option}).",
                         "Narrow it down (a WHERE clause, a LIMIT), or allow more time with "
                         f"{target.timeout_option}.") from None
    except duckdb.OutOfMemoryException:
        raise UsageError(f"The query was stopped: it needs more memory than the limit of {memory_limit} "
                         f"({target.memory_option}).",
                         f"Narrow it down, or allow more memory with {target.memory_option}.") from None
    except duckdb.PermissionException as exc:
        raise UsageError(f"The query tries to reach a file outside {target.what}: {first_line(exc)}",
                         f"{target.command} reads {target.what} only; read other files with DuckDB itself.") \
            from None
    except duckdb.InvalidInputException as exc:
        if "read-only" in str(exc):
            raise refusal(target, "writing") from None
        raise UsageError(f"The query failed: {first_line(exc)}", "Check the statement.") from None
    except duckdb.Error as exc:
        raise UsageError(f"The query failed: {first_line(exc)}", _extension_hint(exc, target)) from None


def _extension_hint(exc: Exception, target: Target) -> str:
    text = str(exc)
    if "extension" in text.lower() or "autoload" in text.lower():
        return (f"{target.command} reads {target.what} with DuckDB's built-in functions only; it never installs "
                "or loads an extension (no remote files, no network).")
    return target.views_hint


@contextmanager
def stream(con: Any, sql: str, target: Target, *, timeout: float | None = None, memory_limit: str | None = None,
           max_rows: int | None = None) -> Iterator[Result]:
    """One read-only statement on a connection `lock_down` has locked: its Result, whose rows are
    fetched while the caller reads them, at most `max_rows` of them. The timeout covers running
    and fetching; `memory_limit` sizes the batches and names the limit in messages."""
    statement_kind(con, sql, lambda kind: refusal(target, kind))
    timer = threading.Timer(timeout, con.interrupt) if timeout else None
    try:
        if timer:
            timer.start()
        with _failures(target, timeout, memory_limit):
            cur = con.execute(sql)
        result = Result([d[0] for d in cur.description] if cur.description else [], max_rows=max_rows)
        result.rows = _rows(cur, result, _budget(memory_limit), lambda: _failures(target, timeout, memory_limit))
        yield result
    finally:
        if timer:
            timer.cancel()


def run(con: Any, sql: str, target: Target, *, timeout: float | None = None,
        memory_limit: str | None = None, max_rows: int | None = None) -> tuple[list[str], Iterator[tuple]]:
    """Column names and rows of one read-only statement, all fetched (for small results and tests;
    `cedar query` streams with `stream`)."""
    with stream(con, sql, target, timeout=timeout, memory_limit=memory_limit, max_rows=max_rows) as result:
        rows = list(result.rows)
    return result.names, iter(rows)


def _rows(cur: Any, result: Result, budget: int, failures: Callable[[], Any]) -> Iterator[tuple]:
    """The rows in batches of at most BATCH, fewer when rows are large: a batch's text stays under
    `budget` bytes (measured on a sample of its rows)."""
    size = 16  # grown once the rows are known to be small: 1,000 rows of 10 MB each are 10 GB
    cap = result.max_rows
    while True:
        want = size if cap is None else min(size, cap - result.count)
        if want <= 0:
            with failures():
                result.cut = bool(cur.fetchmany(1))
            return
        with failures():
            batch = cur.fetchmany(want)
        if not batch:
            return
        result.count += len(batch)
        yield from batch
        per_row = max(1, _row_bytes(batch))
        size = max(1, min(BATCH, budget // per_row))


def _row_bytes(batch: list[tuple]) -> int:
    """About how many bytes a row of the batch holds, from at most 32 rows spread over it."""
    step = max(1, len(batch) // 32)
    sample = batch[::step]
    total = 0
    for row in sample:
        for v in row:
            total += len(v) + 50 if isinstance(v, (str, bytes, list, tuple, dict)) else 32
            if isinstance(v, (list, tuple, dict)):
                total += sum(len(str(x)) for x in v)
    return total // len(sample) + 64


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def size_bytes(text: str | None, default: int = 2 * 10**9) -> int:
    """A size as DuckDB reads it ('500MB', '2GB', '1.5GiB') in bytes; `default` when it is none."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?I?B)?\s*", text or "", re.IGNORECASE)
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").upper()]) if m else default


def _budget(memory_limit: str | None) -> int:
    """The bytes a batch of rows may hold in Python: an eighth of the memory limit, at most 64 MB."""
    return int(max(1 << 16, min(64 << 20, size_bytes(memory_limit) / 8)))
