"""Print the figures of a reliability run (the JSON Lines file of CEDAR_RELIABILITY_FIGURES) as a
Markdown table, for the README: `python tests/reliability/figures.py build/reliability-figures.jsonl`."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(path: str) -> None:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    print("| suite | size | figures |")
    print("|---|---|---|")
    for r in rows:
        figures = ", ".join(f"{k} {json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v}"
                            for k, v in r.items() if k not in ("suite", "size", "at"))
        print(f"| {r['suite']} | {r['size']} | {figures} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/reliability-figures.jsonl")
