"""What describes a release folder: datapackage.json (Frictionless), manifest.json and SHA256SUMS.

Every file is hashed with sha256. datapackage.json names the data files with their bytes, hash
and table schema; manifest.json names every file of the release (validation results included)
with its bytes and sha256, and SHA256SUMS repeats the hashes of every file but itself in the
format `sha256sum -c` reads.
"""

from __future__ import annotations

import hashlib
import json
import typing
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from cedar.schema import flat
from cedar.schema.model import SCHEMA_VERSION, Claim, Event, Source

MANIFEST, SUMS, DATAPACKAGE = "manifest.json", "SHA256SUMS", "datapackage.json"
MANIFEST_FORMAT = "cedar-release-manifest/1"

_TABLE_TYPES = {flat.INT: "integer", flat.FLOAT: "number", flat.BOOL: "boolean", flat.DATE: "date",
                flat.TIMESTAMP: "datetime", flat.TEXT: "string", flat.LIST: "string"}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Hashes:
    """sha256 of a release folder's files, each read once: datapackage.json, manifest.json and
    SHA256SUMS all need them, and at 3M events the data files are gigabytes. `start` hashes a file
    in a background thread as soon as it is written (hashlib and file reads release the GIL, so this
    overlaps with DuckDB writing the next file); a file must not change after it is hashed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sha256")
        self._jobs: dict[str, Future[str]] = {}

    def start(self, rel: str) -> None:
        if rel not in self._jobs:
            self._jobs[rel] = self._pool.submit(sha256_file, self.folder / rel)

    def __call__(self, rel: str) -> str:
        self.start(rel)
        return self._jobs[rel].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def files_of(folder: Path) -> list[Path]:
    """Every file of a release folder, as relative POSIX paths in a stable order."""
    return sorted((p.relative_to(folder) for p in folder.rglob("*") if p.is_file()), key=lambda p: p.as_posix())


# --- datapackage.json -------------------------------------------------------------------------

def _model_of(table: str) -> type[BaseModel] | None:
    models: dict[str, type[BaseModel]] = {"events": Event, "claims": Claim, "sources": Source}
    return models.get(table)


def _literal_values(annotation: Any) -> list[Any] | None:
    for arg in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(arg) is typing.Literal:
            return list(typing.get_args(arg))
    return None


FIELD_NOTES = {
    ("actors", "role"): "actor1, assoc_actor_1, actor2 or assoc_actor_2",
    ("actors", "position"): "Place of the actor in its list (1 for actor1 and actor2)",
    ("actors", "inter"): "ACLED actor type (inter code) of actor1 or actor2; empty for associated actors",
    ("changes", "change"): "added, updated or deleted, against the previous release",
    ("changes", "version"): "The event's version in this release (empty when deleted)",
    ("changes", "previous_version"): "The event's version in the previous release (empty when added)",
    ("deletions", "deleted_in"): "The release the event left",
    ("deletions", "last_version"): "The last version of the event that was released",
    ("deletions", "reason"): "Why the event was deleted",
    ("claims", "claim_no"): "Number of the claim within its event",
    ("sources", "source_no"): "Number of the source within its event",
}


def table_schema(table: str, columns: list[tuple[str, str]], csv: bool, required: set[str],
                 key: list[str]) -> dict[str, Any]:
    model = _model_of(table)
    fields = []
    for name, kind in columns:
        f: dict[str, Any] = {"name": name, "type": _TABLE_TYPES[kind] if csv or kind != flat.LIST else "array"}
        mf = model.model_fields.get(name) if model else None
        description = (mf.description if mf else None) or FIELD_NOTES.get((table, name))
        if kind == flat.LIST:
            description = (description or "") + (" (a list; in CSV its items joined with '; ')")
        if description:
            f["description"] = description.strip()
        constraints: dict[str, Any] = {}
        if name in required:
            constraints["required"] = True
        if mf is not None and kind != flat.LIST:
            values = _literal_values(mf.annotation)
            if values:
                constraints["enum"] = values
            for m in mf.metadata:
                if getattr(m, "ge", None) is not None:
                    constraints["minimum"] = m.ge
                if getattr(m, "le", None) is not None:
                    constraints["maximum"] = m.le
        if constraints:
            f["constraints"] = constraints
        if kind == flat.TIMESTAMP:
            f["format"] = "%Y-%m-%dT%H:%M:%SZ" if csv else "default"
        fields.append(f)
    schema: dict[str, Any] = {"fields": fields}
    if key:
        schema["primaryKey"] = key
    return schema


def datapackage(version: str, folder: Path, resources: list[dict[str, Any]],
                hashes: Hashes | None = None) -> dict[str, Any]:
    """resources: name, path, table, columns, required, key. Bytes and hashes are read off the files."""
    digest = hashes or (lambda rel: sha256_file(folder / rel))
    out = []
    for r in resources:
        if isinstance(r["path"], list):  # a partitioned table: one resource, its partition files in order
            out.append(_partitioned_resource(folder, r))
            continue
        path = folder / r["path"]
        csv = r["path"].endswith(".csv") and r.get("columns") is not None
        res: dict[str, Any]
        if r.get("columns") is None:  # a file described in words (e.g. events-acled.csv)
            res = {"name": r["name"], "path": r["path"], "profile": "data-resource", "type": "file",
                   "mediatype": r.get("mediatype", "text/csv"), "description": r["description"]}
        elif csv:
            res = {"name": r["name"], "path": r["path"], "profile": "tabular-data-resource",
                                   "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                                   "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True,
                                               "header": True}}
        else:
            # Frictionless reads Parquet poorly (lists and nullable integers come back mistyped), so
            # a Parquet file is described as a file: the same rows and columns as its CSV resource,
            # whose table schema applies, with lists as Parquet lists.
            res = {"name": r["name"], "path": r["path"], "profile": "data-resource", "type": "file",
                   "mediatype": "application/vnd.apache.parquet",
                   "description": f"The rows of resource '{r['table']}' in Parquet: the same columns (see that "
                                  "resource's table schema), lists as Parquet lists, values exactly as stored."}
        res["bytes"] = path.stat().st_size
        res["hash"] = "sha256:" + digest(r["path"])
        if csv:
            res["schema"] = table_schema(r["table"], r["columns"], csv, r.get("required", set()), r.get("key", []))
        out.append(res)
    return {
        "profile": "data-package",
        "name": "cedar-events",
        "title": "Cedar: political violence and protest events",
        "version": version,
        "description": f"Cedar release {version}, event schema {SCHEMA_VERSION}. See codebook.md.",
        "resources": out,
    }


def _partitioned_resource(folder: Path, r: dict[str, Any]) -> dict[str, Any]:
    """A table written as partition files: its paths, their bytes in all, and its table schema with
    lists as arrays (each file's sha256 is in manifest.json and SHA256SUMS). The changes are CSV files by
    span, each with its header line, so that each opens alone in a spreadsheet."""
    if all(p.endswith(".csv") for p in r["path"]):
        return {"name": r["name"], "path": r["path"], "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8",
                "dialect": {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True},
                "description": f"The rows of table '{r['table']}' in CSV, one file per year (per month in a large "
                               "year), each with the header line, in natural event_id order within each file.",
                "bytes": sum((folder / p).stat().st_size for p in r["path"]),
                "schema": table_schema(r["table"], r["columns"], True, r.get("required", set()), r.get("key", []))}
    return {"name": r["name"], "path": r["path"], "profile": "data-resource", "type": "file",
            "mediatype": "application/vnd.apache.parquet",
            "description": f"The rows of table '{r['table']}' in Parquet, one file per year (per month in a large "
                           "year), in natural event_id order within each file; lists as Parquet lists.",
            "bytes": sum((folder / p).stat().st_size for p in r["path"]),
            "schema": table_schema(r["table"], r["columns"], False, r.get("required", set()), r.get("key", []))}


# --- manifest.json and SHA256SUMS -------------------------------------------------------------

def manifest(folder: Path, *, version: str, created: str, previous: str | None, row_counts: dict[str, int],
             gate: dict[str, Any], hashes: Hashes | None = None,
             partitions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Every file with its bytes and sha256; a partitioned release (`partitions`, one entry per partition
    file: releases.partitions.entries) also carries "layout": "partitioned" and those entries."""
    digest = hashes or (lambda rel: sha256_file(folder / rel))
    files = {}
    for rel in files_of(folder):
        if rel.as_posix() in (MANIFEST, SUMS):
            continue
        p = folder / rel
        files[rel.as_posix()] = {"bytes": p.stat().st_size, "sha256": digest(rel.as_posix())}
    out: dict[str, Any] = {"format": MANIFEST_FORMAT, "version": version, "schema_version": SCHEMA_VERSION,
                           "created": created, "previous_version": previous, "row_counts": row_counts, "gate": gate,
                           "files": files}
    if partitions is not None:
        out.update(layout="partitioned", partitions=partitions)
    return out


def write_sums(folder: Path, hashes: Hashes | None = None) -> None:
    digest = hashes or (lambda rel: sha256_file(folder / rel))
    lines = [f"{digest(rel.as_posix())}  {rel.as_posix()}\n" for rel in files_of(folder) if rel.as_posix() != SUMS]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def verify_sums(folder: Path) -> list[str]:
    """The files whose sha256 no longer matches SHA256SUMS (or are missing)."""
    bad = []
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        p = folder / name
        if not p.is_file() or sha256_file(p) != digest:
            bad.append(name)
    return bad
