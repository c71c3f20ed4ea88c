"""Importers of peer datasets (ACLED, UCDP GED, GDELT 2.0) into Cedar submissions, their import into the
store, and the cross-dataset matcher. See docs/importers.md for every mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from cedar.errors import InputError, UsageError

from . import acled, gdelt, ucdp
from .common import ImportResult, LayoutError, run

READERS = {"acled": acled.read, "ucdp": ucdp.read, "gdelt": gdelt.read}
DATASETS = tuple(READERS)


def import_file(dataset: str, path: Path, *, strict: bool = False, encoding: str = "utf-8",
                on_row: Callable[[], None] | None = None, folder: Path | None = None) -> ImportResult:
    """A peer export mapped and checked row by row (the file is read once, streaming), the rows kept spooled
    to a working folder in `folder` (by default the system's temporary folder)."""
    path = Path(path)
    if path.is_dir() or not path.is_file():
        raise InputError(f"There is no file '{path}'.", "Check the path.")
    if dataset not in READERS:
        raise UsageError(f"Unknown dataset '{dataset}'.", f"Use one of {', '.join(DATASETS)}.")
    return run(dataset, path, READERS[dataset](path, encoding), strict=strict, on_row=on_row, folder=folder)


__all__ = ["DATASETS", "ImportResult", "LayoutError", "import_file"]
