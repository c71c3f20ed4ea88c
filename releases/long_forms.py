"""The long forms analysts load, as views of a release: `actors_long`, one row per (event, actor,
role), and `sources_long`, one row per (event, source), each with the event's key columns so that
a count by actor or by source needs no join (acledR's `acled_transform_longer` gives the same
shapes from ACLED's wide rows).

Each actor row carries the inter code of its side (inter1 for actor1 and assoc_actor_1, inter2 for
actor2 and assoc_actor_2) as a number and as its label: ACLED codes no type for an associated
actor of its own, so the side's code is the one the data can give. The views read the `events`
and `sources` views, so they work wherever those do (a downloaded release, the store).
"""

from __future__ import annotations

from cedar.schema import vocab

ACTORS_VIEW, SOURCES_VIEW = "actors_long", "sources_long"

# The event's columns each long row repeats: what a count or a filter by actor or source needs.
EVENT_KEYS = ("event_date", "year", "iso3", "country", "admin1", "disorder_type", "event_type", "sub_event_type",
              "fatalities")

# (role, side, list column or None for a single actor), in the order of ACLED's columns
ROLES = (("actor1", 1, None), ("assoc_actor_1", 1, "assoc_actor_1"), ("actor2", 2, None),
         ("assoc_actor_2", 2, "assoc_actor_2"))


def inter_label_sql(expr: str) -> str:
    """The codebook's label of an inter code (vocab.ACTOR_TYPES) in SQL; NULL for 0 or NULL."""
    whens = " ".join(f"WHEN {code} THEN '{label}'" for code, label in vocab.ACTOR_TYPES.items())
    return f"(CASE {expr} {whens} END)"


def interaction_label_sql(inter1: str, inter2: str) -> str:
    """The interaction as labels, in the order of its code: "State forces-Rebel groups" (the smaller
    code first), or "Protesters only" for an event of one actor."""
    low = inter_label_sql(f"least({inter1}, {inter2})")
    high = inter_label_sql(f"greatest({inter1}, {inter2})")
    return (f"(CASE WHEN coalesce({inter2}, 0) = 0 THEN {inter_label_sql(inter1)} || ' only' "
            f"ELSE {low} || '-' || {high} END)")


def _event_keys(alias: str) -> str:
    return ", ".join(f"year({alias}.event_date) AS year" if c == "year" else f'{alias}."{c}"' for c in EVENT_KEYS)


def _actor_part(role: str, side: int, listed: str | None, rank: int) -> str:
    inter = f"e.inter{side}"
    if listed is None:
        actor, position, where = f"e.{role}", "1", f"WHERE coalesce(e.{role}, '') <> ''"
        source = "events e"
    else:
        # one row per name of the list, with its place in the list
        actor, position, where = "a.actor", "a.position", ""
        source = (f"events e, LATERAL (SELECT unnest(e.{listed}) AS actor, "
                  f"generate_subscripts(e.{listed}, 1) AS position) a")
    return (f"SELECT e.event_id, '{role}' AS role, {rank} AS role_rank, {side} AS side, "
            f"CAST({position} AS BIGINT) AS position, {actor} AS actor, "
            f"CAST(CASE WHEN {inter} = 0 THEN NULL ELSE {inter} END AS BIGINT) AS inter, "
            f"{inter_label_sql(inter)} AS inter_label, {_event_keys('e')} FROM {source} {where}")


def actors_sql() -> str:
    """One row per (event, actor, role), in event order, then ACLED's column order, then list order."""
    parts = [_actor_part(role, side, listed, rank) for rank, (role, side, listed) in enumerate(ROLES, start=1)]
    return "\nUNION ALL ".join(parts)


def view_sql() -> list[str]:
    """CREATE VIEW statements of the long forms, over the views `events` and `sources`."""
    actor_cols = "event_id, role, side, position, actor, inter, inter_label, " + ", ".join(EVENT_KEYS)
    return [
        f"CREATE OR REPLACE VIEW {ACTORS_VIEW} AS SELECT {actor_cols} FROM ({actors_sql()})",
        f"CREATE OR REPLACE VIEW {SOURCES_VIEW} AS SELECT s.*, {_event_keys('e')} FROM sources s "
        "JOIN events e ON e.event_id = s.event_id",
    ]
