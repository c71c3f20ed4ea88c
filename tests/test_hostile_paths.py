"""Hostile command lines: what a command did not create is never removed or overwritten without
--force, and a path that is not what it should be (a FIFO, a link, a device, a link loop, a read-only
folder) is refused with a message and exit status 2 before anything opens it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ACLED, run_cedar
from download_support import V1, copy_store, pristine_store, store_db
from store_helpers import init, seed_events, write_events

from cedar import paths
from cedar.errors import UsageError


def refused(proc: subprocess.CompletedProcess, *words: str, code: int = 2) -> None:
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Error: " in proc.stderr, proc.stderr
    for w in words:
        assert w in proc.stderr, (w, proc.stderr)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- data loss -------------------------------------------------------------------------------------

def test_release_build_into_a_download_folder_refuses_and_removes_nothing(tmp_path_factory, tmp_path):
    downloads = tmp_path / "cedar-data"
    assert run_cedar("download", V1, "--from", str(pristine_store(tmp_path_factory)), "--to",
                     str(downloads)).returncode == 0
    (downloads / "my-notes.txt").write_text("mine", encoding="utf-8")
    before = tree(downloads)
    proc = run_cedar("release", "build", "2026.12.1", "--db", str(store_db()), "--store", str(downloads))
    refused(proc, "not a release store", "my-notes.txt")
    assert tree(downloads) == before


def test_an_unindexed_version_folder_a_build_did_not_make_is_kept(tmp_path_factory, tmp_path):
    store = copy_store(tmp_path_factory, tmp_path / "releases")
    (store / "2026.11.7").mkdir()
    (store / "2026.11.7" / "keep.txt").write_text("not a build's", encoding="utf-8")
    proc = run_cedar("release", "build", "2026.12.1", "--db", str(store_db()), "--store", str(store))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (store / "2026.11.7" / "keep.txt").read_text(encoding="utf-8") == "not a build's"


def test_import_out_naming_its_input_refuses_and_keeps_the_export(tmp_path):
    export = tmp_path / "in.csv"
    shutil.copy(ACLED, export)
    proc = run_cedar("import", "acled", str(export), "--out", str(export))
    refused(proc, "is the input file")
    assert export.read_bytes() == ACLED.read_bytes()


def test_import_out_through_a_link_or_onto_a_device_refuses(tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("untouched", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    refused(run_cedar("import", "acled", str(ACLED), "--out", str(link), "--force"), "symbolic link")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "untouched"
    refused(run_cedar("import", "acled", str(ACLED), "--out", "/dev/null", "--force"), "character device")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(paths.TEMP_PREFIX)]


def test_import_out_over_an_existing_file_needs_force(tmp_path):
    out = tmp_path / "events.jsonl"
    out.write_text("mine\n", encoding="utf-8")
    refused(run_cedar("import", "acled", str(ACLED), "--out", str(out)), "--force", "exists")
    assert out.read_text(encoding="utf-8") == "mine\n"
    proc = run_cedar("import", "acled", str(ACLED), "--out", str(out), "--force")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["event_type"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.jsonl"]


def test_download_into_a_folder_holding_something_else_refuses_then_replaces_with_force(tmp_path_factory,
                                                                                        tmp_path):
    source = pristine_store(tmp_path_factory)
    mine = tmp_path / "data" / V1
    mine.mkdir(parents=True)
    (mine / "events.csv").write_text("another release's events\n", encoding="utf-8")
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree(mine)
    refused(run_cedar("download", V1, "--from", str(source), "--to", str(tmp_path / "data")), "--force",
            "notes.txt")
    assert tree(mine) == before
    proc = run_cedar("download", V1, "--from", str(source), "--to", str(tmp_path / "data"), "--force")
    assert proc.returncode == 0, proc.stderr
    assert tree(mine) == tree(source / V1)  # the release whole, nothing of the old folder mixed in
    assert [p.name for p in (tmp_path / "data").iterdir()] == [V1]


def test_demo_refuses_to_replace_a_store_it_did_not_make(tmp_path):
    db = tmp_path / "cedar.duckdb"
    init(db)
    before = db.read_bytes()
    refused(run_cedar("demo", "--db", str(db), "--releases", str(tmp_path / "rel")), "--force", "cedar.duckdb")
    assert db.read_bytes() == before
    releases = tmp_path / "mine"
    releases.mkdir()
    (releases / "thesis.tex").write_text("x", encoding="utf-8")
    refused(run_cedar("demo", "--db", str(tmp_path / "new.duckdb"), "--releases", str(releases)), "mine")
    assert (releases / "thesis.tex").is_file() and not (tmp_path / "new.duckdb").exists()


# --- paths that are not what they should be ---------------------------------------------------------

@pytest.mark.parametrize("args", [["query", "SELECT 1", "--db"], ["init", "--db"], ["ingest", "x.json", "--db"],
                                  ["check", "--db"]])
def test_a_fifo_as_the_store_is_refused_without_blocking(tmp_path, args):
    fifo = tmp_path / "store.duckdb"
    os.mkfifo(fifo)
    (tmp_path / "x.json").write_text("[]", encoding="utf-8")
    cmd = [*args, str(fifo)] + ([str(tmp_path / "x.json")] if args[0] == "check" else [])
    proc = run_cedar(*cmd, cwd=tmp_path)  # run_cedar's timeout (120 s) catches a block
    refused(proc, "named pipe")


def test_a_link_loop_a_device_and_a_read_only_folder_are_refused(tmp_path):
    loop = tmp_path / "loop.duckdb"
    loop.symlink_to(loop)
    refused(run_cedar("query", "SELECT 1", "--db", str(loop)), "loop of symbolic links")
    refused(run_cedar("query", "SELECT 1", "--db", "/dev/null"), "character device")
    if os.geteuid() == 0:  # permissions do not bind root: nothing can be made under /proc
        for args in (["init", "--db", "/proc/cedar-test/new.duckdb"],
                     ["import", "acled", str(ACLED), "--out", "/proc/cedar-test/x.jsonl"]):
            proc = run_cedar(*args)
            assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr and "Error: " in proc.stderr
        return
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        refused(run_cedar("init", "--db", str(locked / "new.duckdb")), "read-only")
        refused(run_cedar("import", "acled", str(ACLED), "--out", str(locked / "x.jsonl")), "read-only")
    finally:
        locked.chmod(0o700)


def test_output_file_check_refuses_the_input_even_through_another_name(tmp_path):
    src = tmp_path / "a.csv"
    src.write_text("x", encoding="utf-8")
    (tmp_path / "b.csv").hardlink_to(src)
    with pytest.raises(UsageError, match="is the input file"):
        paths.output_file(tmp_path / "b.csv", inputs=[src], force=True)


def test_atomic_write_leaves_the_old_file_when_the_write_fails(tmp_path):
    out = tmp_path / "out.txt"
    out.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with paths.atomic_write(out) as fh:
            fh.write("half")
            raise RuntimeError("cut")
    assert out.read_text(encoding="utf-8") == "old" and sorted(tmp_path.iterdir()) == [out]


# --- tracebacks turned into messages -----------------------------------------------------------------

def test_release_index_nested_ten_thousand_deep_is_a_message(tmp_path):
    store = tmp_path / "releases"
    store.mkdir()
    (store / "index.json").write_text('{"releases": ' + "[" * 10_000 + "]" * 10_000 + "}", encoding="utf-8")
    refused(run_cedar("release", "list", "--store", str(store)), "nested too deep", code=1)
    refused(run_cedar("download", "--from", str(store), "--to", str(tmp_path / "d")), "cannot be read", code=1)


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "1e300"])
def test_timeouts_out_of_range_are_refused(tmp_path, value):
    refused(run_cedar("query", "SELECT 1", "--timeout", value, "--db", str(tmp_path / "x.duckdb")))
    refused(run_cedar("download", "--from", str(tmp_path), "--to", str(tmp_path / "d"), "--timeout", value))


@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "no-such-codec"])
def test_encodings_that_are_not_text_are_refused(encoding):
    refused(run_cedar("check", str(ACLED), "--encoding", encoding), encoding)


def test_a_corrupt_store_file_is_a_message(tmp_path):
    db = tmp_path / "cedar.duckdb"
    init(db)
    data = bytearray(db.read_bytes())
    data[4096:4096 + 8192] = os.urandom(8192)
    db.write_bytes(bytes(data))
    for args in (["query", "SELECT count(*) FROM events"], ["ingest", str(ACLED)], ["init"]):
        proc = run_cedar(*args, "--db", str(db))
        assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr and "Error: " in proc.stderr, proc.stderr


def _limited(limit: int):
    def pre() -> None:
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


def test_a_full_disk_during_ingest_leaves_the_store_as_it_was(tmp_path):
    """A full disk made without root: a file-size limit (RLIMIT_FSIZE) of 2 kB, so DuckDB's write of its WAL
    fails (EFBIG) at the commit."""
    db = tmp_path / "cedar.duckdb"
    init(db)
    before = db.read_bytes()
    sub = write_events(tmp_path, "events.json", seed_events())
    proc = subprocess.run([sys.executable, "-m", "cedar", "ingest", str(sub), "--db", str(db)], capture_output=True,
                          text=True, timeout=120, preexec_fn=_limited(2048))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Error: No space left" in proc.stderr, proc.stderr
    counts = run_cedar("query", "SELECT count(*) AS n FROM events", "--db", str(db), "--format", "json")
    assert counts.returncode == 0, counts.stderr
    assert json.loads(counts.stdout)[0]["n"] == 0
    assert db.read_bytes() == before


def test_ctrl_c_during_ingest_rolls_back_and_exits_130(tmp_path):
    db = tmp_path / "cedar.duckdb"
    init(db)
    events = seed_events()
    many = [dict(events[i % len(events)], ref=f"r{i}") for i in range(20000)]
    sub = write_events(tmp_path, "many.json", many)
    proc = subprocess.Popen([sys.executable, "-m", "cedar", "ingest", str(sub), "--db", str(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    said = ""
    while "Ingesting" not in said and "Checking" not in said:  # its first progress note: the work has begun
        char = proc.stderr.read(1)
        assert char, "the ingest ended before it said what it was doing"
        said += char
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    err = said + err
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Interrupted" in err and "as it was" in err, err
    assert err.count("Error: Interrupted") == 1, err  # told once, not by the command and again by main
    counts = run_cedar("query", "SELECT count(*) AS n FROM events", "--db", str(db), "--format", "json")
    assert json.loads(counts.stdout)[0]["n"] == 0


def test_check_under_an_address_space_limit_fails_with_a_message_about_memory(tmp_path):
    """ulimit -v 800000 once ended `cedar check` in a segmentation fault; a large CSV goes through the SQL
    engine (DuckDB, numpy, pyarrow), which cannot all be mapped in 800 MB."""
    big = tmp_path / "big.csv"
    assert run_cedar("synth", "30000", "--out", str(big)).returncode == 0
    db = tmp_path / "cedar.duckdb"
    init(db)

    def limit() -> None:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (800_000 * 1024, 800_000 * 1024))

    proc = subprocess.run([sys.executable, "-m", "cedar", "check", str(big), "--db", str(db)], capture_output=True,
                          text=True, timeout=300, preexec_fn=limit)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    if proc.returncode == 1 and "valid" not in proc.stdout.lower():
        assert "Error: Cedar ran out of memory" in proc.stderr, proc.stderr[-2000:]


def test_check_of_a_fifo_says_what_it_is_instead_of_missing(tmp_path):
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    proc = run_cedar("check", str(fifo), "--format", "json")
    assert proc.returncode == 2, proc.stderr
    problems = json.loads(proc.stdout)["problems"]
    assert [p["code"] for p in problems] == ["unreadable-file"] and "named pipe" in problems[0]["message"]
