"""Reading submissions through the real command line: every awkward file a contributor may send
gives a clear message with its code, row (the line where the record starts) and column, the
right exit code, and no traceback.

The files are built here from the bundled seed: flattened with flat.to_flat and format_cell,
the way a contributor's spreadsheet export looks.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from conftest import run_cedar

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION
from cedar.schema import flat
from cedar.schema.model import Event

SEED: list[dict[str, Any]] = json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))
COLUMNS = list(flat.event_columns())
KINDS = flat.column_kinds()


def flat_seed() -> tuple[list[dict], list[dict], list[dict]]:
    """The seed's rows (typed values), source rows and claim rows, keyed by each event's ref."""
    rows, sources, claims = [], [], []
    for data in SEED:
        row, s, c = flat.to_flat(Event.model_validate(data), data["ref"])
        rows.append(row)
        sources += s
        claims += c
    return rows, sources, claims


def csv_text(columns: list[str], rows: list[dict], kinds: dict[str, str]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([flat.format_cell(kinds.get(c, flat.TEXT), row.get(c)) for c in columns])
    return out.getvalue()


def write_seed_csv(folder: Path, name: str = "events", *, edit: Callable[[list[dict]], None] | None = None,
                   columns: list[str] | None = None, lines: Callable[[list[str]], list[str]] | None = None,
                   encoding: str = "utf-8", companions: bool = True) -> Path:
    """The seed as NAME.csv with NAME.sources.csv and NAME.claims.csv and the source document
    beside it. `edit` changes the typed rows, `lines` the CSV text's lines (header first)."""
    rows, sources, claims = flat_seed()
    if edit:
        edit(rows)
    text = csv_text(columns or COLUMNS, rows, KINDS)
    if lines:
        text = "".join(lines(text.splitlines(keepends=True)))
    path = folder / f"{name}.csv"
    path.write_bytes(text.encode(encoding))
    if companions:
        for part, model, items in (("sources", flat.Source, sources), ("claims", flat.Claim, claims)):
            cols = [flat.EVENT_KEY, *model.model_fields]
            companion = csv_text(cols, items, flat.kinds_of(model))
            (folder / f"{name}.{part}.csv").write_bytes(companion.encode(encoding))
    (folder / SEED_DOCUMENT).write_text((SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8"), encoding="utf-8")
    return path


def check(*args: Any) -> tuple[int, dict]:
    proc = run_cedar("check", "--format", "json", *map(str, args))
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.stdout.strip(), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def found(report: dict, code: str) -> list[dict]:
    return [p for p in report["problems"] if p["code"] == code]


def set_row(index: int, **changes: Any) -> Callable[[list[dict]], None]:
    return lambda rows: rows[index].update(changes)


# --- the plain case, and encodings --------------------------------------------------------------

def test_seed_as_csv_with_companions_passes(tmp_path):
    code, report = check(write_seed_csv(tmp_path))
    assert (code, report["valid"], report["rows_checked"]) == (0, True, 6), report["problems"]


def test_utf8_byte_order_mark_passes(tmp_path):
    code, report = check(write_seed_csv(tmp_path, encoding="utf-8-sig"))
    assert code == 0, report["problems"]
    assert report["rows_checked"] == 6


def test_bytes_that_are_not_utf8_name_the_line_and_suggest_the_encoding(tmp_path):
    path = write_seed_csv(tmp_path, encoding="cp1252", companions=False)
    first_bad = next(i for i, line in enumerate(path.read_bytes().split(b"\n"), start=1) if max(line) > 127)
    code, report = check(path)
    assert code == 2
    [p] = report["problems"]
    assert p["code"] == "not-utf8" and p["file"] == str(path)
    assert (p["row"], p["line"]) == (first_bad, first_bad)
    assert f"Line {first_bad}" in p["message"] and "--encoding" in p["message"]


def test_a_companion_that_is_not_utf8_is_named(tmp_path):
    write_seed_csv(tmp_path, encoding="cp1252")
    code, report = check(tmp_path / "events.csv")
    assert code == 2
    [p] = report["problems"]
    assert p["code"] == "not-utf8" and p["file"].endswith(".csv") and p["row"] and "--encoding" in p["message"]


def test_the_same_file_passes_with_its_encoding_named(tmp_path):
    code, report = check(write_seed_csv(tmp_path, encoding="cp1252"), "--encoding", "cp1252")
    assert code == 0, report["problems"]
    assert report["rows_checked"] == 6


def test_a_wrong_encoding_names_the_line_of_the_bad_byte(tmp_path):
    path = write_seed_csv(tmp_path, encoding="cp1252", companions=False)
    first_bad = next(i for i, line in enumerate(path.read_bytes().split(b"\n"), start=1) if max(line) > 127)
    code, report = check(path, "--encoding", "ascii")
    assert code == 2
    [p] = report["problems"]
    assert (p["code"], p["row"]) == ("bad-encoding", first_bad)


def test_an_unknown_encoding_is_a_wrong_call(tmp_path):
    proc = run_cedar("check", str(write_seed_csv(tmp_path)), "--encoding", "klingon")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "klingon" in proc.stderr


# --- the header ---------------------------------------------------------------------------------

def test_missing_required_columns_are_one_error_naming_them_all(tmp_path):
    columns = [c for c in COLUMNS if c not in ("event_date", "iso3", "location")]
    code, report = check(write_seed_csv(tmp_path, columns=columns))
    assert code == 1
    [p] = found(report, "missing-columns")
    assert p["row"] == 1 and p["value"] == ["event_date", "iso3", "location"]
    assert all(name in p["message"] for name in ("event_date", "iso3", "location"))
    # the absent columns are not reported again on every row
    assert not [q for q in report["problems"] if q["code"] == "missing-value"
                and q["field"] in ("event_date", "iso3", "location")]


def test_unknown_columns_are_reported_with_the_closest_column(tmp_path):
    path = write_seed_csv(tmp_path, lines=lambda ls: [ls[0].rstrip("\n") + ",notez\n"] +
                          [line.rstrip("\n") + ",x\n" for line in ls[1:]])
    code, report = check(path)
    assert code == 1
    [p] = found(report, "unknown-column")
    assert (p["row"], p["field"]) == (1, "notez")
    assert "did you mean 'notes'?" in p["message"]


@pytest.mark.parametrize("separator, label", [(";", "';'"), ("\t", "tabs")])
def test_a_file_separated_by_semicolons_or_tabs_says_so(tmp_path, separator, label):
    # European spreadsheets save "CSV" with ';'
    path = tmp_path / "events.csv"
    rows, _, _ = flat_seed()
    out = io.StringIO()
    w = csv.writer(out, delimiter=separator, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows([flat.format_cell(KINDS[c], r[c]) for c in COLUMNS] for r in rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    code, report = check(path)
    assert code == 1
    [p] = report["problems"]  # one problem, not one a row
    assert p["code"] == "wrong-separator" and p["row"] == 1
    assert f"separated by {label}, not commas" in p["message"]


def test_a_duplicate_column_is_reported(tmp_path):
    path = write_seed_csv(tmp_path, lines=lambda ls: [ls[0].rstrip("\n") + ",notes\n"] +
                          [line.rstrip("\n") + ",x\n" for line in ls[1:]])
    code, report = check(path)
    assert code == 1
    [p] = found(report, "duplicate-column")
    assert p["field"] == "notes" and p["row"] == 1


def test_an_empty_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"")
    code, report = check(path)
    assert code == 1
    [p] = report["problems"]
    assert p["code"] == "empty-file" and "header" in p["message"]


def test_a_header_with_no_rows(tmp_path):
    code, report = check(write_seed_csv(tmp_path, lines=lambda ls: ls[:1]))
    assert code == 1
    [p] = report["problems"]
    assert (p["code"], p["row"]) == ("no-rows", 1)


# --- rows ---------------------------------------------------------------------------------------

def test_quoted_newlines_keep_the_row_numbers_after_them_right(tmp_path):
    def edit(rows):
        rows[1]["notes"] = "Shelling reported.\nA second line,\nand a third."
        rows[4]["latitude"] = 123.0
    path = write_seed_csv(tmp_path, edit=edit)
    code, report = check(path)
    assert code == 1
    [p] = found(report, "out-of-range")
    # header line 1, events 1-2 on lines 2-3 (event 2 spans lines 3-5), events 3-5 on lines 6-8
    assert (p["row"], p["line"], p["field"]) == (8, 8, "latitude")
    assert report["rows_checked"] == 6


def test_rows_with_too_many_or_too_few_cells(tmp_path):
    def lines(ls):
        ls[2] = ls[2].rstrip("\n") + ",surplus\n"  # event 2 on line 3
        ls[4] = ls[4].rstrip("\n").rsplit(",", 1)[0] + "\n"  # event 4 on line 5
        return ls
    code, report = check(write_seed_csv(tmp_path, lines=lines))
    assert code == 1
    problems = found(report, "wrong-cell-count")
    assert [(p["row"], p["value"]) for p in problems] == [(3, len(COLUMNS) + 1), (5, len(COLUMNS) - 1)]
    assert all("double quotes" in p["message"] for p in problems)
    assert report["rows_checked"] == 4  # the other rows are still checked


def test_text_in_number_columns(tmp_path):
    def lines(ls):
        cells = next(csv.reader([ls[2]]))
        cells[COLUMNS.index("latitude")] = "forty"
        cells[COLUMNS.index("fatalities")] = "six"
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(cells)
        ls[2] = out.getvalue()
        return ls
    code, report = check(write_seed_csv(tmp_path, lines=lines))
    assert code == 1
    got = {(p["code"], p["row"], p["field"], p["value"]) for p in report["problems"]}
    assert got == {("not-a-number", 3, "latitude", "forty"), ("not-an-integer", 3, "fatalities", "six")}
    assert "'forty' in latitude is not a number" in report["problems"][0]["message"]


def test_blank_lines_are_skipped_and_line_numbers_stay_right(tmp_path):
    def lines(ls):
        return [ls[0], "\n", ls[1], ls[2], "\n", "\n", *ls[3:]]
    valid = write_seed_csv(tmp_path, name="valid", lines=lines)
    code, report = check(valid)
    assert code == 0 and report["rows_checked"] == 6, report["problems"]

    bad = write_seed_csv(tmp_path, name="bad", lines=lines, edit=set_row(2, iso3="ZZZ"))
    code, report = check(bad)
    assert code == 1
    [p] = found(report, "unknown-country")
    assert (p["row"], p["field"]) == (7, "iso3")  # header, blank, two events, two blanks, then event 3


def test_empty_cells_past_the_last_column_are_padding(tmp_path):
    # a spreadsheet export that pads the header and some rows with empty cells
    path = write_seed_csv(tmp_path, lines=lambda ls: [ls[0].rstrip("\n") + ",,\n"] +
                          [line.rstrip("\n") + (",," if i % 2 else ",") + "\n" for i, line in enumerate(ls[1:])])
    code, report = check(path)
    assert code == 0 and report["rows_checked"] == 6, report["problems"]
    # a surplus cell with a value is still too many
    path = write_seed_csv(tmp_path, lines=lambda ls: ls[:3] + [ls[3].rstrip("\n") + ",,x\n"] + ls[4:])
    code, report = check(path)
    assert code == 1
    [p] = found(report, "wrong-cell-count")
    assert p["row"] == 4 and p["value"] == len(COLUMNS) + 2


def test_a_stray_quote_is_unreadable_csv(tmp_path):
    path = write_seed_csv(tmp_path, lines=lambda ls: ls[:3] + ['"AZE1"x,' + ls[3]] + ls[4:])
    code, report = check(path)
    assert code == 2
    [p] = report["problems"]
    assert (p["code"], p["line"]) == ("bad-csv", 4)


def test_max_errors_lists_the_first_counts_all_and_says_so(tmp_path):
    def edit(rows):
        for row in rows:
            row.update(latitude=123.0, iso3="ZZZ")
    path = write_seed_csv(tmp_path, edit=edit)
    code, report = check(path, "--max-errors", "3")
    assert code == 1
    assert report["error_count"] == 3 and len(report["problems"]) == 3 and report["truncated"] is True
    assert report["partial"] is True and report["rows_checked"] == 6
    totals = report["totals"]
    assert totals["errors"] == 12 and totals["by_code"] == {"out-of-range": 6, "unknown-country": 6}
    assert totals["by_column"] == {"iso3": 6, "latitude": 6}
    proc = run_cedar("check", str(path), "--max-errors", "3")
    lines = proc.stdout.splitlines()
    assert lines[-2].startswith("INVALID: 12 errors, 0 warnings in 6 rows of 1 file")
    assert lines[-1] == "Listed the first 3 of 12 errors (--max-errors 3); the counts above are for the whole file."
    assert run_cedar("check", str(path), "--max-errors", "0").returncode == 2


# --- other formats ------------------------------------------------------------------------------

def test_json_lines(tmp_path):
    path = tmp_path / "events.jsonl"
    events = [dict(e) for e in SEED]
    events[2]["latitude"] = 123
    lines = [json.dumps(e, ensure_ascii=False) + "\n" for e in events]
    path.write_text("".join(lines[:2]) + "\n" + "".join(lines[2:]), encoding="utf-8")  # a blank line 3
    (tmp_path / SEED_DOCUMENT).write_text((SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8"), encoding="utf-8")
    code, report = check(path)
    assert code == 1 and report["rows_checked"] == 6
    [p] = report["problems"]
    assert (p["code"], p["row"], p["line"], p["field"]) == ("out-of-range", 4, 4, "latitude")


def test_json_array_rows_are_record_numbers_with_their_line(tmp_path):
    path = tmp_path / "events.json"
    events = [dict(e) for e in SEED]
    events[3]["event_date"] = "2099-01-01"
    parts = [json.dumps(e, ensure_ascii=False, indent=1) for e in events]
    text = "[\n" + ",\n".join(parts) + "\n]\n"
    path.write_text(text, encoding="utf-8")
    (tmp_path / SEED_DOCUMENT).write_text((SAMPLE_DIR / SEED_DOCUMENT).read_text(encoding="utf-8"), encoding="utf-8")
    start_line = 2 + sum(p.count("\n") + 1 for p in parts[:3])
    code, report = check(path)
    assert code == 1
    [p] = report["problems"]
    assert (p["code"], p["row"], p["line"], p["field"]) == ("date-in-future", 4, start_line, "event_date")


def test_json_that_is_cut_off_is_unreadable(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps(SEED, indent=1)[:-40], encoding="utf-8")
    code, report = check(path)
    assert code == 2
    assert [p["code"] for p in report["problems"]][-1] == "invalid-json"


def test_parquet_with_companion_tables(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path = write_seed_csv(tmp_path)  # for the companions and the document
    rows, _, _ = flat_seed()
    rows[5]["latitude"] = -95.0
    table = pa.Table.from_pylist(rows, schema=flat.arrow_schema())
    path = tmp_path / "events.parquet"
    pq.write_table(table, path)
    csv_path.unlink()
    code, report = check(path)
    assert code == 1 and report["rows_checked"] == 6
    [p] = report["problems"]
    assert (p["code"], p["row"], p["field"]) == ("out-of-range", 6, "latitude")
    # the companions were read: their claims and sources reached the events
    rows[5]["latitude"] = SEED[5]["latitude"]
    pq.write_table(pa.Table.from_pylist(rows, schema=flat.arrow_schema()), path)
    assert check(path)[0] == 0


def test_companion_tables_are_read_and_their_problems_reported(tmp_path):
    path = write_seed_csv(tmp_path)
    sources = tmp_path / "events.sources.csv"
    text = sources.read_text(encoding="utf-8")
    sha = SEED[1]["sources"][0]["document_sha256"]
    sources.write_text(text.replace(sha, "0" * 64, 1), encoding="utf-8")  # the first source row's hash
    claims = tmp_path / "events.claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text("".join(lines[:3] + [lines[3].rstrip("\n") + ",extra\n"] + lines[4:]), encoding="utf-8")
    code, report = check(path)
    assert code == 1
    [hash_problem] = found(report, "document-hash-mismatch")
    # reported where the hash is written: the companion's own file and line
    assert hash_problem["line"] == 2 and hash_problem["file"].endswith("events.sources.csv")
    [cells] = found(report, "wrong-cell-count")
    assert cells["file"].endswith("events.claims.csv") and cells["row"] == 4


def test_companion_without_its_key_column(tmp_path):
    path = write_seed_csv(tmp_path)
    claims = tmp_path / "events.claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(flat.EVENT_KEY, "event", 1), encoding="utf-8")
    code, report = check(path)
    assert code == 1
    [p] = found(report, "missing-columns")
    assert p["file"].endswith("events.claims.csv") and p["value"] == [flat.EVENT_KEY]


def test_a_folder_and_a_missing_file_are_wrong_calls(tmp_path):
    code, report = check(tmp_path)
    assert code == 2 and report["problems"][0]["code"] == "unreadable-file"
    code, report = check(tmp_path / "nope.csv")
    assert code == 2 and report["problems"][0]["code"] == "file-not-found"
    (tmp_path / "events.xlsx").write_bytes(b"PK")
    code, report = check(tmp_path / "events.xlsx")
    assert code == 2 and report["problems"][0]["code"] == "unknown-format"
