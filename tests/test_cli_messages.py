"""What the command line says on the way and when a release cannot be built: the progress label, the
words of a dry run, and `cedar release build` refusing a wrong store or release store cleanly."""

from __future__ import annotations

from conftest import run_cedar
from release_support import ingest_store
from rich.progress import Progress

from cedar.cli.common import _rows_column
from cedar.sample_data import seed_path


def test_progress_shows_no_count_until_rows_are_counted():
    column = _rows_column()
    with Progress(column, disable=True) as bar:
        task_id = bar.add_task("Ingesting")
        task = bar.tasks[0]
        assert column.render(task).plain == "Ingesting ..."
        bar.advance(task_id, 1234)
        assert column.render(task).plain == "Ingesting 1,234 rows"


def test_a_dry_run_says_it_writes_nothing(tmp_path):
    db = tmp_path / "cedar.duckdb"
    assert run_cedar("init", "--db", str(db)).returncode == 0
    proc = run_cedar("ingest", "--db", str(db), "--dry-run", str(seed_path()))
    assert proc.returncode == 0, proc.stderr
    assert "Writing" not in proc.stderr
    assert "Dry run: working out 6 events" in proc.stderr and "nothing will be written" in proc.stderr


def test_a_dry_run_of_deletions_says_it_deletes_nothing(tmp_path):
    db = ingest_store(tmp_path / "cedar.duckdb")
    gone = tmp_path / "gone.csv"
    gone.write_text("event_id,reason\nCDR-AZE-1,a duplicate of CDR-AZE-2\n", encoding="utf-8")
    proc = run_cedar("ingest", "--db", str(db), "--deletions", "--dry-run", str(gone))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Deleting" not in proc.stderr and "Dry run: working out the deletion of 1 events" in proc.stderr


def test_release_build_into_a_regular_file_is_a_wrong_call(tmp_path):
    db = ingest_store(tmp_path / "cedar.duckdb")
    target = tmp_path / "releases"
    target.write_text("mine\n", encoding="utf-8")
    proc = run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(target))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "is a file, not a folder" in proc.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
    proc = run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(target / "sub"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr


def test_release_build_from_a_missing_store_leaves_nothing_behind(tmp_path):
    target = tmp_path / "releases"
    proc = run_cedar("release", "build", "2026.11.1", "--db", str(tmp_path / "nope.duckdb"), "--releases", str(target))
    assert proc.returncode == 2 and "There is no store" in proc.stderr, proc.stderr
    assert not target.exists()
    proc = run_cedar("release", "build", "11.2026", "--db", str(tmp_path / "nope.duckdb"), "--releases", str(target))
    assert proc.returncode == 2 and not target.exists()


def test_an_error_message_shows_control_characters_in_a_path_escaped(tmp_path):
    """A file name or value quoted in an error can hold an escape sequence: it is shown, not obeyed."""
    hostile = tmp_path / "rel\x1b]0;owned\x07eases"
    proc = run_cedar("release", "list", "--releases", str(hostile))
    assert proc.returncode == 2, proc.stderr
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert "rel\\x1b]0;owned\\x07eases" in proc.stderr
