"""Flat submission files, one event a row: CSV and Parquet, with their companion tables of
sources and claims (NAME.sources.csv, NAME.claims.csv) keyed by the event's ref."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from cedar.schema import flat
from cedar.schema.model import Claim, Source, submission_required_fields
from cedar.validate.records import (
    NEEDS,
    CompanionRow,
    Companions,
    Record,
    Unreadable,
    blank_to_none,
    coerce,
    companion_path,
    flat_record,
    header_problems,
    misnamed_companions,
)
from cedar.validate.report import Problem, problem
from cedar.validate.text import csv_rows


def read_csv(path: Path, encoding: str) -> Iterator[Record | Problem]:
    """The problems of the companion tables, then the file's header problems and records."""
    companions, problems = read_companions(path, encoding)
    yield from problems
    rows = csv_rows(path, encoding)
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
    problems, absent = header_problems(path, header, known, header_line, submission_required_fields())
    yield from problems
    kinds = flat.column_kinds()
    # (cell index, column, kind) of the known columns, worked out once for every row
    columns = [(i, name, kinds[name]) for i, name in enumerate(header) if name in kinds]
    count = 0
    for line, cells in rows:
        count += 1
        yield _csv_record(path, len(header), columns, line, cells, companions, absent)
    if count == 0:
        yield problem("no-rows", file=str(path), row=header_line, line=header_line, has="a header")
    else:  # (without rows, no-rows says it all)
        yield from companions.orphans()


def _csv_record(path: Path, width: int, columns: list[tuple[int, str, str]], line: int, cells: list[str],
                companions: Companions, absent: frozenset[str]) -> Record | Problem:
    if len(cells) > width and not any(c.strip() for c in cells[width:]):
        cells = cells[:width]  # empty cells past the last column are padding, not data
    if len(cells) != width:
        return problem("wrong-cell-count", file=str(path), row=line, line=line, value=len(cells), header_cells=width)
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
    return flat_record(path, line, typed, problems, companions, absent)


def read_companions(path: Path, encoding: str) -> tuple[Companions, list[Problem]]:
    """Companion tables beside a flat file, keyed by event_ref, and the problems of their names, headers
    and rows (reported, not fatal, like the main file's)."""
    out = Companions()
    problems: list[Problem] = misnamed_companions(path)
    for part, model in (("sources", Source), ("claims", Claim)):
        companion = companion_path(path, part)
        if not companion.is_file():
            continue
        columns = (flat.EVENT_KEY, *model.model_fields)
        required = (flat.EVENT_KEY, *(n for n, f in model.model_fields.items() if f.is_required()))
        rows = csv_rows(companion, encoding)
        try:
            header_line, header = next(rows)
        except StopIteration:
            continue  # an empty companion adds nothing
        header = [h.strip() for h in header]
        found, _ = header_problems(companion, header, columns, header_line, required)
        problems += found
        if flat.EVENT_KEY not in header:
            continue  # its rows cannot be matched to events
        table: dict[str, list[CompanionRow]] = {}
        for line, cells in rows:
            if len(cells) != len(header):
                problems.append(problem("wrong-cell-count", file=str(companion), row=line, line=line,
                                        value=len(cells), header_cells=len(header)))
                continue
            item = {k: blank_to_none(v) for k, v in zip(header, cells) if k in columns}
            key = item.pop(flat.EVENT_KEY)
            table.setdefault(key or "", []).append(CompanionRow(line, item))
        out.files[part], out.tables[part] = companion, table
    return out, problems


def read_parquet(path: Path, encoding: str) -> Iterator[Record | Problem]:
    """The problems of the companion tables (CSV, in `encoding`), then the file's columns and rows."""
    import pyarrow.parquet as pq  # heavy, and only a Parquet submission needs it

    companions, problems = read_companions(path, encoding)
    yield from problems
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several kinds for a damaged file
        raise Unreadable(problem("bad-parquet", file=str(path), detail=str(exc))) from None
    header = pf.schema_arrow.names
    problems, absent = header_problems(path, header, flat.event_columns(), None, submission_required_fields())
    yield from problems
    kinds = flat.column_kinds()
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=10_000):
            for cells in batch.to_pylist():
                row += 1
                typed, problems = _typed_cells(path, row, cells, kinds)
                yield flat_record(path, row, typed, problems, companions, absent)
    except Exception as exc:  # a damaged row group further in
        raise Unreadable(problem("bad-parquet", file=str(path), row=row + 1,
                                 detail=f"the rows after row {row}: {exc}")) from None
    if row == 0:
        yield problem("no-rows", file=str(path), has="columns")
    else:
        yield from companions.orphans()


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
