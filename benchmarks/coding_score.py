#!/usr/bin/env python3
# Copied unchanged (but for this line) from the coding-fidelity kit; its dev set is tests/data/coding.
"""Score events proposed from news reports against gold codings (Cedar's coding-fidelity kit).

    score.py GOLD_DIR PROPOSED_DIR [--json] [--details]
    score.py --self-test
    score.py --check-gold GOLD_DIR [--cedar PATH]

GOLD_DIR holds NAME.gold.json (a JSON array of events in Cedar's nested submission format) and
the report NAME.txt that its sources name. PROPOSED_DIR holds NAME.json, the events a tool
proposed for NAME.txt, in the same format. A missing proposal counts as proposing nothing.

Matching. A proposed event can match a gold event when
  - the event_type agrees (with the gold event or with one of its accepted alternatives),
  - the dates overlap within one day (spans compare as intervals; a `week` date without an end
    stands for the day +-3 days, a `month` date for its calendar month), and
  - the places agree: same iso3, and the same admin1, or points within 50 km, or the same
    location name (case, accents and punctuation folded).
Events are then paired one to one, greedily, by a similarity score (sub_event_type first, then
actor1 and the actor types, date distance, place distance). A gold event listed in an
`accepted_merge` of a matched gold event counts as recalled when the same proposal also matches it.

Gold-only keys, stripped before `cedar check` (see --check-gold) and ignored in proposals:
  alternatives    list of partial events; each, laid over the gold event, is another coding that
                  is accepted in full (its event_type for matching, its fields for accuracy)
  accepted_merge  refs of gold events that a single proposal may cover together with this one

Precision = matched / proposed; recall = (matched + merged) / gold; either is n/a when its
denominator is 0. F1 is 1.0 for a report with nothing to code and nothing proposed, and 0 when
nothing matches.

Reported per file and overall (micro-averaged): event precision, recall and F1; over matched
pairs, the accuracy of sub_event_type, inter1, inter2 (0 = none), actor1 (exact name, case and
spacing folded), fatalities (exact: null, "not stated", is not 0), date_precision,
geo_precision, verification_status, event_date (start and end exact) and point_50km (points
within 50 km); and evidence overlap, the share of the gold evidence's characters in the report
that the proposed evidence covers (a passage counts only where it is quoted word for word).

Exit status 0 (2 for a wrong call; --self-test and --check-gold exit 1 when a check fails).
Python 3.11 standard library only.
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

GAP = " [...] "
GOLD_ONLY = ("alternatives", "accepted_merge")
FIELDS = ("sub_event_type", "inter1", "inter2", "actor1", "fatalities", "date_precision", "geo_precision",
          "verification_status", "event_date", "point_50km")
MATCH_KM = 50.0


# ------------------------------------------------------------------ normalising values

def fold(text: Any) -> str:
    """Case, accents and punctuation folded: 'Tibú' == 'tibu', 'Nord-Kivu' == 'nord kivu'."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKD", str(text).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def name_key(text: Any) -> str:
    """An actor or vocabulary name compared exactly, apart from case and spacing."""
    if text is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def as_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def as_float(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def as_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def interval(e: dict) -> tuple[dt.date, dt.date] | None:
    start = as_date(e.get("event_date"))
    if start is None:
        return None
    end = as_date(e.get("event_date_end"))
    if end is not None:
        return (min(start, end), max(start, end))
    precision = name_key(e.get("date_precision"))
    if precision == "week":
        return (start - dt.timedelta(days=3), start + dt.timedelta(days=3))
    if precision == "month":
        last = calendar.monthrange(start.year, start.month)[1]
        return (start.replace(day=1), start.replace(day=last))
    return (start, start)


def gap_days(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two intervals; 0 when they overlap."""
    return max(0, (max(a[0], b[0]) - min(a[1], b[1])).days)


def km(e1: dict, e2: dict) -> float | None:
    la1, lo1, la2, lo2 = (as_float(e1.get("latitude")), as_float(e1.get("longitude")),
                          as_float(e2.get("latitude")), as_float(e2.get("longitude")))
    if None in (la1, lo1, la2, lo2):
        return None
    p1, p2 = math.radians(la1), math.radians(la2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def inter2_of(e: dict) -> int:
    return as_int(e.get("inter2")) or 0


def fatalities_of(e: dict) -> int | None:
    return as_int(e.get("fatalities"))


# ------------------------------------------------------------------ reading files

def read_events(path: Path) -> tuple[list[dict], str | None]:
    """Events of a nested submission: a JSON array (or JSON Lines, or {"events": [...]}).
    Returns the events and, when the file could not be read, why."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], f"unreadable: {exc}"
    if not text.strip():
        return [], None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        rows = []
        for line in text.splitlines():
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError:
                    return [], f"invalid JSON: {exc}"
        data = rows
    if isinstance(data, dict):
        data = data.get("events", [data])
    if not isinstance(data, list):
        return [], "not a JSON array of events"
    events = [e for e in data if isinstance(e, dict)]
    skipped = len(data) - len(events)
    return events, (f"{skipped} items that are not objects were skipped" if skipped else None)


class Documents:
    """Source documents named by gold events, relative to the gold file, read once."""

    def __init__(self) -> None:
        self._cache: dict[Path, str | None] = {}

    def text_for(self, event: dict, base: Path) -> str | None:
        for s in event.get("sources") or ():
            if isinstance(s, dict) and s.get("document"):
                p = (base / str(s["document"])).resolve()
                if p not in self._cache:
                    try:
                        self._cache[p] = p.read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError):
                        self._cache[p] = None
                if self._cache[p] is not None:
                    return self._cache[p]
        return None


def passages(evidence: Any) -> list[str]:
    if not evidence or not isinstance(evidence, str):
        return []
    return [p.strip() for p in evidence.split(GAP) if p.strip()]


def evidence_overlap(gold_ev: Any, prop_ev: Any, document: str | None) -> float | None:
    """Share of the gold evidence's characters (located in the document) that proposed passages,
    quoted word for word, cover. None when the gold event has no evidence."""
    gps = passages(gold_ev)
    if not gps:
        return None
    pps = passages(prop_ev)
    text = document
    if text is None or not all(p in text for p in gps):
        text = GAP.join(gps)  # no document: measure within the gold evidence itself
    gold_chars: set[int] = set()
    for p in gps:
        i = text.find(p)
        if i >= 0:
            gold_chars.update(range(i, i + len(p)))
    if not gold_chars:
        return None
    covered: set[int] = set()
    for p in pps:
        start = text.find(p)
        while start >= 0:
            covered.update(range(start, start + len(p)))
            start = text.find(p, start + 1)
    return len(gold_chars & covered) / len(gold_chars)


# ------------------------------------------------------------------ matching

def variants(gold: dict) -> list[tuple[str, dict]]:
    base = {k: v for k, v in gold.items() if k not in GOLD_ONLY}
    out = [("gold", base)]
    for i, alt in enumerate(gold.get("alternatives") or (), 1):
        if isinstance(alt, dict):
            out.append((f"alternative {i}", {**base, **{k: v for k, v in alt.items() if k not in GOLD_ONLY}}))
    return out


def place_agrees(g: dict, p: dict) -> bool:
    if not g.get("iso3") or name_key(g.get("iso3")) != name_key(p.get("iso3")):
        return False
    if fold(g.get("admin1")) and fold(g.get("admin1")) == fold(p.get("admin1")):
        return True
    d = km(g, p)
    if d is not None and d <= MATCH_KM:
        return True
    return bool(fold(g.get("location"))) and fold(g.get("location")) == fold(p.get("location"))


def matchable(g: dict, p: dict) -> int | None:
    """The day gap when the pair may match, else None."""
    if not g.get("event_type") or name_key(g.get("event_type")) != name_key(p.get("event_type")):
        return None
    gi, pi = interval(g), interval(p)
    if gi is None or pi is None:
        return None
    gap = gap_days(gi, pi)
    if gap > 1 or not place_agrees(g, p):
        return None
    return gap


def field_results(g: dict, p: dict) -> dict[str, bool]:
    d = km(g, p)
    return {
        "sub_event_type": bool(g.get("sub_event_type")) and name_key(g.get("sub_event_type")) == name_key(p.get("sub_event_type")),
        "inter1": as_int(g.get("inter1")) is not None and as_int(g.get("inter1")) == as_int(p.get("inter1")),
        "inter2": inter2_of(g) == inter2_of(p),
        "actor1": bool(g.get("actor1")) and name_key(g.get("actor1")) == name_key(p.get("actor1")),
        "fatalities": fatalities_of(g) == fatalities_of(p),
        "date_precision": name_key(g.get("date_precision")) == name_key(p.get("date_precision")),
        "geo_precision": name_key(g.get("geo_precision")) == name_key(p.get("geo_precision")),
        "verification_status": name_key(g.get("verification_status")) == name_key(p.get("verification_status")),
        "event_date": (as_date(g.get("event_date")), as_date(g.get("event_date_end")))
                      == (as_date(p.get("event_date")), as_date(p.get("event_date_end"))),
        "point_50km": d is not None and d <= MATCH_KM,
    }


def similarity(g: dict, p: dict, gap: int, fields: dict[str, bool]) -> float:
    s = 4.0 * fields["sub_event_type"] + 2.0 * fields["actor1"] + fields["inter1"] + fields["inter2"]
    s += float(bool(g.get("actor2")) == bool(p.get("actor2")) and name_key(g.get("actor2")) == name_key(p.get("actor2")))
    s += 2.0 - min(gap, 2) + float(as_date(g.get("event_date")) == as_date(p.get("event_date")))
    d = km(g, p)
    s += float((d is not None and d <= 10) or (bool(fold(g.get("location"))) and fold(g.get("location")) == fold(p.get("location"))))
    return s + 0.1 * sum(fields.values())  # ties go to the variant that agrees on more fields


def best_variant(gold: dict, p: dict) -> tuple[float, str, dict, dict[str, bool]] | None:
    best = None
    for label, v in variants(gold):
        gap = matchable(v, p)
        if gap is None:
            continue
        fields = field_results(v, p)
        sim = similarity(v, p, gap, fields)
        if best is None or sim > best[0]:
            best = (sim, label, v, fields)
    return best


def label_of(e: dict, i: int) -> str:
    return str(e.get("ref") or e.get("event_id") or f"#{i + 1}")


def ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def f1_of(matched: int, merged: int, n_gold: int, n_prop: int) -> float:
    if n_gold == 0 and n_prop == 0:
        return 1.0
    p, r = ratio(matched, n_prop), ratio(matched + merged, n_gold)
    if not p or not r:
        return 0.0
    return 2 * p * r / (p + r)


def score_file(name: str, gold: list[dict], proposed: list[dict], base: Path, docs: Documents) -> dict:
    candidates = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(proposed):
            best = best_variant(g, p)
            if best is not None:
                candidates.append((-best[0], gi, pi, best))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    gold_to: dict[int, int] = {}
    prop_to: dict[int, int] = {}
    pairs = []
    for _, gi, pi, (sim, label, v, fields) in candidates:
        if gi in gold_to or pi in prop_to:
            continue
        gold_to[gi], prop_to[pi] = pi, gi
        overlap = evidence_overlap(v.get("evidence"), proposed[pi].get("evidence"), docs.text_for(gold[gi], base))
        pairs.append({"gold": label_of(gold[gi], gi), "proposed": label_of(proposed[pi], pi), "variant": label,
                      "similarity": round(sim, 2), "fields": fields, "evidence_overlap": overlap})
    # accepted merges: an unmatched gold event covered by the proposal of a gold event it may merge with
    refs = {str(g.get("ref")): gi for gi, g in enumerate(gold) if g.get("ref")}
    partners: dict[int, set[int]] = {gi: set() for gi in range(len(gold))}
    for gi, g in enumerate(gold):
        for ref in g.get("accepted_merge") or ():
            gj = refs.get(str(ref))
            if gj is not None and gj != gi:
                partners[gi].add(gj)
                partners[gj].add(gi)
    merged = []
    for gi in range(len(gold)):
        if gi in gold_to:
            continue
        for gj in sorted(partners[gi]):
            if gj in gold_to and best_variant(gold[gi], proposed[gold_to[gj]]) is not None:
                merged.append({"gold": label_of(gold[gi], gi), "with": label_of(gold[gj], gj),
                               "proposed": label_of(proposed[gold_to[gj]], gold_to[gj])})
                break
    merged_gold = {m["gold"] for m in merged}
    n_gold, n_prop, n_match = len(gold), len(proposed), len(pairs)
    return {
        "name": name, "gold": n_gold, "proposed": n_prop, "matched": n_match, "merged": len(merged),
        "precision": ratio(n_match, n_prop), "recall": ratio(n_match + len(merged), n_gold),
        "f1": f1_of(n_match, len(merged), n_gold, n_prop),
        **accuracy_of(pairs),
        "missed": [label_of(g, gi) for gi, g in enumerate(gold) if gi not in gold_to and label_of(g, gi) not in merged_gold],
        "spurious": [label_of(p, pi) for pi, p in enumerate(proposed) if pi not in prop_to],
        "pairs": pairs, "merges": merged,
    }


def accuracy_of(pairs: list[dict]) -> dict:
    """Field accuracy and mean evidence overlap over matched pairs."""
    accuracy = {}
    for field in FIELDS:
        correct = sum(p["fields"][field] for p in pairs)
        accuracy[field] = {"correct": correct, "total": len(pairs), "rate": ratio(correct, len(pairs))}
    overlaps = [p["evidence_overlap"] for p in pairs if p["evidence_overlap"] is not None]
    return {"accuracy": accuracy,
            "evidence_overlap": {"mean": (sum(overlaps) / len(overlaps)) if overlaps else None, "pairs": len(overlaps)}}


def score_dirs(gold_dir: Path, proposed_dir: Path) -> dict:
    docs = Documents()
    files, notes = [], []
    gold_files = sorted(gold_dir.glob("*.gold.json"))
    for gf in gold_files:
        name = gf.name[: -len(".gold.json")]
        gold, problem = read_events(gf)
        if problem:
            notes.append(f"{gf.name}: {problem}")
        pf = proposed_dir / f"{name}.json"
        if pf.exists():
            proposed, problem = read_events(pf)
            if problem:
                notes.append(f"{pf.name}: {problem}; counted as proposing what could be read")
        else:
            proposed = []
            notes.append(f"{name}.json: missing, counted as proposing nothing")
        files.append(score_file(name, gold, proposed, gf.parent, docs))
    known = {f"{f['name']}.json" for f in files}
    for pf in sorted(proposed_dir.glob("*.json")):
        if pf.name not in known and not pf.name.endswith(".gold.json"):
            notes.append(f"{pf.name}: no gold file {pf.name[:-5]}.gold.json; ignored")
    n_gold = sum(f["gold"] for f in files)
    n_prop = sum(f["proposed"] for f in files)
    n_match = sum(f["matched"] for f in files)
    n_merged = sum(f["merged"] for f in files)
    overall = {
        "files": len(files), "gold": n_gold, "proposed": n_prop, "matched": n_match, "merged": n_merged,
        "precision": ratio(n_match, n_prop), "recall": ratio(n_match + n_merged, n_gold),
        "f1": f1_of(n_match, n_merged, n_gold, n_prop),
        **accuracy_of([p for f in files for p in f["pairs"]]),
    }
    return {"gold_dir": str(gold_dir), "proposed_dir": str(proposed_dir), "files": files, "overall": overall, "notes": notes}


# ------------------------------------------------------------------ output

def fmt(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:.3f}"


def render(report: dict, details: bool = False) -> str:
    lines = []
    width = max([len(f["name"]) for f in report["files"]] + [8])
    lines.append(f"{'file':<{width}}  gold prop match merged      P      R     F1")
    for f in report["files"]:
        lines.append(f"{f['name']:<{width}}  {f['gold']:>4} {f['proposed']:>4} {f['matched']:>5} {f['merged']:>6}  "
                     f"{fmt(f['precision']):>5}  {fmt(f['recall']):>5}  {fmt(f['f1']):>5}")
    o = report["overall"]
    lines.append(f"{'overall':<{width}}  {o['gold']:>4} {o['proposed']:>4} {o['matched']:>5} {o['merged']:>6}  "
                 f"{fmt(o['precision']):>5}  {fmt(o['recall']):>5}  {fmt(o['f1']):>5}")
    lines.append("")
    n = o["accuracy"]["sub_event_type"]["total"]
    lines.append(f"over {n} matched pairs:")
    for field, a in o["accuracy"].items():
        lines.append(f"  {field:<20} {a['correct']:>4}/{a['total']:<4} {fmt(a['rate'])}")
    ev = o["evidence_overlap"]
    lines.append(f"  {'evidence_overlap':<20} mean {fmt(ev['mean'])} over {ev['pairs']} pairs")
    short = {"sub_event_type": "sub", "inter1": "int1", "inter2": "int2", "actor1": "act1", "fatalities": "fatal",
             "date_precision": "dprec", "geo_precision": "gprec", "verification_status": "verif",
             "event_date": "date", "point_50km": "pt50"}
    lines.append("")
    lines.append("accuracy per file (matched pairs; evid = mean evidence overlap):")
    lines.append(f"{'file':<{width}}  pairs " + " ".join(f"{short[k]:>5}" for k in FIELDS) + "  evid")
    for f in report["files"]:
        cells = " ".join(f"{fmt(f['accuracy'][k]['rate'])[-5:]:>5}" for k in FIELDS)
        lines.append(f"{f['name']:<{width}}  {f['matched']:>5} {cells} {fmt(f['evidence_overlap']['mean']):>5}")
    misses = [(f["name"], f["missed"], f["spurious"]) for f in report["files"] if f["missed"] or f["spurious"]]
    if misses:
        lines.append("")
        for name, missed, spurious in misses:
            parts = []
            if missed:
                parts.append("missed " + ", ".join(missed))
            if spurious:
                parts.append("not in gold " + ", ".join(spurious))
            lines.append(f"{name}: " + "; ".join(parts))
    merges = [(f["name"], m) for f in report["files"] for m in f["merges"]]
    for name, m in merges:
        lines.append(f"{name}: {m['gold']} counted as merged with {m['with']} (proposal {m['proposed']})")
    if details:
        lines.append("")
        for f in report["files"]:
            for p in f["pairs"]:
                wrong = [k for k, ok in p["fields"].items() if not ok]
                ev = "" if p["evidence_overlap"] is None else f" evidence {p['evidence_overlap']:.2f}"
                lines.append(f"{f['name']}: {p['gold']} ~ {p['proposed']} ({p['variant']}){ev}"
                             + (f"; differs: {', '.join(wrong)}" if wrong else ""))
    if report["notes"]:
        lines.append("")
        lines.extend(f"note: {n}" for n in report["notes"])
    return "\n".join(lines)


# ------------------------------------------------------------------ cedar check on the gold

def strip_gold(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in GOLD_ONLY} for e in events]


def check_gold(gold_dir: Path, cedar: str | None) -> int:
    """Run `cedar check` on each NAME.gold.json with the scorer-only keys stripped."""
    exe = cedar or os.environ.get("CEDAR") or shutil.which("cedar")
    if not exe:
        print("cedar not found: give --cedar PATH or set CEDAR", file=sys.stderr)
        return 2
    failed = 0
    with tempfile.TemporaryDirectory(prefix="cedar-gold-") as tmp:
        for gf in sorted(gold_dir.glob("*.gold.json")):
            events, problem = read_events(gf)
            if problem:
                print(f"{gf.name}: {problem}")
                failed += 1
                continue
            if not events:
                print(f"{gf.name}: no events (a report with nothing to code); cedar check refuses an empty array (no-rows), so it is not run")
                continue
            out = Path(tmp) / gf.name
            out.write_text(json.dumps(strip_gold(events), ensure_ascii=False, indent=1), encoding="utf-8")
            for e in events:
                for s in e.get("sources") or ():
                    doc = s.get("document") if isinstance(s, dict) else None
                    if doc and (gf.parent / doc).is_file() and not (Path(tmp) / doc).exists():
                        (Path(tmp) / doc).parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(gf.parent / doc, Path(tmp) / doc)
            run = subprocess.run([exe, "check", str(out)], capture_output=True, text=True)
            summary = (run.stdout.strip().splitlines() or ["(no output)"])
            print(f"{gf.name}: rc={run.returncode} {summary[-1]}")
            for line in summary[:-1]:
                print(f"    {line}")
            failed += run.returncode != 0
    return 1 if failed else 0


# ------------------------------------------------------------------ self-test

def _event(ref: str, doc: str, **kw: Any) -> dict:
    e = {"ref": ref, "event_date": "2026-01-06", "date_precision": "day", "event_type": "Battles",
         "sub_event_type": "Armed clash", "actor1": "Military Forces of X (2020-)", "inter1": 1,
         "actor2": "Rebels of X", "inter2": 2, "country": "Ghana", "iso3": "GHA", "admin1": "Greater Accra",
         "location": "Accra", "latitude": 5.5560, "longitude": -0.1969, "geo_precision": "exact",
         "fatalities": 3, "verification_status": "verified", "evidence": "Troops and rebels clashed in Accra on Tuesday.",
         "sources": [{"name": "Test Wire", "document": doc}]}
    e.update(kw)
    return e


def self_test() -> int:
    checks: list[tuple[str, bool]] = []

    def expect(what: str, ok: bool) -> None:
        checks.append((what, ok))

    with tempfile.TemporaryDirectory(prefix="score-selftest-") as tmp:
        root = Path(tmp)
        gold_dir = root / "gold"
        gold_dir.mkdir()
        (gold_dir / "a.txt").write_text("Published: 2026-01-07\nTroops and rebels clashed in Accra on Tuesday. "
                                        "Police fired on a march in Kumasi, injuring two.\n", encoding="utf-8")
        (gold_dir / "b.txt").write_text("Published: 2026-01-07\nNothing happened.\n", encoding="utf-8")
        gold_a = [
            _event("a-1", "a.txt"),
            _event("a-2", "a.txt", event_type="Protests", sub_event_type="Excessive force against protesters",
                   actor1="Protesters (Ghana)", inter1=6, actor2="Police Forces of Ghana (2025-)", inter2=1,
                   admin1="Ashanti", location="Kumasi", latitude=6.6885, longitude=-1.6244, fatalities=0,
                   evidence="Police fired on a march in Kumasi, injuring two.",
                   alternatives=[{"sub_event_type": "Protest with intervention"}]),
            _event("a-3", "a.txt", event_type="Explosions/Remote violence", sub_event_type="Shelling/artillery/missile attack",
                   event_date="2026-01-05", accepted_merge=["a-4"]),
            _event("a-4", "a.txt", event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
                   event_date="2026-01-05", accepted_merge=["a-3"]),
        ]
        (gold_dir / "a.gold.json").write_text(json.dumps(gold_a), encoding="utf-8")
        (gold_dir / "b.gold.json").write_text("[]", encoding="utf-8")

        def run(name: str, proposals: dict[str, list[dict]]) -> dict:
            pdir = root / name
            pdir.mkdir()
            for fname, events in proposals.items():
                (pdir / f"{fname}.json").write_text(json.dumps(events), encoding="utf-8")
            return score_dirs(gold_dir, pdir)

        # 1. gold against itself
        r = run("same", {"a": gold_a, "b": []})
        o = r["overall"]
        expect("gold vs gold: F1 1.0", o["f1"] == 1.0 and o["precision"] == 1.0 and o["recall"] == 1.0)
        expect("gold vs gold: every field accuracy 1.0", all(a["rate"] == 1.0 for a in o["accuracy"].values()))
        expect("gold vs gold: evidence overlap 1.0", o["evidence_overlap"]["mean"] == 1.0)
        expect("gold vs gold: an empty gold file with an empty proposal scores F1 1.0",
               [f for f in r["files"] if f["name"] == "b"][0]["f1"] == 1.0)
        # 2. nothing proposed
        r = run("empty", {})
        expect("empty proposal: recall 0", r["overall"]["recall"] == 0.0 and r["overall"]["f1"] == 0.0)
        expect("empty proposal: matched 0", r["overall"]["matched"] == 0)
        # 3. a date shifted by 3 days fails to match; by 1 day it matches
        shifted = [dict(gold_a[0], event_date="2026-01-09")]
        r = run("shift3", {"a": shifted})
        expect("date +3 days: no match", r["overall"]["matched"] == 0 and r["files"][0]["spurious"] == ["a-1"])
        r = run("shift1", {"a": [dict(gold_a[0], event_date="2026-01-07")]})
        expect("date +1 day: matches, event_date counted wrong",
               r["overall"]["matched"] == 1 and r["overall"]["accuracy"]["event_date"]["correct"] == 0)
        # 4. spans compare as intervals
        r = run("span", {"a": [dict(gold_a[0], event_date="2026-01-01", event_date_end="2026-01-05", date_precision="span")]})
        expect("span ending the day before: matches", r["overall"]["matched"] == 1)
        # 5. an accepted alternative counts in full
        alt = dict(gold_a[1], sub_event_type="Protest with intervention")
        alt.pop("alternatives")
        r = run("alt", {"a": [alt]})
        expect("accepted alternative: matched, sub_event_type right",
               r["overall"]["matched"] == 1 and r["overall"]["accuracy"]["sub_event_type"]["rate"] == 1.0)
        r = run("wrongtype", {"a": [dict(alt, event_type="Riots", sub_event_type="Violent demonstration")]})
        expect("other event type: no match", r["overall"]["matched"] == 0)
        # 6. an accepted merge recalls both gold events
        merged = dict(gold_a[2], event_date="2026-01-05")
        merged.pop("accepted_merge")
        r = run("merge", {"a": [merged]})
        f = r["files"][0]
        expect("accepted merge: both events recalled", f["matched"] == 1 and f["merged"] == 1 and f["recall"] == 0.5)
        # 7. fatalities: not stated is not 0
        r = run("fatal", {"a": [dict(gold_a[0], fatalities=None)]})
        expect("null fatalities against 3: wrong", r["overall"]["accuracy"]["fatalities"]["correct"] == 0)
        r = run("fatal0", {"a": [dict(gold_a[1], fatalities=None)]})
        expect("null fatalities against 0: wrong", r["overall"]["accuracy"]["fatalities"]["correct"] == 0)
        # 8. places: 30 km away matches, 60 km away with another admin1 and name does not
        near = dict(gold_a[0], admin1="Eastern", location="Somewhere", latitude=5.5560 + 30 / 111.2)
        far = dict(gold_a[0], admin1="Eastern", location="Somewhere", latitude=5.5560 + 60 / 111.2)
        r = run("near", {"a": [near]})
        expect("point 30 km away: matches", r["overall"]["matched"] == 1)
        r = run("far", {"a": [far]})
        expect("point 60 km away, other admin1 and name: no match", r["overall"]["matched"] == 0)
        r = run("iso", {"a": [dict(gold_a[0], iso3="TGO")]})
        expect("other iso3: no match", r["overall"]["matched"] == 0)
        r = run("name", {"a": [dict(gold_a[0], admin1=None, latitude=None, longitude=None, location="ÁCCRA")]})
        expect("same location name after folding: matches", r["overall"]["matched"] == 1)
        # 9. one to one: two identical proposals, one matches
        r = run("dup", {"a": [gold_a[0], dict(gold_a[0], ref="copy")]})
        expect("duplicate proposal: one pair, one spurious", r["overall"]["matched"] == 1 and r["files"][0]["spurious"] == ["copy"])
        # 10. a proposal for a report with nothing to code
        r = run("nothing", {"a": gold_a, "b": [gold_a[0]]})
        fb = [f for f in r["files"] if f["name"] == "b"][0]
        expect("proposal for an empty gold: precision 0, F1 0", fb["precision"] == 0.0 and fb["f1"] == 0.0)
        # 11. evidence overlap counts characters
        half = dict(gold_a[0], evidence="Troops and rebels clashed")
        r = run("evidence", {"a": [half]})
        ov = r["overall"]["evidence_overlap"]["mean"]
        expect("partial evidence: overlap between 0 and 1", ov is not None and 0.4 < ov < 0.6)
        r = run("evidence_wrong", {"a": [dict(gold_a[0], evidence="Troops clashed with rebels")]})
        expect("evidence not quoted word for word: overlap 0", r["overall"]["evidence_overlap"]["mean"] == 0.0)
        # 12. gold-only keys are stripped for cedar check
        expect("strip_gold removes alternatives and accepted_merge",
               all(not (set(e) & set(GOLD_ONLY)) for e in strip_gold(gold_a)))

    failed = [w for w, ok in checks if not ok]
    for what, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {what}")
    print(f"self-test: {len(checks) - len(failed)}/{len(checks)} checks passed")
    return 1 if failed else 0


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="score.py", description=__doc__, epilog="The coding conventions the gold follows: README.md beside this file.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold_dir", nargs="?", type=Path, help="folder of NAME.gold.json files and the reports they name")
    ap.add_argument("proposed_dir", nargs="?", type=Path, help="folder of NAME.json proposals (a missing one proposes nothing)")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--details", action="store_true", help="list each matched pair and the fields that differ")
    ap.add_argument("--self-test", action="store_true", help="run the scorer's own checks and exit")
    ap.add_argument("--check-gold", action="store_true",
                    help="run `cedar check` on each gold file of GOLD_DIR, with alternatives and accepted_merge stripped")
    ap.add_argument("--cedar", help="the cedar executable for --check-gold (default: $CEDAR, else cedar on PATH)")
    args = ap.parse_args(argv)
    if args.self_test:
        return self_test()
    if args.check_gold:
        if not args.gold_dir or not args.gold_dir.is_dir():
            ap.error("--check-gold needs GOLD_DIR")
        return check_gold(args.gold_dir, args.cedar)
    if not args.gold_dir or not args.proposed_dir:
        ap.error("give GOLD_DIR and PROPOSED_DIR (or --self-test)")
    if not args.gold_dir.is_dir():
        ap.error(f"{args.gold_dir} is not a folder")
    if not args.proposed_dir.is_dir():
        ap.error(f"{args.proposed_dir} is not a folder (an empty folder proposes nothing)")
    report = score_dirs(args.gold_dir, args.proposed_dir)
    try:
        if args.json:
            print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        else:
            print(render(report, args.details))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
