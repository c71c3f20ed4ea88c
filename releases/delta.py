"""The changes a release publishes beside its full tables, so a copy of the previous release can be brought
up to date without fetching everything again (`cedar sync`, releases/sync.py).

    delta/events.parquet    full rows of the events added or updated since the previous release
    delta/claims.parquet    their claims, delta/sources.parquet their sources, delta/actors.parquet their actors
    delta/deletions.parquet the ids deleted in this release: event_id, deleted_in, last_version, reason

Written by the build from its staged tables (same columns and types as the full files, rows in the
release's order) and hashed in the manifest and datapackage.json like every other file. The first
release has no previous one, so it has no delta.

`stage_chain` is the other side: DuckDB set work over a copy's tables (single files or partitions)
and the deltas after it. A partitioned release's delta is the same small files as a single-file one's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cedar.schema import event_ids

from . import partitions

FOLDER = "delta"
TABLES = ("events", "claims", "sources", "actors")
DELETIONS = f"{FOLDER}/deletions.parquet"
FILES = tuple(f"{FOLDER}/{t}.parquet" for t in TABLES) + (DELETIONS,)

# The events a delta carries in full: added or updated against the previous release.
_CHANGED = "SELECT event_id FROM changes WHERE change IN ('added', 'updated')"


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write(con: Any, tmp: Path, version: str, hashes: Any) -> None:
    """The delta files of release `version` from the build's staged tables (events, claims, sources,
    actors, changes, store_deletions) into `tmp`/delta, each hashed as soon as it is written. Rows keep
    natural id order and within an event the staged tables' order (rowid), so the files are as
    reproducible as the full ones (a partitioned release stages its tables by span first)."""
    (tmp / FOLDER).mkdir()
    for table in TABLES:
        con.execute(f"COPY (SELECT x.* FROM {table} x WHERE x.event_id IN ({_CHANGED}) "
                    f"ORDER BY {event_ids.order_sql('x.event_id')}, x.rowid) "
                    f"TO {_sql_path(tmp / FOLDER / f'{table}.parquet')} (FORMAT parquet, COMPRESSION zstd)")
        hashes.start(f"{FOLDER}/{table}.parquet")
    quoted = version.replace("'", "''")
    con.execute(f"COPY (SELECT c.event_id, CAST('{quoted}' AS VARCHAR) AS deleted_in, c.previous_version AS "
                "last_version, d.reason FROM changes c LEFT JOIN store_deletions d ON d.event_id = c.event_id "
                f"WHERE c.change = 'deleted' ORDER BY {event_ids.order_sql('c.event_id')}) "
                f"TO {_sql_path(tmp / DELETIONS)} (FORMAT parquet, COMPRESSION zstd)")
    hashes.start(DELETIONS)


def resources(tmp: Path) -> list[dict[str, Any]]:
    """datapackage.json's entries for the delta files (none in a first release)."""
    out: list[dict[str, Any]] = []
    for name in FILES:
        if not (tmp / name).is_file():
            continue
        table = name.removeprefix(f"{FOLDER}/").removesuffix(".parquet")
        what = ("The ids of the events deleted in this release, with deleted_in, last_version and reason"
                if table == "deletions" else
                f"The rows of resource '{table}' (same columns, lists as Parquet lists) for the events added or "
                "updated since the previous release only")
        out.append({"name": f"delta-{table}", "path": name, "columns": None,
                    "mediatype": "application/vnd.apache.parquet",
                    "description": what + "; `cedar sync` applies it to a copy of the previous release."})
    return out


def has_delta(files: dict[str, Any]) -> bool:
    """Whether a release's manifest names every delta file (releases built before deltas have none)."""
    return all(name in files for name in FILES)


def stage_chain(con: Any, copy: Path, deltas: list[Path], id_order: str) -> dict[str, int]:
    """The tables events, claims, sources and actors of the release after the deltas in `deltas` (each a
    folder holding one release's delta/, oldest first), from the copy's Parquet files in `copy`, in the
    build's row order (snapshot.stage_store), so the files written from them are the build's bytes.

    Set work, each table made once: for every event a delta names, the last release in the chain that
    names it decides (carried: its rows come from that delta; deleted: it goes); every other event keeps
    the copy's rows. Returns the events added, updated and deleted against the copy."""
    steps = []
    for i, folder in enumerate(deltas):
        steps.append(f"SELECT event_id, {i} AS step, true AS carried FROM read_parquet("
                     f"{_sql_path(folder / FOLDER / 'events.parquet')})")
        steps.append(f"SELECT event_id, {i} AS step, false AS carried FROM read_parquet("
                     f"{_sql_path(folder / DELETIONS)})")
    con.execute("CREATE TEMP TABLE last_step AS SELECT event_id, max(step) AS step, arg_max(carried, step) AS carried "
                f"FROM ({' UNION ALL '.join(steps)}) GROUP BY event_id")
    rows = {}
    for table in TABLES:
        parts = [f"SELECT x.* FROM {_copy_files(copy, table)} x "
                 "ANTI JOIN last_step l ON l.event_id = x.event_id"]
        parts += [f"SELECT x.* FROM read_parquet({_sql_path(folder / FOLDER / f'{table}.parquet')}) x "
                  f"SEMI JOIN last_step l ON l.event_id = x.event_id AND l.step = {i} AND l.carried"
                  for i, folder in enumerate(deltas)]
        rows[table] = " UNION ALL ".join(parts)
    con.execute(f"CREATE TEMP TABLE event_order AS SELECT event_id, version, row_number() OVER (ORDER BY {id_order}) "
                f"AS n FROM ({rows['events']})")
    for table in TABLES:
        con.execute(f"CREATE TABLE {table} AS SELECT x.* FROM ({rows[table]}) x "
                    f"JOIN event_order o ON o.event_id = x.event_id ORDER BY {_ORDER[table]}")
    added, updated, deleted = con.execute(
        "SELECT count(*) FILTER (WHERE l.carried AND c.event_id IS NULL), "
        "count(*) FILTER (WHERE l.carried AND c.event_id IS NOT NULL AND o.version IS DISTINCT FROM c.version), "
        "count(*) FILTER (WHERE NOT l.carried AND c.event_id IS NOT NULL) FROM last_step l "
        f"LEFT JOIN {_copy_files(copy, 'events')} c ON c.event_id = l.event_id "
        "LEFT JOIN event_order o ON o.event_id = l.event_id").fetchall()[0]
    con.execute("DROP TABLE event_order")
    con.execute("DROP TABLE last_step")
    return {"added": int(added), "updated": int(updated), "deleted": int(deleted)}


def _copy_files(copy: Path, table: str) -> str:
    """read_parquet() of a table of the copy: its single file, or its partition files."""
    return partitions.reader(partitions.table_files(copy, table) or [copy / f"{table}.parquet"], _sql_path)


# The build's row order of each table, after the event's place in natural id order (o.n).
_ORDER = {"events": "o.n", "claims": "o.n, x.claim_no", "sources": "o.n, x.source_no",
          "actors": "o.n, CASE x.role WHEN 'actor1' THEN 1 WHEN 'assoc_actor_1' THEN 2 WHEN 'actor2' THEN 3 "
                    "ELSE 4 END, x.position"}
