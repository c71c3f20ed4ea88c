"""Exit statuses. The command line alone decides them: from the typed errors the library raises, and from
what its results say happened (a check's verdict, a submission refused, a release not published)."""

from __future__ import annotations

from typing import Any

from cedar.cli.common import out
from cedar.errors import CedarError, InputError, Interrupted, UsageError

OK = 0
FAILED = 1  # the data, the store or the connection is at fault
WRONG_CALL = 2  # an option, argument or path that cannot work, or input that cannot be read
INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT

_BY_TYPE = ((Interrupted, INTERRUPTED), (UsageError, WRONG_CALL), (InputError, WRONG_CALL))


def for_error(exc: CedarError) -> int:
    """The status of an error's type: a wrong call or unreadable input 2, an interruption 130, the rest 1."""
    for kind, status in _BY_TYPE:
        if isinstance(exc, kind):
            return status
    return FAILED


# Whether an interruption has been told already: the root command reports a typed Interrupted and exits
# 130, and `main` must not tell it a second time when that exit reaches it.
told_interrupted = False


def report(exc: CedarError) -> int:
    """Say what went wrong (and how to fix it) on stderr; the exit status it calls for."""
    global told_interrupted
    if isinstance(exc, Interrupted):
        told_interrupted = True
    out(f"Error: {_shown(exc.message)}", err=True)
    if exc.hint:
        out(f"Hint: {_shown(exc.hint)}", err=True)
    return for_error(exc)


def _shown(text: str) -> str:
    """A message may quote a value from the data or a file name: its control characters are shown
    escaped, never obeyed by the terminal (its own line breaks stay)."""
    from cedar.schema.terminal import printable  # here, not at start-up: `cedar --help` loads no cedar.schema

    return "\n".join(printable(line) for line in text.split("\n"))


def for_check(result: Any) -> int:
    """A check (cedar.validate.check.CheckResult): valid, errors in the data, or a file not read at all."""
    if result.unreadable:
        return WRONG_CALL
    return OK if result.report.valid else FAILED


def for_outcome(outcome: Any) -> int:
    """Anything that was refused or not (an ingest's or deletion list's Outcome, an ImportRun)."""
    if outcome.unreadable:
        return WRONG_CALL
    return FAILED if outcome.refused else OK


def for_release(result: Any) -> int:
    """A release build: published, or held back by the gate."""
    return OK if result.passed else FAILED
