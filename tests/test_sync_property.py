"""Sync against fresh downloads over random histories: hypothesis draws ingests, updates and deletions over
several releases, each built for real (store, ingest, deletions, release build and gate); a copy of every
earlier release, synced to the last, must hold the files of a fresh download of it, byte for byte, having
fetched fewer bytes than that download whenever few events changed.

Two histories in `make test`; more with CEDAR_SYNC_EXAMPLES=N, or CEDAR_RELIABILITY=full (30)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability.scale import FULL, record, size
from sync_history import History, copy_release, files_of

from cedar.releases.sync import sync

EXAMPLES = int(os.environ.get("CEDAR_SYNC_EXAMPLES") or size(2, 30))
FIGURES: list[dict] = []


def _step(data: st.DataObject, ids: list[str]) -> tuple[int, list[str], list[str]]:
    """One release's changes: new events, updates of existing ids, deletions of others (one event stays)."""
    new = data.draw(st.integers(0, 4), label="new")
    touched = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=min(4, len(ids))) if ids else
                        st.just([]), label="touched")
    cut = data.draw(st.integers(0, len(touched)), label="deleted of touched")
    deletions = touched[:cut] if len(touched[:cut]) < len(ids) else touched[:cut][:-1]
    return new, [i for i in touched if i not in deletions], deletions


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not FULL,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_sync_from_every_earlier_release_equals_a_fresh_download(data):
    root = Path(tempfile.mkdtemp(prefix="cedar-sync-property-"))
    try:
        h = History(root / "history")
        releases = data.draw(st.integers(2, 5 if FULL else 3), label="releases")
        changed: list[int] = []
        for n in range(1, releases + 1):
            new, updates, deletions = _step(data, h.ids) if n > 1 else (data.draw(st.integers(2, 6)), [], [])
            h.release(f"2026.11.{n}", new, updates, deletions)
            changed.append(new + len(updates))
        target = h.versions[-1]
        fresh = files_of(copy_release(h.releases, target, root / "fresh"))
        for k, start in enumerate(h.versions[:-1]):
            to = root / f"copy-{start}"
            copy_release(h.releases, start, to)
            result = sync(str(h.releases), to)
            assert result.mode == "delta" and result.fetched_whole == [], result.to_dict()
            assert files_of(to / target) == fresh, (start, target)
            assert sorted(p.name for p in to.iterdir()) == [target]
            events = len(h.ids)
            FIGURES.append({"from": start, "to": target, "fetched": result.fetched_bytes, "full": result.full_bytes})
            if sum(changed[k + 1:]) * 2 <= events:  # few events changed: fewer bytes than a full download
                assert result.fetched_bytes < result.full_bytes, result.to_dict()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    record("sync-property", syncs=len(FIGURES),
           worst_ratio=round(max(f["fetched"] / f["full"] for f in FIGURES), 3) if FIGURES else None)
