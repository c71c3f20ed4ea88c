"""Text cells that a spreadsheet shows as text and does not run (OWASP: CSV injection).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
apostrophe. Numbers are written as they are (a longitude of -12.5 stays a number). One rule for
every CSV Cedar writes: the release files (cedar.releases.csvsafe, which also has its SQL form) and
the check's CSV report.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(TRIGGERS) else text
