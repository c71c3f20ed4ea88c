"""The release gate over the build's staging database: the check tables the dataset expectations
read (cedar.validate.expectations describes them), then every expectation, run by
cedar.validate.gate (GX's SQL path on DuckDB) or, with the engine `spark`, by cedar.validate.gx_spark
(GX's Spark engine over the same tables written as Parquet).

Over a partitioned release the gate still reads the whole staged release, so the dataset-wide
expectations (every event_id once across all partitions, no deleted id in any partition, the row-count
change against the previous release) hold across partitions; a failed expectation's report names the
partitions (year or year-month) its failing rows fall in.

Sets of ids are not handed to Great Expectations as value sets (it copies and serialises an
expectation's arguments many times over): membership is computed here once, in SQL, into a flag
column that an expectation reads.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from cedar import extras
from cedar.errors import UsageError
from cedar.validate import expectations as ex
from cedar.validate import gx_spark
from cedar.validate.gate import GateResult, Outcome, run_gate
from cedar.validate.report import reworded

from .partitions import Span

ENGINES = ("duckdb", "spark")
# The tables the gate on Spark reads, as Parquet (the check tables only where the build made them).
SPARK_TABLES = ("events", "claims", "sources", "actors", "deleted", "released_deleted", "previous", "unchanged")


@dataclass(frozen=True)
class GateEngine:
    """Which engine runs the gate: duckdb (GX's SQL path over the staging database) or spark (GX's
    Spark engine; spark_master None is a local session)."""
    name: str = "duckdb"
    spark_master: str | None = None

    def check(self) -> None:
        """Refuse, before anything is written, an engine that cannot run here (UsageError)."""
        if self.name not in ENGINES:
            raise UsageError(f"{self.name!r} is not a gate engine.", f"Give one of {', '.join(ENGINES)}.")
        if self.spark_master is not None and self.name != "spark":
            raise UsageError("--spark-master is for the gate on Spark.", "Give --engine spark with it.")
        if self.name == "spark":
            extras.require("pyspark")
            gx_spark.check_master(self.spark_master or gx_spark.LOCAL_MASTER)
            gx_spark.java_command()


def _count(con: Any, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0] or 0)


def stage_check_tables(con: Any, has_previous: bool, prev_deletions: list[str]) -> None:
    """The check tables deleted and released_deleted, previous and unchanged when there is a previous
    release, and the view event_actors: the actors table under the name a user queries it by, which
    the gate's SQL uses (cedar.validate.failing_rows)."""
    con.execute("CREATE VIEW event_actors AS SELECT * FROM actors")
    # the events are probed for the (few) deleted ids, not hashed whole: at 30M events, 0.2 s against 7.4 s
    con.execute("CREATE TABLE deleted AS SELECT event_id, event_id IN (SELECT e.event_id FROM events e "
                "WHERE e.event_id IN (SELECT event_id FROM store_deletions)) AS in_release FROM store_deletions")
    con.execute("CREATE TABLE released_deleted AS WITH asked AS (SELECT unnest(?::VARCHAR[]) AS event_id) "
                "SELECT event_id, event_id IN (SELECT e.event_id FROM events e "
                "WHERE e.event_id IN (SELECT event_id FROM asked)) AS in_release FROM asked", [prev_deletions])
    if has_previous:
        con.execute("CREATE TABLE previous AS SELECT p.event_id, "
                    "CASE WHEN p.event_id IN (SELECT event_id FROM events) THEN 'released' "
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
                     private: bool = False, engine: GateEngine | None = None,
                     release_files: dict[str, list[Path]] | None = None) -> GateResult:
    """Every expectation over the staged release (tables events, claims, sources, actors,
    store_deletions, previous_events and changes); a `private` release may hold events whose terms
    forbid publishing them. `engine` chooses who runs them (default DuckDB); the gate on Spark reads
    `release_files` (a partitioned release's files of a table) where they hold that table's rows."""
    stage_check_tables(con, has_previous, prev_deletions)
    release_date = dt.date.fromisoformat(created[:10])
    specs = ex.model_specs(release_date) + ex.reference_specs() + ex.licence_specs(private)
    previous_count = _count(con, "SELECT count(*) FROM previous_events") if has_previous else None
    expected_total = _expected_fatalities(con) if has_previous else None
    specs += ex.dataset_specs(previous_count=previous_count, expected_fatalities=expected_total)
    if engine is None or engine.name == "duckdb":
        gate = run_gate(con, specs)
    else:
        gate = _spark_gate(con, specs, engine, release_files or {})
    name_partitions(con, gate)
    return gate


def _spark_gate(con: Any, specs: list[ex.Spec], engine: GateEngine, release_files: dict[str, list[Path]]) -> GateResult:
    """The gate on Spark over Parquet: a table's release files where they hold all its staged rows, else
    the staged table written into a hidden folder of the build's work folder (removed at the end)."""
    work = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchall()[0][0]).parent
    folder = work / ".spark-gate"
    folder.mkdir()
    try:
        files = {}
        staged = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                           "WHERE database_name = current_database()").fetchall()}
        for table in SPARK_TABLES:
            if table in release_files and _all_in_partitions(con, table):
                files[table] = release_files[table]
            elif table in staged:
                path = folder / f"{table}.parquet"
                con.execute(f"COPY {table} TO '{_sql_text(str(path))}' (FORMAT parquet, COMPRESSION zstd)")
                files[table] = [path]
        started = time.perf_counter()
        with gx_spark.spark_session(engine.spark_master) as spark:
            startup = time.perf_counter() - started  # the JVM's start (none when a session runs already)
            gate = gx_spark.run_spark_gate(spark, files, specs)
        gate.report.extra["spark_start_s"] = round(startup, 2)
        return gate
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _all_in_partitions(con: Any, table: str) -> bool:
    """Whether the partition files of `table` hold every staged row: a row whose event has no partition
    (no event, or no event_date) is in no file, and the gate must still see it."""
    return _count(con, f"SELECT count(*) FROM {table} WHERE event_id NOT IN (SELECT event_id FROM event_span) "
                       "OR event_id IS NULL") == 0


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


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
            gate.report.problems[i] = reworded(problem, "expectation-failed-in-partitions",
                                               partitions=", ".join(names))


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
