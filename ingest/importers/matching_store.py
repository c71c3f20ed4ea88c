"""Likely matches of an import's events with the store's, found by DuckDB (the rules: matching.py).

The new events go into a temporary table (from the store once written, or from the rows of a dry run); DuckDB
joins them with the held events of other datasets on equal keys: the pair of dataset sets, the first day
the two events' windows share (each event is spread over the days of its window) and a band of latitude
(each new event over its band and the two beside it). What that join gives is a superset of the matches, by
rules worked out in SQL exactly as in Python (windows, latitude, types, aggregates) and the distance with a
margin; every pair it gives is judged again by `matching._pair`, so the matches are those of `matching.find`.
Neither side's events are held in Python, nor every pair: DuckDB's memory is bounded and spills, and its
pairs come back a batch at a time, ordered by the new event.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Iterable, Iterator

from . import matching
from .matching import KM, MAX_SPAN_DAYS, SIDE_KIND, Candidate, Match

BATCH = 20_000  # new events put in, and pairs fetched, at a time
NEW = "import_match_new"  # the temporary table of the new events
PAIRS = "import_match_pairs"  # the pairs DuckDB found, to judge
LINKS = "import_match_links"  # the pairs judged likely matches, to link
COLUMNS = ("key", "pos", "external_ids", "event_date", "event_end", "date_precision", "latitude", "longitude",
           "geo_precision", "event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "inter1", "inter2")
_CREATE = (f"CREATE OR REPLACE TEMP TABLE {NEW} (key VARCHAR, pos BIGINT, external_ids VARCHAR[], event_date DATE, "
           "event_end DATE, date_precision VARCHAR, latitude DOUBLE, longitude DOUBLE, geo_precision VARCHAR, "
           "event_type VARCHAR, actor1 VARCHAR, assoc_actor_1 VARCHAR[], actor2 VARCHAR, assoc_actor_2 VARCHAR[], "
           "inter1 INTEGER, inter2 INTEGER)")
_STORED = ("e.event_id, e.external_ids, e.event_date, coalesce(e.event_date_end, e.event_date), e.date_precision, "
           "e.latitude, e.longitude, e.geo_precision, e.event_type, e.actor1, e.assoc_actor_1, e.actor2, "
           "e.assoc_actor_2, e.inter1, e.inter2")


def may_match(con: Any) -> bool:
    """Whether two of the store's current events could match at all: their dataset sets differ somewhere.
    Read from the distinct sets alone (one pass, a few lists), so that an import into a store of its own
    dataset alone (ACLED into ACLED) reads no event; the new events, once stored, are among these."""
    sets = [set(r[0]) for r in con.execute(f"SELECT DISTINCT {_ds('e')} FROM event_current e "
                                           "WHERE len(e.external_ids) > 0").fetchall()]
    return any(not a & b for i, a in enumerate(sets) for b in sets[i + 1:])


def new_from_store(con: Any, ids: str) -> None:
    """The new events as the store holds them (aliases replaced by canonical names): those of `ids`, a
    relation of (event_id, pos), the first position of an event_id ordering its matches."""
    con.execute(_CREATE)
    con.execute(f"INSERT INTO {NEW} SELECT e.event_id, i.pos, {_STORED.split(', ', 1)[1]} FROM "
                f"(SELECT event_id, min(pos) AS pos FROM {ids} GROUP BY event_id) i JOIN event_current e "
                "USING (event_id) WHERE len(e.external_ids) > 0")


def new_from_events(con: Any, ids: str, events: Iterable[tuple[Any, Any]]) -> None:
    """The new events from (ref, Event) pairs not yet stored (a dry run): those whose ref is in `ids`, a
    relation of (ref, event_id, pos), keyed by its event_id. Put in a batch at a time."""
    import pyarrow as pa  # heavy: an import into the store only

    con.execute(_CREATE)
    staged = f"{NEW}_rows"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT * FROM {NEW} LIMIT 0")
    schema = con.sql(f"SELECT * FROM {staged} LIMIT 0").to_arrow_table().schema

    def put(rows: list[tuple]) -> None:
        con.register("import_match_batch", pa.Table.from_pylist([dict(zip(COLUMNS, r)) for r in rows], schema=schema))
        con.execute(f"INSERT INTO {staged} SELECT * FROM import_match_batch")
        con.unregister("import_match_batch")

    rows: list[tuple] = []
    for n, (ref, e) in enumerate(events):
        rows.append((ref, n, list(e.external_ids or []), e.event_date, e.event_date_end or e.event_date,
                     e.date_precision, e.latitude, e.longitude, e.geo_precision, e.event_type, e.actor1,
                     list(e.assoc_actor_1 or []), e.actor2, list(e.assoc_actor_2 or []), e.inter1, e.inter2))
        if len(rows) >= BATCH:
            put(rows)
            rows = []
    if rows:
        put(rows)
    rest = ", ".join(f"s.{c}" for c in COLUMNS[1:])
    con.execute(f"INSERT INTO {NEW} SELECT i.event_id, {rest} FROM {staged} s JOIN {ids} i ON i.ref = s.key "
                "WHERE len(s.external_ids) > 0")
    con.execute(f"DROP TABLE {staged}")


def _ds(alias: str) -> str:
    """An event's datasets: the prefixes of its external ids, sorted (one list per set)."""
    return f"list_sort(list_distinct(list_transform({alias}.external_ids, lambda x: split_part(x, ':', 1))))"


def _derived(alias: str) -> str:
    """An event's dataset set, its window of dates (matching.window), whether it is an aggregate, in SQL."""
    a = alias
    slack = "CASE {p} WHEN 'day' THEN 1 WHEN 'week' THEN 7 WHEN 'month' THEN 31 WHEN 'span' THEN 0 ELSE 1 END"
    slack = slack.format(p=f"{a}.date_precision")
    return (f"{_ds(a)} AS ds, "
            f"CASE WHEN {a}.event_end > {a}.event_date THEN {a}.event_date "
            f"WHEN {a}.date_precision = 'month' THEN date_trunc('month', {a}.event_date)::DATE "
            f"ELSE {a}.event_date - {slack} END AS w_from, "
            f"CASE WHEN {a}.event_end > {a}.event_date THEN {a}.event_end "
            f"WHEN {a}.date_precision = 'month' THEN (date_trunc('month', {a}.event_date) + INTERVAL 1 MONTH "
            f"- INTERVAL 1 DAY)::DATE ELSE {a}.event_date + {slack} END AS w_to, "
            f"({a}.date_precision = 'month' OR {a}.event_end - {a}.event_date + 1 >= {matching.AGGREGATE_DAYS}) "
            "AS agg")


_USABLE = (f"geo_precision IN ({', '.join(repr(k) for k in KM)}) AND event_end - event_date <= {MAX_SPAN_DAYS} "
           "AND len(external_ids) > 0")
_COMPATIBLE = " OR ".join(f"(n.event_type = '{a}' AND h.event_type = '{b}') OR (n.event_type = '{b}' AND "
                          f"h.event_type = '{a}')" for a, b in (sorted(p) for p in matching.COMPATIBLE))
_KM = ("2 * 6371.0 * asin(least(1.0, sqrt(pow(sin(radians(h.latitude - n.latitude) / 2), 2) + cos(radians("
       "n.latitude)) * cos(radians(h.latitude)) * pow(sin(radians(h.longitude - n.longitude) / 2), 2))))")


def _held_sql(lo: dt.date, hi: dt.date) -> str:
    """The store's current events of usable precision with an external id whose dates come near [lo, hi],
    with their dataset sets, windows and whether they are aggregates."""
    return f"""SELECT *, {_derived('h')} FROM (
    SELECT event_id AS key, external_ids, event_date, coalesce(event_date_end, event_date) AS event_end,
           date_precision, latitude, longitude, geo_precision, event_type, actor1, assoc_actor_1, actor2,
           assoc_actor_2, inter1, inter2 FROM event_current
    WHERE len(external_ids) > 0 AND event_date <= DATE '{hi}' AND coalesce(event_date_end, event_date) >= DATE '{lo}'
) h WHERE {_USABLE}"""


def _pairs_sql(held: str) -> str:
    """The pairs of a new event and a held one (`held`, of the dataset sets paired in `import_match_groups`)
    whose windows share a day, with their latitudes at most a degree apart, types compatible, both aggregates
    or neither, and their distance within the larger of their precisions' (with a margin: `matching._pair`
    decides). Each side is read once (a CTE read twice is held whole)."""
    cols = ", ".join(f"{{a}}.{c}" for c in COLUMNS if c != "pos")
    max_km = f"greatest({_km_of('n')}, {_km_of('h')})"
    return f"""
WITH nx AS (SELECT n.*, g.hds, n.w_from + d.i::INTEGER AS day, floor(n.latitude)::BIGINT + c.o AS cell
            FROM (SELECT *, {_derived(NEW)} FROM {NEW} WHERE {_USABLE}) n
            JOIN import_match_groups g ON g.nds = n.ds, range(0, n.w_to - n.w_from + 1) d(i),
            (VALUES (-1), (0), (1)) c(o)),
hx AS (SELECT hd.*, hd.w_from + d.i::INTEGER AS day, floor(hd.latitude)::BIGINT AS cell
       FROM ({held}) hd, range(0, hd.w_to - hd.w_from + 1) d(i)
       WHERE hd.ds IN (SELECT hds FROM import_match_groups))
SELECT {cols.format(a='n')}, {cols.format(a='h')}
FROM nx n JOIN hx h ON h.ds = n.hds AND h.day = n.day AND h.cell = n.cell
WHERE n.day = greatest(n.w_from, h.w_from) AND abs(n.latitude - h.latitude) <= 1.0 AND h.key <> n.key
  AND n.agg = h.agg AND (n.event_type = h.event_type OR {_COMPATIBLE}) AND {_KM} <= {max_km} * 1.001 + 0.01
ORDER BY n.pos, h.key"""


def _km_of(a: str) -> str:
    return f"CASE {a}.geo_precision " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in KM.items()) + " END"


def _candidate(r: tuple) -> Candidate:
    ext = r[1]
    return Candidate(r[0], frozenset(x.split(":", 1)[0] for x in ext), r[2], r[3], r[4], r[5], r[6], r[7], r[8],
                     ext[0], matching._actors(r[9], r[10], r[11], r[12]),
                     frozenset(SIDE_KIND[i] for i in (r[13], r[14]) if i in SIDE_KIND))


def find(con: Any) -> Iterator[Match]:
    """The likely matches of the new events (the temporary table) with the store's current events, as
    `matching.find` gives them: by new event in their order, nearest first."""
    lo_hi = con.execute(f"SELECT min(event_date), max(coalesce(event_end, event_date)) FROM {NEW}").fetchone()
    if lo_hi is None or lo_hi[0] is None:
        return
    reach = dt.timedelta(days=MAX_SPAN_DAYS + 2 * max(matching.DAYS.values()))
    held = _held_sql(lo_hi[0] - reach, lo_hi[1] + reach)
    # the dataset sets of either side (a few): no pair to join when none of them differ (ACLED into ACLED)
    new_sets = [r[0] for r in con.execute(f"SELECT DISTINCT {_ds(NEW)} FROM {NEW} "
                                          f"WHERE {_USABLE}").fetchall()]
    held_sets = [r[0] for r in con.execute(f"SELECT DISTINCT ds FROM ({held})").fetchall()] if new_sets else []
    groups = [(a, b) for a in new_sets for b in held_sets if not set(a) & set(b)]
    if not groups:
        return
    import pyarrow as pa  # heavy: an import into the store only

    con.register("import_match_groups", pa.table({"nds": [a for a, _ in groups], "hds": [b for _, b in groups]},
                                                 schema=pa.schema([("nds", pa.list_(pa.string())),
                                                                   ("hds", pa.list_(pa.string()))])))
    # the pairs wait in a table, read back a batch at a time: between batches the connection is free for
    # the caller (the links go into DuckDB as they are found)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PAIRS} AS SELECT row_number() OVER () AS seq, * FROM "
                f"({_pairs_sql(held)})")
    width = len(COLUMNS) - 1
    key: str | None = None
    found: list[Match] = []
    for start in itertools.count(1, BATCH):
        rows = con.execute(f"SELECT * EXCLUDE (seq) FROM {PAIRS} WHERE seq >= ? AND seq < ? ORDER BY seq",
                           [start, start + BATCH]).fetchall()
        if not rows:
            break
        for r in rows:
            a, b = _candidate(r[:width]), _candidate(r[width:])
            if a.key != key:
                yield from sorted(found, key=lambda m: (m.days_apart, m.km))
                key, found = a.key, []
            m = matching._pair(a, b, *matching.window(a))
            if m is not None:
                found.append(m)
    yield from sorted(found, key=lambda m: (m.days_apart, m.km))
    con.execute(f"DROP TABLE {PAIRS}")


class Links:
    """The pairs of the matches found, gathered in a temporary table a batch at a time, then stored as
    corroboration links in one transaction (`matching.link`'s rules: once per pair, none if interrupted)."""

    def __init__(self, con: Any):
        self.con, self.batch_size = con, BATCH
        self.batch: list[tuple[str, str, int, float]] = []
        con.execute(f"CREATE OR REPLACE TEMP TABLE {LINKS} (a VARCHAR, b VARCHAR, days INTEGER, km DOUBLE)")

    def add(self, m: Match) -> None:
        a, b = sorted((m.a.key, m.b.key))
        self.batch.append((a, b, m.days_apart, m.km))
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.con.execute(f"INSERT INTO {LINKS} SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                             "unnest(?::INTEGER[]), unnest(?::DOUBLE[])", [list(c) for c in zip(*self.batch)])
            self.batch = []

    def store(self, found_by: str, now: Any) -> int:
        """The links stored (those new); returns how many."""
        from cedar.schema import tables

        self.flush()
        con = self.con
        for sql in (tables.create_table_sql("event_links"), *tables.store_view_sql()):
            con.execute(sql)
        return matching.insert_links(
            con, f"INSERT INTO event_links SELECT a, b, 'corroborates', first(days ORDER BY days, km), "
                 f"first(km ORDER BY days, km), ?::TIMESTAMP, ? FROM {LINKS} GROUP BY a, b ON CONFLICT DO NOTHING",
            [now, found_by])
