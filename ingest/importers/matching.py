"""The same event in two datasets: likely matches, listed and linked as corroboration, never merged.

Two events are a likely match when
- they come from different datasets (the prefixes of their external ids differ; events of one
  dataset are that dataset's business, and Cedar's duplicate check covers them),
- their dates overlap once each is widened by its precision (day 1 day, week 7, month 31, span 1),
- their places lie within the distance their precisions allow (exact 10 km, near 25 km, region
  100 km; the larger of the two counts); an event placed only at country level matches nothing,
- their event types are compatible: the same type, or a pair in COMPATIBLE (one dataset's battle
  is another's shelling; UCDP's one-sided violence may be ACLED's remote violence).

A link is stored in `event_links` (declared in schema/tables.py, made by `cedar init`; made here for
a store from before that) and the view `event_corroboration`
counts, per current event, the datasets and linked events that report it: a link raises the
count of independent reports of an event without changing either event.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

DAYS = {"day": 1, "week": 7, "month": 31, "span": 1}
KM = {"exact": 10.0, "near": 25.0, "region": 100.0}
COMPATIBLE = {frozenset(p) for p in (
    ("Battles", "Explosions/Remote violence"),
    ("Violence against civilians", "Explosions/Remote violence"),
    ("Protests", "Riots"),
)}
MAX_SPAN_DAYS = 62  # a longer span is too vague to match


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


def candidate(key: str, data: Any, label: str = "") -> Candidate:
    """A Candidate from an Event (or anything with its attributes)."""
    ext = list(getattr(data, "external_ids", None) or [])
    start = data.event_date
    end = getattr(data, "event_date_end", None) or start
    return Candidate(key, frozenset(x.split(":", 1)[0] for x in ext), start, end, data.date_precision,
                     data.latitude, data.longitude, data.geo_precision, data.event_type, label or (ext[0] if ext
                                                                                                  else key))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def compatible(t1: str, t2: str) -> bool:
    return t1 == t2 or frozenset((t1, t2)) in COMPATIBLE


def _usable(c: Candidate) -> bool:
    return c.geo_precision in KM and (c.end - c.start).days <= MAX_SPAN_DAYS


def find(new: Iterable[Candidate], held: Iterable[Candidate]) -> list[Match]:
    """Likely matches between new events and held ones (each pair once, nearest first per new event)."""
    pool = sorted((c for c in held if _usable(c)), key=lambda c: c.start)
    starts = [c.start for c in pool]
    reach = dt.timedelta(days=MAX_SPAN_DAYS + 2 * max(DAYS.values()))
    out: list[Match] = []
    for a in new:
        if not _usable(a):
            continue
        lo = bisect.bisect_left(starts, a.start - reach)
        hi = bisect.bisect_right(starts, a.end + reach)
        found = []
        for b in pool[lo:hi]:
            if b.key == a.key or not a.datasets or not b.datasets or a.datasets & b.datasets:
                continue
            if not compatible(a.event_type, b.event_type):
                continue
            slack = dt.timedelta(days=max(DAYS.get(a.precision, 1), DAYS.get(b.precision, 1)))
            if a.start - slack > b.end or b.start - slack > a.end:
                continue
            km = km_between(a.latitude, a.longitude, b.latitude, b.longitude)
            if km > max(KM[a.geo_precision], KM[b.geo_precision]):
                continue
            gap = max((b.start - a.end).days, (a.start - b.end).days, 0)
            found.append(Match(a, b, gap, km))
        out.extend(sorted(found, key=lambda m: (m.days_apart, m.km)))
    return out


# --- in the store -----------------------------------------------------------------------------


def held_candidates(con: Any, start: dt.date, end: dt.date) -> list[Candidate]:
    """Current events with an external id whose dates come near [start, end]."""
    reach = MAX_SPAN_DAYS + 2 * max(DAYS.values())
    rows = con.execute(
        "SELECT event_id, external_ids, event_date, coalesce(event_date_end, event_date), date_precision, latitude, "
        "longitude, geo_precision, event_type FROM event_current WHERE len(external_ids) > 0 "
        "AND event_date <= ?::DATE + ?::INTEGER AND coalesce(event_date_end, event_date) >= ?::DATE - ?::INTEGER",
        [end, reach, start, reach]).fetchall()
    return [Candidate(r[0], frozenset(x.split(":", 1)[0] for x in r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                      r[1][0]) for r in rows]


def link(con: Any, matches: list[Match], found_by: str, now: Any) -> int:
    """Store the matches as corroboration links (once per pair), all in one transaction (row by row, Ctrl-C
    left a partial set); returns how many were new."""
    from cedar.schema import tables

    rows = []
    for m in matches:
        a, b = sorted((m.a.key, m.b.key))
        rows.append((a, b, "corroborates", m.days_apart, m.km, now, found_by))
    con.execute("BEGIN")
    try:
        for sql in (tables.create_table_sql("event_links"), *tables.store_view_sql()):
            con.execute(sql)
        before = con.execute("SELECT count(*) FROM event_links").fetchone()[0]
        if rows:
            con.executemany("INSERT INTO event_links VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
        added = con.execute("SELECT count(*) FROM event_links").fetchone()[0] - before
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):  # a broken connection rolls back when it closes
            con.execute("ROLLBACK")
        raise
    return int(added)
