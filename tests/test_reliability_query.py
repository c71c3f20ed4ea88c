"""Hostile SQL through `cedar query`, against the store (--db) and against a
downloaded release (--release): no write to the store or release, no file outside them read or
written, no other database attached, no extension installed or loaded, no setting changed to
allow any of that; a query that runs too long or takes too much memory is stopped. Every attempt
must end with exit 1 or 2 and an `Error:` message, and the store and the release must be
byte-for-byte what they were."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import duckdb
import pytest
from conftest import run_cedar
from download_support import V1, copy_store
from reliability.scale import record
from reliability.worker import Worker
from store_helpers import counts, ingest, init

from cedar.sample_data import seed_path

SECRET = "cedar-secret-line-7f3a"


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    """A real store (cedar init + cedar ingest of the seed), a published release, and files beside them
    that no query may reach."""
    root = tmp_path_factory.mktemp("query-safety")
    db = root / "cedar.duckdb"
    init(db)
    assert ingest(db, str(seed_path()))[0].returncode == 0
    store = copy_store(tmp_path_factory, root / "releases")
    outside = root / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text(f"a\n{SECRET}\n", encoding="utf-8")
    other = outside / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute(f"CREATE TABLE secrets AS SELECT '{SECRET}' AS s")
    con.execute(f"COPY secrets TO '{outside / 'secret.parquet'}' (FORMAT parquet)")
    con.close()
    worker = Worker(root)
    yield {"root": root, "db": db, "release": store / V1, "outside": outside, "worker": worker}
    worker.close()


def _digest(paths: list[Path]) -> dict[str, str]:
    out = {}
    for base in paths:
        for p in sorted([base] if base.is_file() else base.rglob("*")):
            if p.is_file() and p.name != ".lock":
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def attacks(t: dict, where: str) -> list[tuple[str, str]]:  # (what, SQL)
    # One list, read whole: the catalogue of attempts by kind is the test's specification.
    out, rel, db = t["outside"], t["release"], t["db"]
    w = out / "written"
    return [
        # writing to the store or the release
        ("write", "INSERT INTO event_current SELECT * FROM event_current"),
        ("write", "DELETE FROM event_history"),
        ("write", "UPDATE event_current SET fatalities = 0"),
        ("write", "DROP TABLE event_history"),
        ("write", "DROP VIEW events"),
        ("write", "CREATE TABLE x AS SELECT 1"),
        ("write", "CREATE TEMP TABLE x AS SELECT 1"),
        ("write", "CREATE OR REPLACE VIEW events AS SELECT 1"),
        ("write", "ALTER TABLE event_current ADD COLUMN x INT"),
        ("write", "TRUNCATE event_current"),
        ("write", "CHECKPOINT"),
        ("write", "VACUUM"),
        ("write", "BEGIN"),
        ("write", "SELECT 1; DELETE FROM event_current"),
        ("write", "/* a comment first */ DELETE FROM event_current"),
        ("write", "-- a comment\nDELETE FROM event_current"),
        ("write", "EXPLAIN ANALYZE DELETE FROM event_current"),
        ("write", "WITH x AS (SELECT 1) DELETE FROM event_current"),
        ("write", f"COPY (SELECT 1 AS a) TO '{rel / 'events.parquet'}' (FORMAT parquet, USE_TMP_FILE false)"),
        ("write", f"EXPLAIN ANALYZE COPY (SELECT 1 AS a) TO '{rel / 'events.parquet'}' (FORMAT parquet)"),
        ("write", f"COPY events FROM '{out / 'secret.csv'}'"),
        # writing files outside
        ("file-write", f"COPY (SELECT 1) TO '{w}.csv'"),
        ("file-write", f"COPY events TO '{w}.parquet' (FORMAT parquet)"),
        ("file-write", f"EXPORT DATABASE '{w}-dir'"),
        ("file-write", f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{w}-explain.csv'"),
        # DuckDB lets a database write into its own temporary folder even with external access off
        ("file-write", f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{db}.tmp/written.csv'"),
        ("file-write", f"EXPLAIN (FORMAT json) COPY (SELECT 1) TO '{db}.tmp/written.csv'"),
        ("file-write", f"SET profiling_output = '{w}-profile.json'"),
        ("file-write", "PRAGMA enable_profiling"),
        ("file-write", f"SELECT * FROM query('COPY (SELECT 1) TO ''{w}-q.csv''')"),
        # reading files outside
        ("file-read", "SELECT * FROM read_csv('/etc/passwd')"),
        ("file-read", "SELECT * FROM read_csv_auto('/etc/passwd', header = false)"),
        ("file-read", "SELECT * FROM read_text('/etc/passwd')"),
        ("file-read", "SELECT * FROM read_blob('/etc/passwd')"),
        ("file-read", "SELECT * FROM read_json('/etc/passwd')"),
        ("file-read", "SELECT * FROM glob('/etc/*')"),
        ("file-read", "SELECT * FROM glob('*')"),
        ("file-read", "SELECT * FROM '/etc/passwd'"),
        ("file-read", "FROM '/etc/passwd'"),
        ("file-read", "SELECT * FROM sniff_csv('/etc/passwd')"),
        ("file-read", f"SELECT * FROM read_csv('{out / 'secret.csv'}')"),
        ("file-read", f"SELECT * FROM read_parquet('{out / 'secret.parquet'}')"),
        ("file-read", f"SELECT * FROM parquet_metadata('{out / 'secret.parquet'}')"),
        ("file-read", f"SELECT * FROM read_parquet('{rel}/../*/events.parquet')"),
        ("file-read", f"SELECT * FROM read_csv('{rel / 'events.csv'}')"),
        ("file-read", f"SELECT * FROM read_text('{rel / 'manifest.json'}')"),
        ("file-read", f"SELECT * FROM read_blob('{db if where == 'release' else out / 'secret.csv'}')"),
        ("file-read", "SELECT * FROM query('SELECT * FROM read_text(''/etc/passwd'')')"),
        ("file-read", "SELECT * FROM read_csv('https://example.org/x.csv')"),
        ("file-read", "SELECT * FROM duckdb_secrets()"),
        ("file-read", "EXPLAIN ANALYZE SELECT * FROM read_text('/etc/passwd')"),
        # other databases
        ("attach", f"ATTACH '{out / 'other.duckdb'}' AS o"),
        ("attach", f"ATTACH '{out / 'other.duckdb'}' AS o (READ_ONLY)"),
        ("attach", f"ATTACH '{out / 'new.duckdb'}' AS n"),
        ("attach", "ATTACH ':memory:' AS m"),
        ("attach", "DETACH cedar"),
        ("attach", "USE memory"),
        ("attach", f"SELECT * FROM '{out / 'other.duckdb'}'"),
        ("attach", f"EXPLAIN ANALYZE ATTACH '{out / 'other.duckdb'}' AS o"),
        # extensions
        ("extension", "INSTALL httpfs"),
        ("extension", "FORCE INSTALL json"),
        ("extension", "LOAD httpfs"),
        ("extension", f"LOAD '{out / 'evil.duckdb_extension'}'"),
        ("extension", "SELECT * FROM iceberg_scan('x')"),
        ("extension", "SELECT * FROM sqlite_scan('x.db', 't')"),
        ("extension", "EXPLAIN ANALYZE INSTALL httpfs"),
        # settings that would open a door
        ("setting", "SET enable_external_access = true"),
        ("setting", "RESET enable_external_access"),
        ("setting", "SET lock_configuration = false"),
        ("setting", "RESET ALL"),
        ("setting", "SET memory_limit = '1TB'"),
        ("setting", "SET allowed_paths = ['/etc/passwd']"),
        ("setting", "SET allowed_directories = ['/']"),
        ("setting", "SET autoinstall_known_extensions = true"),
        ("setting", "SET access_mode = 'read_write'"),
        ("setting", "PRAGMA threads = 64"),
        ("setting", "EXPLAIN ANALYZE SET enable_external_access = true"),
        ("setting", "SELECT * FROM query('SET enable_external_access = true')"),
        ("setting", "CALL enable_logging()"),
    ]


LEAKS = ("root:x:0:0", SECRET, "/etc/hostname")


@pytest.mark.parametrize("where", ["store", "release"])
def test_every_attempt_is_refused_and_nothing_changes(targets, where):
    t, worker = targets, targets["worker"]
    target = ["--db", str(t["db"])] if where == "store" else ["--releases", str(t["release"])]
    before = _digest([t["db"], t["release"], t["outside"]])
    t0, n, kinds = time.monotonic(), 0, {}
    (t["db"].parent / (t["db"].name + ".tmp")).mkdir(exist_ok=True)
    for what, sql in attacks(t, where):
        res = worker.run(["query", *target, "--format", "json", "--", sql], 60)
        n += 1
        assert res.ok(), res.why()
        assert res.code in (1, 2), (where, sql, res.code, res.stdout[:500])
        assert res.stderr.startswith("Error: "), (where, sql, res.stderr)
        assert not any(leak in res.stdout + res.stderr for leak in LEAKS), (where, sql, res.stdout[:500])
        assert "Traceback" not in res.stderr
        kinds[what] = kinds.get(what, 0) + 1
    after = _digest([t["db"], t["release"], t["outside"]])
    assert after == before, "a query changed or created a file"
    assert not list(t["outside"].glob("written*")) and not (t["outside"] / "new.duckdb").exists()
    assert not list((t["db"].parent / (t["db"].name + ".tmp")).iterdir())
    assert counts(t["db"])["events"] == 6
    record(f"query-safety-{where}", attempts=n, by_kind=kinds, seconds=round(time.monotonic() - t0, 1))


def test_messages_say_what_was_refused(targets):
    t, worker = targets, targets["worker"]
    cases = [
        (["--db", str(t["db"])], "DELETE FROM event_current", "only reads"),
        (["--db", str(t["db"])], "SELECT * FROM read_csv('/etc/passwd')", "outside the store"),
        (["--releases", str(t["release"])], "SELECT * FROM read_csv('/etc/passwd')", "outside the release"),
        (["--db", str(t["db"])], "INSTALL httpfs", "only reads"),
        (["--releases", str(t["release"])], "ATTACH ':memory:' AS m", "only reads"),
    ]
    for target, sql, words in cases:
        res = worker.run(["query", *target, "--", sql], 60)
        assert res.code in (1, 2) and words in res.stderr, (sql, res.stderr)


@pytest.mark.parametrize("where", ["store", "release"])
def test_reading_still_works_and_the_locks_hold(targets, where):
    t = targets
    target = ["--db", str(t["db"])] if where == "store" else ["--releases", str(t["release"])]
    proc = run_cedar("query", "SELECT count(*) AS n, current_setting('enable_external_access') AS ext, "
                     "current_setting('lock_configuration') AS locked FROM events", *target, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"n": 6, "ext": False, "locked": True}]


@pytest.mark.parametrize("where", ["store", "release"])
def test_a_query_that_runs_too_long_is_stopped(targets, where):
    t = targets
    target = ["--db", str(t["db"])] if where == "store" else ["--releases", str(t["release"])]
    t0 = time.monotonic()
    proc = run_cedar("query", "SELECT count(*) FROM range(1000000000000) a, events", *target, "--timeout", "1")
    took = time.monotonic() - t0
    assert proc.returncode in (1, 2) and "stopped after 1 s" in proc.stderr, proc.stderr
    assert took < 30, took
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("where", ["store", "release"])
def test_a_query_that_takes_too_much_memory_is_stopped(targets, where):
    t = targets
    target = ["--db", str(t["db"])] if where == "store" else ["--releases", str(t["release"])]
    proc = run_cedar("query", "SELECT list(i) FROM range(300000000) t(i)", *target, "--memory-limit", "100MB")
    assert proc.returncode in (1, 2) and "memory" in proc.stderr and "100MB" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_wrong_memory_limit_is_a_wrong_call(targets):
    proc = run_cedar("query", "SELECT 1", "--db", str(targets["db"]), "--memory-limit", "lots")
    assert proc.returncode == 2 and "is not a size" in proc.stderr
