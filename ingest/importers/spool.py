"""The rows an import accepted, on disk as they are checked: memory stays flat however large the export.

Each accepted row's JSON Lines text goes to a working file, and three numbers of it (its row in the peer file,
whether a warning rule filled a value, the id of its `Shape`) to an index beside it. What the rows' actors
say about their types is kept as the count of each distinct `Shape` (a few thousand in a national file), enough
for the outlier pass and the store's registry to decide; the rows they refuse are then left out when the
kept text is copied to the submission. The working folder is removed on close, on an error and at exit.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import weakref
from array import array
from pathlib import Path
from typing import Any, Collection, Iterator, NamedTuple

from cedar import paths

from .submission_files import text_json

# Rows buffered before a write: a few large writes rather than one a row.
CHUNK = 4096
_FIELDS = 3  # numbers in the index a row: its row in the peer file, warned (0/1), its shape id


class Shape(NamedTuple):
    """The fields of an event the actor registry reads (as attributes, as of an Event): rows that share them
    count alike, so the rows are counted per distinct shape and not kept."""

    actor1: str | None
    inter1: int | None
    actor2: str | None
    inter2: int | None
    iso3: str | None
    assoc_actor_1: tuple[str, ...]
    assoc_actor_2: tuple[str, ...]


def shape_of(e: Any) -> tuple[Any, ...]:
    """The fields of an event's data (a dict) or of a checked Event that make its `Shape`, as a plain tuple (a
    named one is made only once per distinct shape: `RowSpool.add`)."""
    if isinstance(e, dict):
        get = e.get
        a1, a2 = get("assoc_actor_1"), get("assoc_actor_2")
        return (get("actor1"), get("inter1"), get("actor2"), get("inter2"), get("iso3"),
                tuple(a1) if a1 else (), tuple(a2) if a2 else ())
    return (e.actor1, e.inter1, e.actor2, e.inter2, e.iso3, tuple(e.assoc_actor_1 or ()),
            tuple(e.assoc_actor_2 or ()))


def weighted(shapes: list[Shape], counts: list[int]) -> Iterator[Shape]:
    """Each shape as many times as rows have it (what `actors.learned_from` counts)."""
    for shape, n in zip(shapes, counts):
        for _ in range(n):
            yield shape


def learned(shapes: list[Shape], counts: list[int]) -> dict[str, Any]:
    """`actors.learned_from` of the rows, from the count of rows of each shape: what the registry would record of
    their actors, worked out once per shape instead of once per row."""
    from cedar.ingest.actors import learned_counted

    return learned_counted(zip(shapes, counts))


def _remove(folder: str, files: list[Any]) -> None:
    for f in files:
        f.close()
    shutil.rmtree(folder, ignore_errors=True)


class RowSpool:
    """The accepted rows of one import, in the order checked (`add`), read back by `records` after `finish`."""

    def __init__(self, folder: Path | None = None):
        try:
            self.folder = Path(tempfile.mkdtemp(prefix="cedar-import-", dir=folder))
        except OSError as exc:  # a full disk, a folder that cannot be written: said, not a traceback
            raise paths.disk_error(exc, folder) from None
        self.text_path, self.index_path = self.folder / "rows.jsonl", self.folder / "rows.index"
        self._text = open(self.text_path, "w", encoding="utf-8", newline="\n")
        self._index = open(self.index_path, "wb")
        self._lines: list[str] = []
        self._numbers = array("q")
        self.count = 0
        self.shape_ids: dict[tuple[Any, ...], int] = {}
        self.shapes: list[Shape] = []
        self.shape_counts: list[int] = []
        self._closer = weakref.finalize(self, _remove, str(self.folder), [self._text, self._index])

    def add(self, row: int, line: str, warned: bool, shape: tuple[Any, ...]) -> None:
        sid = self.shape_ids.get(shape)
        if sid is None:
            sid = self.shape_ids[shape] = len(self.shapes)
            self.shapes.append(Shape._make(shape))
            self.shape_counts.append(0)
        self.shape_counts[sid] += 1
        self._lines.append(line)
        self._numbers.extend((row, warned, sid))
        self.count += 1
        if len(self._lines) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._lines:
            try:
                self._text.write("\n".join(self._lines) + "\n")
                self._numbers.tofile(self._index)
            except OSError as exc:  # a full disk while spooling: said as for any file Cedar writes
                raise paths.disk_error(exc, self.folder) from None
            self._lines, self._numbers = [], array("q")

    def finish(self) -> None:
        """Every row added is on disk: the spool is read from now on."""
        self._flush()
        try:
            self._text.close()
            self._index.close()
        except OSError as exc:
            raise paths.disk_error(exc, self.folder) from None

    def close(self) -> None:
        self._closer()

    def index(self) -> Iterator[tuple[int, int, int, int]]:
        """(position, row, warned, shape id) of every row, from the index alone."""
        position = 0
        with open(self.index_path, "rb") as f:
            while True:
                numbers = array("q")
                numbers.frombytes(f.read(CHUNK * _FIELDS * numbers.itemsize))
                if not numbers:
                    return
                for i in range(0, len(numbers), _FIELDS):
                    yield position, numbers[i], numbers[i + 1], numbers[i + 2]
                    position += 1

    def records(self, drop: Collection[int] = ()) -> Iterator[tuple[int, int, int, str]]:
        """(row, warned, shape id, JSON text without its line break) of every row but those at the positions in
        `drop`, in order."""
        with open(self.text_path, encoding="utf-8", newline="\n") as text:
            for (position, row, warned, sid), line in zip(self.index(), text):
                if position not in drop:
                    yield row, warned, sid, line[:-1]

    def write_jsonl(self, path: Path, drop: Collection[int] = ()) -> None:
        """The kept rows as JSON Lines at `path` (a copy made by the kernel when every row is kept)."""
        if not drop:
            try:  # the spool is the file: a second name for it, when both are on one file system
                os.link(self.text_path, path)
            except OSError:
                shutil.copyfile(self.text_path, path)
            return
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            lines: list[str] = []
            for _, _, _, line in self.records(drop):
                lines.append(line)
                if len(lines) >= CHUNK:
                    out.write("\n".join(lines) + "\n")
                    lines = []
            if lines:
                out.write("\n".join(lines) + "\n")

    def write_json(self, path: Path, drop: Collection[int] = ()) -> None:
        """The kept rows as one JSON array, an event a line (as json.dumps writes each)."""
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write("[\n")
            first = True
            for _, _, _, line in self.records(drop):
                out.write(line if first else ",\n" + line)
                first = False
            out.write("\n]\n")


class SeenIds:
    """The external ids of the rows accepted so far, to refuse a repeated one naming the row of the first. Kept
    as their hashes in an open-addressing table of 64-bit numbers (at most half full: 16-32 bytes a row, where a
    dict of the ids took 140 and a set of their hashes 100), the ids themselves written to a file beside the
    spool; the first time a hash comes again, the file is read back into a dict (id -> row), which answers
    exactly from then on (a hash met again may be another id's)."""

    def __init__(self, folder: Path):
        self.path = folder / "ids.txt"
        self._file = open(self.path, "w", encoding="utf-8", newline="\n")
        self._table = array("q", bytes(8 << 16))
        self._mask, self._used = (1 << 16) - 1, 0
        self._slot: tuple[str, int, int] | None = None  # (id, its slot, its hash) that `first` found free
        self._rows: dict[str, int] | None = None
        self._pending: list[str] = []
        self._closer = weakref.finalize(self, self._file.close)

    def _probe(self, h: int) -> int:
        """The slot that holds `h`, or the free one where it would go."""
        table, mask = self._table, self._mask
        i = h & mask
        while True:
            held = table[i]
            if held == 0 or held == h:
                return i
            i = (i + 1) & mask

    def first(self, external_id: str) -> int | None:
        """The row an accepted row with this id was on, or None."""
        if self._rows is None:
            h = hash(external_id) or 1  # 0 marks a free slot
            i = self._probe(h)
            if self._table[i] != h:
                self._slot = (external_id, i, h)
                return None
            self._read_back()
        assert self._rows is not None
        return self._rows.get(external_id)

    def add(self, external_id: str, row: int) -> None:
        if self._rows is not None:
            self._rows[external_id] = row
            return
        slot = self._slot
        if slot is not None and slot[0] is external_id:
            _, i, h = slot
        else:
            h = hash(external_id) or 1
            i = self._probe(h)
        self._slot = None
        if self._table[i] != h:
            self._table[i] = h
            self._used += 1
            if self._used * 2 > self._mask:
                self._grow()
        self._pending.append(f"{row} {text_json(external_id)}\n")
        if len(self._pending) >= CHUNK:
            try:
                self._file.write("".join(self._pending))
            except OSError as exc:
                raise paths.disk_error(exc, self.path) from None
            self._pending = []

    def _grow(self) -> None:
        old = self._table
        self._mask = self._mask * 2 + 1
        self._table = array("q", bytes(8 * (self._mask + 1)))
        for h in old:
            if h:
                self._table[self._probe(h)] = h

    def _read_back(self) -> None:
        self._file.write("".join(self._pending))
        self._closer()
        rows: dict[str, int] = {}
        with open(self.path, encoding="utf-8", newline="\n") as f:
            for line in f:
                row, text = line.split(" ", 1)
                rows[json.loads(text)] = int(row)
        self._rows, self._table, self._pending = rows, array("q"), []
        self.path.unlink()


def data_of(line: str) -> dict[str, Any]:
    """A spooled row's data, from its JSON text."""
    data: dict[str, Any] = json.loads(line)
    return data
