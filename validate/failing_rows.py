"""The SQL that returns every row breaking a gate expectation, for the gate's results and report.

GX names at most a sample of the rows an expectation finds; this query names all of them. It reads
the tables by the names a user has for them, so that it runs as written:
- events, claims and sources: the release's tables (events.parquet, ...), which are also the views
  of those names in `cedar query`, over the store (the events a build would release) and over a
  downloaded release (`cedar query --releases`);
- event_actors: the release's actors table (actors.parquet), under the name of its view in
  `cedar query` (in the store, `actors` is the actor registry);
- deleted, released_deleted, previous and unchanged: the gate's check tables, which exist only in
  the build's staging database (cedar.validate.expectations says what each holds).
Each query keeps the expectation's own rules: GX leaves out a missing value unless the expectation
is about missing values, and a pair when the expectation says to ignore it.
"""

from __future__ import annotations

import re
from typing import Any

from cedar.validate.expectations import Spec

# The gate's table names that a user reads under another name (see above).
USER_TABLES = {"actors": "event_actors"}
# Tables that exist only in the build's staging database.
CHECK_TABLES = ("deleted", "released_deleted", "previous", "unchanged")
# Expectations over a table as a whole (a row count, a sum): no row breaks them alone.
WHOLE_TABLE = {"ExpectTableRowCountToBeBetween", "ExpectColumnSumToBeBetween"}


def user_table(table: str) -> str:
    return USER_TABLES.get(table, table)


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A value as a SQL literal (text quoted, dates as ISO text, which DuckDB casts to the column's type)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def gx_query(spec: Spec, table: str) -> str:
    """The query of an UnexpectedRowsExpectation as GX runs it on `table` (GX formats the text:
    {batch} is the table, doubled braces are single)."""
    query = spec.kwargs["unexpected_rows_query"].replace("{batch}", table)
    return query.replace("{{", "{").replace("}}", "}")


def failing_rows_sql(spec: Spec) -> str | None:
    """A SELECT of every row of its table that breaks `spec`, or None for an expectation over the
    table as a whole (its observed value is the finding)."""
    if spec.expectation in WHOLE_TABLE:
        return None
    table = user_table(spec.table)
    if spec.expectation == "UnexpectedRowsExpectation":
        # the query GX ran, every table in it under its user's name (the queries are Cedar's own,
        # cedar.validate.expectations, and name each table right after FROM)
        return re.sub(r"\bFROM (\w+)\b", lambda m: f"FROM {user_table(m.group(1))}", gx_query(spec, table))
    condition = _breaks(spec, table)
    if spec.when is not None:
        condition = f"{_q(spec.when[0])} = {literal(spec.when[1])} AND {condition}"
    return f"SELECT * FROM {table} WHERE {condition}"


def _breaks(spec: Spec, table: str) -> str:
    """The WHERE condition of the rows that break `spec`."""
    kw, kind = spec.kwargs, spec.expectation
    if kind == "ExpectColumnValuesToNotBeNull":
        return f"{_q(kw['column'])} IS NULL"
    if kind in ("ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween", "ExpectColumnValueLengthsToBeBetween"):
        c = _q(kw["column"])
        if kind == "ExpectColumnValuesToBeInSet":
            return f"{c} IS NOT NULL AND {c} NOT IN ({', '.join(literal(v) for v in kw['value_set'])})"
        value = f"length({c})" if kind == "ExpectColumnValueLengthsToBeBetween" else c
        outside = [f"{value} < {literal(kw['min_value'])}" if kw.get("min_value") is not None else "",
                   f"{value} > {literal(kw['max_value'])}" if kw.get("max_value") is not None else ""]
        return f"{c} IS NOT NULL AND ({' OR '.join(o for o in outside if o)})"
    if kind == "ExpectColumnValuesToBeUnique":
        c = _q(kw["column"])
        return f"{c} IN (SELECT {c} FROM {table} GROUP BY {c} HAVING count(*) > 1)"
    if kind == "ExpectCompoundColumnsToBeUnique":
        cs = ", ".join(_q(c) for c in kw["column_list"])
        return f"({cs}) IN (SELECT ({cs}) FROM {table} GROUP BY {cs} HAVING count(*) > 1)"
    if kind in ("ExpectColumnPairValuesAToBeGreaterThanB", "ExpectColumnPairValuesToBeEqual"):
        a, b = _q(kw["column_A"]), _q(kw["column_B"])
        ignore = {"either_value_is_missing": f"{a} IS NOT NULL AND {b} IS NOT NULL AND ",
                  "both_values_are_missing": f"({a} IS NOT NULL OR {b} IS NOT NULL) AND "}.get(
                      kw.get("ignore_row_if", "both_values_are_missing"), "")
        if kind == "ExpectColumnPairValuesToBeEqual":
            return f"{ignore}{a} IS DISTINCT FROM {b}"
        # a comparison with a missing value is a failure to GX, unless the expectation ignores the row
        return f"{ignore}NOT coalesce({a} {'>=' if kw.get('or_equal') else '>'} {b}, false)"
    raise ValueError(f"no failing-rows SQL for {kind}")  # a new expectation kind must say how its rows fail
