"""Data values as text a terminal shows and does not obey.

A value read from a submission, a store or a release may hold control characters: an escape
sequence (ESC, or the one-byte CSI U+009B) can recolour, move the cursor, retitle the window or
hide the lines before it; a carriage return or backspace can overwrite what was printed; a
direction override (U+202E) reorders what follows. Text for people (the query's table, the check's
text report, the actor registry's list) shows each such character escaped, as Python writes it
(`\\x1b`, `\\u202e`); JSON and CSV keep every value exact.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the characters that change the direction or the lines of what follows
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    if m.group() in _NAMED:
        return _NAMED[m.group()]
    code = ord(m.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control, line break and direction character escaped (`\\x1b`, `\\n`,
    `\\u202e`): one line, shown as it is."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text
