"""`cedar panel` (cedar.releases.panel): panels of a release built in the test, held to counts made by
hand in SQL over the release's own events.parquet, with the zeros of the full grid, ACLED's Saturday
weeks, the rules for dates and unreported fatalities, and PRIO-GRID ids against the real UCDP GED rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from conftest import GED, run_cedar
from release_support import cedar_ok, execute
from typer.testing import CliRunner

from cedar.cli import app
from cedar.errors import UsageError
from cedar.releases import panel
from cedar.schema import vocab
from cedar.schema.csvtext import neutralise

VERSION = "2026.11.1"
FRIDAY, SATURDAY = dt.date(2024, 3, 1), dt.date(2024, 3, 2)
SPAN = (dt.date(2024, 1, 20), dt.date(2024, 2, 9))  # a span over the end of January
FORMULA = "=HYPERLINK(\"http://x.invalid\")"


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    """A release of 300 synthetic events in many countries, three of them planted: one on a Friday, one on
    the next day (a Saturday), and one spanning two months, all with unreported fatalities."""
    from cedar.ingest import synth
    from cedar.releases.build import build_release

    root = tmp_path_factory.mktemp("panel")
    submission = root / "events.csv"
    synth.write(submission, 300, seed=5)
    db = root / "cedar.duckdb"
    cedar_ok("init", "--db", str(db))
    cedar_ok("ingest", "--db", str(db), str(submission))
    plants = [(FRIDAY, None, "day"), (SATURDAY, None, "day"), (SPAN[0], SPAN[1], "span")]
    for n, (start, end, precision) in enumerate(plants, start=1):
        for table in ("event_current", "event_history"):
            execute(db, f"UPDATE {table} SET event_date = DATE '{start}', event_date_end = "
                        f"{'NULL' if end is None else repr(str(end)) + '::DATE'}, date_precision = '{precision}', "
                        f"fatalities = NULL, fatalities_low = NULL, fatalities_high = NULL "
                        f"WHERE event_id = (SELECT event_id FROM event_current ORDER BY event_id LIMIT 1 OFFSET {n})")
    for table in ("event_current", "event_history"):  # a name a spreadsheet would run as a formula
        execute(db, f"UPDATE {table} SET admin1 = '{FORMULA}' "
                    "WHERE event_id = (SELECT event_id FROM event_current ORDER BY event_id LIMIT 1 OFFSET 4)")
    result = build_release(VERSION, db, root / "releases")
    assert result.passed
    return root / "releases" / VERSION


def planted(release: Path, n: int) -> dict:
    con = duckdb.connect()
    row = con.execute(f"SELECT iso3, admin1 FROM read_parquet('{release}/events.parquet') ORDER BY event_id "
                      f"LIMIT 1 OFFSET {n}").fetchall()[0]
    return {"iso3": row[0], "admin1": row[1]}


def rows(path: Path) -> list[dict]:
    con = duckdb.connect()
    reader = "read_csv" if path.suffix == ".csv" else "read_parquet"
    cur = con.execute(f"SELECT * FROM {reader}('{path}')")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def by_hand(release: Path, keys: str, period: str, where: str = "TRUE") -> dict[tuple, dict]:
    """Counts of each unit and period that has events, written out plainly: not the library's SQL."""
    cols = ["count(*) AS events", "coalesce(sum(fatalities), 0) AS fatalities",
            "count(*) FILTER (WHERE fatalities IS NULL) AS events_fatalities_unreported"]
    for t in vocab.EVENT_TYPES:
        s = panel.slug(t)
        cols += [f"count(*) FILTER (WHERE event_type = '{t}') AS {s}_events",
                 f"coalesce(sum(fatalities) FILTER (WHERE event_type = '{t}'), 0) AS {s}_fatalities"]
    con = duckdb.connect()
    cur = con.execute(f"SELECT {keys}, {period} AS p, {', '.join(cols)} FROM read_parquet('{release}/events.parquet') "
                      f"WHERE {where} GROUP BY ALL")
    names = [d[0] for d in cur.description]
    n_keys = len(keys.split(","))
    out = {}
    for r in cur.fetchall():
        d = dict(zip(names, r))
        out[tuple(r[:n_keys]) + (d["p"],)] = {k: v for k, v in d.items() if k in names[n_keys + 1:]}
    return out


def compare(panel_rows: list[dict], hand: dict[tuple, dict], keys: list[str]) -> None:
    nonzero = {tuple(r[k] for k in keys) + (r["period_start"],): r for r in panel_rows if r["events"]}
    assert set(nonzero) == set(hand)
    for key, counts in hand.items():
        assert {k: nonzero[key][k] for k in counts} == counts, key


def make(release: Path, tmp_path: Path, unit: str, name: str = "panel.parquet", **kw) -> tuple[panel.Panel, list]:
    result = panel.make_panel(release, tmp_path / name, unit, **kw)
    return result, rows(tmp_path / name)


def test_country_month_panel_matches_counts_by_hand_with_every_zero(release, tmp_path):
    result, got = make(release, tmp_path, "country-month")
    compare(got, by_hand(release, "iso3", "CAST(date_trunc('month', event_date) AS DATE)"), ["iso3"])
    countries = {r["iso3"] for r in got}
    months = sorted({r["period_start"] for r in got})
    assert len(got) == len(countries) * len(months) == result.rows  # the full grid
    assert len(months) == (months[-1].year - months[0].year) * 12 + months[-1].month - months[0].month + 1
    zeros = [r for r in got if r["events"] == 0]
    assert len(zeros) > len(got) / 2 and all(set(v for k, v in r.items() if k.endswith(("events", "fatalities",
                                                                                     "unreported"))) == {0}
                                              for r in zeros)
    assert sum(r["events"] for r in got) == result.events_counted == 300
    assert all(r["period_end"] == panel.period_end("country-month", r["period_start"]) for r in got)


def test_unreported_fatalities_stay_apart_from_zero(release, tmp_path):
    result, got = make(release, tmp_path, "country-month")
    con = duckdb.connect()
    nulls, reported = con.execute(f"SELECT count(*) FILTER (WHERE fatalities IS NULL), sum(fatalities) "
                                  f"FROM read_parquet('{release}/events.parquet')").fetchall()[0]
    assert nulls >= 3  # the three planted events, at least
    assert sum(r["events_fatalities_unreported"] for r in got) == nulls == result.events_fatalities_unreported
    assert sum(r["fatalities"] for r in got) == reported
    friday = planted(release, 1)
    row = next(r for r in got if r["iso3"] == friday["iso3"] and r["period_start"] == FRIDAY.replace(day=1))
    assert row["events_fatalities_unreported"] >= 1


def test_weeks_start_on_saturday_a_friday_and_a_saturday_fall_in_two_weeks(release, tmp_path):
    _, got = make(release, tmp_path, "country-week")
    assert {r["period_start"].isoweekday() for r in got} == {6}  # Saturday
    assert {r["period_end"] - r["period_start"] for r in got} == {dt.timedelta(days=6)}
    friday, saturday = planted(release, 1), planted(release, 2)
    week = {(r["iso3"], r["period_start"]): r for r in got}
    assert week[(friday["iso3"], dt.date(2024, 2, 24))]["events"] >= 1  # Saturday 24 February to Friday 1 March
    assert week[(saturday["iso3"], dt.date(2024, 3, 2))]["events"] >= 1
    assert week[(friday["iso3"], dt.date(2024, 2, 24))]["period_end"] == FRIDAY
    # a Saturday-to-Friday week by hand: shifted two days, Monday's ISO week, shifted back
    compare(got, by_hand(release, "iso3", "CAST(date_trunc('week', event_date + 2) - INTERVAL 2 DAY AS DATE)"),
            ["iso3"])


def test_admin1_week_panel_matches_counts_by_hand_with_centroids(release, tmp_path):
    _, got = make(release, tmp_path, "admin1-week")
    compare(got, by_hand(release, "iso3, admin1", "CAST(date_trunc('week', event_date + 2) - INTERVAL 2 DAY AS DATE)"),
            ["iso3", "admin1"])
    con = duckdb.connect()
    lat, lon, iso3, admin1 = con.execute(
        f"SELECT avg(latitude), avg(longitude), iso3, admin1 FROM read_parquet('{release}/events.parquet') "
        "WHERE geo_precision IN ('exact', 'near') AND admin1 IS NOT NULL GROUP BY iso3, admin1 "
        "ORDER BY count(*) DESC LIMIT 1").fetchall()[0]
    unit = next(r for r in got if r["iso3"] == iso3 and r["admin1"] == admin1)
    assert unit["latitude"] == pytest.approx(lat, abs=1e-5) and unit["longitude"] == pytest.approx(lon, abs=1e-5)
    units = {(r["iso3"], r["admin1"]) for r in got}
    weeks = {r["period_start"] for r in got}
    assert len(got) == len(units) * len(weeks)


def test_admin1_units_of_a_country_add_up_to_the_country(release, tmp_path):
    _, admin1 = make(release, tmp_path, "admin1-week", "a.parquet")
    _, country = make(release, tmp_path, "country-week", "c.parquet")
    sums: dict[tuple, list[int]] = {}
    for r in admin1:
        acc = sums.setdefault((r["iso3"], r["period_start"]), [0, 0, 0])
        for i, c in enumerate(("events", "fatalities", "events_fatalities_unreported")):
            acc[i] += r[c]
    assert sums == {(r["iso3"], r["period_start"]): [r["events"], r["fatalities"], r["events_fatalities_unreported"]]
                    for r in country}


def test_priogrid_month_panel_matches_counts_by_hand(release, tmp_path):
    _, got = make(release, tmp_path, "priogrid-month")
    gid = "(floor((latitude + 90) * 2) * 720 + floor((longitude + 180) * 2) + 1)::INTEGER"
    compare(got, by_hand(release, gid + " AS gid", "CAST(date_trunc('month', event_date) AS DATE)"), ["gid"])
    for r in got[:50]:
        assert r["gid"] == (r["row"] - 1) * 720 + r["col"]
        assert r["latitude"] == -90 + (r["row"] - 0.5) * 0.5 and r["longitude"] == -180 + (r["col"] - 0.5) * 0.5


def test_long_shape_has_a_row_per_event_and_disorder_type_that_adds_up_to_the_wide_panel(release, tmp_path):
    result, long = make(release, tmp_path, "country-week", "long.parquet", shape="long")
    _, wide = make(release, tmp_path, "country-week", "wide.parquet")
    pairs = panel.type_pairs()
    assert len(pairs) == 8 and ("Riots", "Political violence") in pairs  # mob violence
    assert len(long) == len(wide) * len(pairs) == result.rows and result.units == len({r["iso3"] for r in wide})
    by_type: dict[tuple, int] = {}
    for r in long:
        key = (r["iso3"], r["period_start"], panel.slug(r["event_type"]))
        by_type[key] = by_type.get(key, 0) + r["events"]
    for r in wide:
        for t in vocab.EVENT_TYPES:
            assert by_type[(r["iso3"], r["period_start"], panel.slug(t))] == r[panel.slug(t) + "_events"]
    assert sum(r["events"] for r in long) == 300 and sum(r["fatalities"] for r in long) == \
        sum(r["fatalities"] for r in wide)


def test_priogrid_formula_gives_the_gid_of_every_real_ged_row():
    cell = panel.priogrid_sql("latitude", "longitude")
    con = duckdb.connect()
    total, same, edges = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {cell['gid']} = priogrid_gid), "
        f"count(*) FILTER (WHERE latitude * 2 = floor(latitude * 2) OR longitude * 2 = floor(longitude * 2)) "
        f"FROM read_csv('{GED}')").fetchall()[0]
    assert total == 7374 and same == total
    assert edges > 0  # points on a cell's edge are among them, and agree too


def test_priogrid_panel_of_imported_ged_has_geds_own_cells(tmp_path):
    """UCDP GED imported, released and made a PRIO-GRID-month panel: its cells and counts are GED's own."""
    from cedar.releases.build import build_release

    db = tmp_path / "ged.duckdb"
    cedar_ok("init", "--db", str(db))
    cedar_ok("import", "ucdp", str(GED), "--ingest", "--db", str(db))
    assert build_release(VERSION, db, tmp_path / "releases").passed
    _, got = make(tmp_path / "releases", tmp_path, "priogrid-month")
    con = duckdb.connect()
    ged = {(g, m): n for g, m, n in con.execute(
        f"SELECT priogrid_gid, CAST(date_trunc('month', CAST(date_start AS DATE)) AS DATE), count(*) "
        f"FROM read_csv('{GED}') GROUP BY ALL").fetchall()}
    ours = {(r["gid"], r["period_start"]): r["events"] for r in got if r["events"]}
    assert ours == ged
    assert {r["gid"] for r in got} == {g for g, _ in ged}


def test_since_and_until_choose_whole_periods(release, tmp_path):
    result, got = make(release, tmp_path, "country-month", since=dt.date(2024, 1, 15), until=dt.date(2024, 3, 1))
    assert sorted({r["period_start"] for r in got}) == [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)]
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{release}/events.parquet') "
                    "WHERE event_date BETWEEN DATE '2024-01-01' AND DATE '2024-03-31'").fetchall()[0][0]
    assert sum(r["events"] for r in got) == n == result.events_counted
    assert (result.first, result.last_day) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    everywhere = {r["iso3"] for r in make(release, tmp_path, "country-month", "all.parquet")[1]}
    assert {r["iso3"] for r in got} == everywhere  # the same units in a window of the release


def test_skip_leaves_out_dates_not_known_to_the_day(release, tmp_path):
    result, got = make(release, tmp_path, "country-month", dates="skip")
    con = duckdb.connect()
    day, other = con.execute(f"SELECT count(*) FILTER (WHERE date_precision = 'day'), "
                             f"count(*) FILTER (WHERE date_precision <> 'day') "
                             f"FROM read_parquet('{release}/events.parquet')").fetchall()[0]
    assert other > 0
    assert sum(r["events"] for r in got) == day == result.events_counted
    assert result.events_left_out == other


def test_spread_shares_a_span_among_its_periods(release, tmp_path):
    start, _ = make(release, tmp_path, "country-month", "start.parquet")
    result, got = make(release, tmp_path, "country-month", dates="spread")
    span = planted(release, 3)
    jan, feb = (next(r for r in got if r["iso3"] == span["iso3"] and r["period_start"] == d)
                for d in (dt.date(2024, 1, 1), dt.date(2024, 2, 1)))
    start_rows = {(r["iso3"], r["period_start"]): r for r in rows(tmp_path / "start.parquet")}
    # half of the planted span in each month, beside the whole events of those months
    assert jan["events"] - start_rows[(span["iso3"], dt.date(2024, 1, 1))]["events"] == pytest.approx(-0.5)
    assert feb["events"] - start_rows[(span["iso3"], dt.date(2024, 2, 1))]["events"] == pytest.approx(0.5)
    assert sum(r["events"] for r in got) == pytest.approx(300)
    assert isinstance(jan["events"], float) and start.events_counted == 300


def test_csv_and_parquet_hold_the_same_rows(release, tmp_path):
    make(release, tmp_path, "admin1-week", "p.parquet", countries=[planted(release, 1)["iso3"]])
    make(release, tmp_path, "admin1-week", "p.csv", countries=[planted(release, 1)["iso3"]])
    a, b = rows(tmp_path / "p.parquet"), rows(tmp_path / "p.csv")
    assert len(a) == len(b) > 0
    assert [(neutralise(r["admin1"] or ""), r["period_start"], r["events"], r["fatalities"]) for r in a] == \
        [(r["admin1"] or "", r["period_start"], r["events"], r["fatalities"]) for r in b]


def test_csv_cells_a_spreadsheet_would_run_are_neutralised_parquet_keeps_them(release, tmp_path):
    iso3 = planted(release, 4)["iso3"]
    make(release, tmp_path, "admin1-week", "p.parquet", countries=[iso3])
    make(release, tmp_path, "admin1-week", "p.csv", countries=[iso3])
    assert FORMULA in {r["admin1"] for r in rows(tmp_path / "p.parquet")}
    assert "'" + FORMULA in {r["admin1"] for r in rows(tmp_path / "p.csv")}
    assert FORMULA not in {r["admin1"] for r in rows(tmp_path / "p.csv")}


def test_the_panel_as_an_arrow_table_is_the_file(release, tmp_path):
    table = panel.panel_table(release.parent, "country-week", version=VERSION, since=FRIDAY, until=SATURDAY)
    _, got = make(release, tmp_path, "country-week", since=FRIDAY, until=SATURDAY)
    assert table.to_pylist() == got and table.num_rows == len(got) > 0


def test_country_filter_by_code_or_name(release, tmp_path):
    iso3 = planted(release, 1)["iso3"]
    con = duckdb.connect()
    name = con.execute(f"SELECT min(country) FROM read_parquet('{release}/events.parquet') WHERE iso3 = '{iso3}'"
                       ).fetchall()[0][0]
    by_code = make(release, tmp_path, "country-week", "a.parquet", countries=[iso3])[1]
    by_name = make(release, tmp_path, "country-week", "b.parquet", countries=[name.upper()])[1]
    assert by_code == by_name and {r["iso3"] for r in by_code} == {iso3}
    with pytest.raises(UsageError, match="no events of 'Narnia'"):
        panel.make_panel(release, tmp_path / "c.parquet", "country-week", countries=["Narnia"])


@pytest.mark.parametrize("args, words", [
    (["--out", "x.txt"], "must end in .csv or .parquet"),
    (["--out", "p.csv", "--since", "2024-05-01", "--until", "2024-01-01"], "is after --until"),
    (["--out", "p.csv", "--version", "2020.01.1"], "Version 2020.01.1 is not published"),
    (["--out", "p.csv", "--releases", "https://example.org/releases"], "reads a downloaded release"),
    (["--out", "p.csv", "--since", "1 May"], "Invalid value"),
    (["--out", "p.csv", "--version", "../elsewhere"], "is not a release version"),
    (["--out", "p.csv", "--since", "9999-12-01", "--until", "9999-12-31"], "edge of the calendar"),
    (["--out", "p.csv", "--unit", "country-week", "--since", "0001-01-01"], "edge of the calendar"),
    (["--out", "missing/p.csv"], "does not exist"),
])
def test_wrong_calls_exit_2_with_a_message(release, tmp_path, args, words):
    argv = ["panel", "--releases", str(release.parent), *args]
    result = CliRunner().invoke(app, [a if a not in ("x.txt", "p.csv", "missing/p.csv") else str(tmp_path / a)
                                      for a in argv])
    assert result.exit_code == 2 and words in result.stderr, result.output
    assert not list(tmp_path.iterdir())


def test_the_command_writes_the_panel_and_refuses_to_overwrite_without_force(release, tmp_path):
    out = tmp_path / "panel.csv"
    proc = run_cedar("panel", "--unit", "country-week", "--from", "2024-02-24", "--to", "2024-03-02",
                     "--release", str(release.parent), "--out", str(out), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["periods"] == 2 and summary["first_day"] == "2024-02-24" and summary["last_day"] == "2024-03-08"
    assert summary["rows"] == len(rows(out)) and "--from is deprecated" in proc.stderr
    again = run_cedar("panel", "--releases", str(release.parent), "--out", str(out))
    assert again.returncode == 2 and "--force" in again.stderr
    forced = run_cedar("panel", "--releases", str(release.parent), "--out", str(out), "--force")
    assert forced.returncode == 0 and "rows to" in forced.stdout


def test_duckdbs_interruption_is_ctrl_c_and_other_failures_pass():
    with pytest.raises(KeyboardInterrupt):
        with panel._interruptible():
            raise RuntimeError("Query interrupted")
    with pytest.raises(RuntimeError, match="something else"):
        with panel._interruptible():
            raise RuntimeError("something else")
