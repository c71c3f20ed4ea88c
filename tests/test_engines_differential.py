"""The two engines of the row rules agree: per-row Pydantic (cedar.validate.rows) and vectorised
SQL in DuckDB (cedar.validate.sql_engine) report the same set of (row, column, code) on
hypothesis-generated rows with planted faults, refs and event_ids used twice among them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cedar.ingest import synth
from cedar.schema import rules_sql, vocab
from cedar.schema.rules import RULES
from cedar.validate import engine, sql_engine
from cedar.validate.check import check_files
from cedar.validate.record_scan import record_starts

TODAY = dt.date(2025, 6, 30)
_BASE = [{"event_id": "", **r} for r, _ in synth.rows(60, seed=3, today=TODAY)]
COLUMNS = ("event_id", *synth.COLUMNS)  # event_id too: a submission may name an event once

# Values that break, or nearly break, a rule: vocabulary neighbours, bad numbers and dates, blanks.
_TEXTS = st.sampled_from(["", " ", "  x ", "Battles", "battles", "Riots", "Peaceful protest", "Armed clash",
                          "Attack", "Agreement", "civilians", "none", "unknown", "span", "day", "week",
                          "verified", "disputed", "unverified", "independent-sources", "actor-acknowledgement",
                          "AZE", "aze", "XYZ", "Azerbaijan", "France", "FRA", "Atlantis", "Political violence",
                          "Demonstrations", "a; b", ";", "Reuters", "Reuters; AFP", "Reuters; Reuters",
                          'quoted "text", with comma', "line\nbreak", "Ünïcödé"])
_NUMBERS = st.one_of(st.integers(-20, 400).map(str), st.floats(-300, 300, allow_nan=False).map(repr),
                     st.sampled_from(["", " 5 ", "3.0", "3.5", "1e2", "abc", "12,5", "-0", "+7", "nan", "inf",
                                      "0", "1", "6", "7", "8", "9", "10", "20", "60", "18", "88", "89",
                                      # beyond the model's bounds, beyond 64 bits, beyond a double, too long
                                      "10000000", "10000001", "1" + "0" * 30, "-" + "9" * 25 + ".00", "9" * 400,
                                      "9" * 4300, "9" * 4301]))
_DATES = st.one_of(st.dates(dt.date(1990, 1, 1), dt.date(2027, 12, 31)).map(dt.date.isoformat),
                   st.sampled_from(["", "2023-02-30", "19/09/2023", "20230919", "2023-9-1", " 2023-09-19 ",
                                    "yesterday", "0000-01-01"]))
_COLUMN_VALUES = {
    **{c: _TEXTS for c in synth.COLUMNS},
    **{c: _NUMBERS for c in ("interaction", "inter1", "inter2", "latitude", "longitude", "fatalities",
                             "fatalities_low", "fatalities_high")},
    "event_date": _DATES, "event_date_end": _DATES,
    "event_type": st.sampled_from(["", *vocab.EVENT_TYPES, "Battle"]),
    "sub_event_type": st.sampled_from(["", *vocab.ALL_SUB_EVENT_TYPES[::2], "Armed Clash"]),
    # values used twice: a ref of another base row, the same id in two rows, blanks (never a repeat)
    "ref": st.sampled_from(["", " ", "s1", "s2", "s3", " s1", "x"]),
    "event_id": st.sampled_from(["", " ", "CDR-AZE-1", "CDR-AZE-2", "aze1", "AZE1 "]),
}
# A bare place name: both coordinates emptied and location set (the row's own town, an alternate name,
# a town of another country, an admin1, a name no gazetteer knows, or nothing).
_BARE_NAMES = ["=own", "", "Stepanakert", "Khankendi", "Xankəndi", "Baku", "Paris", "Buenos Aires", "Córdoba",
               "Springfield", "Nowhere Town", "Bandundu Province", "Flanders", "  Baku "]
_BARE = st.tuples(st.just(_BARE_EDIT := "bare place name"), st.sampled_from(_BARE_NAMES))
_EDIT = st.one_of(st.sampled_from(COLUMNS).flatmap(lambda c: st.tuples(st.just(c), _COLUMN_VALUES[c])), _BARE)
_ROW = st.tuples(st.integers(0, len(_BASE) - 1), st.lists(_EDIT, max_size=4))


def _codes_with_forms() -> set[str]:
    return {c for c, r in RULES.items() if r.check is None or c in rules_sql.SQL_RULES or c in rules_sql.PER_DISTINCT}


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r.get(c, "") for c in COLUMNS])


def _check_rows(path: Path):
    from cedar.schema.rules import Context
    from cedar.validate.readers import read
    from cedar.validate.repeats import Repeats
    from cedar.validate.report import Problem, Report
    from cedar.validate.rows import validate_record

    report = Report(check="row")
    ctx = Context(today=TODAY)
    repeats = Repeats()
    repeats.start(str(path))
    for item in read(path):
        if isinstance(item, Problem):
            report.add(item)
            continue
        where = {"file": str(path), "row": item.row, "line": item.line}
        report.extend(validate_record(item.data, ctx, where, item.cell_problems, item.absent, build=False)[1])
        report.extend(repeats.see(item.row, item.line, item.data, ctx.row_key))
    return report


def _sql_engine(path: Path) -> set[tuple[int, str, str]] | None:
    found = sql_engine.findings(path, TODAY)
    if found is None:
        return None
    starts, lines = record_starts(path)
    return {(int(lines[i]), field, code) for i, code, field in found[1]}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ROW, min_size=1, max_size=6))
def test_same_findings(tmp_path: Path, spec: list) -> None:
    rows = []
    for base, edits in spec:
        r = dict(_BASE[base])
        for column, value in edits:
            if column == _BARE_EDIT:
                r["latitude"] = r["longitude"] = ""
                r["location"] = r["location"] if value == "=own" else value
            else:
                r[column] = value
        rows.append(r)
    path = tmp_path / "h.csv"
    _write(path, rows)
    sql = _sql_engine(path)
    assert sql is not None, "DuckDB refused a well-formed CSV"
    assert sql == _row_engine_set(path)


def _row_engine_set(path: Path) -> set[tuple[int, str, str]]:
    codes = _codes_with_forms()
    return {(p.row, p.field, p.code) for p in _check_rows(path).problems if p.code in codes}


def test_planted_faults_agree(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(synth.COLUMNS)
        for i, (r, _) in enumerate(synth.rows(1500, seed=9, faults=0.3, today=TODAY), start=1):
            if i % 97 == 0:
                r["ref"] = f"s{i - 50}"  # the ref of an earlier row
            w.writerow([r[c] for c in synth.COLUMNS])
    sql = _sql_engine(path)
    row = _row_engine_set(path)
    assert len(row) > 300
    assert sum(1 for _, _, code in row if code == "duplicate-ref") == 1500 // 97
    assert sql == row


def test_bare_place_names_agree(tmp_path: Path) -> None:
    """Rows without coordinates: the row engine fills them from the place name (or finds none); the SQL
    engine must report the same, not a missing latitude and longitude."""
    rows = []
    for i, (r, _) in enumerate(synth.rows(400, seed=21, today=TODAY)):
        if i % 3 == 0:
            r["latitude"] = r["longitude"] = ""
            r["location"] = _BARE_NAMES[(i // 3) % len(_BARE_NAMES)].replace("=own", r["location"])
            r["geo_precision"] = "" if i % 2 else r["geo_precision"]
            r["admin1"] = "" if i % 5 == 0 else r["admin1"]
        rows.append(r)
    path = tmp_path / "bare.csv"
    _write(path, rows)
    sql, row = _sql_engine(path), _row_engine_set(path)
    assert sql == row
    codes = {c for _, _, c in row}
    assert {"place-filled", "place-not-found"} <= codes
    assert not any(f in ("latitude", "longitude") and c == "missing-value" for _, f, c in row)


def test_lines_of_records_with_quoted_newlines(tmp_path: Path) -> None:
    rows = [dict(_BASE[i]) for i in range(4)]
    rows[0]["notes"] = "first line\nsecond line\n\nfourth"
    rows[1]["event_date"] = "not a date"
    rows[2]["notes"] = 'a "quoted"\nword'
    rows[3]["iso3"] = "XYZ"
    path = tmp_path / "q.csv"
    _write(path, rows)
    sql = _sql_engine(path)
    assert sql == _row_engine_set(path)
    assert {(r, c) for r, _, c in sql} == {(6, "not-a-date"), (9, "unknown-country")}


def test_every_rule_has_a_sql_form_or_a_reason() -> None:
    for code, forms in rules_sql.SQL_RULES.items():
        assert code in RULES, f"SQL form for an undeclared rule {code}"
        assert forms or code in rules_sql.NO_SQL_FORM, code
    # an error rule with neither form makes the engine refuse every file: the row engine then checks it
    if sql_engine.missing_forms():
        assert not sql_engine.accepts(Path(__file__))


def test_cedar_check_chooses_an_engine_that_agrees(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    _write(path, [r for r, _ in synth.rows(400, seed=5, faults=0.1)])
    auto = engine.check_files([path], threshold=0).report  # as if the file were large
    row = check_files([path]).report
    assert auto.rows_checked == row.rows_checked == 400
    codes = _codes_with_forms()
    assert {(p.row, p.field, p.code, p.message) for p in auto.problems if p.code in codes} == \
        {(p.row, p.field, p.code, p.message) for p in row.problems if p.code in codes}


@pytest.mark.parametrize("max_errors", [None, 1, 7, 60])
def test_both_engines_count_every_problem_past_max_errors(tmp_path: Path, max_errors: int | None) -> None:
    """--max-errors bounds the list, not the reading: both engines read the whole file and give the same
    totals, by code and by column; they list the same rows, up to the one whose error fills the list."""
    rows = [r for r, _ in synth.rows(600, seed=13, faults=0.2)]
    rows[550]["ref"] = rows[20]["ref"]  # a value used again far past the cap
    path = tmp_path / "faults.csv"
    _write(path, rows)
    sql = engine.check_files([path], threshold=0, max_errors=max_errors).report
    row = check_files([path], max_errors=max_errors).report
    assert sql.extra.get("engine") == "sql"
    assert sql.rows_checked == row.rows_checked == 600
    totals = sql.totals()
    assert totals == row.totals() and totals["by_code"]["duplicate-ref"] == 1
    assert totals["errors"] > 80 and sum(totals["by_code"].values()) == totals["errors"] + totals["warnings"]
    assert {p.row for p in sql.problems} == {p.row for p in row.problems}
    if max_errors is None:
        assert not sql.truncated and not row.truncated and sql.error_count == totals["errors"]
    else:
        assert sql.truncated and row.truncated and sql.error_count == row.error_count == max_errors
        assert sql.to_dict()["partial"] is True and sql.to_dict()["totals"] == totals


def test_target_kind_empty_or_absent_is_unknown_in_both_engines(tmp_path: Path) -> None:
    """An empty target_kind cell, and a file without the column, take the default 'unknown' in both."""
    rows = [dict(r, target_kind=k) for r, k in zip(_BASE[:8], ["", " ", "civilians", "", "none", "", "", ""])]
    with_column, without = tmp_path / "with.csv", tmp_path / "without.csv"
    _write(with_column, rows)
    columns = [c for c in COLUMNS if c != "target_kind"]
    with without.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns])
    for path in (with_column, without):
        found = _sql_engine(path)
        assert found == _row_engine_set(path)
        assert not any(code == "not-in-vocabulary" for _, field, code in found if field == "target_kind"), found
    auto = engine.check_files([without], threshold=0).report
    assert auto.extra.get("engine") == "sql"
    assert {(p.row, p.code, p.message) for p in auto.problems} == {(p.row, p.code, p.message)
                                                                  for p in check_files([without]).report.problems}


def test_refs_and_ids_used_twice_across_files_agree(tmp_path: Path) -> None:
    """Both engines report a value used again in a later file, naming the row and file of its first use."""
    first, second = [dict(r) for r in _BASE[:5]], [dict(r) for r in _BASE[5:10]]
    first[1]["event_id"] = first[3]["event_id"] = "CDR-AZE-7"  # twice in one file
    second[0]["ref"] = first[2]["ref"]  # again in the next file
    second[4]["event_id"] = "CDR-AZE-7"
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _write(a, first)
    _write(b, second)
    auto = engine.check_files([a, b], threshold=0).report
    assert auto.extra.get("engine") == "sql"
    row = check_files([a, b]).report
    twice = {"duplicate-ref", "duplicate-event-id"}
    found = {(p.file, p.row, p.field, p.code, p.message) for p in auto.problems if p.code in twice}
    assert found == {(p.file, p.row, p.field, p.code, p.message) for p in row.problems if p.code in twice}
    assert {(f, r, c) for f, r, _, c, _ in found} == {(str(a), 5, "duplicate-event-id"),
                                                      (str(b), 2, "duplicate-ref"), (str(b), 6, "duplicate-event-id")}
    [ref] = [p for p in auto.problems if p.code == "duplicate-ref"]
    assert f"row 4 of {a}" in ref.message, ref.message


def test_findings_of_a_file_large_enough_to_be_read_in_parallel_name_their_own_rows(tmp_path: Path) -> None:
    # DuckDB's joins reorder the rows of a file of many row groups: a finding must still name its own row
    rows = [r for r, _ in synth.rows(40_000, seed=11, faults=0.01, today=TODAY)]
    rows[39_000]["ref"] = rows[100]["ref"]  # a value used again far down the file
    path = tmp_path / "large.csv"
    _write(path, rows)
    sql = _sql_engine(path)
    row = _row_engine_set(path)
    assert len(row) > 300 and (39_002, "ref", "duplicate-ref") in row
    assert sql == row
