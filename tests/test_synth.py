"""cedar synth: realistic rows that pass cedar check, and planted faults that it catches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cedar.ingest import synth
from cedar.validate.check import check_files
from tests.conftest import run_cedar


def test_clean_rows_pass_check(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    assert synth.write(path, 2000, seed=7) == {}
    result = check_files([path])
    assert result.report.rows_checked == 2000
    assert result.report.valid, result.report.problems[:5]
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert len({r["event_type"] for r in rows}) == 6
    assert len({r["iso3"] for r in rows}) > 20
    assert any(r["admin1"] for r in rows)
    assert {r["verification_status"] for r in rows} >= {"verified", "unverified", "disputed"}


def test_each_planted_fault_is_caught_on_its_row(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    planted = synth.write(path, 3000, seed=11, faults=0.2)
    assert set(planted) == set(synth.FAULTS)  # every kind planted at least once at this size
    faulted = {}
    for i, (_, fault) in enumerate(synth.rows(3000, seed=11, faults=0.2, today=None), start=2):
        if fault:
            faulted[i] = fault  # one line per record: the row is its line
    report = check_files([path]).report
    found: dict[int, set[str]] = {}
    for p in report.errors:
        found.setdefault(p.row, set()).add(p.code)
    assert set(found) == set(faulted)
    for row, fault in faulted.items():
        assert fault in found[row], (row, fault, found[row])


def test_same_seed_same_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    synth.write(a, 300, seed=5, faults=0.05)
    synth.write(b, 300, seed=5, faults=0.05)
    assert a.read_bytes() == b.read_bytes()


def test_command(tmp_path: Path) -> None:
    out = tmp_path / "c.csv"
    proc = run_cedar("synth", "200", "--seed", "2", "--faults", "0.1", "--out", str(out), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    assert info["rows"] == 200 and sum(info["faults_planted"].values()) > 0
    assert run_cedar("check", str(out)).returncode == 1


def test_template_is_a_header_and_an_example_that_passes_check(tmp_path: Path) -> None:
    out = tmp_path / "my-events.csv"
    proc = run_cedar("synth", "--template", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    with out.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == synth.template_columns() and "evidence" in header and "event_id" not in header
    assert len(rows) == 1 and rows[0][header.index("actor1")] == "Protesters (Kenya)"
    report = check_files([out]).report
    assert report.valid and report.problems == [], [p.message for p in report.problems]
    assert run_cedar("synth", "5", "--template").returncode == 2  # a count and a template: a wrong call
    assert run_cedar("synth").returncode == 2


def test_a_row_that_would_repeat_an_earlier_event_is_moved_a_day_earlier() -> None:
    # one event per place, day, actor pair and sub-event type: synth draws no possible-double-coding warning
    first, _ = next(synth.rows(1, seed=5))
    keys: set[int] = set()
    synth._one_event_per_key(first, keys)
    again = dict(first)
    synth._one_event_per_key(again, keys)
    day = synth.dt.date.fromisoformat(first["event_date"])
    assert again["event_date"] == (day - synth.dt.timedelta(days=1)).isoformat()
    assert again["event_date"] in again["notes"]
