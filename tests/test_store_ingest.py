"""`cedar init` and `cedar ingest` against real DuckDB files, through the real command line."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest
from conftest import run_cedar
from store_helpers import codes, counts, ingest, init, query, scalar, seed_events, write_events

from cedar.sample_data import SAMPLE_DIR, SEED_SUBMISSION, seed_path

SEED_DOC_SHA = "3543a0ab5d43955f4c2c11d1bb8fc1a318b272da8423eff51b4d6c449fdc5a18"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "store" / "cedar.duckdb"
    init(path)
    return path


@pytest.fixture
def seeded(db):
    proc, report = ingest(db, str(seed_path()), "--submitter", "tester")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return db


def test_init_creates_tables_and_views_and_keeps_contents(tmp_path):
    db = tmp_path / "new" / "cedar.duckdb"
    proc = init(db)
    assert "Created" in proc.stdout
    names = {r["name"] for r in query(db, "SELECT table_name AS name FROM duckdb_tables() UNION ALL "
                                          "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert {"event_current", "event_history", "event_claims", "event_sources", "documents", "submissions",
            "submission_files", "deletions", "id_counters", "releases", "events", "event_actors", "claims",
            "sources"} <= names
    ingest(db, str(seed_path()))
    again = init(db)
    assert "existed" in again.stdout
    assert counts(db)["events"] == 6


def test_cedar_db_environment_variable_names_the_store(tmp_path):
    db = tmp_path / "env.duckdb"
    env = {**os.environ, "CEDAR_DB": str(db)}
    proc = subprocess.run([sys.executable, "-m", "cedar", "init"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert db.is_file()
    assert not (tmp_path / "data").exists()


def test_ingest_of_the_seed_into_a_new_store(db):
    proc, report = ingest(db, str(seed_path()), "--submitter", "tester")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["valid"] and report["counts"]["added"] == 6
    assert report["ids"] == {f"karabakh-{i}": f"CDR-AZE-{i}" for i in range(1, 7)}
    assert [e["change"] for e in report["events"]] == ["added"] * 6
    c = counts(db)
    assert (c["events"], c["versions"], c["submissions"], c["documents"]) == (6, 6, 1, 1)
    assert c["claims"] > 0 and c["sources"] == 6
    doc = query(db, "SELECT sha256, name, bytes, length(text) > 1000 AS has_text FROM documents")[0]
    assert doc["sha256"] == SEED_DOC_SHA and doc["has_text"]
    sub = query(db, "SELECT * FROM submissions")[0]
    file_sha = hashlib.sha256((SAMPLE_DIR / SEED_SUBMISSION).read_bytes()).hexdigest()
    assert (sub["file_sha256"], sub["submitter"], sub["added"], sub["updated"], sub["deleted"]) == \
        (file_sha, "tester", 6, 0, 0)
    row = query(db, "SELECT event_id, version, submission_id, disorder_type, timestamp FROM events "
                    "WHERE event_id = 'CDR-AZE-1'")[0]
    assert row["version"] == 1 and row["submission_id"] == sub["submission_id"] and row["timestamp"]
    assert row["disorder_type"] == "Political violence"


def test_the_text_summary_lists_the_first_twenty_rows_written_and_counts_the_rest(db, tmp_path):
    events = [dict(seed_events()[i % 6], ref=f"r{i}") for i in range(25)]
    proc = run_cedar("ingest", str(write_events(tmp_path, "many.json", events)), "--db", str(db))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = [line for line in proc.stdout.splitlines() if " -> CDR-" in line]
    assert listed[0].strip() == "r0 -> CDR-AZE-1 (version 1, added)" and len(listed) == 20
    assert "  ... and 5 more (--format json lists every row)" in proc.stdout.splitlines()


def test_same_file_twice_adds_nothing_and_names_the_earlier_submission(seeded, tmp_path):
    before = counts(seeded)
    proc = run_cedar("ingest", str(seed_path()), "--db", str(seeded))
    assert proc.returncode == 0, proc.stderr
    assert "already in the store" in proc.stdout and "S1" in proc.stdout
    assert counts(seeded) == before
    # the same bytes under another name are the same file
    copy = tmp_path / "renamed.json"
    copy.write_bytes(seed_path().read_bytes())
    (tmp_path / "karabakh-2023-09-19.txt").write_bytes((SAMPLE_DIR / "karabakh-2023-09-19.txt").read_bytes())
    proc, report = ingest(seeded, str(copy))
    assert proc.returncode == 0
    assert report["already_ingested"][0]["submission_id"] == "S1"
    assert counts(seeded) == before


def test_faulty_copy_is_refused_and_the_store_is_unchanged(seeded, tmp_path):
    events = seed_events()
    events[2]["latitude"] = 123
    events[4]["verification_status"] = "confirmed"
    bad = write_events(tmp_path, "bad.json", events)
    before = counts(seeded)
    proc, report = ingest(seeded, str(bad))
    assert proc.returncode == 1
    assert {("out-of-range", 3, "latitude"), ("not-in-vocabulary", 5, "verification_status")} <= codes(report)
    assert counts(seeded) == before
    text = run_cedar("ingest", str(bad), "--db", str(seeded))
    assert text.returncode == 1 and "Refused" in text.stdout and "Traceback" not in text.stderr


def test_update_and_deletion_round_trip(seeded, tmp_path):
    events = seed_events()
    changed = dict(events[3], event_id="CDR-AZE-4", notes="A corrected note.", fatalities=0)
    same = dict(events[4], event_id="CDR-AZE-5")
    upd = write_events(tmp_path, "update.json", [changed, same])
    proc, report = ingest(seeded, str(upd), "--submitter", "editor")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {k: report["counts"][k] for k in ("added", "updated", "unchanged", "deleted", "documents_added")} == \
        {"added": 0, "updated": 1, "unchanged": 1, "deleted": 0, "documents_added": 0}
    assert [(e["event_id"], e["version"], e["change"]) for e in report["events"]] == \
        [("CDR-AZE-4", 2, "updated"), ("CDR-AZE-5", 1, "unchanged")]
    history = query(seeded, "SELECT event_id, version, notes, submission_id FROM event_history "
                            "WHERE event_id = 'CDR-AZE-4' ORDER BY version")
    assert [(h["version"], h["submission_id"]) for h in history] == [(1, "S1"), (2, "S2")]
    assert history[1]["notes"] == "A corrected note." and history[0]["notes"] != "A corrected note."
    assert scalar(seeded, "SELECT version FROM events WHERE event_id = 'CDR-AZE-4'") == 2
    # the claims and sources of both versions are kept, and the views show the current one's
    assert scalar(seeded, "SELECT count(DISTINCT version) FROM event_sources WHERE event_id = 'CDR-AZE-4'") == 2
    assert scalar(seeded, "SELECT count(*) FROM sources WHERE event_id = 'CDR-AZE-4'") == 1

    gone = tmp_path / "gone.csv"
    gone.write_text("event_id,reason\nCDR-AZE-2,retracted by the outlet\n", encoding="utf-8")
    proc, report = ingest(seeded, "--deletions", str(gone), "--submitter", "editor")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["counts"]["deleted"] == 1
    assert scalar(seeded, "SELECT count(*) FROM events WHERE event_id = 'CDR-AZE-2'") == 0
    assert scalar(seeded, "SELECT count(*) FROM claims WHERE event_id = 'CDR-AZE-2'") == 0
    deletion = query(seeded, "SELECT event_id, last_version, reason, submission_id FROM deletions")[0]
    assert deletion == {"event_id": "CDR-AZE-2", "last_version": 1, "reason": "retracted by the outlet",
                        "submission_id": "S3"}
    assert scalar(seeded, "SELECT count(*) FROM event_history WHERE event_id = 'CDR-AZE-2'") == 1
    assert query(seeded, "SELECT kind, deleted FROM submissions WHERE submission_id = 'S3'") == \
        [{"kind": "deletions", "deleted": 1}]

    # a deleted event cannot be updated, and cannot be deleted twice
    again = write_events(tmp_path, "again.json", [dict(events[1], event_id="CDR-AZE-2")])
    proc, report = ingest(seeded, str(again))
    assert proc.returncode == 1 and ("event-deleted", 1, "event_id") in codes(report)
    twice = tmp_path / "twice.json"
    twice.write_text('[{"event_id": "CDR-AZE-2", "reason": "again"}]', encoding="utf-8")
    proc, report = ingest(seeded, "--deletions", str(twice))
    assert proc.returncode == 1 and ("already-deleted", 1, "event_id") in codes(report)


def test_a_deletion_needs_a_reason_and_a_current_event(seeded, tmp_path):
    gone = tmp_path / "gone.csv"
    gone.write_text("event_id,reason\nCDR-AZE-1,\nCDR-AZE-99,typo\n", encoding="utf-8")
    before = counts(seeded)
    proc, report = ingest(seeded, "--deletions", str(gone))
    assert proc.returncode == 1
    assert {("missing-reason", 2, "reason"), ("unknown-event-id", 3, "event_id")} <= codes(report)
    assert counts(seeded) == before


def test_an_event_id_that_does_not_exist_is_an_error_with_row_and_column(seeded, tmp_path):
    events = seed_events()
    path = write_events(tmp_path, "ghost.json", [events[0], dict(events[1], event_id="CDR-AZE-404")])
    before = counts(seeded)
    proc, report = ingest(seeded, str(path))
    assert proc.returncode == 1
    assert ("unknown-event-id", 2, "event_id") in codes(report)
    assert counts(seeded) == before


def test_a_row_coded_from_an_older_version_is_refused(seeded, tmp_path):
    events = seed_events()
    first = write_events(tmp_path, "v2.json", [dict(events[0], event_id="CDR-AZE-1", notes="second")])
    assert ingest(seeded, str(first))[0].returncode == 0
    stale = write_events(tmp_path, "stale.json", [dict(events[0], event_id="CDR-AZE-1", version=1, notes="third")])
    proc, report = ingest(seeded, str(stale))
    assert proc.returncode == 1 and ("stale-version", 1, "version") in codes(report)


def test_ids_are_counted_per_country_and_never_reused_after_deletion(seeded, tmp_path):
    events = seed_events()
    armenia = dict(events[4], ref="arm-1", country="Armenia", iso3="ARM", location="Yerevan", admin1="Yerevan",
                   latitude=40.1792, longitude=44.4991)
    proc, report = ingest(seeded, str(write_events(tmp_path, "arm.json", [armenia])))
    assert proc.returncode == 0, proc.stdout
    assert report["ids"] == {"arm-1": "CDR-ARM-1"}
    gone = tmp_path / "gone.csv"
    gone.write_text("event_id,reason\nCDR-AZE-6,duplicate of CDR-AZE-1\n", encoding="utf-8")
    assert ingest(seeded, "--deletions", str(gone))[0].returncode == 0
    later = dict(events[0], ref="later", event_date="2023-09-21")
    proc, report = ingest(seeded, str(write_events(tmp_path, "later.json", [later, dict(armenia, ref="arm-2",
                                                                                         event_date="2023-09-02")])))
    assert proc.returncode == 0, proc.stdout
    assert report["ids"] == {"later": "CDR-AZE-7", "arm-2": "CDR-ARM-2"}
    assert query(seeded, "SELECT iso3, last_number FROM id_counters ORDER BY iso3") == \
        [{"iso3": "ARM", "last_number": 2}, {"iso3": "AZE", "last_number": 7}]


def test_possible_duplicates_are_warnings_and_nothing_is_merged(seeded, tmp_path):
    events = seed_events()
    copy = [dict(e, ref=f"copy-{i}") for i, e in enumerate(events, start=1)]
    # inside the submission: a second row for the same day, type and actor, 1 km away
    near = dict(events[0], ref="near", event_date="2023-09-25", latitude=events[0]["latitude"] + 0.009)
    far = dict(events[0], ref="far", event_date="2023-09-25", latitude=events[0]["latitude"] + 0.5)
    first = dict(events[0], ref="first", event_date="2023-09-25")
    path = write_events(tmp_path, "copy.json", copy + [first, near, far])
    proc, report = ingest(seeded, str(path))
    assert proc.returncode == 0, proc.stdout
    warnings = [p for p in report["problems"] if p["code"] == "possible-duplicate"]
    assert {(p["row"], p["value"]) for p in warnings} == \
        {(i, f"CDR-AZE-{i}") for i in range(1, 7)} | {(8, report["ids"]["first"])}
    assert all(p["severity"] == "warning" for p in warnings)
    assert report["counts"]["added"] == 9
    assert counts(seeded)["events"] == 15


def test_possible_duplicates_past_the_listed_ones_are_counted(db, tmp_path):
    from cedar.ingest.duplicates import MAX_LISTED

    copies = [dict(seed_events()[0], ref=f"copy-{i}") for i in range(MAX_LISTED + 5)]
    proc, report = ingest(db, str(write_events(tmp_path, "copies.json", copies)))
    assert proc.returncode == 0, proc.stdout
    listed = [p for p in report["problems"] if p["code"] == "possible-duplicate"]
    [more] = [p for p in report["problems"] if p["code"] == "possible-duplicates-not-listed"]
    assert len(listed) == MAX_LISTED and more["severity"] == "warning"
    assert more["value"] == len(copies) - 1 - MAX_LISTED  # every copy but the first has an earlier twin
    assert more["message"] == f"{more['value']} more rows may duplicate an earlier row or a stored event (only the " \
        f"first {MAX_LISTED} are listed)."


def test_dry_run_works_everything_out_and_writes_nothing(db):
    proc, report = ingest(db, str(seed_path()), "--dry-run")
    assert proc.returncode == 0, proc.stdout
    assert report["dry_run"] and report["ids"]["karabakh-1"] == "CDR-AZE-1"
    assert counts(db)["events"] == 0 and counts(db)["submissions"] == 0
    text = run_cedar("ingest", str(seed_path()), "--db", str(db), "--dry-run").stdout.rstrip().splitlines()
    assert text[-1] == "Nothing was written.", text  # last, below the ids it would have given
    assert text[-2].strip().startswith("karabakh-6 -> ") and text[-8].startswith("Dry run: would have written")
    proc, report = ingest(db, str(seed_path()))
    assert report["ids"]["karabakh-1"] == "CDR-AZE-1"


def test_a_missing_store_is_an_error_with_a_hint(tmp_path):
    proc = run_cedar("ingest", str(seed_path()), "--db", str(tmp_path / "nope.duckdb"))
    assert proc.returncode == 2
    assert "There is no store" in proc.stderr and "cedar init" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "nope.duckdb").exists()
    proc = run_cedar("query", "SELECT 1", "--db", str(tmp_path / "nope.duckdb"))
    assert proc.returncode == 2 and "There is no store" in proc.stderr


def test_a_file_that_is_not_a_store_is_an_error(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    proc = run_cedar("ingest", str(seed_path()), "--db", str(junk))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "Error:" in proc.stderr


def test_ingest_of_a_flat_csv_with_companion_sources(db, tmp_path):
    sys.path.insert(0, str(SAMPLE_DIR.parents[1]))
    from benchmarks.fixtures import seed_csv

    path = seed_csv(tmp_path / "flat.csv", 12)
    proc, report = ingest(db, str(path))
    assert proc.returncode == 0, proc.stdout
    assert report["counts"]["added"] == 12 and report["ids"]["r11"] == "CDR-AZE-12"
    assert scalar(db, "SELECT count(*) FROM sources WHERE document_sha256 = '" + SEED_DOC_SHA + "'") == 12
    # the same CSV with other companion sources is another submission
    before = counts(db)
    companion = tmp_path / "flat.sources.csv"
    companion.write_text(companion.read_text(encoding="utf-8").replace(",2023-09-19,", ",2023-09-20,"),
                         encoding="utf-8")
    proc, report = ingest(db, str(path))
    assert proc.returncode == 0 and report["submission_id"] == "S2", proc.stdout
    assert counts(db)["events"] == before["events"] + 12


def test_a_store_made_by_an_older_cedar_is_brought_up_to_date_by_init(seeded, tmp_path):
    import duckdb

    con = duckdb.connect(str(seeded))
    con.execute("ALTER TABLE event_history DROP COLUMN tags")
    con.execute("DROP TABLE submission_files")
    con.close()
    other = write_events(tmp_path, "later.json", [dict(seed_events()[0], ref="later", event_date="2023-09-21")])
    proc = run_cedar("ingest", str(other), "--db", str(seeded))
    assert proc.returncode == 1 and "older Cedar" in proc.stderr and "cedar init" in proc.stderr
    proc = run_cedar("init", "--db", str(seeded))
    assert proc.returncode == 0 and "event_history.tags" in proc.stdout
    proc, report = ingest(seeded, str(other))
    assert proc.returncode == 0, proc.stdout
    assert query(seeded, "SELECT tags FROM event_history WHERE event_id = 'CDR-AZE-1'") == [{"tags": []}]


@pytest.mark.parametrize("name, text", [
    ("gone.jsonl",
     '{"event_id": "CDR-AZE-1", "reason": "retracted"}\n'
     '{"event_id": "CDR-AZE-2", "reason": "duplicate of CDR-AZE-1"}\n'),
    ("gone.json", '{"deletions": [{"event_id": "CDR-AZE-1", "reason": "retracted"}, '
                  '{"event_id": "CDR-AZE-2", "reason": "duplicate of CDR-AZE-1"}]}'),
])
def test_deletion_lists_in_json_and_json_lines(seeded, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    proc, report = ingest(seeded, "--deletions", str(path))
    assert proc.returncode == 0, proc.stdout
    assert query(seeded, "SELECT event_id, reason FROM deletions ORDER BY event_id") == [
        {"event_id": "CDR-AZE-1", "reason": "retracted"}, {"event_id": "CDR-AZE-2", "reason": "duplicate of CDR-AZE-1"}]
    # the same list again adds nothing and names the submission that holds it
    proc, report = ingest(seeded, "--deletions", str(path))
    assert proc.returncode == 0 and report["already_ingested"][0]["submission_id"] == "S2"
    assert counts(seeded)["deletions"] == 2


def test_a_deletion_list_with_other_columns_is_refused(seeded, tmp_path):
    path = tmp_path / "gone.csv"
    path.write_text("event_id,why\nCDR-AZE-1,retracted\n", encoding="utf-8")
    proc, report = ingest(seeded, "--deletions", str(path))
    assert proc.returncode == 1
    # a deletion list's own code: a submission's missing-columns points to the codebook, which has no deletion lists
    assert {("unknown-column", 1, "why"), ("missing-deletion-columns", 1, "reason")} <= codes(report)
    assert counts(seeded)["deletions"] == 0
