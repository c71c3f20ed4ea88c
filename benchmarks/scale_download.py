"""Partial downloads in `make bench`: the bench store released partitioned (`cedar release build --partition
always`, into a release store of its own), served over loopback HTTP by a child process, then downloaded
whole and for one year (`--years`, the year with the most events): bytes fetched, wall time and peak
memory of each, and the partial copy's events counted against the whole copy's filtered to that year.

By hand, on any partitioned release store (the 30M one of the build's scale run, say):

    python -m benchmarks.scale_download --releases DIR [--version V] [--years 2024] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

VERSION = "2026.01.1"
PY = sys.executable


def run(res: dict[str, Any], work: Path, db: Path, step: Callable[..., dict[str, Any]], cedar: list[str]) -> None:
    """The partitioned release of the bench store `db`, and the downloads of it, into res["scale_download"]."""
    store = work / "releases-partitioned"
    shutil.rmtree(store, ignore_errors=True)
    built = step("partitioned_release_build", [*cedar, "release", "build", VERSION, "--db", str(db), "--releases",
                                               str(store), "--partition", "always"])
    if "error" in built or "timed_out" in built:
        return
    res["scale_download"] = measure(store, VERSION, work, step, cedar)


def busiest_year(release: Path) -> int:
    """The year whose events partitions hold the most rows."""
    man = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    rows: dict[int, int] = {}
    for p in man.get("partitions") or []:
        if p.get("table") == "events":
            rows[p["year"]] = rows.get(p["year"], 0) + int(p.get("rows") or 0)
    return max(rows, key=lambda y: (rows[y], y))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Python's own HTTP server on 127.0.0.1 over `folder`, in a child process; its URL."""
    port = _free_port()
    proc = subprocess.Popen([PY, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the loopback HTTP server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _count(cedar: list[str], copy: Path, where: str = "true") -> int | None:
    proc = subprocess.run([*cedar, "query", "--releases", str(copy), f"SELECT count(*) AS n FROM events WHERE {where}",
                           "--format", "json"], capture_output=True, text=True)
    return json.loads(proc.stdout)[0]["n"] if proc.returncode == 0 else None


def measure(store: Path, version: str, work: Path, step: Callable[..., dict[str, Any]], cedar: list[str],
            year: int | None = None) -> dict[str, Any]:
    """A whole and a one-year download of `version` from the release store `store` over loopback HTTP."""
    year = year or busiest_year(store / version)
    whole_to, year_to = work / "download-whole", work / "download-year"
    for p in (whole_to, year_to):
        shutil.rmtree(p, ignore_errors=True)
    with serving(store) as url:
        whole = step("download_whole_partitioned", [*cedar, "download", version, "--releases", url, "--to",
                                                    str(whole_to), "--format", "json"], json_out=True)
        part = step("download_one_year", [*cedar, "download", version, "--releases", url, "--to", str(year_to),
                                          "--years", str(year), "--format", "json"], json_out=True)
    w, p = whole.get("result") or {}, part.get("result") or {}

    def data_bytes(got: dict[str, Any], changes: bool = False) -> int:  # the tables' (or changes') partitions
        return sum(f["bytes"] for f in got.get("files") or [] if "/year=" in f["name"] and f["status"] == "downloaded"
                   and f["name"].startswith("changes/") == changes)
    man = json.loads((store / version / "manifest.json").read_text(encoding="utf-8"))
    return {"version": version, "year": year, "events": sum(int(x.get("rows") or 0) for x in man["partitions"]
                                                            if x["table"] == "events"),
            "partitions": len(man["partitions"]),
            "whole": {"bytes": w.get("downloaded_bytes"), "files": len(w.get("files") or []),
                      "data_bytes": data_bytes(w), "changes_bytes": data_bytes(w, True),
                      "seconds": whole.get("seconds"), "peak_mb": whole.get("peak_mb")},
            "year_only": {"bytes": p.get("downloaded_bytes"), "files": len(p.get("files") or []),
                          "data_bytes": data_bytes(p), "changes_bytes": data_bytes(p, True),
                          "skipped": len(p.get("skipped") or []), "seconds": part.get("seconds"),
                          "peak_mb": part.get("peak_mb")},
            "year_events": _count(cedar, year_to / version),
            "year_events_in_whole": _count(cedar, whole_to / version, f"year(event_date) = {int(year)}")}


def table_rows(res: dict[str, Any]) -> list[str]:
    f = res.get("scale_download")
    if not f:
        return []
    w, y = f["whole"], f["year_only"]
    share = f"{100 * y['bytes'] / w['bytes']:.1f}%" if y.get("bytes") and w.get("bytes") else "-"
    same = "the same" if f["year_events"] == f["year_events_in_whole"] else "NOT the same"
    return ["", f"`cedar download --years {f['year']}` of a partitioned release of {f['events']:,} events "
            f"({f['partitions']} partition files) over loopback HTTP, beside a whole download; the year's copy "
            f"held {f['year_events']:,} events, {same} as the whole copy filtered to {f['year']}:", "",
            "| what | wall s | peak MB | bytes fetched | table partitions | changes by span | files | share |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| cedar download (whole) | {w['seconds']} | {w['peak_mb']} | {w['bytes'] or 0:,} | {w['data_bytes']:,} | "
            f"{w['changes_bytes']:,} | {w['files']} | 100% |",
            f"| cedar download --years {f['year']} | {y['seconds']} | {y['peak_mb']} | {y['bytes'] or 0:,} | "
            f"{y['data_bytes']:,} | {y['changes_bytes']:,} | {y['files']} | {share} |"]


def main() -> None:
    from benchmarks.run import CEDAR, ROOT, run_measured

    ap = argparse.ArgumentParser(description="Partial against whole download of a partitioned release store.")
    ap.add_argument("--releases", type=Path, required=True, help="a release store folder holding a partitioned release")
    ap.add_argument("--version", help="the release (default: the newest in index.json)")
    ap.add_argument("--years", type=int, help="the year to download (default: the one with the most events)")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    args = ap.parse_args()
    from cedar.releases.version import sort_key

    listed = [r["version"] for r in json.loads((args.releases / "index.json").read_text())["releases"]]
    version = args.version or max(listed, key=sort_key)
    args.work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {}

    def step(name: str, cmd: list[str], **kw: Any) -> dict[str, Any]:
        print(f"bench: {name} ...", file=sys.stderr)
        res[name] = run_measured(cmd, **kw)
        return res[name]

    res["scale_download"] = measure(args.releases, version, args.work, step, CEDAR, args.years)
    print(json.dumps(res, indent=2))
    print("\n".join(table_rows(res)))


if __name__ == "__main__":
    main()
