"""The files of an imported submission, in each format `cedar check` reads: JSON Lines, and the flat form
(one event a row in the release's columns) as CSV or Parquet with its companion tables of sources and
claims. `write_submission` chooses the format and writes every file through `replace_file`."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Any, Callable, Iterable

from cedar import paths
from cedar.errors import UsageError
from cedar.schema import flat
from cedar.validate.readers import FORMATS
from cedar.validate.records import COMPANIONS, companion_path

# A companion table: its columns, their kinds, its rows.
Table = tuple[tuple[str, ...], dict[str, str], list[dict[str, Any]]]


# json.dumps with an option makes a new encoder at every call: one encoder for every event (the same text)
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
text_json = json.encoder.encode_basestring  # a str as JSON text, as _ENCODE writes it (ensure_ascii off)


class Encoded(dict[str, Any]):
    """An event's JSON-ready data that carries its JSON Lines text, made by the importer from the JSON text of
    the parts a file repeats (worked out once per distinct part) and of the row's own values: encoding every
    event whole was a sixth of an import's time. The text is the one `_ENCODE` gives for the data; a new dict
    made from it (an event_id put in front) is plain again and encoded whole."""

    __slots__ = ("json",)
    json: str


def member(key: str, value: Any) -> str:
    """'"key": value' as _ENCODE writes a member of an object."""
    return f"{text_json(key)}: {_ENCODE(value)}"


def members(data: dict[str, Any]) -> str:
    """The members of an object as _ENCODE writes them, without the braces ('' for none)."""
    return ", ".join([member(k, v) for k, v in data.items()])


def number_json(value: float) -> str:
    """A float as _ENCODE writes it (repr, or NaN and Infinity)."""
    return float.__repr__(value) if value - value == 0 else _ENCODE(value)


def line_of(data: dict[str, Any]) -> str:
    return data.json if type(data) is Encoded else _ENCODE(data)


def write_jsonl(events: list[dict[str, Any]], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for start in range(0, len(events), 4096):  # a few large writes rather than one a line
            f.write("".join([line_of(data) + "\n" for data in events[start:start + 4096]]))


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


def submission_format(out: Path) -> str:
    """The format a submission file's ending names (those `cedar check` reads), or a UsageError."""
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        endings = ", ".join(sorted(FORMATS))
        said = f"its ending '{out.suffix}'" if out.suffix else "a name without an ending"
        raise UsageError(f"--out {out}: {said} names no submission format Cedar reads.",
                         f"End the name with one of {endings} (.parquet and .csv also write NAME.sources.csv and "
                         "NAME.claims.csv beside it).")
    return fmt


def replace_file(path: Path, write: Callable[[Path], object]) -> None:
    """Every file of a submission is written through here: whole under a temporary name beside `path`, then
    renamed over it (only over a regular file), so a failed write leaves no half file under the name."""
    def made(tmp: Path) -> None:
        write(tmp)

    paths.write_via(path, made)


def companion_parts(out: Path) -> list[Path]:
    """The companion tables written beside a flat submission file (none beside JSON)."""
    if submission_format(out) in ("jsonl", "json"):
        return []
    return [companion_path(out, part) for part in COMPANIONS]


def write_submission(events: Iterable[Any], out: Path) -> list[Path]:
    """The events (`common.ImportedEvent`: `data`, `event`) as a submission in the format `out`'s ending names:
    JSON Lines (.jsonl, .ndjson), a JSON array (.json), or a flat file (.csv, .parquet) with its companion
    tables NAME.sources.csv and NAME.claims.csv (both written, one perhaps with its header only, so that an older
    companion beside the file is not read with the new one). Returns the files written, the submission first."""
    fmt = submission_format(out)
    if fmt == "jsonl":
        replace_file(out, lambda f: write_jsonl([e.data for e in events], f))
        return [out]
    if fmt == "json":
        replace_file(out, lambda f: f.write_text(
            "[\n" + ",\n".join(json.dumps(e.data, ensure_ascii=False) for e in events) + "\n]\n", encoding="utf-8"))
        return [out]
    rows, companions = flat_rows([(e.data, e.event) for e in events])
    write = write_parquet if fmt == "parquet" else write_csv
    replace_file(out, functools.partial(write, rows))
    written = [out]
    for part, table in companions.items():
        path = companion_path(out, part)
        replace_file(path, functools.partial(write_table, table=table))
        written.append(path)
    return written
