"""`cedar cite`: how to cite a release, as text, BibTeX or CFF, from its manifest.

The citation names the release's version, date and the sha256 of its manifest.json (which hashes every
other file), and lists the datasets its events come from with their own citations. It is made from the
manifest (checked against index.json where there is one), so it is the same for a release in a release
store, behind a URL, or in a downloaded copy (a folder of version folders, or one version's folder), and
for a release built before releases carried CITATION.cff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cedar import paths
from cedar.errors import DataError, UsageError
from cedar.schema.licences import BY_LICENSOR, CEDAR

from . import download, licensing, remote
from . import version as versions
from .index import INDEX
from .manifest import MANIFEST, sha256_file


@dataclass
class Cited:
    version: str
    created: str
    manifest_sha256: str
    terms: licensing.ReleaseTerms

    def text(self) -> str:
        lines = [licensing.release_citation(self.version, self.created, with_terms=False)
                 + f" sha256 of manifest.json: {self.manifest_sha256}.",
                 f"Licence: {BY_LICENSOR[CEDAR].licence.title} ({BY_LICENSOR[CEDAR].licence.id}) for events coded "
                 "for Cedar; the others under the terms of the datasets they come from."]
        if self.terms.private:
            lines.append("PRIVATE release: it holds events whose terms forbid redistributing them.")
        refs = [BY_LICENSOR[k] for k in self.terms.licensors if k != CEDAR]
        if refs:
            lines.append("Cite also the datasets its events come from:")
            lines += [f"  {t.dataset} ({self.terms.licensors[t.licensor]} events, {t.licence.id}): {t.citation}"
                      for t in refs]
        return "\n".join(lines)

    def bibtex(self) -> str:
        key = "cedar_" + self.version.replace(".", "_")
        note = f"sha256 of manifest.json: {self.manifest_sha256}; licence {BY_LICENSOR[CEDAR].licence.id}"
        if self.terms.private:
            note += "; private release"
        entries = [f"@misc{{{key},\n  author = {{{{Cedar contributors}}}},\n"
                   f"  title = {{{{{licensing.TITLE}}}, release {self.version}}},\n"
                   f"  year = {{{self.created[:4]}}},\n  version = {{{self.version}}},\n"
                   f"  date = {{{self.created[:10]}}},\n  note = {{{note}}}\n}}"]
        for t in (BY_LICENSOR[k] for k in self.terms.licensors if k != CEDAR):
            entries.append(f"@misc{{{key}_{t.licensor.replace('-', '_')},\n  author = {{{{{t.dataset}}}}},\n"
                           f"  title = {{{{{t.dataset}}}}},\n  note = {{{_bib_text(t.citation)}}}\n}}")
        return "\n\n".join(entries)

    def cff(self) -> str:
        return licensing.citation_cff(self.version, self.created, self.manifest_sha256, self.terms)

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "date": self.created[:10], "manifest_sha256": self.manifest_sha256,
                "private": self.terms.private, "licensors": self.terms.licensors, "text": self.text(),
                "bibtex": self.bibtex(), "cff": self.cff()}


def _bib_text(text: str) -> str:
    return text.replace("{", "(").replace("}", ")")


def cite(releases: str, wanted: str = "latest") -> Cited:
    """The citation of release `wanted` (a version or latest) of a release store (folder or URL), a
    downloaded copy, or one release's folder."""
    if wanted != "latest":
        versions.parse(wanted)
    if "://" in releases:  # http(s):// or file://: read as `cedar download` reads it
        source = remote.open_source(releases)
        entry = download.pick(download.read_index(source), wanted, source.describe())
        man, _ = download.fetch_manifest(source, entry)
        return _cited(man, entry["manifest_sha256"])
    folder = Path(releases)
    paths.folder(folder, "release store")
    if (folder / MANIFEST).is_file():  # one release's own folder
        man = _read(folder / MANIFEST)
        if wanted not in ("latest", man.get("version")):
            raise UsageError(f"{folder} holds release {man.get('version')}, not {wanted}.",
                             "Name the version it holds, or the folder that holds several.")
        return _cited(man, sha256_file(folder / MANIFEST))
    if (folder / INDEX).is_file():
        entry = download.pick(download.read_index(remote.open_source(str(folder))), wanted, str(folder))
        path = folder / entry["version"] / MANIFEST
        sha = sha256_file(path) if path.is_file() else ""
        if sha != entry["manifest_sha256"]:
            raise DataError(f"The manifest of release {entry['version']} in {folder} is missing or does not match "
                            "index.json.", "Download the release again (cedar download).")
        return _cited(_read(path), sha)
    held = sorted((p.name for p in folder.iterdir() if versions.is_version(p.name) and (p / MANIFEST).is_file()),
                  key=versions.sort_key)
    if not held:
        raise UsageError(f"{folder} holds no release: no index.json, and no version folder with a manifest.json.",
                         "Name a release store or a downloaded copy with --releases.")
    version = held[-1] if wanted == "latest" else wanted
    if version not in held:
        raise UsageError(f"Release {wanted} is not in {folder} (it holds {', '.join(held)}).",
                         "Name a version it holds, or download that one first.")
    return _cited(_read(folder / version / MANIFEST), sha256_file(folder / version / MANIFEST))


def _read(path: Path) -> dict[str, Any]:
    try:
        man = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(man, dict) or not versions.is_version(man.get("version")):
            raise ValueError("no release version in it")
        return man
    except (OSError, ValueError, RecursionError) as exc:
        raise DataError(f"The manifest {path} cannot be read: {exc}.",
                        "Download the release again (cedar download).") from None


def _cited(man: dict[str, Any], manifest_sha256: str) -> Cited:
    licensors = man.get("licensors")
    known = {k: int(n) for k, n in (licensors.items() if isinstance(licensors, dict) else ())
             if k in BY_LICENSOR and isinstance(n, int)}
    return Cited(man["version"], str(man.get("created") or ""), manifest_sha256,
                 licensing.ReleaseTerms(bool(man.get("private")), known))
