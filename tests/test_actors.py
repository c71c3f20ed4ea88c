"""The actor registry and place filling: a submission written here with alias actors, an unknown
actor, a contradicting actor type, bare place names and misplaced points, checked and ingested."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from conftest import run_cedar

from cedar.ingest import actors, load, store
from cedar.sample_data import seed_path
from cedar.validate.check import check_files

ARMY = "Military Forces of Azerbaijan (2003-)"


def _event(**over) -> dict:
    base = json.loads(seed_path().read_text(encoding="utf-8"))[5]  # a notification, Military Forces -> peacekeepers
    base = {k: v for k, v in base.items() if k not in ("ref",)}
    base["sources"] = [{k: v for k, v in s.items() if k not in ("document", "document_sha256")}
                       for s in base["sources"]]
    base.pop("evidence", None)
    base.update(over)
    return {k: v for k, v in base.items() if v is not ...}


def _write(tmp_path: Path, events: list[dict], name: str = "sub.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cedar.duckdb"
    store.init(path)
    assert not load.ingest(path, [seed_path()]).refused
    return path


def _codes(report) -> list[tuple[str, str, str | None]]:
    return [(p.code, p.severity, p.field) for p in report.problems]


def test_seed_and_ingest_fill_the_registry(db):
    with store.connect(db, write=False) as con:
        reg = actors.load(con)
    army = reg.actors[ARMY]
    assert (army.actor_type, army.country, army.first_year, army.last_year) == (1, "AZE", 2023, 2023)
    assert "Azerbaijani army" in army.aliases
    assert reg.canonical("azerbaijani ARMY") == ARMY
    assert reg.type_of("Russian Peacekeeping Force") == 8


def test_alias_is_replaced_unknown_actor_warned_and_contradicting_type_refused(db, tmp_path):
    events = [
        _event(actor1="Azerbaijani army", assoc_actor_2=["Turkish-Russian monitoring centre"]),
        _event(actor1="Azerbaijani armys"),  # a slip: unknown, with the closest names
        _event(inter1=3),  # the registry has the army as state forces (1)
    ]
    with store.connect(db, write=False) as con:
        reg = actors.load(con)
    result = check_files([_write(tmp_path, events)], actors=reg, keep_events=True)
    problems = result.report.problems
    replaced = [p for p in problems if p.code == "actor-alias-replaced"]
    assert [(p.row, p.field, p.value, p.severity) for p in replaced] == [
        (1, "actor1", "Azerbaijani army", "warning"),
        (1, "assoc_actor_2[0]", "Turkish-Russian monitoring centre", "warning")]
    [unknown] = [p for p in problems if p.code == "unknown-actor"]
    assert unknown.row == 2 and unknown.severity == "warning" and ARMY in unknown.message
    assert unknown.message.count("(") >= 3  # three names with scores
    [contra] = [p for p in problems if p.code == "actor-type-contradicts-registry"]
    assert contra.row == 3 and contra.severity == "error" and contra.field == "inter1"
    assert not result.report.valid


def test_ingest_replaces_aliases_in_the_store(db, tmp_path):
    path = _write(tmp_path, [_event(actor1="Azerbaijani armed forces", ref="a1")])
    outcome = load.ingest(db, [path])
    assert not outcome.refused, [p.message for p in outcome.report.problems]
    assert ("actor-alias-replaced", "warning", "actor1") in _codes(outcome.report)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT actor1 FROM events WHERE ref = 'a1'").fetchone()[0] == ARMY
    finally:
        con.close()


def test_new_actors_enter_the_registry_at_ingest(db, tmp_path):
    path = _write(tmp_path, [_event(actor2="Military Forces of Turkey (2016-)", inter2=8, ref="t1",
                                    event_date="2021-05-01")])
    assert not load.ingest(db, [path]).refused
    with store.connect(db, write=False) as con:
        reg = actors.load(con)
    turkey = reg.actors["Military Forces of Turkey (2016-)"]
    assert (turkey.actor_type, turkey.first_year) == (8, 2021)
    assert reg.actors[ARMY].first_year == 2021


def test_bare_place_names_get_coordinates_admin1_and_precision(tmp_path):
    events = [
        _event(location="Stepanakert", latitude=None, longitude=None, admin1=None, geo_precision=None, region=None),
        _event(location="Xankəndi", latitude=..., longitude=..., admin1=..., geo_precision=...),
        _event(location="Lachin", latitude=None, longitude=None, admin1=None, geo_precision=None),
        _event(location="Nowhere-on-earth", latitude=None, longitude=None, admin1=None, geo_precision=None),
    ]
    result = check_files([_write(tmp_path, events)], keep_events=True)
    by_row = {c.row: c.event for c in result.events}
    first = by_row[1]
    assert abs(first.latitude - 39.8153) < 0.02 and abs(first.longitude - 46.7519) < 0.02
    assert first.admin1 == "Xankǝndi" and first.geo_precision == "exact" and first.region == "Caucasus and Central Asia"
    assert abs(by_row[2].latitude - 39.8153) < 0.02
    assert abs(by_row[3].latitude - 39.6383) < 0.02 and by_row[3].admin1 == "Laçın"
    filled = [p for p in result.report.problems if p.code == "place-filled"]
    assert [p.row for p in filled] == [1, 2, 3] and all(p.severity == "warning" for p in filled)
    assert "alternate name" in filled[0].message
    [missing] = [p for p in result.report.problems if p.code == "place-not-found"]
    assert missing.row == 4 and missing.severity == "error"
    assert not [p for p in result.report.problems if p.code == "missing-value" and p.field in ("latitude", "longitude")]


def test_a_csv_without_coordinate_columns_is_filled(tmp_path):
    from cedar.schema import flat

    event = check_files([seed_path()], keep_events=True).events[1].event
    row, _, _ = flat.to_flat(event, "r1")
    columns = [c for c in flat.event_columns() if c not in ("latitude", "longitude", "geo_precision", "sources")]
    kinds = flat.column_kinds()
    path = tmp_path / "bare.csv"
    import csv

    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*columns, "sources"])
        w.writerow([*(flat.format_cell(kinds[c], row[c]) for c in columns), "Reuters"])
    result = check_files([path], keep_events=True)
    assert result.report.valid, [p.message for p in result.report.errors]
    assert abs(result.events[0].event.latitude - 39.8153) < 0.02


def test_misplaced_points(tmp_path):
    events = [
        _event(latitude=40.1811, longitude=44.5136),  # Yerevan, given as Azerbaijan
        _event(latitude=41.0, longitude=51.5),  # the Caspian Sea, 60+ km off Baku's peninsula
        _event(latitude=39.8153, longitude=46.7519, admin1="Baki"),
        _event(region="Europe"),
    ]
    report = check_files([_write(tmp_path, events)]).report
    got = {(p.row, p.code): p for p in report.problems}
    assert "Armenia (ARM)" in got[(1, "point-outside-country")].message
    assert got[(3, "admin1-mismatch")].severity == "warning" and "Xankǝndi" in got[(3, "admin1-mismatch")].message
    assert "Caucasus and Central Asia" in got[(4, "region-mismatch")].message
    assert (2, "point-outside-country") not in got


def test_check_finds_the_store_read_only_and_goes_on_without_it_when_busy(db, tmp_path):
    registry, note = actors.open_registry(db)
    assert registry is not None and str(db) in note
    import subprocess
    import sys
    import time

    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        start = time.perf_counter()
        registry, note = actors.open_registry(db)
        assert registry is None and "busy" in note and time.perf_counter() - start < 5
    finally:
        holder.kill()
        holder.wait()
    registry, note = actors.open_registry(tmp_path / "none.duckdb")
    assert registry is None and "No actor registry" in note


def test_search_is_fuzzy_with_scores(db):
    with store.connect(db, write=False) as con:
        reg = actors.load(con)
    hits = reg.search("azeri army", 3)
    assert hits[0][0] == ARMY and 0 < hits[0][1] <= 100


def test_alias_command_adds_an_alias_and_refuses_one_that_names_another_actor(db):
    with store.connect(db, write=True) as con:
        actors.add_alias(con, ARMY, "Azeri army")
    with store.connect(db, write=False) as con:
        assert actors.load(con).canonical("Azeri Army") == ARMY
    from cedar.errors import CedarError

    with store.connect(db, write=True) as con, pytest.raises(CedarError, match="already"):
        actors.add_alias(con, "Government of Azerbaijan (2003-)", "Azeri army")


def test_actors_commands(db):
    listed = run_cedar("actors", "list", "--db", str(db), "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert ARMY in {a["name"] for a in json.loads(listed.stdout)}
    shown = run_cedar("actors", "show", "Azerbaijani army", "--db", str(db))
    assert shown.returncode == 0 and ARMY in shown.stdout and "State forces" in shown.stdout
    found = run_cedar("actors", "search", "azeri army", "--db", str(db), "--format", "json")
    hits = json.loads(found.stdout)
    assert hits[0]["name"] == ARMY and hits[0]["score"] > 50 and len(hits) == 5
    added = run_cedar("actors", "alias", ARMY, "Azeri army", "--db", str(db))
    assert added.returncode == 0 and "Azeri army" in added.stdout
    again = run_cedar("actors", "alias", "Government of Azerbaijan (2003-)", "Azeri army", "--db", str(db))
    assert again.returncode == 1 and "already" in again.stderr and "Traceback" not in again.stderr
    unknown = run_cedar("actors", "show", "Nobody at all", "--db", str(db))
    assert unknown.returncode == 1 and "Closest names" in unknown.stderr


def test_cedar_check_with_and_without_a_store(db, tmp_path):
    path = _write(tmp_path, [_event(actor1="Azerbaijani army")])
    with_store = run_cedar("check", str(path), "--db", str(db), "--format", "json")
    report = json.loads(with_store.stdout)
    assert with_store.returncode == 0, with_store.stdout
    assert [p["code"] for p in report["problems"]] == ["actor-alias-replaced"]
    assert str(db) in with_store.stderr and "Actor registry" in with_store.stderr
    without = run_cedar("check", str(path), "--format", "json", cwd=tmp_path)
    report = json.loads(without.stdout)
    assert without.returncode == 0 and report["problems"] == [] and "No actor registry" in without.stderr


# --- the registry from `cedar init` -------------------------------------------------------------

def test_init_fills_the_registry_from_the_seed_and_a_check_uses_it_before_any_ingest(tmp_path):
    db = tmp_path / "fresh.duckdb"
    assert run_cedar("init", "--db", str(db)).returncode == 0
    seed = actors.seed_actors()
    with store.connect(db, write=False) as con:
        reg = actors.load(con)
        assert actors.seed_is_in(con)
    assert set(reg.actors) == {a.name for a in seed}
    assert reg.canonical("Azerbaijani army") == ARMY
    listed = run_cedar("actors", "list", "--db", str(db))
    assert listed.returncode == 0 and ARMY in listed.stdout
    # `cedar check` against the new store replaces an alias: the registry was there before any ingest
    path = _write(tmp_path, [_event(actor1="Azerbaijani army")])
    proc = run_cedar("check", str(path), "--db", str(db), "--format", "json")
    replaced = [p for p in json.loads(proc.stdout)["problems"] if p["code"] == "actor-alias-replaced"]
    assert [(p["field"], p["value"]) for p in replaced] == [("actor1", "Azerbaijani army")], proc.stdout
    # init again changes nothing
    assert run_cedar("init", "--db", str(db)).returncode == 0
    with store.connect(db, write=False) as con:
        assert len(actors.load(con)) == len(seed)


def test_a_store_without_the_seed_is_checked_with_it_and_gets_it_at_the_next_ingest(tmp_path):
    """A store made before `cedar init` put the seed in (or with another seed): empty registry, no marker."""
    db = tmp_path / "older.duckdb"
    store.init(db)
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM actors")
    con.execute("DELETE FROM store_meta WHERE key = ?", [actors.SEED_META])
    con.close()
    reg, said = actors.open_registry(db)
    assert reg is not None and reg.canonical("Azerbaijani army") == ARMY, said  # the seed, added in memory
    with store.connect(db, write=False) as con:
        assert len(actors.load(con)) == 0
    assert not load.ingest(db, [_write(tmp_path, [_event(actor1="Azerbaijani army", ref="a")])]).refused
    with store.connect(db, write=False) as con:
        assert actors.seed_is_in(con)
        assert actors.load(con).canonical("Azerbaijani army") == ARMY
