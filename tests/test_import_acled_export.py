"""Every release carries events-acled.csv: the release's events in ACLED's 31 columns, in ACLED's order and
spelling, inter codes as numbers; ACLED's own importer reads it back."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import ACLED, GED

from cedar.ingest import store
from cedar.ingest.importers import import_file, store_sync
from cedar.releases.acled_export import acled_row
from cedar.schema.acled_layout import CURRENT


def test_acled_columns_are_acleds_31():
    assert len(CURRENT) == 31 and CURRENT[0] == "event_id_cnty" and CURRENT[-1] == "timestamp"


def test_row_follows_acled_conventions():
    e = {"event_id": "CDR-MMR-7", "event_date": "2021-03-01", "date_precision": "span",
         "disorder_type": "Political violence",
         "event_type": "Violence against civilians", "sub_event_type": "Attack", "actor1": "=cmd", "inter1": 1,
         "actor2": "Civilians (Myanmar)", "inter2": 7, "interaction": 17, "civilian_targeting": True,
         "iso3": "MMR", "country": "Myanmar", "location": "Yangon", "latitude": 16.8, "longitude": 96.15,
         "geo_precision": "country", "sources": ["A", "B"], "source_scale": "subnational-national",
         "fatalities": None, "tags": ["x", "y"], "timestamp": "2026-01-01T00:00:00Z"}
    row = dict(zip(CURRENT, acled_row(e)))
    assert row["time_precision"] == "3" and row["geo_precision"] == "3" and row["iso"] == "104"
    assert row["civilian_targeting"] == "Civilian targeting" and row["fatalities"] == "0"
    assert row["source"] == "A; B" and row["source_scale"] == "Subnational-National" and row["tags"] == "x; y"
    assert row["actor1"] == "'=cmd" and row["timestamp"] == "1767225600" and row["year"] == "2021"


def test_release_carries_acled_layout_csv(tmp_path: Path):
    from cedar.releases.build import build_release

    db = tmp_path / "store.duckdb"
    store.init(db)
    assert not store_sync.ingest(import_file("acled", ACLED), db).outcome.refused
    assert not store_sync.ingest(import_file("ucdp", GED), db).outcome.refused
    # ACLED's rows may go only into a private release (cedar.releases.licensing)
    result = build_release("2026.11.1", db, tmp_path / "releases", created="2026-11-24T00:00:00Z", private=True)
    assert result.passed, [o for o in result.gate.outcomes if not o.success][:3]
    path = result.folder / "events-acled.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(CURRENT)
    assert len(rows) == 1 + 36 + 7374
    body = [dict(zip(CURRENT, r)) for r in rows[1:]]
    assert all(r["inter1"].isdigit() and r["inter2"].isdigit() and r["interaction"].isdigit() for r in body)
    assert {r["iso"] for r in body} == {"32", "104"}
    # ACLED's own layout reads back through the ACLED importer
    back = import_file("acled", path)
    assert (back.imported, len(back.refused)) == (36 + 7374, 0)
    assert "events-acled.csv" in (result.folder / "SHA256SUMS").read_text(encoding="utf-8")
    # the build's SQL writer gives the bytes the row writer gives for the released events
    import pyarrow.parquet as pq

    from cedar.releases.acled_export import write_acled_csv

    write_acled_csv(tmp_path / "py.csv", pq.read_table(result.folder / "events.parquet").to_pylist())
    assert path.read_bytes() == (tmp_path / "py.csv").read_bytes()


def _acled_by_sql(tmp_path: Path, events: list[dict]) -> bytes:
    """events written by the release build's SQL writer, from a typed table like the build's."""
    import duckdb

    from cedar.releases.acled_export import copy_acled_csv
    from cedar.releases.snapshot import SQL_TYPES, event_columns

    columns = event_columns()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE events (" + ", ".join(f'"{n}" {SQL_TYPES[k]}' for n, k in columns) + ")")
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO events VALUES ({marks})", [[e.get(n) for n, _ in columns] for e in events])
    copy_acled_csv(con, "events", tmp_path / "sql.csv")
    return (tmp_path / "sql.csv").read_bytes()


def test_sql_writer_follows_the_same_conventions(tmp_path: Path):
    import datetime as dt

    from cedar.releases.acled_export import write_acled_csv

    base = {"event_id": "CDR-MMR-7", "event_date": dt.date(2021, 3, 1), "date_precision": "span",
            "disorder_type": "Political violence", "event_type": "Violence against civilians",
            "sub_event_type": "Attack", "actor1": "=cmd", "inter1": 1, "actor2": "Civilians (Myanmar)", "inter2": 7,
            "interaction": 17, "civilian_targeting": True, "iso3": "MMR", "country": "Myanmar", "location": "Yangon",
            "latitude": 16.8, "longitude": 96.15, "geo_precision": "country", "sources": ["A", "B"],
            "source_scale": "subnational-national", "fatalities": None, "tags": ["x", "y"],
            "timestamp": dt.datetime(2026, 1, 1, 0, 0, 0, 500, tzinfo=dt.timezone.utc)}
    others = [dict(base, event_id="CDR-XKX-1", iso3="XKX", actor2=None, inter2=None, interaction=None, inter1=3,
                   civilian_targeting=None, sources=[], tags=None, source_scale=None, fatalities=4,
                   notes='-1, "quoted"\nsecond line', assoc_actor_1=["@a", "b"], date_precision="day",
                   geo_precision="exact", latitude=-0.0, longitude=-12.5),
              dict(base, event_id="CDR-ARG-2", iso3="ARG", actor2="", inter2=5, interaction=0, inter1=2,
                   source_scale="new_media-other-unknown", timestamp=None, location="\tTab")]
    events = [base, *others]
    write_acled_csv(tmp_path / "py.csv", events)
    assert _acled_by_sql(tmp_path, events) == (tmp_path / "py.csv").read_bytes()
