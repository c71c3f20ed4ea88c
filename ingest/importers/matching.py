"""The same event in two datasets: likely matches, listed and linked as corroboration, never merged.

Two events are a likely match when
- they come from different datasets (the prefixes of their external ids differ; events of one
  dataset are that dataset's business, and Cedar's duplicate check covers them),
- their dates fall within the stated precision of both: each event's window is its own range of
  dates (a span), or its date widened by its own precision (day 1 day, week 7, month 31), and the
  two windows overlap; a window is never widened a second time by the other event's precision,
- neither is an aggregate (a month's or year's events summed in one row, as UCDP GED's rows of
  date_prec 4 and 5: a date of month precision, or a range of 28 days or more) unless both are,
- their places lie within the distance their precisions allow (exact 10 km, near 25 km, region
  100 km; the larger of the two counts); an event placed only at country level matches nothing,
- their event types are compatible: the same type, or a pair in COMPATIBLE (one dataset's battle
  is another's shelling; UCDP's one-sided violence may be ACLED's remote violence),
- their actors are compatible: they share an actor (names as the store holds them, aliases
  replaced by canonical names, compared without case), or their sides are of the same kinds
  (state forces, non-state armed groups, rioters, protesters, civilians: a cartel fighting a
  cartel is not a cartel fighting the police).

A link is stored in `event_links` (declared in schema/tables.py, made by `cedar init`; made here for
a store from before that), all links of an import in one transaction, and the view
`event_corroboration` counts, per current event, the datasets and linked events that report it: a
link raises the count of independent reports of an event without changing either event.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

DAYS = {"day": 1, "week": 7, "month": 31, "span": 0}
KM = {"exact": 10.0, "near": 25.0, "region": 100.0}
COMPATIBLE = {frozenset(p) for p in (
    ("Battles", "Explosions/Remote violence"),
    ("Violence against civilians", "Explosions/Remote violence"),
    ("Protests", "Riots"),
)}
MAX_SPAN_DAYS = 62  # a longer span is too vague to match
AGGREGATE_DAYS = 28  # a range this long sums a month's events (UCDP GED's date_prec 4 and 5)
# ACLED's inter codes by the kind of side they stand for: a state's forces at home (1) and abroad (8) are one
# kind, and so are rebels, militias and identity militias (2-4), which datasets draw apart differently
SIDE_KIND = {1: "state", 8: "state", 2: "armed", 3: "armed", 4: "armed", 5: "rioters", 6: "protesters",
             7: "civilians"}


@dataclass(frozen=True)
class Candidate:
    """What matching needs of an event."""

    key: str  # a Cedar event_id, or a ref / row for events not in a store yet
    datasets: frozenset[str]
    start: dt.date
    end: dt.date
    precision: str
    latitude: float
    longitude: float
    geo_precision: str
    event_type: str
    label: str = ""  # for messages: e.g. the external id
    actors: frozenset[str] = frozenset()  # folded names of every actor, associates included
    sides: frozenset[str] = frozenset()  # SIDE_KIND of actor1's and actor2's types


@dataclass(frozen=True)
class Match:
    a: Candidate
    b: Candidate
    days_apart: int
    km: float

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.a.key, "event_external": self.a.label, "other": self.b.key,
                "other_external": self.b.label, "days_apart": self.days_apart, "km": round(self.km, 1),
                "types": [self.a.event_type, self.b.event_type]}


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _actors(actor1: Any, assoc1: Any, actor2: Any, assoc2: Any) -> frozenset[str]:
    return frozenset(_fold(n) for n in (actor1, actor2, *(assoc1 or ()), *(assoc2 or ())) if n and n.strip())


def _sides(inter1: Any, inter2: Any) -> frozenset[str]:
    return frozenset(SIDE_KIND[i] for i in (inter1, inter2) if i in SIDE_KIND)


def candidate(key: str, data: Any, label: str = "") -> Candidate:
    """A Candidate from an Event (or anything with its attributes)."""
    ext = list(getattr(data, "external_ids", None) or [])
    start = data.event_date
    end = getattr(data, "event_date_end", None) or start
    return Candidate(key, frozenset(x.split(":", 1)[0] for x in ext), start, end, data.date_precision,
                     data.latitude, data.longitude, data.geo_precision, data.event_type, label or (ext[0] if ext
                                                                                                  else key),
                     _actors(data.actor1, data.assoc_actor_1, data.actor2, data.assoc_actor_2),
                     _sides(data.inter1, data.inter2))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def compatible(t1: str, t2: str) -> bool:
    return t1 == t2 or frozenset((t1, t2)) in COMPATIBLE


def _usable(c: Candidate) -> bool:
    return c.geo_precision in KM and (c.end - c.start).days <= MAX_SPAN_DAYS


def window(c: Candidate) -> tuple[dt.date, dt.date]:
    """The dates an event may have happened on, by its own precision: its range when it states one, else its
    date widened by its precision (a month-precise date: its calendar month)."""
    if c.end > c.start:
        return c.start, c.end
    if c.precision == "month":
        first = c.start.replace(day=1)
        return first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    slack = dt.timedelta(days=DAYS.get(c.precision, 1))
    return c.start - slack, c.start + slack


def aggregate(c: Candidate) -> bool:
    """A row that sums a month's (or longer) events rather than reporting one."""
    return c.precision == "month" or (c.end - c.start).days + 1 >= AGGREGATE_DAYS


def actors_compatible(a: Candidate, b: Candidate) -> bool:
    return bool(a.actors & b.actors) or (bool(a.sides) and a.sides == b.sides)


def find(new: Iterable[Candidate], held: Iterable[Candidate]) -> list[Match]:
    """Likely matches between new events and held ones (each pair once, nearest first per new event). The held
    events are grouped by their datasets and sorted by date, so a new event scans only the events of other
    datasets near its dates (an import into a store of its own dataset alone scans nothing)."""
    groups: dict[frozenset[str], list[Candidate]] = {}
    for c in held:
        if _usable(c) and c.datasets:
            groups.setdefault(c.datasets, []).append(c)
    pools = [(ds, sorted(cs, key=lambda c: c.start)) for ds, cs in groups.items()]
    pools_starts = [(ds, pool, [c.start for c in pool]) for ds, pool in pools]
    reach = dt.timedelta(days=MAX_SPAN_DAYS + 2 * max(DAYS.values()))  # the farthest two windows may lie apart
    out: list[Match] = []
    for a in new:
        if not _usable(a) or not a.datasets:
            continue
        found = []
        a_from, a_to = window(a)
        for datasets, pool, starts in pools_starts:
            if a.datasets & datasets:
                continue
            lo = bisect.bisect_left(starts, a.start - reach)
            hi = bisect.bisect_right(starts, a.end + reach)
            for b in pool[lo:hi]:
                if abs(a.latitude - b.latitude) > 1.0:  # over 111 km apart, more than any precision allows
                    continue
                match = _pair(a, b, a_from, a_to)
                if match:
                    found.append(match)
        out.extend(sorted(found, key=lambda m: (m.days_apart, m.km)))
    return out


def _pair(a: Candidate, b: Candidate, a_from: dt.date, a_to: dt.date) -> Match | None:
    if b.key == a.key or not compatible(a.event_type, b.event_type) or aggregate(a) != aggregate(b):
        return None
    b_from, b_to = window(b)
    if a_from > b_to or b_from > a_to or not actors_compatible(a, b):
        return None
    km = km_between(a.latitude, a.longitude, b.latitude, b.longitude)
    if km > max(KM[a.geo_precision], KM[b.geo_precision]):
        return None
    return Match(a, b, max((b.start - a.end).days, (a.start - b.end).days, 0), km)


# --- in the store -----------------------------------------------------------------------------


_CANDIDATE_SQL = ("SELECT event_id, external_ids, event_date, coalesce(event_date_end, event_date), date_precision, "
                  "latitude, longitude, geo_precision, event_type, actor1, assoc_actor_1, actor2, assoc_actor_2, "
                  "inter1, inter2 FROM event_current WHERE len(external_ids) > 0 ")


def _from_rows(rows: list[tuple]) -> list[Candidate]:
    return [Candidate(r[0], frozenset(x.split(":", 1)[0] for x in r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                      r[1][0], _actors(r[9], r[10], r[11], r[12]), _sides(r[13], r[14])) for r in rows]


def held_candidates(con: Any, start: dt.date, end: dt.date) -> list[Candidate]:
    """Current events with an external id whose dates come near [start, end]."""
    reach = MAX_SPAN_DAYS + 2 * max(DAYS.values())
    return _from_rows(con.execute(
        _CANDIDATE_SQL + "AND event_date <= ?::DATE + ?::INTEGER AND coalesce(event_date_end, event_date) >= "
        "?::DATE - ?::INTEGER", [end, reach, start, reach]).fetchall())


def stored_candidates(con: Any, event_ids: list[str]) -> list[Candidate]:
    """These current events as the store holds them (actor aliases replaced by canonical names)."""
    return _from_rows(con.execute(_CANDIDATE_SQL + "AND event_id IN (SELECT unnest(?::VARCHAR[]))",
                                  [event_ids]).fetchall())


def link(con: Any, matches: list[Match], found_by: str, now: Any) -> int:
    """Store the matches as corroboration links (once per pair), in one transaction: an interruption leaves
    none of them. Returns how many were new."""
    from cedar.schema import tables

    for sql in (tables.create_table_sql("event_links"), *tables.store_view_sql()):
        con.execute(sql)
    pairs = sorted({(*sorted((m.a.key, m.b.key)), m.days_apart, m.km) for m in matches})
    if not pairs:
        return 0
    return insert_links(con, "INSERT INTO event_links SELECT a, b, 'corroborates', first(days), first(km), "
                        "?::TIMESTAMP, ? FROM (SELECT unnest(?::VARCHAR[]) AS a, unnest(?::VARCHAR[]) AS b, "
                        "unnest(?::INTEGER[]) AS days, unnest(?::DOUBLE[]) AS km) GROUP BY a, b ON CONFLICT DO NOTHING",
                        [now, found_by, *(list(col) for col in zip(*pairs))])


def insert_links(con: Any, sql: str, params: list[Any]) -> int:
    """Run the INSERT into event_links in one transaction (an interruption leaves none); how many were new."""
    con.execute("BEGIN TRANSACTION")
    try:
        before = con.execute("SELECT count(*) FROM event_links").fetchone()[0]
        con.execute(sql, params)
        added = con.execute("SELECT count(*) FROM event_links").fetchone()[0] - before
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):  # a broken connection rolls back when it closes
            con.execute("ROLLBACK")
        raise
    return int(added)
