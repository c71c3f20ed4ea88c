"""The patches of Great Expectations (cedar.validate.gx_duckdb): the bug fix is still needed and works,
and repeated values counted by GROUP BY give GX's own counts.

GX's SQL path over DuckDB fails without the bug fix (a GX bug: results read after their connection
closed). When the first test fails, the pinned GX has fixed the bug: drop that patch, then the first two tests.
Real GX, real DuckDB; the unpatched run is in a child process, since the patch is process-wide."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = r"""
import json, sys, duckdb, great_expectations as gx
from cedar.validate.gate import _quiet_gx
from cedar.validate.gx_duckdb import add_duckdb_source

_quiet_gx()
con = duckdb.connect()
con.execute("CREATE TABLE events AS SELECT 'AZE' || i AS event_id, CASE WHEN i = 7 THEN NULL ELSE i END AS fatalities "
            "FROM range(1, 1001) r(i)")
ctx = gx.get_context(mode="ephemeral")
source = add_duckdb_source(ctx, "probe", con, patch=sys.argv[1] == "patched")
suite = ctx.suites.add(gx.ExpectationSuite(name="probe"))
suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="fatalities"))
suite.add_expectation(gx.expectations.UnexpectedRowsExpectation(
    unexpected_rows_query="SELECT * FROM {batch} WHERE NOT regexp_full_match(event_id, '^[A-Z]{{3}}[0-9]+$')"))
batch = source.add_table_asset("events", table_name="events").add_batch_definition_whole_table("all").get_batch()
result = batch.validate(suite, result_format={"result_format": "SUMMARY",
                                             "unexpected_index_column_names": ["event_id"]})
print(json.dumps([{"success": r.success, "result": r.result, "exception": json.dumps(r.exception_info, default=str)}
                  for r in result.results], default=str))
"""


def _probe(mode: str) -> list[dict]:
    proc = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_unpatched_gx_sql_path_still_fails_on_duckdb():
    not_null, rows = _probe("unpatched")
    # the metric bundle comes back empty: IndexError in resolve_metric_bundle, as the unpatched GX does
    assert not_null["success"] is False and '"raised_exception": true' in not_null["exception"]
    assert "IndexError" in not_null["exception"] and "resolve_metric_bundle" in not_null["exception"]
    # the query expectation reads an empty result too (None where its count should be)
    assert rows["success"] is False and '"raised_exception": true' in rows["exception"]


def test_patched_gx_sql_path_gives_real_results():
    not_null, rows = _probe("patched")
    assert not_null["success"] is False and rows["success"] is True
    assert not_null["result"]["unexpected_count"] == 1
    assert not_null["result"]["partial_unexpected_index_list"] == [{"event_id": "AZE7", "fatalities": None}]
    assert '"raised_exception": true' not in not_null["exception"]


UNIQUENESS_PROBE = r"""
import json, sys, duckdb, great_expectations as gx
from cedar.validate.gate import _quiet_gx
from cedar.validate.gx_duckdb import UNIQUENESS_COUNTS, add_duckdb_source

_quiet_gx()
con = duckdb.connect()
# AZE7 three times and AZE9 twice among 500 ids, and two null ids (outside a column's domain)
con.execute("CREATE TABLE events AS SELECT 'AZE' || i AS event_id FROM range(1, 501) r(i) "
            "UNION ALL SELECT * FROM (VALUES ('AZE7'), ('AZE7'), ('AZE9'), (NULL), (NULL))")
# (AZE1, 0) three times; pairs with a null repeat too, which GX does not count as repeated
con.execute("CREATE TABLE sources AS SELECT 'AZE' || (i % 100) AS event_id, i // 100 AS source_no "
            "FROM range(0, 400) r(i) "
            "UNION ALL SELECT * FROM (VALUES ('AZE1', 0), ('AZE1', 0), ('AZE2', NULL), ('AZE2', NULL), "
            "(NULL, 3), (NULL, 3), (NULL, NULL), (NULL, NULL))")
ctx = gx.get_context(mode="ephemeral")
source = add_duckdb_source(ctx, "probe", con, group_uniqueness=sys.argv[1] == "grouped")
out = {}
for table, expectation in (("events", gx.expectations.ExpectColumnValuesToBeUnique(column="event_id")),
                           ("sources", gx.expectations.ExpectCompoundColumnsToBeUnique(
                               column_list=["event_id", "source_no"]))):
    suite = ctx.suites.add(gx.ExpectationSuite(name=table, expectations=[expectation]))
    batch = source.add_table_asset(table, table_name=table).add_batch_definition_whole_table("all").get_batch()
    for fmt in ("BOOLEAN_ONLY", "SUMMARY"):
        r = batch.validate(suite, result_format={"result_format": fmt}).results[0]
        out[f"{table} {fmt}"] = {"success": r.success, "unexpected_count": (r.result or {}).get("unexpected_count"),
                                 "values": sorted(map(str, (r.result or {}).get("partial_unexpected_list") or [])),
                                 "raised": '"raised_exception": true' in json.dumps(r.exception_info, default=str)}
from great_expectations.expectations.registry import _registered_metrics
out["providers"] = [_registered_metrics[n]["providers"]["SqlAlchemyExecutionEngine"][1].__name__
                    for n in UNIQUENESS_COUNTS]
print(json.dumps(out))
"""


def test_uniqueness_counted_by_group_equals_gx_own_count():
    """The gate counts repeated values by GROUP BY (cedar.validate.gx_duckdb.count_repeated_rows): the same
    counts, results and samples as GX's own queries, nulls handled as GX handles them."""
    def probe(mode: str) -> dict:
        proc = subprocess.run([sys.executable, "-c", UNIQUENESS_PROBE, mode], capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout.strip().splitlines()[-1])

    grouped, own = probe("grouped"), probe("gx")
    assert grouped.pop("providers") == ["count_repeated_rows"] * 2
    assert "count_repeated_rows" not in own.pop("providers")
    assert grouped == own
    assert own["events SUMMARY"]["unexpected_count"] == 5 and own["sources SUMMARY"]["unexpected_count"] == 3
    assert own["events SUMMARY"]["values"] == ["AZE7"] * 3 + ["AZE9"] * 2
    assert all(r["success"] is False and not r["raised"] for r in grouped.values())
