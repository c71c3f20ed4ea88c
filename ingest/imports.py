"""`cedar import`: a peer dataset's export mapped to Cedar events, then written as a submission file,
ingested into the store, or (an ACLED deleted-events file) applied to the store as deletions.

`run_import` does the work and says what happened in an `ImportRun`; it prints nothing and decides no
exit status (the command line does both).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable

from cedar import paths
from cedar.errors import CedarError, UsageError
from cedar.ingest.importers import acled, import_file, store_sync
from cedar.ingest.importers.common import ImportResult, companion_parts, submission_format
from cedar.ingest.importers.many import ManyFiles, ingest_many
from cedar.validate.report import Report


class Verdict(str, Enum):
    WRITTEN = "written"  # the events were written to a submission file
    STORED = "stored"  # the store took the submission (or would have: a dry run)
    ALREADY_HELD = "already-held"  # the store holds this very submission already: nothing to do
    STRICT_REFUSED = "strict-refused"  # strict, and a row could not be mapped: nothing written
    NOTHING_MAPPED = "nothing-mapped"  # not one row could be mapped
    STORE_REFUSED = "store-refused"  # the store refused the submission: nothing written
    DELETED = "deleted"  # an ACLED deleted-events file applied to the store (or would have been)
    DELETIONS_REFUSED = "deletions-refused"  # the store refused those deletions: nothing changed


REFUSED = frozenset({Verdict.STRICT_REFUSED, Verdict.NOTHING_MAPPED, Verdict.STORE_REFUSED,
                     Verdict.DELETIONS_REFUSED})


@dataclass
class ImportRun:
    dataset: str
    path: Path
    report: Report  # the mapping's problems and the store's, with the run's summary in report.extra
    verdict: Verdict
    mapped: ImportResult | None = None  # the rows mapped (None for a deleted-events file)
    stored: store_sync.StoreOutcome | None = None  # what the store did with them
    deletions: Any = None  # cedar.ingest.load.Outcome of a deleted-events file applied
    out: Path | None = None  # the submission file written
    written: list[Path] | None = None  # it and its companion tables (a flat submission)
    unreadable: bool = False  # the store refused because it could not read what it was given
    many: ManyFiles | None = None  # an import of several files: what each gave

    @property
    def refused(self) -> bool:
        return self.verdict in REFUSED

    def to_dict(self) -> dict[str, Any]:
        """The report in its JSON form, with what the store did (every event's id and change) under
        import.store: worked out only here, as a million events' dicts take gigabytes."""
        summary = self.report.extra.get("import")
        if self.stored is not None and isinstance(summary, dict):
            summary["store"] = self.stored.to_dict()
        return self.report.to_dict()


def run_import(dataset: str, path: Path, *, db: Path, ingest: bool = False, out: Path | None = None,
               strict: bool = False, dry_run: bool = False, submitter: str | None = None, encoding: str = "utf-8",
               force: bool = False, on_row: Callable[[], None] | None = None,
               say: Callable[[str], None] = lambda _: None) -> ImportRun:
    """Map every row of `path` (an export of `dataset`) and write the events to `out` in the format its ending
    names (by default FILE's name with .cedar.jsonl in the current folder), or with `ingest` into the store `db`.
    Raises LayoutError for a file of a layout the importer does not know, UsageError for an `out` whose ending
    names no submission format. An existing file at `out` is replaced only with `force`, and never when it is
    `path` itself, a link or a device."""
    paths.input_file(path, "export")
    if os.path.lexists(db):  # even when only --out is written: a FIFO or folder given as the store is a mistake
        paths.input_file(db, "store")
    if out is None and not ingest:
        out = Path.cwd() / f"{path.stem}.cedar.jsonl"
    if out is not None:  # checked before the work, so that a wrong --out costs nothing
        paths.output_file(out, "output file", force=force, inputs=[path])
        submission_format(out)  # a name that says no format is a wrong call, before any row is read
        for part in companion_parts(out):
            paths.output_file(part, "companion table", force=force, inputs=[path])
    if dataset == "acled" and _is_acled_deletions(path, encoding):
        return _apply_deletions(path, db, ingest=ingest, submitter=submitter, dry_run=dry_run, encoding=encoding,
                                say=say)
    # the rows kept are spooled beside the output, which then becomes a second name for the spool's file
    spool_in = out.parent if out is not None and not ingest else None
    mapped = import_file(dataset, path, strict=strict, encoding=encoding, on_row=on_row, folder=spool_in)
    run = ImportRun(dataset, path, mapped.report, Verdict.WRITTEN, mapped=mapped)
    summary: dict[str, Any] = mapped.summary()
    if mapped.refused_all:
        run.verdict = Verdict.STRICT_REFUSED
    elif not mapped.events:
        run.verdict = Verdict.NOTHING_MAPPED
    elif ingest:
        done = store_sync.ingest(mapped, db, submitter=submitter, dry_run=dry_run, out=out, say=say)
        outcome = done.outcome
        run.report.extend(outcome.report.problems)
        run.stored, run.unreadable = done, outcome.unreadable
        run.verdict = (Verdict.STORE_REFUSED if outcome.refused else
                       Verdict.ALREADY_HELD if outcome.submission_id is None else Verdict.STORED)
    else:
        assert out is not None
        run.out = out
        run.written = mapped.write(run.out)
        summary["out"] = str(run.out)
        summary["files"] = [str(p) for p in run.written]
    run.report.extra["import"] = summary
    mapped.close()  # the rows are written: their spool goes (an error or exit removes it too)
    return run


# The files of a folder that an import of daily exports reads (GDELT's YYYYMMDDHHMMSS.export.CSV[.zip]).
EXPORT_ENDINGS = (".csv", ".tsv", ".zip")


def export_files(given: list[Path]) -> list[Path]:
    """The files named, a folder standing for its exports (by name, sorted: daily files in date order)."""
    out: list[Path] = []
    for path in given:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(EXPORT_ENDINGS))
            if not found:
                raise UsageError(f"The folder {path} holds no export files (names ending {', '.join(EXPORT_ENDINGS)}).",
                                 "Name the files, or a folder that holds them.")
            out += found
        else:
            out.append(path)
    return out


def run_import_files(dataset: str, files: list[Path], *, db: Path, ingest: bool = False, strict: bool = False,
                     dry_run: bool = False, submitter: str | None = None, encoding: str = "utf-8",
                     on_row: Callable[[], None] | None = None,
                     say: Callable[[str], None] = lambda _: None) -> ImportRun:
    """Several exports of `dataset` into the store as one submission, read one file at a time
    (cedar.ingest.importers.many); the events of a file are not kept once written beside the store."""
    if not ingest:
        raise UsageError(f"{len(files)} files: several exports go into the store together, with --ingest.",
                         "Add --ingest (and --db), or import one file at a time to write a submission file.")
    if dataset == "acled" and any(_is_acled_deletions(p, encoding) for p in files if p.is_file()):
        raise UsageError("An ACLED deleted-events file is applied on its own.",
                         "Import the deleted-events file alone, with --ingest.")
    many = ingest_many(dataset, files, db, strict=strict, encoding=encoding, submitter=submitter, dry_run=dry_run,
                       on_row=on_row, say=say)
    run = ImportRun(dataset, files[0], many.report, Verdict.STORED, stored=many.stored, many=many)
    summary: dict[str, Any] = many.summary()
    if many.strict_refused:
        run.verdict = Verdict.STRICT_REFUSED
    elif many.stored is None:
        run.verdict = Verdict.NOTHING_MAPPED
    else:
        outcome = many.stored.outcome
        run.report.extend(outcome.report.problems)
        run.unreadable = outcome.unreadable
        run.verdict = (Verdict.STORE_REFUSED if outcome.refused else
                       Verdict.ALREADY_HELD if outcome.submission_id is None else Verdict.STORED)
    run.report.extra["import"] = summary
    return run


def _is_acled_deletions(path: Path, encoding: str) -> bool:
    try:
        layout, _, _ = acled.open_file(path, encoding)
    except CedarError:  # not an ACLED file of a known layout: the import itself says why
        return False
    return layout == "deleted"


def _apply_deletions(path: Path, db: Path, *, ingest: bool, submitter: str | None, dry_run: bool, encoding: str,
                     say: Callable[[str], None]) -> ImportRun:
    if not ingest:
        raise UsageError(f"{path} is an ACLED deleted-events file (event_id_cnty, deleted_timestamp): deletions "
                         "apply to events in a store.", "Add --ingest (and --db) to delete the events the store "
                         "holds under those ACLED ids.")
    outcome, _ = store_sync.apply_deletions(path, db, submitter=submitter, dry_run=dry_run, encoding=encoding,
                                             say=say)
    outcome.report.extra["deletions"] = outcome.to_dict()
    verdict = Verdict.DELETIONS_REFUSED if outcome.refused else Verdict.DELETED
    return ImportRun("acled", path, outcome.report, verdict, deletions=outcome, unreadable=outcome.unreadable)
