"""A release's events in ACLED's own layout: the 31 columns of ACLED's exports since 2023, in ACLED's
order and spelling, inter codes as numbers, so that scripts and packages written for ACLED (acledR,
acled-py, ...) run on a Cedar release unchanged.

Where Cedar holds more than ACLED's layout can say, the ACLED convention is written and the
difference is documented in docs/importers.md: a fatalities figure that was not reported is
written 0 (ACLED's "no information"), a span is time_precision 3, a country-level place is
geo_precision 3, and the timestamp is the Unix time of the event's last change in Cedar.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pycountry

from cedar.schema import flat
from cedar.schema.acled_layout import CURRENT as ACLED_COLUMNS
from cedar.schema.acled_layout import GEO_PRECISION_CODE, SCALE_LABELS, TIME_PRECISION_CODE

from .csvsafe import copy_cells, neutralise, sql_cell, writer
from .long_forms import inter_label_sql, interaction_label_sql

FILE_NAME = "events-acled.csv"


@lru_cache(maxsize=None)
def iso_numeric(iso3: str) -> int:
    """ACLED's numeric iso: ISO 3166-1 numeric (0 for a code ISO does not assign, such as XKX)."""
    c = pycountry.countries.get(alpha_3=iso3)
    return int(c.numeric) if c else 0


def _text(value: Any) -> str:
    return "" if value is None else neutralise(str(value))


def _list(value: Any) -> str:
    return _text("; ".join(value)) if value else ""


def _scale(value: str | None) -> str:
    if not value:
        return ""
    return "-".join(SCALE_LABELS.get(p, p) for p in value.split("-"))


def _unix(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return str(calendar.timegm(value.timetuple()))


def _sources(event: dict[str, Any]) -> list[str]:
    names = event.get("sources") or []
    return [s["name"] if isinstance(s, dict) else s for s in names]


def acled_row(e: dict[str, Any]) -> list[str]:
    """One event (a release row: typed values, lists as lists) as the cells of ACLED's 31 columns."""
    date = e["event_date"]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    inter2 = e.get("inter2") or 0 if e.get("actor2") else 0
    fatalities = e.get("fatalities")
    cells = {
        "event_id_cnty": _text(e.get("event_id")),
        "event_date": date.isoformat(),
        "year": str(date.year),
        "time_precision": str(TIME_PRECISION_CODE[e["date_precision"]]),
        "disorder_type": _text(e.get("disorder_type")),
        "event_type": _text(e["event_type"]),
        "sub_event_type": _text(e["sub_event_type"]),
        "actor1": _text(e["actor1"]),
        "assoc_actor_1": _list(e.get("assoc_actor_1")),
        "inter1": str(e["inter1"]),
        "actor2": _text(e.get("actor2")),
        "assoc_actor_2": _list(e.get("assoc_actor_2")),
        "inter2": str(inter2),
        "interaction": str(e.get("interaction") or (10 * e["inter1"] if not inter2 else
                                                     10 * min(e["inter1"], inter2) + max(e["inter1"], inter2))),
        "civilian_targeting": "Civilian targeting" if e.get("civilian_targeting") else "",
        "iso": str(iso_numeric(e["iso3"])),
        "region": _text(e.get("region")),
        "country": _text(e["country"]),
        "admin1": _text(e.get("admin1")),
        "admin2": _text(e.get("admin2")),
        "admin3": _text(e.get("admin3")),
        "location": _text(e["location"]),
        "latitude": repr(float(e["latitude"])),
        "longitude": repr(float(e["longitude"])),
        "geo_precision": str(GEO_PRECISION_CODE[e["geo_precision"]]),
        "source": _list(_sources(e)),
        "source_scale": _scale(e.get("source_scale")),
        "notes": _text(e.get("notes")),
        "fatalities": str(fatalities if fatalities is not None else 0),
        "tags": _list(e.get("tags")),
        "timestamp": _unix(e.get("timestamp")),
    }
    return [cells[c] for c in ACLED_COLUMNS]


def write_acled_csv(path: Path, events: Iterable[dict[str, Any]]) -> int:
    """ACLED's layout of the events, UTF-8 without BOM, '\\n' line ends; returns the row count."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = writer(f)
        w.writerow(ACLED_COLUMNS)
        for e in events:
            w.writerow(acled_row(e))
            n += 1
    return n


def _sql_map(expr: str, mapping: dict[str, Any]) -> str:
    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in mapping.items())
    return f"(CASE {expr} {whens} END)"


def copy_acled_csv(con: Any, table: str, path: Path, *, inter_labels: bool = False) -> None:
    """`write_acled_csv` done by DuckDB over a staged events table (the release build's): the
    same bytes, each cell made in SQL as `acled_row` makes it (a test holds the two together).
    With `inter_labels` (`cedar export --inter labels`), inter1, inter2 and interaction are the
    codebook's labels instead of ACLED's numbers (releases/long_forms.py)."""
    codes = [r[0] for r in con.execute(f"SELECT DISTINCT iso3 FROM {table} WHERE iso3 IS NOT NULL").fetchall()]
    iso = _sql_map("iso3", {c: iso_numeric(c) for c in codes if c.isalpha()}) if codes else "NULL"
    text = lambda c: sql_cell(flat.TEXT, c)  # noqa: E731
    listed = lambda c: sql_cell(flat.LIST, f"CASE WHEN len({c}) > 0 THEN {c} END")  # noqa: E731
    inter2 = "(CASE WHEN coalesce(actor2, '') <> '' THEN coalesce(inter2, 0) ELSE 0 END)"
    scale = ("(CASE WHEN coalesce(source_scale, '') = '' THEN '' ELSE array_to_string(list_transform("
             "string_split(source_scale, '-'), lambda p: coalesce(" + _sql_map("p", SCALE_LABELS) + ", p)), '-') END)")
    cells = {
        "event_id_cnty": text("event_id"),
        "event_date": "CAST(event_date AS VARCHAR)",
        "year": "CAST(year(event_date) AS VARCHAR)",
        "time_precision": _sql_map("date_precision", TIME_PRECISION_CODE),
        "disorder_type": text("disorder_type"),
        "event_type": text("event_type"),
        "sub_event_type": text("sub_event_type"),
        "actor1": text("actor1"),
        "assoc_actor_1": listed("assoc_actor_1"),
        "inter1": "CAST(inter1 AS VARCHAR)",
        "actor2": text("actor2"),
        "assoc_actor_2": listed("assoc_actor_2"),
        "inter2": f"CAST({inter2} AS VARCHAR)",
        "interaction": f"CAST(coalesce(NULLIF(interaction, 0), CASE WHEN {inter2} = 0 THEN 10 * inter1 "
                       f"ELSE 10 * least(inter1, {inter2}) + greatest(inter1, {inter2}) END) AS VARCHAR)",
        "civilian_targeting": "(CASE WHEN civilian_targeting THEN 'Civilian targeting' ELSE '' END)",
        "iso": f"coalesce({iso}, '0')",
        "region": text("region"),
        "country": text("country"),
        "admin1": text("admin1"),
        "admin2": text("admin2"),
        "admin3": text("admin3"),
        "location": text("location"),
        "latitude": sql_cell(flat.FLOAT, "latitude"),
        "longitude": sql_cell(flat.FLOAT, "longitude"),
        "geo_precision": _sql_map("geo_precision", GEO_PRECISION_CODE),
        "source": listed("sources"),
        "source_scale": scale,
        "notes": text("notes"),
        "fatalities": "CAST(coalesce(fatalities, 0) AS VARCHAR)",
        "tags": listed("tags"),
        "timestamp": "coalesce(CAST(epoch_us(\"timestamp\") // 1000000 AS VARCHAR), '')",
    }
    if inter_labels:
        cells.update(inter1=inter_label_sql("inter1"), inter2=f"coalesce({inter_label_sql(inter2)}, '')",
                     interaction=interaction_label_sql("inter1", inter2))
    copy_cells(con, {c: cells[c] for c in ACLED_COLUMNS}, table, path)
