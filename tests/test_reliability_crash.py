"""Crash consistency: `kill -9` at random moments during `cedar ingest` and
during `cedar release build`, and concurrency: several ingests at once, readers of a
release while another is built.

After every kill: the store opens, its counts equal the sum of the submissions that reported
success, the release store's index names only complete releases, no release folder is left for
a build that did not finish (a folder renamed into place just before the kill, whose index entry
was never written, is finished work that the next build clears up), and a rerun succeeds.

Trials: a few in `make test`; CEDAR_RELIABILITY=full runs >= 50 of each.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
from conftest import run_cedar
from reliability.scale import FULL, record, size
from store_helpers import init, seed_events, write_events

from cedar.releases import index as release_index
from cedar.releases.build import publishing_mark

CEDAR = [sys.executable, "-m", "cedar"]


def _variant(folder: Path, n: int, events: int) -> Path:
    """A submission of `events` seed events with refs of its own (so its file hash is new)."""
    seed = seed_events()
    evs = []
    for i in range(events):
        e = json.loads(json.dumps(seed[i % len(seed)]))
        e["ref"] = f"s{n}-{i}"
        evs.append(e)
    return write_events(folder, f"sub-{n}.json", evs)


def _store_counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT (SELECT count(*) FROM event_current), (SELECT count(*) FROM event_history), "
                          "(SELECT count(*) FROM submissions), (SELECT count(DISTINCT event_id) FROM event_claims "
                          "WHERE event_id NOT IN (SELECT event_id FROM event_history)), "
                          "(SELECT count(DISTINCT event_id) FROM event_current WHERE event_id NOT IN "
                          "(SELECT event_id FROM event_history))").fetchone()
    finally:
        con.close()
    return dict(zip(("events", "versions", "submissions", "orphan_claims", "orphan_events"), row))


def _kill_at(args: list[str], delay: float, watch: str | None = None) -> tuple[int, float]:
    """Run cedar ARGS and SIGKILL it `delay` seconds after it starts (or after it prints a line
    starting with `watch` on stderr). Returns (exit code, seconds); -9 when killed."""
    t0 = time.monotonic()
    proc = subprocess.Popen(CEDAR + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(delay, lambda: _sigkill(proc))
    if watch is None:
        timer.start()
    else:
        for line in proc.stderr:
            if line.startswith(watch):
                timer.start()
                break
    try:
        proc.communicate(timeout=300)
    finally:
        timer.cancel()
    return proc.returncode, time.monotonic() - t0


def _sigkill(proc: subprocess.Popen) -> None:
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_kill_9_during_ingest(tmp_path):
    rng = random.Random(None if FULL else 3)
    db = tmp_path / "cedar.duckdb"
    init(db)
    trials = size(4, 60)
    per_file = 40
    # how long an ingest takes here, to spread the kills over its whole life
    first = _variant(tmp_path, 0, per_file)
    t0 = time.monotonic()
    assert run_cedar("ingest", str(first), "--db", str(db)).returncode == 0
    span = time.monotonic() - t0
    expected = {"events": per_file, "submissions": 1}
    killed, finished, committed, files = 0, 0, 0, []
    t_all = time.monotonic()
    for n in range(1, trials + 1):
        path = _variant(tmp_path, n, per_file)
        files.append(path)
        watch = "Writing" if rng.random() < 0.5 else None
        delay = rng.uniform(0, 0.3) if watch else rng.uniform(0.05, span * 1.1)
        code, _ = _kill_at(["ingest", str(path), "--db", str(db)], delay, watch)
        if code == 0:
            finished += 1
            expected["events"] += per_file
            expected["submissions"] += 1
        else:
            assert code == -signal.SIGKILL, code
            killed += 1
        got = _store_counts(db)  # the store opens, read-only, right after the kill
        if code != 0 and got["submissions"] == expected["submissions"] + 1:
            # killed after COMMIT, before it could say so: the whole submission is in, as the rerun will say
            committed += 1
            expected["events"] += per_file
            expected["submissions"] += 1
        assert got["events"] == got["versions"] == expected["events"], (n, got, expected)
        assert got["submissions"] == expected["submissions"], (n, got, expected)
        assert got["orphan_claims"] == got["orphan_events"] == 0, got
    # a rerun of every file succeeds: the killed ones go in now, the others are already there
    # (counted as submissions that reported success, both ways)
    for path in files:
        proc = run_cedar("ingest", str(path), "--db", str(db))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    got = _store_counts(db)
    assert got["events"] == per_file * (trials + 1) and got["submissions"] == trials + 1, got
    record("crash-ingest", trials=trials, killed=killed, finished_before_kill=finished,
           killed_after_commit=committed,
           seconds=round(time.monotonic() - t_all, 1))
    assert killed - committed >= 1


def _check_release_store(store: Path) -> tuple[list[str], list[str]]:
    """(published versions, unindexed version folders). The index names only complete releases."""
    published = [r["version"] for r in release_index.read_index(store)]
    for r in release_index.read_index(store):
        folder = store / r["version"]
        man = folder / "manifest.json"
        assert man.is_file(), f"index names {r['version']} but its folder is incomplete"
        assert hashlib.sha256(man.read_bytes()).hexdigest() == r["manifest_sha256"]
        for name, meta in json.loads(man.read_text(encoding="utf-8"))["files"].items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == meta["sha256"], name
    unindexed = [p.name for p in store.iterdir() if p.is_dir() and not p.name.startswith(".")
                 and p.name not in published]
    for name in unindexed:  # only a finished folder whose index entry was not yet written
        man = json.loads((store / name / "manifest.json").read_text(encoding="utf-8"))
        for f, meta in man["files"].items():
            assert hashlib.sha256((store / name / f).read_bytes()).hexdigest() == meta["sha256"]
    return published, unindexed


BUILD_STEPS = ("Reading the store", "Writing the data files", "Running the gate", "Publishing")  # its stderr lines


def test_kill_9_during_release_build(tmp_path):
    rng = random.Random(None if FULL else 5)
    db = tmp_path / "cedar.duckdb"
    store = tmp_path / "releases"
    init(db)
    assert run_cedar("ingest", str(_variant(tmp_path, 0, 12)), "--db", str(db)).returncode == 0
    t0 = time.monotonic()
    proc = run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(store))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    span = time.monotonic() - t0
    trials = size(2, 50)
    killed = finished = leftovers = 0
    by_stage: dict[str, int] = {}
    t_all = time.monotonic()
    for n in range(2, trials + 2):
        version = f"2026.11.{n}"
        # every other kill at a random moment of the whole run (much of which is start-up and the gate),
        # the others just after a step the build announces, so that each step, publishing too, is hit
        stage = rng.choice(BUILD_STEPS) if n % 2 else None
        delay = rng.uniform(0, 0.4) if stage else rng.uniform(0.1, span * 1.05)
        by_stage[stage or "any moment"] = by_stage.get(stage or "any moment", 0) + 1
        code, _ = _kill_at(["release", "build", version, "--db", str(db), "--releases", str(store)], delay,
                           f"... {stage}" if stage else None)
        published, unindexed = _check_release_store(store)
        leftovers += len(unindexed)
        if code == 0:
            finished += 1
            assert version in published
            continue
        assert code == -signal.SIGKILL, code
        killed += 1
        if version in published:  # killed after the index was written (recording in the store)
            continue
        rerun = run_cedar("release", "build", version, "--db", str(db), "--releases", str(store))
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        published, unindexed = _check_release_store(store)
        assert version in published and not unindexed
        assert not list(store.glob(".tmp-*")), "the rerun leaves no temporary folder"
    proc = run_cedar("release", "list", "--releases", str(store), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    record("crash-release-build", trials=trials, killed=killed, finished_before_kill=finished,
           unindexed_folders_seen=leftovers, kill_after=by_stage, seconds=round(time.monotonic() - t_all, 1))


def test_a_publish_cut_between_rename_and_index_is_cleared_by_the_next_build(tmp_path):
    """The one moment a random kill rarely hits: the folder renamed into place, index.json not yet
    written. That release was never published; the next build of the same version must succeed."""
    db = tmp_path / "cedar.duckdb"
    store = tmp_path / "releases"
    init(db)
    assert run_cedar("ingest", str(_variant(tmp_path, 0, 6)), "--db", str(db)).returncode == 0
    assert run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(store)).returncode == 0
    # the kill's state: the folder in place with its publishing mark, the index without it
    release_index.write_index(store, [])
    publishing_mark(store, "2026.11.1").touch()
    listed = run_cedar("release", "list", "--releases", str(store), "--format", "json")
    assert "2026.11.1" not in listed.stdout
    rerun = run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(store))
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    published, unindexed = _check_release_store(store)
    assert published == ["2026.11.1"] and not unindexed


def test_several_ingests_at_once_one_writes_the_others_are_told(tmp_path):
    db = tmp_path / "cedar.duckdb"
    init(db)
    rounds = size(2, 10)
    writers = 4
    told_busy = wrote = 0
    t0 = time.monotonic()
    for r in range(rounds):
        files = [_variant(tmp_path, 100 * r + i, 30) for i in range(writers)]
        procs = [subprocess.Popen(CEDAR + ["ingest", str(f), "--db", str(db)], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for f in files]
        outs = [p.communicate(timeout=300) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert "Traceback" not in err, err
            if p.returncode == 0:
                wrote += 1
            else:
                assert p.returncode == 1 and "is busy" in err, (p.returncode, out, err)
                told_busy += 1
        got = _store_counts(db)
        assert got["events"] == got["versions"] == 30 * wrote and got["submissions"] == wrote, got
    assert wrote >= rounds
    record("concurrency-ingest", rounds=rounds, processes=rounds * writers, wrote=wrote, told_busy=told_busy,
           seconds=round(time.monotonic() - t0, 1))


def test_readers_query_a_release_while_another_is_built(tmp_path):
    db = tmp_path / "cedar.duckdb"
    store = tmp_path / "releases"
    init(db)
    assert run_cedar("ingest", str(_variant(tmp_path, 0, 12)), "--db", str(db)).returncode == 0
    assert run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(store)).returncode == 0
    assert run_cedar("ingest", str(_variant(tmp_path, 1, 6)), "--db", str(db)).returncode == 0
    builder = subprocess.Popen(CEDAR + ["release", "build", "2026.11.2", "--db", str(db), "--releases", str(store)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reads = 0
    second = subprocess.Popen(CEDAR + ["release", "build", "2026.11.3", "--db", str(db), "--releases", str(store)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while builder.poll() is None or reads < 3:
        proc = run_cedar("query", "SELECT count(*) AS n FROM events", "--releases", str(store / "2026.11.1"),
                         "--format", "csv")
        assert proc.returncode == 0 and proc.stdout.split() == ["n", "12"], proc.stderr
        reads += 1
        if reads > 200:
            break
    out, err = builder.communicate(timeout=300)
    out2, err2 = second.communicate(timeout=300)
    # one build at a time per release store: the other is told, or ran after it
    results = {"2026.11.2": (builder.returncode, err), "2026.11.3": (second.returncode, err2)}
    winners = [v for v, (code, _) in results.items() if code == 0]
    assert winners, results
    for code, text in results.values():
        assert "Traceback" not in text, text
        if code:
            assert "Another release build is running" in text or "would sort before" in text, text
    published, unindexed = _check_release_store(store)
    assert set(winners) <= set(published) and not unindexed
    proc = run_cedar("query", "SELECT count(*) AS n FROM events", "--releases", str(store / winners[0]),
                     "--format", "csv")
    assert proc.stdout.split() == ["n", "18"], proc.stdout + proc.stderr
    record("concurrency-release-readers", reads_during_build=reads, builds_published=len(winners))
