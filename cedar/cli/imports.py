"""`cedar import acled|ucdp|gdelt FILE`: a peer dataset's export as a Cedar submission, or into the store.

The work is done by cedar.ingest.imports (run_import), imported inside the command so that
`cedar --help` stays fast.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli import exits
from cedar.cli.common import (
    DEFAULT_DB,
    DbOption,
    EncodingOption,
    ForceOption,
    FormatOption,
    OutputFormat,
    check_encoding,
    out,
    out_json,
    progress,
    say,
)
from cedar.errors import UsageError


class Dataset(str, Enum):
    acled = "acled"
    ucdp = "ucdp"
    gdelt = "gdelt"


def import_(
    dataset: Annotated[Dataset, typer.Argument(help="acled, ucdp (UCDP GED) or gdelt (GDELT 2.0 events).",
                                               show_default=False)],
    files: Annotated[list[Path], typer.Argument(
        help="The peer export: ACLED CSV (events or deleted events), GED CSV, or a GDELT 2.0 .export.CSV "
        "(tab-separated, or zipped as published). Several files, or a folder of them (GDELT's daily exports), "
        "go into the store together with --ingest, read one file at a time.", show_default=False)],
    to: Annotated[Optional[Path], typer.Option(
        "--out", help="The submission to write, in the format its ending names: .jsonl (one nested event a "
        "line), .json, .csv or .parquet (with NAME.sources.csv and NAME.claims.csv beside it). Default without "
        "--ingest: FILE's name with .cedar.jsonl, in the current folder.")] = None,
    ingest: Annotated[bool, typer.Option("--ingest", help="Ingest the events into the store (updating events "
                                         "already held under the same external id) and link likely matches "
                                         "with other datasets.")] = False,
    db: DbOption = DEFAULT_DB,
    strict: Annotated[bool, typer.Option("--strict", help="Refuse the whole file when any row cannot be "
                                         "mapped; by default such rows are reported and the rest go on.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --ingest: work everything out, write "
                                          "nothing to the store.")] = False,
    submitter: Annotated[Optional[str], typer.Option("--submitter", help="Recorded with the submission "
                                                     "(default: cedar import DATASET).")] = None,
    output: FormatOption = OutputFormat.text,
    encoding: EncodingOption = "utf-8",
    force: ForceOption = False,
) -> None:
    """Import a peer dataset's export: every row mapped to a Cedar event and checked with the rules of
    `cedar check`; a row that cannot be mapped is reported with its line and the reason.

    Exit 0 when the import went through (rows refused are listed as warnings), 1 when the file's layout
    is unknown, --strict met a refused row, no row could be imported, or the store refused the
    submission; 2 for a wrong call. Every mapping is documented in docs/importers.md.

    Examples: cedar import acled 2024-export.csv --out acled.jsonl ;
    cedar import ucdp GEDEvent_v24_1.csv --ingest --db data/cedar.duckdb ;
    cedar import acled deleted-events.csv --ingest   (applies ACLED's deletions)
    """
    from cedar.ingest.importers import LayoutError
    from cedar.ingest.imports import export_files, run_import, run_import_files
    from cedar.validate.render import render_text

    check_encoding(encoding)
    if dry_run and not ingest:
        raise UsageError("--dry-run goes with --ingest.", "Add --ingest, or leave --dry-run out.")
    exports = export_files(files)
    try:
        with progress(f"Importing {dataset.value}") as tick:
            if len(exports) == 1 and exports == files:
                run = run_import(dataset.value, exports[0], db=db, ingest=ingest, out=to, strict=strict,
                                 dry_run=dry_run, submitter=submitter, encoding=encoding, force=force, on_row=tick,
                                 say=say)
            else:
                if to is not None:
                    raise UsageError("--out writes the submission of one export.",
                                     "Import several files with --ingest, or one file at a time with --out.")
                run = run_import_files(dataset.value, exports, db=db, ingest=ingest, strict=strict, dry_run=dry_run,
                                       submitter=submitter, encoding=encoding, on_row=tick, say=say)
    except LayoutError as exc:
        if output is not OutputFormat.json:
            raise
        _layout_refused(exc.path, exc)
        raise typer.Exit(exits.FAILED) from None
    if output is OutputFormat.json:
        out_json(run.to_dict())
    else:
        out(render_text(run.report))
        out("\n".join(_summary(run, db, dry_run)))
    raise typer.Exit(exits.for_outcome(run))


def _layout_refused(file: Path, exc: Any) -> None:
    """A file in a layout the importer does not know, as one error in the report's own shape."""
    from cedar.validate.report import Report, problem

    report = Report(check="import", files=[str(file)])
    report.add(problem("unknown-layout", file=str(file), value=exc.found, expected=exc.expected,
                       hint=f" {exc.hint}" if exc.hint else ""))
    out_json(report.to_dict())


def _summary(run: Any, db: Path, dry_run: bool) -> list[str]:
    from cedar.ingest.imports import Verdict

    if run.deletions is not None:
        if run.verdict is Verdict.DELETIONS_REFUSED:
            return [f"The store refused the deletions: nothing was changed in {db}."]
        n = run.deletions.counts.get("deleted", 0)
        return [("Dry run: would have deleted " if dry_run else "Deleted ") + f"{n} event(s) from {db}."]
    m, many = run.mapped, run.many
    if many is not None:
        read, refused = many.rows_read, many.refused_rows
        lines = [f"{run.dataset}: {len(many.paths)} files, {read} rows read, {many.imported} imported, "
                 f"{refused} refused."]
    else:
        read, refused = m.rows_read, len(m.refused)
        lines = [f"{run.dataset}: {read} rows read, {m.imported} imported, {refused} refused, in {m.seconds:.2f} s."]
    if run.verdict is Verdict.STRICT_REFUSED:
        lines.append(f"Refused (--strict): {refused} of {read} rows cannot be mapped, so nothing was written.")
    elif run.verdict is Verdict.NOTHING_MAPPED:
        lines.append(f"Nothing to import: none of the {read} rows could be mapped.")
    elif run.verdict is Verdict.STORE_REFUSED:
        lines.append(f"The store refused the submission: nothing was written to {db}.")
    elif run.verdict is Verdict.ALREADY_HELD:
        lines.append("Nothing to do: this very submission is already in the store.")
    elif run.verdict is Verdict.STORED:
        done, c = run.stored, run.stored.outcome.counts
        verb = "Dry run: would have written" if dry_run else "Ingested"
        lines.append(f"{verb} submission {done.outcome.submission_id} into {db}: {c.get('added', 0)} added, "
                     f"{c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged "
                     f"({done.updated_by_external_id} matched by external id).")
        if done.matches:
            lines.append(f"{len(done.matches)} likely match(es) with other datasets"
                         + (f", {done.links_added} new link(s) stored in event_links." if not dry_run else "."))
    else:
        companions = (run.written or [])[1:]
        beside = f" (with {', '.join(p.name for p in companions)} beside it)" if companions else ""
        lines.append(f"Wrote {len(m.events)} events to {run.out}{beside}. Check: cedar check {run.out} ; ingest: "
                     f"cedar ingest {run.out}")
    return lines
