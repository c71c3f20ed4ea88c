"""Where the records of a CSV start, by a byte scan, and their cells read back by byte offset.

DuckDB's CSV reader does not say on which line a record starts. A byte scan (numpy, a block at a
time) finds the newlines outside quotes, which end the records; record i of DuckDB's reader is the
i-th non-empty record of the scan, and its first line is one more than the number of newlines
before it, quoted newlines included.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterable, Iterator

_BLOCK = 32 * 1024 * 1024


def record_starts(path: Path) -> tuple[Any, Any]:
    """Byte offset and first line of every non-empty CSV record (header included), in file order.

    A record ends at a newline outside quotes: a newline with an even number of quote characters
    before it (an escaped quote, "", counts twice and keeps the parity)."""
    import numpy as np  # (a check of a small file by the row engine does not need it)

    starts, lines = [np.zeros(1, dtype=np.int64)], [np.ones(1, dtype=np.int64)]
    quotes = newlines = base = 0
    size = path.stat().st_size
    with path.open("rb") as f:
        while True:
            block = f.read(_BLOCK)
            if not block:
                break
            a = np.frombuffer(block, dtype=np.uint8)
            nl = np.flatnonzero(a == 10)
            q = np.flatnonzero(a == 34)
            even = ((np.searchsorted(q, nl) + quotes) & 1) == 0
            ends = nl[even]
            starts.append(ends.astype(np.int64) + base + 1)
            lines.append(np.flatnonzero(even).astype(np.int64) + newlines + 2)
            quotes += len(q)
            newlines += len(nl)
            base += len(a)
    # each block's arrays freed as they are joined, no copy when no record is empty: 16 bytes a record kept,
    # where the lists, their joins, the next starts and the filtered copies held some 70 at once
    starts_a = np.concatenate(starts)
    del starts
    lines_a = np.concatenate(lines)
    del lines
    # a record is empty when the next one starts right after its newline ("\n" or "\r\n") or at the end
    length = np.empty_like(starts_a)
    np.subtract(starts_a[1:], starts_a[:-1], out=length[:-1])
    length[-1] = size + 1 - starts_a[-1]
    length -= 1
    maybe_cr = np.flatnonzero(length == 1)
    keep = length > 0
    del length
    if keep.any():
        with path.open("rb") as f:  # a lone "\r" line is empty too: look at those one-byte records
            for i in maybe_cr:
                f.seek(int(starts_a[i]))
                if f.read(1) == b"\r":
                    keep[i] = False
    keep &= starts_a < size
    if keep.all():
        return starts_a, lines_a
    return starts_a[keep], lines_a[keep]


def spans(path: Path, starts: Any, indices: Iterable[int]) -> Iterator[tuple[int, int]]:
    """The byte spans (start, end) of the records at these indices of `starts` (record_starts), one at a time."""
    size = path.stat().st_size
    for i in indices:
        yield int(starts[i]), int(starts[i + 1]) if i + 1 < len(starts) else size


def read_records(path: Path, at: Iterable[tuple[int, int]]) -> Iterator[list[str]]:
    """The cells of the records at these byte spans (start, end), one record at a time: the SQL engine may
    hand most of a file's records back, and their cells at once took some 2 KB a record."""
    with path.open("rb") as f:
        for start, end in at:
            f.seek(start)
            text = f.read(end - start).decode("utf-8-sig" if start == 0 else "utf-8")
            yield next(csv.reader(io.StringIO(text)), [])
