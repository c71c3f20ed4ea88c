"""`cedar sync` in `make bench`: a second release in which 1% of the events changed (0.5% updated through a
real update submission, 0.25% deleted, 0.25% added), then a copy of the first release synced to it beside
a full download of it, both from the release store folder: bytes fetched and wall time.

The updates are rows of the first synthetic file, found in the store by their ref, given their event_id
and new notes, and ingested as a submission, as a contributor's corrections would be."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

VERSION2 = "2026.01.2"


def _changes(db: Path, clean: Path, work: Path) -> tuple[Path, Path]:
    """An update submission (every 200th event of the first file) and a deletion list (every 400th
    other one), made by DuckDB from the store and the synthetic file."""
    import duckdb

    updates, gone = work / "sync-updates.csv", work / "sync-deletions.csv"
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("CREATE TEMP TABLE firsts AS SELECT ref, event_id, row_number() OVER (ORDER BY event_id) AS k "
                    "FROM event_current WHERE submission_id = (SELECT min(submission_id) FROM event_current)")
        con.execute("COPY (SELECT f.event_id, s.* EXCLUDE (ref, notes), 'Revised: ' || coalesce(s.notes, '') "
                    f"AS notes FROM read_csv('{clean}', all_varchar = true, header = true) s "
                    f"JOIN firsts f ON f.ref = s.ref WHERE f.k % 200 = 0) TO '{updates}' (FORMAT csv, HEADER true)")
        con.execute(f"COPY (SELECT event_id, 'duplicate (benchmark)' AS reason FROM firsts WHERE k % 400 = 7) "
                    f"TO '{gone}' (FORMAT csv, HEADER true)")
    finally:
        con.close()
    return updates, gone


def _bytes(result: dict[str, Any], key: str) -> int:
    return int((result.get("result") or {}).get(key) or 0)


def run(res: dict[str, Any], work: Path, db: Path, store: Path, version: str, clean: Path, n_release: int,
        step: Callable[..., dict[str, Any]], cedar: list[str]) -> None:
    if not (store / version / "events.parquet").exists():
        return
    updates, gone = _changes(db, clean, work)
    added = work / f"sync-added-{n_release}.csv"
    if not added.exists():
        subprocess.run([*cedar, "synth", str(max(1, n_release // 400)), "--seed", "77", "--out", str(added)],
                       check=True, capture_output=True)
    step("sync_ingest_changes", [*cedar, "ingest", str(updates), str(added), "--db", str(db)])
    step("sync_ingest_deletions", [*cedar, "ingest", "--deletions", str(gone), "--db", str(db)])
    step("sync_release_build", [*cedar, "release", "build", VERSION2, "--db", str(db), "--releases", str(store)])
    copy, fresh = work / "sync-copy", work / "sync-fresh"
    for p in (copy, fresh):
        shutil.rmtree(p, ignore_errors=True)
    subprocess.run([*cedar, "download", version, "--releases", str(store), "--to", str(copy)], check=True,
                   capture_output=True)
    synced = step("sync", [*cedar, "sync", "--releases", str(store), "--to", str(copy), "--format", "json"],
                  json_out=True)
    full = step("sync_full_download", [*cedar, "download", VERSION2, "--releases", str(store), "--to", str(fresh),
                                       "--format", "json"], json_out=True)
    out = synced.get("result") or {}
    res["sync_figures"] = {
        "changed_events": {"updated": _rows(updates), "deleted": _rows(gone), "added": _rows(added)},
        "mode": out.get("mode"), "fetched_bytes": out.get("fetched_bytes"), "full_bytes": out.get("full_bytes"),
        "full_download_bytes": _bytes(full, "downloaded_bytes"),
        "fetched_share": round(out["fetched_bytes"] / out["full_bytes"], 4) if out.get("full_bytes") else None,
        "same_files": _same(copy / VERSION2, fresh / VERSION2),
    }


def _rows(path: Path) -> int:
    with path.open("rb") as fh:
        return max(0, sum(1 for _ in fh) - 1)


def _same(a: Path, b: Path) -> bool:
    """Whether the synced copy and the fresh download hold the same files with the same sha256."""
    if not (a / "SHA256SUMS").is_file() or not (b / "SHA256SUMS").is_file():
        return False
    proc = subprocess.run(["sha256sum", "-c", "--quiet", str(b / "SHA256SUMS")], cwd=a, capture_output=True)
    return proc.returncode == 0 and (a / "SHA256SUMS").read_bytes() == (b / "SHA256SUMS").read_bytes()


def table_rows(res: dict[str, Any]) -> list[str]:
    f = res.get("sync_figures")
    if not f:
        return []
    s, d = res.get("sync") or {}, res.get("sync_full_download") or {}
    c = f["changed_events"]
    return ["", f"`cedar sync` of a release in which {c['updated']:,} events were updated, {c['deleted']:,} deleted "
            f"and {c['added']:,} added (about 1% of {res['events_release']:,}), from a release store folder, beside "
            f"a full download of the same release (target: under 5% of the bytes); the synced copy "
            f"{'matched' if f['same_files'] else 'DID NOT match'} the download's sha256 for every file:", "",
            "| what | wall s | peak MB | bytes fetched | share of a full download |", "|---|---:|---:|---:|---:|",
            f"| cedar sync ({f['mode']}) | {s.get('seconds', '-')} | {s.get('peak_mb', '-')} | "
            f"{f['fetched_bytes']:,} | {100 * (f['fetched_share'] or 0):.2f}% |",
            f"| cedar download (full) | {d.get('seconds', '-')} | {d.get('peak_mb', '-')} | "
            f"{f['full_download_bytes']:,} | 100% |"]


if __name__ == "__main__":  # a look at the figures of the last run
    print(json.dumps(json.loads(Path(sys.argv[1]).read_text())["sync_figures"], indent=2))
