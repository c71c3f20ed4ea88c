"""`cedar ingest` keeps its memory flat in the size of a submission: the row engine's checked events go to
Parquet files a chunk at a time (cedar.ingest.spool), a large CSV is staged by DuckDB into the same
folder, warnings past a number per code are counted rather than listed, and the working folder beside
the store is gone after every ingest, whatever its outcome. Peak memory itself is measured in
`make bench` (benchmarks/scale_ingest.py), never asserted here. Real stores and files, no mocks.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from benchmarks.scale_ingest import doubled_csv, jsonl_of
from cedar.ingest import load, spool, stage_csv, store, synth
from cedar.validate import engine
from tests.test_ingest_fast_differential import FAST_PATH, ROW_PATH, _same_outcome, _same_stores, _tables


def _jsonl(csv_path: Path, out: Path) -> Path:
    return jsonl_of(csv_path, out)  # the form the row engine reads, as the bench makes it


def _store(tmp_path: Path, name: str) -> Path:
    db = tmp_path / name / "store.duckdb"
    db.parent.mkdir()
    store.init(db)
    return db


def _leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.iterdir() if ".ingest-" in p.name)


@pytest.fixture
def synth_files(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "synth.csv"
    synth.write(src, 60, seed=3)
    return src, _jsonl(src, tmp_path / "synth.jsonl")


def test_events_staged_in_chunks_give_the_same_store(tmp_path, synth_files, monkeypatch):
    _, jsonl = synth_files
    whole, chunked = _store(tmp_path, "whole"), _store(tmp_path, "chunked")
    a = load.ingest(whole, [jsonl])
    monkeypatch.setattr(load.spool.stage, "CHUNK", 7)  # 60 rows in 9 Parquet files per stage table
    monkeypatch.setattr(load, "JOIN_ROWS", 7)  # their claims and sources written 7 rows at a time
    b = load.ingest(chunked, [jsonl])
    assert not a.refused and not b.refused and a.counts["added"] == b.counts["added"] == 60
    stored = _tables(whole)
    assert stored == _tables(chunked) and len(stored["event_sources"]) > 7  # sources in several joins
    assert list(a.events) == list(b.events) and len(b.events) == 60
    assert b.events[0]["row"] == 1 and b.events[-1]["row"] == 60


def test_rows_the_sql_engine_hands_to_the_row_engine_go_to_the_spool_a_chunk_at_a_time(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    doubled = doubled_csv(tmp_path / "doubled.csv", 60)  # rows 31-60 repeat rows 1-30: likely double codings
    monkeypatch.setattr(load.spool.stage, "CHUNK", 7)
    db = _store(tmp_path, "s")
    with spool.Spool(db) as work:
        stager = stage_csv.CsvStager(work)
        result = engine.check_files([doubled], keep_events=True, stager=stager, threshold=FAST_PATH)
        assert result.report.extra["engine"] == "sql" and result.report.valid
        assert result.report.totals()["by_code"]["possible-double-coding"] == 30
        handed = len(stager.sink)
        written = stager.sink.files["stage_events"]
        assert handed >= 30 and len(written) == handed // 7  # the last part chunk waits for tables()
        assert all(f.parent == work.folder and f.is_file() for f in written)
        tables = stager.tables()
        row_nos = [n for f in tables["stage_events"] for n in pq.read_table(f, columns=["row_no"])[0].to_pylist()]
    assert sorted(row_nos) == list(range(1, 61))  # DuckDB's rows and the row engine's, each once
    assert set(range(31, 61)) <= set(row_nos[-handed:])


def test_a_submission_coded_twice_stores_the_same_by_either_engine(tmp_path, monkeypatch):
    doubled = doubled_csv(tmp_path / "doubled.csv", 60)
    monkeypatch.setattr(load.spool.stage, "CHUNK", 7)
    fast, slow = _store(tmp_path, "fast"), _store(tmp_path, "slow")
    a = load.ingest(fast, [doubled], fast_threshold=FAST_PATH)
    b = load.ingest(slow, [doubled], fast_threshold=ROW_PATH)
    assert a.report.extra["engine"] == "sql" and b.report.extra.get("engine") != "sql"
    assert not a.refused and a.counts["added"] == 60
    _same_outcome(a, b)
    _same_stores(fast, slow)


def test_the_working_folder_is_removed_after_an_ingest(tmp_path, synth_files):
    src, jsonl = synth_files
    db = _store(tmp_path, "s")
    assert not load.ingest(db, [jsonl]).refused
    assert not load.ingest(db, [src], fast_threshold=FAST_PATH).refused  # DuckDB's path: same rows, new ids
    assert _leftovers(db) == []


def test_what_became_of_each_row_is_read_from_a_file_that_goes_with_the_outcome(tmp_path, synth_files):
    import gc

    src, _ = synth_files
    db = _store(tmp_path, "s")
    outcome = load.ingest(db, [src], fast_threshold=FAST_PATH)
    events = outcome.events
    assert isinstance(events, load.EventRows) and events.path.is_file()
    assert events.path.parent.parent == db.parent and len(_leftovers(db)) == 1  # beside the store, while it lives
    rows = list(events)
    numbers = [r["row"] for r in rows]
    assert len(rows) == len(events) == 60 and numbers == list(range(numbers[0], numbers[0] + 60))  # in order
    assert {r["file"] for r in rows} == {str(src)} and {r["change"] for r in rows} == {"added"}
    assert events[0] == rows[0] and events[-1] == rows[-1] and events[10:12] == rows[10:12]
    with store.connect(db, write=False) as con:
        stored = dict(con.execute("SELECT event_id, version FROM event_current").fetchall())
    assert {r["event_id"]: r["version"] for r in rows} == stored
    refs = {r["ref"]: r["event_id"] for r in rows if r["ref"]}
    assert refs and load.RefIds(events) == refs
    del outcome, events
    gc.collect()
    assert _leftovers(db) == []


def test_the_json_form_streams_a_report_of_every_row_as_json_would_write_it(tmp_path, synth_files, capsys):
    import json

    from cedar.cli.common import out_json

    src, _ = synth_files
    db = _store(tmp_path, "s")
    outcome = load.ingest(db, [src], fast_threshold=FAST_PATH)
    rows = list(outcome.events)
    capsys.readouterr()
    out_json(outcome.to_dict())
    text = capsys.readouterr().out
    whole = {**outcome.to_dict(), "ids": {r["ref"]: r["event_id"] for r in rows if r["ref"]}, "events": rows}
    assert text == json.dumps(whole, ensure_ascii=False, indent=2, default=str) + "\n"
    assert len(json.loads(text)["events"]) == 60


def test_a_refused_ingest_leaves_the_store_and_no_working_folder(tmp_path, synth_files):
    src, _ = synth_files
    db = _store(tmp_path, "s")
    before = _tables(db)
    bad = tmp_path / "bad.csv"
    text = src.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = next(csv.reader([text[5]]))
    cells[header.index("latitude")] = "north"
    with bad.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerows([header, *csv.reader(text[1:5]), cells, *csv.reader(text[6:])])
    for threshold in (ROW_PATH, FAST_PATH):
        outcome = load.ingest(db, [bad], fast_threshold=threshold)
        assert outcome.refused
        assert _tables(db) == before
        assert _leftovers(db) == []


def test_warnings_past_the_limit_are_counted_not_listed(tmp_path, synth_files, monkeypatch):
    src, jsonl = synth_files
    monkeypatch.setattr(load, "WARNINGS_PER_CODE", 3)
    for path, threshold, name in ((jsonl, ROW_PATH, "row"), (src, FAST_PATH, "sql")):
        outcome = load.ingest(_store(tmp_path, name), [path], fast_threshold=threshold)
        report = outcome.report
        unknown = [p for p in report.problems if p.code == "unknown-actor"]
        assert not outcome.refused and report.valid and not report.truncated
        assert len(unknown) == 3
        assert report.totals()["by_code"]["unknown-actor"] > 3  # the fresh store knows none of synth's actors
        assert outcome.counts["added"] == 60


def test_the_spool_bounds_duckdb_and_spills_beside_the_store(tmp_path):
    import duckdb

    db = _store(tmp_path, "s")
    with spool.Spool(db) as work:
        assert work.folder.parent == db.parent and work.folder.is_dir()
        con = duckdb.connect()
        work.limit(con)
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        temp = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
        con.close()
    assert limit != "" and Path(temp).parent == work.folder
    assert not work.folder.exists()


def test_a_killed_ingests_working_folder_is_removed_by_the_next(tmp_path, synth_files):
    import subprocess
    import sys

    _, jsonl = synth_files
    db = _store(tmp_path, "s")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan = db.parent / f".{db.name}.ingest-{gone.stdout.strip()}-abcd"  # as an ingest killed by kill -9 leaves it
    (orphan / "duckdb").mkdir(parents=True)
    (orphan / "stage_events-000001.parquet").write_bytes(b"PAR1")
    alive = db.parent / f".{db.name}.ingest-{os.getppid()}-efgh"  # a live process's (this one's parent)
    alive.mkdir()
    assert not load.ingest(db, [jsonl]).refused
    assert _leftovers(db) == [alive.name]
