"""Text safety: Unicode edge cases go through `cedar check`, the store, a
release's Parquet and CSV, and `cedar query` exactly as written; CSV injection is neutralised in
CSV (a leading apostrophe) and never in Parquet."""

from __future__ import annotations

import csv
import json
import time

import pyarrow.parquet as pq
from conftest import run_cedar
from reliability.scale import record
from store_helpers import init, seed_events, write_events

# (field, value): names in right-to-left scripts and with a right-to-left override, combining marks
# (decomposed, so NFC would change them), emoji with joiners and variation selectors, no-break
# spaces, Azerbaijani Latin beside Armenian, Georgian, Cyrillic, and values a spreadsheet would run.
TEXTS = [
    ("location", "Xankəndi / Ստեփանակերտ"),
    ("admin2", "Şuşa\u00a0(Շուշի)"),
    ("admin3", "Ağdam\u202frayonu"),
    ("actor1", "قوات الدعم السريع"),
    ("actor2", "צבא ההגנה לישראל"),
    ("notes", "Stepanakert\u0301 e\u0301 n\u0303 — mixed: Baku Бакы Բաքու ბაქო 巴库; \u202eRLO\u202c end"),
    ("verification_note", "🕊️ march 👩‍👩‍👧 ✊🏽 flags 🇦🇿🇦🇲 \u200d\u200c zero-width"),
    ("assoc_actor_1", ["=HYPERLINK(\"http://evil.example\",\"click\")", "Ərəb\u00a0Şirvan"]),
    ("tags", ["@SUM(1+1)", "+1", "-2+3", "ordinary", "\t=tab", "Ոչ"]),
]
INJECTIONS = ("=", "+", "-", "@", "\t", "\r")


def _events() -> list[dict]:
    events = []
    for i, ev in enumerate(seed_events()[:3]):
        ev = json.loads(json.dumps(ev))
        ev["ref"] = f"text-{i}"
        for field, value in TEXTS:
            if field in ("actor1", "actor2") and ev["event_type"] == "Battles":
                continue  # battles need their armed actors as coded
            ev[field] = value
        events.append(ev)
    events[1]["notes"] = "=cmd|' /C calc'!A0"
    events[2]["location"] = "-Ağdam"
    return events


def test_unicode_and_csv_injection_round_trip(tmp_path):
    t0 = time.monotonic()
    events = _events()
    path = write_events(tmp_path, "texts.json", events)
    check = run_cedar("check", str(path), "--format", "json")
    assert check.returncode == 0, check.stdout[-3000:]
    db, store = tmp_path / "cedar.duckdb", tmp_path / "releases"
    init(db)
    proc = run_cedar("ingest", str(path), "--db", str(db), "--format", "json")
    assert proc.returncode == 0, proc.stdout[-3000:]
    ids = json.loads(proc.stdout)["ids"]
    want = {ids[e["ref"]]: e for e in events}
    fields = sorted({f for f, _ in TEXTS} | {"notes", "location"})
    cols = ", ".join(fields)

    # the store, through cedar query (JSON: exact strings)
    got = json.loads(run_cedar("query", f"SELECT event_id, {cols} FROM events", "--db", str(db),
                               "--format", "json").stdout)
    assert len(got) == 3
    for row in got:
        for f in fields:
            assert row[f] == want[row["event_id"]].get(f), (f, row[f])

    # a release: Parquet exact, CSV neutralised only where a cell starts with a trigger
    proc = run_cedar("release", "build", "2026.11.1", "--db", str(db), "--releases", str(store))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    folder = store / "2026.11.1"
    for row in pq.read_table(folder / "events.parquet").to_pylist():
        for f in fields:
            assert row[f] == want[row["event_id"]].get(f), (f, row[f])
    neutralised = 0
    with (folder / "events.csv").open(encoding="utf-8", newline="") as fh:
        assert not fh.read(1) == "\ufeff"
        fh.seek(0)
        for row in csv.DictReader(fh):
            for f in fields:
                value = want[row["event_id"]].get(f)
                text = "" if value is None else "; ".join(value) if isinstance(value, list) else value
                if text.startswith(INJECTIONS):
                    assert row[f] == "'" + text, (f, row[f])
                    neutralised += 1
                else:
                    assert row[f] == text, (f, row[f])
    assert neutralised >= 3
    raw = (folder / "events.csv").read_bytes()
    assert b"\n=" not in raw and b",=" not in raw and b',"=' not in raw

    # the release through cedar query --release: exact again
    got = json.loads(run_cedar("query", f"SELECT event_id, {cols} FROM events", "--releases", str(folder),
                               "--format", "json").stdout)
    for row in got:
        for f in fields:
            assert row[f] == want[row["event_id"]].get(f), (f, row[f])
    record("text-safety", values=len(TEXTS) * 3 + 2, csv_cells_neutralised=neutralised,
           seconds=round(time.monotonic() - t0, 1))
