"""`cedar import acled|ucdp|gdelt FILE`: a peer dataset's export as a Cedar submission, or into the store
(registered on the app of cedar.cli; the importers are imported inside the command)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli import EncodingOption, FormatOption, OutputFormat, _check_encoding, _out, app
from cedar.cli_store import DEFAULT_DB, DbOption, _progress, _say
from cedar.errors import CedarError


class Dataset(str, Enum):
    acled = "acled"
    ucdp = "ucdp"
    gdelt = "gdelt"


@app.command("import")
def import_(
    dataset: Annotated[Dataset, typer.Argument(help="acled, ucdp (UCDP GED) or gdelt (GDELT 2.0 events).",
                                               show_default=False)],
    file: Annotated[Path, typer.Argument(help="The peer export: ACLED CSV (events or deleted events), GED CSV, "
                                         "or a GDELT 2.0 .export.CSV (tab-separated).", show_default=False)],
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="The submission to write (JSON Lines, one nested event a line). Default without --ingest: "
        "FILE's name with .cedar.jsonl, in the current folder.")] = None,
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
    from cedar.ingest.importers import import_file
    from cedar.validate.render import render_text

    _check_encoding(encoding)
    if dry_run and not ingest:
        raise CedarError("--dry-run goes with --ingest.", "Add --ingest, or leave --dry-run out.", exit_code=2)
    if not file.is_file():
        raise CedarError(f"There is no file '{file}'.", "Check the path.", exit_code=2)
    if dataset is Dataset.acled and _is_acled_deletions(file, encoding):
        _deletions(file, db, ingest, submitter, dry_run, output, encoding)
        return
    from cedar.ingest.importers import LayoutError

    try:
        with _progress(f"Importing {dataset.value}") as tick:
            result = import_file(dataset.value, file, strict=strict, encoding=encoding, on_row=tick)
    except LayoutError as exc:
        _layout_refused(file, exc, output)
    report = result.report
    summary: dict[str, Any] = result.summary()
    code = 0
    lines: list[str] = []
    if result.refused_all:
        code = 1
        lines.append(f"Refused (--strict): {len(result.refused)} of {result.rows_read} rows cannot be mapped, so "
                     "nothing was written.")
    elif not result.events:
        code = 1
        lines.append(f"Nothing to import: none of the {result.rows_read} rows could be mapped.")
    elif ingest:
        from cedar.ingest.importers import store_sync

        done = store_sync.ingest(result, db, submitter=submitter, dry_run=dry_run, out=out, say=_say)
        o = done.outcome
        code = o.exit_code
        report.extend(o.report.problems)
        summary["store"] = done.to_dict()
        c = o.counts
        if code:
            lines.append(f"The store refused the submission: nothing was written to {db}.")
        elif o.submission_id is None:
            lines.append("Nothing to do: this very submission is already in the store.")
        else:
            verb = "Dry run: would have written" if dry_run else "Ingested"
            lines.append(f"{verb} submission {o.submission_id} into {db}: {c.get('added', 0)} added, "
                         f"{c.get('updated', 0)} updated, {c.get('unchanged', 0)} unchanged "
                         f"({done.updated_by_external_id} matched by external id).")
            if done.matches:
                lines.append(f"{len(done.matches)} likely match(es) with other datasets"
                             + (f", {done.links_added} new link(s) stored in event_links." if not dry_run else "."))
    else:
        target = out or Path.cwd() / f"{file.stem}.cedar.jsonl"
        result.write_jsonl(target)
        summary["out"] = str(target)
        lines.append(f"Wrote {len(result.events)} events to {target}. Check: cedar check {target} ; ingest: "
                     f"cedar ingest {target}")
    head = (f"{dataset.value}: {result.rows_read} rows read, {result.imported} imported, {len(result.refused)} "
            f"refused, in {result.seconds:.2f} s.")
    report.extra["import"] = summary
    if output is OutputFormat.json:
        _out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _out(render_text(report))
        _out("\n".join([head, *lines]))
    raise typer.Exit(code)


def _layout_refused(file: Path, exc: Any, output: OutputFormat) -> None:
    """A file in a layout the importer does not know: one error, in the report's own shape for --format json."""
    from cedar.validate.report import Report, problem

    if output is not OutputFormat.json:
        raise exc
    report = Report(check="import", files=[str(file)])
    report.add(problem("unknown-layout", file=str(file), value=exc.found, expected=exc.expected,
                       hint=f" {exc.hint}" if exc.hint else ""))
    _out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    raise typer.Exit(1)


def _is_acled_deletions(file: Path, encoding: str) -> bool:
    from cedar.ingest.importers import acled

    try:
        layout, _, _ = acled.open_file(file, encoding)
    except CedarError:
        return False
    return layout == "deleted"


def _deletions(file: Path, db: Path, ingest: bool, submitter: Optional[str], dry_run: bool,
               output: OutputFormat, encoding: str) -> None:
    from cedar.ingest.importers import store_sync
    from cedar.validate.render import render_text

    if not ingest:
        raise CedarError(f"{file} is an ACLED deleted-events file (event_id_cnty, deleted_timestamp): deletions "
                         "apply to events in a store.", "Add --ingest (and --db) to delete the events the store "
                         "holds under those ACLED ids.", exit_code=2)
    outcome, _ = store_sync.apply_deletions(file, db, submitter=submitter, dry_run=dry_run, encoding=encoding,
                                             say=_say)
    report = outcome.report
    report.extra["deletions"] = outcome.to_dict()
    if output is OutputFormat.json:
        _out(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _out(render_text(report))
        n = outcome.counts.get("deleted", 0)
        _out(("Dry run: would have deleted " if dry_run else "Deleted ") + f"{n} event(s) from {db}."
             if not outcome.exit_code else f"The store refused the deletions: nothing was changed in {db}.")
    raise typer.Exit(outcome.exit_code)
