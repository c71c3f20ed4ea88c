"""The page's filters: read from the URL's query string, turned into one WHERE clause with its
parameters (never pasted into the SQL), and shown back as SQL with its values written in.

Every filter is a list of values (a URL may repeat a name: `?country=Azerbaijan&country=Armenia`);
values of one filter are alternatives (OR), filters together all hold (AND).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping

from cedar.errors import UsageError

# Filters on one column of `events`, each with its facet of counts; in the order the page shows them.
COLUMNS = ("country", "admin1", "event_type", "sub_event_type", "verification_status", "source_scale",
           "date_precision", "geo_precision", "disorder_type")
# The actor filter matches either actor or their associated actors.
ACTOR = "actor"
DATES = ("since", "until")
TEXT = "q"  # words in the notes or the place's name
NAMES = (*COLUMNS, ACTOR, *DATES, TEXT)
MAX_VALUES = 50  # values of one filter in one URL
MAX_LENGTH = 500  # characters of one value


@dataclass
class Where:
    """A WHERE clause over `events` with `?` placeholders, and its parameters in order."""

    clause: str = "TRUE"
    params: list[Any] = field(default_factory=list)
    plain: Where | None = None  # the same filter over `events`, when this one reads the explorer's copies

    def sql(self) -> str:
        return "WHERE " + self.clause

    def shown(self, sql: str, extra: Iterable[Any] = ()) -> str:
        """`sql` with each placeholder replaced by its value as an SQL literal (the clause's parameters,
        then `extra`): the query to copy, in its plain form over `events`."""
        if self.plain is not None:
            return self.plain.shown(sql.replace(self.sql(), self.plain.sql(), 1), extra)
        params = [*self.params, *extra]
        parts = sql.split("?")
        if len(parts) != len(params) + 1:
            return sql
        out = [parts[0]]
        for value, rest in zip(params, parts[1:]):
            out += [literal(value), rest]
        return "".join(out)


def literal(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def read(query: Mapping[str, Any] | Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """The filters of a query string (a MultiDict or pairs), unknown names ignored, empty values dropped."""
    pairs = query.multi_items() if hasattr(query, "multi_items") else (
        query.items() if isinstance(query, Mapping) else query)
    found: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in NAMES and isinstance(value, str) and value.strip():
            if len(value) > MAX_LENGTH:
                raise UsageError(f"The value of the filter {name} is too long ({len(value)} characters).",
                                 f"Give at most {MAX_LENGTH} characters.")
            found.setdefault(name, []).append(value.strip())
    for name, values in found.items():
        if len(values) > MAX_VALUES:
            raise UsageError(f"The filter {name} has {len(values)} values.", f"Give at most {MAX_VALUES}.")
    return found


def _date(name: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"The filter {name} needs a date as YYYY-MM-DD, not {text!r}.",
                         "Pick a date in the date range.") from None


@lru_cache(maxsize=1)
def registry_names() -> dict[str, str]:
    """Each alias of the bundled actor registry (cedar/sample/actors.json), as a key, and its actor's name."""
    from cedar.ingest.actor_seed import seed_entries

    found: dict[str, str] = {}
    for entry in seed_entries():
        for alias in entry.get("aliases") or []:
            found.setdefault(_key(alias), entry["name"])
    return found


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def actor_names(given: str) -> list[str]:
    """The names an actor filter matches: the name given, and the registry's name when it is an alias."""
    named = registry_names().get(_key(given))
    return [given] if named is None or named == given else [given, named]


Words = Callable[[list[str]], tuple[list[str], list[Any]]]


def where(filters: Mapping[str, list[str]], skip: str | None = None, words: Words | None = None) -> Where:
    """The clause for all `filters` (less the one named `skip`) over `events`; with `words`, the terms
    and parameters of the word filters over the explorer's facts, from their ILIKE patterns, and the
    plain clause over `events`, which gives the same answers, in `plain`."""
    terms: list[str] = []
    params: list[Any] = []
    for name in COLUMNS:
        values = filters.get(name) or []
        if values and name != skip:
            terms.append(f"{name} IN ({', '.join('?' for _ in values)})")
            params += values
    actors = [name for given in filters.get(ACTOR) or [] for name in actor_names(given)]
    if actors and skip != ACTOR:
        one = "(actor1 = ? OR actor2 = ? OR list_contains(assoc_actor_1, ?) OR list_contains(assoc_actor_2, ?))"
        terms.append("(" + " OR ".join(one for _ in actors) + ")")
        for a in actors:
            params += [a, a, a, a]
    for name, op in (("since", ">="), ("until", "<=")):
        for text in filters.get(name) or []:
            # a span counts where it starts (the panels' rule)
            terms.append(f"event_date {op} ?")
            params.append(_date(name, text))
    patterns = ["%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for text in filters.get(TEXT) or []]
    if words and patterns:
        more, values = words(patterns)
        terms += more
        params += values
    for pattern in patterns if not words else []:
        terms.append("(notes ILIKE ? ESCAPE '\\' OR location ILIKE ? ESCAPE '\\')")
        params += [pattern, pattern]
    plain = where(filters, skip) if words and patterns else None
    return Where(" AND ".join(terms) if terms else "TRUE", params, plain)
