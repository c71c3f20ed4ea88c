"""Text cells that a spreadsheet shows as text and does not run (OWASP: CSV injection).

A text cell gets a leading apostrophe when it starts with a tab or a carriage return, or when its
first character that is not blank starts with `=`, `+`, `-` or `@` once normalised (NFKC): a
spreadsheet skips a leading space, no-break space or zero-width character and reads a full-width
＝ as `=`. Blank here means a separator (Unicode Z*), a control (Cc) or a format character (Cf:
zero-width space and joiners, the byte order mark, direction marks). Numbers are written as they
are (a longitude of -12.5 stays a number). One rule for every CSV Cedar writes: the release files
(cedar.releases.csvsafe, which also has its SQL form, built from the constants here), the ACLED
layout export, `cedar check --format csv` and `cedar query --format csv`.
"""

from __future__ import annotations

import unicodedata

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Every character whose NFKC form starts with = + - or @ (tests/test_release_units.py recomputes it
# over all of Unicode): full-width, small, superscript and subscript forms, ⩵ ⩶ and ﬩.
FORMULA_STARTS = frozenset("=+-@\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29"
                           "\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20")
BLANK_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could read the cell as a formula (the test `neutralise` applies)."""
    if text.startswith(("\t", "\r")):
        return True
    for c in text:
        if c in FORMULA_STARTS:
            return True
        if unicodedata.category(c) not in BLANK_CATEGORIES:
            return False
    return False


def neutralise(text: str) -> str:
    return "'" + text if formula_like(text) else text
