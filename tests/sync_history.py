"""Histories of releases for the sync tests, made for real: a store through the library's init, ingest
and deletions, and each release through `build_release` (the real build and gate).

A step is (new, updates, deletions): `new` events made from the seed's with dates and places of their
own, `updates` of existing ids with new fatalities and notes, `deletions` of existing ids with a reason.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION

Step = tuple[int, list[str], list[str]]


def seed_events() -> list[dict[str, Any]]:
    return json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))


class History:
    """A store and its release store in `root`; `release(version, step)` ingests the step and builds."""

    def __init__(self, root: Path):
        from cedar.ingest import store

        self.root = root
        self.db = root / "cedar.duckdb"
        self.releases = root / "releases"
        self.work = root / "submissions"
        self.work.mkdir(parents=True)
        shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, self.work / SEED_DOCUMENT)
        store.init(self.db)
        self.n = 0
        self.ids: list[str] = []
        self.versions: list[str] = []

    def _write(self, name: str, data: Any) -> Path:
        path = self.work / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path

    def ingest(self, new: int, updates: list[str], deletions: list[str]) -> None:
        from cedar.ingest import deletions as deleting
        from cedar.ingest import load

        seed = seed_events()
        rows = []
        for _k in range(new):
            self.n += 1
            base = seed[self.n % len(seed)]
            rows.append(dict(base, ref=f"ev-{self.n}", event_date=f"2023-0{1 + self.n % 9}-{10 + self.n % 18}",
                             location=f"Place {self.n}", notes=f"Event {self.n} of the history."))
        for event_id in updates:
            base = seed[int(event_id.rsplit("-", 1)[1]) % len(seed)]
            rows.append(dict(base, event_id=event_id, ref=None, notes=f"Updated {event_id} after step {self.n}.",
                             fatalities=3, fatalities_low=1, fatalities_high=5, location=f"Place of {event_id}"))
        if rows:
            self.n += 1
            out = load.ingest(self.db, [self._write(f"step-{self.n}.json", [
                {k: v for k, v in r.items() if v is not None or k != "ref"} for r in rows])])
            assert not out.refused, out.report.to_dict()
            self.ids += [e["event_id"] for e in out.events if e["change"] == "added"]
        if deletions:
            self.n += 1
            path = self.work / f"gone-{self.n}.csv"
            path.write_text("event_id,reason\n" + "".join(f"{i},duplicate in step {self.n}\n" for i in deletions),
                            encoding="utf-8")
            out = deleting.ingest(self.db, [path])
            assert not out.refused, out.report.to_dict()
            self.ids = [i for i in self.ids if i not in deletions]

    def release(self, version: str, new: int = 0, updates: list[str] | None = None,
                deletions: list[str] | None = None) -> Path:
        from cedar.releases.build import build_release

        self.ingest(new, updates or [], deletions or [])
        result = build_release(version, self.db, self.releases)
        assert result.passed, result.gate.report.to_dict()["problems"]
        self.versions.append(version)
        return self.releases / version


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_of(folder: Path) -> dict[str, str]:
    """Every file of a folder, relative name -> sha256."""
    return {p.relative_to(folder).as_posix(): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def copy_release(releases: Path, version: str, to: Path) -> Path:
    """A copy as `cedar download` leaves it: <to>/<version>, checked against the manifest."""
    from cedar.releases.download import download

    download(str(releases), version, to)
    return to / version
