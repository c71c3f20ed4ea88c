"""The one kind of error the command line shows: what went wrong, and what to do about it."""

from __future__ import annotations


class CedarError(Exception):
    """A user-facing failure. `exit_code` 1: the data is at fault; 2: the call is."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code
