"""`make bench`, the explorer: `cedar serve` on the bench release, as a browser uses it.

- filter changes: for each of a list of filter states, the four requests the page sends at once
  (facets, events, time series, map), timed from the first sent to the last answered;
  median and 95th percentile (target: under 300 ms each);
- the first page, opened in headless Chromium until it is drawn (target: under 1.5 s), when
  Chromium is installed;
- the server's peak memory (VmHWM of its process; target: under 1 GB).

Standalone: `python -m benchmarks.explorer [EVENTS]` makes a synthetic release of EVENTS events
(default 3,000,000) from the demo release, scaled up in DuckDB, and measures it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CEDAR_CHROMIUM", "/usr/bin/chromium")

# Filter states a user goes through; the countries and types are those of the synthetic releases. A tuple
# holds one value per round, so that words are searched anew in each.
STATES: list[dict[str, Any]] = [
    {}, {"event_type": "Battles"}, {"event_type": "Battles", "since": "2020-01-01"},
    {"verification_status": "unverified"}, {"geo_precision": "exact"}, {"date_precision": "day"},
    {"event_type": "Protests", "sub_event_type": "Peaceful protest"}, {"since": "2022-01-01", "until": "2022-12-31"},
    {"source_scale": "national"}, {"q": ("market", "school")}, {"unit": "week"}, {"page": "3"},
    {"q": ("village", "road"), "event_type": "Battles"},
    {"event_type": ["Battles", "Riots"], "verification_status": "verified"},
]


def _get(url: str) -> float:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        r.read()
        if r.status != 200:
            raise RuntimeError(f"{url}: {r.status}")
    return time.perf_counter() - t


def filter_changes(base: str, states: list[dict[str, Any]], country: str | None, admin1: str | None,
                   actor: str | None, pid: int | None = None) -> dict[str, Any]:
    extra = [{"country": country}, {"country": country, "admin1": admin1}, {"actor": actor},
             {"country": country, "event_type": "Battles", "since": "2021-06-01"}]
    states = states + [s for s in extra if all(s.values())]
    times, used, cpu, per = [], [], [], {"facets": [], "events": [], "timeseries": [], "map": []}
    with ThreadPoolExecutor(4) as pool:
        for n in range(2):  # a second round, in case the first met a cold file cache
            times.clear()
            used.clear()
            cpu.clear()
            for k in per:
                per[k].clear()
            for state in states:
                # `bench` changes nothing but the key of the server's kept answers: every request is queried
                state = {k: v[n] if isinstance(v, tuple) else v for k, v in state.items()}
                used.append(state)
                q = urllib.parse.urlencode({**state, "bench": n}, doseq=True)
                c, t = _cpu_seconds(pid) if pid else None, time.perf_counter()
                futures = {k: pool.submit(_get, f"{base}/api/{k}?{q}") for k in per}
                for k, f in futures.items():
                    per[k].append(f.result())
                times.append(time.perf_counter() - t)
                spent = _cpu_seconds(pid) if pid else None
                if c is not None and spent is not None:
                    cpu.append(spent - c)

    def stats(xs: list[float]) -> dict[str, float]:
        xs = sorted(xs)
        return {"median": round(statistics.median(xs), 3), "p95": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 3),
                "max": round(xs[-1], 3)}

    slowest = sorted(zip(times, used), key=lambda ts: -ts[0])[:3]
    # the server's CPU time per change (in ticks of 10 ms): other work on the machine stretches the wall
    # time much more than it
    return {"states": len(states), **stats(times), "requests": {k: stats(v) for k, v in per.items()},
            "server_cpu": stats(cpu) if cpu else None,
            "slowest": [{"seconds": round(t, 3), "filters": st} for t, st in slowest]}


def first_page(base: str) -> float | None:
    """Seconds from the first navigation of a fresh browser to the page drawn (its data loaded, the map
    and the table drawn), in headless Chromium; None without Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).is_file():
        return None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = b.new_page()
            t = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_selector("body[data-state=ready]", timeout=120_000)
            page.wait_for_selector("#map-svg", timeout=120_000)
            return round(time.perf_counter() - t, 3)
        finally:
            b.close()


def _peak_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _cpu_seconds(pid: int) -> float | None:
    """The server's CPU time so far (user and system): less shaken by other load than wall time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
    except (OSError, IndexError, ValueError):
        return None


def measure(release: Path, say: Callable[[str], None] = print) -> dict[str, Any]:
    """`cedar serve` on `release` in a child process, measured."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cedar", "serve", str(release), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        start = round(time.perf_counter() - started, 3)  # the release opened and its facts table made
        if " at " not in line:
            raise RuntimeError(f"cedar serve did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
        base = line.split(" at ")[1].strip().rstrip("/")
        out: dict[str, Any] = {"start_seconds": start, "first_page_seconds": first_page(base)}
        meta = json.loads(urllib.request.urlopen(base + "/api/meta", timeout=120).read())
        facets = json.loads(urllib.request.urlopen(base + "/api/facets", timeout=120).read())
        top = {k: (v["values"][0]["value"] if v["values"] else None) for k, v in facets["facets"].items()}
        actor = facets["actors"]["values"][0]["value"] if facets["actors"]["values"] else None
        say(f"bench: explorer on {meta['events']:,} events ...")
        out["events"] = meta["events"]
        cpu = _cpu_seconds(proc.pid)
        out["filter_change"] = filter_changes(base, STATES, top["country"], top["admin1"], actor, proc.pid)
        spent = _cpu_seconds(proc.pid)
        if cpu is not None and spent is not None:  # two rounds of every state
            changes = 2 * out["filter_change"]["states"]
            out["filter_change"]["server_cpu_seconds_each"] = round((spent - cpu) / changes, 3)
        out["server_peak_mb"] = _peak_mb(proc.pid)
        out["server_cpu_seconds"] = _cpu_seconds(proc.pid)
        out["load_average"] = round(os.getloadavg()[0], 1)  # other work on the machine, while measuring
        say(f"bench: explorer: filter change median {out['filter_change']['median']} s, p95 "
            f"{out['filter_change']['p95']} s; first page {out['first_page_seconds']} s; "
            f"server {out['server_peak_mb']} MB")
        return out
    finally:
        proc.terminate()
        proc.wait(30)


def table(out: dict[str, Any], scale: Any = "standalone") -> str:
    fc = out["filter_change"]
    rows = ["| what | figure | target |", "|---|---:|---|",
            f"| events in the release | {out['events']:,} | 3,000,000 at BENCH_SCALE=1 |",
            f"| start: release opened, facts table made, first view answered | {out['start_seconds']} s | |",
            f"| first page drawn in headless Chromium (fresh browser) | {out['first_page_seconds']} s | < 1.5 s |",
            f"| filter change, all four requests answered: median | {fc['median']} s | < 0.3 s |",
            f"| filter change: 95th percentile | {fc['p95']} s | < 0.3 s |",
            f"| server CPU per filter change: mean | {fc.get('server_cpu_seconds_each', '-')} s | |",
            f"| server peak memory (VmHWM) | {out['server_peak_mb']} MB | < 1,000 MB |"]
    if fc.get("server_cpu"):
        rows.append(f"| server CPU per filter change: median / p95 | {fc['server_cpu']['median']} / "
                    f"{fc['server_cpu']['p95']} s | |")
    rows += [f"| {k} request: median / p95 | {v['median']} / {v['p95']} s | |" for k, v in fc["requests"].items()]
    rows += [f"| slowest: {json.dumps(x['filters'], ensure_ascii=False)} | {x['seconds']} s | |" for x in fc["slowest"]]
    return "\n".join(rows)


def write_page(out: dict[str, Any], res: dict[str, Any] | None = None, page: Path | None = None,
               how: str = "`make bench`, on the bench release") -> None:
    """The figures into docs/explorer.md, between its EXPLORER markers."""
    page = page or ROOT / "docs" / "explorer.md"
    begin, end = "<!-- EXPLORER:BEGIN -->", "<!-- EXPLORER:END -->"
    text = page.read_text(encoding="utf-8")
    when = (res or {}).get("started") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load = out.get("load_average", os.getloadavg()[0])
    block = (f"{begin}\n_Measured by {how}, on {when}, {os.cpu_count()} cores, load average {load:.1f} while "
             f"measuring (other work shares the machine: wall times grow with it, CPU time much less); the server in a "
             f"child process on loopback._\n\n{table(out)}\n{end}")
    if begin in text and end in text:
        page.write_text(text[:text.index(begin)] + block + text[text.index(end) + len(end):], encoding="utf-8")


def synthetic_release(folder: Path, events: int, template: Path) -> Path:
    """A release of `events` invented events in `folder`, from the template release's files and
    manifest: 40 countries, 30 admin1 each, 5,000 actors, ten years, every facet's values mixed."""
    import duckdb

    from cedar.schema import vocab

    folder.mkdir(parents=True, exist_ok=True)
    subs = [(t, s, vocab.disorder_type_of(s)) for t, ss in vocab.SUB_EVENT_TYPES.items() for s in ss]
    con = duckdb.connect()
    con.execute("CREATE MACRO h(a, b := 0) AS CAST(hash(a, b) % 1000003 AS BIGINT)")  # hash is unsigned
    con.execute("CREATE TABLE subs (k INT, event_type VARCHAR, sub_event_type VARCHAR, disorder_type VARCHAR)")
    con.executemany("INSERT INTO subs VALUES (?, ?, ?, ?)", [(i, *s) for i, s in enumerate(subs)])
    t = f"read_parquet('{template}/events.parquet')"
    con.execute(f"""COPY (
      SELECT e.* REPLACE (
        printf('CDR-X%02d-%d', c, i + 1) AS event_id,
        DATE '2015-01-01' + CAST(h(i, 1) % 3650 AS INTEGER) AS event_date, NULL::DATE AS event_date_end,
        ['day', 'day', 'day', 'week', 'month'][1 + h(i, 2) % 5] AS date_precision,
        s.event_type AS event_type, s.sub_event_type AS sub_event_type, s.disorder_type AS disorder_type,
        'Armed group ' || (h(i, 3) % 5000) AS actor1, 'Civilians (Country ' || c || ')' AS actor2,
        'Country ' || c AS country, printf('X%02d', c) AS iso3, 'Province ' || c || '-' || (h(i, 4) % 30) AS admin1,
        'Town ' || (h(i, 5) % 900) AS location,
        -30 + h(c, 20) % 80 + (h(i, 6) % 1000) / 200.0 AS latitude,
        -110 + h(c, 21) % 250 + (h(i, 7) % 1000) / 200.0 AS longitude,
        ['exact', 'exact', 'near', 'region'][1 + h(i, 8) % 4] AS geo_precision,
        CASE WHEN h(i, 9) % 10 = 0 THEN NULL ELSE h(i, 9) % 7 END AS fatalities,
        ['verified', 'unverified', 'unverified', 'disputed'][1 + h(i, 10) % 4] AS verification_status,
        ['local', 'national', 'international', 'national-international'][1 + h(i, 11) % 4] AS source_scale,
        'An invented event at a ' || ['market', 'road', 'school', 'village'][1 + h(i, 12) % 4] AS notes)
      FROM range({events}) r(i), LATERAL (SELECT CAST(h(i) % 40 AS INTEGER) AS c) x
      JOIN subs s ON s.k = h(i, 13) % {len(subs)}
      CROSS JOIN (SELECT * FROM {t} LIMIT 1) e
    ) TO '{folder}/events.parquet' (FORMAT parquet, ROW_GROUP_SIZE 122880)""")
    ev = f"read_parquet('{folder}/events.parquet')"
    con.execute(f"""COPY (SELECT e.event_id, s.* EXCLUDE (event_id)
      FROM {ev} e CROSS JOIN (SELECT * FROM read_parquet('{template}/sources.parquet') LIMIT 1) s)
      TO '{folder}/sources.parquet' (FORMAT parquet)""")
    con.execute(f"""COPY (SELECT e.event_id, c.* EXCLUDE (event_id)
      FROM (SELECT event_id FROM {ev} WHERE h(event_id) % 3 = 0) e
      CROSS JOIN (SELECT * FROM read_parquet('{template}/claims.parquet') LIMIT 1) c)
      TO '{folder}/claims.parquet' (FORMAT parquet)""")
    manifest = json.loads((template / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {k: v for k, v in manifest["files"].items() if k.endswith(".parquet") and "actors" not in k}
    manifest["row_counts"] = {"events": events}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


def main(events: int) -> dict[str, Any]:
    work = ROOT / "benchmarks" / "work" / "explorer"
    template = work / "demo-releases"
    if not template.is_dir():
        subprocess.run([sys.executable, "-m", "cedar", "demo", "--db", str(work / "demo.duckdb"), "--releases",
                        str(template), "--force"], cwd=ROOT, check=True, capture_output=True)
    version = sorted(p for p in template.iterdir() if (p / "manifest.json").is_file())[-1]
    release = work / f"synthetic-{events}"
    if not (release / "manifest.json").is_file():
        t = time.perf_counter()
        synthetic_release(release, events, version)
        print(f"bench: synthetic release of {events:,} events made in {time.perf_counter() - t:.1f} s")
    return measure(release)


if __name__ == "__main__":
    result = main(int(sys.argv[1]) if len(sys.argv) > 1 else 3_000_000)
    print(json.dumps(result, indent=2))
    if os.environ.get("BENCH_WRITE") == "1":
        write_page(result, how="`python -m benchmarks.explorer` on a synthetic release")
