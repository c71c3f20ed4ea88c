"""`cedar check` as a user runs it: planted faults reported with row and column, exit codes, no traceback."""

from __future__ import annotations

import json

import pytest
from conftest import run_cedar


def _plant(seed_dir, index: int, **changes) -> str:
    path = seed_dir / "karabakh-2023-09-19.json"
    events = json.loads(path.read_text(encoding="utf-8"))
    events[index].update(changes)
    bad = seed_dir / "bad.json"
    bad.write_text(json.dumps(events, ensure_ascii=False, indent=1), encoding="utf-8")
    return str(bad)


def test_check_passes_the_bundled_sample(seed_dir):
    proc = run_cedar("check", str(seed_dir / "karabakh-2023-09-19.json"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "valid: 0 errors" in proc.stdout


@pytest.mark.parametrize("index, changes, code, field", [
    (0, {"sub_event_type": "Peaceful protest"}, "sub-event-not-in-type", "sub_event_type"),
    (1, {"latitude": 123}, "out-of-range", "latitude"),
    (3, {"event_date": "2099-01-01"}, "date-in-future", "event_date"),
    (3, {"fatalities": -3}, "out-of-range", "fatalities"),
    (4, {"iso3": "ZZZ"}, "unknown-country", "iso3"),
    (5, {"verification_status": "confirmed"}, "not-in-vocabulary", "verification_status"),
])
def test_check_reports_planted_fault_with_row_and_column(seed_dir, index, changes, code, field):
    proc = run_cedar("check", "--format", "json", _plant(seed_dir, index, **changes))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    found = {(p["code"], p["row"], p["field"]) for p in report["problems"]}
    assert (code, index + 1, field) in found


def test_check_of_missing_file_is_a_wrong_call_without_traceback(tmp_path):
    proc = run_cedar("check", str(tmp_path / "nope.csv"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "nope.csv" in proc.stdout


def _csv_submission(folder) -> tuple:
    """A CSV submission with three planted faults: a formula-like text, a negative number, an unknown country."""
    import csv

    from cedar.ingest import synth

    rows = [r for r, _ in synth.rows(30, seed=4)]
    rows[3]["event_type"] = "=1+1"  # text that a spreadsheet would run: neutralised in the report
    rows[7]["latitude"] = "-123"  # a number: written as it is
    rows[12]["iso3"] = "ZZZ"
    path = folder / "events.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(synth.COLUMNS)
        w.writerows([r[c] for c in synth.COLUMNS] for r in rows)
    return path


def _cedar_bytes(*args: str):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "cedar", *args], capture_output=True, timeout=120)


def test_csv_report_joins_back_to_the_submission_by_row(tmp_path):
    import duckdb

    path = _csv_submission(tmp_path)
    proc = _cedar_bytes("check", str(path), "--format", "csv")
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr
    out = tmp_path / "problems.csv"
    out.write_bytes(proc.stdout)
    lines = proc.stdout.split(b"\r\n")
    assert lines[0] == b"file,row,line,field,code,severity,value,message" and lines[-1] == b""
    assert b"\n" not in b"".join(lines)  # every line ends with CRLF (RFC 4180)
    con = duckdb.connect()
    joined = con.execute("""
        WITH submission AS (SELECT row_number() OVER () + 1 AS row, *
                            FROM read_csv(?, header = true, all_varchar = true)),
             problems AS (SELECT * FROM read_csv(?, header = true, all_varchar = true))
        SELECT p.row, p.field, p.code, p.value, s.event_type, s.latitude, s.iso3, p.file
        FROM problems p JOIN submission s ON s.row = CAST(p.row AS INTEGER) ORDER BY CAST(p.row AS INTEGER), p.code
    """, [str(path), str(out)]).fetchall()
    assert len(joined) == con.execute("SELECT count(*) FROM read_csv(?, header = true)", [str(out)]).fetchone()[0]
    found = {(row, field, code): rest for row, field, code, *rest in joined}
    assert found[("5", "event_type", "not-in-vocabulary")][:2] == ["'=1+1", "=1+1"]
    assert found[("9", "latitude", "out-of-range")][0] == "-123.0"
    assert found[("9", "latitude", "out-of-range")][2] == "-123"
    assert found[("14", "iso3", "unknown-country")][0] == "ZZZ"
    assert all(rest[-1] == str(path) for rest in found.values())


def test_csv_report_cut_short_says_so_on_stderr(tmp_path):
    path = _csv_submission(tmp_path)
    whole = _cedar_bytes("check", str(path), "--format", "csv").stdout.split(b"\r\n")
    proc = _cedar_bytes("check", str(path), "--format", "csv", "--max-errors", "1")
    assert proc.returncode == 1
    listed = proc.stdout.split(b"\r\n")
    assert listed[:2] == whole[:2] and len(listed) == 3  # header, the first problem, the end
    errors = sum(b",error," in line for line in whole)
    assert proc.stderr.decode().splitlines()[-1] == (
        f"Listed the first 1 of {errors} errors (--max-errors 1); the others were counted, not listed.")


def test_text_report_shows_escape_sequences_in_values_escaped(seed_dir):
    """A value with an escape sequence, a bell and a direction override is quoted in the text report
    as \\x1b, \\x07 and \\u202e: the terminal shows it and does not obey it."""
    proc = run_cedar("check", _plant(seed_dir, 0, event_type="\x1b[2J\x1b]0;owned\x07Riots\u202e", actor1="\x9b31mX"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert not any(c in proc.stdout for c in "\x1b\x07\x9b\u202e")
    assert "\\x1b[2J\\x1b]0;owned\\x07Riots\\u202e" in proc.stdout
