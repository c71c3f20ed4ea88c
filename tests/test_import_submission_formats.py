"""`cedar import --out NAME.EXT` writes the submission format the ending names (JSON Lines, a JSON array,
a flat CSV or Parquet file with its companion tables), which `cedar check` and `cedar ingest` read back as
the same events; an ending that names no format is a wrong call."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ACLED, GED

from cedar.errors import UsageError
from cedar.ingest import load, store
from cedar.ingest.importers import import_file
from cedar.ingest.importers.common import write_submission
from cedar.ingest.imports import run_import
from cedar.validate.check import check_files


def events_of(path: Path) -> list[dict]:
    checked = check_files([path], keep_events=True)
    assert checked.report.valid, [p.message for p in checked.report.errors][:3]
    return [c.event.model_dump() for c in checked.events]


@pytest.mark.parametrize("name", ["ged.parquet", "ged.csv", "ged.json", "ged.ndjson"])
def test_each_ending_writes_its_format_and_reads_back_as_the_same_events(tmp_path, name):
    result = import_file("ucdp", GED)  # GED's events carry sources with dates and claims: both companions
    written = write_submission(result.events, tmp_path / "ged.jsonl")
    expected = events_of(written[0])
    written = write_submission(result.events, tmp_path / name)
    assert written[0] == tmp_path / name
    if name.endswith((".parquet", ".csv")):
        assert [p.name for p in written[1:]] == ["ged.sources.csv", "ged.claims.csv"]
    else:
        assert len(written) == 1
    if name.endswith(".parquet"):
        assert (tmp_path / name).read_bytes()[:4] == b"PAR1"
    assert events_of(tmp_path / name) == expected


def test_parquet_out_is_checked_and_ingested_from_the_command_line(tmp_path):
    out = tmp_path / "acled.parquet"
    run = subprocess.run([sys.executable, "-m", "cedar", "import", "acled", str(ACLED), "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "acled.sources.csv, acled.claims.csv beside it" in run.stdout
    assert out.read_bytes()[:4] == b"PAR1"  # not JSON Lines under a Parquet name
    checked = subprocess.run([sys.executable, "-m", "cedar", "check", str(out)], capture_output=True, text=True,
                             timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    db = tmp_path / "store.duckdb"
    store.init(db)
    outcome = load.ingest(db, [out])
    assert not outcome.refused and outcome.counts.get("added") == 36


def test_an_ending_that_names_no_format_is_a_wrong_call(tmp_path):
    with pytest.raises(UsageError, match=r"'\.txt' names no submission format"):
        run_import("acled", ACLED, db=tmp_path / "store.duckdb", out=tmp_path / "acled.txt")
    assert not (tmp_path / "acled.txt").exists()


def test_an_older_companion_beside_the_file_is_replaced(tmp_path):
    stale = tmp_path / "ged.claims.csv"
    stale.write_text("event_ref,aspect,claimant,stance,status\nucdp-ged:48528,fatalities,Someone,asserts,"
                     "unverified\n", encoding="utf-8")
    result = import_file("acled", ACLED)  # ACLED's events carry no claims
    write_submission(result.events, tmp_path / "ged.csv")
    assert stale.read_text(encoding="utf-8").splitlines()[1:] == []
