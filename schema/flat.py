"""The flat form of an event (one row in the release's column order, plus companion rows for its
sources and claims) and the conversions between it and the nested model.

Column kinds, and from them the DuckDB and Arrow types, are read off the model's annotations.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from functools import lru_cache
from typing import Any, Callable

from pydantic import BaseModel

from .model import LIST_SEPARATOR, NESTED_ONLY, Claim, Event, Source

INT, FLOAT, BOOL, DATE, TIMESTAMP, TEXT, LIST = "integer", "number", "boolean", "date", "timestamp", "string", "list"

# Columns of the companion tables: the key of the event row they belong to, then their fields.
EVENT_KEY = "event_ref"
SOURCE_COLUMNS: tuple[str, ...] = (EVENT_KEY, *Source.model_fields)
CLAIM_COLUMNS: tuple[str, ...] = (EVENT_KEY, *Claim.model_fields)


def _kind(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _kind(args[0])
    if origin is list:
        return LIST
    if origin is typing.Literal:
        return _kind(type(typing.get_args(annotation)[0]))
    return {int: INT, float: FLOAT, bool: BOOL, dt.date: DATE, dt.datetime: TIMESTAMP}.get(annotation, TEXT)


@lru_cache(maxsize=None)
def kinds_of(model: type[BaseModel]) -> dict[str, str]:
    return {name: _kind(f.annotation) for name, f in model.model_fields.items()}


def event_columns() -> tuple[str, ...]:
    """The release's column order: the model's field order, less what travels in companion tables."""
    return tuple(n for n in Event.model_fields if n not in NESTED_ONLY)


def column_kinds() -> dict[str, str]:
    return {n: k for n, k in kinds_of(Event).items() if n in event_columns()}


DUCKDB_TYPES = {INT: "INTEGER", FLOAT: "DOUBLE", BOOL: "BOOLEAN", DATE: "DATE", TIMESTAMP: "TIMESTAMP",
                TEXT: "VARCHAR", LIST: "VARCHAR[]"}


def duckdb_columns(model: type[BaseModel] = Event) -> list[tuple[str, str]]:
    names = event_columns() if model is Event else tuple(model.model_fields)
    kinds = kinds_of(model)
    return [(n, DUCKDB_TYPES[kinds[n]]) for n in names]


def arrow_schema(model: type[BaseModel] = Event) -> Any:
    import pyarrow as pa

    arrow = {INT: pa.int64(), FLOAT: pa.float64(), BOOL: pa.bool_(), DATE: pa.date32(),
             TIMESTAMP: pa.timestamp("us", tz="UTC"), TEXT: pa.string(), LIST: pa.list_(pa.string())}
    names = event_columns() if model is Event else tuple(model.model_fields)
    kinds = kinds_of(model)
    return pa.schema([(n, arrow[kinds[n]]) for n in names])


# --- nested -> flat ---------------------------------------------------------------------------

def to_flat(event: Event, key: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """An event as its row (typed values, lists as lists) and its source and claim rows."""
    data = event.model_dump()
    row = {n: data[n] for n in event_columns()}
    row["sources"] = [s["name"] for s in data["sources"]]
    sources = [{EVENT_KEY: key, **s} for s in data["sources"]]
    claims = [{EVENT_KEY: key, **c} for c in data["claims"]]
    return row, sources, claims


def from_flat(row: dict[str, Any], sources: list[dict[str, Any]] | None = None,
              claims: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The nested data of an event from its flat row and companion rows (not yet validated).

    Without companion source rows, the names in the row's `sources` column become sources."""
    data = {k: v for k, v in row.items()}
    if sources:
        data["sources"] = [{k: v for k, v in s.items() if k != EVENT_KEY} for s in sources]
    elif isinstance(data.get("sources"), list):
        data["sources"] = [{"name": n} for n in data["sources"]]
    data["claims"] = [{k: v for k, v in c.items() if k != EVENT_KEY} for c in claims or ()]
    return data


# --- text cells (CSV) <-> typed values --------------------------------------------------------

class CellError(ValueError):
    """A cell whose text cannot be read as its column's kind; `code` names the rule."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


_CELL_CODES = {INT: "not-an-integer", FLOAT: "not-a-number", BOOL: "not-a-boolean", DATE: "not-a-date",
               TIMESTAMP: "not-a-timestamp"}
_INTEGER = re.compile(r"^[+-]?[0-9]+(\.0*)?$")
# Longer text is not a whole number to Python's int() (sys.get_int_max_str_digits); the SQL engine
# draws the same line, so both engines call it not-an-integer.
MAX_INTEGER_TEXT = 4300
_TRUE, _FALSE = {"true", "yes", "1", "t", "y"}, {"false", "no", "0", "f", "n"}


def _parse_int(s: str) -> int:
    if len(s) > MAX_INTEGER_TEXT or not _INTEGER.match(s):
        raise ValueError
    return int(s.partition(".")[0])  # not through float: exact however long, and no OverflowError


def _parse_bool(s: str) -> bool:
    low = s.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError


_PARSERS: dict[str, Callable[[str], Any]] = {
    INT: _parse_int, FLOAT: float, BOOL: _parse_bool, DATE: dt.date.fromisoformat,
    TIMESTAMP: lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))}


def parse_cell(kind: str, text: str) -> Any:
    """A CSV cell's text as a value of its column's kind; empty text is None (an empty list)."""
    if kind == LIST:
        return [item.strip() for item in text.split(";") if item.strip()] if text.strip() else []
    if not text or text.isspace():
        return None
    parser = _PARSERS.get(kind)
    if parser is None:  # text
        return text
    try:
        return parser(text.strip())
    except (ValueError, OverflowError):
        raise CellError(_CELL_CODES[kind]) from None


def format_cell(kind: str, value: Any) -> str:
    """A typed value as CSV text; the inverse of parse_cell."""
    if value is None:
        return ""
    if kind == LIST:
        return LIST_SEPARATOR.join(value)
    if kind == BOOL:
        return "true" if value else "false"
    if kind in (DATE, TIMESTAMP):
        return value.isoformat()
    if kind == FLOAT:
        return repr(float(value))
    return str(value)
