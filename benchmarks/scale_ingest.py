"""Memory in ingest and import: `cedar ingest` of synthetic submissions (CSV and JSON Lines) at two sizes,
of a CSV whose second half repeats its first under new refs (every such row a likely double coding, which
the SQL engine hands to the row engine), and `cedar import gdelt` of one and of many invented daily files,
each a child process whose peak RSS (os.wait4) and wall time are recorded. BENCH_SCALE sizes it as the
rest of `make bench`: 1 = ingest of 1M and 5M rows (by hand: about two hours on two shared cores), 0.001 =
the smoke run.

    python -m benchmarks.scale_ingest [SCALE]
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

Step = Callable[..., dict[str, Any]]


def jsonl_of(src: Path, out: Path) -> Path:
    """A synth CSV's rows as JSON Lines (sources as objects), the form the row engine reads."""
    from cedar.schema import flat

    kinds = flat.column_kinds()
    with src.open(newline="", encoding="utf-8") as f, out.open("w", encoding="utf-8") as w:
        for row in csv.DictReader(f):
            obj = {k: ([{"name": s} for s in flat.parse_cell(flat.LIST, v)] if k == "sources"
                       else flat.parse_cell(kinds[k], v)) for k, v in row.items() if v}
            w.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
    return out


def doubled_csv(out: Path, n: int, seed: int = 1) -> Path:
    """n rows: n // 2 synthetic rows, then the same rows again under new refs (a submission coded twice)."""
    from cedar.ingest import synth

    first, second = out.with_name(out.name + ".a"), out.with_name(out.name + ".b")
    synth.write(first, n // 2, seed=seed, ref_prefix="s")
    synth.write(second, n - n // 2, seed=seed, ref_prefix="d")
    with out.open("wb") as w:
        for i, part in enumerate((first, second)):
            with part.open("rb") as f:
                if i:
                    f.readline()  # the header once
                while block := f.read(1 << 20):
                    w.write(block)
            part.unlink()
    return out


def _fresh(db: Path, cedar: list[str]) -> None:
    for p in (db, Path(f"{db}.wal")):
        p.unlink(missing_ok=True)
    subprocess.run(cedar + ["init", "--db", str(db)], check=True, stdout=subprocess.DEVNULL)


def _made_in_child(code: str, *args: str) -> None:
    """Files made in a child, so this process's peak RSS (which its children inherit) stays small."""
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=Path(__file__).resolve().parents[1])


def run(res: dict[str, Any], work: Path, scale: float, step: Step, cedar: list[str]) -> None:
    out: dict[str, Any] = res.setdefault("scale_ingest", {})
    sizes = sorted({max(200, int(1_000_000 * scale)), max(1000, int(5_000_000 * scale))})
    # JSON Lines goes through the row engine (about 100 microseconds a row): at full size only the smaller one
    json_sizes = sizes if scale < 0.5 else sizes[:1]
    db = work / "scale-ingest.duckdb"
    for n in sizes:
        src = work / f"synth-{n}.csv"
        if not src.exists():
            subprocess.run(cedar + ["synth", str(n), "--seed", "1", "--out", str(src)], check=True,
                           stdout=subprocess.DEVNULL)
        forms = [("csv", src)]
        if n in json_sizes:
            jsonl = work / f"synth-{n}.jsonl"
            if not jsonl.exists():
                _made_in_child("import sys; from pathlib import Path; from benchmarks.scale_ingest import jsonl_of; "
                               "jsonl_of(Path(sys.argv[1]), Path(sys.argv[2]))", str(src), str(jsonl))
            forms.append(("jsonl", jsonl))
        for form, path in forms:
            _fresh(db, cedar)
            r = step(f"scale_ingest_{form}_{n}", cedar + ["ingest", str(path), "--db", str(db)])
            out[f"ingest_{form}_{n}"] = {"rows": n, **{k: r.get(k) for k in ("seconds", "peak_mb", "cpu_seconds")}}
    # half the rows to the row engine: its events go to Parquet a chunk at a time (cedar.ingest.spool)
    for n in sorted({max(200, int(200_000 * scale)), max(1000, int(1_000_000 * scale))}):
        src = work / f"doubled-{n}.csv"
        if not src.exists():
            _made_in_child("import sys; from pathlib import Path; from benchmarks.scale_ingest import doubled_csv; "
                           "doubled_csv(Path(sys.argv[1]), int(sys.argv[2]))", str(src), str(n))
        _fresh(db, cedar)
        r = step(f"scale_ingest_csv_doubled_{n}", cedar + ["ingest", str(src), "--db", str(db)])
        out[f"ingest_csv_doubled_{n}"] = {"rows": n, **{k: r.get(k) for k in ("seconds", "peak_mb", "cpu_seconds")}}
    gdelt_rows = max(200, int(50_000 * min(scale * 10, 1)))  # a real daily export: 50,000-150,000 rows
    for days in (1, 30):
        files = [work / f"gdelt-{gdelt_rows}-{d:02d}.export.CSV.zip" for d in range(days)]
        missing = [f for f in files if not f.exists()]
        if missing:
            _made_in_child("import sys; from pathlib import Path; from benchmarks.fixtures import gdelt_daily\n"
                           "for a in sys.argv[2:]: gdelt_daily(Path(a), int(sys.argv[1]), int(a[-17:-15]))",
                           str(gdelt_rows), *map(str, missing))  # the day is the name's: gdelt-N-DD.export.CSV.zip
        _fresh(db, cedar)
        r = step(f"scale_import_gdelt_{days}", cedar + ["import", "gdelt", *map(str, files), "--ingest", "--db",
                                                        str(db)], ok=(0, 1))
        out[f"import_gdelt_{days}_files"] = {"files": days, "rows_per_file": gdelt_rows,
                                             **{k: r.get(k) for k in ("seconds", "peak_mb", "cpu_seconds")}}


def table(res: dict[str, Any]) -> str:
    rows = ["| what | rows | wall s | peak MB |", "|---|---:|---:|---:|"]
    for key, r in res.get("scale_ingest", {}).items():
        n = r.get("rows") or r.get("files", 0) * r.get("rows_per_file", 0)
        rows.append(f"| {key.replace('_', ' ')} | {n:,} | {r.get('seconds')} | {r.get('peak_mb')} |")
    return "\n".join(rows)


def main() -> None:
    from benchmarks.run import ROOT, run_measured

    scale = float(sys.argv[1]) if len(sys.argv) > 1 else float(os.environ.get("BENCH_SCALE", "1"))
    work = ROOT / "benchmarks" / "work"
    work.mkdir(parents=True, exist_ok=True)
    res: dict[str, Any] = {"scale": scale}

    def step(name: str, cmd: list[str], **kw: Any) -> dict[str, Any]:
        r = run_measured(cmd, **kw)
        print(f"bench: {name}: {r.get('seconds')} s, {r.get('peak_mb')} MB" + (" (FAILED)" if "error" in r else ""),
              flush=True)
        return r

    run(res, work, scale, step, [sys.executable, "-m", "cedar"])
    print(table(res))
    (work / "scale-ingest.json").write_text(json.dumps(res, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
