"""Licences in releases: a store holding ACLED's rows is refused at release build unless the release is
named private; a private release is marked so; datapackage.json carries licenses, sources and a
citation; each release carries a CITATION.cff naming its manifest's hash; the gate checks the terms."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from conftest import ACLED, run_cedar
from release_support import execute, ingest_store
from test_licences import ged_rows, import_into

from cedar.releases.manifest import sha256_file
from cedar.validate import expectations as ex

V1, V2 = "2026.11.1", "2026.11.2"


@pytest.fixture(scope="module")
def acled_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("acled")
    db = ingest_store(folder / "cedar.duckdb")
    import_into(db, "acled", ACLED)
    return db


def build(db: Path, releases: Path, version: str = V1, *extra: str):
    proc = run_cedar("release", "build", version, "--db", str(db), "--releases", str(releases), *extra)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_a_store_holding_acled_rows_is_refused_and_nothing_is_published(acled_store, tmp_path):
    releases = tmp_path / "releases"
    proc = build(acled_store, releases)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # why: ACLED's terms; what to do: a private release, or a store without them
    assert "ACLED's terms of use (acled)" in proc.stderr and "forbid redistributing" in proc.stderr
    assert f"cedar release build {V1} --private" in proc.stderr and "--deletions" in proc.stderr
    assert "e.g. CDR-ARG-1, CDR-ARG-2, CDR-ARG-3:" in proc.stderr
    assert not (releases / V1).exists() and not (releases / "index.json").exists()
    assert not any(p.name.startswith(".tmp-") for p in releases.iterdir()) if releases.exists() else True


def test_private_builds_and_is_marked_in_manifest_index_and_datapackage(acled_store, tmp_path):
    releases = tmp_path / "private"
    proc = build(acled_store, releases, V1, "--private", "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    assert result["private"] is True and result["licensors"]["acled"] > 0 and result["licensors"]["cedar"] == 6
    index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
    assert index["releases"][0]["private"] is True
    listed = run_cedar("release", "list", "--releases", str(releases))
    assert listed.returncode == 0 and listed.stdout.splitlines()[1].endswith("  private"), listed.stdout
    folder = releases / V1
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["private"] is True and manifest["licensors"] == result["licensors"]
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["private"] is True
    assert [lic["name"] for lic in package["licenses"]] == ["CC-BY-4.0", "LicenseRef-ACLED-Terms"]
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    acled = next(s for s in package["sources"] if s["licensor"] == "acled")
    assert acled["redistributable"] is False and "Raleigh" in acled["citation"]
    assert acled["events"] == result["licensors"]["acled"]
    with (folder / "events.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    held = [r for r in rows if r["licensor"] == "acled"]
    assert len(held) == acled["events"] and {r["licence"] for r in held} == {"LicenseRef-ACLED-Terms"}
    assert all(r["external_ids"].startswith("acled:") for r in held)
    # the gate ran without the publishing expectation, and with the terms' consistency
    results = json.loads((folder / "validation" / "results.json").read_text(encoding="utf-8"))
    names = json.dumps(results)
    assert "licence-mismatch" in names and "not-redistributable" not in names


def test_a_public_release_of_ucdp_rows_carries_cc_by_and_ucdps_citation(tmp_path):
    db = ingest_store(tmp_path / "cedar.duckdb")
    import_into(db, "ucdp", ged_rows(tmp_path, 12))
    releases = tmp_path / "releases"
    proc = build(db, releases)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = releases / V1
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    entry = json.loads((releases / "index.json").read_text(encoding="utf-8"))["releases"][0]
    assert "private" not in package and "private" not in entry
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                    "title": "Creative Commons Attribution 4.0 International"}]
    by = {s["licensor"]: s for s in package["sources"]}
    assert set(by) == {"ucdp-ged", "cedar"}
    assert by["ucdp-ged"]["license"] == "CC-BY-4.0" and by["ucdp-ged"]["events"] == 12
    assert "Sundberg" in by["ucdp-ged"]["citation"] and "10.1177/0022343313484347" in by["ucdp-ged"]["citation"]
    assert by["ucdp-ged"]["path"] == "https://ucdp.uu.se/downloads/"
    assert f"release {V1}" in package["citation"]
    results = json.dumps(json.loads((folder / "validation" / "results.json").read_text(encoding="utf-8")))
    assert "not-redistributable" in results  # a public release's gate checks the terms
    cff = (folder / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{V1}"' in cff and f"sha256:{sha256_file(folder / 'manifest.json')}" in cff
    assert "UCDP Georeferenced Event Dataset" in cff
    assert "CITATION.cff" in (folder / "SHA256SUMS").read_text(encoding="utf-8")


def test_the_gate_fails_a_release_whose_licensor_disagrees_with_external_ids(acled_store, tmp_path):
    db = tmp_path / "changed.duckdb"
    db.write_bytes(acled_store.read_bytes())
    # a store changed past ingest: ACLED's rows claim Cedar's terms, so the quick refusal does not see them
    execute(db, "UPDATE event_current SET licensor = 'cedar', licence = 'CC-BY-4.0' "
                "WHERE list_contains(list_transform(external_ids, lambda x: split_part(x, ':', 1)), 'acled')")
    releases = tmp_path / "releases"
    proc = build(db, releases, V1, "--format", "json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    problems = json.loads(proc.stdout)["gate"]["problems"]
    assert any(p["code"] == "licence-mismatch" for p in problems)
    assert not (releases / V1).exists()


def test_the_publishing_expectation_fails_on_acled_rows_and_passes_when_private():
    from cedar.validate.gate import run_gate

    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT * FROM (VALUES ('CDR-ARG-1', 'acled', 'LicenseRef-ACLED-Terms', "
                "['acled:ARG1']), ('CDR-ARG-2', 'cedar', 'CC-BY-4.0', []::VARCHAR[])) "
                "t(event_id, licensor, licence, external_ids)")
    public = run_gate(con, ex.licence_specs(private=False))
    failed = [o for o in public.outcomes if not o.success]
    assert [o.spec.code for o in failed] == ["not-redistributable"], [o.spec.name for o in failed]
    assert run_gate(con, ex.licence_specs(private=True)).passed


def test_download_brings_the_citation_checked_against_sha256sums(tmp_path):
    db = ingest_store(tmp_path / "cedar.duckdb")
    releases = tmp_path / "releases"
    assert build(db, releases).returncode == 0
    proc = run_cedar("download", V1, "--releases", str(releases), "--to", str(tmp_path / "copy"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (tmp_path / "copy" / V1 / "CITATION.cff").read_bytes() == (releases / V1 / "CITATION.cff").read_bytes()
    (releases / V1 / "CITATION.cff").write_text("tampered\n", encoding="utf-8")
    proc = run_cedar("download", V1, "--releases", str(releases), "--to", str(tmp_path / "again"))
    assert proc.returncode == 1 and "does not match SHA256SUMS" in proc.stderr, proc.stdout + proc.stderr


def test_a_release_after_one_without_licence_columns_keeps_its_events_unchanged(tmp_path):
    """A previous release built before events carried licensor and licence: the new columns have nothing
    to be compared with, so no event counts as changed in place."""
    db = ingest_store(tmp_path / "cedar.duckdb")
    releases = tmp_path / "releases"
    assert build(db, releases).returncode == 0
    events = releases / V1 / "events.parquet"
    con = duckdb.connect()
    con.execute(f"COPY (SELECT * EXCLUDE (licensor, licence) FROM read_parquet('{events}')) "
                f"TO '{tmp_path / 'old.parquet'}' (FORMAT parquet)")
    con.close()
    events.write_bytes((tmp_path / "old.parquet").read_bytes())
    proc = build(db, releases, V2, "--format", "json")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    result = json.loads(proc.stdout)
    assert result["changes"] == {"added": 0, "updated": 0, "deleted": 0, "unchanged": 6}
