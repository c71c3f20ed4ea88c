"""Likely matches found by DuckDB in the store (importers.matching_store) are those of the rules in Python
(importers.matching.find): the same pairs, days and distances, in the same order per new event."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa

from cedar.ingest import store
from cedar.ingest.importers import matching, matching_store

DATASETS = ("acled", "ucdp-ged", "gdelt")
TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots")
ACTORS = ("Military Forces of Mexico (2018-)", "Sinaloa Cartel", "Civilians (Mexico)", "Police Forces of Mexico "
          "(2018-)", "Protesters (Mexico)", "SINALOA  cartel", None)
PLACES = ((24.8, -107.39), (25.6, -107.0), (19.43, -99.13), (0.999, 10.0), (1.0, 10.0), (2.0, 10.3))


def _events(n: int, seed: int) -> list[tuple]:
    """Invented events close enough in time and place that many are near one another."""
    rnd = random.Random(seed)
    rows = []
    day0 = dt.date(2021, 3, 1)
    for i in range(n):
        start = day0 + dt.timedelta(days=rnd.randrange(90))
        precision = rnd.choice(("day", "day", "day", "week", "month", "span"))
        end = start + dt.timedelta(days=rnd.choice((1, 6, 30, 70))) if precision == "span" else None
        lat, lon = rnd.choice(PLACES)
        lat, lon = lat + rnd.uniform(-0.3, 0.3), lon + rnd.uniform(-0.3, 0.3)
        ext = [f"{rnd.choice(DATASETS)}:{i}"] + ([f"{rnd.choice(DATASETS)}:x{i}"] if rnd.random() < 0.1 else [])
        if rnd.random() < 0.05:
            ext = []
        rows.append((f"CDR-T-{i}", ext, start, end, precision, lat, lon,
                     rnd.choice(("exact", "exact", "near", "region", "country")), rnd.choice(TYPES),
                     rnd.choice(ACTORS[:-1]), [a for a in [rnd.choice(ACTORS)] if a and rnd.random() < 0.3],
                     rnd.choice(ACTORS), [], rnd.randint(1, 8), rnd.choice((None, 1, 2, 3, 6, 7, 8))))
    return rows


def _store(tmp_path: Path, rows: list[tuple]) -> Path:
    db = tmp_path / "m.duckdb"
    store.init(db)
    with store.connect(db, write=True) as con:
        con.executemany("INSERT INTO event_current (event_id, external_ids, event_date, event_date_end, "
                        "date_precision, latitude, longitude, geo_precision, event_type, actor1, assoc_actor_1, "
                        "actor2, assoc_actor_2, inter1, inter2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        rows)
    return db


def _shape(matches: list[matching.Match]) -> list[tuple]:
    return [(m.a.key, m.b.key, m.days_apart, round(m.km, 9)) for m in matches]


def _by_new_event(matches: list[matching.Match]) -> dict[str, list[tuple]]:
    """Per new event, its matches nearest first (pairs tied on days and km in either order)."""
    out: dict[str, list[tuple]] = {}
    for key, other, days, km in _shape(matches):
        out.setdefault(key, []).append((days, km, other))
    return {k: sorted(v) for k, v in out.items()}


def test_matches_found_in_the_store_are_those_of_the_python_rules(tmp_path):
    rows = _events(1500, seed=7)
    db = _store(tmp_path, rows)
    new_ids = [r[0] for r in rows[::3]]
    with store.connect(db, write=False) as con:
        new = matching.stored_candidates(con, new_ids)
        order = {k: i for i, k in enumerate(new_ids)}
        new.sort(key=lambda c: order[c.key])
        held = matching.held_candidates(con, min(c.start for c in new), max(c.end for c in new))
        expected = matching.find(new, held)
        assert matching_store.may_match(con)
        con.register("ids", pa.table({"event_id": new_ids, "pos": list(range(len(new_ids)))}))
        matching_store.new_from_store(con, "ids")
        found = list(matching_store.find(con))
    assert len(expected) > 50  # the invented events do meet: the comparison means something
    assert _by_new_event(found) == _by_new_event(expected)
    assert [m.a.key for m in found] == [m.a.key for m in expected]  # by new event, in the submission's order


def test_matches_of_unstored_events_are_found_by_their_refs(tmp_path):
    """A dry run's events are not in the store: they go into DuckDB from their Events, keyed by their ref."""
    from types import SimpleNamespace as E

    rows = _events(600, seed=11)
    db = _store(tmp_path, rows[:400])
    fields = ("external_ids", "event_date", "event_date_end", "date_precision", "latitude", "longitude",
              "geo_precision", "event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "inter1", "inter2")
    todo = [(f"ref-{r[0]}", E(**dict(zip(fields, r[1:])))) for r in rows[400:]]
    with store.connect(db, write=False) as con:
        new = [matching.candidate(f"NEW-{i}", e) for i, (_, e) in enumerate(todo)]
        held = matching.held_candidates(con, dt.date(2020, 1, 1), dt.date(2022, 1, 1))
        expected = matching.find(new, held)
        con.register("ids", pa.table({"ref": [r for r, _ in todo], "event_id": [f"NEW-{i}" for i in range(len(todo))],
                                      "pos": list(range(len(todo)))}))
        matching_store.new_from_events(con, "ids", iter(todo))
        found = list(matching_store.find(con))
    assert len(expected) > 10
    assert _by_new_event(found) == _by_new_event(expected)


def test_no_pairs_are_looked_for_within_one_dataset(tmp_path):
    """An import into a store of its own dataset alone: DuckDB is given no dataset pair to join."""
    rows = [(f"CDR-A-{i}", [f"acled:{i}"], dt.date(2021, 3, 1), None, "day", 10.0, 10.0, "exact", "Battles",
             "Sinaloa Cartel", [], None, [], 3, None) for i in range(50)]
    db = _store(tmp_path, rows)
    with store.connect(db, write=False) as con:
        assert matching.find(matching.stored_candidates(con, [r[0] for r in rows[:25]]),
                             matching.held_candidates(con, dt.date(2021, 1, 1), dt.date(2021, 6, 1))) == []
        assert not matching_store.may_match(con)  # so an import reads none of its events back
        con.register("ids", pa.table({"event_id": [r[0] for r in rows[:25]], "pos": list(range(25))}))
        matching_store.new_from_store(con, "ids")
        assert list(matching_store.find(con)) == []


def test_links_are_gathered_in_the_store_once_per_pair(tmp_path):
    """Every match found is linked, however many: the pairs go into DuckDB a batch at a time, then one
    transaction stores each pair once, with its days and km, as matching.link would."""
    rows = _events(900, seed=5)
    db = _store(tmp_path, rows)
    new_ids = [r[0] for r in rows[::2]]
    with store.connect(db, write=True) as con:
        new = matching.stored_candidates(con, new_ids)
        expected = matching.find(new, matching.held_candidates(con, dt.date(2020, 1, 1), dt.date(2022, 1, 1)))
        con.register("ids", pa.table({"event_id": new_ids, "pos": list(range(len(new_ids)))}))
        matching_store.new_from_store(con, "ids")
        links = matching_store.Links(con)
        links.batch_size = 7  # several batches
        for m in matching_store.find(con):
            links.add(m)
        added = links.store("test", dt.datetime(2026, 1, 1))
        stored = con.execute("SELECT event_id, other_event_id, days_apart, round(km, 6) FROM event_links").fetchall()
    pairs = {}
    for m in sorted(expected, key=lambda m: (m.days_apart, m.km)):
        pairs.setdefault(tuple(sorted((m.a.key, m.b.key))), (m.days_apart, round(m.km, 6)))
    assert added == len(pairs) > 20
    assert sorted(stored) == sorted((*k, *v) for k, v in pairs.items())


def test_matches_past_the_listed_number_are_counted_and_linked(tmp_path, monkeypatch):
    """The outcome lists the first MATCHES_LISTED likely matches; every one is counted and linked."""
    import csv

    from conftest import ACLED
    from test_import_store import _gdelt_protest_like

    from cedar.ingest.importers import import_file, store_sync

    db = tmp_path / "store.duckdb"
    store.init(db)
    target = next(csv.DictReader(ACLED.open(encoding="utf-8", newline="")))
    store_sync.ingest(import_file("acled", ACLED), db)
    one = _gdelt_protest_like(tmp_path, target)
    line = one.read_text(encoding="utf-8")
    cells = line.rstrip("\n").split("\t")
    cells[0] = "900000002"
    one.write_text(line + "\t".join(cells) + "\n", encoding="utf-8")
    monkeypatch.setattr(store_sync, "MATCHES_LISTED", 1)
    done = store_sync.ingest(import_file("gdelt", one), db)
    assert (len(done.matches), done.match_count, done.links_added) == (1, 2, 2)
    assert done.to_dict()["likely_match_count"] == 2 and len(done.to_dict()["likely_matches"]) == 1
    with store.connect(db, write=False) as con:
        assert con.execute("SELECT count(*) FROM event_links").fetchall() == [(2,)]
