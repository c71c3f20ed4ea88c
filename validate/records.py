"""What the readers of submission files hand on: records, the file that cannot be read, and the
pieces every format shares (header problems, typed cells, companion tables' names).

A `Record` carries the row number a contributor sees in their own file. `Unreadable` is raised
for a file that cannot be read at all (exit 2); problems with the header or single rows are
handed on as `Problem`s so that reading goes on and every problem is reported at once.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
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


# What may follow a file's stem in a near-miss companion's name: separators, a word, endings.
_NEAR_NAME = re.compile(r"[\s._-]*([a-z]+)((?:[\s._-]+[a-z0-9]+)*)")


def near_part(stem: str, name: str) -> str | None:
    """The companion part (sources, claims) a file named `name` was meant to be beside a flat file of
    stem `stem` (`k-sources.csv`, `k_claims.csv`, `K.Source.CSV`, `k.soruces.csv`), else None."""
    folded, start = name.casefold(), stem.casefold()
    if not folded.startswith(start):
        return None
    match = _NEAR_NAME.fullmatch(folded[len(start):])
    if match is None:
        return None
    word = match.group(1)
    for part in COMPANIONS:
        if word in (part, part[:-1]) or difflib.SequenceMatcher(None, word, part).ratio() >= 0.75:
            return part
    return None


def misnamed_companions(path: Path) -> list[Problem]:
    """Files beside a flat file whose names miss its companion tables' names: they would be ignored
    without a word, so each is a problem naming the expected name (an error while the table they
    stand for is missing, else a warning)."""
    out: list[Problem] = []
    try:
        names = sorted(p.name for p in path.parent.iterdir() if p.name != path.name)
    except OSError:
        return out  # an unreadable folder: the file's own reading says why
    for name in names:
        part = near_part(path.stem, name)
        expected = companion_path(path, part) if part else None
        if expected is None or name == expected.name or not (path.parent / name).is_file():
            continue
        out.append(problem("misnamed-companion", file=str(path.parent / name), value=name, part=part,
                           main=path.name, expected=expected.name,
                           severity=None if not expected.is_file() else "warning"))
    return out


def companion_of(path: Path) -> tuple[str, Path] | None:
    """(part, main file's stem path) when `path` is named as a companion table (NAME.sources.csv)."""
    for part in COMPANIONS:
        suffix = f".{part}.csv"
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return part, path.with_name(path.name[:-len(suffix)])
    return None


@dataclass
class CompanionRow:
    line: int
    data: dict[str, Any]


@dataclass
class Companions:
    """The companion tables of a flat file, their rows keyed by event_ref; which keys the file's
    rows used, so that rows naming no event are reported rather than dropped."""

    files: dict[str, Path] = field(default_factory=dict)  # part -> the companion's path
    tables: dict[str, dict[str, list[CompanionRow]]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def rows(self, part: str, key: str | None) -> list[CompanionRow]:
        return self.tables.get(part, {}).get(key, []) if key else []

    def orphans(self) -> list[Problem]:
        """A problem for each companion row whose event_ref matches no event of the file."""
        out = []
        for part, table in self.tables.items():
            for key, rows in table.items():
                if key in self.used:
                    continue
                for r in rows:
                    out.append(problem("companion-row-without-event", file=str(self.files[part]), row=r.line,
                                       line=r.line, field=flat.EVENT_KEY, value=key or None, part=part))
        out.sort(key=lambda p: (p.file or "", p.line or 0))
        return out


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
    # "sources[0]" -> (file, line) of the companion row it came from
    origins: dict[str, tuple[str, int]] = field(default_factory=dict)

    def relocate(self, problems: list[Problem]) -> list[Problem]:
        """Problems of a source or claim read from a companion table placed at that table's own line."""
        if not self.origins:
            return problems
        out = []
        for p in problems:
            origin = self.origins.get((p.field or "").partition("]")[0] + "]")
            out.append(replace(p, file=origin[0], row=origin[1], line=origin[1]) if origin else p)
        return out


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


def flat_record(path: Path, line: int, typed: dict[str, Any], problems: list[Problem],
                companions: Companions | None, absent: frozenset[str]) -> Record:
    """A flat row's typed cells, with its companion rows, as nested event data."""
    if companions is None or not companions.tables:
        return Record(line, line, flat.from_flat(typed), problems, absent)
    key = typed.get("ref") or typed.get("event_id")
    if key:
        companions.used.add(key)
    sources, claims = companions.rows("sources", key), companions.rows("claims", key)
    data = flat.from_flat(typed, [r.data for r in sources], [r.data for r in claims])
    origins = {f"{part}[{i}]": (str(companions.files[part]), r.line)
               for part, rows in (("sources", sources), ("claims", claims)) for i, r in enumerate(rows)}
    named = typed.get("sources")
    if sources and named and _names(named) != _names(r.data.get("name") for r in sources):
        problems = [*problems, problem(
            "sources-contradict-companion", file=str(path), row=line, line=line, field="sources",
            value=named, table=companions.files["sources"].name,
            listed="; ".join(str(r.data.get("name")) for r in sources))]
    return Record(line, line, data, problems, absent, origins)


def _names(names: Any) -> set[str]:
    """Source names as compared between a row's sources cell and its companion rows: case and spacing
    folded, and split at the cell's list separator as the cell's own text is."""
    return {" ".join(item.split()).casefold() for n in names if n for item in str(n).split(";") if item.strip()}


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
