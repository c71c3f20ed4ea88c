"""`cedar query`'s bounds and sandbox, on the store (`--db`) and on a downloaded release
(`--release`): rows stream and stop at --max-rows, DuckDB's temporary folder is private, no
extension is fetched or loaded, a store is a local file, and data values cannot drive the terminal
or a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cedar
from download_support import pristine_store
from store_helpers import init

from cedar.ingest import store

HUGE = "SELECT range AS n, 'row ' || range AS label FROM range(2000000000)"
HOSTILE = ("SELECT 1 AS n, chr(27) || '[2J' || chr(27) || ']0;owned' || chr(7) || 'x' || chr(155) || '31m' "
           "|| chr(8238) || 'txt' AS s, '＝HYPERLINK(1)' AS f, chr(160) || '-2+3' AS g, chr(8203) || '=1' AS h, "
           "-12.5 AS lon, '-' AS dash")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sandbox") / "cedar.duckdb"
    init(path)
    return path


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    from cedar.releases.download import download

    to = tmp_path_factory.mktemp("downloaded")
    download(str(pristine_store(tmp_path_factory)), "latest", to, "all")
    return to


@pytest.fixture(params=["store", "release"])
def target(request, db, release) -> list[str]:
    return ["--db", str(db)] if request.param == "store" else ["--releases", str(release)]


def test_a_huge_result_streams_and_stops_at_max_rows(target):
    start = time.monotonic()
    proc = run_cedar("query", *target, HUGE, "--max-rows", "1000", "--format", "csv")
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 1000 and rows[-1] == {"n": "999", "label": "row 999"}
    assert "Stopped at 1,000 rows (--max-rows 1000): the query has more rows." in proc.stderr
    assert took < 60


def test_the_table_counts_up_to_max_rows_and_says_it_was_cut(target):
    proc = run_cedar("query", *target, HUGE, "--max-rows", "5000")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 + 100 + 1
    assert lines[-1] == "(stopped at 5,000 rows by --max-rows: the query has more; the first 100 shown)"


def test_a_result_within_max_rows_is_whole_and_not_called_cut(target):
    proc = run_cedar("query", *target, "SELECT * FROM range(1000)", "--max-rows", "1000", "--format", "json")
    assert proc.returncode == 0 and proc.stderr == ""
    assert json.loads(proc.stdout) == [{"range": i} for i in range(1000)]


def _plant(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    secret = folder / "planted.csv"
    secret.write_text("secret,1\n")
    return secret


def test_files_in_duckdbs_default_temporary_folders_are_out_of_reach(db, release, tmp_path):
    # DuckDB's defaults: <store>.tmp/ beside a store, ./.tmp/ of the working folder for an in-memory one
    for target, folder in ((["--db", str(db)], Path(f"{db}.tmp")), (["--releases", str(release)], tmp_path / ".tmp")):
        secret = _plant(folder)
        for sql in (f"SELECT * FROM read_csv('{secret}')", "SELECT * FROM read_csv('.tmp/planted.csv')",
                    f"SELECT * FROM glob('{folder}/*')", "SELECT * FROM glob('.tmp/*')"):
            proc = run_cedar("query", *target, sql, "--format", "json", cwd=tmp_path)
            assert proc.returncode == 2, (target, sql, proc.stdout)
            assert "secret" not in proc.stdout and "planted" not in proc.stdout
            assert "outside the" in proc.stderr and "Traceback" not in proc.stderr
        # the folder DuckDB may spill into now is the query's own, and empty
        own = run_cedar("query", *target, "SELECT file FROM glob(current_setting('temp_directory') || '/*')",
                        "--format", "json", cwd=tmp_path)
        assert (own.returncode, own.stdout) == (0, "[]\n")


def test_the_temporary_folder_is_private_and_removed(db):
    from cedar.ingest import query

    with query.stream(db, "SELECT current_setting('temp_directory')") as result:
        (folder,) = next(result.rows)
        assert Path(folder).is_dir() and os.stat(folder).st_mode & 0o777 == 0o700
        assert list(Path(folder).iterdir()) == []
    assert not Path(folder).exists()


def test_a_big_sort_spills_into_the_private_folder(target):
    proc = run_cedar("query", *target, "SELECT count(*) AS n FROM (SELECT range FROM range(20000000) ORDER BY "
                     "hash(range) LIMIT 19000000)", "--memory-limit", "100MB", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"n": 19000000}]


def test_escape_sequences_are_shown_not_sent_to_the_terminal(target):
    proc = run_cedar("query", *target, HOSTILE)
    assert proc.returncode == 0, proc.stderr
    assert not any(c in proc.stdout for c in "\x1b\x07\x9b\u202e")
    assert "\\x1b[2J\\x1b]0;owned\\x07x\\x9b31m\\u202etxt" in proc.stdout
    # DuckDB's own messages quote values too
    failed = run_cedar("query", *target, "SELECT CAST(chr(27) || '[31m' || chr(155) AS INTEGER)")
    assert failed.returncode == 2 and "\\x1b[31m\\x9b" in failed.stderr
    assert not any(c in failed.stderr for c in "\x1b\x9b")


def test_json_keeps_control_characters_exact(target):
    proc = run_cedar("query", *target, HOSTILE, "--format", "json")
    (row,) = json.loads(proc.stdout)
    assert row["s"] == "\x1b[2J\x1b]0;owned\x07x\x9b31m\u202etxt"


def test_csv_neutralises_formulas_in_any_form_and_keeps_numbers(target):
    proc = run_cedar("query", *target, HOSTILE, "--format", "csv")
    (row,) = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert row["f"] == "'＝HYPERLINK(1)" and row["g"] == "'\xa0-2+3" and row["h"] == "'\u200b=1"
    assert row["lon"] == "-12.5" and row["n"] == "1" and row["dash"] == "'-"


@pytest.mark.parametrize("sql, extension", [
    ("SELECT ST_Point(1, 2)", "spatial"),
    ("SELECT * FROM read_xlsx('events.xlsx')", "excel"),
    ("SELECT * FROM sqlite_scan('x.db', 't')", "sqlite"),
    ("SELECT * FROM read_csv('https://example.com/events.csv')", None),
])
def test_no_extension_is_installed_or_loaded(target, tmp_path, sql, extension):
    env = {**os.environ, "HOME": str(tmp_path)}  # DuckDB installs extensions under ~/.duckdb
    proc = subprocess.run([sys.executable, "-m", "cedar", "query", *target, sql], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    if extension:
        assert "never installs or loads an extension" in proc.stderr and extension in proc.stderr
    else:
        assert "outside the" in proc.stderr
    assert not (tmp_path / ".duckdb").exists()


def test_every_store_connection_turns_extension_autoloading_off(db):
    for write in (False, True):
        with store.connect(db, write=write) as con:
            settings = dict(con.execute("SELECT name, value FROM duckdb_settings() WHERE name IN "
                                        "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
        assert settings == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}


@pytest.mark.parametrize("path", ["md:cedar", "md:", "s3://bucket/cedar.duckdb", "https://example.com/c.duckdb"])
def test_a_store_is_a_local_file_not_a_remote_database(tmp_path, path):
    env = {**os.environ, "HOME": str(tmp_path), "CEDAR_DB": path}
    for args in (["query", "SELECT 1"], ["init"]):
        proc = subprocess.run([sys.executable, "-m", "cedar", *args], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=60)
        assert proc.returncode == 2, proc.stdout
        assert "The store must be a local file, not '" in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_rows_too_big_for_the_memory_limit_stop_the_query_with_a_message(db):
    """DuckDB makes a whole chunk of values before the first row is fetched (its own limit covers
    its buffers only): the process is held to about --memory-limit, and the query stops with the
    limit's message instead of growing past it."""
    import math

    bound = 100 * 10**6 + (2 << 30) + (os.cpu_count() or 1) * (128 << 20)  # cedar.cli.query's bound
    rows = math.ceil(2 * bound / 10**7)  # values of 10 MB each: twice what the bound allows
    proc = run_cedar("query", "--db", str(db), f"SELECT repeat('x', 10000000) AS x FROM range({rows})",
                     "--memory-limit", "100MB", "--max-rows", "0", "--format", "csv")
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "more memory than the limit of 100MB (--memory-limit)" in proc.stderr and "Traceback" not in proc.stderr


def test_a_query_run_in_process_gives_back_the_address_space_limit(tmp_path):
    """`cedar query` bounds the process's address space while it runs; run inside a longer-lived process (a
    notebook, the test suite), it must hand the limit back, or what that process starts next (a browser)
    inherits a bound it cannot live in."""
    import resource

    from typer.testing import CliRunner

    from cedar.cli import app

    db = tmp_path / "cedar.duckdb"
    init(db)
    before = resource.getrlimit(resource.RLIMIT_AS)
    result = CliRunner().invoke(app, ["query", "SELECT 42 AS answer", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["answer"] == 42
    assert resource.getrlimit(resource.RLIMIT_AS) == before
