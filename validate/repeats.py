"""Values a submission may use once across all its files: a row's ref (the ingest report maps each
ref to the id it was given) and an event_id (a submission changes an event once); and, as a warning,
an event's place, day, actor pair and sub-event type (ACLED codes one event per place, day, actor pair and
sub-event type: two rows that share them are likely one event coded twice).

`cedar ingest` would refuse such a submission in the store (ingest/load.py, store_problems); `cedar
check` finds it first, with the same codes and messages. The row engine shows each record to
`Repeats.see`; the SQL engine hands over a whole file's values as Arrow columns (`see_columns`),
compared in DuckDB. Either way the later row is reported and the message names the first.
"""

from __future__ import annotations

from typing import Any, Iterator

from cedar.validate.report import Problem, problem

CODES = {"ref": "duplicate-ref", "event_id": "duplicate-event-id", "event": "possible-double-coding"}
COLUMN = {"ref": "ref", "event_id": "event_id", "event": "sub_event_type"}  # the column a problem is reported on
FIELD_OF_CODE = {code: field for field, code in CODES.items()}
_SEP = "\x1f"  # between the parts of an event's key: a character no cell of a valid row holds

# The event's key from the typed values the rules see (v_<column>: NULL when empty or faulty), in SQL
EVENT_KEY_SQL = ("CASE WHEN v_iso3 IS NOT NULL AND v_location IS NOT NULL AND v_event_date IS NOT NULL AND v_actor1 "
                 "IS NOT NULL AND v_sub_event_type IS NOT NULL THEN concat_ws(chr(31), v_iso3, v_location, "
                 "strftime(v_event_date, '%Y-%m-%d'), v_actor1, coalesce(v_actor2, ''), v_sub_event_type) END")


def event_key(e: Any) -> str | None:
    """The place, day, actor pair and sub-event type of a checked row (its draft, as the rules see it), None
    when one of them is missing or faulty."""
    parts = (e.iso3, e.location, e.event_date, e.actor1, e.sub_event_type)
    if any(p is None for p in parts):
        return None
    return _SEP.join((e.iso3, e.location, e.event_date.isoformat(), e.actor1, e.actor2 or "", e.sub_event_type))


def key_sql(header: list[str]) -> dict[str, str]:
    """The SQL of the values a file's rows may use once, by field: ref and event_id where the header has
    them, the event's key always."""
    return {**{k: f"s_{k}" for k in ("ref", "event_id") if k in header}, "event": EVENT_KEY_SQL}


def first_text(file: str | None, first_file: str | None, first_row: int | None) -> str:
    """Where a value was first used, as the message says it."""
    return f"row {first_row}" if first_file == file else f"row {first_row} of {first_file}"


def duplicate(field: str, value: str, file: str | None, row: int | None, line: int | None,
              first_file: str | None, first_row: int | None) -> Problem:
    first = first_text(file, first_file, first_row)
    if field == "event":  # the value shown is the sub-event type; the message names the rest
        iso3, location, day, actor1, actor2, sub = value.split(_SEP)
        pair = f"{actor1} and {actor2}" if actor2 else f"{actor1} alone"
        return problem(CODES[field], file=file, row=row, line=line, field=COLUMN[field], value=sub, first=first,
                       location=location, iso3=iso3, day=day, pair=pair)
    return problem(CODES[field], file=file, row=row, line=line, field=field, value=value, first=first)


class Repeats:
    """What one check has seen so far, over all its files."""

    def __init__(self) -> None:
        self.files: list[str] = []
        # row engine: value -> file number * 2**32 + row (an int costs less memory than a tuple)
        self._first: dict[str, dict[str, int]] = {f: {} for f in CODES}
        # SQL engine: per field, an Arrow table (f: file number, i: record index, v: value) per file
        self._tables: dict[str, list[Any]] = {f: [] for f in CODES}
        self.lines: dict[str, Any] = {}  # file -> its records' (starts, first lines) (record_scan.record_starts)
        # SQL engine: (file, record index, field) -> (value, first file, first record index)
        self.first_use: dict[tuple[str, int, str], tuple[str, str, int]] = {}

    def start(self, file: str) -> None:
        """The next file of the check (named twice on a command line, a file counts twice)."""
        self.files.append(file)

    def see(self, row: int, line: int | None, data: dict[str, Any], key: str | None = None) -> list[Problem]:
        """The problems of one record of the current file whose ref, event_id or event key (`key`, of
        `event_key`) an earlier record used."""
        out = []
        file_no = len(self.files) - 1
        file = self.files[file_no]
        for field, first in self._first.items():
            value = key if field == "event" else data.get(field)
            if not isinstance(value, str):
                continue  # empty, or not text: the type rules report it
            here = file_no << 32 | row
            seen = first.setdefault(value, here)
            if seen != here:
                out.append(duplicate(field, value, file, row, line, self.files[seen >> 32], seen & 0xFFFFFFFF))
        return out

    def see_columns(self, con: Any, columns: dict[str, Any]) -> list[tuple[int, str, str, str, int]]:
        """(record index, field, value, first file, first record index) of each record of the current file whose
        value an earlier record (of this file or an earlier one) used. `columns`: per field, the
        file's values in record order (record index 1 first), null where empty."""
        return list(self.rows(self.found(con, columns)))

    def found(self, con: Any, columns: dict[str, Any]) -> Any:
        """As `see_columns`, an Arrow table (i, k, field, v, first_f, first_i) in record order, fields in the
        order of `columns` within a record (k), the first file by its number (`rows` names it): a file may
        use its values again on most of its rows, and a Python tuple a row would grow with them."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        file_no = len(self.files) - 1
        parts = [_empty_found()]
        for k, (field, values) in enumerate(columns.items()):
            values = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array(values, pa.string())
            n = len(values)
            table = pa.table({"f": _from_numpy(np.full(n, file_no, dtype=np.int32), pa.int32()),
                              "i": _from_numpy(np.arange(1, n + 1, dtype=np.int64), pa.int64()), "v": values})
            table = table.filter(pc.is_valid(table["v"]))
            self._tables[field].append(table)
            every = pa.concat_tables(self._tables[field])
            if pc.count_distinct(every["v"]).as_py() == every.num_rows:
                continue  # the common case: no value twice, and no window to pay for
            con.register("repeats_", every)
            try:
                parts.append(con.sql(_FOUND_SQL.format(table="repeats_"), params=[k, field, file_no]).to_arrow_table())
            finally:
                con.unregister("repeats_")
        return pa.concat_tables(parts).sort_by([("i", "ascending"), ("k", "ascending")])

    def found_in(self, con: Any, keys: dict[str, str]) -> Any:
        """As `found`, with the values taken by SQL (per field, an expression over the check's table x, whose
        rid is the record index - 1) and kept in DuckDB tables of the connection across the files (bounded
        and spilling in an ingest), not in Arrow: a 5M-row file's event keys and their hash took some 1 GB."""
        file_no = len(self.files) - 1
        parts = [_empty_found()]
        for k, (field, sql) in enumerate(keys.items()):
            table = f"repeats_{field}"
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} (f INTEGER, i BIGINT, v VARCHAR)")
            con.execute(f"INSERT INTO {table} SELECT {file_no}, rid + 1, {sql} FROM x WHERE {sql} IS NOT NULL")
            if not con.execute(f"SELECT 1 FROM {table} GROUP BY v HAVING count(*) > 1 LIMIT 1").fetchall():
                continue  # the common case: no value twice, and no window to pay for
            parts.append(con.sql(_FOUND_SQL.format(table=table), params=[k, field, file_no]).to_arrow_table())
        import pyarrow as pa

        return pa.concat_tables(parts).sort_by([("i", "ascending"), ("k", "ascending")])

    def rows(self, found: Any) -> Iterator[tuple[int, str, str, str, int]]:
        """The rows of `found` as `see_columns` gives them, a batch at a time."""
        for batch in found.to_batches(max_chunksize=10_000):
            for i, field, v, first_f, first_i in zip(*(batch.column(c).to_pylist()
                                                       for c in ("i", "field", "v", "first_f", "first_i"))):
                yield i, field, v, self.files[first_f], first_i


# The records of file f = $3 whose value v an earlier record used, with where it was first used; $1, $2:
# the field's position and name
_FOUND_SQL = """
    SELECT i::BIGINT AS i, $1::INTEGER AS k, $2::VARCHAR AS field, v::VARCHAR AS v,
           first_f::INTEGER AS first_f, first_i::BIGINT AS first_i FROM (
        SELECT f, i, v, first_value(f) OVER w AS first_f, first_value(i) OVER w AS first_i,
               row_number() OVER w AS n
        FROM {table} WINDOW w AS (PARTITION BY v ORDER BY f, i))
    WHERE n > 1 AND f = $3"""


def _empty_found() -> Any:
    import pyarrow as pa

    return pa.Table.from_batches([], schema=pa.schema([  # (pa.array and empty_table would import pandas)
        ("i", pa.int64()), ("k", pa.int32()), ("field", pa.string()), ("v", pa.string()),
        ("first_f", pa.int32()), ("first_i", pa.int64())]))


def _from_numpy(a: Any, type_: Any) -> Any:
    """An Arrow array over a numpy array's buffer. pa.array(ndarray) asks pandas whether the array is
    categorical, and so imports it (0.2 s) on the path of every large `cedar check`."""
    import pyarrow as pa

    return pa.Array.from_buffers(type_, len(a), [None, pa.py_buffer(a)])
