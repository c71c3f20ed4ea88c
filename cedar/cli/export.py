"""`cedar export`: a downloaded release, or the events of it that filters keep, as a Stata, Excel,
GeoJSON or ACLED-layout CSV file (cedar.releases.export, imported when the command runs)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from cedar.cli.common import ForceOption, FormatOption, OutputFormat, ReleasesOption, out, out_json, releases_folder
from cedar.errors import UsageError


class InterForm(str, Enum):
    numbers = "numbers"
    labels = "labels"


def _date(value: Optional[str], option: str) -> Optional[dt.date]:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} '{value}' is not a date.", "Give a date as YYYY-MM-DD, e.g. 2023-09-19.") from None


def export(
    to: Annotated[Path, typer.Option("--out", "-o", help="The file to write; its suffix gives the format: .dta "
                                     "(Stata), .xlsx (Excel), .geojson (GeoJSON points) or .csv (ACLED's layout).",
                                     show_default=False)],
    releases: ReleasesOption = None,
    version: Annotated[Optional[str], typer.Option(
        "--version", help="The release to export (YYYY.MM.N); by default the newest in --releases.",
        show_default=False)] = None,
    country: Annotated[Optional[list[str]], typer.Option(
        "--country", help="Only events in this country: a name or an ISO alpha-3 code (repeat for several).",
        show_default=False)] = None,
    since: Annotated[Optional[str], typer.Option(
        "--since", help="Only events on or after this date (YYYY-MM-DD; the event's first day).",
        show_default=False)] = None,
    until: Annotated[Optional[str], typer.Option(
        "--until", help="Only events on or before this date (YYYY-MM-DD; the event's first day).",
        show_default=False)] = None,
    event_type: Annotated[Optional[list[str]], typer.Option(
        "--event-type", help="Only events of this event type, e.g. Battles (repeat for several).",
        show_default=False)] = None,
    inter: Annotated[InterForm, typer.Option(
        "--inter", help="inter1, inter2 and interaction as ACLED's numbers, or as the codebook's labels.")]
    = InterForm.numbers,
    force: ForceOption = False,
    output: FormatOption = OutputFormat.text,
) -> None:
    """Export a downloaded release (or part of it) for Stata, Excel, GIS or ACLED's tools.

    One row per event, in the release's order. The format follows the --out suffix: .dta (Stata:
    variable labels from the codebook, dates as Stata dates), .xlsx (Excel: the codebook as a second
    sheet; at most 1,048,575 events), .geojson (a FeatureCollection of points, longitude first) or
    .csv (ACLED's 31 columns, as the release's events-acled.csv). .dta and .xlsx need the `export`
    extra: pip install 'cedar-events[export]'.

    Examples: cedar export --releases cedar-data --out events.dta ;
    cedar export --releases cedar-data --country Sudan --since 2024-01-01 --out sudan.xlsx
    """
    from cedar.releases import export as exporting

    if releases is not None and releases.startswith(("http://", "https://")):
        raise UsageError("cedar export reads a downloaded release, not a URL.",
                         f"Download it first: cedar download latest --releases {releases} --to cedar-data, "
                         "then export with --releases cedar-data.")
    folder = releases_folder(releases)
    filters = exporting.Filters(tuple(country or ()), _date(since, "--since"), _date(until, "--until"),
                                tuple(event_type or ()))
    result = exporting.export_release(folder, to, version=version, filters=filters, inter=inter.value, force=force)
    if output is OutputFormat.json:
        out_json(result.to_dict())
        return
    out(f"Wrote {result.rows:,} events of release {result.version} to {result.path} ({result.format}).")
    for note in result.notes:
        out(f"Note: {note}")
