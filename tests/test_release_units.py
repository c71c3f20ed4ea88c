"""The small parts of releases: versions, CSV neutralisation, the suite generated from the model,
and a command line that does not import Great Expectations or pandas to show its help."""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cedar.errors import CedarError, DataError, UsageError
from cedar.releases import csvsafe, index
from cedar.releases import version as versions
from cedar.releases.diff import compare
from cedar.schema import csvtext, flat, vocab
from cedar.schema.model import Event
from cedar.validate import expectations as ex


def test_versions_sort_as_numbers():
    vs = ["2026.11.10", "2026.11.9", "2027.01.1", "2026.02.1"]
    assert sorted(vs, key=versions.sort_key) == ["2026.02.1", "2026.11.9", "2026.11.10", "2027.01.1"]


@pytest.mark.parametrize("bad", ["2026.11", "2026.13.1", "2026.1.1", "2026.11.0", "v2026.11.1", "1.0.0", "2026.11.01",
                                 "2026.12.1\n", "2026.12.1\r\n", " 2026.12.1", "\n2026.12.1", "2026.12.1 "])
def test_bad_versions_are_refused(bad):
    with pytest.raises(CedarError) as err:
        versions.parse(bad)
    assert isinstance(err.value, UsageError)
    assert not versions.is_version(bad)


def test_an_index_naming_a_version_with_a_trailing_newline_is_refused(tmp_path):
    (tmp_path / "index.json").write_text(json.dumps({"format": index.FORMAT, "releases": [
        {"version": "2026.12.1"}, {"version": "2026.12.1\n"}]}), encoding="utf-8")
    with pytest.raises(DataError, match="not a release version"):
        index.read_index(tmp_path)


@pytest.mark.parametrize("text, expected", [
    ("=1+2", "'=1+2"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
    # a spreadsheet skips blanks and reads other forms of the signs: NFKC, then the first non-blank
    ("\uff1d1+2", "'\uff1d1+2"), ("\uff0bA1", "'\uff0bA1"), ("\uff0d3", "'\uff0d3"), ("\uff20cmd", "'\uff20cmd"),
    ("\ufe66x", "'\ufe66x"), ("\u207c1", "'\u207c1"), (" =1", "' =1"), ("\xa0=1", "'\xa0=1"),
    ("\u3000-1", "'\u3000-1"), ("\u200b=1", "'\u200b=1"), ("\ufeff@x", "'\ufeff@x"),
    ("\u2060\u200d+1", "'\u2060\u200d+1"),
    (" \t \u200b=1", "' \t \u200b=1"), (" plain", " plain"), ("\u200bplain", "\u200bplain"),
    ("a \uff1d b", "a \uff1d b"),
])
def test_text_cells_are_neutralised(text, expected):
    assert csvsafe.cell(flat.TEXT, text) == expected


def test_formula_starts_are_every_character_whose_nfkc_form_starts_with_a_sign():
    import unicodedata

    signs = {chr(c) for c in range(0x110000) if unicodedata.normalize("NFKC", chr(c))[:1] in ("=", "+", "-", "@")}
    assert csvtext.FORMULA_STARTS == signs


def test_a_neutralised_cell_reads_back_as_it_was(tmp_path):
    from cedar.releases.snapshot import _unneutralise

    for text in ("\uff1dSUM(A1)", " =1", "\u200b-2", "plain", "'quoted", "\tx"):
        assert _unneutralise(csvsafe.neutralise(text)) == text


def test_numbers_dates_and_lists():
    assert csvsafe.cell(flat.FLOAT, -46.75) == "-46.75"
    assert csvsafe.cell(flat.INT, -3) == "-3"
    assert csvsafe.cell(flat.DATE, dt.date(2023, 9, 19)) == "2023-09-19"
    assert csvsafe.cell(flat.TIMESTAMP, dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)) == "2026-11-01T12:00:00Z"
    assert csvsafe.cell(flat.LIST, ["=a", "b"]) == "'=a; b"
    assert csvsafe.cell(flat.LIST, ["a", "b"]) == "a; b"
    assert csvsafe.cell(flat.BOOL, True) == "true"
    assert csvsafe.cell(flat.FLOAT, None) == ""


def test_compare():
    c = compare({"CDR-AZE-1": 1, "CDR-AZE-2": 1, "CDR-AZE-10": 3},
                {"CDR-AZE-1": 1, "CDR-AZE-2": 2, "CDR-AZE-11": 1})
    assert (c.added, c.updated, c.deleted, c.unchanged) == (["CDR-AZE-11"], ["CDR-AZE-2"], ["CDR-AZE-10"],
                                                            ["CDR-AZE-1"])
    assert [r["event_id"] for r in c.rows()] == ["CDR-AZE-2", "CDR-AZE-10", "CDR-AZE-11"]


def test_suite_covers_every_vocabulary_and_range_of_the_model():
    specs = ex.model_specs(dt.date(2026, 11, 24))
    events = [s for s in specs if s.table == "events"]
    in_set = {s.kwargs["column"] for s in events if s.expectation == "ExpectColumnValuesToBeInSet"}
    for name in flat.event_columns():
        f = Event.model_fields[name]
        has_literal = any(typing.get_origin(a) is typing.Literal for a in (f.annotation,
                                                                           *typing.get_args(f.annotation)))
        if has_literal:
            assert name in in_set, name
    between = {s.kwargs["column"] for s in events if s.expectation == "ExpectColumnValuesToBeBetween"}
    assert {"latitude", "longitude", "fatalities", "version"} <= between
    not_null = {s.kwargs["column"] for s in events if s.expectation == "ExpectColumnValuesToNotBeNull"}
    assert {"event_id", "version", "event_type", "latitude", "disorder_type"} <= not_null
    pairs = [s for s in events if s.code == "sub-event-not-in-type"]
    assert len(pairs) == len(vocab.EVENT_TYPES)
    battles = next(s for s in pairs if s.when == ("event_type", "Battles"))
    assert battles.kwargs["column"] == "sub_event_type" and "Armed clash" in battles.kwargs["value_set"]
    assert sum(len(s.kwargs["value_set"]) for s in pairs) == len(vocab.ALL_SUB_EVENT_TYPES)
    assert any(s.expectation == "ExpectColumnValuesToBeUnique" and s.kwargs["column"] == "event_id" for s in events)


def test_row_count_bound_is_stated():
    assert ex.row_count_bounds(10) == (0, 1010)
    assert ex.row_count_bounds(100_000) == (75_000, 125_000)


def test_help_imports_neither_great_expectations_nor_pandas():
    code = ("import sys; from typer.testing import CliRunner; from cedar.cli import app; "
            "r = CliRunner().invoke(app, ['release', '--help']); assert r.exit_code == 0, r.output; "
            "assert 'build' in r.output; "
            "print(sorted(m for m in ('great_expectations', 'pandas', 'pyarrow') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def _sql_written(tmp_path, columns, rows):
    """rows written by DuckDB's COPY through csvsafe.copy_csv, from a typed table."""
    import duckdb

    from cedar.releases.snapshot import SQL_TYPES

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE t (" + ", ".join(f'"{n}" {SQL_TYPES[k]}' for n, k in columns) + ")")
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO t VALUES ({marks})", [[r.get(n) for n, _ in columns] for r in rows])
    csvsafe.copy_csv(con, "t", columns, tmp_path / "sql.csv")
    return (tmp_path / "sql.csv").read_bytes()


COLUMNS = [("t", flat.TEXT), ("l", flat.LIST), ("i", flat.INT), ("f", flat.FLOAT), ("b", flat.BOOL),
           ("d", flat.DATE), ("ts", flat.TIMESTAMP)]


def test_sql_writer_matches_cell_writer(tmp_path):
    rows = [{"t": "=x", "l": ["-a", "b"], "i": -3, "f": -46.75, "b": True, "d": dt.date(2023, 9, 19),
             "ts": dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)},
            {"t": None, "l": [], "i": None, "f": None, "b": None, "d": None, "ts": None},
            {"t": "a, \"quoted\"\nline", "l": ["x", "y,z"], "i": 0, "f": 0.1 + 0.2, "b": False,
             "d": dt.date(2024, 1, 1), "ts": dt.datetime(2026, 11, 1, 12, 0, 0, 5, tzinfo=dt.timezone.utc)},
            {"t": "", "l": None, "i": 2**40, "f": -0.0, "b": None, "d": None, "ts": None},
            {"t": "\tx\ry", "l": ["@a"], "i": 1, "f": 1e-05, "b": True, "d": None, "ts": None},
            {"t": "+1 \u05e9\u05dc\u05d5\u05dd \U0001F600 '", "l": ["\rcr"], "i": 1, "f": 1e16, "b": True, "d": None,
             "ts": dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.timezone.utc)},
            {"t": "\xa0\u200b\uff1dHYPERLINK(1)", "l": [" -a", "\ufe6bx"], "i": 1, "f": None, "b": None, "d": None,
             "ts": None},
            {"t": "\u3000\u2060plain", "l": ["\u200d\uff0b1", "b"], "i": 1, "f": None, "b": None, "d": None,
             "ts": None}]
    csvsafe.write_csv(tmp_path / "a.csv", COLUMNS, rows)
    assert _sql_written(tmp_path, COLUMNS, rows) == (tmp_path / "a.csv").read_bytes()


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({
    "t": st.none() | _text, "l": st.none() | st.lists(_text, max_size=3),
    "i": st.none() | st.integers(-2**62, 2**62), "f": st.none() | st.floats(allow_nan=False),
    "b": st.none() | st.booleans(), "d": st.none() | st.dates(dt.date(1000, 1, 1), dt.date(9999, 12, 31)),
    "ts": st.none() | st.datetimes(dt.datetime(1971, 1, 1), dt.datetime(2200, 1, 1),
                                   timezones=st.just(dt.timezone.utc))}), min_size=1, max_size=5))
def test_sql_writer_matches_cell_writer_on_any_values(tmp_path, rows):
    """The two writers of the CSV rule give the same bytes, whatever the text (quotes, commas,
    newlines, carriage returns, formula triggers, any script) and numbers."""
    csvsafe.write_csv(tmp_path / "a.csv", COLUMNS, rows)
    assert _sql_written(tmp_path, COLUMNS, rows) == (tmp_path / "a.csv").read_bytes()


def test_sql_writer_keeps_row_order_over_many_row_groups(tmp_path):
    """A release's CSV is in event_id order: DuckDB's COPY runs on one thread for it (with two,
    DuckDB 2.0.1 wrote some row groups of a 1M-event CSV out of order)."""
    import duckdb

    from cedar.releases.build import _one_thread

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("CREATE TABLE t AS SELECT 'AZE' || i AS id, CASE WHEN i % 7 = 0 THEN '=x, \"y\"' ELSE 'z' END AS note, "
                "i * 0.5 AS f FROM range(1, 300001) r(i) ORDER BY i")
    columns = [("id", flat.TEXT), ("note", flat.TEXT), ("f", flat.FLOAT)]
    with _one_thread(con):
        csvsafe.copy_csv(con, "t", columns, tmp_path / "t.csv")
    assert con.execute("SELECT current_setting('threads')").fetchall()[0][0] == 2
    with (tmp_path / "t.csv").open(encoding="utf-8", newline="") as fh:
        ids = [row[0] for row in csv.reader(fh)][1:]
    assert ids == [f"AZE{i}" for i in range(1, 300001)]


def test_gate_names_long_rows_without_a_released_event():
    """The staging join keeps orphan rows out of a release, so the gate's guard on it is tested
    here, on GX's SQL path over a small DuckDB database."""
    import duckdb

    from cedar.validate.gate import run_gate

    con = duckdb.connect()
    con.execute("CREATE TABLE events AS SELECT 'AZE' || i AS event_id FROM range(1, 4) r(i)")
    con.execute("CREATE TABLE claims AS SELECT 'AZE1' AS event_id")
    con.execute("CREATE TABLE sources AS SELECT * FROM (VALUES ('AZE2'), ('AZE9')) t(event_id)")
    con.execute("CREATE TABLE actors AS SELECT 'AZE3' AS event_id")
    gate = run_gate(con, ex.reference_specs())
    assert not gate.passed
    (outcome,) = gate.outcomes
    assert (outcome.spec.code, outcome.unexpected_count, outcome.sample_ids) == ("unknown-event", 1, ["AZE9"])
    con.execute("DELETE FROM sources WHERE event_id = 'AZE9'")
    assert run_gate(con, ex.reference_specs()).passed


def test_changed_in_place_names_the_fields_that_differ_under_the_current_ids(tmp_path):
    """An event of the previous release under its id of the earlier form (AZE1) is compared with the
    same event now (CDR-AZE-1); schema_version is not compared, an event with a new version is not,
    and a long table the previous release lacks (sources here) is left out."""
    import duckdb

    from cedar.releases import published

    prev = tmp_path / "prev"
    prev.mkdir()
    con = duckdb.connect()
    rows = "t(event_id, version, actor1, schema_version)"
    con.execute(f"CREATE TABLE events AS SELECT * FROM (VALUES ('CDR-AZE-1', 1, 'a', 'x'), ('CDR-AZE-2', 1, 'b', 'y'), "
                f"('CDR-AZE-3', 2, 'c', 'z')) {rows}")
    con.execute(f"COPY (SELECT * FROM (VALUES ('AZE1', 1, 'a', 'w'), ('CDR-AZE-2', 1, 'B', 'y'), "
                f"('CDR-AZE-3', 1, 'C', 'z')) {rows}) TO '{prev / 'events.parquet'}' (FORMAT parquet)")
    con.execute("CREATE TABLE claims AS SELECT 'CDR-AZE-1' AS event_id, 1 AS claim_no, 'q' AS claimant")
    con.execute(f"COPY (SELECT 'AZE1' AS event_id, 1 AS claim_no, 'Q' AS claimant) "
                f"TO '{prev / 'claims.parquet'}' (FORMAT parquet)")
    con.execute("CREATE TABLE sources AS SELECT 'CDR-AZE-1' AS event_id, 1 AS source_no, 'n' AS name")
    con.execute("CREATE TABLE id_aliases AS SELECT 'AZE1' AS old_id, 'CDR-AZE-1' AS event_id")
    text, number = "VARCHAR", "BIGINT"
    columns = {"events": [("event_id", text), ("version", number), ("actor1", text), ("schema_version", text)],
               "claims": [("event_id", text), ("claim_no", number), ("claimant", text)],
               "sources": [("event_id", text), ("source_no", number), ("name", text)]}
    published.stage_changed_in_place(con, prev, columns, lambda p: f"'{p}'")
    assert dict(con.execute("SELECT * FROM changed_in_place").fetchall()) == {
        "CDR-AZE-1": ["claims"], "CDR-AZE-2": ["actor1"]}
