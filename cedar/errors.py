"""The errors the library raises: what went wrong and what to do about it, typed by whose fault it is.

The library never decides an exit status: the command line maps each type to one (`cedar.cli`).
Every error carries a message (what is wrong) and, where there is one, a hint (how to fix it).
"""

from __future__ import annotations


class CedarError(Exception):
    """A failure a user can act on. Raise one of the subclasses; this is what callers catch."""

    def __init__(self, message: str, hint: str | None = None, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        # TRANSITIONAL: goes when every raise is typed and the command line maps the types itself
        self.exit_code = _status_of(self) if exit_code is None else exit_code


class UsageError(CedarError):
    """A wrong call: an option, argument, path or statement that cannot work as given."""


class InputError(CedarError):
    """Input that cannot be read: a missing file, a wrong encoding or layout, a broken export."""


class DataError(CedarError):
    """The data is at fault: a refused submission, an unknown actor, a failed gate."""


class StoreError(CedarError):
    """The store cannot be used as asked: missing, of another schema, or refusing the change."""


class StoreBusy(StoreError):
    """Another process is writing the store."""


class TransferError(CedarError):
    """A release could not be fetched or does not match what its manifest promises."""


class Interrupted(CedarError):
    """The user stopped the work (Ctrl-C); what was being written was rolled back or removed."""


def _status_of(error: CedarError) -> int:
    """The exit status the command line gives a type: 2 for a wrong call or unreadable input, 130 for an
    interruption, 1 for the rest."""
    if isinstance(error, (UsageError, InputError)):
        return 2
    return 130 if isinstance(error, Interrupted) else 1
