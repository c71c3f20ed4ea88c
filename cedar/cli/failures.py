"""The last line of defence of the command line: failures that reach `main` without a typed error (an
OSError from a path, a full disk, no memory, Ctrl-C in a command that does not catch it) become a
message and an exit status, never a traceback.

DuckDB's errors are recognised by their module's name, so that `cedar --help` need not import DuckDB.
"""

from __future__ import annotations

import errno
import os
import resource
import signal
from typing import Any

from cedar.errors import CedarError, InputError, Interrupted, UsageError
from cedar.paths import NO_SPACE, NoSpace

# A path given that cannot work as given: exit status 2, like any wrong call.
_WRONG_PATH = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ELOOP, errno.ENOTDIR, errno.EISDIR,
                         errno.ENAMETOOLONG, errno.ENOENT, errno.ENXIO, errno.ENODEV, errno.ESPIPE, errno.EEXIST})
CAUGHT: tuple[type[BaseException], ...] = (OSError, MemoryError, RecursionError, UnicodeError)


def out_of_memory(exc: BaseException) -> bool:
    """An ImportError that is a library the address-space limit left no room to map."""
    return isinstance(exc, ImportError) and "map segment" in str(exc)


def prepare() -> None:
    """A file-size limit (ulimit -f) kills a process with SIGXFSZ by default; ignored, a write past the
    limit fails with EFBIG instead, which is reported like a full disk. Under an address-space limit
    (ulimit -v), OpenBLAS's thread pool (numpy, loaded by pandas and Great Expectations) reserves memory
    per core and aborts the process when it cannot: one thread is enough for what Cedar asks of it."""
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        # loaded first, while there is room: loaded after DuckDB, OpenBLAS exits the process without a word
        try:
            import numpy  # noqa: F401
        except (ImportError, MemoryError):
            pass


def is_duckdb(exc: BaseException) -> bool:
    return type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb")


def query_interrupted(exc: BaseException) -> bool:
    """DuckDB (2.0.1) reports Ctrl-C during a query as a plain RuntimeError, not its InterruptException."""
    return isinstance(exc, RuntimeError) and str(exc).strip() == "Query interrupted"


def interrupted() -> Interrupted:
    return Interrupted("Interrupted: the work was stopped. Nothing was left half-written: an open transaction "
                       "of the store was rolled back and temporary files were removed.",
                       "Run the same command again to start over.")


def typed(exc: BaseException) -> CedarError:
    """The typed error a stray exception stands for."""
    if isinstance(exc, MemoryError) or (is_duckdb(exc) and "OutOfMemory" in type(exc).__name__)  or out_of_memory(exc):
        return CedarError("Cedar ran out of memory.",
                          "Give it more memory (a higher ulimit -v, or fewer programs running), or a smaller input.")
    if isinstance(exc, RecursionError):
        return InputError("The input is nested too deep to be read.", "Flatten the data: events are flat records.")
    if isinstance(exc, UnicodeError):
        return UsageError(f"A name or text cannot be encoded or decoded: {exc}.",
                          "Use file names and text in UTF-8.")
    if isinstance(exc, OSError):
        where = f" {exc.filename!r}" if getattr(exc, "filename", None) is not None else ""
        if exc.errno in NO_SPACE:
            return NoSpace(f"No space left to write{where}: {exc.strerror}. Nothing was left half-written.",
                           "Free some disk space (or raise the file-size limit) and run the command again.")
        if exc.errno in _WRONG_PATH:
            return UsageError(f"Cannot use{where}: {exc.strerror or exc}.", "Check the path and its permissions.")
        return CedarError(f"A system call failed{where}: {exc.strerror or exc}.", None)
    return _from_duckdb(exc)


def _from_duckdb(exc: Any) -> CedarError:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "No space left" in str(exc) or "File too large" in str(exc) or "exceeds" in str(exc) and "size" in str(exc):
        return NoSpace(f"No space left to write: {text}. The store keeps what it held before this command.",
                       "Free some disk space and run the command again.")
    if "Out of Memory" in str(exc) or "memory" in text.lower():
        return CedarError(f"Cedar ran out of memory: {text}.",
                          "Give it more memory, or a smaller input.")
    return CedarError(f"The database engine failed: {text}.",
                      "If the store file is damaged, restore it from a copy; run the command again otherwise.")
