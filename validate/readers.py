"""Reading submissions: CSV, JSON Lines, JSON arrays and Parquet, one record at a time.

`read` yields `Record`s with the row number a contributor sees in their own file, and raises
`Unreadable` for a file that cannot be read at all (exit 2). Problems with the header or single
rows are yielded as `Problem`s so that reading goes on and every problem is reported at once.
The formats themselves are read in `read_flat` (CSV, Parquet) and `read_json` (JSON Lines, JSON).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from cedar import paths
from cedar.errors import CedarError, UsageError
from cedar.schema import flat
from cedar.validate.read_flat import read_csv, read_parquet
from cedar.validate.read_json import read_json, read_jsonl
from cedar.validate.records import NEEDS, Record, Unreadable, companion_of, near_part
from cedar.validate.report import Problem, problem
from cedar.validate.text import csv_rows

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet",
           ".pq": "parquet"}
_READERS = {"csv": read_csv, "jsonl": read_jsonl, "json": read_json, "parquet": read_parquet}

__all__ = ["FORMATS", "Record", "Unreadable", "detect_format", "read", "submission_files"]
# The endings of the flat files that have companion tables.
FLAT_ENDINGS = (".csv", ".parquet", ".pq")


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        return given
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        reason = f"its ending '{path.suffix}' is not one Cedar reads" if path.suffix else "it has no ending"
        raise Unreadable(problem("unknown-format", file=str(path), value=path.name, reason=reason))
    return fmt


def read(path: Path, fmt: str | None = None, encoding: str = "utf-8") -> Iterator[Record | Problem]:
    """Every record and every header-level problem of a submission file, in file order."""
    if path.is_dir():
        raise Unreadable(problem("unreadable-file", file=str(path), value=str(path),
                                 reason="it is a folder, not a file: name the files inside it"))
    if not path.is_file():
        if os.path.lexists(path):  # a FIFO would block, a device never end, a link loop or dangling link fail
            try:
                paths.input_file(path, "file")
            except CedarError as exc:
                raise Unreadable(problem("unreadable-file", file=str(path), value=str(path),
                                         reason=exc.message.rstrip("."))) from None
        raise Unreadable(problem("file-not-found", file=str(path), value=str(path)))
    fmt = detect_format(path, fmt)
    if fmt not in NEEDS:
        raise Unreadable(problem("unknown-format", file=str(path), value=path.name,
                                 reason=f"--input-format {fmt} is not one Cedar reads"))
    if fmt != "parquet" and path.stat().st_size == 0:
        yield problem("empty-file", file=str(path), needs=NEEDS[fmt])
        return
    yield from _READERS[fmt](path, encoding)


def submission_files(paths: list[Path], encoding: str = "utf-8") -> list[Path]:
    """The files to read as events: a companion table named on the command line beside its main file
    is read with it (dropped here); one named without its main file is a wrong call (UsageError), as
    is a CSV whose header shows a companion table (event_ref and no event columns)."""
    given = {p.resolve() for p in paths if p.exists()}
    out = []
    for path in paths:
        if not path.is_file():  # missing, a folder, a FIFO: the reader says what it is, nothing is opened here
            out.append(path)
            continue
        named = companion_of(path)
        if named is not None:
            part, stem = named
            mains = [stem.with_name(stem.name + ending) for ending in FLAT_ENDINGS]
            if any(m.exists() and m.resolve() in given for m in mains):
                continue  # read with its main file
            found = next((m for m in mains if m.is_file()), None)
            raise UsageError(
                f"{path} is the {part} table of {found or stem.with_name(stem.name + '.csv')}, not a file of "
                f"events" + ("" if found else ", and that file is not there"),
                f"check {found or 'the main file'} itself: its companion tables beside it are read with it")
        if path.suffix.lower() == ".csv" and _companion_header(path, encoding):
            mains = [m for m in paths if m is not path and m.parent == path.parent and m.suffix.lower()
                     in FLAT_ENDINGS and near_part(m.stem, path.name)]
            if mains:
                continue  # the main file's check reports it as misnamed
            raise UsageError(f"{path} is a companion table (its header has {flat.EVENT_KEY} and no event "
                             f"columns), not a file of events",
                             "name it NAME.sources.csv or NAME.claims.csv beside its events file NAME.csv, "
                             "and check NAME.csv")
        out.append(path)
    return out


def _companion_header(path: Path, encoding: str) -> bool:
    """Whether a CSV's header is a companion table's: event_ref, and none of the event's columns."""
    try:
        _, header = next(csv_rows(path, encoding))
    except (StopIteration, Unreadable, OSError, UnicodeError, LookupError):
        return False  # unreadable or empty: the reader reports it
    names = {h.strip() for h in header}
    return flat.EVENT_KEY in names and not names & set(flat.event_columns())
