"""`cedar query`: one read-only SQL statement over the store or a downloaded release (DuckDB and the
guard of read-only SQL imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar import numbers
from cedar.cli.common import DEFAULT_DB, DbOption, say
from cedar.errors import UsageError

_SIZE = re.compile(r"\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*", re.IGNORECASE)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def query(
    sql: Annotated[str, typer.Argument(help="One SQL statement that reads, e.g. SELECT ... FROM events.",
                                       show_default=False)],
    db: DbOption = DEFAULT_DB,
    output: Annotated[QueryFormat, typer.Option("--format", "-f", help="table for people; csv or json for "
                                                "programs (every row).")] = QueryFormat.table,
    releases: Annotated[Optional[Path], typer.Option(
        "--releases", help="Query a release instead of the store: a release's folder, or a folder of releases "
        "(the --to folder of cedar download, or a release store) for its newest release.", show_default=False)]
    = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0, help="Stop the query after this many seconds (0: no limit).")] = 600.0,
    memory_limit: Annotated[str, typer.Option(
        "--memory-limit", help="Stop the query when DuckDB needs more memory than this, e.g. 500MB or 4GB.")]
    = "2GB",
    max_rows: Annotated[int, typer.Option(
        "--max-rows", min=0, help="Stop after this many rows, and say so (0: no limit). The table shows the first "
        "100 and counts the rest up to this.")] = 1_000_000,
) -> None:
    """Run a read-only SQL query on the store. Statements that would write are refused.

    Views: events (current events), event_actors (one row per actor and role), claims, sources,
    event_corroboration (the datasets and linked events that report each event).
    Tables: event_history (every version), deletions, submissions, documents, actors (the actor
    registry), event_links (the same event in two datasets).
    With --releases, the same four views over the release's Parquet files, the long forms actors_long
    (one row per event, actor and role, with inter codes and labels) and sources_long (one row per
    event and source), and its tables actors, changes, deletions and events_acled (ACLED's layout).

    Rows are written as they are read. A query is stopped with a message after --timeout seconds or
    beyond --memory-limit, and its rows after --max-rows. Files outside the store or release,
    ATTACH, INSTALL/LOAD, extensions and settings are refused.

    Examples: cedar query "SELECT event_type, count(*) FROM events GROUP BY ALL" ;
    cedar query --releases cedar-data "SELECT country, count(*) FROM events GROUP BY ALL"
    """
    from cedar.ingest import query as q

    if not _SIZE.fullmatch(memory_limit):
        raise UsageError(f"--memory-limit '{memory_limit}' is not a size.", "Give a size such as 500MB or 2GB.")
    numbers.seconds(timeout, "--timeout", zero_means_none=True)
    limits = dict(timeout=timeout or None, memory_limit=memory_limit.strip(), max_rows=max_rows or None)
    previous = _bound_address_space(memory_limit)
    try:
        if releases is not None:
            from cedar.releases import localrelease

            opened = localrelease.stream(releases, sql, **limits)  # type: ignore[arg-type]
        else:
            opened = q.stream(db, sql, **limits)  # type: ignore[arg-type]
        with opened as result:
            _print(result, output)
    except BrokenPipeError:  # the reader (head, less) has had enough: not an error
        _quiet_stdout()
        return
    except MemoryError:
        raise UsageError(f"The query was stopped: its rows need more memory than the limit of {memory_limit} "
                         "(--memory-limit).", "Narrow it down, or allow more memory with --memory-limit.") from None
    finally:
        _restore_address_space(previous)
    if result.cut and output is not QueryFormat.table:
        say(f"Stopped at {result.count:,} rows (--max-rows {max_rows}): the query has more rows. "
            "Raise --max-rows (0: no limit), or narrow the query.")


def _print(result: Any, output: QueryFormat) -> None:
    """The rows on stdout as they are fetched."""
    from cedar.validate import tabular

    if output is QueryFormat.csv:
        tabular.write_csv(result.names, result.rows, _write)
    elif output is QueryFormat.json:
        tabular.write_json(result.names, result.rows, _write)
    else:
        tabular.write_table(result.names, result.rows, _write, cut=lambda: result.cut)
    sys.stdout.flush()


def _bound_address_space(memory_limit: str) -> tuple[int, int] | None:
    """Hold the whole process to the memory limit, with room for Python, DuckDB's code and its threads.
    DuckDB's own limit covers its buffers, not the values it makes for a fetch: 1,000 rows of
    repeat('x', 10000000) took 10 GB before a first row came back. Past this bound, DuckDB stops the
    query with its out-of-memory error. Only ever lowered, and only where the system has the limit."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    from cedar.validate.readonly import size_bytes

    bound = size_bytes(memory_limit) + (2 << 30) + (os.cpu_count() or 1) * (128 << 20)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        bound = min(bound, hard)
    if soft == resource.RLIM_INFINITY or soft > bound:
        resource.setrlimit(resource.RLIMIT_AS, (bound, hard))
        return soft, hard
    return None


def _restore_address_space(previous: tuple[int, int] | None) -> None:
    """The limit as it was: a command run inside a longer-lived process (a test, a notebook) must not leave
    its bound behind for what that process starts next (a browser needs far more address space)."""
    if previous is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, previous)


def _write(text: str) -> None:
    sys.stdout.write(text)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
