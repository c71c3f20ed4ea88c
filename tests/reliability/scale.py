"""How big a reliability run is: small in `make test`, full in `make reliability`
(CEDAR_RELIABILITY=full). Every suite takes its counts from here and records its figures."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

FULL = os.environ.get("CEDAR_RELIABILITY", "").lower() == "full"
FIGURES = os.environ.get("CEDAR_RELIABILITY_FIGURES")  # a JSON Lines file the figures are appended to


def size(small: int, full: int) -> int:
    return full if FULL else small


def record(suite: str, **figures) -> None:  # noqa: ANN003
    """Append one suite's figures (cases run, trials, seconds ...) to the figures file, if one is set."""
    if not FIGURES:
        return
    path = Path(FIGURES)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"suite": suite, "size": "full" if FULL else "small",
                             "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **figures}) + "\n")
