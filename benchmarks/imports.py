"""The importers' figures in `make bench`: ACLED-layout rows (benchmarks.fixtures.acled_csv, invented events
at real places) imported alone, imported with --ingest into a new store, and the import's own output ingested
by a plain `cedar ingest` into another new store, all as child processes.

Rows: BENCH_IMPORT_ROWS, else 100,000 x BENCH_SCALE (at least 500); ACLED's whole dataset by hand with
BENCH_IMPORT_ROWS=3000000. Targets: import alone >= 20,000 rows/s, its peak memory under 1.5 GB whatever the
rows' number (the rows kept are spooled to disk); import with ingest within 2x of the plain ingest of the same
rows by CPU seconds (wall times on a shared machine say more of the load than of the code), in under 1.5 GB
too (DuckDB finds the likely matches, bounded and spilling).
Also `python -m benchmarks.imports [ROWS]`: these steps alone, their figures and table printed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

TARGET_ROWS_PER_S = 20_000
TARGET_INGEST_RATIO = 2.0
TARGET_IMPORT_PEAK_MB = 1500


def rows_for(scale: float) -> int:
    return int(os.environ.get("BENCH_IMPORT_ROWS") or max(500, int(100_000 * scale)))


def run(res: dict[str, Any], work: Path, scale: float, step: Callable[..., dict[str, Any]],
        cedar: list[str]) -> None:
    from benchmarks.fixtures import acled_csv

    n = rows_for(scale)
    res["rows_import"] = n
    src = work / f"acled-{n}.csv"
    if not src.exists():
        acled_csv(src, n)
    out = work / f"acled-{n}.cedar.jsonl"
    out.unlink(missing_ok=True)  # the import refuses to overwrite a file it did not make: a second run would fail
    step("import_acled", cedar + ["import", "acled", str(src), "--out", str(out)])
    for name in ("import-ingest", "plain-ingest"):
        for p in work.glob(f"{name}.duckdb*"):
            p.unlink()
    with_ingest, plain = work / "import-ingest.duckdb", work / "plain-ingest.duckdb"
    step("import_init", cedar + ["init", "--db", str(with_ingest)])
    step("import_acled_ingest", cedar + ["import", "acled", str(src), "--ingest", "--db", str(with_ingest)])
    step("import_plain_init", cedar + ["init", "--db", str(plain)])
    step("ingest_imported", cedar + ["ingest", str(out), "--db", str(plain)])


def figures(res: dict[str, Any]) -> dict[str, float]:
    """rows a second (wall and CPU) of the import alone, and import with ingest against the plain ingest."""
    out: dict[str, float] = {}
    n = res.get("rows_import")
    alone, both, plain = (res.get(k) or {} for k in ("import_acled", "import_acled_ingest", "ingest_imported"))
    if n and alone.get("seconds") and "error" not in alone:
        out["import rows/s (wall)"] = round(n / alone["seconds"])
        out["import rows/s (CPU)"] = round(n / max(alone.get("cpu_seconds", 0), 1e-3))
        if alone.get("peak_mb"):
            out["import peak MB"] = alone["peak_mb"]
    if both.get("peak_mb") and "error" not in both:
        out["import --ingest peak MB"] = both["peak_mb"]
    if both.get("seconds") and plain.get("seconds") and "error" not in both and "error" not in plain:
        out["import --ingest / plain ingest (wall)"] = round(both["seconds"] / plain["seconds"], 2)
        out["import --ingest / plain ingest (CPU)"] = round(both.get("cpu_seconds", 0) /
                                                            max(plain.get("cpu_seconds", 0), 1e-3), 2)
    return out


def table_rows(res: dict[str, Any]) -> list[str]:
    n = res.get("rows_import")
    if not n:
        return []
    rows = ["", f"Importers: {n:,} ACLED-layout rows (invented events at real places; targets: import alone "
            f">= {TARGET_ROWS_PER_S:,} rows/s in under {TARGET_IMPORT_PEAK_MB:,} MB, import with ingest within "
            f"{TARGET_INGEST_RATIO:g}x of a plain ingest of the same rows):", "",
            "| what | wall s | CPU s | rows/s (wall) | peak MB |",
            "|---|---:|---:|---:|---:|"]
    for name, label in (("import_acled", "cedar import acled (to JSON Lines)"),
                        ("import_acled_ingest", "cedar import acled --ingest (new store)"),
                        ("ingest_imported", "cedar ingest of the import's JSON Lines (new store)")):
        r = res.get(name) or {}
        if not r.get("seconds"):
            continue
        failed = " (failed)" if "error" in r else ""
        rows.append(f"| {label}{failed} | {r['seconds']:.2f} | {r.get('cpu_seconds', 0):.2f} | "
                    f"{n / r['seconds']:,.0f} | {r.get('peak_mb', '-')} |")
    ratio = figures(res)
    if "import --ingest / plain ingest (CPU)" in ratio:
        rows.append(f"| import --ingest / plain ingest | {ratio['import --ingest / plain ingest (wall)']:.2f}x | "
                    f"{ratio['import --ingest / plain ingest (CPU)']:.2f}x | | |")
    return rows


def main(rows: int | None = None, work: Path | None = None, say: Callable[[str], None] = print) -> dict[str, Any]:
    """The importers' steps alone (`python -m benchmarks.imports [ROWS]`), as `make bench` runs them: their
    figures and table printed, benchmarks/results.json left as it is."""
    from benchmarks.run import CEDAR, ROOT, run_measured

    work = work or ROOT / "benchmarks" / "work"
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {}
    if rows:
        os.environ["BENCH_IMPORT_ROWS"] = str(rows)

    def step(name: str, cmd: list[str], **kw: Any) -> dict[str, Any]:
        res[name] = r = run_measured(cmd, **kw)
        say(f"bench: {name}: {r.get('seconds')} s wall, {r.get('cpu_seconds')} CPU s, {r.get('peak_mb')} MB"
            + (" (FAILED)" if "error" in r else ""))
        return r

    run(res, work, 1.0, step, CEDAR)
    for name, value in figures(res).items():
        say(f"{name}: {value}")
    say("\n".join(table_rows(res)))
    return res


if __name__ == "__main__":
    import sys

    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
