"""Event ids: ISO3 plus a number counted per country, given by the store and never given twice.

`id_counters` keeps the last number given per country. It only ever grows, and a deleted event's
row stays in `event_history`, so no id comes back even after a deletion.
"""

from __future__ import annotations

from typing import Any


def assign(con: Any) -> int:
    """Give an id to every staged row marked 'added', in submission order within each country, and
    move the counters on. Returns how many ids were given."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE new_ids AS
        SELECT s.row_no, s.iso3,
               coalesce(c.last_number, 0) + row_number() OVER (PARTITION BY s.iso3 ORDER BY s.row_no) AS number
        FROM stage_events s LEFT JOIN id_counters c ON c.iso3 = s.iso3
        WHERE s.change = 'added'
    """)
    given = con.execute("SELECT count(*) FROM new_ids").fetchone()[0]
    if not given:
        return 0
    # Never hand out a number at or below one already in the history (a store built before its counters).
    clash = con.execute("""
        SELECT count(*) FROM new_ids n JOIN event_history h ON h.event_id = n.iso3 || n.number
    """).fetchone()[0]
    if clash:
        con.execute("""
            UPDATE new_ids SET number = number + (
                SELECT coalesce(max(CAST(substr(event_id, 4) AS BIGINT)), 0) FROM event_history h
                WHERE substr(h.event_id, 1, 3) = new_ids.iso3)
        """)
    con.execute("UPDATE stage_events s SET event_id = n.iso3 || n.number FROM new_ids n WHERE s.row_no = n.row_no")
    con.execute("""
        INSERT INTO id_counters SELECT iso3, max(number) FROM new_ids GROUP BY iso3
        ON CONFLICT (iso3) DO UPDATE SET last_number = excluded.last_number
    """)
    return int(given)
