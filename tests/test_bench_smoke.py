"""The benchmark code runs once at a tiny size, so that it cannot rot (`make bench` is not a test:
its figures are measured, not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import run


def test_bench_runs_at_a_tiny_size(tmp_path: Path) -> None:
    res = run.main(scale=0.0001, work=tmp_path / "work", say=lambda *_: None)
    for step in ("check_clean", "check_faults", "check_half", "check_disputed_claims", "plain_pydantic_check",
                 "plain_frictionless_check", "ingest", "release_build", "panel_country_month", "query_stream_range",
                 "query_stream_release_events", "import_acled", "import_acled_ingest", "ingest_imported",
                 "export_csv", "export_dta_ukr", "export_xlsx_ukr", "export_geojson_ukr"):
        assert "error" not in res[step], (step, res[step].get("error"))
        assert res[step]["seconds"] > 0 and res[step]["peak_mb"] > 0
    assert res["check_faults"]["exit"] == 1  # the planted faults are found
    scaled = res["scale_ingest"]  # ingest of CSV and JSON Lines at two sizes, GDELT's 1 and 30 daily files
    assert {"ingest_csv_200", "ingest_jsonl_1000", "import_gdelt_30_files"} <= set(scaled)
    assert all(r["peak_mb"] > 0 for r in scaled.values()) and "error" not in res["scale_import_gdelt_30"]
    assert res["rows_import"] == 500 and "import --ingest / plain ingest (wall)" in res["ratios"]
    # the plain way judges the same clean file valid, row for row: a baseline that failed every row would be unfair
    assert res["plain_pydantic_check"]["result"] == {"rows": res["rows_check"], "invalid": 0}
    places = res["place_checks"]
    assert {r["engine"] for n, r in places.items() if n != "rows"} == {"row"}  # 500 rows: below the SQL threshold
    assert all(0 < r["share_profiled"] < 1 for n, r in places.items() if n != "rows")
    assert res["explorer"]["filter_change"]["states"] > 10 and res["explorer"]["server_peak_mb"] > 0
    assert set(res["queries"]) == set(run.QUERIES) == set(res["plain_pandas_queries"]) - {"read_csv"}
    scaled = res["scale_build"]["10x"]  # a release build of 10 copies of a synthetic store, both layouts
    assert scaled["events"] == 10 * res["scale_build"]["base_events"]
    assert scaled["always"]["partition_files"] > 0 and scaled["never"]["partition_files"] == 0
    assert scaled["always"]["bytes_written"] > 0 and scaled["always"]["peak_mb"] > 0
    assert res["python_api"]["rows"] > 0 and res["python_api"]["open_events_arrow_seconds"] > 0, res["python_api"]
    assert res["gate_engines"]["duckdb"]["passed"], res["gate_engines"]  # the gate engines side by side
    assert res["gate_engines"]["spark"].get("passed") or "skipped" in res["gate_engines"]["spark"], res["gate_engines"]
    dl = res["scale_download"]  # the bench store partitioned, downloaded whole and for one year
    assert dl["year_events"] == dl["year_events_in_whole"] > 0 and dl["year_only"]["bytes"] < dl["whole"]["bytes"]
    readme = tmp_path / "README.md"
    readme.write_text("# Cedar\n", encoding="utf-8")
    run.write(res, tmp_path / "results.json", readme)
    assert json.loads((tmp_path / "results.json").read_text())["rows_check"] == 200
    text = readme.read_text(encoding="utf-8")
    assert "| cedar check, clean | 200 |" in text and "events within 50 km of a point" in text
    assert "| row engine, every row its own point | row |" in text
    assert "| cedar import acled --ingest (new store) |" in text
    assert "Python API on the 600-event release" in text
    assert "| cedar panel --unit country-month (whole release, to Parquet) | 600 |" in text
    run.write(res, tmp_path / "results.json", readme)  # a second run replaces the table, not appends
    assert readme.read_text(encoding="utf-8").count("BENCHMARKS:BEGIN") == 1


def test_replicate_keeps_the_store_invariants(tmp_path: Path) -> None:
    """The scale benchmark's replicated store is a store Cedar can go on using: every copy under new ids
    with its history and long forms, and the id counters above every id, so the next ingest's new ids do
    not collide with the copies."""
    import subprocess
    import sys

    import duckdb

    from benchmarks import scale_build

    base = scale_build.base_store(tmp_path, 40)
    db = tmp_path / "replicated.duckdb"
    factor = 2 * scale_build.BATCH_COPIES + 3  # more than one batch of copies, the last one short
    assert scale_build.replicate(base, db, factor, tmp_path) == 40 * factor
    with duckdb.connect(str(db), read_only=True) as con:
        def one(sql: str) -> tuple:
            return con.execute(sql).fetchall()[0]

        with duckdb.connect(str(base), read_only=True) as b:
            base_sources = b.execute("SELECT count(*) FROM event_sources").fetchall()[0][0]
        assert one("SELECT count(*), count(DISTINCT event_id) FROM event_current") == (40 * factor, 40 * factor)
        assert one("SELECT count(*) FROM event_history") == (40 * factor,)
        assert one("SELECT count(*) FROM event_sources") == (base_sources * factor,)
        assert one("SELECT count(*) FROM event_current c ANTI JOIN event_history h USING (event_id, version)") == (0,)
        assert one("SELECT count(*) FROM event_current WHERE split_part(event_id, '-', 2) <> iso3") == (0,)
        assert one("SELECT count(*) FROM event_history h JOIN id_counters c ON c.iso3 = split_part(h.event_id, '-', 2) "
                   "WHERE CAST(regexp_extract(h.event_id, '[0-9]+$') AS BIGINT) > c.last_number") == (0,)
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob(".*.spill"))
    more = tmp_path / "more.csv"
    cedar = [sys.executable, "-m", "cedar"]
    subprocess.run([*cedar, "synth", "30", "--seed", "6", "--out", str(more)], check=True, capture_output=True)
    done = subprocess.run([*cedar, "ingest", "--db", str(db), str(more)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM event_current").fetchall()[0][0] == 40 * factor + 30
