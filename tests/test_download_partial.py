"""`cedar download --years/--countries` over a real HTTP server on 127.0.0.1 (tests/release_server.py): a
store of synthetic events over several years and countries, released through the real build, downloaded
whole and in part; the part's views must give exactly the rows of filtering the whole."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import run_cedar
from partial_support import V1, assert_same_rows, build, copy_db, files_of, rows, synthetic_store
from release_server import serving

from cedar.errors import TransferError
from cedar.releases.download import download
from cedar.releases.selection import Selection

QUICK = ("--timeout", "5", "--tries", "2")


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    """Two release stores of the same synthetic store: one single-file release, one partitioned."""
    root = tmp_path_factory.mktemp("partial")
    db = synthetic_store(root / "store")
    return {"single": build(copy_db(db, root / "a" / "cedar.duckdb"), root / "single", V1, "never"),
            "parted": build(copy_db(db, root / "b" / "cedar.duckdb"), root / "parted", V1, "always")}


@pytest.fixture(scope="module")
def single(stores) -> Path:
    return stores["single"]


@pytest.fixture(scope="module")
def parted(stores) -> Path:
    return stores["parted"]


def test_a_single_file_release_is_fetched_whole_and_filtered_by_the_views(single, tmp_path):
    sel = Selection(years=(2023, 2024), countries=("IND", "UKR", "MMR"))
    with serving(single) as srv:
        whole = download(srv.url, V1, tmp_path / "whole")
        part = download(srv.url, V1, tmp_path / "part", select_rows=sel)
    assert part.skipped == [] and part.downloaded_bytes == whole.downloaded_bytes
    assert json.loads((part.folder / "selection.json").read_text()) == {"years": [2023, 2024],
                                                                       "countries": ["IND", "MMR", "UKR"]}
    assert assert_same_rows(whole.folder, part.folder, sel) > 0


def test_the_whole_release_again_into_a_partial_copy_drops_its_selection(single, tmp_path):
    download(str(single), V1, tmp_path, select_rows=Selection(years=(2019,)))
    again = download(str(single), V1, tmp_path)
    assert not (again.folder / "selection.json").exists()
    assert {f.status for f in again.files} == {"present"}
    assert len(rows(again.folder, "events")) == 240


@pytest.mark.parametrize("option, value, words", [
    ("--countries", "AZE,XYZ", ["'XYZ' is not an ISO 3166-1 alpha-3 country code", "Hint: "]),
    ("--countries", "armenia", ["Did you mean ARM (Armenia)?"]),
    ("--years", "2024-2023", ["ends before it starts", "Hint: Write the earlier year first: 2023-2024."]),
    ("--years", "since 2020", ["is not a year or a span of years", "Hint: Give a year (2023)"]),
])
def test_an_unknown_country_or_year_syntax_is_a_usage_error_with_a_hint(single, tmp_path, option, value, words):
    proc = run_cedar("download", "--releases", str(single), "--to", str(tmp_path / "dl"), option, value, *QUICK)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w in proc.stderr, proc.stderr
    assert not (tmp_path / "dl").exists()


def test_the_json_report_names_the_selection_and_the_bytes(single, tmp_path):
    proc = run_cedar("download", "--releases", str(single), "--to", str(tmp_path), "--years", "2021",
                     "--format", "json", *QUICK)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["selection"] == {"years": [2021], "countries": None}
    assert got["skipped"] == [] and got["skipped_bytes"] == 0 and got["downloaded_bytes"] > 0


@pytest.mark.parametrize("sel", [Selection(years=(2023, 2024), countries=("IND", "UKR", "MMR")),
                                 Selection(years=(2021,)), Selection(countries=("UKR",))],
                         ids=["years-and-countries", "one-year", "one-country"])
def test_a_partial_download_of_a_partitioned_release_has_the_rows_of_filtering_a_full_one(parted, tmp_path, sel):
    with serving(parted) as srv:
        whole = download(srv.url, V1, tmp_path / "whole")
        before = len(srv.requests)
        part = download(srv.url, V1, tmp_path / "part", select_rows=sel)
        asked = {unquote(r["path"]).removeprefix(f"/releases/{V1}/") for r in srv.requests[before:]}
    assert assert_same_rows(whole.folder, part.folder, sel) > 0
    assert part.downloaded_bytes < whole.downloaded_bytes
    assert part.skipped and not set(part.skipped) & asked
    # only partition files were left out, and only ones the manifest says hold no selected rows
    man = json.loads((part.folder / "manifest.json").read_text())
    parts = {p["path"]: p for p in man["partitions"]}
    assert set(part.skipped) <= set(parts)
    for name in part.skipped:
        p = parts[name]
        assert (sel.years is not None and p["year"] not in sel.years) or not set(p["countries"]) & set(sel.countries)
    assert not any((part.folder / name).exists() for name in part.skipped)
    # the files it holds are the release's own, and sha256sum agrees with what is there
    assert all(files_of(part.folder)[n] == files_of(parted / V1)[n] for n in files_of(part.folder)
               if n != "selection.json")
    proc = subprocess.run(["sha256sum", "-c", "--ignore-missing", "SHA256SUMS"], cwd=part.folder,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_selection_without_partitions_gives_empty_views_with_the_right_columns(parted, tmp_path):
    whole = download(str(parted), V1, tmp_path / "whole")
    none = download(str(parted), V1, tmp_path / "none", select_rows=Selection(years=(1999,)))
    assert not [f for f in none.files if "/year=" in f.name]
    assert assert_same_rows(whole.folder, none.folder, Selection(years=(1999,))) == 0
    proc = run_cedar("query", "--releases", str(tmp_path / "none"), "SELECT count(*) AS n FROM actors_long",
                     "--format", "json")
    assert proc.returncode == 0 and json.loads(proc.stdout) == [{"n": 0}], proc.stdout + proc.stderr


def test_narrowing_a_copy_removes_the_partitions_outside_the_new_selection(parted, tmp_path):
    download(str(parted), V1, tmp_path, select_rows=Selection(years=(2020, 2021)))
    again = download(str(parted), V1, tmp_path, select_rows=Selection(years=(2021,)))
    assert {f.status for f in again.files} == {"present"}
    assert not (again.folder / "events" / "year=2020").exists()
    assert (again.folder / "events" / "year=2021" / "events-2021.parquet").is_file()
    assert {r[3].year for r in rows(again.folder, "events")} == {2021}


def test_a_damaged_partition_is_refused_and_nothing_is_left_under_a_final_name(parted, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(parted, store)
    victim = store / V1 / "events" / "year=2022" / "events-2022.parquet"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other bytes
    victim.write_bytes(bytes(data))
    with serving(store) as srv:
        with pytest.raises(TransferError, match="events/year=2022/events-2022.parquet does not match its manifest"):
            download(srv.url, V1, tmp_path / "dl", select_rows=Selection(years=(2022,)))
        assert not (tmp_path / "dl").exists()
        proc = run_cedar("download", "--releases", srv.url, "--to", str(tmp_path / "dl"), "--years", "2021-2023",
                         *QUICK)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert not (tmp_path / "dl").exists()
        # a partition outside the selection is not fetched, so its damage does not matter
        ok = download(srv.url, V1, tmp_path / "other", select_rows=Selection(years=(2021,)))
    assert assert_same_rows(download(str(parted), V1, tmp_path / "whole").folder, ok.folder,
                            Selection(years=(2021,))) > 0


def test_the_python_api_reads_a_partial_copy_through_the_same_views(parted, tmp_path):
    import cedar

    download(str(parted), V1, tmp_path, select_rows=Selection(years=(2022, 2023), countries=("UKR",)))
    with cedar.open_release(tmp_path) as release:
        years = release.sql("SELECT DISTINCT year(event_date), iso3 FROM events ORDER BY 1").rows
        actors = release.sql("SELECT count(*) FROM actors WHERE event_id NOT IN (SELECT event_id FROM events)").rows
        n = release.events(country="UKR").count("*").fetchall()[0][0]
    assert years and {tuple(r) for r in years} <= {(2022, "UKR"), (2023, "UKR")}
    assert n == len(rows(tmp_path, "events")) > 0
    assert actors == [(0,)]
