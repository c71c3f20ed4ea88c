"""A report as text for people (one line a problem, then a summary) and as CSV (one row a problem).

The text shows the file names, columns, values and messages (which quote values) with control
characters escaped (cedar.schema.terminal), so a value cannot drive the terminal; the CSV
neutralises formula-like text (cedar.schema.csvtext) and JSON keeps values exact."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from cedar.schema import flat
from cedar.schema.csvtext import neutralise
from cedar.schema.terminal import printable
from cedar.validate.report import ERROR, WARNING, Report, jsonable

# Warnings of one code shown in full; the rest are counted. A million-row ingest against a young
# registry warns of an unknown actor on every row: hundreds of megabytes of text that nobody reads,
# and seconds to print them. Errors are all shown (--max-errors bounds them); --format json lists all.
WARNINGS_SHOWN_PER_CODE = 100


def render_text(report: Report) -> str:
    lines = []
    heads: dict[tuple[str, str], str] = {}
    # a report of a large ingest repeats a message on many rows (an unknown actor): its text is made once
    tails: dict[tuple[str, type, Any], str] = {}
    shown: dict[str, int] = {}
    for p in report.problems:
        if p.severity == WARNING:
            shown[p.code] = shown.get(p.code, 0) + 1
            if shown[p.code] > WARNINGS_SHOWN_PER_CODE:
                continue
        head = heads.get((p.severity, p.code))
        if head is None:
            head = heads[(p.severity, p.code)] = f"{p.severity.upper():7} {p.code}: "
        if p.file and p.row is not None and p.field and (p.line is None or p.line == p.row):
            where = f"{p.file}, row {p.row}, column {p.field}"  # the commonest form of Problem.where, inline
        else:
            where = p.where()
        try:
            key: tuple[str, type, Any] | None = (p.message, type(p.value), p.value)  # 1 and True hash alike
            tail = tails.get(key)  # type: ignore[arg-type]
        except TypeError:  # a list value
            key = tail = None
        if tail is None:
            value = "" if p.value is None or _in_message(p.value, p.message) else f" [value: {jsonable(p.value)!r}]"
            tail = f"{printable(value)}\n        {printable(p.message)}"
            if key is not None:
                tails[key] = tail
        lines.append(f"{head}{printable(where)}{tail}")
    for code, count in shown.items():
        if count > WARNINGS_SHOWN_PER_CODE:
            lines.append(f"WARNING {code}: {count - WARNINGS_SHOWN_PER_CODE} more like the {WARNINGS_SHOWN_PER_CODE} "
                         "above (--format json lists every one)")
    listed_warnings = sum(shown.values())
    errors, warnings = report.error_count + report.left_out(ERROR), listed_warnings + report.left_out(WARNING)
    files = len(report.files)
    lines.append(f"{'valid' if report.valid else 'INVALID'}: {errors} error{'s' * (errors != 1)}, "
                 f"{warnings} warning{'s' * (warnings != 1)} in {report.rows_checked} "
                 f"row{'s' * (report.rows_checked != 1)} of {files} file{'s' * (files != 1)}")
    if report.truncated:
        lines.append(cut_short(report, listed_warnings))
    return "\n".join(lines)


def cut_short(report: Report, listed_warnings: int | None = None, *, after_counts: bool = True) -> str:
    """What a report cut short by --max-errors lists, beside what it counted; `after_counts`: the line
    follows the text report's summary of the counts."""
    if listed_warnings is None:
        listed_warnings = len(report.warnings)
    listed, errors = report.error_count, report.error_count + report.left_out(ERROR)
    left_warnings = report.left_out(WARNING)
    said = f"the first {listed:,} of {errors:,} errors" if errors > listed else f"all {errors:,} errors"
    if left_warnings:
        total = listed_warnings + left_warnings
        said += f" and {'the first ' if errors == listed else ''}{listed_warnings:,} of {total:,} warnings"
    files = len(report.files)
    whole = "the whole file" if files == 1 else f"all {files} files"
    tail = f"the counts above are for {whole}" if after_counts else "the others were counted, not listed"
    return f"Listed {said} (--max-errors {report.max_errors}); {tail}."


CSV_COLUMNS = ("file", "row", "line", "field", "code", "severity", "value", "message")


def render_csv(report: Report) -> str:
    """The problems as one table, one row a problem (RFC 4180: CRLF line ends, a header row), that joins
    back to the submission by file and row. Text that a spreadsheet would run as a formula is
    neutralised; numbers are written as they are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in report.problems:
        writer.writerow([_text(p.file), _number(p.row), _number(p.line), _text(p.field), _text(p.code),
                         _text(p.severity), _value(p.value), _text(p.message)])
    return out.getvalue()


def _text(value: str | None) -> str:
    return "" if value is None else neutralise(value)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _value(value: Any) -> str:
    """A problem's value as a cell: numbers and booleans as they are, lists as a CSV list cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return neutralise(flat.LIST_SEPARATOR.join(str(jsonable(v)) for v in value))
    if isinstance(value, dict):
        return neutralise(json.dumps(jsonable(value), ensure_ascii=False))
    return neutralise(str(jsonable(value)))


def _in_message(value: object, message: str) -> bool:
    """Whether the message already quotes the value (then saying it again is noise)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    texts = [str(jsonable(item)) for item in items]
    return all(f"'{t}'" in message or message.startswith(f"{t} ") or (len(t) > 3 and t in message) for t in texts)
