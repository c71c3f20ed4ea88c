"""Great Expectations' SQL path over DuckDB: the one place that patches GX.

GX 1.24.1's `SqlAlchemyExecutionEngine.execute_query` runs a query inside
`with self.get_connection() as conn:` and returns the cursor result after that block has closed
the connection. Most drivers buffer their results, so that works for them; DuckDB's results are
not buffered, so every expectation fails with IndexError in `resolve_metric_bundle` (a GX bug,
unfixed in 1.24.1). The patch returns the same result buffered (`.freeze()()`) while the connection is still
open. It replaces a private method, so GX is pinned (pyproject.toml, requirements.lock), the patch
refuses another GX version, and tests/test_gx_duckdb.py shows that without it the pinned GX still
fails: when that test fails, GX has fixed the bug and this module can go.

The gate's GX datasource is handed the build's own DuckDB connection (a cursor per SQLAlchemy
connection), so GX queries the staged release tables in place: nothing is copied into pandas.
"""

from __future__ import annotations

from typing import Any

PINNED_GX = "1.24.1"
_patched = False


def _buffered_execute_query(self: Any, query: Any) -> Any:
    with self.get_connection() as connection:
        return self._execute_query_with_recovery(connection, query).freeze()()


def patch_execute_query() -> None:
    """Make GX's SQL engine buffer each result before its connection closes (see above)."""
    global _patched
    if _patched:
        return
    import great_expectations as gx  # heavy (seconds): paid by the gate only
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    if gx.__version__ != PINNED_GX:
        raise RuntimeError(f"cedar.validate.gx_duckdb patches Great Expectations {PINNED_GX}, not {gx.__version__}: "
                           "check whether that version still reads query results after closing their "
                           "connection (tests/test_gx_duckdb.py) before moving the pin.")
    SqlAlchemyExecutionEngine.execute_query = _buffered_execute_query  # type: ignore[method-assign]  # the patch
    _patched = True


def add_duckdb_source(context: Any, name: str, con: Any, *, patch: bool = True) -> Any:
    """A GX SQL datasource that runs its queries on the DuckDB connection `con`."""
    from duckdb_engine import ConnectionWrapper  # heavy (SQLAlchemy): paid by the gate only

    if patch:
        patch_execute_query()
    return context.data_sources.add_sql(name, connection_string="duckdb:///:memory:",
                                        kwargs={"creator": lambda: ConnectionWrapper(con.cursor())})
