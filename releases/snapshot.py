"""A consistent snapshot of the store, staged in a DuckDB database of the build's own, as tables in
the release's column order and row order (natural order of event ids: CDR-AZE-2 before CDR-AZE-10).

The store is attached read-only only while its tables are copied (a few seconds), so a writer is
kept out for no longer than that. From the staged tables the data files are written with DuckDB's
COPY and the gate runs its SQL; nothing holds a whole table in Python. The staging database lives
in a work folder beside the release's temporary folder and is removed with it; DuckDB spills to
that folder past its memory limit, so peak memory stays bounded as the store grows.

`stage_previous` adds the previous release's event ids, versions and fatalities and reads its
deletions.csv; `stage_changes` then finds the changes against it (changes.csv).

The column types come from the event model (schema.flat): integers as BIGINT and times as UTC
TIMESTAMPTZ, so Parquet, CSV, the datapackage's table schemas and the gate all see the same typed
columns.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Callable

import duckdb

from cedar.errors import StoreBusy, StoreError, UsageError
from cedar.schema import event_ids, flat
from cedar.schema.model import Claim, Source
from cedar.validate import readonly

from . import csvsafe, partitions, published

# Kinds of the columns of each release table, in order. Events and the long forms read the
# model; the rest are the release's own small tables.
ACTOR_COLUMNS = [("event_id", flat.TEXT), ("role", flat.TEXT), ("position", flat.INT), ("actor", flat.TEXT),
                 ("inter", flat.INT)]
CHANGE_COLUMNS = [("event_id", flat.TEXT), ("change", flat.TEXT), ("version", flat.INT),
                  ("previous_version", flat.INT)]
DELETION_COLUMNS = [("event_id", flat.TEXT), ("deleted_in", flat.TEXT), ("last_version", flat.INT),
                    ("reason", flat.TEXT)]

# DuckDB types of the release's columns (what Parquet carries; Arrow reads them back as int64,
# float64, bool, date32, timestamp[us, tz=UTC], string and list<string>).
SQL_TYPES = {flat.INT: "BIGINT", flat.FLOAT: "DOUBLE", flat.BOOL: "BOOLEAN", flat.DATE: "DATE",
             flat.TIMESTAMP: "TIMESTAMPTZ", flat.TEXT: "VARCHAR", flat.LIST: "VARCHAR[]"}

# The staging database's memory before it spills to its work folder (the build's peak memory
# is this plus Python, GX and DuckDB's own overheads: 3,393 to 3,589 MB at 30M events). At 2 GB the 30M build's
# joins on 30M event ids spilled (the gate's unknown-event check took 30 s a query, 12 s at 3 GB).
MEMORY_LIMIT = "3GB"

# A partitioned release is staged a group of whole spans at a time, each group at most this many events
# (a larger span alone), so that no sort holds every event. Each group reads the store's tables whole
# again, so fewer groups read less (a date filter over 30M rows: 8.5 s for 3.7M of them, 3.5 s for a run of
# 3.4M). Staging 30M events took 144 to 190 s in groups of 8M, 167 to 207 s in groups of 4M (runs spread that
# much), and 195 s in one pass, which spills its sort of every event.
GROUP_ROWS = 8_000_000


def event_columns() -> list[tuple[str, str]]:
    kinds = flat.column_kinds()
    return [(n, kinds[n]) for n in flat.event_columns()]


def claim_columns() -> list[tuple[str, str]]:
    return [("event_id", flat.TEXT), ("claim_no", flat.INT), *flat.kinds_of(Claim).items()]


def source_columns() -> list[tuple[str, str]]:
    return [("event_id", flat.TEXT), ("source_no", flat.INT), *flat.kinds_of(Source).items()]


def table_columns() -> dict[str, list[tuple[str, str]]]:
    """The release's data tables and their columns, in the order they are written."""
    return {"events": event_columns(), "claims": claim_columns(), "sources": source_columns(),
            "actors": ACTOR_COLUMNS}


def id_order(column: str = "event_id") -> str:
    """SQL ORDER BY terms for event ids in natural order: country code, then the number."""
    return event_ids.order_sql(column)


def _typed(columns: list[tuple[str, str]], alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'CAST({prefix}"{n}" AS {SQL_TYPES[k]}) AS "{n}"' for n, k in columns)


def _declared(columns: list[tuple[str, str]]) -> str:
    return ", ".join(f'"{n}" {SQL_TYPES[k]}' for n, k in columns)


def open_work(work: Path) -> Any:
    """The build's staging database: a file in `work` (created), UTC, bounded memory."""
    work.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(work / "stage.duckdb"), config=readonly.NO_EXTENSIONS)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET temp_directory = '{_sql_text(str(work / 'spill'))}'")
    return con


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def stage_store(con: Any, db: Path, first_by: Callable[[Any], str | None] | None = None) -> str | None:
    """Copy the store's current events, their long forms and its deletions into `con`'s tables
    events, claims, sources, actors and store_deletions, typed and in release order.

    `first_by(con)`, called in the staging transaction with the store attached as `store`, may return an
    SQL sort key over store.event_current's columns that orders the events before their natural id
    order (a partitioned release's spans: releases.partitions.span_key); returns that key or None."""
    if not db.exists():
        raise UsageError(f"There is no store at {db}.", "Create one with `cedar init`, or name it with --db.")
    try:
        con.execute(f"ATTACH '{_sql_text(str(db))}' AS store (READ_ONLY)")
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusy(f"The store {db} is busy: another process is writing to it.",
                            "Wait for it to finish (an ingest, say), then build the release again.") from None
        raise StoreError(f"Cannot open the store {db}: {exc}.") from None
    except duckdb.Error as exc:
        raise StoreError(f"Cannot open the store {db}: {exc}.") from None
    try:
        con.execute("BEGIN")  # one transaction: every table from the same state of the store
        _refuse_legacy_ids(con, db)
        key = first_by(con) if first_by else None
        for table, columns in table_columns().items():
            con.execute(f"CREATE TABLE {table} ({_declared(columns)})")
        for where, dates in _groups(con, key):
            _stage_group(con, key, where, dates)
        con.execute("CREATE TABLE store_deletions AS SELECT event_id, CAST(last_version AS BIGINT) AS last_version, "
                    f"reason FROM store.deletions ORDER BY {id_order()}")
        _stage_aliases(con)
        con.execute("COMMIT")
        return key
    except duckdb.CatalogException as exc:
        raise StoreError(f"{db} is not a Cedar store: {exc}.", "Create one with `cedar init`.") from None
    finally:
        _rollback_open(con)
        con.execute("DETACH store")


def _groups(con: Any, key: str | None) -> list[tuple[str, list[Any]]]:
    """The store's events as groups of whole spans of at most GROUP_ROWS events (a span larger than that
    is a group of its own), each as a WHERE over store.event_current e and its parameters: a range of
    event dates, since the span key grows with the date. One group of every event when there is no key
    or a single group holds them all."""
    if key is None:
        return [("", [])]
    spans = con.execute(f"SELECT {key} AS k, min(event_date), max(event_date), count(*) FROM store.event_current "
                        "GROUP BY k ORDER BY k NULLS LAST").fetchall()
    groups: list[list[tuple[Any, ...]]] = []
    for span in spans:
        if span[0] is not None and groups and groups[-1][-1][0] is not None \
                and sum(s[3] for s in groups[-1]) + span[3] <= GROUP_ROWS:
            groups[-1].append(span)
        else:
            groups.append([span])
    if len(groups) <= 1:
        return [("", [])]
    return [("WHERE e.event_date IS NULL", []) if g[0][0] is None else
            ("WHERE e.event_date BETWEEN ? AND ?", [g[0][1], g[-1][2]]) for g in groups]


def _stage_group(con: Any, key: str | None, where: str, dates: list[Any]) -> None:
    """Append one group's events to the staged tables, sorted on the span key and then in id order, and
    their long forms in the events' order. The claims and sources join the group's events alone, and
    the actors come from the group's staged rows, so no sort or join holds more than a group."""
    last = con.execute("SELECT max(rowid) FROM events").fetchall()[0][0]
    after = -1 if last is None else int(last)  # rowids grow with each append (the events' order)
    first = f"{key}, " if key else ""
    con.execute(f"INSERT INTO events SELECT {_typed(event_columns(), 'e')} FROM store.event_current e {where} "
                f"ORDER BY {first}{id_order('e.event_id')}", dates)
    con.execute(f"CREATE OR REPLACE TEMP TABLE event_order AS SELECT event_id, version, rowid AS n FROM events "
                f"WHERE rowid > {after}")
    for table, long, number, columns in (("claims", "event_claims", "claim_no", claim_columns()),
                                         ("sources", "event_sources", "source_no", source_columns())):
        con.execute(f"INSERT INTO {table} SELECT {_typed(columns, 'x')} FROM store.{long} x "
                    f"JOIN event_order o ON o.event_id = x.event_id AND o.version = x.version "
                    f"ORDER BY o.n, x.{number}")
    con.execute(f"INSERT INTO actors SELECT {_typed(ACTOR_COLUMNS, 'a')} FROM ({_ACTORS.format(after=after)}) a "
                "ORDER BY a.n, a.rank, a.position")
    con.execute("DROP TABLE event_order")


def _refuse_legacy_ids(con: Any, db: Path) -> None:
    """A store whose ids still have the earlier form (AZE12, the form of ACLED's ids) is not released:
    opening it with `cedar init` (or any command that writes) gives its events their current ids."""
    layout = con.execute("SELECT max(value) FROM store.store_meta WHERE key = 'store_version'").fetchall()[0][0]
    if layout is not None and int(layout) >= 2:
        return
    old = con.execute("SELECT min(event_id) FROM store.event_history "
                      f"WHERE regexp_full_match(event_id, '{event_ids.LEGACY_PATTERN[1:-1]}')").fetchall()[0][0]
    if old is not None:
        raise StoreError(f"The store {db} gives its events ids of the earlier form ({old}), which ACLED's ids share.",
                         f"Run `cedar init --db {db}` once: it gives every event its id in the current form "
                         f"({event_ids.from_legacy(old)}) and keeps the old one in event_id_aliases.")


def _stage_aliases(con: Any) -> None:
    """id_aliases: each old id and the id its event has now, to follow a previous release's ids."""
    has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'store' "
                      "AND table_name = 'event_id_aliases'").fetchall()[0][0]
    source = "store.event_id_aliases" if has else "(SELECT NULL::VARCHAR AS old_id, NULL::VARCHAR AS event_id LIMIT 0)"
    con.execute(f"CREATE TABLE id_aliases AS SELECT old_id, event_id FROM {source}")


def _rollback_open(con: Any) -> None:
    """Roll back the staging transaction when it did not commit (an error is being raised)."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass  # no transaction open: it committed


# acledR's long form of the actors: one row per actor and role, with its place in a list. From the
# staged events, whose rowid is the event's place (no join with the store: at 30M events it spills).
_ACTORS = """
  SELECT rowid AS n, event_id, 'actor1' AS role, 1 AS rank, 1 AS position, actor1 AS actor, inter1 AS inter
    FROM events WHERE rowid > {after}
  UNION ALL
  SELECT rowid, event_id, 'assoc_actor_1', 2, generate_subscripts(assoc_actor_1, 1), unnest(assoc_actor_1), NULL
    FROM events WHERE rowid > {after}
  UNION ALL
  SELECT rowid, event_id, 'actor2', 3, 1, actor2, inter2 FROM events WHERE actor2 IS NOT NULL AND rowid > {after}
  UNION ALL
  SELECT rowid, event_id, 'assoc_actor_2', 4, generate_subscripts(assoc_actor_2, 1), unnest(assoc_actor_2), NULL
    FROM events WHERE rowid > {after}
"""


def _sql_path(path: Path) -> str:
    return "'" + _sql_text(str(path)) + "'"


def stage_previous(con: Any, store: Path, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The tables previous_events (the previous release's event_id under its current id, version,
    fatalities, and its event_date and iso3, by which a partitioned release files a deleted event's
    change), changed_in_place (events whose published fields changed while their version did
    not, with the fields), against which stage_changes finds the changes; returns the previous
    release's deletions, under their current ids."""
    prev_deletions: list[dict[str, Any]] = []
    if previous:
        prev_dir = store / previous["version"]
        prev_events = partitions.reader(partitions.table_files(prev_dir, "events") or [prev_dir / "events.parquet"])
        con.execute("CREATE TABLE previous_events AS SELECT coalesce(a.event_id, p.event_id) AS event_id, "
                    "CAST(p.version AS BIGINT) AS version, CAST(p.fatalities AS BIGINT) AS fatalities, "
                    "CAST(p.event_date AS DATE) AS event_date, CAST(p.iso3 AS VARCHAR) AS iso3 "
                    f"FROM {prev_events} p "
                    "LEFT JOIN id_aliases a ON a.old_id = p.event_id")
        typed = {t: [(n, SQL_TYPES[k]) for n, k in cs] for t, cs in table_columns().items() if t != "actors"}
        published.stage_changed_in_place(con, prev_dir, typed, _sql_path)
        aliases = dict(con.execute("SELECT old_id, event_id FROM id_aliases").fetchall())
        prev_deletions = [{**r, "event_id": aliases.get(r["event_id"], r["event_id"])}
                          for r in read_deletions(prev_dir / "deletions.csv")]
    else:
        con.execute("CREATE TABLE previous_events (event_id VARCHAR, version BIGINT, fatalities BIGINT, "
                    "event_date DATE, iso3 VARCHAR)")
        con.execute("CREATE TABLE changed_in_place (event_id VARCHAR, changed VARCHAR[])")
    return prev_deletions


def stage_changes(con: Any) -> None:
    """Table changes: one row per added, updated or deleted event against previous_events, in id order
    (a total order: the same rows whichever number of threads DuckDB sorts them on)."""
    con.execute(_CHANGES.format(order=id_order()))


# changes.csv: one row per added, updated or deleted event, in id order.
_CHANGES = """
CREATE TABLE changes AS SELECT * FROM (
  SELECT coalesce(n.event_id, o.event_id) AS event_id,
         CASE WHEN o.event_id IS NULL THEN 'added' WHEN n.event_id IS NULL THEN 'deleted' ELSE 'updated' END AS change,
         n.version AS version, o.version AS previous_version
  FROM events n FULL JOIN previous_events o ON n.event_id = o.event_id
  WHERE n.event_id IS NULL OR o.event_id IS NULL OR n.version IS DISTINCT FROM o.version
) ORDER BY {order}
"""


def read_deletions(path: Path) -> list[dict[str, Any]]:
    """The rows of a release's deletions.csv, typed, with their text as it was before it was neutralised."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        out.append({"event_id": r["event_id"], "deleted_in": r["deleted_in"],
                    "last_version": int(r["last_version"]) if r.get("last_version") else None,
                    "reason": _unneutralise(r.get("reason") or "") or None})
    return out


def _unneutralise(text: str) -> str:
    """A CSV text cell as it was before csvsafe neutralised it (so it is not prefixed twice)."""
    if text.startswith("'") and csvsafe.formula_like(text[1:]):
        return text[1:]
    return text
