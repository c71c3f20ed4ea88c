"""`cedar query`: read-only SQL over the store; the users' views; anything that would write is refused."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import run_cedar
from store_helpers import counts, ingest, init, query

from cedar.sample_data import seed_path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("query") / "cedar.duckdb"
    init(db)
    proc, _ = ingest(db, str(seed_path()))
    assert proc.returncode == 0
    return db


@pytest.mark.parametrize("sql", [
    "DELETE FROM events",
    "DELETE FROM event_current",
    "INSERT INTO deletions VALUES ('CDR-AZE-1', 1, 'x', now(), 'S9')",
    "UPDATE event_current SET fatalities = 0",
    "DROP VIEW events",
    "CREATE TABLE x AS SELECT 1",
    "COPY event_current TO 'out.csv'",
    "ATTACH 'other.duckdb' AS other",
    "EXPORT DATABASE 'dump'",
    "INSTALL httpfs",
    "SET enable_external_access = true",
])
def test_statements_that_would_write_are_refused(store, tmp_path, sql):
    before = counts(store)
    proc = run_cedar("query", sql, "--db", str(store), cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    assert "cedar query only reads" in proc.stderr and "Traceback" not in proc.stderr
    assert "Hint:" in proc.stderr
    assert counts(store) == before
    assert list(tmp_path.iterdir()) == []


def test_reading_other_files_is_refused(store, tmp_path):
    (tmp_path / "x.csv").write_text("a\n1\n")
    proc = run_cedar("query", f"SELECT * FROM read_csv('{tmp_path / 'x.csv'}')", "--db", str(store))
    assert proc.returncode == 2 and "outside the store" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_sql_is_a_wrong_call_without_traceback(store):
    for sql in ("SELEC 1", "SELECT * FROM no_such_table", "SELECT 1; SELECT 2"):
        proc = run_cedar("query", sql, "--db", str(store))
        assert proc.returncode == 2 and "Error:" in proc.stderr and "Traceback" not in proc.stderr


def test_views_for_users(store):
    assert query(store, "SELECT count(*) AS n FROM events")[0]["n"] == 6
    actors = query(store, "SELECT role, actor, inter FROM event_actors WHERE event_id = 'CDR-AZE-2' ORDER BY role")
    assert [a["role"] for a in actors] == ["actor1", "actor2", "assoc_actor_2"]
    assert actors[0]["inter"] == 1
    claims = query(store, "SELECT event_id, claim_no, aspect, claimant, stance, status FROM claims "
                          "WHERE event_id = 'CDR-AZE-1' ORDER BY claim_no")
    assert claims[0] == {"event_id": "CDR-AZE-1", "claim_no": 1, "aspect": "occurrence",
                         "claimant": "Ministry of Defence of Azerbaijan", "stance": "asserts", "status": "verified"}
    assert query(store, "SELECT count(*) AS n FROM sources")[0]["n"] == 6


def test_output_formats(store):
    proc = run_cedar("query", "SELECT event_id, assoc_actor_2, event_date FROM events ORDER BY event_id",
                     "--db", str(store), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert rows[1] == {"event_id": "CDR-AZE-2", "assoc_actor_2": "Armenian Ethnic Group (Azerbaijan)",
                       "event_date": "2023-09-19"}
    proc = run_cedar("query", "SELECT event_id, assoc_actor_2 FROM events ORDER BY event_id", "--db", str(store),
                     "--format", "json")
    assert json.loads(proc.stdout)[1]["assoc_actor_2"] == ["Armenian Ethnic Group (Azerbaijan)"]
    proc = run_cedar("query", "SELECT event_type, count(*) AS n FROM events GROUP BY ALL ORDER BY ALL",
                     "--db", str(store))
    assert proc.returncode == 0 and "event_type" in proc.stdout and "Battles" in proc.stdout
    assert "(3 rows)" in proc.stdout


def test_demo_runs_init_ingest_release_and_a_query(tmp_path):
    proc = run_cedar("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "data" / "demo.duckdb").is_file()
    assert "karabakh-1 -> CDR-AZE-1" in proc.stdout
    assert "verification_status" in proc.stdout and "Battles" in proc.stdout
    manifests = list((tmp_path / "data" / "demo-releases").glob("*/manifest.json"))
    assert len(manifests) == 1 and "published" in proc.stdout
    assert "cedar release list" in proc.stdout and re.search(r"^\d{4}\.\d{2}\.1 .* 6 ", proc.stdout, re.M)
    again = run_cedar("demo", cwd=tmp_path)  # a fresh store every run
    assert again.returncode == 0 and "karabakh-1 -> CDR-AZE-1" in again.stdout
