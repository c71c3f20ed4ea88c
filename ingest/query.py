"""`cedar query`: one read-only SQL statement over the store, printed as a table, CSV or JSON.

Three locks keep it read-only: only a statement that reads (SELECT, and EXPLAIN, DESCRIBE, SHOW,
SUMMARIZE, which DuckDB parses as SELECT) is accepted; the file is opened read-only, so DuckDB
itself refuses any write to the store; and access to other files is switched off and the
configuration locked, so COPY ... TO, EXPORT DATABASE, ATTACH or read_csv cannot reach the disk.
Automatic installing and loading of extensions is off as well, and a `--timeout` and a
`--memory-limit` stop a query that runs too long or takes too much memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterator

from cedar.errors import CedarError
from cedar.ingest import store

READING = {"SELECT", "EXPLAIN"}
TABLE_ROWS = 100
CELL_WIDTH = 48


def _refuse(kind: str) -> CedarError:
    return CedarError(f"cedar query only reads: a {kind} statement is refused, and the store is opened read-only.",
                      "Change the store through `cedar ingest` (new events and updates) or `cedar ingest --deletions` "
                      "(deletions, with reasons), so that every change keeps its history. To export a result, "
                      "use --format csv or --format json and redirect the output.", exit_code=2)


def statement_kind(con: Any, sql: str, refuse: Callable[[str], CedarError] | None = None) -> str:
    """The kind of the one statement `sql` holds, when it only reads (a SELECT, or an EXPLAIN of
    one); anything else is refused with `refuse(kind)`. Shared by the store and `--release`."""
    import duckdb

    refuse = refuse or _refuse
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise CedarError(f"The SQL cannot be read: {_first_line(exc)}", "Check the statement's syntax.",
                         exit_code=2) from None
    if len(statements) != 1:
        raise CedarError(f"Give one SQL statement (found {len(statements)}).",
                         "Run each statement with its own `cedar query`.", exit_code=2)
    kind = statements[0].type.name
    if kind not in READING:
        raise refuse(kind.replace("_STATEMENT", "").replace("_", " "))
    if kind == "EXPLAIN" and not _explains_a_select(con, statements[0].query):
        # EXPLAIN ANALYZE runs its statement, and DuckDB lets a database write into its own
        # files (the store's .tmp folder): only an EXPLAIN of a SELECT is run.
        raise refuse("EXPLAIN of anything but a SELECT (EXPLAIN ANALYZE runs it)")
    return kind


_EXPLAIN = re.compile(r"^\s*EXPLAIN\b(\s+ANALY[SZ]E\b)?(\s*\([^()]*\))?", re.IGNORECASE)
_LEADING_COMMENTS = re.compile(r"^(\s*(--[^\n]*(\n|$)|/\*.*?\*/))*", re.DOTALL)


def _explains_a_select(con: Any, text: str) -> bool:
    import duckdb

    text = _LEADING_COMMENTS.sub("", text, count=1)
    m = _EXPLAIN.match(text)
    if not m:
        return False
    try:
        inner = con.extract_statements(text[m.end():])
    except duckdb.Error:
        return False
    return len(inner) == 1 and inner[0].type.name == "SELECT"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def run(db: Path, sql: str, *, timeout: float | None = None,
        memory_limit: str | None = None) -> tuple[list[str], Iterator[tuple]]:
    """Column names and rows of one read-only statement. Rows are fetched in batches while iterating.

    A query that runs (or fetches) longer than `timeout` seconds is interrupted (a timer calls
    DuckDB's interrupt); one that needs more than `memory_limit` (e.g. '2GB') stops with DuckDB's
    out-of-memory error. The limit, and no automatic extension installing or loading, are set
    before the configuration is locked, so the query cannot lift them."""
    import threading

    import duckdb

    with store.connect(db, write=False) as con:
        if memory_limit:
            try:
                con.execute("SET memory_limit = ?", [memory_limit])
            except duckdb.Error as exc:
                raise CedarError(f"The memory limit '{memory_limit}' cannot be used: {_first_line(exc)}",
                                 "Give a size such as 500MB or 2GB.", exit_code=2) from None
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
        statement_kind(con, sql)
        timer = threading.Timer(timeout, con.interrupt) if timeout else None
        try:
            if timer:
                timer.start()
            cur = con.execute(sql)
            names = [d[0] for d in cur.description] if cur.description else []
            rows = list(_batches(cur))
        except duckdb.InterruptException:
            raise CedarError(f"The query was stopped after {timeout:g} s (--timeout).",
                             "Narrow it down (a WHERE clause, a LIMIT), or allow more time with --timeout.",
                             exit_code=2) from None
        except duckdb.OutOfMemoryException:
            raise CedarError(f"The query was stopped: it needs more memory than the limit of {memory_limit} "
                             "(--memory-limit).", "Narrow it down, or allow more memory with --memory-limit.",
                             exit_code=2) from None
        except duckdb.PermissionException as exc:
            raise CedarError(f"The query tries to reach a file outside the store: {_first_line(exc)}",
                             "cedar query reads the store only; read other files with DuckDB itself.",
                             exit_code=2) from None
        except duckdb.InvalidInputException as exc:
            if "read-only" in str(exc):
                raise _refuse("writing") from None
            raise CedarError(f"The query failed: {_first_line(exc)}", "Check the statement.", exit_code=2) from None
        except duckdb.Error as exc:
            raise CedarError(f"The query failed: {_first_line(exc)}",
                             "The views are events, event_actors, claims and sources; the store's tables include "
                             "event_history, deletions, submissions and documents.", exit_code=2) from None
        finally:
            if timer:
                timer.cancel()
    return names, iter(rows)


def _batches(cur: Any) -> Iterator[tuple]:
    while True:
        batch = cur.fetchmany(10_000)
        if not batch:
            return
        yield from batch


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def as_table(names: list[str], rows: Iterator[tuple], limit: int = TABLE_ROWS) -> str:
    shown, more = [], 0
    for row in rows:
        if len(shown) < limit:
            shown.append([_text(v) for v in row])
        else:
            more += 1
    cells = [[c if len(c) <= CELL_WIDTH else c[:CELL_WIDTH - 1] + "…" for c in r] for r in shown]
    cells = [[c.replace("\n", " ") for c in r] for r in cells]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in cells]
    total = len(shown) + more
    out.append(f"({total} row{'s' * (total != 1)}" + (f"; the first {limit} shown, use --format csv for all)"
                                                       if more else ")"))
    return "\n".join(out)


def as_csv(names: list[str], rows: Iterator[tuple]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for row in rows:
        w.writerow([_text(v) for v in row])
    return buf.getvalue().rstrip("\n")


def as_json(names: list[str], rows: Iterator[tuple]) -> str:
    return json.dumps([dict(zip(names, (_json(v) for v in row))) for row in rows], ensure_ascii=False, indent=1)
