"""Changes between two sets of events: which ids were added, updated (a new version) or deleted.

The same comparison makes a release's changes.csv (against the previous release) and answers
`cedar release diff A B`.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from cedar.errors import DataError
from cedar.schema import event_ids

from . import index, partitions
from . import version as versions

# The comparison's memory before DuckDB spills to a temporary folder (30M ids on each side fit in it).
MEMORY_LIMIT = "2GB"


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
    unchanged_elsewhere: int = 0  # unchanged events counted but not listed (releases compared in DuckDB)

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
                "unchanged": len(self.unchanged) + self.unchanged_elsewhere}


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
    """The changes from release `a` to release `b` of the release store `store`, single-file or
    partitioned alike. An events partition file that both manifests list under the same path with the
    same sha256 holds the same events at the same versions in both: it is not read, its rows are counted
    unchanged (an event that moved to another partition has a new version, so it is in no such file)."""
    for v in (a, b):
        versions.parse(v)
        index.find(store, v)
    old_dir, new_dir = store / a, store / b
    same = _same_partitions(partitions.read_manifest(old_dir), partitions.read_manifest(new_dir))
    files = {}
    for folder in (old_dir, new_dir):
        found = partitions.table_files(folder, "events")
        if not found:
            raise DataError(f"{folder / 'events.parquet'} is missing.",
                            "The release folder is incomplete: download it again.")
        files[folder] = [f for f in found if f.relative_to(folder).as_posix() not in same]
    changes = _compare_files(files[old_dir], files[new_dir])
    changes.unchanged_elsewhere += sum(same.values())
    return changes


def _same_partitions(old: dict[str, Any], new: dict[str, Any]) -> dict[str, int]:
    """The events partitions both partitioned manifests list with the same sha256: path -> rows."""
    if not (partitions.is_partitioned(old) and partitions.is_partitioned(new)):
        return {}

    def events(man: dict[str, Any]) -> dict[str, dict[str, Any]]:
        parts = man.get("partitions") or []
        return {p["path"]: p for p in parts if isinstance(p, dict) and p.get("table") == "events"}

    def sha(man: dict[str, Any], path: str) -> Any:
        return (man.get("files") or {}).get(path, {}).get("sha256")

    old_parts, new_parts = events(old), events(new)
    return {path: int(p.get("rows") or 0) for path, p in old_parts.items()
            if path in new_parts and sha(old, path) is not None and sha(old, path) == sha(new, path)}


def _compare_files(old: list[Path], new: list[Path]) -> Changes:
    """The ids added, updated and deleted between two sets of events files, by one DuckDB join (only the
    changed ids come to Python); the unchanged are counted. Ids of the earlier form (AZE12, in releases
    of an earlier Cedar) are compared under the current one (CDR-AZE-12), which the store gave them."""
    def side(found: list[Path]) -> str:
        if not found:
            return "(SELECT NULL::VARCHAR AS event_id, NULL::BIGINT AS version LIMIT 0)"
        return (f"(SELECT {event_ids.legacy_to_current_sql('event_id')} AS event_id, CAST(version AS BIGINT) "
                f"AS version FROM {partitions.reader(found)})")

    with tempfile.TemporaryDirectory(prefix="cedar-diff-") as spill:
        con = duckdb.connect(":memory:")
        try:
            con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
            con.execute(f"SET temp_directory = '{spill.replace(chr(39), chr(39) * 2)}'")
            rows = con.execute(f"""SELECT coalesce(n.event_id, o.event_id), o.version, n.version,
                    CASE WHEN o.event_id IS NULL THEN 'added' WHEN n.event_id IS NULL THEN 'deleted'
                         WHEN o.version IS DISTINCT FROM n.version THEN 'updated' END AS change
                FROM {side(old)} o FULL JOIN {side(new)} n ON n.event_id = o.event_id
                WHERE change IS NOT NULL""").fetchall()
            unchanged = con.execute(f"SELECT count(*) FROM {side(old)} o JOIN {side(new)} n "
                                    "ON n.event_id = o.event_id AND o.version IS NOT DISTINCT FROM n.version"
                                    ).fetchall()[0][0]
        except duckdb.Error as exc:
            raise DataError(f"The releases' events cannot be read: {exc}.",
                            "Check each release with `sha256sum -c SHA256SUMS` in its folder.") from None
        finally:
            con.close()
    c = Changes(unchanged_elsewhere=int(unchanged))
    for event_id, before, after, change in sorted(rows, key=lambda r: id_key(r[0])):
        getattr(c, change).append(event_id)
        if before is not None:
            c.old[event_id] = before
        if after is not None:
            c.new[event_id] = after
    return c
