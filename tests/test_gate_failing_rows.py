"""A failing gate expectation records the SQL of all its failing rows: planted faults, a real gate,
and the recorded SQL run with DuckDB must return exactly the rows the gate counted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from release_support import execute, ingest_store

from cedar.ingest import query
from cedar.releases import gating, snapshot
from cedar.releases.build import build_release
from cedar.validate.failing_rows import CHECK_TABLES

V1, V2 = "2026.11.1", "2026.11.2"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """The seed's store (CDR-AZE-1..CDR-AZE-6) and a release store holding its first release."""
    root = tmp_path_factory.mktemp("failing-rows")
    db = ingest_store(root / "cedar.duckdb")
    store = root / "releases"
    assert build_release(V1, db, store).passed
    return db, store


def _copy(released, tmp_path: Path) -> tuple[Path, Path]:
    db, store = released
    shutil.copy(db, tmp_path / "cedar.duckdb")
    shutil.copytree(store, tmp_path / "releases")
    return tmp_path / "cedar.duckdb", tmp_path / "releases"


def _event_ids(names: list[str], rows: list[tuple]) -> list[str]:
    return [r[names.index("event_id")] for r in rows]


def test_the_sql_of_each_failing_expectation_returns_its_failing_rows_from_the_store(released, tmp_path):
    """Faults of every kind of row expectation planted in the store past ingest; the build fails, and
    each recorded query, run by `cedar query` over that store, returns the rows the gate counted."""
    db, store = _copy(released, tmp_path)
    execute(db, "UPDATE event_current SET latitude = 123 WHERE event_id = 'CDR-AZE-2'",  # a range
            "UPDATE event_current SET sub_event_type = 'Peaceful protest' WHERE event_id = 'CDR-AZE-4'",  # a pair
            "UPDATE event_current SET fatalities_low = 50, fatalities = 3 WHERE event_id = 'CDR-AZE-3'",  # an order
            "UPDATE event_current SET event_date = DATE '2099-01-01' WHERE event_id = 'CDR-AZE-5'",  # a date bound
            "UPDATE event_current SET iso3 = 'az1' WHERE event_id = 'CDR-AZE-1'",  # a pattern and a vocabulary
            "UPDATE event_current SET location = '' WHERE event_id = 'CDR-AZE-6'",  # a minimum length
            "UPDATE event_current SET actor1 = NULL WHERE event_id = 'CDR-AZE-6'",  # a missing value
            "UPDATE event_sources SET name = '' WHERE event_id = 'CDR-AZE-1'")  # a long table
    result = build_release(V2, db, store)
    assert not result.passed
    recorded = json.loads((store / ".rejected" / V2 / "results.json").read_text(encoding="utf-8"))
    failed = [x for x in recorded["expectations"] if not x["success"]]
    assert "cedar query" in recorded["failing_rows_sql_reads"]
    found: dict[tuple[str, str], set[str]] = {}
    for x in failed:
        assert x["error"] is None, x
        if x["table"] in CHECK_TABLES or x["failing_rows_sql"] is None:
            continue
        names, rows = query.run(db, x["failing_rows_sql"])
        rows = list(rows)
        ids = _event_ids(names, rows)
        assert len(rows) == x["unexpected_count"], (x["failing_rows_sql"], rows, x["unexpected_count"])
        assert set(x["sample_event_ids"]) <= set(ids), (x["failing_rows_sql"], ids)
        found.setdefault((x["code"], ", ".join(x["columns"])), set()).update(ids)
    assert found[("out-of-range", "latitude")] == {"CDR-AZE-2"}
    assert found[("sub-event-not-in-type", "event_type, sub_event_type")] == {"CDR-AZE-4"}
    assert found[("fatalities-out-of-order", "fatalities_low, fatalities")] == {"CDR-AZE-3"}
    assert found[("date-in-future", "event_date")] == {"CDR-AZE-5"}
    assert found[("bad-format", "iso3")] == found[("not-in-vocabulary", "iso3")] == {"CDR-AZE-1"}
    assert found[("missing-value", "location")] == found[("missing-value", "actor1")] == {"CDR-AZE-6"}
    assert found[("missing-value", "name")] == {"CDR-AZE-1"}
    # the readable report shows each query
    report = (store / ".rejected" / V2 / "report.html").read_text(encoding="utf-8")
    assert "All failing rows, by SQL" in report
    assert "SELECT * FROM events WHERE &quot;latitude&quot; IS NOT NULL" in report


def test_the_sql_of_dataset_expectations_returns_their_rows_in_the_staging_database(released, tmp_path):
    """The dataset expectations read the gate's check tables: their queries, run in the staging
    database the gate ran on, return exactly the rows the gate counted and named."""
    db, store = _copy(released, tmp_path)
    execute(db, "INSERT INTO deletions VALUES ('CDR-AZE-1', 1, 'duplicate', TIMESTAMP '2026-11-02 00:00:00', 'x')",
            "DELETE FROM event_current WHERE event_id = 'CDR-AZE-6'",
            "UPDATE event_current SET fatalities = 99 WHERE event_id = 'CDR-AZE-2'",
            "UPDATE event_current SET latitude = -123 WHERE event_id IN ('CDR-AZE-3', 'CDR-AZE-4')",
            "UPDATE event_sources SET name = 'Another outlet' WHERE event_id = 'CDR-AZE-5'")
    con = snapshot.open_work(tmp_path / "work")
    try:
        snapshot.stage_store(con, db)
        previous = {"version": V1}
        prev_deletions = snapshot.stage_previous(con, store, previous)
        snapshot.stage_changes(con)
        gate = gating.run_release_gate(con, True, [r["event_id"] for r in prev_deletions], "2026-11-20T00:00:00Z")
        assert not gate.passed
        found = {}
        for o in gate.outcomes:
            if o.success:
                assert o.failing_rows_sql is None
                continue
            if o.failing_rows_sql is None:
                assert o.spec.expectation in ("ExpectTableRowCountToBeBetween", "ExpectColumnSumToBeBetween")
                continue
            cur = con.execute(o.failing_rows_sql)
            names = [d[0] for d in cur.description]
            ids = _event_ids(names, cur.fetchall())
            assert len(ids) == o.unexpected_count and set(o.sample_ids) <= set(ids), (o.failing_rows_sql, ids)
            found[o.spec.code] = sorted(ids)
        changed = dict(con.execute("SELECT event_id, changed_fields FROM unchanged WHERE NOT published_unchanged")
                       .fetchall())
    finally:
        con.close()
    assert found["deleted-id-present"] == ["CDR-AZE-1"]
    assert found["previous-event-missing"] == ["CDR-AZE-6"]
    assert found["fatalities-changed-without-version"] == ["CDR-AZE-2"]
    assert found["out-of-range"] == ["CDR-AZE-3", "CDR-AZE-4"]
    assert found["changed-without-version"] == ["CDR-AZE-2", "CDR-AZE-3", "CDR-AZE-4", "CDR-AZE-5"]
    assert changed == {"CDR-AZE-2": ["fatalities"], "CDR-AZE-3": ["latitude"], "CDR-AZE-4": ["latitude"],
                       "CDR-AZE-5": ["sources"]}


def test_the_sql_counts_what_great_expectations_counts_for_keys_and_pairs():
    """Repeated keys and pairs with missing values, where GX's rules are easy to get wrong: the
    recorded SQL returns as many rows as GX counts, on a small DuckDB database."""
    import duckdb

    from cedar.validate.expectations import Spec
    from cedar.validate.gate import run_gate

    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT * FROM (VALUES ('AZE1', 1, 1), ('AZE1', 2, NULL), ('AZE2', NULL, NULL), "
                "('AZE3', 5, 4), ('AZE4', NULL, 3)) t(event_id, a, b)")
    con.execute("CREATE TABLE claims AS SELECT * FROM (VALUES ('AZE1', 1), ('AZE1', 1), ('AZE1', 2), ('AZE2', 1)) "
                "t(event_id, claim_no)")
    specs = [  # declared codes, as every problem the gate reports has one
        Spec("duplicate-event-id", "events", "ExpectColumnValuesToBeUnique", {"column": "event_id"}),
        Spec("duplicate-row", "claims", "ExpectCompoundColumnsToBeUnique", {"column_list": ["event_id", "claim_no"]}),
        Spec("fatalities-changed-without-version", "events", "ExpectColumnPairValuesToBeEqual",
             {"column_A": "a", "column_B": "b", "ignore_row_if": "both_values_are_missing"}),
        Spec("fatalities-out-of-order", "events", "ExpectColumnPairValuesAToBeGreaterThanB",
             {"column_A": "b", "column_B": "a", "or_equal": True, "ignore_row_if": "either_value_is_missing"}),
    ]
    gate = run_gate(con, specs)
    got = {}
    for o in gate.outcomes:
        assert not o.success and o.error is None, o
        rows = con.execute(o.failing_rows_sql).fetchall()
        assert len(rows) == o.unexpected_count, (o.failing_rows_sql, rows, o.unexpected_count)
        got[o.spec.code] = sorted(r[0] for r in rows)
    assert got == {"duplicate-event-id": ["AZE1", "AZE1"], "duplicate-row": ["AZE1", "AZE1"],
                   "fatalities-changed-without-version": ["AZE1", "AZE3", "AZE4"], "fatalities-out-of-order": ["AZE3"]}
