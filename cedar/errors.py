"""The errors the library raises: what went wrong and what to do about it, typed by whose fault it is.

The library never decides an exit status: the command line maps each type to one (`cedar.cli`).
Every error carries a message (what is wrong) and, where there is one, a hint (how to fix it).
"""

from __future__ import annotations


class CedarError(Exception):
    """A failure a user can act on. Raise one of the subclasses; this is what callers catch."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


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
