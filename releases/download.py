"""`cedar download` and `cedar release list --releases URL`: a release from a release store (a folder or
an HTTP(S) URL) into a local folder, checked link by link before any file gets its name.

The chain of trust: index.json names each version with the sha256 of its manifest.json; the
manifest names every file of the release with its bytes and sha256; SHA256SUMS must agree with
both. So:

1. index.json is read (bounded in size) and every entry checked: a version that is not YYYY.MM.N
   (it becomes a folder name) or a hash that is not a sha256 is refused.
2. <version>/manifest.json is read, its sha256 compared with the index's, and every path in it
   checked: no `..`, no absolute path, no backslash, no drive letter, no control character.
3. Every file is streamed into a hidden staging folder inside the target folder, under a
   temporary `.part` name, never past its manifest size; its sha256 is compared with the
   manifest's; only then is it renamed (os.replace) to its name in the staging folder.
4. When every file has arrived and matched, manifest.json and SHA256SUMS are written and the
   staging folder is renamed to <to>/<version> in one step (or, when that folder exists from an
   earlier download, each file is moved into it with os.replace). On any failure the staging
   folder is removed: no partial file ever sits under a final name.

Files already in <to>/<version> with the manifest's sha256 are not fetched again. With --years or
--countries (releases/selection.py), a partitioned release's partition files outside the selection are
skipped, and selection.json tells the local views which rows the copy holds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from cedar import paths
from cedar.errors import CedarError, TransferError, UsageError

from . import remote, selection
from . import version as versions
from .index import INDEX
from .licensing import CITATION
from .manifest import MANIFEST, SUMS

FORMATS = ("parquet", "csv", "all")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DRIVE = re.compile(r"^[A-Za-z]:")
MAX_PATH = 255


@dataclass
class FileResult:
    name: str
    bytes: int
    sha256: str
    status: str  # downloaded | present

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "bytes": self.bytes, "sha256": self.sha256, "status": self.status}


@dataclass
class DownloadResult:
    version: str
    source: str
    folder: Path
    format: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    stats: remote.Stats = field(default_factory=remote.Stats)
    selection: selection.Selection = field(default_factory=selection.Selection)
    skipped: list[str] = field(default_factory=list)  # partition files outside the selection
    skipped_bytes: int = 0

    @property
    def downloaded_bytes(self) -> int:
        return sum(f.bytes for f in self.files if f.status == "downloaded")

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "source": self.source, "folder": str(self.folder), "format": self.format,
                "files": [f.to_dict() for f in self.files], "downloaded_bytes": self.downloaded_bytes,
                "seconds": round(self.seconds, 3), "retries": self.stats.retries, "resumed": self.stats.resumed,
                "restarted": self.stats.restarted,
                "selection": None if self.selection.everything else self.selection.to_dict(),
                "skipped": self.skipped, "skipped_bytes": self.skipped_bytes}


class Listener(Protocol):
    """What a caller may watch: a file begins, its bytes arrive, it is done. The command line
    draws a progress bar from these; the defaults do nothing."""

    def start(self, name: str, size: int) -> None: ...

    def advance(self, name: str, have: int) -> None: ...

    def done(self, name: str, status: str) -> None: ...


class _Unwatched:
    """The listener when nobody watches: every call does nothing."""

    def start(self, name: str, size: int) -> None: ...

    def advance(self, name: str, have: int) -> None: ...

    def done(self, name: str, status: str) -> None: ...


# --- the index -------------------------------------------------------------------------------

def read_index(source: remote.Source) -> list[dict[str, Any]]:
    """The store's published releases, newest first, each entry checked."""
    try:
        raw = source.read_small(INDEX)
    except remote.NotFound:
        hint = "Give the folder or URL that holds index.json and the version folders."
        try:
            source.read_small(MANIFEST, 1 << 20)
            hint = ("This looks like one release's own folder (it has a manifest.json): give the folder above it, "
                    "which holds index.json, and the version as an argument.")
        except CedarError:
            pass
        raise TransferError(f"{source.describe()} is not a Cedar release store: it has no {INDEX} "
                            f"({source.describe(INDEX)} was not found).", hint) from None
    try:
        data = json.loads(raw.decode("utf-8"))
        releases = data["releases"]
        if not isinstance(releases, list):
            raise TypeError("'releases' is not a list")
    except RecursionError:  # a document nested thousands deep: json gives up, and so do we
        raise TransferError(f"The release index {source.describe(INDEX)} cannot be read: it is nested too deep.",
                            "This is not a Cedar release store, or its index.json is damaged; tell its maintainers.") \
            from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise TransferError(f"The release index {source.describe(INDEX)} cannot be read: {exc}.",
                            "This is not a Cedar release store, or its index.json is damaged; tell its maintainers.") \
            from None
    seen = set()
    for n, entry in enumerate(releases, start=1):
        where = f"entry {n} of {source.describe(INDEX)}"
        if not isinstance(entry, dict):
            raise TransferError(f"The release index is damaged: {where} is not an object.")
        v = entry.get("version")
        if not isinstance(v, str) or not versions.is_version(v):
            raise TransferError(f"The release index names a version {v!r} ({where}) that is not YYYY.MM.N: refused.",
                                "A version becomes a folder name, so only YYYY.MM.N is accepted; tell the store's "
                                "maintainers.")
        if v in seen:
            raise TransferError(f"The release index names version {v} twice: refused.")
        seen.add(v)
        sha = entry.get("manifest_sha256")
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise TransferError(f"The release index gives no valid manifest_sha256 for version {v}: refused.",
                                "Without it the release cannot be checked; tell the store's maintainers.")
    return sorted(releases, key=lambda r: versions.sort_key(r["version"]), reverse=True)


def list_releases(source_text: str, **options: Any) -> tuple[str, list[dict[str, Any]]]:
    source = remote.open_source(source_text, **options)
    return source.describe(), read_index(source)


def pick(releases: list[dict[str, Any]], wanted: str, where: str) -> dict[str, Any]:
    if not releases:
        raise TransferError(f"The release store {where} has no published releases yet.")
    if wanted == "latest":
        return releases[0]
    versions.parse(wanted)  # a malformed version is a wrong call (exit 2)
    for r in releases:
        if r["version"] == wanted:
            return r
    shown = ", ".join(r["version"] for r in releases[:10]) + (" ..." if len(releases) > 10 else "")
    # a version the store does not have is a wrong call (exit 2), as in `cedar release diff`
    raise UsageError(f"Version {wanted} is not published in {where}.",
                     f"Published versions, newest first: {shown}. Or ask for `latest`.")


# --- the manifest ----------------------------------------------------------------------------

def safe_relpath(name: Any) -> str:
    """A manifest's file name as a relative POSIX path inside the release folder, or an error."""
    if not isinstance(name, str) or not name:
        raise ValueError("an empty or non-text file name")
    if len(name) > 1024 or any(len(part) > MAX_PATH for part in name.split("/")):
        raise ValueError("a file name that is too long")
    if "\\" in name:
        raise ValueError("a backslash in a file name")
    if name.startswith("/") or _DRIVE.match(name):
        raise ValueError("an absolute path")
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValueError("a control character in a file name")
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise ValueError("a path that steps outside the release folder or is not plain ('..', '.', '//')")
    if any(p.endswith(".part") or p.startswith(".cedar-") for p in parts):
        raise ValueError("a name that Cedar keeps for its own temporary files")
    return name


def fetch_manifest(source: remote.Source, entry: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The manifest of a release, checked against the index, and its exact bytes."""
    v = entry["version"]
    rel = f"{v}/{MANIFEST}"
    try:
        raw = source.read_small(rel)
    except remote.NotFound:
        raise TransferError(f"The release index of {source.describe()} lists version {v}, but its manifest "
                            f"{source.describe(rel)} is missing.",
                            "The release store is incomplete (the release folder was removed or never copied); tell "
                            "its maintainers, or download another version.") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != entry["manifest_sha256"]:
        raise TransferError(f"The manifest of {v} ({source.describe(rel)}) does not match the release index: its "
                            f"sha256 is {digest}, the index says {entry['manifest_sha256']}. Refused: nothing was "
                            "downloaded.", "The release was changed after it was published, or the copy is damaged; "
                            "tell the store's maintainers.")
    try:
        man = json.loads(raw.decode("utf-8"))
        files = man["files"]
        if not isinstance(files, dict):
            raise TypeError("'files' is not an object")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError) as exc:
        raise TransferError(f"The manifest {source.describe(rel)} cannot be read: {exc}.") from None
    if man.get("version") != v:
        raise TransferError(f"The manifest {source.describe(rel)} is for version {man.get('version')!r}, not {v}: "
                            "refused.")
    names = set()
    for name, meta in files.items():
        try:
            safe_relpath(name)
        except ValueError as why:
            raise TransferError(f"The manifest of {v} names a file {name!r}: {why}. Refused: nothing was downloaded.",
                                "A release may only hold files inside its own folder; this store is not to be "
                                "trusted.") from None
        if name in (MANIFEST, SUMS):
            raise TransferError(f"The manifest of {v} lists {name} among its files: refused.")
        if not isinstance(meta, dict) or not isinstance(meta.get("bytes"), int) or isinstance(meta.get("bytes"), bool) \
                or meta["bytes"] < 0 or not isinstance(meta.get("sha256"), str) or not _SHA256.match(meta["sha256"]):
            raise TransferError(f"The manifest of {v} gives no valid bytes and sha256 for {name}: refused.")
        names.add(name)
    try:
        selection.partitions(man)
    except ValueError as why:
        raise TransferError(f"The manifest {source.describe(rel)} cannot be read: {why}.") from None
    for name in names:  # "a" and "a/b" cannot both be files
        parts = name.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in names:
                raise TransferError(f"The manifest of {v} names {'/'.join(parts[:i])} both as a file and as a folder: "
                                    "refused.")
    return man, raw


def check_sums(raw: bytes, man: dict[str, Any], manifest_sha: str, where: str) -> None:
    """SHA256SUMS is not in the manifest (it hashes the manifest), so it must agree with it."""
    expected = {name: meta["sha256"] for name, meta in man["files"].items()}
    expected[MANIFEST] = manifest_sha
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise TransferError(f"{where} is not UTF-8 text: refused.") from None
    for line in lines:
        digest, sep, name = line.partition("  ")
        if sep and name == CITATION and _SHA256.match(digest):
            continue  # written after the manifest (it names the manifest's hash): checked when it is fetched
        if not sep or expected.get(name) != digest:
            raise TransferError(f"{where} does not agree with the manifest (at {line[:120]!r}): refused.",
                                "The release was changed after it was published; tell the store's maintainers.")


def select(man: dict[str, Any], fmt: str) -> list[str]:
    """The files to fetch: with parquet, a table's CSV is left out where its Parquet exists, and
    the other way round with csv; every other file (codebook, changes, deletions, validation, ...) always."""
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format '{fmt}'.", "Use parquet, csv or all.")
    names = sorted(man["files"])
    if fmt == "all":
        return names
    drop, keep = (".csv", ".parquet") if fmt == "parquet" else (".parquet", ".csv")
    present = set(names)
    return [n for n in names if not (n.endswith(drop) and n[: -len(drop)] + keep in present)]


# --- the download ----------------------------------------------------------------------------

def _matches(path: Path, size: int, sha: str) -> bool:
    if not path.is_file() or path.is_symlink() or path.stat().st_size != size:
        return False
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest() == sha


def download(source_text: str, wanted: str = "latest", to: Path = Path("."), fmt: str = "all", *,
             timeout: float = remote.DEFAULT_TIMEOUT, tries: int = remote.DEFAULT_TRIES,
             backoff: float = remote.BACKOFF, listener: Listener | None = None,
             say: Callable[[str], None] | None = None, force: bool = False,
             select_rows: selection.Selection | None = None) -> DownloadResult:
    """The release `wanted` into <to>/<version>; with `select_rows`, the part of it that selection names."""
    t0 = time.perf_counter()
    sel = select_rows or selection.Selection()
    listener = listener or _Unwatched()
    say = say or (lambda _m: None)
    if fmt not in FORMATS:
        raise UsageError(f"Unknown format '{fmt}'.", "Use parquet, csv or all.")
    if wanted != "latest":
        versions.parse(wanted)
    source = remote.open_source(source_text, timeout=timeout, tries=tries, backoff=backoff)
    entry = pick(read_index(source), wanted, source.describe())
    v = entry["version"]
    say(f"Release {v} from {source.describe()}")
    man, raw_manifest = fetch_manifest(source, entry)
    try:
        raw_sums: bytes | None = source.read_small(f"{v}/{SUMS}")
    except remote.NotFound:
        raw_sums = None
    if raw_sums is not None:
        check_sums(raw_sums, man, entry["manifest_sha256"], source.describe(f"{v}/{SUMS}"))

    paths.writable_folder(to, "--to folder")
    with paths.new_folder(to):  # a folder this download made is removed again when it fails
        return _download_into(source, entry, man, raw_manifest, raw_sums, to, fmt, force, listener, t0, sel)


def _download_into(source: remote.Source, entry: dict[str, Any], man: dict[str, Any], raw_manifest: bytes,
                   raw_sums: bytes | None, to: Path, fmt: str, force: bool, listener: Listener,
                   t0: float, sel: selection.Selection) -> DownloadResult:
    v = entry["version"]
    files = man["files"]
    names, skipped = selection.split(man, select(man, fmt), sel)
    final = to / v
    if os.path.lexists(final) and (final.is_symlink() or not final.is_dir()):
        raise UsageError(f"{final} exists and is not a folder.", "Move it away or give another --to.")
    replace = _other_release(final, raw_manifest, force)
    result = DownloadResult(v, source.describe(), final, fmt, stats=source.stats, selection=sel, skipped=skipped,
                            skipped_bytes=sum(files[n]["bytes"] for n in skipped))
    todo = []
    for name in names:
        meta = files[name]
        if not replace and final.is_dir() and _matches(final / name, meta["bytes"], meta["sha256"]):
            result.files.append(FileResult(name, meta["bytes"], meta["sha256"], "present"))
        else:
            todo.append(name)
    need = sum(files[n]["bytes"] for n in todo)
    free = shutil.disk_usage(to).free
    if need > free:
        raise TransferError(f"Release {v} needs {need} bytes in {to}, which has {free} free.",
                            "Free some space, or download to another folder with --to, or fewer files with "
                            "--format parquet.")

    _remove_stale_stages(to)
    stage = to / f".cedar-{v}.download-{os.getpid()}"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    try:
        for name in todo:
            meta = files[name]
            _fetch_one(source, v, name, meta, stage, listener)
            result.files.append(FileResult(name, meta["bytes"], meta["sha256"], "downloaded"))
        (stage / MANIFEST).write_bytes(raw_manifest)
        selection.write(stage, sel)
        if raw_sums is not None:
            (stage / SUMS).write_bytes(raw_sums)
            fetch_citation(source, v, raw_sums, stage, None if replace else final)
        _swap(stage, final) if replace else _publish(stage, final)
        _narrow(final, sel, skipped)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    result.files.sort(key=lambda f: f.name)
    result.seconds = time.perf_counter() - t0
    return result


def _narrow(final: Path, sel: selection.Selection, skipped: list[str]) -> None:
    """An earlier copy of the same release in `final` made to hold this selection: no selection.json when
    it is the whole release, and none of the partition files outside it (removed after selection.json
    is in place, so the views never read rows the copy is about to lose)."""
    if sel.everything:
        (final / selection.SELECTION).unlink(missing_ok=True)
    for name in skipped:
        path = final / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            try:  # its year's folder, when that is now empty
                path.parent.rmdir()
            except OSError:
                pass


def fetch_citation(source: remote.Source, v: str, raw_sums: bytes, stage: Path, final: Path | None) -> int:
    """The release's CITATION.cff, which SHA256SUMS hashes and the manifest cannot (it names the manifest's
    hash); a release built before it existed has none. A copy already in `final` that matches is kept.
    The bytes fetched."""
    digest = next((d for d, _, n in (line.partition("  ") for line in raw_sums.decode("utf-8").splitlines())
                   if n == CITATION), None)
    if digest is None or (final is not None and _matches(final / CITATION, (final / CITATION).stat().st_size
                                                         if (final / CITATION).is_file() else -1, digest)):
        return 0
    raw = source.read_small(f"{v}/{CITATION}")
    if hashlib.sha256(raw).hexdigest() != digest:
        raise TransferError(f"{source.describe(f'{v}/{CITATION}')} does not match SHA256SUMS: refused.",
                            "The release was changed after it was published; tell the store's maintainers.")
    (stage / CITATION).write_bytes(raw)
    return len(raw)


def _other_release(final: Path, raw_manifest: bytes, force: bool) -> bool:
    """True when `final` holds something other than this very release (another release's files, the user's
    own): it is replaced whole, and only with `force`. The same release is completed file by file."""
    if not final.is_dir():
        return False
    present = sorted(final.iterdir())
    if not present:
        return False
    mine = final / MANIFEST
    if mine.is_file() and not mine.is_symlink() and mine.read_bytes() == raw_manifest:
        return False
    if not force:
        raise UsageError(f"{final} exists and does not hold this release (its manifest.json differs or is missing): "
                         f"downloading would replace {paths.describe(present)}.",
                         "Add --force to replace that folder with the release, or download with another --to.")
    return True


def _swap(stage: Path, final: Path) -> None:
    """`final` replaced whole by the finished staging folder: the old one is renamed aside, then removed."""
    old = final.with_name(f".cedar-{final.name}.replaced-{os.getpid()}")
    os.rename(final, old)
    os.rename(stage, final)
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def _remove_stale_stages(to: Path) -> None:
    """Staging folders of downloads that were killed (kill -9, power loss) are removed once their
    process is gone; a download still running in another process keeps its own."""
    for p in to.glob(".cedar-*.download-*"):
        pid = p.name.rsplit("-", 1)[-1]
        if p.is_dir() and not p.is_symlink() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def _fetch_one(source: remote.Source, v: str, name: str, meta: dict[str, Any], stage: Path,
               listener: Listener) -> None:
    size, sha = meta["bytes"], meta["sha256"]
    target = stage / name
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    listener.start(name, size)
    ok = False
    try:
        with part.open("wb") as out:
            digest = source.fetch(f"{v}/{name}", out, size, lambda have: listener.advance(name, have))
            out.flush()
            os.fsync(out.fileno())
        got = part.stat().st_size
        if got != size:
            raise TransferError(f"{name}: {got} bytes arrived, the manifest says {size}. Refused and removed.",
                                "Run the download again; if it happens again, tell the store's maintainers.")
        if digest != sha:
            raise TransferError(f"{name} does not match its manifest: its sha256 is {digest}, the manifest says {sha}. "
                                "The file was refused and removed.",
                                f"The file at {source.describe(f'{v}/{name}')} was changed after release {v} was "
                                "published, or was damaged on the way; tell the store's maintainers.")
        os.replace(part, target)
        ok = True
    finally:
        if not ok:
            part.unlink(missing_ok=True)
        listener.done(name, "downloaded" if ok else "failed")


def _publish(stage: Path, final: Path) -> None:
    """The staging folder becomes <to>/<version> in one rename, or, when that folder is there
    already (an earlier download), its files are moved in one by one, the manifest last."""
    try:
        os.rename(stage, final)
        return
    except OSError:
        if not final.is_dir():
            raise
    names = sorted((p for p in stage.rglob("*") if p.is_file()), key=lambda p: (p.name in (MANIFEST, SUMS), str(p)))
    for p in names:
        rel = p.relative_to(stage)
        dest = final / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(p, dest)
