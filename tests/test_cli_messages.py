"""What the command line says when a release cannot be built: `cedar release build` refusing a wrong
store or release store cleanly, with nothing left behind."""

from __future__ import annotations

from conftest import run_cedar
from release_support import ingest_store


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
