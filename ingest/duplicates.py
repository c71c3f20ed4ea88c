"""Possible duplicates: same date, same event type, same first actor, within a few kilometres.

Found in SQL (haversine distance), inside the submission and against the store, and reported as
warnings; nothing is merged. A coder who finds one is the same event updates it by naming its
event_id instead.
"""

from __future__ import annotations

from typing import Any

from cedar.validate.report import WARNING, Problem

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
    rows = con.execute(f"""
        WITH inside AS (
            SELECT a.row_no, min(b.row_no) AS other_row_no FROM stage_events a
            JOIN stage_events b ON b.row_no < a.row_no AND {same}
            WHERE a.change IN ('added', 'updated') AND {dist} <= $km GROUP BY a.row_no),
        against AS (
            SELECT a.row_no, min(b.event_id) AS other_id FROM stage_events a
            JOIN event_current b ON {same} AND b.event_id IS DISTINCT FROM a.event_id
            WHERE a.change IN ('added', 'updated') AND {dist} <= $km
              AND b.event_id NOT IN (SELECT event_id FROM stage_events WHERE event_id IS NOT NULL)
            GROUP BY a.row_no)
        SELECT s.file, s.row, s.event_id, o.row, o.event_id, g.other_id,
               {haversine_sql("s", "o")}, {haversine_sql("s", "e")}
        FROM stage_events s
        LEFT JOIN inside i ON i.row_no = s.row_no LEFT JOIN stage_events o ON o.row_no = i.other_row_no
        LEFT JOIN against g ON g.row_no = s.row_no LEFT JOIN event_current e ON e.event_id = g.other_id
        WHERE i.row_no IS NOT NULL OR g.row_no IS NOT NULL
        ORDER BY s.row_no
    """, {"km": near_km}).fetchall()
    out = []
    for file, row, event_id, other_row, other_row_id, other_id, km_row, km_store in rows[:max_listed]:
        if other_id is not None:
            out.append(Problem(
                "possible-duplicate",
                f"This row ({event_id}) may be the same event as {other_id} in the store: same event_date, "
                f"event_type and actor1, {km_store:.1f} km apart. If it is, update {other_id} by giving its "
                "event_id in this row instead of adding a new event; nothing is merged for you.", WARNING,
                file=file, row=row, field="event_id", value=other_id))
        else:
            out.append(Problem(
                "possible-duplicate",
                f"This row ({event_id}) may be the same event as row {other_row} ({other_row_id}) of this "
                f"submission: same event_date, event_type and actor1, {km_row:.1f} km apart. If it is, keep one "
                "row; nothing is merged for you.", WARNING, file=file, row=row, value=other_row_id))
    if len(rows) > max_listed:
        out.append(Problem(
            "possible-duplicate", f"{len(rows) - max_listed} more rows may duplicate an earlier row or a stored "
            f"event (only the first {max_listed} are listed).", WARNING, value=len(rows) - max_listed))
    return out
