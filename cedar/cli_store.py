"""`cedar` commands of the store: init, ingest, query (registered on the app of cedar.cli; heavy
modules imported inside each command)."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer

from cedar.cli import (EncodingOption, FormatOption, InputFormatOption, MaxErrorsOption, OutputFormat, _check_encoding,
                       _out, app)

DbOption = Annotated[Path, typer.Option(
    "--db", envvar="CEDAR_DB", help="The store: a DuckDB file (or set CEDAR_DB).", show_default=True)]
DEFAULT_DB = Path("data/cedar.duckdb")


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _say(text: str) -> None:
    typer.echo(text, err=True)


@contextmanager
def _progress(label: str) -> Iterator[Any]:
    """A row counter on the terminal while a long step runs; nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description} {task.completed} rows"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label)
        yield lambda: bar.advance(task)


@app.command()
def init(db: DbOption = DEFAULT_DB) -> None:
    """Create the store: the event tables, history, documents, submissions, deletions, releases, the
    actor registry (filled from the bundled seed), links between datasets' events, and the views
    events, event_actors, claims, sources and event_corroboration. Running it on an existing store
    changes no event: it adds what the store lacks (columns, tables, the seed's actors).

    Example: cedar init --db data/cedar.duckdb
    """
    from cedar.ingest import store

    info = store.init(db)
    if info["columns_added"]:
        _out(f"Brought the store {db} up to the current model: added {', '.join(info['columns_added'])}.")
    if info["existed"]:
        _out(f"The store {db} is ready (it existed: {info['events']} events, {info['submissions']} submissions).")
    else:
        _out(f"Created the store {db}. Next: cedar ingest my-events.csv --db {db}")


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(help="Submission files (.csv, .jsonl, .json, .parquet), or with "
                                                "--deletions deletion lists (.csv, .jsonl, .json).",
                                                show_default=False)],
    db: DbOption = DEFAULT_DB,
    submitter: Annotated[Optional[str], typer.Option("--submitter", help="Who submits (recorded with the "
                                                     "submission).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and work everything out, then write nothing.")]
    = False,
    deletions: Annotated[bool, typer.Option("--deletions", help="The files are deletion lists: columns event_id "
                                            "and reason (required).")] = False,
    output: FormatOption = OutputFormat.text,
    max_errors: MaxErrorsOption = None,
    encoding: EncodingOption = "utf-8",
    input_format: InputFormatOption = None,
) -> None:
    """Load checked submissions into the store, all in one transaction or nothing.

    The files get exactly the checks of `cedar check`; any error refuses the whole submission and
    leaves the store as it was. New events get ids (ISO3 + number); a row that names an event_id
    updates that event (its earlier version is kept); a file already ingested adds nothing.
    Possible duplicates are listed as warnings. Exit 0 when ingested, 1 when the data has errors or
    the store is busy, 2 for a wrong call.

    Examples: cedar ingest my-events.csv --submitter "Partner org" ;
    cedar ingest --deletions gone.csv  (event_id,reason)
    """
    from cedar.ingest import deletions as deletion_lists
    from cedar.ingest import load
    from cedar.validate.render import render_text

    from cedar.errors import CedarError

    _check_encoding(encoding)
    try:
        if deletions:
            outcome = deletion_lists.ingest(db, files, submitter=submitter, dry_run=dry_run, encoding=encoding,
                                            say=_say)
        else:
            with _progress("Checking") as tick:
                outcome = load.ingest(db, files, submitter=submitter, dry_run=dry_run, input_format=input_format,
                                      encoding=encoding, max_errors=max_errors, say=_say, on_record=tick)
    except KeyboardInterrupt:
        raise CedarError("Interrupted: nothing was written, the store is as it was.", exit_code=130) from None
    report = outcome.report
    if output is OutputFormat.json:  # the text report says the same in its summary
        report.extra.update(outcome.to_dict())
        _out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _out(render_text(report))
        _out(_summary(outcome))
    raise typer.Exit(outcome.exit_code)


def _summary(outcome: Any) -> str:
    if outcome.exit_code:
        return f"Refused: nothing was written to {outcome.store}."
    if outcome.submission_id is None:
        held = ", ".join(f"{h.path.name} (submission {h.submission_id})" for h in outcome.held)
        return f"Nothing to do: already in the store: {held}."
    c = outcome.counts
    verb = "Dry run: would have written" if outcome.dry_run else "Ingested"
    lines = [f"{verb} submission {outcome.submission_id} into {outcome.store}: {c.get('added', 0)} added, "
             f"{c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged, {c.get('deleted', 0)} deleted."]
    mapped = [e for e in outcome.events if e["change"] != "unchanged"]
    for e in mapped[:20]:
        ref = f"{e['ref']} -> " if e.get("ref") else f"row {e['row']}: "
        lines.append(f"  {ref}{e['event_id']} (version {e['version']}, {e['change']})")
    if len(mapped) > 20:
        lines.append(f"  ... and {len(mapped) - 20} more (--format json lists every row)")
    if outcome.dry_run:
        lines.append("Nothing was written.")
    else:
        s = outcome.store_counts
        lines.append(f"The store holds {s['events']} current events, {s['versions']} versions, "
                     f"{s['deletions']} deletions, {s['submissions']} submissions.")
    return "\n".join(lines)


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="One SQL statement that reads, e.g. SELECT ... FROM events.",
                                       show_default=False)],
    db: DbOption = DEFAULT_DB,
    output: Annotated[QueryFormat, typer.Option("--format", "-f", help="table for people; csv or json for "
                                                "programs (every row).")] = QueryFormat.table,
    release: Annotated[Optional[Path], typer.Option(
        "--release", help="Query a downloaded release instead of the store: its folder, or the --to folder of "
        "cedar download (its newest release).", show_default=False)] = None,
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
    With --release, the same four views over the release's Parquet files.

    A query is stopped with a message after --timeout seconds or beyond --memory-limit. Files
    outside the store or release, ATTACH, INSTALL/LOAD and settings are refused.

    Examples: cedar query "SELECT event_type, count(*) FROM events GROUP BY ALL" ;
    cedar query --release cedar-data "SELECT country, count(*) FROM events GROUP BY ALL"
    """
    from cedar.ingest import query as q

    import re

    if not re.fullmatch(r"\s*\d+(\.\d+)?\s*([KMGT]i?B|B)\s*", memory_limit, re.IGNORECASE):
        from cedar.errors import CedarError

        raise CedarError(f"--memory-limit '{memory_limit}' is not a size.", "Give a size such as 500MB or 2GB.",
                         exit_code=2)
    limits = {"timeout": timeout or None, "memory_limit": memory_limit.strip()}
    if release is not None:
        from cedar.releases import localrelease

        names, rows = localrelease.run(release, sql, **limits)
    else:
        names, rows = q.run(db, sql, **limits)
    if output is QueryFormat.csv:
        _out(q.as_csv(names, rows))
    elif output is QueryFormat.json:
        _out(q.as_json(names, rows))
    else:
        _out(q.as_table(names, rows))
