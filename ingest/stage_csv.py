"""`cedar ingest` of a large CSV: staged by DuckDB straight from the file as the SQL engine checks it.

The row engine costs tens of microseconds a row (Pydantic, the rules, then Arrow rows built from
the events); a million rows took minutes. For CSV files that the SQL engine answers for and that
are large (cedar.validate.engine chooses), one DuckDB query over each file gives both the findings
of every rule and the store's event columns, into a table in file order
(cedar.validate.sql_registry; the derived fields computed in SQL, `derive.SQL`). While the report
has no error, `CsvStager` stages each file from that table: region is filled from the country,
actor names known to the registry as aliases are replaced; the rows the row engine checked are
staged from their events, which go to Parquet a chunk at a time as they are checked
(cedar.ingest.spool.EventSink), however many they are. The store ends the same either way:
tests/test_ingest_fast_differential.py ingests the same submissions both ways and compares every table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cedar.ingest.spool import EventSink, RowEngineEvents, Spool
from cedar.schema.regions import region_of
from cedar.schema.tables import EVENT_COLUMNS
from cedar.validate.sql_query import ident, quote
from cedar.validate.sql_registry import CheckedFile, run_sql, scalar

_ACTOR_LISTS = ("assoc_actor_1", "assoc_actor_2")
# the Parquet writer holds a row group per thread: at DuckDB's default (122,880 wide rows) two of them
# took more than 100 MB, whatever the file's size
ROW_GROUP = 30_000
# x and x_all are paired by position (no hash table of the file's rids): a pair out of step is a bug
_PAIRED = "NOT w.blank AND NOT w.python AND CASE WHEN x.rid = w.rid THEN true ELSE error('rows out of step') END"


class CsvStager:
    """Stages the files of a submission as the SQL engine checks them (cedar.validate.sql_registry.Stager)."""

    def __init__(self, spool: Spool) -> None:
        self.parts: dict[str, list[Any]] = {"stage_events": [], "stage_sources": []}
        self.rows_per_file: dict[Path, int] = {}
        self.spool = spool
        self.sink = EventSink(spool)  # the row engine's events, of every file

    def prepare(self, con: Any) -> None:
        """The check's connection holds a whole file's rows: bounded, spilling into the spool."""
        self.spool.limit(con)

    def events(self, path: Path) -> RowEngineEvents:
        return RowEngineEvents(self.sink, path)

    def stage(self, con: Any, path: Path, checked: CheckedFile) -> None:
        self.rows_per_file[path] = checked.rows
        for name, files in _stage(con, path, self.spool).items():
            self.parts[name] += files

    @property
    def event_count(self) -> int:
        return sum(self.rows_per_file.values())

    def tables(self) -> dict[str, Any]:
        """The staged tables for stage.load: lists of Parquet files (DuckDB's and the sink's), and the
        documents' Arrow table (none: a CSV the engine takes cites none)."""
        tables = self.sink.tables()
        for name, files in self.parts.items():
            tables[name] = files + tables[name]
        return tables


def _stage(con: Any, path: Path, spool: Spool) -> dict[str, list[Path]]:
    """The file's staged events and sources, as Parquet files in the spool, of the rows the row engine did
    not check (its events are in the sink): the typed rows, aliases replaced and region filled."""
    import pyarrow as pa  # (heavy: `cedar ingest` of small files does not need it)

    isos = [r[0] for r in con.execute("SELECT DISTINCT iso3 FROM x WHERE iso3 IS NOT NULL").fetchall()]
    con.register("x_regions", pa.table({"iso3": pa.array(isos, pa.string()),
                                        "region": pa.array([region_of(i) for i in isos], pa.string())}))
    run_sql(con, "CREATE OR REPLACE TABLE x_aliases AS SELECT name, canonical FROM x_names WHERE canonical <> name")
    aliases = scalar(con, "SELECT count(*) FROM x_aliases")
    cols = []
    for name, _ in EVENT_COLUMNS:
        if name in ("actor1", "actor2"):
            cols.append(f"coalesce(m.aliases[x.{name}], x.{name}) AS {name}")
        elif name in _ACTOR_LISTS and aliases:
            cols.append(f"list_transform(x.{name}, lambda v: coalesce(m.aliases[v], v)) AS {name}")
        elif name == "region":
            cols.append("coalesce(x.region, m.regions[x.iso3]) AS region")
        else:
            cols.append(f"x.{ident(name)}")
    # the aliases and regions are maps in a one-row table, not joins: DuckDB would build a join's hash
    # table on the positional pair (its size unknown to the planner), a million wide rows
    queries = {"stage_events": f"""
        WITH m AS (SELECT (SELECT map(list(name), list(canonical)) FROM x_aliases) AS aliases,
                          (SELECT map(list(iso3), list(region)) FROM x_regions) AS regions)
        SELECT w.row_no, {quote(str(path))} AS file, w.line AS row, NULL::VARCHAR AS change, {', '.join(cols)}
        FROM x POSITIONAL JOIN x_all w, m
        WHERE {_PAIRED}
    """, "stage_sources": f"""
        SELECT row_no, source_no, name FROM (
            SELECT w.row_no, unnest(x.sources) AS name, generate_subscripts(x.sources, 1) AS source_no
            FROM x POSITIONAL JOIN x_all w WHERE {_PAIRED})
    """}
    out: dict[str, list[Path]] = {}
    for name, sql in queries.items():  # DuckDB writes the file a row group at a time: no Arrow copy in Python
        target = spool.file(name)
        run_sql(con, f"COPY ({sql}) TO {quote(str(target))} (FORMAT parquet, ROW_GROUP_SIZE {ROW_GROUP})")
        out[name] = [target]
    con.unregister("x_regions")
    return out
