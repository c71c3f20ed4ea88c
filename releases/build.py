"""`cedar release build`: snapshot the store, write every file of a release into a temporary
folder inside the release store, run the gate, and only when every expectation passed rename the
folder into place and replace index.json.

Layout of a release (DESIGN.md, "Releases"):
    events.parquet, events.csv           one row per event, in natural event_id order
    events-acled.csv                     the same events in ACLED's 31-column layout (releases/acled_export.py)
    claims.*, sources.*, actors.*        long forms, one row per claim, source, actor
    changes.csv                          event_id, change (added/updated/deleted), version, previous_version
    deletions.csv                        every event deleted from the releases so far: event_id, deleted_in,
                                         last_version, reason (cumulative, so one file brings any copy up to date)
    delta/*.parquet                      the full rows of the events added or updated since the previous release, and
                                         the ids deleted in it (releases/delta.py; not in a first release)
    codebook.md, datapackage.json        generated from the model
    validation/results.json, gx-results.json, report.html
    manifest.json, CITATION.cff, SHA256SUMS  (CITATION.cff names the manifest's sha256: releases/licensing.py)

A partitioned release (`--partition`, releases/partitions.py: by default past 1,000,000 events) writes
events/, claims/, sources/ and actors/ as Parquet files by year (by month in a large year) instead of
the single files and their CSV forms, and changes/ as CSV files by the same spans instead of changes.csv,
and lists them in manifest.json's "partitions".

Reproducible: the data files (everything but manifest.json, CITATION.cff, SHA256SUMS and validation/) depend
only on the store's contents and the release version, so the same store built twice gives them
the same sha256. `created` is the build time, or SOURCE_DATE_EPOCH when that is set.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import duckdb

from cedar import paths
from cedar.errors import UsageError
from cedar.schema import flat
from cedar.schema.codebook import codebook_markdown
from cedar.schema.model import SCHEMA_VERSION, Claim, Event, Source
from cedar.validate import readonly
from cedar.validate.expectations import ALWAYS_FILLED
from cedar.validate.gate import GateResult

from . import csvsafe, delta, index, licensing, manifest, partitions, snapshot
from . import version as versions
from .acled_export import FILE_NAME as ACLED_FILE
from .acled_export import copy_acled_csv
from .diff import id_key
from .gating import GateEngine, run_release_gate
from .html_report import render

Step = Callable[[str], None]  # announces a step of the build ("Reading the store", ...)
Parts = list[dict[str, Any]] | None  # a partitioned release's manifest entries (partitions.entries)


@dataclass
class BuildResult:
    version: str
    store: Path
    passed: bool
    folder: Path | None  # the published folder, or None when the gate failed
    previous: str | None
    row_counts: dict[str, int]
    changes: dict[str, int]
    gate: GateResult
    rejected_report: Path | None = None
    recorded_in_store: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    private: bool = False
    licensors: dict[str, int] = field(default_factory=dict)  # events per licensor (releases.licensing)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "store": str(self.store), "published": self.passed,
                "private": self.private, "licensors": self.licensors,
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


def publishing_mark(store: Path, version: str) -> Path:
    """The file a build writes before it renames its folder into place and removes once index.json names
    the release: a version folder without an index entry is cleared only when this mark says a build
    put it there (a folder Cedar did not make, say a download's, is never touched)."""
    return store / f".publishing-{version}"


def _clear_unpublished(store: Path) -> None:
    """A version folder that index.json does not name, with its publishing mark, was renamed into place by
    a build killed before it wrote the index. index.json is the authority, so the folder is removed (under
    the store lock, so no build is between those two steps now), and the version can be built again."""
    published = {r["version"] for r in index.read_index(store)}
    for mark in store.glob(".publishing-*"):
        v = mark.name.removeprefix(".publishing-")
        p = store / v
        if versions.is_version(v) and v not in published and p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        mark.unlink(missing_ok=True)


def _check_store_folder(store: Path) -> None:
    """A release store is a new or empty folder, or one with index.json: any other folder (a download's
    --to folder, the user's own) would have releases mixed with what is there."""
    paths.writable_folder(store, "release store")
    if not store.is_dir() or (store / index.INDEX).exists():
        return
    foreign = sorted(p for p in store.iterdir() if not _ours(p.name))
    if foreign:
        raise UsageError(f"{store} is not a release store (it has no {index.INDEX}) and is not empty: it holds "
                         f"{paths.describe(foreign)}.",
                         "Give a new or empty folder with --releases, or the folder of an existing release store.")


def _ours(name: str) -> bool:
    """What a build leaves in a release store before its first index: its lock, temporary folders, marks,
    rejected reports."""
    return name in (".lock", ".rejected") or _TEMP.fullmatch(name) is not None or name.startswith(".publishing-")


_TEMP = re.compile(r"\.tmp-\d{4}\.\d{2}\.\d+-\d+(-work)?")


def build_release(version: str, db: Path, store: Path, *, created: str | None = None,
                  step: Step | None = None, private: bool = False, partition: str = "auto",
                  month_split_rows: int | None = None, engine: GateEngine | None = None) -> BuildResult:
    """Build release `version` of the store `db` into the release store `store`: published when the
    gate passes, else its validation report kept in <store>/.rejected/<version>/. Events whose terms
    forbid publishing them are refused (DataError) unless the release is `private` (releases.licensing).
    `partition` (auto, always, never) chooses the layout (releases.partitions); `month_split_rows`
    replaces partitions.MONTH_SPLIT_ROWS. `engine` runs the gate (releases.gating; default DuckDB)."""
    step = step or (lambda _msg: None)
    layout = (partitions.check_mode(partition), month_split_rows)
    if engine is not None:
        engine.check()  # before anything is made
    t0 = time.perf_counter()
    _check_call(version, paths.engine_name(db, "store"), store)  # before anything is made: a wrong call leaves nothing
    paths.engine_name(store.absolute(), "release store")
    _check_store_folder(store)
    with paths.new_folder(store, ours=[".lock"]), index.store_lock(store):
        previous = _prepare(store, version)
        created = created or created_now()
        tmp = store / f".tmp-{version}-{os.getpid()}"
        try:
            result = _build_from_store(db, store, tmp, version, previous, created, step, t0, private, layout,
                                       engine)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if result.passed:
            _publish(result, tmp, db, created, previous, step, private)
        else:
            result.rejected_report = _keep_rejected(tmp, store, version)
            shutil.rmtree(tmp, ignore_errors=True)
        result.timings["total"] = time.perf_counter() - t0
        return result


def _check_call(version: str, db: Path, store: Path) -> None:
    versions.parse(version)
    if not paths.optional_file(db, "store"):  # a FIFO, a device or a link loop is refused by name
        raise UsageError(f"There is no store at {db}.", "Create one with `cedar init`, or name it with --db.")
    if store.exists() and not store.is_dir():
        raise UsageError(f"The release store {store} is a file, not a folder.",
                         "Name a folder (new or holding releases) with --releases.")


def _prepare(store: Path, version: str) -> dict[str, Any] | None:
    """Under the store lock: clear what killed builds left, check that `version` may be built, and
    return the latest published release (None for the first)."""
    _clear_unpublished(store)
    previous = _check_new_version(store, version)
    for stale in store.glob(".tmp-*"):  # left by a build that was killed; none runs now (lock)
        if _TEMP.fullmatch(stale.name) and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
    return previous


def _build_from_store(db: Path, store: Path, tmp: Path, version: str, previous: dict[str, Any] | None,
                      created: str, step: Step, t0: float, private: bool = False,
                      layout: tuple[str, int | None] = ("never", None),
                      engine: GateEngine | None = None) -> BuildResult:
    """Every file of the release in `tmp`, from a snapshot of the store staged in a work folder
    beside it (removed at the end)."""
    work = store / f".tmp-{version}-{os.getpid()}-work"  # the staging database, never published
    tmp.mkdir()
    con = None
    try:
        step("Reading the store")
        con = snapshot.open_work(work)
        # a partitioned release is staged in span order, so each partition file reads one run of rows
        snapshot.stage_store(con, db, lambda c: partitions.span_key(c, *layout))
        terms = licensing.check(con, version, db, private)  # before a file is written
        spans = partitions.plan(con, *layout)
        timings = {"snapshot": time.perf_counter() - t0}
        return _build_in(con, tmp, version, store, previous, created, step, timings, terms, spans, engine)
    finally:
        if con is not None:
            con.close()
        shutil.rmtree(work, ignore_errors=True)


def _publish(result: BuildResult, tmp: Path, db: Path, created: str, previous: dict[str, Any] | None,
             step: Step, private: bool = False) -> None:
    """The finished folder renamed into place, then index.json replaced: only then is it published."""
    step("Publishing")
    store, version = result.store, result.version
    final = store / version
    if final.exists():  # created since we looked: never overwrite
        shutil.rmtree(tmp, ignore_errors=True)
        raise UsageError(f"Release {version} appeared in {store} during the build.")
    mark = publishing_mark(store, version)
    mark.touch()
    os.rename(tmp, final)
    entry = {"version": version, "created": created, "previous_version": previous["version"] if previous else None,
             "schema_version": SCHEMA_VERSION, "events": result.row_counts["events"],
             "manifest_sha256": manifest.sha256_file(final / manifest.MANIFEST)}
    if private:
        entry["private"] = True
    index.write_index(store, [entry, *index.read_index(store)])
    mark.unlink(missing_ok=True)
    result.folder = final
    result.recorded_in_store = _record_in_store(db, store, entry)


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _count(con: Any, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0] or 0)


def _build_in(con: Any, tmp: Path, version: str, store: Path, previous: dict[str, Any] | None, created: str,
              step: Step, timings: dict[str, float], terms: licensing.ReleaseTerms | None = None,
              spans: list[partitions.Span] | None = None, engine: GateEngine | None = None) -> BuildResult:
    """Write every file from the staged tables of `con` while the gate runs on them, then write the
    validation results and the manifest."""
    step("Writing the data files")
    terms = terms or licensing.ReleaseTerms()
    hashes = manifest.Hashes(tmp)
    try:
        gate, changes, deletions, parts = _write_beside_gate(con, tmp, version, store, previous, created, step,
                                                             timings, hashes, terms.private, spans, engine)
        (tmp / "codebook.md").write_text(codebook_markdown(), encoding="utf-8")
        change_spans = partitions.change_spans(con, spans) if spans else None
        _write_datapackage(tmp, version, hashes, licensing.datapackage_fields(terms, version, created), spans,
                           change_spans)
        row_counts = {name: _count(con, f"SELECT count(*) FROM {name}") for name in snapshot.table_columns()}
        row_counts.update(changes=_count(con, "SELECT count(*) FROM changes"), deletions=deletions)
        changes["unchanged"] = row_counts["events"] - changes["added"] - changes["updated"]
        gate.report.files = ([s.path(name) for name in snapshot.table_columns() for s in spans] if spans
                             else [f"{name}.parquet" for name in snapshot.table_columns()])
        timings["gx_import_and_run"] = gate.seconds
        _write_validation(tmp, version, created, previous, gate, row_counts)
        t = time.perf_counter()
        _write_manifest(tmp, version, created, previous, gate, row_counts, hashes, terms, parts)
        timings["hashes"] = time.perf_counter() - t  # what is left of hashing once the rest is done
    finally:
        hashes.close()
    return BuildResult(version, store, gate.passed, None, previous["version"] if previous else None, row_counts,
                       changes, gate, timings=timings, private=terms.private, licensors=terms.licensors)


def _write_beside_gate(con: Any, tmp: Path, version: str, store: Path, previous: dict[str, Any] | None,
                       created: str, step: Step, timings: dict[str, float],
                       hashes: manifest.Hashes, private: bool = False,
                       spans: list[partitions.Span] | None = None,
                       engine: GateEngine | None = None) -> tuple[GateResult, dict[str, int], int, Parts]:
    """The data files, changes.csv and deletions.csv, written while the gate runs.

    The gate reads only the staged tables, so it runs in a thread of its own (on its own cursor)
    beside the file writers: GX spends much of its time in Python, DuckDB's COPY almost none, and
    together they keep both cores busy. Returns the gate's result, the change counts, the rows
    of deletions.csv and a partitioned release's manifest entries (counted while the gate runs)."""
    with _one_thread(con):
        prev_deletions = snapshot.stage_previous(con, store, previous)
    # the changes' sort fixes their order, so it runs on every thread (30M events: 17.5 s; one thread, 36 s);
    # a partitioned release's are sorted by span at once (19 to 28 s, where sorting again took 51 to 68 s more)
    if spans:
        partitions.stage_change_spans(con, spans)
    else:
        snapshot.stage_changes(con)
    with _one_thread(con), ThreadPoolExecutor(max_workers=1, thread_name_prefix="gate") as pool:
        gate_con = con.cursor()
        try:
            gate_args = (gate_con, previous is not None, [r["event_id"] for r in prev_deletions], created, private,
                         engine)
            # the gate on Spark reads a partitioned release's own files, so it runs once they are written
            after = bool(spans) and engine is not None and engine.name == "spark"
            gate_run = None if after else pool.submit(_timed, run_release_gate, *gate_args)
            step("Running the gate (Great Expectations), beside the writing")
            t = time.perf_counter()
            stats = None
            if spans:
                stats = partitions.write(con, tmp, spans, hashes)
            else:
                _write_data_files(con, tmp, hashes)
            changes, deletions = _write_changes(con, tmp, version, prev_deletions, hashes, spans)
            if previous:  # what changed since the previous release, for `cedar sync` (releases/delta.py)
                delta.write(con, tmp, version, hashes)
            parts = partitions.entries(con, spans, partitions.change_spans(con, spans), stats) if spans else None
            timings["files"] = time.perf_counter() - t
            if gate_run is None:
                files = {name: [tmp / s.path(name) for s in spans or []] for name in partitions.TABLES}
                gate, timings["gate"] = _timed(run_release_gate, *gate_args, files)
            else:
                gate, timings["gate"] = gate_run.result()
        finally:
            gate_con.close()
    return gate, changes, deletions, parts


def _write_manifest(tmp: Path, version: str, created: str, previous: dict[str, Any] | None, gate: GateResult,
                    row_counts: dict[str, int], hashes: manifest.Hashes,
                    terms: licensing.ReleaseTerms | None = None,
                    parts: list[dict[str, Any]] | None = None) -> None:
    """manifest.json, then CITATION.cff (which names the manifest's sha256), then SHA256SUMS."""
    gate_summary = {"passed": gate.passed, "expectations": len(gate.outcomes),
                    "failed": sum(not o.success for o in gate.outcomes),
                    "engine": gate.report.extra.get("engine")}
    man = manifest.manifest(tmp, version=version, created=created,
                            previous=previous["version"] if previous else None, row_counts=row_counts,
                            gate=gate_summary, hashes=hashes, partitions=parts)
    terms = terms or licensing.ReleaseTerms()
    man.update(terms.manifest_fields())
    manifest.write_json(tmp / manifest.MANIFEST, man)
    (tmp / licensing.CITATION).write_text(licensing.citation_cff(
        version, created, manifest.sha256_file(tmp / manifest.MANIFEST), terms), encoding="utf-8")
    manifest.write_sums(tmp, hashes)


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


def _write_changes(con: Any, tmp: Path, version: str, prev_deletions: list[dict[str, Any]],
                   hashes: manifest.Hashes, spans: list[partitions.Span] | None) -> tuple[dict[str, int], int]:
    """changes.csv (or in a partitioned release its files by span) and deletions.csv (cumulative) against
    the previous release. Returns the change counts and the number of rows of deletions.csv."""
    partitions.write_changes(con, tmp, spans, hashes, snapshot.CHANGE_COLUMNS)
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
    def parquet(cur: Any, name: str) -> None:
        cur.execute(f"COPY {name} TO {_sql_path(tmp / f'{name}.parquet')} (FORMAT parquet, COMPRESSION zstd)")

    columns = snapshot.table_columns()
    # the biggest files first, in two queues of about the same work
    queues: list[list[tuple[str, Callable[[Any], None]]]] = [
        [("events.csv", lambda cur: csvsafe.copy_csv(cur, "events", columns["events"], tmp / "events.csv")),
         ("events.parquet", lambda cur: parquet(cur, "events")),
         ("claims.csv", lambda cur: csvsafe.copy_csv(cur, "claims", columns["claims"], tmp / "claims.csv")),
         ("claims.parquet", lambda cur: parquet(cur, "claims"))],
        [(ACLED_FILE, lambda cur: copy_acled_csv(cur, "events", tmp / ACLED_FILE)),
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


def _write_datapackage(tmp: Path, version: str, hashes: manifest.Hashes,
                       terms_fields: dict[str, Any] | None = None, spans: list[partitions.Span] | None = None,
                       change_spans: list[partitions.Span] | None = None) -> None:
    ev_required = {n for n in flat.event_columns() if Event.model_fields[n].is_required()} | set(ALWAYS_FILLED)
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
    resources: list[dict[str, Any]] = partitions.resources(spans, specs) if spans else []
    for name, columns, required, key in specs if not spans else []:
        resources.append({"name": name, "path": f"{name}.csv", "table": name, "columns": columns,
                          "required": required, "key": key})
    for name, columns, required, key in specs if not spans else []:
        resources.append({"name": f"{name}-parquet", "path": f"{name}.parquet", "table": name, "columns": columns,
                          "required": required, "key": key})
    resources.append(partitions.changes_resource(change_spans, snapshot.CHANGE_COLUMNS))
    resources.append({"name": "deletions", "path": "deletions.csv", "table": "deletions",
                      "columns": snapshot.DELETION_COLUMNS, "required": {"event_id", "deleted_in"},
                      "key": ["event_id"]})
    resources.append({"name": "codebook", "path": "codebook.md", "columns": None, "mediatype": "text/markdown",
                      "description": "What every column means, its vocabulary and the rules; generated from the "
                                     "event model."})
    if (tmp / ACLED_FILE).is_file():
        resources.append({"name": "events-acled", "path": ACLED_FILE, "columns": None,
                          "description": "The events in ACLED's column layout, order and spelling, for tools "
                                         "made for ACLED exports (written by cedar.releases.acled_export)."})
    resources += delta.resources(tmp)
    package = manifest.datapackage(version, tmp, resources, hashes)
    manifest.write_json(tmp / manifest.DATAPACKAGE, {**package, **(terms_fields or {})})


def _write_validation(tmp: Path, version: str, created: str, previous: dict[str, Any] | None, gate: Any,
                      row_counts: dict[str, int]) -> None:
    folder = tmp / "validation"
    folder.mkdir()
    manifest.write_json(folder / "results.json", gate.report.to_dict())
    manifest.write_json(folder / "gx-results.json", gate.raw)
    (folder / "report.html").write_text(render(
        version=version, created=created, previous=previous["version"] if previous else None, passed=gate.passed,
        expectations=gate.report.extra["expectations"], row_counts=row_counts,
        engine=gate.report.extra.get("engine", ""), seconds=gate.seconds,
        sql_reads=gate.report.extra.get("failing_rows_sql_reads", "")), encoding="utf-8")


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
    try:
        con = duckdb.connect(str(db), config=readonly.NO_EXTENSIONS)
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
