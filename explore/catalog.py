"""Which releases the explorer can show: a release folder, a folder `cedar download` filled (one
folder per version), or a release store (index.json names what is published)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar import paths
from cedar.errors import UsageError
from cedar.releases import index, localrelease
from cedar.releases import version as versions
from cedar.releases.manifest import MANIFEST


@dataclass
class Catalog:
    """The versions there are, newest first, each with its folder; `default` is shown first."""

    folders: dict[str, Path] = field(default_factory=dict)
    default: str = ""

    @property
    def versions(self) -> list[str]:
        return sorted(self.folders, key=versions.sort_key, reverse=True)

    def folder(self, version: str | None) -> Path:
        if not version:
            return self.folders[self.default]
        if version not in self.folders:
            raise UsageError(f"Version {version} is not among the releases served.",
                             f"The versions are: {', '.join(self.versions)}.")
        return self.folders[version]


def _version_of(folder: Path) -> str:
    try:
        found = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("version")
    except (OSError, ValueError, AttributeError):
        found = None
    if versions.is_version(found):
        return str(found)
    return folder.name if versions.is_version(folder.name) else "unversioned"


def open_catalog(location: Path, version: str | None = None) -> Catalog:
    """The releases at `location`, with `version` (else the newest) first; wrong calls raise UsageError."""
    if version is not None and not versions.is_version(version):
        raise UsageError(f"--version {version!r} is not a release version (YYYY.MM.N).",
                         "Give a published version, e.g. --version 2026.11.1.")
    if os.path.lexists(location):
        paths.folder(location, "release folder")
    if not location.exists():
        raise UsageError(f"There is no release at {location}.",
                         "Give a release folder, a folder `cedar download` filled, or a release store.")
    if (location / MANIFEST).is_file():
        cat = Catalog({_version_of(location): location})
    else:
        published = {r["version"] for r in index.read_index(location)}
        found = {p.name: p for p in location.iterdir()
                 if p.is_dir() and versions.is_version(p.name) and (p / MANIFEST).is_file()
                 and (not published or p.name in published)}
        if not found:
            localrelease.find_release(location)  # raises the usual message for a folder without a release
        cat = Catalog(found)
    cat.default = cat.versions[0]
    if version is not None:
        cat.folder(version)
        cat.default = version
    return cat


def manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
