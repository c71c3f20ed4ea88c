"""One error record and one report type for every check Cedar runs.

A `Problem` names a stable kebab-case code, where it is (file, row, line, field), the value
found, and a message rendered from the code's template. A `Report` gathers them; its
`to_dict()` is what `--format json` prints, and its shape is tested. With --max-errors a report
lists problems up to the cap and counts the rest: `totals` are for everything checked, and
`partial` says when the list is shorter than they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

ERROR, WARNING = "error", "warning"
REPORT_FORMAT = "cedar-report/1"


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    severity: str = ERROR
    file: str | None = None
    row: int | None = None  # the record's number as the user counts it (CSV: its first line)
    line: int | None = None  # the line in the file where the record starts, where known
    field: str | None = None
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "line": self.line,
            "field": self.field,
            "value": jsonable(self.value),
            "message": self.message,
        }

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}" + (f" (line {self.line})" if self.line and self.line != self.row else ""))
        if self.field:
            parts.append(f"column {self.field}")
        return ", ".join(parts)


def problem(code: str, *, file: str | None = None, row: int | None = None, line: int | None = None,
            field: str | None = None, value: Any = None, severity: str | None = None, worded_as: str | None = None,
            **params: Any) -> Problem:
    """A problem whose message is rendered from its rule's template (every code is declared in
    cedar.schema.rules, so the codebook lists every code a report can carry); of the rule's severity
    unless one is given. `worded_as` names another declared template to word it with while the problem
    keeps its own code: a row an importer refuses for this reason, a failed expectation of the gate."""
    from cedar.schema.rules import RULES

    rule = RULES[code]
    message = RULES[worded_as or code].render(file=file, row=row, line=line, field=field, value=value, **params)
    return Problem(code, message, severity or rule.severity, file, row, line, field, value)


def reworded(p: Problem, worded_as: str, *, severity: str | None = None, **params: Any) -> Problem:
    """The same problem (code, place, value) worded by a template that quotes its message as {reason}:
    a row refused because the event it maps to fails a check, say."""
    return problem(p.code, file=p.file, row=p.row, line=p.line, field=p.field, value=p.value,
                   severity=severity or p.severity, worded_as=worded_as, reason=p.message, **params)


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO text, anything else unknown as its text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def column_of(field: str | None) -> str | None:
    """The column a problem's field is in: 'sources[0].name' -> 'sources.name', 'assoc_actor_1[2]' ->
    'assoc_actor_1'."""
    if field is None or "[" not in field:
        return field
    return re.sub(r"\[[0-9]+\]", "", field)


@dataclass
class Report:
    """The outcome of a check: every problem found, listed up to --max-errors and counted beyond it,
    and what was looked at."""

    check: str
    max_errors: int | None = None
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rows_checked: int = 0
    truncated: bool = False  # problems were counted but not listed (`partial` in the JSON report)
    extra: dict[str, Any] = field(default_factory=dict)
    # list at most this many warnings of each code and count the rest (they stay in the totals and do not
    # make the report partial): an ingest's million rows may carry millions of warnings (None: list all)
    warnings_per_code: int | None = None
    # errors counted so far, and of which list up to where: `full` is asked once a row, and counting a
    # million warnings each time made a check with --max-errors quadratic
    _counted: tuple[int, int, int] = field(default=(0, 0, 0), init=False, repr=False, compare=False)
    # (severity, code, column) -> how many problems past --max-errors were counted and not listed
    _left_out: dict[tuple[str, str, str | None], int] = field(default_factory=dict, init=False, repr=False,
                                                               compare=False)
    # warnings listed so far, by code (for warnings_per_code)
    _warnings_listed: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def add(self, problem: Problem) -> None:
        """List the problem, or once --max-errors errors are listed, only count it."""
        if self.max_errors is not None and self.full:
            self.count(problem.severity, problem.code, problem.field)
            return
        if self.warnings_per_code is not None and problem.severity == WARNING:
            listed = self._warnings_listed.get(problem.code, 0)
            if listed >= self.warnings_per_code:
                key = (WARNING, problem.code, column_of(problem.field))
                self._left_out[key] = self._left_out.get(key, 0) + 1  # counted; the list stays whole for errors
                return
            self._warnings_listed[problem.code] = listed + 1
        self.problems.append(problem)

    def count(self, severity: str, code: str, field: str | None = None, n: int = 1) -> None:
        """Count problems that are not listed (past --max-errors), without making them."""
        key = (severity, code, column_of(field))
        self._left_out[key] = self._left_out.get(key, 0) + n
        self.truncated = True

    def extend(self, problems: Iterable[Problem]) -> None:
        if self.max_errors is None and self.warnings_per_code is None:  # nothing to count: added at once
            self.problems.extend(problems)
            return
        for p in problems:
            self.add(p)

    def take(self, other: Report) -> None:
        """Another report's files, rows, problems and counts added to this one's (an ingest's report takes
        its check's)."""
        self.files += other.files
        self.rows_checked += other.rows_checked
        self.extra.update(other.extra)
        self.extend(other.problems)
        for key, n in other._left_out.items():
            self._left_out[key] = self._left_out.get(key, 0) + n
        self.truncated = self.truncated or other.truncated

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def error_count(self) -> int:
        """The errors listed, counted as the list grows (problems are only ever appended; a list put in
        its place, or one that shrank, is counted afresh)."""
        problems = self.problems
        of, upto, errors = self._counted
        if of != id(problems) or upto > len(problems):
            upto = errors = 0
        errors += sum(1 for i in range(upto, len(problems)) if problems[i].severity == ERROR)
        self._counted = (id(problems), len(problems), errors)
        return errors

    def left_out(self, severity: str) -> int:
        """How many problems of this severity were counted and not listed."""
        return sum(n for (s, _, _), n in self._left_out.items() if s == severity)

    @property
    def full(self) -> bool:
        return self.max_errors is not None and self.error_count >= self.max_errors

    @property
    def valid(self) -> bool:
        return self.error_count == 0 and not self.truncated

    def totals(self) -> dict[str, Any]:
        """Every problem found, listed or not: errors, warnings, and how many of each code and in each
        column (problems that name no column are in neither `by_column` count)."""
        listed: dict[tuple[str, str, str | None], int] = {}  # a million problems share a few thousand keys
        for p in self.problems:
            key = (p.severity, p.code, p.field)
            listed[key] = listed.get(key, 0) + 1
        by_severity: dict[str, int] = {}
        by_code: dict[str, int] = {}
        by_column: dict[str, int] = {}
        for counts, by_field in ((listed, True), (self._left_out, False)):  # counted ones are keyed by column
            for (severity, code, field_), n in counts.items():
                by_severity[severity] = by_severity.get(severity, 0) + n
                by_code[code] = by_code.get(code, 0) + n
                name = column_of(field_) if by_field else field_
                if name is not None:
                    by_column[name] = by_column.get(name, 0) + n
        return {"errors": by_severity.get(ERROR, 0), "warnings": by_severity.get(WARNING, 0),
                "by_code": dict(sorted(by_code.items())), "by_column": dict(sorted(by_column.items()))}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "check": self.check,
            "valid": self.valid,
            "files": list(self.files),
            "rows_checked": self.rows_checked,
            "error_count": self.error_count,
            "warning_count": len(self.warnings),
            "truncated": self.truncated,
            "partial": self.truncated,
            "totals": self.totals(),
            "problems": [p.to_dict() for p in self.problems],
            **self.extra,
        }
