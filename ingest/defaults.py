"""Where the store is unless a command is told otherwise.

Apart from `store` so that the command line can name the default at start-up without importing
DuckDB and the event model (about 0.2 s and 40 MB before any command runs).
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_DB = Path("data/cedar.duckdb")
ENV_DB = "CEDAR_DB"
