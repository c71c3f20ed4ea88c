"""The release gate over the build's staging database: the check tables the dataset expectations
read (cedar.validate.expectations describes them), then every expectation, run by
cedar.validate.gate.

Over a partitioned release the gate still reads the whole staged release, so the dataset-wide
expectations (every event_id once across all partitions, no deleted id in any partition, the row-count
change against the previous release) hold across partitions; a failed expectation's report names the
partitions (year or year-month) its failing rows fall in.

Sets of ids are not handed to Great Expectations as value sets (it copies and serialises an
expectation's arguments many times over): membership is computed here once, in SQL, into a flag
column that an expectation reads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import duckdb

from cedar.validate import expectations as ex
from cedar.validate.gate import GateResult, Outcome, run_gate

from .partitions import Span


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
    gate = run_gate(con, specs)
    name_partitions(con, gate)
    return gate


def name_partitions(con: Any, gate: GateResult) -> None:
    """In a partitioned release (the staging table event_span, releases.partitions), each failed
    expectation whose failing rows are events of the release names the partitions they fall in: in its
    entry of the report's expectations ("partitions") and at the end of its problem's message."""
    if not _count(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'event_span'"):
        return
    failed = [o for o in gate.outcomes if not o.success]
    entries = [x for x in gate.report.extra.get("expectations", []) if not x.get("success")]
    for i, (outcome, entry, problem) in enumerate(zip(failed, entries, list(gate.report.problems))):
        names = _partitions_of(con, outcome)
        if names:
            entry["partitions"] = names
            # the template ends "Failed: {detail}.": the partitions are the end of the detail
            gate.report.problems[i] = dataclasses.replace(
                problem, message=problem.message.removesuffix(".") + f"; in partition(s) {', '.join(names)}.")


def _partitions_of(con: Any, outcome: Outcome) -> list[str]:
    """The spans (2023, 2024-05) of the events among an expectation's failing rows: all of them when its
    failing rows can be selected, else those of its sample ids."""
    failing = None
    if outcome.failing_rows_sql:
        failing = f"SELECT event_id FROM ({outcome.failing_rows_sql})"
    rows: list[tuple[Any, Any]] = []
    try:
        if failing:
            rows = con.execute(f"SELECT DISTINCT y, m FROM event_span WHERE event_id IN ({failing})").fetchall()
    except duckdb.Error:  # a check table's rows without an event_id: fall back to the samples
        failing = None
    if not failing and outcome.sample_ids:
        rows = con.execute("SELECT DISTINCT y, m FROM event_span WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
                           [outcome.sample_ids]).fetchall()
    spans = sorted((Span(int(y), None if m is None else int(m)) for y, m in rows), key=lambda s: (s.year, s.month or 0))
    return [s.name for s in spans]
