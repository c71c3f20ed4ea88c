"""The release gate: the expectations of cedar.validate.expectations, run by Great Expectations.

Engine: GX's SQL path (SqlAlchemyExecutionEngine) over the build's DuckDB staging database, so
each expectation is a query over the staged release tables and nothing is loaded into pandas:
memory stays flat as the release grows, and a 3M-event gate takes seconds. It patches GX in one
place, cedar.validate.gx_duckdb: a bug fix (with a test that shows it is still needed) and a cheaper
count of repeated values (with a test that it counts what GX counts).
Cross-column rules use GX's column-pair and conditional expectations; patterns, which GX's SQL
path does not translate for DuckDB, are UnexpectedRowsExpectations with a SQL regular expression.

Great Expectations (about 2 s to import) is imported only inside `run_gate`.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from cedar.validate.expectations import Spec
from cedar.validate.failing_rows import failing_rows_sql, gx_query
from cedar.validate.gx_duckdb import add_duckdb_source
from cedar.validate.report import ERROR, Problem, Report, jsonable, problem

SAMPLE_IDS = 20  # failing event ids named per expectation
# What the failing_rows_sql of an expectation reads (cedar.validate.failing_rows).
FAILING_ROWS_TABLES = (
    "events, claims, sources and event_actors are the release's tables events, claims, sources and actors: "
    "the views of those names in `cedar query` over the store (the events a build releases) or over a "
    "downloaded release (`cedar query --releases`). deleted, released_deleted, previous and unchanged are "
    "the gate's check tables in the build's staging database (cedar.validate.expectations).")


@dataclass
class Outcome:
    spec: Spec
    success: bool
    observed: Any = None
    unexpected_count: int | None = None
    sample_ids: list[str] = field(default_factory=list)
    sample_values: list[Any] = field(default_factory=list)
    error: str | None = None
    failing_rows_sql: str | None = None  # for a failed expectation: the SELECT of all its failing rows

    def to_dict(self) -> dict[str, Any]:
        s = self.spec
        return {"code": s.code, "table": s.table, "expectation": s.expectation, "columns": list(s.columns),
                "description": s.description, "dataset": s.dataset, "kwargs": _short_kwargs(s.kwargs),
                "success": self.success, "observed": jsonable(self.observed),
                "unexpected_count": self.unexpected_count, "sample_event_ids": self.sample_ids,
                "sample_values": jsonable(self.sample_values), "failing_rows_sql": self.failing_rows_sql,
                "error": self.error}


def _short_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Kwargs for the report; long value sets are summarised."""
    out = {}
    for k, v in kwargs.items():
        if isinstance(v, list) and len(v) > 30:
            out[k] = f"{len(v)} values"
        else:
            out[k] = jsonable(v)
    return out


@dataclass
class GateResult:
    report: Report
    outcomes: list[Outcome]
    raw: dict[str, Any]  # GX's own results, one entry per table
    seconds: float
    gx_version: str

    @property
    def passed(self) -> bool:
        return all(o.success for o in self.outcomes)


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # no usage statistics sent anywhere
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="great_expectations")
    # SQLAlchemy's reflection does not know DuckDB's list columns; no expectation reads them
    warnings.filterwarnings("ignore", message="Did not recognize type")


def run_gate(con: Any, specs: list[Spec]) -> GateResult:
    """Run every spec on its table of the DuckDB connection `con` (the build's staging database:
    events, claims, sources, actors and the check tables of cedar.validate.expectations)."""
    start = time.perf_counter()
    _quiet_gx()
    import great_expectations as gx  # heavy (about 2 s): only when the gate runs, after _quiet_gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.row_conditions import Column

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = add_duckdb_source(ctx, "cedar_release", con)
    outcomes: list[Outcome] = []
    raw: dict[str, Any] = {}
    for table in dict.fromkeys(s.table for s in specs):
        table_specs = [s for s in specs if s.table == table]
        expectations = []
        for i, spec in enumerate(table_specs):
            cls = getattr(gx.expectations, spec.expectation)
            extra: dict[str, Any] = {}
            if spec.when is not None:
                extra["row_condition"] = Column(spec.when[0]) == spec.when[1]
            expectations.append(cls(**spec.kwargs, **extra, meta={"cedar_index": i, "cedar_code": spec.code}))
        batch = source.add_table_asset(table, table_name=table).add_batch_definition_whole_table("all").get_batch()
        columns = {r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()}
        results, raw[table] = validate_in_passes(ctx, batch, table, expectations, "event_id" in columns)
        for r in results:
            spec = table_specs[r.expectation_config.meta["cedar_index"]]
            outcome = _outcome(spec, r)
            if not outcome.success:
                outcome.failing_rows_sql = failing_rows_sql(spec)
            if spec.expectation == "UnexpectedRowsExpectation" and not outcome.success and not outcome.error:
                _name_rows(con, table, outcome)
            outcomes.append(outcome)
    rows = con.execute("SELECT count(*) FROM events").fetchall()[0][0] if "events" in raw else 0
    report = gate_report(specs, outcomes, rows, f"great_expectations {gx.__version__} (SQL on DuckDB)")
    return GateResult(report, outcomes, raw, time.perf_counter() - start, gx.__version__)


def validate_in_passes(ctx: Any, batch: Any, table: str, expectations: list[Any],
                       with_ids: bool) -> tuple[list[Any], dict[str, Any]]:
    """GX's results for one batch, in the expectations' order, and its raw results. A map expectation (a
    condition per row) runs first for its success alone: with SUMMARY, GX adds two or three queries to
    each for its samples of values and ids (at 30M events the uniqueness of event_id took three scans of
    12 s). Only the failed ones run again with SUMMARY. An expectation over the table as a whole runs
    with SUMMARY at once: its observed value is the finding, and it costs one query either way."""
    import copy

    import great_expectations as gx  # imported already by the caller
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    summary: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": SAMPLE_IDS}
    if with_ids:
        summary["unexpected_index_column_names"] = ["event_id"]
    maps = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    by_rows = [e for e in expectations if isinstance(e, maps)]
    whole = [e for e in expectations if not isinstance(e, maps)]
    found: dict[int, tuple[Any, dict[str, Any]]] = {}
    raw: dict[str, Any] = {}

    def run(group: list[Any], result_format: dict[str, Any]) -> None:
        if not group:
            return
        # a suite binds what it is given: each pass gets copies
        suite = ctx.suites.add(gx.ExpectationSuite(name=f"cedar_{table}_{len(found)}_{result_format['result_format']}",
                                                   expectations=[copy.copy(e) for e in group]))
        result = batch.validate(suite, result_format=result_format)
        raw.update(_slim(result.to_json_dict()))
        for r, d in zip(result.results, raw["results"]):
            found[r.expectation_config.meta["cedar_index"]] = (r, d)

    run(by_rows, {"result_format": "BOOLEAN_ONLY"})
    run(whole, summary)
    run([e for e in by_rows if not found[_index(e)][0].success], summary)
    results = [found[i][0] for i in sorted(found)]
    for r in results:  # a map expectation that passed has no failing row (no spec of Cedar's sets `mostly`)
        if r.success and not r.result:
            r.result = {"unexpected_count": 0}
    passed = sum(bool(r.success) for r in results)
    raw.update(success=passed == len(results), results=[found[i][1] for i in sorted(found)],
               statistics={"evaluated_expectations": len(results), "successful_expectations": passed,
                           "unsuccessful_expectations": len(results) - passed,
                           "success_percent": 100.0 * passed / len(results) if results else None})
    return results, raw


def _index(expectation: Any) -> int:
    return int((expectation.meta or {})["cedar_index"])


def gate_report(specs: list[Spec], outcomes: list[Outcome], rows_checked: int, engine: str) -> Report:
    """The gate's report, whichever engine ran it: outcomes in the suite's order (sorted in place), a
    problem per failed expectation, and every expectation's entry."""
    order = {id(s): i for i, s in enumerate(specs)}
    outcomes.sort(key=lambda o: order[id(o.spec)])
    report = Report(check="release-gate")
    report.rows_checked = rows_checked
    for o in outcomes:
        if not o.success:
            report.add(_problem(o))
    report.extra["expectations"] = [o.to_dict() for o in outcomes]
    report.extra["failing_rows_sql_reads"] = FAILING_ROWS_TABLES
    report.extra["engine"] = engine
    return report


def _name_rows(con: Any, table: str, outcome: Outcome) -> None:
    """GX counts the rows an UnexpectedRowsExpectation finds (its SUMMARY result keeps no rows);
    the report names the first of them by event_id, as it does for every other expectation."""
    query = gx_query(outcome.spec, f'"{table}"')
    rows = con.execute(f"SELECT event_id FROM ({query}) LIMIT {SAMPLE_IDS}").fetchall()
    outcome.unexpected_count = outcome.observed if isinstance(outcome.observed, int) else None
    outcome.sample_ids = [str(r[0]) for r in rows]


def _outcome(spec: Spec, r: Any) -> Outcome:
    res = r.result or {}
    info = r.exception_info or {}
    error = None
    if isinstance(info, dict) and info.get("raised_exception"):
        error = str(info.get("exception_message"))
    elif isinstance(info, dict):  # GX nests exception info by metric when several metrics failed
        for v in info.values():
            if isinstance(v, dict) and v.get("raised_exception"):
                error = str(v.get("exception_message"))
                break
    ids: list[str] = []
    for item in res.get("partial_unexpected_index_list") or res.get("unexpected_index_list") or []:
        if isinstance(item, dict) and item.get("event_id") is not None and str(item["event_id"]) not in ids:
            ids.append(str(item["event_id"]))
        if len(ids) >= SAMPLE_IDS:
            break
    values = list(res.get("partial_unexpected_list") or [])[:SAMPLE_IDS]
    if not ids and spec.columns == ("event_id",):
        ids = [str(v) for v in values]
    return Outcome(spec, bool(r.success) and error is None, _plain(res.get("observed_value")),
                   res.get("unexpected_count"), ids, [_plain(v) for v in values], error)


def _plain(value: Any) -> Any:
    """numpy scalars and tuples as plain Python values."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _problem(o: Outcome) -> Problem:
    s = o.spec
    if o.error:
        detail = f"the expectation could not run: {o.error}"
    elif o.unexpected_count:
        detail = f"{o.unexpected_count} row(s) break it"
        if o.sample_ids:
            detail += "; event ids: " + ", ".join(o.sample_ids[:SAMPLE_IDS])
        elif o.sample_values:
            detail += "; values: " + ", ".join(repr(v) for v in o.sample_values[:5])
    else:
        detail = f"observed {jsonable(o.observed)!r}"
    return problem(s.code, file=s.table, field=", ".join(s.columns) or None, value=o.sample_ids or jsonable(o.observed),
                   severity=ERROR, worded_as="expectation-failed", description=s.description,
                   expectation=s.expectation, detail=detail)


def _slim(result: dict[str, Any]) -> dict[str, Any]:
    """GX's results without the full lists of unexpected rows (kept to the samples)."""
    for r in result.get("results", []):
        res = r.get("result") or {}
        for key in ("unexpected_list", "unexpected_index_list", "partial_unexpected_index_list"):
            if isinstance(res.get(key), list):
                res[key] = res[key][:SAMPLE_IDS]
        res.pop("unexpected_index_query", None)
        cfg = r.get("expectation_config") or {}
        kw = cfg.get("kwargs") or {}
        for k in ("value_set", "value_pairs_set"):
            if isinstance(kw.get(k), list) and len(kw[k]) > 30:
                kw[k] = f"{len(kw[k])} values"
    return result
