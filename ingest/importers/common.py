"""What every importer shares: reading a peer export row by row with the line each row starts on,
refusing a row with a reason (the rest go on), refusing a file whose layout is unknown, and
checking every mapped event with the very rules of `cedar check` before it is written.

An importer is a generator of `Mapped` rows (an event's nested data, or a `Refusal`) plus the
warnings met on the way; `run` turns that into an `ImportResult`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import json
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Literal

from cedar import paths
from cedar.errors import DataError, UsageError
from cedar.schema import vocab
from cedar.schema.rules import RULES, Context
from cedar.validate.readers import FORMATS
from cedar.validate.records import COMPANIONS, companion_path
from cedar.validate.report import ERROR, WARNING, Report, problem, reworded
from cedar.validate.rows import Shared, event_of, prefetch_places, validate_record

from . import submission_files

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


@dataclass
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

@dataclass
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

MapRow = Callable[[dict[str, str], list[Note]], tuple[dict[str, Any], str]]


def _split_error(error: str) -> Refuse:
    """A row the CSV reader could not split: cut off when the file ends inside a quoted value."""
    return Refuse("cut-off-row" if error == "unexpected end of data" else "bad-csv", detail=error)


def mapped_rows(rows: Iterator[RawRow], columns: list[str] | tuple[str, ...], expected: str, map_row: MapRow, *,
                note: Note | None = None) -> Iterator[Mapped]:
    """Every row of an export mapped by `map_row` (cells by column name), or refused: a row the reader could
    not split, or with more or fewer cells than `columns` (`expected` says whose: "the header"). Blank rows
    are skipped; `note` (columns left out, say) goes with the first row."""
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
                m.data, m.external_id = map_row(dict(zip(columns, raw.cells)), m.notes)
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


class ImportedEvent:
    """A row that passed the check: its JSON-ready nested event (as written to the submission) and the checked
    cedar Event, built only when asked for (a flat submission, matching): building it is a third of the check's
    time, and a JSON Lines submission is written from the data alone."""

    __slots__ = ("row", "data", "_event")

    def __init__(self, row: int, data: dict[str, Any], event: Any = None):
        self.row, self.data, self._event = row, data, event

    @property
    def event(self) -> Any:
        if self._event is None:
            self._event = event_of(self.data)
        return self._event

    @property
    def fields(self) -> "EventFields":
        """The event's actors, types and country, read from the data (as the Event has them: the check of
        an import has no actor registry, so it replaces no alias)."""
        return EventFields(self.data) if self._event is None else self._event


class EventFields:
    """The fields of an event's data that the registry's rules read, by attribute as of an Event (absent ones
    None): copied once, as they are read a dozen times a row."""

    __slots__ = ("actor1", "inter1", "actor2", "inter2", "assoc_actor_1", "assoc_actor_2", "iso3")

    def __init__(self, data: dict[str, Any]):
        get = data.get
        self.actor1, self.inter1, self.actor2, self.inter2 = get("actor1"), get("inter1"), get("actor2"), get("inter2")
        self.assoc_actor_1, self.assoc_actor_2, self.iso3 = get("assoc_actor_1"), get("assoc_actor_2"), get("iso3")


@dataclass
class ImportResult:
    dataset: str
    path: Path
    report: Report
    events: list[ImportedEvent] = field(default_factory=list)
    refused: dict[int, list[str]] = field(default_factory=dict)  # row -> reasons
    rows_read: int = 0
    seconds: float = 0.0
    strict: bool = False
    deletions: list[tuple[int, str, str]] | None = None  # (row, external id, deleted on) for a deletions file

    @property
    def imported(self) -> int:
        return len(self.events) if not self.refused_all else 0

    @property
    def refused_all(self) -> bool:
        return self.strict and bool(self.refused)

    def summary(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "file": str(self.path), "rows_read": self.rows_read,
                "imported": self.imported, "refused": len(self.refused), "strict": self.strict,
                "refused_rows": {str(r): reasons for r, reasons in self.refused.items()},
                "seconds": round(self.seconds, 3)}

    def write_jsonl(self, out: Path) -> None:
        """The submission as JSON Lines, whatever `out` is named (the store's own ingest reads it)."""
        replace_file(out, lambda f: submission_files.write_jsonl([e.data for e in self.events], f))

    def write(self, out: Path) -> list[Path]:
        """The submission in the format `out`'s ending names (see `write_submission`)."""
        return write_submission(self.events, out)


# --- the submission file ----------------------------------------------------------------------

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


def write_submission(events: list[ImportedEvent], out: Path) -> list[Path]:
    """The events as a submission in the format `out`'s ending names: JSON Lines (.jsonl, .ndjson), a JSON
    array (.json), or a flat file (.csv, .parquet) with its companion tables NAME.sources.csv and
    NAME.claims.csv (both written, one perhaps with its header only, so that an older companion beside the
    file is not read with the new one). Returns the files written, the submission first."""
    fmt = submission_format(out)
    if fmt == "jsonl":
        replace_file(out, lambda f: submission_files.write_jsonl([e.data for e in events], f))
        return [out]
    if fmt == "json":
        replace_file(out, lambda f: f.write_text(
            "[\n" + ",\n".join(json.dumps(e.data, ensure_ascii=False) for e in events) + "\n]\n", encoding="utf-8"))
        return [out]
    rows, companions = submission_files.flat_rows([(e.data, e.event) for e in events])
    write = submission_files.write_parquet if fmt == "parquet" else submission_files.write_csv
    replace_file(out, functools.partial(write, rows))
    written = [out]
    for part, table in companions.items():
        path = companion_path(out, part)
        replace_file(path, functools.partial(submission_files.write_table, table=table))
        written.append(path)
    return written


# Warnings reported once with the rows they recur on (the same misspelling in every row of a file).
REPEATING = {"misspelled-label", "unknown-label", "derived-differs"}


def _ranges(lines: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def run(dataset: str, path: Path, rows: Iterator[Mapped], *, strict: bool = False,
        on_row: Callable[[], None] | None = None) -> ImportResult:
    """Check every mapped row with the rules of `cedar check`; collect events, refusals and warnings."""
    collecting = gc.isenabled()
    gc.disable()  # the heap of checked events grows with every row: collections over it cost a fifth of the time
    try:
        return _run(dataset, path, rows, strict=strict, on_row=on_row)
    finally:
        if collecting:
            gc.enable()


def _run(dataset: str, path: Path, rows: Iterator[Mapped], *, strict: bool,
         on_row: Callable[[], None] | None) -> ImportResult:
    started = time.perf_counter()
    report = Report(check=f"import-{dataset}")
    report.files.append(str(path))
    result = ImportResult(dataset, path, report, strict=strict)
    severity = ERROR if strict else WARNING  # of a refused row
    ctx = Context()
    shared = Shared()  # the rules' findings per distinct labels, actors and countries
    seen: dict[str, int] = {}
    f = str(path)
    repeats: dict[tuple[str, Any], list[int]] = {}  # a warning met again is counted, not repeated
    last: int | None = None
    for m in prefetch_places(rows):  # the gazetteer asked for a batch of points at a time
        last = m.line if m.refusal is None else None
        result.rows_read += 1
        if on_row:
            on_row()
        _note(report, f, m, repeats)
        if m.refusal is None and m.external_id and m.external_id in seen:
            m.refusal = Refuse("duplicate-external-id", "external_ids", m.external_id, first=seen[m.external_id])
        if m.refusal is not None:
            r = m.refusal
            reason = problem(r.code, file=f, row=m.line, line=m.line, field=r.field, value=r.value, **r.params)
            reasons = [reworded(reason, "row-refused", severity=severity)]
        else:
            assert m.data is not None  # a row is mapped when nothing refused it
            where = {"file": f, "row": m.line, "line": m.line}
            _, problems = validate_record(m.data, ctx, where, build=False, shared=shared)
            reasons = [reworded(p, "row-refused-by-check", severity=severity) for p in problems if p.severity == ERROR]
            report.extend(p for p in problems if p.severity != ERROR)
            if not reasons:  # a rule that filled a value (a warning) left the Event apart from the data: built now
                event = validate_record(m.data, Context(), where)[0] if problems else None
                result.events.append(ImportedEvent(m.line, m.data, event))
                if m.external_id:
                    seen[m.external_id] = m.line
        if reasons:
            report.extend(reasons)
            result.refused[m.line] = [p.message.removeprefix("Row refused: ") for p in reasons]
        report.rows_checked += 1
    if dataset == "acled":  # GDELT's and UCDP's actor names are generic ("CHINA"); their types vary by event
        _refuse_type_outliers(result, severity)
    if last is not None and not zipfile.is_zipfile(path) and not ends_with_newline(path):
        report.add(problem("no-final-line-break", file=f, row=last, line=last))
    for (code, value), lines in repeats.items():
        if len(lines) > 1:
            report.add(problem(code, file=f, value=value, severity=WARNING, worded_as="warning-repeated", warning=code,
                               count=len(lines) - 1, rows=_ranges(lines[1:])))
    result.seconds = time.perf_counter() - started
    return result


def _refuse_type_outliers(result: ImportResult, severity: str) -> None:
    """Rows that code an actor with another type than the file's commonest (in ACLED's context: a state's forces
    are 1 at home, 8 abroad) are refused: the store's registry would learn the commonest and refuse these rows
    on the next import of the same file, so they are refused on the first."""
    from cedar.ingest.actors import Registry, learned_from

    fields = [i.fields for i in result.events]  # read once for both passes
    registry = Registry([], learned=learned_from(fields))
    contradiction = functools.lru_cache(maxsize=None)(registry.type_contradiction)  # few actors, many rows
    keep = []
    f = str(result.path)
    for item, e in zip(result.events, fields):
        reasons: list[Any] = []
        for actor, inter in (("actor1", "inter1"), ("actor2", "inter2")):
            name, given = getattr(e, actor), getattr(e, inter)
            expected = contradiction(name, given, e.iso3) if name else None
            if expected:
                p = problem("actor-type-differs-in-file", file=f, row=item.row, line=item.row, field=inter,
                            value=given, actor=name, expected=expected, label=vocab.ACTOR_TYPES.get(expected, ""))
                reasons.append(reworded(p, "row-refused", severity=severity))
        if reasons:
            result.report.extend(reasons)
            result.refused[item.row] = [p.message.removeprefix("Row refused: ") for p in reasons]
        else:
            keep.append(item)
    result.events = keep


def _note(report: Report, f: str, m: Mapped, repeats: dict[tuple[str, Any], list[int]]) -> None:
    """The row's warnings, each reported once a row, and those of REPEATING once a value (counted after)."""
    for n in m.notes:
        key = (n.code, str(n.value) if n.code in REPEATING else m.line)
        if key in repeats:
            repeats[key].append(m.line)
            continue
        repeats[key] = [m.line]
        report.add(problem(n.code, file=f, row=m.line, line=m.line, field=n.field, value=n.value, severity=WARNING,
                           **n.params))
