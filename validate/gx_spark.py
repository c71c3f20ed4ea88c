"""The release gate on Spark: the same expectations (cedar.validate.expectations), run by Great
Expectations' Spark execution engine over DataFrames read from Parquet, one batch per table.

It gives what cedar.validate.gate gives (Outcome, GateResult, the report with the same codes, the
same sample of failing event ids and the same failing_rows_sql for users' DuckDB views); only the
engine differs. What GX on Spark costs unless designed against:
- every expectation rescans its batch: each table's DataFrame is cached for the time of its batch;
- a value set becomes `isin` over its values: a value set of more than VALUE_SET_JOIN values is a
  broadcast join with the values instead, into a flag column that the expectation reads (ids are
  already flags: cedar.releases.gating computes membership of the id sets in SQL);
- the suite's SQL is DuckDB's: cedar.validate.spark_sql translates it, and the queries run as
  Spark SQL over temp views of the tables under the names the SQL uses.
The failing event ids are taken in natural id order by a Spark query of the failing rows, so both
engines name the same first SAMPLE_IDS ids.

pyspark (the `spark` extra) and Great Expectations are imported inside the functions: seconds each.
A session is local (LOCAL_MASTER) unless a master URL is given; Java comes from the machine.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from cedar import extras
from cedar.errors import UsageError
from cedar.validate import spark_sql
from cedar.validate.expectations import Spec
from cedar.validate.failing_rows import USER_TABLES, failing_rows_sql, gx_query
from cedar.validate.gate import (
    SAMPLE_IDS,
    GateResult,
    Outcome,
    _outcome,
    _quiet_gx,
    gate_report,
    validate_in_passes,
)

LOCAL_MASTER = "local[2]"
DRIVER_MEMORY = "2g"  # the local JVM's heap; tables past it are cached on disk
VALUE_SET_JOIN = 30  # a value set larger than this is a join, not `isin`
LOG4J = Path(__file__).with_name("spark-log4j2.properties")  # Spark's own logging: errors only
_MASTER = re.compile(r"local(\[(\d+|\*)\])?|(spark|k8s|mesos)://[\w.\-\[\]:,/@]+|yarn")


def check_master(master: str) -> str:
    if not _MASTER.fullmatch(master):
        raise UsageError(f"{master!r} is not a Spark master URL.",
                         "Give local[N], spark://HOST:PORT, k8s://..., or yarn (default local[2]).")
    return master


def java_command() -> str:
    """The java that Spark will start (JAVA_HOME's, else the PATH's), or a UsageError."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).is_file():
        raise UsageError("The gate on Spark needs Java (17), and none was found.",
                         "Install a Java runtime (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME.")
    return java


def start_spark(master: str | None = None) -> Any:
    """A SparkSession for the gate: `master` (default LOCAL_MASTER), quiet, UTC, no web UI; a local
    session listens on the loopback address only."""
    master = check_master(master or LOCAL_MASTER)
    java_command()
    extras.require("pyspark")
    from pyspark.sql import SparkSession  # heavy: only the gate on Spark pays for it

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    local = master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (SparkSession.builder.master(master).appName("cedar-gate")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", "8")
               # adaptive execution runs each stage of a query as a job of its own: it doubled the gate's
               # jobs (116 against 59 for the events' 74 expectations), and its scans gain nothing from it
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.driver.memory", DRIVER_MEMORY)
               .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG4J.as_uri()}"))
    if local:
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start, or the master refused: pyspark's errors have no common type
        raise UsageError(f"Spark did not start with master {master}: {str(exc).strip().splitlines()[0][:300]}",
                         "Check Java 17 (java -version) and the --spark-master URL.") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


@contextmanager
def spark_session(master: str | None = None) -> Iterator[Any]:
    """The running SparkSession of this process when there is one (a caller that started it stops it),
    else a new one, stopped at the end."""
    if "pyspark" in sys.modules:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        if SparkContext._active_spark_context is not None:  # started by the caller: left running
            yield SparkSession.builder.getOrCreate()
            return
    spark = start_spark(master)
    try:
        yield spark
    finally:
        spark.stop()


def read_tables(spark: Any, files: dict[str, list[Path]]) -> dict[str, Any]:
    """One DataFrame per table from its Parquet files, each also a temp view under the names the
    suite's SQL and the failing rows' SQL use (actors is also event_actors)."""
    frames = {}
    for table, paths in files.items():
        df = spark.read.parquet(*[str(p) for p in paths])
        frames[table] = df
        df.createOrReplaceTempView(table)
        if table in USER_TABLES:
            df.createOrReplaceTempView(USER_TABLES[table])
    return frames


def _flag(spark: Any, df: Any, spec: Spec, name: str) -> Any:
    """`df` with a boolean column `name`: the spec's column is missing or in its value set, by a
    broadcast join with the values (GX's `isin` would be an expression of every value)."""
    from pyspark.sql import functions as F

    column = spec.kwargs["column"]
    kind = df.schema[column].dataType.simpleString()
    values = spark.createDataFrame([(v, True) for v in dict.fromkeys(spec.kwargs["value_set"])],
                                   f"cedar_value {kind}, cedar_hit boolean")
    joined = df.join(F.broadcast(values), df[column] == values["cedar_value"], "left")
    return joined.withColumn(name, F.col(column).isNull() | F.col("cedar_hit").isNotNull()) \
                 .drop("cedar_value", "cedar_hit")


def _gx_form(spec: Spec, index: int) -> tuple[str, dict[str, Any], str | None]:
    """The GX expectation, its kwargs on Spark and the flag column it reads (or None)."""
    if spec.expectation == "UnexpectedRowsExpectation":
        return spec.expectation, {"unexpected_rows_query": spark_sql.translate(
            spec.kwargs["unexpected_rows_query"])}, None
    if spec.expectation == "ExpectColumnValuesToBeInSet" and len(spec.kwargs["value_set"]) > VALUE_SET_JOIN:
        flag = f"cedar_in_set_{index}"
        return spec.expectation, {"column": flag, "value_set": [True]}, flag
    return spec.expectation, dict(spec.kwargs), None


def run_spark_gate(spark: Any, files: dict[str, list[Path]], specs: list[Spec]) -> GateResult:
    """Run every spec on its table, read from `files` (table -> its Parquet files: events, claims,
    sources, actors and the check tables of cedar.validate.expectations), with the session `spark`."""
    start = time.perf_counter()
    _quiet_gx()
    import great_expectations as gx  # heavy (about 2 s): only when the gate runs, after _quiet_gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.row_conditions import Column

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = ctx.data_sources.add_spark("cedar_release")
    frames = read_tables(spark, files)
    outcomes: list[Outcome] = []
    raw: dict[str, Any] = {}
    for table in dict.fromkeys(s.table for s in specs):
        table_specs = [s for s in specs if s.table == table]
        df = frames[table]
        expectations = []
        for i, spec in enumerate(table_specs):
            name, kwargs, flag = _gx_form(spec, i)
            if flag:
                df = _flag(spark, df, spec, flag)
            extra: dict[str, Any] = {}
            if spec.when is not None:
                extra["row_condition"] = Column(spec.when[0]) == spec.when[1]
            expectations.append(getattr(gx.expectations, name)(**kwargs, **extra,
                                                               meta={"cedar_index": i, "cedar_code": spec.code}))
        df = df.cache()  # every expectation reads the batch again: from memory (or disk), not from Parquet
        try:
            df.count()
            batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("all").get_batch(
                batch_parameters={"dataframe": df})
            results, raw[table] = validate_in_passes(ctx, batch, table, expectations, "event_id" in df.columns)
        finally:
            df.unpersist()
        for r in results:
            spec = table_specs[r.expectation_config.meta["cedar_index"]]
            outcome = _outcome(spec, r)
            if not outcome.success:
                outcome.failing_rows_sql = failing_rows_sql(spec)
                if not outcome.error:
                    _name_rows(spark, outcome)
            outcomes.append(outcome)
    report = gate_report(specs, outcomes, frames["events"].count() if "events" in frames else 0,
                         f"great_expectations {gx.__version__} (Spark {spark.version}, {spark.sparkContext.master})")
    report.extra["spark_files"] = {table: [Path(p).name for p in paths] for table, paths in files.items()}
    return GateResult(report, outcomes, raw, time.perf_counter() - start, gx.__version__)


def _name_rows(spark: Any, outcome: Outcome) -> None:
    """The first SAMPLE_IDS failing rows in natural id order (GX on Spark names some of them, in the
    order its partitions come back), by the failing rows' query as Spark SQL."""
    spec = outcome.spec
    if spec.expectation == "UnexpectedRowsExpectation":
        query = gx_query(spec, spec.table)
        for table, user in USER_TABLES.items():
            query = re.sub(rf"\bFROM {table}\b", f"FROM {user}", query)
        outcome.unexpected_count = outcome.observed if isinstance(outcome.observed, int) else None
    elif outcome.failing_rows_sql is not None:
        query = outcome.failing_rows_sql
    else:
        return
    column = spec.kwargs.get("column") if spec.expectation != "UnexpectedRowsExpectation" else None
    picked = "event_id" + (f", `{column}` AS cedar_value" if column else "")
    rows = spark.sql(f"SELECT {picked} FROM ({spark_sql.translate(query)}) failing "
                     f"ORDER BY {spark_sql.natural_order()} LIMIT {SAMPLE_IDS}").collect()
    outcome.sample_ids = list(dict.fromkeys(str(r[0]) for r in rows))
    if column:
        outcome.sample_values = [r[1] for r in rows]
