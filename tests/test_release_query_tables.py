"""Every table of a release is queryable with `cedar query --releases`: besides the four views, the
release's actors, changes, deletions and ACLED-layout table (cedar.releases.localrelease)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_cedar
from download_support import V1, pristine_store

from cedar.errors import CedarError
from cedar.releases import localrelease


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    return pristine_store(tmp_path_factory) / V1


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


@pytest.mark.parametrize("table, file", [("actors", "actors.csv"), ("changes", "changes.csv"),
                                         ("deletions", "deletions.csv"), ("events_acled", "events-acled.csv")])
def test_each_table_of_the_release_is_a_view_with_its_rows(release, table, file):
    names, rows = localrelease.run(release, f"SELECT count(*) AS n FROM {table}")
    assert list(rows) == [(_csv_rows(release / file),)]


def test_the_release_tables_hold_what_the_files_say(release):
    _, rows = localrelease.run(release, "SELECT count(*) FROM changes WHERE change = 'added'")
    assert list(rows) == [(6,)]  # the first release adds the seed's six events
    _, rows = localrelease.run(release, "SELECT count(DISTINCT event_id) FROM actors")
    assert list(rows) == [(6,)]
    with (release / "events-acled.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    names, _ = localrelease.run(release, "SELECT * FROM events_acled LIMIT 0")
    assert names == header


def test_the_command_line_reads_the_changes_of_a_release(release):
    proc = run_cedar("query", "--releases", str(release), "SELECT change, count(*) AS n FROM changes GROUP BY ALL",
                     "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"change": "added", "n": 6}]


def test_a_table_whose_file_was_not_downloaded_is_absent_and_the_rest_work(release, tmp_path):
    folder = tmp_path / V1
    shutil.copytree(release, folder)
    (folder / "events-acled.csv").unlink()
    _, rows = localrelease.run(folder, "SELECT count(*) FROM deletions")
    assert list(rows) == [(0,)]
    with pytest.raises(CedarError) as err:
        localrelease.run(folder, "SELECT count(*) FROM events_acled")
    assert "events_acled" in str(err.value)


def test_only_the_files_of_the_views_are_reachable(release):
    with pytest.raises(CedarError) as err:
        localrelease.run(release, f"SELECT * FROM read_csv('{release / 'manifest.json'}')")
    assert "outside the release" in str(err.value)
