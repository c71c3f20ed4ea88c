"""`make bench`: see benchmarks/run.py. BENCH_SCALE=0.01 make bench for a quick run."""

from __future__ import annotations

import json

from benchmarks.run import main, table, write

if __name__ == "__main__":
    results = main()
    write(results)
    print(table(results))
    print(json.dumps(results["ratios"], indent=2))
