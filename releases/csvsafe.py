"""CSV that a spreadsheet opens without running anything (OWASP: CSV injection).

A free-text cell that a spreadsheet could read as a formula (cedar.schema.csvtext: `=`, `+`, `-`
or `@` after blanks, in any of their NFKC forms, or a leading tab or carriage return) gets a leading
apostrophe, so a spreadsheet shows it as text instead of evaluating it. Only text and list
columns are touched: numbers, dates, booleans and coordinates are written as they are (a
longitude of -12.5 stays a number), and Parquet keeps every value exactly.

Quoting: a cell is quoted when it holds a comma, a double quote, a line feed or a carriage return
(quotes doubled); lines end with a line feed; UTF-8 without a BOM.

The rule is written twice, once per writer, and tests hold the two to the same bytes:
  - in Python (`cell`, `write_csv`, `writer`): the release's small files (deletions.csv);
  - in SQL (`sql_cell`, `copy_csv`): the big tables, written by DuckDB's own CSV writer (COPY)
    from the build's staging database, each cell made into its text in SQL first.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, Iterable

from cedar.schema import flat
from cedar.schema.csvtext import FORMULA_STARTS, TRIGGERS, formula_like, neutralise

__all__ = ["TRIGGERS", "cell", "copy_cells", "copy_csv", "formula_like", "neutralise", "sql_cell", "sql_neutralise",
           "write_csv", "writer"]
TEXT_KINDS = (flat.TEXT, flat.LIST)


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


class writer:  # noqa: N801 (used like csv.writer)
    """csv.writer with '\\n' line ends that also quotes a cell holding a carriage return, as DuckDB's
    CSV writer does (Python's quotes only the characters of its line terminator)."""

    def __init__(self, fh: Any) -> None:
        self._fh = fh
        self._buf = io.StringIO()
        self._csv = csv.writer(self._buf, lineterminator="\r\n")

    def writerow(self, row: Iterable[str]) -> None:
        self._buf.seek(0)
        self._buf.truncate()
        self._csv.writerow(row)
        self._fh.write(self._buf.getvalue()[:-2] + "\n")


def write_csv(path: Path, columns: list[tuple[str, str]], rows: Iterable[dict[str, Any]]) -> int:
    """Write rows (dicts of typed values) as UTF-8 CSV without a BOM; returns the row count."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = writer(fh)
        w.writerow([name for name, _ in columns])
        for row in rows:
            w.writerow([cell(kind, row.get(name)) for name, kind in columns])
            n += 1
    return n


# --- the same rule in SQL, for DuckDB's COPY ---------------------------------------------------

# formula_like as an RE2 pattern (DuckDB's regexp): blanks are the same Unicode categories
_SQL_FORMULA = ("'^([\\t\\r]|[\\p{Z}\\p{Cc}\\p{Cf}]*["
                + "".join("\\-" if c == "-" else c for c in sorted(FORMULA_STARTS)) + "])'")


def sql_neutralise(text: str) -> str:
    """SQL: the text expression (never NULL) with the apostrophe a formula-like cell needs."""
    return f"(CASE WHEN regexp_matches({text}, {_SQL_FORMULA}) THEN '''' || {text} ELSE {text} END)"


def sql_cell(kind: str, expr: str) -> str:
    """SQL: a column's value as the text `cell` writes for it ('' for NULL), before quoting.

    Expects a connection whose TimeZone is UTC (times are written in UTC with a Z)."""
    if kind == flat.TEXT:
        text = f"coalesce({expr}, '')"
        return sql_neutralise(text)
    if kind == flat.LIST:
        return sql_neutralise(f"coalesce(array_to_string({expr}, '{flat.LIST_SEPARATOR}'), '')")
    if kind == flat.INT:
        return f"coalesce(CAST({expr} AS VARCHAR), '')"
    if kind == flat.FLOAT:  # DuckDB prints doubles as Python's repr does, but for the sign of zero
        return (f"(CASE WHEN {expr} IS NULL THEN '' WHEN {expr} = 0 AND signbit({expr}) THEN '-0.0' "
                f"ELSE CAST({expr} AS VARCHAR) END)")
    if kind == flat.BOOL:
        return f"(CASE WHEN {expr} IS NULL THEN '' WHEN {expr} THEN 'true' ELSE 'false' END)"
    if kind == flat.DATE:
        return f"coalesce(CAST({expr} AS VARCHAR), '')"
    if kind == flat.TIMESTAMP:
        return (f"(CASE WHEN {expr} IS NULL THEN '' ELSE strftime({expr}, '%Y-%m-%dT%H:%M:%S') || "
                f"CASE WHEN microsecond({expr}) % 1000000 = 0 THEN '' ELSE strftime({expr}, '.%f') END || 'Z' END)")
    raise ValueError(kind)


def copy_cells(con: Any, cells: dict[str, str], source: str, path: Path) -> None:
    """Write one CSV line per row of `source` (a FROM clause) with the cells' text expressions
    (column name -> SQL), in the rows' order.

    DuckDB's CSV writer quotes as the Python writer does, but for an empty string, which it quotes
    to tell it from NULL: every empty cell is made NULL, written empty. Run with one DuckDB thread
    (see releases.build): with several, DuckDB 2.0.1 wrote some of these files' row groups out of
    order (measured), and a release is written in event_id order."""
    select = ", ".join(f'NULLIF({expr}, \'\') AS "{name}"' for name, expr in cells.items())
    target = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT {select} FROM {source}) TO '{target}' "
                "(FORMAT csv, HEADER true, NEW_LINE '\\n', COMMENT '')")


def copy_csv(con: Any, table: str, columns: list[tuple[str, str]], path: Path) -> None:
    """Write a staged table as the release's CSV: the same bytes as `write_csv` gives for its rows."""
    copy_cells(con, {name: sql_cell(kind, f'"{name}"') for name, kind in columns}, table, path)
