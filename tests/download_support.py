"""A release store built once per test run (the seed's six events, released through the real
build and gate), copied afresh for every test that changes it."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from release_support import make_store

V1 = "2026.11.1"
_BUILT: dict[str, Path] = {}


def pristine_store(tmp_path_factory) -> Path:  # noqa: ANN001
    """The built release store (do not change it: copy it with `copy_store`)."""
    if "store" not in _BUILT:
        from cedar.releases.build import build_release

        root = tmp_path_factory.mktemp("download-source")
        db = make_store(root / "cedar.duckdb")
        result = build_release(V1, db, root / "releases")
        assert result.passed
        _BUILT["store"] = root / "releases"
        _BUILT["db"] = db
    return _BUILT["store"]


def store_db() -> Path:
    return _BUILT["db"]


def copy_store(tmp_path_factory, dest: Path) -> Path:  # noqa: ANN001
    shutil.copytree(pristine_store(tmp_path_factory), dest, ignore=shutil.ignore_patterns(".lock"))
    return dest


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_manifest(store: Path, version: str, change) -> None:  # noqa: ANN001
    """Change a release's manifest and re-sign it in index.json, as a hostile store would."""
    path = store / version / "manifest.json"
    man = json.loads(path.read_text(encoding="utf-8"))
    change(man)
    path.write_text(json.dumps(man, indent=2), encoding="utf-8")
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    for r in index["releases"]:
        if r["version"] == version:
            r["manifest_sha256"] = sha(path)
    (store / "index.json").write_text(json.dumps(index, indent=2), encoding="utf-8")
