"""The SQL engine: the row rules run as one DuckDB query over a whole CSV file (`sql_query`), the
rules that ask the gazetteer once per distinct place (`sql_places`), and the rows' lines from a
byte scan (`record_scan`).

The rules are the same as the row engine's (`cedar.validate.rows`): the differential test holds
the two to the same set of (row, column, code). The query numbers the records as the reader gives
them (its rows come in file order: every step is a projection, run in parallel with DuckDB's
insertion order kept) and streams two short columns per row, so memory stays flat as the file grows.

Messages: the flagged rows that the report lists are read again by their byte offsets and run
through the row engine, which gives the exact message of each finding. Past --max-errors the
findings are only counted: no row is read again and no message made.

The engine takes a file only when it can answer for all of it: UTF-8 CSV, a header that names
known columns once each with every required one, no companion tables (sources.csv, claims.csv),
and no row DuckDB's strict reader refuses (a wrong cell count, a stray quote). Anything else
goes to the row engine, which reports such files in full.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path
from typing import Any, Iterable, Iterator

from cedar.schema import flat, rules_sql
from cedar.schema.rules import RULES, Context
from cedar.validate import repeats
from cedar.validate.record_scan import read_records, record_starts, spans
from cedar.validate.records import COMPANIONS, companion_path, flat_record, misnamed_companions
from cedar.validate.report import ERROR, Problem, Report, problem
from cedar.validate.rows import prefetch_places, validate_record
from cedar.validate.sql_places import PLACE_RUN, place_pass, warm_places
from cedar.validate.sql_query import BLANK, PLACE_KEY, build_query, csv_header, missing_forms, warnings_without_form

Finding = tuple[int, str, str]  # (record index, code, column); record index 1 is the first row after the header


def accepts(path: Path, input_format: str | None = None, encoding: str = "utf-8") -> bool:
    """Whether the SQL engine can answer for this file (otherwise the row engine reads it)."""
    if missing_forms():
        return False
    if (input_format or path.suffix.lower().lstrip(".")) != "csv" or codecs.lookup(encoding).name != "utf-8":
        return False
    if not path.is_file() or path.stat().st_size == 0:
        return False
    if any(companion_path(path, part).exists() for part in COMPANIONS) or misnamed_companions(path):
        return False  # the row engine reads companion tables, and reports misnamed ones
    return csv_header(path) is not None


def findings(path: Path, today: dt.date, batch_rows: int = 200_000, seen: repeats.Repeats | None = None,
             ) -> tuple[int, list[Finding]] | None:
    """(rows checked, findings in file order) for a file `accepts` took. None when DuckDB refuses the
    file (the row engine reports why). `seen`: the refs and event_ids of the check's earlier files (a
    fresh one: this file's alone); where each repeated value was first used is left in `seen.first_use`."""
    import duckdb  # (a check of small files by the row engine does not load DuckDB)
    import pyarrow as pa

    header = csv_header(path)
    if header is None:
        return None
    from cedar.validate.readonly import NO_EXTENSIONS

    con = duckdb.connect(config=NO_EXTENSIONS)
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    out: list[Finding] = []
    seen = seen or repeats.Repeats()
    seen.start(str(path))
    keys: dict[str, list[Any]] = {k: [] for k in repeats.key_sql(header)}
    places = bool(rules_sql.PER_DISTINCT)
    warm = warm_places() if places else None
    try:
        reader = con.sql(build_query(path, header, today, with_places=places)).to_arrow_reader(batch_rows)
        rows, blank = _read_batches(reader, keys, places, warm, today, out)
        warm = None  # (joined by the first place pass)
        if keys and rows:  # the values in record order, as see_columns takes them
            keys = {k: pa.chunked_array(chunks) for k, chunks in keys.items()}
        for index, field, value, first_file, first_index in seen.see_columns(con, keys):
            out.append((index, repeats.CODES[field], repeats.COLUMN[field]))
            seen.first_use[(str(path), index, field)] = (value, first_file, first_index)
    except duckdb.Error:
        return None
    finally:
        con.close()
        if warm is not None:
            warm.join()  # (the row engine may read the file next, and load the gazetteer itself)
    out.sort(key=lambda item: item[0])  # the place and repeat findings after each batch's: file order
    return rows - blank, out


def _read_batches(reader: Any, keys: dict[str, list[Any]], places: bool, warm: Any, today: dt.date,
                  out: list[Finding]) -> tuple[int, int]:
    """The query's batches: their findings into `out`, their refs and event_ids into `keys`, their place
    keys through the place pass a run at a time. (rows read, blank rows among them)."""
    import pyarrow.compute as pc

    rows = blank = 0
    known: dict[tuple, list[str]] = {}  # place key -> its findings, across runs
    run: list[Any] = []  # the place keys of the rows read since the last place pass
    run_start = 1
    for batch in reader:
        for k, chunks in keys.items():
            chunks.append(batch.column(f"k_{k}"))
        col = batch.column(0)
        for i in pc.indices_nonzero(pc.is_valid(col)).to_pylist():
            text = col[i].as_py()
            if text == BLANK:
                blank += 1
                continue
            index = rows + 1 + i  # the rows come in file order: see build_query
            for item in text.split(","):
                code, field = item.split("|")
                out.append((index, code, field))
        rows += len(col)
        if places:
            run.append(batch.select(list(PLACE_KEY)))
            if rows + 1 - run_start >= PLACE_RUN:
                place_pass(run, run_start, warm, known, today, out)
                run, run_start, warm = [], rows + 1, None
    if places and run:
        place_pass(run, run_start, warm, known, today, out)
    elif warm is not None:
        warm.join()
    return rows, blank


def check_csv(path: Path, report: Report, today: dt.date | None = None, seen: repeats.Repeats | None = None) -> bool:
    """Check a CSV with the SQL engine, adding its problems to the report; False (and nothing added)
    when the file is not one the engine can answer for. `seen`: the check's earlier files' refs and ids.
    Every finding is counted; those past --max-errors are not listed (nor their messages made)."""
    today = today or Context().today
    seen = seen or repeats.Repeats()
    found = findings(path, today, seen=seen)
    if found is None:
        return False
    checked, items = found
    if checked == 0:
        return False  # the row engine says "no rows"
    report.rows_checked += checked
    if warnings_without_form():
        report.extra.setdefault("rules_not_run", sorted(warnings_without_form()))
    if not items:
        return True  # nothing to place: the byte scan for lines is not needed
    by_row: dict[int, list[tuple[str, str]]] = {}
    for index, code, field in items:
        by_row.setdefault(index, []).append((code, field))
    flagged = sorted(by_row)
    listed = _listed(flagged, by_row, report)
    exact: dict[int, list[Problem]] = {}
    if listed:  # the rows' lines and messages, for the rows listed
        starts, lines = seen.lines[str(path)] = record_starts(path)
        exact = _exact_problems(path, spans(path, starts, listed), [int(lines[i]) for i in listed], today)
    for index in flagged:
        if report.full:  # past --max-errors: counted, not listed
            for code, field in by_row[index]:
                report.count(_severity(code), code, field)
            continue
        line = int(lines[index])
        known = {(p.code, p.field): p for p in exact.get(line, [])}
        for code, field in by_row[index]:
            if code in repeats.FIELD_OF_CODE:
                report.add(_repeat_problem(path, index, line, repeats.FIELD_OF_CODE[code], seen))
            else:
                report.add(known.get((code, field)) or Problem(code, _render(code, field), _severity(code),
                                                               file=str(path), row=line, line=line, field=field))
    return True


def _severity(code: str) -> str:
    return getattr(RULES[code], "severity", ERROR)


def _listed(flagged: list[int], by_row: dict[int, list[tuple[str, str]]], report: Report) -> list[int]:
    """The flagged rows whose problems the report will list: all of them, or up to the row of the error
    that fills it to --max-errors."""
    if report.max_errors is None:
        return flagged
    room = report.max_errors - report.error_count
    out = []
    for index in flagged:
        if room <= 0:
            break
        out.append(index)
        room -= sum(1 for code, _ in by_row[index] if _severity(code) == ERROR)
    return out


def _repeat_problem(path: Path, index: int, line: int, field: str, seen: repeats.Repeats) -> Problem:
    value, first_file, first_index = seen.first_use[(str(path), index, field)]
    if first_file not in seen.lines:  # an earlier file with no problem of its own: its lines were not needed
        seen.lines[first_file] = record_starts(Path(first_file))
    first_line = int(seen.lines[first_file][1][first_index])
    return repeats.duplicate(field, value, str(path), line, line, first_file, first_line)


def _render(code: str, field: str) -> str:
    class _Blank(dict):
        def __missing__(self, key: str) -> str:
            return "?"

    return RULES[code].template.format_map(_Blank(field=field, value=""))


def row_engine_records(path: Path, header: list[str], at: Iterable[tuple[int, int]], lines: Iterable[int], ctx: Context,
                       build: bool = False) -> Iterator[tuple[int, Any, list[Problem]]]:
    """(line, event or None, problems) of the CSV records at these byte spans, by the row engine: the
    exact messages (and, with `build`, the event) for the few records the SQL engine hands back."""
    kinds = flat.column_kinds()

    def records() -> Any:
        for line, cells in zip(lines, read_records(path, at)):
            typed: dict[str, Any] = {}
            cell_problems = []
            for name, text in zip(header, cells):
                try:
                    typed[name] = flat.parse_cell(kinds[name], text)
                except flat.CellError as exc:
                    cell_problems.append(problem(exc.code, file=str(path), row=line, line=line, field=name,
                                                 value=text))
            yield flat_record(path, line, typed, cell_problems, None, frozenset())

    # the points of a batch of records judged at once, as the row engine reads a file (one k-d tree
    # query each: 10,000 flagged rows asked it one point at a time for a second)
    for record in prefetch_places(records()):
        where = {"file": str(path), "row": record.row, "line": record.row}
        event, problems = validate_record(record.data, ctx, where, record.cell_problems, record.absent, build=build)
        yield record.row, event, problems


def _exact_problems(path: Path, at: Iterable[tuple[int, int]], lines: list[int],
                    today: dt.date) -> dict[int, list[Problem]]:
    """The row engine's problems for these records, by line: the exact messages."""
    return {line: problems for line, _, problems in
            row_engine_records(path, csv_header(path) or [], at, lines, Context(today=today))}
