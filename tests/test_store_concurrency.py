"""One writer at a time, and a store that survives `kill -9` in the middle of an ingest: real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from conftest import REPO, run_cedar
from store_helpers import counts, ingest, init

from cedar.sample_data import seed_path

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("BEGIN")
con.execute("DELETE FROM event_current")  # uncommitted: must never show
print("holding", flush=True)
sys.stdin.readline()
"""


def test_a_second_writer_is_told_the_store_is_busy(tmp_path):
    db = tmp_path / "cedar.duckdb"
    init(db)
    assert ingest(db, str(seed_path()))[0].returncode == 0
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        other = tmp_path / "other.json"
        other.write_bytes(seed_path().read_bytes().replace(b"karabakh-1", b"other-1"))
        for args in (["ingest", str(other)], ["query", "SELECT count(*) FROM events"], ["init"],
                     ["ingest", "--deletions", str(other)]):
            proc = run_cedar(*args, "--db", str(db))
            assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
            assert "is busy" in proc.stderr and f"process {holder.pid}" in proc.stderr, proc.stderr
            assert "Hint: Wait for that process" in proc.stderr
            assert "Traceback" not in proc.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    c = counts(db)
    assert (c["events"], c["submissions"]) == (6, 1)


def test_kill_9_during_an_ingest_leaves_the_earlier_store(tmp_path):
    sys.path.insert(0, str(REPO))
    from benchmarks.fixtures import seed_csv

    db = tmp_path / "cedar.duckdb"
    init(db)
    assert ingest(db, str(seed_path()))[0].returncode == 0
    before = counts(db)
    big = seed_csv(tmp_path / "big.csv", 4000)
    proc = subprocess.Popen([sys.executable, "-m", "cedar", "ingest", str(big), "--db", str(db)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    for line in proc.stderr:  # the command says when it starts writing to the store
        if line.startswith("Writing"):
            os.kill(proc.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    assert counts(db) == before
    # the store is whole and writable again: the same file now goes in
    done, report = ingest(db, str(big))
    assert done.returncode == 0, done.stdout
    assert counts(db)["events"] == before["events"] + 4000
    assert report["ids"]["r0"] == "CDR-AZE-7"


def test_readers_share_the_store_and_keep_a_writer_out(tmp_path):
    db = tmp_path / "cedar.duckdb"
    init(db)
    assert ingest(db, str(seed_path()))[0].returncode == 0
    reader = subprocess.Popen([sys.executable, "-c", "import sys, duckdb\ncon = duckdb.connect(sys.argv[1], "
                               "read_only=True)\nprint('reading', flush=True)\nsys.stdin.readline()", str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "reading"
        proc = run_cedar("query", "SELECT count(*) AS n FROM events", "--db", str(db), "--format", "csv")
        assert proc.returncode == 0 and proc.stdout.splitlines() == ["n", "6"]
        other = tmp_path / "other.json"
        other.write_bytes(seed_path().read_bytes().replace(b"karabakh-1", b"other-1"))
        proc = run_cedar("ingest", str(other), "--db", str(db))
        assert proc.returncode == 1 and "is busy" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert counts(db)["submissions"] == 1
