"""The explorer's questions to a release, each one SQL statement over its views with the filters'
parameters bound; each answer carries the SQL behind it (`sql`), values written in, to copy."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

import duckdb

from cedar.errors import UsageError

from . import facts
from . import filters as f
from .reader import Session

TOP = 40  # values listed per facet (the rest are counted in `others`)
PAGE = 50  # events per page of the table
TABLE_COLUMNS = ("event_id", "event_date", "country", "admin1", "location", "event_type", "sub_event_type",
                 "actor1", "actor2", "fatalities", "verification_status")


def _shown(where: f.Where, sql: str) -> str:
    return facts.shown(where.shown(sql))


FACETS = (*f.COLUMNS, "actor1", "actor2")  # actors are counted as first and as second actor, then added


def facets(s: Session, filters: Mapping[str, list[str]]) -> dict[str, Any]:
    """Counts of events per value of each facet under the current filters, the total, and fatalities.
    One scan: GROUPING SETS, one set per column; the top values of each by a window."""
    w, source = facts.where(s, filters)
    sets = ", ".join(f"({c})" for c in FACETS)
    cols = ", ".join(FACETS)
    sql = (f"SELECT GROUPING({cols}) AS g, {cols}, count(*) AS n, sum(fatalities) AS deaths, "
           f"count(*) - count(fatalities) AS unreported FROM {source} {w.sql()} "
           f"GROUP BY GROUPING SETS ({sets}, ()) "
           f"QUALIFY row_number() OVER (PARTITION BY g ORDER BY count(*) DESC) <= {3 * TOP}")
    names, rows = s.rows(sql, w.params)
    full = (1 << len(FACETS)) - 1
    found: dict[str, list[tuple[Any, int]]] = {c: [] for c in FACETS}
    total = {"events": 0, "fatalities": None, "unreported": 0}
    for row in rows:
        g = row[0]
        if g == full:
            total = {"events": row[-3], "fatalities": row[-2], "unreported": row[-1]}
            continue
        i = len(FACETS) - (full ^ g).bit_length()  # the one column grouped: its bit is 0
        found[FACETS[i]].append((row[1 + i], row[-3]))
    out = {c: _top(found[c]) for c in f.COLUMNS}
    actors: dict[Any, int] = {}
    for c in ("actor1", "actor2"):
        for value, n in found[c]:
            if value is not None:
                actors[value] = actors.get(value, 0) + n
    return {"facets": out, "total": total, "sql": _shown(w, sql), "actors": _top(list(actors.items()))}


def _top(counted: list[tuple[Any, int]]) -> dict[str, Any]:
    counted = sorted(counted, key=lambda vn: (-vn[1], "" if vn[0] is None else str(vn[0])))
    return {"values": [{"value": v, "count": n} for v, n in counted[:TOP]], "more": len(counted) > TOP}


def events(s: Session, filters: Mapping[str, list[str]], page: int = 0) -> dict[str, Any]:
    w, source = facts.where(s, filters)
    page = max(0, min(page, 10_000_000 // PAGE))
    sql = (f"SELECT {', '.join(TABLE_COLUMNS)} FROM {source} {w.sql()} "
           f"ORDER BY event_date DESC, event_id LIMIT {PAGE} OFFSET {page * PAGE}")
    names, rows = s.rows(sql, w.params)
    return {"columns": names, "rows": [list(r) for r in rows], "page": page, "page_size": PAGE,
            "sql": _shown(w, sql)}


def week_start(column: str = "event_date") -> str:
    """ACLED's week starts on Saturday (DuckDB's dayofweek: Sunday 0 ... Saturday 6)."""
    return f"CAST({column} - CAST((dayofweek({column}) + 1) % 7 AS INTEGER) AS DATE)"


def timeseries(s: Session, filters: Mapping[str, list[str]], unit: str = "month") -> dict[str, Any]:
    """Events and fatalities per week (from Saturday) or month, by the date an event starts; fatalities
    summed over the events that report them, with the events that do not counted apart."""
    if unit not in ("week", "month"):
        raise UsageError(f"The time unit {unit!r} is not known.", "Choose week or month.")
    w, source = facts.where(s, filters)
    period = week_start() if unit == "week" else "CAST(date_trunc('month', event_date) AS DATE)"
    sql = (f"SELECT {period} AS period, count(*) AS events, sum(fatalities) AS fatalities, "
           f"count(*) - count(fatalities) AS unreported FROM {source} {w.sql()} GROUP BY period "
           "ORDER BY period")
    names, rows = s.rows(sql, w.params)
    return {"unit": unit, "columns": names, "rows": [list(r) for r in rows], "sql": _shown(w, sql)}


def clusters(s: Session, filters: Mapping[str, list[str]],
             bbox: tuple[float, float, float, float] | None = None) -> dict[str, Any]:
    """Events as points clustered in SQL by grid cell, exact places apart from imprecise ones (near a
    place, or only a region known), within `bbox` (west, south, east, north; by default the extent of
    the filtered events); the cell is a fiftieth of the box's larger side."""
    w, source = facts.where(s, filters)
    if bbox is None:
        found = s.rows(f"SELECT min(longitude), min(latitude), max(longitude), max(latitude) "
                       f"FROM {source} {w.sql()}", w.params)[1][0]
        bbox = (-180.0, -90.0, 180.0, 90.0) if found[0] is None else (found[0], found[1], found[2], found[3])
    west, south, east, north = bbox
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise UsageError("The map's box is out of range.", "Zoom out to the whole map.")
    cell = round(max(0.01, (east - west) / 50, (north - south) / 50), 4)
    params = [*w.params, south, north, west, east]
    sql = (f"SELECT count(*) AS n, avg(latitude) AS lat, avg(longitude) AS lon, sum(fatalities) AS deaths, "
           f"geo_precision <> 'exact' AS imprecise, min(event_id) AS one FROM {source} {w.sql()} "
           f"AND latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
           f"GROUP BY floor(latitude / {cell}), floor(longitude / {cell}), imprecise ORDER BY n DESC LIMIT 5000")
    names, rows = s.rows(sql, params)
    shown = facts.shown(w.shown(sql, [south, north, west, east]))
    return {"columns": names, "rows": [list(r) for r in rows], "cell": cell, "bbox": list(bbox), "sql": shown}


def event(s: Session, event_id: str) -> dict[str, Any]:
    """One event with its claims, sources, actors, its change in this release and its deletion."""
    found = s.dicts("SELECT * FROM events WHERE event_id = ?", [event_id])
    out: dict[str, Any] = {"event_id": event_id, "event": found[0] if found else None}
    # A release's claims and sources hold the current version only: its own files are read, without the
    # views' joins on every event (1.8 s for one event's page among 3M, under load).
    out["claims"] = _rows_of(s, "claims", "claim_no", event_id) if found else []
    out["sources"] = _rows_of(s, "sources", "source_no", event_id) if found else []
    out["deletion"] = _first(s, "deletions", event_id)
    out["change"] = _first(s, "changes", event_id)
    if not found and not out["deletion"]:
        raise UsageError(f"There is no event {event_id} in release {s.version}.",
                         "Find it in the table of events, or pick another version.")
    return out


def history(reader: Any, event_id: str) -> list[dict[str, Any]]:
    """The event in every release served, newest first: its version there, its date, its status, or
    its deletion. Each release is read through a connection of its own, opened for this request."""
    out = []
    for version in reader.catalog.versions:
        with reader.plain(version) as s:
            row = s.dicts("SELECT version AS event_version, timestamp, event_date, verification_status, fatalities "
                          "FROM events WHERE event_id = ?", [event_id])
            deletion = _first(s, "deletions", event_id)
        if row or deletion:
            out.append({"release": version, **(row[0] if row else {}),
                        "deleted": bool(deletion and not row), "reason": deletion["reason"] if deletion else None})
    return out


def _rows_of(s: Session, table: str, order: str, event_id: str) -> list[dict[str, Any]]:
    """An event's rows of the release's claims or sources file; through the view if the file cannot be
    named as the connection allows it."""
    from cedar.releases.localrelease import parquet_reader, table_files

    files = table_files(s.folder.resolve(), table)
    if not files:
        return s.dicts(f"SELECT * EXCLUDE (event_id) FROM {table} WHERE event_id = ? ORDER BY {order}", [event_id])
    direct = parquet_reader(files)
    try:
        return s.dicts(f"SELECT * EXCLUDE (event_id) FROM {direct} WHERE event_id = ? ORDER BY {order}", [event_id])
    except duckdb.PermissionException:
        return s.dicts(f"SELECT * EXCLUDE (event_id) FROM {table} WHERE event_id = ? ORDER BY {order}", [event_id])


def _first(s: Session, view: str, event_id: str) -> dict[str, Any] | None:
    """The event's row in one of the release's own tables (changes, deletions), if it has the table."""
    if not s.has(view):
        return None
    rows = s.dicts(f"SELECT * FROM {view} WHERE event_id = ? LIMIT 1", [event_id])
    return rows[0] if rows else None


def jsonable(value: Any) -> Any:
    """Dates as ISO text, and the rest as JSON has it."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value
