"""`cedar init` and `cedar ingest`: the store created, and submissions or deletion lists loaded into it.

The library modules are imported inside the commands, so that `cedar --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli import exits
from cedar.cli.common import (
    DEFAULT_DB,
    DbOption,
    EncodingOption,
    FormatOption,
    InputFormatOption,
    MaxErrorsOption,
    OutputFormat,
    check_encoding,
    out,
    out_json,
    progress,
    say,
)
from cedar.errors import Interrupted


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
        out(f"Brought the store {db} up to the current model: added {', '.join(info['columns_added'])}.")
    if info["existed"]:
        out(f"The store {db} is ready (it existed: {info['events']} events, {info['submissions']} submissions).")
    else:
        out(f"Created the store {db}. Next: cedar ingest my-events.csv --db {db}")


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
    leaves the store as it was. New events get ids (CDR-ISO3-number); a row that names an event_id
    updates that event (its earlier version is kept); a file already ingested adds nothing.
    Possible duplicates are listed as warnings. Exit 0 when ingested, 1 when the data has errors or
    the store is busy, 2 for a wrong call.

    Examples: cedar ingest my-events.csv --submitter "Partner org" ;
    cedar ingest --deletions gone.csv  (event_id,reason)
    """
    from cedar.ingest import deletions as deletion_lists
    from cedar.ingest import load
    from cedar.validate.render import render_text

    check_encoding(encoding)
    try:
        if deletions:
            outcome = deletion_lists.ingest(db, files, submitter=submitter, dry_run=dry_run, encoding=encoding,
                                            say=say)
        else:
            with progress("Ingesting") as tick:
                outcome = load.ingest(db, files, submitter=submitter, dry_run=dry_run, input_format=input_format,
                                      encoding=encoding, max_errors=max_errors, say=say, on_record=tick)
    except KeyboardInterrupt:
        raise Interrupted("Interrupted: nothing was written, the store is as it was.") from None
    report = outcome.report
    if output is OutputFormat.json:  # the text report says the same in its summary
        report.extra.update(outcome.to_dict())
        out_json(report.to_dict())
    else:
        out(render_text(report))
        out(_summary(outcome))
    raise typer.Exit(exits.for_outcome(outcome))


def _summary(outcome: Any) -> str:
    if outcome.refused:
        return f"Refused: nothing was written to {outcome.store}."
    if outcome.submission_id is None:
        held = ", ".join(f"{h.path.name} (submission {h.submission_id})" for h in outcome.held)
        return f"Nothing to do: already in the store: {held}."
    c = outcome.counts
    verb = "Dry run: would have written" if outcome.dry_run else "Ingested"
    lines = [f"{verb} submission {outcome.submission_id} into {outcome.store}: {c.get('added', 0)} added, "
             f"{c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged, {c.get('deleted', 0)} deleted."]
    shown = 0
    for e in outcome.events:  # the first 20 written, read as they come: a list of every row's dict took 3 GB at 5M
        if shown == 20:
            break
        if e["change"] != "unchanged":
            ref = f"{e['ref']} -> " if e.get("ref") else f"row {e['row']}: "
            lines.append(f"  {ref}{e['event_id']} (version {e['version']}, {e['change']})")
            shown += 1
    more = c.get("added", 0) + c.get("updated", 0) - shown
    if more > 0:
        lines.append(f"  ... and {more} more (--format json lists every row)")
    if outcome.dry_run:
        lines.append("Nothing was written.")
    else:
        s = outcome.store_counts
        lines.append(f"The store holds {s['events']} current events, {s['versions']} versions, "
                     f"{s['deletions']} deletions, {s['submissions']} submissions.")
    return "\n".join(lines)
