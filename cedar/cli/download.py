"""`cedar download`: a published release from a release store, a folder or an HTTP(S) URL, checked
file by file against its manifest (the library imported inside the command, so that `cedar --help`
stays fast)."""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from cedar.cli.common import ENV_RELEASES, ForceOption, FormatOption, OutputFormat, out, out_json, say
from cedar.errors import Interrupted

SourceOption = Annotated[str, typer.Option(
    "--releases", envvar=ENV_RELEASES, help=f"The release store: a folder, or an http(s):// URL of the folder that "
    f"holds index.json (or set {ENV_RELEASES}).", show_default=False)]
TimeoutOption = Annotated[float, typer.Option(
    "--timeout", min=0.1, help="Seconds to wait for the server to connect or send more bytes.")]
TriesOption = Annotated[int, typer.Option(
    "--tries", min=1, max=20, help="Attempts per file when the connection breaks (with backoff; a broken file "
    "resumes where it stopped if the server allows).")]
YearsOption = Annotated[Optional[str], typer.Option(
    "--years", help="Only these years of event_date: a year (2023), a span (2023-2024) or a comma list of them. "
    "A partitioned release fetches only their partition files.", show_default=False)]
CountriesOption = Annotated[Optional[str], typer.Option(
    "--countries", help="Only these countries: ISO 3166-1 alpha-3 codes separated by commas (AZE,ARM). "
    "A partitioned release fetches only the partition files that hold them.", show_default=False)]


class FileSet(str, Enum):
    parquet = "parquet"
    csv = "csv"
    all = "all"


class _Bar:
    """A rich progress bar on stderr for files that take more than a moment; nothing when stderr
    is not a terminal (so programs and tests read plain lines)."""

    DELAY = 0.5  # seconds a file may take before it gets a bar

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}
        self.started: dict[str, float] = {}
        self.sizes: dict[str, int] = {}

    def start(self, name: str, size: int) -> None:
        self.started[name] = time.monotonic()
        self.sizes[name] = size

    def advance(self, name: str, have: int) -> None:
        if not self.live:
            return
        if name not in self.tasks:
            if time.monotonic() - self.started.get(name, 0) < self.DELAY:
                return
            if self.progress is None:
                from rich.console import Console
                from rich.progress import (
                    BarColumn,
                    DownloadColumn,
                    Progress,
                    TextColumn,
                    TimeRemainingColumn,
                    TransferSpeedColumn,
                )

                self.progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                         TransferSpeedColumn(), TimeRemainingColumn(),
                                         console=Console(stderr=True), transient=True)
                self.progress.start()
            self.tasks[name] = self.progress.add_task(name, total=self.sizes.get(name) or None)
        self.progress.update(self.tasks[name], completed=have)

    def done(self, name: str, status: str) -> None:
        if name in self.tasks:
            self.progress.remove_task(self.tasks.pop(name))

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _size(n: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def download(
    version: Annotated[str, typer.Argument(help="A published version (YYYY.MM.N) or latest.")] = "latest",
    source: SourceOption = ...,  # type: ignore[assignment]
    to: Annotated[Path, typer.Option("--to", help="The folder to download into; the release goes to TO/VERSION.")]
    = Path("."),
    files: Annotated[FileSet, typer.Option("--files", help="parquet, csv or all: which form of the tables to get "
                                                            "(the codebook, changes, deletions and validation report "
                                                            "come with each).")] = FileSet.all,
    timeout: TimeoutOption = 30.0,
    tries: TriesOption = 4,
    output: FormatOption = OutputFormat.text,
    force: ForceOption = False,
    years: YearsOption = None,
    countries: CountriesOption = None,
) -> None:
    """Download a published release and check every file against its manifest before it gets its name.

    The manifest's own sha256 is checked against the store's index.json; each file streams to a
    temporary name and is refused and removed when its sha256 or size differ. Exit 0 when the
    release arrived whole, 1 when the store or the connection is at fault (nothing is left under a
    final name), 2 for a wrong call.

    With --years or --countries only part of the release is kept: a partitioned release fetches only the
    partition files that may hold those rows (a single-file release is fetched whole), and the copy's
    views (cedar query --releases, export, serve, the Python API) show only those rows.

    Example: cedar download latest --releases https://example.org/cedar/releases --to cedar-data --years 2023-2024
    """
    from cedar.releases.download import download as run
    from cedar.releases.selection import from_options

    rows = from_options(years, countries)  # a wrong year or code is told before anything is fetched
    as_json = output is OutputFormat.json
    bar = _Bar()
    note = (lambda m: None) if as_json else say
    try:
        result = run(source, version, to, files.value, timeout=timeout, tries=tries, listener=bar, say=note,
                     force=force, select_rows=rows)
    except KeyboardInterrupt:
        raise Interrupted("Interrupted: the files fetched so far were removed; nothing is left under a final name.",
                          "Run the same command again to start over.") from None
    finally:
        bar.close()
    if as_json:
        out_json(result.to_dict())
        return
    got = [f for f in result.files if f.status == "downloaded"]
    kept = [f for f in result.files if f.status == "present"]
    out(f"Downloaded release {result.version} into {result.folder}: {len(got)} file(s), "
         f"{_size(result.downloaded_bytes)} in {result.seconds:.1f} s"
         + (f"; {len(kept)} already there and unchanged" if kept else "") + ".")
    if not result.selection.everything:
        skipped = (f"{len(result.skipped)} file(s) skipped, {_size(result.skipped_bytes)} (the partitions of "
                   "other rows and the delta/ of the changes)"
                   if result.skipped else "the release's files are whole (it is not partitioned)")
        out(f"  kept {result.selection.describe()}: {skipped}; the copy's views show only those rows.")
    s = result.stats
    if s.retries or s.resumed or s.restarted:
        out(f"  the connection broke: {s.retries} retr{'y' if s.retries == 1 else 'ies'}, {s.resumed} resumed "
             f"with a range request, {s.restarted} restarted from the first byte.")
    out("  every file matched the sha256 in its manifest, and the manifest matched the store's index.json.")
    out(f"  check it yourself:  cd {result.folder} && sha256sum -c "
         f"{'' if result.format == 'all' and not result.skipped else '--ignore-missing '}SHA256SUMS")
    if result.format != "csv":
        out(f"  query it:           cedar query --releases {result.folder} \"SELECT count(*) FROM events\"")
