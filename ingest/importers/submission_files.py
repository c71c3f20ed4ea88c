"""The files of an imported submission, in each format `cedar check` reads: JSON Lines, and the flat form
(one event a row in the release's columns) as CSV or Parquet with its companion tables of sources and
claims. `common.write_submission` chooses the format and writes every file through `common.replace_file`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from cedar.schema import flat

# A companion table: its columns, their kinds, its rows.
Table = tuple[tuple[str, ...], dict[str, str], list[dict[str, Any]]]


# json.dumps with an option makes a new encoder at every call: one encoder for every event (the same text)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def write_jsonl(events: list[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for start in range(0, len(events), 4096):  # a few large writes rather than one a line
            f.write("".join([_ENCODE(data) + "\n" for data in events[start:start + 4096]]))


def flat_rows(events: list[tuple[dict[str, Any], Any]]) -> tuple[list[dict[str, Any]], dict[str, Table]]:
    """Each event's row and its companion rows, from its JSON-ready data and its checked Event: the typed
    values of the columns the data gives (what Cedar derives is left to derive again, as from JSON Lines),
    the rest empty; companion rows keyed by the event's ref (or event_id)."""
    rows: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    for data, event in events:
        key = str(data.get("ref") or data.get("event_id") or "")
        row, source_rows, claim_rows = flat.to_flat(event, key)
        rows.append({c: row[c] if c in data else None for c in flat.event_columns()})
        sources += source_rows
        claims += claim_rows
    return rows, {"sources": (flat.SOURCE_COLUMNS, flat.kinds_of(flat.Source), sources),
                  "claims": (flat.CLAIM_COLUMNS, flat.kinds_of(flat.Claim), claims)}


def write_table(path: Path, table: Table) -> None:
    columns, kinds, rows = table
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for r in rows:
            w.writerow([flat.format_cell(kinds.get(c, flat.TEXT), r.get(c)) for c in columns])


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    write_table(path, (flat.event_columns(), flat.column_kinds(), rows))


def write_parquet(rows: list[dict[str, Any]], path: Path) -> None:
    import pyarrow as pa  # heavy, and only a Parquet submission needs it
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows, schema=flat.arrow_schema()), path)
