"""The gate on DuckDB and on Spark side by side, on the same staged release (the bench's store against
its latest release): wall time and the peak memory of the whole process tree, since the Spark JVM is a
child of the Python process (sampled from /proc: the sum of the tree's resident sizes).

`make bench` runs it on the bench's release (3M events at BENCH_SCALE=1); by hand:
    python -m benchmarks.scale_gate DB RELEASE_STORE [--engines duckdb,spark]
Each engine runs in a child process of its own: stage the store, run the gate, print its figures.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_S = 0.2  # how often the process tree's memory is read


def _tree(pid: int) -> tuple[int, dict[int, float]]:
    """Resident bytes of `pid` and every process below it, and each one's CPU seconds so far."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
            cpu[int(entry.name)] = (int(stat[11]) + int(stat[12])) / tick  # utime + stime
            children.setdefault(int(stat[1]), []).append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue  # the process ended while it was read
    total, todo, seconds = 0, [pid], {}
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        seconds[p] = cpu.get(p, 0.0)
        todo += children.get(p, [])
    return total, seconds


def measure_tree(cmd: list[str], timeout: float = 3600) -> dict[str, Any]:
    """Run `cmd`; its wall time, the peak of its process tree's memory, the tree's CPU seconds (as last
    sampled for each process), the load average before and after, and its standard output."""
    start = time.perf_counter()
    load = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        peak, cpu = 0, {}
        while proc.poll() is None:
            rss, seconds = _tree(proc.pid)
            peak = max(peak, rss)
            cpu.update(seconds)
            if time.perf_counter() - start > timeout:
                proc.kill()
            time.sleep(SAMPLE_S)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    return {"wall_s": round(time.perf_counter() - start, 2), "peak_tree_rss_mb": round(peak / 2**20),
            "cpu_s": round(sum(cpu.values()), 1), "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
            "exit": proc.returncode, "stdout": stdout, "stderr": stderr[-2000:]}


def child(engine: str, db: Path, store: Path) -> dict[str, Any]:
    """Stage `db` against the latest release of `store` and run the gate with `engine` (in this process)."""
    from cedar.releases import gating, index, snapshot

    latest = index.read_index(store)[0]
    work = Path(tempfile.mkdtemp(prefix="gate-bench-", dir=store.parent))
    try:
        t = time.perf_counter()
        con = snapshot.open_work(work)
        snapshot.stage_store(con, db)
        prev = snapshot.stage_previous(con, store, latest)
        snapshot.stage_changes(con)
        staged = time.perf_counter() - t
        events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        gate = gating.run_release_gate(con, True, [r["event_id"] for r in prev], latest["created"],
                                       engine=gating.GateEngine(engine))
        con.close()
        return {"engine": gate.report.extra["engine"], "spark_start_s": gate.report.extra.get("spark_start_s"),
                "events": events, "stage_s": round(staged, 2),
                "gate_s": round(gate.seconds, 2), "passed": gate.passed, "expectations": len(gate.outcomes),
                "failed": [o.spec.code for o in gate.outcomes if not o.success]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def spark_available() -> str | None:
    """Why the gate on Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ModuleNotFoundError:
        return "pyspark is not installed (the spark extra)"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "no Java"
    return None


def run(db: Path, store: Path, engines: tuple[str, ...] = ("duckdb", "spark"), say: Any = print) -> dict[str, Any]:
    """Each engine's gate over the same staged release, in a child process of its own."""
    out: dict[str, Any] = {}
    for engine in engines:
        why = spark_available() if engine == "spark" else None
        if why:
            out[engine] = {"skipped": why}
            continue
        m = measure_tree([sys.executable, "-m", "benchmarks.scale_gate", "--child", engine, str(db), str(store)])
        figures = json.loads(m["stdout"].strip().splitlines()[-1]) if m["exit"] == 0 else {"error": m["stderr"]}
        out[engine] = {"wall_s": m["wall_s"], "peak_tree_rss_mb": m["peak_tree_rss_mb"], "cpu_s": m["cpu_s"],
                       "load_average": m["load_average"], **figures}
        say(f"  gate on {engine}: {m['wall_s']} s wall, {m['cpu_s']} CPU s, {m['peak_tree_rss_mb']} MB peak "
            f"(process tree), load {m['load_average']}; {figures}")
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[0] == "--child":
        print(json.dumps(child(args[1], Path(args[2]), Path(args[3]))))
    else:
        chosen = tuple(args[args.index("--engines") + 1].split(",")) if "--engines" in args else ("duckdb", "spark")
        print(json.dumps(run(Path(args[0]), Path(args[1]), chosen), indent=2))
