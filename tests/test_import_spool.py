"""An import keeps no row in memory: the rows it accepts go to a spool on disk as they are checked, and only the
counts of their actors' types stay for the outlier pass. What it writes is the same as mapping every row and
dropping the refused ones: here for a file whose rows code one actor with two types (the rarer refused). The
rows are invented events at real places."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from cedar.ingest.importers import acled, import_file
from cedar.ingest.importers.common import ImportResult
from cedar.schema.acled_layout import CURRENT

FORCES = "Military Forces of Kenya (2022-)"
NAIROBI = ("404", "Eastern Africa", "Kenya", "Nairobi", "Nairobi", "-1.2864", "36.8172")


def _row(n: int, inter1: int) -> list[object]:
    num, region, country, admin1, town, lat, lon = NAIROBI
    return [f"KEN{n}", f"2023-04-{n % 28 + 1:02d}", 2023, 1, "Political violence", "Battles", "Armed clash",
            FORCES, "", inter1, "Unidentified Armed Group (Kenya)", "", 3, "", "", num, region, country, admin1, "",
            "", town, lat, lon, 1, "Invented Daily", "National", f"An invented clash in {town}, number {n}.", 1, "",
            1700000000]


@pytest.fixture
def outliers(tmp_path: Path) -> Path:
    """Ten rows code the forces as state forces (1), rows 4 and 9 of the file as rebels (2)."""
    path = tmp_path / "outliers.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CURRENT)
        w.writerows(_row(n, 2 if n in (3, 8) else 1) for n in range(1, 13))
    return path


def test_outliers_are_refused_and_the_rest_written_as_mapped(tmp_path: Path, outliers: Path):
    result = import_file("acled", outliers)
    assert sorted(result.refused) == [4, 9]  # the file's lines of the two rows of another type
    assert all("type" in r[0] for r in result.refused.values())
    assert result.imported == result.kept == 10 and len(result.events) == 10
    result.write(tmp_path / "out.jsonl")
    expected = [m.data.json for m in acled.read(outliers) if m.data is not None and m.line not in (4, 9)]
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines() == expected
    result.write(tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8")) == [json.loads(t) for t in expected]
    assert [e.row for e in result.events] == [n for n in range(2, 14) if n not in (4, 9)]


def test_the_runner_spools_rows_instead_of_holding_them(tmp_path: Path, outliers: Path):
    work = tmp_path / "work"
    work.mkdir()
    result = import_file("acled", outliers, folder=work)
    assert not any(isinstance(v, list) for v in vars(result).values())  # no list of events
    assert result.spool is not None and result.spool.folder.parent == work
    spooled = result.spool.text_path.read_text(encoding="utf-8").splitlines()
    assert len(spooled) == 12  # every row checked, the two outliers left out only when written
    assert result.dropped == {2, 7}
    assert sum(result.spool.shape_counts) == 12 and len(result.spool.shapes) == 2
    result.close()
    assert list(work.iterdir()) == []


def test_a_failed_import_leaves_no_spool(tmp_path: Path, outliers: Path):
    work = tmp_path / "work"
    work.mkdir()

    def stop() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file("acled", outliers, folder=work, on_row=stop)
    assert list(work.iterdir()) == []


def test_an_import_result_without_rows_writes_nothing_and_holds_nothing(tmp_path: Path):
    result = ImportResult("acled", tmp_path / "none.csv", report=None)  # type: ignore[arg-type]
    assert result.kept == 0 and not result.events and list(result.events) == []


def test_types_learned_from_shape_counts_are_those_learned_from_every_row():
    from cedar.ingest.actors import learned_from
    from cedar.ingest.importers.spool import Shape, learned, weighted

    shapes = [Shape(FORCES, 1, "Rebels (Kenya)", 2, "KEN", ("Police Forces of Kenya (2022-)",), ()),
              Shape(FORCES, 8, "Al Shabaab", 2, "SOM", (), ("Civilians (Somalia)",)),
              Shape(FORCES, 2, None, None, "KEN", (), ()), Shape("Rebels (Kenya)", 3, FORCES, 1, "UGA", (), ()),
              Shape(" ", 1, "", 0, None, (), ())]
    counts = [3, 5, 2, 4, 1]
    by_row = learned_from(list(weighted(shapes, counts)))
    assert learned(shapes, counts) == by_row
    assert by_row[FORCES].actor_type == 1 and by_row[FORCES].country == "KEN"  # 7 rows as 1, 5 as 8; KEN 5, UGA 4


def test_a_submission_of_every_spooled_row_is_the_spool_under_its_name(tmp_path: Path, outliers: Path):
    result = import_file("acled", outliers, folder=tmp_path)
    result.dropped.clear()  # every row kept: nothing to leave out
    result.write(tmp_path / "all.jsonl")
    assert result.spool is not None
    assert (tmp_path / "all.jsonl").stat().st_ino == result.spool.text_path.stat().st_ino
    result.close()
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == 12


def test_repeated_external_ids_are_found_from_hashes_then_exactly(tmp_path: Path):
    from cedar.ingest.importers.spool import SeenIds

    seen = SeenIds(tmp_path)
    for row, ext in enumerate(["acled:KEN1", "acled:KEN2", 'acled:"odd" id\n'], start=2):
        assert seen.first(ext) is None
        seen.add(ext, row)
    assert seen.first("acled:KEN3") is None  # another hash: answered without the ids
    assert seen.path.exists()
    assert seen.first('acled:"odd" id\n') == 4  # a hash met again: the ids read back, answered exactly
    assert not seen.path.exists()
    assert seen.first("acled:KEN1") == 2 and seen.first("acled:KEN3") is None
    seen.add("acled:KEN3", 9)
    assert seen.first("acled:KEN3") == 9


def test_a_repeated_row_is_refused_naming_the_first(tmp_path: Path):
    path = tmp_path / "repeated.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CURRENT)
        w.writerows([_row(1, 1), _row(2, 1), _row(1, 1), _row(3, 1), _row(2, 1)])
    result = import_file("acled", path)
    assert sorted(result.refused) == [4, 6] and result.kept == 3
    firsts = [p.message for p in result.report.problems if p.row in (4, 6)]
    assert "row 2" in firsts[0] and "row 3" in firsts[1]


def test_refs_read_off_the_rows_text_are_those_of_their_data(tmp_path: Path):
    from cedar.ingest.importers import store_sync

    path = tmp_path / "refs.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(CURRENT)
        w.writerows([_row(1, 1), [*_row(2, 1)[:0], 'KEN"2\\', *_row(2, 1)[1:]], _row(3, 1)])
    result = import_file("acled", path)
    store_sync._respool(result, set(), {1: "CDR-KEN-9"})  # an update: the event_id in front, the ref after it
    assert list(store_sync._refs(result)) == [e.data["ref"] for e in result.events]
    assert list(store_sync._refs(result)) == ["acled:KEN1", 'acled:KEN"2\\', "acled:KEN3"]


def test_many_external_ids_grow_the_table_and_stay_found(tmp_path: Path):
    from cedar.ingest.importers.spool import SeenIds

    seen = SeenIds(tmp_path)
    ids = [f"acled:KEN{n}" for n in range(200_000)]  # past the first table's half (32,768) several times
    for row, ext in enumerate(ids, start=2):
        assert seen.first(ext) is None
        seen.add(ext, row)
    assert seen.first("acled:KEN199999") == 200_001 and seen.first("acled:KEN0") == 2


def test_peer_rows_go_to_arrow_without_a_list():
    """The peer file's row of each submission line, as the Arrow array the ingest's event rows take."""
    from array import array

    from cedar.ingest.importers import store_sync

    rows = store_sync.RowsOf(array("q", [2, 3, 7, 10]))
    assert rows.arrow().to_pylist() == [2, 3, 7, 10] and rows.get(3) == 7 and rows.get(5) is None
