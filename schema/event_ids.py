"""The form of Cedar's event ids, `CDR-MEX-17601`: the prefix `CDR`, the country's ISO3 code and a
number counted per country, joined by hyphens (docs/store.md says why this form).

The store forms new ids (cedar.ingest.ids); everything else that reads an id, sorts ids or turns
an id of the earlier form (`MEX17601`, the form of ACLED's `event_id_cnty`) into the current one
reads it from here.
"""

from __future__ import annotations

import re

PREFIX = "CDR"
PATTERN = r"^CDR-[A-Z]{3}-[0-9]+$"
EXAMPLE = "CDR-AZE-12"
# What a report says an id must look like.
EXPECTED = f"{PREFIX}-, ISO3, - and a number, e.g. {EXAMPLE} (an id of the earlier form, AZE12, is now {EXAMPLE})"
# The form Cedar gave ids before the prefix: ISO3 and a number, which ACLED's ids share.
LEGACY_PATTERN = r"^[A-Z]{3}[0-9]+$"

_ID = re.compile(PATTERN[1:-1])
_LEGACY = re.compile(LEGACY_PATTERN[1:-1])
_NATURAL = re.compile(r"(.*?)([0-9]*)", re.DOTALL)


def is_event_id(text: object) -> bool:
    return isinstance(text, str) and _ID.fullmatch(text) is not None


def is_legacy(text: object) -> bool:
    return isinstance(text, str) and _LEGACY.fullmatch(text) is not None


def from_legacy(old: str) -> str:
    """`MEX17601` -> `CDR-MEX-17601` (the number's digits kept as they are)."""
    return f"{PREFIX}-{old[:3]}-{old[3:]}"


def natural_key(event_id: str) -> tuple[str, int, str]:
    """Natural order of ids: by the text before the number, then the number (CDR-AZE-2 before CDR-AZE-10)."""
    m = _NATURAL.fullmatch(event_id)
    assert m is not None  # the pattern matches any text
    return m.group(1), int(m.group(2) or 0), event_id


def order_sql(column: str = "event_id") -> str:
    """SQL ORDER BY terms for the same natural order as natural_key."""
    return (f"regexp_replace({column}, '[0-9]+$', ''), TRY_CAST(regexp_extract({column}, '[0-9]+$') AS BIGINT), "
            f"{column}")


def legacy_to_current_sql(column: str) -> str:
    """SQL turning an id of the earlier form into the current one; any other text is left as it is."""
    return (f"CASE WHEN regexp_full_match({column}, '{LEGACY_PATTERN[1:-1]}') "
            f"THEN '{PREFIX}-' || substr({column}, 1, 3) || '-' || substr({column}, 4) ELSE {column} END")
