"""Helpers for the store tests: the real `cedar` command in a child process against a store in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cedar

from cedar.sample_data import SAMPLE_DIR, SEED_DOCUMENT, SEED_SUBMISSION


def seed_events() -> list[dict]:
    return json.loads((SAMPLE_DIR / SEED_SUBMISSION).read_text(encoding="utf-8"))


def write_events(folder: Path, name: str, events: list[dict]) -> Path:
    """A nested JSON submission in `folder`, with the seed article beside it as its source document."""
    if not (folder / SEED_DOCUMENT).exists():
        shutil.copy(SAMPLE_DIR / SEED_DOCUMENT, folder / SEED_DOCUMENT)
    path = folder / name
    path.write_text(json.dumps(events, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def init(db: Path):
    proc = run_cedar("init", "--db", str(db))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def ingest(db: Path, *args: str):
    """(process, JSON report) of `cedar ingest ... --format json`."""
    proc = run_cedar("ingest", *args, "--db", str(db), "--format", "json")
    assert "Traceback" not in proc.stderr, proc.stderr
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    return proc, report


def query(db: Path, sql: str) -> list[dict]:
    proc = run_cedar("query", sql, "--db", str(db), "--format", "json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout)


def scalar(db: Path, sql: str):
    rows = query(db, sql)
    return next(iter(rows[0].values()))


def counts(db: Path) -> dict:
    return query(db, "SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM event_history) AS "
                     "versions, (SELECT count(*) FROM submissions) AS submissions, (SELECT count(*) FROM deletions) "
                     "AS deletions, (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM "
                     "event_claims) AS claims, (SELECT count(*) FROM event_sources) AS sources")[0]


def codes(report: dict, severity: str | None = None) -> set[tuple]:
    return {(p["code"], p["row"], p["field"]) for p in report["problems"]
            if severity is None or p["severity"] == severity}
