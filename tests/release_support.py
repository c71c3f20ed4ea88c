"""Test stores for the release tests: real stores made by the real commands.

`make_store` runs `cedar init` and `cedar ingest` on the bundled seed (ids AZE1..AZE6 in the
seed's order); `execute` changes a store directly, past ingest, to plant what ingest would refuse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cedar.sample_data import seed_path
from conftest import run_cedar


def cedar_ok(*args: str) -> str:
    proc = run_cedar(*args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def make_store(db: Path) -> Path:
    """A store holding the seed's six events, AZE1..AZE6, through `cedar init` and `cedar ingest`."""
    db.parent.mkdir(parents=True, exist_ok=True)
    cedar_ok("init", "--db", str(db))
    out = cedar_ok("ingest", "--db", str(db), str(seed_path()))
    assert "karabakh-6 -> AZE6" in out, out
    return db


def execute(db: Path, *statements: str) -> None:
    """Change a store directly, past ingest (to plant bad rows, deletions, updates)."""
    con = duckdb.connect(str(db))
    try:
        for stmt in statements:
            con.execute(stmt)
    finally:
        con.close()
