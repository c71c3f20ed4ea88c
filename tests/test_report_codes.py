"""Every problem is made from a declared code and its template: each code of the importers, of deletion
lists and of the release gate is met here in a file made for it, with the facts its message must give."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Callable

import pytest
from conftest import ACLED, GDELT, GED

from cedar.ingest import deletions, store
from cedar.ingest.importers import import_file, store_sync
from cedar.ingest.importers.gdelt import COLUMNS as GDELT_COLUMNS
from cedar.schema.rules import RULES
from cedar.validate import expectations
from cedar.validate.gate import Outcome, _problem

Edit = Callable[[list[list[str]]], None]
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")  # a template's field left in a message


def _csv(source: Path, tmp_path: Path, edit: Edit, *, delimiter: str = ",", keep: int | None = None) -> Path:
    """A copy of an export (its first `keep` rows) with `edit` applied to its rows (header first, if any)."""
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter, quoting=quoting))[:keep]
    edit(rows)
    out = tmp_path / source.name
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=delimiter, quoting=quoting, lineterminator="\n").writerows(rows)
    return out


def _put(row: int = 1, **cells: str) -> Edit:
    """Set cells of one row by column name (the header's)."""
    def edit(rows: list[list[str]]) -> None:
        for name, value in cells.items():
            rows[row][rows[0].index(name)] = value
    return edit


def _gdelt(**cells: str) -> Edit:
    """Set cells of the row of GDELT event 669666380 (a battle, CAMEO 190) by column name (GDELT has no
    header)."""
    def edit(rows: list[list[str]]) -> None:
        [row] = [r for r in rows if r[0] == "669666380"]
        for name, value in cells.items():
            row[GDELT_COLUMNS.index(name)] = value
    return edit


def _add_column(rows: list[list[str]]) -> None:
    rows[0].append("mystery")
    for r in rows[1:]:
        r.append("x")


# (code to declare, dataset, export, edit, code reported, what the message says)
ROW_CASES = [
    ("missing-peer-id", "acled", ACLED, _put(event_id_cnty=""), "missing-peer-id",
     "event_id_cnty is empty: without its ACLED id the row cannot be kept apart"),
    ("unknown-date-form", "acled", ACLED, _put(event_date="5/9/2020"), "unknown-date-form",
     "event_date '5/9/2020' is not a date in a form this importer reads (2020-05-09, 9-May-20, 09 May 2020 or "
     "20200509; day/month forms like 5/9/2020 are ambiguous)"),
    ("no-iso-country", "acled", ACLED, _put(iso="0", country="Atlantis"), "no-iso-country",
     "iso '0', country 'Atlantis': no country with an ISO 3166-1 code"),
    ("not-in-vocabulary", "acled", ACLED, _put(inter1="Pirates"), "not-in-vocabulary",
     "'Pirates' is not a permitted inter1. Use one of: 0-8 (ACLED's inter codes) or their labels: State forces"),
    ("not-an-integer", "acled", ACLED, _put(year="soon"), "not-an-integer", "'soon' in year is not a whole number"),
    ("not-a-number", "acled", ACLED, _put(latitude="north"), "not-a-number", "'north' in latitude is not a number"),
    ("missing-value", "acled", ACLED, _put(sub_event_type=""), "missing-value", "sub_event_type is required"),
    ("too-few-cells", "acled", ACLED, lambda rows: rows[1].__delitem__(slice(-3, None)), "too-few-cells",
     "the row has 28 cells where the header has 31: the file looks cut off in its last row."),
    ("too-many-cells", "acled", ACLED, lambda rows: rows[1].append("x"), "too-many-cells",
     "the row has 32 cells where the header has 31."),
    ("duplicate-external-id", "acled", ACLED, lambda rows: rows.insert(2, list(rows[1])), "duplicate-external-id",
     "acled:ARG13050 is also row 2 of this file: one event, one row; this row is left out."),
    ("row-refused-by-check", "acled", ACLED, _put(latitude="95"), "out-of-range",
     "Row refused: the event it maps to fails `cedar check`: 95.0 in latitude is out of range"),
    ("end-before-start", "ucdp", GED, _put(date_end="1990-01-01"), "end-before-start",
     "event_date_end 1990-01-01 is before event_date"),
    ("out-of-range", "ucdp", GED, _put(best="-1"), "out-of-range",
     "-1 in best is out of range: it must be 0 or more (a death toll)"),
    ("missing-source", "ucdp", GED, _put(source_article="", source_office=""), "missing-source",
     "The event has no source"),
    ("not-a-cameo-code", "gdelt", GDELT, _gdelt(EventCode="99"), "not-a-cameo-code",
     "'99' is not a CAMEO event code: its root '99' is not 01-20."),
    ("not-an-event-cedar-codes", "gdelt", GDELT, _gdelt(EventCode="191"), "not-an-event-cedar-codes",
     "CAMEO 191 (Fight) is not an event Cedar codes: a blockade is not an act of violence"),
    ("no-location", "gdelt", GDELT, _gdelt(ActionGeo_Type="0"), "no-location",
     "GDELT gives no place for the action (ActionGeo_Type 0)"),
    ("actor-missing", "gdelt", GDELT, _gdelt(EventCode="173", Actor1Name=""), "actor-missing",
     "CAMEO 173 needs the actor who acted, and Actor1 is empty."),
    ("incompatible-actors", "gdelt", GDELT, _gdelt(Actor2Name=""), "incompatible-actors",
     "CAMEO 190 maps to a battle, which needs two armed actors; GDELT gives Actor1"),
]


@pytest.mark.parametrize("declared, dataset, source, edit, code, says", ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_a_refused_row_says_why_in_its_codes_words(tmp_path, declared, dataset, source, edit, code, says):
    path = _csv(source, tmp_path, edit, delimiter="\t" if dataset == "gdelt" else ",",
                keep=3 if dataset == "ucdp" else None)
    for strict, severity in ((False, "warning"), (True, "error")):
        result = import_file(dataset, path, strict=strict)
        refused = [p for p in result.report.problems if p.code == code and p.message.startswith("Row refused: ")]
        saying = [p for p in refused if says in p.message]
        assert saying, [p.message for p in refused]
        p = saying[0]
        assert not PLACEHOLDER.search(p.message), p.message
        assert p.severity == severity and p.row in result.refused and declared in RULES
        assert result.refused[p.row][0] == p.message.removeprefix("Row refused: ")
    assert RULES["row-refused"].template == "Row refused: {reason}"


NOTE_CASES = [
    ("unknown-label", ACLED, _put(region="Atlantis"),
     "'Atlantis' in region is not one of ACLED's regions; it is left out."),
    ("derived-differs", ACLED, _put(interaction="77"), "interaction 77 disagrees with inter1"),
    ("year-mismatch", ACLED, _put(year="1999"), "year 1999 disagrees with event_date 2023-"),
    ("unknown-peer-column", ACLED, _add_column, "Column(s) mystery are not ACLED columns this importer knows"),
    ("fatalities-range-repaired", GED, _put(low="5", best="3", high="4"),
     "low 5 <= best 3 <= high 4 does not hold: the best estimate is kept and the range widened to hold it (low 3, "
     "high 4)."),
]


@pytest.mark.parametrize("code, source, edit, says", NOTE_CASES, ids=[c[0] for c in NOTE_CASES])
def test_a_warning_met_while_mapping_says_what_was_done(tmp_path, code, source, edit, says):
    path = _csv(source, tmp_path, edit, keep=3 if source == GED else None)
    result = import_file("ucdp" if source == GED else "acled", path)
    [p] = [p for p in result.report.problems if p.code == code][:1]
    assert says in p.message and not PLACEHOLDER.search(p.message) and p.severity == "warning", p.message
    assert p.row == 2 and p.row not in result.refused


def test_a_warning_met_again_is_counted_on_the_rows_it_recurs_on():
    result = import_file("acled", ACLED)
    first, again = [p for p in result.report.problems if p.code == "misspelled-label"]
    assert first.message == "disorder_type 'Demostrations' is a misspelling in ACLED's data: read as 'Demonstrations'."
    assert again.message.startswith("The same (misspelled-label) applies to 29 more row(s): ") and again.row is None
    assert RULES["warning-repeated"].template.startswith("The same (")


def test_rows_the_csv_reader_cannot_split(tmp_path):
    text = ACLED.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    stray = tmp_path / "stray.csv"
    stray.write_text(header + "\n" + 'ARG1,"a"b,c\n' + rest, encoding="utf-8")
    [p] = [p for p in import_file("acled", stray).report.problems if p.code == "bad-csv"]
    assert p.row == 2 and p.message.startswith("Row refused: Line 2 cannot be read as CSV (")
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: text.rindex(',"') + 10], encoding="utf-8")
    [p] = [p for p in import_file("acled", cut).report.problems if p.code == "cut-off-row"]
    assert "the file ends inside a quoted value, it looks cut off in its last row" in p.message


def test_the_stores_check_refuses_a_row_the_file_check_passes(tmp_path):
    db = tmp_path / "store.duckdb"
    store.init(db)
    army = "Military Forces of Azerbaijan (2003-)"  # state forces (1) in the bundled registry
    # a protest row: inter1 6 is what the file check asks of a protest's actor1, the registry holds 1
    path = _csv(ACLED, tmp_path, _put(actor1=army, inter1="6"))
    result = import_file("acled", path)
    assert 2 not in result.refused
    store_sync.ingest(result, db, dry_run=True)
    [p] = [p for p in result.report.problems if p.code == "actor-type-contradicts-registry"]
    assert p.message.startswith("Row refused: the store's check refuses the event it maps to: ") and p.row == 2
    assert "row-refused-by-store" in RULES


DELETION_CASES = [
    ("unknown-deletion-format", "gone.txt", "x", "a deletion list is .csv, .jsonl or .json"),
    ("missing-deletion-columns", "gone.csv", "event_id\nAZE1\n", "The header lacks reason"),
    ("not-a-deletion-list", "gone.json", '{"a": 1}', "this file holds an object"),
    ("deletion-not-an-object", "gone.jsonl", "[1]\n", "Row 1 is an array: each deletion is an object"),
    ("no-deletions", "gone.csv", "event_id,reason\n", "The deletion list names no events"),
    ("wrong-cell-count", "gone.csv", 'event_id,reason\nAZE1,a,b\n', "This row has 3 cells and the header 2"),
    ("bad-format", "gone.csv", "event_id,reason\nAZE1,gone\n", "is now CDR-AZE-12"),
]


@pytest.mark.parametrize("code, name, text, says", DELETION_CASES, ids=[c[0] for c in DELETION_CASES])
def test_a_deletion_list_says_what_is_wrong_with_it(tmp_path, code, name, text, says):
    (tmp_path / name).write_text(text, encoding="utf-8")
    _, problems = deletions.read(tmp_path / name)
    [p] = [p for p in problems if p.code == code]
    assert says in p.message and not PLACEHOLDER.search(p.message), p.message


def _all_specs() -> list[expectations.Spec]:
    return [*expectations.model_specs(dt.date(2026, 1, 1)), *expectations.reference_specs(),
            *expectations.dataset_specs(previous_count=10, expected_fatalities=5)]


# The gate's own codes (the rest are row rules'), worded as every failed expectation is.
GATE_ONLY = ("duplicate-row", "unknown-event", "deleted-id-present", "deleted-id-reused", "row-count-change",
             "previous-event-missing", "fatalities-changed-without-version", "changed-without-version",
             "fatality-total-jump")


def test_the_gates_own_codes_are_declared_in_its_wording():
    assert set(GATE_ONLY) <= {s.code for s in _all_specs()}
    assert all(RULES[c].template == RULES["expectation-failed"].template for c in GATE_ONLY)


@pytest.mark.parametrize("code", sorted({s.code for s in _all_specs()}))
def test_the_gate_words_every_failed_expectation_alike_and_keeps_its_code(code):
    spec = next(s for s in _all_specs() if s.code == code)
    p = _problem(Outcome(spec, False, observed=3))
    assert code in RULES and p.code == code and p.severity == "error"
    assert p.message == f"Expected: {spec.description} ({spec.expectation}). Failed: observed 3."
