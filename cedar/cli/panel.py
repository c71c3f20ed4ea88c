"""`cedar panel`: events and fatalities per unit and period of a downloaded release, zeros included,
as CSV or Parquet (the library imported inside the command, so that `cedar --help` stays fast)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli.common import DEFAULT_RELEASES, ENV_RELEASES, ForceOption, FormatOption, OutputFormat, out, out_json
from cedar.errors import UsageError

DATE = ["%Y-%m-%d"]


class UnitChoice(str, Enum):
    country_month = "country-month"
    country_week = "country-week"
    admin1_week = "admin1-week"
    priogrid_month = "priogrid-month"


class ShapeChoice(str, Enum):
    wide = "wide"
    long = "long"


class DatesChoice(str, Enum):
    start = "start"
    skip = "skip"
    spread = "spread"


def panel(
    to: Annotated[Path, typer.Option("--out", "-o", help="The panel file: .csv or .parquet.", show_default=False)],
    unit: Annotated[UnitChoice, typer.Option(
        "--unit", help="Place and period of a row; weeks start on Saturday, as ACLED's do.")]
    = UnitChoice.country_month,
    releases: Annotated[Optional[str], typer.Option(
        "--releases", envvar=ENV_RELEASES, metavar="DIR",
        help=f"A downloaded release's folder, or a folder of releases (the --to folder of cedar download, or a "
        f"release store) for its newest (or set {ENV_RELEASES}; default {DEFAULT_RELEASES}).", show_default=False)]
    = None,
    version: Annotated[Optional[str], typer.Option(
        "--version", metavar="VERSION", help="The release to use from the folder of releases (default: the newest).",
        show_default=False)] = None,
    since: Annotated[Optional[dt.datetime], typer.Option(
        "--since", formats=DATE, metavar="YYYY-MM-DD",
        help="The first period is the one holding this day (default: the first event's).",
        show_default=False)] = None,
    until: Annotated[Optional[dt.datetime], typer.Option(
        "--until", formats=DATE, metavar="YYYY-MM-DD",
        help="The last period is the one holding this day (default: the last event's).",
        show_default=False)] = None,
    country: Annotated[Optional[list[str]], typer.Option(
        "--country", metavar="ISO3|NAME",
        help="Only this country, by ISO3 code or name (repeat it, or separate with commas).", show_default=False)]
    = None,
    dates: Annotated[DatesChoice, typer.Option(
        "--dates", help="start: an event counts once, in the period of its first day; skip: events whose date is "
        "not known to the day are left out; spread: an event spanning periods is shared among them equally.")]
    = DatesChoice.start,
    shape: Annotated[ShapeChoice, typer.Option(
        "--shape", help="wide: one row per unit and period, a column of counts per event and disorder type; long: "
        "one row per unit, period, event type and disorder type, as ACLED's aggregated data.")] = ShapeChoice.wide,
    force: ForceOption = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Write a panel of a downloaded release: one row per unit and period, every unit of the release
    times every period in range (zeros included), with the events, the reported fatalities and the
    events whose fatalities were not reported, in total, by event type and by disorder type.

    Units are the countries (admin1 units, PRIO-GRID cells) that hold events in the release. Read
    docs/panels.md for the columns and the rules. Exit 0 when the file is written, 2 for a wrong call
    (an unknown country, dates in the wrong order, a file in the way), 1 when the release or the disk fails.

    Example: cedar panel --unit country-month --releases cedar-data --since 2023-01-01 --out panel.parquet
    """
    from cedar.releases import panel as p

    location = releases or str(DEFAULT_RELEASES)
    if "://" in location:
        raise UsageError(f"cedar panel reads a downloaded release, not a URL ({location}).",
                         f"Download it first: cedar download latest --releases {location} --to cedar-data")
    codes = [c.strip() for item in country or [] for c in item.split(",") if c.strip()]
    result = p.make_panel(Path(location), to, unit.value, version=version, since=since.date() if since else None,
                          until=until.date() if until else None, countries=codes, dates=dates.value, shape=shape.value,
                          force=force)
    if output is OutputFormat.json:
        out_json(result.to_dict())
        return
    out(f"Wrote {result.rows:,} rows to {result.path}: {result.units:,} {unit.value.split('-')[0]} units x "
        f"{result.periods:,} {unit.value.split('-')[1]}s, {result.first} to {result.last_day}, release "
        f"{result.version}.")
    d = result.to_dict()
    out(f"  {d['events_counted']:,} events counted, {d['fatalities']:,} fatalities reported; "
        f"{d['events_fatalities_unreported']:,} events without a fatality figure (not counted as 0).")
    if result.events_left_out:
        out(f"  {result.events_left_out:,} events left out: their date is not known to the day (--dates skip).")
