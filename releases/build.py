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
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from cedar.errors import UsageError
from cedar.schema import flat
from cedar.schema.model import SCHEMA_VERSION, Claim, Event, Source

from . import csvsafe, index, manifest, snapshot
from . import version as versions
from .diff import id_key

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
        raise UsageError(f"Release {version} already exists in {store}: a published version is never overwritten.",
                         "Build the next version instead, e.g. by raising the last number.")
    if published and versions.sort_key(version) < versions.sort_key(published[0]["version"]):
        raise UsageError(f"Release {version} would sort before the latest release {published[0]['version']}.",
                         "Versions only go up: give a version after the latest.")
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
        for stale in store.glob(".tmp-*"):  # left by a build that was killed; none runs now (lock)
            shutil.rmtree(stale, ignore_errors=True)
        tmp = store / f".tmp-{version}-{os.getpid()}"
        work = store / f".tmp-{version}-{os.getpid()}-work"  # the staging database, never published
        tmp.mkdir()
        con = None
        try:
            step("Reading the store")
            con = snapshot.open_work(work)
            snapshot.stage_store(con, db)
            timings["snapshot"] = time.perf_counter() - t0
            result = _build_in(con, tmp, version, store, previous, created, step, timings)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if con is not None:
                con.close()
            shutil.rmtree(work, ignore_errors=True)
        if not result.passed:
            result.rejected_report = _keep_rejected(tmp, store, version)
            shutil.rmtree(tmp, ignore_errors=True)
            timings["total"] = time.perf_counter() - t0
            return result
        step("Publishing")
        final = store / version
        if final.exists():  # created since we looked: never overwrite
            shutil.rmtree(tmp, ignore_errors=True)
            raise UsageError(f"Release {version} appeared in {store} during the build.")
        os.rename(tmp, final)
        entry = {"version": version, "created": created, "previous_version": previous["version"] if previous else None,
                 "schema_version": SCHEMA_VERSION, "events": result.row_counts["events"],
                 "manifest_sha256": manifest.sha256_file(final / manifest.MANIFEST)}
        index.write_index(store, [entry, *index.read_index(store)])
        result.folder = final
        result.recorded_in_store = _record_in_store(db, store, entry)
        timings["total"] = time.perf_counter() - t0
        return result


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _count(con: Any, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0] or 0)


def _build_in(con: Any, tmp: Path, version: str, store: Path, previous: dict[str, Any] | None, created: str,
              step: Callable[[str], None], timings: dict[str, float]) -> BuildResult:
    """Write every file from the staged tables of `con` while the gate runs on them, then write the
    validation results and the manifest.

    The gate reads only the staged tables, so it runs in a thread of its own (on its own cursor)
    beside the file writers: GX spends much of its time in Python, DuckDB's COPY almost none, and
    together they keep both cores busy."""
    from concurrent.futures import ThreadPoolExecutor

    step("Writing the data files")
    hashes = manifest.Hashes(tmp)
    try:
        with _one_thread(con), ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate") as pool:
            prev_deletions = _stage_previous(con, store, previous)
            gate_con = con.cursor()
            try:
                gate_run = pool.submit(_timed, _run_gate, gate_con, previous is not None,
                                       [r["event_id"] for r in prev_deletions], created)
                step("Running the gate (Great Expectations), beside the writing")
                t = time.perf_counter()
                _write_data_files(con, tmp, hashes)
                changes, deletions = _write_changes(con, tmp, version, prev_deletions, hashes)
                timings["files"] = time.perf_counter() - t
                gate, timings["gate"] = gate_run.result()
            finally:
                gate_con.close()
        from cedar.schema.codebook import codebook_markdown

        (tmp / "codebook.md").write_text(codebook_markdown(), encoding="utf-8")
        _write_datapackage(tmp, version, hashes)
        row_counts = {name: _count(con, f"SELECT count(*) FROM {name}") for name in snapshot.table_columns()}
        row_counts.update(changes=_count(con, "SELECT count(*) FROM changes"), deletions=deletions)
        changes["unchanged"] = row_counts["events"] - changes["added"] - changes["updated"]
        gate.report.files = [f"{name}.parquet" for name in snapshot.table_columns()]
        timings["gx_import_and_run"] = gate.seconds
        _write_validation(tmp, version, created, previous, gate, row_counts)

        t = time.perf_counter()
        gate_summary = {"passed": gate.passed, "expectations": len(gate.outcomes),
                        "failed": sum(not o.success for o in gate.outcomes),
                        "engine": gate.report.extra.get("engine")}
        man = manifest.manifest(tmp, version=version, created=created,
                                previous=previous["version"] if previous else None, row_counts=row_counts,
                                gate=gate_summary, hashes=hashes)
        manifest.write_json(tmp / manifest.MANIFEST, man)
        manifest.write_sums(tmp, hashes)
        timings["hashes"] = time.perf_counter() - t  # what is left of hashing once the rest is done
    finally:
        hashes.close()
    return BuildResult(version, store, gate.passed, None, previous["version"] if previous else None, row_counts,
                       changes, gate, timings=timings)


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    return fn(*args), time.perf_counter() - t


@contextmanager
def _one_thread(con: Any) -> Iterator[None]:
    """DuckDB on one thread while files are written: every file must keep the staged tables' row
    order, and with several threads DuckDB 2.0.1 wrote some row groups of a CSV out of order
    (measured on 1M events; see csvsafe.copy_cells)."""
    threads = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {threads}")


def _stage_previous(con: Any, store: Path, previous: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The tables previous_events (the previous release's event_id, version, fatalities) and
    changes (one row per added, updated or deleted event, in id order); returns the previous
    release's deletions."""
    prev_deletions: list[dict[str, Any]] = []
    if previous:
        prev_dir = store / previous["version"]
        con.execute("CREATE TABLE previous_events AS SELECT event_id, CAST(version AS BIGINT) AS version, "
                    "CAST(fatalities AS BIGINT) AS fatalities "
                    f"FROM read_parquet({_sql_path(prev_dir / 'events.parquet')})")
        prev_deletions = _read_deletions(prev_dir / "deletions.csv")
    else:
        con.execute("CREATE TABLE previous_events (event_id VARCHAR, version BIGINT, fatalities BIGINT)")
    con.execute(_CHANGES.format(order=snapshot.id_order()))
    return prev_deletions


def _write_changes(con: Any, tmp: Path, version: str, prev_deletions: list[dict[str, Any]],
                   hashes: manifest.Hashes) -> tuple[dict[str, int], int]:
    """changes.csv and deletions.csv (cumulative) against the previous release. Returns the
    change counts and the number of rows of deletions.csv."""
    csvsafe.copy_csv(con, "changes", snapshot.CHANGE_COLUMNS, tmp / "changes.csv")
    hashes.start("changes.csv")
    counts = dict(con.execute("SELECT change, count(*) FROM changes GROUP BY change").fetchall())
    deletions = prev_deletions + [
        {"event_id": i, "deleted_in": version, "last_version": last, "reason": reason}
        for i, last, reason in con.execute(
            "SELECT c.event_id, c.previous_version, d.reason FROM changes c "
            "LEFT JOIN store_deletions d ON d.event_id = c.event_id WHERE c.change = 'deleted'").fetchall()]
    deletions.sort(key=lambda r: id_key(r["event_id"]))
    csvsafe.write_csv(tmp / "deletions.csv", snapshot.DELETION_COLUMNS, deletions)
    return {k: int(counts.get(k, 0)) for k in ("added", "updated", "deleted")}, len(deletions)


def _write_data_files(con: Any, tmp: Path, hashes: manifest.Hashes) -> None:
    """The tables' Parquet and CSV files and events-acled.csv, by DuckDB's COPY.

    Run with DuckDB on one thread (see _one_thread); two COPYs run at once, each on its own
    cursor, to use two cores. Each file is hashed as soon as it is written."""
    from concurrent.futures import ThreadPoolExecutor

    from cedar.ingest.importers.acled_export import FILE_NAME, copy_acled_csv

    def parquet(cur: Any, name: str) -> None:
        cur.execute(f"COPY {name} TO {_sql_path(tmp / f'{name}.parquet')} (FORMAT parquet, COMPRESSION zstd)")

    columns = snapshot.table_columns()
    # the biggest files first, in two queues of about the same work
    queues: list[list[tuple[str, Callable[[Any], None]]]] = [
        [("events.csv", lambda cur: csvsafe.copy_csv(cur, "events", columns["events"], tmp / "events.csv")),
         ("events.parquet", lambda cur: parquet(cur, "events")),
         ("claims.csv", lambda cur: csvsafe.copy_csv(cur, "claims", columns["claims"], tmp / "claims.csv")),
         ("claims.parquet", lambda cur: parquet(cur, "claims"))],
        [(FILE_NAME, lambda cur: copy_acled_csv(cur, "events", tmp / FILE_NAME)),
         ("actors.csv", lambda cur: csvsafe.copy_csv(cur, "actors", columns["actors"], tmp / "actors.csv")),
         ("sources.csv", lambda cur: csvsafe.copy_csv(cur, "sources", columns["sources"], tmp / "sources.csv")),
         ("actors.parquet", lambda cur: parquet(cur, "actors")),
         ("sources.parquet", lambda cur: parquet(cur, "sources"))],
    ]

    def run(queue: list[tuple[str, Callable[[Any], None]]]) -> None:
        cur = con.cursor()
        try:
            for name, write in queue:
                write(cur)
                hashes.start(name)
        finally:
            cur.close()

    with ThreadPoolExecutor(max_workers=len(queues), thread_name_prefix="copy") as pool:
        for future in [pool.submit(run, q) for q in queues]:
            future.result()


# changes.csv: one row per added, updated or deleted event, in id order.
_CHANGES = """
CREATE TABLE changes AS SELECT * FROM (
  SELECT coalesce(n.event_id, o.event_id) AS event_id,
         CASE WHEN o.event_id IS NULL THEN 'added' WHEN n.event_id IS NULL THEN 'deleted' ELSE 'updated' END AS change,
         n.version AS version, o.version AS previous_version
  FROM events n FULL JOIN previous_events o ON n.event_id = o.event_id
  WHERE n.event_id IS NULL OR o.event_id IS NULL OR n.version IS DISTINCT FROM o.version
) ORDER BY {order}
"""


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


def _write_datapackage(tmp: Path, version: str, hashes: manifest.Hashes) -> None:
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
    manifest.write_json(tmp / manifest.DATAPACKAGE, manifest.datapackage(version, tmp, resources, hashes))


def _run_gate(con: Any, has_previous: bool, prev_deletions: list[str], created: str) -> Any:
    from cedar.validate import expectations as ex
    from cedar.validate.gate import run_gate

    # the check tables of cedar.validate.expectations: membership computed once, read by GX as a flag
    con.execute("CREATE TEMP TABLE released AS SELECT event_id FROM events")
    con.execute("CREATE TABLE deleted AS SELECT event_id, event_id IN (SELECT event_id FROM released) AS in_release "
                "FROM store_deletions")
    con.execute("CREATE TABLE released_deleted AS SELECT event_id, event_id IN (SELECT event_id FROM released) "
                "AS in_release FROM (SELECT unnest(?::VARCHAR[]) AS event_id)", [prev_deletions])
    release_date = dt.date.fromisoformat(created[:10])
    specs = ex.model_specs(release_date) + ex.reference_specs()
    expected_total = None
    previous_count = None
    if has_previous:
        previous_count = _count(con, "SELECT count(*) FROM previous_events")
        con.execute("CREATE TABLE previous AS SELECT p.event_id, CASE WHEN p.event_id IN (SELECT event_id FROM released) "
                    "THEN 'released' WHEN p.event_id IN (SELECT event_id FROM store_deletions) THEN 'deleted' END AS now "
                    "FROM previous_events p")
        con.execute("CREATE TABLE unchanged AS SELECT e.event_id, e.fatalities, p.fatalities AS previous_fatalities "
                    "FROM events e JOIN previous_events p ON p.event_id = e.event_id AND p.version = e.version")
        expected_total = _count(con, """
            SELECT (SELECT coalesce(sum(fatalities), 0) FROM previous_events)
                 - (SELECT coalesce(sum(p.fatalities), 0) FROM previous_events p
                    JOIN changes c ON c.event_id = p.event_id AND c.change IN ('updated', 'deleted'))
                 + (SELECT coalesce(sum(e.fatalities), 0) FROM events e
                    JOIN changes c ON c.event_id = e.event_id AND c.change IN ('updated', 'added'))""")
    specs += ex.dataset_specs(previous_count=previous_count, expected_fatalities=expected_total)
    return run_gate(con, specs)


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
