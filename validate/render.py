"""A report as text for people: one line a problem, then a summary."""

from __future__ import annotations

from typing import Any

from cedar.validate.report import WARNING, Report, jsonable

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
            tail = f"{value}\n        {p.message}"
            if key is not None:
                tails[key] = tail
        lines.append(f"{head}{where}{tail}")
    for code, count in shown.items():
        if count > WARNINGS_SHOWN_PER_CODE:
            lines.append(f"WARNING {code}: {count - WARNINGS_SHOWN_PER_CODE} more like the {WARNINGS_SHOWN_PER_CODE} "
                         "above (--format json lists every one)")
    errors, warnings = report.error_count, len(report.warnings)
    files = len(report.files)
    summary = (f"{'valid' if report.valid else 'INVALID'}: {errors} error{'s' * (errors != 1)}, "
               f"{warnings} warning{'s' * (warnings != 1)} in {report.rows_checked} "
               f"row{'s' * (report.rows_checked != 1)} of {files} file{'s' * (files != 1)}")
    if report.truncated:
        summary += f" (stopped after {report.max_errors} errors; more may follow)"
    lines.append(summary)
    return "\n".join(lines)


def _in_message(value: object, message: str) -> bool:
    """Whether the message already quotes the value (then saying it again is noise)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    texts = [str(jsonable(item)) for item in items]
    return all(f"'{t}'" in message or message.startswith(f"{t} ") or (len(t) > 3 and t in message) for t in texts)
