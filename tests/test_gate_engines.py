"""The gate on DuckDB and the gate on Spark agree: over one staged store with planted faults they
fail exactly the same expectations with the same failing event ids, and both pass the same clean
store. Spark runs in local mode, one session for the module."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from release_support import execute, ingest_store

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("the gate on Spark needs Java (17)", allow_module_level=True)

from cedar.releases import gating, snapshot  # noqa: E402
from cedar.releases.build import build_release  # noqa: E402
from cedar.releases.gating import GateEngine  # noqa: E402
from cedar.validate import gx_spark  # noqa: E402

V1, V2 = "2026.11.1", "2026.11.2"
CREATED = "2026-11-20T00:00:00Z"


@pytest.fixture(scope="module")
def spark():
    session = gx_spark.start_spark()
    yield session
    session.stop()


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The seed's store with two releases: the second deletes CDR-AZE-6 (so its id may not come back)."""
    root = tmp_path_factory.mktemp("engines")
    db = ingest_store(root / "cedar.duckdb")
    releases = root / "releases"
    assert build_release(V1, db, releases).passed
    execute(db, "INSERT INTO deletions VALUES ('CDR-AZE-6', 1, 'duplicate of CDR-AZE-5', "
                "TIMESTAMP '2026-11-02 00:00:00', 'test')",
            "DELETE FROM event_current WHERE event_id = 'CDR-AZE-6'")
    assert build_release(V2, db, releases).passed
    return db, releases


def _gate(db: Path, releases: Path, work: Path, engine: GateEngine, plant: tuple[str, ...] = ()):
    """The gate of the next release of `db` against V2, run by `engine` on a staging database of its own;
    `plant` changes the staged tables first (what the store itself cannot hold)."""
    con = snapshot.open_work(work)
    try:
        snapshot.stage_store(con, db)
        prev = snapshot.stage_previous(con, releases, {"version": V2})
        snapshot.stage_changes(con)
        for stmt in plant:
            con.execute(stmt)
        return gating.run_release_gate(con, True, [r["event_id"] for r in prev], CREATED, engine=engine)
    finally:
        con.close()


def _failures(gate) -> dict[tuple[str, str, str], tuple[int | None, list[str]]]:
    return {(o.spec.code, o.spec.table, o.spec.description): (o.unexpected_count, o.sample_ids)
            for o in gate.outcomes if not o.success}


def test_both_engines_pass_the_clean_store_and_fail_the_same_planted_faults(stores, spark, tmp_path):
    db, releases = stores
    clean = {name: _gate(db, releases, tmp_path / f"clean-{name}", GateEngine(name)) for name in ("duckdb", "spark")}
    for name, gate in clean.items():
        assert gate.passed, (name, _failures(gate))
    assert "Spark" in clean["spark"].report.extra["engine"]
    assert len(clean["spark"].outcomes) == len(clean["duckdb"].outcomes)

    faulty = tmp_path / "faulty.duckdb"
    shutil.copy(db, faulty)
    execute(faulty,
            "UPDATE event_current SET disorder_type = 'Unrest' WHERE event_id = 'CDR-AZE-1'",  # out of vocabulary
            "UPDATE event_current SET iso3 = 'XYZ' WHERE event_id = 'CDR-AZE-3'",  # not an ISO code: a large set
            "UPDATE event_current SET fatalities_low = 50, fatalities = 3 WHERE event_id = 'CDR-AZE-4'",
            "UPDATE event_current SET event_date = DATE '2099-01-01' WHERE event_id = 'CDR-AZE-5'",  # after release
            "INSERT INTO deletions VALUES ('CDR-AZE-1', 1, 'x', TIMESTAMP '2026-11-03 00:00:00', 'test')",
            "INSERT INTO event_current SELECT * FROM event_history WHERE event_id = 'CDR-AZE-6'",  # deleted, back
            "DELETE FROM deletions WHERE event_id = 'CDR-AZE-6'")
    # what the store's keys and views never give: a duplicate id, a claim without its event
    plant = ("INSERT INTO events SELECT * FROM events WHERE event_id = 'CDR-AZE-2'",
             "INSERT INTO claims SELECT 'CDR-AZE-99' AS event_id, * EXCLUDE (event_id) FROM claims "
             "WHERE event_id = 'CDR-AZE-1' LIMIT 1")
    failed = {name: _failures(_gate(faulty, releases, tmp_path / f"faulty-{name}", GateEngine(name), plant))
              for name in ("duckdb", "spark")}
    assert failed["spark"] == failed["duckdb"]
    codes = {code: ids for (code, _, _), (_, ids) in failed["duckdb"].items()}
    assert codes["not-in-vocabulary"] in (["CDR-AZE-1"], ["CDR-AZE-3"])
    assert codes["duplicate-event-id"] == ["CDR-AZE-2"]
    assert codes["fatalities-out-of-order"] == ["CDR-AZE-4"]
    assert codes["date-in-future"] == ["CDR-AZE-5"]
    assert codes["deleted-id-present"] == ["CDR-AZE-1"]
    assert codes["deleted-id-reused"] == ["CDR-AZE-6"]
    assert codes["unknown-event"] == ["CDR-AZE-99"]
    by_column = {desc.split(" ")[0]: ids for (code, _, desc), (_, ids) in failed["duckdb"].items()
                 if code == "not-in-vocabulary"}
    assert by_column["disorder_type"] == ["CDR-AZE-1"] and by_column["iso3"] == ["CDR-AZE-3"]


def test_a_partitioned_build_gated_on_spark_writes_the_same_files(stores, spark, tmp_path):
    """`build_release(engine=spark)` over a partitioned release: the gate reads the partition files, passes,
    and the release's data files are those of the build gated by DuckDB; results.json names the engine."""
    db, releases = stores
    built = {}
    for name in ("duckdb", "spark"):
        store = tmp_path / name
        shutil.copytree(releases, store)
        result = build_release("2026.11.3", db, store, created=CREATED, partition="always", engine=GateEngine(name))
        assert result.passed, _failures(result.gate)
        manifest = json.loads((store / "2026.11.3" / "manifest.json").read_text(encoding="utf-8"))
        built[name] = {path: f["sha256"] for path, f in manifest["files"].items()
                       if not path.startswith("validation/") and path != "CITATION.cff"}  # these name the engine
        results = json.loads((store / "2026.11.3" / "validation" / "results.json").read_text(encoding="utf-8"))
        assert ("Spark" in results["engine"]) == (name == "spark"), results["engine"]
        if name == "spark":  # the partition files themselves, not a copy of the staged table
            assert results["spark_files"]["events"] == ["events-2023.parquet"], results["spark_files"]
    assert any(p.startswith("events/year=") for p in built["spark"])
    assert built["spark"] == built["duckdb"]


@pytest.mark.parametrize("args", [("--engine", "spark", "--spark-master", "http://example.org"),
                                  ("--spark-master", "local[2]")])
def test_a_wrong_spark_master_is_a_wrong_call(stores, tmp_path, args):
    from conftest import run_cedar

    db, _ = stores
    proc = run_cedar("release", "build", "2026.12.1", "--db", str(db), "--releases", str(tmp_path / "r"), *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "master" in proc.stderr, proc.stderr
    assert not (tmp_path / "r").exists()
