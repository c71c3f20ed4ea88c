"""What the commands of `cedar` share: the options defined once, and the helpers that print."""

from __future__ import annotations

import codecs
import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Iterator, Optional

import typer

from cedar.errors import UsageError
from cedar.ingest.defaults import DEFAULT_DB, ENV_DB


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="text for people, json for programs.")]
MaxErrorsOption = Annotated[Optional[int], typer.Option(
    "--max-errors", min=1, help="List at most this many errors; the rest are still counted (by default all are "
    "listed).")]
EncodingOption = Annotated[str, typer.Option(
    "--encoding", help="Text encoding of CSV and JSON files, e.g. cp1252 or latin-1.")]
InputFormatOption = Annotated[Optional[str], typer.Option(
    "--input-format", help="csv, jsonl, json or parquet; by default taken from the file's ending.")]
ForceOption = Annotated[bool, typer.Option(
    "--force", help="Replace or remove what is in the way (an existing output file or folder); without it the "
    "command refuses and says what it would replace.")]
# The store every command but `check` works on; `check` reads one only if it exists (its own --db).
DbOption = Annotated[Path, typer.Option(
    "--db", envvar=ENV_DB, help=f"The store: a DuckDB file (or set {ENV_DB}).", show_default=True)]

# Where releases are, for every command that reads or writes them: a release store folder (it holds
# index.json), a folder `cedar download` filled, or, to read, an http(s):// URL of a release store.
ENV_RELEASES = "CEDAR_RELEASES"
DEFAULT_RELEASES = Path("data/releases")
ReleasesOption = Annotated[Optional[str], typer.Option(
    "--releases", envvar=ENV_RELEASES, help=f"The release store: a folder (or set {ENV_RELEASES}; default "
    f"{DEFAULT_RELEASES}).", show_default=False)]

__all__ = ["DEFAULT_DB", "DEFAULT_RELEASES", "ENV_DB", "ENV_RELEASES", "DbOption", "EncodingOption", "ForceOption",
           "FormatOption", "InputFormatOption", "MaxErrorsOption", "OutputFormat", "ReleasesOption", "check_encoding",
           "out", "out_json", "printable", "progress", "releases_folder", "say"]


def out(text: str = "", err: bool = False) -> None:
    # Text without escape codes has none to strip: saying so spares echo a regex over all of it (the
    # report of a million-row ingest is hundreds of megabytes).
    try:
        typer.echo(text, err=err, color=True if "\x1b" not in text else None)
    except UnicodeEncodeError:  # a file name that is not UTF-8 (surrogates): shown escaped
        typer.echo(printable(text), err=err, color=True if "\x1b" not in text else None)


def printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def out_json(data: Any) -> None:
    """The one JSON form of every command: indented by 2 spaces, UTF-8 as is, ending in a newline. Written
    as it is encoded, a megabyte at a time: an ingest's report lists every row (read from a file as it
    goes), which as one string and a dict a row took gigabytes at millions of rows."""
    chunks: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2, default=_streamed).iterencode(data):
        chunks.append(chunk)
        size += len(chunk)
        if size >= 1 << 20:
            _out_part("".join(chunks))
            chunks, size = [], 0
    _out_part("".join(chunks) + "\n")


def _out_part(text: str) -> None:
    try:  # JSON escapes control characters: no escape codes to strip
        typer.echo(text, nl=False, color=True)
    except UnicodeEncodeError:  # a file name that is not UTF-8 (surrogates): shown escaped
        typer.echo(printable(text), nl=False, color=True)


class _List(list):
    """A sequence json's Python encoder reads as it goes (an indented encoder never takes the C path,
    which would read a list subclass's own, empty, storage)."""

    def __init__(self, items: Any):
        super().__init__()
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class _Dict(dict):
    """A mapping json's Python encoder reads as it goes (its `items`)."""

    def __init__(self, items: Any):
        super().__init__()
        self._items = items

    def items(self) -> Any:
        return self._items.items()

    def __bool__(self) -> bool:  # only whether to write {}: not a count of every row
        return any(True for _ in self._items.items())


def _streamed(value: Any) -> Any:
    """What json cannot encode itself: a mapping or sequence the library reads as it goes, else its text."""
    if hasattr(value, "items") and hasattr(value, "__len__"):
        return _Dict(value)
    if hasattr(value, "__iter__") and hasattr(value, "__len__") and not isinstance(value, (str, bytes)):
        return _List(value)
    return str(value)


def releases_folder(releases: Optional[str], *, exists: bool = True) -> Path:
    """The release store folder --releases names (or the default). With `exists`, a folder that is not
    there is a wrong call: a command that only reads releases has nothing to read."""
    folder = Path(releases or DEFAULT_RELEASES)
    if exists and not folder.is_dir():
        raise UsageError(f"There is no release store folder at {folder}." if not folder.exists()
                         else f"{folder} is a file, not a release store folder.",
                         "Name the folder that holds index.json with --releases (or set CEDAR_RELEASES).")
    return folder


def say(text: str) -> None:
    """A note on the way (what a long command is doing now), on stderr so that stdout stays the result."""
    out(text, err=True)


def check_encoding(encoding: str) -> None:
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        raise UsageError(f"Unknown encoding '{encoding}'.",
                         "Use a Python codec name such as utf-8, cp1252 or latin-1.") from None
    if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zlib: codecs that are not text
        raise UsageError(f"'{encoding}' is not a text encoding.",
                         "Use a text encoding such as utf-8, cp1252 or latin-1.")


@contextmanager
def progress(label: str) -> Iterator[Any]:
    """A row counter on the terminal while a long step runs; nothing when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # rich.progress takes ~80 ms to import: only on a terminal
    from rich.progress import Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), _rows_column(), TimeElapsedColumn(), console=Console(stderr=True),
                  transient=True) as bar:
        task = bar.add_task(label)
        yield lambda: bar.advance(task)


def _rows_column() -> Any:
    """The label, with the rows counted so far once there are any: a step that does not count rows one by
    one (DuckDB checking a large CSV in one query) shows no count rather than "0 rows"."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RowsColumn(ProgressColumn):
        def render(self, task: Any) -> Text:
            done = int(task.completed)
            return Text(f"{task.description} {done:,} rows" if done else f"{task.description} ...")

    return RowsColumn()
