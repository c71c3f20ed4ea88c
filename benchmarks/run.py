"""`make bench`: Cedar at ACLED's size, and the plain ways beside it, on the same files.

Every command runs as a child process; its wall time is measured around it and its peak memory
(max RSS) read from os.wait4's resource usage for that child alone. Sizes scale with BENCH_SCALE
(1 = the full run: 1M-row checks and ingest, a 3M-event release; 0.001 for a smoke run).
Results go to benchmarks/results.json and, as tables, to docs/performance.md between the
BENCHMARKS markers.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

Step = Callable[..., dict[str, Any]]
Say = Callable[[str], None]

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CEDAR = [PY, "-m", "cedar"]
VERSION = "2026.01.1"


# `cedar check` as a contributor runs it, offline: no store, so no actor registry (with one, the check
# takes the row engine for alias replacement); a store in data/ must not change what is measured.
_ENV = {**os.environ, "CEDAR_DB": str(ROOT / "benchmarks" / "work" / "no-store.duckdb")}


def run_measured(cmd: list[str], *, timeout: float | None = None, ok: tuple[int, ...] = (0,),
                 cwd: Path | None = None, json_out: bool = False) -> dict[str, Any]:
    """Like `run`, with the child's own peak memory from os.wait4 (GNU time is not needed)."""
    start = time.perf_counter()
    err_path = ROOT / "benchmarks" / "work" / "stderr.txt"
    err_path.parent.mkdir(parents=True, exist_ok=True)  # benchmarks/work/ is not in git: a clean clone lacks it
    out_path = err_path.with_name("stdout.txt")
    with err_path.open("wb") as err, out_path.open("wb") as out_file:
        proc = subprocess.Popen(cmd, stdout=out_file if json_out else subprocess.DEVNULL, stderr=err,
                                cwd=cwd or ROOT, env=_ENV)
        deadline = None if timeout is None else start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                return {"seconds": round(time.perf_counter() - start, 3), "timed_out": timeout,
                        "peak_mb": round(usage.ru_maxrss / 1024, 1)}
            time.sleep(0.02)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    out: dict[str, Any] = {"seconds": round(seconds, 3), "exit": code, "peak_mb": round(usage.ru_maxrss / 1024, 1),
                           "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)}  # less shaken by other load
    if json_out and code in ok:  # what the child found, so a reader sees the plain way judged the same rows
        text = out_path.read_text(encoding="utf-8").strip()
        # a child's one-line JSON, or a command's indented --format json
        out["result"] = json.loads(text if text.startswith("{\n") else text.splitlines()[-1])
    if code not in ok:
        out["error"] = err_path.read_text(encoding="utf-8", errors="replace")[-2000:]
    return out


# --- the query suite --------------------------------------------------------------------------

POINT = (33.3152, 44.3661)  # Baghdad

QUERIES: dict[str, str] = {
    "count by country": "SELECT country, count(*) AS n FROM ev GROUP BY country ORDER BY n DESC",
    "count by country and month": "SELECT country, date_trunc('month', event_date) AS month, count(*) AS n "
                                  "FROM ev GROUP BY ALL ORDER BY country, month",
    "fatalities by actor type": "SELECT inter1, sum(fatalities) AS deaths FROM ev GROUP BY inter1 ORDER BY inter1",
    "top 20 actors": "SELECT actor1, count(*) AS n FROM ev GROUP BY actor1 ORDER BY n DESC LIMIT 20",
    "events within 50 km of a point": (
        "SELECT count(*) FROM ev WHERE 2 * 6371 * asin(sqrt(pow(sin(radians(latitude - {lat}) / 2), 2) + "
        "cos(radians({lat})) * cos(radians(latitude)) * pow(sin(radians(longitude - {lon}) / 2), 2))) <= 50"
    ).format(lat=POINT[0], lon=POINT[1]),
    "verified share by source scale": "SELECT source_scale, avg((verification_status = 'verified')::INT) AS share "
                                      "FROM ev GROUP BY source_scale ORDER BY source_scale",
    "events by type and year": "SELECT event_type, year(event_date) AS y, count(*) FROM ev GROUP BY ALL ORDER BY ALL",
    "deadliest 10 events": "SELECT event_id, fatalities FROM ev ORDER BY fatalities DESC NULLS LAST, event_id LIMIT 10",
    "civilian targeting by country": "SELECT country, sum(civilian_targeting::INT) AS n FROM ev GROUP BY country "
                                     "ORDER BY n DESC",
    "one country, one year": "SELECT sub_event_type, count(*), sum(fatalities) FROM ev WHERE iso3 = 'UKR' "
                             "AND event_date BETWEEN DATE '2023-01-01' AND DATE '2023-12-31' GROUP BY ALL ORDER BY ALL",
}


def _pandas_queries() -> dict[str, Any]:
    import numpy as np

    lat0, lon0 = np.radians(POINT[0]), np.radians(POINT[1])

    def within(df):  # noqa: ANN001
        la, lo = np.radians(df.latitude.to_numpy()), np.radians(df.longitude.to_numpy())
        h = np.sin((la - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(la) * np.sin((lo - lon0) / 2) ** 2
        return int((2 * 6371 * np.arcsin(np.sqrt(h)) <= 50).sum())

    return {
        "count by country": lambda d: d.groupby("country").size().sort_values(ascending=False),
        "count by country and month": lambda d: d.groupby(["country", d.event_date.dt.to_period("M")]).size(),
        "fatalities by actor type": lambda d: d.groupby("inter1").fatalities.sum(),
        "top 20 actors": lambda d: d.actor1.value_counts().head(20),
        "events within 50 km of a point": within,
        "verified share by source scale":
            lambda d: (d.verification_status == "verified").groupby(d.source_scale).mean(),
        "events by type and year": lambda d: d.groupby(["event_type", d.event_date.dt.year]).size(),
        "deadliest 10 events": lambda d: d.nlargest(10, "fatalities")[["event_id", "fatalities"]],
        "civilian targeting by country": lambda d: d.groupby("country").civilian_targeting.sum().sort_values(),
        "one country, one year": lambda d: d[(d.iso3 == "UKR") & (d.event_date >= "2023-01-01") & (
            d.event_date <= "2023-12-31")].groupby("sub_event_type").fatalities.agg(["size", "sum"]),
    }


def queries_child(release: str, repeat: str) -> None:
    """In a child process: the suite on the release's Parquet with DuckDB, median of `repeat` runs."""
    import duckdb

    n = int(repeat)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW ev AS SELECT * FROM read_parquet('{release}/events.parquet')")
    out = {}
    for name, sql in QUERIES.items():
        times = []
        for _ in range(n):
            t = time.perf_counter()
            con.sql(sql).fetchall()
            times.append(time.perf_counter() - t)
        out[name] = round(statistics.median(times), 4)
    print(json.dumps(out))


def pandas_child(release: str, repeat: str) -> None:
    """In a child process: pandas read_csv of the release's CSV, then the same aggregations."""
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_csv(f"{release}/events.csv", parse_dates=["event_date"], low_memory=False)
    load = time.perf_counter() - t
    out = {"read_csv": round(load, 3)}
    for name, fn in _pandas_queries().items():
        times = []
        for _ in range(int(repeat)):
            t = time.perf_counter()
            fn(df)
            times.append(time.perf_counter() - t)
        out[name] = round(statistics.median(times), 4)
    print(json.dumps(out))


def pydantic_child(path: str) -> None:
    """In a child process: the plain way to check, csv.DictReader and the Pydantic model one row at a time."""
    import csv

    from pydantic import ValidationError

    from cedar.schema import flat
    from cedar.schema.model import Event

    kinds = flat.column_kinds()
    bad = rows = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows += 1
            # each cell typed by its column's kind (the model's Literal[1..8] codes take no text), then the model
            try:
                data = {k: flat.parse_cell(kinds[k], v) for k, v in row.items()}
                data["sources"] = [{"name": n} for n in data.get("sources") or []]
                Event.model_validate({k: v for k, v in data.items() if v is not None})
            except (ValidationError, flat.CellError):
                bad += 1
    print(json.dumps({"rows": rows, "invalid": bad}))


def _child(name: str, *args: str) -> list[str]:
    return [PY, "-m", "benchmarks.run", name, *args]


def _json_child(cmd: list[str], timeout: float | None = None) -> tuple[dict, dict]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1]), {"seconds": round(seconds, 3)}


# --- the run ----------------------------------------------------------------------------------

def main(scale: float | None = None, work: Path | None = None, plain: bool = True, say=print) -> dict[str, Any]:
    scale = float(os.environ.get("BENCH_SCALE", "1")) if scale is None else scale
    work = work or ROOT / "benchmarks" / "work"
    work.mkdir(parents=True, exist_ok=True)
    n_check = max(200, int(1_000_000 * scale))
    n_release = max(600, int(3_000_000 * scale))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "1800"))
    res: dict[str, Any] = {"scale": scale, "rows_check": n_check, "events_release": n_release,
                           "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                           "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    def step(name: str, cmd: list[str], **kw: Any) -> dict[str, Any]:
        say(f"bench: {name} ...")
        r = run_measured(cmd, timeout=kw.pop("timeout", timeout), **kw)
        say(f"bench: {name}: {r.get('seconds')} s, {r.get('peak_mb')} MB" + (" (FAILED)" if "error" in r else ""))
        res[name] = r
        return r

    clean = _checks(res, work, scale, n_check, plain, step)
    db, store = _release(res, work, clean, n_check, n_release, plain, step, say)
    _at_scale(res, work, scale, db, store, clean, n_release, timeout, step, say)
    res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    res["ratios"] = ratios(res)
    return res


def _checks(res: dict[str, Any], work: Path, scale: float, n_check: int, plain: bool, step: Step) -> Path:
    """`cedar check` of clean, faulty and half-size files and of 1M disputed claims; the plain baselines."""
    clean, faulty = work / f"synth-{n_check}.csv", work / f"synth-{n_check}-faults.csv"
    if not clean.exists():
        step("synth", CEDAR + ["synth", str(n_check), "--seed", "1", "--out", str(clean)])
    if not faulty.exists():
        step("synth_faults", CEDAR + ["synth", str(n_check), "--seed", "2", "--faults", "0.01", "--out", str(faulty)])
    res["file_mb"] = round(clean.stat().st_size / 2**20, 1)

    step("check_clean", CEDAR + ["check", str(clean), "--format", "json"])
    step("check_faults", CEDAR + ["check", str(faulty), "--format", "json"], ok=(1,))
    half = work / f"synth-{n_check // 2}.csv"
    if not half.exists():
        subprocess.run(CEDAR + ["synth", str(n_check // 2), "--seed", "1", "--out", str(half)], cwd=ROOT, check=True)
    step("check_half", CEDAR + ["check", str(half), "--format", "json"])  # memory flat as the file grows?
    # one event with 1M disputed claims: "a disputed claim needs both sides" once ran past 600 s on 150,000.
    # Made in a child, as the place checks' files are, so this process's peak memory stays out of later figures.
    n_claims = res["claims_check"] = max(1000, int(1_000_000 * scale))
    claims = work / f"claims-{n_claims}.json"
    if not claims.exists():
        subprocess.run([PY, "-c", "import sys; from pathlib import Path; from benchmarks.fixtures import "
                        "disputed_claims; disputed_claims(Path(sys.argv[1]), int(sys.argv[2]))", str(claims),
                        str(n_claims)], cwd=ROOT, check=True)
    step("check_disputed_claims", CEDAR + ["check", str(claims), "--format", "json"])
    if plain:
        step("plain_pydantic_check", _child("pydantic", str(clean)), json_out=True)
        # frictionless refuses a path outside its working folder ("not safe"): run it beside the file
        step("plain_frictionless_check", [PY, "-m", "frictionless", "validate", clean.name], ok=(0, 1),
             cwd=clean.parent)
    return clean


def _release(res: dict[str, Any], work: Path, clean: Path, n_check: int, n_release: int, plain: bool,
             step: Step, say: Say) -> tuple[Path, Path]:
    """A store of n_release events, its release, and what users do with a release: query, panel, export."""
    parts = [clean] + [work / f"synth-{n_check}-part{i}.csv" for i in (2, 3)]
    db = work / "bench.duckdb"
    for p in (db, Path(str(db) + ".wal")):
        p.unlink(missing_ok=True)
    step("init", CEDAR + ["init", "--db", str(db)])
    step("ingest", CEDAR + ["ingest", str(clean), "--db", str(db)])
    for i, extra in enumerate(parts[1:], start=2):
        size = (n_release - n_check) // 2
        if size <= 0:
            break
        if not extra.exists():
            subprocess.run(CEDAR + ["synth", str(size), "--seed", str(10 + i), "--out", str(extra)], cwd=ROOT,
                           check=True)
        step(f"ingest_part{i}", CEDAR + ["ingest", str(extra), "--db", str(db)])
    store = work / "releases"
    shutil.rmtree(store, ignore_errors=True)
    # single files, as before partitioned releases, so the figures compare across runs; the partitioned
    # build is measured by benchmarks/scale_build.py
    step("release_build", CEDAR + ["release", "build", VERSION, "--db", str(db), "--releases", str(store),
                                   "--partition", "never"])
    release = store / VERSION
    # cedar query streams: peak memory stays flat however many rows it writes (it held 24 GB for range(2e9))
    step("query_stream_range", CEDAR + ["query", "--db", str(db), "SELECT * FROM range(2000000000)", "--format",
                                        "csv", "--max-rows", str(n_release)])
    if (release / "events.parquet").exists():
        # a forecaster's panel of the whole release: every country times every month, zeros included
        step("panel_country_month", CEDAR + ["panel", "--unit", "country-month", "--releases", str(release), "--out",
                                             str(work / "panel-country-month.parquet"), "--force"])
        step("query_stream_release_events", CEDAR + ["query", "--release", str(release), "SELECT * FROM events",
                                                     "--format", "csv", "--max-rows", "0"])
        # cedar export: the whole release in ACLED's layout, one country's events in each other format
        step("export_csv", CEDAR + ["export", "--releases", str(store), "--out", str(work / "export.csv"), "--force"])
        for fmt in ("dta", "xlsx", "geojson"):
            step(f"export_{fmt}_ukr", CEDAR + ["export", "--releases", str(store), "--country", "UKR", "--out",
                                               str(work / f"export-ukr.{fmt}"), "--force"])
        say("bench: queries ...")
        q, _ = _json_child(_child("queries", str(release), "5"))
        res["queries"] = q
        if plain:
            say("bench: pandas ...")
            pq, _ = _json_child(_child("pandas", str(release), "3"))
            res["plain_pandas_queries"] = pq
        from benchmarks import explorer, python_api

        res["explorer"] = explorer.measure(release, say=say)  # cedar serve on the bench release

        python_api.run(res, release, say)
    return db, store


def _at_scale(res: dict[str, Any], work: Path, scale: float, db: Path, store: Path, clean: Path, n_release: int,
              timeout: float, step: Step, say: Say) -> None:
    """Gates, sync, downloads, imports, scale runs, the coding assist and the place checks."""
    from benchmarks import imports, scale_gate, sync

    say("bench: the gate on DuckDB and on Spark, same release ...")
    res["gate_engines"] = scale_gate.run(db, store, say=say)  # reads the store: before sync changes it
    sync.run(res, work, db, store, VERSION, clean, n_release, step, CEDAR)  # changes the store: after the queries
    from benchmarks import scale_download

    scale_download.run(res, work, db, step, CEDAR)  # the store partitioned, downloaded whole and for one year
    imports.run(res, work, scale, step, CEDAR)
    from benchmarks import scale_build

    scale_build.run(res, work, scale, step)  # a release build of 10 times a synthetic store (docs/scale.md)
    from benchmarks import scale_ingest

    scale_ingest.run(res, work, scale, step, CEDAR)  # ingest at 1M and 5M rows, GDELT's daily files
    from benchmarks import coding

    say("bench: cedar code over the development set ...")
    coding.run(res, work, lambda cmd: run_measured(cmd, timeout=timeout), CEDAR)
    # the place checks' share of a check of 100,000 rows, both engines, seed-like, synth and worst case.
    # Last, because making its files grows this process, and Linux hands a parent's peak RSS on to the
    # children it starts (exec keeps ru_maxrss): every later peak figure would be at least this process's.
    from benchmarks import place_checks

    rows_places = max(500, int(100_000 * scale))
    res["place_checks"] = place_checks.run_all(rows_places, work, say=say, ablate=scale >= 0.01)


def ratios(res: dict[str, Any]) -> dict[str, float]:
    out = {}
    check = res.get("check_clean", {}).get("seconds")
    for plain in ("plain_pydantic_check", "plain_frictionless_check"):
        other = res.get(plain, {})
        if check and other.get("seconds") and "error" not in other:
            out[f"{plain} / cedar check"] = round(other["seconds"] / check, 2)
    q, p = res.get("queries", {}), res.get("plain_pandas_queries", {})
    for name in q:
        if name in p and q[name]:
            out[f"pandas / duckdb: {name}"] = round(p[name] / q[name], 1)
    from benchmarks import imports

    out.update(imports.figures(res))
    if q and p.get("read_csv"):
        out["pandas incl. read_csv / duckdb, whole suite"] = round(
            (p["read_csv"] + sum(p[n] for n in q if n in p)) / sum(q.values()), 1)
    return out


TARGETS = {"check_clean": 6.0, "check_faults": 6.0, "ingest": 30.0, "release_build": 120.0}


def table(res: dict[str, Any]) -> str:
    rows = ["| what | rows | wall s | peak MB | target | plain way | plain s | ratio |",
            "|---|---:|---:|---:|---|---|---:|---:|"]

    def fig(name: str) -> tuple[str, str]:
        r = res.get(name) or {}
        if "timed_out" in r:
            return f"> {r['timed_out']:.0f} (stopped)", str(r.get("peak_mb", ""))
        return (f"{r['seconds']:.2f}" + (" (failed)" if "error" in r else "")) if r else "-", str(r.get("peak_mb", "-"))

    n, m = res["rows_check"], res["events_release"]
    for name, label, count, target, plain in (
            ("check_clean", "cedar check, clean", n, "< 6 s, < 2 GB", "plain_pydantic_check"),
            ("check_faults", "cedar check, 1% faults", n, "< 6 s, < 2 GB", "plain_frictionless_check"),
            ("check_half", "cedar check, clean, half the rows", n // 2, "peak flat", None),
            ("check_disputed_claims", "cedar check, one event's disputed claims (count)",
             res.get("claims_check", 0), "linear", None),
            ("ingest", "cedar ingest", n, "< 30 s", None),
            ("release_build", "cedar release build (gate included)", m, "< 120 s, < 8 GB", None),
            ("panel_country_month", "cedar panel --unit country-month (whole release, to Parquet)", m, "< 2 s",
             None),
            ("export_csv", "cedar export, ACLED's layout (.csv)", m, "", None),
            ("export_dta_ukr", "cedar export --country UKR, Stata (.dta)", None, "", None),
            ("export_xlsx_ukr", "cedar export --country UKR, Excel (.xlsx)", None, "", None),
            ("export_geojson_ukr", "cedar export --country UKR, GeoJSON", None, "", None)):
        if name not in res and name.startswith("export_"):
            continue
        s, mb = fig(name)
        ps = pr = pl = ""
        if plain and plain in res:
            pl = {"plain_pydantic_check": "Pydantic, a row at a time",
                  "plain_frictionless_check": "frictionless validate"}[plain]
            ps = fig(plain)[0]
            c, o = res.get("check_clean", {}).get("seconds"), res[plain].get("seconds")
            pr = f"{o / c:.1f}x" if c and o else ""
        shown = f"{count:,}" if count is not None else "one country"
        rows.append(f"| {label} | {shown} | {s} | {mb} | {target} | {pl} | {ps} | {pr} |")
    from benchmarks import imports

    rows += imports.table_rows(res)
    from benchmarks import sync

    rows += sync.table_rows(res)
    from benchmarks import scale_download

    rows += scale_download.table_rows(res)
    places = res.get("place_checks") or {}
    if places:
        rows += ["", f"Place checks' share of a check of {places['rows']:,} rows (target: under a fifth), by cProfile "
                 "in a fresh process (the place pass or rules, the gazetteer's loading included, over the whole "
                 "check) and, for `cedar check`, by ablation (timed again without the place checks):", "",
                 "| check, file | engine | wall s | CPU s | place checks, cProfile "
                 "| place checks, ablation (wall / CPU) |",
                 "|---|---|---:|---:|---:|---:|"]
        for name, r in places.items():
            if not isinstance(r, dict):
                continue
            ablated = (f"{100 * r['share_ablated']:.1f}% / {100 * r['share_ablated_cpu']:.1f}%"
                       if "share_ablated" in r else "-")
            rows.append(f"| {name} | {r['engine']} | {r.get('seconds', r['profiled_seconds']):.2f} | "
                        f"{r['cpu_seconds']:.2f} | {100 * r['share_profiled']:.1f}% | {ablated} |"
                        if "cpu_seconds" in r else
                        f"| {name} | {r['engine']} | {r['profiled_seconds']:.2f} (profiled) | - | "
                        f"{100 * r['share_profiled']:.1f}% | {ablated} |")
    q, p = res.get("queries", {}), res.get("plain_pandas_queries", {})
    if q:
        rows += ["", f"Queries on the {m:,}-event release (DuckDB on events.parquet, median of 5; target < 0.3 s each) "
                 f"and the same with pandas on events.csv (read_csv once: {p.get('read_csv', '-')} s):", "",
                 "| query | DuckDB s | pandas s | pandas / DuckDB |", "|---|---:|---:|---:|"]
        for name, t in q.items():
            pt = p.get(name)
            rows.append(f"| {name} | {t:.4f} | {pt if pt is not None else '-'} | "
                        f"{(f'{pt / t:.1f}x' if pt and t else '-')} |")
    from benchmarks import python_api

    rows += python_api.table_rows(res)
    return "\n".join(rows)


def write(res: dict[str, Any], results: Path | None = None, page: Path | None = None) -> None:
    """results.json, and the tables into `page` (docs/performance.md) between its BENCHMARKS markers."""
    results = results or ROOT / "benchmarks" / "results.json"
    results.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    page = page or ROOT / "docs" / "performance.md"
    begin, end = "<!-- BENCHMARKS:BEGIN -->", "<!-- BENCHMARKS:END -->"
    text = page.read_text(encoding="utf-8")
    block = (f"{begin}\n_Measured by `make bench` (BENCH_SCALE={res['scale']}) on {res['started']}, "
             f"{res['machine']['cpus']} cores; every figure is a child process's wall time and peak RSS._\n\n"
             f"{table(res)}\n{end}")
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n## Benchmarks\n\n" + block + "\n"
    page.write_text(text, encoding="utf-8")
    if res.get("explorer") and page == ROOT / "docs" / "performance.md":
        from benchmarks import explorer

        explorer.write_page(res["explorer"], res)
    from benchmarks import coding

    coding.write_block(res, page)


if __name__ == "__main__":
    children = {"queries": queries_child, "pandas": pandas_child, "pydantic": pydantic_child}
    children[sys.argv[1]](*sys.argv[2:])
