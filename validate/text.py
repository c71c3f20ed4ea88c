"""A text file's decoded lines and its CSV records, with the line each one starts on.

A byte that is not in the file's encoding stops reading (`Unreadable`) with the line it is on, so
that the contributor can find it.
"""

from __future__ import annotations

import codecs
import csv
import sys
from pathlib import Path
from typing import Iterator

from cedar.validate.records import Unreadable
from cedar.validate.report import Problem, problem


def lines(path: Path, encoding: str) -> Iterator[str]:
    """Decoded lines, line endings kept (the csv module wants them). A byte that is not in the
    encoding stops reading with the line it is on."""
    if codecs.lookup(encoding).name == "utf-8":
        with path.open("rb") as f:
            for number, raw in enumerate(f, start=1):
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise Unreadable(_encoding_problem(path, number, raw, exc, encoding)) from None
                yield text
        return
    # Other encodings: decode a raw line at a time, so that an error names its own line (a text
    # wrapper decodes whole blocks and would blame an earlier one); split the text on "\n" only,
    # which also keeps UTF-16, whose raw lines are cut inside a character, whole.
    decoder = codecs.getincrementaldecoder(encoding)()
    pending, number = "", 1
    with path.open("rb") as f:
        for raw in f:
            try:
                pending += decoder.decode(raw)
            except UnicodeDecodeError as exc:
                raise Unreadable(_encoding_problem(path, number, raw, exc, encoding)) from None
            except UnicodeError as exc:  # e.g. "UTF-16 stream does not start with BOM"
                raise Unreadable(problem("bad-encoding", file=str(path), row=number, line=number, value="",
                                         bad=str(exc), position=1, encoding=encoding)) from None
            *whole, pending = pending.split("\n")
            for text in whole:
                number += 1
                yield text + "\n"
    try:
        pending += decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise Unreadable(_encoding_problem(path, number, b"", exc, encoding)) from None
    if pending:
        yield pending


def _encoding_problem(path: Path, line: int, raw: bytes, exc: UnicodeDecodeError, encoding: str) -> Problem:
    bad = exc.object[exc.start:exc.end]
    code = "not-utf8" if codecs.lookup(encoding).name == "utf-8" else "bad-encoding"
    position = exc.start + 1 if raw else "end"
    return problem(code, file=str(path), row=line, line=line, value=bytes(bad).hex(), bad=repr(bytes(bad)),
                   position=position, encoding=encoding)


def csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, cells) for every non-blank record, quoted newlines kept."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(lines(path, encoding), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise Unreadable(problem("bad-csv", file=str(path), row=start, line=reader.line_num,
                                     detail=str(exc))) from None
        if cells and any(c.strip() for c in cells):
            yield start, cells
        start = reader.line_num + 1
