"""The vectorised engine: the row rules run as one DuckDB query over a whole CSV file.

The rules are the same as the row engine's (`cedar.validate.rows`): the type rules are read off
the event model (kinds, vocabularies, ranges, patterns, required columns), the cross-field rules
come from their SQL forms in `cedar.schema.rules_sql`, keyed by the codes of `rules.py`. DuckDB
reads every column as VARCHAR, so that a bad cell is a finding and not a failed read; each
column is typed with TRY_CAST (behind a pattern where DuckDB accepts more than Python does), and
a cell that fails its type is NULL for the cross-field rules, as the row engine leaves it out of
the draft it checks.

Places: the rules that ask the gazetteer (rules_sql.PER_DISTINCT) are worked out once per distinct
place key of the file: the query streams each row's key beside its findings, and each batch's new
keys are judged together (`_place_items`), the points all at once in numpy, the bare place names by
the row engine's own rules; a row with both coordinates empty and a
known iso3 gets its coordinates from its place name, as in the row engine, so latitude, longitude
and geo_precision are required only where nothing fills them.

Line numbers: DuckDB's CSV reader does not say on which line a record starts. A byte scan
(numpy, a block at a time) finds the newlines outside quotes, which end the records; record i of
DuckDB's reader is the i-th non-empty record of the scan, and its first line is one more than
the number of newlines before it, quoted newlines included. The query numbers the records as the
reader gives them (its rows come in file order: every step is a projection, run in parallel with
DuckDB's insertion order kept) and streams two short columns per row, so memory stays flat as the
file grows.

Messages: the few flagged rows are read again by their byte offsets and run through the row
engine, which gives the exact message of each finding; the set of (row, column, code) is the
SQL engine's own, and the differential test holds it equal to the row engine's.

The engine takes a file only when it can answer for all of it: UTF-8 CSV, a header that names
known columns once each with every required one, no companion tables (sources.csv, claims.csv),
and no row DuckDB's strict reader refuses (a wrong cell count, a stray quote). Anything else
returns False and goes to the row engine, which reports such files in full.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import typing
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from cedar.schema import flat, rules_sql
from cedar.schema.model import FILLED_AT_CHECK, Event, required_fields, submission_required_fields
from cedar.schema.rules import RULES, Context
from cedar.validate import repeats
from cedar.validate.report import Problem, Report

# Above this size `cedar check` uses the SQL engine for a CSV it can take (see check.choose_engine).
SQL_THRESHOLD_BYTES = 4 * 1024 * 1024

_WS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())  # what Python's str.strip() removes
_ASCII_WS = "".join(c for c in _WS if ord(c) < 128)


def _plain(raw: str) -> str:
    """True when a cell cannot start with whitespace (a cheap test on its first character)."""
    return f"ascii({raw}) BETWEEN 33 AND 127"


def _blank_text(raw: str) -> str:
    """A text cell as the row engine reads it: NULL when empty or all whitespace (Python's isspace).
    Trimming a set of characters is slow in DuckDB, so only a cell that starts with one pays for it."""
    return f"CASE WHEN {_plain(raw)} THEN {raw} WHEN trim({raw}, {_q(_WS)}) = '' THEN NULL ELSE {raw} END"


def _stripped(raw: str) -> str:
    """A cell stripped as Python's str.strip() does, NULL when nothing is left."""
    return (f"CASE WHEN {_plain(raw)} AND ascii(right({raw}, 1)) BETWEEN 33 AND 127 THEN {raw} "
            f"ELSE nullif(trim({raw}, {_q(_WS)}), '') END")


_BLOCK = 32 * 1024 * 1024
_BLANK = "-"  # the finding column's mark for a row with no content (skipped, as the row engine does)


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- records and their lines ------------------------------------------------------------------

def record_starts(path: Path) -> tuple[Any, Any]:
    """Byte offset and first line of every non-empty CSV record (header included), in file order.

    A record ends at a newline outside quotes: a newline with an even number of quote characters
    before it (an escaped quote, "", counts twice and keeps the parity)."""
    import numpy as np

    starts, lines = [np.zeros(1, dtype=np.int64)], [np.ones(1, dtype=np.int64)]
    quotes = newlines = base = 0
    size = path.stat().st_size
    with path.open("rb") as f:
        while True:
            block = f.read(_BLOCK)
            if not block:
                break
            a = np.frombuffer(block, dtype=np.uint8)
            nl = np.flatnonzero(a == 10)
            q = np.flatnonzero(a == 34)
            even = ((np.searchsorted(q, nl) + quotes) & 1) == 0
            ends = nl[even]
            starts.append(ends.astype(np.int64) + base + 1)
            lines.append(np.flatnonzero(even).astype(np.int64) + newlines + 2)
            quotes += len(q)
            newlines += len(nl)
            base += len(a)
    starts_a, lines_a = np.concatenate(starts), np.concatenate(lines)
    # a record is empty when the next one starts right after its newline ("\n" or "\r\n") or at the end
    nxt = np.append(starts_a[1:], size + 1)
    length = nxt - starts_a - 1
    keep = length > 0
    if keep.any():
        with path.open("rb") as f:  # a lone "\r" line is empty too: look at those one-byte records
            for i in np.flatnonzero(length == 1):
                f.seek(int(starts_a[i]))
                if f.read(1) == b"\r":
                    keep[i] = False
    keep &= starts_a < size
    return starts_a[keep], lines_a[keep]


def _read_records(path: Path, spans: list[tuple[int, int]]) -> list[list[str]]:
    """The cells of the records at these byte spans (start, end)."""
    out = []
    with path.open("rb") as f:
        for start, end in spans:
            f.seek(start)
            text = f.read(end - start).decode("utf-8-sig" if start == 0 else "utf-8")
            out.append(next(csv.reader(io.StringIO(text)), []))
    return out


# --- the query --------------------------------------------------------------------------------

def _literals(annotation: Any) -> tuple | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return None


def _constraints(name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in Event.model_fields[name].metadata:
        for key in ("ge", "le", "pattern"):
            if getattr(m, key, None) is not None:
                out[key] = getattr(m, key)
    return out


def _columns(header: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """SELECT items typing every column, and the (column, code-expression) type findings."""
    kinds = flat.column_kinds()
    required = set(submission_required_fields())  # the filled ones are required after the gazetteer: see build_query
    items: list[str] = []
    findings: list[tuple[str, str]] = []
    ws = _q(_WS)
    for name, kind in kinds.items():
        raw = _ident(name) if name in header else "NULL::VARCHAR"
        field = Event.model_fields[name]
        lits = _literals(field.annotation)
        cons = _constraints(name)
        if kind == flat.LIST:
            if name in _LISTS_USED:  # the others are only split, and no rule can fault a CSV list's items
                items.append(f"{raw} AS r_{name}")
                items.append(f"CASE WHEN {raw} IS NULL THEN false WHEN {_plain(raw)} AND ascii({raw}) <> 59 THEN true "
                             f"ELSE len({_list(raw)}) > 0 END AS has_{name}")
            continue
        if name not in header:
            items.append(f"NULL::VARCHAR AS s_{name}")
            items.append(f"NULL::{'VARCHAR' if kind == flat.TEXT else 'DOUBLE'} AS n_{name}")
            findings.append((name, "'missing-value'" if name in required else "NULL::VARCHAR"))
            continue
        if kind == flat.TEXT:
            s = _blank_text(raw)
            bad = []
            if lits is not None:
                bad.append(f"WHEN s_{name} NOT IN ({', '.join(_q(v) for v in lits)}) THEN 'not-in-vocabulary'")
            if "pattern" in cons:
                pattern = cons["pattern"].removeprefix("^").removesuffix("$")
                bad.append(f"WHEN NOT regexp_full_match(s_{name}, {_q(pattern)}) THEN 'bad-format'")
            value = f"s_{name}"
        else:
            s = _stripped(raw)
            if kind == flat.INT:
                value = (f"CASE WHEN regexp_full_match(s_{name}, '[+-]?[0-9]+(\\.0*)?') "
                         f"AND length(s_{name}) <= {flat.MAX_INTEGER_TEXT} THEN TRY_CAST(s_{name} AS DOUBLE) END")
                bad = [f"WHEN n_{name} IS NULL THEN 'not-an-integer'"]
            elif kind == flat.FLOAT:
                value = f"TRY_CAST(s_{name} AS DOUBLE)"
                bad = [f"WHEN n_{name} IS NULL THEN 'not-a-number'"]
            elif kind == flat.DATE:
                value = (f"CASE WHEN regexp_full_match(s_{name}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                         f"AND NOT starts_with(s_{name}, '0000') THEN TRY_CAST(s_{name} AS DATE) "
                         f"WHEN regexp_full_match(s_{name}, '[0-9]{{8}}') AND NOT starts_with(s_{name}, '0000') "
                         f"THEN TRY_CAST(TRY_STRPTIME(s_{name}, '%Y%m%d') AS DATE) END")
                bad = [f"WHEN n_{name} IS NULL THEN 'not-a-date'"]
            elif kind == flat.TIMESTAMP:
                value = (f"CASE WHEN regexp_full_match(s_{name}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([T ][0-9:.]+"
                         f"(Z|[+-][0-9]{{2}}:?[0-9]{{2}})?)?') THEN TRY_CAST(replace(s_{name}, 'Z', '+00:00') "
                         f"AS TIMESTAMPTZ) END")
                bad = [f"WHEN n_{name} IS NULL THEN 'not-a-timestamp'"]
            else:  # BOOL
                value = (f"CASE WHEN lower(s_{name}) IN ('true', 'yes', '1', 't', 'y') THEN true "
                         f"WHEN lower(s_{name}) IN ('false', 'no', '0', 'f', 'n') THEN false END")
                bad = [f"WHEN n_{name} IS NULL THEN 'not-a-boolean'"]
            if lits is not None:
                bad.append(f"WHEN n_{name} NOT IN ({', '.join(str(v) for v in lits)}) THEN 'not-in-vocabulary'")
            if "ge" in cons or "le" in cons:
                lo = f"n_{name} < {cons['ge']}" if "ge" in cons else "false"
                hi = f"n_{name} > {cons['le']}" if "le" in cons else "false"
                bad.append(f"WHEN isnan(n_{name}) OR {lo} OR {hi} THEN 'out-of-range'")
            items.append(f"{value} AS n_{name}")
        empty = "'missing-value'" if name in required else "NULL"  # empty target_kind: its default, in build_query
        code = f"CASE WHEN s_{name} IS NULL THEN {empty} {' '.join(bad)} END" if bad or empty != "NULL" \
            else "NULL::VARCHAR"
        items.append(f"{s} AS s_{name}")
        findings.append((name, code))
    return items, findings


_LISTS_USED = {n for forms in rules_sql.SQL_RULES.values() for _, c in forms for n in flat.column_kinds()
               if f"l_{n}" in c or f"has_{n}" in c}


def _list(raw: str) -> str:
    """A list cell's items as the row engine reads them: split at ';', stripped, empty ones dropped."""
    return (f"CASE WHEN {raw} IS NULL THEN []::VARCHAR[] ELSE list_filter(list_transform(string_split({raw}, ';'), "
            f"lambda x: {_stripped('x')}), lambda x: x IS NOT NULL) END")


# Fields the gazetteer fills from a bare place name (both coordinates empty, a known iso3): on such a
# row their missing-value findings are the place pass's (cedar.schema.rules' fill rules decide them),
# elsewhere they are required as any other field.
_PLACE_OWNED = tuple(f for f in required_fields() if f in FILLED_AT_CHECK
                     or any(f in RULES[c].columns for c in ("place-filled", "place-not-found")))
_FILL = "e_iso3 IS NULL AND iso3_known AND s_latitude IS NULL AND s_longitude IS NULL"

# The place key of a row (NULL iso3: no place rule can fire on it): its point, or for a row without
# coordinates the names the gazetteer resolves. A faulty iso3 or coordinate leaves the row out, as the
# row engine's rules skip it.
_PLACE_KEY = {
    "k_iso3": "CASE WHEN e_iso3 IS NULL AND e_latitude IS NULL AND e_longitude IS NULL "
              "AND (v_latitude IS NULL) = (v_longitude IS NULL) THEN v_iso3 END",
    "k_lat": "v_latitude", "k_lon": "v_longitude", "k_admin1": "v_admin1",
    "k_location": "CASE WHEN v_latitude IS NULL THEN v_location END",
    "k_admin2": "CASE WHEN v_latitude IS NULL THEN v_admin2 END",
    "k_gp": "CASE WHEN v_latitude IS NULL THEN s_geo_precision IS NULL END",
}


def build_query(path: Path, header: list[str], today: dt.date, head_only: bool = False,
                with_places: bool = False, also: tuple[str, ...] = ()) -> str:
    """The query of the findings column f, one row per record; with `with_places` each row's place key
    (`_PLACE_KEY`) beside it, for the place rules (`_place_items`); `also`: more SELECT items over the
    typed values (ingest stages a file from them, cedar.ingest.stage_csv). The rows come in file order
    on a connection that keeps insertion order (`SET preserve_insertion_order = true`): every step is a
    projection, the look-ups included (rules_sql.lookups), so DuckDB runs it on all threads and keeps
    the order. There is no record number column: numbering a whole file with a window runs on one
    thread, so a reader counts the rows as they come (ingest: the rowid of the table they fill)."""
    items, type_findings = _columns(header)
    kinds = flat.column_kinds()
    defaults = {n: f.default for n, f in Event.model_fields.items()
                if n in kinds and not f.is_required() and isinstance(f.default, str)}
    # typed values for the rules: NULL when empty or failed (target_kind's default stands in, as in the draft)
    typed = []
    for name, code in type_findings:
        src = f"s_{name}" if kinds[name] == flat.TEXT else f"n_{name}"
        value = f"CASE WHEN e_{name} IS NULL THEN {src} END"
        if name in defaults:
            value = f"coalesce({value}, {_q(defaults[name])})"
        typed.append(f"{code} AS e_{name}")
        typed.append(f"{value} AS v_{name}")
    parts = []
    for name, code in type_findings:
        if code == "NULL::VARCHAR":
            continue
        owned = f" AND NOT (fill_ AND e_{name} = 'missing-value')" if name in _PLACE_OWNED else ""
        parts.append((f"e_{name} IS NOT NULL{owned}", f"e_{name} || '|{name}'"))
    for name in _PLACE_OWNED:
        if name not in submission_required_fields():  # required once filled: missing when nothing fills it
            parts.append((f"s_{name} IS NULL AND NOT fill_", f"'missing-value|{name}'"))
    for code, forms in rules_sql.SQL_RULES.items():
        for field, condition in forms:
            guard = f"e_{field} IS NULL AND " if field in dict(type_findings) else ""
            condition = rules_sql.expand(condition, today.isoformat())
            for name in _LISTS_USED:  # lists are split only where a condition reaches them
                condition = condition.replace(f"l_{name}", _list(f"r_{name}"))
            parts.append((f"{guard}({condition})", f"'{code}|{field}'"))
    kinds_h = {h: kinds[h] for h in header}
    blank = "coalesce(" + ", ".join(f"s_{h}" if k != flat.LIST else _stripped(_ident(h)) for h, k in kinds_h.items()) \
        + ") IS NULL"  # a list cell of ';' only is not blank to the row engine: close enough to be rare
    columns = "{" + ", ".join(f"{_q(h)}: 'VARCHAR'" for h in header) + "}"
    source = (f"read_csv({_q(str(path))}, header = true, delim = ',', quote = '\"', escape = '\"', "
              f"auto_detect = false, strict_mode = true, columns = {columns})")
    head = (f"a0 AS (SELECT * FROM {source}), "
            f"a1 AS (SELECT *, {', '.join(i for i in items if ' AS s_' in i)} FROM a0), "
            f"a AS (SELECT *, {', '.join(i for i in items if ' AS s_' not in i)}, {blank} AS blank_ FROM a1), "
            f"b AS (SELECT *, {', '.join(typed)} FROM a)")
    if with_places:
        head += f", b2 AS (SELECT *, {', '.join(f'{v} AS {k}' for k, v in _PLACE_KEY.items())} FROM b)"
    first, second = rules_sql.lookups()
    query = (f"WITH {head}, c0 AS (SELECT *, {', '.join(first)} FROM {'b2' if with_places else 'b'}), "
             f"c1 AS (SELECT *, {', '.join(second)} FROM c0), "
             f"c AS (SELECT *, {_FILL} AS fill_ FROM c1) ")
    if head_only:
        return query
    keys = "".join(f", s_{k} AS k_{k}" for k in repeats.CODES if k in header)  # for values used twice
    found = ", ".join(f"CASE WHEN {cond} THEN {value} END" for cond, value in parts)
    if with_places:
        keys += "".join(f", {k}" for k in _PLACE_KEY)
    return (query + f"SELECT CASE WHEN blank_ THEN '{_BLANK}' ELSE nullif(concat_ws(',', {found}), '') END "
            f"AS f{keys}{''.join(', ' + a for a in also)} FROM c")


# --- the engine -------------------------------------------------------------------------------

def _header(path: Path) -> list[str] | None:
    """The header's column names, or None when the header has a problem for the row engine to report."""
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        try:
            header = next(csv.reader(f, strict=True))
        except (StopIteration, csv.Error, UnicodeDecodeError):
            return None
    names = [h.strip() for h in header]
    known = set(flat.event_columns())
    if (len(names) < 2 or len(set(names)) != len(names) or any(n not in known for n in names)
            or any(n != h for n, h in zip(names, header))
            or not set(required_fields()) <= set(names)):
        return None
    return names


def _covered(code: str) -> bool:
    return (code in rules_sql.SQL_RULES or code in rules_sql.PER_DISTINCT or code in rules_sql.NEEDS_REGISTRY)


def missing_forms() -> list[str]:
    """Error rules with a Python check and no SQL form: while there is one, the engine takes no file
    (a rule only the row engine knows would go unchecked). Warnings without a form are left out of
    the SQL engine's report, which says so (`rules_not_run`)."""
    return [code for code, r in RULES.items() if r.check is not None and not _covered(code)
            and getattr(r, "severity", "error") == "error"]


def warnings_without_form() -> list[str]:
    return [code for code, r in RULES.items() if r.check is not None and getattr(r, "severity", "error") != "error"
            and (not _covered(code) or code in rules_sql.NEEDS_REGISTRY)]


def _warm_places() -> Any:
    """Load what the place pass needs (numpy, the gazetteer, its k-d tree: about 0.13 s) on a thread
    while DuckDB reads the file: its threads run without the GIL, so the loading mostly takes no
    wall time. The caller joins the thread before the first place pass."""
    import threading

    def load() -> None:
        try:
            from cedar.schema.gazetteer import gazetteer

            gazetteer().tree  # noqa: B018 (built on first use)
        except BaseException:  # the place pass loads it again and says what went wrong, without a thread's traceback
            pass

    thread = threading.Thread(target=load, name="cedar-places", daemon=True)
    thread.start()
    return thread


# Rows judged together by one place pass: each pass costs a few hundredths of a second however small
# (a k-d tree query, the admin1 look-ups), and DuckDB hands a 100,000-row file over in five batches.
_PLACE_RUN = 250_000


def _place_pass(run: list[Any], start: int, warm: Any, known: dict[tuple, list[str]], today: dt.date,
                out: list[tuple[int, str, str]]) -> None:
    """The place rules over these batches of place keys (the first row's record number `start`), once
    the loading thread has finished."""
    import pyarrow as pa

    if warm is not None:
        warm.join()
    _place_items(pa.concat_batches(run) if len(run) > 1 else run[0], start, known, today, out)


def _place_items(batch: Any, start: int, known: dict[tuple, list[str]], today: dt.date,
                 out: list[tuple[int, str, str]]) -> None:
    """The place rules (rules_sql.PER_DISTINCT) for a run of rows (`start`: its first row's record number),
    added to `out` for every row they fire on. A row with a point is judged once per distinct (iso3,
    point, admin1) of the run, all at once in numpy (places.point_verdicts); a row without one, once per
    distinct place key through the row engine's rules (`known` keeps those across runs)."""
    import numpy as np
    import pyarrow.compute as pc

    from cedar.schema.countries import is_iso3

    iso3 = batch.column("k_iso3")
    size = len(iso3)
    if iso3.null_count == size:
        return
    # rows of an assigned iso3 (asked once per distinct code), with and without a point; numpy, not
    # pyarrow.array or to_numpy, which import pandas (0.17 s) to see whether they were given a frame
    encoded = pc.dictionary_encode(iso3, null_encoding="encode")  # (pc.fill_null with an int imports it too)
    assigned = np.array([v is not None and is_iso3(v) for v in encoded.dictionary.to_pylist()], dtype=bool)
    country = assigned[_numbers(encoded.indices)]
    has_point = np.zeros(size, dtype=bool)
    has_point[_numbers(pc.indices_nonzero(pc.is_valid(batch.column("k_lat"))))] = True
    points, named = np.flatnonzero(country & has_point), np.flatnonzero(country & ~has_point)
    if len(points):
        from cedar.schema.places import cells, point_verdicts

        at = _arrow(points)
        iso3s, admin1s = batch.column("k_iso3").take(at), batch.column("k_admin1").take(at)
        lats, lons = cells(_floats(batch.column("k_lat").take(at))), cells(_floats(batch.column("k_lon").take(at)))
        # one verdict per cell: a cell's hundredths of a degree, as one whole number, are its code
        cell = (np.rint(lats * 100).astype(np.int64) + 9000) * 36001 + np.rint(lons * 100).astype(np.int64) + 18000
        group, first = _groups([iso3s, (cell, 18001 * 36001), admin1s])
        firsts = _arrow(first)
        verdicts = point_verdicts(iso3s.take(firsts).to_pylist(), lats[first], lons[first],
                                  admin1s.take(firsts).to_pylist())
        fired = np.zeros(len(first), dtype=bool)
        for hits in verdicts.values():
            fired |= hits
        for i in np.flatnonzero(fired[group]).tolist():
            g = group[i]
            for code, hits in verdicts.items():
                if hits[g]:
                    out.append((start + int(points[i]), code, "admin1" if code == "admin1-mismatch" else "latitude"))
    if not len(named):
        return
    names = list(_PLACE_KEY)
    group, first = _groups([batch.column(n).take(_arrow(named)) for n in names])
    cols = [batch.column(n).take(_arrow(named[first])).to_pylist() for n in names]
    keys = list(zip(*cols))
    new = [j for j, k in enumerate(keys) if k not in known]
    if new:
        if len(known) + len(new) > 200_000:
            known.clear()  # bounded: a file of distinct places does not grow the process
        codes = _place_codes({n: [c[j] for j in new] for n, c in zip(names, cols)}, today)
        for j, found in zip(new, codes):
            known[keys[j]] = found
    hit = [j for j, k in enumerate(keys) if known[k]]
    if not hit:
        return
    for i in np.flatnonzero(np.isin(group, hit)).tolist():
        for item in known[keys[group[i]]]:
            code, field = item.split("|")
            out.append((start + int(named[i]), code, field))


def _floats(array: Any) -> Any:
    """An Arrow array of doubles without nulls as a numpy array over its buffer (see `_numbers`)."""
    import numpy as np

    return np.frombuffer(array.buffers()[1], dtype=np.float64, count=len(array), offset=array.offset * 8)


def _numbers(array: Any) -> Any:
    """An Arrow array of whole numbers without nulls as a numpy int64 array (Array.to_numpy imports
    pandas, a quarter of a second that `cedar check` does not need)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pc.cast(array, pa.int64())
    return np.frombuffer(array.buffers()[1], dtype=np.int64, count=len(array), offset=array.offset * 8)


def _arrow(numbers: Any) -> Any:
    """A numpy int64 array as an Arrow array, without the pandas check pyarrow makes on numpy input."""
    import numpy as np
    import pyarrow as pa

    numbers = np.ascontiguousarray(numbers, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(numbers), [None, pa.py_buffer(numbers)])


def _groups(columns: list[Any]) -> tuple[Any, Any]:
    """Rows grouped by their values in these Arrow columns (nulls alike) or (codes, bound) pairs: each row's group, and the
    first row of each group. Each column becomes dictionary codes and the codes are combined a column
    at a time, made dense again (a sort) only when the next column could take the key past 62 bits
    (and no Acero: its import alone took 0.4 s)."""
    import numpy as np
    import pyarrow.compute as pc

    first_column = columns[0][0] if isinstance(columns[0], tuple) else columns[0]
    key = np.zeros(len(first_column), dtype=np.int64)
    bound = 1  # key < bound
    for col in columns:
        if isinstance(col, tuple):  # (codes, how many there can be): already whole numbers
            indices, width = col
        else:
            codes = pc.dictionary_encode(col, null_encoding="encode")
            codes = codes.combine_chunks() if hasattr(codes, "combine_chunks") else codes
            width, indices = len(codes.dictionary), _numbers(codes.indices)
        if width > 1:
            if bound * width >= 1 << 62:
                _, key = np.unique(key, return_inverse=True)
                bound = int(key.max()) + 1
            key = key * width + indices
            bound *= width
    _, first, group = np.unique(key, return_index=True, return_inverse=True)
    return group, first


def _place_codes(cols: dict[str, list[Any]], today: dt.date) -> list[list[str]]:
    """'code|field' findings of the place rules for each place key: the points all at once (places.
    point_verdicts: one k-d tree query, numpy); a key without coordinates through the row engine's own
    fill and place rules."""
    import numpy as np

    from cedar.schema.countries import is_iso3
    from cedar.schema.places import cells, point_verdicts

    n = len(cols["k_iso3"])
    codes: list[list[str]] = [[] for _ in range(n)]
    assigned = {c: is_iso3(c) for c in set(cols["k_iso3"])}
    known = [assigned[c] for c in cols["k_iso3"]]
    points = [r for r in range(n) if known[r] and cols["k_lat"][r] is not None]
    if points:
        verdicts = point_verdicts([cols["k_iso3"][r] for r in points], cells([cols["k_lat"][r] for r in points]),
                                  cells([cols["k_lon"][r] for r in points]), [cols["k_admin1"][r] for r in points])
        for code, fired in verdicts.items():
            field = "admin1" if code == "admin1-mismatch" else "latitude"
            for i in np.flatnonzero(fired).tolist():
                codes[points[i]].append(f"{code}|{field}")
    for r in range(n):
        if known[r] and cols["k_lat"][r] is None:
            codes[r] = _named_place_findings(cols["k_iso3"][r], cols["k_admin1"][r], cols["k_location"][r],
                                             cols["k_admin2"][r], cols["k_gp"][r], today)
    return codes


def _named_place_findings(iso3: str, admin1: str | None, location: str | None, admin2: str | None,
                          gp_empty: bool, today: dt.date) -> list[str]:
    """What the row engine finds on a row without coordinates and with these names: its fill rules, the
    required fields they own, then the place rules on the point filled in."""
    from cedar.schema.rules import cross_field_rules, filling_rules
    from cedar.validate.rows import _run

    draft = SimpleNamespace(**{n: None for n in Event.model_fields})
    draft.iso3, draft.admin1, draft.location, draft.admin2 = iso3, admin1, location, admin2
    draft.geo_precision = None if gp_empty else "given"
    ctx = Context(today=today)
    failed: set[str] = set()
    ctx.row_failed = failed
    problems: list[Problem] = []
    for rule in filling_rules():
        _run(rule, draft, ctx, failed, problems, {})
    out = [f"{p.code}|{p.field.split('[')[0].split('.')[0]}" for p in problems]
    out += [f"missing-value|{name}" for name in _PLACE_OWNED if getattr(draft, name) is None and name not in failed]
    problems = []
    for rule in cross_field_rules():
        if rule.code in rules_sql.PER_DISTINCT:
            _run(rule, draft, ctx, failed, problems, {})
    return out + [f"{p.code}|{p.field.split('[')[0].split('.')[0]}" for p in problems]


def accepts(path: Path, input_format: str | None = None, encoding: str = "utf-8") -> bool:
    """Whether the SQL engine can answer for this file (otherwise the row engine reads it)."""
    if missing_forms():
        return False
    if (input_format or path.suffix.lower().lstrip(".")) != "csv" or codecs.lookup(encoding).name != "utf-8":
        return False
    if not path.is_file() or path.stat().st_size == 0:
        return False
    if any(path.with_name(f"{path.stem}.{part}.csv").exists() for part in ("sources", "claims")):
        return False
    return _header(path) is not None


def findings(path: Path, today: dt.date, batch_rows: int = 200_000, seen: repeats.Repeats | None = None,
             ) -> tuple[int, list[tuple[int, str, str]]] | None:
    """(rows checked, [(record index, code, column)]) for a file `accepts` took; record index 1 is the
    first row after the header. None when DuckDB refuses the file (the row engine reports why).
    `seen`: the refs and event_ids of the check's earlier files (a fresh one: this file's alone);
    where each repeated value was first used is left in `seen.first_use`."""
    import duckdb
    import pyarrow as pa
    import pyarrow.compute as pc

    header = _header(path)
    if header is None:
        return None
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")
    out: list[tuple[int, str, str]] = []
    rows = blank = 0
    seen = seen or repeats.Repeats()
    seen.start(str(path))
    keys: dict[str, list[Any]] = {k: [] for k in repeats.CODES if k in header}
    places = bool(rules_sql.PER_DISTINCT)
    known: dict[tuple, list[str]] = {}
    warm = _warm_places() if places else None
    run: list[Any] = []  # the place keys of the rows read since the last place pass
    run_start = 1
    try:
        reader = con.sql(build_query(path, header, today, with_places=places)).to_arrow_reader(batch_rows)
        for batch in reader:
            for k, chunks in keys.items():
                chunks.append(batch.column(f"k_{k}"))
            col = batch.column(0)
            valid = pc.indices_nonzero(pc.is_valid(col)).to_pylist()
            for i in valid:
                text = col[i].as_py()
                if text == _BLANK:
                    blank += 1
                    continue
                index = rows + 1 + i  # the rows come in file order: see build_query
                for item in text.split(","):
                    code, field = item.split("|")
                    out.append((index, code, field))
            rows += len(col)
            if places:
                run.append(batch.select(list(_PLACE_KEY)))
                if rows + 1 - run_start >= _PLACE_RUN:
                    _place_pass(run, run_start, warm, known, today, out)
                    run, run_start, warm = [], rows + 1, None
        if places and run:
            _place_pass(run, run_start, warm, known, today, out)
        if keys and rows:  # the values in record order, as see_columns takes them
            keys = {k: pa.chunked_array(chunks) for k, chunks in keys.items()}
        for index, field, value, first_file, first_index in seen.see_columns(con, keys):
            out.append((index, repeats.CODES[field], field))
            seen.first_use[(str(path), index, field)] = (value, first_file, first_index)
    except duckdb.Error:
        return None
    finally:
        con.close()
        if warm is not None:
            warm.join()  # (the row engine may read the file next, and load the gazetteer itself)
    out.sort(key=lambda item: item[0])  # the place and repeat findings after each batch's: file order
    return rows - blank, out


def check_csv(path: Path, report: Report, today: dt.date | None = None, seen: repeats.Repeats | None = None) -> bool:
    """Check a CSV with the SQL engine, adding its problems to the report; False (and nothing added)
    when the file is not one the engine can answer for. `seen`: the check's earlier files' refs and ids."""
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
    starts, lines = seen.lines[str(path)] = record_starts(path)
    by_row: dict[int, list[tuple[str, str]]] = {}
    for index, code, field in items:
        by_row.setdefault(index, []).append((code, field))
    flagged = sorted(by_row)
    by_code = {code for codes in by_row.values() for code, _ in codes}
    size = path.stat().st_size
    spans = [(int(starts[i]), int(starts[i + 1]) if i + 1 < len(starts) else size) for i in flagged]
    exact = _exact_problems(path, spans, [int(lines[i]) for i in flagged], today)
    for index, line in zip(flagged, (int(lines[i]) for i in flagged)):
        known = {(p.code, p.field): p for p in exact.get(line, []) if p.code in by_code}
        for code, field in by_row[index]:
            if code == repeats.CODES.get(field):
                p = _repeat_problem(path, index, line, field, seen)
            else:
                p = known.get((code, field)) or Problem(code, _render(code, field), getattr(RULES[code], "severity", "error"),
                                                       file=str(path), row=line, line=line, field=field)
            report.add(p)
            if report.full:
                report.truncated = True
                return True
    return True


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


def row_engine_records(path: Path, header: list[str], spans: list[tuple[int, int]], lines: list[int], ctx: Context,
                       build: bool = False) -> Any:
    """(line, event or None, problems) of the CSV records at these byte spans, by the row engine: the
    exact messages (and, with `build`, the event) for the few records the SQL engine hands back."""
    from cedar.ingest.readers import _flat_record
    from cedar.validate.report import problem
    from cedar.validate.rows import prefetch_places, validate_record

    kinds = flat.column_kinds()

    def records() -> Any:
        for line, cells in zip(lines, _read_records(path, spans)):
            typed: dict[str, Any] = {}
            cell_problems = []
            for name, text in zip(header, cells):
                try:
                    typed[name] = flat.parse_cell(kinds[name], text)
                except flat.CellError as exc:
                    cell_problems.append(problem(exc.code, file=str(path), row=line, line=line, field=name,
                                                 value=text))
            yield _flat_record(line, typed, cell_problems, {}, frozenset())

    # the points of a batch of records judged at once, as the row engine reads a file (one k-d tree
    # query each: 10,000 flagged rows asked it one point at a time for a second)
    for record in prefetch_places(records()):
        where = {"file": str(path), "row": record.row, "line": record.row}
        event, problems = validate_record(record.data, ctx, where, record.cell_problems, record.absent, build=build)
        yield record.row, event, problems


def _exact_problems(path: Path, spans: list[tuple[int, int]], lines: list[int], today: dt.date) -> dict[int, list[Problem]]:
    """The row engine's problems for these records, by line: the exact messages."""
    return {line: problems for line, _, problems in
            row_engine_records(path, _header(path) or [], spans, lines, Context(today=today))}


def check_files_auto(paths: list[Path], *, input_format: str | None = None, encoding: str = "utf-8",
                     max_errors: int | None = None, threshold: int = SQL_THRESHOLD_BYTES) -> Any:
    """`cedar check`'s choice of engine: the SQL engine when every file is a CSV of at least
    `threshold` bytes that it accepts, else the row engine (check.check_files) for all of them.

    Below the threshold (4 MB, about 12,000 rows) the row engine is as fast (DuckDB's planning of
    the query takes about 0.2 s) and its messages are the exact ones without a second pass."""
    from cedar.validate.check import CheckResult, check_files

    if paths and all(p.is_file() and p.stat().st_size >= threshold and accepts(p, input_format, encoding)
                     for p in paths):
        report = Report(check="submission", max_errors=max_errors)
        seen = repeats.Repeats()  # refs and event_ids used twice, across all the files
        for path in paths:
            report.files.append(str(path))
            if not check_csv(path, report, seen=seen):
                break
            if report.full:
                break
        else:
            report.extra["engine"] = "sql"
            return CheckResult(report)
    return check_files(paths, input_format=input_format, encoding=encoding, max_errors=max_errors)
