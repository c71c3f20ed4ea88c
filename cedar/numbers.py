"""Numbers a command is given, checked before use: a float option may arrive as inf or nan (Click's
range check lets both through), and a library call given one fails far from the option's name."""

from __future__ import annotations

import math

from cedar.errors import UsageError


def seconds(value: float, option: str, *, zero_means_none: bool = False, most: float = 7 * 86400) -> float:
    """A duration in seconds: finite, not negative, at most `most` (a week); 0 is allowed when it means no
    limit."""
    if math.isnan(value) or value < 0 or (value == 0 and not zero_means_none):
        low = "0 (no limit) or more" if zero_means_none else "more than 0"
        raise UsageError(f"{option} {value:g} is not a number of seconds.", f"Give {low} seconds.")
    if value > most:  # inf included: a timer or a socket cannot take it
        raise UsageError(f"{option} {value:g} is too long: at most {most:g} seconds.",
                         f"Give at most {most:g} seconds" + (", or 0 for no limit." if zero_means_none else "."))
    return value
