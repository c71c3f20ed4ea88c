"""A release for the export and long-form tests, built once per run through the real build and gate:
the seed's six events, with what the formats must take care of planted in the store (a note that a
spreadsheet would run as a formula and longer than Stata's 2,045-byte strings, two associated actors,
one with a comma and quotes in its name)."""

from __future__ import annotations

from pathlib import Path

from release_support import execute, make_store

VERSION = "2026.11.1"
FORMULA_NOTE = "=1+1 " + "é" * 3000
ASSOC = ["Police Forces of Azerbaijan (2003-)", 'Some, "quoted" group']
_BUILT: dict[str, Path] = {}


def export_releases(tmp_path_factory) -> Path:  # noqa: ANN001
    """The release store (a folder holding index.json and VERSION/); do not change it."""
    if "releases" not in _BUILT:
        from cedar.releases.build import build_release

        root = tmp_path_factory.mktemp("export-source")
        db = make_store(root / "cedar.duckdb")
        note = FORMULA_NOTE.replace("'", "''")
        assoc = "[" + ", ".join("'" + a.replace("'", "''") + "'" for a in ASSOC) + "]"
        for table in ("event_current", "event_history"):
            execute(db, f"UPDATE {table} SET notes = '{note}' WHERE event_id = 'CDR-AZE-3'",
                    f"UPDATE {table} SET assoc_actor_1 = {assoc} WHERE event_id = 'CDR-AZE-1'")
        result = build_release(VERSION, db, root / "releases")
        assert result.passed
        _BUILT["releases"] = root / "releases"
    return _BUILT["releases"]
