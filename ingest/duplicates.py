"""Possible duplicates: same date, same event type, same first actor, within a few kilometres.

Found in SQL (haversine distance), inside the submission and against the store, and reported as
warnings; nothing is merged. A coder who finds one is the same event updates it by naming its
event_id instead.
"""

from __future__ import annotations

from typing import Any

from cedar.validate.report import Problem, problem

NEAR_KM = 5.0


def haversine_sql(a: str, b: str) -> str:
    """Great-circle distance in km between rows aliased a and b (latitude, longitude in degrees)."""
    return (f"2 * 6371.0 * asin(sqrt(pow(sin(radians({b}.latitude - {a}.latitude) / 2), 2) + "
            f"cos(radians({a}.latitude)) * cos(radians({b}.latitude)) * "
            f"pow(sin(radians({b}.longitude - {a}.longitude) / 2), 2)))")


MAX_LISTED = 200


def find(con: Any, near_km: float = NEAR_KM, max_listed: int = MAX_LISTED) -> list[Problem]:
    """Warnings for staged rows (added or updated) that look like an earlier row of the submission or a
    stored event: one warning a row (its first match), at most `max_listed`, then a count of the rest."""
    dist = haversine_sql("a", "b")
    same = "a.event_date = b.event_date AND a.event_type = b.event_type AND a.actor1 = b.actor1"
    point = "event_date, event_type, actor1, latitude, longitude"
    on_point = " AND ".join(f"p.{c} = s.{c}" for c in point.split(", "))
    # Rows at the very same point are matched by a window, not a join, and only distinct points are
    # compared pairwise: a file that repeats one event many times stays linear, not quadratic. The
    # matches stay in DuckDB, three numbers a row, and only the listed ones are read with their details:
    # a submission coded twice matched 500,000 rows, whose details at once overran the transaction's
    # memory limit.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE duplicate_matches AS
        WITH s AS (
            SELECT row_no, change, {point},
                   first_value(row_no) OVER (PARTITION BY {point} ORDER BY row_no) AS first_row
            FROM stage_events),
        pts AS (SELECT * FROM s WHERE row_no = first_row),
        near_pts AS (
            SELECT a.row_no, min(b.row_no) AS other_row FROM pts a
            JOIN pts b ON b.row_no < a.row_no AND {same}
            WHERE {dist} <= $km GROUP BY a.row_no),
        inside AS (
            SELECT row_no, first_row AS other_row FROM s WHERE row_no <> first_row
            UNION ALL SELECT row_no, other_row FROM near_pts),
        store_pts AS (
            SELECT {point}, arg_min(event_id, lpad(event_id, 24, '0')) AS event_id FROM event_current
            WHERE event_id NOT IN (SELECT event_id FROM stage_events WHERE event_id IS NOT NULL)
            GROUP BY ALL),
        new_pts AS (SELECT DISTINCT {point} FROM stage_events WHERE change IN ('added', 'updated')),
        near_store AS (
            SELECT a.event_date, a.event_type, a.actor1, a.latitude, a.longitude,
                   arg_min(b.event_id, lpad(b.event_id, 24, '0')) AS other_id
            FROM new_pts a JOIN store_pts b ON {same} WHERE {dist} <= $km GROUP BY ALL),
        against AS (SELECT s.row_no, p.other_id FROM stage_events s JOIN near_store p ON {on_point})
        SELECT s.row_no, i.other_row, g.other_id FROM stage_events s
        LEFT JOIN inside i ON i.row_no = s.row_no LEFT JOIN against g ON g.row_no = s.row_no
        WHERE s.change IN ('added', 'updated') AND (i.row_no IS NOT NULL OR g.row_no IS NOT NULL)
    """, {"km": near_km})
    found = con.execute("SELECT count(*) FROM duplicate_matches").fetchone()[0]
    rows = con.execute(f"""
        SELECT s.file, s.row, s.event_id, o.row, o.event_id, m.other_id,
               {haversine_sql("s", "o")}, {haversine_sql("s", "e")}
        FROM (SELECT * FROM duplicate_matches ORDER BY row_no LIMIT $listed) m
        JOIN stage_events s ON s.row_no = m.row_no LEFT JOIN stage_events o ON o.row_no = m.other_row
        LEFT JOIN event_current e ON e.event_id = m.other_id
        ORDER BY m.row_no
    """, {"listed": max_listed}).fetchall()
    con.execute("DROP TABLE duplicate_matches")
    out = []
    for file, row, event_id, other_row, other_row_id, other_id, km_row, km_store in rows:
        if other_id is not None:
            out.append(problem("possible-duplicate", file=file, row=row, field="event_id", value=other_id,
                               event_id=event_id, other=f"{other_id} in the store", km=f"{km_store:.1f}",
                               fix=f"update {other_id} by giving its event_id in this row instead of adding a new "
                                   "event"))
        else:
            out.append(problem("possible-duplicate", file=file, row=row, value=other_row_id, event_id=event_id,
                               other=f"row {other_row} ({other_row_id}) of this submission", km=f"{km_row:.1f}",
                               fix="keep one row"))
    if found > max_listed:
        out.append(problem("possible-duplicates-not-listed", value=found - max_listed, listed=max_listed))
    return out
