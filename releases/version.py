"""Release versions: `YYYY.MM.N` (year, month, then 1, 2, ... within the month), e.g. `2026.11.1`.

They sort as tuples of numbers, so `2026.11.10` comes after `2026.11.9`, and a version names
when it was cut without any look-up. The schema version (`schema_version`, semantic versioning,
from the event model) is kept apart: a release records both in its manifest.
"""

from __future__ import annotations

import re

from cedar.errors import UsageError

# Matched whole (fullmatch): with `$`, "2026.12.1\n" passed as a second version beside "2026.12.1".
PATTERN = re.compile(r"(?P<year>[0-9]{4})\.(?P<month>0[1-9]|1[0-2])\.(?P<n>[1-9][0-9]*)", re.ASCII)
EXAMPLE = "2026.11.1"


def parse(version: object) -> tuple[int, int, int]:
    m = PATTERN.fullmatch(version) if isinstance(version, str) else None
    if not m:
        raise UsageError(f"{version!r} is not a release version.",
                         f"Write YYYY.MM.N: the year, the two-digit month and a running number from 1, "
                         f"e.g. {EXAMPLE}.")
    return int(m["year"]), int(m["month"]), int(m["n"])


def is_version(name: object) -> bool:
    return isinstance(name, str) and PATTERN.fullmatch(name) is not None


def sort_key(version: str) -> tuple[int, int, int]:
    return parse(version)
