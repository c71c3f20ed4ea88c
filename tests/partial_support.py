"""Release stores for the partial download and partitioned sync tests: synthetic events over eight years
and a few dozen countries, released through the real build and gate, single-file or partitioned; and the
views of a copy compared with a filter of a whole copy."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

from release_support import cedar_ok

from cedar.releases import localrelease
from cedar.releases.selection import Selection

V1, V2 = "2026.11.1", "2026.11.2"
# every view of a copy, with the columns that order its rows
VIEWS = {"events": "event_id", "claims": "event_id, claim_no", "sources": "event_id, source_no",
         "actors": "event_id, role, position", "event_actors": "ALL", "actors_long": "ALL",
         "sources_long": "ALL", "events_acled": "event_id_cnty", "changes": "event_id"}


def synthetic_store(folder: Path, n: int = 240, seed: int = 3) -> Path:
    """A store of `n` synthetic events over eight years and a few dozen countries."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "cedar.duckdb"
    cedar_ok("synth", str(n), "--seed", str(seed), "--out", str(folder / "events.csv"))
    cedar_ok("init", "--db", str(db))
    cedar_ok("ingest", "--db", str(db), str(folder / "events.csv"))
    return db


def build(db: Path, releases: Path, version: str, partition: str) -> Path:
    from cedar.releases.build import build_release

    assert build_release(version, db, releases, partition=partition).passed
    return releases


def copy_db(db: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db, dest)
    return dest


def add_events_of_year(db: Path, work: Path, year: int, n: int = 4, seed: int = 11) -> int:
    """Ingest up to `n` new synthetic events dated in `year` (from another seed, so they are new); how many."""
    work.mkdir(parents=True, exist_ok=True)
    cedar_ok("synth", "400", "--seed", str(seed), "--out", str(work / "more.csv"))
    with (work / "more.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        rows = [r for r in reader if r["event_date"].startswith(f"{year}-")][:n]
    with (work / "year.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)
    cedar_ok("ingest", "--db", str(db), str(work / "year.csv"))
    return len(rows)


def rows(copy: Path, view: str, where: str | None = None) -> list[tuple]:
    sql = f"SELECT * FROM {view}" + (f" WHERE {where}" if where else "") + f" ORDER BY {VIEWS[view]}"
    return list(localrelease.run(copy, sql)[1])


def columns(copy: Path, view: str) -> list[tuple]:
    return list(localrelease.run(copy, f"DESCRIBE SELECT * FROM {view}")[1])


def where_of(sel: Selection, view: str) -> str:
    """The filter of a whole copy's view that a partial copy of `sel` must equal."""
    terms = []
    if sel.years:
        terms.append(f"year(event_date) IN ({', '.join(map(str, sel.years))})")
    if sel.countries:
        terms.append(f"iso3 IN ({', '.join(repr(c) for c in sel.countries)})")
    ev = "SELECT event_id FROM events WHERE " + (" AND ".join(terms) or "true")
    return f"{'event_id_cnty' if view == 'events_acled' else 'event_id'} IN ({ev})"


def assert_same_rows(whole: Path, part: Path, sel: Selection) -> int:
    """Every view of the partial copy equals the whole copy's view filtered, columns and rows; the events
    the partial copy holds."""
    views = [v for v in VIEWS if v != "events_acled" or (whole / "events-acled.csv").is_file()]
    for view in views:
        assert columns(part, view) == columns(whole, view), view
        assert rows(part, view) == rows(whole, view, where_of(sel, view)), view
    return len(rows(part, "events"))


def files_of(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}
