"""The part of a release a copy holds: `cedar download --years 2023-2024 --countries AZE,ARM`.

A selection names years (of event_date) and countries (iso3), either or both. In a partitioned release
(manifest "layout": "partitioned") a partition file is the unit of transfer: a file is fetched when its
year is selected and its manifest "countries" meet the selected ones (the changes' files by span too);
every file that is not a partition (codebook, deletions, validation, ...) is always fetched, but the
delta/ of a partitioned release. Rows are filtered locally: the download writes `selection.json` beside
manifest.json, and the views of a downloaded release (localrelease.connect) read the events through
`filtered()`, the claims, sources, actors and changes through their event. A single-file release is
fetched whole and filtered by the same views.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cedar.errors import InputError, UsageError
from cedar.schema import countries as country_codes

from . import snapshot
from .partitions import CHANGES, TABLES, is_partitioned

SELECTION = "selection.json"
DELTA = "delta/"
FIRST_YEAR, LAST_YEAR = 1000, 9999  # four-digit years: "23" is refused rather than read as year 23
_YEAR_ITEM = re.compile(r"^(\d{1,6})(?:-(\d{1,6}))?$")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_YEARS_HINT = "Give a year (2023), a span (2023-2024) or a comma list of them (2019,2021-2023)."


@dataclass(frozen=True)
class Selection:
    """Years and countries of a partial copy; None means all of them."""

    years: tuple[int, ...] | None = None
    countries: tuple[str, ...] | None = None

    def __post_init__(self) -> None:  # sorted and distinct, so that equal selections compare and write equal
        if self.years is not None:
            object.__setattr__(self, "years", tuple(sorted(set(self.years))))
        if self.countries is not None:
            object.__setattr__(self, "countries", tuple(sorted(set(self.countries))))

    @property
    def everything(self) -> bool:
        return self.years is None and self.countries is None

    def to_dict(self) -> dict[str, Any]:
        return {"years": None if self.years is None else list(self.years),
                "countries": None if self.countries is None else list(self.countries)}

    def describe(self) -> str:
        parts = []
        if self.years is not None:
            parts.append("years " + _spans(self.years))
        if self.countries is not None:
            parts.append("countries " + ", ".join(self.countries))
        return "; ".join(parts) or "everything"


def _spans(years: tuple[int, ...]) -> str:
    """2019, 2021-2023 for (2019, 2021, 2022, 2023)."""
    out: list[str] = []
    start = prev = years[0]
    for y in (*years[1:], None):
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(out)


# --- the options ------------------------------------------------------------------------------

def parse_years(text: str) -> tuple[int, ...]:
    """`--years`: Y, Y1-Y2 or a comma list of them, as sorted distinct years."""
    if not text.strip():
        raise UsageError("--years is empty.", _YEARS_HINT)
    years: set[int] = set()
    for item in text.split(","):
        m = _YEAR_ITEM.match(item.strip())
        if not m:
            raise UsageError(f"--years: {item.strip()[:40]!r} is not a year or a span of years.", _YEARS_HINT)
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        for y in (first, last):
            if not FIRST_YEAR <= y <= LAST_YEAR:
                raise UsageError(f"--years: {y} is not a four-digit year.", _YEARS_HINT)
        if last < first:
            raise UsageError(f"--years: the span {first}-{last} ends before it starts.",
                             f"Write the earlier year first: {last}-{first}.")
        years.update(range(first, last + 1))
    return tuple(sorted(years))


def parse_countries(text: str) -> tuple[str, ...]:
    """`--countries`: ISO 3166-1 alpha-3 codes separated by commas (any case), as sorted distinct codes."""
    codes: set[str] = set()
    for item in text.split(","):
        code = item.strip().upper()
        if not code:
            raise UsageError("--countries has an empty code.", "Give ISO 3166-1 alpha-3 codes separated by commas, "
                                                               "e.g. --countries AZE,ARM")
        if not _ISO3.match(code) or not country_codes.is_iso3(code):
            named = country_codes.code_for_name(item.strip())
            raise UsageError(f"--countries: {item.strip()[:40]!r} is not an ISO 3166-1 alpha-3 country code.",
                             f"Did you mean {named} ({country_codes.country_name(named)})?" if named else
                             "Give three-letter codes such as AZE (Azerbaijan) or ARM (Armenia), separated by "
                             "commas.")
        codes.add(code)
    return tuple(sorted(codes))


def from_options(years: str | None, countries: str | None) -> Selection:
    return Selection(None if years is None else parse_years(years),
                     None if countries is None else parse_countries(countries))


# --- the manifest's partitions ------------------------------------------------------------------

def partitions(man: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The partition entries of a manifest by path, each checked: a known table, a whole year, a file the
    manifest lists. Raises ValueError naming what is wrong (the caller says whose manifest)."""
    if not is_partitioned(man):
        return {}
    entries = man.get("partitions")
    if not isinstance(entries, list):
        raise ValueError("'partitions' is not a list")
    files = man.get("files") or {}
    found: dict[str, dict[str, Any]] = {}
    for n, p in enumerate(entries, start=1):
        if not isinstance(p, dict):
            raise ValueError(f"partition {n} is not an object")
        path, year, cs = p.get("path"), p.get("year"), p.get("countries")
        if p.get("table") not in (*TABLES, CHANGES):
            raise ValueError(f"partition {n} names a table {p.get('table')!r}")
        if not isinstance(path, str) or path not in files:
            raise ValueError(f"partition {n} names a file {path!r} the manifest does not list")
        if not isinstance(year, int) or isinstance(year, bool):
            raise ValueError(f"partition {path} has no year")
        if cs is not None and (not isinstance(cs, list) or not all(isinstance(c, str) for c in cs)):
            raise ValueError(f"partition {path} has a 'countries' that is not a list of codes")
        found[path] = p
    return found


def wanted(part: dict[str, Any], sel: Selection) -> bool:
    """Whether a partition file may hold rows of the selection (a partition without "countries" may)."""
    if sel.years is not None and part["year"] not in sel.years:
        return False
    cs = part.get("countries")
    return sel.countries is None or cs is None or bool(set(cs) & set(sel.countries))


def split(man: dict[str, Any], names: list[str], sel: Selection) -> tuple[list[str], list[str]]:
    """`names` (files of the release) as (to fetch, skipped): the partition files outside the selection
    are skipped, and so is a partitioned release's delta/ (the changed events' full rows, of every year:
    only a single-file copy's sync applies it, and a partitioned one is synced by its files)."""
    parts = partitions(man)

    def fetched(n: str) -> bool:
        if n in parts:
            return wanted(parts[n], sel)
        return not (parts and not sel.everything and n.startswith(DELTA))

    return [n for n in names if fetched(n)], [n for n in names if not fetched(n)]


# --- selection.json ------------------------------------------------------------------------------

def write(folder: Path, sel: Selection) -> None:
    """selection.json in `folder`, or none for the whole release."""
    path = folder / SELECTION
    if sel.everything:
        path.unlink(missing_ok=True)
        return
    path.write_text(json.dumps(sel.to_dict(), indent=2) + "\n", encoding="utf-8")


def read(folder: Path) -> Selection:
    """The selection a copy holds (everything when it has no selection.json)."""
    path = folder / SELECTION
    if not path.is_file():
        return Selection()
    damaged = InputError(f"{path} cannot be read as a selection of years and countries.",
                         "It is written by `cedar download --years/--countries`; download the release again.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        raise damaged from None
    if not isinstance(data, dict):
        raise damaged
    years, cs = data.get("years"), data.get("countries")
    if years is not None and (not isinstance(years, list) or not all(
            isinstance(y, int) and not isinstance(y, bool) and FIRST_YEAR <= y <= LAST_YEAR for y in years)):
        raise damaged
    if cs is not None and (not isinstance(cs, list) or not all(isinstance(c, str) and _ISO3.match(c) for c in cs)):
        raise damaged
    return Selection(None if years is None else tuple(years), None if cs is None else tuple(cs))


# --- the views -----------------------------------------------------------------------------------

def events_where(sel: Selection) -> str | None:
    """The SQL condition on an event row for the selection (None: every row)."""
    terms = []
    if sel.years is not None:
        terms.append(f"year(event_date) IN ({', '.join(str(y) for y in sel.years) or 'NULL'})")
    if sel.countries is not None:
        terms.append(f"iso3 IN ({', '.join(repr(c) for c in sel.countries) or 'NULL'})")
    return " AND ".join(terms) or None


def filtered(events: str, sel: Selection) -> str:
    """A table expression of the events in the selection, from the table expression of all of them."""
    where = events_where(sel)
    return events if where is None else f"(SELECT * FROM {events} WHERE {where})"


def of_events(table: str, events: str, sel: Selection, column: str = "event_id") -> str:
    """A table expression of a table's rows whose event (by `column`) is in the selected `events`."""
    if sel.everything:
        return table
    return f"(SELECT * FROM {table} WHERE {column} IN (SELECT event_id FROM {events}))"


def empty(table: str) -> str:
    """A table expression with a release table's columns and types and no rows: the view of a table
    whose partitions a partial copy does not hold."""
    columns = snapshot.table_columns()[table]
    cols = ", ".join(f'CAST(NULL AS {snapshot.SQL_TYPES[k]}) AS "{n}"' for n, k in columns)
    return f"(SELECT {cols} LIMIT 0)"
