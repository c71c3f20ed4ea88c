"""The selection of a partial download (releases/selection.py) over manifest dicts: which partition files
are fetched for --years/--countries, the options' syntax, and selection.json."""

from __future__ import annotations

import json

import duckdb
import pytest

from cedar.errors import InputError, UsageError
from cedar.releases import selection
from cedar.releases.selection import Selection


def _part(table: str, year: int, countries: list[str] | None, month: int | None = None) -> dict:
    span = f"{year}" if month is None else f"{year}-{month:02d}"
    return {"table": table, "path": f"{table}/year={year}/{table}-{span}.parquet", "year": year, "month": month,
            "rows": 3, "countries": countries, "min_date": f"{year}-01-01", "max_date": f"{year}-12-31"}


def _manifest() -> dict:
    parts = [_part("events", 2022, ["UKR"]), _part("events", 2023, ["ARM", "AZE"]),
             _part("events", 2024, ["AZE"], 1), _part("events", 2024, ["GEO"], 2),
             _part("claims", 2023, ["ARM", "AZE"]), _part("sources", 2024, ["AZE", "GEO"])]
    files = {p["path"]: {"bytes": 100 + n, "sha256": "0" * 64} for n, p in enumerate(parts)}
    files.update({"codebook.md": {"bytes": 5, "sha256": "1" * 64}, "changes.csv": {"bytes": 5, "sha256": "2" * 64},
                  "validation/report.html": {"bytes": 5, "sha256": "3" * 64},
                  "delta/events.parquet": {"bytes": 5, "sha256": "4" * 64}})
    return {"version": "2026.11.1", "layout": "partitioned", "files": files,
            "partitions": sorted(parts, key=lambda p: p["path"])}


SMALL = ["changes.csv", "codebook.md", "validation/report.html"]


def _split(sel: Selection) -> tuple[list[str], list[str]]:
    man = _manifest()
    return selection.split(man, sorted(man["files"]), sel)


def test_years_fetch_only_their_partitions_and_every_small_file_but_the_delta():
    keep, skipped = _split(Selection(years=(2023,)))
    assert sorted(keep) == sorted(["claims/year=2023/claims-2023.parquet", "events/year=2023/events-2023.parquet",
                                   *SMALL])
    assert "events/year=2022/events-2022.parquet" in skipped and "delta/events.parquet" in skipped
    assert len(skipped) == 5


def test_countries_choose_partitions_by_their_manifest_countries_and_months_count():
    keep, _ = _split(Selection(countries=("GEO",)))
    assert sorted(set(keep) - set(SMALL)) == ["events/year=2024/events-2024-02.parquet",
                                              "sources/year=2024/sources-2024.parquet"]
    keep, _ = _split(Selection(years=(2024,), countries=("AZE",)))
    assert sorted(set(keep) - set(SMALL)) == ["events/year=2024/events-2024-01.parquet",
                                              "sources/year=2024/sources-2024.parquet"]


def test_a_selection_matching_no_partition_keeps_only_the_small_files():
    keep, skipped = _split(Selection(years=(1999,)))
    assert keep == SMALL and len(skipped) == 7


def test_no_selection_and_a_single_file_release_skip_nothing():
    keep, skipped = _split(Selection())
    assert skipped == [] and len(keep) == 10
    single = {"files": {"events.parquet": {}, "codebook.md": {}}}
    assert selection.split(single, ["codebook.md", "events.parquet"], Selection(years=(2023,))) == \
        (["codebook.md", "events.parquet"], [])


def test_the_changes_files_by_span_are_chosen_like_the_tables_partitions():
    man = _manifest()
    changes = [{**_part("changes", y, cs), "path": f"changes/year={y}/changes-{y}.csv"}
               for y, cs in ((2022, ["UKR"]), (2023, ["ARM"]), (2021, ["GEO"]))]
    man["partitions"] = sorted(man["partitions"] + changes, key=lambda p: p["path"])
    man["files"].pop("changes.csv")
    man["files"].update({p["path"]: {"bytes": 9, "sha256": "5" * 64} for p in changes})
    keep, skipped = selection.split(man, sorted(man["files"]), Selection(years=(2021, 2023), countries=("ARM",)))
    assert [n for n in keep if n.startswith("changes/")] == ["changes/year=2023/changes-2023.csv"]
    assert {"changes/year=2021/changes-2021.csv", "changes/year=2022/changes-2022.csv"} <= set(skipped)


def test_a_partition_without_countries_is_fetched_for_any_country():
    assert selection.wanted({"year": 2023, "countries": None}, Selection(countries=("ARM",)))
    assert not selection.wanted({"year": 2023, "countries": ["AZE"]}, Selection(countries=("ARM",)))


@pytest.mark.parametrize("bad, why", [
    ({"partitions": "x"}, "not a list"),
    ({"partitions": [{"table": "events", "path": "events/elsewhere.parquet", "year": 2023}]}, "does not list"),
    ({"partitions": [{"table": "secrets", "path": "codebook.md", "year": 2023}]}, "table"),
    ({"partitions": [{"table": "events", "path": "codebook.md", "year": "2023"}]}, "no year"),
    ({"partitions": [{"table": "events", "path": "codebook.md", "year": 2023, "countries": "ARM"}]}, "countries"),
])
def test_damaged_partition_entries_are_refused(bad, why):
    man = {"layout": "partitioned", "files": {"codebook.md": {}}, **bad}
    with pytest.raises(ValueError, match=why):
        selection.partitions(man)


@pytest.mark.parametrize("text, years", [
    ("2023", (2023,)), ("2023-2025", (2023, 2024, 2025)), (" 2019 , 2021-2022,2019", (2019, 2021, 2022)),
])
def test_years_syntax(text, years):
    assert selection.parse_years(text) == years


@pytest.mark.parametrize("text, what", [
    ("", "empty"), ("23", "four-digit"), ("2024-2023", "ends before"), ("2023..2024", "not a year"),
    ("last year", "not a year"), ("2023,", "not a year"), ("99999", "four-digit"),
])
def test_bad_years_are_a_usage_error_with_a_hint(text, what):
    with pytest.raises(UsageError, match=what) as err:
        selection.parse_years(text)
    assert err.value.hint


def test_countries_are_checked_against_iso_3166_and_sorted():
    assert selection.parse_countries("aze, ARM,AZE") == ("ARM", "AZE")
    with pytest.raises(UsageError, match="'XYZ' is not an ISO 3166-1 alpha-3") as err:
        selection.parse_countries("AZE,XYZ")
    assert "AZE (Azerbaijan)" in (err.value.hint or "")
    with pytest.raises(UsageError) as err:
        selection.parse_countries("Armenia")
    assert "Did you mean ARM" in (err.value.hint or "")
    with pytest.raises(UsageError, match="empty"):
        selection.parse_countries("AZE,,ARM")


def test_selection_json_round_trip_and_the_whole_release_has_none(tmp_path):
    sel = selection.from_options("2023-2024", "AZE,ARM")
    selection.write(tmp_path, sel)
    assert json.loads((tmp_path / "selection.json").read_text()) == {"years": [2023, 2024],
                                                                     "countries": ["ARM", "AZE"]}
    assert selection.read(tmp_path) == sel
    selection.write(tmp_path, Selection())
    assert not (tmp_path / "selection.json").exists() and selection.read(tmp_path).everything


@pytest.mark.parametrize("text", ["[1]", "{\"years\": [\"2023\"]}", "{\"countries\": [\"a'); DROP\"]}", "{"])
def test_a_damaged_selection_json_is_an_input_error(tmp_path, text):
    (tmp_path / "selection.json").write_text(text)
    with pytest.raises(InputError):
        selection.read(tmp_path)


def test_the_views_filter_rows_and_an_absent_table_is_empty_with_its_columns():
    con = duckdb.connect()
    con.execute("CREATE TABLE ev AS SELECT * FROM (VALUES ('A-1', DATE '2023-05-01', 'AZE'), "
                "('A-2', DATE '2024-05-01', 'AZE'), ('B-1', DATE '2023-05-01', 'ARM')) t(event_id, event_date, iso3)")
    ev = selection.filtered("ev", Selection(years=(2023,), countries=("AZE",)))
    assert con.execute(f"SELECT event_id FROM {ev}").fetchall() == [("A-1",)]
    con.execute("CREATE TABLE act AS SELECT * FROM (VALUES ('A-1', 'x'), ('B-1', 'y')) t(event_id, actor)")
    assert con.execute(f"SELECT actor FROM {selection.of_events('act', ev, Selection(years=(2023,)))}") \
        .fetchall() == [("x",)]
    empty = con.execute(f"SELECT * FROM {selection.empty('events')}")
    assert empty.fetchall() == [] and "event_date" in [d[0] for d in empty.description]


def test_describe_names_spans_of_years():
    assert Selection(years=(2019, 2021, 2022, 2023), countries=("ARM",)).describe() == \
        "years 2019, 2021-2023; countries ARM"
