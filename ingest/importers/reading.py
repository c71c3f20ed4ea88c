"""Reading a peer export: its rows with the line each starts on, the cells' values (text, numbers, dates, lists),
refusing a row with a reason (the rest go on) or a file whose layout is unknown, and mapping every row of an
export by an importer's `map_row` into a `Mapped` row (an event's nested data, or a `Refuse`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Literal

from cedar.errors import DataError
from cedar.schema.rules import RULES
from cedar.validate.report import problem

csv.field_size_limit(sys.maxsize)

class LayoutError(DataError):
    """The file is not in a layout the importer knows: says what it found and what it expected. The data is
    at fault (exit 1), as with a row refused; the message is the one a JSON report gives (unknown-layout)."""

    def __init__(self, path: Path, found: str, expected: str, hint: str | None = None):
        super().__init__(RULES["unknown-layout"].render(file=path, value=found, expected=expected, hint=""), hint)
        self.path, self.found, self.expected = path, found, expected


class Refuse(Exception):
    """A row that cannot be mapped: `code` (declared in cedar.schema.rules_import or rules_input) names why,
    and its template says it with the field, the value and `params`."""

    def __init__(self, code: str, field: str | None = None, value: Any = None, **params: Any):
        super().__init__(code)
        self.code, self.field, self.value, self.params = code, field, value, params


class Note:
    """A warning met while mapping a row (a misspelled label mapped, a range repaired): a declared code,
    and the field, value and params its template says it with."""

    def __init__(self, code: str, field: str | None = None, value: Any = None, **params: Any):
        self.code, self.field, self.value, self.params = code, field, value, params


@dataclass(slots=True)
class RawRow:
    line: int  # the line in the file the row starts on (1 = the first line)
    cells: list[str]
    error: str | None = None  # the CSV reader's complaint, for a row it could not split
    last: bool = False  # the file's last row
    unterminated: bool = False  # the last row, and the file ends without a line break after it


def read_rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> Iterator[RawRow]:
    """Every row of a delimited text file with the line it starts on; a row the reader cannot split
    (a stray quote, a file that ends inside a quoted value) comes back with `error` set instead of
    raising, and reading goes on with the next line. A zip archive with one file (as GDELT publishes
    its exports) is read from inside; a UTF-8 byte-order mark is skipped. The last row says so, and
    whether the file ends without a line break after it (cut off, perhaps)."""
    held: RawRow | None = None
    for raw in _rows(path, delimiter, encoding):
        if held is not None:
            yield held
        held = raw
    if held is not None:
        held.last = True
        held.unterminated = not zipfile.is_zipfile(path) and not ends_with_newline(path)
        yield held


def _rows(path: Path, delimiter: str, encoding: str) -> Iterator[RawRow]:
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    quoting: Literal[0, 3] = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    f: IO[str]
    with contextlib.ExitStack() as stack:
        if zipfile.is_zipfile(path):
            archive = stack.enter_context(zipfile.ZipFile(path))
            members = [m for m in archive.infolist() if not m.is_dir()]
            if any(m.filename.startswith("xl/") for m in members):
                raise DataError(f"{path} is an Excel workbook, not a CSV export.",
                                "Save it as CSV (UTF-8) or download the CSV export, and import that.")
            if len(members) != 1:
                raise DataError(f"{path} is a zip archive with {len(members)} files; expected one export inside.",
                                "Unzip it and import the export file itself.")
            f = io.TextIOWrapper(stack.enter_context(archive.open(members[0])), encoding=encoding, newline="")
        else:
            codecs.lookup(encoding)
            f = stack.enter_context(open(path, encoding=encoding, newline="", errors="strict"))
        reader = csv.reader(f, delimiter=delimiter, quoting=quoting, strict=True)
        start = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRow(start, [], str(exc))
                start = reader.line_num + 1
                continue
            except UnicodeDecodeError as exc:
                raise DataError(f"{path} is not {encoding.removesuffix('-sig')} text near line "
                                f"{reader.line_num + 1} ({exc.reason}).",
                                "Peer exports are UTF-8; name the file's encoding with --encoding (e.g. latin-1), "
                                "or save it as UTF-8.") from None
            yield RawRow(start, cells)
            start = reader.line_num + 1


def ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as f:
        f.seek(0, 2)
        if f.tell() == 0:
            return True
        f.seek(-1, 2)
        return f.read(1) in (b"\n", b"\r")


# --- values -----------------------------------------------------------------------------------

def text(value: str | None) -> str | None:
    """A cell as text, or None when it is empty (or only blanks)."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def split_list(value: str | None, sep: str = ";") -> list[str]:
    """'a; b;; a' -> ['a', 'b']: items stripped, empty ones and repeats dropped, order kept."""
    out: list[str] = []
    for item in (value or "").split(sep):
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def integer(value: str | None, name: str) -> int | None:
    v = text(value)
    if v is None:
        return None
    try:
        f = float(v)
    except ValueError:
        raise Refuse("not-an-integer", name, v) from None
    if not f.is_integer():
        raise Refuse("not-an-integer", name, v)
    return int(f)


def number(value: str | None, name: str) -> float | None:
    v = text(value)
    if v is None:
        return None
    try:
        return float(v)
    except ValueError:
        raise Refuse("not-a-number", name, v) from None


_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d-%b-%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%Y%m%d")
# The forms a refusal names as examples of those read.
_EXAMPLES = {"%Y-%m-%d": "2020-05-09", "%d-%b-%y": "9-May-20", "%d %B %Y": "09 May 2020", "%Y%m%d": "20200509"}


def date(value: str | None, name: str, formats: tuple[str, ...] = _DATE_FORMATS) -> dt.date:
    """A date in one of the unambiguous forms peer exports use (2020-05-09, 9-May-20, 09 May 2020);
    day/month forms such as 5/9/2020 are refused, as the order of day and month cannot be told."""
    v = text(value)
    if v is None:
        raise Refuse("missing-value", name, None)
    v = v[:10] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", v) else v
    if len(v) == 10 and v[4] == "-" and "%Y-%m-%d" in formats:
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    examples = [_EXAMPLES[f] for f in formats if f in _EXAMPLES]
    raise Refuse("unknown-date-form", name, v, forms=", ".join(examples[:-1]) + " or " * (len(examples) > 1)
                 + examples[-1])


def per_distinct(fn: Callable[..., Any], size: int = 65_536) -> Callable[..., Any]:
    """`fn(*cells, notes)` worked out once per distinct cells, as a peer export repeats its actors, places and
    labels on row after row: the cached call is `f(notes, *cells)`, and gives the result and adds the warnings
    of the first call. A refused value is asked again each time (the refusal and its warnings are not kept).
    The result is shared between rows: callers never change it."""
    cache: dict[tuple[Any, ...], tuple[Any, tuple[Note, ...]]] = {}

    def call(notes: list[Note], *cells: Any) -> Any:
        hit = cache.get(cells)
        if hit is None:
            found: list[Note] = []
            try:
                value = fn(*cells, found)
            finally:
                notes.extend(found)
            if len(cache) >= size:
                cache.clear()
            cache[cells] = (value, tuple(found))
            return value
        if hit[1]:
            notes.extend(hit[1])
        return hit[0]

    return call


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """An event's nested data with empty values dropped and dates as ISO text, ready for JSON Lines."""
    out: dict[str, Any] = {}
    for k, v in data.items():  # by type first: a fifth of the mapping's time went to comparing every value
        t = type(v)
        if t is str or t is int or t is float:
            if v != "":
                out[k] = v
        elif t is list:
            if v:
                out[k] = [jsonable(x) if type(x) is dict else x for x in v]
        elif t is dt.date or t is dt.datetime:
            out[k] = v.isoformat()
        elif v is not None and v != [] and v != "":
            out[k] = v
    return out


# --- the run ----------------------------------------------------------------------------------

@dataclass(slots=True)
class Mapped:
    """One row's outcome: its event data, or the reasons it was refused, and warnings either way."""

    line: int
    data: dict[str, Any] | None = None
    refusal: Refuse | None = None
    notes: list[Note] = field(default_factory=list)
    external_id: str | None = None


# Empty cells at the end of a last row that cannot be mapped: a cut row padded to the header's width. Complete
# rows of the three exports end with at most one empty cell (GED's gwnob).
CUT_EMPTY_CELLS = 2

MapRow = Callable[[Any, list[Note]], tuple[dict[str, Any], str]]  # cells by name (or a list) and the notes


def _split_error(error: str) -> Refuse:
    """A row the CSV reader could not split: cut off when the file ends inside a quoted value."""
    return Refuse("cut-off-row" if error == "unexpected end of data" else "bad-csv", detail=error)


def mapped_rows(rows: Iterator[RawRow], columns: list[str] | tuple[str, ...], expected: str, map_row: MapRow, *,
                note: Note | None = None, by_position: bool = False) -> Iterator[Mapped]:
    """Every row of an export mapped by `map_row` (cells by column name, or the list of cells `by_position`), or
    refused: a row the reader could not split, or with more or fewer cells than `columns` (`expected` says
    whose: "the header"). Blank rows are skipped; `note` (columns left out, say) goes with the first row."""
    first = True
    for raw in rows:
        if raw.error:
            yield Mapped(raw.line, refusal=_split_error(raw.error))
            continue
        if not any(c.strip() for c in raw.cells):
            continue
        m = Mapped(raw.line)
        if first and note:
            m.notes.append(note)
        first = False
        if len(raw.cells) != len(columns):
            m.refusal = Refuse("too-few-cells" if len(raw.cells) < len(columns) else "too-many-cells", None,
                               len(raw.cells), expected=expected, cells=len(columns))
        else:
            try:
                cells = raw.cells if by_position else dict(zip(columns, raw.cells))
                m.data, m.external_id = map_row(cells, m.notes)
            except Refuse as r:
                m.refusal = _cut_off(raw, r)
        yield m


def _cut_off(raw: RawRow, r: Refuse) -> Refuse:
    """A last row that cannot be mapped, in a file that ends without a line break or with its last cells
    empty (a cut row padded out to the header's width, as a spreadsheet saves it), was cut off: said so,
    with the reason the cut row gave ("geo_precision ''")."""
    trailing = 0
    for cell in reversed(raw.cells):
        if cell.strip():
            break
        trailing += 1
    if not raw.last or not (raw.unterminated or trailing >= CUT_EMPTY_CELLS):
        return r
    reason = problem(r.code, field=r.field, value=r.value, **r.params).message.rstrip(".")
    return Refuse("cut-off-last-row", r.field, r.value, reason=reason)

