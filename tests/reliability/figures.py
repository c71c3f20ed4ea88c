"""The figures of a reliability run (the JSON Lines file of CEDAR_RELIABILITY_FIGURES) as a Markdown
table: printed, and with --page written into docs/reliability.md between its RELIABILITY markers,
so that the page carries the figures of the last complete `make reliability`.

    python tests/reliability/figures.py build/reliability-figures.jsonl [--page docs/reliability.md]
        [--started build/reliability-started]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path

BEGIN, END = "<!-- RELIABILITY:BEGIN -->", "<!-- RELIABILITY:END -->"


def table(rows: list[dict]) -> str:
    lines = ["| suite | size | figures |", "|---|---|---|"]
    for r in rows:
        figures = ", ".join(f"{k} {json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v}"
                            for k, v in r.items() if k not in ("suite", "size", "at"))
        lines.append(f"| {r['suite']} | {r['size']} | {figures} |")
    return "\n".join(lines)


def heading(rows: list[dict], started: Path | None) -> str:
    """When and how the run went: its size, start and end (UTC), wall minutes and the load around it."""
    sizes = sorted({r["size"] for r in rows})
    what = "`make reliability` (full size)" if sizes == ["full"] else f"a reliability run ({', '.join(sizes)})"
    end = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    load_end = os.getloadavg()[0]
    parts = [f"_Figures of {what}"]
    if started is not None and started.is_file():
        start_text, _, load_start = started.read_text(encoding="utf-8").strip().partition(" ")
        start = dt.datetime.fromisoformat(start_text.replace("Z", "+00:00"))
        minutes = (end - start).total_seconds() / 60
        parts.append(f", {start:%Y-%m-%d %H:%M} to {end:%H:%M} UTC ({minutes:.0f} min wall; load average "
                     f"{float(load_start):.1f} at the start and {load_end:.1f} at the end, on {os.cpu_count()} "
                     "cores shared with other jobs)")
    else:
        parts.append(f", finished {end:%Y-%m-%d %H:%M} UTC")
    return "".join(parts) + ":_"


def write_page(page: Path, text: str) -> None:
    body = page.read_text(encoding="utf-8")
    head, sep, rest = body.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise SystemExit(f"{page} has no {BEGIN} ... {END} block to write the figures into")
    page.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("figures", nargs="?", default="build/reliability-figures.jsonl")
    ap.add_argument("--page", type=Path, help="write the table into this page (docs/reliability.md) between its "
                    "markers")
    ap.add_argument("--started", type=Path, help="a file holding the run's start (ISO time) and load average")
    args = ap.parse_args()
    rows = [json.loads(line) for line in Path(args.figures).read_text(encoding="utf-8").splitlines() if line.strip()]
    text = f"{heading(rows, args.started)}\n\n{table(rows)}"
    print(text)
    if args.page:
        write_page(args.page, text)
        print(f"Wrote the figures into {args.page}.")


if __name__ == "__main__":
    main()
