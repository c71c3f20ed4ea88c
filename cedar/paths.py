"""Paths a command is given: checked before anything opens them, and output written so that nothing a
command did not create is overwritten or removed without being told so.

Every command goes through here: an input must be a regular file, an output a missing path or a
regular file (never a symbolic link, a device, a FIFO or one of the command's inputs), a folder a
folder. Output is written to a temporary name in the same folder and renamed over the final name
only when it is whole, so a failure (a full disk, Ctrl-C) leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from cedar.errors import CedarError, InputError, UsageError

# A write that failed for want of room: the disk, the user's quota, or a file-size limit (ulimit -f).
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
TEMP_PREFIX = ".cedar-part-"


class NoSpace(CedarError):
    """The disk (or the quota, or the file-size limit) is full: nothing was written."""


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _lstat(path: Path, what: str) -> os.stat_result | None:
    """lstat of the path, None when it does not exist; a path that cannot even be looked at is a wrong call."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"The {what} {_show(path)} cannot be used: {exc.strerror or exc}.",
                         "Check the path and the permissions of its folders.") from None


def _show(path: Path | str) -> str:
    # A name that is not UTF-8 (bytes smuggled in as surrogates) must still print.
    return repr(os.fsdecode(path).encode("utf-8", "backslashreplace").decode("utf-8"))


def _follow(path: Path, what: str) -> os.stat_result | None:
    """stat through symbolic links; a loop or a dangling link is a wrong call, a missing path None."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise UsageError(f"The {what} {_show(path)} is a symbolic link to a path that does not exist.",
                             "Give the path of the real file.") from None
        return None
    except OSError as exc:
        reason = "a loop of symbolic links" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise UsageError(f"The {what} {_show(path)} cannot be used: {reason}.",
                         "Check the path and the permissions of its folders.") from None


def input_file(path: Path, what: str = "file") -> Path:
    """A file to read: it must exist and be a regular file (a FIFO or a device would block or never end)."""
    st = _follow(Path(path), what)
    if st is None:
        raise InputError(f"There is no {what} {_show(path)}.", "Check the path.")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"The {what} {_show(path)} is {_kind(st.st_mode)}, not a regular file.",
                         "Give the path of a regular file.")
    if not os.access(path, os.R_OK):
        raise UsageError(f"The {what} {_show(path)} cannot be read (permission denied).",
                         "Check the file's permissions.")
    return Path(path)


def optional_file(path: Path, what: str = "file") -> bool:
    """A file that may be missing (a store a command creates): True when it exists, and then it must be a
    regular file; its folder must exist or be creatable."""
    st = _follow(Path(path), what)
    if st is None:
        _parent_ok(Path(path), what)
        return False
    input_file(path, what)
    return True


def _parent_ok(path: Path, what: str) -> None:
    parent = path.parent
    for p in (parent, *parent.parents):  # the nearest folder that exists must be a folder we may write in
        st = _follow(p, "folder")
        if st is None:
            continue
        if not stat.S_ISDIR(st.st_mode):
            raise UsageError(f"The {what} {_show(path)} cannot be made: {_show(p)} is {_kind(st.st_mode)}, not a "
                             "folder.", "Give a path inside a folder.")
        if not os.access(p, os.W_OK | os.X_OK):
            raise UsageError(f"The {what} {_show(path)} cannot be written: the folder {_show(p)} is read-only "
                             "for you.", "Give a path in a folder you can write to.")
        return


def folder(path: Path, what: str = "folder", *, create: bool = False) -> Path:
    """A folder: it must be a folder (a symbolic link to one is fine); missing is fine when it may be created."""
    st = _follow(Path(path), what)
    if st is None:
        if not create:
            raise InputError(f"There is no {what} {_show(path)}.", "Check the path.")
        _parent_ok(Path(path), what)
        return Path(path)
    if not stat.S_ISDIR(st.st_mode):
        raise UsageError(f"The {what} {_show(path)} is {_kind(st.st_mode)}, not a folder.", "Give a folder.")
    return Path(path)


def writable_folder(path: Path, what: str = "folder") -> Path:
    """A folder a command will write in (made when missing): it must be writable."""
    folder(path, what, create=True)
    if Path(path).exists() and not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"The {what} {_show(path)} is read-only for you.", "Give a folder you can write to.")
    return Path(path)


def output_file(path: Path, what: str = "output file", *, force: bool = False,
                inputs: Iterable[Path] = (), ours: bool = False) -> Path:
    """A file about to be written: missing, or a regular file (overwritten only with `force`, or when the
    command made it itself, `ours`); never a link, a device, or one of the command's inputs."""
    path = Path(path)
    for source in inputs:
        if _same(path, Path(source)):
            raise UsageError(f"The {what} {_show(path)} is the input file {_show(source)}: writing it would "
                             "destroy the input.", "Give another output path.")
    st = _lstat(path, what)
    if st is None:
        _parent_ok(path, what)
        return path
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(f"The {what} {_show(path)} is a symbolic link: Cedar does not write through links.",
                         "Give the path of a regular file, or a new one.")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"The {what} {_show(path)} is {_kind(st.st_mode)}, not a regular file.",
                         "Give the path of a regular file, or a new one.")
    _parent_ok(path, what)
    if not (force or ours):
        raise UsageError(f"The {what} {_show(path)} exists ({st.st_size} bytes): it would be overwritten.",
                         "Add --force to replace it, or give another path.")
    return path


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def engine_name(path: Path, what: str = "file") -> Path:
    """A path DuckDB will open: its name must be UTF-8 (DuckDB takes text, and a name of other bytes
    fails deep inside it)."""
    try:
        os.fspath(path).encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"The {what} {_show(path)} has a name that is not UTF-8, which the database engine "
                         "cannot open.", "Rename it (or the folders above it) to a UTF-8 name.") from None
    return Path(path)


@contextmanager
def new_folder(path: Path, ours: Iterable[str] = ()) -> Iterator[Path]:
    """Make the folder (and missing parents) for a command's output; when the command fails, the folders
    it made are removed again, with the entries named in `ours` (its lock, say), so that nothing is left
    under the name it was given. A folder that was there is left alone."""
    path = Path(path)
    top = None
    for p in (path, *path.parents):
        if os.path.lexists(p):
            break
        top = p
    path.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    except BaseException:
        if top is not None:
            for name in ours:
                with contextlib.suppress(OSError):
                    (path / name).unlink()
            for p in (path, *path.parents):  # only empty folders: anything else stays
                try:
                    p.rmdir()
                except OSError:
                    break
                if p == top:
                    break
        raise


def temp_beside(path: Path) -> Path:
    return path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.name}")


@contextmanager
def atomic_write(path: Path, mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` for writing; when the block ends without error it is flushed to
    disk and renamed over `path` (which `output_file` has checked). On any failure it is removed, and a
    full disk becomes NoSpace."""
    path = Path(path)
    tmp = temp_beside(path)
    done = False
    try:
        with open(tmp, mode, **open_args) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        replace_regular(tmp, path)
        done = True
    except OSError as exc:
        raise disk_error(exc, path) from None
    finally:
        if not done:
            tmp.unlink(missing_ok=True)


def replace_regular(tmp: Path, path: Path) -> None:
    """Rename `tmp` over `path` only when `path` is missing or a regular file, checked again at the last
    moment: a link or device put there meanwhile is never replaced."""
    st = _lstat(path, "output file")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{_show(path)} became {_kind(st.st_mode)} while Cedar wrote it: not replaced.",
                         "Give the path of a regular file, or a new one.")
    os.replace(tmp, path)


def write_via(path: Path, write: Callable[[Path], None]) -> None:
    """Let `write` make the file at a temporary path beside `path` (a library that wants a path, not a
    handle), then rename it over `path`; on failure the temporary file is removed."""
    path = Path(path)
    tmp = temp_beside(path)
    try:
        write(tmp)
        replace_regular(tmp, path)
    except OSError as exc:
        raise disk_error(exc, path) from None
    finally:
        tmp.unlink(missing_ok=True)


def disk_error(exc: OSError, path: Path | str | None = None) -> CedarError:
    """An OSError met while writing, as a typed error: a full disk, a read-only place, or whatever it was."""
    where = f" {_show(path)}" if path is not None else ""
    if exc.errno in NO_SPACE:
        return NoSpace(f"Could not write{where}: {exc.strerror or 'no space left'}. Nothing was written.",
                       "Free some disk space (or raise the file-size limit) and run the command again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return UsageError(f"Could not write{where}: {exc.strerror}.", "Give a path you can write to.")
    return InputError(f"Could not write{where}: {exc.strerror or exc}.", "Check the path and free space.")


def describe(paths: Iterable[Path], limit: int = 10) -> str:
    """Names for a message saying what would be removed: the first few, then how many more."""
    names = [_show(p) for p in paths]
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")
