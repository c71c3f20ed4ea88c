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
from release_support import cedar_ok, execute

from cedar.releases import localrelease
from cedar.schema import event_ids
from cedar.schema.rules import RULES

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
    for p in parts:  # each file holds the rows its entry says (the changes: CSV lines after the header)
        path = built["parted"] / p["path"]
        n = pq.read_metadata(path).num_rows if p["table"] in TABLES else len(path.read_bytes().splitlines()) - 1
        assert n == p["rows"], p["path"]


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


@pytest.fixture(scope="module")
def second(built):
    """A second release after 5 events added and 2 deleted, in three release stores: partitioned twice,
    single-file twice, and single-file then partitioned."""
    import shutil

    from cedar.ingest import deletions
    from cedar.releases.build import build_release

    root = built["root"] / "second"
    root.mkdir()
    db = root / "cedar.duckdb"
    shutil.copy(built["db"], db)
    layouts = {"parted": ("always", "always"), "single": ("never", "never"), "mixed": ("never", "always")}
    for name, (first, _) in layouts.items():
        assert build_release(V1, db, root / name, partition=first).passed
    cedar_ok("synth", "5", "--seed", "9", "--out", str(root / "more.csv"))
    cedar_ok("ingest", "--db", str(db), str(root / "more.csv"))
    _, rows = localrelease.run(root / "parted" / V1, "SELECT event_id FROM events ORDER BY event_id LIMIT 2")
    gone = [r[0] for r in rows]
    (root / "gone.csv").write_text("event_id,reason\n" + "".join(f"{i},duplicate\n" for i in gone), encoding="utf-8")
    assert not deletions.ingest(db, [root / "gone.csv"]).refused
    results = {}
    for name, (_, then) in layouts.items():
        results[name] = build_release(V2, db, root / name, partition=then)
        assert results[name].passed, results[name].gate.report.to_dict()["problems"]
    return {"root": root, "gone": gone, "results": results}


def test_next_release_builds_on_a_partitioned_one(second):
    """A second release reads the partitioned previous one: changes, deletions and its delta are right."""
    for result in second["results"].values():
        assert (result.changes["added"], result.changes["deleted"], result.changes["unchanged"]) == (5, 2, 78)
    store = second["root"] / "parted"
    assert (store / V2 / "delta" / "events.parquet").is_file()
    gone = "', '".join(second["gone"])
    _, rows = localrelease.run(store / V2, f"SELECT count(*) FROM events WHERE event_id IN ('{gone}')")
    assert list(rows) == [(0,)]
    for table in TABLES:  # the delta holds what the single-file build's delta holds
        assert _sha(store / V2 / "delta" / f"{table}.parquet") == \
            _sha(second["root"] / "single" / V2 / "delta" / f"{table}.parquet"), table


def test_diff_of_partitioned_and_mixed_releases_matches_the_single_file_diff(second):
    outputs = {}
    for name in ("parted", "single", "mixed"):
        for form in ("json", "text"):
            outputs[name, form] = cedar_ok("release", "diff", V1, V2, "--releases", str(second["root"] / name),
                                           "--format", form)
    for form in ("json", "text"):
        assert outputs["parted", form] == outputs["single", form] == outputs["mixed", form]
    diff = json.loads(outputs["parted", "json"])
    assert diff["deleted"] == sorted(second["gone"], key=event_ids.natural_key)
    assert (len(diff["added"]), diff["counts"]["unchanged"]) == (5, 78)


def test_diff_does_not_read_partitions_equal_in_both_releases(second, tmp_path):
    """A partition with the same sha256 in both manifests is counted, not read: made unreadable in both
    copies, the diff is the same."""
    import shutil

    from cedar.releases.diff import diff_releases

    store = tmp_path / "releases"
    shutil.copytree(second["root"] / "parted", store)
    first, then = _manifest(store / V1), _manifest(store / V2)
    same = [p["path"] for p in first["partitions"] if p["table"] == "events"
            and first["files"][p["path"]]["sha256"] == then["files"].get(p["path"], {}).get("sha256")]
    assert same  # some years did not change
    expected = diff_releases(second["root"] / "parted", V1, V2)
    for path in same:
        for version in (V1, V2):
            (store / version / path).write_bytes(b"not parquet")
    got = diff_releases(store, V1, V2)
    assert (got.added, got.updated, got.deleted, got.counts()) == \
        (expected.added, expected.updated, expected.deleted, expected.counts())


def _without_primary_key(db: Path) -> None:
    """event_current made again without its primary key, so a duplicate id can be planted past ingest."""
    execute(db, "CREATE TABLE event_current_copy AS SELECT * FROM event_current", "DROP TABLE event_current",
            "ALTER TABLE event_current_copy RENAME TO event_current")


def _two_years(db: Path) -> tuple[str, int, int]:
    """An event id and its year, and another year of the store."""
    years = sorted(_store_years(db))
    con = duckdb.connect(str(db), read_only=True)
    try:
        event_id = con.execute("SELECT min(event_id) FROM event_current WHERE year(event_date) = ?",
                               [years[-1]]).fetchall()[0][0]
    finally:
        con.close()
    return event_id, years[-1], years[0]


def test_gate_fails_an_id_given_in_two_partitions_and_names_them(built, tmp_path):
    import shutil

    from cedar.releases.build import build_release

    db = tmp_path / "cedar.duckdb"
    shutil.copy(built["db"], db)
    event_id, year, other = _two_years(db)
    _without_primary_key(db)
    execute(db, f"INSERT INTO event_current SELECT * REPLACE (DATE '{other}-06-15' AS event_date, "
                f"NULL AS event_date_end) FROM event_current WHERE event_id = '{event_id}'")
    result = build_release(V1, db, tmp_path / "releases", partition="always")
    assert not result.passed
    failed = {x["code"]: x for x in result.gate.report.extra["expectations"] if not x["success"]}
    assert event_id in failed["duplicate-event-id"]["sample_event_ids"]
    assert failed["duplicate-event-id"]["partitions"] == [str(other), str(year)]
    messages = [p.message for p in result.gate.report.problems if p.code == "duplicate-event-id"]
    assert messages and messages[0].endswith(f"Its failing rows are in partition(s) {other}, {year}.")
    worded = RULES["expectation-failed-in-partitions"].template.split("{reason}")[1]  # the declared wording
    assert messages[0].endswith(worded.format(partitions=f"{other}, {year}"))
    assert not (tmp_path / "releases" / V1).exists()


def test_gate_fails_a_deleted_id_in_any_partition_and_names_it(built, tmp_path):
    import shutil

    from cedar.releases.build import build_release

    db = tmp_path / "cedar.duckdb"
    shutil.copy(built["db"], db)
    event_id, year, _ = _two_years(db)
    execute(db, f"INSERT INTO deletions (event_id, last_version, reason) VALUES ('{event_id}', 1, 'planted')")
    result = build_release(V1, db, tmp_path / "releases", partition="always", month_split_rows=5)
    assert not result.passed
    failed = {x["code"]: x for x in result.gate.report.extra["expectations"] if not x["success"]}
    assert failed["deleted-id-present"]["sample_event_ids"] == [event_id]
    parts = failed["deleted-id-present"]["partitions"]
    assert len(parts) == 1 and parts[0].startswith(f"{year}-")  # that year is split by month here


def test_row_count_change_counts_the_partitioned_previous_release(built, tmp_path):
    import shutil

    from cedar.releases.build import build_release

    db = tmp_path / "cedar.duckdb"
    shutil.copy(built["db"], db)
    shutil.copytree(built["root"] / "parted", tmp_path / "releases")
    result = build_release(V2, db, tmp_path / "releases", partition="always")
    assert result.passed
    [row_count] = [x for x in result.gate.report.extra["expectations"] if x["code"] == "row-count-change"]
    assert "previous release: 80" in row_count["description"] and row_count["observed"] == 80


def test_sync_into_reads_the_events_partitions(built, tmp_path):
    from cedar.releases.sync_into import Target

    tables = {}
    for name in ("parted", "single"):
        target = Target(tmp_path / f"{name}.duckdb")
        try:
            counts = target.update(built[name])
            tables[name] = sorted(map(repr, target.con.execute("SELECT * FROM events").fetchall()))
        finally:
            target.close()
        assert counts["created"] and counts["added"] == 80
    assert tables["parted"] == tables["single"]


def test_seed_claims_are_partitioned_with_their_events(tmp_path):
    """The seed has claims (synth writes none): the claims view of its partitioned release is the single one's."""
    from release_support import ingest_store

    from cedar.releases.build import build_release

    db = ingest_store(tmp_path / "cedar.duckdb")
    for name, layout in (("parted", "always"), ("single", "never")):
        assert build_release(V1, db, tmp_path / name, partition=layout).passed
    claims = {name: sorted(map(repr, localrelease.run(tmp_path / name / V1, "SELECT * FROM claims")[1]))
              for name in ("parted", "single")}
    assert claims["parted"] == claims["single"] and claims["parted"]
    parts = [p for p in _manifest(tmp_path / "parted" / V1)["partitions"] if p["table"] == "claims"]
    assert sum(p["rows"] for p in parts) == len(claims["parted"])


def test_partition_files_read_from_runs_of_span_ordered_tables_equal_filtered_ones(built, tmp_path, monkeypatch):
    """A partitioned build stages its tables in span order and writes each file from its run of rows;
    staged in natural id order alone, each file filters the table instead. The files hold the same rows in
    the same order (here, where each span fits in one of DuckDB's vectors, the same bytes)."""
    from cedar.releases import partitions
    from cedar.releases.build import build_release

    ways: list[tuple[str, bool]] = []  # each file's table, and whether it was read from a run
    copy = partitions._copy

    def noted(cur, table, span, target, runs):
        ways.append((table, runs is not None))
        copy(cur, table, span, target, runs)

    monkeypatch.setattr(partitions, "_copy", noted)
    assert build_release(V1, built["db"], tmp_path / "runs", partition="always", month_split_rows=10).passed
    assert ways and all(run for _, run in ways)
    ways.clear()
    monkeypatch.setattr(partitions, "span_key", lambda *_args: None)  # staged in natural id order only
    assert build_release(V1, built["db"], tmp_path / "filtered", partition="always", month_split_rows=10).passed
    assert not any(run for table, run in ways if table == "events")  # the events' spans interleave in id order
    runs, filtered = _manifest(tmp_path / "runs" / V1), _manifest(tmp_path / "filtered" / V1)
    assert len(runs["partitions"]) > 4 * 16  # months: many spans in each of the four tables
    assert runs["partitions"] == filtered["partitions"]
    for p in runs["partitions"]:
        if p["rows"]:  # an empty file may differ in its columns' nullability (DuckDB's statistics)
            assert runs["files"][p["path"]] == filtered["files"][p["path"]], p["path"]
        else:
            names = [pq.read_schema(tmp_path / w / V1 / p["path"]).names for w in ("runs", "filtered")]
            assert names[0] == names[1], p["path"]


@pytest.mark.parametrize("source", ["synth", "seed"])
def test_staging_a_group_of_spans_at_a_time_writes_the_same_files(built, tmp_path, monkeypatch, source):
    """A partitioned release is staged a group of whole spans at a time (at most snapshot.GROUP_ROWS
    events each): its files hold the rows of one staging pass in the same order, with claims (the seed) and
    without (here, where each span fits in one of DuckDB's vectors, the same bytes)."""
    from release_support import ingest_store

    from cedar.releases import snapshot
    from cedar.releases.build import build_release

    db = built["db"] if source == "synth" else ingest_store(tmp_path / "cedar.duckdb")
    if source == "seed":  # the seed's events share a month: two of them moved, to give three spans
        execute(db, "UPDATE event_current SET event_date = DATE '2022-03-01' + CAST(right(event_id, 1) AS INT) "
                    "WHERE event_id IN ('CDR-AZE-1', 'CDR-AZE-2')")
    groups: list[str] = []
    stage_group = snapshot._stage_group

    def counted(con, key, where, dates):
        groups.append(where)
        stage_group(con, key, where, dates)

    monkeypatch.setattr(snapshot, "_stage_group", counted)
    manifests = {}
    for name, rows in (("one", 10**9), ("groups", 2)):
        monkeypatch.setattr(snapshot, "GROUP_ROWS", rows)
        groups.clear()
        assert build_release(V1, db, tmp_path / name, partition="always", month_split_rows=1).passed
        assert (len(groups) == 1) == (name == "one"), groups
        manifests[name] = _manifest(tmp_path / name / V1)
    assert manifests["one"]["partitions"] == manifests["groups"]["partitions"]
    data = [{p: f for p, f in m["files"].items() if p.split("/")[0] in (*TABLES, "changes")}
            for m in manifests.values()]
    assert len(data[0]) == len(manifests["one"]["partitions"]) and data[0] == data[1]
