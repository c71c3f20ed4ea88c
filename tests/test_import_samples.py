"""The importers on the files in tests/data, exactly as they are: counts of imported and refused rows,
every refusal explained, every imported event passing `cedar check`; plus files made here from them:
ACLED's pre-2023 layout, inter codes as labels, files cut off in their last row, unknown layouts.
ACLED's cases also run on the real ACLED export where it lies beside the repository."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import ACLED, ACLED_PRE2023, GDELT, GED, data_rows

from cedar.ingest.importers import LayoutError, import_file
from cedar.validate.check import check_files


def cedar_import(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`cedar import ...` in a child process, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "cedar", "import", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def passes_check(result, tmp_path: Path) -> None:
    out = tmp_path / f"{result.dataset}.jsonl"
    result.write_jsonl(out)
    checked = check_files([out])
    assert checked.report.valid, [p.message for p in checked.report.errors][:5]
    assert checked.report.rows_checked == len(result.events)


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def without_tags(result) -> list[dict]:
    """The events' data but for tags, which ACLED's pre-2023 layout lacks."""
    return [{k: v for k, v in e.data.items() if k != "tags"} for e in result.events]


# --- ACLED ------------------------------------------------------------------------------------

def test_acled_file_imports_every_row(tmp_path):
    r = import_file("acled", ACLED)
    assert (r.rows_read, r.imported, len(r.refused)) == (36, 36, 0)
    passes_check(r, tmp_path)
    # the misspelling is mapped with a warning, reported once with the rows it recurs on
    spelled = [p for p in r.report.warnings if p.code == "misspelled-label"]
    assert spelled[0].row == 2 and spelled[0].value == "Demostrations"
    assert "29 more" in spelled[1].message
    first = r.events[0]
    assert first.data["external_ids"] == ["acled:ARG13050"] and first.data["ref"] == "acled:ARG13050"
    assert first.data["iso3"] == "ARG" and first.data["date_precision"] == "day"
    assert first.data["assoc_actor_1"] == ["Teachers (Argentina)",
                                           "CTERA: Confederation of Education Workers of the Argentine Republic",
                                           "ATE: Association of State Workers", "Labour Group (Argentina)"]
    assert [s["name"] for s in first.data["sources"]] == ["Diario El Patagonico", "Infobae"]
    assert first.data["verification_status"] == "unverified" and first.data["tags"] == ["crowd size=around 400"]
    by_location = {e.data["location"]: e.data for e in r.events}
    # a repeated name and a trailing separator
    assert by_location["San Miguel de Tucuman"]["assoc_actor_1"] == ["Teachers (Argentina)"]
    # 0 is "not reported" unless the notes say no one died; 1 stays 1
    fat = Counter(e.data.get("fatalities") for e in r.events)
    assert fat == Counter({None: 29, 0: 5, 1: 2})
    # a combined source scale stays on the event; a single one goes to every source
    combined = [e for e in r.events if e.data.get("source_scale")]
    assert {e.data["source_scale"] for e in combined} == {"subnational-national", "national-regional",
                                                          "subnational-new_media"}
    assert all(s.get("scale") is None for e in combined for s in e.data["sources"])
    assert by_location["Ushuaia"]["sources"] == [{"name": "Sur54", "scale": "local", "kind": "partner"}]
    assert Counter(e.data["geo_precision"] for e in r.events) == Counter({"exact": 29, "region": 4, "near": 3})
    assert Counter(e.data["date_precision"] for e in r.events) == Counter({"day": 33, "week": 2, "month": 1})
    attacks = [e.data for e in r.events if e.data["event_type"] == "Violence against civilians"]
    assert len(attacks) == 2 and all(e["target_kind"] == "civilians" for e in attacks)


def test_acled_real_export_imports_every_row(tmp_path, real_acled):
    r = import_file("acled", real_acled)
    assert (r.rows_read, r.imported, len(r.refused)) == (326, 326, 0)
    passes_check(r, tmp_path)
    spelled = [p for p in r.report.warnings if p.code == "misspelled-label"]
    assert spelled[0].row == 2 and spelled[0].value == "Demostrations"
    assert "319 more" in spelled[1].message
    first = r.events[0]
    assert first.data["external_ids"] == ["acled:ARG10607"] and first.data["ref"] == "acled:ARG10607"
    assert first.data["iso3"] == "ARG" and first.data["date_precision"] == "day"
    assert first.data["assoc_actor_1"] == ["SISAP: Public Health Union", "Health Workers (Argentina)",
                                           "ATE: Association of State Workers", "Labour Group (Argentina)"]
    assert [s["name"] for s in first.data["sources"]] == ["Diario El Chubut", "Diario Cronica (Argentina)"]
    assert first.data["verification_status"] == "unverified"
    fat = Counter(e.data.get("fatalities") for e in r.events)
    assert fat == Counter({None: 323, 1: 2, 0: 1})
    combined = [e for e in r.events if e.data.get("source_scale")]
    assert {e.data["source_scale"] for e in combined} == {"subnational-national", "national-regional"}
    by_prec = Counter(e.data["geo_precision"] for e in r.events)
    assert by_prec == Counter({"exact": 249, "region": 47, "near": 30})


def _old_layout(source: Path, tmp_path: Path, date_format: str = "%-d-%b-%y") -> Path:
    """An export rewritten in ACLED's pre-2023 layout: data_id, event_id_no_cnty, iso3, dates like 9-May-20,
    no disorder_type, civilian_targeting or tags."""
    from cedar.ingest.importers.acled import OLD

    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = tmp_path / "acled-old.csv"
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, OLD)
        w.writeheader()
        for n, r in enumerate(rows, start=1):
            d = dt.date.fromisoformat(r["event_date"])
            w.writerow({**{k: r[k] for k in OLD if k in r}, "data_id": 9000000 + n, "iso3": "ARG",
                        "event_id_no_cnty": r["event_id_cnty"][3:], "event_date": d.strftime(date_format)})
    return out


def test_acled_pre2023_file_gives_the_same_events(tmp_path):
    old = import_file("acled", ACLED_PRE2023)
    assert (old.rows_read, old.imported, len(old.refused)) == (36, 36, 0)
    assert without_tags(old) == without_tags(import_file("acled", ACLED))
    assert not any(e.data.get("tags") for e in old.events)
    passes_check(old, tmp_path)


def test_acled_old_layout_gives_the_same_events(tmp_path, acled_file):
    new = import_file("acled", acled_file)
    old = import_file("acled", _old_layout(acled_file, tmp_path))
    assert (old.imported, len(old.refused)) == (data_rows(acled_file), 0)
    assert without_tags(old) == without_tags(new)
    passes_check(old, tmp_path)
    spelled = import_file("acled", _old_layout(acled_file, tmp_path, "%d %B %Y"))
    assert without_tags(spelled) == without_tags(new)


def test_acled_inter_codes_as_labels(tmp_path, acled_file):
    from cedar.schema.vocab import ACTOR_TYPES

    rows = csv_rows(acled_file)
    i1, i2 = rows[0].index("inter1"), rows[0].index("inter2")
    for r in rows[1:]:
        r[i1] = ACTOR_TYPES[int(r[i1])]
        r[i2] = ACTOR_TYPES.get(int(r[i2]), "")
    r = import_file("acled", write_csv(tmp_path / "labels.csv", rows))
    assert [e.data for e in r.events] == [e.data for e in import_file("acled", acled_file).events]


def test_acled_cut_off_in_last_row(tmp_path, acled_file):
    data = acled_file.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.rindex(b',"') + 20])  # inside the notes of the last row
    r = import_file("acled", cut)
    n = data_rows(acled_file)
    assert (r.imported, len(r.refused)) == (n - 1, 1)
    (row, reasons), = r.refused.items()
    assert row == n + 1 and "cut off" in reasons[0]


@pytest.mark.parametrize("ending", ["\n", ""])
def test_acled_last_row_cut_and_padded_to_the_header_says_cut_off(tmp_path, ending):
    """A row cut after its coordinates and padded with empty cells to the header's width (as a spreadsheet
    saves it) is refused as cut off, not as "geo_precision ''"."""
    rows = csv_rows(ACLED)
    rows[-1] = rows[-1][:24] + [""] * (len(rows[0]) - 24)
    cut = write_csv(tmp_path / "cut.csv", rows)
    cut.write_text(cut.read_text(encoding="utf-8").rstrip("\r\n") + ending, encoding="utf-8")
    r = import_file("acled", cut)
    (row, reasons), = r.refused.items()
    assert row == len(rows) and r.imported == len(rows) - 2
    assert "cut off in its last row" in reasons[0] and "geo_precision" in reasons[0]
    assert [p.code for p in r.report.problems if p.row == row and p.severity == "warning"] == ["cut-off-last-row"]


def test_a_refused_row_before_the_last_is_not_called_cut_off(tmp_path):
    rows = csv_rows(ACLED)
    rows[5] = rows[5][:24] + [""] * (len(rows[0]) - 24)
    r = import_file("acled", write_csv(tmp_path / "padded.csv", rows))
    assert "cut off" not in r.refused[6][0] and "geo_precision" in r.refused[6][0]


def test_acled_file_missing_columns_is_refused_saying_what_it_found(tmp_path, acled_file):
    out = write_csv(tmp_path / "short.csv", [r[:-3] for r in csv_rows(acled_file)])
    with pytest.raises(LayoutError) as exc:
        import_file("acled", out)
    assert "28 columns" in exc.value.message and "lacks fatalities, tags, timestamp" in exc.value.message


# --- UCDP GED ---------------------------------------------------------------------------------

def test_ged_sample_imports_every_row_fast(tmp_path):
    # CPU time of this process, not wall time: other jobs on a shared machine slow the wall clock
    started = time.process_time()
    r = import_file("ucdp", GED)
    took = time.process_time() - started
    print(f"GED: {r.rows_read} rows in {took:.2f} CPU s")
    assert took < 15
    assert (r.rows_read, r.imported, len(r.refused)) == (7374, 7374, 0)
    passes_check(r, tmp_path)
    repaired = [p for p in r.report.warnings if p.code == "fatalities-range-repaired"]
    assert len(repaired) == 10 and all(p.row for p in repaired)
    by_id = {e.data["external_ids"][0]: e.data for e in r.events}
    e = by_id["ucdp-ged:71686"]  # low 0, best 3, high 0 in the real data
    assert (e["fatalities_low"], e["fatalities"], e["fatalities_high"]) == (0, 3, 3)
    types = Counter((e.data["event_type"], e.data["sub_event_type"]) for e in r.events)
    assert types == Counter({("Battles", "Armed clash"): 4966 + 78, ("Violence against civilians", "Attack"): 2330})
    e = by_id["ucdp-ged:48644"]
    assert e["actor1"] == "Government of Myanmar (Burma)" and e["inter1"] == 1 and e["inter2"] == 2
    assert e["event_date_end"] == "1991-10-10" and e["date_precision"] == "week"
    assert (e["admin1"], e["admin2"]) == ("Ayeyarwady", "Bogale")  # UCDP: "Ayeyarwady division", "Bogale district"
    assert e["claims"][0]["claimant"] == "state television, rebel sources"
    # rows are named by the line they start on, past quoted values that span lines
    lines = GED.read_text(encoding="utf-8").split("\n")
    last = r.events[-1]
    start = last.data["external_ids"][0].split(":")[1] + ","
    assert lines[last.row - 1].startswith(start) and len(lines) > 7375
    prec = Counter(e.data["date_precision"] for e in r.events)
    assert prec == Counter({"day": 6286, "week": 643, "month": 340, "span": 105})


def test_ged_cut_off_inside_a_quoted_value(tmp_path):
    data = GED.read_text(encoding="utf-8")
    # the last quoted value that spans lines: cut the file just after its first line break
    i = len(data)
    while True:
        i = data.rfind(',"', 0, i)
        close = data.find('"', i + 2)
        if "\n" in data[i + 2:close]:
            break
    cut = tmp_path / "cut.csv"
    cut.write_text(data[: data.find("\n", i + 2) + 3], encoding="utf-8")
    r = import_file("ucdp", cut)
    assert len(r.refused) == 1
    (row, reasons), = r.refused.items()
    assert "cut off" in reasons[0]
    assert r.imported + 1 == r.rows_read


# --- GDELT ------------------------------------------------------------------------------------

def test_gdelt_sample(tmp_path):
    r = import_file("gdelt", GDELT)
    assert (r.rows_read, r.imported, len(r.refused)) == (50, 4, 46)
    passes_check(r, tmp_path)
    codes = Counter(p.code for p in r.report.problems if p.message.startswith("Row refused"))
    assert codes == Counter({"not-an-event-cedar-codes": 45, "actor-missing": 1})
    assert all(reasons and reasons[0] for reasons in r.refused.values())
    assert "CAMEO 040 (Consult) is not an event Cedar codes" in r.refused[1][0]
    assert "173 needs the actor who acted" in r.refused[41][0]
    kinds = Counter((e.data["event_type"], e.data["sub_event_type"]) for e in r.events)
    assert kinds == Counter({("Battles", "Armed clash"): 3, ("Strategic developments", "Arrests"): 1})
    e = r.events[0].data
    assert e["external_ids"] == ["gdelt:669666380"] and "cameo:190" in e["tags"]
    assert e["verification_status"] == "unverified" and "Machine-coded" in e["verification_note"]
    assert e["sources"][0]["url"].startswith("http://thenationonlineng.net/")


def test_gdelt_strict_refuses_the_file(tmp_path):
    out = tmp_path / "g.jsonl"
    p = cedar_import("gdelt", str(GDELT), "--strict", "--out", str(out), "--format", "json")
    assert p.returncode == 1, p.stderr
    report = json.loads(p.stdout)
    assert report["valid"] is False and report["import"]["refused"] == 46
    assert not out.exists()


def test_gdelt_1_layout_is_refused(tmp_path):
    rows = [line.split("\t") for line in GDELT.read_text(encoding="utf-8").splitlines()]
    old = tmp_path / "20130401.export.CSV"
    # GDELT 1.0: no ADM2 columns, so 58 columns with DATEADDED and SOURCEURL
    old.write_text("\n".join("\t".join(r[:39] + r[40:47] + r[48:55] + r[56:61]) for r in rows) + "\n",
                   encoding="utf-8")
    with pytest.raises(LayoutError) as exc:
        import_file("gdelt", old)
    assert "58 tab-separated columns" in exc.value.message and "GDELT 1.0" in exc.value.message
    assert "61" in exc.value.message
    p = cedar_import("gdelt", str(old))
    assert p.returncode == 1 and "Traceback" not in p.stderr and "GDELT 1.0" in p.stderr


def test_gdelt_cut_off(tmp_path):
    data = GDELT.read_text(encoding="utf-8")
    cut = tmp_path / "cut.tsv"
    cut.write_text(data[: len(data) - 150], encoding="utf-8")
    r = import_file("gdelt", cut)
    assert r.rows_read == 50 and "cut off" in r.refused[50][0]


# --- the command line -------------------------------------------------------------------------

def test_cli_writes_a_submission_that_cedar_check_passes(tmp_path):
    out = tmp_path / "acled.jsonl"
    p = cedar_import("acled", str(ACLED), "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert "36 rows read, 36 imported, 0 refused" in p.stdout
    assert check_files([out]).report.valid
    p = cedar_import("gdelt", str(GDELT), "--format", "json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["import"]["imported"] == 4 and report["import"]["refused"] == 46
    assert len(report["import"]["refused_rows"]) == 46
    assert (tmp_path / "20170701234500.export.cedar.jsonl").is_file()


def test_gdelt_zip_as_published(tmp_path):
    import zipfile

    z = tmp_path / "20170701234500.export.CSV.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.write(GDELT, "20170701234500.export.CSV")
    r = import_file("gdelt", z)
    assert (r.rows_read, r.imported, len(r.refused)) == (50, 4, 46)


def test_acled_old_layout_without_optional_ids(tmp_path, acled_file):
    """Some pre-2023 exports lack data_id, event_id_no_cnty or iso3: the rows still map (iso names the country)."""
    rows = csv_rows(_old_layout(acled_file, tmp_path))
    drop = {rows[0].index("data_id"), rows[0].index("iso3")}
    out = write_csv(tmp_path / "lean.csv", [[c for i, c in enumerate(r) if i not in drop] for r in rows])
    r = import_file("acled", out)
    assert (r.imported, len(r.refused)) == (data_rows(acled_file), 0)


def test_acled_pre_2019_layout_is_refused(tmp_path):
    old = tmp_path / "acled-2017.csv"
    old.write_text("GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,ALLY_ACTOR_1,"
                   "INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,LOCATION,LATITUDE,"
                   "LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES\n", encoding="utf-8")
    with pytest.raises(LayoutError) as exc:
        import_file("acled", old)
    assert "pre-2019" in exc.value.message and "sub_event_type" in exc.value.message


def test_not_utf8_names_the_line_and_the_option(tmp_path, acled_file):
    data = acled_file.read_text(encoding="utf-8").replace("Comodoro Rivadavia", "Comodoro Rivadav\u00eda")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(data.encode("latin-1"))
    from cedar.errors import CedarError

    with pytest.raises(CedarError) as exc:
        import_file("acled", latin)
    assert "not utf-8 text" in exc.value.message.lower() and "--encoding" in exc.value.hint
    r = import_file("acled", latin, encoding="latin-1")
    assert r.imported == data_rows(acled_file) and r.events[0].data["location"] == "Comodoro Rivadav\u00eda"


def test_excel_workbook_is_refused_with_a_hint(tmp_path):
    import zipfile

    from cedar.errors import CedarError

    book = tmp_path / "acled.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(CedarError) as exc:
        import_file("acled", book)
    assert "Excel workbook" in exc.value.message and "CSV" in exc.value.hint


def test_the_importers_errors_are_typed_and_keep_their_exit_statuses(tmp_path):
    """A file of an unknown layout or one that is not an export is the data's fault (1); a wrong path or
    dataset is a wrong call (2). The type alone decides it: no error carries a status of its own."""
    from cedar.cli.exits import for_error
    from cedar.errors import CedarError, DataError, InputError, UsageError

    short = tmp_path / "short.csv"
    short.write_text("a,b\n1,2\n", encoding="utf-8")
    cases = [(("acled", short), LayoutError, 1), (("acled", tmp_path / "none.csv"), InputError, 2),
             (("peers", short), UsageError, 2)]
    for args, kind, status in cases:
        with pytest.raises(CedarError) as exc:
            import_file(*args)
        assert type(exc.value) is kind and for_error(exc.value) == status and not hasattr(exc.value, "exit_code")
    assert issubclass(LayoutError, DataError)
