"""`make bench`: the Python API on the bench release. In a fresh process, `cedar.open_release` plus a
filtered `events()` read into a pyarrow Table (target < 0.3 s), the filter one a user would write: the
release's busiest country over its last year. Import time is measured apart (paid once per Python process).

Also by hand on any release: python -m benchmarks.python_api RELEASE_FOLDER [REPEAT]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

TARGET_SECONDS = 0.3
SLIM = "event_id, event_date, event_type, fatalities"  # the columns a count or a panel needs


def child(release: str, repeat: str = "5") -> None:
    """In a child process: the figures as one JSON line."""
    t = time.perf_counter()
    import cedar.api

    imported = time.perf_counter() - t
    country, since = _filter_of(Path(release))
    opens, totals, slims, rows = [], [], [], 0
    for _ in range(int(repeat)):
        t = time.perf_counter()
        release_ = cedar.api.open_release(release)
        opened = time.perf_counter()
        table = release_.events(country=country, since=since).to_arrow_table()
        totals.append(time.perf_counter() - t)
        opens.append(opened - t)
        rows = table.num_rows
        release_.close()
        t = time.perf_counter()
        with cedar.api.open_release(release) as release_:
            release_.events(country=country, since=since).select(SLIM).to_arrow_table()
        slims.append(time.perf_counter() - t)
    print(json.dumps({"import_seconds": round(imported, 3), "open_seconds": round(statistics.median(opens), 4),
                      "open_events_arrow_seconds": round(statistics.median(totals), 4),
                      "first_seconds": round(totals[0], 4), "slim_seconds": round(statistics.median(slims), 4),
                      "rows": rows, "country": country, "since": since,
                      "plain_duckdb_seconds": _plain(Path(release), country, since, int(repeat)),
                      "repeat": int(repeat)}))


def _plain(release: Path, country: str, since: str, repeat: int) -> float:
    """The same rows read by DuckDB alone from events.parquet into a pyarrow Table: the floor under the API."""
    import duckdb

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        con = duckdb.connect()
        con.sql("SELECT * FROM read_parquet(?) WHERE iso3 = ? AND event_date >= CAST(? AS DATE)",
                params=[str(release / "events.parquet"), country, since]).to_arrow_table()
        con.close()
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 4)


def _filter_of(release: Path) -> tuple[str, str]:
    """The busiest country and the day a year before the last event (found with DuckDB, not timed)."""
    import duckdb

    path = str(release / "events.parquet").replace("'", "''")
    country, last = duckdb.sql(f"SELECT mode(iso3), max(event_date) FROM read_parquet('{path}')").fetchall()[0]
    return country, (last.replace(year=last.year - 1) if last.month != 2 or last.day != 29
                     else last.replace(year=last.year - 1, day=28)).isoformat()


def run(res: dict[str, Any], release: Path, say: Callable[..., None] = print) -> None:
    say("bench: Python API ...")
    proc = subprocess.run([sys.executable, "-m", "benchmarks.python_api", str(release)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parents[1], timeout=600)
    if proc.returncode != 0:
        res["python_api"] = {"error": proc.stderr[-2000:]}
        return
    res["python_api"] = json.loads(proc.stdout.strip().splitlines()[-1])


def table_rows(res: dict[str, Any]) -> list[str]:
    r = res.get("python_api")
    if not r:
        return []
    if "error" in r:
        return ["", "Python API: failed."]
    return ["", f"Python API on the {res['events_release']:,}-event release, in a fresh process (median of "
            f"{r['repeat']}; target < {TARGET_SECONDS} s): `cedar.open_release` then `events(country="
            f"'{r['country']}', since='{r['since']}').to_arrow_table()`, {r['rows']:,} rows: "
            f"**{r['open_events_arrow_seconds']:.3f} s** (open {r['open_seconds']:.3f} s; first call "
            f"{r['first_seconds']:.3f} s; `import cedar.api` {r['import_seconds']:.2f} s, once per process); with "
            f"`.select('{SLIM}')` before reading: {r['slim_seconds']:.3f} s; DuckDB alone reading every column of "
            f"the same rows from events.parquet: {r['plain_duckdb_seconds']:.3f} s."]


if __name__ == "__main__":
    child(*sys.argv[1:])
