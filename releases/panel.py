"""`cedar panel`: counts of events and fatalities per unit of place and period, from a downloaded release.

The panel is one DuckDB query on the release's hardened read-only connection (localrelease.connect):
every unit times every period (a full grid, zeros included: forecasters need the zeros), with the
counts of events, the sum of reported fatalities and the count of events whose fatalities were not
reported (NULL stays apart from 0), in total, by event type and by disorder type. Its rows, held in
a temporary table of that in-memory database, stream as an Arrow C stream into a second in-memory
DuckDB that sees nothing but them and writes the file (CSV or Parquet) under a temporary name,
renamed over the final one when whole (the locked connection can write no file itself).

Rules (docs/panels.md):
- units: every country (admin1, PRIO-GRID cell) that holds at least one event of the release after
  the --country filter, whatever its dates; admin1 units with no admin1 named are one unit per country;
- periods: whole months, or ACLED's weeks (Saturday to Friday), from the one holding `since` to the
  one holding `until` (by default the release's first and last event);
- an event is counted once, in the period of its event_date (`start`); `skip` leaves out events whose
  date is not known to the day; `spread` splits an event over the periods from event_date to
  event_date_end, in equal shares (the counts become fractions);
- PRIO-GRID: 0.5-degree cells, row 1 from latitude -90, column 1 from longitude -180,
  gid = (row - 1) * 720 + col; a point on a cell's edge belongs to the cell north (east) of it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import duckdb

from cedar import paths
from cedar.errors import UsageError
from cedar.schema import flat, vocab
from cedar.validate import readonly

from . import csvsafe, localrelease
from . import version as versions

UNITS = ("country-month", "country-week", "admin1-week", "priogrid-month")
DATE_RULES = ("start", "skip", "spread")
SHAPES = ("wide", "long")
SUFFIXES = (".csv", ".parquet")


def slug(label: str) -> str:
    """A column-name form of a label: 'Explosions/Remote violence' -> 'explosions_remote_violence'."""
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --- periods ---------------------------------------------------------------------------------------

def period_sql(unit: str, date: str) -> str:
    """SQL: the first day of the period that holds `date` (a DATE expression)."""
    if unit.endswith("-week"):  # ACLED's week starts on Saturday: dayofweek is 0 on Sunday, 6 on Saturday
        return f"CAST({date} - CAST((dayofweek({date}) + 1) % 7 AS INTEGER) AS DATE)"
    return f"CAST(date_trunc('month', {date}) AS DATE)"


def _step(unit: str) -> str:
    return "INTERVAL 7 DAY" if unit.endswith("-week") else "INTERVAL 1 MONTH"


def period_start(unit: str, day: dt.date) -> dt.date:
    """The first day of the period that holds `day` (Python's weekday: Saturday is 5)."""
    if unit.endswith("-week"):
        return day - dt.timedelta(days=(day.weekday() - 5) % 7)
    return day.replace(day=1)


def period_end(unit: str, start: dt.date) -> dt.date:
    """The last day of the period that starts on `start`."""
    if unit.endswith("-week"):
        return start + dt.timedelta(days=6)
    following = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


# --- places ----------------------------------------------------------------------------------------

def priogrid_sql(lat: str, lon: str) -> dict[str, str]:
    """SQL: the PRIO-GRID row, column and gid of a point (the poles' and the antimeridian's edge points
    clamped into the last row and column)."""
    row = f"least(CAST(floor(({lat} + 90) / 0.5) AS INTEGER) + 1, 360)"
    col = f"least(CAST(floor(({lon} + 180) / 0.5) AS INTEGER) + 1, 720)"
    return {"row": row, "col": col, "gid": f"(({row}) - 1) * 720 + ({col})"}


@dataclass(frozen=True)
class Unit:
    keys: dict[str, str]  # key column -> SQL over the events
    labels: dict[str, str]  # other columns of a unit -> SQL: an aggregate over its events, or of its keys


def unit_of(unit: str) -> Unit:
    if unit.startswith("country-"):
        return Unit({"iso3": "iso3"}, {"country": "min(country)"})
    if unit.startswith("admin1-"):
        # the centroid: the mean point of the unit's events placed at a town or near one; the events
        # coded to a region's or a country's centre only when the unit has no other
        precise = "geo_precision IN ('exact', 'near')"
        lat = f"coalesce(avg(latitude) FILTER (WHERE {precise}), avg(latitude))"
        lon = f"coalesce(avg(longitude) FILTER (WHERE {precise}), avg(longitude))"
        return Unit({"iso3": "iso3", "admin1": "admin1"},
                    {"country": "min(country)", "latitude": f"round({lat}, 5)", "longitude": f"round({lon}, 5)"})
    # row and column from the gid (the group's key), the cell's centre from them
    row, col = "((gid - 1) // 720 + 1)", "((gid - 1) % 720 + 1)"
    return Unit({"gid": priogrid_sql("latitude", "longitude")["gid"]},
                {"row": row, "col": col, "latitude": f"CAST(-90 + ({row} - 0.5) * 0.5 AS DOUBLE)",
                 "longitude": f"CAST(-180 + ({col} - 0.5) * 0.5 AS DOUBLE)"})


# --- the counts ------------------------------------------------------------------------------------

def groups() -> dict[str, str]:
    """Column prefix -> the condition that puts an event in the group. An event of two disorder types
    ('Political violence; Demonstrations') is counted in both."""
    out = {"": "TRUE"}
    for t in vocab.EVENT_TYPES:
        out[slug(t) + "_"] = f"event_type = {_text(t)}"
    for d in vocab.DISORDER_TYPES:
        out["disorder_" + slug(d) + "_"] = f"contains(coalesce(disorder_type, ''), {_text(d)})"
    return out


def type_pairs() -> list[tuple[str, str]]:
    """(event type, disorder type) as ACLED's taxonomy pairs them, in its order: a sub-event type may
    give its event another disorder type (Mob violence is political violence among the riots)."""
    pairs: list[tuple[str, str]] = []
    for sub in vocab.ALL_SUB_EVENT_TYPES:
        pair = (vocab.EVENT_TYPE_OF[sub], vocab.disorder_type_of(sub))
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def count_columns() -> list[str]:
    return [prefix + name for prefix in groups() for name in ("events", "fatalities", "events_fatalities_unreported")]


def _aggregates(spread: bool) -> list[str]:
    """The count columns, summed over the groups of `raw` (few rows: one per unit, period, event type and
    disorder type), which is far faster than 30 filtered aggregates over every event."""
    kind = "DOUBLE" if spread else "BIGINT"
    out = []
    for prefix, cond in groups().items():
        out += [f"CAST(sum(n) FILTER (WHERE {cond}) AS {kind}) AS {prefix}events",
                f"CAST(sum(f) FILTER (WHERE {cond}) AS {kind}) AS {prefix}fatalities",
                f"CAST(sum(u) FILTER (WHERE {cond}) AS {kind}) AS {prefix}events_fatalities_unreported"]
    return out


@dataclass
class Query:
    unit: str
    dates: str
    countries: list[str]
    first: dt.date  # the first day of the first period
    last: dt.date  # the first day of the last period
    shape: str = "wide"

    @property
    def params(self) -> dict[str, Any]:
        return {"countries": self.countries, "first": self.first, "last": self.last}

    def ctes(self) -> str:
        """The events of the panel (`counted`, with their period and weight w), its units and periods."""
        u = unit_of(self.unit)
        keys = "".join(f", {sql} AS {name}" for name, sql in u.keys.items() if sql != name)
        key_names = ", ".join(u.keys)
        labels = ", ".join(f"{sql} AS {name}" for name, sql in u.labels.items())
        start = period_sql(self.unit, "event_date")
        if self.dates == "spread":
            end = period_sql(self.unit, "greatest(event_date, coalesce(event_date_end, event_date))")
            spans = f"generate_series(CAST({start} AS TIMESTAMP), CAST({end} AS TIMESTAMP), {_step(self.unit)})"
            counted = (f"SELECT {key_names}, CAST(unnest(s) AS DATE) AS period, CAST(1 AS DOUBLE) / len(s) AS w, "
                       f"event_type, disorder_type, fatalities FROM (SELECT *, {spans} AS s FROM ev)")
        else:
            where = " AND date_precision = 'day'" if self.dates == "skip" else ""
            counted = (f"SELECT {key_names}, {start} AS period, 1 AS w, event_type, disorder_type, fatalities "
                       f"FROM ev WHERE TRUE{where}")
        return (f"WITH ev AS (SELECT *{keys} FROM events WHERE len($countries) = 0 OR "
                f"list_contains($countries, iso3)),\n"
                f"units AS (SELECT {key_names}, {labels} FROM ev GROUP BY ALL),\n"
                f"periods AS (SELECT CAST(range AS DATE) AS period FROM range(CAST($first AS TIMESTAMP), "
                f"CAST($last AS TIMESTAMP) + {_step(self.unit)}, {_step(self.unit)})),\n"
                f"counted AS (SELECT * FROM ({counted}) WHERE period BETWEEN $first AND $last)")

    def _raw(self) -> str:
        """Counts per unit, period, event type and disorder type: few rows, summed again by the shapes."""
        spread = ("sum(w) AS n, sum(w * fatalities) AS f, sum(w) FILTER (WHERE fatalities IS NULL) AS u")
        plain = "count(*) AS n, sum(fatalities) AS f, count(*) - count(fatalities) AS u"
        return (f"raw AS (SELECT {', '.join(unit_of(self.unit).keys)}, period, event_type, "
                f"coalesce(disorder_type, '') AS disorder_type, {spread if self.dates == 'spread' else plain} "
                "FROM counted GROUP BY ALL)")

    def _grid(self) -> tuple[str, str, str, str]:
        """The unit and period columns of a row, the join of a count to its unit, and the order."""
        u = unit_of(self.unit)
        end = ("CAST(p.period + INTERVAL 6 DAY AS DATE)" if self.unit.endswith("-week")
               else "CAST(p.period + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE)")
        cols = ", ".join(f"u.{c}" for c in (*u.keys, *u.labels)) + f", p.period AS period_start, {end} AS period_end"
        on = " AND ".join(f"c.{k} IS NOT DISTINCT FROM u.{k}" for k in u.keys) + " AND c.period = p.period"
        order = ", ".join(f"u.{k}" for k in u.keys) + " NULLS LAST, period_start"
        return cols, on, order, ", ".join(u.keys)

    def panel_sql(self) -> str:
        if self.shape == "long":
            return self.long_sql()
        cols, on, order, keys = self._grid()
        zero = "0.0" if self.dates == "spread" else "0"
        counts = ", ".join(f"coalesce(c.{c}, {zero}) AS {c}" for c in count_columns())
        return (f"{self.ctes()},\n{self._raw()},\n"
                f"counts AS (SELECT {keys}, period, {', '.join(_aggregates(self.dates == 'spread'))} "
                f"FROM raw GROUP BY ALL)\n"
                f"SELECT {cols}, {counts}\n"
                f"FROM units u CROSS JOIN periods p LEFT JOIN counts c ON {on}\nORDER BY {order}")

    def long_sql(self) -> str:
        """One row per unit, period, event type and disorder type (every pair ACLED's taxonomy allows),
        zeros included, as ACLED's aggregated data is laid out."""
        cols, on, order, _ = self._grid()
        kind, zero = ("DOUBLE", "0.0") if self.dates == "spread" else ("BIGINT", "0")
        counts = ", ".join(f"CAST(coalesce(c.{x}, {zero}) AS {kind}) AS {name}"
                           for x, name in (("n", "events"), ("f", "fatalities"), ("u", "events_fatalities_unreported")))
        pairs = ", ".join(f"({i}, {_text(t)}, {_text(d)})" for i, (t, d) in enumerate(type_pairs()))
        return (f"{self.ctes()},\n{self._raw()},\n"
                f"pairs AS (SELECT * FROM (VALUES {pairs}) t(i, event_type, disorder_type))\n"
                f"SELECT {cols}, t.event_type, t.disorder_type, {counts}\n"
                f"FROM units u CROSS JOIN periods p CROSS JOIN pairs t LEFT JOIN raw c ON {on} "
                f"AND c.event_type = t.event_type AND c.disorder_type = t.disorder_type\nORDER BY {order}, t.i")

    def summary_sql(self) -> str:
        """One pass over the events (after the country filter): all of them, those whose event_date falls
        in the panel's periods, and those of these whose date is not known to the day; and the periods."""
        inside = period_sql(self.unit, "event_date") + " BETWEEN $first AND $last"
        return ("SELECT count(*), count(*) FILTER (WHERE " + inside + "), count(*) FILTER (WHERE " + inside
                + " AND date_precision <> 'day'), (SELECT count(*) FROM range(CAST($first AS TIMESTAMP), "
                f"CAST($last AS TIMESTAMP) + {_step(self.unit)}, {_step(self.unit)})) "
                "FROM events WHERE len($countries) = 0 OR list_contains($countries, iso3)")


# --- the command's entry ---------------------------------------------------------------------------

@dataclass
class Panel:
    path: Path
    unit: str
    dates: str
    shape: str
    version: str
    first: dt.date
    last_day: dt.date
    units: int
    periods: int
    rows: int
    events_in_release: int
    events_in_range: int
    events_counted: float
    events_left_out: int
    fatalities: float
    events_fatalities_unreported: float
    countries: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.path), "unit": self.unit, "dates": self.dates, "shape": self.shape,
                "release": self.version,
                "countries": self.countries, "first_day": self.first.isoformat(),
                "last_day": self.last_day.isoformat(), "units": self.units, "periods": self.periods,
                "rows": self.rows, "events_in_release": self.events_in_release,
                "events_in_range": self.events_in_range, "events_counted": _num(self.events_counted),
                "events_left_out": self.events_left_out, "fatalities": _num(self.fatalities),
                "events_fatalities_unreported": _num(self.events_fatalities_unreported), "columns": self.columns}


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 6)


def release_folder(releases: Path, version: str | None) -> Path:
    """The release: `version` inside the folder of releases, else the folder itself or its newest."""
    if version is None:
        return localrelease.find_release(releases)
    if not versions.is_version(version):
        raise UsageError(f"'{version}' is not a release version.", "Give a version such as 2026.11.1.")
    folder = localrelease.find_release(releases)
    if folder.name == version:
        return folder
    candidate = Path(releases) / version
    if not (candidate / localrelease.MANIFEST).is_file():
        raise UsageError(f"Version {version} is not published in {releases} (no such release folder there).",
                         "List the releases there with `cedar release list --releases DIR`, or download it "
                         "first: cedar download VERSION --to DIR")
    return candidate


@contextmanager
def _interruptible() -> Iterator[None]:
    """Ctrl-C stays a KeyboardInterrupt (the command line reports it once, exit 130): DuckDB stops its
    query on the signal and raises a RuntimeError 'Query interrupted' instead (DuckDB 2.0.1, measured)."""
    try:
        yield
    except (duckdb.InterruptException, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "interrupted" not in str(exc).lower():
            raise
        raise KeyboardInterrupt from None


def _check(unit: str, dates: str, since: dt.date | None, until: dt.date | None, shape: str) -> None:
    if shape not in SHAPES:
        raise UsageError(f"Unknown shape '{shape}'.", f"Give one of {', '.join(SHAPES)}.")
    if unit not in UNITS:
        raise UsageError(f"Unknown unit '{unit}'.", f"Give one of {', '.join(UNITS)}.")
    if dates not in DATE_RULES:
        raise UsageError(f"Unknown rule for dates '{dates}'.", f"Give one of {', '.join(DATE_RULES)}.")
    if since and until and since > until:
        raise UsageError(f"--since {since} is after --until {until}.", "Give the earlier date with --since.")


def make_panel(releases: Path, out: Path, unit: str, *, version: str | None = None,
               since: dt.date | None = None, until: dt.date | None = None, countries: list[str] | tuple = (),
               dates: str = "start", shape: str = "wide", force: bool = False) -> Panel:
    """Write the panel of a downloaded release to `out` (.csv or .parquet)."""
    _check(unit, dates, since, until, shape)
    if Path(out).suffix.lower() not in SUFFIXES:
        raise UsageError(f"The output file {out} must end in .csv or .parquet.",
                         "Name the file by the form you want, e.g. --out panel.parquet")
    folder = release_folder(releases, version)
    out = paths.engine_name(paths.output_file(out, force=force), "output file")
    if not out.absolute().parent.is_dir():
        raise UsageError(f"The folder of the output file {out} does not exist.",
                         "Make the folder first, or give a path in a folder that exists.")
    with readonly.private_spill() as spill, _interruptible():
        con = localrelease.connect(folder, None, spill)
        try:
            q, stats = prepare(con, folder, unit, since, until, list(countries), dates, shape)
            # held in a table of the in-memory database: the writer reads its stream twice (its schema, then
            # its rows), and a stream of the query itself would run the query twice
            con.execute(f"CREATE TEMP TABLE panel_rows AS {q.panel_sql()}", q.params)
            relation = con.sql("FROM panel_rows")
            columns = relation.columns
            rows, sums = write_rows(relation, out)
        finally:
            con.close()
    in_release, in_range, imprecise, periods = stats
    return Panel(path=out, unit=unit, dates=dates, shape=shape, version=folder.name, first=q.first,
                 last_day=period_end(unit, q.last), periods=periods, rows=rows,
                 units=rows // (periods * (len(type_pairs()) if shape == "long" else 1)),
                 events_in_release=in_release, events_in_range=in_range,
                 events_left_out=imprecise if dates == "skip" else 0, events_counted=sums["events"],
                 fatalities=sums["fatalities"], events_fatalities_unreported=sums["events_fatalities_unreported"],
                 countries=q.countries, columns=columns)


def panel_table(releases: Path, unit: str, *, version: str | None = None, since: dt.date | None = None,
                until: dt.date | None = None, countries: list[str] | tuple = (), dates: str = "start",
                shape: str = "wide") -> Any:
    """The panel of a downloaded release as a pyarrow Table (the rows `make_panel` writes)."""
    _check(unit, dates, since, until, shape)
    folder = release_folder(releases, version)
    with readonly.private_spill() as spill, _interruptible():
        con = localrelease.connect(folder, None, spill)
        try:
            q, _ = prepare(con, folder, unit, since, until, list(countries), dates, shape)
            return con.sql(q.panel_sql(), params=q.params).to_arrow_table()
        finally:
            con.close()


def prepare(con: Any, folder: Path, unit: str, since: dt.date | None, until: dt.date | None,
            countries: list[str], dates: str, shape: str = "wide") -> tuple[Query, tuple[int, int, int, int]]:
    """The panel's query on a release's connection, and its summary: the events of the release (after the
    country filter), those in the panel's periods, those of these not dated to the day, the periods."""
    codes = _country_codes(con, countries)
    bounds = con.execute("SELECT min(event_date), max(greatest(event_date, coalesce(event_date_end, event_date))), "
                         "max(event_date) FROM events WHERE len($c) = 0 OR list_contains($c, iso3)",
                         {"c": codes}).fetchall()[0]
    if bounds[0] is None:
        raise UsageError(f"The release in {folder} holds no events" + (" of those countries." if codes else "."),
                         "A panel needs events: check the release and --country.")
    try:
        first = period_start(unit, since or bounds[0])
        last = period_start(unit, until or (bounds[1] if dates == "spread" else bounds[2]))
        period_end(unit, last)
    except OverflowError:  # a period that begins before year 1 or ends after 9999
        raise UsageError(f"--since {since} or --until {until} is at the edge of the calendar: its period cannot "
                         "be made.", "Give dates a month or a week inside the years 1 to 9999.") from None
    if last < first:
        raise UsageError(f"--since {since} is after --until {until}.", "Give the earlier date with --since.")
    q = Query(unit, dates, codes, first, last, shape)
    return q, tuple(con.execute(q.summary_sql(), q.params).fetchall()[0])


def _country_codes(con: Any, countries: list[str]) -> list[str]:
    """The ISO3 codes of the countries asked for, each named by its code or its name in the release."""
    if not countries:
        return []
    known = con.execute("SELECT DISTINCT iso3, country FROM events").fetchall()
    by_name = {name.casefold(): code for code, name in known if name}
    by_name.update({code.casefold(): code for code, _ in known})
    codes, unknown = [], []
    for c in countries:
        code = by_name.get(c.strip().casefold())
        (codes.append(code) if code else unknown.append(c))
    if unknown:
        raise UsageError(f"The release holds no events of {', '.join(repr(u) for u in unknown)}.",
                         "Name a country by its ISO 3166-1 alpha-3 code (e.g. MMR) or by the name the release "
                         "gives it.")
    return sorted(set(codes))


class _Stream:
    """A relation of the release's connection handed to another DuckDB as an Arrow C stream (PyCapsule):
    the rows pass batch by batch, without pyarrow (whose import alone took 0.9 s of a 3.2 s panel,
    measured at a load of 8 on 2 cores)."""

    def __init__(self, relation: Any) -> None:
        self.relation = relation

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        return self.relation.__arrow_c_stream__(requested_schema)


TOTALS = ("events", "fatalities", "events_fatalities_unreported")


def write_rows(relation: Any, out: Path) -> tuple[int, dict[str, float]]:
    """The relation's rows written to `out` by a DuckDB of their own (CSV cells by Cedar's CSV rule, see
    releases.csvsafe), under a temporary name renamed when whole; the rows written and the sums of the
    total columns, read back from the file before it gets its name."""
    con = duckdb.connect(":memory:", config=readonly.NO_EXTENSIONS)
    csv = Path(out).suffix.lower() == ".csv"
    found: list[tuple] = []
    try:
        con.register("panel", _Stream(relation))
        if csv:
            con.execute("SET threads = 1")  # rows in order (see csvsafe.copy_cells)

        def write(tmp: Path) -> None:
            target = str(tmp).replace("'", "''")
            if csv:
                kinds = {"VARCHAR": flat.TEXT, "DATE": flat.DATE, "DOUBLE": flat.FLOAT}
                cells = {name: csvsafe.sql_cell(kinds.get(str(t), flat.INT), f'"{name}"')
                         for name, t in zip(relation.columns, relation.types)}
                csvsafe.copy_cells(con, cells, "panel", tmp)
                types = ", ".join(f"'{c}': 'DOUBLE'" for c in TOTALS)
                reader = f"read_csv('{target}', types = {{{types}}})"
            else:
                con.execute(f"COPY panel TO '{target}' (FORMAT parquet)")
                reader = f"read_parquet('{target}')"
            found.extend(con.execute(f"SELECT count(*), {', '.join(f'sum({c})' for c in TOTALS)} FROM {reader}")
                         .fetchall())

        try:
            paths.write_via(out, write)
        except duckdb.IOException as exc:  # DuckDB's writer names the system's error number in its message
            errno_found = re.search(r'"errno":\s*"(\d+)"', str(exc))
            code = int(errno_found.group(1)) if errno_found else errno.EIO
            raise paths.disk_error(OSError(code, os.strerror(code) if errno_found else readonly.first_line(exc)),
                                   out) from None
    finally:
        con.close()
    rows, *sums = found[0]
    return rows, {c: (v or 0) for c, v in zip(TOTALS, sums)}
