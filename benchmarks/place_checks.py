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


if __name__ == "__main__":
    main()
