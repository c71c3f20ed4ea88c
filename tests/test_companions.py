"""Companion tables (NAME.sources.csv, NAME.claims.csv) are never ignored or overridden without a
word: a misnamed one is reported with the name it needs, a row naming no event is an error, a
sources cell that contradicts the table is an error, a companion named on the command line is read
with its main file (or refused as a wrong call), and a companion's own errors are reported at its
own file and line. Both check engines report the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cedar
from test_readers import check, found, write_seed_csv

from cedar.validate import check as row_engine
from cedar.validate import engine


def _where(report: dict, code: str) -> list[tuple[str, int | None, str | None]]:
    return [(Path(p["file"]).name, p["line"], p["field"]) for p in found(report, code)]


@pytest.mark.parametrize("name", ["events-sources.csv", "events_sources.csv", "events sources.csv",
                                  "Events.Sources.csv", "events.source.csv", "events.soruces.csv"])
def test_a_misnamed_sources_table_is_reported_with_the_name_it_needs(tmp_path, name):
    path = write_seed_csv(tmp_path)
    (tmp_path / "events.sources.csv").rename(tmp_path / name)
    code, report = check(path)
    assert code == 1 and not report["valid"]
    [p] = found(report, "misnamed-companion")
    assert p["severity"] == "error" and p["value"] == name and Path(p["file"]).name == name
    assert "'events.sources.csv'" in p["message"], p["message"]


def test_a_misnamed_claims_table_beside_a_parquet_file(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from test_readers import flat_seed

    from cedar.schema import flat

    write_seed_csv(tmp_path).unlink()
    path = tmp_path / "events.parquet"
    pq.write_table(pa.Table.from_pylist(flat_seed()[0], schema=flat.arrow_schema()), path)
    (tmp_path / "events.claims.csv").rename(tmp_path / "events_claims.csv")
    code, report = check(path)
    assert code == 1
    assert _where(report, "misnamed-companion") == [("events_claims.csv", None, None)]


def test_a_stray_near_name_beside_the_real_table_is_a_warning(tmp_path):
    path = write_seed_csv(tmp_path)
    (tmp_path / "events-sources.csv").write_bytes((tmp_path / "events.sources.csv").read_bytes())
    code, report = check(path)
    assert code == 0 and report["valid"]
    [p] = found(report, "misnamed-companion")
    assert p["severity"] == "warning"


def test_files_that_only_share_the_stem_are_not_companions(tmp_path):
    path = write_seed_csv(tmp_path)
    for name in ("events-2.csv", "events.jsonl", "events.scores.csv", "events-summary.txt"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    code, report = check(path)
    assert code == 0 and not found(report, "misnamed-companion"), report["problems"]


def test_a_claims_row_naming_no_event_is_an_error_at_its_own_line(tmp_path):
    path = write_seed_csv(tmp_path)
    claims = tmp_path / "events.claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    rest = lines[1][lines[1].index(","):]
    claims.write_text("".join(lines + ["karabakh-99" + rest, rest]), encoding="utf-8")
    code, report = check(path)
    assert code == 1
    orphans = found(report, "companion-row-without-event")
    last = len(lines) + 2
    assert [(Path(p["file"]).name, p["line"], p["field"], p["value"]) for p in orphans] == [
        ("events.claims.csv", last - 1, "event_ref", "karabakh-99"), ("events.claims.csv", last, "event_ref", None)]


def test_a_sources_row_naming_no_event_is_an_error(tmp_path):
    path = write_seed_csv(tmp_path)
    sources = tmp_path / "events.sources.csv"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text + "no-such-ref,Reuters,,,,,,\n", encoding="utf-8")
    code, report = check(path)
    assert code == 1
    assert _where(report, "companion-row-without-event") == [("events.sources.csv", text.count("\n") + 1,
                                                               "event_ref")]


def test_a_sources_cell_that_contradicts_the_table_is_an_error(tmp_path):
    def rename(rows):
        rows[1]["sources"] = ["Associated Press"]  # the table lists Reuters for this event

    path = write_seed_csv(tmp_path, edit=rename)
    code, report = check(path)
    assert code == 1
    [p] = found(report, "sources-contradict-companion")
    assert (Path(p["file"]).name, p["row"], p["field"]) == ("events.csv", 3, "sources")
    assert "Associated Press" in p["message"] and "Reuters" in p["message"]


def test_a_sources_cell_that_agrees_with_the_table_passes(tmp_path):
    def recase(rows):
        rows[1]["sources"] = [" reuters "]  # the same name, spaced and cased otherwise

    code, report = check(write_seed_csv(tmp_path, edit=recase))
    assert code == 0, report["problems"]


def test_errors_in_a_companion_table_are_reported_at_its_own_file_and_line(tmp_path):
    path = write_seed_csv(tmp_path)
    sources = tmp_path / "events.sources.csv"
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("international", "galactic")
    sources.write_text("".join(lines), encoding="utf-8")
    claims = tmp_path / "events.claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(",denies,", ",doubts,", 1)  # karabakh-1's third claim
    claims.write_text("".join(lines), encoding="utf-8")
    code, report = check(path)
    assert code == 1
    places = _where(report, "not-in-vocabulary")
    assert ("events.sources.csv", 3, "sources[0].scale") in places, report["problems"]
    assert ("events.claims.csv", 4, "claims[2].stance") in places, report["problems"]
    assert not [p for p in places if p[0] == "events.csv"]


def test_a_companion_named_beside_its_main_file_is_read_with_it(tmp_path):
    path = write_seed_csv(tmp_path)
    code, report = check(path, tmp_path / "events.sources.csv", tmp_path / "events.claims.csv")
    assert (code, report["valid"], report["rows_checked"]) == (0, True, 6), report["problems"]
    assert [Path(f).name for f in report["files"]] == ["events.csv"]


@pytest.mark.parametrize("name", ["events.sources.csv", "events.claims.csv"])
def test_a_companion_named_alone_is_a_wrong_call(tmp_path, name):
    write_seed_csv(tmp_path)
    proc = run_cedar("check", str(tmp_path / name))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "events.csv" in proc.stderr and "not a file of events" in proc.stderr, proc.stderr


def test_a_misnamed_companion_named_alone_is_a_wrong_call(tmp_path):
    write_seed_csv(tmp_path)
    (tmp_path / "events.sources.csv").rename(tmp_path / "events-sources.csv")
    proc = run_cedar("check", str(tmp_path / "events-sources.csv"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "companion table" in proc.stderr and "event_ref" in proc.stderr, proc.stderr


def test_a_misnamed_companion_named_with_its_main_file_is_reported_once(tmp_path):
    path = write_seed_csv(tmp_path)
    (tmp_path / "events.sources.csv").rename(tmp_path / "events-sources.csv")
    code, report = check(path, tmp_path / "events-sources.csv")
    assert code == 1 and report["rows_checked"] == 6
    assert _where(report, "misnamed-companion") == [("events-sources.csv", None, None)]
    assert not found(report, "missing-columns")  # not read as a file of events


def _misnamed_and_orphaned(tmp: Path) -> Path:
    path = write_seed_csv(tmp)
    (tmp / "events.sources.csv").rename(tmp / "events_sources.csv")
    claims = tmp / "events.claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8") + "ghost,occurrence,X,asserts,unverified,,\n",
                      encoding="utf-8")
    return path


def test_both_engines_report_companion_problems_alike(tmp_path):
    path = _misnamed_and_orphaned(tmp_path)

    def seen(report):
        return sorted((Path(p.file or "").name, p.line, p.code, p.field) for p in report.problems)

    by_rows = row_engine.check_files([path]).report
    chosen = engine.check_files([path], threshold=0).report
    assert seen(by_rows) == seen(chosen)
    assert {"misnamed-companion", "companion-row-without-event"} <= {p.code for p in chosen.problems}


def test_ingest_refuses_a_submission_with_a_misnamed_companion(tmp_path):
    from store_helpers import ingest, init

    db = tmp_path / "store.duckdb"
    init(db)
    path = _misnamed_and_orphaned(tmp_path)
    proc, report = ingest(db, str(path), str(tmp_path / "events.claims.csv"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert {"misnamed-companion", "companion-row-without-event"} <= {p["code"] for p in report["problems"]}


def test_a_missing_companion_named_on_the_command_line_is_a_missing_file(tmp_path):
    path = write_seed_csv(tmp_path)
    code, report = check(path, tmp_path / "other.sources.csv")
    assert code == 2 and [Path(p["file"]).name for p in found(report, "file-not-found")] == ["other.sources.csv"]
