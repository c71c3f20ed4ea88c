"""SQL over a downloaded release (cedar.releases.localrelease, `cedar query --release DIR`): the
store's views over the release's Parquet files, read-only, nothing outside the release reachable."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from download_support import V1, pristine_store, sha, store_db

from cedar.errors import CedarError, UsageError
from cedar.releases import localrelease

VIEWS = ("events", "claims", "sources", "event_actors")
MONTHLY = ("SELECT country, strftime(event_date, '%Y-%m') AS month, count(*) AS events FROM events "
           "GROUP BY ALL ORDER BY country, month")


@pytest.fixture(scope="module")
def downloaded(tmp_path_factory) -> Path:
    """A release downloaded (from a folder store) into a fresh folder."""
    from cedar.releases.download import download

    store = pristine_store(tmp_path_factory)
    to = tmp_path_factory.mktemp("downloaded")
    download(str(store), "latest", to, "all")
    return to


def _rows(con, sql: str) -> list[tuple]:  # noqa: ANN001
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_release_views_are_the_stores_views(downloaded):
    store = duckdb.connect(str(store_db()), read_only=True)
    release = localrelease.connect(downloaded / V1)
    try:
        for view in VIEWS:
            names_store = [r[0] for r in store.execute(f"DESCRIBE {view}").fetchall()]
            names_release = [r[0] for r in release.execute(f"DESCRIBE {view}").fetchall()]
            assert names_release == names_store, view
            # same rows; the store keeps timestamps as naive UTC, the release's Parquet as UTC instants
            cols = ", ".join(f'"{n}"' for n in names_store if n != "timestamp")
            assert _rows(release, f"SELECT {cols} FROM {view}") == _rows(store, f"SELECT {cols} FROM {view}"), view
        assert release.execute("SELECT count(*) FROM events").fetchone()[0] == 6
    finally:
        store.close()
        release.close()


def test_monthly_counts_by_country(downloaded):
    names, rows = localrelease.run(downloaded, MONTHLY)  # the parent folder: its newest release
    assert names == ["country", "month", "events"]
    assert list(rows) == [("Azerbaijan", "2023-09", 6)]


def test_parent_folder_means_its_newest_release(downloaded, tmp_path):
    shutil.copytree(downloaded / V1, tmp_path / V1)
    shutil.copytree(downloaded / V1, tmp_path / "2026.11.10")
    shutil.copytree(downloaded / V1, tmp_path / "2026.11.9")
    assert localrelease.find_release(tmp_path) == tmp_path / "2026.11.10"
    assert localrelease.find_release(tmp_path / V1) == tmp_path / V1


@pytest.mark.parametrize("sql, words", [
    ("CREATE TABLE t AS SELECT 1", "CREATE statements are refused"),
    ("INSERT INTO events SELECT * FROM events", "INSERT statements are refused"),
    ("COPY events TO 'out.csv'", "COPY statements are refused"),
    ("ATTACH 'other.duckdb'", "ATTACH statements are refused"),
    ("SET enable_external_access = true", "SET statements are refused"),
    ("INSTALL httpfs", "statements are refused"),
    ("LOAD httpfs", "statements are refused"),
    ("PRAGMA version", "PRAGMA statements are refused"),
    ("SELECT 1; SELECT 2", "Give one SQL statement (found 2)"),
    ("EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1", "EXPLAIN of anything but a SELECT"),
    ("SELECT * FROM read_csv('/etc/passwd')", "outside the release"),
    ("SELECT * FROM glob('/*')", "outside the release"),
    ("SELEC 1", "cannot be read"),
])
def test_anything_but_reading_the_release_is_refused(downloaded, sql, words):
    with pytest.raises(CedarError) as err:
        localrelease.run(downloaded, sql)
    assert words in err.value.message
    assert isinstance(err.value, UsageError)  # the command line exits 2 for it


def test_the_release_files_cannot_be_overwritten(downloaded):
    """allowed_paths lets DuckDB write the release's own files (measured): COPY ... TO them, also
    inside EXPLAIN ANALYZE, which DuckDB reports as an EXPLAIN and runs, must be refused."""
    folder = downloaded / V1
    before = {p.name: sha(p) for p in folder.glob("*.parquet")}
    target = folder / "events.parquet"
    for sql in (f"COPY (SELECT 1 AS x) TO '{target}' (FORMAT parquet, USE_TMP_FILE false)",
                f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{target}' (FORMAT parquet, USE_TMP_FILE false)",
                f"/* note */ explain analyze COPY (SELECT 1 AS x) TO '{target}' (FORMAT parquet, USE_TMP_FILE false)",
                f"SELECT * FROM query('COPY (SELECT 1 AS x) TO ''{target}'' (FORMAT parquet, USE_TMP_FILE false)')"):
        with pytest.raises(CedarError):
            localrelease.run(downloaded, sql)
    assert {p.name: sha(p) for p in folder.glob("*.parquet")} == before
    assert localrelease.run(downloaded, "SELECT count(*) FROM events")[1].__next__() == (6,)


def test_explain_of_a_select_and_describe_work(downloaded):
    for sql in ("EXPLAIN SELECT * FROM events", "EXPLAIN ANALYZE SELECT count(*) FROM claims", "DESCRIBE events",
                "SUMMARIZE sources", "FROM event_actors LIMIT 1", "SHOW TABLES"):
        names, rows = localrelease.run(downloaded, sql)
        assert names and list(rows)


def test_other_files_beside_the_release_are_out_of_reach(downloaded):
    (downloaded / "secret.csv").write_text("a\n1\n")
    with pytest.raises(CedarError) as err:
        localrelease.run(downloaded, f"SELECT * FROM read_csv('{downloaded / 'secret.csv'}')")
    assert "outside the release" in err.value.message


def test_a_release_without_parquet_files_says_what_to_do(downloaded, tmp_path):
    folder = tmp_path / V1
    shutil.copytree(downloaded / V1, folder)
    (folder / "claims.parquet").unlink()
    with pytest.raises(CedarError) as err:
        localrelease.run(folder, "SELECT 1")
    assert "has no claims.parquet" in err.value.message and "--files parquet" in err.value.hint
    with pytest.raises(CedarError) as err:
        localrelease.run(tmp_path / "nowhere", "SELECT 1")
    assert "There is no release" in err.value.message
    (tmp_path / "empty").mkdir()
    with pytest.raises(CedarError) as err:
        localrelease.run(tmp_path / "empty", "SELECT 1")
    assert "not a downloaded release" in err.value.message


# --- through the command line ----------------------------------------------------------------

def test_cedar_query_release_as_table_csv_and_json(downloaded):
    import csv
    import io
    import json

    from conftest import run_cedar

    table = run_cedar("query", "--release", str(downloaded), MONTHLY)
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == ["country", "month", "events"]
    assert "Azerbaijan  2023-09  6" in table.stdout and "(1 row)" in table.stdout
    as_csv = run_cedar("query", "--release", str(downloaded / V1), MONTHLY, "--format", "csv")
    assert list(csv.DictReader(io.StringIO(as_csv.stdout))) == [
        {"country": "Azerbaijan", "month": "2023-09", "events": "6"}]
    as_json = run_cedar("query", "--release", str(downloaded), "SELECT event_id, assoc_actor_2, fatalities "
                        "FROM events ORDER BY event_id LIMIT 2", "--format", "json")
    rows = json.loads(as_json.stdout)
    assert [r["event_id"] for r in rows] == ["CDR-AZE-1", "CDR-AZE-2"] and isinstance(rows[0]["assoc_actor_2"], list)


def test_cedar_query_release_refuses_writes_and_other_files(downloaded):
    from conftest import run_cedar

    for sql, words in (("DROP VIEW events", "DROP statements are refused"),
                       ("SELECT * FROM read_csv('/etc/passwd')", "outside the release"),
                       (f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{downloaded / V1 / 'events.parquet'}'", "EXPLAIN")):
        proc = run_cedar("query", "--release", str(downloaded), sql)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr and words in proc.stderr
    proc = run_cedar("query", "--release", str(downloaded / "nothing"), "SELECT 1")
    assert proc.returncode == 2 and "There is no release" in proc.stderr


def test_a_query_that_runs_too_long_or_needs_too_much_memory_is_stopped(downloaded):
    import time

    t = time.monotonic()
    with pytest.raises(CedarError) as err:
        localrelease.run(downloaded, "SELECT count(*) FROM range(100000000000) a, events", timeout=0.5)
    assert "stopped after 0.5 s" in err.value.message and time.monotonic() - t < 10
    with pytest.raises(CedarError) as err:
        localrelease.run(downloaded, "SELECT list(range) FROM range(100000000)", memory_limit="100MB")
    assert "more memory than the limit of 100MB" in err.value.message
    # the limit cannot be raised from inside
    with pytest.raises(CedarError):
        localrelease.run(downloaded, "SELECT current_setting('memory_limit'); SET memory_limit = '10GB'",
                         memory_limit="100MB")
