"""The small parts of releases: versions, CSV neutralisation, the suite generated from the model,
and a command line that does not import Great Expectations or pandas to show its help."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import typing

import pytest

from cedar.errors import CedarError
from cedar.releases import csvsafe
from cedar.releases import version as versions
from cedar.releases.diff import compare
from cedar.schema import flat, vocab
from cedar.schema.model import Event
from cedar.validate import expectations as ex


def test_versions_sort_as_numbers():
    vs = ["2026.11.10", "2026.11.9", "2027.01.1", "2026.02.1"]
    assert sorted(vs, key=versions.sort_key) == ["2026.02.1", "2026.11.9", "2026.11.10", "2027.01.1"]


@pytest.mark.parametrize("bad", ["2026.11", "2026.13.1", "2026.1.1", "2026.11.0", "v2026.11.1", "1.0.0", "2026.11.01"])
def test_bad_versions_are_refused(bad):
    with pytest.raises(CedarError) as err:
        versions.parse(bad)
    assert err.value.exit_code == 2


@pytest.mark.parametrize("text, expected", [
    ("=1+2", "'=1+2"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), ("", ""),
])
def test_text_cells_are_neutralised(text, expected):
    assert csvsafe.cell(flat.TEXT, text) == expected


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
    c = compare({"AZE1": 1, "AZE2": 1, "AZE10": 3}, {"AZE1": 1, "AZE2": 2, "AZE11": 1})
    assert (c.added, c.updated, c.deleted, c.unchanged) == (["AZE11"], ["AZE2"], ["AZE10"], ["AZE1"])
    assert [r["event_id"] for r in c.rows()] == ["AZE2", "AZE10", "AZE11"]


def test_suite_covers_every_vocabulary_and_range_of_the_model():
    specs = ex.model_specs(dt.date(2026, 11, 24))
    events = [s for s in specs if s.table == "events"]
    in_set = {s.kwargs["column"] for s in events if s.expectation == "ExpectColumnValuesToBeInSet"}
    for name in flat.event_columns():
        f = Event.model_fields[name]
        has_literal = any(typing.get_origin(a) is typing.Literal for a in (f.annotation, *typing.get_args(f.annotation)))
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


def test_column_writer_matches_cell_writer(tmp_path):
    import pyarrow as pa

    from cedar.releases.snapshot import arrow_schema

    columns = [("t", flat.TEXT), ("l", flat.LIST), ("i", flat.INT), ("f", flat.FLOAT), ("b", flat.BOOL),
               ("d", flat.DATE), ("ts", flat.TIMESTAMP)]
    rows = [{"t": "=x", "l": ["-a", "b"], "i": -3, "f": -46.75, "b": True, "d": dt.date(2023, 9, 19),
             "ts": dt.datetime(2026, 11, 1, 12, tzinfo=dt.timezone.utc)},
            {"t": None, "l": [], "i": None, "f": None, "b": None, "d": None, "ts": None},
            {"t": "a, \"quoted\"\nline", "l": ["x"], "i": 0, "f": 0.1, "b": False, "d": dt.date(2024, 1, 1),
             "ts": dt.datetime(2026, 11, 1, 12, 0, 0, 5, tzinfo=dt.timezone.utc)}]
    csvsafe.write_csv(tmp_path / "a.csv", columns, rows)
    csvsafe.write_table(tmp_path / "b.csv", columns, pa.Table.from_pylist(rows, schema=arrow_schema(columns)),
                        batch_rows=2)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
