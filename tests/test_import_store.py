"""Imports into the store: a newer ACLED export updates the events held under the same external id
instead of duplicating them, ACLED's deleted-events file deletes, and the same event in two datasets
is listed as a likely match and linked as corroboration, not merged."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest
from conftest import ACLED, ACLED_DELETED, GDELT, data_rows

from cedar.ingest import store
from cedar.ingest.importers import import_file, store_sync
from cedar.ingest.importers.matching import candidate, find


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.duckdb"
    store.init(path)
    return path


def rows_of(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _edited(source: Path, tmp_path: Path, name: str, edit) -> Path:
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    edit(rows)
    out = tmp_path / name
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


def test_newer_acled_export_updates_instead_of_duplicating(db, tmp_path, acled_file):
    n = data_rows(acled_file)
    first = store_sync.ingest(import_file("acled", acled_file), db)
    assert not first.outcome.refused and first.outcome.counts["added"] == n
    again = store_sync.ingest(import_file("acled", acled_file), db)
    assert again.updated_by_external_id == n
    assert again.outcome.counts["added"] == 0 and again.outcome.counts["unchanged"] == n

    def edit(rows):
        i = next(k for k, r in enumerate(rows) if r[5] == "Riots")
        rows[i][27] += " A later report adds detail."
        edit.id = rows[i][0]
    newer = store_sync.ingest(import_file("acled", _edited(acled_file, tmp_path, "newer.csv", edit)), db)
    assert not newer.outcome.refused
    assert (newer.outcome.counts["added"], newer.outcome.counts["updated"]) == (0, 1)
    assert rows_of(db, "SELECT count(*), count(DISTINCT event_id) FROM events") == [(n, n)]
    [(version, notes)] = rows_of(db, f"SELECT version, notes FROM events WHERE list_contains(external_ids, "
                                     f"'acled:{edit.id}')")
    assert version == 2 and notes.endswith("A later report adds detail.")


def test_acled_deleted_events_file_deletes(db, tmp_path):
    store_sync.ingest(import_file("acled", ACLED), db)
    outcome, warnings = store_sync.apply_deletions(ACLED_DELETED, db)
    assert not outcome.refused and outcome.counts["deleted"] == 1
    assert [w.code for w in warnings] == ["not-held"] and warnings[0].row == 3
    [(reason,)] = rows_of(db, "SELECT reason FROM deletions")
    assert reason == "deleted by ACLED on 2023-04-12 (acled:ARG13064)"
    assert rows_of(db, "SELECT count(*) FROM events") == [(35,)]
    # the deleted event is not brought back by the next export
    result = import_file("acled", ACLED)
    again = store_sync.ingest(result, db)
    assert again.skipped_deleted == 1 and again.outcome.counts["added"] == 0
    [note] = [p for p in result.report.problems if p.code == "deleted-in-store"]
    assert note.row == 4 and note.value == "acled:ARG13064"


def _gdelt_protest_like(tmp_path: Path, acled_row: dict) -> Path:
    """A GDELT row reporting an ACLED sample protest: CAMEO 141, same day, 3 km away."""
    cells = GDELT.read_text(encoding="utf-8").splitlines()[0].split("\t")
    cells[0] = "900000001"
    cells[1] = acled_row["event_date"].replace("-", "")
    cells[5], cells[6], cells[7], cells[12] = "ARGLAB", "ARGENTINA", "ARG", "LAB"
    cells[26], cells[27], cells[28], cells[29] = "141", "141", "14", "3"
    cells[51], cells[52], cells[53] = "4", f"{acled_row['location']}, {acled_row['admin1']}, Argentina", "AR"
    cells[56], cells[57] = str(float(acled_row["latitude"]) + 0.02), str(float(acled_row["longitude"]) + 0.02)
    out = tmp_path / "gdelt.tsv"
    out.write_text("\t".join(cells) + "\n", encoding="utf-8")
    return out


def test_same_event_in_two_datasets_is_linked_not_merged(db, tmp_path):
    acled_rows = list(csv.DictReader(ACLED.open(encoding="utf-8", newline="")))
    target = acled_rows[0]
    store_sync.ingest(import_file("acled", ACLED), db)
    g = import_file("gdelt", _gdelt_protest_like(tmp_path, target))
    assert g.imported == 1
    done = store_sync.ingest(g, db)
    assert not done.outcome.refused
    mine = [m for m in done.matches if m.b.label == f"acled:{target['event_id_cnty']}"]
    assert mine and mine[0].km < 5 and mine[0].days_apart == 0
    assert any(p.code == "likely-match" for p in done.outcome.report.problems)
    # linked, both kept
    assert rows_of(db, "SELECT count(*) FROM events") == [(37,)]
    [(a, b, relation)] = rows_of(db, "SELECT event_id, other_event_id, relation FROM event_links "
                                     f"WHERE '{mine[0].b.key}' IN (event_id, other_event_id)")
    assert relation == "corroborates" and {a, b} == {mine[0].a.key, mine[0].b.key}
    [(reports, datasets)] = rows_of(db, "SELECT independent_reports, reporting_datasets FROM event_corroboration "
                                        f"WHERE event_id = '{mine[0].b.key}'")
    assert reports == 2 and datasets == 2


def test_dry_run_lists_likely_matches_from_the_rows_and_links_none(db, tmp_path):
    acled_rows = list(csv.DictReader(ACLED.open(encoding="utf-8", newline="")))
    target = acled_rows[0]
    store_sync.ingest(import_file("acled", ACLED), db)
    done = store_sync.ingest(import_file("gdelt", _gdelt_protest_like(tmp_path, target)), db, dry_run=True)
    assert not done.outcome.refused
    # nothing was stored, so the candidates come from the imported rows' own events
    assert [m.b.label for m in done.matches] == [f"acled:{target['event_id_cnty']}"]
    assert done.links_added == 0
    assert rows_of(db, "SELECT count(*) FROM events") == [(36,)]


def test_matching_rules():
    import datetime as dt
    from types import SimpleNamespace as E

    def ev(ext, date, lat, lon, etype="Battles", dp="day", gp="exact"):
        return E(external_ids=[ext], event_date=date, event_date_end=None, date_precision=dp, latitude=lat,
                 longitude=lon, geo_precision=gp, event_type=etype, actor1="Military Forces of X", inter1=1,
                 assoc_actor_1=[], actor2="Rebels of X", inter2=2, assoc_actor_2=[])
    d = dt.date(2022, 6, 1)
    a = candidate("A1", ev("acled:X1", d, 10.0, 10.0))
    near = candidate("U1", ev("ucdp-ged:1", d + dt.timedelta(days=1), 10.05, 10.0, "Explosions/Remote violence"))
    far = candidate("U2", ev("ucdp-ged:2", d, 11.0, 10.0))
    late = candidate("U3", ev("ucdp-ged:3", d + dt.timedelta(days=5), 10.0, 10.0))
    other_type = candidate("U4", ev("ucdp-ged:4", d, 10.0, 10.0, "Protests"))
    same_dataset = candidate("A2", ev("acled:X2", d, 10.0, 10.0))
    weekly = candidate("U5", ev("ucdp-ged:5", d + dt.timedelta(days=5), 10.0, 10.0, dp="week"))
    found = find([a], [near, far, late, other_type, same_dataset, weekly])
    assert [m.b.key for m in found] == ["U1", "U5"]


def _ev(ext, start, end=None, dp="day", actor1="Military Forces of Mexico (2018-)", inter1=1,
        actor2="Sinaloa Cartel", inter2=3, etype="Battles"):
    from types import SimpleNamespace as E

    return candidate(ext, E(external_ids=[ext], event_date=start, event_date_end=end, date_precision=dp,
                            latitude=24.8, longitude=-107.39, geo_precision="exact", event_type=etype,
                            actor1=actor1, inter1=inter1, assoc_actor_1=[], actor2=actor2, inter2=inter2,
                            assoc_actor_2=[]))


def test_links_need_compatible_actors():
    import datetime as dt

    d = dt.date(2021, 3, 10)
    police = _ev("acled:MEX1", d, actor1="Police Forces of Mexico (2018-)", actor2="Unidentified Gang (Mexico)")
    cartels = _ev("ucdp-ged:1", d, actor1="Sinaloa Cartel", inter1=3, actor2="Jalisco Cartel New Generation", inter2=3)
    assert find([police], [cartels]) == []  # a cartel fighting a cartel is not a gang fighting the police
    army = _ev("ucdp-ged:2", d, actor1="Government of Mexico", actor2="Jalisco Cartel New Generation")
    assert [m.b.key for m in find([police], [army])] == ["ucdp-ged:2"]  # no shared name, the same kinds of side
    shared = _ev("ucdp-ged:3", d, actor1="Sinaloa Cartel", inter1=2, actor2="Civilians (Mexico)", inter2=7)
    fighting = _ev("acled:MEX2", d, actor1="Sinaloa Cartel", inter1=3, actor2="Civilians (Mexico)", inter2=7)
    assert [m.b.key for m in find([fighting], [shared])] == ["ucdp-ged:3"]


def test_dates_are_widened_once_and_monthly_aggregates_link_no_single_event():
    import datetime as dt

    march = _ev("ucdp-ged:7", dt.date(2021, 3, 1), dt.date(2021, 3, 31), dp="month")
    assert find([_ev("acled:MEX3", dt.date(2021, 4, 28))], [march]) == []  # beyond March, however widened
    assert find([_ev("acled:MEX4", dt.date(2021, 3, 15))], [march]) == []  # a month's sum is not one event
    year = _ev("ucdp-ged:8", dt.date(2021, 1, 1), dt.date(2021, 1, 30), dp="span")
    assert find([_ev("acled:MEX5", dt.date(2021, 1, 20))], [year]) == []
    single = _ev("ucdp-ged:9", dt.date(2021, 3, 14))
    assert [m.b.key for m in find([_ev("acled:MEX6", dt.date(2021, 3, 15))], [single])] == ["ucdp-ged:9"]
    assert find([_ev("acled:MEX7", dt.date(2021, 3, 17))], [single]) == []  # a day each way, not two
    weekly = _ev("acled:MEX8", dt.date(2021, 3, 20), dp="week")
    assert [m.b.key for m in find([weekly], [single])] == ["ucdp-ged:9"]


def test_reporting_datasets_counts_datasets_not_ids(db, tmp_path):
    acled_rows = list(csv.DictReader(ACLED.open(encoding="utf-8", newline="")))
    target = acled_rows[0]
    store_sync.ingest(import_file("acled", ACLED), db)
    one = _gdelt_protest_like(tmp_path, target)
    line = one.read_text(encoding="utf-8")
    cells = line.rstrip("\n").split("\t")
    cells[0] = "900000002"
    one.write_text(line + "\t".join(cells) + "\n", encoding="utf-8")
    done = store_sync.ingest(import_file("gdelt", one), db)
    assert done.links_added == 2
    [(linked, datasets)] = rows_of(db, "SELECT linked_events, reporting_datasets FROM event_corroboration c "
                                       f"JOIN event_current e USING (event_id) "
                                       f"WHERE list_contains(e.external_ids, 'acled:{target['event_id_cnty']}')")
    assert (linked, datasets) == (2, 2)


def test_command_line_ingest_update_and_delete(tmp_path):
    import json

    from conftest import run_cedar

    db = tmp_path / "cli.duckdb"
    assert run_cedar("init", "--db", str(db)).returncode == 0
    p = run_cedar("import", "acled", str(ACLED), "--ingest", "--db", str(db), "--format", "json")
    assert p.returncode == 0, p.stderr
    report = json.loads(p.stdout)
    assert report["import"]["store"]["counts"]["added"] == 36
    ids = report["import"]["store"]["ids"]
    assert ids["acled:ARG13050"].startswith("CDR-ARG-")
    # no Cedar id has the form of ACLED's event_id_cnty, so a join on it cannot match an ACLED event
    assert not [i for i in ids.values() if re.fullmatch(r"[A-Z]{3}[0-9]+", i)]
    p = run_cedar("import", "acled", str(ACLED), "--ingest", "--db", str(db))
    assert p.returncode == 0 and "0 added, 0 updated, 36 unchanged (36 matched by external id)" in p.stdout
    gone = tmp_path / "acled-deleted.csv"
    gone.write_text("event_id_cnty,deleted_timestamp\nARG13050,1681300000\n", encoding="utf-8")
    p = run_cedar("import", "acled", str(gone))
    assert p.returncode == 2 and "--ingest" in p.stderr
    p = run_cedar("import", "acled", str(gone), "--ingest", "--db", str(db))
    assert p.returncode == 0 and "Deleted 1 event(s)" in p.stdout, p.stdout + p.stderr
    assert rows_of(db, "SELECT count(*) FROM events") == [(35,)]


def test_unknown_layout_in_json(tmp_path):
    import json

    from conftest import run_cedar

    bad = tmp_path / "mentions.tsv"
    bad.write_text("\t".join(["x"] * 16) + "\n", encoding="utf-8")
    p = run_cedar("import", "gdelt", str(bad), "--format", "json")
    assert p.returncode == 1
    [problem] = json.loads(p.stdout)["problems"]
    assert problem["code"] == "unknown-layout" and "16 tab-separated columns" in problem["message"]


def test_file_without_final_line_break_is_flagged(tmp_path, acled_file):
    data = acled_file.read_bytes().rstrip(b"\r\n")
    path = tmp_path / "no-eol.csv"
    path.write_bytes(data)
    r = import_file("acled", path)
    n = data_rows(acled_file)
    assert r.imported == n
    [w] = [p for p in r.report.warnings if p.code == "no-final-line-break"]
    assert w.row == n + 1


def test_links_table_is_made_by_init_and_an_older_store_without_it_still_works(db, tmp_path):
    """event_links is declared with the other tables (schema/tables.py) and made by `cedar init`; a store
    from before, which lacks it until its first linking import, is not refused and gets it then."""
    from cedar.ingest import load
    from cedar.ingest.importers import matching
    from cedar.sample_data import seed_path

    assert rows_of(db, "SELECT count(*) FROM event_links") == [(0,)]
    assert rows_of(db, "SELECT count(*) FROM event_corroboration") == [(0,)]
    con = duckdb.connect(str(db))
    con.execute("DROP VIEW event_corroboration")
    con.execute("DROP TABLE event_links")
    con.close()
    assert not load.ingest(db, [seed_path()]).refused  # check_schema does not ask for `cedar init`
    with store.connect(db, write=True) as con:
        assert matching.link(con, [], "test", None) == 0
    assert rows_of(db, "SELECT count(*) FROM event_corroboration") == rows_of(db, "SELECT count(*) FROM events")
    info = store.init(db)  # and init leaves it as it is
    assert info["columns_added"] == [] and [(info["events"],)] == rows_of(db, "SELECT count(*) FROM events")
