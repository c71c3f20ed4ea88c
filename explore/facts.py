"""The columns the page filters, counts and lists, kept in memory once per release version.

A filter change asks for counts over every facet, a page of events, a time series and map
clusters: over the release's Parquet files each is a scan that decodes text again (6 s for the
facets of 3M events). So when a version's database is opened, those columns are copied into an
in-memory table (`explorer.facts`, a compressed in-memory database), the text of the facets as
ENUMs (a byte or two a value), and the page's queries read it; a filter on words in the notes
reads the `events` view, which holds them. The SQL shown for a query names `events` (same columns,
same answers), so that it runs with `cedar query --releases`.
"""

from __future__ import annotations

from typing import Any, Mapping

from . import filters as f

TABLE = "explorer.facts"
ENUMS = (*f.COLUMNS, "actor1", "actor2")
OTHERS = ("event_id", "event_date", "location", "latitude", "longitude", "fatalities", "assoc_actor_1",
          "assoc_actor_2")


def build(con: Any) -> None:
    """The facts table of the release `con` reads (a connection localrelease.connect opened)."""
    con.execute("ATTACH ':memory:' AS explorer (COMPRESS)")
    typed = []
    for c in ENUMS:
        if con.execute(f"SELECT count({c}) FROM events").fetchone()[0]:
            con.execute(f"CREATE TYPE explorer_{c} AS ENUM (SELECT DISTINCT {c} FROM events WHERE {c} IS NOT NULL)")
            typed.append(f"{c}::explorer_{c} AS {c}")
        else:  # an ENUM needs a value
            typed.append(c)
    cols = ", ".join([*typed, *OTHERS])
    con.execute(f"CREATE TABLE {TABLE} AS SELECT {cols} FROM events")


def source(filters: Mapping[str, list[str]]) -> str:
    """The table a query with these filters reads: the facts, unless it needs the notes."""
    return "events" if filters.get(f.TEXT) else TABLE


def shown(sql: str) -> str:
    return sql.replace(TABLE, "events")
