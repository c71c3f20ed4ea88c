"""The columns the page filters, counts and lists, kept in memory once per release version.

A filter change asks for counts over every facet, a page of events, a time series and map
clusters: over the release's Parquet files each is a scan that decodes text again (6 s for the
facets of 3M events). So when a version's database is opened, those columns are copied into an
in-memory table (`explorer.facts`, a compressed in-memory database), the text of the facets as
ENUMs (a byte or two a value), and the page's queries read it.

Words in the notes or the place: ILIKE over the Parquet files took 1.4 s of a filter change at
3M events. So the notes and the place's name, lowered and joined by a separator, are kept once
per distinct text in `explorer.words` (code, text), and the facts hold each event's code (a hash
of its notes and place): a filter on words is LIKE over the distinct texts and a join on the code
(0.06 s at 3M events and 300k distinct texts, +50 MB). When the distinct texts would take more
than WORDS_BUDGET (every note its own, as in ACLED's), they are not kept: the events that words
match are found with ILIKE over the release's files once, kept as a table of ids (Matches), and
joined on the id.
The SQL shown for a query names `events` and ILIKE on the notes and the place (same columns,
same answers), so that it runs with `cedar query --releases`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Mapping

from . import filters as f

TABLE = "explorer.facts"
WORDS = "explorer.words"
ENUMS = (*f.COLUMNS, "actor1", "actor2")
OTHERS = ("event_id", "event_date", "location", "latitude", "longitude", "fatalities", "assoc_actor_1",
          "assoc_actor_2")
# The separator cannot be part of a match of words that do not hold it, so the joined text answers
# as the two columns do; ILIKE is LIKE on both sides lowered by the same lower(), which maps each
# character on its own (so the lowered join is the join of the lowered columns).
SEPARATOR = "\x1f"
KEY_SQL = "coalesce(notes, '') || chr(31) || coalesce(location, '')"
CODE_SQL = "hash(notes, location)"
WORD_TERM = f"words IN (SELECT code FROM {WORDS} WHERE text LIKE lower(?) ESCAPE '\\')"
WORDS_BUDGET = 128 << 20  # bytes of distinct texts kept, at most
MATCHES_KEPT = 2  # sets of words whose events are kept, for a version whose texts are not


def build(con: Any) -> bool:
    """The facts table of the release `con` reads (a connection localrelease.connect opened), and
    the words table when it fits WORDS_BUDGET; whether it does."""
    con.execute("ATTACH ':memory:' AS explorer (COMPRESS)")
    typed = []
    for c in ENUMS:
        if con.execute(f"SELECT count({c}) FROM events").fetchone()[0]:
            con.execute(f"CREATE TYPE explorer_{c} AS ENUM (SELECT DISTINCT {c} FROM events WHERE {c} IS NOT NULL)")
            typed.append(f"{c}::explorer_{c} AS {c}")
        else:  # an ENUM needs a value
            typed.append(c)
    words = _words(con)
    cols = ", ".join([*typed, *OTHERS, *([f"{CODE_SQL} AS words"] if words else [])])
    con.execute(f"CREATE TABLE {TABLE} AS SELECT {cols} FROM events")
    return words


def _words(con: Any) -> bool:
    """The distinct texts of the words filter as `explorer.words`, each with the hash of the notes and
    the place it is made of as its code, when they fit WORDS_BUDGET and no two pairs share a hash
    (else words are searched in `events`)."""
    distinct, length = con.execute(f"SELECT approx_count_distinct({CODE_SQL}), avg(strlen(coalesce(notes, ''))) "
                                   "+ avg(strlen(coalesce(location, ''))) + 1 FROM events").fetchone()
    if not distinct or distinct * length > WORDS_BUDGET:
        return False
    con.execute("CREATE TABLE explorer.texts AS SELECT DISTINCT notes, location FROM events")
    try:
        n, codes = con.execute(f"SELECT count(*), count(DISTINCT {CODE_SQL}) FROM explorer.texts").fetchone()
        if n != codes:
            return False
        con.execute(f"CREATE TABLE {WORDS} AS SELECT {CODE_SQL} AS code, lower({KEY_SQL}) AS text FROM explorer.texts")
        return True
    finally:
        con.execute("DROP TABLE explorer.texts")


class Matches:
    """For a version whose texts are not kept: the events that words match, found once over the
    release's files (ILIKE, as shown) and kept as a table of their ids, the last MATCHES_KEPT sets
    of words; the page's four queries of a filter change, and the changes after it while the words
    stay, read them from there."""

    def __init__(self) -> None:
        self._kept: OrderedDict[tuple[str, ...], str] = OrderedDict()
        self._made = 0
        self._lock = threading.Lock()  # one search at a time: the queries of one change wait for it

    def table(self, s: Any, texts: list[str]) -> str:
        key = tuple(texts)
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            w = f.where({f.TEXT: texts})
            name = f"explorer.matches_{self._made}"
            self._made += 1
            s.rows(f"CREATE TABLE {name} AS SELECT event_id FROM events {w.sql()}", w.params)
            self._kept[key] = name
            while len(self._kept) > MATCHES_KEPT:
                s.con.execute(f"DROP TABLE IF EXISTS {self._kept.popitem(last=False)[1]}")
            return name


def where(s: Any, filters: Mapping[str, list[str]]) -> tuple[f.Where, str]:
    """The clause of `filters` over the facts, and the table it reads, for the Session `s` (its
    version's `words`: whether it keeps the texts; `matches`: its Matches). The clause's plain form
    over `events` is what is shown."""
    texts = filters.get(f.TEXT) or []
    if not texts:
        return f.where(filters), TABLE
    if s.words and not any(SEPARATOR in t for t in texts):
        return f.where(filters, words=lambda patterns: ([WORD_TERM] * len(patterns), patterns)), TABLE
    if s.matches is not None:
        table = s.matches.table(s, texts)
        return f.where(filters, words=lambda _: ([f"event_id IN (SELECT event_id FROM {table})"], [])), TABLE
    return f.where(filters), "events"


def shown(sql: str) -> str:
    return sql.replace(TABLE, "events")
