"""The actor registry: one row per actor under its canonical name (ACLED's naming style, e.g.
"Military Forces of Azerbaijan (2003-)"), with its actor type (ACLED inter code 1-8), country,
aliases, and the first and last year it was seen in an event.

It lives in the store's `actors` table. It is filled from the bundled seed registry
(cedar/sample/actors.json, cedar.ingest.actor_seed) by `cedar init`, and from the events of every
ingest and import. A store that does not hold this seed yet (made before init put it in, or by a
Cedar with another seed) is checked against its registry with the seed added, and gets the seed
at its next ingest. Checks read it into a `Registry`: aliases are replaced by canonical names,
unknown names get the closest registry names (rapidfuzz), and an actor type that contradicts the
registry is an error.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from cedar import paths
from cedar.errors import CedarError, DataError

# the seed's functions are also called through this module (the ingest puts the seed in)
from cedar.ingest.actor_seed import SEED_META, put_seed, seed_digest, seed_entries, seed_is_in  # noqa: F401
from cedar.ingest.defaults import DEFAULT_DB, ENV_DB

COLUMNS = ("name", "actor_type", "country", "aliases", "first_year", "last_year")


def key(name: str) -> str:
    """Names that differ only in case and spacing are one name."""
    return " ".join(name.casefold().split())


# ACLED names a state's forces after their country and period: "Military Forces of Ethiopia (2018-)",
# "Police Forces of Kenya (2022-) Prison Guards"
_FORCES_OF = re.compile(r"\bForces of (?:the )?(.+?)\s*(?:\(\d{4}-?\d{0,4}\)|\[|$)")
# ACLED's inter codes of a state's forces at home (1) and abroad (8, External/Other forces)
STATE, EXTERNAL = 1, 8


@lru_cache(maxsize=65536)
def home_in_name(name: str) -> str | None:
    """The ISO3 code of the country an ACLED state-forces name names, or None."""
    from cedar.schema import countries

    m = _FORCES_OF.search(name)
    return countries.code_for_name(m.group(1).strip()) if m else None


def fits_context(given: int, held: int, iso3: str | None, home: str | None) -> bool:
    """ACLED codes a state's forces at home as 1 and abroad as 8: a type 1 held by the registry and an 8 given
    (or the other way round) agree when the event's country says which applies, whatever the registry learned
    first. Other types agree when equal."""
    if given == held:
        return True
    if {given, held} != {STATE, EXTERNAL}:
        return False
    if home is None or iso3 is None:
        return True  # the actor's country is not known: either code can be right
    return (iso3 == home) == (given == STATE)


@dataclass
class Actor:
    name: str
    actor_type: int | None = None
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    first_year: int | None = None
    last_year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in COLUMNS}


class Registry:
    """The registry held in memory for a check: indexed lookups by folded name and alias."""

    def __init__(self, actors: list[Actor], source: str = "", learned: dict[str, Actor] | None = None):
        self.actors = {a.name: a for a in actors}
        self.source = source
        # what an ingest of the rows at hand would record for names (or types, countries) the registry lacks,
        # by folded name: rows are judged against it, so a second import of them gives the same verdict
        self.learned: dict[str, Actor] = {}
        self.learn(learned or {})
        self._canon: dict[str, str] = {}
        for a in actors:
            for alias in a.aliases:
                self._canon.setdefault(key(alias), a.name)
        for a in actors:  # a canonical name wins over another actor's alias of the same spelling
            self._canon[key(a.name)] = a.name
        self._choices = list(self._canon)  # folded names and aliases, for fuzzy search
        self._choices_in: dict[str, list[str]] = {}  # the same, of one country's and international actors
        self._closest: dict[tuple[str, str | None], str] = {}

    def learn(self, learned: dict[str, Actor]) -> None:
        self.learned.update((key(n), a) for n, a in learned.items())

    def __len__(self) -> int:
        return len(self.actors)

    def canonical(self, name: str) -> str | None:
        return self._canon.get(key(name))

    def known(self, name: str) -> bool:
        return key(name) in self._canon

    def type_of(self, name: str) -> int | None:
        canonical = self.canonical(name)
        held = self.actors[canonical].actor_type if canonical else None
        learned = self.learned.get(key(canonical or name)) or self.learned.get(key(name))
        return held or (learned.actor_type if learned else None)

    def home(self, name: str) -> str | None:
        """The actor's own country: the one its name names (state forces), else the registry's."""
        canonical = self.canonical(name) or name
        actor = self.actors.get(canonical)
        learned = self.learned.get(key(canonical)) or self.learned.get(key(name))
        return (home_in_name(canonical) or home_in_name(name) or (actor.country if actor else None)
                or (learned.country if learned else None))

    def type_contradiction(self, name: str, given: int | None, iso3: str | None) -> int | None:
        """The registry's type of `name` when `given` (in an event in `iso3`) contradicts it, else None."""
        held = self.type_of(name)
        if not held or not given or fits_context(given, held, iso3, self.home(name)):
            return None
        return held

    def choices_in(self, country: str | None) -> list[str]:
        """The folded names and aliases a suggestion for an event in `country` (ISO alpha-3) may offer: actors
        of that country and actors of none (international ones). All of them when the country is not given."""
        if not country:
            return self._choices
        if country not in self._choices_in:
            self._choices_in[country] = [c for c in self._choices
                                         if self.actors[self._canon[c]].country in (None, "", country)]
        return self._choices_in[country]

    def search(self, query: str, limit: int = 5, country: str | None = None) -> list[tuple[str, float, str]]:
        """(canonical name, score 0-100, the name or alias that matched), best first; with `country`, only
        actors of that country and international ones (a Kenyan event is not offered Azerbaijan's army)."""
        out: list[tuple[str, float, str]] = []
        seen: set[str] = set()
        # WRatio finds names that contain the query; ties among them (every "... army" matches "army" alike)
        # are broken by how alike the whole names are (token_sort_ratio): the score shown is their mean.
        # rapidfuzz and the store's DuckDB are imported where they are used: `cedar check` without a store
        # imports this module and needs neither (about 50 ms and 20 MB)
        from rapidfuzz import fuzz, process, utils

        q = utils.default_process(key(query))
        choices = self.choices_in(country)
        wide = process.extract(q, choices, scorer=fuzz.WRatio, processor=utils.default_process,
                               limit=min(limit * 8, len(choices)))  # a C size: never past the names
        ranked = sorted(((c, (s + fuzz.token_sort_ratio(q, c, processor=utils.default_process)) / 2)
                         for c, s, _ in wide), key=lambda cs: -cs[1])
        for choice, score in ranked:
            canonical = self._canon[choice]
            if canonical in seen:
                continue
            seen.add(canonical)
            matched = canonical if key(canonical) == choice else next(
                a for a in self.actors[canonical].aliases if key(a) == choice)
            out.append((canonical, round(float(score), 1), matched))
            if len(out) == limit:
                break
        return out

    def closest_text(self, name: str, country: str | None = None) -> str:
        """The three closest registry names with their scores, for a report (worked out once per name and
        country); with `country`, of that country's and international actors only."""
        if (name, country) not in self._closest:
            hits = self.search(name, 3, country)
            empty = (f"none of {country} or international" if country and self._choices
                     else "none (the registry is empty)")
            self._closest[name, country] = "; ".join(f"'{n}' ({s:.0f})" for n, s, _ in hits) or empty
        return self._closest[name, country]


def learned_from(events: Iterable[Any]) -> dict[str, Actor]:
    """What `record_staged` would record of these events' actors (their commonest type, and commonest
    country outside the events where they act as external forces; ties go to the lowest), by name."""
    return learned_counted((e, 1) for e in events)


def learned_counted(rows: Iterable[tuple[Any, int]]) -> dict[str, Actor]:
    """`learned_from` of (event, how many rows are like it) pairs: an importer counts its rows by shape."""
    types: dict[str, dict[int, int]] = {}
    places: dict[str, dict[str, int]] = {}
    for e, n in rows:
        if n <= 0:
            continue
        pairs = [(e.actor1, e.inter1), (e.actor2, e.inter2)]
        pairs += [(a, None) for a in (*(e.assoc_actor_1 or ()), *(e.assoc_actor_2 or ()))]
        for name, inter in pairs:
            if not name or not name.strip():
                continue
            if inter is not None and 1 <= inter <= 8:
                counts = types.setdefault(name, {})
                counts[inter] = counts.get(inter, 0) + n
            if e.iso3 and inter != EXTERNAL:
                seen = places.setdefault(name, {})
                seen[e.iso3] = seen.get(e.iso3, 0) + n
    out: dict[str, Actor] = {}
    for name in types.keys() | places.keys():
        t, p = types.get(name), places.get(name)
        out[name] = Actor(name, min(t, key=lambda k: (-t[k], k)) if t else None,
                          min(p, key=lambda k: (-p[k], k)) if p else None)
    return out


# --- the store ------------------------------------------------------------------------------


def load(con: Any, source: str = "") -> Registry:
    rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM actors ORDER BY name").fetchall()
    return Registry([Actor(r[0], r[1], r[2], list(r[3] or []), r[4], r[5]) for r in rows], source)


def load_with_seed(con: Any, source: str = "") -> Registry:
    """The store's registry with the bundled seed's actors and aliases added (what an ingest puts in)."""
    stored = {a.name: a for a in load(con).actors.values()}
    for a in seed_actors():
        if a.name in stored:
            have = stored[a.name]
            have.aliases += [x for x in a.aliases if x not in have.aliases]
            have.actor_type = have.actor_type or a.actor_type
        else:
            stored[a.name] = a
    return Registry(list(stored.values()), source)


def load_for_check(con: Any, source: str = "") -> Registry:
    """The registry rows are checked against: the store's, with the seed added when the store lacks it
    (as the ingest would put it in)."""
    return load(con, source) if seed_is_in(con) else load_with_seed(con, source)


def has_table(con: Any) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                            "AND table_name = 'actors'").fetchone()[0])


def find_store(db: Path | None) -> Path | None:
    """The store a check reads its registry from: --db, else CEDAR_DB, else the default store, if the file
    exists."""
    for candidate in (db, os.environ.get(ENV_DB), DEFAULT_DB):
        if candidate:
            return Path(candidate) if Path(candidate).is_file() else None
    return None


def open_registry(db: Path | None) -> tuple[Registry | None, str]:
    """The registry of the store a check finds, read-only, and a sentence saying where it came from or why
    there is none. A store that is busy (another process writes to it) is not waited for: the check goes on
    without the registry. A --db that names something other than a file (a FIFO would block) is refused."""
    if db is not None and os.path.lexists(db):
        paths.input_file(db, "store")
    path = find_store(db)
    if path is None:
        where = f"no store at {db}" if db else "no store (give --db or set CEDAR_DB)"
        return None, f"No actor registry: {where}; actor names were not checked."
    from cedar.ingest import store

    try:
        with store.connect(path, write=False) as con:
            if not has_table(con):
                return None, (f"No actor registry: the store {path} predates it (run `cedar init --db {path}`); "
                              "actor names were not checked.")
            registry = load_for_check(con, str(path))
    except CedarError as exc:
        return None, f"No actor registry: {exc.message} Actor names were not checked."
    return registry, f"Actor registry: {len(registry)} actors from {path}."


def seed_actors() -> list[Actor]:
    return [Actor(d["name"], d.get("actor_type"), d.get("country"), list(d.get("aliases") or []),
                  d.get("first_year"), d.get("last_year")) for d in seed_entries()]


def record_staged(con: Any) -> int:
    """The actors of the staged submission (stage_events, inside the caller's transaction) into the
    registry: new names added with the type and country they were coded with, the years seen widened.
    Returns how many actors were new."""
    before = con.execute("SELECT count(*) FROM actors").fetchone()[0]
    # the commonest type and country of each name; ties go to the lowest (mode() breaks them by the order
    # the rows happen to be scanned in, and the store must not depend on that). An actor's country is not
    # learned from events where it acts as external forces (8): those happen abroad
    con.execute("""
        INSERT INTO actors
        WITH seen AS (
            SELECT name, inter, iso3, y FROM (
                SELECT actor1 AS name, inter1 AS inter, iso3, year(event_date) AS y FROM stage_events
                UNION ALL SELECT actor2, inter2, iso3, year(event_date) FROM stage_events WHERE actor2 IS NOT NULL
                UNION ALL SELECT unnest(assoc_actor_1), NULL, iso3, year(event_date) FROM stage_events
                UNION ALL SELECT unnest(assoc_actor_2), NULL, iso3, year(event_date) FROM stage_events
            ) WHERE name IS NOT NULL AND trim(name) <> ''),
        types AS (SELECT name, first(inter ORDER BY n DESC, inter) AS inter FROM (
            SELECT name, inter, count(*) AS n FROM seen WHERE inter BETWEEN 1 AND 8 GROUP BY name, inter)
            GROUP BY name),
        places AS (SELECT name, first(iso3 ORDER BY n DESC, iso3) AS iso3 FROM (
            SELECT name, iso3, count(*) AS n FROM seen WHERE iso3 IS NOT NULL AND inter IS DISTINCT FROM 8
            GROUP BY name, iso3) GROUP BY name)
        SELECT name, t.inter, p.iso3, [], min(y), max(y) FROM seen LEFT JOIN types t USING (name)
        LEFT JOIN places p USING (name) GROUP BY name, t.inter, p.iso3
        ON CONFLICT (name) DO UPDATE SET
          actor_type = coalesce(actors.actor_type, excluded.actor_type),
          country = coalesce(actors.country, excluded.country),
          first_year = least(actors.first_year, excluded.first_year),
          last_year = greatest(actors.last_year, excluded.last_year)
    """)
    return int(con.execute("SELECT count(*) FROM actors").fetchone()[0] - before)


def add_alias(con: Any, name: str, alias: str) -> Actor:
    """Add an alias to a canonical name (the caller holds the write connection)."""
    registry = load(con)
    canonical = registry.canonical(name)
    if canonical is None or key(canonical) != key(name):
        close = registry.closest_text(name)
        raise DataError(f"'{name}' is not a canonical name in the actor registry.",
                        f"Closest names: {close}. `cedar actors search` finds others.")
    owner = registry.canonical(alias)
    if owner is not None and owner != canonical:
        what = "the canonical name" if key(owner) == key(alias) else "an alias"
        raise DataError(f"'{alias}' is already {what} of '{owner}'.",
                        "An alias names one actor: remove it there first, or choose another spelling.")
    actor = registry.actors[canonical]
    if owner is None:
        actor.aliases.append(alias)
        con.execute("UPDATE actors SET aliases = list_append(aliases, ?) WHERE name = ?", [alias, canonical])
    return actor
