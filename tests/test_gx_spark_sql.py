"""The gate's DuckDB SQL in Spark SQL (cedar.validate.spark_sql): every query of the suite and of its
failing rows translates, each construct into its Spark form, and a DuckDB-only construct left over is
refused rather than run differently."""

from __future__ import annotations

import datetime as dt

import pytest

from cedar.validate import expectations as ex
from cedar.validate import spark_sql
from cedar.validate.failing_rows import failing_rows_sql


def _suite() -> list[ex.Spec]:
    return (ex.model_specs(dt.date(2026, 11, 20)) + ex.reference_specs() + ex.licence_specs(False)
            + ex.dataset_specs(previous_count=10, expected_fatalities=5))


def test_every_query_of_the_suite_and_of_its_failing_rows_translates():
    queries = [s.kwargs["unexpected_rows_query"] for s in _suite() if s.expectation == "UnexpectedRowsExpectation"]
    queries += [q for q in (failing_rows_sql(s) for s in _suite()) if q]
    assert len(queries) > 80
    for query in queries:
        out = spark_sql.translate(query)
        code = "".join(piece for is_text, piece in spark_sql._split(out) if not is_text)
        assert '"' not in code, out  # names are quoted for Spark, text literals are left alone
        assert not any(c in code for c in spark_sql.DUCKDB_ONLY), out


def test_each_construct_has_its_spark_form():
    t = spark_sql.translate
    assert t("""SELECT event_id FROM {batch} WHERE NOT regexp_full_match("iso3", '^[A-Z]{{3}}$')""") \
        == "SELECT event_id FROM {batch} WHERE NOT (`iso3` RLIKE '^(?:^[A-Z]{{3}}$)$')"
    assert t("SELECT x.event_id FROM claims x WHERE x.event_id NOT IN (SELECT event_id FROM {batch})") == (
        "SELECT x.event_id FROM claims x WHERE x.event_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM {batch} in_batch WHERE in_batch.event_id = x.event_id)")
    assert t("list_contains(list_transform(coalesce(ids, []::VARCHAR[]), lambda x: lower(x)), 'ucdp')") == (
        "array_contains(transform(coalesce(ids, CAST(array() AS ARRAY<STRING>)), x -> lower(x)), 'ucdp')")
    assert t('SELECT * FROM claims WHERE ("event_id", "claim_no") IN (SELECT ("event_id", "claim_no") FROM claims '
             'GROUP BY "event_id", "claim_no" HAVING count(*) > 1)') == (
        "SELECT * FROM claims WHERE (`event_id`, `claim_no`) IN (SELECT `event_id`, `claim_no` FROM claims "
        "GROUP BY `event_id`, `claim_no` HAVING count(*) > 1)")
    # text keeps its double quotes; Spark reads a backslash in text as an escape, so it is doubled
    assert t("""SELECT 'say "no"', 'a\\d' FROM t""") == """SELECT 'say "no"', 'a\\\\d' FROM t"""


def test_a_duckdb_only_construct_left_over_is_refused():
    with pytest.raises(ValueError, match="regexp_full_match"):
        spark_sql.translate("SELECT * FROM t WHERE regexp_full_match(lower(a), 'x')")  # a call inside: not matched
    with pytest.raises(ValueError, match="::"):
        spark_sql.translate("SELECT a::INT FROM t")
