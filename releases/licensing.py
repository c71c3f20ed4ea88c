"""The terms a release is under (cedar.schema.licences): which events it may publish, what its
datapackage.json says about licences, sources and citation, and its CITATION.cff.

A public release holds only events whose terms allow publishing them. Events under ACLED's terms
(which forbid redistributing its data and building a substitute for it) go only into a release the
maintainer names private (`cedar release build --private`): marked so in its manifest, its entry in
index.json and its datapackage.json, which then carries ACLED's terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cedar.errors import DataError
from cedar.schema.event_ids import order_sql
from cedar.schema.licences import BY_LICENSOR, CEDAR, LICENCES, TERMS

CITATION = "CITATION.cff"
TITLE = "Cedar: political violence and protest events"


@dataclass
class ReleaseTerms:
    private: bool = False
    licensors: dict[str, int] = field(default_factory=dict)  # events per licensor, in TERMS order

    def manifest_fields(self) -> dict[str, Any]:
        return {"private": self.private, "licensors": self.licensors}


def count(con: Any) -> dict[str, int]:
    """Events per licensor in the staged `events` table, in TERMS order."""
    found = dict(con.execute("SELECT licensor, count(*) FROM events GROUP BY licensor").fetchall())
    return {t.licensor: int(found[t.licensor]) for t in TERMS if found.get(t.licensor)}


def check(con: Any, version: str, db: Path, private: bool) -> ReleaseTerms:
    """The release's terms; a public release that would hold events that may not be published is refused
    before a file is written."""
    terms = ReleaseTerms(private, count(con))
    if private:
        return terms
    held = {k: n for k, n in terms.licensors.items() if not BY_LICENSOR[k].redistributable}
    if held:
        names = ", ".join(f"{n} under {BY_LICENSOR[k].licence.title} ({k})" for k, n in held.items())
        ids = [r[0] for r in con.execute(
            f"SELECT event_id FROM events WHERE list_contains(?, licensor) ORDER BY {order_sql('event_id')} LIMIT 3",
            [list(held)]).fetchall()]
        notes = " ".join(BY_LICENSOR[k].note for k in held)
        raise DataError(
            f"Release {version} was not built: the store {db} holds events whose terms forbid publishing them "
            f"({names}; e.g. {', '.join(ids)}: their external_ids name that dataset). {notes} Nothing was written "
            "to the release store.",
            f"For those who hold that permission, build a private release into a release store of its own: "
            f"`cedar release build {version} --private --releases PRIVATE_FOLDER`. For a public release, build "
            "from a store without those events (delete them with `cedar ingest --deletions`, or keep peer "
            "imports in a store of their own).")
    return terms


def _licence(licence_id: str) -> dict[str, str]:
    lic = LICENCES[licence_id]
    return {"name": lic.id, "path": lic.url, "title": lic.title}


def release_citation(version: str, created: str, *, with_terms: bool = True) -> str:
    text = f"Cedar contributors ({created[:4]}). {TITLE}, release {version} ({created[:10]})."
    return text + (" Events under the terms of the datasets they come from (see licenses and sources)."
                   if with_terms else "")


def datapackage_fields(terms: ReleaseTerms, version: str, created: str) -> dict[str, Any]:
    """datapackage.json's licenses (Cedar's own first: it covers the compilation), sources (each dataset
    the events come from, with its terms, citation and event count) and citation."""
    licence_ids = [BY_LICENSOR[CEDAR].licence.id] + [BY_LICENSOR[k].licence.id for k in terms.licensors]
    sources = []
    for k, n in terms.licensors.items():
        t = BY_LICENSOR[k]
        source: dict[str, Any] = {"title": t.dataset, "licensor": k, "events": n, "license": t.licence.id,
                                  "redistributable": t.redistributable, "citation": t.citation, "terms": t.note}
        if t.homepage:
            source["path"] = t.homepage
        sources.append(source)
    out: dict[str, Any] = {"licenses": [_licence(i) for i in dict.fromkeys(licence_ids)], "sources": sources,
                           "citation": release_citation(version, created)}
    if terms.private:
        out["private"] = True
        out["access"] = ("Private release: it holds events whose terms forbid redistributing them. Share it only "
                         "with those its terms allow.")
    return out


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def citation_cff(version: str, created: str, manifest_sha256: str, terms: ReleaseTerms) -> str:
    """The release's CITATION.cff: version, date and the sha256 of its manifest.json (which hashes every
    other file), with the datasets its events come from as references. Written after the manifest, so
    the manifest cannot list it; SHA256SUMS does."""
    lines = ["# The citation of this release of the Cedar dataset (`cedar cite` prints it as text, BibTeX or CFF).",
             "cff-version: 1.2.0",
             "message: " + _q("If you use this release, please cite it as below, and the datasets its events "
                              "come from (references)."),
             "type: dataset", f"title: {_q(TITLE)}", "authors:", '  - name: "Cedar contributors"',
             f"version: {_q(version)}", f"date-released: {_q(created[:10])}",
             f"license: {_q(BY_LICENSOR[CEDAR].licence.id)}",
             "identifiers:", "  - type: other", f"    value: {_q('sha256:' + manifest_sha256)}",
             "    description: " + _q("sha256 of the release's manifest.json, which names every file with its "
                                      "sha256")]
    if terms.private:
        lines.append("keywords:\n  - private release")
    refs = [BY_LICENSOR[k] for k in terms.licensors if k != CEDAR]
    if refs:
        lines.append("references:")
        for t in refs:
            # CFF's license takes SPDX ids only; terms of a dataset's own are given by their URL
            licence = (f"    license-url: {_q(t.licence.url)}" if t.licence.id.startswith("LicenseRef-")
                       else f"    license: {_q(t.licence.id)}")
            lines += ["  - type: dataset", f"    title: {_q(t.dataset)}", "    authors:",
                      f"      - name: {_q(t.dataset)}", licence, f"    notes: {_q(t.citation)}"]
            if t.homepage:
                lines.append(f"    url: {_q(t.homepage)}")
    return "\n".join(lines) + "\n"
