"""A release build at 10 and 100 times a synthetic store (docs/scale.md, "Partitioned releases").

`cedar synth` writes N events (300,000 at BENCH_SCALE=1), `cedar init` and `cedar ingest` make a store of
them, and the store is replicated in SQL, K copies of every event under new ids (the number of each id
raised by a multiple of the store's largest), to K * N events: at K = 10, 3M; at K = 100, 30M. The release
build of the replicated store is measured as a child process (wall time, peak RSS from os.wait4, bytes
written), partitioned and single-file. `make bench` runs K = 10; the 30M figure runs by hand:

    python -m benchmarks.scale_build --base 300000 --factor 100 --partition always
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
CEDAR = [sys.executable, "-m", "cedar"]
VERSION = "2026.01.1"
# The store's tables that hold a row per event (or per event version), each replicated under the new ids.
EVENT_TABLES = ("event_current", "event_history", "event_sources", "event_claims")


def base_store(work: Path, rows: int) -> Path:
    """A store of `rows` synthetic events (made once, then reused)."""
    db = work / f"scale-base-{rows}.duckdb"
    if db.exists():
        return db
    csv = work / f"scale-base-{rows}.csv"
    subprocess.run(CEDAR + ["synth", str(rows), "--seed", "5", "--out", str(csv), "--force"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    tmp = db.with_name(db.name + ".part")
    tmp.unlink(missing_ok=True)
    subprocess.run(CEDAR + ["init", "--db", str(tmp)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(CEDAR + ["ingest", "--db", str(tmp), str(csv)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    tmp.rename(db)
    return db


# Copies of the base inserted per statement: one INSERT ... SELECT over base CROSS JOIN range() per table
# and batch. Ten copies of 300,000 events (3M rows) a statement keep the insert's own memory small
# beside the primary-key indexes, which grow with the store whatever the batch.
BATCH_COPIES = 10


def replicate(base: Path, db: Path, factor: int, work: Path | None = None) -> int:
    """`db`: the store `base` with `factor` copies of every event (the original among them) in
    event_current, event_history and the long forms, the number of each id raised by a multiple of the
    store's largest, and id_counters raised to match (so the store's invariants hold: every current
    event has its history row, no id above its country's counter). Returns the number of events."""
    import duckdb

    db.unlink(missing_ok=True)
    tmp = db.with_name(db.name + ".part")
    tmp.unlink(missing_ok=True)
    shutil.copy(base, tmp)
    spill = (work or db.parent) / f".{db.name}.spill"
    con = duckdb.connect(str(tmp))
    try:
        con.execute("SET memory_limit = '3GB'")
        con.execute(f"SET temp_directory = '{spill}'")
        con.execute("SET preserve_insertion_order = false")  # the build sorts; the store's row order is free
        con.execute("SET enable_progress_bar = false")
        step = int(con.execute("SELECT max(CAST(regexp_extract(event_id, '[0-9]+$') AS BIGINT)) "
                               "FROM event_history").fetchall()[0][0]) + 1
        for table in EVENT_TABLES:
            con.execute(f"CREATE TEMP TABLE base_{table} AS SELECT * FROM {table}")
        new_id = (f"regexp_replace(b.event_id, '[0-9]+$', '') || CAST(CAST(regexp_extract(b.event_id, '[0-9]+$') "
                  f"AS BIGINT) + r.k * {step} AS VARCHAR)")
        for first in range(1, factor, BATCH_COPIES):
            last = min(first + BATCH_COPIES, factor)
            con.execute("BEGIN")
            for table in EVENT_TABLES:
                con.execute(f"INSERT INTO {table} SELECT b.* REPLACE ({new_id} AS event_id) "
                            f"FROM base_{table} b CROSS JOIN range({first}, {last}) r(k)")
            con.execute("COMMIT")
        con.execute(f"UPDATE id_counters SET last_number = last_number + {(factor - 1) * step}")
        con.execute("CHECKPOINT")
        events = int(con.execute("SELECT count(*) FROM event_current").fetchall()[0][0])
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    tmp.rename(db)  # a store under its final name is whole
    return events


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def measure_build(db: Path, store: Path, partition: str, measure: Callable[[list[str]], dict[str, Any]],
                  keep: bool = False) -> dict:
    """One `cedar release build` of `db` into a new release store, measured; with the bytes written. The
    release store is removed afterwards (gigabytes at full size) unless `keep`."""
    shutil.rmtree(store, ignore_errors=True)
    r = measure(CEDAR + ["release", "build", VERSION, "--db", str(db), "--releases", str(store), "--partition",
                         partition])
    folder = store / VERSION
    if folder.is_dir():
        r["bytes_written"] = folder_bytes(folder)
        man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        r["files"] = len(man["files"])
        r["partition_files"] = len(man.get("partitions") or [])
    if not keep:
        shutil.rmtree(store, ignore_errors=True)
    return r


def run(res: dict[str, Any], work: Path, scale: float, step: Callable[..., dict[str, Any]],
        factors: tuple[int, ...] = (10,), partitions: tuple[str, ...] = ("always", "never"),
        keep: bool = False) -> None:
    """The scale figures into res["scale_build"]: for each factor, the events and each layout's build.
    With `keep`, the replicated store (reused when it is there) and the release stores stay in `work`."""
    rows = max(300, int(300_000 * scale))
    base = base_store(work, rows)
    out: dict[str, Any] = {"base_events": rows}
    for factor in factors:
        db = work / f"scale-{factor}x.duckdb"
        if keep and db.exists():
            events = _events(db)
        else:
            events = replicate(base, db, factor, work)
        figures: dict[str, Any] = {"events": events, "store_bytes": db.stat().st_size}
        for partition in partitions:
            figures[partition] = measure_build(db, work / f"scale-releases-{factor}x-{partition}", partition,
                                               lambda cmd, p=partition, f=factor: step(f"scale_build_{f}x_{p}", cmd),
                                               keep)
        out[f"{factor}x"] = figures
        if not keep:
            db.unlink(missing_ok=True)
    res["scale_build"] = out


def _events(db: Path) -> int:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return int(con.execute("SELECT count(*) FROM event_current").fetchall()[0][0])


def main() -> None:
    import os

    from benchmarks.run import run_measured

    parser = argparse.ArgumentParser(description="Measure a release build of a replicated synthetic store.")
    parser.add_argument("--base", type=int, default=300_000, help="events of the synthetic store")
    parser.add_argument("--factor", type=int, action="append", help="copies of every event (10: 3M events)")
    parser.add_argument("--partition", action="append", choices=("auto", "always", "never"))
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    parser.add_argument("--keep", action="store_true",
                        help="keep the replicated store and the release stores in --work (reused next time)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {}

    def step(name: str, cmd: list[str]) -> dict[str, Any]:
        print(f"scale: {name} ...", flush=True)
        load = os.getloadavg()[0]
        r = run_measured(cmd, timeout=None)
        # the machine's load beside the wall time: wall grows with it, CPU time and peak memory do not
        r["load_average"] = [round(load, 1), round(os.getloadavg()[0], 1)]
        print(f"scale: {name}: {r}", flush=True)
        return r

    run(res, args.work, args.base / 300_000, step, tuple(args.factor or [10]), tuple(args.partition or ["always"]),
        args.keep)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
