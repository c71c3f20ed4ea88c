"""`cedar import gdelt FILE... --ingest` (or a folder of daily exports): every file read one at a time and all of
them stored as one submission; zipped daily exports read from inside; a bad file among many named, with the
store left as it was and nothing left beside it. Invented GDELT-2.0-layout days (benchmarks.fixtures), real
stores and child processes."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from benchmarks.fixtures import gdelt_daily
from cedar.ingest import store
from tests.test_ingest_fast_differential import _tables

ROWS = 40


def cedar(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cedar", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def days(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "daily"
    folder.mkdir()
    names = ["20240101000000.export.CSV.zip", "20240102000000.export.CSV", "20240103000000.export.CSV.zip"]
    return [gdelt_daily(folder / n, ROWS, day=d) for d, n in enumerate(names)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store" / "cedar.duckdb"
    path.parent.mkdir()
    store.init(path)
    return path


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_daily_files_go_in_as_one_submission(days, db):
    assert zipfile.is_zipfile(days[0])
    r = cedar("import", "gdelt", *map(str, days), "--ingest", "--db", str(db), "--format", "json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    summary = report["import"]
    assert summary["rows_read"] == 3 * ROWS
    assert [f["rows_read"] for f in summary["per_file"]] == [ROWS] * 3
    imported = summary["imported"]
    assert 0 < imported < 3 * ROWS  # the statements and consultations among them are refused
    assert _count(db, "SELECT count(*) FROM event_current") == imported
    assert _count(db, "SELECT count(*) FROM submissions") == 1
    # the store's rows name the daily files and their own rows, not the working files
    files = {e["file"] for e in summary["store"]["events"]}
    assert files == {str(p) for p in days}
    assert not [p for p in db.parent.iterdir() if ".ingest-" in p.name]


def test_a_folder_stands_for_its_daily_files(days, db):
    r = cedar("import", "gdelt", str(days[0].parent), "--ingest", "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "3 files, 120 rows read" in r.stdout
    assert _count(db, "SELECT count(DISTINCT external_ids[1][7:11]) FROM event_current") == 3  # 9000, 9001, 9002...


def test_a_bad_file_among_many_is_named_and_nothing_is_written(days, db, tmp_path):
    before = _tables(db)
    bad = days[0].parent / "20240104000000.export.CSV"
    bad.write_text("\t".join(["x"] * 57) + "\n", encoding="utf-8")  # GDELT 1.0's layout
    r = cedar("import", "gdelt", *map(str, days), str(bad), "--ingest", "--db", str(db))
    assert r.returncode == 1
    assert str(bad) in r.stderr and "57" in r.stderr
    assert _tables(db) == before
    broken = days[0].parent / "20240105000000.export.CSV"
    broken.write_bytes(days[1].read_bytes() + b"\xff\xfe not text\n")  # fails only past its first rows
    r = cedar("import", "gdelt", *map(str, days), str(broken), "--ingest", "--db", str(db))
    assert r.returncode == 1
    assert str(broken) in r.stderr
    assert _tables(db) == before
    assert not [p for p in db.parent.iterdir() if ".ingest-" in p.name]


def test_several_files_need_ingest(days, tmp_path):
    r = cedar("import", "gdelt", *map(str, days), "--out", str(tmp_path / "x.jsonl"))
    assert r.returncode == 2
    assert "--ingest" in r.stderr
