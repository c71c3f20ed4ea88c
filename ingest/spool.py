"""Where an ingest keeps what it has checked until the store takes it, so that its memory stays flat in
the size of the submission.

A million checked rows as Pydantic events took some 10 GB, and as one Arrow table of the whole file
(plus DuckDB's in-memory copies of it) about 4 GB. Instead the checked rows go, a chunk at a time, to
Parquet files in a folder beside the store (`Spool`), which the store's transaction reads back with
DuckDB; every DuckDB connection of an ingest gets a memory limit and spills what is beyond it into
that folder. The folder is removed when the ingest ends, whatever its outcome.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from cedar.errors import StoreError
from cedar.ingest import stage
from cedar.validate.check import CheckedEvent

# DuckDB's buffers for one ingest connection (the check's and the store's are not open at once); what is
# beyond them is written to the spool folder. Python's own share (the gazetteer, a chunk of rows) is
# about 400 MB besides; at 600 MB a 1M-row CSV peaked at 1.6 GB.
MEMORY_LIMIT = "400MB"
# the store's transaction: by then the check's Python share is gone (some 250 MB is left), and at 400 MB
# the write of 5M rows ran out of DuckDB's memory once in two runs
STORE_MEMORY_LIMIT = "800MB"


class Spool:
    """A folder beside the store for an ingest's staged rows and DuckDB's spill files."""

    def __init__(self, db: Path):
        _remove_orphans(db)
        self.folder = own_folder(db)
        self._files = 0

    def file(self, name: str) -> Path:
        """A new file name in the spool."""
        self._files += 1
        return self.folder / f"{name}-{self._files:06d}.parquet"

    def limit(self, con: Any, memory: str | None = None) -> None:
        """Bound a DuckDB connection's memory (MEMORY_LIMIT unless given), spilling into this folder."""
        (self.folder / "duckdb").mkdir(exist_ok=True)
        con.execute(f"SET memory_limit = '{memory or MEMORY_LIMIT}'")
        con.execute("SET temp_directory = ?", [str(self.folder / "duckdb")])

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def own_folder(db: Path, tag: str = "") -> Path:
    """A new working folder beside the store, named for this process so that it is removed as an orphan if
    the process is killed before it removes it."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{db.name}.ingest-{os.getpid()}-{tag}", dir=db.parent))
    except OSError as exc:
        raise StoreError(f"Cannot make a working folder beside the store {db}: {exc.strerror or exc}.",
                         "An ingest needs to write beside the store: check the folder's free space and "
                         "permissions.") from None


def _remove_orphans(db: Path) -> None:
    """Working folders left by an ingest that was killed (kill -9, a power cut): named with the process id,
    removed once that process is gone. A live ingest's folder is left alone."""
    for folder in db.parent.glob(f".{glob.escape(db.name)}.ingest-*"):
        pid = folder.name.rsplit(".ingest-", 1)[1].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive under another user, or the pid is out of range: not ours to judge
            continue


class EventSink:
    """Takes the row engine's checked events (in place of CheckResult.events' list) and writes them, a chunk
    at a time, as the stage tables' rows to Parquet files in the spool: the events never all exist at once.
    `documents` is the check's own dict of the documents read (CheckResult.documents), which a chunk's
    sources need for their document_sha256. The rows are numbered (row_no) in the order they come, or as
    `append` is told (the rows of a large CSV that the SQL engine hands to the row engine)."""

    def __init__(self, spool: Spool, chunk: int | None = None):
        self.spool, self.chunk = spool, chunk or stage.CHUNK
        self.documents: dict[Path, str] = {}
        self.files: dict[str, list[Path]] = {name: [] for name in stage.STAGE_TABLES if name != "stage_documents"}
        self.rows_per_file: dict[Path, int] = {}
        self._held: list[CheckedEvent] = []
        self._numbers: list[int] = []
        self._count = 0

    def append(self, item: CheckedEvent, row_no: int | None = None) -> None:
        self._numbers.append(len(self) + 1 if row_no is None else row_no)
        self._held.append(item)
        self.rows_per_file[item.file] = self.rows_per_file.get(item.file, 0) + 1
        if len(self._held) >= self.chunk:
            self.flush()

    def __len__(self) -> int:
        return self._count + len(self._held)

    def clear(self) -> None:
        """Nothing will be staged (the check found an error): what was written is dropped."""
        self._held.clear()
        self._numbers.clear()
        for files in self.files.values():
            for f in files:
                f.unlink(missing_ok=True)
            files.clear()
        self.rows_per_file.clear()
        self._count = 0

    def flush(self) -> None:
        if not self._held:
            return
        import pyarrow.parquet as pq  # heavy: paid by an ingest only

        tables = stage.build(self._held, self.documents, numbers=self._numbers)
        self._count += len(self._held)
        self._held, self._numbers = [], []
        for name, files in self.files.items():
            if tables[name].num_rows:
                path = self.spool.file(name)
                pq.write_table(tables[name], path)
                files.append(path)

    def tables(self) -> dict[str, Any]:
        """The staged tables for stage.load: lists of Parquet files, and the documents' Arrow table."""
        self.flush()
        out: dict[str, Any] = {name: list(files) for name, files in self.files.items()}
        out["stage_documents"] = stage.build([], self.documents)["stage_documents"]
        return out


class RowEngineEvents:
    """One file's rows that the SQL engine hands to the row engine, (row_no, line, event) each as the check
    gives them (cedar.validate.sql_registry.EventsOut), into the submission's sink: a CSV whose every
    other row is a likely double coding sends half its rows this way."""

    def __init__(self, sink: EventSink, path: Path):
        self.sink, self.path = sink, path

    def append(self, item: tuple[int, int, Any], /) -> None:
        row_no, line, event = item
        self.sink.append(CheckedEvent(self.path, line, event), row_no)

    def clear(self) -> None:
        self.sink.clear()
