"""What every importer shares: reading a peer export row by row with the line each row starts on,
refusing a row with a reason (the rest go on), refusing a file whose layout is unknown, and
checking every mapped event with the very rules of `cedar check` before it is written.

An importer is a generator of `Mapped` rows (an event's nested data, or a `Refusal`) plus the
warnings met on the way; `run` turns that into an `ImportResult`.
"""

from __future__ import annotations

import contextlib
import csv
import zipfile
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from cedar.errors import CedarError
from cedar.validate.report import ERROR, WARNING, Problem, Report, problem

csv.field_size_limit(sys.maxsize)


class LayoutError(CedarError):
    """The file is not in a layout the importer knows: says what it found and what it expected."""

    def __init__(self, path: Path, found: str, expected: str, hint: str | None = None):
        super().__init__(f"{path} is not in a layout this importer knows: it has {found}; expected {expected}.",
                         hint, exit_code=1)
        self.found, self.expected = found, expected


class Refuse(Exception):
    """A row that cannot be mapped: `code` names why, `message` says it to a person."""

    def __init__(self, code: str, message: str, field: str | None = None, value: Any = None):
        super().__init__(message)
        self.code, self.message, self.field, self.value = code, message, field, value


@dataclass
class Note:
    """A warning met while mapping a row (a misspelled label mapped, a range repaired)."""

    code: str
    message: str
    field: str | None = None
    value: Any = None


@dataclass
class RawRow:
    line: int  # the line in the file the row starts on (1 = the first line)
    cells: list[str]
    error: str | None = None  # the CSV reader's complaint, for a row it could not split


def read_rows(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> Iterator[RawRow]:
    """Every row of a delimited text file with the line it starts on; a row the reader cannot split
    (a stray quote, a file that ends inside a quoted value) comes back with `error` set instead of
    raising, and reading goes on with the next line. A zip archive with one file (as GDELT publishes
    its exports) is read from inside; a UTF-8 byte-order mark is skipped."""
    import codecs
    import io

    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    with contextlib.ExitStack() as stack:
        if zipfile.is_zipfile(path):
            archive = stack.enter_context(zipfile.ZipFile(path))
            members = [m for m in archive.infolist() if not m.is_dir()]
            if any(m.filename.startswith("xl/") for m in members):
                raise CedarError(f"{path} is an Excel workbook, not a CSV export.",
                                 "Save it as CSV (UTF-8) or download the CSV export, and import that.", exit_code=1)
            if len(members) != 1:
                raise CedarError(f"{path} is a zip archive with {len(members)} files; expected one export inside.",
                                 "Unzip it and import the export file itself.", exit_code=1)
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
                raise CedarError(f"{path} is not {encoding.removesuffix('-sig')} text near line "
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
        raise Refuse("not-an-integer", f"{name} is '{v}', not a whole number.", name, v) from None
    if not f.is_integer():
        raise Refuse("not-an-integer", f"{name} is '{v}', not a whole number.", name, v)
    return int(f)


def number(value: str | None, name: str) -> float | None:
    v = text(value)
    if v is None:
        return None
    try:
        return float(v)
    except ValueError:
        raise Refuse("not-a-number", f"{name} is '{v}', not a number.", name, v) from None


_DATE_FORMATS = ("%Y-%m-%d", "%d-%b-%y", "%d-%b-%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%Y%m%d")


def date(value: str | None, name: str, formats: Iterable[str] = _DATE_FORMATS) -> dt.date:
    """A date in one of the unambiguous forms peer exports use (2020-05-09, 9-May-20, 09 May 2020);
    day/month forms such as 5/9/2020 are refused, as the order of day and month cannot be told."""
    v = text(value)
    if v is None:
        raise Refuse("missing-value", f"{name} is empty: the event has no date.", name, None)
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
    raise Refuse("not-a-date", f"{name} '{v}' is not a date in a form this importer reads (2020-05-09, 9-May-20 or "
                 "09 May 2020; day/month forms like 5/9/2020 are ambiguous).", name, v)


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """An event's nested data with empty values dropped and dates as ISO text, ready for JSON Lines."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if v is None or v == [] or v == "":
            continue
        if isinstance(v, (dt.date, dt.datetime)):
            v = v.isoformat()
        elif isinstance(v, list):
            v = [jsonable(x) if isinstance(x, dict) else x for x in v]
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


@dataclass
class ImportedEvent:
    row: int
    data: dict[str, Any]  # JSON-ready nested event, as written to the submission
    event: Any  # the checked cedar Event


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
        """The submission: one nested event a line, in file order (written whole, then renamed)."""
        tmp = out.with_name(out.name + ".part")
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            for item in self.events:
                f.write(json.dumps(item.data, ensure_ascii=False) + "\n")
        tmp.replace(out)


# Warnings reported once with the rows they recur on (the same misspelling in every row of a file).
REPEATING = {"misspelled-label", "unknown-label", "derived-differs"}


def _ranges(lines: list[int], limit: int = 20) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    return shown + (f" and {len(lines) - limit} more" if len(lines) > limit else "")


def run(dataset: str, path: Path, rows: Iterator[Mapped], *, strict: bool = False,
        on_row: Callable[[], None] | None = None) -> ImportResult:
    """Check every mapped row with the rules of `cedar check`; collect events, refusals and warnings."""
    import time

    from cedar.schema.rules import Context
    from cedar.validate.rows import validate_record

    started = time.perf_counter()
    report = Report(check=f"import-{dataset}")
    report.files.append(str(path))
    result = ImportResult(dataset, path, report, strict=strict)
    refusal_severity = ERROR if strict else WARNING
    ctx = Context()
    seen: dict[str, int] = {}
    f = str(path)
    repeats: dict[tuple[str, Any], list[int]] = {}  # a warning met again is counted, not repeated
    last: int | None = None
    for m in rows:
        last = m.line if m.refusal is None else None
        result.rows_read += 1
        if on_row:
            on_row()
        for n in m.notes:
            key = (n.code, str(n.value) if n.code in REPEATING else m.line)
            if key in repeats:
                repeats[key].append(m.line)
                continue
            repeats[key] = [m.line]
            report.add(Problem(n.code, n.message, WARNING, f, m.line, m.line, n.field, n.value))
        reasons: list[Problem] = []
        if m.refusal is None and m.external_id and m.external_id in seen:
            m.refusal = Refuse("duplicate-external-id", f"{m.external_id} is also row {seen[m.external_id]} of this "
                               "file: one event, one row; this row is left out.", "external_ids", m.external_id)
        if m.refusal is not None:
            r = m.refusal
            reasons.append(Problem(r.code, f"Row refused: {r.message}", refusal_severity, f, m.line, m.line,
                                   r.field, r.value))
        else:
            where = {"file": f, "row": m.line, "line": m.line}
            event, problems = validate_record(m.data, ctx, where)
            for p in problems:
                if p.severity == ERROR:
                    reasons.append(Problem(p.code, f"Row refused: the event it maps to fails `cedar check`: "
                                           f"{p.message}", refusal_severity, f, m.line, m.line, p.field, p.value))
                else:
                    report.add(p)
            if event is not None:
                result.events.append(ImportedEvent(m.line, m.data, event))
                if m.external_id:
                    seen[m.external_id] = m.line
        if reasons:
            report.extend(reasons)
            result.refused[m.line] = [p.message.removeprefix("Row refused: ") for p in reasons]
        report.rows_checked += 1
    if last is not None and not zipfile.is_zipfile(path) and not ends_with_newline(path):
        report.add(problem("no-final-line-break", file=f, row=last, line=last))
    for (code, value), lines in repeats.items():
        if len(lines) > 1:
            report.add(Problem(code, f"The same ({code}) applies to {len(lines) - 1} more row(s): "
                               f"{_ranges(lines[1:])}.", WARNING, f, None, None, None, value))
    result.seconds = time.perf_counter() - started
    return result
