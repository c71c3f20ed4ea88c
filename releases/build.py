"""`cedar release build`: snapshot the store, write every file of a release into a temporary
folder inside the release store, run the gate, and only when every expectation passed rename the
folder into place and replace index.json.

Layout of a release (DESIGN.md, "Releases"):
    events.parquet, events.csv           one row per event, in natural event_id order
    events-acled.csv                     the same events in ACLED's 31-column layout (cedar.ingest.importers)
    claims.*, sources.*, actors.*        long forms, one row per claim, source, actor
    changes.csv                          event_id, change (added/updated/deleted), version, previous_version
    deletions.csv                        every event deleted from the releases so far: event_id, deleted_in,
                                         last_version, reason (cumulative, so one file brings any copy up to date)
    codebook.md, datapackage.json        generated from the model
    validation/results.json, gx-results.json, report.html
    manifest.json, SHA256SUMS

Reproducible: the data files (everything but manifest.json, SHA256SUMS and validation/) depend
only on the store's contents and the release version, so the same store built twice gives them
the same sha256. `created` is the build time, or SOURCE_DATE_EPOCH when that is set.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cedar.errors import CedarError
from cedar.schema import flat
from cedar.schema.model import SCHEMA_VERSION, Claim, Event, Source

from . import csvsafe, index, manifest, snapshot
from . import version as versions
from .diff import Changes, compare, id_key

DATA_TABLES = ("events", "claims", "sources", "actors")


@dataclass
class BuildResult:
    version: str
    store: Path
    passed: bool
    folder: Path | None  # the published folder, or None when the gate failed
    previous: str | None
    row_counts: dict[str, int]
    changes: dict[str, int]
    gate: Any  # validate.gate.GateResult
    rejected_report: Path | None = None
    recorded_in_store: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "store": str(self.store), "published": self.passed,
                "folder": str(self.folder) if self.folder else None, "previous_version": self.previous,
                "row_counts": self.row_counts, "changes": self.changes,
                "recorded_in_store": self.recorded_in_store,
                "rejected_report": str(self.rejected_report) if self.rejected_report else None,
                "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
                "gate": self.gate.report.to_dict()}


def created_now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch and epoch.isdigit()
            else dt.datetime.now(dt.timezone.utc))
    return when.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _check_new_version(store: Path, version: str) -> dict[str, Any] | None:
    versions.parse(version)
    published = index.read_index(store)
    if any(r["version"] == version for r in published) or (store / version).exists():
        raise CedarError(f"Release {version} already exists in {store}: a published version is never overwritten.",
                         "Build the next version instead, e.g. by raising the last number.", exit_code=2)
    if published and versions.sort_key(version) < versions.sort_key(published[0]["version"]):
        raise CedarError(f"Release {version} would sort before the latest release {published[0]['version']}.",
                         "Versions only go up: give a version after the latest.", exit_code=2)
    return published[0] if published else None


def _clear_unpublished(store: Path) -> None:
    """A version folder that index.json does not name was never published: a build renamed it into
    place and was killed before it wrote the index. index.json is the authority, so the folder is
    removed (under the store lock, so no build is between those two steps now), and the version can
    be built again."""
    published = {r["version"] for r in index.read_index(store)}
    for p in store.iterdir():
        if p.is_dir() and not p.is_symlink() and versions.is_version(p.name) and p.name not in published:
            shutil.rmtree(p, ignore_errors=True)


def build_release(version: str, db: Path, store: Path, *, created: str | None = None,
                  step: Callable[[str], None] | None = None) -> BuildResult:
    step = step or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    store.mkdir(parents=True, exist_ok=True)
    with index.store_lock(store):
        _clear_unpublished(store)
        previous = _check_new_version(store, version)
        created = created or created_now()
        step("Reading the store")
        snap = snapshot.read_store(db)
        timings["snapshot"] = time.perf_counter() - t0
        for stale in store.glob(".tmp-*"):  # left by a build that was killed; none runs now (lock)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = store / f".tmp-{version}-{os.getpid()}"
        tmp.mkdir()
        try:
            result = _build_in(tmp, version, store, snap, previous, created, step, timings)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if not result.passed:
            result.rejected_report = _keep_rejected(tmp, store, version)
            shutil.rmtree(tmp, ignore_errors=True)
            timings["total"] = time.perf_counter() - t0
            return result
        step("Publishing")
        final = store / version
        if final.exists():  # created since we looked: never overwrite
            shutil.rmtree(tmp, ignore_errors=True)
            raise CedarError(f"Release {version} appeared in {store} during the build.", exit_code=2)
        os.rename(tmp, final)
        entry = {"version": version, "created": created, "previous_version": previous["version"] if previous else None,
                 "schema_version": SCHEMA_VERSION, "events": result.row_counts["events"],
                 "manifest_sha256": manifest.sha256_file(final / manifest.MANIFEST)}
        index.write_index(store, [entry, *index.read_index(store)])
        result.folder = final
        result.recorded_in_store = _record_in_store(db, store, entry)
        timings["total"] = time.perf_counter() - t0
        return result


def _build_in(tmp: Path, version: str, store: Path, snap: snapshot.Snapshot, previous: dict[str, Any] | None,
              created: str, step: Callable[[str], None], timings: dict[str, float]) -> BuildResult:
    import pyarrow.parquet as pq

    t = time.perf_counter()
    step("Writing the data files")
    tables = {"events": (snap.events, snapshot.event_columns()), "claims": (snap.claims, snapshot.claim_columns()),
              "sources": (snap.sources, snapshot.source_columns()), "actors": (snap.actors, snapshot.ACTOR_COLUMNS)}
    for name, (table, columns) in tables.items():
        pq.write_table(table, tmp / f"{name}.parquet", compression="zstd", write_statistics=True)
        csvsafe.write_table(tmp / f"{name}.csv", columns, table)
    from cedar.ingest.importers.acled_export import FILE_NAME, write_acled_csv

    write_acled_csv(tmp / FILE_NAME, snap.events.to_pylist())

    # changes and deletions against the previous release
    new_versions = dict(zip(snap.events.column("event_id").to_pylist(), snap.events.column("version").to_pylist()))
    prev_events = None
    prev_deletions: list[dict[str, Any]] = []
    if previous:
        prev_dir = store / previous["version"]
        prev_events = pq.read_table(prev_dir / "events.parquet", columns=["event_id", "version", "fatalities"])
        prev_deletions = _read_deletions(prev_dir / "deletions.csv")
    old_versions = (dict(zip(prev_events.column("event_id").to_pylist(), prev_events.column("version").to_pylist()))
                    if prev_events is not None else {})
    changes = compare(old_versions, new_versions)
    csvsafe.write_csv(tmp / "changes.csv", snapshot.CHANGE_COLUMNS, changes.rows())
    store_deleted = {r["event_id"]: r for r in snap.deletions.to_pylist()}
    deletions = prev_deletions + [
        {"event_id": i, "deleted_in": version, "last_version": old_versions[i],
         "reason": (store_deleted.get(i) or {}).get("reason")} for i in changes.deleted]
    deletions.sort(key=lambda r: id_key(r["event_id"]))
    csvsafe.write_csv(tmp / "deletions.csv", snapshot.DELETION_COLUMNS, deletions)

    from cedar.schema.codebook import codebook_markdown

    (tmp / "codebook.md").write_text(codebook_markdown(), encoding="utf-8")
    row_counts = {name: t.num_rows for name, (t, _) in tables.items()}
    row_counts.update(changes=len(changes.rows()), deletions=len(deletions))
    _write_datapackage(tmp, version)
    timings["write"] = time.perf_counter() - t

    step("Running the gate (Great Expectations)")
    t = time.perf_counter()
    gate = _run_gate(snap, tables, changes, prev_events, prev_deletions, store_deleted, created)
    gate.report.files = [f"{name}.parquet" for name in tables]
    timings["gate"] = time.perf_counter() - t
    timings["gx_import_and_run"] = gate.seconds
    _write_validation(tmp, version, created, previous, gate, row_counts)

    result = BuildResult(version, store, gate.passed, None, previous["version"] if previous else None, row_counts,
                         changes.counts(), gate, timings=timings)
    gate_summary = {"passed": gate.passed, "expectations": len(gate.outcomes),
                    "failed": sum(not o.success for o in gate.outcomes), "engine": gate.report.extra.get("engine")}
    man = manifest.manifest(tmp, version=version, created=created,
                            previous=previous["version"] if previous else None, row_counts=row_counts,
                            gate=gate_summary)
    manifest.write_json(tmp / manifest.MANIFEST, man)
    manifest.write_sums(tmp)
    return result


def _read_deletions(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        out.append({"event_id": r["event_id"], "deleted_in": r["deleted_in"],
                    "last_version": int(r["last_version"]) if r.get("last_version") else None,
                    "reason": _unneutralise(r.get("reason") or "") or None})
    return out


def _unneutralise(text: str) -> str:
    """A CSV text cell as it was before csvsafe neutralised it (so it is not prefixed twice)."""
    if text.startswith("'") and text[1:].startswith(csvsafe.TRIGGERS):
        return text[1:]
    return text


def _write_datapackage(tmp: Path, version: str) -> None:
    ev_required = {n for n in flat.event_columns() if Event.model_fields[n].is_required()}
    from cedar.validate.expectations import ALWAYS_FILLED

    ev_required |= set(ALWAYS_FILLED)
    specs = [
        ("events", snapshot.event_columns(), ev_required, ["event_id"]),
        ("claims", snapshot.claim_columns(),
         {"event_id", "claim_no", *(n for n, f in Claim.model_fields.items() if f.is_required())},
         ["event_id", "claim_no"]),
        ("sources", snapshot.source_columns(),
         {"event_id", "source_no", *(n for n, f in Source.model_fields.items() if f.is_required())},
         ["event_id", "source_no"]),
        ("actors", snapshot.ACTOR_COLUMNS, {"event_id", "role", "position", "actor"}, ["event_id", "role", "position"]),
    ]
    resources = []
    for name, columns, required, key in specs:
        resources.append({"name": name, "path": f"{name}.csv", "table": name, "columns": columns,
                          "required": required, "key": key})
    for name, columns, required, key in specs:
        resources.append({"name": f"{name}-parquet", "path": f"{name}.parquet", "table": name, "columns": columns,
                          "required": required, "key": key})
    resources.append({"name": "changes", "path": "changes.csv", "table": "changes", "columns": snapshot.CHANGE_COLUMNS,
                      "required": {"event_id", "change"}, "key": ["event_id"]})
    resources.append({"name": "deletions", "path": "deletions.csv", "table": "deletions",
                      "columns": snapshot.DELETION_COLUMNS, "required": {"event_id", "deleted_in"},
                      "key": ["event_id"]})
    from cedar.ingest.importers.acled_export import FILE_NAME as ACLED_FILE

    resources.append({"name": "codebook", "path": "codebook.md", "columns": None, "mediatype": "text/markdown",
                      "description": "What every column means, its vocabulary and the rules; generated from the "
                                     "event model."})
    if (tmp / ACLED_FILE).is_file():
        resources.append({"name": "events-acled", "path": ACLED_FILE, "columns": None,
                          "description": "The events in ACLED's column layout, order and spelling, for tools "
                                         "made for ACLED exports (written by cedar.ingest.importers.acled_export)."})
    manifest.write_json(tmp / manifest.DATAPACKAGE, manifest.datapackage(version, tmp, resources))


def _run_gate(snap: snapshot.Snapshot, tables: dict[str, Any], changes: Changes, prev_events: Any,
              prev_deletions: list[dict[str, Any]], store_deleted: dict[str, Any], created: str) -> Any:
    import pandas as pd

    from cedar.validate import expectations as ex
    from cedar.validate.gate import run_gate

    # The gate's frames leave out list columns: no expectation reads them (see validate.gate).
    frames = {name: t.select([n for n, kind in cols if kind != flat.LIST]).to_pandas()
              for name, (t, cols) in tables.items()}
    released = set(changes.new)
    # check frames (see cedar.validate.expectations): membership computed once, read by GX as a flag
    refs = [pd.DataFrame({"event_id": frames[t]["event_id"], "table": t}) for t in ("claims", "sources", "actors")]
    frames["references"] = pd.concat(refs, ignore_index=True)
    frames["references"]["in_release"] = frames["references"]["event_id"].isin(released)
    frames["deleted"] = pd.DataFrame({"event_id": sorted(store_deleted, key=id_key)})
    frames["deleted"]["in_release"] = frames["deleted"]["event_id"].isin(released)
    frames["released_deleted"] = pd.DataFrame({"event_id": [r["event_id"] for r in prev_deletions]}, dtype=object)
    frames["released_deleted"]["in_release"] = frames["released_deleted"]["event_id"].isin(released)
    release_date = dt.date.fromisoformat(created[:10])
    specs = ex.model_specs(release_date) + ex.reference_specs()
    expected_total = None
    previous_count = None
    if prev_events is not None:
        previous_count = prev_events.num_rows
        prev = prev_events.to_pandas()
        ids = prev["event_id"]
        frames["previous"] = pd.DataFrame({"event_id": ids, "now": [
            "released" if i in released else "deleted" if i in store_deleted else None for i in ids]}, dtype=object)
        cur = frames["events"][["event_id", "version", "fatalities"]]
        both = cur.merge(prev.rename(columns={"version": "previous_version", "fatalities": "previous_fatalities"}),
                         on="event_id", how="inner")
        frames["unchanged"] = both[both["version"] == both["previous_version"]].reset_index(drop=True)
        prev_fat = dict(zip(prev["event_id"], prev["fatalities"]))
        cur_fat = dict(zip(cur["event_id"], cur["fatalities"]))

        def n(v: Any) -> int:
            return 0 if v is None or pd.isna(v) else int(v)

        expected_total = (sum(n(v) for v in prev_fat.values())
                          - sum(n(prev_fat[i]) for i in changes.updated + changes.deleted)
                          + sum(n(cur_fat[i]) for i in changes.updated + changes.added))
    specs += ex.dataset_specs(previous_count=previous_count, expected_fatalities=expected_total)
    return run_gate(frames, specs)


def _write_validation(tmp: Path, version: str, created: str, previous: dict[str, Any] | None, gate: Any,
                      row_counts: dict[str, int]) -> None:
    from .html_report import render

    folder = tmp / "validation"
    folder.mkdir()
    manifest.write_json(folder / "results.json", gate.report.to_dict())
    manifest.write_json(folder / "gx-results.json", gate.raw)
    (folder / "report.html").write_text(render(
        version=version, created=created, previous=previous["version"] if previous else None, passed=gate.passed,
        expectations=gate.report.extra["expectations"], row_counts=row_counts,
        engine=gate.report.extra.get("engine", ""), seconds=gate.seconds), encoding="utf-8")


def _keep_rejected(tmp: Path, store: Path, version: str) -> Path:
    """A failed build publishes nothing; its validation report is kept for the maintainer in
    <store>/.rejected/<version>/ (a hidden folder that list, diff and download never read)."""
    target = store / ".rejected" / version
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(tmp / "validation", target)
    return target / "report.html"


def _record_in_store(db: Path, store: Path, entry: dict[str, Any]) -> bool:
    """Also note the release in the store's `releases` table, when the store can be opened for
    writing right now. index.json stays the authority: this is a convenience for SQL users."""
    import duckdb

    try:
        con = duckdb.connect(str(db))
    except duckdb.Error:
        return False
    try:
        con.execute("INSERT OR REPLACE INTO releases (version, created, previous, event_count, manifest_sha256, store) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [entry["version"], dt.datetime.fromisoformat(entry["created"].replace("Z", "+00:00"))
                     .replace(tzinfo=None), entry["previous_version"], entry["events"], entry["manifest_sha256"],
                     str(store.resolve())])
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()
