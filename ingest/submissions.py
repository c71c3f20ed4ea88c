"""Submissions: file fingerprints, "already ingested" lookups, submission ids and their records.

A file is the same file when its bytes have the same sha256 and, for a flat file, its companion
tables (NAME.sources.csv, NAME.claims.csv) have the same bytes too: their combined sha256 is kept
beside the file's own in `submission_files.companions_sha256`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cedar.validate.records import COMPANIONS, companion_path

_FLAT_SUFFIXES = {".csv", ".parquet", ".pq"}


@dataclass
class FileFingerprint:
    path: Path
    sha256: str
    companions_sha256: str | None


@dataclass
class Held:
    """A file that an earlier submission already brought into the store."""

    path: Path
    submission_id: str
    received: Any
    submitter: str | None
    file_name: str


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fingerprint(path: Path) -> FileFingerprint:
    companions = None
    if path.suffix.lower() in _FLAT_SUFFIXES:
        parts = [(part, companion_path(path, part)) for part in COMPANIONS]
        found = [f"{part} {sha256_file(p)}" for part, p in parts if p.is_file()]
        if found:
            companions = hashlib.sha256("\n".join(found).encode()).hexdigest()
    return FileFingerprint(path, sha256_file(path), companions)


def submission_sha256(prints: list[FileFingerprint]) -> str:
    """The submission's own hash: its file's sha256, or for several files the sha256 of their sorted hashes."""
    if len(prints) == 1 and prints[0].companions_sha256 is None:
        return prints[0].sha256
    keys = sorted(f"{p.sha256} {p.companions_sha256 or ''}".strip() for p in prints)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def find_held(con: Any, prints: list[FileFingerprint]) -> list[Held]:
    """The files of this submission that an earlier submission holds, with that submission."""
    held = []
    for p in prints:
        row = con.execute(
            "SELECT s.submission_id, s.received, s.submitter, f.file_name FROM submission_files f "
            "JOIN submissions s USING (submission_id) WHERE f.file_sha256 = ? "
            "AND f.companions_sha256 IS NOT DISTINCT FROM ? ORDER BY s.received LIMIT 1",
            [p.sha256, p.companions_sha256]).fetchone()
        if row:
            held.append(Held(p.path, *row))
    return held


def next_submission_id(con: Any) -> str:
    """S1, S2, ...: one writer at a time, so the next number is the highest so far plus one."""
    n = con.execute("SELECT coalesce(max(CAST(substr(submission_id, 2) AS INTEGER)), 0) + 1 FROM submissions "
                    "WHERE regexp_matches(submission_id, '^S[0-9]+$')").fetchone()[0]
    return f"S{n}"


def record(con: Any, submission_id: str, kind: str, prints: list[FileFingerprint], rows_per_file: dict[Path, int],
           submitter: str | None, received: Any, counts: dict[str, int]) -> None:
    names = ", ".join(p.path.name for p in prints)
    con.execute("INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [submission_id, kind, names, submission_sha256(prints), submitter, received,
                 sum(rows_per_file.values()), counts.get("added", 0), counts.get("updated", 0),
                 counts.get("deleted", 0)])
    con.executemany("INSERT INTO submission_files VALUES (?, ?, ?, ?, ?, ?)",
                    [[submission_id, i, p.path.name, p.sha256, p.companions_sha256, rows_per_file.get(p.path, 0)]
                     for i, p in enumerate(prints, start=1)])
