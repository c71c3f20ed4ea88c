"""`cedar sync`: bring a copy of a release (a folder `cedar download` or `cedar sync` filled) up to the latest
or a named release by fetching only the deltas of the releases in between (releases/delta.py).

1. The copy is the newest version folder in the --to folder. It is checked against the release store:
   its manifest.json must be the one index.json names, and every file it holds must match that manifest.
2. The chain: every release after the copy's, up to the target, must publish a delta and name the one
   before it as its previous release. Each delta is fetched and checked against its release's manifest.
3. In a DuckDB work database, each table is made once from the copy's Parquet file and the deltas (set
   work: for every event a delta names, the last release naming it decides whether its rows come from
   that delta or it goes; the other events keep the copy's rows), in the build's row order, and the
   target's table files are written the way the build writes them.
4. Each rebuilt file is checked against the target's manifest: one that differs (a copy of the earlier id
   form, a DuckDB of another version) is fetched whole instead. Every other file of the target is taken
   from the copy when it is unchanged, else fetched. So the result is the target's files, byte for byte.
5. The finished folder is renamed to <to>/<target> in one step; only then is the old copy removed.

A partitioned target (releases/selection.py) is synced by file instead: each of its files in the copy's
selection (selection.json, kept) is taken from the copy when its sha256 is unchanged and fetched when it
changed or is new; files the target no longer has are left behind. So a new release that changed one
year fetches that year's partition files and the small files that changed.

A copy that cannot be brought up to date this way (none, too old for the chain, damaged or edited by hand,
newer than the target) is replaced by a full download, with the reason. Nothing is half-written under a
final name: the work happens in hidden folders inside --to that are removed on any failure, and the old
copy stays as it was until the new one is in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import duckdb

from cedar import paths
from cedar.errors import UsageError
from cedar.validate import readonly

from . import csvsafe, delta, download, partitions, remote, selection, snapshot
from . import version as versions
from .acled_export import FILE_NAME as ACLED_FILE
from .acled_export import copy_acled_csv
from .manifest import MANIFEST, SUMS, sha256_file

Say = Callable[[str], None]
# The sync's DuckDB memory before it spills (a user's machine; the build's staging has a larger one).
MEMORY_LIMIT = "2GB"


@dataclass
class SyncResult:
    version: str
    source: str
    folder: Path
    copy_version: str | None  # the release the copy held before
    mode: str  # current | delta | partitions | full
    reason: str | None = None  # why a full download was needed
    chain: list[str] = field(default_factory=list)  # releases whose deltas were applied, in order
    fetched_bytes: int = 0
    full_bytes: int = 0  # what a full download of the target's files would fetch
    counts: dict[str, int] = field(default_factory=dict)  # events added, updated, deleted since the copy
    fetched_whole: list[str] = field(default_factory=list)  # rebuilt files that differed and were fetched
    seconds: float = 0.0
    into: dict[str, Any] | None = None
    selection: selection.Selection = field(default_factory=selection.Selection)
    fetched_files: list[str] = field(default_factory=list)  # files fetched whole (mode partitions)
    kept_files: int = 0  # files taken unchanged from the copy (mode partitions)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "source": self.source, "folder": str(self.folder),
                "from_version": self.copy_version, "mode": self.mode, "reason": self.reason, "chain": self.chain,
                "fetched_bytes": self.fetched_bytes, "full_bytes": self.full_bytes, "changes": self.counts,
                "fetched_whole": self.fetched_whole, "seconds": round(self.seconds, 3), "into": self.into,
                "selection": None if self.selection.everything else self.selection.to_dict(),
                "fetched_files": self.fetched_files, "kept_files": self.kept_files}


@dataclass
class _Copy:
    folder: Path
    version: str
    manifest: dict[str, Any]
    raw: bytes


class _Full(Exception):
    """The copy cannot be brought up to date by deltas; the message says why."""


def find_copy(to: Path) -> Path | None:
    """The newest version folder in `to` that holds a manifest.json (None when there is none)."""
    if (to / MANIFEST).is_file():
        raise UsageError(f"{to} is one release's own folder (it holds {MANIFEST}), not the folder of copies.",
                         "Give the folder above it with --to: the one `cedar download --to` was given.")
    if not to.is_dir():
        return None
    found = [p for p in to.iterdir() if versions.is_version(p.name) and p.is_dir() and not p.is_symlink()
             and (p / MANIFEST).is_file()]
    return max(found, key=lambda p: versions.sort_key(p.name)) if found else None


def sync(source_text: str, to: Path, wanted: str = "latest", *, into: Path | None = None,
         timeout: float = remote.DEFAULT_TIMEOUT, tries: int = remote.DEFAULT_TRIES,
         backoff: float = remote.BACKOFF, listener: download.Listener | None = None,
         say: Say | None = None) -> SyncResult:
    t0 = time.perf_counter()
    say = say or (lambda _m: None)
    listener = listener or download._Unwatched()
    if wanted != "latest":
        versions.parse(wanted)
    source = remote.open_source(source_text, timeout=timeout, tries=tries, backoff=backoff)
    target_db = None
    if into is not None:  # opened before anything is fetched: a wrong --into is told at once
        from .sync_into import Target

        target_db = Target(into)
    try:
        result = _sync(source, source_text, to, wanted, listener, say, timeout, tries, backoff)
        if target_db is not None:
            result.into = target_db.update(result.folder)
    finally:
        if target_db is not None:
            target_db.close()
    result.seconds = time.perf_counter() - t0
    return result


def _sync(source: remote.Source, source_text: str, to: Path, wanted: str, listener: download.Listener, say: Say,
          timeout: float, tries: int, backoff: float) -> SyncResult:
    releases = download.read_index(source)
    entry = download.pick(releases, wanted, source.describe())
    target = entry["version"]
    paths.writable_folder(to, "--to folder")
    copy_folder = find_copy(to)
    result = SyncResult(target, source.describe(), to / target, copy_folder.name if copy_folder else None, "delta")
    # the copy's part of the release (selection.json) is the result's too, however it is made
    result.selection = selection.read(copy_folder) if copy_folder else selection.Selection()
    try:
        copy = _check_copy(source, releases, copy_folder)
        if copy.version == target:
            result.mode = "current"
            result.full_bytes = _bytes_of(copy.manifest, selection.split(
                copy.manifest, download.select(copy.manifest, _form(copy)), result.selection)[0])
            say(f"{copy.folder} already holds release {target}, unchanged.")
        else:
            man_t, raw_t = download.fetch_manifest(source, entry)
            result.fetched_bytes += len(raw_t)
            if partitions.is_partitioned(man_t):
                _by_partitions(source, entry, man_t, raw_t, copy, to, result, listener, say)
            else:
                if not (copy.folder / "events.parquet").is_file():
                    raise _Full("the copy has no Parquet tables to apply changes to")
                _by_deltas(source, releases, entry, (man_t, raw_t), copy, to, result, listener, say)
    except _Full as why:
        result.mode, result.reason = "full", str(why)
        say(f"Full download of release {target}: {why}.")
        _full(source_text, entry, to, copy_folder, result, listener, timeout, tries, backoff)
    return result


def _check_copy(source: remote.Source, releases: list[dict[str, Any]], folder: Path | None) -> _Copy:
    """The copy, checked against the release store: its manifest is the published one, and every file it
    holds matches that manifest (a file the copy lacks is fetched later, as `--files parquet` leaves CSVs)."""
    if folder is None:
        raise _Full("there is no copy of a release in the --to folder yet")
    v = folder.name
    entry = next((r for r in releases if r["version"] == v), None)
    if entry is None:
        raise _Full(f"the copy's release {v} is not published in {source.describe()}")
    raw = (folder / MANIFEST).read_bytes()
    if hashlib.sha256(raw).hexdigest() != entry["manifest_sha256"]:
        raise _Full(f"the copy's {MANIFEST} differs from the one published for {v} (edited or damaged)")
    man, _ = download.fetch_manifest(remote.FolderSource(folder.parent), entry)
    for name, meta in man["files"].items():
        p = folder / name
        if not p.exists():
            continue
        if not p.is_file() or p.is_symlink() or p.stat().st_size != meta["bytes"] or sha256_file(p) != meta["sha256"]:
            raise _Full(f"{name} of the copy does not match its manifest (edited by hand or damaged)")
    return _Copy(folder, v, man, raw)


def _form(copy: _Copy | None) -> str:
    """The files the result holds: what the copy held (all, or Parquet only: none of the CSV files that
    have a Parquet twin; a release whose tables have no CSV form, as a partitioned one, counts as all)."""
    return "all" if copy is None else _form_of(copy.folder, copy.manifest)


def _form_of(folder: Path, man: dict[str, Any]) -> str:
    files = man.get("files") or {}
    twins = [n for n in files if n.endswith(".csv") and n[:-4] + ".parquet" in files]
    if not twins or any((folder / n).is_file() for n in twins):
        return "all"
    return "parquet"


def _bytes_of(man: dict[str, Any], names: list[str]) -> int:
    return sum(man["files"][n]["bytes"] for n in names)


def _chain(releases: list[dict[str, Any]], copy_version: str, target: str) -> list[dict[str, Any]]:
    """The releases after the copy's up to the target, oldest first, each naming the one before it."""
    key = versions.sort_key
    if key(copy_version) > key(target):
        raise _Full(f"the copy holds {copy_version}, newer than {target}; deltas only go forward")
    chain = sorted((r for r in releases if key(copy_version) < key(r["version"]) <= key(target)),
                   key=lambda r: key(r["version"]))
    before = copy_version
    for r in chain:
        if r.get("previous_version") != before:
            raise _Full(f"release {r['version']} does not follow {before} (its previous release is "
                        f"{r.get('previous_version')}), so its delta does not apply to it")
        before = r["version"]
    return chain


def _by_deltas(source: remote.Source, releases: list[dict[str, Any]], entry: dict[str, Any],
               target_manifest: tuple[dict[str, Any], bytes], copy: _Copy, to: Path, result: SyncResult,
               listener: download.Listener, say: Say) -> None:
    target = entry["version"]
    _not_in_the_way(to / target)
    chain = _chain(releases, copy.version, target)
    manifests = []
    for r in chain:
        if r["version"] == target:
            man, raw = target_manifest
        else:
            man, raw = download.fetch_manifest(source, r)
            result.fetched_bytes += len(raw)
        if not delta.has_delta(man["files"]):
            raise _Full(f"release {r['version']} publishes no delta (built before releases had one)")
        manifests.append((r, man, raw))
    say(f"Release {target} from {source.describe()}: applying the changes of "
        f"{', '.join(r['version'] for r in chain)} to the copy of {copy.version}.")
    download._remove_stale_stages(to)
    stage = to / f".cedar-{target}.sync.download-{os.getpid()}"
    work = to / f".cedar-{target}.work.download-{os.getpid()}"
    for p in (stage, work):
        shutil.rmtree(p, ignore_errors=True)
    stage.mkdir()
    try:
        for r, man, _raw in manifests:  # the target's own delta goes straight into the new copy
            where = stage if r["version"] == target else work / r["version"]
            for name in delta.FILES:
                download._fetch_one(source, r["version"], name, man["files"][name], where, listener)
                result.fetched_bytes += man["files"][name]["bytes"]
        man_t, raw_t = manifests[-1][1], manifests[-1][2]
        names = download.select(man_t, _form(copy))
        result.full_bytes = _bytes_of(man_t, names) + len(raw_t)
        result.counts = _rebuild(copy, [stage if r["version"] == target else work / r["version"] for r, _m, _r in
                                        manifests], work, stage, names)
        _complete(source, target, man_t, names, copy, stage, result, listener, say)
        (stage / MANIFEST).write_bytes(raw_t)
        selection.write(stage, result.selection)
        _write_sums(source, target, man_t, entry, stage, result)
        result.chain = [r["version"] for r in chain]
        _swap_in(stage, to / target, copy.folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def _not_in_the_way(final: Path) -> None:
    if os.path.lexists(final):  # not a copy (no manifest.json), so not ours to replace
        raise UsageError(f"{final} exists and does not hold a release (it has no {MANIFEST}).",
                         "Move it away, or sync into another --to folder.")


def _by_partitions(source: remote.Source, entry: dict[str, Any], man: dict[str, Any], raw: bytes, copy: _Copy,
                   to: Path, result: SyncResult, listener: download.Listener, say: Say) -> None:
    """A partitioned target, file by file: the files of the copy's selection whose sha256 the copy holds
    already are taken from it, the others fetched and checked; the copy's other files are left behind."""
    target = entry["version"]
    _not_in_the_way(to / target)
    result.mode = "partitions"
    names, _skipped = selection.split(man, download.select(man, _form(copy)), result.selection)
    result.full_bytes = _bytes_of(man, names) + len(raw)
    say(f"Release {target} from {source.describe()}: fetching the files that changed since {copy.version}.")
    download._remove_stale_stages(to)
    stage = to / f".cedar-{target}.sync.download-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    try:
        for name in names:
            meta = man["files"][name]
            old = copy.manifest["files"].get(name)
            if old is not None and old["sha256"] == meta["sha256"] and (copy.folder / name).is_file():
                (stage / name).parent.mkdir(parents=True, exist_ok=True)
                _link_or_copy(copy.folder / name, stage / name)
                result.kept_files += 1
                continue
            download._fetch_one(source, target, name, meta, stage, listener)
            result.fetched_bytes += meta["bytes"]
            result.fetched_files.append(name)
        (stage / MANIFEST).write_bytes(raw)
        selection.write(stage, result.selection)
        _write_sums(source, target, man, entry, stage, result)
        _swap_in(stage, to / target, copy.folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _rebuild(copy: _Copy, deltas: list[Path], work: Path, stage: Path, names: list[str]) -> dict[str, int]:
    """The target's table files in `stage`, from the copy's Parquet tables with every delta applied.
    Returns the events added, updated and deleted against the copy."""
    con = _work_database(work)
    try:
        counts = delta.stage_chain(con, copy.folder, deltas, snapshot.id_order())
        _write_tables(con, stage, names)
    finally:
        con.close()
    return counts


def _work_database(work: Path) -> Any:
    """An in-memory DuckDB (nothing here needs to outlive the sync) in UTC, its memory bounded
    (MEMORY_LIMIT), spilling to `work` past it."""
    work.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config=readonly.NO_EXTENSIONS)
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute("SET temp_directory = '" + str(work / "spill").replace("'", "''") + "'")
    return con


def _write_tables(con: Any, stage: Path, names: list[str]) -> None:
    """The table files the build writes, written the same way (DuckDB COPY on one thread, so that row
    groups keep the tables' order, two files at a time on their own cursors), for the names the result
    holds."""
    columns = snapshot.table_columns()
    jobs: list[Callable[[Any], None]] = []

    def parquet(table: str) -> Callable[[Any], None]:
        path = str(stage / f"{table}.parquet").replace("'", "''")
        return lambda cur: cur.execute(f"COPY {table} TO '{path}' (FORMAT parquet, COMPRESSION zstd)")

    def csv(table: str) -> Callable[[Any], None]:
        return lambda cur: csvsafe.copy_csv(cur, table, columns[table], stage / f"{table}.csv")

    if ACLED_FILE in names:
        jobs.append(lambda cur: copy_acled_csv(cur, "events", stage / ACLED_FILE))
    for table in delta.TABLES:
        jobs += [csv(table)] if f"{table}.csv" in names else []
        jobs += [parquet(table)] if f"{table}.parquet" in names else []
    con.execute("SET threads = 1")
    queues = [jobs[0::2], jobs[1::2]]  # the two biggest (the events' CSVs) first, one in each queue

    def run(queue: list[Callable[[Any], None]]) -> None:
        cur = con.cursor()
        try:
            for job in queue:
                job(cur)
        finally:
            cur.close()

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="copy") as pool:
        for future in [pool.submit(run, q) for q in queues]:
            future.result()


def _complete(source: remote.Source, target: str, man: dict[str, Any], names: list[str], copy: _Copy, stage: Path,
              result: SyncResult, listener: download.Listener, say: Say) -> None:
    """Every file of the target in `stage`: a rebuilt one kept when it matches the manifest (else fetched
    whole), an unchanged one taken from the copy, the rest fetched."""
    for name in names:
        meta = man["files"][name]
        mine = stage / name
        if mine.is_file():
            if mine.stat().st_size == meta["bytes"] and sha256_file(mine) == meta["sha256"]:
                continue
            mine.unlink()
            result.fetched_whole.append(name)
            say(f"  {name}: the rebuilt file differs from the published one; fetching it whole.")
        old = copy.manifest["files"].get(name)
        if old is not None and old["sha256"] == meta["sha256"] and (copy.folder / name).is_file():
            mine.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(copy.folder / name, mine)
            continue
        download._fetch_one(source, target, name, meta, stage, listener)
        result.fetched_bytes += meta["bytes"]


def _link_or_copy(src: Path, dest: Path) -> None:
    """A hard link where the file system allows (the old copy is removed afterwards), else a copy."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def _write_sums(source: remote.Source, target: str, man: dict[str, Any], entry: dict[str, Any], stage: Path,
                result: SyncResult) -> None:
    try:
        raw = source.read_small(f"{target}/{SUMS}")
    except remote.NotFound:
        return
    download.check_sums(raw, man, entry["manifest_sha256"], source.describe(f"{target}/{SUMS}"))
    (stage / SUMS).write_bytes(raw)
    result.fetched_bytes += len(raw)
    # CITATION.cff names the manifest's hash, so only SHA256SUMS lists it: fetched and checked against it
    result.fetched_bytes += download.fetch_citation(source, target, raw, stage, None)


def _swap_in(stage: Path, final: Path, old: Path) -> None:
    """The finished folder takes its final name in one rename; then the copy it replaces is removed."""
    if os.path.lexists(final):
        raise UsageError(f"{final} appeared during the sync.", "Run the sync again.")
    os.rename(stage, final)
    if old != final and old.is_dir():
        aside = old.with_name(f".cedar-{old.name}.replaced-{os.getpid()}")
        os.rename(old, aside)
        shutil.rmtree(aside, ignore_errors=True)


def _full(source_text: str, entry: dict[str, Any], to: Path, copy_folder: Path | None, result: SyncResult,
          listener: download.Listener, timeout: float, tries: int, backoff: float) -> None:
    """A full download of the target (the files of a copy of the same release that still match are kept);
    the copy of an earlier release is removed once the new one is in place."""
    target = entry["version"]
    fmt = "all"
    if copy_folder is not None:
        try:
            fmt = _form_of(copy_folder, json.loads((copy_folder / MANIFEST).read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError):  # a damaged copy: its form as far as its files tell
            fmt = "all" if (copy_folder / "events.csv").is_file() else "parquet"
    got = download.download(source_text, target, to, fmt, timeout=timeout, tries=tries, backoff=backoff,
                            listener=listener, force=copy_folder is not None and copy_folder.name == target,
                            select_rows=result.selection)
    result.fetched_bytes += got.downloaded_bytes
    result.full_bytes = sum(f.bytes for f in got.files)
    if copy_folder is not None and copy_folder.name != target and copy_folder.is_dir():
        aside = copy_folder.with_name(f".cedar-{copy_folder.name}.replaced-{os.getpid()}")
        os.rename(copy_folder, aside)
        shutil.rmtree(aside, ignore_errors=True)
