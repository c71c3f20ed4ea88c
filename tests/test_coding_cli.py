"""`cedar code` on the command line: the submission it writes passes `cedar check` beside its report, the
review page is one self-contained file with every text escaped, and wrong calls exit 2 with no traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import DATA, run_cedar

REPORT = DATA / "coding" / "01-burkina-faso-djibo.txt"


def test_code_writes_a_submission_that_cedar_check_accepts(tmp_path: Path) -> None:
    report = tmp_path / "reports" / REPORT.name
    report.parent.mkdir()
    shutil.copy(REPORT, report)
    out = tmp_path / "djibo.json"
    r = run_cedar("code", str(report), "--out", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["events"] == 3 and summary["check_errors"] == [] and summary["unfilled"] == []
    events = json.loads(out.read_text(encoding="utf-8"))
    assert events[0]["sources"][0]["document"] == "reports/01-burkina-faso-djibo.txt"  # from the submission
    assert events[0]["sources"][0]["name"] == "Sahel Wire Service"  # read from the dateline
    checked = run_cedar("check", str(out))
    assert checked.returncode == 0, checked.stdout
    # a submission outside the report's folder cannot reach it: `cedar check` reads documents inside its folder
    elsewhere = tmp_path / "reports" / "sub" / "djibo.json"
    elsewhere.parent.mkdir()
    r = run_cedar("code", str(report), "--out", str(elsewhere))
    assert r.returncode == 0 and "copy 01-burkina-faso-djibo.txt beside djibo.json" in r.stdout


def test_review_page_is_self_contained_and_escapes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("Published: 2026-04-21\nERBIL (Two Rivers Post) - Turkish artillery shelled farmland near "
                      "Amadiya on Sunday, a local official said. <script>alert(1)</script> & more.\n",
                      encoding="utf-8")
    r = run_cedar("code", str(report), "--review")
    assert r.returncode == 0, r.stderr
    page = (tmp_path / "report.review.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more." in page
    assert "http://" not in page and "https://" not in page and "<link" not in page  # nothing fetched
    assert '<mark style="background:' in page and "Shelling/artillery/missile attack in Amadiya" in page


def test_code_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    report = tmp_path / REPORT.name
    shutil.copy(REPORT, report)
    out = tmp_path / "out.json"
    out.write_text("keep", encoding="utf-8")
    r = run_cedar("code", str(report), "--out", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr and out.read_text() == "keep"
    assert run_cedar("code", str(report), "--out", str(out), "--force").returncode == 0


def test_wrong_calls_exit_2_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Published: 2026-01-02\nCaf\xe9 attack on Monday.".encode("latin-1"))
    undated = tmp_path / "undated.txt"
    undated.write_text("Gunmen attacked a post on Tuesday.", encoding="utf-8")
    for args in (["code", str(REPORT), "--published", "12/03/2026", "--out", str(tmp_path / "a.json")],
                 ["code", str(bad)], ["code", str(undated)], ["code", str(tmp_path / "missing.txt")]):
        r = run_cedar(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr and r.stderr.strip(), args
