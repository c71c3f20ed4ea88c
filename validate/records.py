"""What the readers of submission files hand on: records, the file that cannot be read, and the
pieces every format shares (header problems, typed cells, companion tables' names).

A `Record` carries the row number a contributor sees in their own file. `Unreadable` is raised
for a file that cannot be read at all (exit 2); problems with the header or single rows are
handed on as `Problem`s so that reading goes on and every problem is reported at once.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar.schema import flat
from cedar.validate.report import Problem, problem

# Companion tables beside a flat file (CSV, Parquet): NAME.sources.csv and NAME.claims.csv.
COMPANIONS = ("sources", "claims")
# What an empty file of each format lacks, for the empty-file message.
NEEDS = {"csv": "a header row and at least one event row", "jsonl": "one JSON object (an event) per line",
         "json": "an array of event objects", "parquet": "at least one event row"}


def companion_path(path: Path, part: str) -> Path:
    """The companion table `part` (one of COMPANIONS) of a flat file."""
    return path.with_name(f"{path.stem}.{part}.csv")


class Unreadable(Exception):
    """The file cannot be read at all; `problem` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Record:
    row: int  # as the user counts it: CSV/JSONL line of the record, JSON array position, Parquet row
    line: int | None
    data: dict[str, Any]  # nested event data, top-level cells typed by column kind
    cell_problems: list[Problem] = field(default_factory=list)
    absent: frozenset[str] = frozenset()  # columns the file lacks (reported once, not per row)


def header_problems(path: Path, header: list[str], known: tuple[str, ...], row: int | None = 1,
                    required: tuple[str, ...] = ()) -> tuple[list[Problem], frozenset[str]]:
    """The problems of a header (a name twice, an unknown name, required names missing) and the
    required columns it lacks."""
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(problem("duplicate-column", file=str(path), row=row, line=row, field=name, value=name))
        seen.add(name)
        if name not in known:
            problems.append(unknown_column(path, row, row, name, known))
    missing = [c for c in required if c not in seen]
    if missing:
        problems.append(problem("missing-columns", file=str(path), row=row, line=row, field=", ".join(missing),
                                value=missing, missing=", ".join(missing), header=", ".join(header) or "nothing"))
    return problems, frozenset(missing)


def unknown_column(path: Path, row: int | None, line: int | None, name: str, known: tuple[str, ...]) -> Problem:
    close = difflib.get_close_matches(name, known, n=1)
    if not name:
        hint = "a column without a name: name it, or delete the column."
    else:
        hint = f"did you mean '{close[0]}'?" if close else "remove it, or see `cedar codebook` for the columns."
    return problem("unknown-column", file=str(path), row=row, line=line, field=name, value=name, hint=hint)


def flat_record(line: int, typed: dict[str, Any], problems: list[Problem],
                companions: dict[str, dict[str, list[dict]]], absent: frozenset[str]) -> Record:
    """A flat row's typed cells, with its companion rows, as nested event data."""
    key = typed.get("ref") or typed.get("event_id")
    data = flat.from_flat(typed, companions.get("sources", {}).get(key) if key else None,
                          companions.get("claims", {}).get(key) if key else None)
    return Record(line, line, data, problems, absent)


def coerce(kind: str, value: Any) -> Any:
    """A cell as its column's kind: text is parsed, numbers that are whole become ints."""
    if isinstance(value, str):
        return flat.parse_cell(kind, value)
    if kind == flat.INT and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == flat.LIST and value is None:
        return []
    return value


def blank_to_none(value: Any) -> Any:
    """Empty or blank text is "not given" (None), in every form a submission comes in."""
    return None if isinstance(value, str) and (not value or value.isspace()) else value
