"""`cedar cite`: a release's citation as text, BibTeX and CFF, from a release store, over HTTP and from a
downloaded copy, the same as the CITATION.cff the release carries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cedar
from release_server import serving
from release_support import ingest_store
from test_licences import ged_rows, import_into

from cedar.releases.manifest import sha256_file

V1 = "2026.11.1"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A release store with one release: the seed and a few UCDP GED rows."""
    folder = tmp_path_factory.mktemp("cite")
    db = ingest_store(folder / "cedar.duckdb")
    import_into(db, "ucdp", ged_rows(folder, 8))
    releases = folder / "releases"
    proc = run_cedar("release", "build", V1, "--db", str(db), "--releases", str(releases))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return releases


def cite(*args: str) -> str:
    proc = run_cedar("cite", *args)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stdout + proc.stderr
    return proc.stdout


def test_text_names_version_date_manifest_hash_and_ucdps_citation(released):
    text = cite(V1, "--releases", str(released))
    sha = sha256_file(released / V1 / "manifest.json")
    created = json.loads((released / V1 / "manifest.json").read_text(encoding="utf-8"))["created"]
    assert f"release {V1} ({created[:10]})" in text and sha in text
    assert "UCDP Georeferenced Event Dataset (GED) (8 events, CC-BY-4.0): Sundberg" in text
    assert cite("--releases", str(released)) == text  # latest


def test_bibtex_is_balanced_and_keyed_by_version(released):
    bib = cite(V1, "--releases", str(released), "--format", "bibtex")
    entries = re.findall(r"^@misc\{([a-z0-9_]+),$", bib, re.M)
    assert entries == ["cedar_2026_11_1", "cedar_2026_11_1_ucdp_ged"]
    assert bib.count("{") == bib.count("}")
    depth = 0
    for ch in bib:  # never closes more than it opened
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert "version = {2026.11.1}" in bib and sha256_file(released / V1 / "manifest.json") in bib


def test_cff_is_the_release_citation_file_and_parses(released):
    cff = cite(V1, "--releases", str(released), "--format", "cff")
    assert cff == (released / V1 / "CITATION.cff").read_text(encoding="utf-8")
    yaml = pytest.importorskip("yaml")
    data = yaml.safe_load(cff)
    assert data["cff-version"] == "1.2.0" and data["type"] == "dataset" and data["version"] == V1
    assert data["authors"] == [{"name": "Cedar contributors"}] and data["message"]
    assert data["identifiers"][0]["value"] == "sha256:" + sha256_file(released / V1 / "manifest.json")
    assert str(data["date-released"]) == json.loads((released / V1 / "manifest.json").read_text())["created"][:10]
    assert [r["title"] for r in data["references"]] == ["UCDP Georeferenced Event Dataset (GED)"]
    assert data["references"][0]["license"] == "CC-BY-4.0"


def test_cite_reads_a_url_and_a_downloaded_copy_alike(released, tmp_path):
    text = cite(V1, "--releases", str(released))
    with serving(released) as server:
        assert cite(V1, "--releases", server.url) == text
    copy = tmp_path / "copy"
    proc = run_cedar("download", V1, "--releases", str(released), "--to", str(copy))
    assert proc.returncode == 0, proc.stderr
    assert cite("--releases", str(copy)) == text
    assert cite("--releases", str(copy / V1), "--format", "cff") == (copy / V1 / "CITATION.cff").read_text()


def test_a_version_not_published_or_a_damaged_manifest_is_refused(released, tmp_path):
    proc = run_cedar("cite", "2026.12.1", "--releases", str(released))
    assert proc.returncode == 2 and "2026.12.1" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cedar("cite", "v1", "--releases", str(released))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "index.json").write_bytes((released / "index.json").read_bytes())
    (damaged / V1).mkdir()
    (damaged / V1 / "manifest.json").write_text("{}", encoding="utf-8")
    proc = run_cedar("cite", "--releases", str(damaged))
    assert proc.returncode == 1 and "does not match index.json" in proc.stderr, proc.stderr
