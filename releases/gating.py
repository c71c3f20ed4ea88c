"""The release gate over the build's staging database: the check tables the dataset expectations
read (cedar.validate.expectations describes them), then every expectation, run by
cedar.validate.gate.

Sets of ids are not handed to Great Expectations as value sets (it copies and serialises an
expectation's arguments many times over): membership is computed here once, in SQL, into a flag
column that an expectation reads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cedar.validate import expectations as ex
from cedar.validate.gate import GateResult, run_gate


def _count(con: Any, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0] or 0)


def stage_check_tables(con: Any, has_previous: bool, prev_deletions: list[str]) -> None:
    """The check tables deleted and released_deleted, previous and unchanged when there is a previous
    release, and the view event_actors: the actors table under the name a user queries it by, which
    the gate's SQL uses (cedar.validate.failing_rows)."""
    con.execute("CREATE VIEW event_actors AS SELECT * FROM actors")
    con.execute("CREATE TEMP TABLE released AS SELECT event_id FROM events")
    con.execute("CREATE TABLE deleted AS SELECT event_id, event_id IN (SELECT event_id FROM released) AS in_release "
                "FROM store_deletions")
    con.execute("CREATE TABLE released_deleted AS SELECT event_id, event_id IN (SELECT event_id FROM released) "
                "AS in_release FROM (SELECT unnest(?::VARCHAR[]) AS event_id)", [prev_deletions])
    if has_previous:
        con.execute("CREATE TABLE previous AS SELECT p.event_id, "
                    "CASE WHEN p.event_id IN (SELECT event_id FROM released) THEN 'released' "
                    "WHEN p.event_id IN (SELECT event_id FROM store_deletions) THEN 'deleted' END AS now "
                    "FROM previous_events p")
        con.execute("CREATE TABLE unchanged AS SELECT e.event_id, e.fatalities, p.fatalities AS previous_fatalities, "
                    "c.event_id IS NULL AS published_unchanged, c.changed AS changed_fields "
                    "FROM events e JOIN previous_events p ON p.event_id = e.event_id AND p.version = e.version "
                    "LEFT JOIN changed_in_place c ON c.event_id = e.event_id")


def _expected_fatalities(con: Any) -> int:
    """The previous release's fatality total, less what its updated and deleted events had, plus what
    the updated and added events have now."""
    return _count(con, """
        SELECT (SELECT coalesce(sum(fatalities), 0) FROM previous_events)
             - (SELECT coalesce(sum(p.fatalities), 0) FROM previous_events p
                JOIN changes c ON c.event_id = p.event_id AND c.change IN ('updated', 'deleted'))
             + (SELECT coalesce(sum(e.fatalities), 0) FROM events e
                JOIN changes c ON c.event_id = e.event_id AND c.change IN ('updated', 'added'))""")


def run_release_gate(con: Any, has_previous: bool, prev_deletions: list[str], created: str,
                     private: bool = False) -> GateResult:
    """Every expectation over the staged release (tables events, claims, sources, actors,
    store_deletions, previous_events and changes); a `private` release may hold events whose terms
    forbid publishing them."""
    stage_check_tables(con, has_previous, prev_deletions)
    release_date = dt.date.fromisoformat(created[:10])
    specs = ex.model_specs(release_date) + ex.reference_specs() + ex.licence_specs(private)
    previous_count = _count(con, "SELECT count(*) FROM previous_events") if has_previous else None
    expected_total = _expected_fatalities(con) if has_previous else None
    specs += ex.dataset_specs(previous_count=previous_count, expected_fatalities=expected_total)
    return run_gate(con, specs)
