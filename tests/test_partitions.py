"""Partitioned releases (`cedar release build --partition`): the layout, the manifest's partitions, the
views over them against the single-file build of the same store, reproducible bytes, a month split,
and a second release built on a partitioned one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from release_support import cedar_ok

from cedar.releases import localrelease
from cedar.schema import event_ids

V1, V2 = "2026.11.1", "2026.11.2"
TABLES = ("events", "claims", "sources", "actors")
SINGLE_FILES = ("events.parquet", "events.csv", "events-acled.csv", "claims.parquet", "claims.csv",
                "sources.parquet", "sources.csv", "actors.parquet", "actors.csv")
VIEWS = ("events", "claims", "sources", "actors", "event_actors", "actors_long", "sources_long", "changes",
         "deletions")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A synthetic store of 80 events over 2019-2026, released partitioned (through the command line)
    and single-file."""
    from cedar.releases.build import build_release

    root = tmp_path_factory.mktemp("partitions")
    db = root / "cedar.duckdb"
    cedar_ok("synth", "80", "--seed", "3", "--out", str(root / "synth.csv"))
    cedar_ok("init", "--db", str(db))
    cedar_ok("ingest", "--db", str(db), str(root / "synth.csv"))
    cedar_ok("release", "build", V1, "--db", str(db), "--releases", str(root / "parted"), "--partition", "always")
    assert build_release(V1, db, root / "single", partition="never").passed
    return {"root": root, "db": db, "parted": root / "parted" / V1, "single": root / "single" / V1}


def _store_years(db: Path) -> dict[int, tuple[int, list[str], str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT year(event_date), count(*), list(DISTINCT iso3 ORDER BY iso3), "
                           "min(event_date)::VARCHAR, max(event_date)::VARCHAR "
                           "FROM event_current GROUP BY 1").fetchall()
    finally:
        con.close()
    return {int(y): (n, c, lo, hi) for y, n, c, lo, hi in rows}


def test_partitioned_release_has_partition_files_and_no_single_files(built):
    folder, years = built["parted"], _store_years(built["db"])
    assert len(years) >= 5  # the store spans several years
    for name in SINGLE_FILES:
        assert not (folder / name).exists(), name
    for table in TABLES:
        found = sorted(p.relative_to(folder).as_posix() for p in (folder / table).rglob("*.parquet"))
        assert found == [f"{table}/year={y}/{table}-{y}.parquet" for y in sorted(years)]
    listed = set(_manifest(folder)["files"])
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")} <= listed


def test_manifest_partitions_give_rows_countries_and_dates(built):
    man, years = _manifest(built["parted"]), _store_years(built["db"])
    assert man["layout"] == "partitioned" and man["format"] == "cedar-release-manifest/1"
    parts = man["partitions"]
    assert [p["path"] for p in parts] == sorted(p["path"] for p in parts)
    events = {p["year"]: p for p in parts if p["table"] == "events"}
    assert set(events) == set(years)
    for year, (n, countries, lo, hi) in years.items():
        p = events[year]
        assert (p["rows"], p["countries"], p["min_date"], p["max_date"], p["month"]) == (n, countries, lo, hi, None)
        assert p["path"] in man["files"]
    for table in TABLES:
        rows = sum(p["rows"] for p in parts if p["table"] == table)
        assert rows == man["row_counts"][table], table
    for p in parts:  # each file holds the rows its entry says
        assert pq.read_metadata(built["parted"] / p["path"]).num_rows == p["rows"], p["path"]


def test_partition_files_keep_columns_and_natural_id_order(built):
    single = pq.read_schema(built["single"] / "events.parquet")
    for path in sorted((built["parted"] / "events").rglob("*.parquet")):
        table = pq.read_table(path)
        assert table.schema.names == single.names  # no year column added
        ids = table.column("event_id").to_pylist()
        assert ids == sorted(ids, key=event_ids.natural_key)


def test_views_give_the_same_rows_as_the_single_file_release(built):
    for view in VIEWS:
        sql = f"SELECT * FROM {view}"
        names_p, rows_p = localrelease.run(built["parted"], sql)
        names_s, rows_s = localrelease.run(built["single"], sql)
        assert names_p == names_s, view
        parted, single = sorted(map(repr, rows_p)), sorted(map(repr, rows_s))
        assert parted == single, view
        assert parted or view in ("claims", "deletions"), view  # synth writes no claims


def test_python_api_reads_a_partitioned_release(built):
    import cedar

    with cedar.open_release(built["parted"]) as release:
        years = dict(release.sql("SELECT year(event_date) AS y, count(*) FROM events GROUP BY 1"))
    assert years == {y: v[0] for y, v in _store_years(built["db"]).items()}


def test_datapackage_lists_partition_files_per_table(built):
    package = json.loads((built["parted"] / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    for table in TABLES:
        paths = resources[table]["path"]
        assert paths == [p["path"] for p in _manifest(built["parted"])["partitions"] if p["table"] == table]
        assert resources[table]["bytes"] == sum((built["parted"] / p).stat().st_size for p in paths)
        assert resources[table]["schema"]["fields"][0]["name"] == "event_id"
    assert not any(isinstance(r["path"], str) and r["path"].endswith(".parquet") for r in package["resources"])


def test_partition_bytes_are_reproducible(built, tmp_path):
    from cedar.releases.build import build_release

    assert build_release(V1, built["db"], tmp_path / "again", partition="always").passed
    again, first = _manifest(tmp_path / "again" / V1), _manifest(built["parted"])
    for p in first["partitions"]:
        assert again["files"][p["path"]]["sha256"] == first["files"][p["path"]]["sha256"] == \
            _sha(built["parted"] / p["path"]), p["path"]
    assert again["partitions"] == first["partitions"]


def test_large_year_is_split_by_month(built, tmp_path):
    from cedar.releases.build import build_release

    years = _store_years(built["db"])
    big = {y for y, v in years.items() if v[0] > 10}
    assert big and big != set(years)
    assert build_release(V1, built["db"], tmp_path / "months", partition="always", month_split_rows=10).passed
    folder = tmp_path / "months" / V1
    events = [p for p in _manifest(folder)["partitions"] if p["table"] == "events"]
    whole = {p["year"] for p in events if p["month"] is None}
    assert whole == set(years) - big
    for p in events:
        if p["month"] is not None:
            assert p["year"] in big
            assert p["path"] == f"events/year={p['year']}/events-{p['year']}-{p['month']:02d}.parquet"
            assert p["min_date"][:7] == p["max_date"][:7] == f"{p['year']}-{p['month']:02d}"
    assert sum(p["rows"] for p in events) == sum(v[0] for v in years.values())
    _, rows = localrelease.run(folder, "SELECT count(*), count(DISTINCT event_id) FROM events")
    assert list(rows) == [(80, 80)]


def test_auto_keeps_a_small_release_in_single_files(built):
    assert "layout" not in _manifest(built["single"])
    assert (built["single"] / "events.parquet").is_file()


def test_next_release_builds_on_a_partitioned_one(built, tmp_path):
    """A second release reads the partitioned previous one: changes, deletions and its delta are right."""
    import shutil

    from cedar.ingest import deletions
    from cedar.releases.build import build_release

    db = tmp_path / "cedar.duckdb"
    shutil.copy(built["db"], db)
    store = tmp_path / "releases"
    assert build_release(V1, db, store, partition="always").passed
    cedar_ok("synth", "5", "--seed", "9", "--out", str(tmp_path / "more.csv"))
    cedar_ok("ingest", "--db", str(db), str(tmp_path / "more.csv"))
    gone = tmp_path / "gone.csv"
    _, rows = localrelease.run(store / V1, "SELECT event_id FROM events ORDER BY event_id LIMIT 2")
    ids = [r[0] for r in rows]
    gone.write_text("event_id,reason\n" + "".join(f"{i},duplicate\n" for i in ids), encoding="utf-8")
    assert not deletions.ingest(db, [gone]).refused
    result = build_release(V2, db, store, partition="always")
    assert result.passed, result.gate.report.to_dict()["problems"]
    assert (result.changes["added"], result.changes["deleted"], result.changes["unchanged"]) == (5, 2, 78)
    assert (store / V2 / "delta" / "events.parquet").is_file()
    _, rows = localrelease.run(store / V2, f"SELECT count(*) FROM events WHERE event_id IN ('{ids[0]}', '{ids[1]}')")
    assert list(rows) == [(0,)]
