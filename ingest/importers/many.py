"""Several exports of one dataset (GDELT's daily files, any number of them) into the store as one submission.

Each file is read, mapped and checked alone (as `cedar import` does one file), its events written as JSON
Lines into a working folder beside the store and dropped before the next file is read: memory stays that
of the largest file, whatever their number. The store's ingest then takes every file's events in one
transaction, itself staged a chunk at a time (cedar.ingest.spool), or none of them. A file of another
layout, or one that cannot be read, stops the import before the store is touched, naming the file.
Likely matches with other datasets are not looked for here (a one-file import links them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cedar import paths as checked_paths
from cedar.validate.report import Report

from . import READERS, import_file
from .store_sync import RowsOf, StoreOutcome, _put_back, external_index, kept_rows, prepare


@dataclass
class ManyFiles:
    """What an import of several files did: the mapping's report of every file and the store's outcome."""

    dataset: str
    paths: list[Path]
    report: Report
    rows_read: int = 0
    imported: int = 0
    refused_rows: int = 0
    stored: StoreOutcome | None = None
    strict_refused: bool = False
    per_file: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "files": [str(p) for p in self.paths], "rows_read": self.rows_read,
                "imported": self.imported, "refused": self.refused_rows, "per_file": self.per_file}


def check_layouts(dataset: str, files: list[Path], encoding: str) -> None:
    """Every file readable and of the dataset's layout, before any row is mapped: a LayoutError (or another
    CedarError) names the first file that is not."""
    for path in files:
        checked_paths.input_file(path, "export")
        rows = READERS[dataset](path, encoding)  # opening the file reads its first row
        close = getattr(rows, "close", None)
        if close:
            close()


def ingest_many(dataset: str, files: list[Path], db: Path, *, strict: bool = False, encoding: str = "utf-8",
                submitter: str | None = None, dry_run: bool = False, on_row: Callable[[], None] | None = None,
                say: Callable[[str], None] = lambda _: None) -> ManyFiles:
    from cedar.ingest import load, spool, store  # the store's modules (DuckDB): only when importing into it
    check_layouts(dataset, files, encoding)
    with store.connect(db, write=False) as con:
        current, deleted = external_index(con)
    # a day of GDELT has tens of thousands of refused rows: past a number per code they are counted, not listed
    run = ManyFiles(dataset, list(files), Report(check=f"import-{dataset}", warnings_per_code=load.WARNINGS_PER_CODE))
    updated = skipped = 0
    written: list[tuple[Path, Path, RowsOf]] = []  # (JSON Lines, peer file, the peer row of each line)
    with spool.Spool(db) as work:
        for n, path in enumerate(files, start=1):
            say(f"Importing {path.name} ({n} of {len(files)}) ...")
            mapped = import_file(dataset, path, strict=strict, encoding=encoding, on_row=on_row, folder=work.folder)
            try:
                up, skip = prepare(mapped, current, deleted, db)
                updated, skipped = updated + up, skipped + skip
                run.report.take(mapped.report)
                run.rows_read += mapped.rows_read
                run.refused_rows += len(mapped.refused)
                run.imported += mapped.kept
                run.per_file.append({"file": str(path), "rows_read": mapped.rows_read, "imported": mapped.kept,
                                     "refused": len(mapped.refused)})
                if mapped.kept:
                    out = work.folder / f"{n:05d}-{path.name}.cedar.jsonl"
                    mapped.write_jsonl(out)
                    written.append((out, path, kept_rows(mapped)))
            finally:
                mapped.close()  # this file's rows are on disk now: the next file starts from nothing
        del current, deleted  # every external id the store holds (millions): not kept through its ingest
        if strict and run.refused_rows:
            run.strict_refused = True
            return run
        if not written:
            return run
        outcome = load.ingest(db, [w for w, _, _ in written], submitter=submitter or f"cedar import {dataset}",
                              dry_run=dry_run, say=say)
        for out, peer, rows in written:
            _put_back(outcome, str(out), str(peer), rows)
    run.stored = StoreOutcome(outcome, updated, skipped)
    return run
