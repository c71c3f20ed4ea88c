"""`cedar export` (releases/export.py, releases/export_formats.py): a release written as Stata,
Excel, GeoJSON and ACLED-layout CSV, each read back by a reader other than the writer (pyreadstat
and pandas for .dta, openpyxl for .xlsx, json for GeoJSON, csv for the CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from export_support import ASSOC, FORMULA_NOTE, VERSION, export_releases
from typer.testing import CliRunner

from cedar.cli import app
from cedar.errors import UsageError
from cedar.releases import export, export_formats, localrelease
from cedar.schema import flat, vocab
from cedar.schema.model import Event


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> Path:
    return export_releases(tmp_path_factory)


@pytest.fixture(scope="module")
def events(releases) -> dict[str, dict]:
    """The release's events as the Parquet file holds them, by event_id."""
    con = localrelease.connect(releases)
    try:
        cur = con.execute("SELECT * FROM events")
        names = [d[0] for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}
    finally:
        con.close()


def cedar(*args: str):
    return CliRunner().invoke(app, list(args))


def exported(releases: Path, out: Path, *extra: str) -> dict:
    result = cedar("export", "--releases", str(releases), "--out", str(out), "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- Stata --------------------------------------------------------------------------------------------

def test_stata_file_read_back_by_pyreadstat(releases, events, tmp_path):
    import pyreadstat

    summary = exported(releases, tmp_path / "events.dta")
    assert summary["rows"] == 6 and summary["format"] == "stata" and summary["version"] == VERSION
    frame, meta = pyreadstat.read_dta(str(tmp_path / "events.dta"))
    assert list(frame.columns) == list(flat.event_columns())
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", c) for c in frame.columns)
    labels = dict(zip(meta.column_names, meta.column_labels))
    for name in ("fatalities", "event_date", "notes"):
        label, meaning = labels[name], " ".join(Event.model_fields[name].description.split())
        assert label == export_formats.stata_label(meaning) and meaning.startswith(label.removesuffix("..."))
        assert 20 <= len(label) <= 80, label
    assert all(len(lab or "") <= 80 for lab in meta.column_labels)
    assert meta.original_variable_types["event_date"] == "%td" and meta.original_variable_types["timestamp"] == "%tc"
    rows = {r["event_id"]: r for r in frame.to_dict("records")}
    for event_id, e in events.items():
        assert rows[event_id]["event_date"] == e["event_date"]
        assert rows[event_id]["inter1"] == e["inter1"]
        assert rows[event_id]["timestamp"] == e["timestamp"].astimezone(dt.timezone.utc).replace(tzinfo=None)
        # not reported stays missing, apart from 0
        assert (rows[event_id]["fatalities"] != rows[event_id]["fatalities"]) == (e["fatalities"] is None)
    assert rows["CDR-AZE-3"]["notes"] == FORMULA_NOTE  # longer than a Stata str (2,045 bytes): a strL
    assert rows["CDR-AZE-1"]["assoc_actor_1"] == "; ".join(ASSOC)
    assert meta.variable_value_labels["inter1"] == vocab.ACTOR_TYPES
    assert meta.variable_value_labels["civilian_targeting"] == {0: "no", 1: "yes"}
    assert meta.file_label == f"Cedar release {VERSION}"


def test_stata_file_read_back_by_pandas_with_labels(releases, tmp_path):
    import pandas as pd

    exported(releases, tmp_path / "labels.dta", "--inter", "labels")
    frame = pd.read_stata(tmp_path / "labels.dta")
    first = frame[frame["event_id"] == "CDR-AZE-1"].iloc[0]
    assert (first["inter1"], first["inter2"], first["interaction"]) == (
        "State forces", "Rebel groups", "State forces-Rebel groups")
    assert first["event_date"] == pd.Timestamp("2023-09-19")


def test_stata_names_are_made_valid_and_distinct():
    names = export_formats.stata_names(["event_id", "2nd", "a-b", "in", "x" * 40, "x" * 41, "A_B", "a_b"])
    assert list(names.values()) == ["event_id", "v_2nd", "a_b", "v_in", "x" * 32, "x" * 30 + "_2", "A_B_2", "a_b_3"]
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", v) for v in names.values())


# --- Excel --------------------------------------------------------------------------------------------

def test_excel_workbook_read_back_by_openpyxl(releases, events, tmp_path):
    import openpyxl

    exported(releases, tmp_path / "events.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "events.xlsx", read_only=True)
    assert wb.sheetnames == ["events", "codebook"]
    rows = list(wb["events"].iter_rows(values_only=True))
    assert list(rows[0]) == list(flat.event_columns()) and len(rows) == 7
    by_id = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert by_id["CDR-AZE-3"]["notes"] == FORMULA_NOTE  # text, not a formula Excel would run
    assert by_id["CDR-AZE-1"]["assoc_actor_1"] == "; ".join(ASSOC)
    for event_id, e in events.items():
        assert by_id[event_id]["event_date"].date() == e["event_date"]
        assert by_id[event_id]["latitude"] == e["latitude"] and by_id[event_id]["fatalities"] == e["fatalities"]
    book = list(wb["codebook"].iter_rows(values_only=True))
    assert book[0] == ("column", "meaning", "values", "ACLED column")
    meanings = {r[0]: r[1] for r in book[1:]}
    assert list(meanings) == list(flat.event_columns())
    assert meanings["fatalities"] == Event.model_fields["fatalities"].description
    wb.close()


def test_excel_cell_stays_text_even_when_it_looks_like_a_formula(releases, tmp_path):
    import openpyxl

    exported(releases, tmp_path / "events.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "events.xlsx")["events"]
    notes_col = list(flat.event_columns()).index("notes") + 1
    cell = next(ws.cell(row=r, column=notes_col) for r in range(2, 8) if ws.cell(row=r, column=1).value == "CDR-AZE-3")
    assert cell.data_type == "s" and cell.value.startswith("=1+1")


def test_excel_refuses_more_rows_than_a_sheet_holds(releases, tmp_path, monkeypatch):
    assert export_formats.EXCEL_MAX_ROWS == 1_048_575
    monkeypatch.setattr(export_formats, "EXCEL_MAX_ROWS", 5)
    result = cedar("export", "--releases", str(releases), "--out", str(tmp_path / "big.xlsx"))
    assert result.exit_code == 2, result.output
    assert "6 events do not fit in an Excel sheet" in result.stderr and "--country" in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file
    assert exported(releases, tmp_path / "part.xlsx", "--event-type", "Battles")["rows"] == 1


def test_excel_text_is_cut_to_a_cells_limit(releases, tmp_path, monkeypatch):
    import openpyxl

    monkeypatch.setattr(export_formats, "EXCEL_MAX_CELL", 100)
    summary = exported(releases, tmp_path / "cut.xlsx")
    assert any("cut to Excel's 100 characters" in n for n in summary["notes"]), summary
    rows = list(openpyxl.load_workbook(tmp_path / "cut.xlsx")["events"].iter_rows(values_only=True))
    notes = rows[0].index("notes")
    assert max(len(r[notes] or "") for r in rows[1:]) == 100


# --- GeoJSON ------------------------------------------------------------------------------------------

def test_geojson_is_a_feature_collection_of_points_lon_lat(releases, events, tmp_path):
    exported(releases, tmp_path / "events.geojson")
    doc = json.loads((tmp_path / "events.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc  # RFC 7946: WGS 84, no crs member
    assert len(doc["features"]) == 6
    for f in doc["features"]:
        e = events[f["id"]]
        assert f["type"] == "Feature" and f["geometry"]["type"] == "Point"
        assert f["geometry"]["coordinates"] == [e["longitude"], e["latitude"]]  # longitude first
        assert list(f["properties"]) == list(flat.event_columns())
        assert f["properties"]["event_date"] == e["event_date"].isoformat()
        assert f["properties"]["fatalities"] == e["fatalities"]
        assert f["properties"]["timestamp"].endswith("Z")
    first = next(f for f in doc["features"] if f["id"] == "CDR-AZE-1")
    assert first["properties"]["assoc_actor_1"] == ASSOC


# --- ACLED-layout CSV ---------------------------------------------------------------------------------

def test_csv_with_numbers_is_the_releases_events_acled_csv(releases, tmp_path):
    exported(releases, tmp_path / "events.csv")
    assert (tmp_path / "events.csv").read_bytes() == (releases / VERSION / "events-acled.csv").read_bytes()


def test_csv_with_labels_writes_the_codebooks_labels(releases, tmp_path):
    exported(releases, tmp_path / "labels.csv", "--inter", "labels")
    with open(tmp_path / "labels.csv", encoding="utf-8", newline="") as fh:
        rows = {r["event_id_cnty"]: r for r in csv.DictReader(fh)}
    with open(releases / VERSION / "events-acled.csv", encoding="utf-8", newline="") as fh:
        numbers = {r["event_id_cnty"]: r for r in csv.DictReader(fh)}
    for event_id, r in rows.items():
        n = numbers[event_id]
        assert r["inter1"] == vocab.ACTOR_TYPES[int(n["inter1"])]
        assert r["inter2"] == (vocab.ACTOR_TYPES[int(n["inter2"])] if n["inter2"] != "0" else "")
        assert {k: v for k, v in r.items() if k not in ("inter1", "inter2", "interaction")} == \
               {k: v for k, v in n.items() if k not in ("inter1", "inter2", "interaction")}
    assert rows["CDR-AZE-1"]["interaction"] == "State forces-Rebel groups"


def test_labelled_csv_is_read_back_by_the_acled_importer(releases, tmp_path):
    from cedar.ingest.importers import acled

    exported(releases, tmp_path / "labels.csv", "--inter", "labels")
    exported(releases, tmp_path / "numbers.csv")
    got = {}
    for name in ("labels", "numbers"):
        mapped = list(acled.read(tmp_path / f"{name}.csv"))
        assert all(m.data is not None for m in mapped), [m.refusal for m in mapped]
        got[name] = sorted((m.data["inter1"], m.data.get("inter2")) for m in mapped if m.data)
    assert got["labels"] == got["numbers"] and len(got["labels"]) == 6


# --- filters, versions and the output file ------------------------------------------------------------

def test_filters_narrow_the_export(releases, events, tmp_path):
    def ids(*extra: str) -> list[str]:
        exported(releases, tmp_path / "f.geojson", "--force", *extra)
        return [f["id"] for f in json.loads((tmp_path / "f.geojson").read_text(encoding="utf-8"))["features"]]

    assert ids("--country", "aze") == ids("--country", "AZERBAIJAN") == list(events)
    assert ids("--event-type", "battles") == [i for i, e in events.items() if e["event_type"] == "Battles"]
    assert ids("--since", "2023-09-12", "--until", "2023-09-18") == [
        i for i, e in events.items() if dt.date(2023, 9, 12) <= e["event_date"] <= dt.date(2023, 9, 18)]
    assert ids("--event-type", "Battles", "--event-type", "Strategic developments") == [
        i for i, e in events.items() if e["event_type"] in ("Battles", "Strategic developments")]
    assert ids("--since", "2030-01-01") == []
    summary = exported(releases, tmp_path / "none.xlsx", "--since", "2030-01-01")
    assert summary["rows"] == 0 and "No event of the release matches" in summary["notes"][0]


@pytest.mark.parametrize("args, message", [
    (["--country", "Atlantis"], "No event of release 2026.11.1 is in 'Atlantis'"),
    (["--event-type", "Picnics"], "'Picnics' is not an event type"),
    (["--since", "2023-10-01", "--until", "2023-09-01"], "is after --until"),
    (["--since", "yesterday"], "--since 'yesterday' is not a date"),
    (["--version", "2026.12.1"], "Release 2026.12.1 is not in"),
    (["--version", "v1"], "v1"),
    (["--inter", "words"], "--inter"),
])
def test_a_wrong_call_exits_2_and_writes_nothing(releases, tmp_path, args, message):
    result = cedar("export", "--releases", str(releases), "--out", str(tmp_path / "x.xlsx"), *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_suffix_or_a_url_is_a_wrong_call(releases, tmp_path):
    result = cedar("export", "--releases", str(releases), "--out", str(tmp_path / "x.sav"))
    assert result.exit_code == 2 and ".dta, .xlsx, .geojson, .csv" in result.stderr
    result = cedar("export", "--releases", "https://example.org/cedar/", "--out", str(tmp_path / "x.dta"))
    assert result.exit_code == 2 and "cedar download" in result.stderr


def test_a_named_version_and_a_version_folder(releases, tmp_path):
    assert exported(releases, tmp_path / "a.geojson", "--version", VERSION)["version"] == VERSION
    assert exported(releases / VERSION, tmp_path / "b.geojson")["version"] == VERSION


def test_an_existing_file_is_replaced_only_with_force(releases, tmp_path):
    out = tmp_path / "events.geojson"
    out.write_text("mine", encoding="utf-8")
    result = cedar("export", "--releases", str(releases), "--out", str(out))
    assert result.exit_code == 2 and "--force" in result.stderr and out.read_text(encoding="utf-8") == "mine"
    exported(releases, out, "--force")
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.geojson"]


def test_the_releases_own_files_are_never_overwritten(releases, tmp_path):
    import shutil

    copy = tmp_path / VERSION
    shutil.copytree(releases / VERSION, copy)
    before = (copy / "events-acled.csv").read_bytes()
    result = cedar("export", "--releases", str(copy), "--out", str(copy / "events-acled.csv"), "--force",
                   "--inter", "labels")
    assert result.exit_code == 2 and "would destroy the input" in result.stderr, result.output
    assert (copy / "events-acled.csv").read_bytes() == before


def test_a_missing_optional_library_names_the_extra(monkeypatch):
    monkeypatch.setitem(export_formats.NEEDS, "stata", ("cedar_no_such_module", "pyreadstat"))
    with pytest.raises(UsageError) as err:
        export_formats.require("stata")
    assert "pyreadstat" in err.value.message and "cedar-events[export]" in err.value.hint


def test_text_summary(releases, tmp_path):
    result = cedar("export", "--releases", str(releases), "--out", str(tmp_path / "e.dta"))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote 6 events of release {VERSION} to ")


def test_filters_sql_quotes_values():
    f = export.Filters(countries=("Côte d'Ivoire",))
    assert "'côte d''ivoire'" in f.where()


def _file_size_limit() -> None:
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@pytest.mark.parametrize("suffix", [".dta", ".xlsx", ".geojson"])
def test_a_full_disk_is_an_error_and_leaves_nothing(releases, tmp_path, suffix):
    """A full disk, made by a file-size limit of 4 kB (every write past it fails with EFBIG)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "cedar", "export", "--releases", str(releases), "--out",
                           str(tmp_path / f"events{suffix}")], capture_output=True, text=True,
                          preexec_fn=_file_size_limit, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr and "Exception" not in proc.stderr
    assert "Nothing was written" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_download_without_parquet_says_to_fetch_it(releases, tmp_path):
    import shutil

    copy = tmp_path / VERSION
    shutil.copytree(releases / VERSION, copy, ignore=shutil.ignore_patterns("*.parquet"))
    result = cedar("export", "--releases", str(copy), "--out", str(tmp_path / "e.geojson"))
    assert result.exit_code == 2 and "has no events.parquet" in result.stderr and "--files parquet" in result.stderr
    assert not (tmp_path / "e.geojson").exists()
