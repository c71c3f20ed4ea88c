"""The store's layout step 3: every event version gets its `licensor` and `licence`, derived from its
external_ids as an ingest derives them now (cedar.schema.licences). A store made before these columns
existed has them added and filled here, inside the migration's transaction (cedar.ingest.ids.migrate).
"""

from __future__ import annotations

from typing import Any

from cedar.schema.licences import licence_sql, licensor_sql

# The tables that hold an event's columns; ALTER appends, and every writer names its columns.
EVENT_TABLES = ("event_current", "event_history")


def fill(con: Any) -> int:
    """Add licensor and licence where missing and fill them for every row without them. Returns the
    number of current events filled."""
    filled = 0
    for table in EVENT_TABLES:
        have = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = "
                                          "current_database() AND table_name = ?", [table]).fetchall()}
        for column in ("licensor", "licence"):
            if column not in have:
                con.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR")
        derived = licensor_sql("external_ids")
        n = con.execute(f"UPDATE {table} SET licensor = {derived}, licence = {licence_sql(derived)} "
                        "WHERE licensor IS NULL OR licence IS NULL").fetchall()
        if table == "event_current":
            filled = int(n[0][0]) if n else 0
    return filled
