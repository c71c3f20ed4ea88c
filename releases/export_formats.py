"""The writers of `cedar export` (releases/export.py), one per format, each reading the view
`selected` of an export's DuckDB connection in batches and writing one file at a temporary path.

What each format cannot hold is made to fit and said in the result's notes: Stata's variable names
(32 characters of letters, digits and _), Excel's 32,767 characters per cell and the control
characters XML refuses. Excel's 1,048,576 rows are checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import typing
from pathlib import Path
from typing import Any, Iterator

from cedar.errors import UsageError
from cedar.paths import NoSpace
from cedar.schema import vocab
from cedar.schema.model import Event, field_meta

from .acled_export import copy_acled_csv

EXTRA = "export"  # the optional dependencies: pip install 'cedar-events[export]'
NEEDS = {"stata": ("pyreadstat", "pyreadstat"), "excel": ("xlsxwriter", "XlsxWriter")}
EXCEL_MAX_ROWS = 1_048_576 - 1  # a sheet's rows, less the header
EXCEL_MAX_CELL = 32_767  # characters in one cell
STATA_LABEL = 80  # characters of a variable label or a file label
BATCH = 10_000  # rows fetched at a time


def require(fmt: str) -> None:
    """The optional library a format needs, or a wrong call that says how to install it."""
    if fmt not in NEEDS:
        return
    module, package = NEEDS[fmt]
    try:
        __import__(module)
    except ImportError:
        raise UsageError(f"Writing this format needs {package}, which is not installed.",
                         f"Install Cedar's `{EXTRA}` extra: pip install 'cedar-events[{EXTRA}]'.") from None


def check_size(fmt: str, rows: int) -> None:
    if fmt == "excel" and rows > EXCEL_MAX_ROWS:
        raise UsageError(f"{rows:,} events do not fit in an Excel sheet, which holds {EXCEL_MAX_ROWS:,} rows "
                         "below its header.",
                         "Narrow the export (--country, --since, --until, --event-type), or export to .dta, "
                         ".geojson or .csv, which have no such limit.")


def write(fmt: str, con: Any, path: Path, result: Any) -> None:
    {"stata": write_dta, "excel": write_xlsx, "geojson": write_geojson, "acled-csv": write_acled}[fmt](
        con, path, result)


def rows(con: Any) -> Iterator[tuple[Any, ...]]:
    """The selected rows as tuples, in the release's order, fetched as they are written: DuckDB's
    Arrow readers (2.0.1) gave the whole result at once, twice the memory for 300,000 events."""
    cur = con.execute("SELECT * FROM selected")
    while True:
        chunk = cur.fetchmany(BATCH)
        if not chunk:
            return
        yield from chunk


def schema(con: Any) -> Any:
    return con.sql("SELECT * FROM selected LIMIT 0").to_arrow_table().schema


def description(name: str) -> str:
    field = Event.model_fields.get(name)
    return (field.description or "") if field else ""


# --- ACLED-layout CSV ---------------------------------------------------------------------------------

def write_acled(con: Any, path: Path, result: Any) -> None:
    # one DuckDB thread: with several, DuckDB 2.0.1 wrote row groups of a CSV out of order (releases.build)
    con.execute("SET threads = 1")
    copy_acled_csv(con, "selected", path, inter_labels=result.inter == "labels")


# --- GeoJSON ------------------------------------------------------------------------------------------

def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_geojson(con: Any, path: Path, result: Any) -> None:
    """A FeatureCollection of points, [longitude, latitude] (RFC 7946), streamed: every event
    column is a property, lists as arrays, dates as YYYY-MM-DD, times as UTC ISO 8601."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('{"type": "FeatureCollection", "features": [')
        first = True
        names = schema(con).names
        for row in rows(con):
            props = {k: _json_value(v) for k, v in zip(names, row)}
            lon, lat = props.get("longitude"), props.get("latitude")
            geometry = ({"type": "Point", "coordinates": [lon, lat]}
                        if lon is not None and lat is not None else None)
            feature = {"type": "Feature", "id": props.get("event_id"), "geometry": geometry,
                       "properties": props}
            fh.write(("\n" if first else ",\n") + json.dumps(feature, ensure_ascii=False, allow_nan=False))
            first = False
        fh.write("\n]}\n")


# --- Excel --------------------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _Fitter:
    """Text made to fit a cell, counting what was changed for the notes."""

    def __init__(self) -> None:
        self.cut = 0
        self.stripped = 0

    def text(self, value: str) -> str:
        if _ILLEGAL_XML.search(value):
            value = _ILLEGAL_XML.sub("", value)
            self.stripped += 1
        if len(value) > EXCEL_MAX_CELL:
            value = value[:EXCEL_MAX_CELL]
            self.cut += 1
        return value

    def notes(self) -> list[str]:
        out = []
        if self.cut:
            out.append(f"{self.cut} text cells were cut to Excel's {EXCEL_MAX_CELL:,} characters.")
        if self.stripped:
            out.append(f"{self.stripped} text cells lost control characters that Excel cannot hold.")
        return out


def _excel_rows(con: Any, fit: _Fitter) -> Iterator[list[Any]]:
    for row in rows(con):
        cells: list[Any] = []
        for value in row:
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            if isinstance(value, str):
                value = fit.text(value)
            elif isinstance(value, dt.datetime) and value.tzinfo is not None:
                value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)  # Excel has no zones: UTC
            elif isinstance(value, float) and not math.isfinite(value):
                value = None
            cells.append(value)
        yield cells


# Text stays text: never a formula, a number or a link made from it.
_XLSX_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                 "strings_to_urls": False, "default_date_format": "yyyy-mm-dd"}


def write_xlsx(con: Any, path: Path, result: Any) -> None:
    """Sheet `events` (a bold, frozen header, then one row per event, written as read: XlsxWriter's
    constant-memory mode) and sheet `codebook`."""
    import xlsxwriter  # optional (the export extra)
    from xlsxwriter.exceptions import XlsxWriterException

    wb = xlsxwriter.Workbook(str(path), _XLSX_OPTIONS)
    try:
        _fill_workbook(wb, con, result)
        wb.close()
    except XlsxWriterException as exc:  # it wraps the OSError of a full disk
        cause = exc.__context__ if isinstance(exc.__context__, OSError) else None
        raise NoSpace(f"The Excel writer could not write the file ({cause or exc}). Nothing was written.",
                      "Check the free disk space (and the file-size limit), then run the command again.") from None


def _fill_workbook(wb: Any, con: Any, result: Any) -> None:
    wb.set_properties({"title": f"Cedar release {result.version}"})
    bold, times = wb.add_format({"bold": True}), wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws = wb.add_worksheet("events")
    ws.freeze_panes(1, 0)
    names = schema(con).names
    ws.write_row(0, 0, names, bold)
    fit = _Fitter()
    for n, cells in enumerate(_excel_rows(con, fit), start=1):
        for col, value in enumerate(cells):
            if isinstance(value, dt.datetime):
                ws.write_datetime(n, col, value, times)
            elif value is not None:
                ws.write(n, col, value)
    book = wb.add_worksheet("codebook")
    book.freeze_panes(1, 0)
    book.write_row(0, 0, ["column", "meaning", "values", "ACLED column"], bold)
    for n, row in enumerate(codebook_rows(names, result.inter), start=1):
        book.write_row(n, 0, [fit.text(v) for v in row])
    result.notes += fit.notes()


def _vocabulary(name: str) -> str:
    field = Event.model_fields.get(name)
    if field is None:
        return ""
    for arg in (field.annotation, *typing.get_args(field.annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return ", ".join(str(v) for v in typing.get_args(arg))
    return ""


def codebook_rows(names: list[str], inter: str) -> list[list[str]]:
    """(column, meaning, values, ACLED column) of each exported column, from the event model."""
    codes = "; ".join(f"{k} = {v}" for k, v in vocab.ACTOR_TYPES.items())
    rows = []
    for name in names:
        values = _vocabulary(name)
        if name in ("inter1", "inter2"):
            values = ("labels: " if inter == "labels" else "codes: ") + codes
        elif name == "interaction" and inter == "labels":
            values = "the two actors' labels, the smaller code first (\"A-B\"), or \"A only\""
        rows.append([name, description(name), values, str(field_meta(name).get("acled", "")) if name in
                     Event.model_fields else ""])
    return rows


# --- Stata --------------------------------------------------------------------------------------------

_STATA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
_STATA_RESERVED = {"_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
                   "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with"}


def stata_names(names: list[str]) -> dict[str, str]:
    """A valid, distinct Stata variable name for each column (most stay as they are)."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        new = name
        if not _STATA_NAME.fullmatch(name) or name in _STATA_RESERVED:
            new = re.sub(r"[^A-Za-z0-9_]", "_", name)
            if not new or new[0].isdigit() or new in _STATA_RESERVED:
                new = "v_" + new
        base = new = new[:32]
        n = 1
        while new.casefold() in taken:  # Stata tells names apart by case; users rarely do
            n += 1
            new = f"{base[:32 - len(str(n)) - 1]}_{n}"
        taken.add(new.casefold())
        out[name] = new
    return out


# Stata counts days (%td) and milliseconds (%tc) from 1960-01-01; Arrow from 1970-01-01.
STATA_EPOCH_DAYS = 3653
STATA_EPOCH_MS = STATA_EPOCH_DAYS * 86_400_000


def _stata_frame(con: Any) -> tuple[Any, set[str], dict[str, str]]:
    """The selected rows as a pandas frame Stata can hold; returns it with the names of the yes/no
    columns (written as 0/1 with value labels) and the Stata formats of the date and time columns,
    which are written as Stata's own numbers (days, milliseconds since 1960), nulls as missing."""
    import pandas as pd  # heavy: only when Stata is written
    import pyarrow as pa
    import pyarrow.compute as pc

    table = con.sql("SELECT * FROM selected").to_arrow_table()
    columns: dict[str, Any] = {}
    flags: set[str] = set()
    formats: dict[str, str] = {}
    for name, col in zip(table.column_names, table.columns):
        t = col.type
        if pa.types.is_list(t):
            col = pc.fill_null(pc.binary_join(col, "; "), "")
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            # Stata has no missing text: empty; NUL cannot be stored
            columns[name] = pc.replace_substring(pc.fill_null(col, ""), "\x00", "").to_pandas()
        elif pa.types.is_timestamp(t):
            ms = pc.divide(pc.cast(col.cast(pa.timestamp("us", tz=t.tz)), pa.int64()), 1000)
            columns[name] = pc.add(pc.cast(ms, pa.float64()), float(STATA_EPOCH_MS)).to_pandas()
            formats[name] = "%tc"
        elif pa.types.is_date(t):
            days = pc.add(pc.cast(col.cast(pa.date32()), pa.int32()), STATA_EPOCH_DAYS)
            columns[name] = days.cast(pa.float64()).to_pandas()
            formats[name] = "%td"
        elif pa.types.is_boolean(t):
            flags.add(name)
            columns[name] = col.cast(pa.float64()).to_pandas()
        elif pa.types.is_integer(t):
            small = col.null_count == 0 and (len(col) == 0 or
                                             max(abs(pc.min(col).as_py()), abs(pc.max(col).as_py())) < 2**31 - 64)
            columns[name] = col.cast(pa.int32() if small else pa.float64()).to_pandas()
        else:
            columns[name] = col.cast(pa.float64()).to_pandas()
    return pd.DataFrame(columns), flags, formats


def stata_label(text: str) -> str:
    """A codebook description as a Stata label (80 characters): whole when it fits, else its first
    clause or sentence when that fits, else cut at a word and marked with '...'."""
    text = " ".join(text.split())
    if len(text) <= STATA_LABEL:
        return text
    for stop in (". ", "; "):
        head = text.split(stop, 1)[0].rstrip(".")
        whole = head.count("(") == head.count(")") and not head.endswith(("e.g", "i.e"))
        if whole and 20 <= len(head) <= STATA_LABEL:
            return head
    return text[:STATA_LABEL - 3].rsplit(" ", 1)[0].rstrip(",;:") + "..."


def write_dta(con: Any, path: Path, result: Any) -> None:
    """Stata 15 (.dta 119): variable labels from the codebook, dates as %td, times (UTC) as %tc,
    yes/no columns as 0/1 with value labels, inter codes with their labels, text without a length
    limit (strL past 2,045 bytes), lists joined with "; "."""
    import pyreadstat  # optional (the export extra)

    frame, flags, formats = _stata_frame(con)
    names = stata_names(list(frame.columns))
    renamed = {k: v for k, v in names.items() if k != v}
    if renamed:
        result.notes.append("Renamed for Stata: " + ", ".join(f"{k} -> {v}" for k, v in renamed.items()) + ".")
    frame = frame.rename(columns=names)
    labels = {names[c]: stata_label(description(c)) or None for c in names}
    value_labels: dict[str, dict[int | float, str]] = {names[c]: {0: "no", 1: "yes"} for c in flags}
    if result.inter == "numbers":
        for c in ("inter1", "inter2"):
            if c in names and str(frame[names[c]].dtype) in ("int32", "float64"):
                value_labels[names[c]] = dict(vocab.ACTOR_TYPES.items())
    try:
        pyreadstat.write_dta(frame, str(path), file_label=f"Cedar release {result.version}"[:STATA_LABEL],
                             column_labels=labels, variable_value_labels=value_labels,
                             variable_format={names[c]: f for c, f in formats.items()})
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as exc:
        # ReadStat says only "Unable to write data": a full disk or a file-size limit, as a rule
        raise NoSpace(f"The Stata writer could not write the file ({exc}). Nothing was written.",
                      "Check the free disk space (and the file-size limit), then run the command again.") from None
