"""The changes of a partitioned release as CSV files by span (changes/year=YYYY/changes-YYYY[-MM].csv):
filed by the event's date, a deleted event by its date in the previous release; listed in the manifest and
datapackage.json; the same `changes` view as the single-file build's changes.csv; a partial download over
loopback fetches only its years' changes files; a sync keeps the changes files that did not change."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from partial_support import V1, V2, add_events_of_year, build, copy_db, files_of, rows, synthetic_store, where_of
from release_server import serving

from cedar.releases import localrelease
from cedar.releases.download import download
from cedar.releases.selection import Selection
from cedar.releases.sync import sync
from cedar.schema import event_ids

V3 = "2026.11.3"
NEW_YEAR, GONE_YEAR, LATER_YEAR = 2021, 2020, 2023
HEADER = b"event_id,change,version,previous_version\n"


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _delete(db: Path, ids: list[str], work: Path) -> None:
    from cedar.ingest import deletions

    (work / "gone.csv").write_text("event_id,reason\n" + "".join(f"{i},duplicate\n" for i in ids), encoding="utf-8")
    assert not deletions.ingest(db, [work / "gone.csv"]).refused


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict:
    """One synthetic store released twice, partitioned, single-file and partitioned by month: V2 adds events
    dated in NEW_YEAR, deletes every event of GONE_YEAR and the first event of the busiest year."""
    root = tmp_path_factory.mktemp("changes")
    db = synthetic_store(root / "store", n=160, seed=5)
    dbs = {name: copy_db(db, root / name / "cedar.duckdb") for name in ("parted", "single", "months")}
    modes = {"parted": "always", "single": "never", "months": "always"}
    con = duckdb.connect(str(db), read_only=True)
    busiest = con.execute("SELECT year(event_date) FROM event_current GROUP BY 1 ORDER BY count(*) DESC, 1 "
                          "LIMIT 1").fetchall()[0][0]
    gone = con.execute(f"SELECT event_id, event_date, iso3 FROM event_current WHERE year(event_date) = {GONE_YEAR} "
                       f"OR event_id = (SELECT min(event_id) FROM event_current WHERE year(event_date) = {busiest})"
                       ).fetchall()
    con.close()
    assert len(gone) > 1
    for version in (V1, V2):
        if version == V2:
            for name, one in dbs.items():
                assert add_events_of_year(one, root / name / "more", NEW_YEAR) > 0
                _delete(one, [g[0] for g in gone], root / name)
        for name, one in dbs.items():
            from cedar.releases.build import build_release

            split = 10 if name == "months" else None
            assert build_release(version, one, root / f"releases-{name}", partition=modes[name],
                                 month_split_rows=split).passed
    return {"root": root, "dbs": dbs, "gone": gone, "busiest": busiest,
            **{name: root / f"releases-{name}" for name in dbs}}


def _changes_parts(folder: Path) -> list[dict]:
    return [p for p in _manifest(folder)["partitions"] if p["table"] == "changes"]


def _data_lines(path: Path) -> list[bytes]:
    lines = path.read_bytes().splitlines(keepends=True)
    assert lines[0] == HEADER
    return lines[1:]


def test_changes_are_csv_files_by_span_and_a_deleted_event_is_filed_by_its_previous_date(stores):
    folder = stores["parted"] / V2
    man = _manifest(folder)
    assert not (folder / "changes.csv").exists() and "changes.csv" not in man["files"]
    parts = {p["year"]: p for p in _changes_parts(folder)}
    event_years = {p["year"] for p in man["partitions"] if p["table"] == "events"}
    assert GONE_YEAR not in event_years and set(parts) == event_years | {GONE_YEAR}
    for year, p in parts.items():
        assert p["path"] == f"changes/year={year}/changes-{year}.csv" and p["path"] in man["files"]
        assert len(_data_lines(folder / p["path"])) == p["rows"]
    assert sum(p["rows"] for p in parts.values()) == man["row_counts"]["changes"]
    gone = [g for g in stores["gone"] if g[1].year == GONE_YEAR]
    assert parts[GONE_YEAR]["rows"] == len(gone)
    assert parts[GONE_YEAR]["countries"] == sorted({g[2] for g in gone})
    assert (parts[GONE_YEAR]["min_date"], parts[GONE_YEAR]["max_date"]) == \
        (min(g[1] for g in gone).isoformat(), max(g[1] for g in gone).isoformat())
    assert all(b",deleted,," in line for line in _data_lines(folder / parts[GONE_YEAR]["path"]))
    # a year without a change has its file, the header alone
    quiet = [y for y in event_years if y not in (NEW_YEAR, stores["busiest"])]
    assert quiet and all((folder / parts[y]["path"]).read_bytes() == HEADER for y in quiet)
    assert all(parts[y]["rows"] == 0 and parts[y]["countries"] == [] for y in quiet)


@pytest.mark.parametrize("version", [V1, V2])
def test_the_files_hold_the_lines_of_the_single_files_changes_csv_in_id_order(stores, version):
    single = _data_lines(stores["single"] / version / "changes.csv")
    parted: list[bytes] = []
    for p in _changes_parts(stores["parted"] / version):
        lines = _data_lines(stores["parted"] / version / p["path"])
        ids = [line.split(b",")[0].decode() for line in lines]
        assert ids == sorted(ids, key=event_ids.natural_key), p["path"]
        parted += lines
    assert sorted(parted) == sorted(single) and len(single) > 0


@pytest.mark.parametrize("version", [V1, V2])
def test_the_changes_view_is_the_same_in_both_layouts(stores, version):
    import cedar

    got = {}
    for name in ("parted", "single", "months"):
        names, found = localrelease.run(stores[name] / version, "SELECT * FROM changes")
        got[name] = (names, sorted(found))
    assert got["parted"] == got["single"] == got["months"]
    assert {r[1] for r in got["parted"][1]} == ({"added"} if version == V1 else {"added", "deleted"})
    with cedar.open_release(stores["parted"] / version) as release:
        assert sorted(map(tuple, release.sql("SELECT * FROM changes").rows)) == got["single"][1]


def test_a_month_split_year_files_its_changes_by_month_and_a_deletion_by_its_old_month(stores):
    folder = stores["months"] / V2
    parts = _changes_parts(folder)
    events = {(p["year"], p["month"]) for p in _manifest(folder)["partitions"] if p["table"] == "events"}
    assert {(p["year"], p["month"]) for p in parts} == events | {(GONE_YEAR, None)}
    assert any(p["month"] is not None for p in parts)
    for p in parts:
        if p["month"] is not None:
            assert p["path"] == f"changes/year={p['year']}/changes-{p['year']}-{p['month']:02d}.csv"
    event_id, date, _ = next(g for g in stores["gone"] if g[1].year == stores["busiest"])
    holding = [p["path"] for p in parts if any(line.startswith(f"{event_id},deleted,".encode())
                                               for line in _data_lines(folder / p["path"]))]
    month = next(p["month"] for p in parts if p["year"] == date.year and p["month"] is not None)
    assert month is not None  # the busiest year is split
    assert holding == [f"changes/year={date.year}/changes-{date.year}-{date.month:02d}.csv"]


def test_datapackage_lists_the_changes_files_as_one_csv_resource(stores):
    folder = stores["parted"] / V2
    res = {r["name"]: r for r in json.loads((folder / "datapackage.json").read_text())["resources"]}["changes"]
    assert res["path"] == [p["path"] for p in _changes_parts(folder)]
    assert (res["format"], res["mediatype"], res["dialect"]["header"]) == ("csv", "text/csv", True)
    assert res["bytes"] == sum((folder / p).stat().st_size for p in res["path"])
    assert [f["name"] for f in res["schema"]["fields"]] == ["event_id", "change", "version", "previous_version"]
    with (folder / res["path"][0]).open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == [f["name"] for f in res["schema"]["fields"]]


def test_a_partial_download_fetches_only_its_years_changes_files(stores, tmp_path):
    sel = Selection(years=(NEW_YEAR, 2024))
    with serving(stores["parted"]) as srv:
        whole = download(srv.url, V2, tmp_path / "whole")
        before = len(srv.requests)
        part = download(srv.url, V2, tmp_path / "part", select_rows=sel)
        asked = {unquote(r["path"]).removeprefix(f"/releases/{V2}/") for r in srv.requests[before:]}
    fetched = sorted(n for n in asked if n.startswith("changes"))
    assert fetched == [f"changes/year={y}/changes-{y}.csv" for y in sel.years]
    assert not (part.folder / "changes.csv").exists()
    got = rows(part.folder, "changes")
    assert got == rows(whole.folder, "changes", where_of(sel, "changes")) and got
    assert {r[1] for r in got} == {"added"}  # a deleted event has no event to select it by: see deletions
    assert len(rows(whole.folder, "changes")) > len(got)


def test_sync_keeps_the_changes_files_that_did_not_change(stores, tmp_path):
    """V3 adds events of LATER_YEAR: a copy of V2 fetches the changes files of the years that changed in V2
    or V3, and keeps the others (the header alone in both)."""
    store = tmp_path / "releases"
    shutil.copytree(stores["parted"], store)
    db = copy_db(stores["dbs"]["parted"], tmp_path / "store" / "cedar.duckdb")
    assert add_events_of_year(db, tmp_path / "more", LATER_YEAR, seed=13) > 0
    build(db, store, V3, "always")
    a, b = (_manifest(store / v)["files"] for v in (V2, V3))
    changed = {n for n, meta in b.items() if n.startswith("changes/") and a.get(n, {}).get("sha256") != meta["sha256"]}
    same = {n for n in b if n.startswith("changes/")} - changed
    assert {n.split("/")[1] for n in changed} == \
        {f"year={y}" for y in (NEW_YEAR, LATER_YEAR, stores["busiest"])}
    assert same
    with serving(store) as srv:
        download(srv.url, V2, tmp_path / "copy")
        result = sync(srv.url, tmp_path / "copy")
    assert result.mode == "partitions"
    assert {n for n in result.fetched_files if n.startswith("changes/")} == changed
    assert files_of(tmp_path / "copy" / V3) == files_of(store / V3)


def test_the_explorers_release_page_lists_the_same_changes_in_both_layouts(stores):
    import urllib.request

    from cedar.explore import server
    from cedar.explore.app import make_app
    from cedar.explore.catalog import open_catalog

    pages = {}
    for name in ("parted", "single"):
        with server.background(make_app(open_catalog(stores[name] / V2))) as url:
            with urllib.request.urlopen(url + "/api/release", timeout=30) as r:
                pages[name] = json.loads(r.read())
    assert pages["parted"]["change_counts"] == pages["single"]["change_counts"]
    assert pages["parted"]["changes"] == pages["single"]["changes"]
    ids = [c["event_id"] for c in pages["parted"]["changes"]]
    assert ids == sorted(ids, key=event_ids.natural_key) and len(ids) == len(stores["gone"]) + \
        pages["parted"]["change_counts"]["added"]


def test_a_partitioned_release_built_with_one_changes_csv_reads_the_same(stores, tmp_path):
    """A partitioned release of the earlier layout (one changes.csv beside the partitions) gives the same
    changes view, whole and for a selection of years."""
    import hashlib

    from cedar.releases import selection

    old = tmp_path / V2
    shutil.copytree(stores["parted"] / V2, old)
    shutil.rmtree(old / "changes")
    shutil.copyfile(stores["single"] / V2 / "changes.csv", old / "changes.csv")
    man = _manifest(old)
    man["partitions"] = [p for p in man["partitions"] if p["table"] != "changes"]
    man["files"] = {n: m for n, m in man["files"].items() if not n.startswith("changes/")}
    data = (old / "changes.csv").read_bytes()
    man["files"]["changes.csv"] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (old / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    assert rows(old, "changes") == rows(stores["parted"] / V2, "changes")
    sel = Selection(years=(NEW_YEAR,))
    selection.write(old, sel)
    assert rows(old, "changes") == rows(stores["single"] / V2, "changes", where_of(sel, "changes")) != []
