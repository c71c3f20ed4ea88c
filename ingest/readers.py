"""Reading submissions: CSV, JSON Lines, JSON arrays and Parquet, one record at a time.

Readers yield `Record`s with the row number a contributor sees in their own file, and raise
`Unreadable` for a file that cannot be read at all (exit 2). Problems with the header or single
rows are yielded as `Problem`s so that reading goes on and every problem is reported at once.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from cedar.schema import flat
from cedar.schema.model import Event, required_fields
from cedar.validate.report import Problem

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet",
           ".pq": "parquet"}
COMPANIONS = ("sources", "claims")


class Unreadable(Exception):
    """The file cannot be read at all; `problem` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Record:
    row: int  # as the user counts it: CSV/JSONL line of the record, JSON array position, Parquet row
    line: int | None
    data: dict[str, Any]  # nested event data, top-level cells typed by column kind
    cell_problems: list[Problem] = field(default_factory=list)
    absent: frozenset[str] = frozenset()  # columns the file lacks (reported once, not per row)


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        return given
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise Unreadable(Problem(
            "unknown-format", f"Cannot tell the format of '{path.name}' from its ending: name it .csv, .jsonl, "
            ".json or .parquet, or pass --input-format.", file=str(path)))
    return fmt


def read(path: Path, fmt: str | None = None, encoding: str = "utf-8") -> Iterator[Record | Problem]:
    """Every record and every header-level problem of a submission file, in file order."""
    if not path.is_file():
        raise Unreadable(Problem("file-not-found", f"There is no file '{path}': check the path.", file=str(path)))
    fmt = detect_format(path, fmt)
    if fmt != "parquet" and path.stat().st_size == 0:
        yield Problem("empty-file", "The file is empty: a submission needs a header and at least one event.",
                      file=str(path))
        return
    if fmt == "csv":
        companions = _read_companions(path, encoding)
        yield from _read_csv(path, encoding, companions)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, encoding)
    elif fmt == "json":
        yield from _read_json(path, encoding)
    elif fmt == "parquet":
        companions = _read_companions(path, encoding)
        yield from _read_parquet(path, companions)
    else:
        raise Unreadable(Problem("unknown-format", f"Unknown input format '{fmt}': use csv, jsonl, json or parquet.",
                                 file=str(path)))


# --- text and lines ---------------------------------------------------------------------------

def _lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines, line endings kept (the csv module wants them). A byte that is not in the
    encoding stops reading with the line it is on."""
    is_utf8 = codecs.lookup(encoding).name == "utf-8"
    if is_utf8:
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise Unreadable(_encoding_problem(path, number, raw, exc, encoding)) from None
                yield text
        return
    with path.open("rb") as raw_file:
        text_file = io.TextIOWrapper(raw_file, encoding=encoding, newline="")
        number = 0
        try:
            for number, text in enumerate(text_file, start=1):
                yield text
        except UnicodeDecodeError as exc:
            raise Unreadable(_encoding_problem(path, number + 1, b"", exc, encoding)) from None


def _encoding_problem(path: Path, line: int, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> Problem:
    bad = raw[exc.start:exc.end] if raw else exc.object[exc.start:exc.end]
    return Problem(
        "not-utf8" if codecs.lookup(encoding).name == "utf-8" else "bad-encoding",
        f"Line {line} has bytes that are not {encoding} ({bad!r} at byte {exc.start + 1} of the line). Save the "
        f"file as UTF-8, or name its encoding with --encoding (for example --encoding cp1252 or --encoding latin-1).",
        file=str(path), row=line, line=line, value=bad.hex())


# --- CSV --------------------------------------------------------------------------------------

def _header_problems(path: Path, header: list[str], known: tuple[str, ...], row: int | None = 1,
                     required: tuple[str, ...] = ()) -> tuple[list[Problem], frozenset[str]]:
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem("duplicate-column", f"Column '{name}' appears twice in the header: keep one.",
                                    file=str(path), row=row, line=row, field=name, value=name))
        seen.add(name)
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "remove it, or see `cedar codebook` for the columns"
            problems.append(Problem("unknown-column", f"'{name}' is not a Cedar column: {hint}",
                                    file=str(path), row=row, line=row, field=name, value=name))
    missing = [c for c in required if c not in seen]
    if missing:
        problems.append(Problem(
            "missing-columns", f"The header lacks required column(s): {', '.join(missing)}. Add them (see "
            f"`cedar codebook`); the header has: {', '.join(header) or 'nothing'}.",
            file=str(path), row=row, line=row, field=", ".join(missing), value=missing))
    return problems, frozenset(missing)


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells) for every non-blank record, quoted newlines kept."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(_lines(path, encoding), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Unreadable(Problem("bad-csv", f"Line {reader.line_num} cannot be read as CSV ({exc}): check its "
                                     "quotation marks: a quote inside a quoted value is written twice (\"\").",
                                     file=str(path), row=start, line=start)) from None
        if cells and any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def _read_csv(path: Path, encoding: str, companions: dict[str, dict[str, list[dict]]]) -> Iterator[Record | Problem]:
    rows = _csv_rows(path, encoding)
    try:
        header_line, header = next(rows)
    except StopIteration:
        yield Problem("empty-file", "The file has no header and no rows: a submission needs a header and at least "
                      "one event.", file=str(path))
        return
    header = [h.strip() for h in header]
    known = flat.event_columns()
    problems, absent = _header_problems(path, header, known, header_line, required_fields())
    yield from problems
    kinds = flat.column_kinds()
    count = 0
    for line, cells in rows:
        count += 1
        if len(cells) != len(header):
            yield Problem("wrong-cell-count",
                          f"This row has {len(cells)} cells and the header {len(header)}: a value with a comma "
                          "must be in double quotes, and every row needs one cell per column.",
                          file=str(path), row=line, line=line, value=len(cells))
            continue
        yield _flat_record(path, line, dict(zip(header, cells)), kinds, known, companions, absent)
    if count == 0:
        yield Problem("no-rows", "The file has a header but no rows: add at least one event.", file=str(path),
                      row=header_line, line=header_line)


def _flat_record(path: Path, line: int, cells: dict[str, Any], kinds: dict[str, str], known: tuple[str, ...],
                 companions: dict[str, dict[str, list[dict]]], absent: frozenset[str]) -> Record:
    """A flat row (text cells from CSV, or typed values from Parquet) as nested event data."""
    typed: dict[str, Any] = {}
    problems = []
    for name, raw in cells.items():
        if name not in known:
            continue
        try:
            typed[name] = coerce(kinds[name], raw)
        except flat.CellError as exc:
            problems.append(Problem(exc.code, "", file=str(path), row=line, line=line, field=name, value=raw))
    key = typed.get("ref") or typed.get("event_id")
    data = flat.from_flat(typed, companions.get("sources", {}).get(key) if key else None,
                          companions.get("claims", {}).get(key) if key else None)
    return Record(line, line, data, problems, absent)


def coerce(kind: str, value: Any) -> Any:
    """A cell as its column's kind: text is parsed, numbers that are whole become ints."""
    if isinstance(value, str):
        return flat.parse_cell(kind, value)
    if kind == flat.INT and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == flat.LIST and value is None:
        return []
    return value


def _read_companions(path: Path, encoding: str) -> dict[str, dict[str, list[dict]]]:
    """Companion tables beside a flat file: NAME.sources.csv and NAME.claims.csv, keyed by event_ref."""
    out: dict[str, dict[str, list[dict]]] = {}
    for part, columns, model in (("sources", flat.SOURCE_COLUMNS, "Source"), ("claims", flat.CLAIM_COLUMNS, "Claim")):
        companion = path.with_name(f"{path.stem}.{part}.csv")
        if not companion.is_file():
            continue
        table: dict[str, list[dict]] = {}
        rows = _csv_rows(companion, encoding)
        try:
            _, header = next(rows)
        except StopIteration:
            continue
        header = [h.strip() for h in header]
        if flat.EVENT_KEY not in header:
            raise Unreadable(Problem("missing-columns", f"{companion.name} lacks the column {flat.EVENT_KEY}, which "
                                     "names the ref (or event_id) of the event each row belongs to.",
                                     file=str(companion), row=1, line=1, field=flat.EVENT_KEY))
        for line, cells in rows:
            if len(cells) != len(header):
                raise Unreadable(Problem("wrong-cell-count", f"Row has {len(cells)} cells, the header "
                                         f"{len(header)}.", file=str(companion), row=line, line=line))
            item = {k: (v if v != "" else None) for k, v in zip(header, cells) if k in columns}
            table.setdefault(item.pop(flat.EVENT_KEY) or "", []).append(item)
        out[part] = table
    return out


# --- JSON -------------------------------------------------------------------------------------

def _nested_record(path: Path, row: int, line: int | None, obj: Any) -> Record | Problem:
    if not isinstance(obj, dict):
        return Problem("not-an-object", f"Record {row} is a {type(obj).__name__}, not an object: each event is a "
                       "JSON object with the event's fields.", file=str(path), row=row, line=line)
    kinds = flat.kinds_of(Event)
    data: dict[str, Any] = {}
    problems = []
    for name, value in obj.items():
        kind = kinds.get(name)
        if kind is None or name in ("sources", "claims"):
            data[name] = value
            continue
        try:
            data[name] = coerce(kind, value)
        except flat.CellError as exc:
            problems.append(Problem(exc.code, "", file=str(path), row=row, line=line, field=name, value=value))
    return Record(row, line, data, problems)


def _read_jsonl(path: Path, encoding: str) -> Iterator[Record | Problem]:
    count = 0
    for number, text in enumerate(_lines(path, encoding), start=1):
        if not text.strip():
            continue
        count += 1
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Problem("invalid-json", f"Line {number} is not valid JSON ({exc.msg} at column {exc.colno}): each "
                          "line holds one complete JSON object.", file=str(path), row=number, line=number)
            continue
        except RecursionError:
            yield Problem("invalid-json", f"Line {number} is nested too deeply to read.", file=str(path),
                          row=number, line=number)
            continue
        yield _nested_record(path, number, number, obj)
    if count == 0:
        yield Problem("no-rows", "The file has no events: add one JSON object per line.", file=str(path))


def _read_json(path: Path, encoding: str) -> Iterator[Record | Problem]:
    text = "".join(_lines(path, encoding))
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield Problem("empty-file", "The file holds no JSON: a submission is an array of event objects.",
                      file=str(path))
        return
    if text[pos] == "{":  # {"events": [...]} is accepted too
        key = text.find("[", pos)
        if key < 0 or '"events"' not in text[pos:key]:
            raise Unreadable(Problem("invalid-json", "The JSON is an object without an \"events\" array: write an "
                                     "array of events, or {\"events\": [...]}.", file=str(path), row=1, line=1))
        pos = key
    if text[pos] != "[":
        raise Unreadable(Problem("invalid-json", "The JSON is not an array of events: write [ {...}, {...} ].",
                                 file=str(path), row=1, line=1))
    pos = _skip_ws(text, pos + 1)
    line = 1 + text.count("\n", 0, pos)
    counted_to = pos
    row = 0
    if pos < len(text) and text[pos] == "]":
        yield Problem("no-rows", "The array is empty: add at least one event.", file=str(path), row=None, line=line)
        return
    while pos < len(text):
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise Unreadable(Problem("invalid-json", f"Line {exc.lineno}, column {exc.colno}: {exc.msg}. Check the "
                                     "commas and brackets around it.", file=str(path), row=row + 1,
                                     line=exc.lineno)) from None
        except RecursionError:
            raise Unreadable(Problem("invalid-json", f"Record {row + 1} is nested too deeply to read.",
                                     file=str(path), row=row + 1, line=line)) from None
        row += 1
        yield _nested_record(path, row, line, obj)
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        raise Unreadable(Problem("invalid-json", f"Line {1 + text.count(chr(10), 0, pos)}: expected ',' or ']' after "
                                 f"record {row}.", file=str(path), row=row, line=1 + text.count("\n", 0, pos)))
    raise Unreadable(Problem("invalid-json", "The array is not closed with ']': the file may be cut off.",
                             file=str(path), row=row, line=line))


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


# --- Parquet ----------------------------------------------------------------------------------

def _read_parquet(path: Path, companions: dict[str, dict[str, list[dict]]]) -> Iterator[Record | Problem]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise Unreadable(Problem("bad-parquet", f"The file cannot be read as Parquet ({exc}): export it again.",
                                 file=str(path))) from None
    header = pf.schema_arrow.names
    known = flat.event_columns()
    problems, absent = _header_problems(path, header, known, None, required_fields())
    yield from problems
    kinds = flat.column_kinds()
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=10_000):
            for cells in batch.to_pylist():
                row += 1
                yield _flat_record(path, row, cells, kinds, known, companions, absent)
    except Exception as exc:
        raise Unreadable(Problem("bad-parquet", f"Parquet row group after row {row} cannot be read ({exc}).",
                                 file=str(path), row=row)) from None
    if row == 0:
        yield Problem("no-rows", "The file has columns but no rows: add at least one event.", file=str(path))
