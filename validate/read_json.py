"""Nested submission files: JSON Lines (one event object a line) and JSON arrays of events (or
{"events": [...]}), each record with the line it starts on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from cedar.schema import flat
from cedar.schema.model import Event
from cedar.validate.records import NEEDS, Record, Unreadable, blank_to_none, coerce, unknown_column
from cedar.validate.report import Problem, problem
from cedar.validate.text import lines


def _nested_record(path: Path, row: int, line: int | None, obj: Any) -> Record | Problem:
    if not isinstance(obj, dict):
        return problem("not-an-object", file=str(path), row=row, line=line, value=obj if not isinstance(obj, list)
                       else None, kind=_JSON_KINDS.get(type(obj), "a value"))
    kinds = flat.kinds_of(Event)
    data: dict[str, Any] = {}
    problems = []
    for name, value in obj.items():
        kind = kinds.get(name)
        if kind is None:
            problems.append(unknown_column(path, row, line, name, tuple(kinds)))
            continue
        if name in ("sources", "claims"):
            # as in a companion table, blank text in a source or claim means "not given"
            data[name] = [{k: blank_to_none(v) for k, v in item.items()} if isinstance(item, dict) else item
                          for item in value] if isinstance(value, list) else value
            continue
        try:
            data[name] = coerce(kind, value)
        except flat.CellError as exc:
            problems.append(problem(exc.code, file=str(path), row=row, line=line, field=name, value=value))
    return Record(row, line, data, problems)


def read_jsonl(path: Path, encoding: str) -> Iterator[Record | Problem]:
    count = 0
    for number, text in enumerate(lines(path, encoding), start=1):
        if not text.strip():
            continue
        count += 1
        try:
            obj = json.loads(text, parse_int=_json_int)
        except json.JSONDecodeError as exc:
            yield problem("invalid-json", file=str(path), row=number, line=number,
                          detail=f"{exc.msg} at column {exc.colno}", fix="each line holds one complete JSON object")
            continue
        except RecursionError:
            yield problem("invalid-json", file=str(path), row=number, line=number, detail="nested too deeply",
                          fix="flatten the record")
            continue
        yield _nested_record(path, number, number, obj)
    if count == 0:
        yield problem("empty-file", file=str(path), needs=NEEDS["jsonl"])


def _json_int(text: str) -> int | float:
    """A JSON integer. One longer than Python's int() takes (flat.MAX_INTEGER_TEXT; its ValueError
    would escape the decoder) is read as infinite, which the model reports as not a number."""
    return int(text) if len(text) <= flat.MAX_INTEGER_TEXT else float(text)


def read_json(path: Path, encoding: str) -> Iterator[Record | Problem]:
    text = "".join(lines(path, encoding))
    decoder = json.JSONDecoder(parse_int=_json_int)
    pos = _skip_ws(text, 0)
    if pos >= len(text):
        yield problem("empty-file", file=str(path), needs=NEEDS["json"])
        return
    first_line = 1 + text.count("\n", 0, pos)
    if text[pos] == "{":  # {"events": [...]} is accepted too
        key = text.find("[", pos)
        if key < 0 or '"events"' not in text[pos:key]:
            raise Unreadable(problem("invalid-json", file=str(path), line=first_line,
                                     detail='an object without an "events" array',
                                     fix='write an array of events, or {"events": [...]}'))
        pos = key
    if text[pos] != "[":
        raise Unreadable(problem("invalid-json", file=str(path), line=first_line, detail="not an array of events",
                                 fix="write [ {...}, {...} ]"))
    pos = _skip_ws(text, pos + 1)
    line = 1 + text.count("\n", 0, pos)
    counted_to = pos
    row = 0
    if pos < len(text) and text[pos] == "]":
        yield problem("no-rows", file=str(path), line=line, has="an empty array")
        return
    while pos < len(text):
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise Unreadable(problem("invalid-json", file=str(path), row=row + 1, line=exc.lineno,
                                     detail=f"{exc.msg} at column {exc.colno}",
                                     fix="check the commas, quotes and brackets around it")) from None
        except RecursionError:
            raise Unreadable(problem("invalid-json", file=str(path), row=row + 1, line=line,
                                     detail="nested too deeply", fix="flatten the record")) from None
        row += 1
        yield _nested_record(path, row, line, obj)
        pos = _skip_ws(text, end)
        if pos >= len(text):
            break
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if text[pos] == "]":
            return
        raise Unreadable(problem("invalid-json", file=str(path), row=row, line=1 + text.count("\n", 0, pos),
                                 detail=f"expected ',' or ']' after record {row}",
                                 fix="separate records with commas and close the array with ']'"))
    raise Unreadable(problem("invalid-json", file=str(path), row=row, line=1 + text.count("\n"),
                             detail="the array is not closed with ']'", fix="the file may be cut off: export it again"))


_JSON_KINDS = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "true or false",
               type(None): "null"}


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
