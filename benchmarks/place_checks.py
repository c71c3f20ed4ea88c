"""How much of `cedar check` goes to place checks (the target: under a fifth on a 100,000-row file).

Both engines, each in a fresh child process (so that the gazetteer's loading counts), on three files:
seed-like (the seed's events repeated: two points for the whole file), synth (`cedar synth`: what a
contributor's file looks like, 17,900 distinct points in 100,000 rows) and the worst case (every row
moved by up to 0.2 degrees, so that no two rows share a point). The files have no companion sources
table, so that `cedar check` takes them as a contributor's large CSV.

- engine "cli": the real `cedar check FILE --format json` (for 100,000 rows, 36 MB, the SQL engine;
  the report's `engine` says which one answered), under cProfile: the place checks are the SQL
  engine's place pass (`_place_items`: each batch's distinct places, the gazetteer's loading and the
  vectorised look-ups), or the row engine's place rules and batch look-ups, as a share of the
  command's time. Then by ablation, free of the profiler: the command timed again with the place
  checks turned off; the difference is their cost (the place keys the query streams included). A
  check under 2 s is timed five times each way, alternately, and the medians are compared.
- engine "row": the row engine (`check_files`, what `cedar check` runs for small files and with a
  store) under cProfile: the place rules of cedar.schema.rules (with every gazetteer call they make)
  and the batch look-ups (`Gazetteer.prefetch`, the gazetteer's loading included), and by ablation.

    python -m benchmarks.place_checks 100000            # both engines, both files
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PLACE_RULES = {"_fill_place", "_place_not_found", "_point_in_country", "_point_far", "_admin1", "_region",
               "_point_maybe_outside", "point_rules_quiet"}
ROOT = Path(__file__).resolve().parents[1]


def make_file(path: Path, rows: int, spread: bool) -> Path:
    """The seed's events repeated to `rows` rows, without the companion sources table; with `spread`,
    every row's point moved by up to 0.2 degrees (no two rows share a point)."""
    from benchmarks.fixtures import seed_csv

    seed_csv(path, rows)
    path.with_name(f"{path.stem}.sources.csv").unlink()
    if spread:
        rng = random.Random(7)
        with path.open(encoding="utf-8", newline="") as f:
            table = list(csv.reader(f))
        la, lo = table[0].index("latitude"), table[0].index("longitude")
        for r in table[1:]:
            r[la] = f"{float(r[la]) + rng.uniform(-0.2, 0.2):.5f}"
            r[lo] = f"{float(r[lo]) + rng.uniform(-0.2, 0.2):.5f}"
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(table)
    return path


# Run in the child: the check under cProfile (or, with "off", without the place checks and unprofiled).
_CHILD = r"""
import contextlib, cProfile, io, json, pstats, sys, time
from pathlib import Path
path, engine, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
from benchmarks import place_checks as pc
pc.import_checked_modules()  # in every mode, so that the timer sees the same imports
if mode == "off":
    pc.turn_off_place_checks()
prof = cProfile.Profile()
out = io.StringIO()
start, cpu = time.perf_counter(), time.process_time()
if mode == "profile":
    prof.enable()
if engine == "cli":
    from cedar.cli import app
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            app(["check", str(path), "--format", "json"])
        except SystemExit:
            pass
    report = json.loads(out.getvalue())
else:
    from cedar.validate.check import check_files
    report = check_files([path]).report.to_dict()
prof.disable()
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
place = pc.place_seconds(pstats.Stats(prof)) if mode == "profile" else None
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "place_seconds": place,
                  "engine": report.get("engine", "row"), "rows": report["rows_checked"],
                  "errors": report["error_count"], "warnings": report["warning_count"]}))
"""


def import_checked_modules() -> None:
    """The modules `turn_off_place_checks` patches, imported before the timer starts in every mode: the
    ablation once imported them (the rules, the model, Pydantic: about 0.1 s) before timing only the run
    without place checks, and read that head start as the place checks' cost."""
    from cedar.schema import gazetteer, rules, rules_sql  # noqa: F401
    from cedar.validate import sql_engine  # noqa: F401


def turn_off_place_checks() -> None:
    """For the ablation: no place pass in the SQL engine, place rules and look-ups as no-ops in the row engine."""
    from cedar.schema import gazetteer, rules, rules_sql
    from cedar.validate import sql_engine

    rules_sql.PER_DISTINCT.clear()  # the SQL engine streams no place keys and runs no place pass
    sql_engine.missing_forms = lambda: []  # (and still takes the file)
    gazetteer.Gazetteer.prefetch = lambda *a, **k: None
    rules.point_rules_quiet = lambda e: True  # (the row engine asks it once a row)
    for r in list(rules.RULES.values()):
        if r.check and r.check.__name__ in PLACE_RULES:
            rules.RULES[r.code] = rules.Rule(r.code, r.template, r.doc, lambda e, c: iter(()), r.columns,
                                             r.severity, r.fills)


def place_seconds(stats: Any) -> float:
    """Cumulative time of the place checks in a profile: the SQL engine's place pass, the row engine's place
    rules (each holds the gazetteer calls it makes; none calls another) and the batch look-ups."""
    total = 0.0
    for (file, _, name), v in stats.stats.items():
        if ((file.endswith("validate/sql_places.py") and name == "_place_items")
                or (file.endswith(("schema/rules_fill.py", "schema/rules_places.py")) and name in PLACE_RULES)
                or (file.endswith("schema/gazetteer.py") and name == "prefetch")):
            total += v[3]
    return total


def _child(path: Path, engine: str, mode: str) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), engine, mode], capture_output=True, text=True,
                          cwd=ROOT, env=_env())
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = round(time.perf_counter() - start, 3)
    return out


def _env() -> dict[str, str]:
    import os

    # as a contributor runs it: no store, so no actor registry (with one, the check takes the row engine)
    return {**os.environ, "CEDAR_DB": str(ROOT / "benchmarks" / "work" / "no-store.duckdb")}


def measure(path: Path, engine: str, ablate: bool = True) -> dict[str, Any]:
    """The place checks' share of one check of this file, by profile and by ablation."""
    prof = _child(path, engine, "profile")
    out = {"engine": prof["engine"], "rows": prof["rows"], "errors": prof["errors"], "warnings": prof["warnings"],
           "profiled_seconds": round(prof["seconds"], 3), "place_seconds": round(prof["place_seconds"], 3),
           "share_profiled": round(prof["place_seconds"] / prof["seconds"], 3)}
    if ablate:
        # a check of well under a second varies by a few hundredths from run to run, as much as the place
        # checks cost: such checks are timed five times each way, alternately, and the medians compared
        runs = {"on": [_child(path, engine, "on")], "off": [_child(path, engine, "off")]}
        while runs["on"][0]["seconds"] < 2 and len(runs["on"]) < 5:
            for mode in ("on", "off"):
                runs[mode].append(_child(path, engine, mode))
        on, off = ({key: statistics.median(r[key] for r in runs[mode]) for key in ("seconds", "cpu_seconds")}
                   for mode in ("on", "off"))
        out.update(seconds=round(on["seconds"], 3), cpu_seconds=round(on["cpu_seconds"], 3),
                   seconds_without=round(off["seconds"], 3), cpu_seconds_without=round(off["cpu_seconds"], 3),
                   share_ablated=round(max(0.0, on["seconds"] - off["seconds"]) / on["seconds"], 3),
                   share_ablated_cpu=round(max(0.0, on["cpu_seconds"] - off["cpu_seconds"]) / on["cpu_seconds"], 3),
                   ablation_runs=len(runs["on"]))
    return out


def make_synth(path: Path, rows: int) -> Path:
    """A contributor-like file: `cedar synth` (real places of many countries, a point per row, a few
    thousand distinct points per 10,000 rows)."""
    from cedar.ingest import synth

    synth.write(path, rows, seed=5)
    return path


def run_all(rows: int, work: Path, say: Any = print, ablate: bool = True) -> dict[str, Any]:
    """Both engines on the three files of `rows` rows: {"<engine>, <case>": measure(...)}."""
    out: dict[str, Any] = {"rows": rows}
    for case, kind in (("seed-like", "seed"), ("synth", "synth"), ("every row its own point", "spread")):
        name = work / f"places-{rows}-{kind}.csv"
        path = make_synth(name, rows) if kind == "synth" else make_file(name, rows, kind == "spread")
        for engine in ("cli", "row"):
            name = f"{'cedar check' if engine == 'cli' else 'row engine'}, {case}"
            say(f"bench: place checks: {name} ...")
            out[name] = measure(path, engine, ablate=ablate)
            say(f"bench: place checks: {name}: {_describe(out[name])}")
    return out


def _describe(r: dict[str, Any]) -> str:
    text = (f"{r['engine']} engine, {r['rows']} rows: place checks {r['place_seconds']:.2f} s of "
            f"{r['profiled_seconds']:.2f} s under cProfile = {100 * r['share_profiled']:.1f}%")
    if "share_ablated" in r:
        text += (f"; without the profiler {r['seconds']:.2f} s wall / {r['cpu_seconds']:.2f} CPU s, "
                 f"{r['seconds_without']:.2f} s / {r['cpu_seconds_without']:.2f} CPU s without the place checks "
                 f"= {100 * r['share_ablated']:.1f}% of wall, {100 * r['share_ablated_cpu']:.1f}% of CPU")
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        res = run_all(args.rows, Path(tmp), say=lambda *_: None)
    for name, r in res.items():
        if isinstance(r, dict):
            print(f"{name}: {_describe(r)}")


if __name__ == "__main__":
    main()
