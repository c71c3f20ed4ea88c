"""Actor types judged in ACLED's context: a state's forces are type 1 at home and type 8 (external
forces) abroad, so the verdict on a row does not depend on which of the two the registry met first;
a repeated import of the same rows gives the same verdict, and `cedar ingest` of what `cedar import`
wrote takes the rows that import --ingest takes. The rows are invented events at real places."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import run_cedar

from cedar.ingest import actors, store
from cedar.ingest.importers import import_file, store_sync
from cedar.schema.acled_layout import CURRENT

ETH_FORCES = "Military Forces of Ethiopia (2018-)"
MOGADISHU = ("706", "Eastern Africa", "Somalia", "Banadir", "Mogadishu", "2.0371", "45.3438")
ADDIS = ("231", "Eastern Africa", "Ethiopia", "Addis Ababa", "Addis Ababa", "9.0250", "38.7469")


def _row(n: int, where: tuple[str, ...], actor1: str, inter1: int, actor2: str, inter2: int) -> list[object]:
    num, region, country, admin1, town, lat, lon = where
    return [f"TST{n}", f"2023-03-{n % 28 + 1:02d}", 2023, 1, "Political violence", "Battles", "Armed clash",
            actor1, "", inter1, actor2, "", inter2, "", "", num, region, country, admin1, "", "", town, lat, lon, 1,
            "Invented Daily", "National", f"An invented clash in {town}, number {n}.", 1, "", 1700000000]


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CURRENT)
        w.writerows(rows)
    return path


@pytest.fixture
def abroad(tmp_path: Path) -> Path:
    return _write(tmp_path / "abroad.csv", [_row(n, MOGADISHU, ETH_FORCES, 8, "Al Shabaab", 2) for n in range(3)])


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return _write(tmp_path / "home.csv", [_row(n, ADDIS, ETH_FORCES, 1, "Fano Militia", 3) for n in range(10, 13)])


def _store(path: Path) -> Path:
    store.init(path)
    return path


def _refused(path: Path, db: Path) -> list[int]:
    result = import_file("acled", path)
    done = store_sync.ingest(result, db)
    assert not done.outcome.refused
    return sorted(result.refused)


def test_state_forces_at_home_and_abroad_are_accepted_in_either_order(tmp_path, abroad, home):
    first = _store(tmp_path / "a-then-b.duckdb")
    assert (_refused(abroad, first), _refused(home, first)) == ([], [])
    second = _store(tmp_path / "b-then-a.duckdb")
    assert (_refused(home, second), _refused(abroad, second)) == ([], [])
    # and again: a repeated import of the same rows gives the same verdict
    assert (_refused(abroad, first), _refused(home, first), _refused(home, second)) == ([], [], [])


def test_state_forces_coded_1_abroad_contradict_a_registry_that_has_them_abroad():
    reg = actors.Registry([actors.Actor(ETH_FORCES, 8, None)])
    assert reg.home(ETH_FORCES) == "ETH"  # the country the name names, not one the registry learned
    assert reg.type_contradiction(ETH_FORCES, 1, "ETH") is None
    assert reg.type_contradiction(ETH_FORCES, 1, "SOM") == 8
    assert reg.type_contradiction(ETH_FORCES, 3, "ETH") == 8
    unnamed = actors.Registry([actors.Actor("Wagner Group", 8, None)])
    assert unnamed.type_contradiction("Wagner Group", 1, "MLI") is None  # no country known: either code may fit


def test_an_actor_coded_against_the_file_is_refused_on_every_import(tmp_path):
    militia = "Invented Militia (Ethiopia)"
    rows = [_row(n, ADDIS, militia, 3, ETH_FORCES, 1) for n in range(4)]
    rows.append(_row(9, ADDIS, militia, 2, ETH_FORCES, 1))  # the same actor as a rebel group once
    path = _write(tmp_path / "militia.csv", rows)
    db = _store(tmp_path / "s.duckdb")
    assert _refused(path, db) == [6]  # the file's own commonest type (3) is the one the registry will learn
    assert _refused(path, db) == [6]
    result = import_file("acled", path)
    [p] = [p for p in result.report.problems if p.code == "actor-type-differs-in-file"]
    assert (p.row, p.field, p.value) == (6, "inter1", 2)


def test_ingest_of_the_import_output_takes_what_import_with_ingest_takes(tmp_path, abroad, home):
    mixed = _write(tmp_path / "mixed.csv", [*csv.reader(abroad.open(encoding="utf-8"))][1:]
                   + [*csv.reader(home.open(encoding="utf-8"))][1:])
    out = tmp_path / "mixed.cedar.jsonl"
    db1, db2 = _store(tmp_path / "one.duckdb"), _store(tmp_path / "two.duckdb")
    # the registry of each store first meets Ethiopia's forces abroad (type 8)
    assert _refused(abroad, db1) == [] and _refused(abroad, db2) == []
    assert _refused(mixed, db1) == []
    made = run_cedar("import", "acled", str(mixed), "--out", str(out))
    assert made.returncode == 0, made.stderr
    took = run_cedar("ingest", str(out), "--db", str(db2))
    assert took.returncode == 0, took.stdout + took.stderr
