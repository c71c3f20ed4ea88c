"""`cedar download --years/--countries` over a real HTTP server on 127.0.0.1 (tests/release_server.py): a
store of synthetic events over several years and countries, released through the real build, downloaded
whole and in part; the part's views must give exactly the rows of filtering the whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cedar
from release_server import serving
from release_support import cedar_ok

from cedar.releases import localrelease
from cedar.releases.download import download
from cedar.releases.selection import Selection

V1 = "2026.11.1"
QUICK = ("--timeout", "5", "--tries", "2")
# every view of a copy, with the columns that order its rows
VIEWS = {"events": "event_id", "claims": "event_id, claim_no", "sources": "event_id, source_no",
         "actors": "event_id, role, position", "event_actors": "ALL", "actors_long": "ALL",
         "sources_long": "ALL", "events_acled": "event_id_cnty"}


def synthetic_store(folder: Path, n: int = 240, seed: int = 3) -> Path:
    """A store of `n` synthetic events over eight years and a few dozen countries."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "cedar.duckdb"
    cedar_ok("synth", str(n), "--seed", str(seed), "--out", str(folder / "events.csv"))
    cedar_ok("init", "--db", str(db))
    cedar_ok("ingest", "--db", str(db), str(folder / "events.csv"))
    return db


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> Path:
    """A release store with one single-file release of the synthetic store."""
    from cedar.releases.build import build_release

    root = tmp_path_factory.mktemp("partial-single")
    assert build_release(V1, synthetic_store(root), root / "releases").passed
    return root / "releases"


def rows(copy: Path, view: str, where: str | None = None) -> list[tuple]:
    sql = f"SELECT * FROM {view}" + (f" WHERE {where}" if where else "") + f" ORDER BY {VIEWS[view]}"
    return list(localrelease.run(copy, sql)[1])


def where_of(sel: Selection, view: str) -> str:
    """The filter of a whole copy's view that a partial copy of `sel` must equal."""
    terms = []
    if sel.years:
        terms.append(f"year(event_date) IN ({', '.join(map(str, sel.years))})")
    if sel.countries:
        terms.append(f"iso3 IN ({', '.join(repr(c) for c in sel.countries)})")
    ev = "SELECT event_id FROM events WHERE " + " AND ".join(terms)
    return f"{'event_id_cnty' if view == 'events_acled' else 'event_id'} IN ({ev})"


def assert_same_rows(whole: Path, part: Path, sel: Selection) -> int:
    """Every view of the partial copy equals the whole copy's view filtered; the events it holds."""
    for view in VIEWS:
        assert rows(part, view) == rows(whole, view, where_of(sel, view)), view
    return len(rows(part, "events"))


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
