"""The shape of `cedar check --format json`: what a contributor's CI reads, key by key."""

from __future__ import annotations

import json

from conftest import run_cedar

REPORT_KEYS = {"format": str, "check": str, "valid": bool, "files": list, "rows_checked": int, "error_count": int,
               "warning_count": int, "truncated": bool, "partial": bool, "totals": dict, "problems": list}
TOTALS_KEYS = {"errors": int, "warnings": int, "by_code": dict, "by_column": dict}
PROBLEM_KEYS = {"code": str, "severity": str, "file": str, "row": (int, type(None)), "line": (int, type(None)),
                "field": (str, type(None)), "value": object, "message": str}


def _report(*args: str) -> tuple[int, dict]:
    proc = run_cedar("check", "--format", "json", *args)
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _assert_shape(report: dict) -> None:
    assert set(report) == set(REPORT_KEYS)
    for key, kind in REPORT_KEYS.items():
        assert isinstance(report[key], kind), (key, report[key])
    assert report["format"] == "cedar-report/1" and report["check"] == "submission"
    assert all(isinstance(f, str) for f in report["files"])
    assert report["error_count"] == sum(p["severity"] == "error" for p in report["problems"])
    assert report["warning_count"] == sum(p["severity"] == "warning" for p in report["problems"])
    totals = report["totals"]
    assert set(totals) == set(TOTALS_KEYS) and all(isinstance(totals[k], t) for k, t in TOTALS_KEYS.items())
    if not report["partial"]:  # nothing left out: the totals are the list's
        assert (totals["errors"], totals["warnings"]) == (report["error_count"], report["warning_count"])
        assert sum(totals["by_code"].values()) == len(report["problems"])
    for p in report["problems"]:
        assert list(p) == list(PROBLEM_KEYS)  # the order is part of the shape: people read it too
        for key, kind in PROBLEM_KEYS.items():
            assert isinstance(p[key], kind), (key, p[key])
        assert p["severity"] in ("error", "warning")
        assert p["message"].strip()


def test_report_of_a_valid_file(seed_dir):
    path = seed_dir / "karabakh-2023-09-19.json"
    code, report = _report(str(path))
    assert code == 0
    _assert_shape(report)
    assert report["valid"] is True and report["problems"] == [] and report["error_count"] == 0
    assert report["files"] == [str(path)] and report["rows_checked"] == 6 and report["truncated"] is False
    assert report["partial"] is False
    assert report["totals"] == {"errors": 0, "warnings": 0, "by_code": {}, "by_column": {}}


def test_report_of_an_invalid_file(seed_dir):
    path = seed_dir / "karabakh-2023-09-19.json"
    events = json.loads(path.read_text(encoding="utf-8"))
    events[1]["latitude"] = 123
    events[3]["event_date"] = "2099-01-01"
    events[4]["iso3"] = "ZZZ"
    bad = seed_dir / "bad.json"
    bad.write_text(json.dumps(events), encoding="utf-8")
    code, report = _report(str(bad))
    assert code == 1
    _assert_shape(report)
    assert report["valid"] is False and report["error_count"] == 3 and report["rows_checked"] == 6
    by_code = {p["code"]: p for p in report["problems"]}
    assert set(by_code) == {"out-of-range", "date-in-future", "unknown-country"}
    latitude = by_code["out-of-range"]
    assert (latitude["file"], latitude["row"], latitude["field"], latitude["value"]) == (str(bad), 2, "latitude", 123)
    assert by_code["date-in-future"]["value"] == "2099-01-01"  # dates as ISO text


def test_report_of_an_unreadable_file_has_the_same_shape(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"event_date\n\xff\xfe\n")
    code, report = _report(str(path))
    assert code == 2
    _assert_shape(report)
    assert [p["code"] for p in report["problems"]] == ["missing-columns", "not-utf8"]
    assert report["problems"][1]["row"] == 2


def test_text_report_names_code_place_and_fix_once(seed_dir):
    path = seed_dir / "karabakh-2023-09-19.json"
    events = json.loads(path.read_text(encoding="utf-8"))
    events[1]["latitude"] = 123
    events[0].update(actor2="Civilians (Azerbaijan)", inter2=7)  # a value the message does not quote is shown
    bad = seed_dir / "bad.json"
    bad.write_text(json.dumps(events), encoding="utf-8")
    proc = run_cedar("check", str(bad))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert f"ERROR   out-of-range: {bad}, row 2 (line 1), column latitude" in lines
    assert "        123 in latitude is out of range: it must be at most 90." in lines
    assert f"ERROR   battle-needs-two-armed-actors: {bad}, row 1, column inter2 [value: 7]" in lines
    assert lines[-1] == "INVALID: 2 errors, 0 warnings in 6 rows of 1 file"


def test_text_report_counts_the_warnings_of_a_code_beyond_its_first_hundred():
    from cedar.validate.render import WARNINGS_SHOWN_PER_CODE, render_text
    from cedar.validate.report import Problem, Report

    report = Report(check="submission")
    report.rows_checked = 300
    for row in range(2, 302):
        report.add(Problem("unknown-actor", f"'Actor {row}' is not in the actor registry.", "warning",
                           file="a.csv", row=row, field="actor1", value=f"Actor {row}"))
    report.add(Problem("bad-format", "The date is not YYYY-MM-DD.", "error", file="a.csv", row=301, field="event_date"))
    text = render_text(report)
    assert text.count("WARNING unknown-actor: a.csv") == WARNINGS_SHOWN_PER_CODE
    assert "'Actor 101'" in text and "'Actor 102'" not in text
    shown = WARNINGS_SHOWN_PER_CODE
    assert f"WARNING unknown-actor: {300 - shown} more like the {shown} above" in text
    assert "ERROR   bad-format: a.csv, row 301, column event_date" in text  # errors are never held back
    assert text.splitlines()[-1] == "INVALID: 1 error, 300 warnings in 300 rows of 0 files"


def test_error_count_follows_the_list_as_it_grows_or_is_replaced():
    from cedar.validate.report import Problem, Report

    report = Report(check="submission", max_errors=3)
    for _ in range(5):
        report.add(Problem("bad-format", "m", "error"))
    assert (report.error_count, report.truncated, len(report.problems)) == (3, True, 3)
    report.problems.append(Problem("unknown-actor", "m", "warning"))
    assert report.error_count == 3 and report.full
    report.problems = [Problem("bad-format", "m", "error")]  # as store_sync puts a fixed list in its place
    assert report.error_count == 1 and not report.full
    report.problems.pop()
    assert report.error_count == 0 and report.to_dict()["error_count"] == 0


def test_problems_past_max_errors_are_counted_not_kept():
    from cedar.validate.report import Problem, Report

    report = Report(check="submission", max_errors=2)
    for row in range(2, 10_002):
        report.add(Problem("out-of-range", "m", "error", file="a.csv", row=row, field="latitude"))
        report.add(Problem("place-filled", "m", "warning", file="a.csv", row=row, field="assoc_actor_1[2]"))
    report.count("error", "bad-format", "sources[0].name", 5)
    assert len(report.problems) == 3 and report.error_count == 2  # error, warning, error: then the list is full
    assert report.truncated and not report.valid
    assert report.totals() == {"errors": 10_005, "warnings": 10_000,
                               "by_code": {"bad-format": 5, "out-of-range": 10_000, "place-filled": 10_000},
                               "by_column": {"assoc_actor_1": 10_000, "latitude": 10_000, "sources.name": 5}}
    shown = report.to_dict()
    assert shown["partial"] is True and shown["error_count"] == 2 and shown["totals"]["errors"] == 10_005


def test_text_report_of_a_cut_short_check_says_what_it_left_out():
    from cedar.validate.render import render_text
    from cedar.validate.report import Problem, Report

    report = Report(check="submission", max_errors=5)
    report.files, report.rows_checked = ["a.csv"], 2000
    for row in range(2, 1002):
        report.add(Problem("bad-format", "m", "error", file="a.csv", row=row, field="event_date"))
    lines = render_text(report).splitlines()
    assert lines[-2] == "INVALID: 1000 errors, 0 warnings in 2000 rows of 1 file"
    assert lines[-1] == ("Listed the first 5 of 1,000 errors (--max-errors 5); the counts above are for the "
                         "whole file.")
    report.count("warning", "unknown-actor", "actor1", 40)
    report.files.append("b.csv")
    assert render_text(report).splitlines()[-1] == (
        "Listed the first 5 of 1,000 errors and 0 of 40 warnings (--max-errors 5); the counts above are for "
        "all 2 files.")
