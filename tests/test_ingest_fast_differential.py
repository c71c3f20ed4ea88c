"""`cedar ingest` of a large CSV (checked and staged by DuckDB: cedar.ingest.stage_csv) leaves the store
exactly as the row engine's path does. The same submissions go through both paths into two stores, and
every table of the two is compared (timestamps aside), with the reports: new events, updates of stored
events, rows that change nothing, actor aliases and unknown actors, bare place names filled from the
gazetteer, lists, derived fields given or left empty, padded text, a blank record, a quoted newline.
A bad file is refused with the same report as the row engine gives, and the store is left as it was.
Real DuckDB files, real files, no mocks.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from cedar.ingest import actors, load, store, synth
from cedar.schema import flat

ROW_PATH, FAST_PATH = 10**18, 0  # load.ingest's fast_threshold: never, always
ALIAS = "The Alias Of Actor One"
COLUMNS = ("event_id", "version", *synth.COLUMNS, "region", "admin2", "admin3", "evidence", "external_ids",
           "schema_version", "civilian_targeting")


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([r.get(c, "") for c in columns] if r else [""] * len(columns))
    return path


def _ingest(db: Path, paths: list[Path], fast: bool, **kw) -> load.Outcome:
    outcome = load.ingest(db, paths, fast_threshold=FAST_PATH if fast else ROW_PATH, **kw)
    if outcome.report.rows_checked:  # a file already held is not checked: no engine to name
        assert (outcome.report.extra.get("engine") == "sql") is fast
    return outcome


def _tables(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns that hold the time of the run."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() "
                                            "WHERE database_name = current_database() ORDER BY 1").fetchall()]
        for t in tables:
            cols = [c for c, kind in con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
                "AND table_name = ? ORDER BY column_index", [t]).fetchall() if not kind.startswith("TIMESTAMP")]
            where = " WHERE key <> 'created'" if t == "store_meta" else ""
            rows = con.execute(f"SELECT {', '.join(chr(34) + c + chr(34) for c in cols)} FROM {t}{where}").fetchall()
            out[t] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def _same_outcome(a: load.Outcome, b: load.Outcome) -> None:
    assert (a.refused, a.unreadable, a.counts, a.report.rows_checked, a.report.truncated) == \
        (b.refused, b.unreadable, b.counts, b.report.rows_checked, b.report.truncated)
    assert a.report.totals() == b.report.totals()
    assert [_problem(p) for p in a.report.problems] == [_problem(p) for p in b.report.problems]
    assert [{k: v for k, v in e.items()} for e in a.events] == [{k: v for k, v in e.items()} for e in b.events]


def _problem(p) -> dict:
    out = p.to_dict()
    if p.code == "already-ingested":
        out.pop("message")  # it says when the file came in
    return out


def _same_stores(a: Path, b: Path) -> None:
    ta, tb = _tables(a), _tables(b)
    assert ta.keys() == tb.keys()
    for name in ta:
        assert ta[name] == tb[name], name


def _stored_rows(db: Path, where: str) -> list[dict[str, str]]:
    """Stored events as CSV cells, as a contributor who starts from the store writes them."""
    kinds = flat.column_kinds()
    names = [c for c in COLUMNS if c in kinds]
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(f"SELECT {', '.join(names)} FROM event_current WHERE {where} ORDER BY event_id").fetchall()
    finally:
        con.close()
    return [{n: flat.format_cell(kinds[n], v) for n, v in zip(names, r)} for r in rows]


@pytest.fixture
def stores(tmp_path: Path) -> tuple[Path, Path]:
    """Two stores, each holding the same first submission (through its own path) and the same alias."""
    base = _write(tmp_path / "base.csv", [r for r, _ in synth.rows(300, seed=21)], synth.COLUMNS)
    dbs = tmp_path / "row.duckdb", tmp_path / "fast.duckdb"
    outcomes = []
    for db, fast in zip(dbs, (False, True)):
        store.init(db)
        outcomes.append(_ingest(db, [base], fast))
    _same_outcome(*outcomes)
    assert not outcomes[0].refused and outcomes[0].counts["added"] == 300
    _same_stores(*dbs)
    for db in dbs:
        with store.connect(db, write=True) as con:
            actors.add_alias(con, _first_actor(), ALIAS)
    return dbs


def _second_submission(folder: Path, db: Path) -> Path:
    updated = _stored_rows(db, "event_id IN (SELECT event_id FROM event_current ORDER BY event_id LIMIT 20)")
    for i, r in enumerate(updated):
        r["notes"] = f"  Updated: {r['notes']}  "  # padded text stays as given
        r["fatalities"] = r["fatalities"] and f"{r['fatalities']}.0"  # a whole number written as 3.0
        if i % 2:
            r["version"] = ""
    unchanged = _stored_rows(db, "event_id IN (SELECT event_id FROM event_current ORDER BY event_id DESC LIMIT 10)")
    new = [r for r, _ in synth.rows(120, seed=22, ref_prefix="n")]
    for i, r in enumerate(new):
        if i % 10 == 0:  # an alias and a name no registry knows among the associated actors
            r["assoc_actor_1"] = f"{ALIAS} ;  ; Nobody Knows This Group"
        if i % 10 == 1:  # a bare place name: the gazetteer fills the point, admin1 and geo_precision
            r.update(latitude="", longitude="", geo_precision="", admin1="")
        if i % 10 == 2:  # derived fields left empty, a date without dashes, inter2 empty for no actor2
            r.update(disorder_type="", interaction="", source_scale="", event_date=r["event_date"].replace("-", ""))
            if not r["actor2"]:
                r["inter2"] = ""
        if i % 10 == 3:
            r.update(notes="first line\nsecond line", tags="a;b ; c", external_ids="acled:X1; ucdp-ged:2",
                     evidence="quoted", region="", schema_version="1.0.0", civilian_targeting="")
        if i % 10 == 4:
            r.update(admin2="  ", admin3="Ünïcödé", coder="")
    # stored events of the aliased actor, named by its alias: replaced back, so they change nothing
    aliased = _stored_rows(db, f"actor1 = '{_first_actor()}' AND event_id NOT IN "
                               "(SELECT event_id FROM event_current ORDER BY event_id LIMIT 20) AND event_id NOT IN "
                               "(SELECT event_id FROM event_current ORDER BY event_id DESC LIMIT 10)")
    assert aliased
    for r in aliased:
        r["actor1"] = ALIAS
    rows = updated[:10] + new[:60] + [{}] + unchanged + new[60:] + aliased + updated[10:]
    return _write(folder / "second.csv", rows), len(aliased)


def _first_actor() -> str:
    return next(r for r, _ in synth.rows(1, seed=21))["actor1"]


def test_both_paths_give_the_same_store_and_report(stores: tuple[Path, Path], tmp_path: Path) -> None:
    row_db, fast_db = stores
    second, aliased = _second_submission(tmp_path, row_db)
    a, b = _ingest(row_db, [second], False), _ingest(fast_db, [second], True)
    _same_outcome(a, b)
    assert not a.refused, [p.to_dict() for p in a.report.problems if p.severity == "error"]
    assert a.counts == {"added": 120, "updated": 20, "unchanged": 10 + aliased, "deleted": 0, "documents_added": 0}
    seen = {p.code for p in a.report.problems}
    assert {"actor-alias-replaced", "unknown-actor", "place-filled"} <= seen
    _same_stores(row_db, fast_db)
    # both files again at once, with a third: the one already held is left out the same way
    third = _write(tmp_path / "third.csv", [r for r, _ in synth.rows(50, seed=23, ref_prefix="t")], synth.COLUMNS)
    a, b = _ingest(row_db, [second, third], False), _ingest(fast_db, [second, third], True)
    _same_outcome(a, b)
    assert a.counts["added"] == 50 and len(a.held) == len(b.held) == 1
    _same_stores(row_db, fast_db)


def test_two_files_in_one_submission(stores: tuple[Path, Path], tmp_path: Path) -> None:
    row_db, fast_db = stores
    one = _write(tmp_path / "one.csv", [r for r, _ in synth.rows(80, seed=31, ref_prefix="o")], synth.COLUMNS)
    two = _write(tmp_path / "two.csv", [r for r, _ in synth.rows(70, seed=32, ref_prefix="w")], synth.COLUMNS)
    a, b = _ingest(row_db, [one, two], False), _ingest(fast_db, [one, two], True)
    _same_outcome(a, b)
    assert not a.refused and a.counts["added"] == 150
    _same_stores(row_db, fast_db)


@pytest.mark.parametrize("max_errors", [None, 5])
def test_a_bad_file_is_refused_with_the_same_report_and_the_store_unchanged(
        stores: tuple[Path, Path], tmp_path: Path, max_errors: int | None) -> None:
    row_db, fast_db = stores
    rows = [r for r, _ in synth.rows(400, seed=24, faults=0.05, ref_prefix="b")]
    rows[7]["actor1"] = ALIAS  # warnings between the errors keep their place
    rows[300]["ref"] = rows[30]["ref"]
    bad = _write(tmp_path / "bad.csv", rows, synth.COLUMNS)
    before = _tables(fast_db)
    a = _ingest(row_db, [bad], False, max_errors=max_errors)
    b = _ingest(fast_db, [bad], True, max_errors=max_errors)
    assert a.refused and not a.unreadable
    _same_outcome(a, b)
    assert b.report.truncated is (max_errors is not None)
    assert b.report.rows_checked == 400  # read to the end either way: the totals are the whole file's
    if max_errors is not None:
        assert b.report.error_count == max_errors < b.report.totals()["errors"]
    assert _tables(fast_db) == before
    _same_stores(row_db, fast_db)


def test_a_store_problem_rolls_back_and_a_dry_run_writes_nothing(stores: tuple[Path, Path], tmp_path: Path) -> None:
    row_db, fast_db = stores
    rows = _stored_rows(row_db, "event_id IN (SELECT event_id FROM event_current ORDER BY event_id LIMIT 3)")
    rows[1]["event_id"] = "CDR-AFG-999999"  # names no event: refused inside the transaction, rolled back
    unknown = _write(tmp_path / "unknown.csv", rows)
    before = _tables(fast_db)
    a, b = _ingest(row_db, [unknown], False), _ingest(fast_db, [unknown], True)
    _same_outcome(a, b)
    assert "unknown-event-id" in {p.code for p in b.report.problems}
    assert _tables(fast_db) == before
    new = _write(tmp_path / "new.csv", [r for r, _ in synth.rows(40, seed=25, ref_prefix="d")], synth.COLUMNS)
    a, b = _ingest(row_db, [new], False, dry_run=True), _ingest(fast_db, [new], True, dry_run=True)
    _same_outcome(a, b)
    assert b.counts["added"] == 40
    assert _tables(fast_db) == before


def test_a_file_duckdb_refuses_goes_to_the_row_engine(stores: tuple[Path, Path], tmp_path: Path) -> None:
    row_db, fast_db = stores
    path = _write(tmp_path / "ragged.csv", [r for r, _ in synth.rows(20, seed=26, ref_prefix="r")], synth.COLUMNS)
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[5] = text[5].rstrip("\n") + ",extra\n"  # a row with one cell too many: DuckDB's strict reader refuses it
    path.write_text("".join(text), encoding="utf-8")
    a = load.ingest(row_db, [path], fast_threshold=ROW_PATH)
    b = load.ingest(fast_db, [path], fast_threshold=FAST_PATH)
    assert "engine" not in b.report.extra  # the row engine read it after all
    _same_outcome(a, b)
    assert "wrong-cell-count" in {p.code for p in b.report.problems}


def test_cedar_check_with_a_store_reports_as_the_row_engine(stores: tuple[Path, Path], tmp_path: Path) -> None:
    # `cedar check --db` takes a large CSV through ingest's SQL path, staging nothing: the same report
    from cedar.validate import engine
    from cedar.validate.check import check_files

    db = stores[1]
    second, _ = _second_submission(tmp_path, db)
    faulty = [r for r, _ in synth.rows(200, seed=23, faults=0.05, ref_prefix="f")]
    assert faulty[5]["iso3"] != "FRA"
    faulty[5].update(latitude="48.8566", longitude="2.3522")  # Paris
    faulty[6]["actor1"] = ALIAS
    third = _write(tmp_path / "third.csv", faulty, synth.COLUMNS)
    registry, _ = actors.open_registry(db)
    for paths in ([second], [second, third]):
        fast = engine.check_files(paths, registry=registry, threshold=0)
        row = check_files(paths, actors=registry)
        assert fast.report.extra.get("engine") == "sql" and row.report.extra.get("engine") is None
        assert (fast.unreadable, fast.report.valid, fast.report.rows_checked) == \
            (row.unreadable, row.report.valid, row.report.rows_checked)
        assert [_problem(p) for p in fast.report.problems] == [_problem(p) for p in row.report.problems]
    codes = {p.code for p in fast.report.problems}
    assert {"actor-alias-replaced", "unknown-actor"} <= codes and not fast.report.valid and not fast.unreadable
    assert any(p.code.startswith("point-") and p.row == 7 and p.file == str(third) for p in fast.report.problems)
    before = _tables(db)
    engine.check_files([second], registry=registry, threshold=0)
    assert _tables(db) == before


def test_cedar_check_with_a_store_counts_past_max_errors_as_the_row_engine(stores: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    from cedar.validate import engine
    from cedar.validate.check import check_files

    faulty = [r for r, _ in synth.rows(300, seed=27, faults=0.1, ref_prefix="m")]
    for r in faulty[::7]:
        r["actor1"] = ALIAS  # a warning on rows far past the cap, counted and not listed
    path = _write(tmp_path / "many.csv", faulty, synth.COLUMNS)
    registry, _ = actors.open_registry(stores[1])
    whole = check_files([path], actors=registry).report
    for max_errors in (1, 4, 20):
        fast = engine.check_files([path], registry=registry, max_errors=max_errors, threshold=0).report
        row = check_files([path], actors=registry, max_errors=max_errors).report
        assert fast.extra.get("engine") == "sql"
        assert [_problem(p) for p in fast.problems] == [_problem(p) for p in row.problems]
        assert fast.totals() == row.totals() == whole.totals()
        assert fast.rows_checked == row.rows_checked == 300 and fast.truncated and row.truncated
        assert fast.error_count == max_errors
    assert whole.totals()["by_code"]["actor-alias-replaced"] == len(faulty[::7])

