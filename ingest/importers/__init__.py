"""Importers of peer datasets (ACLED, UCDP GED, GDELT 2.0) into Cedar submissions, the cross-dataset
matcher, and the ACLED-layout export of a release. See docs/importers.md for every mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .common import ImportResult, LayoutError, run

DATASETS = ("acled", "ucdp", "gdelt")


def import_file(dataset: str, path: Path, *, strict: bool = False, encoding: str = "utf-8",
                on_row: Callable[[], None] | None = None) -> ImportResult:
    """A peer export mapped and checked row by row (the file is read once, streaming)."""
    from cedar.errors import CedarError

    path = Path(path)
    if path.is_dir() or not path.is_file():
        raise CedarError(f"There is no file '{path}'.", "Check the path.", exit_code=2)
    if dataset == "acled":
        from . import acled
        rows = acled.read(path, encoding)
    elif dataset == "ucdp":
        from . import ucdp
        rows = ucdp.read(path, encoding)
    elif dataset == "gdelt":
        from . import gdelt
        rows = gdelt.read(path, encoding)
    else:
        raise CedarError(f"Unknown dataset '{dataset}'.", f"Use one of {', '.join(DATASETS)}.", exit_code=2)
    return run(dataset, path, rows, strict=strict, on_row=on_row)


__all__ = ["DATASETS", "ImportResult", "LayoutError", "import_file"]
