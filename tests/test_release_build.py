"""`cedar release build|list|diff` on real stores: real DuckDB files, real Great Expectations,
real files checked with the real `sha256sum` and the frictionless package."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from conftest import run_cedar
from release_support import cedar_ok, execute, ingest_store

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, seed_path

V1, V2 = "2026.11.1", "2026.11.2"
DATA_FILES = ("events.parquet", "events.csv", "claims.parquet", "claims.csv", "sources.parquet", "sources.csv",
              "actors.parquet", "actors.csv", "changes.csv", "deletions.csv", "codebook.md", "datapackage.json")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The seed's store, released once through the command line."""
    root = tmp_path_factory.mktemp("seed-release")
    db = ingest_store(root / "cedar.duckdb")
    store = root / "releases"
    proc = run_cedar("release", "build", V1, "--db", str(db), "--store", str(store))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"db": db, "store": store, "folder": store / V1, "proc": proc}


def test_release_has_every_file_of_the_layout(seed):
    folder = seed["folder"]
    for name in DATA_FILES + ("manifest.json", "SHA256SUMS", "validation/report.html", "validation/results.json",
                              "validation/gx-results.json"):
        assert (folder / name).is_file(), name
    assert "Published release 2026.11.1" in seed["proc"].stdout
    # nothing half-written is left beside it
    assert sorted(p.name for p in seed["store"].iterdir() if not p.name.startswith(".lock")) == [V1, "index.json"]


def test_sha256sum_check_passes(seed):
    proc = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=seed["folder"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = {line.split("  ", 1)[1] for line in (seed["folder"] / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(seed["folder"]).as_posix() for p in seed["folder"].rglob("*") if p.is_file()}
    assert listed == on_disk - {"SHA256SUMS"}


def test_parquet_read_back_by_duckdb_has_the_stores_row_count(seed):
    con = duckdb.connect(str(seed["db"]), read_only=True)
    stored = con.execute("SELECT count(*) FROM event_current").fetchone()[0]
    stored_claims = con.execute("SELECT count(*) FROM claims").fetchone()[0]
    con.close()
    folder = seed["folder"]
    q = duckdb.connect()
    assert q.execute(f"SELECT count(*) FROM read_parquet('{folder / 'events.parquet'}')").fetchone()[0] == stored == 6
    assert q.execute(f"SELECT count(*) FROM read_parquet('{folder / 'claims.parquet'}')").fetchone()[0] == stored_claims
    # lists stay lists in Parquet, joined with "; " in CSV
    types = {r[0]: r[1] for r in q.execute(f"DESCRIBE SELECT * FROM read_parquet('{folder / 'events.parquet'}')")
             .fetchall()}
    assert types["event_id"] == "VARCHAR" and types["latitude"] == "DOUBLE"
    events = folder / "events.parquet"
    tags = q.execute(f"SELECT typeof(assoc_actor_2) FROM read_parquet('{events}') LIMIT 1").fetchone()
    assert tags[0] == "VARCHAR[]"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["row_counts"]["events"] == stored


def test_csv_is_utf8_without_bom_in_event_id_order_with_lists_joined(seed):
    folder = seed["folder"]
    raw = (folder / "events.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    rows = _csv(folder / "events.csv")
    assert [r["event_id"] for r in rows] == [f"CDR-AZE-{i}" for i in range(1, 7)]
    parquet = duckdb.connect().execute(
        f"SELECT event_id, assoc_actor_2 FROM read_parquet('{folder / 'events.parquet'}')").fetchall()
    for (event_id, assoc), row in zip(parquet, rows):
        assert row["event_id"] == event_id
        assert row["assoc_actor_2"] == "; ".join(assoc)
    assert any(";" in r["assoc_actor_2"] or r["assoc_actor_2"] for r in rows)
    changes = _csv(folder / "changes.csv")
    assert {r["change"] for r in changes} == {"added"} and len(changes) == 6


def test_manifest_and_index(seed):
    folder = seed["folder"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["version"] == V1 and manifest["schema_version"] == "1.0.0"
    assert manifest["previous_version"] is None and manifest["gate"]["passed"] is True
    for name in DATA_FILES:
        assert manifest["files"][name]["sha256"] == _sha(folder / name)
    index = json.loads((seed["store"] / "index.json").read_text())
    assert [r["version"] for r in index["releases"]] == [V1]
    assert index["releases"][0]["manifest_sha256"] == _sha(folder / "manifest.json")
    proc = run_cedar("release", "list", "--store", str(seed["store"]), "--format", "json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["releases"][0]["version"] == V1


def test_datapackage_is_valid_for_frictionless(seed):
    from frictionless import validate

    report = validate(str(seed["folder"] / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    package = json.loads((seed["folder"] / "datapackage.json").read_text())
    for res in package["resources"]:
        assert res["hash"] == "sha256:" + _sha(seed["folder"] / res["path"])
        assert res["bytes"] == (seed["folder"] / res["path"]).stat().st_size
    described = {r["path"] for r in package["resources"]}
    files = {p.relative_to(seed["folder"]).as_posix() for p in seed["folder"].rglob("*") if p.is_file()}
    assert described == {f for f in files if not f.startswith("validation/")} - {
        "datapackage.json", "manifest.json", "SHA256SUMS", "CITATION.cff"}


def test_html_report_is_self_contained(seed):
    text = (seed["folder"] / "validation" / "report.html").read_text(encoding="utf-8")
    assert "PASSED" in text and "sub-event-not-in-type" in text
    lowered = text.lower()
    assert "http://" not in lowered and "https://" not in lowered
    for tag in ("<script", "<link", "<img", "@import", "url("):
        assert tag not in lowered


def test_second_build_of_a_published_version_is_refused(seed):
    index_before = (seed["store"] / "index.json").read_bytes()
    sums_before = (seed["folder"] / "SHA256SUMS").read_bytes()
    proc = run_cedar("release", "build", V1, "--db", str(seed["db"]), "--store", str(seed["store"]))
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "Traceback" not in proc.stderr
    assert (seed["store"] / "index.json").read_bytes() == index_before
    assert (seed["folder"] / "SHA256SUMS").read_bytes() == sums_before


def test_same_store_built_twice_gives_identical_data_files(seed, tmp_path):
    from cedar.releases.build import build_release

    other = build_release(V1, seed["db"], tmp_path / "other-store")
    assert other.passed
    for name in DATA_FILES:
        assert _sha(other.folder / name) == _sha(seed["folder"] / name), name
    a = json.loads((seed["folder"] / "manifest.json").read_text())
    b = json.loads((other.folder / "manifest.json").read_text())
    for name in DATA_FILES:
        assert a["files"][name] == b["files"][name]


def test_version_must_be_yyyy_mm_n_and_go_up(seed):
    proc = run_cedar("release", "build", "v1", "--db", str(seed["db"]), "--store", str(seed["store"]))
    assert proc.returncode == 2 and "YYYY.MM.N" in proc.stderr
    proc = run_cedar("release", "build", "2026.10.5", "--db", str(seed["db"]), "--store", str(seed["store"]))
    assert proc.returncode == 2 and "sort before" in proc.stderr


# --- the gate fails: nothing published -----------------------------------------------------------

def _copy_seed(seed, tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "cedar.duckdb"
    shutil.copy(seed["db"], db)
    store = tmp_path / "releases"
    shutil.copytree(seed["store"], store)
    return db, store


def _nothing_published(store: Path, version: str, index_before: bytes) -> None:
    assert not (store / version).exists()
    assert (store / "index.json").read_bytes() == index_before
    assert not [p for p in store.iterdir() if p.name.startswith(".tmp")]


def test_planted_bad_rows_fail_the_gate_and_publish_nothing(seed, tmp_path):
    db, store = _copy_seed(seed, tmp_path)
    execute(db, "UPDATE event_current SET latitude = 123 WHERE event_id = 'CDR-AZE-2'",
            "UPDATE event_current SET sub_event_type = 'Peaceful protest' WHERE event_id = 'CDR-AZE-4'")
    before = (store / "index.json").read_bytes()
    proc = run_cedar("release", "build", V2, "--db", str(db), "--store", str(store), "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    _nothing_published(store, V2, before)
    result = json.loads(proc.stdout)
    assert result["published"] is False
    found = {(p["code"], p["field"]): p["value"] for p in result["gate"]["problems"]}
    assert found[("out-of-range", "latitude")] == ["CDR-AZE-2"]
    assert found[("sub-event-not-in-type", "event_type, sub_event_type")] == ["CDR-AZE-4"]
    report = Path(result["rejected_report"]).read_text(encoding="utf-8")
    assert "FAILED" in report and "CDR-AZE-2" in report and "CDR-AZE-4" in report


def test_gate_failure_in_text_names_expectation_and_event(seed, tmp_path):
    from cedar.releases.build import build_release
    from cedar.validate.render import render_text

    db, store = _copy_seed(seed, tmp_path)
    execute(db, "UPDATE event_current SET fatalities_low = 50, fatalities = 3 WHERE event_id = 'CDR-AZE-3'",
            "UPDATE event_current SET event_date = DATE '2099-01-01' WHERE event_id = 'CDR-AZE-5'")
    before = (store / "index.json").read_bytes()
    result = build_release(V2, db, store)
    assert not result.passed
    _nothing_published(store, V2, before)
    text = render_text(result.gate.report)
    assert "fatalities-out-of-order" in text and "CDR-AZE-3" in text
    assert "date-in-future" in text and "CDR-AZE-5" in text


def test_dataset_expectations_catch_history_tampering(seed, tmp_path):
    """A deleted id still present, an event gone without a deletion, fatalities changed without a
    new version: each planted past ingest, each named by the gate."""
    from cedar.releases.build import build_release

    db, store = _copy_seed(seed, tmp_path)
    execute(db,
            "INSERT INTO deletions VALUES ('CDR-AZE-1', 1, 'duplicate', TIMESTAMP '2026-11-02 00:00:00', 'x')",
            "DELETE FROM event_current WHERE event_id = 'CDR-AZE-6'",
            "UPDATE event_current SET fatalities = 99 WHERE event_id = 'CDR-AZE-2'")
    before = (store / "index.json").read_bytes()
    result = build_release(V2, db, store)
    assert not result.passed
    _nothing_published(store, V2, before)
    failed = {p.code: p.value for p in result.gate.report.problems}
    assert failed["deleted-id-present"] == ["CDR-AZE-1"]
    assert failed["previous-event-missing"] == ["CDR-AZE-6"]
    assert failed["fatalities-changed-without-version"] == ["CDR-AZE-2"]
    assert "fatality-total-jump" in failed


def test_an_in_place_change_of_any_published_field_fails_the_gate(seed, tmp_path):
    """Actors, date and place changed, and a source renamed, with the version kept: each event is
    named by the gate with the fields that changed, and nothing is published (changes.csv would have
    said nothing of them)."""
    from cedar.releases.build import build_release

    db, store = _copy_seed(seed, tmp_path)
    execute(db, "UPDATE event_current SET actor1 = 'Military Forces of Armenia (1991-)', "
                "assoc_actor_1 = ['Someone else'] WHERE event_id = 'CDR-AZE-1'",
            "UPDATE event_current SET event_date = event_date - 1 WHERE event_id = 'CDR-AZE-2'",
            "UPDATE event_current SET location = 'Shusha', latitude = latitude + 0.01 WHERE event_id = 'CDR-AZE-3'",
            "UPDATE event_sources SET name = 'Another outlet' WHERE event_id = 'CDR-AZE-4'")
    before = (store / "index.json").read_bytes()
    result = build_release(V2, db, store)
    assert not result.passed
    _nothing_published(store, V2, before)
    [outcome] = [o for o in result.gate.outcomes if o.spec.code == "changed-without-version"]
    assert outcome.sample_ids == ["CDR-AZE-1", "CDR-AZE-2", "CDR-AZE-3", "CDR-AZE-4"]
    assert outcome.failing_rows_sql and "unchanged" in outcome.failing_rows_sql
    assert "fatalities-changed-without-version" not in {p.code for p in result.gate.report.problems}


# --- a second release: changes, deletions, diff, CSV injection -----------------------------------

@pytest.fixture(scope="module")
def second(seed, tmp_path_factory):
    """A second release after real submissions: CDR-AZE-2 updated, CDR-AZE-3 deleted with a reason, CDR-AZE-7
    added; text a spreadsheet would run planted in the update and the new event."""
    from cedar.releases.build import build_release

    root = tmp_path_factory.mktemp("second-release")
    db = root / "cedar.duckdb"
    shutil.copy(seed["db"], db)
    store = root / "releases"
    shutil.copytree(seed["store"], store)
    shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, root / SEED_DOCUMENT)
    events = json.loads(seed_path().read_text(encoding="utf-8"))
    update = dict(events[1], event_id="CDR-AZE-2", fatalities=4, fatalities_low=2, fatalities_high=6,
                  notes='=HYPERLINK("x","click")', location="-Stepanakert")
    added = dict(events[0], ref="karabakh-7", verification_note="@SUM(1)", event_date="2023-09-20")
    (root / "changes.json").write_text(json.dumps([update, added], ensure_ascii=False), encoding="utf-8")
    out = cedar_ok("ingest", "--db", str(db), str(root / "changes.json"))
    assert "karabakh-7 -> CDR-AZE-7" in out, out
    (root / "gone.csv").write_text("event_id,reason\nCDR-AZE-3,duplicate of CDR-AZE-2\n", encoding="utf-8")
    cedar_ok("ingest", "--db", str(db), "--deletions", str(root / "gone.csv"))
    (store / ".tmp-2026.11.9-1" / "validation").mkdir(parents=True)  # left by a killed build
    result = build_release(V2, db, store)
    assert result.passed, result.gate.report.to_dict()["problems"]
    return {"db": db, "store": store, "folder": store / V2, "result": result}


def test_second_release_records_changes_and_deletions(second):
    folder = second["folder"]
    changes = {r["event_id"]: (r["change"], r["version"], r["previous_version"]) for r in _csv(folder / "changes.csv")}
    assert changes == {"CDR-AZE-2": ("updated", "2", "1"), "CDR-AZE-3": ("deleted", "", "1"),
                       "CDR-AZE-7": ("added", "1", "")}
    assert _csv(folder / "deletions.csv") == [
        {"event_id": "CDR-AZE-3", "deleted_in": V2, "last_version": "1", "reason": "duplicate of CDR-AZE-2"}]
    index = json.loads((second["store"] / "index.json").read_text())
    assert [r["version"] for r in index["releases"]] == [V2, V1]
    assert not list(second["store"].glob(".tmp-*"))
    assert json.loads((folder / "manifest.json").read_text())["previous_version"] == V1
    con = duckdb.connect(str(second["db"]), read_only=True)
    assert con.execute("SELECT version, previous FROM releases WHERE version = ?", [V2]).fetchone() == (V2, V1)
    con.close()


def test_release_diff_and_list(second):
    proc = run_cedar("release", "diff", V1, V2, "--store", str(second["store"]), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    diff = json.loads(proc.stdout)
    assert diff["counts"] == {"added": 1, "updated": 1, "deleted": 1, "unchanged": 4}
    assert (diff["added"], diff["updated"], diff["deleted"]) == (["CDR-AZE-7"], ["CDR-AZE-2"], ["CDR-AZE-3"])
    proc = run_cedar("release", "list", "--store", str(second["store"]))
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert lines[1].startswith(V2) and lines[2].startswith(V1)
    proc = run_cedar("release", "diff", V1, "2026.12.1", "--store", str(second["store"]))
    assert proc.returncode == 2 and "not published" in proc.stderr


def test_csv_neutralises_formulas_and_parquet_keeps_exact_values(second):
    folder = second["folder"]
    rows = {r["event_id"]: r for r in _csv(folder / "events.csv")}
    assert rows["CDR-AZE-2"]["notes"] == "'=HYPERLINK(\"x\",\"click\")"
    assert rows["CDR-AZE-2"]["location"] == "'-Stepanakert"
    assert rows["CDR-AZE-7"]["verification_note"] == "'@SUM(1)"
    assert float(rows["CDR-AZE-2"]["longitude"]) == 46.7519  # numbers stay numbers
    assert rows["CDR-AZE-2"]["fatalities"] == "4"
    exact = dict(duckdb.connect().execute(
        f"SELECT event_id, notes FROM read_parquet('{folder / 'events.parquet'}')").fetchall())
    assert exact["CDR-AZE-2"] == '=HYPERLINK("x","click")'
    codebook = (folder / "codebook.md").read_text(encoding="utf-8")
    assert "CSV injection" in codebook


def test_a_third_release_may_not_bring_back_a_deleted_id(second, tmp_path):
    from cedar.releases.build import build_release

    db = tmp_path / "cedar.duckdb"
    shutil.copy(second["db"], db)
    store = tmp_path / "releases"
    shutil.copytree(second["store"], store)
    # the deletion of CDR-AZE-3 vanishes from the store and CDR-AZE-3 comes back
    execute(db, "DELETE FROM deletions WHERE event_id = 'CDR-AZE-3'",
            "INSERT INTO event_current SELECT * REPLACE ('CDR-AZE-3' AS event_id) FROM event_current "
            "WHERE event_id = 'CDR-AZE-1'")
    before = (store / "index.json").read_bytes()
    result = build_release("2026.11.3", db, store)
    assert not result.passed
    _nothing_published(store, "2026.11.3", before)
    assert {p.code: p.value for p in result.gate.report.problems}["deleted-id-reused"] == ["CDR-AZE-3"]


def test_gate_reports_no_failing_rows_for_passed_row_expectations_and_counts_failed_ones(seed, tmp_path):
    """Row-by-row expectations run for their success first and again only when they fail: a passed one
    reports no failing rows, a failed one its count and ids, and gx-results.json lists every expectation
    once, in the suite's order."""
    results = json.loads((seed["folder"] / "validation" / "results.json").read_text(encoding="utf-8"))
    row_kinds = {"ExpectColumnValuesToNotBeNull", "ExpectColumnValuesToBeInSet", "ExpectColumnValuesToBeBetween",
                 "ExpectColumnValuesToBeUnique", "ExpectCompoundColumnsToBeUnique",
                 "ExpectColumnPairValuesAToBeGreaterThanB"}
    passed = [x for x in results["expectations"] if x["expectation"] in row_kinds]
    assert passed and all(x["success"] and x["unexpected_count"] == 0 for x in passed)
    raw = json.loads((seed["folder"] / "validation" / "gx-results.json").read_text(encoding="utf-8"))
    for table, entry in raw.items():
        indexes = [r["expectation_config"]["meta"]["cedar_index"] for r in entry["results"]]
        assert indexes == list(range(len(indexes))), table
        assert entry["statistics"]["evaluated_expectations"] == len(indexes)
    assert sum(len(e["results"]) for e in raw.values()) == len(results["expectations"])

    db, store = _copy_seed(seed, tmp_path)
    execute(db, "UPDATE event_current SET latitude = 123 WHERE event_id IN ('CDR-AZE-2', 'CDR-AZE-3')")
    proc = run_cedar("release", "build", V2, "--db", str(db), "--store", str(store), "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    failed = {x["code"]: x for x in json.loads(proc.stdout)["gate"]["expectations"] if not x["success"]}
    assert set(failed) == {"out-of-range", "changed-without-version"}  # changed in place, at the same version
    assert (failed["out-of-range"]["unexpected_count"], failed["out-of-range"]["sample_event_ids"]) == (
        2, ["CDR-AZE-2", "CDR-AZE-3"])
