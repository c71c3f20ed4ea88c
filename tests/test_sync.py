"""`cedar sync`: a copy of a release brought up to a later one from the deltas each release publishes, over
a release history built for real (store, ingest, deletions, release build and gate)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from conftest import run_cedar
from download_support import rewrite_manifest
from release_server import Faults, serving
from sync_history import History, copy_release, files_of, sha

from cedar.errors import TransferError
from cedar.releases.delta import FILES as DELTA_FILES
from cedar.releases.sync import sync

V1, V2, V3 = "2026.11.1", "2026.11.2", "2026.11.3"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Three releases: six events; then CDR-AZE-2 updated, CDR-AZE-3 deleted, two added; then CDR-AZE-1
    updated, CDR-AZE-4 deleted, one added."""
    h = History(tmp_path_factory.mktemp("sync-history"))
    h.release(V1, new=6)
    h.release(V2, new=2, updates=["CDR-AZE-2"], deletions=["CDR-AZE-3"])
    h.release(V3, new=1, updates=["CDR-AZE-1"], deletions=["CDR-AZE-4"])
    return h


def _ids(path, column="event_id"):
    con = duckdb.connect()
    try:
        return [r[0] for r in con.execute(f"SELECT {column} FROM read_parquet('{path}')").fetchall()]
    finally:
        con.close()


def test_each_release_after_the_first_publishes_its_delta_in_the_manifest(history):
    first = json.loads((history.releases / V1 / "manifest.json").read_text())
    assert not any(n.startswith("delta/") for n in first["files"])
    man = json.loads((history.releases / V2 / "manifest.json").read_text())
    for name in DELTA_FILES:
        assert man["files"][name]["sha256"] == sha(history.releases / V2 / name)
    assert _ids(history.releases / V2 / "delta/events.parquet") == ["CDR-AZE-2", "CDR-AZE-7", "CDR-AZE-8"]
    assert set(_ids(history.releases / V2 / "delta/sources.parquet")) == {"CDR-AZE-2", "CDR-AZE-7", "CDR-AZE-8"}
    con = duckdb.connect()
    gone = con.execute(f"SELECT * FROM read_parquet('{history.releases / V2 / 'delta/deletions.parquet'}')").fetchall()
    assert [g[:3] for g in gone] == [("CDR-AZE-3", V2, 1)] and gone[0][3].startswith("duplicate in step")
    package = json.loads((history.releases / V2 / "datapackage.json").read_text())
    hashes = {r["path"]: r["hash"] for r in package["resources"]}
    assert hashes["delta/events.parquet"] == "sha256:" + man["files"]["delta/events.parquet"]["sha256"]
    from frictionless import validate

    report = validate(str(history.releases / V2 / "datapackage.json"))  # the delta's resources checked too
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.parametrize("start", [V1, V2])
def test_sync_from_an_earlier_release_gives_the_files_of_a_fresh_download(history, tmp_path, start):
    copy_release(history.releases, start, tmp_path)
    result = sync(str(history.releases), tmp_path)
    assert result.mode == "delta" and result.version == V3 and result.fetched_whole == []
    assert result.chain == ([V2, V3] if start == V1 else [V3])
    assert files_of(tmp_path / V3) == files_of(history.releases / V3)  # byte for byte, manifest and sums too
    assert sorted(p.name for p in tmp_path.iterdir()) == [V3]  # the old copy replaced, nothing left beside
    assert result.counts == ({"added": 3, "updated": 2, "deleted": 2} if start == V1
                             else {"added": 1, "updated": 1, "deleted": 1})
    assert 0 < result.fetched_bytes < result.full_bytes


def test_sync_to_a_named_release_stops_there(history, tmp_path):
    copy_release(history.releases, V1, tmp_path)
    result = sync(str(history.releases), tmp_path, V2)
    assert result.chain == [V2] and files_of(tmp_path / V2) == files_of(history.releases / V2)


def test_a_current_copy_fetches_nothing(history, tmp_path):
    copy_release(history.releases, V3, tmp_path)
    result = sync(str(history.releases), tmp_path)
    assert result.mode == "current" and result.fetched_bytes == 0


def test_sync_over_http_that_breaks_mid_transfer_leaves_the_old_copy(history, tmp_path):
    copy_release(history.releases, V1, tmp_path)
    before = files_of(tmp_path)
    cut = f"{V3}/delta/events.parquet"
    with serving(history.releases, Faults(drop_once={cut: 200})) as server:
        with pytest.raises(TransferError):
            sync(server.url, tmp_path, tries=1)
        assert files_of(tmp_path) == before  # the copy as it was, no staging folder left
        assert sorted(p.name for p in tmp_path.iterdir()) == [V1]
    with serving(history.releases, Faults(drop_once={cut: 200})) as server:  # retried and resumed
        result = sync(server.url, tmp_path, backoff=0.01)
        assert result.mode == "delta"
        assert any(r["range"] for r in server.requests if r["path"].endswith(cut))
        fetched = {r["path"].removeprefix("/releases/") for r in server.requests}
    assert files_of(tmp_path / V3) == files_of(history.releases / V3)
    assert f"{V3}/events.parquet" not in fetched and f"{V3}/events.csv" not in fetched


@pytest.mark.parametrize("edited", ["events.csv", "events.parquet", "manifest.json"])
def test_a_copy_edited_by_hand_is_replaced_by_a_full_download(history, tmp_path, edited):
    copy_release(history.releases, V1, tmp_path)
    path = tmp_path / V1 / edited
    path.write_bytes(path.read_bytes() + b"\n")
    lines: list[str] = []
    result = sync(str(history.releases), tmp_path, say=lines.append)
    assert result.mode == "full" and edited in result.reason and any("Full download" in m for m in lines)
    assert files_of(tmp_path / V3) == files_of(history.releases / V3)
    assert sorted(p.name for p in tmp_path.iterdir()) == [V3]


def test_a_release_without_a_delta_breaks_the_chain(history, tmp_path):
    store = tmp_path / "releases"
    shutil.copytree(history.releases, store, ignore=shutil.ignore_patterns(".lock"))
    rewrite_manifest(store, V2, lambda man: [man["files"].pop(n) for n in DELTA_FILES])
    (store / V2 / "SHA256SUMS").unlink()
    copy_release(store, V1, tmp_path / "copy")
    result = sync(str(store), tmp_path / "copy")
    assert result.mode == "full" and f"release {V2} publishes no delta" in result.reason
    assert files_of(tmp_path / "copy" / V3) == files_of(store / V3)


def test_no_copy_yet_is_a_full_download(history, tmp_path):
    result = sync(str(history.releases), tmp_path / "new")
    assert result.mode == "full" and "no copy" in result.reason
    assert files_of(tmp_path / "new" / V3) == files_of(history.releases / V3)


def test_into_keeps_a_users_table_current_with_their_own_column(history, tmp_path):
    copy_release(history.releases, V1, tmp_path / "copy")
    mine = tmp_path / "my.duckdb"
    first = sync(str(history.releases), tmp_path / "copy", V1, into=mine)
    assert first.into["created"] and first.into["added"] == 6
    con = duckdb.connect(str(mine))
    con.execute("ALTER TABLE events ADD COLUMN my_note VARCHAR")
    con.execute("UPDATE events SET my_note = 'checked' WHERE event_id IN ('CDR-AZE-1', 'CDR-AZE-5')")
    con.close()
    result = sync(str(history.releases), tmp_path / "copy", into=mine)
    assert {k: result.into[k] for k in ("added", "updated", "deleted")} == {"added": 3, "updated": 2, "deleted": 2}
    con = duckdb.connect(str(mine))
    rows = dict(con.execute("SELECT event_id, my_note FROM events").fetchall())
    release = con.execute(f"SELECT * FROM read_parquet('{tmp_path / 'copy' / V3 / 'events.parquet'}') "
                          "EXCEPT SELECT * EXCLUDE (my_note) FROM events").fetchall()
    con.close()
    assert rows["CDR-AZE-1"] == "checked" and rows["CDR-AZE-5"] == "checked"  # updated and unchanged rows keep it
    assert "CDR-AZE-3" not in rows and "CDR-AZE-4" not in rows and len(rows) == 7
    assert release == []  # every release row, exactly


def test_the_command_line_with_the_documented_spelling(history, tmp_path):
    copy_release(history.releases, V1, tmp_path)
    proc = run_cedar("sync", "--from", str(history.releases), "--to", str(tmp_path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert "deprecated" not in proc.stderr  # the spelling `sync --from SOURCE --to DIR` is the product's own
    data = json.loads(proc.stdout)
    assert data["mode"] == "delta" and data["version"] == V3 and data["changes"]["deleted"] == 2
    proc = run_cedar("sync", "--releases", str(history.releases), "--to", str(tmp_path), "--into",
                     str(tmp_path / "mine.duckdb"))
    assert proc.returncode == 0 and "holds release 2026.11.3 already" in proc.stdout, proc.stdout + proc.stderr
    assert "table events created: 7 added" in proc.stdout
    proc = run_cedar("sync", "--releases", str(history.releases), "--to", str(tmp_path), "--version", "2026.12.9")
    assert proc.returncode == 2 and "not published" in proc.stderr and "Traceback" not in proc.stderr


def test_a_parquet_only_copy_stays_parquet_only(history, tmp_path):
    from cedar.releases.download import download

    download(str(history.releases), V1, tmp_path, "parquet")
    result = sync(str(history.releases), tmp_path)
    assert result.mode == "delta"
    got, published = files_of(tmp_path / V3), files_of(history.releases / V3)
    assert "events.csv" not in got and "sources.csv" not in got  # as `cedar download --files parquet` leaves it
    assert all(published[name] == digest for name, digest in got.items())
    assert {n for n in published if n.endswith(".parquet")} <= set(got)


def test_delta_files_are_reproducible(history, tmp_path):
    """The last release built again from the same store into a store without it: the same delta bytes."""
    from cedar.releases.build import build_release

    store = tmp_path / "releases"
    shutil.copytree(history.releases, store, ignore=shutil.ignore_patterns(".lock", V3))
    index = json.loads((store / "index.json").read_text())
    index["releases"] = [r for r in index["releases"] if r["version"] != V3]
    (store / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert build_release(V3, history.db, store).passed
    for name in DELTA_FILES:
        assert sha(store / V3 / name) == sha(history.releases / V3 / name), name


def test_into_refuses_a_file_that_is_not_a_database_before_fetching(history, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("my notes\n", encoding="utf-8")
    proc = run_cedar("sync", "--releases", str(history.releases), "--to", str(tmp_path / "copy"), "--into", str(junk))
    assert proc.returncode == 2 and "is not a DuckDB database" in proc.stderr, proc.stderr
    assert not (tmp_path / "copy").exists() and junk.read_text(encoding="utf-8") == "my notes\n"


def test_into_adds_release_columns_a_users_narrow_table_lacks(history, tmp_path):
    mine = tmp_path / "narrow.duckdb"
    con = duckdb.connect(str(mine))
    con.execute("CREATE TABLE events (event_id VARCHAR, version BIGINT, my_flag BOOLEAN)")
    con.execute("INSERT INTO events VALUES ('CDR-AZE-1', 1, true), ('MY-OWN-1', NULL, false)")
    con.close()
    result = sync(str(history.releases), tmp_path / "copy", into=mine)
    assert result.into["updated"] == 1 and result.into["added"] == 6 and result.into["deleted"] == 0
    con = duckdb.connect(str(mine))
    rows = {r[0]: r[1:] for r in con.execute("SELECT event_id, my_flag, country FROM events").fetchall()}
    con.close()
    assert rows["CDR-AZE-1"] == (True, "Azerbaijan") and rows["MY-OWN-1"] == (False, None) and len(rows) == 8


def test_a_folder_of_the_target_version_that_is_not_a_copy_is_refused(history, tmp_path):
    from cedar.errors import UsageError

    copy_release(history.releases, V1, tmp_path)
    (tmp_path / V3).mkdir()
    (tmp_path / V3 / "mine.txt").write_text("mine\n", encoding="utf-8")
    before = files_of(tmp_path)
    with pytest.raises(UsageError, match="does not hold a release"):
        sync(str(history.releases), tmp_path)
    assert files_of(tmp_path) == before and sorted(p.name for p in tmp_path.iterdir()) == [V1, V3]
