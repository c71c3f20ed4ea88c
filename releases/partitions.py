"""Partitioned releases: the events and their long forms written as hive-style Parquet partitions by
year, and by month where a year is large (docs/scale.md, "Partitioned releases").

    events/year=2023/events-2023.parquet        a whole year, rows in natural event_id order
    events/year=2024/events-2024-01.parquet     a year of more than MONTH_SPLIT_ROWS events, one file a month
    claims/..., sources/..., actors/...         the long forms, by their event's event_date
    changes/year=2023/changes-2023.csv          the changes against the previous release (CSV, as
                                                changes.csv), by the event's event_date, or for a deleted
                                                event by its event_date in the previous release

`cedar release build --partition auto` (the default) partitions a release of more than
PARTITION_THRESHOLD events; `always` and `never` force one layout. A partitioned release has no
single-file events/claims/sources/actors (nor their CSV, nor events-acled.csv): each partition's
columns are exactly those of the single Parquet file (no `year` column in the file), and
manifest.json lists every partition file with its rows, countries and dates, so a download can fetch
only the partitions it needs. A span is written for every table, even when the long form has no row
in it, so every table has the same partitions.

The build stages its tables sorted by span and then in natural id order (span_key), the one sort of
each table it makes anyway, so each file is one COPY of a run of rows (DuckDB's zone maps on rowid
skip the other row groups): the work stays linear in the events whatever the number of spans. One
file at a time on each cursor: memory stays that of one partition, and DuckDB spills past the build's
memory limit.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from cedar.errors import UsageError
from cedar.schema import event_ids

from . import csvsafe

MODES = ("auto", "always", "never")
# A release of more events than this is partitioned under --partition auto: at 1M events the single
# events.parquet is about 150 MB and its CSV forms several times that, which every download fetched whole.
PARTITION_THRESHOLD = 1_000_000
# A year of more events than this is split into one file per month, so a partition stays a few hundred MB.
MONTH_SPLIT_ROWS = 2_000_000
LAYOUT = "partitioned"
TABLES = ("events", "claims", "sources", "actors")
# changes.csv partitioned by the same spans: a first release lists every event as added (23 bytes an
# event, 70 MB at 3M events), which a partial download fetched whole, 90% of a year's download.
CHANGES = "changes"
SUFFIX = {CHANGES: "csv"}
MANIFEST = "manifest.json"


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise UsageError(f"--partition {mode!r} is not a layout: give one of {', '.join(MODES)}.",
                         f"auto partitions a release of more than {PARTITION_THRESHOLD:,} events.")
    return mode


def wanted(mode: str, events: int) -> bool:
    """Whether a release of `events` events is partitioned under `mode`. A release without events has no
    year to partition by, so it is always a single-file release."""
    check_mode(mode)
    if events == 0:
        return False
    return mode == "always" or (mode == "auto" and events > PARTITION_THRESHOLD)


@dataclass(frozen=True)
class Span:
    """The events of one partition: a year, or one month of a large year."""
    year: int
    month: int | None = None

    @property
    def name(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    def path(self, table: str) -> str:
        return f"{table}/year={self.year}/{table}-{self.name}.{SUFFIX.get(table, 'parquet')}"

    @property
    def key(self) -> tuple[int, int]:  # spans in order: a whole year, then its months
        return (self.year, 0 if self.month is None else self.month)

    def where(self, alias: str = "s") -> str:
        month = "IS NULL" if self.month is None else f"= {int(self.month)}"
        return f"{alias}.y = {int(self.year)} AND {alias}.m {month}"


def plan(con: Any, mode: str, month_split_rows: int | None = None) -> list[Span] | None:
    """The spans of the release staged in `con` when `mode` partitions it (staging table event_span),
    else None (a single-file release)."""
    if not wanted(mode, int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])):
        return None
    return stage_spans(con, month_split_rows)


def stage_spans(con: Any, month_split_rows: int | None = None) -> list[Span]:
    """Table event_span (event_id, version, y, m, iso3, event_date, and r the event's rowid; m is null for a year
    kept whole) from the staged events, and the spans it holds, in order. A table, not a temporary one:
    the writers' cursors read it."""
    split = MONTH_SPLIT_ROWS if month_split_rows is None else month_split_rows
    con.execute("CREATE OR REPLACE TEMP TABLE year_rows AS SELECT year(event_date) AS y, count(*) AS n "
                "FROM events GROUP BY ALL")
    con.execute("CREATE OR REPLACE TABLE event_span AS SELECT e.event_id, e.version, year(e.event_date) AS y, "
                f"CASE WHEN r.n > {int(split)} THEN month(e.event_date) END AS m, e.iso3, e.event_date, "
                "e.rowid AS r FROM events e JOIN year_rows r ON r.y = year(e.event_date)")
    con.execute("DROP TABLE year_rows")
    rows = con.execute("SELECT DISTINCT y, m FROM event_span ORDER BY y, m NULLS FIRST").fetchall()
    return [Span(int(y), None if m is None else int(m)) for y, m in rows]


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def span_key(con: Any, mode: str, month_split_rows: int | None = None,
             source: str = "store.event_current") -> str | None:
    """When `mode` partitions the release of the events in `source`, an SQL sort key over their event_date
    that puts the spans in order (a whole year as year * 100, a month of a split year as year * 100 +
    month); else None. The build stages its tables in this order and then in natural id order
    (snapshot.stage_store), so that a partition's rows are one run of rows of each staged table."""
    split = MONTH_SPLIT_ROWS if month_split_rows is None else month_split_rows
    rows = con.execute(f"SELECT year(event_date), count(*) FROM {source} GROUP BY ALL").fetchall()
    if not wanted(mode, sum(int(n) for _, n in rows)):
        return None
    years = sorted(int(y) for y, n in rows if y is not None and n > split)
    month = (f"CASE WHEN year(event_date) IN ({', '.join(map(str, years))}) THEN month(event_date) ELSE 0 END"
             if years else "0")
    return f"year(event_date) * 100 + {month}"


Runs = dict[tuple[int, int | None], tuple[int, int]]  # (year, month) -> first and last rowid of its rows
# (year, month) -> first and last rowid of its rows, rows, sorted distinct iso3 codes, first and last event_date
Stats = dict[tuple[int, int | None], tuple[int, int, int, list[str], Any, Any]]


def span_stats(cur: Any, table: str) -> Stats:
    """Each span's rows of the staged `table` (events, a long form, or the changes in change_span): their
    first and last rowid and number, and the countries and first and last event_date of their events. One
    query, for the files' runs and the manifest's entries: a long form's is a join with event_span on
    event_id (30M events: counted apart, these joins took 62 s). A span without rows is absent."""
    source = {"events": "event_span s", CHANGES: "change_span s"}.get(
        table, f"event_span s JOIN {table} x ON x.event_id = s.event_id")
    rowid = {"events": "s.r", CHANGES: "s.rowid"}.get(table, "x.rowid")
    found = cur.execute(f"SELECT s.y, s.m, min({rowid}), max({rowid}), count(*), "
                        f"list(DISTINCT s.iso3 ORDER BY s.iso3), min(s.event_date), max(s.event_date) "
                        f"FROM {source} WHERE s.y IS NOT NULL GROUP BY ALL").fetchall()
    return {(int(y), None if m is None else int(m)): (int(lo), int(hi), int(n), list(c), d0, d1)
            for y, m, lo, hi, n, c, d0, d1 in found}


def _runs(stats: Stats) -> Runs | None:
    """Each span's rows as (first rowid, last rowid), when every span's rows are one run (the tables were
    staged in span order: span_key), else None."""
    runs = {k: (lo, hi) for k, (lo, hi, *_) in stats.items()}
    if any(hi - lo + 1 != n for lo, hi, n, *_ in stats.values()):
        return None
    ordered = sorted(runs.items(), key=lambda kv: (kv[0][0], -1 if kv[0][1] is None else kv[0][1]))
    if any(a[1][1] >= b[1][0] for a, b in zip(ordered, ordered[1:])):
        return None
    return runs


def _copy(cur: Any, table: str, span: Span, target: Path, runs: Runs | None) -> None:
    """One partition file: its rows in the table's order. From a run of rows (the zone maps of rowid skip
    every other row group), or else by filtering the table (a scan of it per file, sorted)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if runs is not None:
        lo, hi = runs.get((span.year, span.month), (0, -1))
        rows = f"SELECT * FROM {table} WHERE rowid BETWEEN {lo} AND {hi}"
    else:
        rows = (f"SELECT x.* FROM {table} x WHERE x.event_id IN (SELECT s.event_id FROM event_span s "
                f"WHERE {span.where()}) ORDER BY x.rowid")
    # No ORDER BY over a run: the files are written on one thread, whose scan gives a run in rowid order.
    # The Parquet row groups then follow the staged table's (the same for the same store: a build
    # again gives the same bytes); sorting every row again cost 3.5 s a 3M-event file.
    cur.execute(f"COPY ({rows}) TO {_sql_path(target)} (FORMAT parquet, COMPRESSION zstd)")


def write(con: Any, tmp: Path, spans: list[Span], hashes: Any) -> dict[str, Stats]:
    """Every partition file of every table into `tmp`, each hashed as soon as it is written. Two
    cursors each write one file at a time: the events on one, the long forms on the other. Returns
    each table's span_stats, which the manifest's entries read."""
    queues = [["events"], [t for t in TABLES if t != "events"]]
    stats: dict[str, Stats] = {}

    def run(tables: list[str]) -> None:
        cur = con.cursor()
        try:
            for table in tables:
                stats[table] = span_stats(cur, table)
                runs = _runs(stats[table])
                for span in spans:
                    _copy(cur, table, span, tmp / span.path(table), runs)
                    hashes.start(span.path(table))
        finally:
            cur.close()

    with ThreadPoolExecutor(max_workers=len(queues), thread_name_prefix="partition") as pool:
        for future in [pool.submit(run, q) for q in queues]:
            future.result()
    return stats


def stage_change_spans(con: Any, spans: list[Span]) -> list[Span]:
    """Table change_span: the changes against previous_events (event_id, change, version, previous_version)
    with the span (y, m), iso3 and event_date of their event, sorted by span and then in id order, and
    the view changes of its four columns (the table the rest of the build reads). An added or updated
    event is filed by its event_date in this release, a deleted one by its event_date (and iso3) in the
    previous release, in the span this release gives that date (its month where the year is split).
    Found from event_span, so the changes are joined and sorted once, in this order (30M events: 19 to
    28 s, where sorting them in id order and then again by span on one thread took 17.5 s and 51 to 68 s).
    Returns the changes' spans: the events' and any year that only deleted events fall in."""
    split = sorted({s.year for s in spans if s.month is not None})
    by_month = f"year(p.event_date) IN ({', '.join(map(str, split))})" if split else "false"
    con.execute(f"""CREATE OR REPLACE TABLE change_span AS SELECT * FROM (
          SELECT s.y, s.m, s.iso3, s.event_date, s.event_id,
                 CASE WHEN o.event_id IS NULL THEN 'added' ELSE 'updated' END AS change, s.version,
                 o.version AS previous_version
            FROM (SELECT y, m, iso3, event_date, event_id, version FROM event_span
                  UNION ALL  -- an event without a date is in no span (nor file), but among the changes
                  SELECT NULL, NULL, iso3, event_date, event_id, version FROM events WHERE event_date IS NULL) s
            LEFT JOIN previous_events o ON o.event_id = s.event_id
            WHERE o.event_id IS NULL OR s.version IS DISTINCT FROM o.version
          UNION ALL
          SELECT year(p.event_date), CASE WHEN {by_month} THEN month(p.event_date) END, p.iso3, p.event_date,
                 p.event_id, 'deleted', NULL, p.version
            FROM previous_events p WHERE p.event_id NOT IN (SELECT event_id FROM events))
        ORDER BY y, m NULLS FIRST, {event_ids.order_sql()}""")
    con.execute("CREATE OR REPLACE VIEW changes AS SELECT event_id, change, version, previous_version FROM change_span")
    return change_spans(con, spans)


def change_spans(con: Any, spans: list[Span]) -> list[Span]:
    """The spans of the changes staged in change_span: the events' spans and those of deleted events only."""
    found = {Span(int(y), None if m is None else int(m))
             for y, m in con.execute("SELECT DISTINCT y, m FROM change_span WHERE y IS NOT NULL").fetchall()}
    return sorted(set(spans) | found, key=lambda s: s.key)


def write_changes(con: Any, tmp: Path, spans: list[Span] | None, hashes: Any, columns: list[tuple[str, str]]) -> None:
    """The release's changes: changes.csv of the staged table, or when the release is partitioned (`spans`,
    the events' spans) each span's file from change_span (staged by stage_change_spans), in id order, with the
    columns and cells of changes.csv (an empty span's file has the header line alone)."""
    if not spans:
        csvsafe.copy_csv(con, CHANGES, columns, tmp / "changes.csv")
        hashes.start("changes.csv")
        return
    for span in change_spans(con, spans):
        target = tmp / span.path(CHANGES)
        target.parent.mkdir(parents=True, exist_ok=True)
        month = "IS NULL" if span.month is None else f"= {int(span.month)}"
        rows = f"(SELECT * FROM change_span WHERE y = {int(span.year)} AND m {month} ORDER BY rowid)"
        csvsafe.copy_csv(con, rows, columns, target)
        hashes.start(span.path(CHANGES))


def entries(con: Any, spans: list[Span], change_spans: list[Span] | None = None,
            stats: dict[str, Stats] | None = None) -> list[dict[str, Any]]:
    """manifest.json's "partitions": one entry per partition file, sorted by path: its table, year,
    month, rows, the sorted distinct iso3 codes and the first and last event_date of its events (for
    the changes, of their events as filed: a deleted event's in the previous release). From `stats`
    (a table's span_stats, as `write` returns them) where given."""
    out = []
    for table in (*TABLES, CHANGES) if change_spans is not None else TABLES:
        found = stats[table] if stats and table in stats else span_stats(con, table)
        for span in spans if table != CHANGES else change_spans or []:
            _, _, n, countries, lo, hi = found.get((span.year, span.month), (0, 0, 0, [], None, None))
            out.append({"table": table, "path": span.path(table), "year": span.year, "month": span.month,
                        "rows": int(n), "countries": sorted(countries),
                        "min_date": lo.isoformat() if lo else None, "max_date": hi.isoformat() if hi else None})
    return sorted(out, key=lambda p: p["path"])


def is_partitioned(manifest: dict[str, Any]) -> bool:
    return manifest.get("layout") == LAYOUT


def read_manifest(folder: Path) -> dict[str, Any]:
    """A release folder's manifest.json, or {} when it cannot be read."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def table_files(folder: Path, table: str, manifest: dict[str, Any] | None = None) -> list[Path]:
    """The Parquet files of one of a release's tables (events, claims, sources, actors) that the folder
    holds: its single file, or, in a partitioned release, its partition files in path order."""
    data = read_manifest(folder) if manifest is None else manifest
    if is_partitioned(data):
        parts = [p.get("path") for p in data.get("partitions") or [] if isinstance(p, dict) and p.get("table") == table]
        return [folder / p for p in sorted(x for x in parts if isinstance(x, str)) if (folder / p).is_file()]
    single = folder / f"{table}.parquet"
    return [single] if single.is_file() else []


def reader(files: list[Path], sql_path: Callable[[Path], str] = _sql_path) -> str:
    """read_parquet() of a table's files; a list literal reads them as one table (never hive columns)."""
    return f"read_parquet([{', '.join(sql_path(f) for f in files)}], hive_partitioning = false)"


def resources(spans: list[Span], specs: list[tuple[str, Any, set[str], list[str]]]) -> list[dict[str, Any]]:
    """datapackage.json's resource of each table: the list of its partition files (Frictionless allows a
    list of paths for one resource), with the table's schema."""
    return [{"name": name, "path": [s.path(name) for s in spans], "table": name, "columns": columns,
             "required": required, "key": key, "parquet_schema": True} for name, columns, required, key in specs]


def changes_resource(spans: list[Span] | None, columns: Any) -> dict[str, Any]:
    """datapackage.json's resource of the changes: changes.csv, or its CSV files by span as one resource."""
    return {"name": CHANGES, "path": [s.path(CHANGES) for s in spans] if spans else "changes.csv", "table": CHANGES,
            "columns": columns, "required": {"event_id", "change"}, "key": ["event_id"]}
