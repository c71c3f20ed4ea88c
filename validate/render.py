"""A report as text for people: one line a problem, then a summary."""

from __future__ import annotations

from cedar.validate.report import Report, jsonable


def render_text(report: Report) -> str:
    lines = []
    for p in report.problems:
        where = p.where()
        value = "" if p.value is None or _in_message(p.value, p.message) else f" [value: {jsonable(p.value)!r}]"
        lines.append(f"{p.severity.upper():7} {p.code}: {where}{value}\n        {p.message}")
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
