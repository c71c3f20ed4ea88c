"""The coding assist's figures in `make bench`: `cedar code` over the development set (tests/data/coding),
one child process per report as a user runs it, scored by the kit's scorer (benchmarks/coding_score.py);
and the warm time of the assist itself, per 500 words, in one child that codes every report five times.

Targets: event F1 >= 0.7, verification status right on >= 80% of matched events, < 1 s per 500-word report."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "coding"
TARGET_F1, TARGET_VERIFICATION, TARGET_SECONDS_PER_500_WORDS = 0.7, 0.8, 1.0


def run(res: dict[str, Any], work: Path, measure: Callable[..., dict[str, Any]], cedar: list[str]) -> None:
    from benchmarks import coding_score

    out = work / "coding"
    out.mkdir(parents=True, exist_ok=True)
    runs = {}
    for report in sorted(DEV.glob("*.txt")):
        r = measure(cedar + ["code", str(report), "--out", str(out / f"{report.stem}.json"), "--force"])
        runs[report.stem] = {"seconds": r.get("seconds"), "cpu_seconds": r.get("cpu_seconds"),
                             "peak_mb": r.get("peak_mb"), "exit": r.get("exit"),
                             "words": len(report.read_text(encoding="utf-8").split())}
    scored = coding_score.score_dirs(DEV, out)
    warm = subprocess.run([sys.executable, "-m", "benchmarks.coding", "warm"], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)
    o = scored["overall"]
    res["coding"] = {
        "overall": {k: o[k] for k in ("files", "gold", "proposed", "matched", "merged", "precision", "recall", "f1")}
        | {"evidence_overlap": (o.get("evidence_overlap") or {}).get("mean")},
        "accuracy": {k: v.get("rate") for k, v in (o.get("accuracy") or {}).items()},
        "files": [{k: f.get(k) for k in ("name", "gold", "proposed", "matched", "merged", "precision", "recall",
                                         "f1")}
                  | {"verification": ((f.get("accuracy") or {}).get("verification_status") or {}).get("rate")}
                  for f in scored["files"]],
        "runs": runs,
        "warm": json.loads(warm.stdout) if warm.returncode == 0 else {"error": warm.stderr[-500:]},
    }


def warm() -> dict[str, Any]:
    """The assist's own time per report once loaded (the gazetteer read once, as by a server)."""
    from cedar.coding.propose import propose

    reports = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(DEV.glob("*.txt"))]
    propose(reports[0][1], name=reports[0][0])  # loads the gazetteer's tables
    words = sum(len(t.split()) for _, t in reports)
    start = time.perf_counter()
    for _ in range(5):
        for name, text in reports:
            propose(text, name=name)
    seconds = (time.perf_counter() - start) / 5
    return {"reports": len(reports), "words": words, "seconds_all": round(seconds, 4),
            "seconds_per_500_words": round(seconds / words * 500, 4)}


def table_rows(res: dict[str, Any]) -> list[str]:
    c = res.get("coding")
    if not c:
        return []
    o, acc = c["overall"], c["accuracy"]
    runs = c["runs"]
    walls = sorted(r["seconds"] for r in runs.values() if r.get("seconds"))
    cpus = sorted(r["cpu_seconds"] for r in runs.values() if r.get("cpu_seconds"))
    words = max((r["words"] for r in runs.values()), default=0)
    ver = _accuracy(acc, "verification_status")
    rows = ["", f"`cedar code` on the development set ({o['files']} reports, {o['gold']} gold events; targets: "
            f"event F1 >= {TARGET_F1}, verification status >= {TARGET_VERIFICATION:.0%} of matched events, "
            f"< {TARGET_SECONDS_PER_500_WORDS:.0f} s per 500-word report):", "",
            "| figure | value |", "|---|---:|",
            f"| events proposed / matched | {o['proposed']} / {o['matched']} |",
            f"| precision / recall / F1 | {_f(o['precision'])} / {_f(o['recall'])} / {_f(o['f1'])} |",
            f"| verification status right (matched events) | {_f(ver)} |",
            f"| sub-event type / actor1 / fatalities right | {_f(_accuracy(acc, 'sub_event_type'))} / "
            f"{_f(_accuracy(acc, 'actor1'))} / {_f(_accuracy(acc, 'fatalities'))} |",
            f"| evidence overlap (mean) | {_f(o.get('evidence_overlap'))} |",
            f"| `cedar code` per report of up to {words} words, child process: median wall s / CPU s (start-up, "
            f"gazetteer and `cedar check` of the output included) | "
            f"{walls[len(walls) // 2]:.2f} / {cpus[len(cpus) // 2]:.2f} |" if walls and cpus else
            "| `cedar code` per report | - |",
            f"| the assist warm, s per 500 words | {c['warm'].get('seconds_per_500_words', '-')} |",
            "", "| report | gold | proposed | matched | F1 | verification | wall s | CPU s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for f in c["files"]:
        r = runs.get(f["name"], {})
        rows.append(f"| {f['name']} | {f['gold']} | {f['proposed']} | {f['matched']} | {_f(f['f1'])} | "
                    f"{_f(f['verification'])} | {r.get('seconds', '-')} | {r.get('cpu_seconds', '-')} |")
    return rows


BEGIN, END = "<!-- CODING:BEGIN -->", "<!-- CODING:END -->"


def write_block(res: dict[str, Any], page: Path) -> None:
    """The coding figures into `page` (docs/performance.md) between their own markers."""
    rows = table_rows(res)
    if not rows:
        return
    text = page.read_text(encoding="utf-8")
    block = f"{BEGIN}\n_Measured by `make bench` on {res.get('started', '-')}._\n" + "\n".join(rows) + f"\n{END}"
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## The coding assist\n\n" + block + "\n"
    page.write_text(text, encoding="utf-8")


def _accuracy(acc: dict[str, Any], name: str) -> float | None:
    return acc.get(name)


def _f(x: Any) -> str:
    return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)


def main() -> None:
    """`python -m benchmarks.coding`: the coding step alone, its block of docs/performance.md rewritten."""
    from benchmarks.run import CEDAR, run_measured

    res: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    run(res, ROOT / "benchmarks" / "work", lambda cmd: run_measured(cmd, timeout=600), CEDAR)
    write_block(res, ROOT / "docs" / "performance.md")
    print("\n".join(table_rows(res)))


if __name__ == "__main__":
    if sys.argv[1:] == ["warm"]:
        print(json.dumps(warm()))
    else:
        main()
