"""The rule of the items of the list columns: in CSV, ';' separates a list's items."""

from __future__ import annotations

from typing import Any, Iterator

from . import flat
from .model import Event
from .rules_base import Context, Finding, rule

# Every list column of the flat row (sources' names are checked on the sources themselves).
_LIST_COLUMNS = tuple(n for n, kind in flat.kinds_of(Event).items() if kind == flat.LIST and n not in ("sources",
                                                                                                       "claims"))


@rule("separator-in-list-item",
      "'{value}' in {field} is empty or contains ';', which separates list items in CSV: write each item "
      "without it.",
      "List items are not empty and do not contain ';', the list separator in CSV.",
      columns=(*_LIST_COLUMNS, "sources.name"))
def _list_items(e: Any, ctx: Context) -> Iterator[Finding]:
    for name in _LIST_COLUMNS:
        for item in getattr(e, name) or ():
            if ";" in item or not item.strip():
                yield Finding(name, item)
    for s in e.sources or ():
        if ";" in s.name:
            yield Finding("sources", s.name)
