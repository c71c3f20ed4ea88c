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


def _column(kind: str, values: list[Any]) -> list[str]:
    """A column's cells, as `cell` writes them, formatted a column at a time (fast)."""
    if kind == flat.TEXT:
        return ["" if v is None else "'" + v if v.startswith(TRIGGERS) else v for v in values]
    if kind == flat.LIST:
        return _column(flat.TEXT, [None if v is None else flat.LIST_SEPARATOR.join(v) for v in values])
    if kind == flat.INT:
        return ["" if v is None else str(v) for v in values]
    if kind == flat.FLOAT:
        return ["" if v is None else repr(float(v)) for v in values]
    if kind == flat.BOOL:
        return ["" if v is None else "true" if v else "false" for v in values]
    return [cell(kind, v) for v in values]


def write_table(path: Path, columns: list[tuple[str, str]], table: Any, batch_rows: int = 50_000) -> int:
    """Write an Arrow table in the columns' order, a batch of rows at a time."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([name for name, _ in columns])
        for batch in table.select([name for name, _ in columns]).to_batches(max_chunksize=batch_rows):
            cols = [_column(kind, batch.column(i).to_pylist()) for i, (_, kind) in enumerate(columns)]
            w.writerows(zip(*cols))
            n += batch.num_rows
    return n
