"""Changes between two sets of events: which ids were added, updated (a new version) or deleted.

The same comparison makes a release's changes.csv (against the previous release) and answers
`cedar release diff A B`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar.errors import DataError
from cedar.schema import event_ids

from . import index
from . import version as versions


def id_key(event_id: str) -> tuple[str, int, str]:
    """Natural order of event ids: CDR-AZE-2 before CDR-AZE-10 (as the release files are sorted)."""
    return event_ids.natural_key(event_id)


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    old: dict[str, int] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """changes.csv: one row per added, updated or deleted event, in id order."""
        out = [{"event_id": i, "change": "added", "version": self.new[i], "previous_version": None}
               for i in self.added]
        out += [{"event_id": i, "change": "updated", "version": self.new[i], "previous_version": self.old[i]}
                for i in self.updated]
        out += [{"event_id": i, "change": "deleted", "version": None, "previous_version": self.old[i]}
                for i in self.deleted]
        return sorted(out, key=lambda r: id_key(r["event_id"]))

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "updated": len(self.updated), "deleted": len(self.deleted),
                "unchanged": len(self.unchanged)}


def compare(old: dict[str, int], new: dict[str, int]) -> Changes:
    """old and new: event_id -> version."""
    c = Changes(old=old, new=new)
    for i in sorted(new, key=id_key):
        if i not in old:
            c.added.append(i)
        elif old[i] != new[i]:
            c.updated.append(i)
        else:
            c.unchanged.append(i)
    c.deleted = sorted((i for i in old if i not in new), key=id_key)
    return c


def versions_of(parquet: Path) -> dict[str, int]:
    """event_id -> version of a release's events.parquet."""
    import pyarrow.parquet as pq  # heavy: paid by `release diff` only

    if not parquet.is_file():
        raise DataError(f"{parquet} is missing.", "The release folder is incomplete: download it again.")
    t = pq.read_table(parquet, columns=["event_id", "version"])
    # a release of an earlier Cedar names its events in the earlier form (AZE12): compared under the
    # current one (CDR-AZE-12), which the store gave the same events
    ids = [event_ids.from_legacy(i) if event_ids.is_legacy(i) else i for i in t.column("event_id").to_pylist()]
    return dict(zip(ids, t.column("version").to_pylist()))


def diff_releases(store: Path, a: str, b: str) -> Changes:
    for v in (a, b):
        versions.parse(v)
        index.find(store, v)
    return compare(versions_of(store / a / "events.parquet"), versions_of(store / b / "events.parquet"))
