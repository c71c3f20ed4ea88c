"""The release gate over the build's staging database: the check tables the dataset expectations
read (cedar.validate.expectations describes them), then every expectation, run by
cedar.validate.gate (GX's SQL path on DuckDB) or, with the engine `spark`, by cedar.validate.gx_spark
(GX's Spark engine over the same tables written as Parquet).

Sets of ids are not handed to Great Expectations as value sets (it copies and serialises an
expectation's arguments many times over): membership is computed here once, in SQL, into a flag
column that an expectation reads.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cedar import extras
from cedar.errors import UsageError
from cedar.validate import expectations as ex
from cedar.validate import gx_spark
from cedar.validate.gate import GateResult, run_gate

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
                     private: bool = False, engine: GateEngine | None = None) -> GateResult:
    """Every expectation over the staged release (tables events, claims, sources, actors,
    store_deletions, previous_events and changes); a `private` release may hold events whose terms
    forbid publishing them. `engine` chooses who runs them (default DuckDB)."""
    stage_check_tables(con, has_previous, prev_deletions)
    release_date = dt.date.fromisoformat(created[:10])
    specs = ex.model_specs(release_date) + ex.reference_specs() + ex.licence_specs(private)
    previous_count = _count(con, "SELECT count(*) FROM previous_events") if has_previous else None
    expected_total = _expected_fatalities(con) if has_previous else None
    specs += ex.dataset_specs(previous_count=previous_count, expected_fatalities=expected_total)
    if engine is None or engine.name == "duckdb":
        return run_gate(con, specs)
    return _spark_gate(con, specs, engine)


def _spark_gate(con: Any, specs: list[ex.Spec], engine: GateEngine) -> GateResult:
    """The staged tables written as Parquet into a hidden folder of the build's work folder (Spark reads
    files, not DuckDB), the gate run on Spark over them, the folder removed."""
    work = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
                .fetchall()[0][0]).parent
    folder = work / ".spark-gate"
    folder.mkdir()
    try:
        files = {}
        staged = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() "
                                           "WHERE database_name = current_database()").fetchall()}
        for table in SPARK_TABLES:
            if table in staged:
                path = folder / f"{table}.parquet"
                con.execute(f"COPY {table} TO '{_sql_text(str(path))}' (FORMAT parquet, COMPRESSION zstd)")
                files[table] = [path]
        with gx_spark.spark_session(engine.spark_master) as spark:
            return gx_spark.run_spark_gate(spark, files, specs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sql_text(text: str) -> str:
    return text.replace("'", "''")
