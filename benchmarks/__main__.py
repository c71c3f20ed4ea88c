"""`make bench`: time `cedar check` on the seed repeated to a few thousand rows of CSV.

A first figure only; the full suite (1M-row checks, ingest, 3M-event releases, queries, and the
plain ways beside them) is issue 8's.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from cedar.validate.check import check_files

from benchmarks.fixtures import seed_csv


def main(rows: int = 20_000) -> dict:
    out = Path("benchmarks/work")
    out.mkdir(parents=True, exist_ok=True)
    path = seed_csv(out / f"seed-{rows}.csv", rows)
    start = time.perf_counter()
    result = check_files([path])
    seconds = time.perf_counter() - start
    assert result.report.valid, result.report.problems[:3]
    figures = {"check_csv_rows": rows, "check_seconds": round(seconds, 3),
               "rows_per_second": round(rows / seconds),
               "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    Path("benchmarks/results.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
