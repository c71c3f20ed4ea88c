"""A query's rows as text: an aligned table for people, CSV or JSON for programs (`cedar query`).

Rows are written as they are fetched (`write_table`, `write_csv`, `write_json` call `write` with
pieces of text), so a result of any size needs no more memory than a batch of rows. The table
shows its values with control characters escaped (cedar.schema.terminal); CSV neutralises text
that a spreadsheet would run (cedar.schema.csvtext); JSON keeps every value exact.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any, Callable, Iterable, Iterator

from cedar.schema.csvtext import neutralise
from cedar.schema.terminal import printable

TABLE_ROWS = 100
CELL_WIDTH = 48
Write = Callable[[str], Any]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def _csv_cell(value: Any) -> str:
    """Text and lists neutralised; numbers, dates and booleans as they are (-12.5 stays a number)."""
    text = _text(value)
    return neutralise(text) if isinstance(value, (str, list, tuple, dict)) else text


def _json(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def _shown(value: Any) -> str:
    text = printable(_text(value))
    return text if len(text) <= CELL_WIDTH else text[:CELL_WIDTH - 1] + "…"


def write_table(names: list[str], rows: Iterable[tuple], write: Write, *, limit: int = TABLE_ROWS,
                cut: Callable[[], bool] = lambda: False) -> None:
    """The first `limit` rows, columns aligned, long cells cut, then how many rows there were
    (`cut()`: whether the rows stopped at --max-rows)."""
    shown: list[list[str]] = []
    total = 0
    for row in rows:
        total += 1
        if len(shown) < limit:
            shown.append([_shown(v) for v in row])
    heads = [printable(n) for n in names]
    widths = [max([len(n)] + [len(r[i]) for r in shown]) for i, n in enumerate(heads)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    write("\n".join([line(heads), line(["-" * w for w in widths])] + [line(r) for r in shown]) + "\n")
    counted = f"{total:,} row{'s' * (total != 1)}"
    if cut():
        write(f"(stopped at {counted} by --max-rows: the query has more; the first {len(shown)} shown)\n")
    elif total > len(shown):
        write(f"({counted}; the first {limit} shown, use --format csv for all)\n")
    else:
        write(f"({counted})\n")


def write_csv(names: list[str], rows: Iterable[tuple], write: Write) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for n, row in enumerate(rows, 1):
        w.writerow([_csv_cell(v) for v in row])
        if n % 1000 == 0:
            write(buf.getvalue())
            buf.seek(0)
            buf.truncate()
    write(buf.getvalue())


def write_json(names: list[str], rows: Iterable[tuple], write: Write) -> None:
    """A JSON array of one object a row, written as it comes, in the form every command prints (what
    json.dumps(..., indent=2) gives for the whole list)."""
    parts: list[str] = []
    sep = "[\n"
    for row in rows:
        item = json.dumps(dict(zip(names, (_json(v) for v in row))), ensure_ascii=False, indent=2)
        parts.append(sep + "  " + item.replace("\n", "\n  "))
        sep = ",\n"
        if len(parts) >= 1000:
            write("".join(parts))
            parts.clear()
    write("".join(parts) + ("[]\n" if sep == "[\n" else "\n]\n"))


def _collect(writer: Callable[..., None], *args: Any, **kw: Any) -> str:
    pieces: list[str] = []
    writer(*args, pieces.append, **kw)
    return "".join(pieces).rstrip("\n")


def as_table(names: list[str], rows: Iterator[tuple], limit: int = TABLE_ROWS) -> str:
    return _collect(write_table, names, rows, limit=limit)


def as_csv(names: list[str], rows: Iterator[tuple]) -> str:
    return _collect(write_csv, names, rows)


def as_json(names: list[str], rows: Iterator[tuple]) -> str:
    return _collect(write_json, names, rows)
