"""`cedar sync` over partitioned releases, against a real HTTP server on 127.0.0.1: a release that adds
events of one year and deletes every event of another fetches only that year's partition files and the
small files that changed, drops the partitions gone, keeps a partial copy's selection, and leaves the
result byte for byte the target's files for the selection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import run_cedar
from partial_support import (
    V1,
    V2,
    add_events_of_year,
    assert_same_rows,
    build,
    files_of,
    rows,
    synthetic_store,
    where_of,
)
from release_server import serving

from cedar.errors import TransferError
from cedar.releases import selection
from cedar.releases.download import download
from cedar.releases.selection import Selection
from cedar.releases.sync import sync

NEW_YEAR, GONE_YEAR = 2021, 2018


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """V1 of a synthetic store, partitioned; V2 adds events dated in NEW_YEAR and deletes every event of
    GONE_YEAR."""
    from cedar.ingest import deletions

    root = tmp_path_factory.mktemp("sync-partition")
    db = synthetic_store(root / "store")
    build(db, root / "releases", V1, "always")
    assert add_events_of_year(db, root / "more", NEW_YEAR) > 0
    con = duckdb.connect(str(db), read_only=True)
    gone = [r[0] for r in con.execute(f"SELECT event_id FROM event_current WHERE year(event_date) = {GONE_YEAR}")
            .fetchall()]
    con.close()
    assert gone
    (root / "gone.csv").write_text("event_id,reason\n" + "".join(f"{i},duplicate\n" for i in gone), encoding="utf-8")
    assert not deletions.ingest(db, [root / "gone.csv"]).refused
    return build(db, root / "releases", V2, "always")


def changed_files(store: Path) -> set[str]:
    """The files of V2 whose sha256 differs from V1's, or that V1 does not have."""
    a, b = (json.loads((store / v / "manifest.json").read_text())["files"] for v in (V1, V2))
    return {n for n, meta in b.items() if a.get(n, {}).get("sha256") != meta["sha256"]}


def expected_files(store: Path, sel: Selection) -> dict[str, str]:
    """The target's files for a selection, with their sha256: what a synced copy must hold."""
    man = json.loads((store / V2 / "manifest.json").read_text())
    keep, _ = selection.split(man, sorted(man["files"]), sel)
    every = files_of(store / V2)
    return {n: every[n] for n in [*keep, "manifest.json", "SHA256SUMS", "CITATION.cff"]}


def test_a_whole_copy_fetches_only_the_changed_year_and_drops_the_year_gone(store, tmp_path):
    changed = changed_files(store)
    # every year's changes file differs from the first release's, which listed every event as added
    parts = {n for n in changed if "/year=" in n and not n.startswith("changes/")}
    assert parts and all(f"year={NEW_YEAR}/" in n for n in parts), parts
    with serving(store) as srv:
        download(srv.url, V1, tmp_path)
        result = sync(srv.url, tmp_path)
    assert result.mode == "partitions" and result.copy_version == V1
    assert set(result.fetched_files) == changed
    assert result.fetched_bytes < result.full_bytes
    sizes = json.loads((store / V2 / "manifest.json").read_text())["files"]
    fetched_parts = sum(sizes[n]["bytes"] for n in parts)
    assert fetched_parts < sum(m["bytes"] for n, m in sizes.items() if "/year=" in n) / 3
    assert files_of(tmp_path / V2) == files_of(store / V2)
    assert not (tmp_path / V1).exists() and not (tmp_path / V2 / "events" / f"year={GONE_YEAR}").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cedar-")]


def test_a_partial_copy_keeps_its_selection_and_gets_the_targets_files_for_it(store, tmp_path):
    sel = Selection(years=(2019, NEW_YEAR), countries=("IND", "UKR", "MMR", "NGA", "SYR"))
    with serving(store) as srv:
        download(srv.url, V1, tmp_path / "copy", select_rows=sel)
        proc = run_cedar("sync", "--releases", srv.url, "--to", str(tmp_path / "copy"), "--format", "json",
                         "--timeout", "5")
        assert proc.returncode == 0, proc.stderr
        got = json.loads(proc.stdout)
        whole = download(srv.url, V2, tmp_path / "whole")
    assert got["mode"] == "partitions" and got["selection"] == sel.to_dict()
    assert all(f"year={NEW_YEAR}/" in n for n in got["fetched_files"] if "/year=" in n and "changes/" not in n)
    synced = tmp_path / "copy" / V2
    assert selection.read(synced) == sel
    assert {n: h for n, h in files_of(synced).items() if n != "selection.json"} == expected_files(store, sel)
    assert assert_same_rows(whole.folder, synced, sel) > 0


def test_a_copy_of_other_years_fetches_no_partition(store, tmp_path):
    with serving(store) as srv:
        download(srv.url, V1, tmp_path, select_rows=Selection(years=(2019,)))
        result = sync(srv.url, tmp_path)
    assert result.mode == "partitions" and result.fetched_files
    assert [n for n in result.fetched_files if "/year=" in n] == ["changes/year=2019/changes-2019.csv"]
    assert {n: h for n, h in files_of(tmp_path / V2).items() if n != "selection.json"} == \
        expected_files(store, Selection(years=(2019,)))


def test_a_damaged_partition_of_the_target_leaves_the_copy_as_it_was(store, tmp_path):
    served = tmp_path / "store"
    shutil.copytree(store, served)
    victim = next((served / V2 / "events" / f"year={NEW_YEAR}").glob("*.parquet"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    copy = tmp_path / "copy"
    with serving(served) as srv:
        download(srv.url, V1, copy)
        before = files_of(copy / V1)
        with pytest.raises(TransferError, match="does not match its manifest"):
            sync(srv.url, copy)
    assert files_of(copy / V1) == before and not (copy / V2).exists()
    assert [p.name for p in copy.iterdir()] == [V1]


def test_a_single_file_copy_is_synced_to_a_partitioned_release_file_by_file(tmp_path):
    db = synthetic_store(tmp_path / "store", n=120, seed=4)
    build(db, tmp_path / "releases", V1, "never")
    copy = tmp_path / "copy"
    download(str(tmp_path / "releases"), V1, copy, select_rows=Selection(years=(2022,)))
    build(db, tmp_path / "releases", V2, "always")
    result = sync(str(tmp_path / "releases"), copy)
    assert result.mode == "partitions" and selection.read(copy / V2) == Selection(years=(2022,))
    assert {n: h for n, h in files_of(copy / V2).items() if n != "selection.json"} == \
        expected_files(tmp_path / "releases", Selection(years=(2022,)))
    assert not (copy / V2 / "events.parquet").exists()


def test_sync_into_a_database_of_ones_own_takes_the_events_of_the_copys_part(store, tmp_path):
    sel = Selection(years=(NEW_YEAR,), countries=("UKR", "IND"))
    download(str(store), V1, tmp_path / "copy", select_rows=sel)
    result = sync(str(store), tmp_path / "copy", into=tmp_path / "mine.duckdb")
    assert result.into is not None and result.into["created"]
    con = duckdb.connect(str(tmp_path / "mine.duckdb"), read_only=True)
    got = con.execute("SELECT DISTINCT year(event_date), iso3 FROM events").fetchall()
    n = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
    con.close()
    assert set(got) <= {(NEW_YEAR, "UKR"), (NEW_YEAR, "IND")}
    whole = download(str(store), V2, tmp_path / "whole")
    assert n == result.into["added"] == len(rows(whole.folder, "events", where_of(sel, "events"))) > 0
