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
