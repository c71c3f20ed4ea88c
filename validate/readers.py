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
from cedar.errors import CedarError
from cedar.validate.read_flat import read_csv, read_parquet
from cedar.validate.read_json import read_json, read_jsonl
from cedar.validate.records import NEEDS, Record, Unreadable
from cedar.validate.report import Problem, problem

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet",
           ".pq": "parquet"}
_READERS = {"csv": read_csv, "jsonl": read_jsonl, "json": read_json, "parquet": read_parquet}

__all__ = ["FORMATS", "Record", "Unreadable", "detect_format", "read"]


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
