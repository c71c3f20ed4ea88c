"""`cedar query`: one read-only SQL statement over the store or a downloaded release (DuckDB and the
guard of read-only SQL imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli.common import DEFAULT_DB, DbOption, out
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
) -> None:
    """Run a read-only SQL query on the store. Statements that would write are refused.

    Views: events (current events), event_actors (one row per actor and role), claims, sources,
    event_corroboration (the datasets and linked events that report each event).
    Tables: event_history (every version), deletions, submissions, documents, actors (the actor
    registry), event_links (the same event in two datasets).
    With --releases, the same four views over the release's Parquet files, and its tables actors (one
    row per actor of an event), changes, deletions and events_acled (the ACLED-layout table).

    A query is stopped with a message after --timeout seconds or beyond --memory-limit. Files
    outside the store or release, ATTACH, INSTALL/LOAD and settings are refused.

    Examples: cedar query "SELECT event_type, count(*) FROM events GROUP BY ALL" ;
    cedar query --releases cedar-data "SELECT country, count(*) FROM events GROUP BY ALL"
    """
    from cedar.ingest import query as q

    if not _SIZE.fullmatch(memory_limit):
        raise UsageError(f"--memory-limit '{memory_limit}' is not a size.", "Give a size such as 500MB or 2GB.")
    limit = memory_limit.strip()
    if releases is not None:
        from cedar.releases import localrelease

        names, rows = localrelease.run(releases, sql, timeout=timeout or None, memory_limit=limit)
    else:
        names, rows = q.run(db, sql, timeout=timeout or None, memory_limit=limit)
    if output is QueryFormat.csv:
        out(q.as_csv(names, rows))
    elif output is QueryFormat.json:
        out(q.as_json(names, rows))
    else:
        out(q.as_table(names, rows))
