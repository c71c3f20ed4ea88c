"""Reading submissions: CSV, JSON Lines, JSON arrays and Parquet, one record at a time.

Readers yield `Record`s with the row number a contributor sees in their own file, and raise
`Unreadable` for a file that cannot be read at all (exit 2). Problems with the header or single
rows are yielded as `Problem`s so that reading goes on and every problem is reported at once.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from cedar.schema import flat
from cedar.schema.model import Claim, Event, Source, submission_required_fields
from cedar.validate.report import Problem, problem

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".parquet": "parquet",
           ".pq": "parquet"}
COMPANIONS = ("sources", "claims")
# What an empty file of each format lacks, for the empty-file message.
NEEDS = {"csv": "a header row and at least one event row", "jsonl": "one JSON object (an event) per line",
         "json": "an array of event objects", "parquet": "at least one event row"}


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
        reason = f"its ending '{path.suffix}' is not one Cedar reads" if path.suffix else "it has no ending"
        raise Unreadable(problem("unknown-format", file=str(path), value=path.name, reason=reason))
    return fmt


def read(path: Path, fmt: str | None = None, encoding: str = "utf-8") -> Iterator[Record | Problem]:
    """Every record and every header-level problem of a submission file, in file order."""
    if path.is_dir():
        raise Unreadable(problem("unreadable-file", file=str(path), value=str(path),
                                 reason="it is a folder, not a file: name the files inside it"))
    if not path.is_file():
        raise Unreadable(problem("file-not-found", file=str(path), value=str(path)))
    fmt = detect_format(path, fmt)
    if fmt not in NEEDS:
        raise Unreadable(problem("unknown-format", file=str(path), value=path.name,
                                 reason=f"--input-format {fmt} is not one Cedar reads"))
    if fmt != "parquet" and path.stat().st_size == 0:
        yield problem("empty-file", file=str(path), needs=NEEDS[fmt])
        return
    if fmt == "csv":
        companions, problems = _read_companions(path, encoding)
        yield from problems
        yield from _read_csv(path, encoding, companions)
    elif fmt == "jsonl":
        yield from _read_jsonl(path, encoding)
    elif fmt == "json":
        yield from _read_json(path, encoding)
    elif fmt == "parquet":
        companions, problems = _read_companions(path, encoding)
        yield from problems
        yield from _read_parquet(path, companions)


# --- text and lines ---------------------------------------------------------------------------

def _lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines, line endings kept (the csv module wants them). A byte that is not in the
    encoding stops reading with the line it is on."""
    if codecs.lookup(encoding).name == "utf-8":
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise Unreadable(_encoding_problem(path, number, raw, exc, encoding)) from None
                yield text
        return
    # Other encodings: decode a raw line at a time, so that an error names its own line (a text
    # wrapper decodes whole blocks and would blame an earlier one); split the text on "\n" only,
    # which also keeps UTF-16, whose raw lines are cut inside a character, whole.
    decoder = codecs.getincrementaldecoder(encoding)()
    pending, number = "", 1
    with path.open("rb") as f:
        for raw in f:
            try:
                pending += decoder.decode(raw)
            except UnicodeDecodeError as exc:
                raise Unreadable(_encoding_problem(path, number, raw, exc, encoding)) from None
            except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM"
                raise Unreadable(problem("bad-encoding", file=str(path), row=number, line=number, value="",
                                         bad=str(exc), position=1, encoding=encoding)) from None
            *lines, pending = pending.split("\n")
            for text in lines:
                number += 1
                yield text + "\n"
    try:
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise Unreadable(_encoding_problem(path, number, b"", exc, encoding)) from None
    if pending:
        yield pending


def _encoding_problem(path: Path, line: int, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> Problem:
    bad = exc.object[exc.start:exc.end]
    code = "not-utf8" if codecs.lookup(encoding).name == "utf-8" else "bad-encoding"
    position = exc.start + 1 if raw else "end"
    return problem(code, file=str(path), row=line, line=line, value=bytes(bad).hex(), bad=repr(bytes(bad)),
                   position=position, encoding=encoding)


# --- CSV --------------------------------------------------------------------------------------

def _header_problems(path: Path, header: list[str], known: tuple[str, ...], row: int | None = 1,
                     required: tuple[str, ...] = ()) -> tuple[list[Problem], frozenset[str]]:
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(problem("duplicate-column", file=str(path), row=row, line=row, field=name, value=name))
        seen.add(name)
        if name not in known:
            problems.append(_unknown_column(path, row, row, name, known))
    missing = [c for c in required if c not in seen]
    if missing:
        problems.append(problem("missing-columns", file=str(path), row=row, line=row, field=", ".join(missing),
                                value=missing, missing=", ".join(missing), header=", ".join(header) or "nothing"))
    return problems, frozenset(missing)


def _unknown_column(path: Path, row: int | None, line: int | None, name: str, known: tuple[str, ...]) -> Problem:
    close = difflib.get_close_matches(name, known, n=1)
    if not name:
        hint = "a column without a name: name it, or delete the column."
    else:
        hint = f"did you mean '{close[0]}'?" if close else "remove it, or see `cedar codebook` for the columns."
    return problem("unknown-column", file=str(path), row=row, line=line, field=name, value=name, hint=hint)


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
            raise Unreadable(problem("bad-csv", file=str(path), row=start, line=reader.line_num,
                                     detail=str(exc))) from None
        if cells and any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1


def _read_csv(path: Path, encoding: str, companions: dict[str, dict[str, list[dict]]]) -> Iterator[Record | Problem]:
    rows = _csv_rows(path, encoding)
    try:
        header_line, header = next(rows)
    except StopIteration:
        yield problem("empty-file", file=str(path), needs=NEEDS["csv"])
        return
    header = [h.strip() for h in header]
    while header and not header[-1]:  # spreadsheets pad the header with empty cells at its end
        header.pop()
    known = flat.event_columns()
    if len(header) == 1:
        for separator, label in ((";", "';'"), ("\t", "tabs")):
            if sum(part.strip() in known for part in header[0].split(separator)) >= 2:
                # every row would be one long cell: one problem says it all
                yield problem("wrong-separator", file=str(path), row=header_line, line=header_line, separator=label)
                return
    problems, absent = _header_problems(path, header, known, header_line, submission_required_fields())
    yield from problems
    kinds = flat.column_kinds()
    # (cell index, column, kind) of the known columns, worked out once for every row
    columns = [(i, name, kinds[name]) for i, name in enumerate(header) if name in kinds]
    count = 0
    for line, cells in rows:
        count += 1
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
            cells = cells[:len(header)]  # empty cells past the last column are padding, not data
        if len(cells) != len(header):
            yield problem("wrong-cell-count", file=str(path), row=line, line=line, value=len(cells),
                          header_cells=len(header))
            continue
        typed: dict[str, Any] = {}
        problems = []
        for i, name, kind in columns:
            text = cells[i]
            if not text:  # most cells of a row are empty: skip the parser
                typed[name] = [] if kind == flat.LIST else None
                continue
            if kind == flat.TEXT:  # the commonest kind: parse_cell's rule inline
                typed[name] = None if text.isspace() else text
                continue
            try:
                typed[name] = flat.parse_cell(kind, text)
            except flat.CellError as exc:
                problems.append(problem(exc.code, file=str(path), row=line, line=line, field=name, value=text))
        yield _flat_record(line, typed, problems, companions, absent)
    if count == 0:
        yield problem("no-rows", file=str(path), row=header_line, line=header_line, has="a header")


def _typed_cells(path: Path, row: int, cells: dict[str, Any], kinds: dict[str, str]) -> tuple[dict, list[Problem]]:
    """The known columns' values as their kinds (Parquet gives typed values, text is parsed)."""
    typed: dict[str, Any] = {}
    problems = []
    for name, raw in cells.items():
        if name not in kinds:
            continue
        try:
            typed[name] = coerce(kinds[name], raw)
        except flat.CellError as exc:
            problems.append(problem(exc.code, file=str(path), row=row, line=row, field=name, value=raw))
    return typed, problems


def _flat_record(line: int, typed: dict[str, Any], problems: list[Problem],
                 companions: dict[str, dict[str, list[dict]]], absent: frozenset[str]) -> Record:
    """A flat row's typed cells, with its companion rows, as nested event data."""
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


def _blank_to_none(value: Any) -> Any:
    """Empty or blank text is "not given" (None), in every form a submission comes in."""
    return None if isinstance(value, str) and (not value or value.isspace()) else value


def _read_companions(path: Path, encoding: str) -> tuple[dict[str, dict[str, list[dict]]], list[Problem]]:
    """Companion tables beside a flat file, NAME.sources.csv and NAME.claims.csv, keyed by event_ref,
    and the problems of their headers and rows (reported, not fatal, like the main file's)."""
    out: dict[str, dict[str, list[dict]]] = {}
    problems: list[Problem] = []
    for part, model in (("sources", Source), ("claims", Claim)):
        companion = path.with_name(f"{path.stem}.{part}.csv")
        if not companion.is_file():
            continue
        columns = (flat.EVENT_KEY, *model.model_fields)
        required = (flat.EVENT_KEY, *(n for n, f in model.model_fields.items() if f.is_required()))
        rows = _csv_rows(companion, encoding)
        try:
            header_line, header = next(rows)
        except StopIteration:
            continue  # an empty companion adds nothing
        header = [h.strip() for h in header]
        found, _ = _header_problems(companion, header, columns, header_line, required)
        problems += found
        if flat.EVENT_KEY not in header:
            continue  # its rows cannot be matched to events
        table: dict[str, list[dict]] = {}
        for line, cells in rows:
            if len(cells) != len(header):
                problems.append(problem("wrong-cell-count", file=str(companion), row=line, line=line,
                                        value=len(cells), header_cells=len(header)))
                continue
            item = {k: _blank_to_none(v) for k, v in zip(header, cells) if k in columns}
            table.setdefault(item.pop(flat.EVENT_KEY) or "", []).append(item)
        out[part] = table
    return out, problems


# --- JSON -------------------------------------------------------------------------------------

def _nested_record(path: Path, row: int, line: int | None, obj: Any) -> Record | Problem:
    if not isinstance(obj, dict):
        return problem("not-an-object", file=str(path), row=row, line=line, value=obj if not isinstance(obj, list)
                       else None, kind=_JSON_KINDS.get(type(obj), "a value"))
    kinds = flat.kinds_of(Event)
    data: dict[str, Any] = {}
    problems = []
    for name, value in obj.items():
        kind = kinds.get(name)
        if kind is None:
            problems.append(_unknown_column(path, row, line, name, tuple(kinds)))
            continue
        if name in ("sources", "claims"):
            # as in a companion table, blank text in a source or claim means "not given"
            data[name] = [{k: _blank_to_none(v) for k, v in item.items()} if isinstance(item, dict) else item
                          for item in value] if isinstance(value, list) else value
            continue
        try:
            data[name] = coerce(kind, value)
        except flat.CellError as exc:
            problems.append(problem(exc.code, file=str(path), row=row, line=line, field=name, value=value))
    return Record(row, line, data, problems)


def _read_jsonl(path: Path, encoding: str) -> Iterator[Record | Problem]:
    count = 0
    for number, text in enumerate(_lines(path, encoding), start=1):
        if not text.strip():
            continue
        count += 1
        try:
            obj = json.loads(text, parse_int=_json_int)
        except json.JSONDecodeError as exc:
            yield problem("invalid-json", file=str(path), row=number, line=number,
                          detail=f"{exc.msg} at column {exc.colno}", fix="each line holds one complete JSON object")
            continue
        except RecursionError:
            yield problem("invalid-json", file=str(path), row=number, line=number, detail="nested too deeply",
                          fix="flatten the record")
            continue
        yield _nested_record(path, number, number, obj)
    if count == 0:
        yield problem("empty-file", file=str(path), needs=NEEDS["jsonl"])


def _json_int(text: str) -> int | float:
    """A JSON integer. One longer than Python's int() takes (flat.MAX_INTEGER_TEXT; its ValueError
    would escape the decoder) is read as infinite, which the model reports as not a number."""
    return int(text) if len(text) <= flat.MAX_INTEGER_TEXT else float(text)


def _read_json(path: Path, encoding: str) -> Iterator[Record | Problem]:
    text = "".join(_lines(path, encoding))
    decoder = json.JSONDecoder(parse_int=_json_int)
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield problem("empty-file", file=str(path), needs=NEEDS["json"])
        return
    first_line = 1 + text.count("\n", 0, pos)
    if text[pos] == "{":  # {"events": [...]} is accepted too
        key = text.find("[", pos)
        if key < 0 or '"events"' not in text[pos:key]:
            raise Unreadable(problem("invalid-json", file=str(path), line=first_line,
                                     detail='an object without an "events" array',
                                     fix='write an array of events, or {"events": [...]}'))
        pos = key
    if text[pos] != "[":
        raise Unreadable(problem("invalid-json", file=str(path), line=first_line, detail="not an array of events",
                                 fix="write [ {...}, {...} ]"))
    pos = _skip_ws(text, pos + 1)
    line = 1 + text.count("\n", 0, pos)
    counted_to = pos
    row = 0
    if pos < len(text) and text[pos] == "]":
        yield problem("no-rows", file=str(path), line=line, has="an empty array")
        return
    while pos < len(text):
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise Unreadable(problem("invalid-json", file=str(path), row=row + 1, line=exc.lineno,
                                     detail=f"{exc.msg} at column {exc.colno}",
                                     fix="check the commas, quotes and brackets around it")) from None
        except RecursionError:
            raise Unreadable(problem("invalid-json", file=str(path), row=row + 1, line=line,
                                     detail="nested too deeply", fix="flatten the record")) from None
        row += 1
        yield _nested_record(path, row, line, obj)
        pos = _skip_ws(text, end)
        if pos >= len(text):
            break
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if text[pos] == "]":
            return
        raise Unreadable(problem("invalid-json", file=str(path), row=row, line=1 + text.count("\n", 0, pos),
                                 detail=f"expected ',' or ']' after record {row}",
                                 fix="separate records with commas and close the array with ']'"))
    raise Unreadable(problem("invalid-json", file=str(path), row=row, line=1 + text.count("\n"),
                             detail="the array is not closed with ']'", fix="the file may be cut off: export it again"))


_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
               type(None): "null"}


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
        raise Unreadable(problem("bad-parquet", file=str(path), detail=str(exc))) from None
    header = pf.schema_arrow.names
    known = flat.event_columns()
    problems, absent = _header_problems(path, header, known, None, submission_required_fields())
    yield from problems
    kinds = flat.column_kinds()
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=10_000):
            for cells in batch.to_pylist():
                row += 1
                typed, problems = _typed_cells(path, row, cells, kinds)
                yield _flat_record(row, typed, problems, companions, absent)
    except Exception as exc:  # a damaged row group further in
        raise Unreadable(problem("bad-parquet", file=str(path), row=row + 1,
                                 detail=f"the rows after row {row}: {exc}")) from None
    if row == 0:
        yield problem("no-rows", file=str(path), has="columns")
