"""Test stores for the release tests, in real DuckDB files.

`ingest_store` makes one with the real `cedar init` and `cedar ingest` on the bundled seed (ids
CDR-AZE-1..CDR-AZE-6 in the seed's order): the release tests use it. `make_store` builds the same six events
by hand (tables from schema.tables.schema_sql(), checked events as flat rows, version 1, a fixed
timestamp and submission id), so that its files have the same bytes on every run; other test
modules rely on that. `execute` changes a store directly, past ingest, to plant what ingest would
refuse.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from conftest import run_cedar

from cedar.sample_data import seed_path
from cedar.schema import flat, tables
from cedar.schema.model import Claim, Source
from cedar.validate.check import check_files

FIXED_TIME = dt.datetime(2026, 11, 1, 12, 0, 0)


def seed_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    result = check_files([seed_path()], keep_events=True)
    assert result.report.valid, result.report.to_dict()
    events, sources, claims = [], [], []
    for n, checked in enumerate(result.events, start=1):
        event_id = f"CDR-AZE-{n}"
        row, srcs, cls = flat.to_flat(checked.event, event_id)
        row.update(event_id=event_id, version=1, timestamp=FIXED_TIME, submission_id="seed")
        events.append(row)
        for i, s in enumerate(srcs, start=1):
            sources.append({"event_id": event_id, "version": 1, "source_no": i,
                            **{k: s[k] for k in Source.model_fields}})
        for i, c in enumerate(cls, start=1):
            claims.append({"event_id": event_id, "version": 1, "claim_no": i,
                           **{k: c[k] for k in Claim.model_fields}})
    return events, sources, claims


def cedar_ok(*args: str) -> str:
    proc = run_cedar(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def ingest_store(db: Path) -> Path:
    """A store holding the seed's six events, CDR-AZE-1..CDR-AZE-6, through `cedar init` and `cedar ingest`."""
    db.parent.mkdir(parents=True, exist_ok=True)
    cedar_ok("init", "--db", str(db))
    out = cedar_ok("ingest", "--db", str(db), str(seed_path()))
    assert "karabakh-6 -> CDR-AZE-6" in out, out
    return db


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    names = ", ".join(chr(34) + c + chr(34) for c in cols)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(cols))})"
    con.executemany(sql, [[r[c] for c in cols] for r in rows])


def make_store(db: Path) -> Path:
    """A store holding the seed's six events."""
    db.parent.mkdir(parents=True, exist_ok=True)
    events, sources, claims = seed_rows()
    con = duckdb.connect(str(db))
    try:
        for stmt in tables.schema_sql():
            con.execute(stmt)
        _insert(con, "event_current", events)
        _insert(con, "event_history", events)
        _insert(con, "event_sources", sources)
        _insert(con, "event_claims", claims)
        con.execute("INSERT INTO id_counters VALUES ('AZE', ?)", [len(events)])
    finally:
        con.close()
    return db


def execute(db: Path, *statements: str) -> None:
    """Change a store directly, past ingest (to plant bad rows, deletions, updates)."""
    con = duckdb.connect(str(db))
    try:
        for stmt in statements:
            con.execute(stmt)
    finally:
        con.close()
