"""CSV that a spreadsheet opens without running anything (OWASP: CSV injection).

A free-text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
apostrophe, so a spreadsheet shows it as text instead of evaluating it. Only text and list
columns are touched: numbers, dates, booleans and coordinates are written as they are (a
longitude of -12.5 stays a number), and Parquet keeps every value exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any, Iterable

from cedar.schema import flat

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TEXT_KINDS = (flat.TEXT, flat.LIST)


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(TRIGGERS) else text


def cell(kind: str, value: Any) -> str:
    if kind == flat.TIMESTAMP and value is not None:
        return _timestamp(value)
    text = flat.format_cell(kind, value)
    return neutralise(text) if kind in TEXT_KINDS else text


def _timestamp(value: Any) -> str:
    """UTC times as ISO 8601 with a Z, seconds precision unless there is a fraction."""
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat() + "Z"


def write_csv(path: Path, columns: list[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> int:
    """Write rows (dicts of typed values) as UTF-8 CSV without a BOM; returns the row count."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([name for name, _ in columns])
        for row in rows:
            w.writerow([cell(kind, row.get(name)) for name, kind in columns])
            n += 1
    return n
