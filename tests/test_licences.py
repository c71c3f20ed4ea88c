"""Licences: the code's LICENSE and CITATION.cff, and the licensor and licence every event carries,
derived from its external ids at ingest and import, and filled in for a store made before them."""

from __future__ import annotations

import csv
import re
import tomllib
from pathlib import Path

import duckdb
from conftest import ACLED, GDELT, GED, REPO, run_cedar
from release_support import cedar_ok, ingest_store
from store_helpers import query

import cedar
from cedar.ingest.ids import STORE_VERSION
from cedar.schema import licences
from cedar.schema.derive import complete


def ged_rows(folder: Path, n: int = 20) -> Path:
    """The first `n` rows of the GED sample, as a file of their own (a whole import takes seconds)."""
    with GED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[: n + 1]
    path = folder / "ged-part.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def import_into(db: Path, dataset: str, path: Path) -> None:
    proc = run_cedar("import", dataset, str(path), "--ingest", "--db", str(db),
                     "--out", str(db.parent / f"{dataset}.jsonl"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_code_is_under_the_mit_licence_that_pyproject_names():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Cedar contributors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    assert tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"] == "MIT"


def test_the_toolchains_citation_names_the_packages_version():
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", cff, re.M)
    assert re.search(rf'^version: "{re.escape(cedar.__version__)}"$', cff, re.M)
    assert re.search(r"^license: MIT$", cff, re.M) and "type: software" in cff


def test_the_most_restrictive_terms_an_event_names_apply():
    assert licences.licensor_of([]) == "cedar"
    assert licences.licensor_of(["ucdp-ged:48528"]) == "ucdp-ged"
    assert licences.licensor_of(["UCDP-GED:48528", " gdelt:669666350"]) == "gdelt"
    assert licences.licensor_of(["ucdp-ged:1", "acled:ARG10607"]) == "acled"
    assert licences.licensor_of(["gtd:201701010001"]) == "cedar"  # a cross-reference, not a source of terms
    assert [licences.licence_of(t.licensor) for t in licences.TERMS] == [
        "LicenseRef-ACLED-Terms", "LicenseRef-GDELT-Terms", "CC-BY-4.0", "CC-BY-4.0"]
    assert licences.REDISTRIBUTABLE == ("gdelt", "ucdp-ged", "cedar")


def test_the_sql_form_derives_what_python_derives():
    cases = [[], ["ucdp-ged:1"], ["GDELT:2", "ucdp-ged:1"], ["acled:ARG1", "gdelt:2"], ["gtd:3"], ["no colon"]]
    con = duckdb.connect()
    for ids in cases:
        licensor = licences.licensor_sql("$ids")
        got = con.execute(f"SELECT {licensor}, {licences.licence_sql(licensor)}", {"ids": ids}).fetchone()
        assert got == (licences.licensor_of(ids), licences.licence_of(licences.licensor_of(ids))), ids


def test_derivation_fills_both_columns():
    seed = {"sub_event_type": "Armed clash", "event_type": "Battles", "inter1": 1, "inter2": 2}
    assert complete({**seed, "external_ids": ["acled:ARG1"]}, [])["licence"] == "LicenseRef-ACLED-Terms"
    done = complete(seed, [])
    assert (done["licensor"], done["licence"]) == ("cedar", "CC-BY-4.0")


def test_the_store_holds_each_events_licence_from_where_it_came(tmp_path):
    db = ingest_store(tmp_path / "cedar.duckdb")
    import_into(db, "ucdp", ged_rows(tmp_path))
    import_into(db, "acled", ACLED)
    import_into(db, "gdelt", GDELT)
    rows = query(db, "SELECT licensor, licence, count(*) AS n, "
                     "count(*) FILTER (WHERE len(external_ids) = 0) AS own FROM events GROUP BY ALL ORDER BY licensor")
    by = {r["licensor"]: r for r in rows}
    assert set(by) == {"acled", "cedar", "ucdp-ged", "gdelt"}
    assert by["gdelt"]["licence"] == "LicenseRef-GDELT-Terms" and by["gdelt"]["n"] > 0
    assert by["cedar"]["licence"] == "CC-BY-4.0" and by["cedar"]["n"] == by["cedar"]["own"] == 6
    assert by["ucdp-ged"]["licence"] == "CC-BY-4.0" and by["ucdp-ged"]["n"] > 0
    assert by["acled"]["licence"] == "LicenseRef-ACLED-Terms" and by["acled"]["n"] > 0
    assert query(db, "SELECT count(*) AS n FROM event_history WHERE licence IS NULL") == [{"n": 0}]


def test_a_submitted_licence_that_contradicts_external_ids_is_refused(tmp_path):
    from store_helpers import seed_events, write_events

    event = dict(seed_events()[0], external_ids=["acled:ARG10607"], licensor="cedar", licence="CC-BY-4.0")
    proc = run_cedar("check", str(write_events(tmp_path, "e.json", [event])))
    assert proc.returncode == 1 and "licence-mismatch" in proc.stdout, proc.stdout + proc.stderr
    assert "external_ids, which give 'acled'" in proc.stdout


def test_a_store_made_before_the_licence_columns_gets_them_filled(tmp_path):
    db = ingest_store(tmp_path / "cedar.duckdb")
    import_into(db, "ucdp", ged_rows(tmp_path, 5))
    con = duckdb.connect(str(db))
    for table in ("event_current", "event_history"):  # the layout of a store of layout 2
        con.execute(f"CREATE TABLE {table}_old AS SELECT * EXCLUDE (licensor, licence) FROM {table}")
        con.execute(f"DROP TABLE {table} CASCADE")
        con.execute(f"ALTER TABLE {table}_old RENAME TO {table}")
    con.execute("UPDATE store_meta SET value = '2' WHERE key = 'store_version'")
    con.close()
    rows = query(db, "SELECT licensor, count(*) AS n FROM event_current GROUP BY ALL ORDER BY ALL")
    assert rows == [{"licensor": "cedar", "n": 6}, {"licensor": "ucdp-ged", "n": 5}]
    assert query(db, "SELECT value FROM store_meta WHERE key = 'store_version'") == [{"value": str(STORE_VERSION)}]
    assert query(db, "SELECT count(*) AS n FROM event_history WHERE licence IS NULL") == [{"n": 0}]
    cedar_ok("init", "--db", str(db))  # views made again over the migrated tables
    assert query(db, "SELECT count(*) AS n FROM events WHERE licence = 'CC-BY-4.0'") == [{"n": 11}]
