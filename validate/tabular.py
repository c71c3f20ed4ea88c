"""A query's rows as text: an aligned table for people, CSV or JSON for programs (`cedar query`)."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from typing import Any, Iterator

TABLE_ROWS = 100
CELL_WIDTH = 48


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


def as_table(names: list[str], rows: Iterator[tuple], limit: int = TABLE_ROWS) -> str:
    """The first `limit` rows, columns aligned, long cells cut, and how many rows there were."""
    shown: list[list[str]] = []
    more = 0
    for row in rows:
        if len(shown) < limit:
            shown.append([_text(v) for v in row])
        else:
            more += 1
    cells = [[c if len(c) <= CELL_WIDTH else c[:CELL_WIDTH - 1] + "…" for c in r] for r in shown]
    cells = [[c.replace("\n", " ") for c in r] for r in cells]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in cells]
    total = len(shown) + more
    out.append(f"({total} row{'s' * (total != 1)}" + (f"; the first {limit} shown, use --format csv for all)"
                                                       if more else ")"))
    return "\n".join(out)


def as_csv(names: list[str], rows: Iterator[tuple]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for row in rows:
        w.writerow([_text(v) for v in row])
    return buf.getvalue().rstrip("\n")


def as_json(names: list[str], rows: Iterator[tuple]) -> str:
    return json.dumps([dict(zip(names, (_json(v) for v in row))) for row in rows], ensure_ascii=False, indent=2)
