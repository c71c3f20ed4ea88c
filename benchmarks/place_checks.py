"""How much of `cedar check` goes to place checks: cProfile over check_files on a file made from the
seed (benchmarks.fixtures.seed_csv), the share of the time spent inside the gazetteer's functions
(the place rules, with the gazetteer calls they make and its loading).

    python -m benchmarks.place_checks 100000            # the seed's two points, repeated
    python -m benchmarks.place_checks 100000 --spread   # every row moved to its own point (worst case)
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import pstats
import random
import tempfile
import time
from pathlib import Path


PLACE_RULES = {"_fill_place", "_place_not_found", "_point_in_country", "_point_far", "_admin1", "_region",
               "_point_maybe_outside"}


def _spread(path: Path) -> None:
    """Every row's point moved by up to 0.2 degrees, so that no two rows share a point."""
    rng = random.Random(7)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    la, lo = head.index("latitude"), head.index("longitude")
    for r in rows[1:]:
        r[la] = f"{float(r[la]) + rng.uniform(-0.2, 0.2):.5f}"
        r[lo] = f"{float(r[lo]) + rng.uniform(-0.2, 0.2):.5f}"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--spread", action="store_true")
    parser.add_argument("--ablate", action="store_true", help="also time it without the profiler, with and "
                        "without the place rules")
    args = parser.parse_args()
    from benchmarks.fixtures import seed_csv
    from cedar.validate.check import check_files

    with tempfile.TemporaryDirectory() as tmp:
        path = seed_csv(Path(tmp) / f"seed-{args.rows}.csv", args.rows)
        if args.spread:
            _spread(path)
        prof = cProfile.Profile()
        start = time.perf_counter()
        prof.enable()
        result = check_files([path])
        prof.disable()
        total = time.perf_counter() - start
    stats = pstats.Stats(prof)
    # the place rules of cedar.schema.rules: their cumulative time holds every gazetteer call they make
    # (the gazetteer's loading included), and none of them calls another
    place = sum(v[3] for (file, _, name), v in stats.stats.items()  # type: ignore[attr-defined]
                if file.endswith("schema/rules.py") and name in PLACE_RULES)
    profiled = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"rows {result.report.rows_checked}, errors {result.report.error_count}, "
          f"warnings {len(result.report.warnings)}")
    print(f"check_files wall {total:.1f} s under cProfile; place checks {place:.2f} s "
          f"= {100 * place / total:.1f}% of the wall time (profiled function time {profiled:.1f} s)")
    if args.ablate:
        print(f"without the profiler: {_ablate(args.rows, args.spread)}")


def _ablate(rows: int, spread: bool) -> str:
    """The same check in a fresh process with and without the place rules (their checks made no-ops):
    the difference is the place checks' time, free of the profiler's overhead."""
    import subprocess
    import sys

    code = (
        "import sys, time, tempfile; from pathlib import Path\n"
        "from benchmarks.fixtures import seed_csv; from benchmarks import place_checks as pc\n"
        "from cedar.schema import rules; from cedar.validate.check import check_files\n"
        "off = sys.argv[3] == 'off'\n"
        "if off:\n"
        "    for r in list(rules.RULES.values()):\n"
        "        if r.check and r.check.__name__ in pc.PLACE_RULES:\n"
        "            rules.RULES[r.code] = rules.Rule(r.code, r.template, r.doc, lambda e, c: iter(()), r.columns,\n"
        "                                             r.severity, r.fills)\n"
        "d = tempfile.mkdtemp(); p = seed_csv(Path(d) / 'f.csv', int(sys.argv[1]))\n"
        "if sys.argv[2] == 'spread': pc._spread(p)\n"
        "t = time.perf_counter(); check_files([p]); print(time.perf_counter() - t)\n")
    times = {}
    for mode in ("on", "off"):
        out = subprocess.run([sys.executable, "-c", code, str(rows), "spread" if spread else "seed", mode],
                             capture_output=True, text=True, check=True).stdout
        times[mode] = float(out.strip().splitlines()[-1])
    share = (times["on"] - times["off"]) / times["on"]
    return (f"check_files {times['on']:.1f} s with the place rules, {times['off']:.1f} s without: "
            f"place checks {100 * share:.1f}% of the time")


if __name__ == "__main__":
    main()
