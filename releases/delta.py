"""The changes a release publishes beside its full tables, so a copy of the previous release can be brought
up to date without fetching everything again (`cedar sync`, releases/sync.py).

    delta/events.parquet    full rows of the events added or updated since the previous release
    delta/claims.parquet    their claims, delta/sources.parquet their sources, delta/actors.parquet their actors
    delta/deletions.parquet the ids deleted in this release: event_id, deleted_in, last_version, reason

Written by the build from its staged tables (same columns and types as the full files, rows in the
release's order) and hashed in the manifest and datapackage.json like every other file. The first
release has no previous one, so it has no delta.

`apply` is the other side: DuckDB set work over a copy's tables, one release's delta at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    the staged tables' order (rowid), so the files are as reproducible as the full ones."""
    (tmp / FOLDER).mkdir()
    for table in TABLES:
        con.execute(f"COPY (SELECT x.* FROM {table} x WHERE x.event_id IN ({_CHANGED}) ORDER BY x.rowid) "
                    f"TO {_sql_path(tmp / FOLDER / f'{table}.parquet')} (FORMAT parquet, COMPRESSION zstd)")
        hashes.start(f"{FOLDER}/{table}.parquet")
    quoted = version.replace("'", "''")
    con.execute(f"COPY (SELECT c.event_id, CAST('{quoted}' AS VARCHAR) AS deleted_in, c.previous_version AS "
                "last_version, d.reason FROM changes c LEFT JOIN store_deletions d ON d.event_id = c.event_id "
                f"WHERE c.change = 'deleted' ORDER BY c.rowid) TO {_sql_path(tmp / DELETIONS)} "
                "(FORMAT parquet, COMPRESSION zstd)")
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


def apply(con: Any, folder: Path) -> None:
    """One release's delta, fetched into `folder`, applied to `con`'s tables events, claims, sources and
    actors: every row of an event the delta carries or deletes goes, the delta's rows come in. Set work
    in one transaction; order is restored once at the end (`order_tables`)."""
    gone = (f"SELECT event_id FROM read_parquet({_sql_path(folder / FOLDER / 'events.parquet')}) UNION ALL "
            f"SELECT event_id FROM read_parquet({_sql_path(folder / DELETIONS)})")
    con.execute("BEGIN")
    try:
        for table in TABLES:
            con.execute(f"DELETE FROM {table} WHERE event_id IN ({gone})")
            con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet("
                        f"{_sql_path(folder / FOLDER / f'{table}.parquet')})")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# The build's row order of each table, after the event's place in natural id order (o.n).
_ORDER = {"events": "o.n", "claims": "o.n, x.claim_no", "sources": "o.n, x.source_no",
          "actors": "o.n, CASE x.role WHEN 'actor1' THEN 1 WHEN 'assoc_actor_1' THEN 2 WHEN 'actor2' THEN 3 "
                    "ELSE 4 END, x.position"}


def order_tables(con: Any, id_order: str) -> None:
    """Each table rewritten in the build's row order (snapshot.stage_store), so the files written from
    them are the build's bytes."""
    con.execute(f"CREATE TEMP TABLE event_order AS SELECT event_id, row_number() OVER (ORDER BY {id_order}) AS n "
                "FROM events")
    for table in TABLES:
        con.execute(f"CREATE TABLE {table}_ordered AS SELECT x.* FROM {table} x "
                    f"JOIN event_order o ON o.event_id = x.event_id ORDER BY {_ORDER[table]}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_ordered RENAME TO {table}")
    con.execute("DROP TABLE event_order")
