"""The release store's index.json: every published version, newest first, with its manifest's hash.

index.json is the authority on what is published: it lives beside the releases, so anyone who
has the store (a folder, or a copy of it behind a URL) can read it, whereas the DuckDB store's
`releases` table is only written when the store can be opened for writing at the time.
It is only ever replaced whole: written to a temporary file in the same folder, flushed, and
renamed over the old one with os.replace, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from cedar import paths
from cedar.errors import DataError, StoreBusy, UsageError

from . import version as versions

INDEX = "index.json"
FORMAT = "cedar-release-index/1"


def read_index(store: Path) -> list[dict[str, Any]]:
    """The published releases, newest first; an empty list for a store without an index."""
    path = store / INDEX
    if os.path.lexists(store):  # a link loop or a file is not an empty store
        paths.folder(store, "release store")
    if not os.path.lexists(path):
        return []
    paths.input_file(path, "release index")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        releases = list(data["releases"])
    except RecursionError:  # a document nested thousands deep: json gives up, and so do we
        raise DataError(f"The release index {path} cannot be read: it is nested too deep.",
                        "Restore index.json from a copy of the release store.") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"The release index {path} cannot be read: {exc}.",
                        "Restore index.json from a copy of the release store.") from None
    bad = [r.get("version") if isinstance(r, dict) else r for r in releases
           if not isinstance(r, dict) or not versions.is_version(r.get("version"))]
    if bad:
        raise DataError(f"The release index {path} names {bad[0]!r}, which is not a release version (YYYY.MM.N).",
                        "Restore index.json from a copy of the release store.")
    return sorted(releases, key=lambda r: versions.sort_key(r["version"]), reverse=True)


def write_index(store: Path, releases: list[dict[str, Any]]) -> None:
    releases = sorted(releases, key=lambda r: versions.sort_key(r["version"]), reverse=True)
    text = json.dumps({"format": FORMAT, "releases": releases}, ensure_ascii=False, indent=2) + "\n"
    tmp = store / f".{INDEX}.{os.getpid()}.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, store / INDEX)


def latest(store: Path) -> dict[str, Any] | None:
    releases = read_index(store)
    return releases[0] if releases else None


def find(store: Path, version: str) -> dict[str, Any]:
    for r in read_index(store):
        if r["version"] == version:
            return r
    raise UsageError(f"Version {version} is not published in {store}.",
                     f"See the published versions with: cedar release list --releases {store}")


@contextmanager
def store_lock(store: Path) -> Iterator[None]:
    """One release build at a time per release store."""
    store.mkdir(parents=True, exist_ok=True)
    with (store / ".lock").open("a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(f"Another release build is running on {store}.",
                            "Wait for it to finish, then build again.") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
