"""Great Expectations' SQL path over DuckDB: the one place that patches GX.

GX 1.24.1's `SqlAlchemyExecutionEngine.execute_query` runs a query inside
`with self.get_connection() as conn:` and returns the cursor result after that block has closed
the connection. Most drivers buffer their results, so that works for them; DuckDB's results are
not buffered, so every expectation fails with IndexError in `resolve_metric_bundle` (a GX bug,
unfixed in 1.24.1). The patch returns the same result buffered (`.freeze()()`) while the connection is still
open. It replaces a private method, so GX is pinned (pyproject.toml, requirements.lock), the patch
refuses another GX version, and tests/test_gx_duckdb.py shows that without it the pinned GX still
fails: when that test fails, GX has fixed the bug and this module can go.

Uniqueness is counted by one GROUP BY (`count_repeated_rows`): GX's own SQL counts the rows whose
value repeats with a window over every row (one column) or by joining every row back to its group's
count (compound columns). At 30M events that took 20.8 s for event_id and 41.2 s for the sources'
(event_id, source_no) in the build, and the grouped counts 10.8 s and 11.3 s. The count is the same
(tests/test_gx_duckdb.py compares the two); the samples of failing rows still come from GX's query.

The gate's GX datasource is handed the build's own DuckDB connection (a cursor per SQLAlchemy
connection), so GX queries the staged release tables in place: nothing is copied into pandas.
"""

from __future__ import annotations

from typing import Any

PINNED_GX = "1.24.1"
_patched = False
# GX's metrics whose unexpected_count count_repeated_rows gives on the SQL engine
UNIQUENESS_COUNTS = ("column_values.unique.unexpected_count", "compound_columns.unique.unexpected_count")


def _buffered_execute_query(self: Any, query: Any) -> Any:
    with self.get_connection() as connection:
        return self._execute_query_with_recovery(connection, query).freeze()()


def count_repeated_rows(cls: Any, execution_engine: Any, metric_domain_kwargs: dict[str, Any],
                        metric_value_kwargs: dict[str, Any], metrics: dict[str, Any], **kwargs: Any) -> int:
    """The rows of the expectation's domain whose value (or, for compound columns, values, none of them
    null) another row of it repeats: what GX's own unexpected_count of these metrics counts."""
    import sqlalchemy as sa
    from great_expectations.util import get_sqlalchemy_selectable

    _, compute, accessor = metrics["unexpected_condition"]
    domain = get_sqlalchemy_selectable(execution_engine.get_domain_records(domain_kwargs={**compute, **accessor}))
    rows = domain.subquery() if isinstance(domain, sa.Select) else domain
    columns: list[Any] = [sa.column(n) for n in accessor.get("column_list") or [accessor["column"]]]
    repeated = (sa.select(sa.func.count().label("n")).select_from(rows)
                .where(sa.and_(*[c.is_not(None) for c in columns])).group_by(*columns)
                .having(sa.func.count() >= 2)).subquery()
    query = sa.select(sa.func.coalesce(sa.func.sum(repeated.c.n), 0)).select_from(repeated)
    return int(execution_engine.execute_query(query).fetchall()[0][0])


def _count_uniqueness_by_group() -> None:
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine
    from great_expectations.expectations.metrics.metric_provider import MetricFunctionTypes
    from great_expectations.expectations.registry import _registered_metrics, register_metric

    for name in UNIQUENESS_COUNTS:
        definition = _registered_metrics[name]
        metric_class, _ = definition["providers"][SqlAlchemyExecutionEngine.__name__]
        register_metric(metric_name=name, metric_domain_keys=definition["metric_domain_keys"],
                        metric_value_keys=definition["metric_value_keys"], execution_engine=SqlAlchemyExecutionEngine,
                        metric_class=metric_class, metric_provider=count_repeated_rows,
                        metric_fn_type=MetricFunctionTypes.VALUE)


def patch_execute_query(*, group_uniqueness: bool = True) -> None:
    """Make GX's SQL engine buffer each result before its connection closes, and count uniqueness by
    GROUP BY (see above)."""
    global _patched
    if _patched:
        if group_uniqueness:
            _count_uniqueness_by_group()  # idempotent: the same provider registered again
        return
    import great_expectations as gx  # heavy (seconds): paid by the gate only
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    if gx.__version__ != PINNED_GX:
        raise RuntimeError(f"cedar.validate.gx_duckdb patches Great Expectations {PINNED_GX}, not {gx.__version__}: "
                           "check whether that version still reads query results after closing their "
                           "connection (tests/test_gx_duckdb.py) before moving the pin.")
    SqlAlchemyExecutionEngine.execute_query = _buffered_execute_query  # type: ignore[method-assign]  # the patch
    if group_uniqueness:
        _count_uniqueness_by_group()
    _patched = True


def add_duckdb_source(context: Any, name: str, con: Any, *, patch: bool = True, group_uniqueness: bool = True) -> Any:
    """A GX SQL datasource that runs its queries on the DuckDB connection `con`."""
    from duckdb_engine import ConnectionWrapper  # heavy (SQLAlchemy): paid by the gate only

    if patch:
        patch_execute_query(group_uniqueness=group_uniqueness)
    return context.data_sources.add_sql(name, connection_string="duckdb:///:memory:",
                                        kwargs={"creator": lambda: ConnectionWrapper(con.cursor())})
