"""A store whose ids have the earlier form (`AZE1`, the form of ACLED's `event_id_cnty`) is given ids of
the current form (`CDR-AZE-1`) when it is opened: in one transaction, history and deletions included,
the old id kept in event_id_aliases. The old store is built here by writing old-form ids directly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest
from conftest import run_cedar
from release_support import FIXED_TIME, _insert, seed_rows
from store_helpers import ingest, query, scalar, seed_events, write_events

from cedar.errors import StoreError
from cedar.ingest import ids, store
from cedar.schema import event_ids, tables

V1, V2 = "2026.11.1", "2026.11.2"


def _old(event_id: str) -> str:
    return event_id.replace("CDR-", "").replace("-", "")  # CDR-AZE-1 -> AZE1


def old_store(db: Path) -> Path:
    """The seed's six events as a store of the earlier layout holds them: ids AZE1..AZE6, no
    store_version in store_meta, AZE2 updated once (two versions), AZE6 deleted, AZE1 and AZE3 linked."""
    events, sources, claims = seed_rows()
    for row in [*events, *sources, *claims]:
        row["event_id"] = _old(row["event_id"])
    con = duckdb.connect(str(db))
    try:
        for stmt in tables.schema_sql():
            con.execute(stmt)
        con.execute("DROP TABLE event_id_aliases")  # the earlier layout had none
        con.execute("INSERT INTO store_meta VALUES ('created', '2026-11-01T12:00:00'), ('schema_version', '1.0.0')")
        current = [r for r in events if r["event_id"] != "AZE6"]
        second = dict(next(r for r in events if r["event_id"] == "AZE2"), version=2, notes="corrected")
        _insert(con, "event_current", [second if r["event_id"] == "AZE2" else r for r in current])
        _insert(con, "event_history", [*events, second])
        _insert(con, "event_sources", sources + [dict(s, version=2) for s in sources if s["event_id"] == "AZE2"])
        _insert(con, "event_claims", claims + [dict(c, version=2) for c in claims if c["event_id"] == "AZE2"])
        con.execute("INSERT INTO deletions VALUES ('AZE6', 1, 'duplicate of AZE5', ?, 'S2')", [FIXED_TIME])
        con.execute("INSERT INTO event_links VALUES ('AZE1', 'AZE3', 'same-event', 0, 1.5, ?, 'test')", [FIXED_TIME])
        con.execute("INSERT INTO id_counters VALUES ('AZE', 6)")
    finally:
        con.close()
    return db


def _ids(db: Path, sql: str) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_opening_a_store_with_old_ids_gives_every_table_the_current_ids(tmp_path):
    db = old_store(tmp_path / "old.duckdb")
    rows = query(db, "SELECT event_id, version FROM events ORDER BY event_id")  # a reader opens it
    assert rows == [{"event_id": f"CDR-AZE-{n}", "version": 2 if n == 2 else 1} for n in range(1, 6)]
    assert _ids(db, "SELECT event_id, version FROM event_history ORDER BY ALL") == [
        ("CDR-AZE-1", 1), ("CDR-AZE-2", 1), ("CDR-AZE-2", 2), ("CDR-AZE-3", 1), ("CDR-AZE-4", 1), ("CDR-AZE-5", 1),
        ("CDR-AZE-6", 1)]
    for table in ("event_claims", "event_sources"):
        assert _ids(db, f"SELECT DISTINCT event_id FROM {table} WHERE NOT regexp_full_match(event_id, "
                        f"'{event_ids.PATTERN[1:-1]}')") == []
    assert _ids(db, "SELECT event_id, reason FROM deletions") == [("CDR-AZE-6", "duplicate of AZE5")]
    assert _ids(db, "SELECT event_id, other_event_id FROM event_links") == [("CDR-AZE-1", "CDR-AZE-3")]
    assert _ids(db, "SELECT value FROM store_meta WHERE key = 'store_version'") == [(str(ids.STORE_VERSION),)]


def test_an_old_id_still_finds_its_event_through_the_aliases(tmp_path):
    db = old_store(tmp_path / "old.duckdb")
    found = query(db, "SELECT e.event_id, e.notes FROM events e JOIN event_id_aliases a USING (event_id) "
                      "WHERE a.old_id = 'AZE2'")
    assert found == [{"event_id": "CDR-AZE-2", "notes": "corrected"}]
    aliases = query(db, "SELECT old_id, event_id FROM event_id_aliases ORDER BY old_id")
    assert aliases == [{"old_id": f"AZE{n}", "event_id": f"CDR-AZE-{n}"} for n in range(1, 7)]  # AZE6 deleted too


def test_the_migration_runs_once_and_new_ids_follow_the_counters(tmp_path):
    db = old_store(tmp_path / "old.duckdb")
    proc, report = ingest(db, str(write_events(tmp_path, "new.json", [dict(seed_events()[0], ref="later")])))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["ids"] == {"later": "CDR-AZE-7"}
    first = _ids(db, "SELECT count(*), min(renamed_at) FROM event_id_aliases")
    assert scalar(db, "SELECT count(*) FROM events") == 6
    assert _ids(db, "SELECT count(*), min(renamed_at) FROM event_id_aliases") == first == [(6, first[0][1])]


def test_a_migration_that_fails_changes_nothing(tmp_path):
    """A store holding an old id and the current form of the same id cannot be migrated: the whole
    migration is rolled back, and the command says so without a traceback."""
    db = old_store(tmp_path / "old.duckdb")
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO event_current SELECT * REPLACE ('CDR-AZE-1' AS event_id) FROM event_current "
                "WHERE event_id = 'AZE1'")
    con.close()
    before = _ids(db, "SELECT event_id FROM event_history ORDER BY ALL")
    with pytest.raises(StoreError, match="could not be given their current form"):
        with store.connect(db, write=True):
            pass
    assert _ids(db, "SELECT event_id FROM event_history ORDER BY ALL") == before
    assert _ids(db, "SELECT count(*) FROM store_meta WHERE key = 'store_version'") == [(0,)]
    proc = run_cedar("query", "SELECT 1", "--db", str(db))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "current form" in proc.stderr


def test_a_new_store_has_the_current_layout_and_ids(tmp_path):
    db = tmp_path / "new.duckdb"
    store.init(db)
    assert _ids(db, "SELECT value FROM store_meta WHERE key = 'store_version'") == [(str(ids.STORE_VERSION),)]
    proc, report = ingest(db, str(write_events(tmp_path, "e.json", seed_events()[:2])))
    assert proc.returncode == 0 and sorted(report["ids"].values()) == ["CDR-AZE-1", "CDR-AZE-2"]
    assert all(event_ids.is_event_id(i) and not event_ids.is_legacy(i) for i in report["ids"].values())


def _as_published_before(folder: Path) -> None:
    """Rewrite a release's tables with the ids of the earlier form, as the earlier Cedar published
    them, and give it a deletion of AZE6 made in an earlier release."""
    con = duckdb.connect()
    for name in ("events", "claims", "sources", "actors"):
        path = str(folder / f"{name}.parquet")
        con.execute(f"CREATE TABLE t AS SELECT * REPLACE (replace(replace(event_id, 'CDR-', ''), '-', '') AS event_id) "
                    f"FROM read_parquet('{path}')")
        con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
        con.execute("DROP TABLE t")
    (folder / "deletions.csv").write_text("event_id,deleted_in,last_version,reason\n"
                                          "AZE6,2026.10.1,1,duplicate of AZE5\n", encoding="utf-8")


def test_a_release_after_the_migration_follows_the_previous_releases_old_ids(tmp_path):
    """A release published before the migration names AZE1..AZE5; the next one names the same events
    CDR-AZE-1..5: the gate follows them through the aliases (none missing, none changed, none added),
    and the earlier deletion of AZE6 is carried into deletions.csv under its current id."""
    from cedar.releases.build import build_release

    db = old_store(tmp_path / "old.duckdb")
    releases = tmp_path / "releases"
    with store.connect(db, write=True):  # any command that opens the store migrates it
        pass
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM deletions")  # AZE6 was deleted in an earlier release (below)
    con.close()
    first = build_release(V1, db, releases)
    assert first.passed, first.gate.report.to_dict()["problems"]
    _as_published_before(releases / V1)

    second = build_release(V2, db, releases)
    assert second.passed, second.gate.report.to_dict()["problems"]
    assert second.changes == {"added": 0, "updated": 0, "deleted": 0, "unchanged": 5}
    deletions = (releases / V2 / "deletions.csv").read_text(encoding="utf-8").splitlines()
    assert deletions[1:] == ["CDR-AZE-6,2026.10.1,1,duplicate of AZE5"]
    proc = run_cedar("release", "diff", V1, V2, "--store", str(releases), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["counts"] == {"added": 0, "updated": 0, "deleted": 0, "unchanged": 5}


def test_a_release_of_a_store_with_old_ids_is_refused_until_it_is_migrated(tmp_path):
    from cedar.releases.build import build_release

    db = old_store(tmp_path / "old.duckdb")
    with pytest.raises(StoreError, match="earlier form"):
        build_release(V1, db, tmp_path / "releases")
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    proc = run_cedar("release", "build", V1, "--db", str(copy), "--store", str(tmp_path / "r2"), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the command migrates the store first
    assert json.loads(proc.stdout)["published"] is True
    events = _ids(copy, "SELECT event_id FROM event_current ORDER BY ALL")
    assert events[0] == ("CDR-AZE-1",)


def test_a_table_of_an_older_form_is_migrated_too(tmp_path):
    """A table that lacks a column of the current model (a store `cedar init` has not brought up to
    date) keeps its form: its ids are renamed row by row."""
    db = old_store(tmp_path / "old.duckdb")
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE deletions DROP COLUMN submission_id")
    con.close()
    with store.connect(db, write=True):
        pass
    assert _ids(db, "SELECT * FROM deletions")[0][0] == "CDR-AZE-6"
    assert [c for (c,) in _ids(db, "SELECT column_name FROM duckdb_columns() WHERE table_name = 'deletions'")] == [
        "event_id", "last_version", "reason", "deleted_at"]


def _keyed(db: Path) -> set[str]:
    return {t for (t,) in _ids(db, "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'")}


def test_a_store_of_layout_3_loses_the_event_tables_keys_and_keeps_their_rows(tmp_path):
    """A store made when the event tables had primary keys: opened for writing, those four tables are
    rebuilt without the index (a transaction's new index entries stay in memory), rows unchanged."""
    db = tmp_path / "l3.duckdb"
    store.init(db)
    ingest(db, str(write_events(tmp_path, "e.json", seed_events())))
    con = duckdb.connect(str(db))
    for table in tables.UNINDEXED:  # the layout-3 form: the same columns under a primary key
        key = ", ".join(tables.TABLES[table][1])
        ddl = tables.create_table_sql(table).replace(f"IF NOT EXISTS {table} ", f"{table}_k ", 1)
        con.execute(ddl[:-2] + f",\n  PRIMARY KEY ({key})\n)")
        con.execute(f"INSERT INTO {table}_k SELECT * FROM {table}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}_k RENAME TO {table}")
    con.execute("UPDATE store_meta SET value = '3' WHERE key = 'store_version'")
    con.close()
    assert set(tables.UNINDEXED) <= _keyed(db)
    before = {t: _ids(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables.UNINDEXED}
    with store.connect(db, write=True):
        pass
    assert not set(tables.UNINDEXED) & _keyed(db) and "documents" in _keyed(db)
    assert {t: _ids(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables.UNINDEXED} == before
    assert _ids(db, "SELECT value FROM store_meta WHERE key = 'store_version'") == [(str(ids.STORE_VERSION),)]


def _ingest_after_a_row_by_hand(tmp_path: Path, table: str) -> tuple[Path, Any]:
    """A store of two events where `table` holds a copy of CDR-AZE-1's rows under the id the counters give
    next (CDR-AZE-3, written by hand), then the ingest of one new event."""
    db = tmp_path / "s.duckdb"
    store.init(db)
    ingest(db, str(write_events(tmp_path, "a.json", seed_events()[:2])))
    con = duckdb.connect(str(db))
    con.execute(f"INSERT INTO {table} SELECT * REPLACE ('CDR-AZE-3' AS event_id) FROM {table} "
                "WHERE event_id = 'CDR-AZE-1'")
    con.close()
    proc, _ = ingest(db, str(write_events(tmp_path, "b.json", [dict(seed_events()[2], ref="again")])))
    return db, proc


def test_an_ingest_that_would_hold_an_event_key_twice_is_refused(tmp_path):
    """No index guards the event tables' keys: the write checks the submission's ids instead. A current
    event written by hand, outside the history, holds the id the counters give next."""
    db, proc = _ingest_after_a_row_by_hand(tmp_path, "event_current")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "key twice" in proc.stderr and "event_id=CDR-AZE-3" in proc.stderr
    assert _ids(db, "SELECT event_id FROM event_history ORDER BY ALL") == [("CDR-AZE-1",), ("CDR-AZE-2",)]
    assert _ids(db, "SELECT count(*) FROM event_current") == [(3,)]


def test_keys_held_twice_are_found_whatever_the_number_of_passes(tmp_path):
    """The submission's ids are looked at a share at a time (by hash): a key's rows meet in one share."""
    db = tmp_path / "s.duckdb"
    store.init(db)
    ingest(db, str(write_events(tmp_path, "a.json", seed_events())))
    con = duckdb.connect(str(db))
    only = "SELECT event_id FROM event_current"
    clean = [ids.duplicate_keys(con, only, per_pass=n) for n in (1, 2, 1_000_000)]
    con.execute("INSERT INTO event_history SELECT * FROM event_history WHERE event_id = 'CDR-AZE-2'")
    found = [ids.duplicate_keys(con, only, per_pass=n) for n in (1, 2, 1_000_000)]
    con.close()
    assert clean == [[], [], []]
    assert found == [["event_history event_id=CDR-AZE-2, version=1"]] * 3


def test_an_ingest_whose_sources_are_already_held_is_refused(tmp_path):
    """Sources left for an id the counters give next (written by hand) would be held twice with the
    submission's own: the write checks the (event_id, version) pairs before adding them."""
    db, proc = _ingest_after_a_row_by_hand(tmp_path, "event_sources")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "key twice" in proc.stderr and "event_sources event_id=CDR-AZE-3, version=1" in proc.stderr
    assert _ids(db, "SELECT event_id FROM event_history ORDER BY ALL") == [("CDR-AZE-1",), ("CDR-AZE-2",)]
